"""Browser tests: Playwright's sync API drives Debian's Chromium against pytest-django's live_server.

Every test in this folder is marked ``e2e``. A missing or broken Chromium fails the run with a
message; these tests never skip (CI treats skipped browser tests as a failure).

The clock: the browser and the server must agree on the time. Freezing the server at 2020 with
time_machine does work (it patches the process clock, so the live server's thread sees it too), but
then Chromium lives in 2026 while Django writes cookies and deadlines for 2020, and PostgreSQL's own
clock is not frozen at all. So the campaign here is built around the real now instead (see
``open_campaign``): one clock for browser, server and database, nothing patched.
"""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.factories import BodyFactory, CampaignFactory, UnitFactory, UserFactory

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # iPhone 12 to 15
SHOTS_DIR = Path(os.environ.get("E2E_SHOTS_DIR", "/tmp/e2e-shots"))
PASSWORD = "Gangwei-2021-test"  # what UserFactory sets

# Reported by the page itself: the browser logs CSP violations, but this does not depend on it.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.page_cache)  # the site as it runs: pages kept between requests


@pytest.fixture(scope="package")
def browser():
    """One Chromium for this folder; closed when the folder is done, so that Playwright's event
    loop does not stay current in the main thread while the rest of the suite runs."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install Debian's package (apt-get install chromium) "
            "or point E2E_CHROMIUM at a Chromium binary. The browser tests do not skip.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except PlaywrightError as exc:
            pytest.fail(f"Chromium at {CHROMIUM} did not start: {exc}", pytrace=False)
        yield chromium
        chromium.close()


class BrowserLog:
    """Console errors and uncaught exceptions of the pages it watches (CSP violations included)."""

    def __init__(self):
        self.entries: list[str] = []
        # The site has no favicon; Chromium asks for /favicon.ico on every page and logs the 404.
        self.expected: list[re.Pattern] = [re.compile(r"/favicon\.ico: Failed to load resource")]

    def watch(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.entries.append(f"uncaught exception on {page.url}: {exc}"))

    def _on_console(self, message) -> None:
        if message.type in ("error", "warning", "assert"):
            location = message.location or {}
            self.entries.append(f"console.{message.type} at {location.get('url', '?')}: {message.text}")

    def expect(self, pattern: str) -> None:
        """Allow entries matching `pattern` (a page that is meant to answer 403, say)."""
        self.expected.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [e for e in self.entries if not any(p.search(e) for p in self.expected)]

    def assert_clean(self) -> None:
        problems = self.unexpected()
        assert problems == [], "the browser reported errors:\n" + "\n".join(problems)


def new_context(browser, live_server, viewport=DESKTOP, **kwargs):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport=viewport,
        **kwargs,
    )
    context.set_default_timeout(10_000)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    return context


@pytest.fixture
def browser_log():
    return BrowserLog()


@pytest.fixture
def context(browser, live_server):
    context = new_context(browser, live_server)
    yield context
    context.close()


@pytest.fixture
def page(context, browser_log):
    """A desktop-sized page; the test fails if the browser logged an error or a CSP violation."""
    page = context.new_page()
    browser_log.watch(page)
    yield page
    if not page.is_closed():
        page.evaluate("0")  # let the last console events arrive
    problems = browser_log.unexpected()
    if problems:
        pytest.fail("the browser reported errors:\n" + "\n".join(problems), pytrace=False)


def open_campaign_values(now: dt.datetime | None = None) -> dict:
    """A campaign whose 申报 window is open now: opened a week ago, closes in thirty days."""
    now = timezone.localtime(now or timezone.now())

    def end_of_day(days: int) -> dt.datetime:
        return (now + dt.timedelta(days=days)).replace(hour=23, minute=59, second=59, microsecond=0)

    return {
        "year": now.year + 1,
        "notice_number": f"柳妇通〔{now.year}〕42号",
        "title": f"{now.year + 1}年度柳州市巾帼文明岗创建",
        "opens_at": now - dt.timedelta(days=7),
        "apply_closes_at": end_of_day(30),
        "first_review_closes_at": end_of_day(60),
        "assessment_closes_at": end_of_day(240),
        "naming_closes_at": end_of_day(300),
    }


@pytest.fixture
def open_campaign(transactional_db):
    return CampaignFactory(**open_campaign_values())


@pytest.fixture
def body(transactional_db):
    return BodyFactory(name="柳州市城中区妇女联合会", short_name="城中区妇联", code="CZ")


@pytest.fixture
def unit_user(body):
    unit = UnitFactory(name="柳州市第一测试医院", parent=body, contact_name="韦小红", contact_phone="13807720000")
    return UserFactory(username="unit_clerk", organisation=unit)


def sign_in(context, live_server, user) -> None:
    """Give the browser a session for `user` without going through the login page."""
    client = Client()
    client.force_login(user, backend="gangwei.auth_backends.OrganisationModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Fill in the login form the page shows (or open it first)."""
    if "/accounts/login/" not in page.url:
        page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def screenshot(page, name: str) -> Path:
    """A full-page PNG for people to look at (not compared, not committed)."""
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    path = SHOTS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def layout_problems(page) -> list[str]:
    """What a phone user would trip over: elements sticking out to the right (sideways scrolling,
    scrollable .table-responsive boxes aside) and table cells squeezed narrower than four characters."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
            (typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\\s+/).join(".") : "");
          const out = [];
          document.querySelectorAll("body *").forEach(el => {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && r.right > width + 1 && !el.closest(".table-responsive")) {
              out.push("sticks out: " + name(el) + " right=" + Math.round(r.right));
            }
          });
          document.querySelectorAll("main td, main th").forEach(el => {
            const r = el.getBoundingClientRect();
            const em = parseFloat(getComputedStyle(el).fontSize);
            if (r.width > 0 && el.textContent.trim().length >= 4 && r.width < 4 * em) {
              out.push("squeezed: " + name(el) + " " + JSON.stringify(el.textContent.trim().slice(0, 12)) +
                       " width=" + Math.round(r.width));
            }
          });
          return out;
        }"""
    )


