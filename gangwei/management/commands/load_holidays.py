"""python manage.py load_holidays — add the years of the installed chinesecalendar library that the
holiday table lacks (after upgrading the library). Years already in the table are left alone: an
admin's entries are never overwritten."""

from django.core.management.base import BaseCommand
from django.db import transaction

from gangwei.workdays import load_library_calendar


class Command(BaseCommand):
    help = "从 chinesecalendar 库补充节假日表中缺少的年份（已有年份不变）。"

    def handle(self, *args, **options):
        with transaction.atomic():
            added = load_library_calendar()
        if added:
            self.stdout.write(f"已补充 {len(added)} 个年份：{added[0]}—{added[-1]}。")
        else:
            self.stdout.write("节假日表已包含 chinesecalendar 库的全部年份，无需补充。")
