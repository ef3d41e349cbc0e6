"""Request-level safety: the client's address for the login lockout (behind a known number of
reverse proxies), and no page of a logged-in user kept by a browser or proxy cache."""

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with TRUSTED_PROXY_COUNT = n > 0 the n-th address from the right of
    X-Forwarded-For (each trusted proxy appends the address it saw; what the client wrote itself
    stands further left and is ignored). Without it, behind a proxy every visitor would share the
    proxy's address and anyone could lock any account out."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    chosen = forwarded[-count]
    try:
        # Not an address (a proxy counted that is not there, so the client wrote it): django-axes
        # and the audit trail store addresses in an inet column, where such text is a server error.
        return str(ipaddress.ip_address(chosen[:64]))
    except ValueError:
        return remote


class PrivateNoStoreMiddleware:
    """Every response to a logged-in user carries `Cache-Control: private, no-store`.

    On a shared office computer the back button after logout must show nothing of the last user's
    pages, and no proxy may keep them. Directives a view set are kept (the admin's never_cache adds
    more); a `public` is dropped. Anonymous responses are left alone (the login page has
    Django's never_cache anyway; static files are answered by WhiteNoise before this runs).
    Placed after AuthenticationMiddleware, which gives the request its user.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username django-axes records and locks out (AXES_USERNAME_CALLABLE), cut to its column.

    A login form lets any length through to authenticate(); axes then wrote it to its varchar(255)
    username column, a server error on PostgreSQL. No real username is longer than User's 150, so
    cutting keeps every real account's lockout exact; over-long guesses share one record."""
    from axes.models import AccessAttempt

    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    username = credentials.get(field) if credentials else getattr(request, "data", request.POST).get(field)
    if username is None:
        return None
    return str(username)[: AccessAttempt._meta.get_field("username").max_length]
