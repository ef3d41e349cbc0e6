"""applications/eligibility.py: the shared rule vectors, the section 二(三) edges and the 500-字 limit."""

import json
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError

from applications.eligibility import (
    achievements_error,
    count_chars,
    count_words,
    evaluate,
    submission_errors,
    women_share_text,
)

VECTORS = json.loads((Path(__file__).parent / "vectors" / "rules.json").read_text(encoding="utf-8"))


def _eligibility_id(vector: dict) -> str:
    i = vector["input"]
    return (
        f"total={i['total']} women={i['women']} special={i['specialPost']} "
        f"reason={i['specialReason']!r} leaders={''.join(i['leaderGenders']) or '-'}"
    )


# --- the shared vectors (static/js/rules.js runs the same file) ---


@pytest.mark.parametrize("vector", VECTORS["count"], ids=[v["name"] for v in VECTORS["count"]])
def test_count_chars_vector(vector):
    assert count_chars(vector["text"]) == vector["chars"]


@pytest.mark.parametrize("vector", VECTORS["count"], ids=[v["name"] for v in VECTORS["count"]])
def test_count_words_vector(vector):
    assert count_words(vector["text"]) == vector["words"]


@pytest.mark.parametrize("vector", VECTORS["eligibility"], ids=[_eligibility_id(v) for v in VECTORS["eligibility"]])
def test_evaluate_vector(vector):
    i = vector["input"]
    result = evaluate(
        total=i["total"],
        women=i["women"],
        special_post=i["specialPost"],
        special_reason=i["specialReason"],
        leader_genders=i["leaderGenders"],
    )
    assert {check.code: check.ok for check in result.checks} == vector["checks"]
    assert result.ok is vector["ok"]
    assert result.women_share == vector["share"]
    assert {check.code: check.message for check in result.checks} == vector["messages"]


@pytest.mark.parametrize("vector", VECTORS["eligibility"], ids=[_eligibility_id(v) for v in VECTORS["eligibility"]])
def test_women_share_text_vector(vector):
    assert women_share_text(vector["input"]["total"], vector["input"]["women"]) == vector["share"]


@pytest.mark.parametrize("vector", VECTORS["share"], ids=[f"{v['women']} of {v['total']}" for v in VECTORS["share"]])
def test_women_share_display_vector(vector):
    assert women_share_text(vector["total"], vector["women"]) == vector["text"]


def test_share_vectors_hold_the_agreed_cases():
    """The cases COMMON.md agreed on are in the file both sides read, with the agreed text."""
    shown = {(v["total"], v["women"]): v["text"] for v in VECTORS["share"]}
    assert [shown[(5001, 3000)], shown[(5, 3)], shown[(5, 6)], shown[(0, 0)]] == [
        "59.9%",
        "60.0%",
        "无法计算（女性人数多于岗位总人数）",
        "无法计算（岗位总人数须大于0）",
    ]


@pytest.mark.parametrize("vector", VECTORS["integer"], ids=[v["name"] for v in VECTORS["integer"]])
def test_integer_field_vector(vector):
    """The vectors' numbers are Django's: GangweiRules.parseInteger is held to the same file."""
    try:
        value = forms.IntegerField(required=False).clean(vector["text"])
    except ValidationError:
        value = None
    assert value == vector["value"]


# --- section 二(三) edges ---


def _evaluate(total, women, *, special_post=False, special_reason="", leaders=("F",)):
    return evaluate(
        total=total,
        women=women,
        special_post=special_post,
        special_reason=special_reason,
        leader_genders=list(leaders),
    )


def test_evaluate_three_of_five_women_passes():
    result = _evaluate(5, 3)
    assert result.ok is True
    assert result.women_share == "60.0%"
    assert result.errors() == {}


def test_evaluate_five_of_nine_women_fails():
    result = _evaluate(9, 5)
    assert result.ok is False
    assert result.errors() == {"staff_women": ["女性占比为55.5%，未达到60%（9人的岗位至少需要6名女性）。"]}


def test_evaluate_two_staff_fails():
    result = _evaluate(2, 2)
    assert result.ok is False
    assert result.errors() == {
        "staff_total": ["岗位只有2名工作人员，少于3人；如属特殊岗位，请勾选“特殊岗位”并写明理由。"]
    }


