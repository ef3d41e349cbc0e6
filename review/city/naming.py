"""命名 (the notice's 四(五)): the city names the posts that passed, or records 不予命名 with a reason;
each named post gets a certificate whose number ("2021-001") is never reused. And the reads of the
naming page, the honour roll, certificate verification and the 初审 notice of an earlier naming.

A post may be named only after its 公示 has ended (the day after `ends_on`, Asia/Shanghai) and while
no objection to it is pending or upheld; 不予命名 needs a reason but no 公示 (a post with an upheld
objection is exactly one the city does not name). Both go through applications.workflow.transition
(role city, stage NAMING, status passed).

Locks, in order: the campaign's row, then the 初审 body's row and the application's
(taken by `transition`). Under the campaign's row the next certificate sequence is read, so two
namings at once queue for the number instead of sharing it; and an objection being lodged (which
holds the same row, review.city.publicity) commits before the guard reads the objections — taken
after the application's row instead, the two would deadlock at the objection's commit (its foreign
key check waits for the application's row). 不予命名 takes it too: a 公示 being published (under the
same row) lists the post before it is refused, never after. Certificates are never deleted, so "last sequence + 1"
never gives out a number twice.
"""

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Trim
from django.urls import reverse
from django.utils import timezone

from applications.mail import notify_unit
from applications.models import Application, ApplicationEvent, MessageKind, Status
from applications.workflow import Action, TransitionNotAllowed, transition
from gangwei.dates import format_date
from gangwei.models import Campaign, User
from review.city import phrases
from review.city.common import require_city
from review.city.publicity import blocking_objections, publicity_ended, publicity_of
from review.models import Certificate, ObjectionOutcome, PublicityEntry

NUMBER_PATTERN = re.compile(r"\d{4}-\d{3,6}")
# The order of every list of named posts: by 初审 body as the notice lists them, then by number.
NAMED_ORDER = (
    "application__unit__parent__display_order",
    "application__unit__parent__name",
    "sequence",
)


class NamingRefused(TransitionNotAllowed):
    """The post may not be named yet: its 公示 has not ended, or an objection blocks it."""


# --- the 公示 reads --------------------------------------------------------------------------------


def _publicity_ends_on(application: Application) -> dt.date | None:
    publicity = publicity_of(application)
    return publicity.ends_on if publicity else None


# --- writes --------------------------------------------------------------------------------------


def _require_nameable(application: Application) -> None:
    if not publicity_ended(application):
        ends_on = _publicity_ends_on(application)
        if ends_on is None:
            raise NamingRefused(phrases.NAMING_NOT_PUBLISHED)
        raise NamingRefused(phrases.NAMING_PUBLICITY_RUNNING.format(ends_on=format_date(ends_on)))
    blocking = blocking_objections(application)
    if blocking:
        pending = sum(1 for objection in blocking if objection.outcome == ObjectionOutcome.PENDING)
        if pending:
            raise NamingRefused(phrases.NAMING_OBJECTION_PENDING.format(count=pending))
        raise NamingRefused(phrases.NAMING_OBJECTION_UPHELD)


def _issue_certificate(application: Application) -> Certificate:
    campaign = Campaign.objects.select_for_update().get(pk=application.campaign_id)
    last = Certificate.objects.filter(campaign=campaign).aggregate(last=Max("sequence"))["last"] or 0
    sequence = last + 1
    return Certificate.objects.create(
        application=application,
        campaign=campaign,
        sequence=sequence,
        number=f"{campaign.year}-{sequence:03d}",
        issued_on=timezone.localdate(),
    )


def naming_decide(*, user: User, application: Application, name: bool, reason: str = "") -> Application:
    """Name `application` (issuing its certificate) or record 不予命名 with `reason`.

    Refusals: PermissionDenied (not the city), StageClosed (outside the 命名 window),
    TransitionNotAllowed (not passed, or decided already), NamingRefused (公示 not ended, an
    objection pending or upheld), ValidationError {"reason": …} (不予命名 without a reason).
    """
    require_city(user)
    reason = (reason or "").strip()
    if not name and not reason:
        raise ValidationError({"reason": phrases.NOT_NAME_REASON_REQUIRED})
    action = Action.NAME if name else Action.NOT_NAME
    with transaction.atomic():
        Campaign.objects.select_for_update().get(pk=application.campaign_id)

        def guard(locked: Application) -> list[str]:
            if name:
                _require_nameable(locked)
            return []

        decided = transition(application=application, action=action, actor=user, note=reason, guard=guard)
        if name:
            certificate = _issue_certificate(decided)
            # The unit's timeline says which certificate (the applications app knows no review).
            decided.events.filter(action=Action.NAME).update(
                note=phrases.NAMED_EVENT_NOTE.format(number=certificate.number, url=verify_url(certificate.number))
            )
            notify_unit(
                decided,
                MessageKind.NAMED,
                certificate=certificate,
                issued_on=format_date(certificate.issued_on),
                verify_url=verify_url(certificate.number),
            )
        else:
            notify_unit(decided, MessageKind.NOT_NAMED, reason=reason)
    return decided


