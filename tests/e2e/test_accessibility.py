"""axe-core on every page of the project, for every role, at phone (390 px) and desktop (1280 px)
width: WCAG 2.x A/AA plus target-size (2.2 AA). No serious or critical violation anywhere.

Every violation found (of any impact) is written to E2E_SHOTS_DIR/axe-<size>.json for the record;
the test fails on the serious and critical ones and prints each with its nodes.
"""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from applications.models import Attachment, Status
from applications.services import application_submit
from applications.workflow import Action, transition
from gangwei.models import Organisation, OrgKind, User
from review.city.assessment import assessment_conclude, assessment_record, criteria_of
from review.city.naming import naming_decide
from review.city.training import attendance_record, training_session_create
from review.models import Certificate, Method, Objection, Publicity, PublicityEntry, SummaryReport
from tests.e2e.conftest import (
    AXE_BLOCKING,
    DESKTOP,
    PHONE,
    SHOTS_DIR,
    axe_violations,
    describe_violations,
    expect_axe_noise,
    new_context,
    screenshot,
    sign_in,
    small_targets,
)
from tests.factories import ApplicationFactory, BodyFactory, UnitFactory, UserFactory

VIEWPORTS = {
    "desktop-1280": {"viewport": DESKTOP},
    "phone-390": {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True},
}


def submitted(campaign, unit, user, name):
    application = ApplicationFactory(campaign=campaign, unit=unit, applicant_name=name)
    return application_submit(application=application, user=user)


@pytest.fixture
def people(open_campaign, body, unit_user):
    """One of each: applicant (with a draft holding a scan, a submitted and a returned application),
    its reviewer, the city, a superuser, and a login without an organisation."""
    unit = unit_user.organisation
    reviewer = UserFactory(username="reviewer_cz", organisation=body)
    city_org = Organisation.objects.create(kind=OrgKind.CITY, name="柳州市妇女联合会", short_name="市妇联宣发部")
    city = UserFactory(username="city", organisation=city_org)
    admin = User.objects.create_superuser("root", "root@lzfl.example", "Root-Admin-2021")
    nobody = UserFactory(username="nobody", organisation=None)

    draft = ApplicationFactory(campaign=open_campaign, unit=unit, applicant_name="柳州市第一测试医院草稿班组")
    scan = Attachment.objects.create(
        application=draft,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="scan.pdf"),
        original_name="盖章扫描件.pdf",
        content_type="application/pdf",
        size=15,
        sha256="0" * 64,
        uploaded_by=unit_user,
    )
    sent = submitted(open_campaign, unit, unit_user, "柳州市第一测试医院门诊导医班组")
    returned = submitted(open_campaign, unit, unit_user, "柳州市第一测试医院药剂科")
    returned = transition(application=returned, action=Action.RETURN, actor=reviewer, note="请补充主要事迹中的数据。")
    other_unit = UnitFactory(name="柳州市第二测试公司", parent=body)
    other_user = UserFactory(username="other_clerk", organisation=other_unit)
    reported = submitted(open_campaign, other_unit, other_user, "柳州市第二测试公司客服部")
    reported = transition(application=reported, action=Action.RECOMMEND, actor=reviewer)
    reported = transition(application=reported, action=Action.REPORT, actor=reviewer)
    assert (returned.status, reported.status) == (Status.RETURNED, Status.REPORTED)
    # 初审 (ui helper): a recommendation to rank, and a filing for the city to reopen.
    recommended = submitted(open_campaign, other_unit, other_user, "柳州市第二测试公司营业厅")
    transition(application=recommended, action=Action.RECOMMEND, actor=reviewer)
    # (another body's: this body's decision forms stay open for the check)
    report = SummaryReport.objects.create(
        campaign=open_campaign,
        body=BodyFactory(name="柳州市鱼峰区妇女联合会", short_name="鱼峰区妇联", code="YF"),
        file=ContentFile(b"x", name="summary.xlsx"),
        sha256="0" * 64,
        size=1,
        rows=1,
        filed_by=reviewer,
        filed_at=timezone.now(),
    )
    city_stages = city_stage_data(open_campaign, unit, unit_user, reviewer, city, [reported])
    return {
        **city_stages,
        "report": report,
        "applicant": unit_user,
        "reviewer": reviewer,
        "city": city,
        "admin": admin,
        "nobody": nobody,
        "draft": draft,
        "scan": scan,
        "submitted": sent,
        "returned": returned,
        "reported": reported,
        "campaign": open_campaign,
    }


