"""What a clerk sees of the form rules on a phone (390 px): an incomplete 岗位负责人 row marked on
that row with everything kept, the limits shown before typing, and the Chinese 400 page."""

from playwright.sync_api import expect

from applications import phrases
from gangwei import phrases as core_phrases
from tests.e2e.conftest import PHONE, new_context, screenshot, sign_in


def test_incomplete_leader_row_and_limits_on_a_phone(browser, live_server, open_campaign, unit_user):
    context = new_context(browser, live_server, viewport=PHONE)
    sign_in(context, live_server, unit_user)
    page = context.new_page()
    page.goto("/apply/new/")

    expect(page.locator("#id_unit_opinion")).to_have_attribute("maxlength", "300")
    expect(page.get_by_text("最多300字", exact=True)).to_be_visible()
    expect(page.get_by_text("最多200字", exact=True)).to_be_attached()  # under 特殊岗位理由, shown when ticked
    page.locator("#id_applicant_name").fill("柳州市第一测试医院儿科护理组")
    page.locator('[name="leaders-0-name"]').fill("覃丽")
    page.locator('[name="leaders-0-title"]').fill("护士长")
    page.get_by_role("button", name="保存草稿").click()

    expect(page.get_by_text(phrases.LEADER_GENDER_MISSING, exact=True)).to_be_visible()
    expect(page.locator('[name="leaders-0-name"]')).to_have_value("覃丽")
    expect(page.locator('[name="leaders-0-title"]')).to_have_value("护士长")
    expect(page.locator("#id_applicant_name")).to_have_value("柳州市第一测试医院儿科护理组")
    page.get_by_text(phrases.LEADER_GENDER_MISSING, exact=True).scroll_into_view_if_needed()
    screenshot(page, "form-rules-leader-row-390")
    context.close()


def test_bad_request_page_on_a_phone(browser, live_server, transactional_db):
    context = new_context(browser, live_server, viewport=PHONE)
    page = context.new_page()

    response = page.goto("/apply/%00/")

    assert response.status == 400
    expect(page.get_by_role("heading", name="无法处理这个请求")).to_be_visible()
    expect(page.get_by_text(core_phrases.REQUEST_NUL_IN_URL)).to_be_visible()
    screenshot(page, "bad-request-390")
    context.close()
