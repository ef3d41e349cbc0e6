"""Benchmark under load: requests/s of gangwei's pages on a real gunicorn, as a share of H.

    python bench/load.py [--db postgres|sqlite] [--seconds N] [--connections C]

The figures of issue 8 ("list pages >= 0.25 x H, form pages >= 0.10 x H, a whole submission
>= 0.03 x H"). Absolute requests/s depend on the machine and on whatever else runs on it; the ratio
to H, a bare Django "hello world" served the same way in the same run, is what is compared.

What one run does, in a temporary folder (nothing of the repository's var/ database is touched):

1. Builds two throw-away databases (PostgreSQL `gangwei_bench_load` and `gangwei_bench_load_city`
   on DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432; or two SQLite files with
   --db sqlite): migrate, the fixtures and `seed_demo` as `make run` does. The first is seeded in the
   apply stage (申报 open) and gets 20 more submitted applications of unit1 (real services), 500
   submitted applications spread over the 14 初审 bodies (bulk, as bench/pages.py does) and, for
   the submission flow, complete drafts owned by four benchmark units under four bodies. The second
   is seeded in the naming stage, for the city's pages (the demo's reported posts only, printed as
   city_reported: the city's lists are short there).
2. Collects the static files (DEBUG is off, so the manifest storage needs them) and starts three
   real gunicorn servers with 2 sync workers each on 127.0.0.1:18150-18152 (--port; H, the app on
   the first database, the app on the second), DEBUG off, a SECRET_KEY, plain HTTP. A gunicorn.conf.py at the
   repository's root is used (-c) when there is one, with the workers set to 2 on the command line.
   H and the app share that configuration: with a worker replaced every GUNICORN_MAX_REQUESTS
   requests, H (the fastest) would spend the most on fresh workers' start-up, so the figures are
   only comparable with the count off (its default, 0); a run prints `max_requests:`.
3. Logs in the demo users with a small Python client (GET the login form, POST it), then measures
   each page with wrk (Debian's `wrk`: installed with apt-get when missing and run as root), one
   thread and C connections (default 8), a 1 s warm-up and N seconds (default 5) each. wrk's Lua
   script sends the session and CSRF cookies and checks every response: status 200 and a text of
   the page (so never the login page, an error page or a redirect); one wrong answer fails the run.
4. The submission, a form GET and its POST with "submit", runs from four Python processes (wrk cannot
   carry a page's CSRF token into the next request): each GETs the edit form of its next draft,
   takes the form's CSRF token from it and POSTs the form as the browser would (fields parsed once
   from the first form: the drafts are alike), expecting the redirect to the application's page.
   Afterwards the database must hold exactly as many newly submitted applications as were counted.
5. H is measured first and again last; the ratios use the mean of the two. With --interleave, H is
   measured after every page too, and each page gets a `_ratio_local` to the mean of the H just
   before and just after it (steadier while other work comes and goes on the machine).

With the page cache on (the default, as in production) every page after the first is given back
from the cache: wrk reads one page again and again and nothing is written meanwhile, so the figures
are those of a page read again unchanged. `--page-cache off` runs the app servers with
PAGE_CACHE_SECONDS=0: every page is built, as after a write; the submission flow builds its forms
in both (each draft's form is read once).

Prints one figure per line, `name: value unit`: H_start, H_end, H, then for each page its
requests/s, its ratio to H (`_ratio: 0.23 xH`), p50 and p99 latency in ms; the submissions per
second with their ratio; the load generators' own CPU use (`H_client_cpu`, `pages_client_cpu_max`,
`submission_client_cpu`, in cores: far below 1 when the client is not the limit); and the load
average (1 min) at the start and the end, since the machine may be shared. Exits non-zero when any
page answered wrongly. Takes about 5 minutes (seeding 1-2 of them); --only login,submission,… to
measure some pages alone.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = "127.0.0.1"
PORT_H, PORT_APP, PORT_CITY = 18150, 18151, 18152
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432"
# LOAD_DB_PREFIX: other names, so that two runs at once on one server do not share databases.
_PREFIX = os.environ.get("LOAD_DB_PREFIX", "gangwei_bench_load")
PG_NAMES = {"apply": _PREFIX, "city": f"{_PREFIX}_city"}
PASSWORD = "Bench-load-2026!x"  # the benchmark units' password (set directly, never through a form)
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
SUBMITTERS = 4  # benchmark units that submit, each under its own 初审 body
EXTRA_SUBMITTED = 500


class BenchError(Exception):
    pass


# -- the databases -----------------------------------------------------------------------------


def server_env(db_env: dict[str, str], debug: bool = False) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env.update(db_env)
    env.update(
        {
            "DEBUG": "true" if debug else "false",
            "SECRET_KEY": "bench-load-only-secret-key-not-for-production-0123456789",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "SITE_URL": f"http://{HOST}:{PORT_APP}",
            "DJANGO_SETTINGS_MODULE": "gangwei.settings",
            "PYTHONPATH": str(ROOT),
            # collectstatic's output outside the repository: WhiteNoise in the test suite would
            # otherwise find var/staticfiles and serve it with a storage the tests replace.
            "STATIC_ROOT": str(Path(tempfile.gettempdir()) / "gangwei-load-static"),
        }
    )
    return env


def make_pg_database(base_url: str, name: str) -> str:
    import psycopg2

    parsed = urllib.parse.urlsplit(base_url)
    admin = parsed._replace(path="/postgres").geturl()
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return parsed._replace(path=f"/{name}").geturl()


def drop_pg_database(base_url: str, name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(urllib.parse.urlsplit(base_url)._replace(path="/postgres").geturl())
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


def run_setup(kind: str, db_env: dict[str, str], drafts: int) -> dict:
    """Seed one database in a child process (Django set up there, DEBUG on as seed_demo wants)."""
    started = time.monotonic()
    result = subprocess.run(
        [PY, __file__, "--_seed", kind, "--drafts", str(drafts)],
        env=server_env(db_env, debug=True),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BenchError(f"seeding the {kind} database failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    line = [ln for ln in result.stdout.splitlines() if ln.startswith("BENCH_SEED ")][-1]
    print(f"# seeded the {kind} database in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    return json.loads(line.removeprefix("BENCH_SEED "))


def seed(kind: str, drafts: int) -> None:
    """Runs in the child: migrate, fixtures, seed_demo, and the benchmark's own rows."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import io

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("loaddata", "fixtures/organisations.json", "fixtures/campaign_2021.json", verbosity=0)
    stage = "apply" if kind == "apply" else "naming"
    call_command("seed_demo", "--stage", stage, stdout=io.StringIO())
    out = seed_apply(drafts) if kind == "apply" else seed_city()
    print("BENCH_SEED " + json.dumps(out))


