"""Benchmark: the deadline surge — many units submitting in the last minute, against a real gunicorn.

    python bench/surge.py [--db sqlite|postgres] [--clients 50] [--submissions 1000]
                          [--scenario surge|deadline|both] [--database-url URL] [--port 18251]

Builds a throw-away database (SQLite in a temporary folder, or PostgreSQL `gangwei_surge`, dropped
and created again): migrate, createcachetable, the fixtures and seed_demo as `make run` does, then
for each scenario `--clients` applicant units (each with its own user and its own session, spread
over the 14 初审 bodies) owning `--submissions` complete drafts between them. gunicorn serves the
production settings (DEBUG off, collected static files): `-c gunicorn.conf.py` when the repository
has one, else 2 sync workers.

Each client does, for each of its drafts, what a browser does: GET the edit form, then POST the whole
form with the 提交申报 button, the 事迹 changed (so that what was typed can be looked for afterwards).

surge     The 申报 deadline is set to ~60 s from now (`--window`), then every client submits.
          Every submission must be accepted and be in the database once: lost (an accepted answer
          whose draft is not submitted with the typed text, or a refusal whose draft changed),
          duplicated (a 申报编号 given twice, or two submission events of one application) and
          server_errors (5xx) must all be 0.
deadline  The deadline passes in the middle of the run (half-way at the throughput just measured).
          Deadlines include their closing second (23:59:59.999 is in time), so the window ends at
          closes_at + 1 s. A request sent and answered before that is accepted; one sent after is
          refused with the 截止 message and the typed text on the page, its draft unchanged (a client
          that loads the form after closing finds no 提交 button and stops there, as a person
          would); one in flight across it may go either way (straddling). misjudged must be 0.

Prints one figure per line: `name: value unit`; exits 1 on any lost, duplicated, server error,
connection error, unexpected answer or misjudged submission. Submissions refused because the window
had shut before they came (refused_as_late in the surge) measure the machine and do not fail the run.
"""

import argparse
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PORTS = range(18250, 18300)
STILL_OPEN_SECONDS = 60


@dataclass
class Record:
    """One attempt at one draft, as the client saw it (times from the machine's clock, seconds)."""

    key: str
    typed: str = ""
    get_sent: float = 0.0
    get_received: float = 0.0
    get_status: int = 0
    sent: float = 0.0  # the POST
    received: float = 0.0
    status: int = 0
    outcome: str = ""  # accepted, refused, form_closed, saved_not_submitted, server_error, error, other
    closed_message: bool = False
    typed_kept: bool = False
    detail: str = ""


def _free_port(preferred: int | None) -> int:
    for port in ([preferred] if preferred else []) + list(PORTS):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in 18250-18299")


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def _recreate_postgres(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password, dbname="postgres"
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/gangwei_surge")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--scenario", choices=["surge", "deadline", "both"], default="both")
    parser.add_argument("--window", type=int, default=STILL_OPEN_SECONDS, help="surge: seconds until the deadline")
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="gangwei-surge-"))
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("SQLITE_PATH", None)
    if args.db == "postgres":
        _recreate_postgres(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ["SQLITE_PATH"] = str(workdir / "surge.sqlite3")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="gangwei.settings",
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-not-for-production-use",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PRIVATE_MEDIA_ROOT=str(workdir / "private"),
        # Collected once and kept between runs (collectstatic compresses every file: a minute), out of
        # the repository, where the test suite's WhiteNoise would find it.
        STATIC_ROOT=str(Path(tempfile.gettempdir()) / "gangwei-surge-static"),
        PYTHONUNBUFFERED="1",
    )
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("loaddata", "fixtures/organisations.json", "fixtures/campaign_2021.json", verbosity=0)
    # seed_demo refuses to run with DEBUG off (it sets the public demo password): as `make run` does.
    subprocess.run(
        [sys.executable, "manage.py", "seed_demo"], cwd=ROOT, env={**os.environ, "DEBUG": "true"},
        check=True, stdout=subprocess.DEVNULL,
    )
    if _static_is_stale():
        call_command("collectstatic", interactive=False, verbosity=0)
    print(f"setup_seconds: {time.monotonic() - started:.1f} s")

    port = _free_port(args.port)
    server = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "gunicorn", "gangwei.wsgi", "--bind", f"127.0.0.1:{port}"]
    if (ROOT / "gunicorn.conf.py").exists():
        command += ["-c", str(ROOT / "gunicorn.conf.py")]
    else:
        command += ["--workers", "2", "--worker-class", "sync"]
    log = (workdir / "gunicorn.log").open("w")
    gunicorn = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    failed = False
    try:
        _wait_until_up(gunicorn, server, workdir / "gunicorn.log")
        throughput = None
        if args.scenario in ("surge", "both"):
            ok, throughput = run_scenario("surge", args, server)
            failed |= not ok
        if args.scenario in ("deadline", "both"):
            ok, _ = run_scenario("deadline", args, server, throughput=throughput)
            failed |= not ok
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        try:
            gunicorn.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(gunicorn.pid, signal.SIGKILL)
            gunicorn.wait()
        log.close()
        errors = [line for line in (workdir / "gunicorn.log").read_text().splitlines() if "Traceback" in line]
        print(f"server_tracebacks: {len(errors)} count")
        if errors:
            failed = True
            print((workdir / "gunicorn.log").read_text()[-4000:], file=sys.stderr)
        from django.db import connections

        connections.close_all()
        if args.db == "postgres":
            _recreate_postgres(args.database_url)  # leave it empty, not 2,000 applications big
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


