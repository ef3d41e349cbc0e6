"""Accounts: self-registration of an applicant unit, login, password change, and the lockout."""

import html
import re

import pytest
from axes.models import AccessAttempt

from gangwei.models import Organisation, OrgKind, User
from tests.factories import UnitFactory, UserFactory

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


@pytest.mark.parametrize(
    ("password", "errors"),
    [
        ("lzgw2021a", ["密码太短：至少需要10个字符。"]),
        ("liuzhoujinguo", ["密码必须同时包含字母和数字。"]),
        ("password123", ["这个密码太常见了。"]),
    ],
    ids=["too short", "letters only", "common"],
)
def test_register_weak_password_refused_keeps_input(client, body_a, form, password, errors):
    page = _refused(client, {**form, "password1": password, "password2": password})
    assert field(page, "password2")["errors"] == errors
    assert typed_values(page) == {
        "unit_name": "柳州市工人医院儿科",
        "credit_code": VALID_CODE,
        "contact_name": "韦小红",
        "phone": "0772-2850377",
        "email": "erke@gongren.example",
        "username": "gongren_erke",
    }
    assert selected_parent(page) == [str(body_a.pk)]


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
        {"old_password": "Gangwei-2021-test", "new_password1": "abcdefghijkl", "new_password2": "abcdefghijkl"},
    )
    assert response.status_code == 200
    assert field(response.content.decode(), "new_password2")["errors"] == ["密码必须同时包含字母和数字。"]
    applicant.refresh_from_db()
    assert applicant.check_password("Gangwei-2021-test") is True


def test_password_change_anonymous_redirected_to_login(client, db):
    response = client.get("/accounts/password_change/")
    assert response.url == "/accounts/login/?next=/accounts/password_change/"


# --- django-axes lockout ---


def _fail(client, times: int) -> list[int]:
    return [client.post(LOGIN, {"username": "applicant", "password": f"wrong-{i}"}).status_code for i in range(times)]


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
