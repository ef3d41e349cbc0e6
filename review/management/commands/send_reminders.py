"""Queue the deadline reminders (DESIGN §8), for cron (e.g. every hour):

    python manage.py send_reminders

For every opened campaign with reminder days, while a deadline is at most that many days ahead and
not passed (each organisation's own deadline, extensions counted):
- 申报截止: each unit with a draft gets one reminder naming its drafts;
- 初审截止: each unit with a returned application gets one reminder to resubmit it, and each 初审
  body with submitted applications it has not decided gets one reminder naming them.

Each reminder is written once, however often the command runs: its dedupe key (stage, year,
organisation, deadline) is unique in the outbox, so a second run, or two runs at once, add nothing.
A deadline moved by an extension is a new deadline and is reminded again. The command only writes
the messages; the worker (`manage.py db_worker`) or `manage.py deliver_mail` sends them.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.mail import organisation_recipients, queue_message, render_message
from applications.models import Application, Message, MessageKind, Status
from gangwei.dates import format_datetime
from gangwei.deadlines import stage_closes_at
from gangwei.models import Campaign, DeadlineExtension, Organisation, Stage


@dataclass
class Reminder:
    kind: str
    template: str
    stage: Stage
    organisation: Organisation
    campaign: Campaign
    closes_at: dt.datetime
    applications: list[Application] = field(default_factory=list)

    @property
    def dedupe_key(self) -> str:
        closes = self.closes_at.astimezone(dt.UTC).isoformat()
        return f"reminder:{self.template.removeprefix('reminder_')}:{self.campaign.year}:{self.organisation.pk}:{closes}"


# (stage, the status whose applications are reminded, kind, template, who is written to)
RULES = [
    (Stage.APPLY, Status.DRAFT, MessageKind.REMINDER_APPLY, "reminder_apply", "unit"),
    (Stage.FIRST_REVIEW, Status.RETURNED, MessageKind.REMINDER_REVIEW, "reminder_returned", "unit"),
    (Stage.FIRST_REVIEW, Status.SUBMITTED, MessageKind.REMINDER_REVIEW, "reminder_review", "body"),
]


def due_reminders(now: dt.datetime | None = None) -> list[Reminder]:
    """The reminders whose time has come, whether or not they were written already."""
    now = now or timezone.now()
    reminders: list[Reminder] = []
    for campaign in Campaign.objects.filter(opens_at__lte=now, reminder_days__gt=0).order_by("year"):
        extensions = list(DeadlineExtension.objects.filter(campaign=campaign))
        window = dt.timedelta(days=campaign.reminder_days)
        for stage, status, kind, template, addressee in RULES:
            if campaign.closes_at(stage) < now - dt.timedelta(days=366):
                continue  # long over, whatever an extension says
            grouped: dict[int, list[Application]] = defaultdict(list)
            organisations: dict[int, Organisation] = {}
            applications = (
                Application.objects.filter(campaign=campaign, status=status)
                .select_related("unit__parent")
                .order_by("unit_id", "number", "pk")
            )
            for application in applications:
                organisation = application.unit if addressee == "unit" else application.unit.parent
                if organisation is None:
                    continue
                organisations[organisation.pk] = organisation
                grouped[organisation.pk].append(application)
            for pk, items in grouped.items():
                organisation = organisations[pk]
                closes_at = stage_closes_at(campaign, stage, organisation, extensions=extensions)
                if closes_at - window <= now <= closes_at:
                    reminders.append(Reminder(kind, template, stage, organisation, campaign, closes_at, items))
    return reminders


def queue_reminders(now: dt.datetime | None = None) -> tuple[list[Reminder], list[Reminder]]:
    """Write the due reminders not written before; (written, already written)."""
    written, skipped = [], []
    for reminder in due_reminders(now):
        if Message.objects.filter(dedupe_key=reminder.dedupe_key).exists():
            skipped.append(reminder)
            continue
        context = {
            "organisation": reminder.organisation,
            "campaign": reminder.campaign,
            "closes_at": format_datetime(reminder.closes_at),
            "drafts": reminder.applications,
            "pending": reminder.applications,
            "applications": reminder.applications,
        }
        subject, body = render_message(reminder.template, context)
        only = reminder.applications[0] if len(reminder.applications) == 1 and reminder.template != "reminder_review" else None
        try:
            with transaction.atomic():
                queue_message(
                    kind=reminder.kind,
                    subject=subject,
                    body=body,
                    recipients=organisation_recipients(reminder.organisation),
                    application=only,
                    organisation=reminder.organisation,
                    dedupe_key=reminder.dedupe_key,
                )
        except IntegrityError:  # another run wrote it a moment ago
            skipped.append(reminder)
        else:
            written.append(reminder)
    return written, skipped


class Command(BaseCommand):
    help = "给临近申报截止、初审截止仍有未完成事项的单位写提醒邮件（每个截止时间只提醒一次）；邮件由 db_worker 发送。"

    def handle(self, *args, **options):
        written, skipped = queue_reminders()
        for reminder in written:
            self.stdout.write(
                f"已排入提醒：{reminder.organisation.name}（{reminder.stage.label}截止 "
                f"{format_datetime(reminder.closes_at)}，{len(reminder.applications)} 份申报）"
            )
        self.stdout.write(f"共排入 {len(written)} 封提醒邮件；此前已提醒、本次跳过 {len(skipped)} 封。")
