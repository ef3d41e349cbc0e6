"""A unit's clerk in Chromium: register, fill in 附件1 with the live hints, save, submit, print;
and what happens to the typed text when the session expires or the submission is refused."""

import re

import pytest
from playwright.sync_api import expect

from applications.eligibility import count_chars, count_words
from applications.models import Application, Category, Status
from tests.e2e.conftest import PASSWORD, log_in

TEAM = Category.TEAM.label


def checklist_item(page, code: str):
    return page.locator(f'#checklist [data-check="{code}"]')


def has_class(name: str) -> re.Pattern:
    return re.compile(rf"(^|\s){name}(\s|$)")


def fill_basics(page) -> None:
    page.locator("#id_applicant_name").fill("柳州市第一测试医院儿科护理组")
    page.locator("#id_post_name").fill("儿科护理组")
    page.get_by_label(TEAM).check()
    page.locator("#id_contact_title").fill("护士长")


def fill_leader(page, index: int, *, name: str, gender: str, title: str, phone: str) -> None:
    page.locator(f'[name="leaders-{index}-name"]').fill(name)
    page.locator(f'[name="leaders-{index}-gender"]').select_option(gender)
    page.locator(f'[name="leaders-{index}-title"]').fill(title)
    page.locator(f'[name="leaders-{index}-phone"]').fill(phone)


def test_register_fill_save_submit_and_print(page, context, open_campaign, body):
    # Registration, choosing the 初审 body.
    page.goto("/accounts/register/")
    page.locator("#id_unit_name").fill("柳州市第一测试医院")
    page.locator("#id_parent").select_option(label=body.name)
    page.locator("#id_contact_name").fill("韦小红")
    page.locator("#id_phone").fill("13807720000")
    page.locator("#id_email").fill("hospital@example.com")
    page.locator("#id_username").fill("hospital1")
    page.locator("#id_password1").fill("Liuzhou-gw-2021x")
    page.locator("#id_password2").fill("Liuzhou-gw-2021x")
    page.get_by_role("button", name="注册").click()

    expect(page.get_by_role("heading", name="我的申报")).to_be_visible()
    expect(page.locator(".alert-success")).to_contain_text("注册成功")
    page.get_by_role("link", name="新建申报表", exact=True).click()
    expect(page).to_have_url(re.compile(r"/apply/new/$"))
    expect(page.locator("#id_contact_name")).to_have_value("韦小红")

    fill_basics(page)

    # 主要事迹: the counter follows every keystroke with the strict count.
    achievements = page.locator("#id_achievements")
    counter = page.locator("#achievements-counter [data-count]")
    typed = ""
    for part in ("巾帼建功，服务群众。", " Hello ", "👍"):
        achievements.press_sequentially(part)
        typed += part
        expect(counter).to_have_text(str(count_chars(typed)))
    assert count_chars(typed) == 16
    expect(page.locator("#achievements-counter [data-word-count]")).to_have_text(str(count_words(typed)))
    expect(checklist_item(page, "achievements")).to_have_class(has_class("pass"))

    # 女性占比 is computed, and the 60% rule follows it.
    share = page.locator("#women-share")
    page.locator("#id_staff_total").fill("5")
    page.locator("#id_staff_women").fill("2")
    expect(share).to_have_text("40.0%")
    expect(checklist_item(page, "share")).to_have_class(has_class("fail"))
    page.locator("#id_staff_women").fill("3")
    expect(share).to_have_text("60.0%")
    expect(checklist_item(page, "share")).to_have_class(has_class("pass"))
    expect(checklist_item(page, "staff")).to_have_class(has_class("pass"))

    # 岗位负责人: a woman in the first row, then a second row through the button.
    expect(checklist_item(page, "leader")).to_have_class(has_class("pending"))
    fill_leader(page, 0, name="覃丽", gender="F", title="护士长", phone="13907721111")
    expect(checklist_item(page, "leader")).to_have_class(has_class("pass"))
    expect(page.locator('[name="leaders-1-name"]')).to_have_count(0)
    page.get_by_role("button", name="＋ 添加负责人").click()
    expect(page.locator('[name="leaders-1-name"]')).to_be_focused()
    expect(page.locator('[name="leaders-TOTAL_FORMS"]')).to_have_value("2")
    fill_leader(page, 1, name="韦建国", gender="M", title="副主任", phone="13907722222")
    expect(checklist_item(page, "leader")).to_have_class(has_class("pass"))

    page.get_by_label(re.compile("本单位承诺")).check()

    # Save the draft: the values survive a reload.
    page.locator('button[name="draft"]').click()
    expect(page.locator(".alert-success")).to_have_text("草稿已保存。")
    expect(page).to_have_url(re.compile(r"/apply/[\w-]+/edit/$"))
    page.reload()
    expect(page.locator("#id_applicant_name")).to_have_value("柳州市第一测试医院儿科护理组")
    expect(page.locator("#id_staff_total")).to_have_value("5")
    expect(page.locator("#id_staff_women")).to_have_value("3")
    expect(share).to_have_text("60.0%")
    expect(achievements).to_have_value(typed)
    expect(counter).to_have_text("16")
    expect(page.locator('[name="leaders-1-name"]')).to_have_value("韦建国")
    expect(page.locator('[name="leaders-1-gender"]')).to_have_value("M")
    expect(page.get_by_label(TEAM)).to_be_checked()
    expect(page.locator("#restore-banner")).to_be_hidden()

    # Submit: the detail page says 已提交.
    page.locator('button[name="submit"]').click()
    expect(page).to_have_url(re.compile(r"/apply/[\w-]+/$"))
    expect(page.locator(".badge.status")).to_have_text(Status.SUBMITTED.label)
    expect(page.locator(".alert-success")).to_contain_text("申报表已提交")
    application = Application.objects.get()
    assert (application.status, application.staff_women, application.achievements) == (Status.SUBMITTED, 3, typed)
    assert [leader.name for leader in application.leaders.order_by("id")] == ["覃丽", "韦建国"]

    # Print: the link gives a PDF (fetched with the browser's cookies).
    link = page.get_by_role("link", name="打印申报表（PDF）")
    response = context.request.get(link.get_attribute("href"))
    assert (response.status, response.headers["content-type"]) == (200, "application/pdf")
    assert response.body()[:5] == b"%PDF-"


