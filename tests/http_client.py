"""A plain HTTP client for tests and benchmarks that talk to real servers (gunicorn subprocesses).

One cookie jar, as one browser has, whichever server answers; redirects are not followed, so the
caller sees where a 302 points and the cookies it set. The form reader posts what a browser would.
"""

import http.cookiejar
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Answer:
    status: int
    location: str
    text: str
    set_cookies: list[str] = field(default_factory=list, compare=False, repr=False)
    content: bytes = field(default=b"", compare=False, repr=False)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is answered as it is


class Browser:
    """A browser's cookie jar behind a load balancer: the same cookies go to whichever server."""

    def __init__(self, timeout: float = 30):
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(
        self,
        base: str,
        path: str,
        data: list[tuple[str, str]] | None = None,
        files: list[tuple[str, str, bytes]] | None = None,
    ) -> Answer:
        """GET, or POST `data` (url-encoded, or multipart with `files`: (field, filename, bytes))."""
        headers = {}
        if files:
            body, headers["Content-Type"] = _multipart(data or [], files)
        else:
            body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(base + path, data=body, headers=headers)
        try:
            response = self.opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            content = response.read()
            return Answer(
                response.status,
                response.headers.get("Location", ""),
                content.decode(errors="replace"),
                response.headers.get_all("Set-Cookie") or [],
                content,
            )

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def set_cookie(self, name: str, value: str, domain: str = "127.0.0.1") -> None:
        self.jar.set_cookie(
            http.cookiejar.Cookie(
                0, name, value, None, False, domain, False, False, "/", True, False, None, False, None, None, {}
            )
        )


def _multipart(data: list[tuple[str, str]], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in data:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, content in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class _FormFields(HTMLParser):
    """The fields a browser would post from the form with id `form_id`: no buttons, no disabled or file
    fields, only the checked boxes and radios, a select's selected option (else its first, as a browser
    does), a textarea without the one newline that follows <textarea>."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select, self._option, self._textarea, self._text = None, None, None, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select" and a.get("name"):
            self._select, self._option = a["name"], None
        elif tag == "option" and self._select is not None:
            if self._option is None or "selected" in a:
                self._option = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            self.fields.append((self._select, self._option or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


def form_of(html: str, form_id: str) -> list[tuple[str, str]]:
    """What a browser would post from the page's form `form_id`, in page order."""
    parser = _FormFields(form_id)
    parser.feed(html)
    return parser.fields


def replaced(fields: list[tuple[str, str]], **values: str) -> list[tuple[str, str]]:
    return [(name, values.get(name, value)) for name, value in fields]


def csrf_of(html: str) -> str:
    """The CSRF token of the page's forms (the same in all of them)."""
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
