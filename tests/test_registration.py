"""Accounts: self-registration of an applicant unit, login, password change, and the lockout."""

import html
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command

from gangwei.models import DeadlineExtension, Organisation, OrgKind, Stage, User
from tests.factories import UnitFactory, UserFactory, shanghai

REGISTER = "/accounts/register/"
LOGIN = "/accounts/login/"
# Checked with the independent GB 32100 implementation in tests/test_validators.py.
VALID_CODE = "91350100M000100Y43"

BAD_CHECK_CHAR = "统一社会信用代码校验位不正确，请核对营业执照或登记证书。"
BAD_PHONE = "请填写有效的联系电话：11位手机号（如 13807720000），或带区号的固定电话（如 0772-2850377）。"
DUPLICATE_CODE = "该统一社会信用代码已注册。请联系本单位已注册的同事，或联系市妇联宣发部。"



@pytest.fixture
def form(body_a) -> dict:
    return {
        "unit_name": "柳州市工人医院儿科",
        "credit_code": VALID_CODE,
        "parent": str(body_a.pk),
        "contact_name": "韦小红",
        "phone": "0772-2850377",
        "email": "erke@gongren.example",
        "username": "gongren_erke",
        "password1": "Erke-Huli-2021",
        "password2": "Erke-Huli-2021",
    }


def field(page: str, name: str) -> dict:
    """The value and the error messages rendered inside one field's block of a crispy form."""
    match = re.search(rf'<div id="div_id_{name}".*?(?=<div id="div_id_|</form>)', page, flags=re.S)
    assert match, f"no field {name} on the page"
    block = match.group(0)
    value = re.search(rf'<input [^>]*name="{name}"[^>]*?(?: value="([^"]*)")?[^>]*>', block)
    return {
        "value": html.unescape(value.group(1)) if value and value.group(1) is not None else None,
        "errors": [
            html.unescape(e) for e in re.findall(rf'<p id="error_\d+_id_{name}"><strong>(.*?)</strong></p>', block)
        ],
    }


def typed_values(page: str) -> dict:
    return {
        name: field(page, name)["value"]
        for name in ("unit_name", "credit_code", "contact_name", "phone", "email", "username")
    }


def selected_parent(page: str) -> list[str]:
    return re.findall(r'<option value="(\d+)" selected>', page)


# --- registration ---


def test_register_creates_applicant_unit_and_logs_in(client, body_a, form):
    response = client.post(REGISTER, form)
    assert (response.status_code, response.url) == (302, "/apply/")
    user = User.objects.get(username="gongren_erke")
    unit = user.organisation
    assert (unit.kind, unit.name, unit.credit_code, unit.parent, unit.contact_name, unit.contact_phone) == (
        OrgKind.APPLICANT,
        "柳州市工人医院儿科",
        VALID_CODE,
        body_a,
        "韦小红",
        "07722850377",
    )
    assert (user.email, user.first_name, user.phone) == ("erke@gongren.example", "韦小红", "07722850377")
    assert user.check_password("Erke-Huli-2021") is True
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/").url == "/apply/"


def test_register_lowercase_credit_code_stored_upper(client, form):
    client.post(REGISTER, {**form, "credit_code": VALID_CODE.lower()})
    assert list(Organisation.objects.filter(kind=OrgKind.APPLICANT).values_list("credit_code", flat=True)) == [
        VALID_CODE
    ]


def test_register_without_credit_code_allowed(client, form):
    response = client.post(REGISTER, {**form, "credit_code": ""})
    assert response.url == "/apply/"
    assert list(Organisation.objects.filter(kind=OrgKind.APPLICANT).values_list("name", "credit_code")) == [
        ("柳州市工人医院儿科", "")
    ]


def _refused(client, data) -> str:
    response = client.post(REGISTER, data)
    assert response.status_code == 200
    assert list(User.objects.all()) == []
    assert list(Organisation.objects.filter(kind=OrgKind.APPLICANT)) == []
    assert "_auth_user_id" not in client.session
    return response.content.decode()


