"""The admin in a real browser: the pages of §5 read in Chinese, with no console error or CSP
violation (the admin's own JavaScript included), and screenshots for people to look at."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt

from gangwei.models import Campaign, User
from tests.e2e.conftest import DESKTOP, PHONE, new_context, screenshot, sign_in

# Names, not words (as in tests/test_admin_chinese.py), and what the fixtures typed.
ALLOWED = {"ip", "sha", "control", "command", "mac", "root", "clerk", "mozilla"}


@pytest.fixture
def root(transactional_db):
    return User.objects.create_superuser("root", "root@lzfl.example", "Root-Admin-2021")


@pytest.fixture
def moved_campaign(open_campaign, root):
    open_campaign.apply_closes_at += dt.timedelta(days=2)
    open_campaign._history_user = root
    open_campaign._change_reason = "暴雨停课，延长申报"
    open_campaign.save()
    AccessAttempt.objects.create(
        user_agent="Mozilla/5.0",
        ip_address="10.0.0.1",
        username="clerk",
        http_accept="text/html",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=3,
    )
    return open_campaign


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_admin_pages_in_chinese_in_the_browser(browser, live_server, browser_log, root, moved_campaign, viewport):
    context = new_context(browser, live_server, viewport=viewport)
    sign_in(context, live_server, root)
    page = context.new_page()
    browser_log.watch(page)
    created = moved_campaign.history.earliest()
    base = f"/admin/gangwei/campaign/{moved_campaign.pk}"
    pages = {
        "index": "/admin/",
        "campaign-change": f"{base}/change/",
        "campaign-history": f"{base}/history/",
        "campaign-version": f"{base}/history/{created.history_id}/",
        "campaign-revert": f"{base}/history/{created.history_id}/revert/",
        "axes-attempts": "/admin/axes/accessattempt/",
    }
    english = {}
    for name, url in pages.items():
        page.goto(url)
        screenshot(page, f"admin-{name}-{viewport['width']}")
        text = re.sub(r"(?<![\w])/[\w./-]*", " ", page.locator("body").inner_text())  # paths are data
        words = {word.lower() for word in re.findall(r"[A-Za-z][A-Za-z']*[A-Za-z]", text)} - ALLOWED
        if words:
            english[name] = sorted(words)
    context.close()
    assert english == {}
    browser_log.assert_clean()


def test_admin_deadline_change_asks_reason_in_the_browser(page, live_server, root, moved_campaign):
    sign_in(page.context, live_server, root)
    page.goto(f"/admin/gangwei/campaign/{moved_campaign.pk}/change/")
    page.locator("#id_naming_closes_at_0").fill(f"{moved_campaign.year + 1}-01-01")
    page.locator("input[name=_save]").click()
    page.wait_for_load_state()
    error = page.locator(".field-change_reason .errorlist").inner_text()
    screenshot(page, "admin-campaign-reason-required")
    assert error == "您修改了命名截止，请填写修改理由（将记入修改记录）。"
    assert Campaign.objects.get(pk=moved_campaign.pk).naming_closes_at == moved_campaign.naming_closes_at
