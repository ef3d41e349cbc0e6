"""The one table of status transitions, and the one function that performs them.

draft ──submit──▶ submitted ──recommend──▶ recommended ──report──▶ reported ──pass──▶ passed ──name──▶ named
  ▲                 │   │                                              │                 │
  └──withdraw───────┘   ├──return──▶ returned ──resubmit──▶ submitted  └──fail──▶ failed  └──not_name──▶ not_named
                        └──not_recommend──▶ not_recommended
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Subquery, TextChoices
from django.utils import timezone

from applications.models import Application, ApplicationEvent, Status
from gangwei.deadlines import extensions_for, require_stage_open
from gangwei.models import Organisation, Stage, User
from gangwei.roles import Role, role_of
from gangwei.written_sql import select_sql


class Action(TextChoices):
    SUBMIT = "submit", "提交申报"
    WITHDRAW = "withdraw", "撤回申报"
    RETURN = "return", "退回修改"
    RESUBMIT = "resubmit", "修改后重新提交"
    RECOMMEND = "recommend", "初审推荐"
    NOT_RECOMMEND = "not_recommend", "初审不予推荐"
    REPORT = "report", "报送市妇联"
    PASS = "pass", "考核合格"
    FAIL = "fail", "考核不合格"
    NAME = "name", "命名"
    NOT_NAME = "not_name", "不予命名"
    REOPEN_REPORT = "reopen_report", "市妇联退回汇总表"


# Events that are not transitions, written to the same timeline.
class Note(TextChoices):
    CREATE = "create", "创建草稿"
    EDIT = "edit", "保存修改"
    UPLOAD = "upload", "上传附件"
    DELETE_UPLOAD = "delete_upload", "删除附件"


EVENT_LABELS = {**dict(Action.choices), **dict(Note.choices)}


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    role: str
    stage: Stage | None
    needs_note: bool = False


TRANSITIONS: dict[str, Transition] = {
    Action.SUBMIT: Transition(frozenset({Status.DRAFT}), Status.SUBMITTED, Role.APPLICANT, Stage.APPLY),
    # Withdrawing is never blocked by a deadline: a unit may always take its application back.
    Action.WITHDRAW: Transition(frozenset({Status.SUBMITTED}), Status.DRAFT, Role.APPLICANT, None),
    # A body may change its decision until it files its 汇总表 (review.services checks the filing):
    # a recommendation becomes a return or a refusal and back; a returned application that its unit
    # does not resubmit may be not recommended, so that the body can file.
    Action.RETURN: Transition(
        frozenset({Status.SUBMITTED, Status.RECOMMENDED, Status.NOT_RECOMMENDED}),
        Status.RETURNED,
        Role.REVIEWER,
        Stage.FIRST_REVIEW,
        needs_note=True,
    ),
    Action.RESUBMIT: Transition(frozenset({Status.RETURNED}), Status.SUBMITTED, Role.APPLICANT, Stage.FIRST_REVIEW),
    Action.RECOMMEND: Transition(
        frozenset({Status.SUBMITTED, Status.NOT_RECOMMENDED}), Status.RECOMMENDED, Role.REVIEWER, Stage.FIRST_REVIEW
    ),
    Action.NOT_RECOMMEND: Transition(
        frozenset({Status.SUBMITTED, Status.RECOMMENDED, Status.RETURNED}),
        Status.NOT_RECOMMENDED,
        Role.REVIEWER,
        Stage.FIRST_REVIEW,
        needs_note=True,
    ),
    Action.REPORT: Transition(frozenset({Status.RECOMMENDED}), Status.REPORTED, Role.REVIEWER, Stage.FIRST_REVIEW),
    Action.PASS: Transition(frozenset({Status.REPORTED}), Status.PASSED, Role.CITY, Stage.ASSESSMENT),
    Action.FAIL: Transition(frozenset({Status.REPORTED}), Status.FAILED, Role.CITY, Stage.ASSESSMENT),
    # The city sends a filed 汇总表 back to its body (with a reason): its applications are the body's
    # recommendations again. No window: the city may do it whenever a body asks; the body then needs
    # the 初审 window (or an extension) to change and file again.
    Action.REOPEN_REPORT: Transition(
        frozenset({Status.REPORTED}), Status.RECOMMENDED, Role.CITY, None, needs_note=True
    ),
    Action.NAME: Transition(frozenset({Status.PASSED}), Status.NAMED, Role.CITY, Stage.NAMING),
    Action.NOT_NAME: Transition(frozenset({Status.PASSED}), Status.NOT_NAMED, Role.CITY, Stage.NAMING),
}

# Statuses in which the applicant may change the form, and the stage that gates the change.
EDITABLE = {Status.DRAFT: Stage.APPLY, Status.RETURNED: Stage.FIRST_REVIEW}
# Statuses in which the applicant may add or remove scans, and the stage that gates it: the stamped
# scan of a submitted form is often made after submission, so it may follow until 初审 closes.
ATTACHABLE = {Status.DRAFT: Stage.APPLY, Status.SUBMITTED: Stage.FIRST_REVIEW, Status.RETURNED: Stage.FIRST_REVIEW}


class TransitionNotAllowed(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class StaleDecision(TransitionNotAllowed):
    """The application changed after the actor's page was loaded (a colleague acted first)."""

    def __init__(self, application: Application):
        self.application = application
        super().__init__(
            f"这份申报已被他人处理（当前状态：“{application.get_status_display()}”），"
            "您的操作没有执行。请查看最新情况后再决定。"
        )


