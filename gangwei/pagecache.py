"""Whole signed-in pages kept in the database's cache, so that a page read again unchanged is not built again.

Most requests read a page that has not changed since the same user last read it: the queue reloaded,
我的申报 after a look at an application. Building a list page costs a dozen times a bare Django
response (the ORM and the templates on every row); reading it back costs one query. A page is
kept, and given back, only under these rules:

- **Per session.** The key is the session's key, the CSRF secret (the page's forms carry a token made
  from it), the path with its query, the language and the release (the templates and code this server
  runs); the page keeps the user and the users' generation the user was read under, and is given back
  only to that user read under that generation (below: a user moved to another organisation never gets
  a page built for the old one, even one built while the move committed). A page never crosses
  sessions, let alone users or districts. The key is made from the cookies alone, so that the page, the
  session and the user are read in one query before the session middleware runs (_read_ahead).
- **Nothing written since.** A *generation* (a random token in the cache) is replaced after every
  request with an unsafe method (POST, PUT, PATCH, DELETE) by a signed-in user (every form of the site
  and of the admin, whatever it wrote, even nothing: an update() sends no signal), after an anonymous
  one only when it saved or deleted a row (so that no one can empty everyone's pages by posting), and
  after every commit that saved or deleted a row of the project's own models outside such a request
  (management commands, the mail worker, the shell).
  A page stores the generation read *before* it was built, and is given back only while that is
  still the generation: a write committed while the page was being built makes it stale at once.
- **No deadline passed since.** A page is kept only until the next instant at which a campaign date
  or a deadline extension opens or closes a window (and the second after it: a closing second is
  included whole), the next midnight (days and dates), and PAGE_CACHE_SECONDS at most.
- **Only plain pages.** GET, status 200, HTML, not streamed, no one-off message shown on it or waiting
  to be; a request without a session or a CSRF cookie is served as before and not kept.

The signed-in user (with its organisation) is kept the same way under a second generation, which only
a saved or deleted user, organisation, group or permission replaces (kept_user); the instants at which
windows open and close under a third, which only a saved or deleted campaign or extension replaces.

Everything is in the database (CACHES["pages"], gangwei.cache's DatabaseCache, UNLOGGED on PostgreSQL):
two servers share the pages and the generations. Whatever goes wrong with the cache itself (its table
locked or missing, an entry a newer release wrote that this one cannot read) makes a page be built as
if nothing were kept, never an error page. PAGE_CACHE_SECONDS = 0 turns the cache off. The cost:
with a write every few seconds the pages are mostly built again, each with one more read and one more
write of the cache table (about 1 ms), so the cache helps reading, not writing; a POST writes the
generation once more.
"""

import datetime as dt
import functools
import hashlib
import logging
import re
import secrets
import threading
import zlib
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone, translation

from gangwei.cache import end_read_ahead, read_ahead

logger = logging.getLogger(__name__)