# --- reads ---------------------------------------------------------------------------------------


def verify_url(number: str) -> str:
    """The public verification page of a certificate, on the site's configured address (the QR code)."""
    return settings.SITE_URL + reverse("review:verify", kwargs={"number": number})


def named_certificates(campaign: Campaign) -> QuerySet[Certificate]:
    """The certificates of `campaign` with their applications and bodies, by body then number."""
    return (
        Certificate.objects.filter(campaign=campaign)
        .select_related("campaign", "application__unit__parent")
        .order_by(*NAMED_ORDER)
    )


def named_posts(campaign: Campaign) -> list[Certificate]:
    """named_certificates, all of them (one query): the exports and the public honour roll."""
    return list(named_certificates(campaign))


def named_by_body(certificates: list[Certificate]) -> list[tuple[object, list[Certificate]]]:
    """`certificates` (in NAMED_ORDER) grouped by their 初审 body: [(body, [certificate, …]), …]."""
    groups: list[tuple[object, list[Certificate]]] = []
    for certificate in certificates:
        body = certificate.application.unit.parent
        if not groups or groups[-1][0].pk != body.pk:
            groups.append((body, []))
        groups[-1][1].append(certificate)
    return groups


def named_years() -> list[int]:
    """Every year that has named posts, newest first."""
    return list(
        Campaign.objects.filter(certificates__isnull=False).distinct().order_by("-year").values_list("year", flat=True)
    )


def certificate_by_number(number: str) -> Certificate | None:
    """The certificate numbered `number`, or None (also for anything not shaped like a number)."""
    if not isinstance(number, str) or not NUMBER_PATTERN.fullmatch(number):
        return None
    return Certificate.objects.select_related("campaign", "application").filter(number=number).first()


def earlier_namings(application: Application) -> list[Certificate]:
    """Certificates of earlier campaigns for the same unit and the same post (post_name, trimmed)."""
    post = (application.post_name or "").strip()
    if not post:
        return []
    return list(
        Certificate.objects.filter(
            application__unit_id=application.unit_id, campaign__year__lt=application.campaign.year
        )
        .annotate(post=Trim("application__post_name"))
        .filter(post=post)
        .select_related("campaign", "application")
        .order_by("campaign__year", "sequence")
    )


def undecided_posts(campaign: Campaign) -> QuerySet[Application]:
    """The passed posts of `campaign` awaiting 命名, with their 公示 end and blocking objections
    counted in the same query, in body order."""
    ends_on = PublicityEntry.objects.filter(application=OuterRef("pk")).values("publicity__ends_on")[:1]
    return (
        Application.objects.filter(campaign=campaign, status=Status.PASSED)
        .select_related("unit__parent")
        .annotate(
            publicity_ends_on=Subquery(ends_on),
            pending_objections=Count("objections", filter=Q(objections__outcome=ObjectionOutcome.PENDING)),
            upheld_objections=Count("objections", filter=Q(objections__outcome=ObjectionOutcome.UPHELD)),
        )
        .order_by("unit__parent__display_order", "unit__parent__name", "number", "pk")
    )


def not_named_posts(campaign: Campaign) -> QuerySet[Application]:
    """The posts recorded 不予命名, with the reason (the last such event's note), in one query."""
    reason = (
        ApplicationEvent.objects.filter(application=OuterRef("pk"), action=Action.NOT_NAME)
        .order_by("-created_at", "-pk")
        .values("note")[:1]
    )
    return (
        Application.objects.filter(campaign=campaign, status=Status.NOT_NAMED)
        .select_related("unit__parent")
        .annotate(not_named_reason=Subquery(reason))
        .order_by("unit__parent__display_order", "unit__parent__name", "number", "pk")
    )


def earlier_naming_notices(application: Application) -> list[str]:
    """What the reviewer's page says of each earlier naming of this unit's post."""
    return [
        phrases.EARLIER_NAMING.format(
            post=certificate.application.post_name.strip(), year=certificate.campaign.year, number=certificate.number
        )
        for certificate in earlier_namings(application)
    ]
