"""Requests the application cannot read get the Chinese 400 page (gangwei.middleware), never a 500:
NUL in the path, the query string or a header; bodies in another charset, broken multipart,
percent-escapes that are not UTF-8."""

import logging

import pytest
from django.test import Client

from gangwei import phrases
from tests.factories import UserFactory

NOTHING_SAVED = "本次请求未被处理，没有保存任何内容。"


@pytest.fixture
def raw_client():
    return Client(raise_request_exception=False)


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff", is_staff=True, is_superuser=True, organisation=None)


def page_text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/apply/%00/",
        "/apply/abc%00/pdf/",
        "/apply/abc%00def/edit/",
        "/admin/applications/application/?status__exact=%00",
        "/admin/autocomplete/?term=%00&app_label=gangwei&model_name=organisation&field_name=parent",
        "/accounts/login/?next=%00",
        "/%00",
    ],
)
def test_nul_in_url_is_a_chinese_400(raw_client, applicant, staff_user, url):
    raw_client.force_login(staff_user if url.startswith("/admin/") else applicant)

    response = raw_client.get(url)

    assert response.status_code == 400
    assert phrases.REQUEST_NUL_IN_URL in page_text(response)
    assert NOTHING_SAVED in page_text(response)


def test_nul_in_real_application_key_is_400(raw_client, applicant, application):
    raw_client.force_login(applicant)

    assert raw_client.get(f"/apply/{application.key}/pdf/").status_code == 200
    response = raw_client.get(f"/apply/{application.key}%00/pdf/")

    assert (response.status_code, phrases.REQUEST_NUL_IN_URL in page_text(response)) == (400, True)


def test_nul_in_header_is_400(raw_client):
    response = raw_client.get("/accounts/login/", HTTP_USER_AGENT="Mozilla\x00")

    assert response.status_code == 400
    assert phrases.REQUEST_BAD_HEADER in page_text(response)


def test_utf16_form_post_is_a_chinese_400_with_one_log_line(raw_client, applicant, apply_window, campaign, caplog):
    raw_client.force_login(applicant)
    body = "applicant_name=测试&draft=1".encode("utf-16")

    with caplog.at_level(logging.INFO):
        response = raw_client.generic(
            "POST", "/apply/new/", body, content_type="application/x-www-form-urlencoded; charset=utf-16"
        )

    assert response.status_code == 400
    assert phrases.REQUEST_BAD_CHARSET.format(charset="utf-16") in page_text(response)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        "400 POST /apply/new/: " + phrases.REQUEST_BAD_CHARSET.format(charset="utf-16")
    ]
    assert all(r.exc_info is None for r in caplog.records)


@pytest.mark.parametrize("charset", ["utf-16", "utf-32", "no-such-charset", "latin-1", "gbk"])
@pytest.mark.parametrize("enforce_csrf", [False, True])
def test_other_charsets_are_refused(db, charset, enforce_csrf):
    """With CSRF checks on (as in a browser), CsrfViewMiddleware reads request.POST: the hygiene
    middleware must have answered before it, with the same page."""
    raw_client = Client(raise_request_exception=False, enforce_csrf_checks=enforce_csrf)
    response = raw_client.generic(
        "POST", "/accounts/login/", b"username=a&password=b", content_type=f"application/x-www-form-urlencoded; charset={charset}"
    )
    assert response.status_code == 400
    assert "字符编码" in page_text(response)


def test_invalid_utf8_escapes_are_refused(raw_client):
    response = raw_client.generic(
        "POST", "/accounts/login/", b"username=%ED%A0%80&password=%FF", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert phrases.REQUEST_BAD_ENCODING in page_text(response)


@pytest.mark.parametrize("enforce_csrf", [False, True])
def test_raw_bytes_that_are_not_utf8_are_refused(db, enforce_csrf):
    raw_client = Client(raise_request_exception=False, enforce_csrf_checks=enforce_csrf)
    response = raw_client.generic(
        "POST", "/accounts/login/", b"username=\xff\xfe&password=\xc3", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "无法处理这个请求" in page_text(response)


def test_broken_percent_escapes_are_read_as_text(raw_client, applicant):
    """'%zz' is not an escape: it is read literally, as browsers and Django do; the login just fails."""
    response = raw_client.generic(
        "POST", "/accounts/login/", b"username=%zz%&password=%", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert response.context["form"].data["username"] == "%zz%"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--"),
        ("multipart/form-data; boundary=", b"garbage"),
        ("multipart/form-data; boundary=" + "x" * 300, b"--" + b"x" * 300 + b"\r\n"),
        ("multipart/form-data; boundary=\x7f\x7f", b"--\x7f\x7f\r\n"),
        ("multipart/form-data; boundary=abc; charset=utf-16", b"--abc\r\n"),
    ],
)
def test_broken_multipart_is_a_chinese_400(raw_client, applicant, application, apply_window, content_type, body):
    raw_client.force_login(applicant)

    response = raw_client.generic("POST", f"/apply/{application.key}/attachments/", body, content_type=content_type)

    assert response.status_code == 400
    assert "系统无法读取" in page_text(response) or "字符编码" in page_text(response)
    assert application.attachments.count() == 0


def test_good_requests_pass(raw_client, applicant, application):
    raw_client.force_login(applicant)
    assert raw_client.get(f"/apply/{application.key}/?x=%E5%AD%97").status_code == 200
    response = raw_client.generic(
        "POST", "/accounts/login/", "username=字&password=x".encode(), content_type="application/x-www-form-urlencoded; charset=UTF-8"
    )
    assert response.status_code == 302  # logged in already: the login page sends the user home


def test_django_own_400_uses_the_chinese_page(raw_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    body = "&".join(f"f{i}=1" for i in range(10)).encode()

    response = raw_client.generic("POST", "/accounts/login/", body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert "无法处理这个请求" in page_text(response)


@pytest.mark.parametrize("organisation", [" ", "abc", "1.5", "-", "1" + "0" * 30, "-" + "9" * 25])
def test_admin_autocomplete_field_with_unreadable_key_shows_the_form_again(
    raw_client, staff_user, campaign, unit, organisation
):
    import datetime as dt

    from gangwei.models import DeadlineExtension, Stage

    extension = DeadlineExtension.objects.create(
        campaign=campaign, organisation=unit, stage=Stage.APPLY,
        closes_at=campaign.apply_closes_at + dt.timedelta(days=3), reason="系统故障",
    )
    raw_client.force_login(staff_user)
    data = {"campaign": str(campaign.pk), "organisation": organisation, "stage": "apply",
            "closes_at_0": "2020-09-25", "closes_at_1": "23:59:59", "reason": "改过", "change_reason": "再延两天", "_save": "保存"}

    response = raw_client.post(f"/admin/gangwei/deadlineextension/{extension.pk}/change/", data)

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["organisation"]
    assert DeadlineExtension.objects.get().reason == "系统故障"
