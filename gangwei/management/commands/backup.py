"""python manage.py backup -o DIR [--keep N]

Backs up the database and every file of the default storage into DIR/<UTC timestamp>/ (mode 0700):
the dump, files.tar and manifest.json (row counts, every file's size and SHA-256). For cron: it asks
nothing, prints where it wrote and the sizes, and exits non-zero on any failure. See gangwei/backup.py.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gangwei.backup import BackupError, backup_create


def human(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


class Command(BaseCommand):
    help = "备份数据库和全部上传/生成的文件到 DIR/<时间>/（含 manifest.json：每张表的行数、每个文件的 SHA-256）。"

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="存放备份的文件夹（会建立，权限 0700）")
        parser.add_argument("--keep", type=int, help="备份成功后只保留最新的 N 份，删除更早的（默认全部保留）")

    def handle(self, *args, output: str, keep: int | None, **options):
        if not output.strip():
            raise CommandError("-o/--output 不能为空：请写存放备份的文件夹。")
        if keep is not None and keep < 1:
            raise CommandError("--keep 至少为 1。")
        try:
            result = backup_create(output=Path(output), keep=keep)
        except BackupError as exc:
            raise CommandError(f"备份失败：{exc}") from None
        except OSError as exc:
            raise CommandError(f"备份失败：{exc.strerror or exc}（{exc.filename or output}）") from None
        self.stdout.write(f"备份已写入 {result.path}")
        self.stdout.write(f"  数据库：{result.tables} 张表，{result.rows} 行，转储 {human(result.database_bytes)}")
        self.stdout.write(
            f"  文件：{result.files} 个，共 {human(result.files_bytes)}（归档 {human(result.archive_bytes)}）"
        )
        for path in result.removed:
            self.stdout.write(f"  已删除旧备份 {path}")
