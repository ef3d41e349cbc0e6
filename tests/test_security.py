"""The address the login lockout counts failures against."""

import pytest
from django.test import RequestFactory

from gangwei.security import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.5"),
        (0, "203.0.113.9", "10.0.0.5"),  # no trusted proxy: the header is the client's own words
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # a forged first entry is ignored
        (2, "1.2.3.4, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.5"),  # fewer entries than proxies: fall back
        (1, "not-an-address", "10.0.0.5"),  # not an address (a miscounted proxy): fall back
        (1, "1.2.3.4, " + "9" * 10_000, "10.0.0.5"),
    ],
)
def test_client_ip_behind_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


# --- Cache-Control: nothing of a logged-in user's pages is kept by the browser or a proxy ---


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize(
    ("persona", "url", "status"),
    [
        ("applicant", "/", 302),
        ("applicant", "/apply/", 200),
        ("applicant", "detail", 200),
        ("applicant", "/accounts/password_change/", 200),
        ("reviewer_a", "/review/", 200),
        ("applicant", "/apply/no-such-key/", 404),
    ],
)
def test_logged_in_pages_are_private_no_store(client, request, application, persona, url, status):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(f"/apply/{application.key}/" if url == "detail" else url)
    assert (response.status_code, response["Cache-Control"]) == (status, "private, no-store")


def test_logged_in_pdf_keeps_private_no_store(client, applicant, application):
    client.force_login(applicant)
    response = client.get(f"/apply/{application.key}/pdf/")
    assert (response.status_code, response["Cache-Control"]) == (200, "private, no-store")


def test_admin_pages_are_private_no_store(client, db):
    from gangwei.models import User

    client.force_login(User.objects.create_superuser("root", "root@lzfl.example", "Root-Admin-2021"))
    for url in ["/admin/", "/admin/gangwei/campaign/", "/admin/gangwei/user/add/"]:
        response = client.get(url)
        # The admin's never_cache says more (no-cache, must-revalidate, max-age=0); never public.
        assert (url, response.status_code, {"private", "no-store"} <= directives(response)) == (url, 200, True)
        assert "public" not in directives(response)


def test_view_asking_for_public_cache_is_made_private_for_a_logged_in_user(rf, applicant):
    from django.http import HttpResponse

    from gangwei.security import PrivateNoStoreMiddleware

    def view(request):
        response = HttpResponse("ok")
        response["Cache-Control"] = "public, max-age=3600"
        return response

    request = rf.get("/")
    request.user = applicant
    assert PrivateNoStoreMiddleware(view)(request)["Cache-Control"] == "max-age=3600, private, no-store"


def test_anonymous_pages_unaffected(client, db):
    """Anonymous answers keep their own policy: Django's never_cache on the login page, none on the
    registration form and on redirects to the login."""
    login = client.get("/accounts/login/")
    assert directives(login) == {"max-age=0", "no-cache", "no-store", "must-revalidate", "private"}
    assert client.get("/accounts/register/").has_header("Cache-Control") is False
    assert client.get("/apply/").has_header("Cache-Control") is False


def test_logout_answer_and_back_button(client, applicant):
    client.force_login(applicant)
    assert client.get("/apply/")["Cache-Control"] == "private, no-store"
    response = client.post("/accounts/logout/")
    assert (response.status_code, response.url) == (302, "/accounts/login/")
    # What the back button asks for again now: only the way to the login.
    back = client.get("/apply/")
    assert (back.status_code, back.url) == (302, "/accounts/login/?next=/apply/")


def test_static_files_cached_as_before_for_logged_in_user(settings, applicant):
    """WhiteNoise answers /static/ before the session is read: long-lived public caching stays."""
    from django.test import Client

    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()  # a new handler, so WhiteNoise reads the settings above
    client.force_login(applicant)
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert "no-store" not in directives(response) and "private" not in directives(response)