def test_evaluate_two_staff_special_post_without_reason_fails():
    result = _evaluate(2, 2, special_post=True, special_reason="  \n ")
    assert result.ok is False
    assert result.errors() == {"special_reason": ["勾选特殊岗位时，请写明理由。"]}


@pytest.mark.parametrize(
    "reason", ["", "\u3000\u3000", "\u00a0", " \t\r\n"], ids=["empty", "U+3000", "U+00A0", "ascii"]
)
def test_evaluate_special_post_without_reason_fails_whatever_the_count(reason):
    for total, women in ((5, 3), (2, 2), (None, None)):
        result = _evaluate(total, women, special_post=True, special_reason=reason)
        staff = next(check for check in result.checks if check.code == "staff")
        assert (staff.ok, staff.field, staff.message) == (False, "special_reason", "勾选特殊岗位时，请写明理由。")


def test_evaluate_special_post_with_reason_and_five_staff_passes():
    assert _evaluate(5, 3, special_post=True, special_reason="窗口服务岗，按特殊岗位申报").ok is True


def test_evaluate_total_zero_staff_line_repeats_the_counts_message():
    # Two checklist lines, one message: submission_errors then reports it once.
    result = _evaluate(0, 0)
    assert [(check.code, check.ok, check.message) for check in result.checks if check.field == "staff_total"] == [
        ("counts", False, "岗位总人数必须是正整数。"),
        ("staff", None, "岗位总人数必须是正整数。"),
    ]


def test_evaluate_two_staff_special_post_with_reason_passes():
    result = _evaluate(2, 2, special_post=True, special_reason="高速公路收费站夜间值守岗，编制2人")
    assert result.ok is True
    assert result.errors() == {}


def test_evaluate_three_staff_passes_without_special_post():
    result = _evaluate(3, 2)
    assert result.ok is True
    assert result.women_share == "66.6%"


def test_evaluate_no_woman_among_leaders_fails():
    result = _evaluate(5, 4, leaders=("M", "M", "M"))
    assert result.ok is False
    assert result.errors() == {"leaders": ["岗位负责人中至少要有1名女性。"]}


def test_evaluate_women_above_total_refused():
    result = _evaluate(5, 6)
    assert result.ok is False
    assert {check.code: check.ok for check in result.checks} == {
        "counts": False,
        "share": None,
        "staff": True,
        "leader": True,
    }
    assert result.errors() == {"staff_women": ["女性人数（6）不能大于岗位总人数（5）。", "填写人数后计算女性占比。"]}


def test_evaluate_women_equal_total_passes():
    assert _evaluate(4, 4).ok is True


def test_women_share_text_floors():
    # 1/8 = 12.5% exactly; 1/16 = 6.25% -> 6.2%; 2/3 = 66.66..% -> 66.6%; 3000/5001 = 59.98..% -> 59.9%
    assert [women_share_text(8, 1), women_share_text(16, 1), women_share_text(3, 2), women_share_text(5001, 3000)] == [
        "12.5%",
        "6.2%",
        "66.6%",
        "59.9%",
    ]


def test_women_share_text_shows_60_exactly_when_the_rule_passes():
    """Every count up to 300 staff: the text reads 60.0% or more if and only if the rule is met."""
    disagree = [
        (total, women)
        for total in range(1, 301)
        for women in range(total + 1)
        if (float(women_share_text(total, women).rstrip("%")) >= 60.0) is not (5 * women >= 3 * total)
    ]
    assert disagree == []


def test_women_share_text_unknown_counts_are_blank():
    assert [women_share_text(None, 3), women_share_text(5, None)] == ["", ""]


def test_women_share_text_impossible_counts_are_a_note():
    assert [women_share_text(0, 0), women_share_text(5, 6), women_share_text(5, -1)] == [
        "无法计算（岗位总人数须大于0）",
        "无法计算（女性人数多于岗位总人数）",
        "无法计算（女性人数不能为负数）",
    ]


# --- 主要事迹 ≤ 500 字 ---

