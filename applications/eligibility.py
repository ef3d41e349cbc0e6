"""The rules of the notice's section 二(三) and the 500-字 limit, as plain functions.

The browser's live hints (static/js/rules.js) mirror these functions; the cases that both
must agree on live in tests/vectors/rules.json. The server is the authority.
"""

import re
from dataclasses import dataclass, field

ACHIEVEMENTS_LIMIT = 500
MIN_STAFF = 3
SPECIAL_REASON_MISSING = "勾选特殊岗位时，请写明理由。"
TOTAL_NOT_POSITIVE = "岗位总人数必须是正整数。"

# Unicode's White_Space property, written out so that rules.js uses exactly the same set.
WHITESPACE_CLASS = "\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_WHITESPACE_RE = re.compile(f"[{WHITESPACE_CLASS}]")
# What Word counts one by one in 字数: CJK ideographs (all planes), CJK punctuation,
# full-width forms, kana and hangul.
EAST_ASIAN_CLASS = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u3130-\u318f"
    "\u3190-\u31ff\u3200-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
    "\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f"
)
_WORD_RE = re.compile(f"[{EAST_ASIAN_CLASS}]|[^{EAST_ASIAN_CLASS}{WHITESPACE_CLASS}]+")


def count_chars(text: str) -> int:
    """The strict count the server enforces: every non-whitespace Unicode code point."""
    return len(_WHITESPACE_RE.sub("", text or ""))


def count_words(text: str) -> int:
    """Word's 字数, for reference: each East Asian character, plus each run of other characters."""
    return len(_WORD_RE.findall(text or ""))


@dataclass
class Check:
    """One line of the eligibility checklist: ok is True, False, or None (not yet known)."""

    code: str
    label: str
    ok: bool | None
    message: str = ""
    field: str = ""


@dataclass
class Eligibility:
    checks: list[Check] = field(default_factory=list)
    women_share: str = ""

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def errors(self) -> dict[str, list[str]]:
        """Failed checks, keyed by the form field they belong to."""
        out: dict[str, list[str]] = {}
        for check in self.checks:
            if check.ok is not True:
                out.setdefault(check.field, []).append(check.message)
        return out


def women_share_text(total: int | None, women: int | None) -> str:
    """女性占比 to one decimal, rounded half up in exact integer arithmetic."""
    if not total or women is None or total <= 0 or women < 0:
        return ""
    tenths = (women * 1000 * 2 + total) // (total * 2)
    return f"{tenths // 10}.{tenths % 10}%"


def evaluate(
    *,
    total: int | None,
    women: int | None,
    special_post: bool,
    special_reason: str,
    leader_genders: list[str],
) -> Eligibility:
    """Check the counts and leaders against section 二(三). None means "not filled in"."""
    result = Eligibility(women_share=women_share_text(total, women))
    counts_known = total is not None and women is not None
    counts_valid = counts_known and total > 0 and women >= 0 and women <= total

    if not counts_known:
        counts = Check("counts", "人数填写完整", None, "请填写岗位总人数和其中女性人数。", "staff_women")
    elif total <= 0:
        counts = Check("counts", "人数填写完整", False, TOTAL_NOT_POSITIVE, "staff_total")
    elif women < 0:
        counts = Check("counts", "人数填写完整", False, "女性人数不能为负数。", "staff_women")
    elif women > total:
        counts = Check(
            "counts", "人数填写完整", False, f"女性人数（{women}）不能大于岗位总人数（{total}）。", "staff_women"
        )
    else:
        counts = Check("counts", "人数填写完整", True)
    result.checks.append(counts)

    share_label = "女性占60%以上（含60%）"
    if not counts_valid:
        result.checks.append(Check("share", share_label, None, "填写人数后计算女性占比。", "staff_women"))
    elif 5 * women >= 3 * total:
        result.checks.append(Check("share", share_label, True))
    else:
        result.checks.append(
            Check(
                "share",
                share_label,
                False,
                f"女性占比为{result.women_share}，未达到60%（{total}人的岗位至少需要{-(-3 * total // 5)}名女性）。",
                "staff_women",
            )
        )

    staff_label = "至少3名工作人员（特殊岗位除外）"
    # Blank means what count_chars means: nothing but White_Space (so U+3000 and U+00A0 too).
    has_reason = count_chars(special_reason) > 0
    if special_post and not has_reason:
        # Ticking 特殊岗位 asks for a reason whatever the count: the one place this rule lives.
        result.checks.append(Check("staff", staff_label, False, SPECIAL_REASON_MISSING, "special_reason"))
    elif total is None:
        result.checks.append(Check("staff", staff_label, None, "请填写岗位总人数。", "staff_total"))
    elif total <= 0:
        # The counts check says the same; submission_errors reports it once.
        result.checks.append(Check("staff", staff_label, None, TOTAL_NOT_POSITIVE, "staff_total"))
    elif total >= MIN_STAFF or special_post:
        result.checks.append(Check("staff", staff_label, True))
    else:
        result.checks.append(
            Check(
                "staff",
                staff_label,
                False,
                f"岗位只有{total}名工作人员，少于3人；如属特殊岗位，请勾选“特殊岗位”并写明理由。",
                "staff_total",
            )
        )

    leader_label = "负责人中至少有1名女性"
    if not leader_genders:
        result.checks.append(Check("leader", leader_label, None, "请至少填写1名岗位负责人。", "leaders"))
    elif "F" in leader_genders:
        result.checks.append(Check("leader", leader_label, True))
    else:
        result.checks.append(Check("leader", leader_label, False, "岗位负责人中至少要有1名女性。", "leaders"))
    return result


