"""Settings for the real app servers that tests start as subprocesses (tests/test_two_servers.py).

Production settings, with only what the suite's own conftest changes in-process: static files from
the finders (no collectstatic manifest needed) and the fast password hasher the personas are made
with. Everything else (DEBUG off, the database, the private folder) comes from the environment.
"""

from gangwei.settings import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
