"""Two app servers on one database behave as one (DESIGN §10: stateless servers behind a balancer).

Two real gunicorn processes (one sync worker each, DEBUG off, the suite's environment) serve the
test database that pytest-django made; one client with one cookie jar, as a browser behind a load
balancer would be, sends its requests to both in turn. Nothing a user does may depend on which
server answered: the session, the flash message, the stale-form check, the deadline, the lockout and
the logout all live in the database (or in a signed cookie), never in one process's memory.

On PostgreSQL the servers use the test database itself. SQLite's test database lives in this
process's memory, so it is copied, migrated and empty, to a file that the servers and this process
(through a database router) share; two processes on one SQLite file is the embedded default's shape.
"""

import datetime as dt
import hashlib
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test.utils import override_settings
from django.utils import timezone

from applications import phrases
from applications.models import Application, ApplicationEvent, Status
from gangwei.models import Campaign
from tests.factories import ApplicationFactory, BodyFactory, CampaignFactory, UnitFactory, UserFactory, pdf_bytes
from tests.http_client import Answer, Browser, csrf_of, form_of, replaced

# Committed rows, so that the servers see them; "__all__" takes in the SQLite file's alias too.
pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Gangwei-2021-test"  # what UserFactory sets
SERVER_ALIAS = "two_servers"  # SQLite only: this process's connection to the servers' file