ALIAS = "pages"
# The generations never expire; gangwei.cache culls the entries closest to expiring first, so pages and
# users go before them.
GENERATION_KEY = "~generation"
# The signed-in user (with its organisation) is kept under a generation of its own, replaced only when
# a user, an organisation, a group or a permission is saved or deleted (and by bump()): the pages'
# generation moves on every POST, and the user would be read again after each for nothing.
AUTH_GENERATION_KEY = "~generation-auth"
AUTH_MODELS = frozenset({"gangwei.user", "gangwei.organisation", "auth.group", "auth.permission"})
# The campaigns and the deadline extensions (gangwei.deadlines.Deadlines: when windows open and close, and
# what the pages' deadlines read) are kept under a third, replaced only when a campaign or an extension is
# saved or deleted (and by bump()): read again after every POST, they would cost every page built after a
# write two queries and a write more.
DEADLINES_GENERATION_KEY = "~generation-deadlines"
DEADLINE_MODELS = frozenset({"gangwei.campaign", "gangwei.deadlineextension"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The apps whose rows pages show; the others (sessions, audit, axes, the task queue, admin's log) are
# written by reading pages too, and never shown on a kept page.
WATCHED_APPS = frozenset({"gangwei", "applications", "review", "auth"})
SOURCE_DIRS = ("gangwei", "applications", "review", "audit", "templates", "locale")

_local = threading.local()


@functools.cache
def release() -> str:
    """A digest of the code and templates this server runs: a new release never serves an old page
    (read once per process, on its first kept page)."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for folder in SOURCE_DIRS:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in {".py", ".html", ".txt", ".mo"} and path.is_file():
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    # The collected static files' names (their hashes are in the pages' links), where collected.
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def bump(*, pages: bool = True, auth: bool = True, deadlines: bool = True) -> dict[str, str]:
    """Give the generations a new value: every page (and every kept user and deadline instant) kept so
    far is stale."""
    # One upsert each (gangwei.cache): two at once both write a new value, either a new generation.
    tokens = {}
    if pages:
        tokens[GENERATION_KEY] = secrets.token_hex(16)
    if auth:
        tokens[AUTH_GENERATION_KEY] = secrets.token_hex(16)
    if deadlines:
        tokens[DEADLINES_GENERATION_KEY] = secrets.token_hex(16)
    for key, token in tokens.items():
        caches[ALIAS].set(key, token, None)
    return tokens


def _bump_quietly(*, pages: bool = False, auth: bool = False, deadlines: bool = False) -> dict[str, str]:
    try:
        return bump(pages=pages, auth=auth, deadlines=deadlines)
    except DatabaseError:
        # No cache table (a database being built): no page can have been kept in it either.
        logger.warning("page cache: the generation could not be replaced", exc_info=True)
        return {}


def _bump_pages() -> None:
    _bump_quietly(pages=True)


def _bump_auth() -> None:
    _bump_quietly(auth=True)


def _bump_deadlines() -> None:
    _bump_quietly(deadlines=True)


def _on_commit_once(func, using: str) -> None:
    connection = transaction.get_connection(using)
    if not any(registered is func for _, registered, _ in connection.run_on_commit):
        transaction.on_commit(func, using=using)


def _row_changed(sender, **kwargs) -> None:
    using = kwargs.get("using") or "default"
    rows_changed(using)
    label = sender._meta.label_lower
    if enabled() and label in AUTH_MODELS and kwargs.get("update_fields") != {"last_login"}:
        # Even inside a POST (the middleware moves only the pages'). Not for a login's last_login:
        # nothing a request decides reads it from request.user.
        _on_commit_once(_bump_auth, using)
    if enabled() and label in DEADLINE_MODELS:
        _on_commit_once(_bump_deadlines, using)


def _membership_changed(sender, **kwargs) -> None:
    rows_changed(kwargs.get("using") or "default")
    if enabled():
        _on_commit_once(_bump_auth, kwargs.get("using") or "default")


def rows_changed(using: str = "default") -> None:
    """Rows pages show were written (a save or delete signals it; call it after an `update()`, which
    sends no signal): the kept pages are stale once the transaction commits."""
    if not enabled():
        return
    if getattr(_local, "bump_after_request", False):
        _local.wrote = True  # an unsafe request: PageCacheMiddleware replaces the generation after it, once
        return
    _on_commit_once(_bump_pages, using)


# Deleted only as a form's rows are replaced, inside the form's POST: a post_delete receiver would make
# Django read each such row before deleting it (no fast delete), for nothing.
NOT_WATCHED_DELETES = frozenset({"applications.leader", "applications.honour"})


def connect_signals() -> None:
    """Watch the saves and deletes of the project's own models (per model: a receiver for every model
    would cost each fast delete in the other apps, sessions and audit pruning above all, a read)."""
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.app_label not in WATCHED_APPS:
            continue
        uid = f"gangwei.pagecache.{model._meta.label_lower}"
        post_save.connect(_row_changed, sender=model, dispatch_uid=uid)
        if model._meta.label_lower not in NOT_WATCHED_DELETES:
            post_delete.connect(_row_changed, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _membership_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}.{field.name}"
            )


class PageCacheMiddleware:
    """Before the session is read: read ahead, in one query, what the request will ask the caches for
    (_read_ahead). After it: replace the generation after every request with an unsafe method by a
    signed-in user, whatever it did (a view's update() or bulk_create() sends no signal), and after an
    anonymous one that saved or deleted a row (login, registration, an objection: each through save(),
    which signals)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled():
            return self.get_response(request)
        _read_ahead(request)
        try:
            if request.method not in UNSAFE_METHODS:
                return self.get_response(request)
            _local.bump_after_request, _local.wrote = True, False
            try:
                return self.get_response(request)
            finally:
                _local.bump_after_request = False
                user = getattr(request, "user", None)
                if _local.wrote or (user is not None and user.is_authenticated):
                    _bump_pages()
        finally:
            _local.session_key = None
            end_read_ahead()


SESSION_KEY = re.compile(r"[a-z0-9]{8,64}")


def _read_ahead(request) -> None:
    """One read of the session (cached_db), the users' generation and the user kept for this session,
    and for a GET the pages' and the deadlines' generations, the deadlines and the page itself (its key
    made from the cookies as _key makes it from the request): the three reads of a signed-in page
    become one. A key guessed wrong (a CSRF cookie about to be replaced) is read again when asked for."""
    _local.session_key = None
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    if not SESSION_KEY.fullmatch(session_key):
        return
    _local.session_key = session_key
    pages = [AUTH_GENERATION_KEY, _user_key(session_key)]
    wanted = {ALIAS: pages}
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db":
        from django.contrib.sessions.backends.cached_db import KEY_PREFIX

        wanted.setdefault(settings.SESSION_CACHE_ALIAS, []).append(KEY_PREFIX + session_key)
    if request.method == "GET":
        secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        language = translation.get_language_from_request(request)
        pages += [GENERATION_KEY, DEADLINES_GENERATION_KEY, deadlines_key()]
        pages.append(_page_key(session_key, secret, request.get_full_path(), language))
    try:
        read_ahead(wanted)
    except Exception:  # noqa: BLE001 - as _kept: the reads below are made one by one, and fail alike
        logger.warning("page cache: could not read ahead", exc_info=True)


def _kept(keys: dict[str, str]) -> tuple[dict[str, str | None], dt.datetime, dict]:
    """`keys`: {key: the generation key it is judged by}. Returns ({generation key: its generation},
    now, {key: what is kept} for those of `keys` that count), in one read: what is kept counts only when
    it was kept under the current generation and its time has not run out. A generation not there yet
    (or culled) is made now, and nothing judged by it counts until then."""
    generation_keys = sorted(set(keys.values()))
    try:
        found = caches[ALIAS].get_many([*generation_keys, *keys])
    except Exception:  # noqa: BLE001 - a locked or missing table, an entry this release cannot unpickle
        logger.warning("page cache: could not be read; building the page", exc_info=True)
        return dict.fromkeys(generation_keys), timezone.now(), {}
    generations, now = {key: found.get(key) for key in generation_keys}, timezone.now()
    missing = [key for key, generation in generations.items() if generation is None]
    if missing:  # made now, before anything is read: what is built next may be kept under it
        made = _bump_quietly(
            pages=GENERATION_KEY in missing,
            auth=AUTH_GENERATION_KEY in missing,
            deadlines=DEADLINES_GENERATION_KEY in missing,
        )
        generations.update({key: made.get(key) for key in missing})
    valid = {}
    for key, generation_key in keys.items():
        entry = found.get(key)
        if entry is not None and generation_key not in missing:
            kept_generation, built_at, until, payload = entry
            if kept_generation == generations[generation_key] and built_at <= now < until:
                valid[key] = payload
    return generations, now, valid


def _keep(key: str, generation: str | None, now: dt.datetime, until: dt.datetime, payload) -> None:
    if generation is not None:
        seconds = max(1, int((until - now).total_seconds()) + 1)
        try:
            caches[ALIAS].set(key, (generation, now, until, payload), seconds)
        except DatabaseError:
            logger.warning("page cache: could not keep %s", key[:2], exc_info=True)


def kept_user(user_id: int, load):
    """The signed-in user, kept under the users' generation (PAGE_CACHE_SECONDS at most); `load()`
    reads it when nothing counts. None (no such user) is never kept."""
    if not enabled():
        return load()
    # Kept per session when there is one (its key is known before the session is read: _read_ahead).
    session_key = getattr(_local, "session_key", None)
    key = _user_key(session_key) if session_key else f"u:{release()}:{user_id}"
    generations, now, valid = _kept({key: AUTH_GENERATION_KEY})
    generation = generations[AUTH_GENERATION_KEY]
    kept = valid.get(key)
    user = kept[1] if kept is not None and kept[0] == user_id else None
    if user is None:
        user = load()
        if user is not None:
            until = now + dt.timedelta(seconds=settings.PAGE_CACHE_SECONDS)
            _keep(key, generation, now, until, (user_id, user))
    if user is not None:
        # Not kept with it (set after _keep): the generation this request read the user under, part of
        # its pages' key.
        user.page_cache_auth_generation = generation or ""
    return user


def _user_key(session_key: str) -> str:
    return f"u:{release()}:s:{session_key}"


def _key(request) -> str | None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    secret = request.META.get("CSRF_COOKIE")
    # The users' generation the user was read under (kept_user): without it no page is kept, since the
    # page would not follow a move to another organisation.
    auth_generation = getattr(request.user, "page_cache_auth_generation", None)
    if not session_key or not secret or not request.user.is_authenticated or not auth_generation:
        return None
    return _page_key(session_key, secret, request.get_full_path(), getattr(request, "LANGUAGE_CODE", ""))


def _page_key(session_key: str, secret: str, path: str, language: str) -> str:
    parts = [release(), session_key, secret, path, language]
    return "p:" + hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _owner(request) -> tuple:
    """Whom a kept page was built for: the user, and the users' generation the user was read under
    (kept with the page, compared when it is given back)."""
    return request.user.pk, request.user.page_cache_auth_generation


def _messages_pending(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def deadlines_key() -> str:
    return f"d:{release()}:deadlines"


def next_change(now: dt.datetime, instants: list[dt.datetime] | None = None) -> dt.datetime:
    """The first instant after `now` at which a page may read differently with nothing written: a
    campaign date or an extension (and the second after it), midnight, or PAGE_CACHE_SECONDS."""
    from gangwei.deadlines import Deadlines

    local = timezone.localtime(now)
    midnight = (local + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    candidates = [now + dt.timedelta(seconds=settings.PAGE_CACHE_SECONDS), midnight]
    for instant in Deadlines.read().instants() if instants is None else instants:
        candidates += [instant, instant + dt.timedelta(seconds=1)]
    return min(c for c in candidates if c > now)


# The new 申报表's one-off token (applications.forms): posting one form twice makes one application, so a
# kept new form is given back with a token of its own each time.
FORM_TOKEN = re.compile(rb'(<input type="hidden" name="form_token" value=")([0-9a-f]{32})(")')


def _renew_form_token(body: bytes) -> bytes:
    return FORM_TOKEN.sub(lambda m: m.group(1) + secrets.token_hex(16).encode() + m.group(3), body, count=1)


def cached_page(view=None, *, new_form: bool = False):
    """Keep the GET answers of `view` under the rules above (place it under login_required).
    `new_form`: the page is the new 申报表, whose form_token is made afresh for every answer."""
    if view is None:
        return functools.partial(cached_page, new_form=new_form)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET" or not enabled() or _messages_pending(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        if key is None:
            return view(request, *args, **kwargs)
        generations, now, valid = _kept({key: GENERATION_KEY, deadlines_key(): DEADLINES_GENERATION_KEY})
        generation = generations[GENERATION_KEY]
        if key in valid and valid[key][2] == _owner(request):
            content_type, body, _ = valid[key]
            body = zlib.decompress(body)
            return HttpResponse(_renew_form_token(body) if new_form else body, content_type=content_type)
        deadlines = valid.get(deadlines_key())
        if deadlines is None:  # kept until a campaign or an extension is saved or deleted
            from gangwei.deadlines import Deadlines

            deadlines = Deadlines.read()
            until = now + dt.timedelta(seconds=settings.PAGE_CACHE_SECONDS)
            _keep(deadlines_key(), generations[DEADLINES_GENERATION_KEY], now, until, deadlines)
        request.deadlines = deadlines  # the page's menu and deadlines read them from here
        response = view(request, *args, **kwargs)
        if new_form and (response.streaming or len(FORM_TOKEN.findall(response.content)) != 1):
            return response  # not the form with its one token (a closed window's notice): not kept
        if _keepable(request, response):
            payload = (response["Content-Type"], zlib.compress(response.content, 1), _owner(request))
            _keep(key, generation, now, next_change(now, deadlines.instants()), payload)
        return response

    return wrapper


def _keepable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    storage = getattr(request, "_messages", None)
    if storage is not None and (storage.used or len(storage) > 0):
        return False  # the page shows a one-off message, or one was added for the next page
    return True
