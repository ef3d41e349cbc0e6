"""Count the applications of every campaign again into StatusCount (applications.tally), after
writing again each post's progress from its records (review.progress).

    python manage.py recount_statuses          recount, and say which progress and counts were wrong
    python manage.py recount_statuses --check  only say whether they match (exit status 1 if not)

The counts are kept by every write through the model; run this after rows were written around it
(a bulk load, an SQL repair), or to check them.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from applications import tally


class Command(BaseCommand):
    help = "按申报重新统计各状态份数（applications_statuscount）；--check 只检查是否一致。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只检查，不修改；不一致时退出码为 1")

    def handle(self, *args, check: bool, **options):
        from review import progress

        drifted = progress.drift()
        for pk, (kept_progress, now) in sorted(drifted.items()):
            self.stdout.write(f"申报表 {pk}：进度记录为“{kept_progress}”，实际为“{now}”")
        if drifted and not check:
            with transaction.atomic():
                progress.restep(drifted)
        kept, counted = tally.counted_kept(), tally.counted_from_rows()
        wrong = sorted(key for key in kept.keys() | counted.keys() if kept.get(key, 0) != counted.get(key, 0))
        for key in wrong:
            campaign_id, body_id, category, status, progress_text = key
            self.stdout.write(
                f"年度 {campaign_id}，初审单位 {body_id}，类别 {category or '（空）'}，状态 {status}，"
                f"进度 {progress_text or '（空）'}："
                f"记录 {kept.get(key, 0)} 份，实际 {counted.get(key, 0)} 份"
            )
        if check:
            if wrong or drifted:
                raise CommandError(f"{len(drifted)} 份申报的进度、{len(wrong)} 组份数与申报不一致。")
            self.stdout.write("各状态份数与申报一致。")
            return
        tally.recount()
        self.stdout.write(f"已重新统计；更正了 {len(drifted)} 份申报的进度、{len(wrong)} 组份数。")
