"""公示 and 异议: the city publishes the posts that passed (拟命名名单) for a number of working days;
anyone may object during the period; the city records how each objection was handled.

A 公示 is a period of the campaign inside the NAMING window, not a status of the application: the
naming service asks `publicity_ended` and `blocking_objections` before it names a post.
"""

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from applications.mail import notify_unit, site_url
from applications.models import Application, MessageKind, Status
from applications.workflow import TransitionNotAllowed
from gangwei.dates import format_date, format_datetime
from gangwei.deadlines import require_stage_open
from gangwei.models import Campaign, Stage, User
from gangwei.workdays import CalendarUnknown, working_days_end
from review import progress
from review.city import phrases
from review.city.common import require_city
from review.documents.summary import SUMMARY_ORDER
from review.models import Objection, ObjectionOutcome, Publicity, PublicityEntry

# How many objections one address may lodge in RATE_WINDOW (counted in the database, so the limit
# holds across app servers).
RATE_LIMIT = 5
RATE_WINDOW = dt.timedelta(hours=1)
BLOCKING = [ObjectionOutcome.PENDING, ObjectionOutcome.UPHELD]
RESOLUTIONS = [ObjectionOutcome.REJECTED, ObjectionOutcome.UPHELD]
# The columns the lists show of a post: its names, category and 初审 body; nothing private.
ENTRY_COLUMNS = [
    "id",
    "publicity_id",
    "position",
    "application_id",
    "application__id",
    "application__key",
    "application__status",
    "application__applicant_name",
    "application__post_name",
    "application__parent_unit",
    "application__category",
    "application__unit_id",
    "application__unit__parent_id",
    "application__unit__parent__name",
    "application__unit__parent__short_name",
]


class PublicityClosed(TransitionNotAllowed):
    """An objection outside the publicity's period."""


class TooManyObjections(TransitionNotAllowed):
    """The address has lodged RATE_LIMIT objections within the last hour."""


# --- reads ----------------------------------------------------------------------------------------


def publishable(campaign: Campaign) -> QuerySet[Application]:
    """The posts of `campaign` that passed and are in no publicity yet, in body order (the bodies'
    order, then each body's rank, as in the 汇总表)."""
    return (
        Application.objects.filter(campaign=campaign, status=Status.PASSED, publicity_entries__isnull=True)
        .select_related("unit__parent")
        .order_by(*SUMMARY_ORDER)
    )


def _entries() -> Prefetch:
    return Prefetch(
        "entries",
        queryset=PublicityEntry.objects.select_related("application__unit__parent")
        .only(*ENTRY_COLUMNS)
        .order_by("position", "id"),
    )


def publicities_of(campaign: Campaign) -> list[Publicity]:
    """The campaign's publicities, oldest first, each with its entries (two queries)."""
    return list(Publicity.objects.filter(campaign=campaign).order_by("starts_on", "id").prefetch_related(_entries()))


def publicity_of(application: Application) -> Publicity | None:
    return Publicity.objects.filter(entries__application=application).first()