def city_stage_data(campaign, unit, unit_user, reviewer, city, reported) -> dict:
    """The city's stages, through their services where the real clock allows: a training session with
    attendance, two posts assessed and passed, one of them in an ended 公示 and named (certificate), the
    other in an open 公示 with a pending objection. (The 公示 rows are written directly: publishing
    through the service needs the holiday table of the real year, and an ended period a past one.)"""
    named_post = submitted(campaign, unit, unit_user, "柳州市第一测试医院儿科护理组")
    named_post = transition(application=named_post, action=Action.RECOMMEND, actor=reviewer)
    named_post = transition(application=named_post, action=Action.REPORT, actor=reviewer)
    open_post = reported[0]
    today = timezone.localdate()
    session = training_session_create(
        user=city,
        campaign=campaign,
        title=f"{campaign.year}年度巾帼文明岗创建培训（第一期）",
        held_on=today,
        place="柳州市妇联五楼会议室",
    )
    attendance_record(user=city, session=session, attendees={named_post.key: "覃秀兰", open_post.key: "韦春燕"})
    points = {criterion.pk: criterion.max_points * Decimal("0.9") for criterion in criteria_of(campaign)}
    for post in (named_post, open_post):
        assessment_record(
            user=city,
            application=post,
            method=Method.VISIT,
            assessed_on=today,
            comment="现场查看，服务规范。",
            veto=False,
            veto_reason="",
            points=points,
        )
        assessment_conclude(user=city, application=post)
    ended = Publicity.objects.create(
        campaign=campaign,
        starts_on=today - dt.timedelta(days=14),
        days=5,
        ends_on=today - dt.timedelta(days=7),
        published_at=timezone.now() - dt.timedelta(days=14),
    )
    PublicityEntry.objects.create(publicity=ended, application=named_post, position=1)
    named_post = naming_decide(user=city, application=named_post, name=True)
    running = Publicity.objects.create(
        campaign=campaign, starts_on=today, days=5, ends_on=today + dt.timedelta(days=7), published_at=timezone.now()
    )
    PublicityEntry.objects.create(publicity=running, application=open_post, position=1)
    Objection.objects.create(
        publicity=running,
        application=open_post,
        name="李女士",
        phone="13800000000",
        content="该岗位挂牌材料与实际不符。",
        source="0" * 64,
        submitted_at=timezone.now(),
    )
    return {
        "session": session,
        "named_post": named_post,
        "certificate": Certificate.objects.get(application=named_post),
    }


