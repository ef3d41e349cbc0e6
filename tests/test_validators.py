"""gangwei/validators.py: 统一社会信用代码 (GB 32100-2015), phone numbers, the password policy."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from gangwei.models import User
from gangwei.validators import normalise_phone, validate_credit_code, validate_phone

# --- an implementation of GB 32100-2015 written from the standard, independent of the app's ---

# 31 characters: the digits and the capital letters without I, O, Z, S, V.
GB32100_CHARS = "".join(c for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in "IOZSV")
# The weight of position i (from 1) is 3^(i-1) mod 31.
GB32100_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def check_char(first17: str) -> str:
    remainder = sum(GB32100_CHARS.index(c) * w for c, w in zip(first17, GB32100_WEIGHTS, strict=True)) % 31
    return GB32100_CHARS[(31 - remainder) % 31]


# A code in published form (福州, 350100); its check character is verified below with check_char.
PUBLISHED_CODE = "91350100M000100Y43"
# Built for Liuzhou: 9 (工商) 1 (企业) 450200 (柳州市) + a 9-character organisation code.
LIUZHOU_PREFIX = "91450200MA5K00001"
LIUZHOU_CODE = LIUZHOU_PREFIX + check_char(LIUZHOU_PREFIX)


def credit_code_messages(value: str) -> list[str]:
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(value)
    return excinfo.value.messages


def test_independent_check_char_agrees_with_published_code():
    assert len(GB32100_CHARS) == 31
    assert GB32100_WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    assert check_char(PUBLISHED_CODE[:17]) == PUBLISHED_CODE[17]


@pytest.mark.parametrize("code", [PUBLISHED_CODE, LIUZHOU_CODE, PUBLISHED_CODE.lower(), f"  {LIUZHOU_CODE} "])
def test_validate_credit_code_valid_accepted(code):
    assert validate_credit_code(code) is None


def test_validate_credit_code_wrong_check_char_refused():
    wrong = next(c for c in GB32100_CHARS if c != LIUZHOU_CODE[17])
    assert credit_code_messages(LIUZHOU_PREFIX + wrong) == ["统一社会信用代码校验位不正确，请核对营业执照或登记证书。"]


def test_validate_credit_code_swapped_digits_refused():
    swapped = PUBLISHED_CODE[:2] + PUBLISHED_CODE[3] + PUBLISHED_CODE[2] + PUBLISHED_CODE[4:]
    assert swapped != PUBLISHED_CODE
    assert credit_code_messages(swapped) == ["统一社会信用代码校验位不正确，请核对营业执照或登记证书。"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (PUBLISHED_CODE[:17], "统一社会信用代码应为18位，当前为17位。"),
        (PUBLISHED_CODE + "0", "统一社会信用代码应为18位，当前为19位。"),
        ("123456789", "统一社会信用代码应为18位，当前为9位。"),
    ],
    ids=["17", "19", "9 (old organisation code)"],
)
def test_validate_credit_code_wrong_length_refused(value, message):
    assert credit_code_messages(value) == [message]


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_validate_credit_code_forbidden_letter_refused(letter):
    value = LIUZHOU_CODE[:10] + letter + LIUZHOU_CODE[11:]
    assert credit_code_messages(value) == [f"统一社会信用代码含有不允许的字符：{letter}（不使用 I、O、Z、S、V）。"]


def test_validate_credit_code_forbidden_letters_listed_once_sorted():
    value = "91450200MO5KI0O01X"
    assert credit_code_messages(value) == ["统一社会信用代码含有不允许的字符：I、O（不使用 I、O、Z、S、V）。"]


# --- phone numbers ---


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("13807720000", "13807720000"),
        ("138 0772 0000", "13807720000"),
        ("138-0772-0000", "13807720000"),
        ("+86 13807720000", "13807720000"),
        ("0772-2850377", "07722850377"),
        ("2850377", "2850377"),
        ("(0772)2850377", "07722850377"),
        ("（0772）2850377", "07722850377"),
        ("0772-2850377-801", "07722850377转801"),
        ("0772-2850377转801", "07722850377转801"),
    ],
)
def test_validate_phone_accepted(value, normalised):
    assert validate_phone(value) is None
    assert normalise_phone(value) == normalised


@pytest.mark.parametrize(
    "value",
    ["12345", "1380772000", "23807720000", "138077200001", "0772-28503", "2850377-801", "电话"],
    ids=[
        "5 digits",
        "10 digits",
        "11 digits not starting with 1",
        "12 digits",
        "short landline",
        "extension without area code",
        "text",
    ],
)
def test_validate_phone_refused(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_phone(value)
    assert excinfo.value.messages == [
        "请填写有效的联系电话：11位手机号（如 13807720000），或带区号的固定电话（如 0772-2850377）。"
    ]


# --- the password policy (settings.AUTH_PASSWORD_VALIDATORS) ---


def password_messages(password: str, user: User | None = None) -> list[str]:
    with pytest.raises(ValidationError) as excinfo:
        validate_password(password, user)
    return excinfo.value.messages


def test_validate_password_strong_accepted():
    assert validate_password("Gangwei-2021-test") is None


def test_validate_password_ten_characters_accepted():
    assert validate_password("lzgw2021ab") is None


def test_validate_password_nine_characters_refused():
    assert password_messages("lzgw2021a") == ["密码太短：至少需要10个字符。"]


def test_validate_password_letters_only_refused():
    assert password_messages("liuzhoujinguo") == ["密码必须同时包含字母和数字。"]


def test_validate_password_digits_only_refused():
    assert password_messages("7720285037") == ["密码只包含数字。", "密码必须同时包含字母和数字。"]


@pytest.mark.parametrize("password", ["password123", "qwerty12345", "iloveyou12"])
def test_validate_password_common_refused(password):
    assert password_messages(password) == ["这个密码太常见了。"]


def test_validate_password_like_username_refused():
    user = User(username="weixiaohong", email="wxh@example.com")
    assert password_messages("weixiaohong1", user) == ["密码跟 用户名 太相似了。"]
