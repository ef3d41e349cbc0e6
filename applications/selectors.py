"""Reads for the 申报 pages: what a unit sees in 我的申报 and on an application's page."""

import copy
import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from applications import phrases
from applications.access import VISIBLE_TO_CITY, VISIBLE_TO_REVIEWER, applications_visible_to
from applications.models import Application, ApplicationEvent, Honour, Leader, Status, StatusCount
from applications.services import APPLICATION_FIELDS, HONOUR_FIELDS, LEADER_FIELDS
from applications.workflow import ATTACHABLE, EDITABLE, EVENT_LABELS, Action, allowed_actions
from gangwei.dates import format_datetime, format_time
from gangwei.deadlines import current_campaign, extensions_for, stage_closes_at, stage_is_open, within
from gangwei.models import Campaign, DeadlineExtension, Organisation, Stage, User
from gangwei.paging import page_of_groups
from gangwei.roles import Role, role_of

# 下一步 of the statuses whose next step does not depend on a window.
NEXT_STEP = {
    Status.NOT_RECOMMENDED: phrases.NEXT_NOT_RECOMMENDED,
    Status.RECOMMENDED: phrases.NEXT_RECOMMENDED,
    Status.REPORTED: phrases.NEXT_REPORTED,
    Status.PASSED: phrases.NEXT_PASSED,
    Status.FAILED: phrases.NEXT_FAILED,
    Status.NAMED: phrases.NEXT_NAMED,
    Status.NOT_NAMED: phrases.NEXT_NOT_NAMED,
}


@dataclass
class Deadline:
    stage: Stage
    closes_at: dt.datetime
    opens_at: dt.datetime

    @property
    def is_open(self) -> bool:
        return within(self.opens_at, self.closes_at)

    @property
    def not_yet_open(self) -> bool:
        return timezone.now() < self.opens_at

    @property
    def days_left(self) -> int:
        """Whole calendar days left in Asia/Shanghai, 0 on the last day."""
        today = timezone.localdate()
        return (timezone.localtime(self.closes_at).date() - today).days

    @property
    def text(self) -> str:
        when = format_datetime(self.closes_at)
        if self.not_yet_open:
            return f"{self.stage.label}尚未开始（{format_datetime(self.opens_at)}开始）"
        if not self.is_open:
            return f"{self.stage.label}已于{when}截止"
        if self.days_left == 0:
            return f"{self.stage.label}今天{format_time(self.closes_at)}截止"
        return f"距{self.stage.label}截止还有{self.days_left}天（{when}）"


def deadline_for(application: Application, *, extensions: list[DeadlineExtension] | None = None) -> Deadline | None:
    """The deadline the unit is working against now, if its application is in its hands.

    A list page passes the unit's `extensions` (extensions_for), loaded once, not once per row.
    """
    stage = EDITABLE.get(application.status)
    if stage is None:
        return None
    closes_at = stage_closes_at(application.campaign, stage, application.unit, extensions=extensions)
    return Deadline(Stage(stage), closes_at, application.campaign.opens_at)


def apply_deadline(campaign: Campaign, user: User, *, extensions: list[DeadlineExtension] | None = None) -> Deadline:
    closes_at = stage_closes_at(campaign, Stage.APPLY, user.organisation, extensions=extensions)
    return Deadline(Stage.APPLY, closes_at, campaign.opens_at)


@dataclass
class ApplyState:
    """The current campaign and the unit's 申报 window, loaded once per request."""

    campaign: Campaign | None
    extensions: list[DeadlineExtension]
    deadline: Deadline | None

    @property
    def may_start(self) -> bool:
        """Whether a new application can be started now (the 新建申报 links)."""
        return self.deadline is not None and self.deadline.is_open


def apply_state_for(request) -> ApplyState:
    """The applicant's ApplyState, memoised on the request (the page and the menu share it)."""
    state = getattr(request, "_gangwei_apply_state", None)
    if state is None:
        deadlines = getattr(request, "deadlines", None)  # kept by the page cache, when it hands them
        if deadlines is not None:
            campaign = deadlines.current_campaign()
            extensions = deadlines.extensions_for(request.user.organisation)
        else:
            campaign = current_campaign()
            extensions = extensions_for(request.user.organisation)
        deadline = apply_deadline(campaign, request.user, extensions=extensions) if campaign else None
        state = request._gangwei_apply_state = ApplyState(campaign, extensions, deadline)
    return state


@dataclass
class ClosedNotice:
    """What a page says instead of offering a live form when the window is shut for this unit."""

    title: str
    window: str
    ask: str


def _body_contact(unit: Organisation) -> tuple[str, str]:
    """The unit's 初审 body by name, and its contact in brackets when it has one."""
    body = unit.parent
    if body is None:
        return "所属初审单位", ""
    contact = "，".join(
        part
        for part in (
            body.contact_name and f"联系人 {body.contact_name}",
            body.contact_phone and f"电话 {body.contact_phone}",
        )
        if part
    )
    return body.name, phrases.STAGE_BODY_CONTACT.format(contact=contact) if contact else ""


