"""static/js/rules.js in a real browser against tests/vectors/rules.json.

The server's side (applications/eligibility.py) is held to the same file by the unit tests, so
the live hints and the validator that decides cannot drift apart.
"""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.test.utils import override_settings

from applications.eligibility import ACHIEVEMENTS_LIMIT, count_chars, rule_catalogue
from applications.phrases import RULES
from gangwei.dates import format_datetime
from tests.e2e.conftest import BrowserLog, new_context, open_campaign_values, sign_in
from tests.factories import CampaignFactory, UnitFactory, UserFactory

# As tests/conftest.py sets per test: static files from the finders, not from a manifest.
TEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
VECTORS = json.loads((Path(__file__).resolve().parents[1] / "vectors" / "rules.json").read_text("utf-8"))


def _eligibility_id(case: dict) -> str:
    given = case["input"]
    parts = [f"total={given['total']}", f"women={given['women']}"]
    if given["specialPost"]:
        reason = given["specialReason"]
        parts.append(
            "special-" + ("no-reason" if not reason else "blank-reason" if not count_chars(reason) else "reason")
        )
    parts.append("leaders=" + ("".join(given["leaderGenders"]) or "none"))
    return ",".join(parts)


@pytest.fixture(scope="module")
def rules_page(browser, live_server, django_db_setup, django_db_blocker):
    """The real 新建申报表 page of a signed-in unit, loaded once for every vector.

    Its rows are written outside any test; the first test's transactional_db (which live_server
    brings) flushes them. The vectors themselves never touch the server.
    """
    context = new_context(browser, live_server)
    log = BrowserLog()
    page = context.new_page()
    log.watch(page)
    with django_db_blocker.unblock(), override_settings(STORAGES=TEST_STORAGES):
        CampaignFactory(**open_campaign_values())
        sign_in(context, live_server, UserFactory(organisation=UnitFactory()))
        response = page.goto("/apply/new/")
        page.wait_for_load_state("networkidle")
    assert response.status == 200
    assert page.locator("#application-form").count() == 1
    assert page.locator('script[src$="/static/js/rules.js"]').count() == 1
    yield page
    page.evaluate("0")
    context.close()
    log.assert_clean()


def test_rules_js_is_the_one_loaded(rules_page):
    assert rules_page.evaluate("typeof window.GangweiRules.evaluate") == "function"
    assert rules_page.evaluate("window.GangweiRules.LIMIT") == ACHIEVEMENTS_LIMIT


@pytest.mark.parametrize("case", VECTORS["count"], ids=[case["name"] for case in VECTORS["count"]])
def test_count_matches_vector(rules_page, case):
    counted = rules_page.evaluate(
        "text => ({chars: GangweiRules.countChars(text), words: GangweiRules.countWords(text)})", case["text"]
    )
    assert counted == {"chars": case["chars"], "words": case["words"]}


@pytest.mark.parametrize("case", VECTORS["eligibility"], ids=[_eligibility_id(c) for c in VECTORS["eligibility"]])
def test_evaluate_matches_vector(rules_page, case):
    result = rules_page.evaluate(
        """input => {
          const r = GangweiRules.evaluate(input);
          return {
            ok: r.ok,
            checks: Object.fromEntries(r.checks.map(c => [c.code, c.ok])),
            share: r.womenShare,
            shareText: GangweiRules.womenShareText(input.total, input.women),
            messages: Object.fromEntries(r.checks.map(c => [c.code, c.message])),
          };
        }""",
        case["input"],
    )
    assert result == {
        "ok": case["ok"],
        "checks": case["checks"],
        "share": case["share"],
        "shareText": case["share"],
        "messages": case["messages"],
    }


@pytest.mark.parametrize("case", VECTORS["share"], ids=[f"{c['women']} of {c['total']}" for c in VECTORS["share"]])
def test_share_text_matches_vector(rules_page, case):
    assert rules_page.evaluate("c => GangweiRules.womenShareText(c.total, c.women)", case) == case["text"]


def test_catalogue_on_the_page_is_the_servers(rules_page):
    """rules.js reads the phrase book from the page (json_script), not from a copy of its own."""
    on_page = rules_page.evaluate("JSON.parse(document.getElementById('rule-catalogue').textContent)")
    assert on_page == rule_catalogue()


