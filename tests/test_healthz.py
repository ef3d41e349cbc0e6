"""/healthz for a load balancer (gangwei/health.py): database, storage and the mail worker, each by
name; 503 naming the check that failed; never a word of why (that goes to the log)."""

import datetime as dt
import json
import threading
import time

import pytest
import time_machine
from django.core.files.storage import InMemoryStorage
from django.db import OperationalError, connections
from django.utils import timezone

from applications.mail import deliver_message
from gangwei import health

ALL_OK = {"status": "ok", "checks": {"database": "ok", "storage": "ok", "worker": "ok"}}
SECRET_WORDS = ["db-primary.internal", "10.1.2.3", "OperationalError", "refused", "Traceback", "no-such-bucket"]


def answer(client, path="/healthz", **extra) -> tuple[int, dict]:
    response = client.get(path, **extra)
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    for word in SECRET_WORDS:
        assert word not in body
    return response.status_code, json.loads(body)


def test_healthy_without_login(db, client, tmp_path):
    response = client.get("/healthz")
    assert (response.status_code, json.loads(response.content)) == (200, ALL_OK)
    assert response["Cache-Control"] == "no-store"
    assert response.cookies == {}  # no session, no CSRF cookie
    # The storage probe was written once, in the storage, and is found from then on.
    assert (tmp_path / "private" / "healthz" / "probe.txt").read_bytes() == health.PROBE_CONTENT
    assert answer(client, "/healthz/") == (200, ALL_OK)


def test_two_cheap_queries(db, client, django_assert_num_queries):
    client.get("/healthz")  # writes the storage probe the first time
    with django_assert_num_queries(2):  # SELECT 1; is a task overdue
        assert answer(client) == (200, ALL_OK)


def test_answers_a_plain_http_probe_by_address(db, client, settings):
    """The balancer probes each server over plain HTTP, by its IP address: no redirect, no 400."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["gangwei.example.cn"]
    assert answer(client, HTTP_HOST="10.0.0.17:8000") == (200, ALL_OK)
    assert client.get("/", HTTP_HOST="gangwei.example.cn").status_code == 301  # the rest still redirects


def test_head_and_other_methods(db, client):
    response = client.head("/healthz")
    assert (response.status_code, response.content) == (200, b"")
    response = client.post("/healthz")
    assert (response.status_code, response["Allow"], response.content) == (405, "GET, HEAD", b"")


def test_database_error_is_a_503_naming_it(db, client, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise OperationalError(
            'connection to server at "db-primary.internal" (10.1.2.3), port 5432 failed: Connection refused'
        )

    # The worker check reads the same database, so it cannot pass either.
    expected = {"status": "fail", "checks": {"database": "fail", "storage": "ok", "worker": "fail"}}
    with monkeypatch.context() as patch:
        patch.setattr(type(connections["default"]), "cursor", refuse)
        assert answer(client) == (503, expected)
    assert "db-primary.internal" in caplog.text  # the operator finds the reason in the log


def test_storage_error_is_a_503_naming_it(db, client, s3_server, settings, caplog):
    settings.STORAGES = s3_server.storages("no-such-bucket")
    expected = {"status": "fail", "checks": {"database": "ok", "storage": "fail", "worker": "ok"}}
    assert answer(client) == (503, expected)
    assert "NoSuchBucket" in caplog.text


def test_storage_in_a_bucket(db, client, s3_server, s3_bucket):
    assert answer(client) == (200, ALL_OK)
    assert s3_server.keys(s3_bucket) == ["healthz/probe.txt"]
    assert answer(client) == (200, ALL_OK)
    assert s3_server.keys(s3_bucket) == ["healthz/probe.txt"]


class HangingStorage(InMemoryStorage):
    """A storage that does not answer until the test lets it."""

    release = threading.Event()
    calls = 0

    def exists(self, name):
        type(self).calls += 1
        self.release.wait(10)
        return True


def test_hanging_storage_is_a_503_within_the_timeout(db, client, settings):
    settings.STORAGES = {"default": {"BACKEND": "tests.test_healthz.HangingStorage"}}
    settings.HEALTHZ_TIMEOUT = 0.3
    HangingStorage.release.clear()
    HangingStorage.calls = 0
    expected = {"status": "fail", "checks": {"database": "ok", "storage": "fail", "worker": "ok"}}
    try:
        started = time.monotonic()
        assert answer(client) == (503, expected)
        assert answer(client) == (503, expected)
        assert time.monotonic() - started < 2
        assert HangingStorage.calls == 1  # the second probe waited on the first, it did not queue another
    finally:
        HangingStorage.release.set()
    # Once the storage answers again, so does /healthz.
    deadline = time.monotonic() + 5
    while answer(client)[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert answer(client) == (200, ALL_OK)


def test_overdue_task_is_a_503_naming_the_worker(db, client, settings, deliver_outbox):
    settings.HEALTHZ_QUEUE_MAX_MINUTES = 10
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(minutes=9, seconds=59), tick=False):
        deliver_message.enqueue(999_999)
    with time_machine.travel(now, tick=False):
        assert answer(client) == (200, ALL_OK)
    with time_machine.travel(now + dt.timedelta(seconds=2), tick=False):
        expected = {"status": "fail", "checks": {"database": "ok", "storage": "ok", "worker": "fail"}}
        assert answer(client) == (503, expected)
        deliver_outbox()  # the worker runs it (the message is unknown: the task ends all the same)
        assert answer(client) == (200, ALL_OK)


def test_retry_waits_for_its_time_not_the_worker(db, client):
    """A mail retry enqueued long ago for a time still to come is not overdue."""
    with time_machine.travel(timezone.now() - dt.timedelta(days=1), tick=False):
        deliver_message.using(run_after=timezone.now() + dt.timedelta(days=1, hours=1)).enqueue(999_999)
    assert answer(client) == (200, ALL_OK)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1, minutes=11), tick=False):
        assert answer(client)[0] == 503


@pytest.mark.parametrize("checks", [["database"], ["database", "storage"]])
def test_checks_can_be_left_out(db, client, settings, checks):
    settings.HEALTHZ_CHECKS = checks
    deliver_message.enqueue(999_999)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1), tick=False):
        assert answer(client) == (200, {"status": "ok", "checks": dict.fromkeys(checks, "ok")})
