"""The rules of the notice's section 二(三) and the 500-字 limit, as plain functions.

The browser's live hints (static/js/rules.js) mirror these functions; the cases that both
must agree on live in tests/vectors/rules.json. The server is the authority. The wording of every
rule is applications.phrases.RULES, which the browser gets as data (rule_catalogue).
"""

import functools
import re
from dataclasses import dataclass, field

from django.utils.html import json_script
from django.utils.safestring import SafeString

from applications.phrases import LEADER_INCOMPLETE, LEADER_PHONE_INVALID, PLEDGE_MISSING, REQUIRED, RULES

ACHIEVEMENTS_LIMIT = 500
MIN_STAFF = 3
SPECIAL_REASON_MISSING = RULES["special_reason_missing"]
TOTAL_NOT_POSITIVE = RULES["total_not_positive"]
# The largest count every supported database stores (PostgreSQL's integer); SQLite's is larger.
MAX_COUNT = 2_147_483_647
# What the two number fields refuse, and in which words: below `min` (PositiveIntegerField's 0; a
# draft may hold 0, submission refuses it), not a whole number, above MAX_COUNT. The form sets
# these as its error_messages; rules.js says the same as the clerk types (GangweiRules.countError).
COUNT_FIELDS = {
    "staff_total": {"min": 0, "below": "total_not_positive", "invalid": "total_invalid", "above": "total_too_large"},
    "staff_women": {"min": 0, "below": "women_negative", "invalid": "women_invalid", "above": "women_too_large"},
}


def rule_message(key: str, **params) -> str:
    """The catalogue's wording of one rule, placeholders filled (rules.js has the same function)."""
    return RULES[key].format(**params)


def rule_catalogue() -> dict:
    """What static/js/rules.js reads from the page (rule_catalogue_script)."""
    return {
        "phrases": RULES,
        "limits": {"achievements": ACHIEVEMENTS_LIMIT, "minStaff": MIN_STAFF, "maxCount": MAX_COUNT},
        "counts": COUNT_FIELDS,
    }


@functools.cache
def rule_catalogue_script() -> SafeString:
    """rule_catalogue() as the form page's <script id="rule-catalogue"> (json_script): the same for
    every page, so made once per process."""
    return json_script(rule_catalogue(), "rule-catalogue")


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
    """女性占比 as the site shows it everywhere: floored to one decimal in integer arithmetic.

    Floored, never rounded, so that what is shown agrees with the rule: 3000 of 5001 is "59.9%"
    (not "60.0%" beside 未达到60%), and "60.0%" appears exactly when 5 × women ≥ 3 × total.
    Counts that give no share (a total of 0, women above the total, negative women) give a short
    note instead of a percentage; unknown counts give ''.
    """
    if total is None or women is None:
        return ""
    if total <= 0:
        return RULES["share_no_total"]
    if women < 0:
        return RULES["share_women_negative"]
    if women > total:
        return RULES["share_women_above_total"]
    tenths = women * 1000 // total
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
    counts_label = RULES["counts_label"]

    if not counts_known:
        counts = Check("counts", counts_label, None, RULES["counts_missing"], "staff_women")
    elif total <= 0:
        counts = Check("counts", counts_label, False, TOTAL_NOT_POSITIVE, "staff_total")
    elif women < 0:
        counts = Check("counts", counts_label, False, RULES["women_negative"], "staff_women")
    elif women > total:
        counts = Check(
            "counts", counts_label, False, rule_message("women_above_total", women=women, total=total), "staff_women"
        )
    else:
        counts = Check("counts", counts_label, True)
    result.checks.append(counts)

    share_label = RULES["share_label"]
    if not counts_valid:
        result.checks.append(Check("share", share_label, None, RULES["share_pending"], "staff_women"))
    elif 5 * women >= 3 * total:
        result.checks.append(Check("share", share_label, True))
    else:
        result.checks.append(
            Check(
                "share",
                share_label,
                False,
                rule_message("share_too_low", share=result.women_share, total=total, needed=-(-3 * total // 5)),
                "staff_women",
            )
        )

    staff_label = RULES["staff_label"]
    # Blank means what count_chars means: nothing but White_Space (so U+3000 and U+00A0 too).
    has_reason = count_chars(special_reason) > 0
    if special_post and not has_reason:
        # Ticking 特殊岗位 asks for a reason whatever the count: the one place this rule lives.
        result.checks.append(Check("staff", staff_label, False, SPECIAL_REASON_MISSING, "special_reason"))
    elif total is None:
        result.checks.append(Check("staff", staff_label, None, RULES["total_missing"], "staff_total"))
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
                rule_message("staff_too_few", total=total),
                "staff_total",
            )
        )

    leader_label = RULES["leader_label"]
    if not leader_genders:
        result.checks.append(Check("leader", leader_label, None, RULES["leader_missing"], "leaders"))
    elif "F" in leader_genders:
        result.checks.append(Check("leader", leader_label, True))
    else:
        result.checks.append(Check("leader", leader_label, False, RULES["leader_no_woman"], "leaders"))
    return result


def achievements_error(text: str) -> str:
    """The message for a 主要事迹 that breaks the rules, or ''."""
    n = count_chars(text)
    if n == 0:
        return RULES["achievements_missing"]
    if n > ACHIEVEMENTS_LIMIT:
        return rule_message("achievements_too_long", limit=ACHIEVEMENTS_LIMIT, count=n, over=n - ACHIEVEMENTS_LIMIT)
    return ""


REQUIRED_FIELDS = REQUIRED


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
            add("leaders", LEADER_INCOMPLETE.format(index=index, missing="、".join(missing)))
        elif leader.get("phone"):
            try:
                validate_phone(leader["phone"])
            except ValidationError:
                add("leaders", LEADER_PHONE_INVALID.format(index=index))

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
        add("pledge", PLEDGE_MISSING)
    return errors
