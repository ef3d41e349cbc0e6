"""Benchmark: manage.py backup and restore of the demo data plus a folder of uploaded scans.

    python bench/backup.py [--files 500] [--database-url postgres://…/gangwei_bench]

In a scratch folder: migrates a fresh database (SQLite there unless --database-url names a
PostgreSQL database, which is dropped and created anew), seeds the naming stage, stores --files
scans of 200 KB each through the storage, then times `backup`, a wipe (flush and delete every file)
and `restore`, each as its own process as cron or an operator would run it.

Prints one figure per line: `name: value unit`.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def manage(env: dict[str, str], *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([PY, str(ROOT / "manage.py"), *args], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def recreate_postgresql(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password, dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="gangwei-bench-backup-"))
    try:
        env = {
            **os.environ,
            "DEBUG": "true",
            "PRIVATE_MEDIA_ROOT": str(scratch / "private"),
            "SQLITE_PATH": str(scratch / "db.sqlite3"),
            "DATABASE_URL": options.database_url,
        }
        if options.database_url:
            recreate_postgresql(options.database_url)
        manage(env, "migrate", "-v0")
        manage(env, "seed_demo", "--stage", "naming")
        # The scans go in through the storage, as uploads do.
        script = (
            "import os, django; django.setup()\n"
            "from django.core.files.base import ContentFile\n"
            "from django.core.files.storage import storages\n"
            f"for n in range({options.files}):\n"
            "    storages['default'].save(f'attachments/2021/bench{n:05d}', ContentFile(os.urandom(200 * 1024)))\n"
        )
        subprocess.run(
            [PY, "-c", script], env={**env, "DJANGO_SETTINGS_MODULE": "gangwei.settings"}, cwd=ROOT, check=True
        )

        backup_seconds = manage(env, "backup", "-o", str(scratch / "backups"))
        (folder,) = (scratch / "backups").iterdir()
        size = sum(p.stat().st_size for p in folder.iterdir())
        check_seconds = manage(env, "restore", "--check", str(folder))
        manage(env, "flush", "--noinput")
        shutil.rmtree(scratch / "private")
        restore_seconds = manage(env, "restore", str(folder))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    vendor = "postgresql" if options.database_url else "sqlite"
    print(f"database: {vendor}")
    print(f"files: {options.files + 3} files")
    print(f"backup_size: {size / 1024 / 1024:.1f} MB")
    print(f"backup_time: {backup_seconds:.2f} s")
    print(f"check_time: {check_seconds:.2f} s")
    print(f"restore_time: {restore_seconds:.2f} s")
    print(f"load_average_1min: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