def seed_city() -> dict:
    from applications.models import Application, Status

    later = [Status.REPORTED, Status.PASSED, Status.FAILED, Status.NAMED, Status.NOT_NAMED]
    return {"reported": Application.objects.filter(status__in=later).count()}


def seed_apply(drafts: int) -> dict:
    from django.db import connection, transaction

    from applications.models import Application, ApplicationEvent, Honour, Leader, Status
    from applications.services import application_create, application_data, application_submit, rows_digest
    from applications.tally import recount
    from applications.workflow import Action
    from gangwei.models import Organisation, OrgKind, User
    from gangwei.validators import DEMO_PASSWORD

    unit1 = User.objects.get(username="unit1")
    template = (
        Application.objects.filter(status=Status.SUBMITTED, unit=unit1.organisation).order_by("pk").first()
        or Application.objects.filter(status=Status.SUBMITTED).order_by("pk").first()
    )
    campaign = template.campaign
    data, leaders, honours = application_data(template)
    # 我的申报 of unit1: the demo's applications and 20 more, made and submitted by the services.
    for i in range(20):
        copy = application_create(
            user=unit1,
            campaign=campaign,
            data={**data, "applicant_name": f"{data['applicant_name']}（基准第{i + 1}组）"},
            leaders=leaders,
            honours=honours,
        )
        application_submit(application=copy, user=unit1)
    detail = Application.objects.filter(unit=unit1.organisation, status=Status.SUBMITTED).order_by("-pk").first()
    edit = application_create(
        user=unit1,
        campaign=campaign,
        data={**data, "applicant_name": "基准编辑用草稿"},
        leaders=leaders,
        honours=honours,
    )

    fields = {name: value for name, value in data.items() if hasattr(Application, name) and name != "applicant_name"}
    snapshot = {**data, "leaders": leaders, "honours": honours}
    bodies = list(Organisation.objects.filter(kind=OrgKind.REVIEWING_BODY).order_by("display_order", "pk"))
    digest = rows_digest(leaders, honours)

    def bulk(unit: Organisation, actor: User, names: list[str], status: str, numbers: list[str]) -> list:
        rows = [
            Application(
                **fields,
                campaign=campaign,
                unit=unit,
                applicant_name=name,
                status=status,
                number=number,
                rows_digest=digest,  # as the form's save leaves it (rows written in bulk below)
                submitted_at=template.submitted_at if status == Status.SUBMITTED else None,
            )
            for name, number in zip(names, numbers, strict=True)
        ]
        made = Application.objects.bulk_create(rows, batch_size=500)
        recount([campaign.pk])  # the rows were written around the model: count them
        if connection.vendor != "postgresql":  # SQLite gives no primary keys back from bulk_create
            made = list(Application.objects.filter(unit=unit, applicant_name__in=names))
        Leader.objects.bulk_create(
            [Leader(application=a, **row, position=i) for a in made for i, row in enumerate(leaders)], batch_size=500
        )
        Honour.objects.bulk_create(
            [Honour(application=a, **row, position=i) for a in made for i, row in enumerate(honours)], batch_size=500
        )
        if status == Status.SUBMITTED:
            ApplicationEvent.objects.bulk_create(
                [
                    ApplicationEvent(
                        application=a,
                        action=Action.SUBMIT,
                        from_status=Status.DRAFT,
                        to_status=Status.SUBMITTED,
                        actor=actor,
                        organisation=unit,
                        snapshot=snapshot,
                    )
                    for a in made
                ],
                batch_size=500,
            )
        return made

    with transaction.atomic():
        # 500 submitted applications over the 14 bodies, one benchmark unit in each.
        per_body = {}
        for n, body in enumerate(bodies):
            unit = Organisation.objects.create(kind=OrgKind.APPLICANT, name=f"{body.name}基准申报单位", parent=body)
            user = User.objects.create(username=f"bench_unit_{n}", organisation=unit)
            per_body[body.pk] = (unit, user)
        for n, body in enumerate(bodies):
            unit, user = per_body[body.pk]
            count = EXTRA_SUBMITTED // len(bodies) + (1 if n < EXTRA_SUBMITTED % len(bodies) else 0)
            prefix = f"{campaign.year}-{body.code or body.pk}-"
            bulk(
                unit,
                user,
                [f"{body.name}基准岗位{i:03d}" for i in range(count)],
                Status.SUBMITTED,
                [f"{prefix}{9000 + i}" for i in range(count)],  # clear of the numbers the counter gives
            )
        # The drafts that the submission flow submits: SUBMITTERS units under as many bodies.
        submitters = []
        for n in range(SUBMITTERS):
            body = bodies[n % len(bodies)]
            unit = Organisation.objects.create(kind=OrgKind.APPLICANT, name=f"{body.name}基准提交单位{n}", parent=body)
            user = User.objects.create(username=f"bench_submit_{n}", organisation=unit)
            user.set_password(PASSWORD)
            user.save()
            count = drafts // SUBMITTERS
            made = bulk(unit, user, [f"基准提交草稿{n}-{i:05d}" for i in range(count)], Status.DRAFT, [""] * count)
            submitters.append({"username": user.username, "keys": sorted(a.key for a in made)})

    queue = Application.objects.filter(unit__parent__code="CZ", status=Status.SUBMITTED).count()
    return {
        "demo_password": DEMO_PASSWORD,
        "detail_key": detail.key,
        "detail_name": detail.applicant_name,
        "edit_key": edit.key,
        "list_name": data["applicant_name"],
        "queue_rows": queue,
        "submitters": submitters,
        "submitted_before": Application.objects.filter(status=Status.SUBMITTED).count(),
    }


