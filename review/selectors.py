"""Reads for 初审: a body's filing, its quota and places left, the rows of its 汇总表.

Every application is read through applications.access, scoped to the user.
"""

from dataclasses import dataclass

from django.db.models import F, Prefetch, QuerySet

from applications.access import applications_visible_to
from applications.models import Application, ApplicationEvent, Honour, Leader, Status
from applications.tally import counts_by_body, status_totals
from gangwei.models import Campaign, Organisation, OrgKind, User
from gangwei.roles import Role, role_of
from review.models import Quota, Review, SummaryReport

# The statuses that take a place under the quota and make up the 汇总表.
RECOMMENDED_STATUSES = [Status.RECOMMENDED, Status.REPORTED]


def current_filing(campaign: Campaign, body: Organisation) -> SummaryReport | None:
    """The body's filed 汇总表 of `campaign` that stands (not reopened by the city), if any."""
    return (
        SummaryReport.objects.filter(campaign=campaign, body=body, reopened_at__isnull=True)
        .select_related("filed_by")
        .first()
    )


def filings_by_body(campaign: Campaign) -> dict[int, SummaryReport]:
    """Each body's standing filing of `campaign`, in one query (the city's home)."""
    return {
        report.body_id: report
        for report in SummaryReport.objects.filter(campaign=campaign, reopened_at__isnull=True).select_related(
            "filed_by"
        )
    }


def reviewing_bodies() -> QuerySet[Organisation]:
    """The 14 初审 bodies, in the notice's order."""
    return Organisation.objects.filter(kind=OrgKind.REVIEWING_BODY).order_by("display_order", "name")


@dataclass(frozen=True)
class Places:
    """推荐名额 of a body in a campaign: the quota (None: no limit) and how many are taken."""

    quota: int | None
    taken: int

    @property
    def left(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.taken, 0)

    @property
    def over(self) -> int:
        """How many recommendations are beyond the quota (after an admin lowered it)."""
        return 0 if self.quota is None else max(self.taken - self.quota, 0)

    @property
    def text(self) -> str:
        if self.quota is None:
            return f"已推荐{self.taken}份（本年度未设推荐名额上限）"
        if self.over:
            return f"推荐名额{self.quota}个，已推荐{self.taken}份，超出{self.over}份"
        return f"推荐名额{self.quota}个，已推荐{self.taken}份，还可推荐{self.left}份"


def places_of(campaign: Campaign, body: Organisation, *, counts: dict[str, int] | None = None) -> Places:
    """`counts`: the body's status_counts of `campaign` when the caller has them already (the queue),
    so the places taken need no query of their own."""
    quota = Quota.objects.filter(campaign=campaign, body=body).values_list("places", flat=True).first()
    if counts is not None:
        return Places(quota, sum(counts[status] for status in RECOMMENDED_STATUSES))
    taken = Application.objects.filter(
        campaign=campaign, unit__parent=body, status__in=RECOMMENDED_STATUSES
    ).count()
    return Places(quota, taken)


def summary_applications(user: User, campaign: Campaign, body: Organisation | None = None) -> list[Application]:
    """The rows of a 汇总表: the recommended (or reported) applications of `body` (every body the
    user may see when None), by body and in the body's rank order, leaders and honours loaded.
    Three queries, whatever the number of rows."""
    rows = (
        applications_visible_to(user)
        .filter(campaign=campaign, status__in=RECOMMENDED_STATUSES)
        .select_related("review")
        .prefetch_related(
            Prefetch("leaders", queryset=Leader.objects.order_by("position", "id")),
            Prefetch("honours", queryset=Honour.objects.order_by("position", "id")),
        )
        .order_by(
            "unit__parent__display_order",
            "unit__parent__name",
            F("review__rank").asc(nulls_last=True),
            "submitted_at",
            "pk",
        )
    )
    if body is not None:
        rows = rows.filter(unit__parent=body)
    return list(rows)


# --- ui helper: the queue, the detail page and the diff after a resubmission ---------------------

QUEUE_PAGE_SIZE = 20
SEARCH_MAX_CHARS = 100
# The statuses the queue shows and filters by, in the order of the counts.
QUEUE_STATUSES = [
    Status.SUBMITTED,
    Status.RETURNED,
    Status.RECOMMENDED,
    Status.NOT_RECOMMENDED,
    Status.REPORTED,
]
# What else the body sees of the campaign later on (the city's assessment and naming).
LATER_STATUSES = [Status.PASSED, Status.FAILED, Status.NAMED, Status.NOT_NAMED]
LISTED_STATUSES = QUEUE_STATUSES + LATER_STATUSES
# Statuses that need the body's decision.
NEEDS_ACTION = [Status.SUBMITTED]
QUEUE_COLUMNS = [
    "key",
    "number",
    "status",
    "version",
    "applicant_name",
    "post_name",
    "category",
    "staff_total",
    "staff_women",
    "submitted_at",
    "campaign_id",
    "unit_id",
]


def clean_search(value: str | None) -> str:
    """A search term as the queue uses it: trimmed, at most SEARCH_MAX_CHARS characters, no NUL."""
    return (value or "").replace("\x00", "").strip()[:SEARCH_MAX_CHARS].strip()


def queue_applications(
    user: User, campaign: Campaign, *, status: str = "", category: str = "", q: str = ""
) -> QuerySet[Application]:
    """The body's applications of `campaign` (never drafts), filtered, in the order to work on."""
    from django.db.models import Q

    rows = (
        applications_visible_to(user)
        .filter(campaign=campaign, status__in=LISTED_STATUSES)
        .select_related(None)
        .only(*QUEUE_COLUMNS)
        .order_by("submitted_at", "pk")
    )
    if status in LISTED_STATUSES:
        rows = rows.filter(status=status)
    if category:
        rows = rows.filter(category=category)
    q = clean_search(q)
    if q:
        rows = rows.filter(Q(applicant_name__icontains=q) | Q(post_name__icontains=q) | Q(number__icontains=q))
    return rows