@pytest.mark.parametrize("key", sorted(RULES))
def test_every_rule_worded_identically(rules_page, key):
    """Each phrase, placeholders filled, reads the same from GangweiRules.phrase and the server."""
    params = {"women": 6, "total": 5, "share": "59.9%", "needed": 3001, "limit": 500, "count": 501, "over": 1}
    assert rules_page.evaluate("([k, p]) => GangweiRules.phrase(k, p)", [key, params]) == RULES[key].format(**params)


def test_checklist_labels_from_the_catalogue(rules_page):
    labels = rules_page.locator("#checklist li").evaluate_all("els => els.map(e => e.firstChild.textContent.trim())")
    assert labels == [
        RULES[k] for k in ("counts_label", "share_label", "staff_label", "leader_label", "achievements_label")
    ]


@pytest.mark.parametrize("case", VECTORS["integer"], ids=[case["name"] for case in VECTORS["integer"]])
def test_parse_integer_matches_vector(rules_page, case):
    assert rules_page.evaluate("text => GangweiRules.parseInteger(text)", case["text"]) == case["value"]


def test_form_reads_counts_as_django_does(rules_page):
    """application_form.js reads 岗位总人数 through parseInteger: "1e1" is not 10, "10.0" is."""
    share = rules_page.locator("#women-share")
    try:
        rules_page.locator("#id_staff_women").fill("6")
        rules_page.locator("#id_staff_total").fill("1e1")
        assert share.text_content() == "—"
        rules_page.locator("#id_staff_total").fill("10.0")
        assert share.text_content() == "60.0%"
    finally:
        rules_page.locator("#id_staff_total").fill("")
        rules_page.locator("#id_staff_women").fill("")


def test_checklist_asks_for_special_reason_with_five_staff(rules_page):
    """The checklist refuses what submission refuses: 特殊岗位 ticked without a reason, whatever the count."""
    staff = rules_page.locator('#checklist [data-check="staff"]')
    special = rules_page.locator("#id_is_special_post")
    reason = rules_page.locator("#id_special_reason")
    try:
        rules_page.locator("#id_staff_total").fill("5")
        rules_page.locator("#id_staff_women").fill("3")
        assert "pass" in staff.get_attribute("class")
        special.check()
        reason.fill("\u3000\u00a0")
        assert "fail" in staff.get_attribute("class")
        assert staff.locator(".check-hint").text_content() == "勾选特殊岗位时，请写明理由。"
        reason.fill("窗口服务岗，按特殊岗位申报")
        assert "pass" in staff.get_attribute("class")
    finally:
        reason.fill("")
        special.uncheck()
        rules_page.locator("#id_staff_total").fill("")
        rules_page.locator("#id_staff_women").fill("")


MOMENTS = [
    dt.datetime(2020, 9, 20, 15, 59, 59, tzinfo=dt.UTC),  # 2020年9月20日 23:59:59 in Liuzhou
    dt.datetime(2020, 9, 30, 16, 0, 0, tzinfo=dt.UTC),  # already 1 October in Liuzhou
    dt.datetime(2020, 12, 7, 16, 5, 9, tzinfo=dt.UTC),
]


@pytest.mark.parametrize("moment", MOMENTS, ids=[m.isoformat() for m in MOMENTS])
def test_browser_writes_dates_as_the_server(rules_page, moment):
    """The restore banner's time reads like every date of the site (gangwei.dates.format_datetime)."""
    assert rules_page.evaluate("iso => GangweiRules.formatDateTime(iso)", moment.isoformat()) == format_datetime(moment)


def _field_error(name: str, text: str) -> str:
    """What the server's form field says of `text` ('' when it accepts it)."""
    from django.core.exceptions import ValidationError

    from applications.forms import ApplicationForm

    try:
        ApplicationForm().fields[name].clean(text)
    except ValidationError as exc:
        return "".join(exc.messages)
    return ""


COUNT_TEXTS = [case["text"] for case in VECTORS["integer"]] + ["0", "-1", "2147483647", "2147483648", "-99999999999"]


@pytest.mark.parametrize("name", ["staff_total", "staff_women"])
def test_number_field_errors_worded_as_the_server(rules_page, name):
    """Whatever is typed into 岗位总人数 / 其中女性人数, the browser says what the form field says."""
    browser = rules_page.evaluate("([n, texts]) => texts.map(t => GangweiRules.countError(n, t))", [name, COUNT_TEXTS])
    assert dict(zip(COUNT_TEXTS, browser, strict=True)) == {text: _field_error(name, text) for text in COUNT_TEXTS}
