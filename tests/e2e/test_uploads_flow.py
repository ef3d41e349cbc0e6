"""Uploading and deleting scans in a real browser, at phone width: the quota line, a hostile file
refused with its reason, deleting asks first (a page, no JavaScript needed). Screenshots are left in
E2E_SHOTS_DIR for a person to look at."""

import pytest
from playwright.sync_api import expect

from applications import phrases
from tests.e2e.conftest import PHONE, layout_problems, new_context, screenshot, sign_in
from tests.factories import ApplicationFactory, pdf_bytes


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_upload_then_delete_after_asking(browser, live_server, browser_log, open_campaign, unit_user, javascript):
    draft = ApplicationFactory(campaign=open_campaign, unit=unit_user.organisation)
    context = new_context(browser, live_server, viewport=PHONE, device_scale_factor=2, java_script_enabled=javascript)
    try:
        sign_in(context, live_server, unit_user)
        page = context.new_page()
        browser_log.watch(page)
        page.goto(f"/apply/{draft.key}/")
        expect(page.locator(".upload-quota")).to_contain_text("已上传 0 个文件，共 0 KB；还可上传 10 个、30 MB")

        page.locator("#id_files").set_input_files(
            [
                {"name": "盖章扫描件.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()},
                {
                    "name": "polyglot.html",
                    "mimeType": "text/html",
                    "buffer": b"%PDF-1.4\n<html><script>alert(1)</script></html>\n",
                },
            ]
        )
        page.get_by_role("button", name="上传").click()
        page.wait_for_load_state()
        expect(page.get_by_text("已上传：盖章扫描件.pdf")).to_be_visible()
        expect(page.get_by_text(f"polyglot.html：{phrases.UPLOAD_PDF_UNREADABLE}")).to_be_visible()
        expect(page.locator(".upload-quota")).to_contain_text("已上传 1 个文件")
        if javascript:
            screenshot(page, "phone-390-uploads-detail")
            assert layout_problems(page) == []

        page.get_by_role("link", name="删除 盖章扫描件.pdf").click()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", name="删除附件")).to_be_visible()
        expect(page.get_by_role("cell", name="盖章扫描件.pdf")).to_be_visible()
        if javascript:
            screenshot(page, "phone-390-uploads-delete-question")
            assert layout_problems(page) == []
        assert list(draft.attachments.values_list("original_name", flat=True)) == ["盖章扫描件.pdf"]

        page.get_by_role("button", name="确认删除").click()
        page.wait_for_load_state()
        expect(page.get_by_text("已删除附件：盖章扫描件.pdf")).to_be_visible()
        assert list(draft.attachments.all()) == []
        if javascript:
            page.evaluate("0")  # let the last console events arrive
        browser_log.assert_clean()
    finally:
        context.close()
