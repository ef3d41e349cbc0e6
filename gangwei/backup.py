"""Backups that restore: the database and every stored file, in one folder, with a manifest.

Why our own and not django-dbbackup (evaluated, 5.4.0): its SQLite restore either replays an SQL
dump with INSERT OR REPLACE (rows added after the backup survive a "restore") or writes the file
over a live WAL database; the database and the files are two commands and two unrelated artifacts;
and nothing records what a restore must give back. What we need is small: pg_dump/pg_restore for
PostgreSQL, SQLite's online backup API, Django's Storage API for the files (so the local folder
and S3 behave the same), and a manifest that a restore checks before and after.

One backup is a folder ``<DIR>/<UTC timestamp>/`` (mode 0700, files 0600) holding

- ``database.dump`` (pg_dump custom format) or ``database.sqlite3`` (an SQLite database file),
- ``files.tar``: every file of STORAGES["default"], under its storage name,
- ``manifest.json``: the vendor, the dump's size and sha256, the row count of every table (taken
  in the same snapshot as the dump), and every file's name, size and sha256.

The folder is written as ``<timestamp>.partial`` and renamed when complete, so a backup that
crashed half-way is never mistaken for one that can be restored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connections, transaction

MANIFEST = "manifest.json"
FILES_ARCHIVE = "files.tar"
FORMAT = 1
CHUNK = 1024 * 1024
# A finished backup's folder name; --keep and the restore's hints only count these.
BACKUP_NAME = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")
# Tables that `migrate` itself fills on an empty database (the bookkeeping, and gangwei's holiday
# calendar from its data migration): rows there do not make a database "in use".
MIGRATION_FILLED_TABLES = frozenset(
    {"django_migrations", "django_content_type", "auth_permission", "gangwei_calendaryear", "gangwei_calendarday"}
)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese, for the operator."""


@dataclass
class BackupResult:
    path: Path
    database_bytes: int
    files: int
    files_bytes: int
    archive_bytes: int
    tables: int
    rows: int
    removed: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    path: Path
    tables: int
    rows: int
    files: int
    files_bytes: int
    # Files in the storage that the backup does not have (stored after it): kept, not deleted, as
    # no row of the restored database points at them.
    extra_files: list[str] = field(default_factory=list)


# --- files, through the Storage API -----------------------------------------------------------------


def storage_files(storage: Storage, prefix: str = "") -> list[str]:
    """Every file name in the storage, recursively, sorted. listdir() is what both the local folder
    and S3 (django-storages) answer, so no local path is assumed."""
    try:
        directories, files = storage.listdir(prefix)
    except FileNotFoundError:
        return []
    names = [f"{prefix}{name}" for name in files]
    for directory in directories:
        names.extend(storage_files(storage, f"{prefix}{directory}/"))
    return sorted(names)


