"""gunicorn.conf.py: read by gunicorn's own loader, from the environment; and its post_request hook that
replaces a worker grown past GUNICORN_MAX_RSS_MB (bench/worker_memory.py shows it on a real server)."""

import os
import runpy
from types import SimpleNamespace

import pytest
from django.conf import settings
from gunicorn.app.base import Application

CONF = settings.BASE_DIR / "gunicorn.conf.py"
MB = 1024 * 1024
VARIABLES = [
    "GUNICORN_BIND",
    "GUNICORN_WORKERS",
    "GUNICORN_THREADS",
    "GUNICORN_TIMEOUT",
    "GUNICORN_MAX_REQUESTS",
    "GUNICORN_MAX_REQUESTS_JITTER",
    "GUNICORN_MAX_RSS_MB",
    "GUNICORN_PRELOAD",
    "GUNICORN_CONTROL_SOCKET",
    "FORWARDED_ALLOW_IPS",
    "WEB_CONCURRENCY",
]


class Loaded(Application):
    """gunicorn's configuration as `gunicorn -c gunicorn.conf.py` would build it (no server)."""

    def load_config(self):
        self.load_config_from_file(str(CONF))

    def load(self):  # pragma: no cover - never serves
        raise AssertionError


@pytest.fixture
def environment(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults_for_a_two_core_machine(environment):
    cfg = Loaded().cfg
    assert cfg.workers == 2 * os.cpu_count() + 1
    assert (cfg.threads, cfg.worker_class_str) == (1, "sync")
    assert cfg.address == [("127.0.0.1", 8000)]
    assert (cfg.timeout, cfg.graceful_timeout) == (60, 30)
    assert (cfg.max_requests, cfg.max_requests_jitter) == (0, 0)
    assert (cfg.accesslog, cfg.errorlog) == ("-", "-")
    assert cfg.forwarded_allow_ips == ["127.0.0.1", "::1"]
    assert (cfg.preload_app, cfg.control_socket_disable) == (False, True)
    assert cfg.wsgi_app == "gangwei.wsgi:application"


def test_from_the_environment(environment):
    environment.setenv("GUNICORN_BIND", "0.0.0.0:18210, 127.0.0.1:18211")
    environment.setenv("GUNICORN_WORKERS", "3")
    environment.setenv("GUNICORN_THREADS", "4")
    environment.setenv("GUNICORN_TIMEOUT", "90")
    environment.setenv("GUNICORN_MAX_REQUESTS", "500")
    environment.setenv("FORWARDED_ALLOW_IPS", "10.0.0.2,10.0.0.3")
    environment.setenv("GUNICORN_PRELOAD", "true")
    environment.setenv("GUNICORN_CONTROL_SOCKET", "/run/gangwei/gunicorn.ctl")
    cfg = Loaded().cfg
    assert cfg.address == [("0.0.0.0", 18210), ("127.0.0.1", 18211)]
    assert (cfg.workers, cfg.threads, cfg.worker_class_str, cfg.timeout) == (3, 4, "gthread", 90)
    assert (cfg.max_requests, cfg.max_requests_jitter) == (500, 50)
    assert cfg.forwarded_allow_ips == ["10.0.0.2", "10.0.0.3"]
    assert (cfg.preload_app, cfg.control_socket_disable, cfg.control_socket) == (
        True,
        False,
        "/run/gangwei/gunicorn.ctl",
    )


def test_a_wrong_number_stops_gunicorn(environment):
    environment.setenv("GUNICORN_WORKERS", "many")
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS must be an integer"):
        Loaded()


# --- the hook --------------------------------------------------------------------------------------


class FakeLog:
    def __init__(self):
        self.lines = []

    def info(self, message, *args):
        self.lines.append(message % args)


def fake_worker() -> SimpleNamespace:
    return SimpleNamespace(alive=True, pid=4242, log=FakeLog())


@pytest.fixture
def recycle_when_large():
    return runpy.run_path(str(CONF))["recycle_when_large"]


@pytest.mark.parametrize(
    ("rss", "alive"),
    [(None, True), (100 * MB, True), (300 * MB, True), (300 * MB + 1, False), (1200 * MB, False)],
)
def test_worker_past_the_limit_is_replaced_after_its_request(recycle_when_large, rss, alive):
    worker = fake_worker()
    recycle_when_large(300, read_rss=lambda: rss)(worker, None, {}, None)
    assert worker.alive is alive
    expected = [] if alive else [f"worker 4242 holds {rss // MB} MB after a request (limit 300 MB): replacing it"]
    assert worker.log.lines == expected


def test_no_limit_never_replaces(recycle_when_large):
    worker = fake_worker()
    recycle_when_large(0, read_rss=lambda: 5000 * MB)(worker, None, {}, None)
    assert (worker.alive, worker.log.lines) == (True, [])


def test_a_worker_already_leaving_is_left_alone(recycle_when_large):
    """After max_requests (or a first hook) set alive = False, the memory is not read again."""
    worker = fake_worker()
    worker.alive = False
    reads = []
    recycle_when_large(300, read_rss=lambda: reads.append(1) or 900 * MB)(worker, None, {}, None)
    assert (worker.alive, reads, worker.log.lines) == (False, [], [])


def test_the_configured_hook_reads_this_process(environment):
    """As gunicorn loads it (its arity checked), with the real /proc reader: this test process holds
    more than 1 MB, less than 100 GB."""
    environment.setenv("GUNICORN_MAX_RSS_MB", "1")
    worker = fake_worker()
    Loaded().cfg.post_request(worker, None, {}, None)
    assert worker.alive is False
    environment.setenv("GUNICORN_MAX_RSS_MB", str(100 * 1024))
    worker = fake_worker()
    Loaded().cfg.post_request(worker, None, {}, None)
    assert worker.alive is True
    assert 1 * MB < runpy.run_path(str(CONF))["resident_bytes"]() < 100 * 1024 * MB