@pytest.mark.parametrize("expiry", ["session-cookie-expired", "all-cookies-cleared"])
def test_typed_text_survives_an_expired_session(page, context, browser_log, open_campaign, unit_user, expiry):
    log_in(page, unit_user.username, PASSWORD)
    page.get_by_role("link", name="新建申报表", exact=True).click()
    expect(page.locator("#restore-banner")).to_be_hidden()
    page.locator("#id_applicant_name").fill("柳州市第一测试医院儿科护理组")
    page.get_by_label(TEAM).check()
    page.locator("#id_staff_total").fill("7")
    page.locator("#id_staff_women").fill("5")
    page.locator('[name="leaders-0-name"]').fill("覃丽")
    page.get_by_role("button", name="＋ 添加负责人").click()
    page.locator('[name="leaders-1-name"]').fill("韦建国")
    text = "我们班组坚持“巾帼建功”，\n连续三年零投诉 👍。"
    page.locator("#id_achievements").fill(text)

    if expiry == "session-cookie-expired":
        # What a browser does when the two-hour session runs out: the CSRF cookie stays.
        context.clear_cookies(name="sessionid")
        page.locator('button[name="submit"]').click()
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/apply/new/$"))
        log_in(page, unit_user.username, PASSWORD)
        expect(page).to_have_url(re.compile(r"/apply/new/$"))
    else:
        # Every cookie gone: the CSRF check refuses the post and says the text is kept.
        browser_log.expect(r"/apply/new/: Failed to load resource: the server responded with a status of 403")
        context.clear_cookies()
        page.locator('button[name="submit"]').click()
        expect(page.get_by_role("heading", name="页面已过期，本次提交未被接受")).to_be_visible()
        page.get_by_role("link", name="重新登录").click()
        log_in(page, unit_user.username, PASSWORD)
        page.get_by_role("link", name="新建申报表", exact=True).click()
    assert Application.objects.count() == 0

    banner = page.locator("#restore-banner")
    expect(banner).to_be_visible()
    expect(page.locator("#id_applicant_name")).to_have_value("")
    banner.get_by_role("button", name="恢复这些内容").click()
    expect(banner).to_be_hidden()
    expect(page.locator("#id_applicant_name")).to_have_value("柳州市第一测试医院儿科护理组")
    expect(page.get_by_label(TEAM)).to_be_checked()
    expect(page.locator("#id_staff_total")).to_have_value("7")
    expect(page.locator("#women-share")).to_have_text("71.4%")
    expect(page.locator('[name="leaders-1-name"]')).to_have_value("韦建国")
    expect(page.locator("#id_achievements")).to_have_value(text)
    expect(page.locator("#achievements-counter [data-count]")).to_have_text(str(count_chars(text)))


