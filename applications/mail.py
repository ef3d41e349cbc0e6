"""Messages that are never lost (DESIGN §8): a row written in the transaction of the change, delivered
afterwards by a worker that retries.

Callers write with `notify_unit` (about an application, to its unit's users) or `queue_message`;
they never call send_mail themselves. `queue_message` writes the Message row and enqueues the
`deliver_message` task in the caller's transaction (django-tasks' database backend writes a row in
the same database), so a change that rolls back leaves neither, and one that commits leaves both.
Nothing here touches SMTP until the worker (`manage.py db_worker`) or the sweeper
(`manage.py deliver_mail`) runs `deliver`.

Delivery is claimed before it is attempted: under a row lock (skip_locked where the database has
it) the worker checks that the message is still due and moves its next attempt a lease ahead, then
sends outside any transaction. A second worker, or the sweeper, finds it not due and leaves it; a
worker that died mid-send leaves a lease that expires, and the message is tried again.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Message, MessageKind, MessageState
from gangwei.dates import format_datetime
from gangwei.deadlines import stage_closes_at
from gangwei.models import Organisation, Stage, User
from gangwei.pagecache import rows_changed
from gangwei.written_sql import select_sql

try:  # Django 6 has the tasks framework built in; on 5.2 the django-tasks backport provides it.
    from django.tasks import task
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task

logger = logging.getLogger(__name__)

# Minutes to wait after the n-th failed attempt (1, 5, 15, 60, then hourly); after MAX_ATTEMPTS
# failures the message is given up (its page says so). Hourly for a week: an SMTP outage over a
# weekend or a holiday delays the messages, it does not lose them.
BACKOFF_MINUTES = [1, 5, 15, 60]
MAX_ATTEMPTS = 4 + 7 * 24
# How long a claimed message is left to the worker that claimed it (longer than EMAIL_TIMEOUT).
LEASE = dt.timedelta(minutes=5)
ERROR_LENGTH = 500

DELIVERABLE = [MessageState.PENDING, MessageState.FAILED]


def organisation_recipients(organisation: Organisation) -> list[str]:
    """The e-mail addresses of the organisation's active users (read with every submission: one
    statement written out, not compiled again)."""
    sql = select_sql(User, (("organisation", 1), ("is_active", 1)), columns=("email",))
    with connection.cursor() as cursor:
        cursor.execute(sql, [organisation.pk, True])
        return sorted({email for (email,) in cursor.fetchall() if email})


def split_recipients(recipients: str) -> list[str]:
    return [address.strip() for address in recipients.split(",") if address.strip()]


def queue_message(
    *,
    kind: str,
    subject: str,
    body: str,
    recipients: list[str],
    application: Application | None = None,
    organisation: Organisation | None = None,
    dedupe_key: str = "",
) -> Message:
    """Write one message to the outbox and enqueue its delivery, in the caller's transaction.

    A message without any address is kept as "no recipient" (its page says so) and never sent.
    """
    # No savepoint inside a caller's transaction (two round trips saved): a failure here ends the
    # caller's transaction, as it must (the change is not kept without its message).
    with transaction.atomic(savepoint=False):
        message = Message.objects.create(
            kind=MessageKind(kind),
            subject=" ".join(subject.split())[:200],
            body=body[:10000],
            recipients=", ".join(recipients)[:2000],
            application=application,
            organisation=organisation,
            dedupe_key=dedupe_key,
            state=MessageState.PENDING if recipients else MessageState.NO_RECIPIENT,
        )
        if recipients:
            deliver_message.enqueue(message.pk)
    return message


def site_url(path: str = "/") -> str:
    return f"{settings.SITE_URL}{path}"


def render_message(kind: str, context: dict) -> tuple[str, str]:
    """The subject (first line) and body of `templates/mail/<kind>.txt`."""
    text = render_to_string(f"mail/{kind}.txt", {"site_url": site_url(), **context}).strip()
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip() + "\n"


def notify_unit(application: Application, kind: str, **context) -> Message:
    """Tell the application's unit about `kind` (its active users' addresses), in this transaction.
    The unit's deadline extensions are those transition() read, when it read the unit's."""
    link = site_url(reverse("applications:detail", kwargs={"key": application.key}))
    review_closes_at = stage_closes_at(
        application.campaign,
        Stage.FIRST_REVIEW,
        application.unit,
        extensions=getattr(application, "unit_extensions", None),
    )
    subject, body = render_message(
        kind,
        {
            "application": application,
            "application_url": link,
            "review_closes_at": format_datetime(review_closes_at),
            **context,
        },
    )
    return queue_message(
        kind=kind,
        subject=subject,
        body=body,
        recipients=organisation_recipients(application.unit),
        application=application,
        organisation=application.unit,
    )


def messages_of(application: Application) -> list[Message]:
    """The messages about `application`, oldest first, for its page (one query)."""
    return list(application.messages.order_by("created_at", "id"))


# --- delivery ----------------------------------------------------------------------------------


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failure: 1, 5, 15, 60 minutes, then every hour."""
    index = min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1
    return dt.timedelta(minutes=BACKOFF_MINUTES[index])