class _HashingReader:
    """Hands a file's bytes to tarfile while counting and hashing them on the way."""

    def __init__(self, fileobj):
        self.fileobj = fileobj
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.fileobj.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def file_sha256(storage: Storage, name: str) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _sha256_path(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _archive_files(storage: Storage, archive: Path) -> list[dict]:
    entries = []
    with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tar:
        for name in storage_files(storage):
            size = storage.size(name)
            info = tarfile.TarInfo(name)
            info.size = size
            info.mode = 0o600
            try:
                info.mtime = int(storage.get_modified_time(name).timestamp())
            except (NotImplementedError, OSError):
                info.mtime = 0
            with storage.open(name, "rb") as handle:
                reader = _HashingReader(handle)
                # tarfile raises if the file is shorter than its size said (changed under us).
                tar.addfile(info, reader)
            if reader.size != size:
                raise BackupError(f"文件“{name}”在备份过程中被修改，请重试。")
            entries.append({"name": name, "size": size, "sha256": reader.sha256.hexdigest()})
    return entries


def _archive_members(archive: Path):
    """(member, file object) of every regular file of a backup's files.tar; anything else refused."""
    with tarfile.open(archive, "r") as tar:
        for member in tar:
            if not member.isfile():
                raise BackupError(f"文件归档中有不是普通文件的条目“{member.name}”，拒绝恢复。")
            yield member, tar.extractfile(member)


# --- the database -----------------------------------------------------------------------------------


def _tables(connection) -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def _row_counts(connection, tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _pg_command(connection, program: str) -> tuple[list[str], dict[str, str], str]:
    """The connection options of Django's own psql client (host, port, user, sslmode, passfile, …)
    for pg_dump/pg_restore, and the database name (the test database's, under pytest)."""
    from django.db.backends.postgresql.client import DatabaseClient

    dbname = connection.settings_dict.get("NAME")
    if not dbname:
        raise BackupError("DATABASES 中没有数据库名（NAME），无法备份或恢复。")
    args, env = DatabaseClient.settings_to_cmd_args_env(connection.settings_dict, [])
    options = args[1:-1]  # -U, -h, -p; the last argument is the database name
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(
            f"找不到 {program}：请安装与数据库服务器同一主版本的 PostgreSQL 客户端（apt-get install postgresql-client）。"
        )
    return [binary, *options], {**os.environ, **(env or {})}, dbname


def _run(command: list[str], env: dict[str, str]) -> None:
    completed = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if completed.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} 失败（退出码 {completed.returncode}）：{completed.stderr.strip()}")


def _dump_postgresql(connection, target: Path) -> dict[str, int]:
    """pg_dump of one REPEATABLE READ snapshot, the row counts read in that same snapshot."""
    command, env, dbname = _pg_command(connection, "pg_dump")
    if connection.in_atomic_block:
        raise BackupError("备份不能在事务中运行。")
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        counts = _row_counts(connection, _tables(connection))
        _run([*command, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", dbname], env)
    return counts


def _dump_sqlite(connection, target: Path) -> dict[str, int]:
    """SQLite's online backup API: a consistent copy even while the WAL database is written to
    (a plain file copy of a WAL database is not); counts are read from the copy itself."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        try:
            connection.connection.backup(copy)
        except sqlite3.Error as exc:
            raise BackupError(f"无法读取数据库（{exc}）。") from None
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        tables = [
            row[0]
            for row in copy.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        ]
        counts = {table: copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in sorted(tables)}
    finally:
        copy.close()
    return counts


def _restore_postgresql(connection, dump: Path) -> None:
    command, env, dbname = _pg_command(connection, "pg_restore")
    # pg_restore waits without limit for a table another session holds (the archive itself sets
    # lock_timeout = 0), so a server or worker in the middle of a transaction is refused up front.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'"
        )
        busy = cursor.fetchone()[0]
    if busy:
        raise BackupError(f"还有 {busy} 个其他连接正在使用这个数据库。请先停止应用服务器和 db_worker，再恢复。")
    connection.close()  # no session of ours holds a lock on a table pg_restore drops
    _run(
        [
            *command,
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={dbname}",
            str(dump),
        ],
        env,
    )


def _restore_sqlite(connection, dump: Path) -> None:
    """The backup API again, from the copy into the live database: written through SQLite's own
    pager and locks (WAL included), replacing every page, so nothing of the old content survives."""
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    except sqlite3.Error as exc:  # "database is locked": another process is writing
        raise BackupError(f"无法写入数据库（{exc}）。请先停止应用服务器和 db_worker，再恢复。") from None
    finally:
        source.close()


def _dump_file(vendor: str) -> str:
    return {"postgresql": "database.dump", "sqlite": "database.sqlite3"}[vendor]


# --- backup -----------------------------------------------------------------------------------------


def _private_dir(path: Path, *, exist_ok: bool) -> None:
    """A folder only its owner can enter. A folder that exists already (-o /var/backups) keeps
    its mode: each backup inside is 0700 on its own."""
    if exist_ok and path.is_dir():
        return
    path.mkdir(mode=0o700, parents=True, exist_ok=exist_ok)
    os.chmod(path, 0o700)  # mkdir's mode is cut by the umask


def backup_create(*, output: Path, keep: int | None = None, using: str = "default") -> BackupResult:
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"不支持的数据库类型：{connection.vendor}")
    storage = storages["default"]
    _private_dir(output, exist_ok=True)
    name = _next_name(output, dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ"))
    partial = output / f"{name}.partial"
    _private_dir(partial, exist_ok=False)  # a backup started at the same moment fails, never shares
    old_umask = os.umask(0o077)
    try:
        dump = partial / _dump_file(connection.vendor)
        if connection.vendor == "postgresql":
            counts = _dump_postgresql(connection, dump)
        else:
            counts = _dump_sqlite(connection, dump)
        # After the database: a file uploaded meanwhile is only an orphan in the backup, never a
        # row whose file is missing.
        files = _archive_files(storage, partial / FILES_ARCHIVE)
        manifest = {
            "format": FORMAT,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": {
                "vendor": connection.vendor,
                "file": dump.name,
                "size": dump.stat().st_size,
                "sha256": _sha256_path(dump),
                "tables": counts,
            },
            "files": files,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        for path in partial.iterdir():
            os.chmod(path, 0o600)
        final = output / name
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    finally:
        os.umask(old_umask)
    removed = backup_prune(output=output, keep=keep) if keep else []
    return BackupResult(
        path=final,
        database_bytes=manifest["database"]["size"],
        files=len(files),
        files_bytes=sum(entry["size"] for entry in files),
        archive_bytes=(final / FILES_ARCHIVE).stat().st_size,
        tables=len(counts),
        rows=sum(counts.values()),
        removed=removed,
    )


def _order(name: str) -> tuple[str, int]:
    """20261207T020000Z-2 → ("20261207T020000Z", 2): backups of one second, in the order made."""
    return name[:16], int(name[17:] or 0)


def _next_name(output: Path, stamp: str) -> str:
    """The timestamp, or, when a backup of that second (or a later one: a clock set back) is there
    already, the newest one's with the next suffix, so the newest backup always sorts last."""
    taken = [
        _order(p.name.removesuffix(".partial"))
        for p in output.iterdir()
        if BACKUP_NAME.match(p.name.removesuffix(".partial"))
    ]
    latest = max(taken, default=None)
    if latest is None or latest < (stamp, 0):
        return stamp
    return f"{latest[0]}-{latest[1] + 1}"


def backups_in(output: Path) -> list[Path]:
    """The finished backups in a folder, oldest first."""
    if not output.is_dir():
        return []
    found = [p for p in output.iterdir() if p.is_dir() and BACKUP_NAME.match(p.name) and (p / MANIFEST).is_file()]
    return sorted(found, key=lambda p: _order(p.name))


def backup_prune(*, output: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` finished backups; partial folders and foreign files stay."""
    if keep < 1:
        raise BackupError("--keep 至少为 1。")
    old = backups_in(output)[:-keep]
    for path in old:
        shutil.rmtree(path)
    return old


# --- restore ----------------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict:
    manifest_path = path / MANIFEST
    if not path.is_dir():
        raise BackupError(f"“{path}”不是一个备份文件夹。")
    if not manifest_path.is_file():
        found = backups_in(path)
        hint = f"要恢复其中最新的一份，请写：{found[-1]}" if found else "没有 manifest.json，不是完整的备份。"
        raise BackupError(f"“{path}”里没有 {MANIFEST}。{hint}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        database = manifest["database"]
        if manifest.get("format") != FORMAT or database["file"] != _dump_file(database["vendor"]):
            raise BackupError(f"{MANIFEST} 的格式不认识。")
        for entry in manifest["files"]:
            entry["name"], entry["size"], entry["sha256"]  # noqa: B018 -- each entry has all three
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{MANIFEST} 已损坏：{exc}") from None
    return manifest


def backup_verify(path: Path) -> dict:
    """Check a backup against its own manifest without touching the database or the storage:
    the dump's hash, and the archive's files exactly as listed, each with its size and hash."""
    manifest = read_manifest(path)
    database = manifest["database"]
    dump = path / database["file"]
    if not dump.is_file():
        raise BackupError(f"备份缺少数据库文件 {database['file']}。")
    if dump.stat().st_size != database["size"] or _sha256_path(dump) != database["sha256"]:
        raise BackupError(f"数据库文件 {database['file']} 与 {MANIFEST} 不符（大小或 SHA-256 不同），拒绝恢复。")
    archive = path / FILES_ARCHIVE
    if not archive.is_file():
        raise BackupError(f"备份缺少文件归档 {FILES_ARCHIVE}。")
    expected = {entry["name"]: entry for entry in manifest["files"]}
    seen = set()
    try:
        for member, handle in _archive_members(archive):
            entry = expected.get(member.name)
            if entry is None or member.name in seen:
                raise BackupError(f"文件归档中的“{member.name}”不在 {MANIFEST} 中，拒绝恢复。")
            seen.add(member.name)
            reader = _HashingReader(handle)
            while reader.read(CHUNK):
                pass
            if reader.size != entry["size"] or reader.sha256.hexdigest() != entry["sha256"]:
                raise BackupError(f"文件“{member.name}”与 {MANIFEST} 不符（大小或 SHA-256 不同），拒绝恢复。")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"文件归档 {FILES_ARCHIVE} 已损坏：{exc}") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"文件归档缺少 {len(missing)} 个文件，例如“{missing[0]}”，拒绝恢复。")
    return manifest


def _cache_tables() -> set[str]:
    """The database cache's tables (CACHES): copies of sessions and kept pages, nothing to lose."""
    return {c["LOCATION"] for c in settings.CACHES.values() if c.get("BACKEND", "").endswith("DatabaseCache")}


def database_in_use(using: str = "default") -> bool:
    """Whether the database holds anything beyond what `migrate` writes on its own (and the caches)."""
    connection = connections[using]
    ignored = MIGRATION_FILLED_TABLES | _cache_tables()
    tables = [t for t in _tables(connection) if t not in ignored]
    return any(_row_counts(connection, tables).values())


def backup_restore(*, path: Path, overwrite: bool = False, using: str = "default") -> RestoreResult:
    """Verify, refuse to overwrite data unless told, restore the database then the files, and check
    the result against the manifest: every table's row count and every file's hash."""
    connection = connections[using]
    manifest = backup_verify(path)
    database = manifest["database"]
    if database["vendor"] != connection.vendor:
        raise BackupError(f"这是 {database['vendor']} 数据库的备份，不能恢复到 {connection.vendor} 数据库。")
    if connection.in_atomic_block:
        raise BackupError("恢复不能在事务中运行。")
    storage = storages["default"]
    if not overwrite:
        stored = storage_files(storage)
        if database_in_use(using) or stored:
            raise BackupError(
                f"数据库或文件存储中已有数据（{len(stored)} 个文件）。恢复会覆盖它们：确认无误后，请加 --yes 再运行。"
            )

    dump = path / database["file"]
    with tempfile.TemporaryDirectory() as scratch:
        if connection.vendor == "postgresql":
            _restore_postgresql(connection, dump)
        else:
            # Restore from a private copy, so the backup itself is never opened for writing.
            copy = Path(scratch) / dump.name
            shutil.copyfile(dump, copy)
            _restore_sqlite(connection, copy)

    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()

    for member, handle in _archive_members(path / FILES_ARCHIVE):
        if storage.exists(member.name):
            storage.delete(member.name)
        content = File(handle, name=member.name)
        content.size = member.size  # not File's guess from a path named like the member
        saved = storage.save(member.name, content)
        if saved != member.name:
            raise BackupError(f"文件“{member.name}”被存储改名为“{saved}”，恢复不完整。")

    counts = _row_counts(connection, sorted(database["tables"]))
    wrong = {
        table: (count, database["tables"][table])
        for table, count in counts.items()
        if count != database["tables"][table]
    }
    if wrong:
        table, (got, want) = next(iter(wrong.items()))
        raise BackupError(f"恢复后 {len(wrong)} 张表的行数与备份不符，例如 {table}：{got} 行，备份时 {want} 行。")
    for entry in manifest["files"]:
        try:
            size, sha256 = file_sha256(storage, entry["name"])
        except OSError as exc:
            raise BackupError(f"恢复后读不到文件“{entry['name']}”：{exc}") from None
        if size != entry["size"] or sha256 != entry["sha256"]:
            raise BackupError(f"恢复后文件“{entry['name']}”的 SHA-256 与备份不符。")
    return RestoreResult(
        path=path,
        tables=len(counts),
        rows=sum(counts.values()),
        files=len(manifest["files"]),
        files_bytes=sum(entry["size"] for entry in manifest["files"]),
        extra_files=sorted(set(storage_files(storage)) - {entry["name"] for entry in manifest["files"]}),
    )