def test_refused_submission_shows_errors_in_place_and_keeps_the_text(page, open_campaign, unit_user):
    log_in(page, unit_user.username, PASSWORD)
    page.goto("/apply/new/")
    fill_basics(page)
    page.locator("#id_staff_total").fill("2")
    page.locator("#id_staff_women").fill("2")
    fill_leader(page, 0, name="覃丽", gender="F", title="站长", phone="13907721111")
    text = "夜间值守，服务群众。"
    page.locator("#id_achievements").fill(text)
    page.get_by_label(re.compile("本单位承诺")).check()
    expect(checklist_item(page, "staff")).to_have_class(has_class("fail"))

    page.locator('button[name="submit"]').click()

    expect(page.locator(".alert-warning")).to_contain_text("内容已保存为草稿，但尚未提交")
    staff_error = "岗位只有2名工作人员，少于3人；如属特殊岗位，请勾选“特殊岗位”并写明理由。"
    expect(page.locator("#id_staff_total")).to_have_class(has_class("is-invalid"))
    expect(page.locator("#div_id_staff_total .invalid-feedback")).to_have_text(staff_error)
    expect(page.locator(".invalid-feedback")).to_have_count(1)
    expect(checklist_item(page, "staff")).to_have_class(has_class("fail"))
    expect(page.locator("#id_applicant_name")).to_have_value("柳州市第一测试医院儿科护理组")
    expect(page.locator("#id_staff_total")).to_have_value("2")
    expect(page.locator('[name="leaders-0-name"]')).to_have_value("覃丽")
    expect(page.locator("#id_achievements")).to_have_value(text)
    application = Application.objects.get()
    assert application.status == Status.DRAFT

    # Mark it a special post with a reason, submit again from the same page: one application.
    page.get_by_label("属于特殊岗位（工作人员少于3人）").check()
    page.locator("#id_special_reason").fill("高速公路收费站夜间值守岗，编制2人")
    expect(checklist_item(page, "staff")).to_have_class(has_class("pass"))
    page.locator('button[name="submit"]').click()
    expect(page.locator(".badge.status")).to_have_text(Status.SUBMITTED.label)
    assert list(Application.objects.values_list("pk", "status")) == [(application.pk, Status.SUBMITTED)]


def test_no_restore_offer_after_a_successful_submission(page, open_campaign, unit_user):
    log_in(page, unit_user.username, PASSWORD)
    page.goto("/apply/new/")
    fill_basics(page)
    page.locator("#id_staff_total").fill("5")
    page.locator("#id_staff_women").fill("3")
    fill_leader(page, 0, name="覃丽", gender="F", title="护士长", phone="13907721111")
    page.locator("#id_achievements").fill("班组坚持优质服务，连续三年零投诉。")
    page.get_by_label(re.compile("本单位承诺")).check()
    page.locator('button[name="submit"]').click()
    expect(page.locator(".badge.status")).to_have_text(Status.SUBMITTED.label)

    page.goto("/apply/new/")
    expect(page.locator("#application-form")).to_be_visible()
    expect(page.locator("#restore-banner")).to_be_hidden()


def test_no_restore_offer_after_a_refused_then_accepted_submission(page, open_campaign, unit_user):
    log_in(page, unit_user.username, PASSWORD)
    page.goto("/apply/new/")
    fill_basics(page)
    page.locator("#id_staff_total").fill("5")
    page.locator("#id_staff_women").fill("3")
    fill_leader(page, 0, name="覃丽", gender="F", title="护士长", phone="13907721111")
    page.locator("#id_achievements").fill("班组坚持优质服务，连续三年零投诉。")
    page.locator('button[name="submit"]').click()  # refused: the pledge is not ticked
    expect(page.locator(".alert-warning")).to_contain_text("尚未提交")
    page.get_by_label(re.compile("本单位承诺")).check()
    page.locator('button[name="submit"]').click()
    expect(page.locator(".badge.status")).to_have_text(Status.SUBMITTED.label)

    page.goto("/apply/new/")
    expect(page.locator("#application-form")).to_be_visible()
    expect(page.locator("#restore-banner")).to_be_hidden(timeout=1_000)