def due(now: dt.datetime | None = None) -> QuerySet[Message]:
    """Messages waiting to be sent whose time has come (never claimed, or their retry is due)."""
    now = now or timezone.now()
    return Message.objects.filter(state__in=DELIVERABLE).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def _claim(message_id: int) -> Message | None:
    """Take the message for this worker if it is still due; None if it is sent, given up, or another
    worker has it."""
    skip = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        message = due().select_for_update(skip_locked=skip).filter(pk=message_id).first()
        if message is None:
            return None
        message.next_attempt_at = timezone.now() + LEASE
        message.save(update_fields=["next_attempt_at"])
    return message


def _short_error(exc: BaseException) -> str:
    """What the staff may read in the admin: the kind of failure, cut short."""
    text = f"{type(exc).__name__}: {exc}".strip()
    return " ".join(text.split())[:ERROR_LENGTH]


def deliver(message_id: int) -> str | None:
    """Try to send one message if it is due; returns its state afterwards, or None when there was
    nothing to do (sent already, given up, not due, or claimed by another worker)."""
    message = _claim(message_id)
    if message is None:
        return None
    recipients = split_recipients(message.recipients)
    if not recipients:
        Message.objects.filter(pk=message.pk).update(state=MessageState.NO_RECIPIENT, next_attempt_at=None)
        rows_changed()  # the application's page shows each message's state
        return MessageState.NO_RECIPIENT
    try:
        EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=recipients,
        ).send(fail_silently=False)
    except Exception as exc:  # SMTPException, OSError (refused, timeout), anything a backend raises
        logger.warning("message %s not sent: %s", message.pk, _short_error(exc))
        return _record_failure(message, exc)
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
    )
    rows_changed()
    return MessageState.SENT


def _record_failure(message: Message, exc: BaseException) -> str:
    attempts = message.attempts + 1
    with transaction.atomic():
        if attempts >= MAX_ATTEMPTS:
            state, next_attempt_at = MessageState.GAVE_UP, None
        else:
            state, next_attempt_at = MessageState.FAILED, timezone.now() + backoff(attempts)
        Message.objects.filter(pk=message.pk).update(
            state=state, attempts=attempts, last_error=_short_error(exc), next_attempt_at=next_attempt_at
        )
        if next_attempt_at is not None:
            deliver_message.using(run_after=next_attempt_at).enqueue(message.pk)
        rows_changed()
    return state


def deliver_due(limit: int | None = None) -> dict[str, int]:
    """Send every message that is due (the sweeper, for cron and as a safety net if a task row was
    lost); counts of the states reached."""
    ids = list(due().order_by("created_at", "id").values_list("pk", flat=True)[:limit])
    counts: dict[str, int] = {}
    for message_id in ids:
        state = deliver(message_id)
        if state is not None:
            counts[state] = counts.get(state, 0) + 1
    return counts


@task()
def deliver_message(message_id: int) -> str | None:
    """The worker's task: one attempt at one message (a failure enqueues the next attempt)."""
    return deliver(message_id)