def count_submitted(db_env: dict[str, str]) -> int:
    code = (
        "import django; django.setup()\n"
        "from applications.models import Application, Status\n"
        "print(Application.objects.filter(status=Status.SUBMITTED).count())\n"
    )
    result = subprocess.run(
        [PY, "-c", code], env=server_env(db_env), cwd=ROOT, capture_output=True, text=True, check=True
    )
    return int(result.stdout.strip().splitlines()[-1])


# -- the servers ---------------------------------------------------------------------------------


def start_gunicorn(app: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    try:
        request(port, "GET", "/")
    except OSError:
        pass  # nothing listens there: ours will
    else:
        raise BenchError(f"port {port} is taken by another server: stop it or choose --port")
    command = [PY, "-m", "gunicorn"]
    if (ROOT / "gunicorn.conf.py").exists():
        command += ["-c", str(ROOT / "gunicorn.conf.py")]
    command += [
        "--workers",
        "2",
        "--worker-class",
        "sync",
        "--threads",
        "1",
        "--bind",
        f"{HOST}:{port}",
        "--chdir",
        str(ROOT),
        "--log-level",
        "warning",
        "--error-logfile",
        str(log),
        "--access-logfile",
        "/dev/null",
        app,
    ]
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn {app} on {port} stopped: {log.read_text()[-2000:]}")
        try:
            status, _, _ = request(port, "GET", "/accounts/login/" if "gangwei" in app else "/")
            if status < 500:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    raise BenchError(f"gunicorn {app} did not answer on {port}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# -- a small HTTP client ---------------------------------------------------------------------------


def request(port: int, method: str, path: str, body: bytes | None = None, cookies: dict | None = None):
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Host": f"{HOST}:{port}"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers["Content-Type"] = FORM_CONTENT_TYPE
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, response.getheaders(), data


def set_cookies(headers, cookies: dict) -> None:
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            cookies[key.strip()] = rest.split(";", 1)[0]


CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def login(port: int, username: str, password: str) -> dict:
    cookies: dict[str, str] = {}
    status, headers, page = request(port, "GET", "/accounts/login/")
    set_cookies(headers, cookies)
    token = CSRF_FIELD.search(page)
    if status != 200 or token is None:
        raise BenchError(f"login page: {status}")
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1).decode()}
    ).encode()
    status, headers, page = request(port, "POST", "/accounts/login/", body, cookies)
    set_cookies(headers, cookies)
    location = dict((k.lower(), v) for k, v in headers).get("location", "")
    if status != 302 or "login" in location or "sessionid" not in cookies:
        raise BenchError(f"{username} could not log in: {status} {location}")
    return {"sessionid": cookies["sessionid"], "csrftoken": cookies["csrftoken"]}


