"""Where each post stands in the city's later work, kept on the application for the counts.

The city's home lists what is still to do: posts reported but not trained, trained but not scored,
passed but not published, published and due to be named, named without a certificate, and the
objections pending. Asking the attendance, 考核, 公示, 异议 and certificate tables about every post
grows with the campaign. Instead each application carries `progress`, a short text of those facts
("TSP20210520O": trained, scored, published until 2021-05-20, an objection pending), and
applications.tally counts the applications by it as by status, in the same transaction. The home
then reads the to-dos from the kept counts (`todo_counts`): as many rows at 5,000 posts as at 50.

Writers: a save or delete of an Attendance, Assessment, PublicityEntry, Objection or Certificate,
and a Publicity saved with another end date (the admin may move it), call `restep` for the posts
concerned (signal receivers, review.apps). Services that write those rows in bulk (bulk_create)
call `touched` themselves, inside `batched` so that a table of 30 posts is restepped at once.
tests/conftest.py checks after every test that every application's progress is what its records say.
"""

import datetime as dt
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from applications import tally
from applications.models import Application, Status

# The letters of `progress`, in this order; "P" is followed by the 公示's end date (YYYYMMDD).
TRAINED, SCORED, CERTIFIED, OBJECTION_PENDING, OBJECTION_UPHELD, PUBLISHED = "T", "S", "C", "O", "U", "P"

TODO_KEYS = ("untrained", "unscored", "undecided", "unpublished", "objections", "to_name", "uncertified")
# Only these statuses have to-dos (the rest are counted by their progress all the same).
TODO_STATUSES = frozenset({Status.REPORTED, Status.PASSED, Status.NAMED})


@dataclass(frozen=True)
class Progress:
    trained: bool = False
    scored: bool = False
    certified: bool = False
    objection: str = ""  # "pending" (one at least), "upheld" (none pending, one upheld) or ""
    ends_on: dt.date | None = None  # the end of the post's 公示; None: not published

    def __str__(self) -> str:
        text = (
            (TRAINED if self.trained else "") + (SCORED if self.scored else "") + (CERTIFIED if self.certified else "")
        )
        text += {"pending": OBJECTION_PENDING, "upheld": OBJECTION_UPHELD}.get(self.objection, "")
        if self.ends_on is not None:
            text += PUBLISHED + self.ends_on.strftime("%Y%m%d")
        return text

    @classmethod
    def parse(cls, text: str) -> "Progress":
        flags, _, date = text.partition(PUBLISHED)
        objection = "pending" if OBJECTION_PENDING in flags else "upheld" if OBJECTION_UPHELD in flags else ""
        return cls(
            trained=TRAINED in flags,
            scored=SCORED in flags,
            certified=CERTIFIED in flags,
            objection=objection,
            ends_on=dt.datetime.strptime(date, "%Y%m%d").date() if date else None,
        )


def todo_counts(kept: Iterable[tuple], today: dt.date) -> dict[str, int]:
    """The to-do counts of the city's home from tally.kept_counts rows (body, category, status,
    progress, n); `today` decides which 公示 are over."""
    counts = dict.fromkeys(TODO_KEYS, 0)
    for _body, _category, status, text, n in kept:
        if status not in TODO_STATUSES:
            continue
        progress = Progress.parse(text)
        if progress.objection == "pending":
            counts["objections"] += n
        if status == Status.REPORTED:
            if not progress.trained:
                counts["untrained"] += n
            elif not progress.scored:
                counts["unscored"] += n
            if progress.scored:
                counts["undecided"] += n
        elif status == Status.PASSED:
            if progress.ends_on is None:
                counts["unpublished"] += n
            elif progress.ends_on < today and not progress.objection:
                counts["to_name"] += n
        elif not progress.certified:
            counts["uncertified"] += n
    return counts


def _review_model(name: str):
    return django_apps.get_model("review", name)


