"""Benchmark: the applicant's and reviewer's pages — queries and server time per request.

    python bench/pages.py [--runs N] [--sizes 50,500,5000] [--only NAME] [--profile]

(--db postgres: on PostgreSQL instead of SQLite, --keep to leave that database behind; --only measures the pages whose name contains NAME; --profile prints a pyinstrument profile of
each measured page on stderr.)

Builds a throw-away SQLite database (migrate, fixtures, seed_demo, then 30 more submitted
applications in 城中区 so the reviewer's list is not trivially short: 34 rows), logs in as the demo users
through Django's test client, and requests each page N times (default 20) after one warm-up.
Prints, per page, the number of SQL queries and the median time of the whole request as the
test client sees it (URL routing, middleware, view, template), in milliseconds, and the fastest
request (the page's own cost, least touched by other work on a shared machine); then the same for
the form's save and submit POSTs (each on a fresh draft).

Then every list page with one body holding 50, 500 and 5,000 reported applications (bulk-created
in 柳南区, each with a leader and its submission event, every second one with a training
attendance): the unit's 我的申报 (/apply/), the body's queue (/review/), the city's lists (/city/,
/city/training/, /city/assessment/, /city/naming/, /city/publicity/) and the public lists
(/named/<year>/, /publicity/<year>/): queries, median time and response size at each N. None of
them should grow with N (they page; none renders every row).

The page cache is off (PAGE_CACHE_SECONDS=0): every request builds its page, which is what is
measured here; bench/load.py measures pages read again with the cache on.

Prints one figure per line: `name: value unit`.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from load import PG_DEFAULT, drop_pg_database, make_pg_database  # bench/load.py, beside this file

ROOT = Path(__file__).resolve().parent.parent
PG_NAME = "gangwei_bench_pages"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sizes", default="50,500,5000", help="the list pages' sizes, comma-separated")
    parser.add_argument("--profile", action="store_true", help="a pyinstrument profile of each page, on stderr")
    parser.add_argument("--only", default="", help="measure only the pages whose name contains this")
    parser.add_argument(
        "--db",
        choices=["sqlite", "postgres"],
        default="sqlite",
        help="a throw-away SQLite file (default) or PostgreSQL database gangwei_bench_pages on DATABASE_URL's server",
    )
    parser.add_argument("--keep", action="store_true", help="leave the PostgreSQL database behind (to EXPLAIN its queries)")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="gangwei-bench-")
    pg_base = os.environ.get("DATABASE_URL") or PG_DEFAULT
    if args.db == "postgres":
        os.environ["DATABASE_URL"] = make_pg_database(pg_base, PG_NAME)
    else:
        os.environ["SQLITE_PATH"] = str(Path(workdir) / "bench.sqlite3")
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gangwei.settings")
    # Every page built, never given back from the page cache: this measures what building costs (the
    # bulk-created rows below send no signal, so a kept page would even outlive them).
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    import io

    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from applications.models import Application, ApplicationEvent, Leader, Status
    from applications.services import application_create, application_data, application_submit
    from applications.tally import recount
    from applications.workflow import Action
    from gangwei.models import Organisation, OrgKind, User
    from review.models import Attendance, TrainingSession
    from review.progress import restep

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
        ("review_queue_seeded", reviewer, "/review/"),
        ("review_detail", reviewer, f"/apply/{key}/"),
    ]

    def measure(name: str, client: Client, url: str, runs: int) -> None:
        if args.only and args.only not in name:
            return
        response = client.get(url)
        if response.status_code != 200:
            print(f"{name}_status: {response.status_code} status")
            return
        reset_queries()  # the log is a bounded deque, full after seeding: empty it first
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - start)
        if args.profile:
            from pyinstrument import Profiler

            with Profiler(interval=0.0005) as profiler:
                client.get(url)
            print(f"--- {name} {url}", file=sys.stderr)
            print(profiler.output_text(unicode=True, show_all=False), file=sys.stderr)
        print(f"{name}_queries: {len(queries.captured_queries)} queries")
        print(f"{name}_median: {statistics.median(times) * 1000:.1f} ms")
        print(f"{name}_min: {min(times) * 1000:.1f} ms")  # the page's own cost, least touched by the machine's noise
        print(f"{name}_bytes: {len(response.content)} bytes")

    for name, client, url in pages:
        measure(name, client, url, args.runs)

    def form_post(application: Application, version: int, button: str) -> dict:
        """What the browser posts from the 附件1 form of `application`: its saved values."""
        post = {"version": str(version), button: "1"}
        for field, value in data.items():
            if isinstance(value, bool):
                if value:
                    post[field] = "on"
            elif value is not None:
                post[field] = str(value)
        for prefix, rows in (("leaders", leaders), ("honours", honours)):
            post[f"{prefix}-TOTAL_FORMS"], post[f"{prefix}-INITIAL_FORMS"] = str(len(rows)), "0"
            for i, row in enumerate(rows):
                for field, value in row.items():
                    post[f"{prefix}-{i}-{field}"] = value
        return post

    def measure_posts(button: str, runs: int) -> None:
        """The save (草稿) or submit POST of the form: each run on a fresh draft of unit1."""
        if args.only and args.only not in f"{button}_post":
            return
        times, counts = [], []
        for _ in range(runs + 1):
            draft = application_create(
                user=unit1, campaign=template.campaign, data=data, leaders=leaders, honours=honours
            )
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = applicant.post(f"/apply/{draft.key}/edit/", form_post(draft, draft.version, button))
                times.append(time.perf_counter() - start)
            assert response.status_code == 302, (button, response.status_code)
            counts.append(len(queries.captured_queries))
        print(f"{button}_post_queries: {counts[-1]} queries")
        print(f"{button}_post_median: {statistics.median(times[1:]) * 1000:.1f} ms")

    measure_posts("save", args.runs)
    measure_posts("submit", args.runs)

    # Every list page with one body holding 50, 500 and 5,000 reported applications.
    body = Organisation.objects.get(code="LN")
    unit = Organisation.objects.create(kind=OrgKind.APPLICANT, name="柳南区基准测试单位", parent=body)
    queue_reviewer = User.objects.create(username="bench_liunan", organisation=body, first_name="柳南区审核员")
    applicant_user = User.objects.create(username="bench_liunan_unit", organisation=unit)
    snapshot = {**data, "leaders": leaders, "honours": honours}
    fields = {name: value for name, value in data.items() if hasattr(Application, name) and name != "applicant_name"}
    year = template.campaign.year
    list_pages = [
        ("my_applications", client_for(applicant_user.username), "/apply/"),
        ("review_queue", client_for(queue_reviewer.username), "/review/"),
        ("city_list", client_for("city"), "/city/"),
        ("city_training", client_for("city"), "/city/training/"),
        ("city_assessment", client_for("city"), "/city/assessment/"),
        ("city_naming", client_for("city"), "/city/naming/"),
        ("city_publicity", client_for("city"), "/city/publicity/"),
        ("public_named", Client(), f"/named/{year}/"),
        ("public_publicity", Client(), f"/publicity/{year}/"),
    ]
    made = 0
    session = TrainingSession.objects.create(
        campaign=template.campaign, title="基准培训", held_on=template.campaign.opens_at.date(), place="会堂"
    )
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    runs = {size: args.runs if size <= 50 else max(10, args.runs * 50 // size) for size in sizes}
    for size in runs:
        batch = [
            Application(
                **fields,
                campaign=template.campaign,
                unit=unit,
                applicant_name=f"柳南区基准岗位{i:05d}",
                status=Status.REPORTED,
                number=f"{year}-LN-{i:05d}",
                submitted_at=template.submitted_at,
            )
            for i in range(made + 1, size + 1)
        ]
        created = Application.objects.bulk_create(batch, batch_size=500)
        if connection.vendor != "postgresql":  # SQLite returns no primary keys from bulk_create
            created = list(Application.objects.filter(unit=unit, number__in=[a.number for a in batch]))
        Leader.objects.bulk_create(
            [Leader(application=a, **leaders[0], position=0) for a in created] if leaders else [], batch_size=500
        )
        ApplicationEvent.objects.bulk_create(
            [
                ApplicationEvent(
                    application=a,
                    action=Action.SUBMIT,
                    from_status=Status.DRAFT,
                    to_status=Status.SUBMITTED,
                    actor=applicant_user,
                    organisation=unit,
                    snapshot=snapshot,
                )
                for a in created
            ],
            batch_size=500,
        )
        # Every second post attended the training: the city's to-do counts (untrained) and the
        # training table have records to read, counted through each post's progress.
        Attendance.objects.bulk_create(
            [Attendance(session=session, application=a, attendee="覃丽") for a in created[::2]], batch_size=500
        )
        made = size
        restep(a.pk for a in created)  # bulk_create sent no signal: the posts' progress from their records
        recount([template.campaign.pk])  # the rows were written around the model: count them
        # As autovacuum (PostgreSQL) would after a bulk load: the planner's statistics describe the
        # tables as they are now, not as they were before the rows were added, and the visibility
        # map lets an index answer alone (a count in an index's order reads no table row).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        for name, client, url in list_pages:
            measure(f"{name}_{size}", client, url, runs[size])
    print(f"db: {args.db}")
    if args.db == "postgres" and not args.keep:
        connection.close()
        drop_pg_database(pg_base, PG_NAME)


if __name__ == "__main__":
    main()
