"""Settings for gangwei: one module, driven by the environment.

Every value that differs between the local demo, CI and production is read from an
environment variable through the strict helpers below; nothing exists only in production.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# No default with DEBUG off: the app refuses to serve without a key (gangwei/wsgi.py), check --deploy
# reports gangwei.E002, and anything that signs (sessions, CSRF) raises Django's own error. Offline
# commands such as makemigrations still run, as they sign nothing.
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-local-demo-key-only-used-with-DEBUG-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",  # app label django_tasks_database: the queue's table in our own database
    "gangwei",
    "applications",
    "review",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and CSRF middleware, which read the cookie and request.POST.
    "gangwei.middleware.RequestHygieneMiddleware",
    # Outside every view's transaction: after a POST has committed, kept pages are stale.
    "gangwei.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Slides the session's expiry, writing its row at most once per SESSION_REFRESH_INTERVAL.
    "gangwei.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gangwei.security.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gangwei.urls"

# Widgets render through TEMPLATES, so templates/ may override one (admin's split date/time, for labels);
# the commonest are written in Python, with the same output (gangwei/formrender.py).
FORM_RENDERER = "gangwei.formrender.FastTemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gangwei.context_processors.role",
                "applications.context_processors.apply_state",
            ],
        },
    },
]

WSGI_APPLICATION = "gangwei.wsgi.application"

# SQLite (WAL, immediate transactions) is the embedded default; PostgreSQL through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    SQLITE_PATH = Path(env_str("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3")))
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "gangwei.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the user's organisation with the user (one query per request less).
    "gangwei.auth_backends.OrganisationModelBackend",
]

# 等保2.0 practice; the messages appear in this order. gangwei.forms.PasswordRulesMixin applies them
# to every form that sets a password and shows their rules beside the field.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "gangwei.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10, "max_length": 128}},
    {"NAME": "gangwei.validators.CharacterClassPasswordValidator", "OPTIONS": {"required": 3}},
    {"NAME": "gangwei.validators.CommonPasswordValidator"},
    {"NAME": "gangwei.validators.PatternPasswordValidator"},
    {"NAME": "gangwei.validators.UserAttributeSimilarityValidator"},
    {"NAME": "gangwei.validators.DemoPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock an account/IP pair out after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind reverse proxies (nginx …), how many of them append to X-Forwarded-For; 0 = none.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "gangwei.security.client_ip"
AXES_USERNAME_CALLABLE = "gangwei.security.axes_username"  # cut to axes' varchar(255)

# Sessions expire after two hours without activity.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 2 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the forms carry the token in a hidden field
CSRF_FAILURE_VIEW = "gangwei.views.csrf_failure"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
# The project's own Chinese for django-axes and Django's admin (locale/zh_Hans; the .mo is committed).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
# Django's own date display follows gangwei.dates (2020年9月20日 23:59:59).
FORMAT_MODULE_PATH = ["gangwei.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "gangwei.storage.StaticStorage"
        ),
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Uploaded scans never get a public URL: they are served only by a view that checks access.
# No URL pattern serves this prefix; it is set only because Django's tools expect a string.
MEDIA_URL = "/__no-public-media__/"
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# Limits of applications/uploads.py: pixels of one image (read from its header before decoding),
# files and bytes one application may hold.
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 40_000_000)
UPLOAD_MAX_FILES = env_int("UPLOAD_MAX_FILES", 10)
UPLOAD_MAX_TOTAL_BYTES = env_int("UPLOAD_MAX_TOTAL_BYTES", 30 * 1024 * 1024)
# One upload request stops judging files after this many seconds (the rest are named, not stored);
# Django refuses (400) a post of more files than twice the per-application limit before reading them.
UPLOAD_REQUEST_SECONDS = env_int("UPLOAD_REQUEST_SECONDS", 4)
DATA_UPLOAD_MAX_NUMBER_FILES = 2 * UPLOAD_MAX_FILES
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "柳州市妇联宣发部 <noreply@gangwei.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A hung SMTP server never holds the worker for long (seconds); the message is retried (DESIGN §8).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# The address written in e-mails, so a recipient can find the application (no trailing slash).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The mail queue (DESIGN §8) lives in the project's own database (django-tasks' database backend):
# enqueueing writes a row in the caller's transaction, `manage.py db_worker` runs it. Tests use the
# same backend and run the worker step explicitly (tests/conftest.py deliver_outbox).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Content-Security-Policy: no inline script or style anywhere; every asset is our own.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 30)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# --- operations: object storage, /healthz ---
# Uploaded scans and filed 汇总表 go to an S3-compatible bucket (AWS S3, MinIO, Aliyun OSS, Tencent
# COS …) through django-storages when S3_BUCKET is set; without it they stay in PRIVATE_MEDIA_ROOT.
# The objects are private (no ACL, no pre-signed URL: gangwei/storage.py); every download streams
# through the view that checks access. With S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY empty, boto3's
# own chain applies (AWS_* variables, an instance role).
S3_BUCKET = env_str("S3_BUCKET")
_S3_VARIABLES = [
    "S3_ENDPOINT_URL",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_PREFIX",
    "S3_ADDRESSING_STYLE",
]
if not S3_BUCKET and any(env_str(name) for name in _S3_VARIABLES):
    raise ImproperlyConfigured("S3_BUCKET must be set when any other S3_* variable is (or unset them all)")
if bool(env_str("S3_ACCESS_KEY_ID")) != bool(env_str("S3_SECRET_ACCESS_KEY")):
    raise ImproperlyConfigured("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together")
S3_ADDRESSING_STYLE = env_str("S3_ADDRESSING_STYLE", "auto")  # MinIO: path; Aliyun OSS: virtual
if S3_ADDRESSING_STYLE not in {"auto", "path", "virtual"}:
    raise ImproperlyConfigured(f"S3_ADDRESSING_STYLE must be auto, path or virtual, got {S3_ADDRESSING_STYLE!r}")
if S3_BUCKET:
    from botocore.config import Config as S3ClientConfig

    STORAGES["default"] = {
        "BACKEND": "gangwei.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            # A key prefix inside the bucket, when the bucket is shared with other data.
            "location": env_str("S3_PREFIX").strip("/"),
            # Names are random; a filed 汇总表 is a record and is never written over all the same.
            "file_overwrite": False,
            "client_config": S3ClientConfig(
                s3={"addressing_style": S3_ADDRESSING_STYLE},
                signature_version="s3v4",
                connect_timeout=env_int("S3_CONNECT_TIMEOUT", 5),
                read_timeout=env_int("S3_READ_TIMEOUT", 30),
                retries={"max_attempts": 3, "mode": "standard"},
                # Checksums only where S3 requires them: several S3-compatible services refuse the
                # CRC headers that recent botocore adds by default.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        },
    }

# /healthz (gangwei/health.py) answers before every other middleware: no login, no HTTPS redirect,
# no Host check. HEALTHZ_CHECKS leaves a check out (e.g. "database,storage" for a balancer that must
# not take the web servers out of rotation because the mail worker stopped).
HEALTHZ_CHECKS = env_list("HEALTHZ_CHECKS", "database,storage,worker")
if not set(HEALTHZ_CHECKS) <= {"database", "storage", "worker"}:
    raise ImproperlyConfigured(f"HEALTHZ_CHECKS may name database, storage, worker; got {HEALTHZ_CHECKS!r}")
HEALTHZ_TIMEOUT = env_int("HEALTHZ_TIMEOUT", 3)  # seconds the storage probe may take
HEALTHZ_QUEUE_MAX_MINUTES = env_int("HEALTHZ_QUEUE_MAX_MINUTES", 10)  # a due task older than this: worker fail
MIDDLEWARE.insert(0, "gangwei.health.HealthCheckMiddleware")

# --- audit trail ---
# audit: logins, lockouts, admin changes, exports and deadline edits (等保2.0 keeps at least six
# months). `manage.py prune_audit` deletes events older than this many days; under 183 is refused
# (system check audit.E001, and the command).
INSTALLED_APPS = [*INSTALLED_APPS, "audit"]
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 400)

# --- fast pages ---
# Sessions expire after SESSION_COOKIE_AGE without activity; the expiry slides forward on use, but the
# session row is rewritten at most once per this many seconds (gangwei.middleware.SlidingSessionMiddleware).
SESSION_REFRESH_INTERVAL = env_int("SESSION_REFRESH_INTERVAL", 60)

# --- stateless servers ---
# Any number of identical app servers may run on one database (DESIGN §10), so no state may live in
# one process's memory. Sessions are in the database, read through a copy in the database's cache
# (`cached_db`: one read of the cache table per request, not the ORM's query), lockouts too (axes'
# database handler), messages in a signed cookie with the session as fallback (Django's default
# FallbackStorage), CSRF in a cookie. The cache is the database's own table: the default would be
# LocMemCache, one per process, which would give each server its own copy of the sessions and of the
# kept pages (gangwei/pagecache.py). Its tables are made by migrate (gangwei 0007) and by
# `manage.py createcachetable`. `check --deploy` refuses a process-local cache or sessions on local
# disk (gangwei.E081, E082); tests/test_two_servers.py runs two servers on one database.
CACHES = {
    "default": {
        "BACKEND": "gangwei.cache.UpsertDatabaseCache",
        "LOCATION": env_str("CACHE_TABLE", "gangwei_cache"),
        # Mostly the sessions' copies (a few hundred bytes each): room for every signed-in user.
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20000)},
    },
    # Whole signed-in pages and their generation (gangwei/pagecache.py), in a table of their own so
    # that culling pages never drops anything else. Each entry is a few kilobytes (zlib).
    "pages": {
        "BACKEND": "gangwei.cache.UpsertDatabaseCache",
        "LOCATION": env_str("PAGE_CACHE_TABLE", "gangwei_page_cache"),
        "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_MAX_ENTRIES", 3000)},
    },
}
# How long a kept page may be given back at most (seconds; any write, deadline or midnight ends it
# sooner: gangwei/pagecache.py). 0 turns the page cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60)
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # failed logins counted in the database
# Where collectstatic writes: bench/surge.py keeps its copy outside the repository, since WhiteNoise
# in the test suite would otherwise pick up var/staticfiles.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(STATIC_ROOT)))
