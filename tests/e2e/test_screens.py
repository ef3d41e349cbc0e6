"""The applicant's pages at desktop and phone width: nothing sticks out sideways or is squeezed,
and a full-page screenshot of each is left in E2E_SHOTS_DIR (/tmp/e2e-shots) for a person to look at."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import Status
from applications.services import application_submit
from tests.e2e.conftest import DESKTOP, PHONE, layout_problems, new_context, screenshot, sign_in
from tests.factories import ApplicationFactory

VIEWPORTS = {
    "desktop-1280": {"viewport": DESKTOP},
    "phone-390": {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True},
}


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_applicant_pages_fit_the_screen(browser, live_server, browser_log, open_campaign, unit_user, size):
    draft = ApplicationFactory(campaign=open_campaign, unit=unit_user.organisation)
    submitted = ApplicationFactory(
        campaign=open_campaign, unit=unit_user.organisation, applicant_name="柳州市第一测试医院门诊导医班组"
    )
    application_submit(application=submitted, user=unit_user)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED

    context = new_context(browser, live_server, **VIEWPORTS[size])
    try:
        sign_in(context, live_server, unit_user)
        page = context.new_page()
        browser_log.watch(page)
        problems = {}

        def visit(name: str, path: str | None = None) -> None:
            if path:
                page.goto(path)
            page.wait_for_load_state("networkidle")
            screenshot(page, f"{size}-{name}")
            problems[name] = layout_problems(page)

        visit("my-applications", "/apply/")
        visit("form-new", "/apply/new/")
        visit("form-draft", f"/apply/{draft.key}/edit/")

        page.locator("#id_staff_total").fill("2")
        page.locator("#id_staff_women").fill("2")
        page.locator('button[name="submit"]').click()
        expect(page.locator("#div_id_staff_total .invalid-feedback")).to_be_visible()
        visit("form-refused")

        visit("detail-submitted", f"/apply/{submitted.key}/")
        expect(page.locator(".badge.status")).to_have_text(re.compile("已提交"))

        assert problems == dict.fromkeys(problems, [])
        page.evaluate("0")
        browser_log.assert_clean()
    finally:
        context.close()