def _static_is_stale() -> bool:
    """Whether collectstatic must run (it compresses every file again: a minute on a busy machine)."""
    from django.conf import settings

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for entry in settings.STATICFILES_DIRS:
        folder = Path(entry[1] if isinstance(entry, tuple) else entry)
        if any(f.stat().st_mtime > built for f in folder.rglob("*") if f.is_file()):
            return True
    return False


def _wait_until_up(process: subprocess.Popen, url: str, log: Path) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/accounts/login/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within 60 s:\n{log.read_text()}")


def make_batch(tag: str, clients: int, submissions: int):
    """`clients` applicant units under the 14 bodies in turn, one user each, and their drafts."""
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.test import Client
    from django.utils import timezone

    from applications.models import Category, Gender
    from applications.services import application_create
    from gangwei.deadlines import current_campaign
    from gangwei.models import Campaign, DeadlineExtension, Organisation, OrgKind, Stage, User

    campaign = current_campaign()
    # Open again (a scenario before may have closed it): the drafts are written through the service.
    Campaign.objects.filter(pk=campaign.pk).update(apply_closes_at=timezone.now() + dt.timedelta(days=1))
    campaign.refresh_from_db()
    # Extensions would move some units' deadline: this run judges everybody by the campaign's own.
    DeadlineExtension.objects.filter(campaign=campaign, stage=Stage.APPLY).delete()
    bodies = list(Organisation.objects.filter(kind=OrgKind.REVIEWING_BODY).order_by("display_order", "pk"))
    password = make_password("Surge-bench-2021")  # one hash for all: nobody logs in with it
    users = []
    for i in range(clients):
        unit = Organisation.objects.create(
            kind=OrgKind.APPLICANT, name=f"柳州市冲刺测试单位{tag}{i + 1:03d}", parent=bodies[i % len(bodies)]
        )
        users.append(
            User.objects.create(
                username=f"surge-{tag}-{i + 1:03d}",
                email=f"surge-{tag}-{i + 1:03d}@example.org",
                organisation=unit,
                password=password,
            )
        )
    sessions = []
    for user in users:
        client = Client()
        client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[-1])  # the site's own user backend
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    keys: list[list[str]] = [[] for _ in users]
    originals = {}
    for n in range(submissions):
        owner = n % clients
        user = users[owner]
        data = {
            "applicant_name": f"{user.organisation.name}第{n // clients + 1}服务组",
            "post_name": f"第{n // clients + 1}服务组",
            "parent_unit": user.organisation.name,
            "category": Category.TEAM,
            "staff_total": 5,
            "staff_women": 4,
            "is_special_post": False,
            "special_reason": "",
            "contact_name": "韦小红",
            "contact_title": "班组长",
            "contact_phone": "13807720000",
            "achievements": "班组坚持优质服务，连续三年零投诉。",
            "unit_opinion": "情况属实，同意申报。",
            "pledge": True,
        }
        application = application_create(
            user=user,
            campaign=campaign,
            data=data,
            leaders=[{"name": "覃丽", "gender": Gender.FEMALE, "title": "班组长", "phone": "13907721111"}],
            honours=[{"year": "2019", "title": "柳州市三八红旗集体", "issuer": "柳州市妇联"}],
        )
        keys[owner].append(application.key)
        originals[application.key] = (application.version, application.achievements)
    return campaign, sessions, keys, originals


