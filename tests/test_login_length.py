"""A login with a username longer than django-axes' varchar(255) column is an ordinary failed login
(gangwei.security.axes_username), on the site's login page and the admin's, never a 500."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import UserFactory

LONG = "长" * 300 + "x"


@pytest.fixture
def raw_client():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_over_long_username_is_a_failed_login(raw_client, db, url):
    response = raw_client.post(url, {"username": LONG, "password": "whatever-1A"})

    assert response.status_code == 200
    assert response.context["form"].errors["__all__"] == ["用户名或密码不正确。再失败 4 次，该账号将在本机锁定30分钟。"]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [LONG[:255]]


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_over_long_usernames_count_towards_one_lockout(raw_client, db, settings, url):
    settings.AXES_FAILURE_LIMIT = 2
    for suffix in ("a", "b"):
        raw_client.post(url, {"username": "长" * 300 + suffix, "password": "whatever-1A"})

    response = raw_client.post(url, {"username": "长" * 300 + "c", "password": "whatever-1A"})

    assert response.status_code == 429  # the same first 255 characters: one record, locked out
    assert AccessAttempt.objects.get().failures_since_start == 3


def test_real_username_still_logs_in_and_locks_exactly(raw_client, db, settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = UserFactory(username="applicant")
    raw_client.post("/accounts/login/", {"username": "applicant", "password": "wrong-password-1"})

    response = raw_client.post("/accounts/login/", {"username": "applicant", "password": "Gangwei-2021-test"})

    assert response.status_code == 302
    assert raw_client.session["_auth_user_id"] == str(user.pk)
