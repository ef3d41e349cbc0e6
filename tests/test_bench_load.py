"""The parts of bench/load.py that depend on the app: the submission flow the benchmark posts, and H.

The benchmark itself (seeding, gunicorn, wrk) takes minutes and is run by hand; these tests keep its
client in step with the form it submits and its reference page with the app's middleware.
"""

import pytest

import gangwei.settings as gangwei_settings
from applications.models import Application, Status
from bench import load
from bench.hello import settings as hello_settings
from tests.http_client import form_of


def test_the_benchmark_submission_submits_the_draft(client_for, applicant, application, apply_window):
    """The form fields parsed once and posted with a fresh token and "submit" make a real 提交."""
    client = client_for(applicant)
    path = f"/apply/{application.key}/edit/"
    page = client.get(path).content
    fields = form_of(page.decode(), "application-form")
    names = [name for name, _ in fields]
    assert "version" in names and "csrfmiddlewaretoken" in names
    token = load.CSRF_FIELD.search(page).group(1).decode()

    response = client.post(path, load.submit_body(fields, token), content_type=load.FORM_CONTENT_TYPE)

    assert (response.status_code, response["Location"]) == (302, f"/apply/{application.key}/")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert Application.objects.filter(unit=application.unit).count() == 1


def test_the_parser_posts_what_a_browser_posts():
    html = (
        '<form id="other"><input name="outside" value="x"></form>'
        '<form id="f"><input type="hidden" name="a" value="1"><input name="b" value="two">'
        '<input type="checkbox" name="c" value="on" checked><input type="checkbox" name="d">'
        '<select name="e"><option value="1">一</option><option value="2" selected>二</option></select>'
        '<select name="g"><option value="x">x</option></select>'
        '<textarea name="t">\n第一行\n第二行</textarea><input type="submit" name="submit" value="1">'
        '<input name="off" value="z" disabled></form>'
    )
    assert form_of(html, "f") == [("a", "1"), ("b", "two"), ("c", "on"), ("e", "2"), ("g", "x"), ("t", "第一行\n第二行")]


@pytest.mark.urls("bench.hello.urls")
def test_h_is_a_bare_hello_behind_the_apps_middleware(client):
    assert hello_settings.MIDDLEWARE == gangwei_settings.MIDDLEWARE
    response = client.get("/")
    assert (response.status_code, response.content) == (200, b"hello")
