"""python manage.py restore DIR/<timestamp> [--yes | --check]

Restores a backup written by `manage.py backup`: checks the dump and every file against the
manifest first (refusing a backup that does not match), then replaces the database and writes the
files into the default storage, and checks the result (every table's row count, every file's
SHA-256). It asks nothing; over a database or storage that holds data it refuses unless --yes is
given. Stop the app servers and the worker first. With --check it only verifies the backup.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gangwei.backup import BackupError, backup_restore, backup_verify
from gangwei.management.commands.backup import human


class Command(BaseCommand):
    help = "从 manage.py backup 写的备份文件夹恢复数据库和文件；恢复前后都按 manifest.json 核对。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="一份备份的文件夹，例如 /var/backups/gangwei/20261207T020000Z")
        parser.add_argument(
            "--yes", action="store_true", help="确认覆盖：数据库或文件存储中已有数据时，没有这个参数就拒绝恢复"
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="只核对备份是否完整（哈希与 manifest.json 一致），不恢复、不改动任何数据",
        )

    def handle(self, *args, path: str, yes: bool, check: bool, **options):
        if not path.strip():
            raise CommandError("请写要恢复的备份文件夹。")
        try:
            if check:
                manifest = backup_verify(Path(path))
                self.stdout.write(
                    f"备份 {path} 完整：数据库转储和 {len(manifest['files'])} 个文件都与 manifest.json 一致（未恢复）。"
                )
                return
            result = backup_restore(path=Path(path), overwrite=yes)
        except BackupError as exc:
            raise CommandError(f"恢复失败：{exc}") from None
        except OSError as exc:
            raise CommandError(f"恢复失败：{exc.strerror or exc}（{exc.filename or path}）") from None
        self.stdout.write(f"已从 {result.path} 恢复并核对：")
        self.stdout.write(f"  数据库：{result.tables} 张表，{result.rows} 行，与备份一致")
        self.stdout.write(f"  文件：{result.files} 个，共 {human(result.files_bytes)}，SHA-256 与备份一致")
        if result.extra_files:
            self.stdout.write(
                f"  另有 {len(result.extra_files)} 个文件在备份之后存入、备份中没有，已保留未删，例如 {result.extra_files[0]}"
            )