def allowed_actions(application: Application, user: User) -> list[str]:
    """The actions the table allows this user on this application now (deadlines not checked)."""
    role = role_of(user)
    return [
        action
        for action, rule in TRANSITIONS.items()
        if application.status in rule.sources and rule.role == role and _owns(application, user, role)
    ]


def _owns(application: Application, user: User, role: str | None) -> bool:
    if role == Role.APPLICANT:
        return application.unit_id == user.organisation_id
    if role == Role.REVIEWER:
        return application.unit.parent_id == user.organisation_id
    return role == Role.CITY


def deadline_organisation(application: Application, role: str) -> Organisation | None:
    """Whose extensions count for an action: the unit's for applicants, the body's for reviewers."""
    if role == Role.APPLICANT:
        return application.unit
    if role == Role.REVIEWER:
        return application.unit.parent
    return None


def transition(
    *,
    application: Application,
    action: str,
    actor: User,
    note: str = "",
    guard: Callable[[Application], list[str] | None] | None = None,
    snapshot: Callable[[Application], dict] | None = None,
    on_commit: Callable[[Application], None] | None = None,
    expected_version: int | None = None,
    notes: list[ApplicationEvent] | None = None,
    savepoint: bool = True,
) -> Application:
    """Move `application` along `action`: lock, check table, role, window, save, write the event.

    `guard` runs on the locked row before the change: it raises ValidationError to refuse,
    and returns the names of any fields it set (the 申报编号);
    `on_commit` runs after the transaction commits (notifications);
    `expected_version` is the version the actor's page showed: a newer row (a colleague decided
    meanwhile) is refused with StaleDecision instead of being decided over;
    `notes`: unsaved timeline lines (note_for) that `guard` may add to, written before the event
    in the same INSERT.

    `savepoint=False`, inside a caller's transaction: no savepoint of its own (two round trips
    saved), for a caller that lets whatever this raises leave its atomic block (which then rolls back).
    The returned row carries `unit_extensions`, the deadline extensions read for the window check
    when they are those of its unit (an applicant's action), for a message written with the change.
    """
    rule = TRANSITIONS.get(action)
    if rule is None:
        raise TransitionNotAllowed("未知的操作。")
    role = role_of(actor)
    with transaction.atomic(savepoint=savepoint):
        # The 初审 body's row first, then the application's: the order every writer of 初审 keeps
        # (review.services locks the body to count its quota and to file; the 申报编号 guard locks
        # it too). Taking it here as well means no path locks an application and then its body,
        # so two writers queue instead of deadlocking.
        # The body as the caller read it with the unit: its row locked and read whole, in a statement
        # written out (the receipt names it; the application's read below joins it no more). Else the
        # body as the application's row says now, joined below.
        known = Application.unit.is_cached(application)
        if known:
            body = application.unit.parent_id
            bodies = list(Organisation.objects.raw(select_sql(Organisation, (("id", 1),), for_update=True), [body]))
            related = ("campaign", "unit")
        else:
            body = Subquery(Application.objects.filter(pk=application.pk).values("unit__parent_id")[:1])
            list(Organisation.objects.select_for_update().filter(pk=body).order_by().values_list("pk", flat=True))
            bodies, related = [], ("campaign", "unit__parent")
        locked = Application.objects.select_for_update(of=("self",)).select_related(*related).get(pk=application.pk)
        if known and locked.unit.parent_id != body:
            # The unit moved to another body since the caller read it: that body's row is not locked,
            # and locking it now (after the application) could deadlock with its reviewers.
            raise TransitionNotAllowed("所属初审单位刚刚变更，您的操作没有执行。请刷新页面后重试。")
        if bodies:
            locked.unit.parent = bodies[0]
        if rule.role != role or not _owns(locked, actor, role):
            raise PermissionDenied("您无权对此申报执行该操作。")
        # A moved version first: the actor's page is stale whatever the table allows from the new
        # status, and StaleDecision says so (and what the application is now).
        if expected_version is not None and locked.version != expected_version:
            raise StaleDecision(locked)
        if locked.status not in rule.sources:
            raise TransitionNotAllowed(
                f"当前状态为“{locked.get_status_display()}”，不能{Action(action).label}。页面可能已过期，请刷新后查看。"
            )
        if rule.needs_note and not note.strip():
            raise ValidationError({"note": f"{Action(action).label}必须写明理由。"})
        locked.unit_extensions = None
        if rule.stage is not None:
            organisation = deadline_organisation(locked, role)
            extensions = extensions_for(organisation)
            require_stage_open(locked.campaign, rule.stage, organisation, extensions=extensions)
            if organisation is locked.unit:
                locked.unit_extensions = extensions
        fields = ["status", "version", "updated_at"]
        if guard is not None:
            fields += guard(locked) or []
        from_status = locked.status
        locked.status = rule.target
        locked.version += 1
        if rule.target == Status.SUBMITTED:
            locked.submitted_at = timezone.now()
            fields.append("submitted_at")
        locked.save(update_fields=fields)
        event = ApplicationEvent(
            application=locked,
            action=action,
            from_status=from_status,
            to_status=rule.target,
            actor=actor,
            organisation=actor.organisation,
            note=note.strip(),
            snapshot=snapshot(locked) if snapshot else None,
        )
        ApplicationEvent.objects.bulk_create([*(notes or []), event])
        if on_commit is not None:
            transaction.on_commit(lambda: on_commit(locked))
    return locked


def note_for(*, application: Application, action: str, actor: User, note: str = "") -> ApplicationEvent:
    """A non-transition line (create, edit, upload) of the timeline, not yet saved."""
    return ApplicationEvent(
        application=application,
        action=action,
        from_status=application.status,
        to_status=application.status,
        actor=actor,
        organisation=actor.organisation,
        note=note,
    )


def record_note(*, application: Application, action: str, actor: User, note: str = "") -> ApplicationEvent:
    """Write a non-transition line (create, edit, upload) to the timeline."""
    event = note_for(application=application, action=action, actor=actor, note=note)
    event.save()
    return event
