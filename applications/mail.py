"""Messages that are never lost (DESIGN §8): a row written in the transaction of the change, delivered
afterwards by a worker that retries.

Callers write with `notify_unit` (about an application, to its unit's users) or `queue_message`;
they never call send_mail themselves.
"""

from django.template.loader import render_to_string

from applications.models import Application, Message, MessageKind
from gangwei.models import Organisation


def organisation_recipients(organisation: Organisation) -> list[str]:
    """The e-mail addresses of the organisation's active users."""
    emails = organisation.users.filter(is_active=True).exclude(email="").values_list("email", flat=True)
    return sorted(set(emails))


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
    """Write one message to the outbox, in the caller's transaction."""
    return Message.objects.create(
        kind=MessageKind(kind),
        subject=subject[:200],
        body=body[:10000],
        recipients=", ".join(recipients)[:2000],
        application=application,
        organisation=organisation,
        dedupe_key=dedupe_key,
    )


def render_message(kind: str, context: dict) -> tuple[str, str]:
    """The subject (first line) and body of `templates/mail/<kind>.txt`."""
    text = render_to_string(f"mail/{kind}.txt", context).strip()
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip() + "\n"


def notify_unit(application: Application, kind: str, **context) -> Message:
    """Tell the application's unit about `kind` (its active users' addresses), in this transaction."""
    subject, body = render_message(kind, {"application": application, **context})
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
