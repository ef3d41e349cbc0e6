"""StatusCount: the applications of each campaign counted by 初审 body, category and status.

The lists and the city's home show how many applications stand in each status (the queue's tabs,
the body table, the funnel, the page counts). Counting the rows each time grows with the campaign;
these counts are kept instead, one row per (campaign, body, category, status, progress), so reading
them takes the same few rows at 50 applications as at 5,000. `progress` is where a post stands in
the city's later work (review.progress writes it): the city's to-do list reads it from here.

Writers: Application.save and delete call `move` in the same transaction as the change (every
status change goes through applications.workflow.transition, which saves the row), and a unit
moved to another body has its campaigns recounted (`recount`, from the post_save of the
organisation). Rows written around the model (bulk_create, QuerySet.update) are not counted:
whoever writes them calls `recount` (the benchmarks' seeding does; so can `manage.py
recount_statuses`). tests/conftest.py compares the counts with the rows after every test.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, F, Sum

from applications.models import COUNTED, Application, Status, StatusCount, counted_state

UNCOUNTED = frozenset({Status.DRAFT})
_TABLE = StatusCount._meta.db_table


def state_before(application: Application) -> tuple | None:
    """What the row of `application` holds now, as it was counted: as loaded, or read (deferred)."""
    state = getattr(application, "_counted", None)
    if state is None and application.pk is not None:
        row = Application.objects.filter(pk=application.pk).values_list(*COUNTED).first()
        state = tuple(row) if row is not None else None
    return state


def _body_of(application: Application) -> int:
    return application.unit.parent_id or 0


def move(application: Application, before: tuple | None, after: tuple | None) -> None:
    """Count `application` out of `before` and into `after` (COUNTED's values, or None)."""
    add(_body_of(application), changes_of(before, after))


def changes_of(before: tuple | None, after: tuple | None) -> list[tuple]:
    """The (campaign_id, category, status, progress, n) to add when a row goes from `before` to `after`."""
    if before == after:
        return []
    changes = []
    if before is not None and before[2] not in UNCOUNTED:
        changes.append((*before, -1))
    if after is not None and after[2] not in UNCOUNTED:
        changes.append((*after, 1))
    return changes


def add(body_id: int, changes: list[tuple]) -> None:
    """Add each (campaign_id, category, status, progress, n) to its count, in one statement (an
    upsert: PostgreSQL, and SQLite from 3.24)."""
    if not changes:
        return
    # In key order: two writers moving posts in opposite directions between the same two counts
    # (a clerk marks one post trained while another unmarks one) lock the rows in one order, not
    # each in the other's, which PostgreSQL ends as a deadlock.
    changes = sorted(changes, key=lambda change: tuple(change[:-1]))
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(changes))
    params = [p for *key, n in changes for p in (key[0], body_id, *key[1:], n)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (campaign_id, body_id, category, status, progress, count) VALUES {values} "
            f"ON CONFLICT (campaign_id, body_id, category, status, progress) "
            f"DO UPDATE SET count = {_TABLE}.count + excluded.count",
            params,
        )


def counted_from_rows(campaign_ids: Iterable[int] | None = None) -> dict[tuple, int]:
    """{(campaign_id, body_id, category, status, progress): n} counted from the applications themselves."""
    rows = Application.objects.exclude(status__in=UNCOUNTED)
    if campaign_ids is not None:
        rows = rows.filter(campaign_id__in=list(campaign_ids))
    grouped = (
        rows.order_by()
        .values("campaign_id", "unit__parent_id", "category", "status", "progress")
        .annotate(n=Count("pk"))
    )
    return {
        (row["campaign_id"], row["unit__parent_id"] or 0, row["category"], row["status"], row["progress"]): row["n"]
        for row in grouped
    }


def counted_kept(campaign_ids: Iterable[int] | None = None) -> dict[tuple, int]:
    """The same, as StatusCount keeps it (the rows whose count is 0 left out)."""
    rows = StatusCount.objects.exclude(count=0)
    if campaign_ids is not None:
        rows = rows.filter(campaign_id__in=list(campaign_ids))
    return {(r.campaign_id, r.body_id, r.category, r.status, r.progress): r.count for r in rows}


def recount(campaign_ids: Iterable[int] | None = None) -> None:
    """Rebuild the counts of these campaigns (all when None) from the applications."""
    campaign_ids = None if campaign_ids is None else list(campaign_ids)
    with transaction.atomic():
        kept = StatusCount.objects.all()
        if campaign_ids is not None:
            kept = kept.filter(campaign_id__in=campaign_ids)
        kept.delete()
        StatusCount.objects.bulk_create(
            StatusCount(
                campaign_id=campaign_id, body_id=body_id, category=category, status=status, progress=progress, count=n
            )
            for (campaign_id, body_id, category, status, progress), n in counted_from_rows(campaign_ids).items()
        )


def recount_unit(unit_id: int) -> None:
    """A unit moved to another body: its campaigns are counted again."""
    campaign_ids = set(Application.objects.filter(unit_id=unit_id).values_list("campaign_id", flat=True))
    if campaign_ids:
        recount(campaign_ids)


# --- reads ---------------------------------------------------------------------------------------


def kept_counts(campaign_id: int) -> list[tuple[int | None, str, str, str, int]]:
    """(body id or None, category, status, progress, n) of a campaign, as kept (drafts are not counted)."""
    rows = StatusCount.objects.filter(campaign_id=campaign_id).exclude(count=0)
    return [(r.body_id or None, r.category, r.status, r.progress, r.count) for r in rows]


def by_body(kept: list[tuple]) -> dict[tuple[int | None, str, str], int]:
    """kept_counts summed over progress: {(body id or None, category, status): n}."""
    counts: dict[tuple[int | None, str, str], int] = defaultdict(int)
    for body_id, category, status, _progress, n in kept:
        counts[body_id, category, status] += n
    return dict(counts)


def counts_by_body(campaign_id: int) -> dict[tuple[int | None, str, str], int]:
    """{(body id or None, category, status): n} of a campaign (drafts are not counted)."""
    return by_body(kept_counts(campaign_id))


def status_totals(
    *, statuses: Iterable[str], campaign_id: int | None = None, body_id: int | None = None
) -> dict[str, int]:
    """{status: n} for these statuses, of one campaign (or all) and one body (or all)."""
    statuses = list(statuses)
    rows = StatusCount.objects.filter(status__in=statuses)
    if campaign_id is not None:
        rows = rows.filter(campaign_id=campaign_id)
    if body_id is not None:
        rows = rows.filter(body_id=body_id)
    totals = dict.fromkeys(statuses, 0)
    for row in rows.order_by().values("status").annotate(n=Sum(F("count"))):
        totals[row["status"]] = row["n"] or 0
    return totals


# --- signal receivers (applications.apps) ----------------------------------------------------------


def application_deleted(sender, instance: Application, **kwargs) -> None:
    move(instance, getattr(instance, "_counted", None) or counted_state(instance), None)


def organisation_saving(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance._state.adding:
        instance._parent_before = None
        return
    instance._parent_before = type(instance).objects.filter(pk=instance.pk).values_list("parent_id", flat=True).first()


def organisation_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    if raw or created:
        return
    if getattr(instance, "_parent_before", instance.parent_id) != instance.parent_id:
        recount_unit(instance.pk)