# 25 counted characters: Chinese, full-width punctuation, Latin letters, digits, an emoji, two rare
# ideographs from CJK Extension B (𠀀 U+20000, 𪚥 U+2A6A5); the spaces and line breaks are not counted.
PIECE = "巾帼文明岗，ISO 9001认证👍𠀀𪚥\u3000「2020」年\r\n"


def test_count_chars_piece_is_25():
    assert count_chars(PIECE) == 25


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("爱岗敬业", 4),
        ("，。！？：；“”（）", 10),
        ("Hello", 5),
        ("2021", 4),
        ("👍", 1),
        ("𠀀", 1),
        ("𪚥", 1),
        (" \t\r\n\u3000\u00a0", 0),
        ("巾 帼\n文\r\n明\t岗", 5),
    ],
    ids=["chinese", "full-width punctuation", "latin", "digits", "emoji", "U+20000", "U+2A6A5", "whitespace", "mixed"],
)
def test_count_chars_each_kind(text, expected):
    assert count_chars(text) == expected


def test_achievements_error_exactly_500_passes():
    text = PIECE * 20
    assert count_chars(text) == 500
    assert achievements_error(text) == ""


def test_achievements_error_501_fails():
    text = PIECE * 20 + "𪚥"
    assert count_chars(text) == 501
    assert achievements_error(text) == "主要事迹限500字以内，当前501字（不计空格和换行），请删减1字。"


def test_achievements_error_trailing_whitespace_not_counted():
    assert achievements_error(PIECE * 20 + " \n\n\u3000\t") == ""


def test_achievements_error_blank_fails():
    assert [achievements_error(""), achievements_error(" \r\n\u3000")] == ["请填写主要事迹。", "请填写主要事迹。"]


# --- submission_errors ---


def complete_data() -> dict:
    return {
        "applicant_name": "柳州市工人医院儿科护理组",
        "post_name": "儿科护理组",
        "parent_unit": "柳州市工人医院",
        "category": "team",
        "staff_total": 12,
        "staff_women": 11,
        "is_special_post": False,
        "special_reason": "",
        "contact_name": "韦小红",
        "contact_title": "护士长",
        "contact_phone": "0772-2850377",
        "achievements": PIECE * 20,
        "unit_opinion": "情况属实，同意申报。",
        "pledge": True,
    }


LEADERS = [
    {"name": "覃丽", "gender": "F", "title": "护士长", "phone": "13907721111"},
    {"name": "黄强", "gender": "M", "title": "副主任", "phone": "0772-2850377转801"},
]


def test_submission_errors_complete_is_empty():
    assert submission_errors(data=complete_data(), leaders=LEADERS) == {}


def test_submission_errors_blank_lists_every_rule():
    errors = submission_errors(data={}, leaders=[])
    assert set(errors) == {
        "applicant_name",
        "post_name",
        "parent_unit",
        "category",
        "contact_name",
        "contact_title",
        "contact_phone",
        "unit_opinion",
        "achievements",
        "staff_total",
        "staff_women",
        "leaders",
        "pledge",
    }
    assert errors == {
        "applicant_name": ["请填写申报单位（单位全称及科室/班组）。"],
        "post_name": ["请填写岗位名称。"],
        "parent_unit": ["请填写所属单位。"],
        "category": ["请选择创建对象类别。"],
        "contact_name": ["请填写联系人。"],
        "contact_title": ["请填写联系人职务。"],
        "contact_phone": ["请填写联系电话。"],
        "unit_opinion": ["请填写单位意见。"],
        "achievements": ["请填写主要事迹。"],
        "staff_total": ["请填写岗位总人数。"],
        "staff_women": ["请填写岗位总人数和其中女性人数。"],
        "leaders": ["请至少填写1名岗位负责人。"],
        "pledge": ["请确认本岗位符合通知第二部分的五项创建条件。"],
    }


def test_submission_errors_bad_phone_and_incomplete_leader():
    data = {**complete_data(), "contact_phone": "12345"}
    leaders = [
        {"name": "覃丽", "gender": "F", "title": "", "phone": ""},
        {"name": "黄强", "gender": "M", "title": "副主任", "phone": "1380772000"},
    ]
    assert submission_errors(data=data, leaders=leaders) == {
        "contact_phone": [
            "请填写有效的联系电话：11位手机号（如 13807720000），或带区号的固定电话（如 0772-2850377）。"
        ],
        "leaders": ["第1位负责人未填写：职务、联系电话。", "第2位负责人的联系电话无效。"],
    }


