"""Reads for the city's home (/city/): where the campaign stands.

`city_dashboard` gathers every figure of the page in a fixed number of queries, whatever the number
of applications or bodies: the bodies, their standing filings, the campaign's deadline extensions,
the counts of applications by body × category × status × progress kept by applications.tally (the
body table, the funnel, the category table and the to-do list all come from them: review.progress).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from applications import tally
from applications.models import Category, Status
from gangwei.deadlines import stage_closes_at
from gangwei.models import Campaign, DeadlineExtension, Organisation, Stage
from review.city import phrases
from review.progress import todo_counts
from review.selectors import LISTED_STATUSES, filings_by_body, reviewing_bodies

# A deadline this many days away (or fewer) turns its open items from "to do" into "near".
NEAR_DAYS = 14

# The funnel: each step counts every application whose status lies at or beyond it (a named post
# was also submitted, recommended, reported and passed).
FUNNEL: list[tuple[str, frozenset[str]]] = [
    ("submitted", frozenset(LISTED_STATUSES)),
    (
        "recommended",
        frozenset({Status.RECOMMENDED, Status.REPORTED, Status.PASSED, Status.FAILED, Status.NAMED, Status.NOT_NAMED}),
    ),
    ("reported", frozenset({Status.REPORTED, Status.PASSED, Status.FAILED, Status.NAMED, Status.NOT_NAMED})),
    ("passed", frozenset({Status.PASSED, Status.NAMED, Status.NOT_NAMED})),
    ("named", frozenset({Status.NAMED})),
]

# The per-body chart groups the nine statuses into six phases (the table keeps all nine).
PHASES: list[tuple[str, frozenset[str]]] = [
    ("pending", frozenset({Status.SUBMITTED, Status.RETURNED})),
    ("recommended", frozenset({Status.RECOMMENDED})),
    ("reported", frozenset({Status.REPORTED})),
    ("passed", frozenset({Status.PASSED})),
    ("named", frozenset({Status.NAMED})),
    ("out", frozenset({Status.NOT_RECOMMENDED, Status.FAILED, Status.NOT_NAMED})),
]

# The stages as the home shows them: training and 考核 share one window.
STAGES: list[tuple[str, Stage]] = [
    (phrases.STAGE_APPLY, Stage.APPLY),
    (phrases.STAGE_FIRST_REVIEW, Stage.FIRST_REVIEW),
    (phrases.STAGE_ASSESSMENT, Stage.ASSESSMENT),
    (phrases.STAGE_NAMING, Stage.NAMING),
]


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: str
    count: int
    percent: int | None  # of the submitted ones, rounded down; None when nothing was submitted


@dataclass(frozen=True)
class CategoryRow:
    category: str
    short_label: str
    label: str
    counts: list[tuple[str, int]]  # (funnel step label, count), one per funnel step


@dataclass(frozen=True)
class StageRow:
    label: str
    closes_at: dt.datetime
    days_left: int | None  # calendar days in Asia/Shanghai until the closing day; None once closed
    state: str  # "open", "today", "closed"
    current: bool  # the first stage not yet closed
    extended_count: int
    extended_until: dt.datetime | None

    @property
    def text(self) -> str:
        if self.state == "closed":
            return phrases.STAGE_CLOSED
        if self.state == "today":
            return phrases.STAGE_TODAY
        return phrases.STAGE_DAYS_LEFT.format(days=self.days_left)


@dataclass(frozen=True)
class OverdueBody:
    body: Organisation
    closes_at: dt.datetime
    pending: int  # applications still awaiting the body's decision
    total: int  # all its applications of the campaign, drafts left out


@dataclass(frozen=True)
class Todo:
    key: str
    text: str
    count: int
    severity: str  # "overdue", "near", "todo"
    url_name: str = ""  # the stage page where it is done (rendered only when the URL exists)

    @property
    def severity_label(self) -> str:
        return phrases.SEVERITY[self.severity]


@dataclass
class Dashboard:
    campaign: Campaign
    now: dt.datetime
    bodies: list[dict]
    totals: dict[str, int]
    funnel: list[FunnelStep]
    categories: list[CategoryRow]
    stages: list[StageRow]
    overdue_bodies: list[OverdueBody]
    todos: list[Todo] = field(default_factory=list)

    @property
    def statuses(self) -> list[tuple[str, str, str]]:
        """(status, full label, short label) of the table's columns."""
        return [(s, Status(s).label, phrases.STATUS_SHORT[s]) for s in LISTED_STATUSES]

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    @property
    def total_counts(self) -> list[tuple[str, int]]:
        """The city-wide row of the body table: (full status label, count) per column."""
        return [(Status(s).label, self.totals[s]) for s in LISTED_STATUSES]

    @property
    def filed_count(self) -> int:
        return sum(1 for row in self.bodies if row["filing"])

    @property
    def filed_rows(self) -> int:
        return sum(row["filing"].rows for row in self.bodies if row["filing"])


def _grouped_counts(kept: list[tuple]) -> dict[tuple[int | None, str, str], int]:
    """How many applications there are per (body, category, status) in the kept counts, drafts left
    out (as applications.tally keeps them: as many rows at 5,000 applications as at 50)."""
    return {key: n for key, n in tally.by_body(kept).items() if key[2] in LISTED_STATUSES}


def _sum(counts: dict[str, int], statuses) -> int:
    return sum(counts.get(s, 0) for s in statuses)


