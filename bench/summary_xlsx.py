"""Benchmark: the city-wide 附件2 汇总表 of 5,000 applications, against a plain openpyxl dump.

    python bench/summary_xlsx.py [--applications N] [--runs N]

Builds a throw-away SQLite database (migrate, the fixtures of the 14 初审 bodies and the 2021
campaign), then N reported applications (default 5,000) spread over the 14 bodies, each with two
岗位负责人 and one 曾获荣誉 and a rank, with bulk_create. Then, as the city's user:

- summary: review.documents.summary.summary_workbook for all 14 bodies with the 汇总 sheet — the
  database reads (3 queries for the rows, 1 for the filings), the styled cells, print set-up;
- baseline: the same database read (review.documents.summary.summary_rows) and the same row
  values, dumped with a plain `Workbook(write_only=True)` and `ws.append(list)`, no styles, no
  print set-up, no summary sheet.

Each is run N times (default 5) after a warm-up, taking turns; the medians (wall and CPU) are printed, then the peak memory of
one more run of each measured with tracemalloc (Python allocations, which is what grows with rows).

Prints one figure per line: `name: value unit`.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(workdir: str) -> None:
    os.environ["SQLITE_PATH"] = str(Path(workdir) / "bench.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gangwei.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build(count: int):
    """The 14 bodies, the 2021 campaign, a city user, and `count` reported applications."""
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from applications.models import Application, Category, Gender, Honour, Leader, Status
    from gangwei.models import Campaign, Organisation, OrgKind, User
    from review.models import Review

    call_command("migrate", verbosity=0)
    call_command(
        "loaddata",
        *(str(ROOT / "fixtures" / f"{name}.json") for name in ("organisations", "campaign_2021")),
        verbosity=0,
    )
    campaign = Campaign.objects.get(year=2021)
    bodies = list(Organisation.objects.filter(kind=OrgKind.REVIEWING_BODY).order_by("display_order", "name"))
    city = Organisation.objects.get(kind=OrgKind.CITY)
    user = User.objects.create(username="city_bench", organisation=city, last_name="韦", first_name="宣发")
    units = Organisation.objects.bulk_create(
        [
            Organisation(kind=OrgKind.APPLICANT, name=f"{body.label}测试单位{i + 1}", parent=body)
            for body in bodies
            for i in range(10)
        ]
    )
    now = timezone.now()
    applications = Application.objects.bulk_create(
        [
            Application(
                campaign=campaign,
                unit=units[i % len(units)],
                number=f"2021-B-{i + 1:05d}",
                status=Status.REPORTED,
                applicant_name=f"柳州市第{i + 1}人民医院门诊部导医服务班组",
                post_name="导医服务班组",
                parent_unit=f"柳州市第{i + 1}人民医院",
                category=Category.TEAM,
                staff_total=12,
                staff_women=10,
                contact_name="韦小红",
                contact_title="门诊部副主任",
                contact_phone="0772-3812345",
                achievements="班组坚持优质服务，连续三年零投诉。",
                unit_opinion="经研究，该班组符合柳州市巾帼文明岗创建条件，所填情况属实，同意申报。",
                review_opinion="该班组符合创建条件，材料真实完整，同意推荐。",
                review_opinion_at=now,
                submitted_at=now - dt.timedelta(seconds=i),
            )
            for i in range(count)
        ],
        batch_size=500,
    )
    Review.objects.bulk_create(
        [Review(application=a, rank=i // len(units) + 1) for i, a in enumerate(applications)], batch_size=500
    )
    Leader.objects.bulk_create(
        [
            Leader(application=a, name=name, gender=gender, title=title, phone="13907721111", position=p)
            for a in applications
            for p, (name, gender, title) in enumerate(
                [("覃丽", Gender.FEMALE, "班组长"), ("黄志强", Gender.MALE, "门诊部主任")]
            )
        ],
        batch_size=1000,
    )
    Honour.objects.bulk_create(
        [
            Honour(application=a, year="2019", title="柳州市三八红旗集体", issuer="柳州市妇女联合会")
            for a in applications
        ],
        batch_size=1000,
    )
    return user, campaign, bodies


def baseline(user, campaign, bodies) -> bytes:
    """The same rows out of the same read, dumped with a plain write-only workbook."""
    from collections import defaultdict

    from openpyxl import Workbook

    from applications.access import applications_visible_to
    from review.documents.summary import COLUMNS, application_row, sheet_names, summary_rows

    by_body = defaultdict(list)
    for row in summary_rows(applications_visible_to(user).filter(campaign=campaign)):
        by_body[row.body_id].append(row)
    workbook = Workbook(write_only=True)
    for body, name in zip(bodies, sheet_names(bodies), strict=True):
        sheet = workbook.create_sheet(name)
        sheet.append(COLUMNS)
        for number, row in enumerate(by_body[body.pk], start=1):
            sheet.append(application_row(number, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_django(tempfile.mkdtemp(prefix="gangwei-bench-"))

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from review.documents.summary import summary_workbook

    user, campaign, bodies = build(args.applications)

    def summary() -> bytes:
        return summary_workbook(user=user, campaign=campaign, bodies=bodies, summary_sheet=True)

    renders = {"summary": summary, "baseline": lambda: baseline(user, campaign, bodies)}
    with CaptureQueriesContext(connection) as queries:
        size = len(summary())
    renders["baseline"]()
    times = {name: [] for name in renders}
    cpu = {name: [] for name in renders}
    for _ in range(args.runs):
        for name, render in renders.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            render()
            times[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    peaks = {}
    for name, render in renders.items():
        tracemalloc.start()
        render()
        peaks[name] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()

    summary_s, baseline_s = statistics.median(times["summary"]), statistics.median(times["baseline"])
    print(f"summary_xlsx_applications: {args.applications} rows")
    print(f"summary_xlsx_queries: {len(queries.captured_queries)} queries")
    print(f"summary_xlsx_size: {size / 1024:.0f} KiB")
    print(f"summary_xlsx_median: {summary_s:.3f} s")
    print(f"summary_xlsx_peak_memory: {peaks['summary'] / 2**20:.1f} MB")
    print(f"summary_xlsx_baseline_median: {baseline_s:.3f} s")
    print(f"summary_xlsx_baseline_peak_memory: {peaks['baseline'] / 2**20:.1f} MB")
    print(f"summary_xlsx_ratio: {summary_s / baseline_s:.2f}")
    print(f"summary_xlsx_cpu_median: {statistics.median(cpu['summary']):.3f} s")
    print(f"summary_xlsx_baseline_cpu_median: {statistics.median(cpu['baseline']):.3f} s")


if __name__ == "__main__":
    main()
