"""Accessibility without a browser (axe-core runs in tests/e2e/test_accessibility.py): what a
submission needs is marked before the clerk submits, the error summary of a refused form links each
error to its field (row fields included), and a logged-out page has no menu button."""

import re

from tests.test_views_application import LEADER, form_data

SUMMARY = re.compile(r'<div class="alert alert-danger error-summary"[^>]*data-error-summary>(.*?)</div>', re.S)


def summary_of(html: str) -> list[tuple[str, str]]:
    block = SUMMARY.search(html)
    if block is None:
        return []
    return re.findall(r'<li>(?:<a href="([^"]*)">)?(.*?)(?:</a>)?</li>', block.group(1))


def test_fields_a_submission_needs_are_marked_before_submitting(apply_window, applicant, campaign, client_for):
    html = client_for(applicant).get("/apply/new/").content.decode()

    required = set(re.findall(r'<(?:input|select|textarea)[^>]*name="([^"]+)"[^>]*aria-required="true"', html))
    required |= set(re.findall(r'<(?:input|select|textarea)[^>]*aria-required="true"[^>]*name="([^"]+)"', html))
    marked = set(re.findall(r'id="div_id_([^"]+)" class="[^"]*\bsubmit-required\b', html))

    row = {"leaders-0-name", "leaders-0-gender", "leaders-0-title", "leaders-0-phone"}
    template_row = {name.replace("-0-", "-__prefix__-") for name in row}
    fields = {"applicant_name", "post_name", "parent_unit", "contact_name", "contact_title", "contact_phone",
              "unit_opinion", "staff_total", "staff_women", "special_reason", "achievements", "pledge"}
    assert required == fields | row | template_row
    assert marked == fields | row | template_row | {"category"}  # a radio group: its legend is marked
    assert "带 <span class=\"required-mark\">*</span> 的为提交时必填项" in html


def test_no_summary_on_a_form_not_yet_sent(apply_window, applicant, campaign, client_for):
    html = client_for(applicant).get("/apply/new/").content.decode()
    assert "data-error-summary" not in html


def test_summary_of_a_refused_draft_links_form_and_row_fields(apply_window, applicant, campaign, client_for):
    client = client_for(applicant)
    data = form_data(button="draft", staff_total="5", staff_women="6", leaders=[LEADER, {**LEADER, "name": "覃" * 41}])
    html = client.post("/apply/new/", data).content.decode()
    # The row field's message, word for word as it stands beside the field.
    beside = re.search(r'id="error_1_id_leaders-1-name"[^>]*><strong>(.*?)</strong>', html).group(1)
    assert beside == "最多40字，当前为41字，请删减后再保存。"  # gangwei.phrases.INPUT_TOO_LONG
    assert summary_of(html) == [
        ("#id_staff_women", "其中女性人数：女性人数（6）不能大于岗位总人数（5）。"),
        ("#id_leaders-1-name", f"岗位负责人第2行 · 姓名：{beside}"),
    ]
    data = form_data(button="draft", honours=[{"year": "2019", "title": "", "issuer": "柳州市妇联"}])
    html2 = client.post("/apply/new/", data).content.decode()
    assert summary_of(html2) == [("#id_honours-0-title", "曾获荣誉第1行 · 荣誉名称：请填写荣誉名称，或删除这一行。")]
    for anchor, _ in summary_of(html) + summary_of(html2):
        assert f'id="{anchor[1:]}"' in html + html2


def test_summary_of_a_refused_submission_links_each_rule(apply_window, applicant, campaign, client_for):
    data = form_data(applicant_name="", category=None, leaders=[{**LEADER, "title": ""}])
    html = client_for(applicant).post("/apply/new/", data).content.decode()

    assert summary_of(html) == [
        ("#id_applicant_name", "申报单位：请填写申报单位（单位全称及科室/班组）。"),
        ("#id_category_0", "创建对象类别：请选择创建对象类别。"),
        ("#leaders", "第1位负责人未填写：职务。"),
    ]
    assert 'id="id_category_0"' in html and '<fieldset class="form-section" id="leaders">' in html


def test_menu_button_only_when_there_is_a_menu(apply_window, applicant, campaign, client):
    logged_out = client.get("/accounts/login/").content.decode()
    client.force_login(applicant)
    logged_in = client.get("/apply/").content.decode()
    assert ("navbar-toggler" in logged_out, "navbar-toggler" in logged_in) == (False, True)
