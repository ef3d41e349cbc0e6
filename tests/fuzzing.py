"""A property-based harness for every form of the project (hypothesis, through the test client).

    fuzz_form(FormCase(url="/apply/new/", user=applicant, fields={...}))

posts `examples` generated inputs to the URL and asserts the invariant every form must keep:
no answer is a server error, and nothing is stored half-way — after a refusal every row of the
project's models is unchanged; after an acceptance the form's own `check_accepted` compares what
was stored with what was posted. Each example runs in a savepoint that is rolled back, so examples
do not see each other and the test stays fast.

A later form is one more FormCase: a URL, who is logged in, and a strategy per posted field (the
strategies below: `text_values`, `number_values`, `choice_values`, `flag_values`, `formset`).
A strategy may produce MISSING to leave its field out; a field whose name starts with "@" produces
a dict that is merged into the post (a formset with its management form).
"""

import copy
import dataclasses
import json
import os
from collections.abc import Callable
from urllib.parse import quote_plus

from django.apps import apps
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MISSING = object()
MODEL_APPS = ("gangwei", "applications", "review")
# Tables that a refused request may legitimately touch: the session, and django-axes' own records
# of failed logins (counting failures is the point of a refusal there).
VOLATILE_MODELS = {"Session", "AccessAttempt", "AccessLog", "AccessFailureLog"}


class _Rollback(Exception):
    pass


# -- strategies --------------------------------------------------------------------------------

_plain = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30)
_controls = st.text(
    alphabet=st.one_of(st.characters(max_codepoint=0x1F), st.sampled_from("\x7f\x85\u2028\ufeff\u200b")),
    min_size=1,
    max_size=8,
)


def text_values(max_length: int | None = None) -> st.SearchStrategy:
    """Text a form meets from a hostile client: NUL, lone surrogates, control characters,
    whitespace only, values around the limit and far above it."""
    limit = max_length or 2000
    return st.one_of(
        _plain,
        _controls,
        st.builds(lambda a, b: a + "\x00" + b, _plain, _plain),
        st.builds(lambda a: a + "\ud800", _plain),
        st.sampled_from(["", " ", "   ", "\u3000\u3000", "\t\r\n", "\x00"]),
        st.builds(lambda c, n: c * n, st.sampled_from(["字", "a", "😀", " 字"]), st.integers(limit - 2, limit + 3)),
        st.builds(lambda c, n: c * n, st.sampled_from(["字", "a"]), st.sampled_from([limit + 50, limit * 4, 100_000])),
    )


def number_values() -> st.SearchStrategy:
    return st.one_of(
        st.integers(-(10**30), 10**30).map(str),
        st.integers(-3, 200).map(str),
        st.sampled_from(["", " ", "1e9", "NaN", "inf", "-0", " 5 ", "５", "3.5", "0x10", "\x00", "9" * 400, "1\x002"]),
        _plain,
    )


def choice_values(values) -> st.SearchStrategy:
    return st.one_of(st.sampled_from(list(values)), text_values(20), st.just(MISSING))


def flag_values() -> st.SearchStrategy:
    return st.sampled_from(["on", "", "off", "true", "false", "\x00", "1", MISSING])


def management_values(rows: int) -> st.SearchStrategy:
    return st.one_of(
        st.just(str(rows)),
        st.integers(-5, 40).map(str),
        st.sampled_from(["", "abc", "\x00", "99999999999", "1" * 300, "-1", "2.5", MISSING]),
    )


def formset(prefix: str, row_fields: dict, valid_rows: list[dict], max_rows: int = 12) -> st.SearchStrategy:
    """A formset's rows and its management form, which a tampering client may get wrong.

    Each row is one of `valid_rows`, or one of them with some fields given hostile values."""

    @st.composite
    def build(draw):
        rows = draw(st.integers(0, max_rows))
        data = {
            f"{prefix}-TOTAL_FORMS": draw(st.one_of(st.just(str(rows)), st.just(str(rows)), management_values(rows))),
            f"{prefix}-INITIAL_FORMS": draw(st.one_of(st.just("0"), management_values(0))),
        }
        for i in range(rows):
            row = dict(draw(st.sampled_from(valid_rows)))
            for name in draw(st.lists(st.sampled_from(sorted(row_fields)), unique=True, max_size=2)):
                row[name] = draw(row_fields[name])
            for name, value in row.items():
                data[f"{prefix}-{i}-{name}"] = value
        return data

    return build()


def valid_formset(prefix: str, rows: list[dict]) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{name}": value for name, value in row.items()})
    return data


def as_received(value: str) -> str:
    """What the server reads from a posted value: invalid UTF-8 (a lone surrogate) becomes U+FFFD."""
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


# -- the harness ---------------------------------------------------------------------------------


