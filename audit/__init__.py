"""The audit trail. Views and commands call `record(...)` or decorate a download view with
`@audited_download`; logins, lockouts, admin changes and deadline edits are recorded by
audit.receivers without any call of their own."""

import functools
import re
from collections.abc import Callable
from urllib.parse import unquote

from audit.actions import Action

__all__ = ["Action", "audited_download", "record"]


def record(request, action: Action | str, target="", **detail):
    """One audit event for `request`'s user: `record(request, Action.EXPORT, "汇总表.xlsx", year=2021)`.
    `request` may be None (a management command); then pass `username=` for who ran it."""
    from audit.services import audit_record

    username = detail.pop("username", None)
    return audit_record(action=action, target=target, request=request, username=username, detail=detail)


_FILENAME_STAR = re.compile(r"filename\*=(?:UTF-8|utf-8)''([^;]+)")
_FILENAME = re.compile(r'filename="?([^";]+)"?')


def download_name(response) -> str:
    """The file name the browser saves under, read from Content-Disposition."""
    disposition = response.get("Content-Disposition", "")
    found = _FILENAME_STAR.search(disposition)
    if found:
        return unquote(found.group(1))
    found = _FILENAME.search(disposition)
    return found.group(1) if found else ""


def audited_download(view: Callable) -> Callable:
    """Record one 导出/下载 event when `view` hands over a file: a 200 answer with a
    Content-Disposition. A refusal (403, 404 — raised or returned), a page in between (the
    bulk print's list of parts) and a HEAD record nothing. The target is the file's name, which says what
    was taken (申报编号, body, year); the URL's arguments go into the detail.

    The event is written before the answer leaves; if it cannot be written the download fails
    with it (see audit.services)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        # A HEAD asks whether the file is there and is answered without it.
        if response.status_code == 200 and response.has_header("Content-Disposition") and request.method != "HEAD":
            try:
                record(
                    request,
                    Action.EXPORT,
                    download_name(response) or request.path,
                    path=request.path,
                    query=request.GET.urlencode()[:200],
                    **{f"url_{name}": value for name, value in kwargs.items()},
                )
            except BaseException:
                response.close()  # a FileResponse's open file
                raise
        return response

    return wrapper
