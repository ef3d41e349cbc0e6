"""Validators shared by forms and services: credit code, phone numbers, passwords."""

import re
from difflib import SequenceMatcher

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from gangwei import phrases

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


# -- Passwords (等保2.0 practice) ---------------------------------------------------------------
#
# AUTH_PASSWORD_VALIDATORS lists these in the order their messages appear. Every form that sets a
# password (registration, password change and reset, the admin's user creation and password change)
# runs all of them through gangwei.forms.PasswordRulesMixin, which shows the rules beside the field.

# The password printed in the README for the local demo (seed_demo sets it directly, bypassing the
# validators); DemoPasswordValidator refuses it everywhere else.
DEMO_PASSWORD = "Gangwei-Demo-2026"

# Local words that Django's list (English passwords) lacks: the city and its districts, the
# province, the project's own names, common Chinese passwords in pinyin. Lower case, no separators.
LOCAL_WORDS = frozenset(
    """
    liuzhou lzs liuzhoushi guangxi nanning guilin beijing zhongguo chengzhong yufeng liunan liubei
    liujiang liudong liucheng luzhai rongan rongshui sanjiang yanghe luosifen gangwei jinguo
    jinguogangwei wenminggang fulian lzfl funv funu mima woaini wangluo zhanghao yonghu guanliyuan
    shenbao ceshi admin administrator root test user guest password pass qwerty
    """.split()
)

# Characters that sit next to each other on a US keyboard (rows, shifted rows, columns), in the
# alphabet, or among the digits; a run goes either way.
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    "`1234567890-=",
    "~!@#$%^&*()_+",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
    *"1qaz 2wsx 3edc 4rfv 5tgb 6yhn 7ujm 8ik, 9ol. 0p;/".split(),
    *"!qaz @wsx #edc $rfv %tgb ^yhn &ujm *ik< (ol> )p:?".split(),
)
_NEIGHBOURS = frozenset(
    pair for seq in _SEQUENCES for a, b in zip(seq, seq[1:], strict=False) for pair in ((a, b), (b, a))
)
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
_EDGE_NOISE = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_SEPARATORS = re.compile(r"[\s\-_.·]+")


# The pattern checks look at no more than this many characters: a longer password is refused for
# its length anyway, and a pasted megabyte must not cost quadratic time.
_ANALYSED = 256


def _core(password: str) -> str:
    """The word a weak password is built on: lower case, digits and symbols at both ends dropped."""
    return _EDGE_NOISE.sub("", password[:_ANALYSED].strip().lower())


def _character_classes(password: str) -> int:
    """How many of upper case, lower case, digits and symbols (any other visible character, CJK
    included) the password uses. Whitespace is no class."""
    return sum(
        (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not (c.isupper() or c.islower() or c.isdigit() or c.isspace()) for c in password),
        )
    )


def _predictable_share(password: str) -> tuple[int, int]:
    """(characters inside runs of 3 or more neighbours or repeats, the password's length)."""
    text = password[:_ANALYSED].lower()
    n = len(text)
    marked = [False] * n
    start = 0
    for i in range(1, n + 1):
        if i < n and (text[i] == text[i - 1] or (text[i - 1], text[i]) in _NEIGHBOURS):
            continue
        if i - start >= 3:
            marked[start:i] = [True] * (i - start)
        start = i
    # A short block said again and again ("Aa1!Aa1!Aa1!") is as predictable as a run.
    for period in range(1, n // 2 + 1):
        if all(text[i] == text[i - period] for i in range(period, n)):
            return n, n
    return sum(marked), n


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """At least `min_length` and at most `max_length` characters, in Chinese.

    Django 5.2 changed the message's msgid, and its zh_Hans catalog still carries the old one, so the
    stock validator speaks English on this Chinese site. The upper bound keeps the similarity
    check and the hashing of a pasted megabyte cheap.
    """

    def __init__(self, min_length: int = 10, max_length: int = 128):
        super().__init__(min_length)
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                phrases.PASSWORD_TOO_SHORT.format(min_length=self.min_length, length=len(password)),
                code="password_too_short",
            )
        if len(password) > self.max_length:
            raise ValidationError(
                phrases.PASSWORD_TOO_LONG.format(max_length=self.max_length), code="password_too_long"
            )

    def get_error_message(self) -> str:
        return phrases.PASSWORD_TOO_SHORT.format(min_length=self.min_length, length="")

    def get_help_text(self) -> str:
        return phrases.PASSWORD_LENGTH_RULE.format(min_length=self.min_length, max_length=self.max_length)