def test_register_bad_credit_code_refused_keeps_input(client, body_a, form):
    page = _refused(client, {**form, "credit_code": "91350100M000100Y44"})
    assert field(page, "credit_code") == {"value": "91350100M000100Y44", "errors": [BAD_CHECK_CHAR]}
    assert typed_values(page) == {
        "unit_name": "柳州市工人医院儿科",
        "credit_code": "91350100M000100Y44",
        "contact_name": "韦小红",
        "phone": "0772-2850377",
        "email": "erke@gongren.example",
        "username": "gongren_erke",
    }
    assert selected_parent(page) == [str(body_a.pk)]


def test_register_bad_phone_refused_keeps_input(client, body_a, form):
    page = _refused(client, {**form, "phone": "1380772000"})
    assert field(page, "phone") == {"value": "1380772000", "errors": [BAD_PHONE]}
    assert field(page, "credit_code") == {"value": VALID_CODE, "errors": []}
    assert typed_values(page)["unit_name"] == "柳州市工人医院儿科"
    assert selected_parent(page) == [str(body_a.pk)]


# --- passwords (等保2.0 practice) ---

SHORT = "您的密码太短：至少需要10个字符，当前为{}个。"
CLASSES = "您的密码须包含大写字母、小写字母、数字、符号这四类中的至少3类，当前只有{}类。"
COMMON = "您的密码太常见，或只是在常见的词（如 password、admin、liuzhou）前后加上数字或符号，很容易被猜中。"
PATTERN = (
    "您的密码主要由键盘上相邻的键、顺序的字母或数字、重复的字符组成（如 qwerty、123456、aaaa），很容易被猜中。"
)
SIMILAR = "您的密码与您的{}太相近，别人容易猜中。"
DEMO = "这是演示系统公开的密码，任何人都知道，不能用作您的密码。"
MISMATCH = "您两次输入的密码不一致。"
RULES = [
    "至少10个字符（最多128个）",
    "包含大写字母、小写字母、数字、符号这四类中的至少3类（空格不算）",
    "不是常见密码，也不只是在常见的词、地名前后加上年份或数字",
    "不主要由键盘相邻键、顺序字符或重复字符组成",
    "不与您的登录用户名、单位名称、联系人、电话或邮箱相近",
]

# The issue's 25 weak passwords (those it names first), each with the refusals it must get, in the
# order of AUTH_PASSWORD_VALIDATORS. The form's unit is 柳州市工人医院儿科, user gongren_erke,
# e-mail erke@gongren.example, phone 0772-2850377.
WEAK_PASSWORDS = [
    ("Passw0rd12", [COMMON]),
    ("admin12345", [CLASSES.format(2), COMMON]),
    ("liuzhou2026", [CLASSES.format(2), COMMON]),
    ("1111111111a", [CLASSES.format(2), PATTERN]),
    (" " * 10, [CLASSES.format(0), PATTERN]),
    ("1a", [SHORT.format(2), CLASSES.format(2)]),
    ("Gangwei-Demo-2026", [DEMO]),
    ("gangwei-demo-2027", [DEMO]),
    ("password123", [CLASSES.format(2), COMMON]),
    ("P@ssw0rd2026", [COMMON]),
    ("Welcome2026!", [COMMON]),
    ("Admin@123456", [COMMON]),
    ("Liuzhou@2026", [COMMON]),
    ("Jinguo#2021", [COMMON]),
    ("Qwer1234!@#$", [COMMON, PATTERN]),
    ("1qaz2wsx3edc", [CLASSES.format(2), COMMON, PATTERN]),
    ("Abcd1234abcd", [PATTERN]),
    ("Aa1!Aa1!Aa1!", [PATTERN]),
    ("12345678901", [CLASSES.format(1), COMMON, PATTERN]),
    ("Zxcvbnm,./12", [COMMON, PATTERN]),
    ("Lz2021", [SHORT.format(6)]),
    ("gongren_erke2026", [SIMILAR.format("登录用户名")]),
    ("Erke@Gongren.example", [SIMILAR.format("电子邮箱")]),
    ("Tel07722850377", [SIMILAR.format("联系电话")]),
    ("柳州市工人医院儿科Ab1", [SIMILAR.format("单位名称")]),
]
GOOD_PASSWORDS = ["Erke-Huli-2021", "Hong#Shui8Qiao", "mianhua-Tang-47!", "柳江Qiao-2019x", "3Jie-Lu-Yuan#Chun"]