def pages_by_role(p) -> dict[str, list[tuple[str, str]]]:
    uid = urlsafe_base64_encode(force_bytes(p["applicant"].pk))
    token = default_token_generator.make_token(p["applicant"])
    draft, sent, returned, reported = p["draft"], p["submitted"], p["returned"], p["reported"]
    return {
        None: [
            ("login", "/accounts/login/"),
            ("register", "/accounts/register/"),
            ("password-reset", "/accounts/password_reset/"),
            ("password-reset-done", "/accounts/password_reset/done/"),
            ("password-reset-confirm", f"/accounts/reset/{uid}/{token}/"),
            ("password-reset-bad-link", "/accounts/reset/MQ/bad-token/"),
            ("password-reset-complete", "/accounts/reset/done/"),
            ("404", "/no-such-page/"),
            ("admin-login", "/admin/login/"),
            # the city's stages, public side
            ("publicity-public", f"/publicity/{p['campaign'].year}/"),
            ("named-public", f"/named/{p['campaign'].year}/"),
            ("verify", f"/verify/{p['certificate'].number}/"),
            ("verify-missing", "/verify/2000-999/"),
        ],
        "applicant": [
            ("home-applicant", "/"),
            ("my-applications", "/apply/"),
            ("form-new", "/apply/new/"),
            ("form-draft", f"/apply/{draft.key}/edit/"),
            ("form-refused", f"/apply/{draft.key}/edit/?check=1"),
            ("form-returned", f"/apply/{returned.key}/edit/"),
            ("detail-draft", f"/apply/{draft.key}/"),
            ("detail-submitted", f"/apply/{sent.key}/"),
            ("detail-returned", f"/apply/{returned.key}/"),
            ("withdraw", f"/apply/{sent.key}/withdraw/"),
            ("attachment-delete", f"/apply/{draft.key}/attachments/{p['scan'].pk}/delete/"),
            ("password-change", "/accounts/password_change/"),
            ("password-change-done", "/accounts/password_change/done/"),
            ("403-applicant", "/review/"),
            ("detail-named", f"/apply/{p['named_post'].key}/"),
            ("403-applicant-city", "/city/assessment/"),
        ],
        "reviewer": [
            ("home-reviewer", "/"),
            ("review-list", "/review/"),
            ("review-detail-submitted", f"/apply/{sent.key}/"),
            ("review-detail-returned", f"/apply/{returned.key}/"),
            ("review-detail-reported", f"/apply/{reported.key}/"),
            ("403-reviewer", "/apply/"),
            # 初审 (ui helper)
            ("review-queue-filtered", "/review/?status=submitted&q=测试"),
            ("review-page-submitted", f"/review/{sent.key}/"),
            ("review-page-returned", f"/review/{returned.key}/"),
            ("review-rank", "/review/rank/"),
            ("review-summary", "/review/summary/"),
            ("review-page-named", f"/review/{p['named_post'].key}/"),
            ("403-reviewer-city", "/city/naming/"),
        ],
        "city": [
            ("home-city", "/"),
            ("city-list", "/city/"),
            ("city-detail", f"/apply/{reported.key}/"),
            # 初审 (ui helper)
            ("city-review-page", f"/review/{reported.key}/"),
            ("city-reopen", f"/city/summary/{p['report'].pk}/reopen/"),
            # the city's stages
            ("city-training", "/city/training/"),
            ("city-attendance", f"/city/training/?session={p['session'].pk}"),
            ("city-assessment", "/city/assessment/"),
            ("city-assess-open", f"/city/assessment/{reported.key}/"),
            ("city-assess-named", f"/city/assessment/{p['named_post'].key}/"),
            ("city-ranking", "/city/assessment/ranking/"),
            ("city-publicity", "/city/publicity/"),
            ("city-naming", "/city/naming/"),
        ],
        "admin": [
            ("admin-index", "/admin/"),
            ("admin-campaign-change", f"/admin/gangwei/campaign/{p['campaign'].pk}/change/"),
        ],
        "nobody": [("no-role", "/")],
    }


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_every_page_has_no_serious_accessibility_violation(browser, live_server, browser_log, people, size):
    # Pages that answer 403/404 on purpose log the failed load; nothing else may be logged.
    browser_log.expect(r"Failed to load resource: the server responded with a status of (403|404|429)")
    expect_axe_noise(browser_log)
    found: dict[str, list[dict]] = {}
    tiny: dict[str, list[str]] = {}

    def check(page, name: str) -> None:
        found[name] = axe_violations(page)
        # Our own pages on a phone; Django's admin is held to axe's rules only.
        tiny[name] = small_targets(page) if size.startswith("phone") and not name.startswith("admin") else []
        screenshot(page, f"axe-{size}-{name}")

    for role, pages in pages_by_role(people).items():
        context = new_context(browser, live_server, **VIEWPORTS[size])
        try:
            if role is not None:
                sign_in(context, live_server, people[role])
            page = context.new_page()
            browser_log.watch(page)
            for name, path in pages:
                page.goto(path)
                page.wait_for_load_state("networkidle")
                check(page, name)
            if role is None:
                # The lockout page: the sixth wrong password in a row for one username.
                for attempt in range(6):
                    page.goto("/accounts/login/")
                    page.locator("#id_username").fill(people["applicant"].username)
                    page.locator("#id_password").fill(f"wrong-{attempt}")
                    page.locator('button[type="submit"]').click()
                    page.wait_for_load_state("networkidle")
                expect(page.locator("h1")).to_have_text("登录失败次数过多")
                check(page, "lockout")
            if role == "applicant":
                # A row marked for deletion is struck through, and still readable.
                page.goto(f"/apply/{people['draft'].key}/edit/")
                page.locator('[name="honours-0-DELETE"]').check()
                expect(page.locator('[data-rows="honours"] [data-row]').first).to_have_class(re.compile("row-deleted"))
                check(page, "form-row-deleted")
                # A refused submission straight from the form (the summary and the field errors).
                page.goto(f"/apply/{people['draft'].key}/edit/")
                page.locator("#id_staff_total").fill("2")
                page.locator("#id_staff_women").fill("3")
                page.locator('button[name="submit"]').click()
                page.wait_for_load_state("networkidle")
                expect(page.locator("#div_id_staff_women .invalid-feedback")).to_be_visible()
                check(page, "form-refused-post")
            page.evaluate("0")
        finally:
            context.close()

    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    (SHOTS_DIR / f"axe-{size}.json").write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
    (SHOTS_DIR / f"targets-{size}.json").write_text(json.dumps(tiny, ensure_ascii=False, indent=1), encoding="utf-8")
    blocking = {name: [v for v in vs if v["impact"] in AXE_BLOCKING] for name, vs in found.items()}
    report = "\n".join(describe_violations(name, vs) for name, vs in blocking.items() if vs)
    assert len(found) == sum(len(pages) for pages in pages_by_role(people).values()) + 3
    assert blocking == dict.fromkeys(found, []), "serious or critical accessibility violations:\n" + report
    small = "\n".join(f"{name}: {', '.join(t)}" for name, t in tiny.items() if t)
    assert tiny == dict.fromkeys(found, []), "targets smaller than 24 px on a phone:\n" + small
    browser_log.assert_clean()


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.name || document.activeElement.tagName")


