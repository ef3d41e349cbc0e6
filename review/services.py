"""Writes of 初审: decisions, rank, 报送 of the 汇总表, and the city reopening a filing.

Every change of status goes through applications.workflow.transition (lock, table, role, window,
event). A decision takes the body's row lock first, then the application's, always in that order,
so that two reviewers of one body (or a decision and a filing) queue instead of deadlocking, and
the quota is counted under the lock.
"""

import hashlib
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from applications.mail import notify_unit, organisation_recipients, queue_message
from applications.models import Application, ApplicationEvent, MessageKind, Status
from applications.workflow import Action, TransitionNotAllowed, transition
from gangwei.dates import format_datetime
from gangwei.deadlines import require_stage_open
from gangwei.models import Campaign, Organisation, Stage, User
from gangwei.roles import Role, role_of
from review import phrases
from review.models import CONDITION_FIELDS, Review, SummaryReport
from review.selectors import RECOMMENDED_STATUSES, current_filing, places_of

DECISIONS = (Action.RECOMMEND, Action.RETURN, Action.NOT_RECOMMEND)
MESSAGE_OF_DECISION = {
    Action.RECOMMEND: MessageKind.RECOMMENDED,
    Action.RETURN: MessageKind.RETURNED,
    Action.NOT_RECOMMEND: MessageKind.NOT_RECOMMENDED,
}


class Frozen(TransitionNotAllowed):
    """The body has filed its 汇总表: its decisions stand until the city reopens the filing."""

    def __init__(self, report: SummaryReport):
        self.report = report
        super().__init__(phrases.FROZEN.format(filed_at=format_datetime(report.filed_at)))


class QuotaFull(TransitionNotAllowed):
    pass


def _require_reviewer(user: User) -> Organisation:
    if role_of(user) != Role.REVIEWER:
        raise PermissionDenied(phrases.ONLY_REVIEWER)
    return user.organisation


def _lock_body(body: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=body.pk)


def _require_not_filed(campaign: Campaign, body: Organisation) -> None:
    report = current_filing(campaign, body)
    if report is not None:
        raise Frozen(report)


def _require_place(campaign: Campaign, body: Organisation) -> None:
    places = places_of(campaign, body)
    if places.left is not None and places.left <= 0:
        raise QuotaFull(phrases.QUOTA_FULL.format(quota=places.quota))


def _latest_submission(application: Application) -> ApplicationEvent | None:
    return (
        application.events.filter(action__in=[Action.SUBMIT, Action.RESUBMIT])
        .exclude(snapshot=None)
        .order_by("-created_at", "-id")
        .first()
    )


def _clean_conditions(action: str, conditions: dict[str, bool] | None) -> dict[str, bool]:
    conditions = {name: bool((conditions or {}).get(name)) for name in CONDITION_FIELDS}
    if action == Action.RECOMMEND and not all(conditions.values()):
        raise ValidationError({"conditions": phrases.CONDITIONS_REQUIRED})
    return conditions


def review_decide(
    *,
    application: Application,
    user: User,
    action: str,
    opinion: str = "",
    conditions: dict[str, bool] | None = None,
    version: int | None = None,
) -> Application:
    """Recommend, return or not recommend `application`, or change an earlier decision.

    A recommendation needs the five conditions confirmed and an 意见 (it prints in 附件1's last
    cell with the body's name and the date); a return or a refusal needs a reason (the event's note,
    which the unit reads). `version` is the one the reviewer's page showed: a colleague's decision
    in between is refused (StaleDecision), not decided over.
    """
    body = _require_reviewer(user)
    if application.unit.parent_id != body.pk:
        # Refused before any lock: locking our body and then another's could deadlock with that
        # body's reviewer doing the same the other way round.
        raise PermissionDenied(phrases.NOT_YOUR_APPLICATION)
    if action not in DECISIONS:
        raise TransitionNotAllowed(phrases.UNKNOWN_DECISION)
    opinion = (opinion or "").strip()
    if action == Action.RECOMMEND and not opinion:
        raise ValidationError({"opinion": phrases.OPINION_REQUIRED})
    conditions = _clean_conditions(action, conditions)
    with transaction.atomic():
        _lock_body(body)
        campaign = application.campaign
        _require_not_filed(campaign, body)

        def guard(locked: Application) -> list[str]:
            if action == Action.RECOMMEND:
                _require_place(campaign, body)
                locked.review_opinion = opinion
                locked.review_opinion_at = timezone.now()
            else:
                locked.review_opinion = ""
                locked.review_opinion_at = None
            return ["review_opinion", "review_opinion_at"]

        decided = transition(
            application=application,
            action=action,
            actor=user,
            note=opinion,
            guard=guard,
            expected_version=version,
        )
        _record_review(decided, user, action, conditions)
        notify_unit(decided, MESSAGE_OF_DECISION[action], reason=opinion, body=body)
    return decided