def test_weak_password_list_is_the_issues_25():
    assert len(WEAK_PASSWORDS) == 25
    named = {"Passw0rd12", "admin12345", "liuzhou2026", "1111111111a", " " * 10, "1a", "Gangwei-Demo-2026"}
    assert named <= {password for password, _ in WEAK_PASSWORDS}


@pytest.mark.parametrize(("password", "errors"), WEAK_PASSWORDS, ids=[repr(p) for p, _ in WEAK_PASSWORDS])
def test_register_weak_password_refused_on_password_field(client, body_a, form, password, errors):
    page = _refused(client, {**form, "password1": password, "password2": password})
    assert (field(page, "password1")["errors"], field(page, "password2")["errors"]) == (errors, [])
    assert typed_values(page) == {
        "unit_name": "柳州市工人医院儿科",
        "credit_code": VALID_CODE,
        "contact_name": "韦小红",
        "phone": "0772-2850377",
        "email": "erke@gongren.example",
        "username": "gongren_erke",
    }
    assert selected_parent(page) == [str(body_a.pk)]


@pytest.mark.parametrize("password", GOOD_PASSWORDS)
def test_register_good_password_accepted(client, form, password):
    response = client.post(REGISTER, {**form, "password1": password, "password2": password})
    assert (response.status_code, response.url) == (302, "/apply/")
    assert User.objects.get(username="gongren_erke").check_password(password) is True


def test_register_mismatch_refused_on_confirmation(client, form):
    page = _refused(client, {**form, "password2": "Erke-Huli-2022"})
    assert (field(page, "password1")["errors"], field(page, "password2")["errors"]) == ([], [MISMATCH])


def rules_shown(page: str, name: str) -> list[str]:
    """The rules listed in the help text of the password field `name`."""
    help_text = re.search(rf'<div [^>]*id="id_{name}_helptext"[^>]*>(.*?)</ul>', page, flags=re.S).group(1)
    return [html.unescape(rule) for rule in re.findall(r"<li>(.*?)</li>", help_text)]


def test_register_shows_password_rules_before_typing(client, db):
    page = client.get(REGISTER).content.decode()
    assert rules_shown(page, "password1") == RULES
    assert re.findall(r'<input [^>]*aria-describedby="id_password1_helptext"', page) != []


def test_register_opens_at_its_first_field(client, db):
    page = client.get(REGISTER).content.decode()
    assert re.findall(r'<(?:input|select|textarea) [^>]*name="(\w+)"[^>]*\bautofocus\b', page) == ["unit_name"]


# --- registration and the APPLY window ---


def _registered_message(client, form) -> list[tuple[str, str]]:
    response = client.post(REGISTER, form)
    assert (response.status_code, response.url) == (302, "/apply/")
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


WELCOME = "注册成功，欢迎 柳州市工人医院儿科。"
CLOSED = (
    "2021年度申报已于2020年9月20日 23:59:59截止，现在不能再新建申报。"
    "如需延期，请联系城中区妇联或市妇联宣发部（0772-2850377）。"
)


@pytest.mark.parametrize(
    ("moment", "level", "note"),
    [
        ((2020, 7, 31, 23, 59, 59), "info", "2021年度申报将于2020年8月1日 00:00:00开始，届时即可填写申报表。"),
        ((2020, 9, 1, 10, 0, 0), "success", "现在可以填写申报表了，申报截止时间为2020年9月20日 23:59:59。"),
        ((2020, 9, 20, 23, 59, 59), "success", "现在可以填写申报表了，申报截止时间为2020年9月20日 23:59:59。"),
        ((2020, 9, 21, 0, 0, 0), "warning", CLOSED),
    ],
    ids=["before opening", "open", "closing second", "one second late"],
)
def test_register_says_what_the_apply_window_allows(client, campaign, form, moment, level, note):
    with time_machine.travel(shanghai(*moment), tick=False):
        assert _registered_message(client, form) == [(level, WELCOME + note)]


def test_register_after_deadline_counts_the_bodys_extension(client, campaign, body_a, form):
    DeadlineExtension.objects.create(
        campaign=campaign, organisation=body_a, stage=Stage.APPLY, closes_at=shanghai(2020, 9, 25, 23, 59, 59), reason="汛期"
    )
    with time_machine.travel(shanghai(2020, 9, 21, 9, 0, 0), tick=False):
        assert _registered_message(client, form) == [
            ("success", WELCOME + "现在可以填写申报表了，申报截止时间为2020年9月25日 23:59:59。")
        ]