# --- the servers ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_env(tmp: Path) -> tuple[dict, str]:
    """The servers' database settings, and the alias this process reaches the same database by."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = urllib.parse.quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            auth += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
        url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        return {"DATABASE_URL": url}, "default"
    # The SQLite test database is in this process's memory: copy it (migrated, empty) to a file.
    path = tmp / "db.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    connections.settings[SERVER_ALIAS] = {**db, "NAME": str(path)}
    return {"SQLITE_PATH": str(path)}, SERVER_ALIAS


class ToServersDatabase:
    """Routes this process's ORM to the servers' SQLite file while a test writes its personas."""

    def db_for_read(self, model, **hints):
        return SERVER_ALIAS

    db_for_write = db_for_read


@dataclass
class Servers:
    a: str
    b: str
    alias: str

    def db(self):
        """Inside it, this process's ORM reads and writes the servers' database."""
        if self.alias == "default":
            return override_settings()
        return override_settings(DATABASE_ROUTERS=[ToServersDatabase()])


def _wait_until_up(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn at {url} exited with {process.returncode}:\n{log.read_text()}", pytrace=False)
        try:
            with urllib.request.urlopen(url + "/accounts/login/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn at {url} did not answer within 60 s:\n{log.read_text()}", pytrace=False)


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("two_servers")
    with django_db_blocker.unblock():
        db_env, alias = _database_env(tmp)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env.update(
        db_env,
        DJANGO_SETTINGS_MODULE="tests.server_settings",
        DEBUG="false",
        PRIVATE_MEDIA_ROOT=str(tmp / "private"),  # the configured storage: the same folder for both
        PYTHONUNBUFFERED="1",
    )
    # An empty configuration: one sync worker each whatever the repository's gunicorn.conf.py says
    # (gunicorn reads ./gunicorn.conf.py unless told another file).
    config = tmp / "gunicorn.conf.py"
    config.write_text("")
    processes, urls, logs = [], [], []
    for name in ("a", "b"):
        port = _free_port()
        log = tmp / f"gunicorn-{name}.log"
        command = [
            sys.executable, "-m", "gunicorn", "gangwei.wsgi", "--config", str(config),
            "--bind", f"127.0.0.1:{port}", "--workers", "1", "--worker-class", "sync", "--timeout", "30",
        ]
        with log.open("w") as out:
            processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))
        urls.append(f"http://127.0.0.1:{port}")
        logs.append(log)
    try:
        for process, url, log in zip(processes, urls, logs, strict=True):
            _wait_until_up(process, url, log)
        yield Servers(urls[0], urls[1], alias)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if alias != "default":
            with django_db_blocker.unblock():
                connections[SERVER_ALIAS].close()
            del connections[SERVER_ALIAS]
            del connections.settings[SERVER_ALIAS]
    # A server error that a test's assertions did not catch still fails the module, with the trace.
    crashed = [log.read_text() for log in logs if "Traceback" in log.read_text()]
    if crashed:
        pytest.fail("a server logged a traceback:\n" + "\n".join(crashed), pytrace=False)


@pytest.fixture
def shared_db(servers):
    """This test's ORM on the servers' database. The rows it writes are committed at once (the
    module's marker: transactional_db, which empties the database after each test)."""
    with servers.db():
        yield


def open_campaign() -> Campaign:
    """The campaign whose 申报 window is open now (the servers run on the real clock)."""
    now = timezone.localtime()
    return CampaignFactory(
        year=now.year + 1,
        opens_at=now - dt.timedelta(days=7),
        apply_closes_at=now + dt.timedelta(days=30),
        first_review_closes_at=now + dt.timedelta(days=60),
        assessment_closes_at=now + dt.timedelta(days=240),
        naming_closes_at=now + dt.timedelta(days=300),
    )


@pytest.fixture
def draft(shared_db):
    """A complete draft of a unit of its own (each test has its own user, so none locks another out)."""
    unit = UnitFactory(parent=BodyFactory())
    user = UserFactory(organisation=unit)
    return ApplicationFactory(campaign=open_campaign(), unit=unit), user


def log_in(browser: Browser, server: str, username: str, password: str = PASSWORD) -> Answer:
    page = browser.request(server, "/accounts/login/")
    return browser.request(
        server,
        "/accounts/login/",
        [("csrfmiddlewaretoken", csrf_of(page.text)), ("username", username), ("password", password)],
    )


# --- the tests -----------------------------------------------------------------------------------


def test_log_in_on_a_edit_on_b_save_on_a_see_it_on_b(servers, draft):
    application, user = draft
    browser = Browser()
    edit = f"/apply/{application.key}/edit/"

    assert log_in(browser, servers.a, user.username) == Answer(302, "/", "")
    form_page = browser.request(servers.b, edit)
    assert form_page.status == 200
    form = form_of(form_page.text, "application-form")
    assert dict(form)["achievements"] == "班组坚持优质服务，连续三年零投诉。"

    saved = browser.request(servers.a, edit, [*replaced(form, achievements="甲服务器保存的事迹"), ("draft", "1")])
    assert (saved.status, saved.location) == (302, edit)
    shown = browser.request(servers.b, edit)
    assert shown.status == 200
    assert dict(form_of(shown.text, "application-form"))["achievements"] == "甲服务器保存的事迹"
    assert phrases.SAVED_DRAFT in shown.text  # the flash message set by A, shown by B
    assert phrases.SAVED_DRAFT not in browser.request(servers.a, edit).text  # and shown once only

    # The first form, loaded before A saved, is stale on B as on A: refused, the saved text kept.
    stale = browser.request(servers.b, edit, [*replaced(form, achievements="乙服务器的旧表单"), ("draft", "1")])
    assert stale.status == 409
    assert "这份申报表在您打开页面之后已被修改" in stale.text
    assert "乙服务器的旧表单" in stale.text  # what was typed is still on the page
    application.refresh_from_db()
    assert (application.achievements, application.version) == ("甲服务器保存的事迹", 2)

    # Submitted through A from a form that B served; B shows the submission and its flash.
    fresh = form_of(browser.request(servers.b, edit).text, "application-form")
    submitted = browser.request(servers.a, edit, [*fresh, ("submit", "1")])
    assert (submitted.status, submitted.location) == (302, f"/apply/{application.key}/")
    detail = browser.request(servers.b, f"/apply/{application.key}/")
    assert detail.status == 200
    assert phrases.SUBMITTED.format(body=application.unit.parent.label) in detail.text
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert list(ApplicationEvent.objects.filter(application=application, action="submit").values_list(
        "actor__username", flat=True)) == [user.username]


def test_logout_on_b_ends_the_session_on_a(servers, draft):
    application, user = draft
    browser = Browser()
    assert log_in(browser, servers.b, user.username).status == 302
    assert browser.request(servers.a, "/apply/").status == 200
    session = browser.cookie(settings.SESSION_COOKIE_NAME)

    page = browser.request(servers.a, "/apply/")
    assert browser.request(servers.b, "/accounts/logout/", [("csrfmiddlewaretoken", csrf_of(page.text))]).status == 302
    # Even the old cookie, sent again, opens nothing on A: the session row is gone.
    browser.set_cookie(settings.SESSION_COOKIE_NAME, session)
    assert browser.request(servers.a, "/apply/") == Answer(302, "/accounts/login/?next=/apply/", "")


def test_failed_logins_alternating_between_servers_lock_the_account_on_both(servers, draft):
    _, user = draft
    browser = Browser()
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(limit):
        server = (servers.a, servers.b)[attempt % 2]
        answer = log_in(browser, server, user.username, "wrong-password-1")
        assert answer.status == (200 if attempt < limit - 1 else 429), attempt

    for server in (servers.a, servers.b):
        refused = log_in(browser, server, user.username)  # the right password, now refused on both
        assert refused.status == 429
        assert "登录失败次数过多" in refused.text
    assert browser.cookie(settings.SESSION_COOKIE_NAME) is None


def test_deadline_change_is_enforced_by_both_servers_at_once(servers, draft):
    application, user = draft
    campaign = application.campaign
    browser = Browser()
    edit = f"/apply/{application.key}/edit/"
    assert log_in(browser, servers.a, user.username).status == 302
    form = form_of(browser.request(servers.a, edit).text, "application-form")

    # The 申报 deadline moved to a minute ago (as the admin's change form would save it).
    closed_at = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=1)
    Campaign.objects.filter(pk=campaign.pk).update(apply_closes_at=closed_at)
    for server, text in ((servers.a, "截止后甲服务器"), (servers.b, "截止后乙服务器")):
        refused = browser.request(server, edit, [*replaced(form, achievements=text), ("submit", "1")])
        assert refused.status == 403
        assert "申报已于" in refused.text and phrases.TYPED_TEXT_NOT_SAVED in refused.text
        assert text in refused.text  # the typed text is shown again
    application.refresh_from_db()
    assert (application.status, application.version, application.achievements) == (
        Status.DRAFT, 1, "班组坚持优质服务，连续三年零投诉。"
    )

    # Extended again: both accept at once, no server kept the old deadline.
    Campaign.objects.filter(pk=campaign.pk).update(apply_closes_at=timezone.now() + dt.timedelta(days=1))
    saved = browser.request(servers.b, edit, [*replaced(form, achievements="延期后乙服务器"), ("draft", "1")])
    assert (saved.status, saved.location) == (302, edit)
    form = form_of(browser.request(servers.a, edit).text, "application-form")
    submitted = browser.request(servers.a, edit, [*form, ("submit", "1")])
    assert submitted.status == 302
    application.refresh_from_db()
    assert (application.status, application.achievements) == (Status.SUBMITTED, "延期后乙服务器")
    assert Application.objects.filter(campaign=campaign, status=Status.SUBMITTED).count() == 1


def test_file_uploaded_on_a_is_downloaded_from_b(servers, draft):
    """The scans go to the configured storage, never to one server's own disk."""
    application, user = draft
    browser = Browser()
    assert log_in(browser, servers.a, user.username).status == 302
    detail = browser.request(servers.b, f"/apply/{application.key}/")
    content = pdf_bytes()

    uploaded = browser.request(
        servers.a,
        f"/apply/{application.key}/attachments/",
        [("csrfmiddlewaretoken", csrf_of(detail.text))],
        files=[("files", "盖章扫描件.pdf", content)],
    )
    assert (uploaded.status, uploaded.location) == (302, f"/apply/{application.key}/")
    attachment = application.attachments.get()
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    downloaded = browser.request(servers.b, f"/apply/{application.key}/attachments/{attachment.pk}/")
    assert downloaded.status == 200
    assert hashlib.sha256(downloaded.content).hexdigest() == attachment.sha256
