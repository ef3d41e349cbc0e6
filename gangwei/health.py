"""/healthz, for a load balancer: is this server able to serve? (DESIGN §10)

Three checks, each answered "ok" or "fail" by name, and nothing else:

- database: a trivial query on this process's connection;
- storage: the default storage (local folder or S3 bucket) answers for a small probe object, written
  once when missing; normally one HEAD request, bounded by HEALTHZ_TIMEOUT seconds;
- worker: the mail worker (django-tasks-db's `db_worker`) is keeping up: no task of its queue has been
  due for longer than HEALTHZ_QUEUE_MAX_MINUTES. A queue with nothing due says nothing of the worker,
  and needs nothing of it either; a worker that died shows as soon as a message waits too long.

200 `{"status": "ok", "checks": {...}}` when all pass, 503 `{"status": "fail", ...}` otherwise. The
answer never carries an exception's text, a host name, a path, a version or a count: why a check failed
goes to the server's log. The middleware answers before any other (it is first in MIDDLEWARE), so a probe
needs no login, no session and no CSRF token, is not redirected to HTTPS (a plain-HTTP probe from the
load balancer), and is not refused for a Host header outside ALLOWED_HOSTS (the balancer probes each
server by its address). Nothing it writes depends on the Host header.
"""

import concurrent.futures
import datetime as dt
import json
import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

PATHS = {"/healthz", "/healthz/"}
CHECKS = ("database", "storage", "worker")
PROBE_NAME = "healthz/probe.txt"
PROBE_CONTENT = b"gangwei storage probe\n"


class CheckFailed(Exception):
    """A check that ran and found a fault (as opposed to one that raised on its own)."""


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise CheckFailed("SELECT 1 did not answer 1")


def check_worker() -> None:
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    cutoff = timezone.now() - dt.timedelta(minutes=settings.HEALTHZ_QUEUE_MAX_MINUTES)
    # A task enqueued without a time runs as soon as possible (run_after is stored as the largest
    # date); one enqueued for later (a mail retry) is due from its run_after. Uses the queue's partial
    # index on READY rows.
    overdue = DBTaskResult.objects.filter(status=TaskResultStatus.READY).filter(
        Q(run_after=get_date_max(), enqueued_at__lt=cutoff) | Q(run_after__lt=cutoff)
    )
    if overdue.exists():
        raise CheckFailed(f"a task has waited more than {settings.HEALTHZ_QUEUE_MAX_MINUTES} minutes for the worker")


def _probe(storage) -> None:
    """Runs in the probe thread. Works with any Storage: exists(), and save() when missing."""
    if storage.exists(PROBE_NAME):
        return
    saved = storage.save(PROBE_NAME, ContentFile(PROBE_CONTENT))
    if saved != PROBE_NAME:  # another server wrote the probe at the same moment
        storage.delete(saved)


# One thread per process runs the storage probe, so that a storage that hangs cannot hold the
# request past HEALTHZ_TIMEOUT, and the S3 client (one per thread in django-storages) is built once,
# not on every probe. While a probe is still running, the next request waits on that same probe
# instead of queueing another one behind it.
_executor: concurrent.futures.ThreadPoolExecutor | None = None
_inflight: concurrent.futures.Future | None = None
_lock = threading.Lock()


def check_storage() -> None:
    from django.core.files.storage import storages

    global _executor, _inflight
    storage = storages["default"]
    with _lock:
        if _executor is None:
            _executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz-storage")
        if _inflight is None or _inflight.done():
            _inflight = _executor.submit(_probe, storage)
        future = _inflight
    try:
        future.result(timeout=settings.HEALTHZ_TIMEOUT)
    except concurrent.futures.TimeoutError:
        raise CheckFailed(f"the storage did not answer within {settings.HEALTHZ_TIMEOUT} s") from None


RUNNERS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "storage": check_storage,
    "worker": check_worker,
}


def run_checks() -> dict[str, str]:
    """Each configured check's name and "ok" or "fail". The worker's check reads the database, so
    it is not run (and reads "fail") when the database check failed."""
    results: dict[str, str] = {}
    for name in settings.HEALTHZ_CHECKS:
        if name == "worker" and results.get("database") == "fail":
            results[name] = "fail"
            continue
        try:
            RUNNERS[name]()
        except Exception:
            logger.warning("healthz: the %s check failed", name, exc_info=True)
            results[name] = "fail"
        else:
            results[name] = "ok"
    return results


def healthz(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405)
        response["Allow"] = "GET, HEAD"
    else:
        checks = run_checks()
        healthy = all(result == "ok" for result in checks.values())
        body = {"status": "ok" if healthy else "fail", "checks": checks}
        response = HttpResponse(
            json.dumps(body) if request.method == "GET" else b"",
            content_type="application/json",
            status=200 if healthy else 503,
        )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class HealthCheckMiddleware:
    """Answers /healthz before every other middleware (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in PATHS:
            return healthz(request)
        return self.get_response(request)
