"""Accounts in Chromium: registration on a phone opens at its first field and shows the password
rules before anything is typed; a weak password is refused beside the password field; after logout
the back button shows no page of the user who left."""

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, log_in, new_context, screenshot

PHONE_CONTEXT = {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def test_register_on_a_phone_opens_at_the_first_field(browser, live_server, browser_log, open_campaign, body):
    context = new_context(browser, live_server, **PHONE_CONTEXT)
    try:
        page = context.new_page()
        browser_log.watch(page)
        page.goto("/accounts/register/")
        page.wait_for_load_state("networkidle")
        screenshot(page, "register-phone-390")
        assert page.evaluate("() => [window.scrollY, document.activeElement.id]") == [0, "id_unit_name"]
        expect(page.locator("#id_unit_name")).to_be_in_viewport()
        rules = page.locator("#id_password1_helptext li")
        expect(rules).to_have_count(5)
        expect(rules.first).to_have_text("至少10个字符（最多128个）")

        for name, value in [
            ("unit_name", "柳州市第一测试医院"),
            ("contact_name", "韦小红"),
            ("phone", "13807720000"),
            ("email", "hospital@example.com"),
            ("username", "hospital1"),
            ("password1", "Passw0rd12"),
            ("password2", "Passw0rd12"),
        ]:
            page.locator(f"#id_{name}").fill(value)
        page.locator("#id_parent").select_option(label=body.name)
        page.get_by_role("button", name="注册").click()
        page.wait_for_load_state("networkidle")
        error = page.locator("#div_id_password1 .invalid-feedback")
        expect(error).to_have_text(
            "您的密码太常见，或只是在常见的词（如 password、admin、liuzhou）前后加上数字或符号，很容易被猜中。"
        )
        expect(page.locator("#div_id_password2 .invalid-feedback")).to_have_count(0)
        expect(page.locator("#id_unit_name")).to_have_value("柳州市第一测试医院")
        error.scroll_into_view_if_needed()
        screenshot(page, "register-phone-390-weak-password")
        browser_log.assert_clean()
    finally:
        context.close()


def test_back_button_after_logout_shows_nothing_of_the_user(page, open_campaign, unit_user):
    log_in(page, "unit_clerk")
    # What tells the browser (its HTTP cache and its back-forward cache) to keep nothing of it.
    response = page.goto("/apply/")
    assert response.headers["cache-control"] == "private, no-store"
    expect(page.get_by_role("heading", name="我的申报")).to_be_visible()
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/")
    page.go_back()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="我的申报")).to_have_count(0)
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
