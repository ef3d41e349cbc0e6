"""Benchmark: a gunicorn worker's resident memory after rendering PDFs, and its replacement by
gunicorn.conf.py's post_request hook (GUNICORN_MAX_RSS_MB).

    python bench/worker_memory.py [--rounds N] [--limit MB] [--workers N]

Builds a throw-away SQLite database with the demo data at the naming stage (seed_demo --stage naming:
named posts with certificates, filed 汇总表), collects the static files into a temporary folder, and
starts gunicorn with the repository's gunicorn.conf.py (DEBUG off, sync workers, a port of
GANGWEI_TEST_PORTS, by default 18200-18249) twice:

1. with the memory limit off: the workers answer a login and a page each (`rss_idle`), then the PDF
   exports are fetched N rounds (an applicant's 附件1 of each of its applications, the city's naming
   list and the certificates of every named post): `rss_after_pdfs` is the largest worker then, and it stays so;
2. with the limit on (--limit, by default 120 MB: below what a worker holds after these PDFs, so
   that the run shows the replacement; gunicorn.conf.py's default is higher): the same requests; the workers
   past the limit after a PDF are replaced, `workers_recycled` counts the replacements (the hook's
   lines in gunicorn's log), and
   `rss_after_recycle` is the largest worker once a few plain pages have been answered again.

RSS is read from /proc/<pid>/statm (Linux). Prints one figure per line: `name: value unit`.
"""

import argparse
import http.cookiejar
import os
import re
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Gangwei-Demo-2026"  # seed_demo's public demo password (gangwei.validators.DEMO_PASSWORD)
MB = 1024 * 1024