def status_counts(user: User, campaign: Campaign) -> dict[str, int]:
    """How many of the body's applications of `campaign` are in each queue status, as
    applications.tally keeps them (one query of a few rows). Only a 初审 body has a queue: anyone
    else gets zeros."""
    if role_of(user) != Role.REVIEWER:
        return dict.fromkeys(LISTED_STATUSES, 0)
    return status_totals(statuses=LISTED_STATUSES, campaign_id=campaign.pk, body_id=user.organisation_id)


def city_counts(campaign: Campaign) -> dict[int, dict[str, int]]:
    """For each 初审 body, how many applications of `campaign` are in each status (one query)."""
    out: dict[int, dict[str, int]] = {}
    for (body_id, _category, status), n in counts_by_body(campaign.pk).items():
        counts = out.setdefault(body_id, {})
        counts[status] = counts.get(status, 0) + n
    return out


def earlier_filings(campaign: Campaign, body: Organisation) -> list[SummaryReport]:
    """The body's filings of `campaign` that the city sent back, newest first."""
    return list(
        SummaryReport.objects.filter(campaign=campaign, body=body, reopened_at__isnull=False).select_related(
            "filed_by", "reopened_by"
        )
    )


@dataclass(frozen=True)
class DiffRow:
    label: str
    before: str
    after: str


SUBMISSIONS = ("submit", "resubmit")


def _text(application_field, value) -> str:
    if value is None:
        return ""
    if application_field is not None and application_field.choices:
        return str(dict(application_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _rows_text(rows: list[dict], fields: list[str], model) -> list[str]:
    out = []
    for row in rows or []:
        parts = []
        for name in fields:
            field = model._meta.get_field(name)
            value = _text(field, row.get(name))
            if value:
                parts.append(value)
        out.append(" ".join(parts))
    return out


def _diff_events(application: Application) -> tuple[ApplicationEvent | None, ApplicationEvent | None]:
    """(the version the body judged, the latest submitted version), or None when not resubmitted."""
    from applications.workflow import Action

    events = list(application.events.all())
    submissions = [e for e in events if e.action in SUBMISSIONS and e.snapshot]
    if not submissions or submissions[-1].action != Action.RESUBMIT:
        return None, None
    latest = submissions[-1]
    review = Review.objects.filter(pk=application.pk).select_related("judged_event").first()
    before = review.judged_event if review and review.judged_event_id else None
    if before is None or before.pk == latest.pk or not before.snapshot:
        returns = [e for e in events if e.action == Action.RETURN]
        if not returns:
            return None, None
        last_return = returns[-1]
        earlier = [e for e in submissions if (e.created_at, e.pk) < (last_return.created_at, last_return.pk)]
        before = earlier[-1] if earlier else None
    if before is None or before.pk == latest.pk:
        return None, None
    return before, latest


def submission_diff(application: Application) -> list[DiffRow]:
    """What the unit changed between the version the body judged and its latest submission:
    one row per changed field (label, before, after); 岗位负责人 and 曾获荣誉 compared row by row.
    Empty when the application was not resubmitted after a return, or nothing changed."""
    from applications.services import APPLICATION_FIELDS, HONOUR_FIELDS, LEADER_FIELDS

    before_event, after_event = _diff_events(application)
    if before_event is None:
        return []
    before, after = before_event.snapshot or {}, after_event.snapshot or {}
    rows = []
    for name in APPLICATION_FIELDS:
        try:
            field = Application._meta.get_field(name)
        except Exception:  # noqa: BLE001 — a snapshot key that is not a model field
            field = None
        old, new = _text(field, before.get(name)), _text(field, after.get(name))
        if old != new:
            rows.append(DiffRow(str(field.verbose_name) if field else name, old, new))
    for key, label, fields, model in (
        ("leaders", "岗位负责人", LEADER_FIELDS, Leader),
        ("honours", "曾获荣誉", HONOUR_FIELDS, Honour),
    ):
        old_rows = _rows_text(before.get(key), fields, model)
        new_rows = _rows_text(after.get(key), fields, model)
        for index in range(max(len(old_rows), len(new_rows))):
            old = old_rows[index] if index < len(old_rows) else ""
            new = new_rows[index] if index < len(new_rows) else ""
            if old != new:
                rows.append(DiffRow(f"{label}第{index + 1}行", old, new))
    return rows


def as_submitted(rows: list[Application], user: User) -> list[Application]:
    """The queue's rows as the body should read them: a returned application by its last submitted
    version (the unit's revision in progress is its own), in one query whatever the number of rows."""
    rows = list(rows)
    returned = [a.pk for a in rows if a.status == Status.RETURNED and a.unit_id != user.organisation_id]
    snapshots: dict[int, dict] = {}
    events = (
        # Asked even when no row is returned, so the page's query count does not depend on the rows.
        ApplicationEvent.objects.filter(application_id__in=returned or [0])
        .exclude(snapshot=None)
        .order_by("created_at", "id")
        .only("application_id", "snapshot")
    )
    for event in events:
        snapshots[event.application_id] = event.snapshot
    for application in rows:
        snapshot = snapshots.get(application.pk)
        if snapshot is not None:
            for name in ("applicant_name", "post_name", "category", "staff_total", "staff_women"):
                setattr(application, name, snapshot.get(name))
    return rows
