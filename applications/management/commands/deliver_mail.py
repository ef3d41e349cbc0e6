"""Send every due message of the outbox (DESIGN §8): for cron, and a safety net beside the worker.

    python manage.py deliver_mail           one pass, then exit
    python manage.py deliver_mail --loop    a pass every --interval seconds until stopped
"""

import time

from django.core.management.base import BaseCommand

from applications.mail import deliver_due
from applications.models import MessageState


class Command(BaseCommand):
    help = "发送到期的通知邮件（待发送、等待重试的），失败的按退避时间再试。"

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="不停地发送，每隔 --interval 秒一轮")
        parser.add_argument("--interval", type=float, default=30.0, help="--loop 时两轮之间的秒数（默认 30）")

    def handle(self, *args, loop: bool, interval: float, **options):
        while True:
            counts = deliver_due()
            if counts or not loop:
                self.stdout.write(self._summary(counts))
            if not loop:
                return
            time.sleep(max(interval, 1.0))

    @staticmethod
    def _summary(counts: dict[str, int]) -> str:
        if not counts:
            return "没有到期的通知邮件。"
        parts = [f"{MessageState(state).label} {n} 封" for state, n in sorted(counts.items())]
        return "本轮处理：" + "，".join(parts) + "。"
