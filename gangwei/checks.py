"""System checks for configuration problems (ids gangwei.E001…)."""

import shutil
import subprocess

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.exceptions import ImproperlyConfigured

PDF_FONTS = ("Noto Serif CJK SC", "Noto Sans CJK SC")


@register()
def check_fonts(app_configs, **kwargs):
    """The 附件1 PDF needs Debian's Noto CJK fonts, found through fontconfig."""
    missing = []
    if shutil.which("fc-list") is None:
        missing = list(PDF_FONTS)
    else:
        for family in PDF_FONTS:
            found = subprocess.run(["fc-list", family, "family"], capture_output=True, text=True, timeout=20)
            if not found.stdout.strip():
                missing.append(family)
    if missing:
        return [
            Warning(
                f"Fonts for the 附件1 PDF are missing: {', '.join(missing)}.",
                hint="Install Debian's fonts-noto-cjk and fontconfig (make deps does).",
                id="gangwei.W001",
            )
        ]
    return []


@register()
def check_bootstrap(app_configs, **kwargs):
    bootstrap = settings.BASE_DIR / "node_modules" / "bootstrap" / "dist" / "css" / "bootstrap.min.css"
    if not bootstrap.exists():
        return [
            Error(
                "Bootstrap is not installed: run `npm ci` (the Makefile does).",
                hint="Every asset is installed by a package manager and served by the app itself.",
                id="gangwei.E001",
            )
        ]
    return []


SECRET_KEY_MISSING = "SECRET_KEY must be set when DEBUG is off."


def _secret_key_missing() -> bool:
    try:
        return not settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        return True


def require_secret_key() -> None:
    """Refuse to serve without a secret key (called by the WSGI and ASGI entry points)."""
    if not settings.DEBUG and _secret_key_missing():
        raise ImproperlyConfigured(SECRET_KEY_MISSING)


@register(deploy=True)
def check_secret_key(app_configs, **kwargs):
    if not settings.DEBUG and _secret_key_missing():
        return [Error(SECRET_KEY_MISSING, hint="Set the SECRET_KEY environment variable.", id="gangwei.E002")]
    return []


@register()
def check_session_refresh(app_configs, **kwargs):
    """The session slides by rewriting it at most every SESSION_REFRESH_INTERVAL seconds: an interval
    as long as the session's age would let an active user be logged out."""
    from django.conf import settings

    interval, age = settings.SESSION_REFRESH_INTERVAL, settings.SESSION_COOKIE_AGE
    if not 0 <= interval < age:
        return [
            Error(
                f"SESSION_REFRESH_INTERVAL ({interval}) must be at least 0 and shorter than SESSION_COOKIE_AGE ({age}).",
                hint="Leave SESSION_REFRESH_INTERVAL unset (60 seconds).",
                id="gangwei.E020",
            )
        ]
    return []


# State that one process (or one machine's disk) keeps for itself: a second app server would not see
# it, so a user's next request, answered by another server, would find it missing (DESIGN §10).
PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.filebased.FileBasedCache",
}
PROCESS_LOCAL_SESSIONS = {"django.contrib.sessions.backends.file"}


@register(deploy=True)
def check_stateless(app_configs, **kwargs):
    """Every app server must share the cache and the sessions through the database (or another
    shared service): nothing a request leaves behind may live only in the process that served it."""
    problems = []
    for alias, cache in settings.CACHES.items():
        if cache.get("BACKEND") in PROCESS_LOCAL_CACHES:
            problems.append(
                Error(
                    f"The cache {alias!r} ({cache['BACKEND']}) is kept by each process for itself.",
                    hint="Use django.core.cache.backends.db.DatabaseCache (run `manage.py createcachetable`).",
                    id="gangwei.E081",
                )
            )
    if settings.SESSION_ENGINE in PROCESS_LOCAL_SESSIONS:
        problems.append(
            Error(
                f"Sessions ({settings.SESSION_ENGINE}) are kept on one machine's disk.",
                hint="Use django.contrib.sessions.backends.db.",
                id="gangwei.E082",
            )
        )
    return problems


@register()
def check_page_cache(app_configs, **kwargs):
    """The page cache (gangwei/pagecache.py) reads CACHES["pages"] on every signed-in page."""
    seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
    if not isinstance(seconds, int) or seconds < 0:
        return [
            Error(
                f"PAGE_CACHE_SECONDS must be a whole number of seconds, 0 or more; got {seconds!r}.", id="gangwei.E083"
            )
        ]
    if seconds and "pages" not in settings.CACHES:
        return [
            Error(
                "The page cache is on (PAGE_CACHE_SECONDS > 0) but CACHES has no 'pages' cache.",
                hint="Add CACHES['pages'] (a DatabaseCache table of its own), or set PAGE_CACHE_SECONDS=0.",
                id="gangwei.E083",
            )
        ]
    return []