class CharacterClassPasswordValidator:
    """At least `required` of the four classes: upper case, lower case, digits, symbols."""

    def __init__(self, required: int = 3):
        self.required = required

    def validate(self, password: str, user=None) -> None:
        found = _character_classes(password)
        if found < self.required:
            raise ValidationError(
                phrases.PASSWORD_TOO_FEW_CLASSES.format(required=self.required, found=found),
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return phrases.PASSWORD_CLASSES_RULE.format(required=self.required)


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's 20,000 common passwords and the local words above, also when they are only dressed
    up: 'Passw0rd12' (leet spelling, digits after), 'Liuzhou@2026' (a place and a year)."""

    def _is_common(self, password: str) -> bool:
        whole = password.lower().strip()
        if whole in self.passwords:
            return True
        core = _core(password)
        if len(core) < 3:
            return False
        variants = {core, core.translate(_LEET), core.translate(_LEET).replace("i", "l")}
        joined = {_SEPARATORS.sub("", v) for v in variants}
        return bool(variants & self.passwords) or bool(joined & LOCAL_WORDS)

    def validate(self, password: str, user=None) -> None:
        if self._is_common(password):
            raise ValidationError(phrases.PASSWORD_COMMON, code="password_too_common")

    def get_error_message(self) -> str:
        return phrases.PASSWORD_COMMON

    def get_help_text(self) -> str:
        return phrases.PASSWORD_COMMON_RULE


class PatternPasswordValidator:
    """Refuse a password that is mostly keyboard runs, sequences or repeats: all but at most
    `max_free` characters sit in such runs ('1111111111a', 'Qwer1234!@#$', '1qaz2wsx3edc')."""

    def __init__(self, max_free: int = 3):
        self.max_free = max_free

    def validate(self, password: str, user=None) -> None:
        predictable, length = _predictable_share(password)
        if predictable and length - predictable <= self.max_free:
            raise ValidationError(phrases.PASSWORD_PATTERN, code="password_pattern")

    def get_help_text(self) -> str:
        return phrases.PASSWORD_PATTERN_RULE


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    """Not like the user's own details nor those of the user's unit.

    `user` may be a transient User (registration builds one, with an unsaved Organisation, before
    anything is stored). A password containing a whole value (4 characters or more) is too similar,
    as is one Django's ratio finds close to a value or a part of it.
    """

    ATTRIBUTES = (
        ("username", "登录用户名"),
        ("email", "电子邮箱"),
        ("first_name", "姓名"),
        ("phone", "联系电话"),
        ("organisation.name", "单位名称"),
        ("organisation.short_name", "单位简称"),
        ("organisation.credit_code", "统一社会信用代码"),
        ("organisation.contact_name", "单位联系人"),
        ("organisation.contact_phone", "单位联系电话"),
    )

    def __init__(self, max_similarity: float = 0.7):
        super().__init__(user_attributes=[name for name, _ in self.ATTRIBUTES], max_similarity=max_similarity)

    @staticmethod
    def _value(user, dotted: str) -> str:
        value = user
        for name in dotted.split("."):
            value = getattr(value, name, None)
            if value is None:
                return ""
        return value if isinstance(value, str) else ""

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        text = password[:_ANALYSED].lower()
        for attribute, label in self.ATTRIBUTES:
            value = self._value(user, attribute).strip().lower()
            if not value:
                continue
            parts = [value, *(part for part in re.split(r"\W+", value) if part)]
            too_close = len(value) >= 4 and value in text
            for part in parts:
                if too_close:
                    break
                if password_validation.exceeds_maximum_length_ratio(text, self.max_similarity, part):
                    continue
                too_close = SequenceMatcher(a=text, b=part).quick_ratio() >= self.max_similarity
            if too_close:
                raise ValidationError(phrases.PASSWORD_SIMILAR.format(attribute=label), code="password_too_similar")

    def get_error_message(self) -> str:
        return phrases.PASSWORD_SIMILAR

    def get_help_text(self) -> str:
        return phrases.PASSWORD_SIMILAR_RULE


class DemoPasswordValidator:
    """Never the demo password (nor it with other digits or case) outside the demo.

    The demo's accounts get it from seed_demo, which sets it directly and runs only with DEBUG on;
    no form of the site accepts it, so no real account can end up with it.
    """

    @staticmethod
    def _key(password: str) -> str:
        return _SEPARATORS.sub("", _core(password))

    def validate(self, password: str, user=None) -> None:
        if self._key(password) == self._key(DEMO_PASSWORD):
            raise ValidationError(phrases.PASSWORD_DEMO, code="password_demo")

    def get_help_text(self) -> str:
        return ""