def test_register_without_campaign_says_so(client, form):
    assert _registered_message(client, form) == [("info", WELCOME + "本年度申报工作尚未发布，发布后即可填写申报表。")]


def test_register_duplicate_credit_code_refused(client, body_a, form):
    existing = UnitFactory(name="柳州市工人医院", parent=body_a, credit_code=VALID_CODE)
    response = client.post(REGISTER, form)
    assert response.status_code == 200
    page = response.content.decode()
    assert field(page, "credit_code") == {"value": VALID_CODE, "errors": [DUPLICATE_CODE]}
    assert list(Organisation.objects.filter(kind=OrgKind.APPLICANT)) == [existing]
    assert list(User.objects.all()) == []


def test_register_parent_must_be_reviewing_body(client, city_org, form):
    page = _refused(client, {**form, "parent": str(city_org.pk)})
    assert field(page, "credit_code")["errors"] == []
    assert re.findall(r'<p id="error_\d+_id_parent"><strong>(.*?)</strong></p>', page) == [
        "选择一个有效的选项： 该选择不在可用的选项中。"
    ]


def test_register_logged_in_user_redirected_home(client, applicant, form):
    client.force_login(applicant)
    response = client.post(REGISTER, form)
    assert (response.status_code, response.url) == (302, "/")
    assert User.objects.filter(username="gongren_erke").exists() is False


# --- login, home, password change ---


def test_login_page_renders(client, db):
    response = client.get(LOGIN)
    page = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<input [^>]*name="(username|password)"', page) == ["username", "password"]
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", page) == ["登录"]


def test_home_anonymous_redirected_to_login(client, db):
    response = client.get("/")
    assert (response.status_code, response.url) == (302, "/accounts/login/")


def test_login_correct_password_redirects_home(client, applicant):
    response = client.post(LOGIN, {"username": "applicant", "password": "Gangwei-2021-test"})
    assert (response.status_code, response.url) == (302, "/")
    assert client.session["_auth_user_id"] == str(applicant.pk)


def test_password_change_logged_in(client, applicant):
    client.force_login(applicant)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "Gangwei-2021-test", "new_password1": "Xinmima-2021-ok", "new_password2": "Xinmima-2021-ok"},
    )
    assert (response.status_code, response.url) == (302, "/accounts/password_change/done/")
    applicant.refresh_from_db()
    assert (applicant.check_password("Xinmima-2021-ok"), applicant.check_password("Gangwei-2021-test")) == (True, False)
    assert client.session["_auth_user_id"] == str(applicant.pk)


def test_password_change_weak_password_refused(client, applicant):
    client.force_login(applicant)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "Gangwei-2021-test", "new_password1": "liuzhoujinguo", "new_password2": "liuzhoujinguo"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (field(page, "new_password1")["errors"], field(page, "new_password2")["errors"]) == (
        [CLASSES.format(1)],
        [],
    )
    applicant.refresh_from_db()
    assert applicant.check_password("Gangwei-2021-test") is True


@pytest.mark.parametrize(
    ("password", "errors"),
    [
        ("applicant-2021X", [SIMILAR.format("登录用户名")]),
        ("柳州市第一测试医院Ab1", [SIMILAR.format("单位名称")]),
        ("Gangwei-Demo-2026", [DEMO]),
    ],
)
def test_password_change_compares_with_user_and_unit(client, applicant, password, errors):
    client.force_login(applicant)
    page = client.post(
        "/accounts/password_change/",
        {"old_password": "Gangwei-2021-test", "new_password1": password, "new_password2": password},
    ).content.decode()
    assert field(page, "new_password1")["errors"] == errors


def test_password_change_wrong_old_password_says_so(client, applicant):
    client.force_login(applicant)
    page = client.post(
        "/accounts/password_change/",
        {"old_password": "wrong", "new_password1": "Xinmima-2021-ok", "new_password2": "Xinmima-2021-ok"},
    ).content.decode()
    assert field(page, "old_password")["errors"] == ["您输入的原密码不正确，请重新输入。"]


def test_password_change_shows_rules(client, applicant):
    client.force_login(applicant)
    assert rules_shown(client.get("/accounts/password_change/").content.decode(), "new_password1") == RULES