# --- accessibility: axe-core (npm, node_modules/axe-core) run inside the page ---------------------

AXE_SCRIPT = HERE.parents[1] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0/2.1/2.2 level A and AA; target-size (24 px) is the wcag22aa rule.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_BLOCKING = ("serious", "critical")


def axe_violations(page) -> list[dict]:
    """Every axe-core violation on the page as it is now, each as {id, impact, help, nodes}.

    The script is handed to the page through Playwright's evaluate (the DevTools protocol), which
    the site's Content-Security-Policy does not govern: the page under test keeps its real CSP.
    """
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"axe-core not found at {AXE_SCRIPT}: run npm ci (package.json lists it).", pytrace=False)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
                                      preload: false})
             .then(r => r.violations.map(v => ({
               id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 200),
                                         summary: n.failureSummary}))})))""",
        AXE_TAGS,
    )
    return result


def expect_axe_noise(browser_log: "BrowserLog") -> None:
    """axe-core, run through evaluate, sets an inline style now and then; the page's CSP rightly
    blocks it and the browser logs it with no source URL (a violation of the page itself names it)."""
    browser_log.expect(r"^console\.error at : Applying inline style violates")
    browser_log.expect(r"^console\.error at : CSP violation: style-src(-elem|-attr)? blocked inline at :\d+$")


def describe_violations(where: str, violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{where}: [{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    {node['target']}  {node['html']}")
            lines.extend(f"      {s}" for s in (node["summary"] or "").splitlines())
    return "\n".join(lines)


def small_targets(page, minimum: int = 24) -> list[str]:
    """Controls smaller than `minimum` CSS px either way (WCAG 2.2's 2.5.8, without its spacing
    exception): links, buttons, fields, and the labels of checkboxes and radios. A link inside a
    sentence (a <p>) is exempt, as WCAG exempts inline targets."""
    return page.evaluate(
        """minimum => {
          const out = [];
          const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 &&
            getComputedStyle(el).visibility !== "hidden"; };
          document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, label").forEach(el => {
            if (!visible(el)) return;
            if (el.tagName === "A" && el.closest("p")) return;
            // A checkbox or radio with a label: the label is its target too, and is measured itself.
            if (["checkbox", "radio"].includes(el.type) && el.labels && el.labels.length) return;
            if (el.tagName === "LABEL") {
              const input = el.control;
              if (!input || !["checkbox", "radio"].includes(input.type)) return;
            }
            const r = el.getBoundingClientRect();
            if (r.width < minimum - 0.5 || r.height < minimum - 0.5) {
              out.push(el.tagName.toLowerCase() + (el.name ? "[name=" + el.name + "]" : "") + " " +
                JSON.stringify((el.textContent || el.value || "").trim().slice(0, 16)) + " " +
                Math.round(r.width) + "x" + Math.round(r.height));
            }
          });
          return out;
        }""",
        minimum,
    )
