"""What one whole submission (the 附件1 form's GET, then its POST with 提交) costs the server, in CPU
instructions counted by valgrind: a figure that, unlike requests per second, does not move with
whatever else runs on a shared machine (the same code measures the same within 0.2 %).

    python bench/submission_instructions.py [--db postgres|sqlite] [--rounds N]

One run, in a temporary folder (nothing of var/ is touched): one throw-away database seeded as
bench/load.py seeds it for its submission flow (PostgreSQL `gangwei_bench_instr` on DATABASE_URL's
server, default postgres://postgres@127.0.0.1:5432, or a SQLite file), then the same child twice
under `valgrind --tool=callgrind` (Debian's valgrind; installed with apt-get when missing, as root).
The child sets Django up as the servers do (DEBUG off, page cache on), signs a benchmark unit in,
submits 5 drafts to warm up, then N (the first run) or 3N (the second) drafts the way a browser does:
GET /apply/<key>/edit/, POST the form it gives back with 提交, expect the redirect to the
application's page. The difference of the two totals divided by 2N is one submission's work inside
the web process: middleware, views, forms, templates, the ORM and the database driver (the database
server's own work is in another process and is not counted). Prints `name: value unit` lines.
Takes about 3 minutes (valgrind runs Python some 50 times slower).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import (  # noqa: E402  (the benchmark's own seeding and server settings)
    PG_DEFAULT,
    BenchError,
    drop_pg_database,
    make_pg_database,
    run_setup,
    server_env,
)

PG_NAME = "gangwei_bench_instr"
WARMUP = 5


def child(seed_file: str, rounds: int) -> None:
    """Runs under valgrind: Django set up, WARMUP + `rounds` submissions through the test client."""
    import django

    django.setup()
    from urllib.parse import urlencode

    from django.test import Client

    from applications.models import Application, Status
    from gangwei.models import User
    from tests.http_client import form_of

    spec = json.loads(Path(seed_file).read_text())["submitters"][0]
    keys = sorted(Application.objects.filter(key__in=spec["keys"], status=Status.DRAFT).values_list("key", flat=True))
    if len(keys) < WARMUP + rounds:
        raise SystemExit(f"{len(keys)} drafts left for {WARMUP + rounds} submissions")
    client = Client(enforce_csrf_checks=True)  # the token checked, as a browser's is
    client.force_login(User.objects.get(username=spec["username"]))
    token_field = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    fields = None
    for key in keys[: WARMUP + rounds]:
        page = client.get(f"/apply/{key}/edit/").content.decode()
        if fields is None:
            fields = form_of(page, "application-form")  # the drafts are alike
        token = token_field.search(page).group(1)
        posted = [(k, token if k == "csrfmiddlewaretoken" else v) for k, v in fields] + [("submit", "1")]
        response = client.post(
            f"/apply/{key}/edit/", urlencode(posted), content_type="application/x-www-form-urlencoded"
        )
        if response.status_code != 302 or response["Location"] != f"/apply/{key}/":
            raise SystemExit(f"POST /apply/{key}/edit/: {response.status_code}")
        # As bench/load.py's clients: the 已提交 message is for the page the browser goes to next.
        client.cookies.pop("messages", None)


def instructions(env: dict, seed_file: Path, rounds: int, workdir: Path) -> int:
    out = workdir / f"callgrind.{rounds}.out"
    result = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            "--_child",
            str(seed_file),
            "--rounds",
            str(rounds),
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BenchError(f"the child failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    totals = [line for line in out.read_text().splitlines() if line.startswith("totals:")]
    return int(totals[-1].split()[1])


def ensure_valgrind() -> None:
    if shutil.which("valgrind"):
        return
    if os.geteuid() != 0:
        raise BenchError("valgrind is missing: apt-get install valgrind")
    subprocess.run(
        ["apt-get", "install", "-y", "-q", "valgrind"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--rounds", type=int, default=20, help="submissions of the shorter run (default 20)")
    parser.add_argument("--_child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._child:
        child(args._child, args.rounds)
        return 0
    ensure_valgrind()
    workdir = Path(tempfile.mkdtemp(prefix="gangwei-instr-"))
    base_url = os.environ.get("DATABASE_URL") or PG_DEFAULT
    try:
        if args.db == "postgres":
            db_env = {"DATABASE_URL": make_pg_database(base_url, PG_NAME)}
        else:
            db_env = {"SQLITE_PATH": str(workdir / "instr.sqlite3")}
        drafts = 4 * (WARMUP + 3 * args.rounds) * 2  # bench/load.py spreads them over four units
        seeded = run_setup("apply", db_env, drafts)
        seed_file = workdir / "seed.json"
        seed_file.write_text(json.dumps(seeded))
        env = server_env(db_env)
        env["STATIC_ROOT"] = str(workdir / "static")
        env["ALLOWED_HOSTS"] += ",testserver"  # the test client's host
        static = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, capture_output=True
        )
        if static.returncode != 0:
            raise BenchError(f"collectstatic failed: {static.stderr.decode()[-2000:]}")
        started = time.monotonic()
        short = instructions(env, seed_file, args.rounds, workdir)
        long = instructions(env, seed_file, 3 * args.rounds, workdir)
        per_submission = (long - short) / (2 * args.rounds)
        print(f"db: {args.db}")
        print(f"submissions_counted: {2 * args.rounds} submissions")
        print(f"submission_instructions: {per_submission / 1e6:.2f} Minstr")
        print(f"measure_seconds: {time.monotonic() - started:.0f} s")
    except BenchError as exc:
        print(f"submission_instructions.py: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.db == "postgres":
            drop_pg_database(base_url, PG_NAME)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