def computed(applications: QuerySet, model: Callable[[str], type] = _review_model) -> dict[int, str]:
    """{application id: progress} of `applications`, from their records, in one query. `model`
    gives the review models by name (a migration passes its historical ones)."""

    def about(name: str, **conditions) -> Exists:
        return Exists(model(name).objects.filter(application=OuterRef("pk"), **conditions))

    rows = applications.order_by().annotate(
        is_trained=about("Attendance", session__campaign=OuterRef("campaign_id")),
        is_scored=about("Assessment"),
        is_certified=about("Certificate"),
        has_pending=about("Objection", outcome="pending"),
        has_upheld=about("Objection", outcome="upheld"),
        published_until=Subquery(
            model("PublicityEntry").objects.filter(application=OuterRef("pk")).values("publicity__ends_on")[:1]
        ),
    )
    values = rows.values_list(
        "pk", "is_trained", "is_scored", "is_certified", "has_pending", "has_upheld", "published_until"
    )
    return {
        pk: str(
            Progress(
                trained=trained,
                scored=scored,
                certified=certified,
                objection="pending" if pending else "upheld" if upheld else "",
                ends_on=ends_on,
            )
        )
        for pk, trained, scored, certified, pending, upheld, ends_on in values
    }


def restep(application_ids: Iterable[int]) -> None:
    """Write the progress of these applications from their records, and move their counts, in the
    caller's transaction. The rows are locked first (in id order) and their progress read under the
    lock, so two writers about one post count it once."""
    ids = sorted(set(application_ids))
    if not ids:
        return
    with transaction.atomic(savepoint=False):
        locked = (
            Application.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", "unit__parent_id", "campaign_id", "category", "status", "progress")
        )
        before = {
            pk: (body_id or 0, (campaign_id, category, status, progress))
            for pk, body_id, campaign_id, category, status, progress in locked
        }
        after = computed(Application.objects.filter(pk__in=list(before)))
        moved: dict[str, list[int]] = defaultdict(list)
        changes: dict[int, Counter] = defaultdict(Counter)
        for pk, (body_id, state) in before.items():
            progress = after[pk]
            if progress == state[3]:
                continue
            moved[progress].append(pk)
            for *key, n in tally.changes_of(state, (*state[:3], progress)):
                changes[body_id][tuple(key)] += n
        for progress, pks in moved.items():
            Application.objects.filter(pk__in=pks).update(progress=progress)
        for body_id, counter in changes.items():
            tally.add(body_id, [(*key, n) for key, n in counter.items() if n])


def drift() -> dict[int, tuple[str, str]]:
    """{application id: (progress kept, progress its records say)} where they differ."""
    kept = dict(Application.objects.values_list("pk", "progress"))
    return {pk: (kept[pk], now) for pk, now in computed(Application.objects.all()).items() if kept[pk] != now}


# --- writers ---------------------------------------------------------------------------------------

_batch = threading.local()


@contextmanager
def batched() -> Iterator[None]:
    """Collect the posts touched inside the block and restep them once at its end (in the same
    transaction: call it inside the caller's atomic block)."""
    if getattr(_batch, "ids", None) is not None:  # the outer block resteps them
        yield
        return
    _batch.ids = set()
    try:
        yield
        ids = _batch.ids
    finally:
        _batch.ids = None
    restep(ids)


def touched(application_ids: Iterable[int]) -> None:
    """These posts' records changed: restep them now, or at the end of the enclosing `batched`."""
    pending = getattr(_batch, "ids", None)
    if pending is not None:
        pending.update(application_ids)
    else:
        restep(application_ids)


def record_changed(sender, instance, raw=False, origin=None, **kwargs) -> None:
    """post_save / post_delete of a record about one post (attendance, 考核, 公示 entry, 异议, certificate).

    Not when the post itself is being deleted (`origin`, the deletion's start, is the application or
    a queryset of them): its records go first, and its count leaves with it as it was loaded."""
    if raw or isinstance(origin, Application):
        return
    if isinstance(origin, QuerySet) and origin.model is Application:
        return
    touched([instance.application_id])


def publicity_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A 公示 saved again (the admin may move its end date): its posts' progress names the date."""
    if not raw and not created:
        touched(instance.entries.values_list("application_id", flat=True))
