"""Writing the audit trail: one INSERT per event, every text cut to its column.

Failure policy (等保2.0): an event is written in the same transaction as the act it records, and a
failure to write it is raised, not swallowed. An export delivered without its audit row, or an admin
change committed without one, is worse than a refused request; and inside an atomic block (every
admin change) a failed INSERT has already spoiled the transaction on PostgreSQL, so carrying on
was never an option. Input can never make the write fail: every text is bounded and cleaned here.
"""

import datetime as dt
import decimal
import ipaddress
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from audit.actions import Action
from audit.models import TARGET_MAX, USER_AGENT_MAX, USERNAME_MAX, AuditEvent
from gangwei.security import client_ip

DETAIL_TEXT_MAX = 500
DETAIL_ITEMS_MAX = 30
DETAIL_DEPTH_MAX = 4


def clean_text(value: Any, limit: int) -> str:
    """`value` as text PostgreSQL accepts (no NUL, no lone surrogate), cut to `limit` characters."""
    text = str(value)[:limit]
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    return text.encode("utf-8", "replace").decode("utf-8")


def bounded_detail(value: Any, depth: int = 0) -> Any:
    """A small JSON value: texts cut, lists and objects cut to their first items, dates as ISO text
    in local time, anything else as its text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, dt.date | decimal.Decimal):
        return str(value)
    if depth >= DETAIL_DEPTH_MAX:
        return clean_text(value, DETAIL_TEXT_MAX)
    if isinstance(value, dict):
        items = list(value.items())[:DETAIL_ITEMS_MAX]
        return {clean_text(key, 50): bounded_detail(item, depth + 1) for key, item in items}
    if isinstance(value, list | tuple):
        return [bounded_detail(item, depth + 1) for item in value[:DETAIL_ITEMS_MAX]]
    return clean_text(value, DETAIL_TEXT_MAX)


def request_ip(request: HttpRequest | None) -> str | None:
    """The client's address as gangwei.security.client_ip sees it (TRUSTED_PROXY_COUNT honoured),
    or None when there is no request or the value is not an address (a misconfigured proxy)."""
    if request is None:
        return None
    raw = client_ip(request)
    try:
        return str(ipaddress.ip_address(raw.strip()[:64]))
    except ValueError:
        return None


def audit_record(
    *,
    action: Action | str,
    target: Any = "",
    request: HttpRequest | None = None,
    actor=None,
    username: str | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    """Write one event. The actor defaults to the request's logged-in user; `username` (the name
    typed at a failed login, or a command's operator) defaults to the actor's."""
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if username is None:
        username = actor.get_username() if actor is not None else ""
    meta = request.META if request is not None else {}
    return AuditEvent.objects.create(
        occurred_at=timezone.now(),
        actor=actor,
        username=clean_text(username, USERNAME_MAX),
        action=Action(action),
        target=clean_text(target, TARGET_MAX),
        ip=request_ip(request),
        user_agent=clean_text(meta.get("HTTP_USER_AGENT", ""), USER_AGENT_MAX),
        detail=bounded_detail(detail or {}),
    )


def command_operator() -> str:
    """Who ran a management command: the operating-system account, as 命令行：<name>."""
    import getpass

    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME (some containers)
        name = "?"
    return f"命令行：{name}"


def record_command_export(output, **detail) -> AuditEvent:
    """One 导出/下载 event for a management command that wrote personal data to `output` (a file or
    a folder): its name is the target, the command's arguments and counts the detail."""
    return audit_record(action=Action.EXPORT, target=str(output), username=command_operator(), detail=detail)
