"""培训 (the notice's 四(三)): the city's training sessions, and which posts' leaders attended.

Writes: `training_session_create`, `attendance_record` (many posts at once, from one table). Both
need the city's role and the TRAINING window (it closes with 考核, Campaign.assessment_closes_at).
Reads: `reported_posts` (the posts the city trains and assesses, in the 汇总表's order),
`attended_ids`, `has_attended`. Attendance is recorded from a session's day on, never before it is
held. A post whose leader attended no session cannot be assessed
(review.city.assessment asks `has_attended`).
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from applications.access import VISIBLE_TO_CITY
from applications.models import Application
from gangwei.dates import format_date
from gangwei.deadlines import require_stage_open, stage_closes_at
from gangwei.models import Campaign, Stage, User
from review import progress
from review.city import phrases
from review.city.common import page_by_body, require_city, text_error
from review.documents.summary import SUMMARY_ORDER
from review.models import Attendance, TrainingSession

# The statuses of the posts the city trains and assesses: reported (报送) and everything after.
REPORTED_STATUSES = VISIBLE_TO_CITY
ATTENDEE_MAX = Attendance._meta.get_field("attendee").max_length
TITLE_MAX = TrainingSession._meta.get_field("title").max_length
PLACE_MAX = TrainingSession._meta.get_field("place").max_length


def reported_posts(campaign: Campaign) -> QuerySet[Application]:
    """The posts of `campaign` the bodies reported to the city (and those decided since), by body
    in the notice's order, then each body's rank: the order of the 汇总表."""
    return (
        Application.objects.filter(campaign=campaign, status__in=REPORTED_STATUSES)
        .select_related("campaign", "unit__parent")
        .order_by(*SUMMARY_ORDER)
    )


def reported_posts_page(campaign: Campaign, number: str | None, size: int) -> Page:
    """One page of reported_posts, reading only the bodies the page covers (page_by_body)."""
    return page_by_body(campaign, REPORTED_STATUSES, reported_posts(campaign), SUMMARY_ORDER[2:], number, size)


def attended_ids(campaign: Campaign, application_ids: Iterable[int]) -> set[int]:
    """Which of `application_ids` (a page's posts) had their leader at any training of `campaign`
    (one query, as long as the page, whatever the campaign's size)."""
    return set(
        Attendance.objects.filter(session__campaign=campaign, application_id__in=list(application_ids))
        .order_by()
        .values_list("application_id", flat=True)
        .distinct()
    )


def has_attended(application: Application) -> bool:
    return Attendance.objects.filter(application=application, session__campaign_id=application.campaign_id).exists()


def _clean_text(value: str, field: str, limit: int, required_message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: required_message})
    error = text_error(value, limit)
    if error:
        raise ValidationError({field: error})
    return value


def training_session_create(
    *, user: User, campaign: Campaign, title: str, held_on: dt.date, place: str
) -> TrainingSession:
    """Add a training session to `campaign` (the city only, while the TRAINING window is open)."""
    require_city(user)
    title = _clean_text(title, "title", TITLE_MAX, phrases.TRAINING_TITLE_REQUIRED)
    place = _clean_text(place, "place", PLACE_MAX, phrases.TRAINING_PLACE_REQUIRED)
    if not isinstance(held_on, dt.date):
        raise ValidationError({"held_on": phrases.TRAINING_DATE_REQUIRED})
    opens_on = timezone.localtime(campaign.opens_at).date()
    closes_on = timezone.localtime(stage_closes_at(campaign, Stage.TRAINING, None)).date()
    if not opens_on <= held_on <= closes_on:
        raise ValidationError(
            {
                "held_on": phrases.TRAINING_DATE_RANGE.format(
                    opens_on=format_date(opens_on), closes_on=format_date(closes_on)
                )
            }
        )
    require_stage_open(campaign, Stage.TRAINING, None)
    return TrainingSession.objects.create(campaign=campaign, title=title, held_on=held_on, place=place, created_by=user)


def attendance_record(*, user: User, session: TrainingSession, attendees: dict[str, str]) -> int:
    """Record who attended `session` for many posts at once: `attendees` maps a post's key (a post
    reported in the session's campaign) to the name of who attended; "" removes that post's record.
    Keys left out are not touched. Returns how many records were added, changed or removed.

    Every name is checked before anything is written: one bad row refuses the whole table
    (ValidationError naming the row's field, `attendee_<key>`), so nothing is stored half-way."""
    require_city(user)
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key, name in attendees.items():
        name = (name or "").strip()
        error = text_error(name, ATTENDEE_MAX)
        if error:
            errors[f"attendee_{key}"] = error
        cleaned[key] = name
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The session's row first: two clerks saving the same table queue, and the unique
        # (session, post) constraint is never raced into an IntegrityError.
        session = TrainingSession.objects.select_for_update().select_related("campaign").get(pk=session.pk)
        require_stage_open(session.campaign, Stage.TRAINING, None)
        if session.held_on > timezone.localdate():
            # Attendance makes a post assessable: a session still to come proves no one attended.
            raise ValidationError({"__all__": phrases.ATTENDANCE_NOT_HELD.format(held_on=format_date(session.held_on))})
        posts = dict(
            Application.objects.filter(
                campaign=session.campaign, status__in=REPORTED_STATUSES, key__in=list(cleaned)
            ).values_list("key", "pk")
        )
        unknown = [key for key in cleaned if key not in posts]
        if unknown:
            raise ValidationError({"__all__": phrases.ATTENDANCE_UNKNOWN_POST})
        existing = {
            record.application_id: record
            for record in Attendance.objects.filter(session=session, application_id__in=posts.values())
        }
        to_create, to_update, to_delete = [], [], []
        for key, name in cleaned.items():
            record = existing.get(posts[key])
            if not name:
                if record is not None:
                    to_delete.append(record.pk)
            elif record is None:
                to_create.append(
                    Attendance(session=session, application_id=posts[key], attendee=name, recorded_by=user)
                )
            elif record.attendee != name:
                record.attendee = name
                record.recorded_by = user
                to_update.append(record)
        with progress.batched():  # the posts whose attendance came or went, restepped at once
            if to_delete:
                Attendance.objects.filter(pk__in=to_delete).delete()
            if to_create:
                Attendance.objects.bulk_create(to_create)
                progress.touched(record.application_id for record in to_create)
        if to_update:
            # bulk_update skips auto_now: the time of the change is set here.
            now = timezone.now()
            for record in to_update:
                record.recorded_at = now
            Attendance.objects.bulk_update(to_update, ["attendee", "recorded_by", "recorded_at"])
    return len(to_create) + len(to_update) + len(to_delete)
