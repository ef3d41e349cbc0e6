"""Pages that tell the truth, in a real browser at phone and desktop width: the closed 申报 window
(a notice, the saved content read-only), the floored 女性占比 and its note, the timeline as a
history. Screenshots are left in E2E_SHOTS_DIR (/tmp/e2e-shots) for a person to look at."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.phrases import RULES, STAGE_READ_ONLY
from applications.services import application_submit
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    SHOTS_DIR,
    layout_problems,
    new_context,
    open_campaign_values,
    screenshot,
    sign_in,
)
from tests.factories import ApplicationFactory, CampaignFactory

VIEWPORTS = {
    "desktop-1280": {"viewport": DESKTOP},
    "phone-390": {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True},
}


def closed_campaign_values() -> dict:
    """申报 closed at the end of yesterday; 初审 and the later stages still ahead."""
    values = open_campaign_values()
    yesterday = timezone.localtime() - dt.timedelta(days=1)
    values["apply_closes_at"] = yesterday.replace(hour=23, minute=59, second=59, microsecond=0)
    return values


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_closed_apply_pages(browser, live_server, browser_log, transactional_db, unit_user, size):
    campaign = CampaignFactory(**closed_campaign_values())
    draft = ApplicationFactory(campaign=campaign, unit=unit_user.organisation, applicant_name="截止前未提交的草稿岗位")
    context = new_context(browser, live_server, **VIEWPORTS[size])
    try:
        sign_in(context, live_server, unit_user)
        page = context.new_page()
        browser_log.watch(page)
        problems = {}

        page.goto("/apply/new/")
        notice = page.locator("#stage-closed")
        expect(notice.locator("h2")).to_have_text("申报已截止，现在不能新建申报表")
        expect(page.locator("#application-form")).to_have_count(0)
        expect(page.get_by_role("link", name="新建申报", exact=True)).to_have_count(0)
        screenshot(page, f"{size}-closed-new")
        problems["new"] = layout_problems(page)

        page.goto(f"/apply/{draft.key}/edit/")
        expect(notice.locator("h2")).to_have_text("申报已截止，现在不能修改或提交申报表")
        expect(notice).to_contain_text(STAGE_READ_ONLY)
        expect(page.locator("#id_applicant_name")).to_have_value("截止前未提交的草稿岗位")
        assert page.locator("#id_applicant_name").evaluate("el => el.readOnly") is True
        assert page.locator("#id_pledge").evaluate("el => el.disabled") is True
        expect(page.locator('button[name="submit"], button[name="draft"], [data-add-row]')).to_have_count(0)
        # The live hints still read what was saved.
        expect(page.locator("#women-share")).to_have_text("60.0%")
        screenshot(page, f"{size}-closed-edit")
        page.locator("#id_staff_total").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS_DIR / f"{size}-closed-edit-fields.png"))
        problems["edit"] = layout_problems(page)

        page.goto("/apply/")
        expect(page.locator("td[data-label='下一步']")).to_have_text(
            "申报已截止，这份草稿不能再提交；如需延期，请联系柳州市城中区妇女联合会"
        )
        screenshot(page, f"{size}-closed-list")
        problems["list"] = layout_problems(page)

        assert problems == dict.fromkeys(problems, [])
        page.evaluate("0")
        browser_log.assert_clean()
    finally:
        context.close()


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_share_and_history(browser, live_server, browser_log, open_campaign, unit_user, size):
    submitted = ApplicationFactory(
        campaign=open_campaign, unit=unit_user.organisation, staff_total=5001, staff_women=3000
    )
    submitted.staff_women = 3001
    submitted.save()
    application_submit(application=submitted, user=unit_user)
    context = new_context(browser, live_server, **VIEWPORTS[size])
    try:
        sign_in(context, live_server, unit_user)
        page = context.new_page()
        browser_log.watch(page)

        page.goto("/apply/new/")
        share = page.locator("#women-share")
        page.locator("#id_staff_total").fill("5001")
        page.locator("#id_staff_women").fill("3000")
        expect(share).to_have_text("59.9%")
        expect(page.locator('#checklist [data-check="share"] .check-hint')).to_have_text(
            "女性占比为59.9%，未达到60%（5001人的岗位至少需要3001名女性）。"
        )
        page.locator("#id_staff_total").fill("5")
        page.locator("#id_staff_women").fill("6")
        expect(share).to_have_text(RULES["share_women_above_total"])
        expect(page.locator('#checklist [data-check="counts"] .check-hint')).to_have_text(
            "女性人数（6）不能大于岗位总人数（5）。"
        )
        page.locator("#id_staff_women").fill("-1")
        expect(page.locator('#checklist [data-check="counts"] .check-hint')).to_have_text(RULES["women_negative"])
        screenshot(page, f"{size}-share-note")
        page.locator("#women-share").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS_DIR / f"{size}-share-note-view.png"))

        page.goto(f"/apply/{submitted.key}/")
        expect(page.locator(".timeline-what")).to_have_text(["提交申报表，送初审单位初审"])
        expect(page.locator(".timeline-who")).to_have_text(["柳州市第一测试医院 · 测试"])
        screenshot(page, f"{size}-detail-history")
        page.locator(".timeline").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS_DIR / f"{size}-detail-history-view.png"))
        assert layout_problems(page) == []
        page.evaluate("0")
        browser_log.assert_clean()
    finally:
        context.close()
