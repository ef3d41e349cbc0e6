"""python manage.py prune_audit            (for cron, once a day)

Deletes the audit events older than AUDIT_RETENTION_DAYS (default 400; never under 183 days, the
six months of 等保2.0), oldest first, in batches of a few thousand rows, each its own short
transaction, so the table is never locked for long while the site keeps writing to it."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.checks import MIN_RETENTION_DAYS
from audit.models import AuditEvent


class Command(BaseCommand):
    help = "删除超过保存期限（AUDIT_RETENTION_DAYS，默认 400 天，不得少于 183 天）的审计日志。"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000, help="每批删除的条数（默认 5000）")

    def handle(self, *args, batch_size: int, **options):
        days = settings.AUDIT_RETENTION_DAYS
        if days < MIN_RETENTION_DAYS:
            raise CommandError(
                f"AUDIT_RETENTION_DAYS={days} 少于 {MIN_RETENTION_DAYS} 天（六个月）：等保2.0 要求审计记录至少保存六个月，"
                "未删除任何记录。"
            )
        if batch_size < 1:
            raise CommandError("--batch-size 必须是正整数。")
        cutoff = timezone.now() - dt.timedelta(days=days)
        deleted = 0
        while True:
            batch = list(
                AuditEvent.objects.filter(occurred_at__lt=cutoff)
                .order_by("occurred_at")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not batch:
                break
            deleted += AuditEvent.objects.filter(pk__in=batch).delete()[0]
        self.stdout.write(
            f"已删除 {deleted} 条 {days} 天以前（{timezone.localtime(cutoff):%Y-%m-%d %H:%M:%S} 之前）的审计日志。"
        )