def free_port() -> int:
    first, _, last = os.environ.get("GANGWEI_TEST_PORTS", "18200-18249").partition("-")
    for port in range(int(first), int(last or first) + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in GANGWEI_TEST_PORTS")


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare(workdir: Path) -> dict:
    """The server's environment, with a seeded database and collected static files."""
    settings = workdir / "bench_settings.py"
    settings.write_text(f"from gangwei.settings import *  # noqa\nSTATIC_ROOT = {str(workdir / 'static')!r}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "S3_")) and k != "DATABASE_URL"}
    env.update(
        PYTHONPATH=os.pathsep.join([str(workdir), str(ROOT)]),
        DJANGO_SETTINGS_MODULE="bench_settings",
        SQLITE_PATH=str(workdir / "db.sqlite3"),
        PRIVATE_MEDIA_ROOT=str(workdir / "private"),
        SECRET_KEY="bench-only-secret-key-not-for-production",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SITE_URL="http://127.0.0.1",
    )
    manage({**env, "DEBUG": "true"}, "migrate", "--noinput")
    manage({**env, "DEBUG": "true"}, "seed_demo", "--stage", "naming")  # refuses to run with DEBUG off
    manage({**env, "DEBUG": "false"}, "collectstatic", "--noinput")
    env["DEBUG"] = "false"
    return env


class Browser:
    """One logged-in user: cookies, and the CSRF token of the login form."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.username = username
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        form = self.get("/accounts/login/").decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD})
        self.username = username
        self.get("/accounts/login/", data=data.encode())

    def get(self, path: str, data: bytes | None = None) -> bytes:
        try:
            with self.opener.open(self.base + path, data=data, timeout=120) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            raise SystemExit(f"{self.username}: GET {path} answered {exc.code}") from None


def workers_of(master: int) -> dict[int, int]:
    """{pid: resident bytes} of the master's worker processes."""
    page = os.sysconf("SC_PAGE_SIZE")
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master or fields[0] == "Z":  # a worker that left, not yet reaped
                continue
            found[int(entry.name)] = int((entry / "statm").read_text().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
    return found


def largest(workers: dict[int, int]) -> int:
    return max(workers.values()) // MB if workers else 0


def wait_for_workers(master: int, count: int, seconds: float = 30) -> dict[int, int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        workers = workers_of(master)
        if len(workers) == count:
            return workers
        time.sleep(0.1)
    return workers_of(master)


def serve(env: dict, port: int, workers: int, limit_mb: int, rounds: int) -> dict[str, int]:
    """One gunicorn run: the figures of its workers before and after the PDFs."""
    server_env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": "1",
        "GUNICORN_MAX_RSS_MB": str(limit_mb),
        "GUNICORN_MAX_REQUESTS": "0",  # only the memory limit replaces workers in this run
        "GUNICORN_LOG_LEVEL": "info",  # the hook's "replacing it" lines are counted
    }
    log = open(Path(env["SQLITE_PATH"]).parent / f"gunicorn-{limit_mb}.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5).read()
                break
            except urllib.error.HTTPError:
                break  # it answers (503 would only mean a check is unhappy)
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"gunicorn did not start; see {log.name}") from None
                time.sleep(0.2)
        unit, city = Browser(base, "unit1"), Browser(base, "city")
        keys = sorted(set(re.findall(r'href="/apply/([A-Za-z0-9_-]{8,})/"', unit.get("/apply/").decode())))
        pages = [(unit, "/apply/"), (city, "/city/")]
        for browser, path in pages * workers:  # every worker answers a page or two
            browser.get(path)
        idle = wait_for_workers(server.pid, workers)
        pdfs = [(unit, f"/apply/{key}/pdf/") for key in keys] + [
            (city, "/city/naming/list.pdf"),
            (city, "/city/naming/certificates.pdf"),
        ]
        fetched = 0
        for _ in range(rounds):
            for browser, path in pdfs:
                assert browser.get(path).startswith(b"%PDF-"), path
                fetched += 1
        after_pdfs = wait_for_workers(server.pid, workers)
        for browser, path in pages * workers:  # the replacements start and answer pages
            browser.get(path)
        after = wait_for_workers(server.pid, workers)
        return {
            "rss_idle": largest(idle),
            "rss_after_pdfs": largest(after_pdfs),
            "rss_after_pages": largest(after),
            "new_pids": len(set(after) - set(idle)),
            "pdfs": fetched,
        }
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def replacements(env: dict, limit_mb: int) -> int:
    """How many times the hook replaced a worker in one run, from gunicorn's log."""
    text = (Path(env["SQLITE_PATH"]).parent / f"gunicorn-{limit_mb}.log").read_text()
    return text.count("after a request (limit")


def main() -> None:
    default_limit = runpy.run_path(str(ROOT / "gunicorn.conf.py"), run_name="gunicorn_conf")["MAX_RSS_MB"]
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    # Below what a worker holds after PDFs here (the demo's few posts), so that the second run shows
    # the replacement; production keeps gunicorn.conf.py's default, which bulk exports pass.
    parser.add_argument("--limit", type=int, default=120, help="GUNICORN_MAX_RSS_MB for the second run")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="gangwei-bench-memory-"))
    try:
        env = prepare(workdir)
        port = free_port()
        off = serve(env, port, args.workers, 0, args.rounds)
        on = serve(env, port, args.workers, args.limit, args.rounds)
        off["recycled"], on["recycled"] = replacements(env, 0), replacements(env, args.limit)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"workers: {args.workers} sync")
    print(f"pdf_requests: {off['pdfs']} per run")
    print(f"rss_idle: {off['rss_idle']} MB")
    print(f"rss_after_pdfs: {off['rss_after_pdfs']} MB")
    print(f"rss_after_pdfs_limit_off_later: {off['rss_after_pages']} MB")
    print(f"workers_recycled_limit_off: {off['recycled']} count")
    print(f"gunicorn_max_rss_default: {default_limit} MB")
    print(f"gunicorn_max_rss: {args.limit} MB")
    print(f"workers_recycled: {on['recycled']} count")
    print(f"workers_replaced_at_end: {on['new_pids']} count")
    print(f"rss_after_recycle: {on['rss_after_pages']} MB")


if __name__ == "__main__":
    main()