def _record_review(application: Application, user: User, action: str, conditions: dict[str, bool]) -> None:
    review, _ = Review.objects.get_or_create(application=application)
    for name, value in conditions.items():
        setattr(review, name, value)
    if action == Action.RECOMMEND:
        last = (
            _ranked(application.campaign, application.unit.parent_id)
            .exclude(pk=application.pk)
            .aggregate(last=Max("rank"))["last"]
        )
        review.rank = (last or 0) + 1
    else:
        review.rank = None
    review.judged_event = _latest_submission(application)
    review.decided_by = user
    review.decided_at = timezone.now()
    review.save()
    _renumber(application.campaign, application.unit.parent_id)


def _ranked(campaign: Campaign, body_id: int):
    return Review.objects.filter(
        application__campaign=campaign,
        application__unit__parent_id=body_id,
        application__status__in=RECOMMENDED_STATUSES,
    )


def _renumber(campaign: Campaign, body_id: int) -> None:
    """Close the gaps a changed decision leaves: the body's recommendations are ranked 1..n in
    their order (a new one last), so the 序号 of the 汇总表 and of the rank page agree."""
    reviews = list(
        _ranked(campaign, body_id).order_by(
            F("rank").asc(nulls_last=True), "application__submitted_at", "application_id"
        )
    )
    changed = []
    for position, review in enumerate(reviews, start=1):
        if review.rank != position:
            review.rank = position
            changed.append(review)
    if changed:
        Review.objects.bulk_update(changed, ["rank"])


def review_recommend_many(
    *,
    applications: Iterable[Application],
    user: User,
    opinion: str,
    conditions: dict[str, bool] | None,
    versions: dict[str, int] | None = None,
) -> tuple[list[Application], dict[str, str]]:
    """Recommend each of `applications` with the same 意见 and checklist, each in its own
    transaction: those that can be are, the others are named with the reason (quota, stale page).
    Returns (recommended, {key: reason})."""
    done, refused = [], {}
    for application in applications:
        try:
            done.append(
                review_decide(
                    application=application,
                    user=user,
                    action=Action.RECOMMEND,
                    opinion=opinion,
                    conditions=conditions,
                    version=(versions or {}).get(application.key),
                )
            )
        except TransitionNotAllowed as exc:
            # Each is tried: a quota or a filing refuses the rest with the same words, a stale page
            # or a changed status only that one.
            refused[application.key] = exc.message
        except ValidationError as exc:
            refused[application.key] = "；".join(exc.messages)
    return done, refused


def review_rank(*, user: User, campaign: Campaign, keys: list[str]) -> None:
    """Order the body's recommendations as `keys` lists them (the 序号 of its 汇总表). Keys must be
    exactly the body's recommended applications; a stale or tampered list is refused."""
    body = _require_reviewer(user)
    with transaction.atomic():
        _lock_body(body)
        require_stage_open(campaign, Stage.FIRST_REVIEW, body)
        _require_not_filed(campaign, body)
        recommended = Application.objects.filter(campaign=campaign, unit__parent=body, status=Status.RECOMMENDED)
        pks = dict(recommended.values_list("key", "pk"))
        if len(keys) != len(set(keys)) or set(keys) != set(pks):
            raise TransitionNotAllowed(phrases.RANK_STALE)
        # A recommendation without its review row (made outside review_decide) is ranked too.
        reviews = {review.pk: review for review in Review.objects.filter(pk__in=pks.values())}
        for position, key in enumerate(keys, start=1):
            review = reviews.get(pks[key]) or Review.objects.create(application_id=pks[key])
            review.rank = position
            reviews[review.pk] = review
        Review.objects.bulk_update(reviews.values(), ["rank"])