def submit_body(fields: list[tuple[str, str]], token: str) -> bytes:
    posted = [(k, token if k == "csrfmiddlewaretoken" else v) for k, v in fields] + [("submit", "1")]
    return urllib.parse.urlencode(posted).encode()


def submitter(index: int, port: int, cookies: dict, keys: list[str], fields: list, stop_at: float, queue) -> None:
    """One client of the submission flow: GET the draft's form, POST it with 提交, until stop_at."""
    done, errors, latencies = 0, [], []
    for key in keys:
        if time.monotonic() >= stop_at:
            break
        path = f"/apply/{key}/edit/"
        start = time.perf_counter()
        try:
            status, _, page = request(port, "GET", path, cookies=cookies)
            token = CSRF_FIELD.search(page)
            if status != 200 or token is None or b'name="submit" value="1"' not in page:
                errors.append(f"GET {path}: {status}")
                break
            body = submit_body(fields, token.group(1).decode())
            status, headers, _ = request(port, "POST", path, body, cookies)
            location = dict((k.lower(), v) for k, v in headers).get("location", "")
            if status != 302 or location != f"/apply/{key}/":
                errors.append(f"POST {path}: {status} {location}")
                break
        except OSError as exc:
            errors.append(f"{path}: {exc}")
            break
        latencies.append(time.perf_counter() - start)
        done += 1
    queue.put((index, done, errors, latencies))