def test_password_change_anonymous_redirected_to_login(client, db):
    response = client.get("/accounts/password_change/")
    assert response.url == "/accounts/login/?next=/accounts/password_change/"


def _reset_form_url(client, applicant, mailoutbox) -> str:
    client.post("/accounts/password_reset/", {"email": applicant.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mailoutbox[-1].body).group(1)
    return client.get(link, follow=True).redirect_chain[-1][0]  # Django swaps the token for a session marker


def test_password_reset_weak_password_refused_on_password_field(client, applicant, mailoutbox):
    url = _reset_form_url(client, applicant, mailoutbox)
    assert rules_shown(client.get(url).content.decode(), "new_password1") == RULES
    response = client.post(url, {"new_password1": "Passw0rd12", "new_password2": "Passw0rd12"})
    page = response.content.decode()
    assert (response.status_code, field(page, "new_password1")["errors"], field(page, "new_password2")["errors"]) == (
        200,
        [COMMON],
        [],
    )
    applicant.refresh_from_db()
    assert applicant.check_password("Gangwei-2021-test") is True


def _admin_errors(response) -> dict:
    form = response.context.get("adminform")
    form = form.form if form is not None else response.context["form"]
    return {name: list(errors) for name, errors in form.errors.items()}


@pytest.mark.parametrize(
    ("password", "errors"),
    [
        ("Passw0rd12", {"password1": [COMMON]}),
        ("Gangwei-Demo-2026", {"password1": [DEMO]}),
        ("柳州市第一测试医院Ab1", {"password1": [SIMILAR.format("单位名称")]}),
        ("Wuzhou-Lu-2021#", {}),
    ],
)
def test_admin_user_creation_applies_the_password_rules(client, superuser, unit, password, errors):
    client.force_login(superuser)
    page = client.get("/admin/gangwei/user/add/")
    assert rules_shown(page.content.decode(), "password1") == RULES
    response = client.post(
        "/admin/gangwei/user/add/",
        {
            "username": "new_clerk",
            "usable_password": "true",
            "password1": password,
            "password2": password,
            "organisation": str(unit.pk),
            "email": "clerk@example.org",
        },
    )
    if errors:
        assert (response.status_code, _admin_errors(response)) == (200, errors)
        assert User.objects.filter(username="new_clerk").exists() is False
    else:
        assert response.status_code == 302
        assert User.objects.get(username="new_clerk").check_password(password) is True


def test_admin_user_creation_without_password_skips_the_rules(client, superuser, unit):
    client.force_login(superuser)
    response = client.post(
        "/admin/gangwei/user/add/",
        {"username": "no_login", "usable_password": "false", "organisation": str(unit.pk), "email": "n@example.org"},
    )
    assert response.status_code == 302
    assert User.objects.get(username="no_login").has_usable_password() is False


def test_admin_password_change_applies_the_password_rules(client, superuser, applicant):
    client.force_login(superuser)
    url = f"/admin/gangwei/user/{applicant.pk}/password/"
    response = client.post(url, {"usable_password": "true", "password1": "admin12345", "password2": "admin12345"})
    assert (response.status_code, _admin_errors(response)) == (200, {"password1": [CLASSES.format(2), COMMON]})
    applicant.refresh_from_db()
    assert applicant.check_password("Gangwei-2021-test") is True


def test_seed_demo_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo")
    assert str(refused.value) == (
        "seed_demo 只用于本地演示，会把演示账号的密码设为公开的演示密码，不能在生产环境（DEBUG 关闭）运行。"
        "本地演示请用 make run，或以 DEBUG=true 运行本命令。"
    )
    assert list(User.objects.all()) == []


# --- django-axes lockout ---


def _fail(client, times: int) -> list[int]:
    return [client.post(LOGIN, {"username": "applicant", "password": f"wrong-{i}"}).status_code for i in range(times)]


def login_errors(response) -> list[str]:
    """The form-wide errors crispy shows above the login fields."""
    alert = re.search(r'<div class="alert alert-block alert-danger">(.*?)</div>', response.content.decode(), re.S)
    return [html.unescape(e).strip() for e in re.findall(r"<li>(.*?)</li>", alert.group(1))] if alert else []


def _countdown(client, username: str, **extra) -> list:
    responses = [
        client.post(LOGIN, {"username": username, "password": f"wrong-{i}"}, **extra) for i in range(5)
    ]
    return [(r.status_code, login_errors(r)) for r in responses[:4]] + [
        (responses[4].status_code, re.findall(r"<h1[^>]*>(.*?)</h1>", responses[4].content.decode()))
    ]


COUNTDOWN = [
    (200, ["用户名或密码不正确。再失败 4 次，该账号将在本机锁定30分钟。"]),
    (200, ["用户名或密码不正确。再失败 3 次，该账号将在本机锁定30分钟。"]),
    (200, ["用户名或密码不正确。再失败 2 次，该账号将在本机锁定30分钟。"]),
    (200, ["用户名或密码不正确。再失败 1 次，该账号将在本机锁定30分钟。"]),
    (429, ["登录失败次数过多"]),
]


def test_login_failures_count_down_to_the_lockout(client, applicant):
    assert _countdown(client, "applicant") == COUNTDOWN


def test_login_countdown_same_for_unknown_username(client, applicant):
    """The words and the count do not tell whether the account exists."""
    assert _countdown(client, "nobody-here") == COUNTDOWN


def test_login_countdown_is_per_username_and_address(client, applicant):
    _fail(client, 3)
    elsewhere = client.post(LOGIN, {"username": "applicant", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    here = client.post(LOGIN, {"username": "applicant", "password": "wrong"})
    assert (login_errors(elsewhere), login_errors(here)) == (
        ["用户名或密码不正确。再失败 4 次，该账号将在本机锁定30分钟。"],
        ["用户名或密码不正确。再失败 1 次，该账号将在本机锁定30分钟。"],
    )


def test_login_countdown_follows_the_settings(client, applicant, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = 1.5
    response = client.post(LOGIN, {"username": "applicant", "password": "wrong"})
    assert login_errors(response) == ["用户名或密码不正确。再失败 2 次，该账号将在本机锁定1小时30分钟。"]


def test_login_success_resets_the_countdown(client, applicant):
    _fail(client, 3)
    client.post(LOGIN, {"username": "applicant", "password": "Gangwei-2021-test"})
    client.post("/accounts/logout/")
    response = client.post(LOGIN, {"username": "applicant", "password": "wrong"})
    assert login_errors(response) == ["用户名或密码不正确。再失败 4 次，该账号将在本机锁定30分钟。"]


def test_login_four_failures_then_correct_password_allowed(client, applicant):
    assert _fail(client, 4) == [200, 200, 200, 200]
    response = client.post(LOGIN, {"username": "applicant", "password": "Gangwei-2021-test"})
    assert (response.status_code, response.url) == (302, "/")
    assert client.session["_auth_user_id"] == str(applicant.pk)


def test_login_five_failures_lock_out_correct_password(client, applicant):
    assert _fail(client, 5) == [200, 200, 200, 200, 429]
    response = client.post(LOGIN, {"username": "applicant", "password": "Gangwei-2021-test"})
    page = response.content.decode()
    assert response.status_code == 429
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", page) == ["登录失败次数过多"]
    assert "_auth_user_id" not in client.session
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [
        ("applicant", 6)
    ]  # the refused sixth try counts too


def test_login_lockout_is_per_username(client, applicant):
    other = UserFactory(username="colleague", organisation=applicant.organisation)
    _fail(client, 5)
    response = client.post(LOGIN, {"username": "colleague", "password": "Gangwei-2021-test"})
    assert (response.status_code, response.url) == (302, "/")
    assert client.session["_auth_user_id"] == str(other.pk)


def test_password_reset_by_mail_lifts_the_lockout(client, applicant, mailoutbox):
    _fail(client, 5)
    client.post("/accounts/password_reset/", {"email": applicant.email})
    assert [m.subject for m in mailoutbox] == ["柳州市巾帼文明岗申报系统：重设密码"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)  # Django swaps the token for a session marker
    new = "Liuzhou-reset-2021"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert (done.status_code, done.url) == (302, "/accounts/reset/done/")
    assert list(AccessAttempt.objects.all()) == []

    response = client.post(LOGIN, {"username": "applicant", "password": new})
    assert (response.status_code, response.url) == (302, "/")
