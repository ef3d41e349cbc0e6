"""gangwei/validators.py: 统一社会信用代码 (GB 32100-2015), phone numbers, the password policy."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from gangwei.models import Organisation, User
from gangwei.validators import DEMO_PASSWORD, normalise_phone, validate_credit_code, validate_phone

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

COMMON = "您的密码太常见，或只是在常见的词（如 password、admin、liuzhou）前后加上数字或符号，很容易被猜中。"
PATTERN = (
    "您的密码主要由键盘上相邻的键、顺序的字母或数字、重复的字符组成（如 qwerty、123456、aaaa），很容易被猜中。"
)


def password_messages(password: str, user: User | None = None) -> list[str]:
    with pytest.raises(ValidationError) as excinfo:
        validate_password(password, user)
    return excinfo.value.messages


def test_validate_password_strong_accepted():
    assert validate_password("Gangwei-2021-test") is None


def test_validate_password_ten_characters_three_classes_accepted():
    assert validate_password("Lzgw2021ab") is None


def test_validate_password_nine_characters_refused():
    assert password_messages("Lzgw2021a") == ["您的密码太短：至少需要10个字符，当前为9个。"]


def test_validate_password_longer_than_128_refused():
    longest = "".join(f"Qiao{i}#" for i in range(30))[:128]
    assert validate_password(longest) is None
    assert password_messages(longest + "x") == ["您的密码太长：最多128个字符。"]


@pytest.mark.parametrize(
    ("password", "found"),
    [("lzgw2021ab", 2), ("liuzhoujinguo", 1), ("7720285037", 1), ("巾帼文明岗巾帼文明岗", 1), ("  ab  cd  ef  ", 1)],
)
def test_validate_password_too_few_classes_refused(password, found):
    assert password_messages(password)[0] == f"您的密码须包含大写字母、小写字母、数字、符号这四类中的至少3类，当前只有{found}类。"


def test_validate_password_chinese_counts_as_a_symbol():
    assert validate_password("巾帼Wenming8gang") is None


@pytest.mark.parametrize(
    "password",
    ["Password123", "P@ssw0rd!2026", "Iloveyou2026!", "2026#Liuzhou", "Nanning_2026", "Gang.Wei@2026", "Woaini1314!"],
)
def test_validate_password_common_word_dressed_up_refused(password):
    assert password_messages(password) == [COMMON]


@pytest.mark.parametrize("password", ["Aa1!Aa1!Aa1!", "1qaz@WSX3edc", "Qaz!1234wsx", "aaaaaaaaaB1!", "9876543210Zz"])
def test_validate_password_predictable_pattern_refused(password):
    assert PATTERN in password_messages(password)


@pytest.mark.parametrize("password", ["Erke-Huli-2021", "Hong#Shui8Qiao", "Abc-Liu-7319x", "3Jie-Lu-Yuan#Chun"])
def test_validate_password_with_a_short_run_accepted(password):
    assert validate_password(password) is None


def test_validate_password_like_the_transient_unit_refused():
    """Registration checks against a unit that is not saved yet."""
    user = User(username="wxh", email="wxh@example.com")
    user.organisation = Organisation(name="柳州市工人医院", short_name="工人医院", credit_code="12450202MB0000011X")
    assert password_messages("工人医院Abc123", user) == ["您的密码与您的单位简称太相近，别人容易猜中。"]
    assert password_messages("x12450202MB0000011X", user) == ["您的密码与您的统一社会信用代码太相近，别人容易猜中。"]


def test_validate_password_like_username_refused():
    user = User(username="weixiaohong", email="wxh@example.com")
    assert password_messages("Weixiaohong1!", user) == ["您的密码与您的登录用户名太相近，别人容易猜中。"]


@pytest.mark.parametrize("password", [DEMO_PASSWORD, "gangwei-demo-2026", "GANGWEI_DEMO_2027!", "Gangwei Demo"])
def test_validate_password_demo_password_refused(password):
    assert password_messages(password)[-1] == "这是演示系统公开的密码，任何人都知道，不能用作您的密码。"


def test_validate_password_pasted_megabyte_is_quick():
    import time

    started = time.monotonic()
    for pasted in ["a" * 1_000_000 + "b", "!" * 1_000_000 + "a", "ab" * 500_000 + "c"]:
        assert password_messages(pasted)[0] == "您的密码太长：最多128个字符。"
    assert time.monotonic() - started < 2