def closed_notice(deadline: Deadline | None, unit: Organisation, doing: str) -> ClosedNotice | None:
    """The notice for a shut window (None while it is open): since when, and whom to ask."""
    if deadline is None or deadline.is_open:
        return None
    stage = deadline.stage.label
    window = phrases.STAGE_WINDOW.format(
        stage=stage, opens=format_datetime(deadline.opens_at), closes=format_datetime(deadline.closes_at)
    )
    if deadline.not_yet_open:
        return ClosedNotice(phrases.STAGE_NOT_OPEN_TITLE.format(stage=stage, doing=doing), window, "")
    body, contact = _body_contact(unit)
    return ClosedNotice(
        phrases.STAGE_CLOSED_TITLE.format(stage=stage, doing=doing),
        window,
        phrases.STAGE_ASK_EXTENSION.format(body=body, body_contact=contact),
    )


@dataclass
class ApplicantActions:
    """What the unit may do with its application now: the table's statuses and the stage windows."""

    can_edit: bool = False
    can_submit: bool = False
    can_withdraw: bool = False
    can_upload: bool = False


def applicant_actions(
    application: Application, user: User, *, extensions: list[DeadlineExtension] | None = None
) -> ApplicantActions:
    """What the unit may do now; `extensions` (extensions_for the unit) spares the window queries."""
    if role_of(user) != Role.APPLICANT or application.unit_id != user.organisation_id:
        return ApplicantActions()
    status, campaign, unit = application.status, application.campaign, application.unit
    edit_stage, attach_stage = EDITABLE.get(status), ATTACHABLE.get(status)
    can_edit = edit_stage is not None and stage_is_open(campaign, edit_stage, unit, extensions=extensions)
    return ApplicantActions(
        can_edit=can_edit,
        can_submit=can_edit,
        can_withdraw=Action.WITHDRAW in allowed_actions(application, user),
        can_upload=attach_stage is not None and stage_is_open(campaign, attach_stage, unit, extensions=extensions),
    )


def _latest_event(application: Application, action: str) -> ApplicationEvent | None:
    """The newest event of `action`, from the prefetched timeline when there is one."""
    matching = [event for event in application.events.all() if event.action == action]
    return matching[-1] if matching else None


def return_reason(application: Application) -> str:
    """Why the 初审 body returned the application, while it is returned."""
    if application.status != Status.RETURNED:
        return ""
    event = _latest_event(application, Action.RETURN)
    return event.note if event else ""


@dataclass
class ShownApplication:
    """The version of an application a user should read: the live row, or the last submitted one."""

    application: Application
    leaders: list[Leader]
    honours: list[Honour]
    is_submitted_version: bool = False


def _submitted_snapshot(application: Application, user: User) -> dict | None:
    """The last submitted version, if `user` should read it instead of the live row: while a
    returned application is being revised, everyone but its unit reads what was submitted."""
    if application.status != Status.RETURNED or application.unit_id == user.organisation_id:
        return None
    submitted = next((e for e in reversed(application.events.all()) if e.snapshot), None)
    return submitted.snapshot if submitted else None


def _with_fields(application: Application, snapshot: dict) -> Application:
    shown = copy.copy(application)
    for name in APPLICATION_FIELDS:
        setattr(shown, name, snapshot.get(name))
    return shown


def application_as_seen_by(application: Application, user: User) -> ShownApplication:
    """The application as `user` should read it, rows included (events prefetched)."""
    snapshot = _submitted_snapshot(application, user)
    if snapshot is not None:
        leaders = [Leader(**{k: row.get(k, "") for k in LEADER_FIELDS}) for row in snapshot.get("leaders", [])]
        honours = [Honour(**{k: row.get(k, "") for k in HONOUR_FIELDS}) for row in snapshot.get("honours", [])]
        return ShownApplication(_with_fields(application, snapshot), leaders, honours, is_submitted_version=True)
    return ShownApplication(application, list(application.leaders.all()), list(application.honours.all()))


# The long texts no list page shows. Left out of a list's query: the database sorts every row it
# could list before taking one page, and sorting thousands of rows carrying them was most of the
# time of a list page (bench/pages.py).
LIST_DEFERRED = ("achievements", "unit_opinion", "special_reason", "review_opinion")


def applications_for_list(user: User, *, lean: bool = False) -> QuerySet[Application]:
    """The applications `user` may see, newest campaign first; `lean` leaves out LIST_DEFERRED."""
    rows = applications_visible_to(user).order_by("-campaign__year", "-updated_at", "-pk")
    return rows.defer(*LIST_DEFERRED) if lean else rows


def _counts_by_campaign(user: User) -> list[tuple[int, int]]:
    """(campaign id, how many of its applications `user` sees), newest year first: from the counts
    applications.tally keeps for a body or the city, counted for a unit (its own few)."""
    role = role_of(user)
    if role in (Role.CITY, Role.REVIEWER):
        kept = StatusCount.objects.filter(status__in=VISIBLE_TO_CITY if role == Role.CITY else VISIBLE_TO_REVIEWER)
        if role == Role.REVIEWER:
            kept = kept.filter(body_id=user.organisation_id)
        grouped = kept.values("campaign_id", "campaign__year").annotate(n=Sum("count"))
    else:
        grouped = applications_visible_to(user).values("campaign_id", "campaign__year").annotate(n=Count("pk"))
    return [(row["campaign_id"], row["n"]) for row in grouped.order_by("-campaign__year")]