def test_refused_form_goes_to_first_error_and_summary_links_go_to_fields(
    browser, live_server, browser_log, open_campaign, unit_user
):
    draft = ApplicationFactory(campaign=open_campaign, unit=unit_user.organisation)
    context = new_context(browser, live_server, **VIEWPORTS["phone-390"])
    try:
        sign_in(context, live_server, unit_user)
        page = context.new_page()
        browser_log.watch(page)

        # A refused 提交 (saved as a draft): the first field in error has the focus, in view.
        page.goto(f"/apply/{draft.key}/edit/")
        page.locator("#id_applicant_name").fill("")
        page.locator('[name="leaders-0-title"]').fill("")
        page.locator('button[name="submit"]').click()
        page.wait_for_load_state("networkidle")
        summary = page.locator("[data-error-summary]")
        expect(summary.locator("li")).to_have_text(
            ["申报单位：请填写申报单位（单位全称及科室/班组）。", "第1位负责人未填写：职务。"]
        )
        assert focused(page) == "id_applicant_name"
        expect(page.locator("#id_applicant_name")).to_be_in_viewport()

        # The summary's link of the rows goes to the rows' first field.
        page.evaluate("window.scrollTo(0, 0)")
        summary.get_by_role("link", name="第1位负责人未填写：职务。").click()
        assert focused(page) == "id_leaders-0-name"
        expect(page.locator("#id_leaders-0-name")).to_be_in_viewport()

        # A refused 提交 whose only error is about the 岗位负责人 rows: focus on the rows' first field.
        page.locator("#id_applicant_name").fill("柳州市第一测试医院客服班组")
        page.locator('button[name="submit"]').click()
        page.wait_for_load_state("networkidle")
        expect(summary.locator("li")).to_have_text(["第1位负责人未填写：职务。"])
        assert focused(page) == "id_leaders-0-name"
        expect(page.locator("#id_leaders-0-name")).to_be_in_viewport()

        # A refused draft whose only error is in a 曾获荣誉 row: focus on that row's field.
        page.locator('[name="leaders-0-title"]').fill("班组长")
        page.get_by_role("button", name="＋ 添加荣誉").click()
        page.locator('[name="honours-1-year"]').fill("2020")
        page.locator('button[name="draft"]').click()
        page.wait_for_load_state("networkidle")
        expect(summary.locator("li")).to_have_text(["曾获荣誉第2行 · 荣誉名称：请填写荣誉名称，或删除这一行。"])
        assert focused(page) == "id_honours-1-title"
        expect(page.locator("#id_honours-1-title")).to_be_in_viewport()
        page.evaluate("0")
        browser_log.assert_clean()
    finally:
        context.close()
