"""Validators shared by forms and services: credit code, phone numbers, passwords."""

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

# GB 32100-2015: 18 characters from this alphabet (no I, O, Z, S, V); the last is a check digit.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = value.strip().upper()
    if len(code) != 18:
        raise ValidationError("统一社会信用代码应为18位，当前为%(n)d位。", params={"n": len(code)}, code="length")
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            "统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、Z、S、V）。",
            params={"chars": "、".join(bad)},
            code="alphabet",
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位不正确，请核对营业执照或登记证书。", code="checksum")


MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Landline: optional area code 0xx / 0xxx, a 7–8 digit number, optional extension.
LANDLINE_RE = re.compile(r"^(0\d{2,3})?[2-9]\d{6,7}(转\d{1,6})?$")


def normalise_phone(value: str) -> str:
    """Drop spaces, hyphens and brackets, and turn '-123' extensions into '转123'."""
    text = value.strip().replace("（", "(").replace("）", ")").replace("－", "-").replace("—", "-")
    text = re.sub(r"^\+?86[\s-]?", "", text) if text.startswith(("+86", "86-", "86 ")) else text
    ext = ""
    match = re.search(r"(?:转|ext\.?|x)\s*(\d{1,6})$", text, flags=re.IGNORECASE)
    if match is None:
        # '0772-2850377-801': a hyphen starts an extension only after a full number with area code,
        # so that a mobile written as '138-0772-0000' keeps its last group.
        hyphen = re.search(r"-\s*(\d{1,6})$", text)
        if hyphen and re.fullmatch(r"0\d{2,3}[2-9]\d{6,7}", re.sub(r"[\s\-()]", "", text[: hyphen.start()])):
            match = hyphen
    if match:
        ext = "转" + match.group(1)
        text = text[: match.start()]
    digits = re.sub(r"[\s\-()]", "", text)
    return digits + ext


def validate_phone(value: str) -> None:
    phone = normalise_phone(value)
    if MOBILE_RE.match(phone) or LANDLINE_RE.match(phone):
        return
    raise ValidationError(
        "请填写有效的联系电话：11位手机号（如 13807720000），或带区号的固定电话（如 0772-2850377）。",
        code="phone",
    )


class CharacterClassPasswordValidator:
    """A password must mix letters and digits."""

    def validate(self, password: str, user=None) -> None:
        if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
            raise ValidationError("密码必须同时包含字母和数字。", code="password_classes")

    def get_help_text(self) -> str:
        return "密码必须同时包含字母和数字。"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with a Chinese message.

    Django 5.2 changed the message's msgid, and its zh_Hans catalog still carries the old one,
    so the stock validator speaks English on this Chinese site.
    """

    def get_error_message(self) -> str:
        return f"密码太短：至少需要{self.min_length}个字符。"
