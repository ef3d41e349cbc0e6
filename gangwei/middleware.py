"""Request hygiene: refuse, with a Chinese 400 page, a request the application cannot read.

Runs before the session, CSRF and every view, so that nothing below it ever meets
- a NUL byte in the path, the query string or a header (PostgreSQL refuses NUL in text, so a
  lookup with it is a server error there, while SQLite quietly matches nothing);
- a body that cannot be decoded: a charset other than UTF-8, bytes that are not UTF-8 where
  text is declared, a broken multipart body.

NUL in posted form values is not refused here: the forms put that message next to the field and
keep what was typed (gangwei.forms.HygieneFormMixin).
"""

import logging
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from gangwei import phrases

logger = logging.getLogger("gangwei.request")

# Our pages are served and posted in UTF-8; a declared charset outside this set is a client error.
ACCEPTED_CHARSETS = {"utf-8", "utf8", "us-ascii", "ascii"}
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def bad_request(request: HttpRequest, reason: str) -> HttpResponse:
    """The Chinese 400 page, with one short log line (no traceback)."""
    logger.warning("400 %s %s: %s", request.method, request.path[:200].replace("\x00", "\\x00"), reason)
    response = render(request, "400.html", {"reason": reason}, status=400)
    response._has_been_logged = True  # django.utils.log.log_response: no second "Bad Request" line
    return response


class RequestHygieneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = self.problem(request)
        if problem:
            return bad_request(request, problem)
        return self.get_response(request)

    def problem(self, request: HttpRequest) -> str:
        if "\x00" in request.path or "\x00" in request.path_info:
            return phrases.REQUEST_NUL_IN_URL
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            return phrases.REQUEST_NUL_IN_URL
        try:
            request.GET.lists()
        except (UnicodeError, ValueError, LookupError):
            return phrases.REQUEST_BAD_URL
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            return phrases.REQUEST_NUL_IN_URL
        if any("\x00" in str(value) for key, value in request.META.items() if key.startswith("HTTP_")):
            return phrases.REQUEST_BAD_HEADER
        if request.method in BODY_METHODS:
            return self.body_problem(request)
        return ""

    def body_problem(self, request: HttpRequest) -> str:
        charset = (request.content_params or {}).get("charset", "").strip().lower()
        if charset and charset not in ACCEPTED_CHARSETS:
            return phrases.REQUEST_BAD_CHARSET.format(charset=charset[:40])
        try:
            # Read the body now, as CsrfViewMiddleware would, but answer its faults with a 400 page.
            request.POST  # noqa: B018
            request.FILES  # noqa: B018
        except (RequestDataTooBig, TooManyFieldsSent):
            raise  # Django answers these itself (400, through templates/400.html)
        except (BadRequest, MultiPartParserError, UnicodeError, ValueError, LookupError, SuspiciousOperation) as exc:
            # Forget the half-parsed body, so that nothing later tries to read it again.
            request._post, request._files = _empty_post()
            logger.info("unreadable body: %s: %s", type(exc).__name__, str(exc)[:200])
            return phrases.REQUEST_UNREADABLE_BODY
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if _invalid_utf8(request):
                return phrases.REQUEST_BAD_ENCODING
        return ""


def _empty_post():
    from django.http import QueryDict
    from django.utils.datastructures import MultiValueDict

    return QueryDict(), MultiValueDict()


def _invalid_utf8(request: HttpRequest) -> bool:
    """Whether an urlencoded body holds percent-escapes that are not UTF-8 (decoded as U+FFFD)."""
    if request.content_type != "application/x-www-form-urlencoded":
        return False
    from urllib.parse import unquote_to_bytes

    try:
        raw = request.body
    except Exception:  # noqa: BLE001 — the body was streamed away; nothing more to check
        return False
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


# The session key holding when the session's expiry was last pushed forward (seconds since the epoch).
SESSION_REFRESHED_KEY = "_refreshed"


def mark_session_refreshed(session) -> None:
    """Note that the session is being saved now, so that its expiry was just pushed forward."""
    session[SESSION_REFRESHED_KEY] = int(time.time())


class SlidingSessionMiddleware:
    """Keep the inactivity timeout sliding without writing the session row on every request.

    With SESSION_SAVE_EVERY_REQUEST each GET rewrote django_session (a dead tuple per request on
    PostgreSQL). Here the session is saved, and its expiry moved to now + SESSION_COOKIE_AGE, only
    when the last save is older than SESSION_REFRESH_INTERVAL seconds: a burst of requests writes the
    row at most once per interval, and a user idle for SESSION_COOKIE_AGE is logged out (at most the
    interval earlier than the age says). Sits just below SessionMiddleware, so that it marks the
    session before SessionMiddleware decides whether to save it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None:
            return response  # no session (anonymous, never saved) or flushed at logout: nothing to keep
        if session.is_empty():
            return response
        refreshed = session.get(SESSION_REFRESHED_KEY)
        if session.modified or not isinstance(refreshed, int):
            mark_session_refreshed(session)  # saved anyway: note it for free
        elif time.time() - refreshed >= settings.SESSION_REFRESH_INTERVAL:
            mark_session_refreshed(session)
        return response


def _note_login(sender, request, user, **kwargs) -> None:
    """A login saves a fresh session: its expiry is new, so the next requests need not write it."""
    if request is not None and hasattr(request, "session"):
        mark_session_refreshed(request.session)


user_logged_in.connect(_note_login, dispatch_uid="gangwei.sliding_session")