@dataclasses.dataclass
class FormCase:
    url: str
    fields: dict
    base: dict = dataclasses.field(default_factory=dict)  # a valid post; each example changes some fields
    user: object = None  # logged in before each example (force_login), or anonymous
    before: Callable[[Client], None] | None = None  # e.g. open a page that puts a token in the session
    accepted: Callable[[object], bool] = lambda response: response.status_code in (301, 302, 303)
    check_accepted: Callable[[dict, object], None] | None = None  # (what was posted, response)
    multipart: bool = False  # post as multipart/form-data (forms with files); else urlencoded bytes
    examples: int = 200
    name: str = ""


@dataclasses.dataclass
class FuzzStats:
    name: str
    examples: int = 0
    accepted: int = 0
    server_errors: list = dataclasses.field(default_factory=list)
    half_stored: list = dataclasses.field(default_factory=list)


def database_state() -> dict:
    """Every row of the project's models (except sessions and login-failure records)."""
    state = {}
    for app in MODEL_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__ in VOLATILE_MODELS:
                continue
            state[model._meta.label] = list(model.objects.order_by("pk").values())
    return state


def urlencoded(data: dict) -> bytes:
    """The body a browser would send, byte for byte (lone surrogates become invalid UTF-8)."""
    parts = []
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            parts.append(
                quote_plus(key.encode("utf-8", "surrogatepass"))
                + "="
                + quote_plus(str(item).encode("utf-8", "surrogatepass"))
            )
    return "&".join(parts).encode("ascii")


def _flatten(raw: dict) -> dict:
    data = {}
    for name, value in raw.items():
        if value is MISSING:
            continue
        if name.startswith("@"):
            data.update({k: v for k, v in value.items() if v is not MISSING})
        else:
            data[name] = value
    return data


def _inputs(case: FormCase) -> st.SearchStrategy:
    """A valid post with one or two fields made hostile, or (one time in eight) every field."""
    names = sorted(case.fields)

    @st.composite
    def build(draw):
        raw = dict(case.base)
        if not case.base or draw(st.integers(0, 7)) == 0:
            chosen = names
        else:
            chosen = draw(st.lists(st.sampled_from(names), unique=True, min_size=1, max_size=2))
        for name in chosen:
            raw[name] = draw(case.fields[name])
        return raw

    return build()


def _short(data: dict) -> str:
    return json.dumps(
        {k: (v if not isinstance(v, str) or len(v) < 60 else f"{v[:20]!r}…({len(v)} chars)") for k, v in data.items()},
        ensure_ascii=False,
        default=repr,
    )[:1500]


def fuzz_form(case: FormCase) -> FuzzStats:
    """Post `case.examples` generated inputs; fail listing every 500 and every half-stored refusal."""
    stats = FuzzStats(name=case.name or case.url)
    client = Client(raise_request_exception=False)
    if case.user is not None:
        client.force_login(case.user)  # outside the examples' savepoints: the session row stays
    cookies = client.cookies

    @settings(
        max_examples=case.examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(raw=_inputs(case))
    def example(raw):
        data = _flatten(raw)
        stats.examples += 1
        try:
            with transaction.atomic():
                client.cookies = copy.deepcopy(cookies)  # whatever the last example did to the session
                if case.before is not None:
                    case.before(client)
                before = database_state()
                if case.multipart:
                    clean = {k: (as_received(v) if isinstance(v, str) else v) for k, v in data.items()}
                    response = client.post(case.url, clean)
                else:
                    response = client.generic(
                        "POST", case.url, urlencoded(data), content_type="application/x-www-form-urlencoded"
                    )
                if response.status_code >= 500:
                    stats.server_errors.append(_short(data))
                    raise _Rollback
                if case.accepted(response):
                    stats.accepted += 1
                    if case.check_accepted is not None:
                        try:
                            case.check_accepted(data, response)
                        except AssertionError as exc:
                            stats.half_stored.append(f"{exc} — {_short(data)}")
                elif database_state() != before:
                    stats.half_stored.append(f"refused ({response.status_code}) but stored — {_short(data)}")
                raise _Rollback
        except _Rollback:
            pass

    example()
    _record(stats)
    assert stats.server_errors == [], f"{len(stats.server_errors)} of {stats.examples} answered 500"
    assert stats.half_stored == [], f"{len(stats.half_stored)} of {stats.examples} stored half-way"
    assert stats.examples >= case.examples
    return stats


def _record(stats: FuzzStats) -> None:
    """With FUZZ_FIGURES=<file>, append this form's figures (for the closing note)."""
    path = os.environ.get("FUZZ_FIGURES")
    if not path:
        return
    from django.db import connection

    line = {
        "db": connection.vendor,
        "form": stats.name,
        "examples": stats.examples,
        "accepted": stats.accepted,
        "server_errors": len(stats.server_errors),
        "half_stored": len(stats.half_stored),
        "first_error": stats.server_errors[:1],
        "first_half": stats.half_stored[:1],
    }
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, ensure_ascii=False) + "\n")