@pytest.mark.parametrize(("total", "women"), [(2, 2), (5, 3), (12, 11)])
@pytest.mark.parametrize("reason", ["", " ", "\u3000", "\u00a0\n"], ids=["empty", "space", "U+3000", "U+00A0"])
def test_submission_errors_special_post_without_reason_said_once(total, women, reason):
    data = {
        **complete_data(),
        "staff_total": total,
        "staff_women": women,
        "is_special_post": True,
        "special_reason": reason,
    }
    assert submission_errors(data=data, leaders=LEADERS) == {"special_reason": ["勾选特殊岗位时，请写明理由。"]}


def test_submission_errors_special_post_with_reason_and_five_staff_passes():
    data = {
        **complete_data(),
        "staff_total": 5,
        "staff_women": 3,
        "is_special_post": True,
        "special_reason": "窗口服务岗",
    }
    assert submission_errors(data=data, leaders=LEADERS) == {}


def test_submission_errors_special_post_without_reason_or_counts():
    data = {**complete_data(), "staff_total": None, "staff_women": None, "is_special_post": True, "special_reason": ""}
    assert submission_errors(data=data, leaders=LEADERS) == {
        "staff_women": ["请填写岗位总人数和其中女性人数。"],
        "special_reason": ["勾选特殊岗位时，请写明理由。"],
    }


@pytest.mark.parametrize(
    ("total", "women", "expected"),
    [
        (0, 0, {"staff_total": ["岗位总人数必须是正整数。"]}),
        (5, 6, {"staff_women": ["女性人数（6）不能大于岗位总人数（5）。"]}),
        (None, 3, {"staff_women": ["请填写岗位总人数和其中女性人数。"], "staff_total": ["请填写岗位总人数。"]}),
    ],
    ids=["total 0", "women above total", "total blank"],
)
def test_submission_errors_counts_problem_said_once(total, women, expected):
    data = {**complete_data(), "staff_total": total, "staff_women": women}
    assert submission_errors(data=data, leaders=LEADERS) == expected


def test_submission_errors_501_characters():
    data = {**complete_data(), "achievements": PIECE * 20 + "a"}
    assert submission_errors(data=data, leaders=LEADERS) == {
        "achievements": ["主要事迹限500字以内，当前501字（不计空格和换行），请删减1字。"],
    }


# --- one catalogue: the rules' wording in the form's own field errors -----------------------------


@pytest.mark.parametrize(
    ("field", "typed", "key"),
    [
        ("staff_total", "-1", "total_not_positive"),
        ("staff_women", "-1", "women_negative"),
        ("staff_total", "十二", "total_invalid"),
        ("staff_women", "8.5", "women_invalid"),
        ("staff_total", "2147483648", "total_too_large"),
        ("staff_women", "99999999999", "women_too_large"),
    ],
)
@pytest.mark.django_db
def test_form_number_errors_use_the_catalogue(field, typed, key):
    from applications.eligibility import rule_message
    from applications.forms import MAX_COUNT, ApplicationForm

    form = ApplicationForm({field: typed})
    assert form.is_valid() is False
    assert form.errors[field] == [rule_message(key, limit=MAX_COUNT)]


@pytest.mark.django_db
def test_form_negative_women_worded_as_the_checklist():
    """The server's field error and the browser's checklist line say the same: one catalogue."""
    from applications.forms import ApplicationForm

    form = ApplicationForm({"staff_total": "5", "staff_women": "-1"})
    form.is_valid()
    checklist = evaluate(total=5, women=-1, special_post=False, special_reason="", leader_genders=["F"])
    assert form.errors["staff_women"] == [checklist.errors()["staff_women"][0]] == ["女性人数不能为负数。"]


def test_form_required_messages_are_the_submission_ones():
    from applications.forms import ApplicationForm
    from applications.phrases import REQUIRED

    form = ApplicationForm()
    assert {name: form.fields[name].error_messages["required"] for name in REQUIRED} == REQUIRED
    assert submission_errors(data={}, leaders=[])["post_name"] == [REQUIRED["post_name"]]