def summary_file(*, user: User, campaign: Campaign) -> tuple[SummaryReport, bool]:
    """报送: file the body's 汇总表 with the city. Its recommendations become `reported` and its
    decisions freeze; the file is kept as filed. Returns (report, created): filing again while a
    filing stands returns that filing and changes nothing."""
    from review.documents.summary import summary_workbook

    body = _require_reviewer(user)
    with transaction.atomic():
        _lock_body(body)
        existing = current_filing(campaign, body)
        if existing is not None:
            return existing, False
        require_stage_open(campaign, Stage.FIRST_REVIEW, body)
        pending = Application.objects.filter(
            campaign=campaign, unit__parent=body, status__in=[Status.SUBMITTED, Status.RETURNED]
        ).count()
        if pending:
            raise TransitionNotAllowed(phrases.FILE_PENDING.format(count=pending))
        places = places_of(campaign, body)
        if places.over:
            raise QuotaFull(phrases.FILE_OVER_QUOTA.format(quota=places.quota, over=places.over))
        now = timezone.now()
        content = summary_workbook(user=user, campaign=campaign, bodies=[body], filed_at=now)
        rows = Application.objects.filter(campaign=campaign, unit__parent=body, status=Status.RECOMMENDED)
        reported = [
            transition(application=application, action=Action.REPORT, actor=user)
            for application in rows.select_related("campaign", "unit__parent").order_by("pk")  # id order
        ]
        report = SummaryReport(
            campaign=campaign,
            body=body,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            rows=len(reported),
            filed_by=user,
            filed_at=now,
        )
        report.file.save("summary.xlsx", ContentFile(content), save=False)
        report.save()
        for application in reported:
            notify_unit(application, MessageKind.REPORTED, body=body, report=report)
    return report, True


def summary_reopen(*, user: User, report: SummaryReport, reason: str) -> SummaryReport:
    """The city sends a filed 汇总表 back to its body, with a reason (kept on the filing and on each
    application's timeline). Refused once the city has assessed any of its applications."""
    if role_of(user) != Role.CITY:
        raise PermissionDenied(phrases.ONLY_CITY)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": phrases.REOPEN_REASON_REQUIRED})
    with transaction.atomic():
        body = _lock_body(report.body)
        locked = SummaryReport.objects.select_for_update().get(pk=report.pk)
        if locked.reopened_at is not None:
            raise TransitionNotAllowed(phrases.ALREADY_REOPENED)
        applications = Application.objects.filter(campaign=locked.campaign, unit__parent=body)
        moved_on = applications.filter(status__in=[Status.PASSED, Status.FAILED, Status.NAMED, Status.NOT_NAMED])
        if moved_on.exists():
            raise TransitionNotAllowed(phrases.REOPEN_TOO_LATE)
        reported = applications.filter(status=Status.REPORTED).select_related("campaign", "unit__parent")
        for application in reported.order_by("pk"):  # in id order, as every writer locks posts
            transition(application=application, action=Action.REOPEN_REPORT, actor=user, note=reason)
        locked.reopened_by = user
        locked.reopened_at = timezone.now()
        locked.reopen_reason = reason
        locked.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])
        subject, text = phrases.REOPENED_MAIL_SUBJECT, phrases.REOPENED_MAIL_BODY
        queue_message(
            kind=MessageKind.REPORT_REOPENED,
            subject=subject.format(year=locked.campaign.year),
            body=text.format(body=body.name, year=locked.campaign.year, reason=reason),
            recipients=organisation_recipients(body),
            organisation=body,
        )
    return locked
