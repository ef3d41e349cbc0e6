"""python manage.py export_summary --year 2021 [--body NAME] -o FILE.xlsx

Writes the 附件2 汇总表 of a campaign, the same workbook the pages give: city-wide (a 汇总 sheet of
counts, then one sheet per 初审 body, with what the bodies have reported), or one body's (its
recommended and reported applications, in its rank order).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from applications.access import VISIBLE_TO_CITY
from applications.models import Application
from audit.services import record_command_export
from gangwei.commands import reviewing_body_named
from gangwei.models import Campaign
from review.documents.summary import summary_workbook
from review.selectors import RECOMMENDED_STATUSES, reviewing_bodies


class Command(BaseCommand):
    help = "导出一个创建年度的附件2汇总表（.xlsx）：全市（各初审单位已报送的申报），或一个初审单位的推荐名单。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="创建年度，例如 2021")
        parser.add_argument("--body", help="只导出这个初审单位的汇总表（全称、简称或编号代码）")
        parser.add_argument("-o", "--output", required=True, help="输出文件（.xlsx）")

    def handle(self, *args, year: int, body: str | None, output: str, **options):
        if body is not None and not body.strip():
            raise CommandError("--body 不能为空：请写初审单位的全称、简称或编号代码；要导出全市汇总表，请不写 --body。")
        if not output.strip():
            raise CommandError("-o/--output 不能为空：请写输出文件的路径。")
        path = Path(output)
        if path.is_dir():
            raise CommandError(f"输出位置“{path}”是一个文件夹，请写文件路径，例如 {path / '汇总表.xlsx'}")
        campaign = Campaign.objects.filter(year=year).first()
        if campaign is None:
            raise CommandError(f"没有 {year} 年度的创建活动。")
        rows = Application.objects.filter(campaign=campaign)
        if body:
            bodies = [reviewing_body_named(body)]
            applications = rows.filter(unit__parent=bodies[0])
        else:
            bodies = list(reviewing_bodies())
            # What the city sees: what the bodies have reported (and later).
            applications = rows.filter(status__in=VISIBLE_TO_CITY)
        count = applications.filter(status__in=RECOMMENDED_STATUSES).count()
        content = summary_workbook(
            user=None, campaign=campaign, bodies=bodies, summary_sheet=not body, applications=applications
        )
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"无法写入文件“{path}”：{exc.strerror or exc}。") from None
        scope = bodies[0].label if body else f"全市 {len(bodies)} 个初审单位"
        record_command_export(path, year=year, scope=scope, applications=count)
        self.stdout.write(f"已导出 {year} 年度汇总表（{scope}，共 {count} 份申报）到 {path}")