def measure_submissions(port: int, seed_info: dict, seconds: float, warmup: float) -> dict:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.http_client import form_of  # the form reader of the tests' browser-like client

    clients = []
    for n, spec in enumerate(seed_info["submitters"]):
        cookies = login(port, spec["username"], PASSWORD)
        clients.append((cookies, spec["keys"]))
        if n == 0:
            status, _, page = request(port, "GET", f"/apply/{spec['keys'][0]}/edit/", cookies=cookies)
            if status != 200:
                raise BenchError(f"draft form: {status}")
            fields = form_of(page.decode(), "application-form")
            if not any(k == "version" for k, _ in fields):
                raise BenchError("the edit form has no version field: the form parser found the wrong form")
    results = {}
    # The warm-up submits the first drafts of each client, the measurement the next ones.
    for phase, duration in (("warmup", warmup), ("measure", seconds)):
        queue = multiprocessing.Queue()
        processes = []
        stop_at = time.monotonic() + duration
        start, cpu = time.monotonic(), children_cpu()
        for index, (cookies, keys) in enumerate(clients):
            process = multiprocessing.Process(
                target=submitter, args=(index, port, cookies, keys, fields, stop_at, queue), daemon=True
            )
            process.start()
            processes.append(process)
        # In the order of the clients (the queue gives them in the order they finished).
        outcomes = [o[1:] for o in sorted(queue.get(timeout=duration + 120) for _ in processes)]
        for process in processes:
            process.join()
        elapsed = time.monotonic() - start
        done = sum(o[0] for o in outcomes)
        errors = [e for o in outcomes for e in o[1]]
        latencies = sorted(x for o in outcomes for x in o[2])
        if errors:
            raise BenchError(f"submission answered wrongly: {errors[:3]}")
        # Each client goes on with the drafts the previous phase did not reach.
        used = [o[0] for o in outcomes]
        if any(len(keys) <= u for (_, keys), u in zip(clients, used, strict=True)):
            raise BenchError("the submission ran out of drafts: raise --drafts")
        clients = [(c, keys[u:]) for (c, keys), u in zip(clients, used, strict=True)]
        cpu = children_cpu() - cpu
        results[phase] = {"done": done, "elapsed": elapsed, "latencies": latencies, "client_cpu": cpu / elapsed}
    measured = results["measure"]
    lat = measured["latencies"]
    return {
        "done_total": results["warmup"]["done"] + measured["done"],
        "client_cpu": measured["client_cpu"],
        "rate": measured["done"] / measured["elapsed"],
        "p50": lat[len(lat) // 2] * 1000 if lat else 0.0,
        "p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000 if lat else 0.0,
    }


# -- wrk ---------------------------------------------------------------------------------------------

WRK_LUA = r"""
-- bench/load.py: cookies on every request; every response must be 200 and hold the marker.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  marker = args[1]
  if args[2] ~= nil and args[2] ~= "" then wrk.headers["Cookie"] = args[2] end
  good, bad, first = 0, 0, ""
end
function response(status, headers, body)
  if status == 200 and string.find(body, marker, 1, true) then
    good = good + 1
  else
    bad = bad + 1
    if first == "" then first = tostring(status) .. " " .. (headers["Location"] or "") end
  end
end
function done(summary, latency, requests)
  local g, b, f = 0, 0, ""
  for _, t in ipairs(threads) do
    g = g + t:get("good"); b = b + t:get("bad")
    if f == "" then f = t:get("first") end
  end
  io.write(string.format("BENCH requests=%d good=%d bad=%d errors=%d duration_us=%d p50_us=%d p99_us=%d first=%s\n",
    summary.requests, g, b,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    summary.duration, latency:percentile(50), latency:percentile(99), f))
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"]
        if subprocess.run(install, env=env, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, check=True, capture_output=True)
            subprocess.run(install, env=env, check=True, capture_output=True)
        found = shutil.which("wrk")
    if not found:
        raise BenchError("wrk is missing: sudo apt-get install -y wrk")
    return found


def run_wrk(
    wrk: str,
    script: Path,
    port: int,
    path: str,
    marker: str,
    cookies: dict | None,
    seconds: float,
    conns: int,
    warmup: bool = False,
):
    cookie = "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())
    command = [
        wrk,
        "-t1",
        f"-c{conns}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        f"http://{HOST}:{port}{path}",
        "--",
        marker,
        cookie,
    ]
    cpu = children_cpu()
    result = subprocess.run(command, capture_output=True, text=True)
    cpu = children_cpu() - cpu
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if result.returncode != 0 or line is None:
        raise BenchError(f"wrk failed on {path}: {result.stdout[-1000:]} {result.stderr[-1000:]}")
    values = dict(item.split("=", 1) for item in line.removeprefix("BENCH ").split(" ") if "=" in item)
    good, bad, errors = int(values["good"]), int(values["bad"]), int(values["errors"])
    if bad or errors or (good == 0 and not warmup):
        raise BenchError(
            f"{path} answered wrongly: {good} right, {bad} wrong (first: {values.get('first')}), {errors} socket errors"
            f"\n{result.stdout}"
        )
    return {
        "rate": good / (int(values["duration_us"]) / 1e6),
        "requests": good,
        # wrk's own CPU time per second of load: far below 1 (one thread) when wrk is not the limit.
        "client_cpu": cpu / (int(values["duration_us"]) / 1e6),
        "p50": int(values["p50_us"]) / 1000,
        "p99": int(values["p99_us"]) / 1000,
    }


def check_page(port: int, path: str, cookies: dict | None, markers: list[str]) -> None:
    """Before the load: the page is the expected one (each marker present), not a redirect."""
    status, headers, page = request(port, "GET", path, cookies=cookies)
    text = page.decode("utf-8", "replace")
    missing = [m for m in markers if m not in text]
    if status != 200 or missing:
        location = dict((k.lower(), v) for k, v in headers).get("location", "")
        raise BenchError(f"GET {path}: {status} {location}, missing {missing}")


# -- the run -------------------------------------------------------------------------------------------


def children_cpu() -> float:
    """CPU seconds used by the finished children (wrk, the submission clients): the client's cost."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def loadavg() -> float:
    return os.getloadavg()[0]


def main() -> int:
    global PORT_H, PORT_APP, PORT_CITY
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per page (default 5)")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds per page (default 1)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections, submission clients / 2")
    parser.add_argument("--drafts", type=int, default=4000, help="drafts made for the submission flow")
    parser.add_argument(
        "--interleave", action="store_true", help="also measure H after every page (ratios to the H around it)"
    )
    parser.add_argument("--port", type=int, default=PORT_H, help="first of the three ports (default 18150)")
    parser.add_argument("--only", default="", help="comma-separated page names to measure (default: all)")
    parser.add_argument(
        "--page-cache",
        choices=["on", "off"],
        default="on",
        help="off: the app servers run with PAGE_CACHE_SECONDS=0, every page built (what a page costs after a write)",
    )
    parser.add_argument("--_seed", choices=["apply", "city"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._seed:
        seed(args._seed, args.drafts)
        return 0
    PORT_H, PORT_APP, PORT_CITY = args.port, args.port + 1, args.port + 2

    wrk = ensure_wrk()
    workdir = Path(tempfile.mkdtemp(prefix="gangwei-load-"))
    processes: list[subprocess.Popen] = []
    base_url = os.environ.get("DATABASE_URL") or PG_DEFAULT
    db_envs = {}
    try:
        for kind in ("apply", "city"):
            if args.db == "postgres":
                db_envs[kind] = {"DATABASE_URL": make_pg_database(base_url, PG_NAMES[kind])}
            else:
                db_envs[kind] = {"SQLITE_PATH": str(workdir / f"{kind}.sqlite3")}
        print(f"# seeding the {args.db} databases in {workdir} …", file=sys.stderr, flush=True)
        seeded = run_setup("apply", db_envs["apply"], args.drafts)
        city_seeded = run_setup("city", db_envs["city"], 0)
        static = subprocess.run(
            [PY, "manage.py", "collectstatic", "--noinput", "-v0"],
            env=server_env(db_envs["apply"]),
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if static.returncode != 0:
            raise BenchError(f"collectstatic failed: {static.stderr[-2000:]}")

        print("# starting gunicorn …", file=sys.stderr, flush=True)
        hello_env = server_env(db_envs["apply"])
        hello_env["DJANGO_SETTINGS_MODULE"] = "bench.hello.settings"
        processes.append(start_gunicorn("bench.hello.wsgi:application", PORT_H, hello_env, workdir / "h.log"))
        cache_env = {} if args.page_cache == "on" else {"PAGE_CACHE_SECONDS": "0"}
        processes.append(
            start_gunicorn(
                "gangwei.wsgi:application", PORT_APP, {**server_env(db_envs["apply"]), **cache_env}, workdir / "app.log"
            )
        )
        processes.append(
            start_gunicorn(
                "gangwei.wsgi:application", PORT_CITY, {**server_env(db_envs["city"]), **cache_env}, workdir / "city.log"
            )
        )

        applicant = login(PORT_APP, "unit1", seeded["demo_password"])
        reviewer = login(PORT_APP, "chengzhong", seeded["demo_password"])
        city = login(PORT_CITY, "city", seeded["demo_password"])
        form_marker = 'name="submit" value="1"'
        # (name, port, path, cookies, the marker wrk checks in every response, more markers checked once)
        pages = [
            ("login", PORT_APP, "/accounts/login/", None, '<h1 class="h3 mb-3">登录</h1>', ["csrfmiddlewaretoken"]),
            (
                "apply_list",
                PORT_APP,
                "/apply/",
                applicant,
                '<h1 class="h3 mb-0">我的申报</h1>',
                [seeded["list_name"], "基准第20组"],
            ),
            (
                "apply_detail",
                PORT_APP,
                f"/apply/{seeded['detail_key']}/",
                applicant,
                seeded["detail_name"],
                ["申报编号"],
            ),
            (
                "apply_edit",
                PORT_APP,
                f"/apply/{seeded['edit_key']}/edit/",
                applicant,
                form_marker,
                ["柳州市巾帼文明岗申报表", "基准编辑用草稿"],
            ),
            ("apply_new", PORT_APP, "/apply/new/", applicant, form_marker, ["柳州市巾帼文明岗申报表"]),
            ("review_queue", PORT_APP, "/review/", reviewer, "年度初审</h1>", [seeded["list_name"]]),
            ("city_overview", PORT_CITY, "/city/", city, "年度 · 创建工作总览</h1>", []),
            ("city_training", PORT_CITY, "/city/training/", city, "创建培训 · ", []),
            ("city_assessment", PORT_CITY, "/city/assessment/", city, '<h1 class="h3 mb-2">考核 · ', []),
            ("city_ranking", PORT_CITY, "/city/assessment/ranking/", city, "考核排名 · ", []),
            ("city_publicity", PORT_CITY, "/city/publicity/", city, "年度 · 拟命名名单公示</h1>", []),
            ("city_naming", PORT_CITY, "/city/naming/", city, "年度 · 命名</h1>", []),
        ]
        only = {name for name in args.only.split(",") if name}
        if only:
            pages = [page for page in pages if page[0] in only]
        for _name, port, path, cookies, marker, more in pages:
            check_page(port, path, cookies, [marker, *more])
        check_page(PORT_H, "/", None, ["hello"])

        script = workdir / "check.lua"
        script.write_text(WRK_LUA)
        figures: list[tuple[str, str, str]] = []
        load_start = loadavg()

        def hello() -> dict:
            run_wrk(wrk, script, PORT_H, "/", "hello", None, args.warmup, args.connections, warmup=True)
            return run_wrk(wrk, script, PORT_H, "/", "hello", None, args.seconds, args.connections)

        print("# measuring …", file=sys.stderr, flush=True)
        h_start_run = hello()
        h_start = h_start_run["rate"]
        results = {}
        # --interleave: H again after every page, so that each page also has a ratio to the H of the
        # moments around it (`_ratio_local`), steadier than the run's mean when the machine is shared.
        local_h = {}
        h_before = h_start
        for name, port, path, cookies, marker, _more in pages:
            run_wrk(wrk, script, port, path, marker, cookies, args.warmup, args.connections, warmup=True)
            results[name] = run_wrk(wrk, script, port, path, marker, cookies, args.seconds, args.connections)
            if args.interleave:
                h_after = run_wrk(wrk, script, PORT_H, "/", "hello", None, args.seconds, args.connections)["rate"]
                local_h[name], h_before = (h_before + h_after) / 2, h_after
        submission = None
        if not only or "submission" in only:
            submission = measure_submissions(PORT_APP, seeded, args.seconds, args.warmup)
            if args.interleave:
                h_after = run_wrk(wrk, script, PORT_H, "/", "hello", None, args.seconds, args.connections)["rate"]
                local_h["submission"] = (h_before + h_after) / 2
            after = count_submitted(db_envs["apply"])
            if after - seeded["submitted_before"] != submission["done_total"]:
                raise BenchError(
                    f"{submission['done_total']} submissions answered, "
                    f"{after - seeded['submitted_before']} applications submitted in the database"
                )
        h_end_run = hello()
        h_end = h_end_run["rate"]
        load_end = loadavg()
        h = (h_start + h_end) / 2

        figures += [
            ("loadavg_start", f"{load_start:.2f}", ""),
            ("H_start", f"{h_start:.0f}", "req/s"),
            ("H_end", f"{h_end:.0f}", "req/s"),
            ("H", f"{h:.0f}", "req/s"),
            ("H_client_cpu", f"{max(h_start_run['client_cpu'], h_end_run['client_cpu']):.2f}", "cores"),
        ]
        for name, result in results.items():
            figures += [
                (name, f"{result['rate']:.0f}", "req/s"),
                (f"{name}_ratio", f"{result['rate'] / h:.3f}", "xH"),
                *([(f"{name}_ratio_local", f"{result['rate'] / local_h[name]:.3f}", "xH")] if name in local_h else []),
                (f"{name}_p50", f"{result['p50']:.1f}", "ms"),
                (f"{name}_p99", f"{result['p99']:.1f}", "ms"),
            ]
        if submission:
            figures += [
                ("submission", f"{submission['rate']:.1f}", "submissions/s"),
                ("submission_ratio", f"{submission['rate'] / h:.4f}", "xH"),
                *(
                    [("submission_ratio_local", f"{submission['rate'] / local_h['submission']:.4f}", "xH")]
                    if "submission" in local_h
                    else []
                ),
                ("submission_p50", f"{submission['p50']:.1f}", "ms"),
                ("submission_p99", f"{submission['p99']:.1f}", "ms"),
                ("submission_client_cpu", f"{submission['client_cpu']:.2f}", "cores"),
            ]
        figures += [
            ("pages_client_cpu_max", f"{max((r['client_cpu'] for r in results.values()), default=0):.2f}", "cores"),
            ("review_queue_submitted", str(seeded["queue_rows"]), "applications"),
            ("city_reported", str(city_seeded["reported"]), "applications"),
            ("loadavg_end", f"{load_end:.2f}", ""),
            ("db", args.db, ""),
            ("page_cache", args.page_cache, ""),
            ("max_requests", os.environ.get("GUNICORN_MAX_REQUESTS", "").strip() or "0", ""),
        ]
        for name, value, unit in figures:
            print(f"{name}: {value} {unit}".rstrip(), flush=True)
        if h < 1000:
            print(
                f"# H is only {h:.0f} req/s (the issue's machine: about 5,400): the machine is busy (load average "
                f"{load_start:.1f} to {load_end:.1f}); the ratios are of one run, the absolute figures are not comparable",
                file=sys.stderr,
            )
        return 0
    except BenchError as exc:
        print(f"load.py: {exc}", file=sys.stderr)
        for log in workdir.glob("*.log"):
            tail = log.read_text(errors="replace")[-1500:]
            if tail.strip():
                print(f"--- {log.name}\n{tail}", file=sys.stderr)
        return 1
    finally:
        for process in processes:
            stop(process)
        if args.db == "postgres":
            for kind in db_envs:
                try:
                    drop_pg_database(base_url, PG_NAMES[kind])
                except Exception as exc:  # noqa: BLE001  (the figures are printed already)
                    print(f"# could not drop {PG_NAMES[kind]}: {exc}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
