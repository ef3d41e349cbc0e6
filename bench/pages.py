"""Benchmark: the applicant's and reviewer's pages — queries and server time per request.

    python bench/pages.py [--runs N]

Builds a throw-away SQLite database (migrate, fixtures, seed_demo, then 30 more submitted
applications in 城中区 so the reviewer's list is not trivially short), logs in as the demo users
through Django's test client, and requests each page N times (default 20) after one warm-up.
Prints, per page, the number of SQL queries and the median time of the whole request as the
test client sees it (URL routing, middleware, view, template), in milliseconds.

Prints one figure per line: `name: value unit`.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="gangwei-bench-")
    os.environ["SQLITE_PATH"] = str(Path(workdir) / "bench.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gangwei.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    import io

    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from applications.models import Application, Status
    from applications.services import application_create, application_data, application_submit
    from gangwei.models import User

    # As Django's test runner does: keep one connection across requests (SQLite file, no pooling
    # to measure), so that the query log of a request survives it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())

    unit1 = User.objects.get(username="unit1")
    template = Application.objects.filter(unit=unit1.organisation, status=Status.SUBMITTED).first()
    data, leaders, honours = application_data(template)
    for i in range(30):
        copy = application_create(
            user=unit1,
            campaign=template.campaign,
            data={**data, "applicant_name": f"{data['applicant_name']}（第{i + 1}组）"},
            leaders=leaders,
            honours=honours,
        )
        application_submit(application=copy, user=unit1)

    def client_for(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    applicant, reviewer = client_for("unit1"), client_for("chengzhong")
    key = template.key
    draft = Application.objects.filter(unit=unit1.organisation, status=Status.DRAFT).first()
    pages = [
        ("login", Client(), "/accounts/login/"),
        ("my_applications", applicant, "/apply/"),
        ("new_form", applicant, "/apply/new/"),
        ("detail", applicant, f"/apply/{key}/"),
        ("edit_form", applicant, f"/apply/{draft.key}/edit/" if draft else f"/apply/{key}/"),
        ("review_queue_33_rows", reviewer, "/review/"),
        ("review_detail", reviewer, f"/apply/{key}/"),
    ]
    for name, client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        reset_queries()  # the log is a bounded deque, full after seeding: empty it first
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - start)
        print(f"{name}_queries: {len(queries.captured_queries)} queries")
        print(f"{name}_median: {statistics.median(times) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
