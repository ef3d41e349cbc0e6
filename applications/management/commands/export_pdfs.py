"""python manage.py export_pdfs --year 2021 [--body NAME] -o DIR

Writes the 附件1 PDF of every application of a campaign that has left the draft stage (submitted or
later), for archiving: one file per application, named `<申报编号>-<申报单位>.pdf`.
"""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from applications.models import Application, Status
from applications.pdf import application_pdf_filename, render_application_pdf
from audit.services import record_command_export
from gangwei.commands import reviewing_body_named
from gangwei.models import Campaign


class Command(BaseCommand):
    help = "导出一个创建年度中已提交（及之后各状态）申报表的附件1 PDF，每份申报一个文件。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="创建年度，例如 2021")
        parser.add_argument("--body", help="只导出这个初审单位的申报（全称、简称或编号代码）")
        parser.add_argument("-o", "--output", required=True, help="输出文件夹（不存在则创建）")

    def handle(self, *args, year: int, body: str | None, output: str, **options):
        if body is not None and not body.strip():
            # An empty name would otherwise read as "no --body", i.e. every body's applications.
            raise CommandError("--body 不能为空：请写初审单位的全称、简称或编号代码；要导出全部初审单位的申报，请不写 --body。")
        folder = self._folder(output)
        campaign = Campaign.objects.filter(year=year).first()
        if campaign is None:
            raise CommandError(f"没有 {year} 年度的创建活动。")
        applications = (
            Application.objects.filter(campaign=campaign)
            .exclude(status=Status.DRAFT)
            .select_related("campaign", "unit__parent")
            .prefetch_related("leaders", "honours")
            .order_by("number", "id")
        )
        if body:
            applications = applications.filter(unit__parent=reviewing_body_named(body))

        written = 0
        for application in applications.iterator(chunk_size=100):
            path = folder / application_pdf_filename(application)
            try:
                path.write_bytes(render_application_pdf(application))
            except OSError as exc:
                raise CommandError(
                    f"无法写入文件“{path}”：{exc.strerror or exc}。已导出 {written} 份，其余未导出。"
                ) from None
            written += 1
        record_command_export(folder, year=year, body=body or "", applications=written)
        self.stdout.write(f"已导出 {written} 份申报表 PDF 到 {folder}")

    def _folder(self, output: str) -> Path:
        """The output folder, created if missing and tried with a scratch file, before any PDF is made."""
        folder = Path(output)
        if not output.strip():
            raise CommandError("-o/--output 不能为空：请写输出文件夹的路径。")
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"输出位置“{folder}”已有一个同名文件，不是文件夹。请换一个文件夹路径。")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise CommandError(f"无法使用输出文件夹“{folder}”：{reason}。请检查路径和写入权限。") from None
        return folder