def achievements_error(text: str) -> str:
    """The message for a 主要事迹 that breaks the rules, or ''."""
    n = count_chars(text)
    if n == 0:
        return "请填写主要事迹。"
    if n > ACHIEVEMENTS_LIMIT:
        return f"主要事迹限{ACHIEVEMENTS_LIMIT}字以内，当前{n}字（不计空格和换行），请删减{n - ACHIEVEMENTS_LIMIT}字。"
    return ""


REQUIRED_FIELDS = {
    "applicant_name": "请填写申报单位（单位全称及科室/班组）。",
    "post_name": "请填写岗位名称。",
    "parent_unit": "请填写所属单位。",
    "category": "请选择创建对象类别。",
    "contact_name": "请填写联系人。",
    "contact_title": "请填写联系人职务。",
    "contact_phone": "请填写联系电话。",
    "unit_opinion": "请填写单位意见。",
}


def submission_errors(*, data: dict, leaders: list[dict]) -> dict[str, list[str]]:
    """Every rule of DESIGN §4 that `data` breaks, keyed by field ('leaders' for the rows).

    `data` holds the application's fields, `leaders` the 岗位负责人 rows (name, gender, title, phone).
    An empty result means the application may be submitted.
    """
    from django.core.exceptions import ValidationError

    from gangwei.validators import validate_phone

    errors: dict[str, list[str]] = {}

    def add(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    for name, message in REQUIRED_FIELDS.items():
        if not str(data.get(name) or "").strip():
            add(name, message)
    phone = str(data.get("contact_phone") or "").strip()
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            add("contact_phone", exc.messages[0])

    text_error = achievements_error(data.get("achievements") or "")
    if text_error:
        add("achievements", text_error)

    for index, leader in enumerate(leaders, start=1):
        missing = [
            label
            for key, label in (("name", "姓名"), ("gender", "性别"), ("title", "职务"), ("phone", "联系电话"))
            if not str(leader.get(key) or "").strip()
        ]
        if missing:
            add("leaders", f"第{index}位负责人未填写：{'、'.join(missing)}。")
        elif leader.get("phone"):
            try:
                validate_phone(leader["phone"])
            except ValidationError:
                add("leaders", f"第{index}位负责人的联系电话无效。")

    result = evaluate(
        total=data.get("staff_total"),
        women=data.get("staff_women"),
        special_post=bool(data.get("is_special_post")),
        special_reason=str(data.get("special_reason") or ""),
        leader_genders=[leader.get("gender") or "" for leader in leaders],
    )
    # Each problem once: a pending 女性占比 only repeats what the counts check already says, and
    # a check that gives the same message for the same field (岗位总人数 of 0) is not said twice.
    for check in result.checks:
        if check.ok is True or (check.code == "share" and check.ok is None):
            continue
        if check.message not in errors.get(check.field, []):
            add(check.field, check.message)

    if not data.get("pledge"):
        add("pledge", "请确认本岗位符合通知第二部分的五项创建条件。")
    return errors