def funnel_of(totals: dict[str, int]) -> list[FunnelStep]:
    """The funnel from submitted to named, from the count per status."""
    submitted = _sum(totals, FUNNEL[0][1])
    steps = []
    for key, statuses in FUNNEL:
        count = _sum(totals, statuses)
        percent = count * 100 // submitted if submitted else None
        steps.append(FunnelStep(key, phrases.FUNNEL_LABELS[key], count, percent))
    return steps


def phases_of(counts: dict[str, int]) -> list[int]:
    return [_sum(counts, statuses) for _, statuses in PHASES]


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def stage_rows(campaign: Campaign, extensions: list[DeadlineExtension], now: dt.datetime) -> list[StageRow]:
    """Each stage's closing moment and the calendar days left until it (deadlines are inclusive)."""
    now = now.replace(microsecond=0)
    rows = []
    current_seen = False
    for label, stage in STAGES:
        closes_at = campaign.closes_at(stage)
        stage_values = {stage.value, Stage.TRAINING.value} if stage == Stage.ASSESSMENT else {stage.value}
        granted = [e.closes_at for e in extensions if e.stage in stage_values and e.closes_at > closes_at]
        if now > closes_at:
            state, days_left = "closed", None
        else:
            days_left = (_local_day(closes_at) - _local_day(now)).days
            state = "today" if days_left == 0 else "open"
        current = state != "closed" and not current_seen
        current_seen = current_seen or current
        rows.append(StageRow(label, closes_at, days_left, state, current, len(granted), max(granted, default=None)))
    return rows


def _severity(closes_at: dt.datetime, now: dt.datetime) -> str:
    now = now.replace(microsecond=0)
    if now > closes_at:
        return "overdue"
    if _local_day(closes_at) - _local_day(now) <= dt.timedelta(days=NEAR_DAYS):
        return "near"
    return "todo"


def todos_of(
    campaign: Campaign, now: dt.datetime, overdue_bodies: list[OverdueBody], kept: list[tuple]
) -> list[Todo]:
    """What is overdue or still to do, most urgent first (overdue, near, to do); only non-zero items.
    The counts about posts come from the kept counts `kept` (their progress), not from the posts."""
    counts = todo_counts(kept, _local_day(now))
    assessment = _severity(campaign.closes_at(Stage.ASSESSMENT), now)
    naming = _severity(campaign.closes_at(Stage.NAMING), now)
    items = [
        Todo("bodies", phrases.TODO_BODIES, len(overdue_bodies), "overdue"),
        Todo("untrained", phrases.TODO_UNTRAINED, counts["untrained"], assessment, "review:training"),
        Todo("unscored", phrases.TODO_UNSCORED, counts["unscored"], assessment, "review:assessment"),
        Todo("undecided", phrases.TODO_UNDECIDED, counts["undecided"], assessment, "review:assessment"),
        Todo("unpublished", phrases.TODO_UNPUBLISHED, counts["unpublished"], naming, "review:publicity_manage"),
        Todo("objections", phrases.TODO_OBJECTIONS, counts["objections"], naming, "review:publicity_manage"),
        Todo("to_name", phrases.TODO_TO_NAME, counts["to_name"], naming, "review:naming"),
        Todo("uncertified", phrases.TODO_UNCERTIFIED, counts["uncertified"], "todo", "review:naming"),
    ]
    order = {"overdue": 0, "near": 1, "todo": 2}
    return sorted((item for item in items if item.count), key=lambda item: order[item.severity])


def city_dashboard(campaign: Campaign, *, now: dt.datetime | None = None) -> Dashboard:
    """Every figure of the city's home for `campaign`, in four queries whatever the numbers."""
    now = now or timezone.now()
    bodies = list(reviewing_bodies())  # query 1
    filings = filings_by_body(campaign)  # query 2
    extensions = list(DeadlineExtension.objects.filter(campaign=campaign))  # query 3
    kept = tally.kept_counts(campaign.pk)  # query 4: the body table, funnel, categories and to-dos
    grouped = _grouped_counts(kept)

    by_body: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_category: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = dict.fromkeys(LISTED_STATUSES, 0)
    for (body_id, category, status), n in grouped.items():
        by_body[body_id][status] += n
        by_category[category][status] += n
        totals[status] += n

    rows, overdue = [], []
    moment = now.replace(microsecond=0)
    for body in bodies:
        counts = by_body.get(body.pk, {})
        filing = filings.get(body.pk)
        closes_at = stage_closes_at(campaign, Stage.FIRST_REVIEW, body, extensions=extensions)
        is_overdue = filing is None and moment > closes_at
        if is_overdue:
            pending = counts.get(Status.SUBMITTED, 0) + counts.get(Status.RETURNED, 0)
            overdue.append(OverdueBody(body, closes_at, pending, sum(counts.values())))
        rows.append(
            {
                "body": body,
                "filing": filing,
                "closes_at": closes_at,
                "extended": closes_at > campaign.closes_at(Stage.FIRST_REVIEW),
                "overdue": is_overdue,
                "counts": [(Status(s).label, counts.get(s, 0)) for s in LISTED_STATUSES],
                "total": sum(counts.values()),
                "phases": phases_of(counts),
            }
        )

    categories = [
        CategoryRow(
            value,
            phrases.CATEGORY_SHORT[value],
            label,
            [(step.label, step.count) for step in funnel_of(by_category.get(value, {}))],
        )
        for value, label in Category.choices
    ]
    return Dashboard(
        campaign=campaign,
        now=now,
        bodies=rows,
        totals=totals,
        funnel=funnel_of(totals),
        categories=categories,
        stages=stage_rows(campaign, extensions, now),
        overdue_bodies=overdue,
        todos=todos_of(campaign, now, overdue, kept),
    )