def client_run(server: str, session: str, keys: list[str], tag: str, records: list, go: threading.Event) -> None:
    from django.conf import settings

    from applications import phrases
    from tests.http_client import Browser, form_of, replaced

    browser = Browser(timeout=120)
    browser.set_cookie(settings.SESSION_COOKIE_NAME, session)
    go.wait()
    for key in keys:
        record = Record(key=key, typed=f"班组坚持优质服务，连续三年零投诉。{tag}冲刺补充{key[-6:]}")
        edit = f"/apply/{key}/edit/"
        try:
            record.get_sent = time.time()
            page = browser.request(server, edit)
            record.get_received = time.time()
            record.get_status = page.status
            if page.status >= 500:
                record.outcome = "server_error"
            elif page.status != 200:
                record.outcome, record.detail = "other", f"GET {page.status} {page.location}"
            elif 'name="submit"' not in page.text:
                # The window shut before the form came: no 提交 button, a person stops here.
                record.outcome = "form_closed"
                record.closed_message = "已截止" in page.text
            else:
                form = replaced(form_of(page.text, "application-form"), achievements=record.typed)
                record.sent = time.time()
                answer = browser.request(server, edit, [*form, ("submit", "1")])
                record.received = time.time()
                record.status = answer.status
                record.typed_kept = record.typed in answer.text
                record.closed_message = "截止" in answer.text and phrases.TYPED_TEXT_NOT_SAVED in answer.text
                if answer.status >= 500:
                    record.outcome = "server_error"
                elif answer.status == 302 and answer.location == f"/apply/{key}/":
                    record.outcome = _flash_outcome(answer.set_cookies)
                elif answer.status == 403 and record.closed_message:
                    record.outcome = "refused"
                else:
                    record.outcome, record.detail = "other", f"POST {answer.status} {answer.location}"
        except OSError as exc:
            record.outcome, record.detail = "error", repr(exc)
        records.append(record)


def _flash_outcome(set_cookies: list[str]) -> str:
    """What the redirect's flash message says: submitted, or saved but refused (the window shut
    between the save and the submission inside one request)."""
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    from applications import phrases

    for header in set_cookies:
        cookie = SimpleCookie()
        cookie.load(header)
        if "messages" in cookie:
            texts = [m.message for m in CookieStorage(HttpRequest())._decode(cookie["messages"].value) or []]
            if any(t.startswith(phrases.SUBMITTED.split("{")[0]) for t in texts):
                return "accepted"
            if any("截止" in t for t in texts):
                return "saved_not_submitted"
            return "other"
    return "other"


