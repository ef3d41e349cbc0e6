"""Every review URL × every role: another body's application is 404, an applicant (or the city on
a body's page) 403, anonymous goes to the login page, and the city reads review:detail only."""

import pytest

from applications.models import Application, Status
from applications.services import application_submit
from applications.workflow import Action
from review.models import CONDITION_FIELDS
from review.services import review_decide, summary_file
from tests.factories import ApplicationFactory

ALL_CONDITIONS = dict.fromkeys(CONDITION_FIELDS, "on")


@pytest.fixture
def sent(apply_window, campaign, unit, applicant):
    return application_submit(application=ApplicationFactory(campaign=campaign, unit=unit), user=applicant)


@pytest.fixture
def report(sent, reviewer_a):
    review_decide(
        application=sent,
        user=reviewer_a,
        action=Action.RECOMMEND,
        opinion="同意推荐。",
        conditions=dict.fromkeys(CONDITION_FIELDS, True),
    )
    report, _ = summary_file(user=reviewer_a, campaign=sent.campaign)
    return report


def body_urls(key: str) -> list[tuple[str, str]]:
    return [
        ("get", "/review/"),
        ("post", "/review/recommend/"),
        ("get", "/review/rank/"),
        ("post", "/review/rank/"),
        ("get", "/review/summary/"),
        ("post", "/review/summary/"),
        ("get", f"/review/{key}/"),
        ("post", f"/review/{key}/decide/"),
    ]


def fetch(client, method, url, data=None):
    return getattr(client, method)(url, data or {})


def test_anonymous_goes_to_login(client, sent, report):
    urls = [*body_urls(sent.key), ("get", "/city/"), ("get", f"/city/summary/{report.pk}/reopen/"),
            ("post", f"/city/summary/{report.pk}/reopen/")]
    for method, url in urls:
        response = fetch(client, method, url)
        assert (url, response.status_code, response["Location"].startswith("/accounts/login/")) == (url, 302, True)


def test_applicant_is_refused_everywhere(client_for, applicant, sent, report):
    client = client_for(applicant)
    urls = [*body_urls(sent.key), ("get", "/city/"), ("get", f"/city/summary/{report.pk}/reopen/"),
            ("post", f"/city/summary/{report.pk}/reopen/")]
    assert [(url, fetch(client, m, url).status_code) for m, url in urls] == [(url, 403) for _, url in urls]


def test_other_body_gets_404_for_every_url_with_the_key(client_for, reviewer_b, sent):
    client = client_for(reviewer_b)
    assert client.get(f"/review/{sent.key}/").status_code == 404
    response = client.post(f"/review/{sent.key}/decide/", {"action": "recommend", "opinion": "x", "version": 1, **ALL_CONDITIONS})
    assert response.status_code == 404
    assert client.get(f"/review/{sent.key}/decide/").status_code in (404, 405)
    assert Application.objects.get(pk=sent.pk).status == Status.SUBMITTED


def test_reviewer_may_not_use_city_pages(client_for, reviewer_a, report):
    client = client_for(reviewer_a)
    assert [client.get("/city/").status_code, client.get(f"/city/summary/{report.pk}/reopen/").status_code,
            client.post(f"/city/summary/{report.pk}/reopen/", {"reason": "x"}).status_code] == [403, 403, 403]


def test_city_reads_detail_but_cannot_decide(client_for, city_user, sent, report):
    client = client_for(city_user)
    response = client.get(f"/review/{sent.key}/")
    assert (response.status_code, "提交决定" in response.content.decode()) == (200, False)
    response = client.post(f"/review/{sent.key}/decide/", {"action": "return", "opinion": "x", "version": 1})
    assert response.status_code == 403
    for method, url in body_urls(sent.key):
        if url.startswith(f"/review/{sent.key}/") and method == "get":
            continue
        assert (url, fetch(client, method, url).status_code) == (url, 403)
    assert Application.objects.get(pk=sent.pk).status == Status.REPORTED


def test_city_does_not_see_unreported(client_for, city_user, sent):
    assert client_for(city_user).get(f"/review/{sent.key}/").status_code == 404


def test_reopen_unknown_report_is_404(client_for, city_user, campaign):
    assert client_for(city_user).get("/city/summary/999999/reopen/").status_code == 404


def test_draft_is_404_for_its_body(client_for, reviewer_a, application):
    assert client_for(reviewer_a).get(f"/review/{application.key}/").status_code == 404
