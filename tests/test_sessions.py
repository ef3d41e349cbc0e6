"""The sliding session: two hours without activity log out, activity keeps the session, and a burst
of requests does not rewrite the session row on every request (SlidingSessionMiddleware)."""

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import local


def _session_writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]


def test_two_gets_in_a_row_do_not_write_the_session(applicant, client_for):
    with time_machine.travel(local(2020, 9, 10, 10, 0, 0), tick=False) as traveller:
        client = client_for(applicant)
        client.get("/apply/")
        traveller.shift(dt.timedelta(seconds=5))
        with CaptureQueriesContext(connection) as queries:
            first = client.get("/apply/")
            second = client.get("/apply/")

    assert (first.status_code, second.status_code) == (200, 200)
    assert _session_writes(queries) == []
    assert "sessionid" not in second.cookies  # nothing to send again either


def test_session_written_once_a_minute_at_most(applicant, client_for, settings):
    settings.SESSION_REFRESH_INTERVAL = 60
    with time_machine.travel(local(2020, 9, 10, 10, 0, 0), tick=False) as traveller:
        client = client_for(applicant)
        writes = []
        for _ in range(5):  # a request every 20 s for 100 s: writes at 60 s only
            traveller.shift(dt.timedelta(seconds=20))
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/apply/")
            writes.append(bool(_session_writes(queries)))

    assert response.status_code == 200
    assert writes == [False, False, True, False, False]


def test_activity_every_half_hour_keeps_the_user_logged_in_past_two_hours(applicant, client_for):
    with time_machine.travel(local(2020, 9, 10, 8, 0, 0), tick=False) as traveller:
        client = client_for(applicant)
        statuses = []
        for _ in range(8):  # four hours in all
            traveller.shift(dt.timedelta(minutes=30))
            statuses.append(client.get("/apply/").status_code)

    assert statuses == [200] * 8


def test_two_hours_and_a_minute_idle_logs_out(applicant, client_for):
    with time_machine.travel(local(2020, 9, 10, 8, 0, 0), tick=False) as traveller:
        client = client_for(applicant)
        traveller.shift(dt.timedelta(minutes=90))
        assert client.get("/apply/").status_code == 200  # slides the expiry to 11:30
        traveller.shift(dt.timedelta(hours=2, minutes=1))
        response = client.get("/apply/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/apply/")


def test_just_under_two_hours_idle_stays_logged_in(applicant, client_for):
    with time_machine.travel(local(2020, 9, 10, 8, 0, 0), tick=False) as traveller:
        client = client_for(applicant)
        traveller.shift(dt.timedelta(hours=1, minutes=58))
        response = client.get("/apply/")

    assert response.status_code == 200


def test_logout_does_not_recreate_the_session(applicant, client_for):
    from django.contrib.sessions.models import Session

    client = client_for(applicant)
    client.get("/apply/")
    client.post("/accounts/logout/")

    assert Session.objects.count() == 0


def test_refresh_interval_as_long_as_the_age_is_a_system_check_error(settings):
    from gangwei.checks import check_session_refresh

    settings.SESSION_REFRESH_INTERVAL = settings.SESSION_COOKIE_AGE
    assert [error.id for error in check_session_refresh(None)] == ["gangwei.E020"]
    settings.SESSION_REFRESH_INTERVAL = 60
    assert check_session_refresh(None) == []