def applications_list_page(user: User, number: str | None, size: int) -> Page:
    """One page of applications_for_list(user, lean=True): campaign by campaign, newest year first,
    each by its last change (an index's order: a page reads its own rows, not the whole list)."""
    rows = applications_for_list(user, lean=True)

    def rows_for(campaign_ids: list[int]) -> QuerySet[Application]:
        if len(campaign_ids) == 1:  # within one campaign: the index's order, without the join
            return rows.filter(campaign_id=campaign_ids[0]).order_by("-updated_at", "-pk")
        return rows.filter(campaign_id__in=campaign_ids)

    return page_of_groups(_counts_by_campaign(user), rows_for, rows, number, size)


def applications_as_seen_by(user: User) -> list[Application]:
    """The list page's applications, each as `user` should read it (one more query for the
    snapshots of returned applications, whatever their number)."""
    snapshots = ApplicationEvent.objects.filter(application__status=Status.RETURNED).exclude(snapshot=None)
    applications = applications_for_list(user).prefetch_related(
        Prefetch("events", queryset=snapshots.order_by("created_at", "id"))
    )
    shown = []
    for application in applications:
        snapshot = _submitted_snapshot(application, user)
        shown.append(_with_fields(application, snapshot) if snapshot is not None else application)
    return shown


def application_for_page(user: User, key: str) -> Application:
    """The application with its rows, attachments and timeline loaded in a fixed number of queries."""
    events = ApplicationEvent.objects.select_related("actor", "organisation").order_by("created_at", "id")
    try:
        return (
            applications_visible_to(user)
            .prefetch_related("leaders", "honours", "attachments", Prefetch("events", queryset=events))
            .get(key=key)
        )
    except Application.DoesNotExist:
        raise Http404("没有找到这份申报表。") from None


@dataclass
class TimelineEntry:
    """One line of the history: what happened, who (organisation and person), when, and the note."""

    created_at: dt.datetime
    label: str  # the action's short name (提交申报, 退回修改 ...)
    text: str  # what happened, as a sentence
    who: str  # 柳州市城中区妇女联合会 · 李红
    note_label: str
    note: str
    actor: User | None
    organisation: Organisation | None


def _who(event: ApplicationEvent) -> str:
    person = (event.actor.get_full_name() or event.actor.username) if event.actor else ""
    organisation = event.organisation.name if event.organisation else ""
    return " · ".join(part for part in (organisation, person) if part)


def timeline(application: Application, user: User | None = None) -> list[TimelineEntry]:
    """The history of a prefetched application, as `user` may read it.

    The unit sees all of it. Anyone else (its 初审 body, the city) sees it from the first
    submission on: the unit's drafting before that (create, saves, uploads) is its own business.
    """
    events = list(application.events.all())
    if user is not None and user.organisation_id != application.unit_id:
        first = next((i for i, e in enumerate(events) if e.action == Action.SUBMIT), len(events))
        events = events[first:]
    return [
        TimelineEntry(
            created_at=event.created_at,
            label=EVENT_LABELS.get(event.action, event.action),
            text=phrases.EVENT_TEXT.get(event.action, EVENT_LABELS.get(event.action, event.action)),
            who=_who(event),
            note_label=phrases.EVENT_NOTE_LABEL.get(event.action, phrases.EVENT_NOTE_LABEL_DEFAULT),
            note=event.note,
            actor=event.actor,
            organisation=event.organisation,
        )
        for event in events
    ]


def next_step(application: Application, *, extensions: list[DeadlineExtension] | None = None) -> str:
    """What is really next for the unit: by status, and for its own statuses by the window now.

    `extensions` (extensions_for) spares the queries on a list page.
    """
    status = Status(application.status)
    if status in NEXT_STEP:
        body = application.unit.parent.label if application.unit.parent_id else "所属初审单位"
        return NEXT_STEP[status].format(body=body)
    unit = application.unit
    body = unit.parent.name if unit.parent_id else "所属初审单位"
    if status == Status.SUBMITTED:
        closes_at = stage_closes_at(application.campaign, Stage.FIRST_REVIEW, unit, extensions=extensions)
        may_upload = within(application.campaign.opens_at, closes_at)
        template = phrases.NEXT_SUBMITTED if may_upload else phrases.NEXT_SUBMITTED_CLOSED
        return template.format(body=unit.parent.label if unit.parent_id else body)
    deadline = deadline_for(application, extensions=extensions)
    if status == Status.DRAFT:
        if deadline.not_yet_open:
            return phrases.NEXT_DRAFT_NOT_YET
        return phrases.NEXT_DRAFT_OPEN if deadline.is_open else phrases.NEXT_DRAFT_CLOSED.format(body=body)
    # Returned: revise and resubmit while 初审 is open.
    return phrases.NEXT_RETURNED_OPEN if deadline.is_open else phrases.NEXT_RETURNED_CLOSED.format(body=body)
