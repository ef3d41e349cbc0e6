"""Benchmark: what the audit trail costs — one event written, and the pruning of old events.

    python bench/audit.py [--events N] [--old N]

Runs against a fresh SQLite file in a temporary folder (the embedded default), or against
DATABASE_URL when it is set (a scratch database: the audit table is emptied first). Writes `--events`
events one by one through audit.services.audit_record, as a request does (median time of one), then
inserts `--old` events older than the retention and runs `manage.py prune_audit` (rows per second,
and the longest single batch — how long one DELETE holds its lock).

Prints one figure per line: `name: value unit`.
"""

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(folder: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gangwei.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(Path(folder) / "bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--old", type=int, default=50_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        from django.conf import settings
        from django.core.management import call_command
        from django.test import RequestFactory
        from django.utils import timezone

        from audit.actions import Action
        from audit.models import AuditEvent
        from audit.services import audit_record

        AuditEvent.objects.all().delete()
        request = RequestFactory().get("/review/summary/xlsx/", REMOTE_ADDR="10.0.0.5", HTTP_USER_AGENT="Mozilla/5.0")
        times = []
        for n in range(args.events):
            started = time.perf_counter()
            audit_record(action=Action.EXPORT, target=f"附件2-汇总表-2021-城中区妇联-{n}.xlsx", request=request)
            times.append(time.perf_counter() - started)
        print(f"audit_record_median: {statistics.median(times) * 1e6:.0f} us")
        print(f"audit_record_p99: {sorted(times)[int(len(times) * 0.99)] * 1e6:.0f} us")

        old = timezone.now() - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS + 10)
        AuditEvent.objects.bulk_create(
            [AuditEvent(occurred_at=old, action=Action.LOGIN, username=f"user{n}") for n in range(args.old)],
            batch_size=5000,
        )
        batches = []
        from django.db import connection

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                if sql.lstrip().upper().startswith("DELETE"):
                    batches.append(time.perf_counter() - started)

        started = time.perf_counter()
        with connection.execute_wrapper(timed):
            call_command("prune_audit", stdout=io.StringIO())
        elapsed = time.perf_counter() - started
        assert AuditEvent.objects.filter(occurred_at__lt=old + dt.timedelta(days=1)).count() == 0
        print(f"prune_rows_per_second: {args.old / elapsed:.0f} rows/s")
        print(f"prune_longest_batch: {max(batches) * 1000:.0f} ms")
        print(f"prune_batches: {len(batches)} batches")


if __name__ == "__main__":
    main()