def run_scenario(name: str, args, server: str, throughput: float | None = None) -> tuple[bool, float]:
    import datetime as dt

    from django.db.models import Count
    from django.utils import timezone

    from applications.models import Application, ApplicationEvent, Status
    from gangwei.models import Campaign

    tag = "A" if name == "surge" else "B"
    built = time.monotonic()
    campaign, sessions, keys, originals = make_batch(tag, args.clients, args.submissions)
    print(f"{name}_drafts_built_seconds: {time.monotonic() - built:.1f} s")

    now = timezone.now()
    if name == "surge":
        lead = args.window
    else:
        # Half of the work before the deadline, at the pace the surge just measured (else a guess).
        lead = max(5.0, 0.5 * args.submissions / (throughput or 25.0))
    closes_at = (now + dt.timedelta(seconds=lead)).replace(microsecond=0)
    Campaign.objects.filter(pk=campaign.pk).update(apply_closes_at=closes_at)
    window_end = closes_at.timestamp() + 1  # the closing second is in time, whole
    print(f"{name}_deadline_in: {window_end - time.time():.1f} s")

    records: list[Record] = []
    go = threading.Event()
    threads = [
        threading.Thread(target=client_run, args=(server, sessions[i], keys[i], tag, records, go), daemon=True)
        for i in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    load_before = os.getloadavg()[0]
    cpu0 = time.process_time()
    t0 = time.time()
    go.set()
    for thread in threads:
        thread.join()
    t1 = time.time()
    client_cpu = time.process_time() - cpu0

    # The truth is the database.
    all_keys = [k for ks in keys for k in ks]
    rows = {
        a["key"]: a
        for a in Application.objects.filter(key__in=all_keys).values("key", "status", "version", "achievements", "number")
    }
    events = Counter(
        ApplicationEvent.objects.filter(application__key__in=all_keys, action="submit").values_list(
            "application__key", flat=True
        )
    )
    duplicate_numbers = (
        Application.objects.filter(campaign=campaign)
        .exclude(number="")
        .values("number")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    duplicated = duplicate_numbers + sum(1 for n in events.values() if n > 1)

    def submitted_as_typed(r: Record) -> bool:
        row = rows[r.key]
        return row["status"] == Status.SUBMITTED and row["achievements"] == r.typed and events[r.key] == 1

    def unchanged(r: Record) -> bool:
        row = rows[r.key]
        return row["status"] == Status.DRAFT and (row["version"], row["achievements"]) == originals[r.key]

    outcomes = Counter(r.outcome for r in records)
    lost = 0
    for r in records:
        if r.outcome == "accepted" and not submitted_as_typed(r):
            lost += 1
        elif r.outcome in ("refused", "form_closed") and not unchanged(r):
            lost += 1
        elif r.outcome == "saved_not_submitted" and rows[r.key]["status"] != Status.DRAFT:
            lost += 1
    lost += len(all_keys) - len(records)  # drafts no client got to
    submitted = sum(1 for k in all_keys if rows[k]["status"] == Status.SUBMITTED)
    server_errors = outcomes["server_error"]
    connection_errors = outcomes["error"]

    post = [(r.received - r.sent) * 1000 for r in records if r.received]
    whole = [(r.received - r.get_sent) * 1000 for r in records if r.received]
    accepted = outcomes["accepted"]
    # Submissions per second while the window was open: from the first request to the last acceptance.
    first = min(r.get_sent for r in records)
    last = max((r.received for r in records if r.outcome == "accepted"), default=first + 1)

    p = f"{name}_"
    print(f"{p}clients: {args.clients} count")
    print(f"{p}attempted: {len(records)} count")
    print(f"{p}submitted: {submitted} count")
    print(f"{p}lost: {lost} count")
    print(f"{p}duplicated: {duplicated} count")
    print(f"{p}server_errors: {server_errors} count")
    print(f"{p}connection_errors: {connection_errors} count")
    print(f"{p}other_answers: {outcomes['other']} count")
    for label, values in (("submission", whole), ("post", post)):
        for share in (0.50, 0.95, 0.99):
            print(f"{p}{label}_latency_p{int(share * 100)}: {_percentile(values, share):.0f} ms")
        print(f"{p}{label}_latency_max: {max(values, default=float('nan')):.0f} ms")
    print(f"{p}throughput: {accepted / (last - first):.1f} submissions/s")
    print(f"{p}duration: {t1 - t0:.1f} s")
    print(f"{p}client_cpu: {client_cpu:.1f} s")  # the clients' own share of the 2 cores
    print(f"{p}load_average_before: {load_before:.2f}")
    print(f"{p}load_average: {os.getloadavg()[0]:.2f}")
    for r in records:
        if r.outcome in ("other", "error", "server_error"):
            print(f"#   {r.key}: {r.outcome} {r.detail}", file=sys.stderr)

    ok = lost == 0 and duplicated == 0 and server_errors == 0 and connection_errors == 0
    if name == "surge":
        late = sum(1 for r in records if r.outcome in ("refused", "form_closed", "saved_not_submitted"))
        # Refused because the window shut before they came: the capacity of this machine, not a fault.
        print(f"{p}refused_as_late: {late} count")
        ok &= outcomes["other"] == 0
        return ok, accepted / (last - first)

    accepted_before = refused_after = misjudged = straddling = straddling_saved_not_submitted = 0
    for r in records:
        sent, received = (r.get_sent, r.get_received) if r.outcome == "form_closed" else (r.sent, r.received)
        refused_well = (
            r.outcome == "form_closed" and r.closed_message
        ) or (r.outcome == "refused" and r.closed_message and r.typed_kept)
        if received and received < window_end:
            if r.outcome == "accepted" and submitted_as_typed(r):
                accepted_before += 1
            else:
                misjudged += 1
        elif sent >= window_end:
            if refused_well and unchanged(r):
                refused_after += 1
            else:
                misjudged += 1
        else:
            straddling += 1
            straddling_saved_not_submitted += r.outcome == "saved_not_submitted"
    print(f"{p}accepted_before: {accepted_before} count")
    print(f"{p}refused_after: {refused_after} count")
    print(f"{p}refused_at_the_form: {outcomes['form_closed']} count")
    print(f"{p}straddling: {straddling} count")
    print(f"{p}straddling_saved_not_submitted: {straddling_saved_not_submitted} count")
    print(f"{p}misjudged: {misjudged} count")
    ok &= misjudged == 0 and outcomes["other"] == 0
    return ok, accepted / (last - first)


if __name__ == "__main__":
    sys.exit(main())