def is_open(publicity: Publicity, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return publicity.starts_on <= today <= publicity.ends_on


def publicity_ended(application: Application, today: dt.date | None = None) -> bool:
    """Whether the post's 公示 exists and its period is over (today, Asia/Shanghai, after ends_on)."""
    publicity = publicity_of(application)
    return publicity is not None and (today or timezone.localdate()) > publicity.ends_on


def blocking_objections(application: Application) -> list[Objection]:
    """The objections that keep the post from being named: pending or upheld."""
    return list(application.objections.filter(outcome__in=BLOCKING).order_by("submitted_at", "id"))


def objections_of(campaign: Campaign) -> list[Objection]:
    return list(
        Objection.objects.filter(publicity__campaign=campaign)
        .select_related("application", "publicity", "resolved_by")
        .order_by("submitted_at", "id")
    )


def source_of(address: str) -> str:
    """A keyed hash of the sender's address: the same address gives the same value (for the rate
    limit), and the address itself is never stored."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def period_end(campaign: Campaign, starts_on: dt.date) -> dt.date:
    """The end of a 公示 of `campaign` that starts on `starts_on`; ValidationError on starts_on when
    the period reaches a year the holiday table does not know."""
    try:
        return working_days_end(starts_on, campaign.publicity_days)
    except CalendarUnknown as exc:
        raise ValidationError({"starts_on": exc.message}) from exc


def check_start(campaign: Campaign, starts_on: dt.date) -> None:
    """The rules of a start date the form and the service share."""
    today = timezone.localdate()
    if starts_on < today:
        raise ValidationError({"starts_on": phrases.PUBLICITY_START_PAST.format(today=format_date(today))})
    closes_on = timezone.localtime(campaign.naming_closes_at).date()
    if starts_on > closes_on:
        raise ValidationError(
            {"starts_on": phrases.PUBLICITY_START_AFTER_NAMING.format(closes_on=format_date(closes_on))}
        )


# --- writes ---------------------------------------------------------------------------------------


def publicity_publish(*, user: User, campaign: Campaign, starts_on: dt.date) -> Publicity:
    """Publish every passed post of `campaign` not yet in a publicity, from `starts_on` for the
    campaign's number of working days; tell each post's unit, in the same transaction."""
    require_city(user)
    with transaction.atomic():
        # One publisher (and one objection) at a time per campaign: no post is listed twice.
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        require_stage_open(campaign, Stage.NAMING, None)
        check_start(campaign, starts_on)
        posts = list(publishable(campaign))
        if not posts:
            raise ValidationError(phrases.PUBLICITY_NOTHING)
        ends_on = period_end(campaign, starts_on)
        publicity = Publicity.objects.create(
            campaign=campaign,
            starts_on=starts_on,
            days=campaign.publicity_days,
            ends_on=ends_on,
            published_by=user,
            published_at=timezone.now(),
        )
        PublicityEntry.objects.bulk_create(
            PublicityEntry(publicity=publicity, application=post, position=position)
            for position, post in enumerate(posts, start=1)
        )
        progress.touched(post.pk for post in posts)  # bulk_create sends no signal
        public_url = site_url(reverse("review:publicity", kwargs={"year": campaign.year}))
        for post in posts:
            notify_unit(post, MessageKind.PUBLICITY, publicity=publicity, public_url=public_url)
    return publicity


def _clean_text(value: str | None) -> str:
    return (value or "").strip()


def objection_lodge(
    *,
    publicity: Publicity,
    application: Application,
    name: str,
    phone: str,
    email: str,
    content: str,
    source_address: str,
) -> Objection:
    """Anyone lodges an objection to a post of `publicity` while its period runs (Asia/Shanghai
    dates, both ends included); at most RATE_LIMIT an hour from one address."""
    source = source_of(source_address)
    objection = Objection(
        publicity_id=publicity.pk,
        application_id=application.pk,
        name=_clean_text(name),
        phone=_clean_text(phone),
        email=_clean_text(email),
        content=_clean_text(content),
        source=source,
    )
    errors = {}
    for field, message in (
        ("name", phrases.OBJECTION_NAME_REQUIRED),
        ("phone", phrases.OBJECTION_PHONE_REQUIRED),
        ("content", phrases.OBJECTION_CONTENT_REQUIRED),
    ):
        if not getattr(objection, field):
            errors[field] = message
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The campaign's row lock makes the count below and the insert one step across servers.
        Campaign.objects.select_for_update().filter(pk=publicity.campaign_id).first()
        locked = Publicity.objects.get(pk=publicity.pk)
        if not is_open(locked):
            raise PublicityClosed(
                phrases.OBJECTION_CLOSED.format(
                    starts_on=format_date(locked.starts_on), ends_on=format_date(locked.ends_on)
                )
            )
        if not locked.entries.filter(application_id=application.pk).exists():
            raise ValidationError({"application": phrases.OBJECTION_NOT_LISTED})
        now = timezone.now()
        recent = Objection.objects.filter(source=source, submitted_at__gt=now - RATE_WINDOW).count()
        if recent >= RATE_LIMIT:
            raise TooManyObjections(phrases.OBJECTION_TOO_MANY)
        objection.submitted_at = now
        objection.full_clean(exclude=["publicity", "application"])
        objection.save()
    return objection


def objection_resolve(*, user: User, objection: Objection, outcome: str, resolution: str) -> Objection:
    """The city records how an objection was handled: not upheld (the post may be named) or upheld
    (it may not), with what was found. A recorded outcome is final."""
    require_city(user)
    resolution = _clean_text(resolution)
    errors = {}
    if outcome not in RESOLUTIONS:
        errors["outcome"] = phrases.OBJECTION_OUTCOME_REQUIRED
    if not resolution:
        errors["resolution"] = phrases.OBJECTION_RESOLUTION_REQUIRED
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = (
            Objection.objects.select_for_update(of=("self",))
            .select_related("publicity__campaign", "application")
            .get(pk=objection.pk)
        )
        require_stage_open(locked.publicity.campaign, Stage.NAMING, None)
        if locked.outcome != ObjectionOutcome.PENDING:
            raise TransitionNotAllowed(
                phrases.OBJECTION_ALREADY_RESOLVED.format(
                    resolved_at=format_datetime(locked.resolved_at), outcome=locked.get_outcome_display()
                )
            )
        locked.outcome = outcome
        locked.resolution = resolution
        locked.resolved_by = user
        locked.resolved_at = timezone.now()
        locked.full_clean(exclude=["publicity", "application", "resolved_by"])
        locked.save(update_fields=["outcome", "resolution", "resolved_by", "resolved_at"])
    return locked
