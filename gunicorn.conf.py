"""gunicorn's configuration for production: `gunicorn gangwei.wsgi` finds this file by itself when run
from the repository's root (or pass `-c gunicorn.conf.py`). Every value comes from the environment,
with defaults for a 2-core machine.

    GUNICORN_BIND                 127.0.0.1:8000   address:port, or several separated by commas;
                                                   0.0.0.0:8000 when the balancer is on another host
    GUNICORN_WORKERS              2 × cores + 1    processes
    GUNICORN_THREADS              1                threads per process (more than 1: the gthread worker)
    GUNICORN_TIMEOUT              60               seconds a request may take before its worker is killed
    GUNICORN_GRACEFUL_TIMEOUT     30               seconds to finish requests on a restart
    GUNICORN_KEEPALIVE            5                seconds a kept-alive connection waits (gthread only)
    GUNICORN_MAX_REQUESTS         0                a worker is replaced after this many requests (0: never)…
    GUNICORN_MAX_REQUESTS_JITTER  max_requests/10  …plus a random share of this, so they do not all go at once.
                                                   Off by default: the memory limit below replaces a worker
                                                   that grows, and a count alone costs a fresh worker's
                                                   start-up (about half a second of a core: Django's imports,
                                                   the first templates) every few seconds under load. At
                                                   1,000 requests, 2 workers serving 3,400 requests/s were
                                                   replaced almost twice a second and answered half as many.
    GUNICORN_MAX_RSS_MB           200              …or as soon as it holds more memory than this after a
                                                   request (0: never). Rendering PDFs (WeasyPrint, the CJK
                                                   fonts) grows a worker from about 55 MB to 180-250 MB that
                                                   it never gives back: such a worker is replaced at once.
    FORWARDED_ALLOW_IPS           127.0.0.1,::1    proxies whose X-Forwarded-* headers are trusted
                                                   (the load balancer's addresses; * for any)
    GUNICORN_PRELOAD              false            import the app once in the master, before forking
    GUNICORN_CONTROL_SOCKET       (none)           a path for gunicornc; off by default, since every
                                                   gunicorn on a machine would otherwise share one path
    GUNICORN_LOG_LEVEL            info

The access log and the error log go to standard output and standard error (systemd, docker).
"""

import os

# gunicorn executes this file itself; its settings are the module-level names below.


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"gunicorn.conf.py: {name} must be an integer, got {value!r}") from None


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SystemExit(f"gunicorn.conf.py: {name} must be true or false, got {value!r}")


wsgi_app = "gangwei.wsgi:application"
bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if address.strip()]
workers = _int("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)
preload_app = _bool("GUNICORN_PRELOAD", False)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The workers' heartbeat files in memory, not on a disk that may stall (a container's overlay).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The usual combined format, with the client's address as the balancer forwarded it and the time taken.
access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

control_socket_path = os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip()
if control_socket_path:
    control_socket = control_socket_path
else:
    control_socket_disable = True

MAX_RSS_MB = _int("GUNICORN_MAX_RSS_MB", 200)


def resident_bytes() -> int | None:
    """This process's resident memory now (Linux /proc), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def recycle_when_large(limit_mb: int, read_rss=resident_bytes):
    """A post_request hook: once a request is done, a worker whose resident memory has grown past
    `limit_mb` stops taking requests and exits, and the arbiter starts a fresh one in its place
    (as max_requests does: `worker.alive = False`). The request itself is never cut short."""

    def post_request(worker, req, environ, resp):
        if limit_mb <= 0 or not worker.alive:
            return
        rss = read_rss()
        if rss is None or rss <= limit_mb * 1024 * 1024:
            return
        worker.log.info(
            "worker %s holds %d MB after a request (limit %d MB): replacing it",
            worker.pid,
            rss // (1024 * 1024),
            limit_mb,
        )
        worker.alive = False

    return post_request


post_request = recycle_when_large(MAX_RSS_MB)
