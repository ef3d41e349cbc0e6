"""H, the reference of bench/load.py: a bare Django "hello world" with gangwei's own settings.

Everything (MIDDLEWARE above all, but also the session, CSRF, CSP and axes settings the middleware
reads) is gangwei.settings itself, so that H costs what the framework and the middleware cost and
nothing else; only the URLs differ: one view that answers "hello" without touching the database.
"""

from gangwei.settings import *  # noqa: F403  (the same settings, middleware included)
from gangwei.settings import MIDDLEWARE as GANGWEI_MIDDLEWARE

MIDDLEWARE = list(GANGWEI_MIDDLEWARE)
ROOT_URLCONF = "bench.hello.urls"
