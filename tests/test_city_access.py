"""Every page and export of the city's stages, for every role that is not the city: a unit and the
reviewers of both bodies get 403 (GET and POST) with data present that could leak, anonymous
visitors go to the login page. Walks review.city.urls, so a page added later is covered too."""

import re

import pytest

from review.city.training import training_session_create
from review.city.urls import urlpatterns
from tests.conftest import IN_ASSESSMENT_WINDOW

POST_ONLY = ("/attendance/", "/conclude/", "/resolve/")
CITY_PATTERNS = [str(p.pattern) for p in urlpatterns if str(p.pattern).startswith("city/")]


def fill(pattern: str, values: dict[str, str]) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "1"), pattern)


@pytest.fixture
def paths(assessment_window, campaign, city_user, reported, reported_other) -> list[str]:
    session = training_session_create(
        user=city_user, campaign=campaign, title="创建培训", held_on=IN_ASSESSMENT_WINDOW.date(), place="市妇联"
    )
    values = {"key": reported.key, "session_id": str(session.pk)}
    return [fill(pattern, values) for pattern in CITY_PATTERNS]


def test_the_city_has_pages_to_walk():
    assert len(CITY_PATTERNS) >= 10


@pytest.mark.parametrize("persona", ["applicant", "reviewer_a", "reviewer_b"])
def test_every_city_page_and_export_is_403_for_others(paths, client_for, persona, request):
    client = client_for(request.getfixturevalue(persona))
    posts = {path: client.post(path, {}).status_code for path in paths}
    assert posts == {path: 403 for path in paths}
    # A GET of an action that only takes a POST says so (405) before anything else is read.
    gets = {path: client.get(path).status_code for path in paths}
    assert gets == {path: 405 if path.endswith(POST_ONLY) else 403 for path in paths}


def test_every_city_page_sends_anonymous_visitors_to_login(paths, client):
    answers = {path: client.get(path).status_code for path in paths}
    assert answers == {path: 302 for path in paths}
    assert {client.get(path).url.split("?")[0] for path in paths} == {"/accounts/login/"}


def test_every_city_page_answers_the_city(paths, client_for, city_user):
    client = client_for(city_user)
    answers = {path: client.get(path).status_code for path in paths}
    # Pages and documents answer 200 — the certificates PDF 404 while nothing is named; a POST-only
    # action answers 405 to a GET.
    expected = {path: 405 if path.endswith(POST_ONLY) else 200 for path in paths}
    expected["/city/naming/certificates.pdf"] = 404
    assert answers == expected
