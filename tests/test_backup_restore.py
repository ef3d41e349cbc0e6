"""Backups that restore: the drill (back up, wipe, restore, every row and every file's hash equal),
a restore over newer data, and the refusals (data present without --yes, a backup that does not
match its manifest). Runs on whichever database the suite runs on: SQLite or PostgreSQL (there
pg_dump/pg_restore target pytest-django's test_… database)."""

import hashlib
import io
import json
import stat
import tarfile

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from applications.models import Application, Attachment
from gangwei.backup import MANIFEST, storage_files
from gangwei.models import User
from tests.factories import ApplicationFactory, UserFactory, pdf_bytes, shanghai

pytestmark = pytest.mark.django_db(transaction=True)

NOW = shanghai(2026, 12, 1, 10, 0, 0)


@pytest.fixture(autouse=True)
def _demo(settings):
    settings.DEBUG = True  # seed_demo runs on a demo only
    with time_machine.travel(NOW, tick=True):
        yield


def database_rows() -> dict[str, list[tuple]]:
    """Every row of every table (auto-created M2M, simple_history, the queue, sessions, axes …),
    sorted, so a restore is judged on content and not on the order a dump happens to write."""
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {quote(table)}")
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def stored_files() -> dict[str, str]:
    storage = storages["default"]
    result = {}
    for name in storage_files(storage):
        with storage.open(name, "rb") as handle:
            result[name] = hashlib.sha256(handle.read()).hexdigest()
    return result


def add_attachments(application: Application, count: int) -> None:
    for n in range(count):
        content = pdf_bytes(pages=n + 1)
        attachment = Attachment(
            application=application,
            original_name=f"盖章扫描件{n}.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        attachment.file.save(f"scan{n}.pdf", ContentFile(content), save=True)


def small_data() -> Application:
    application = ApplicationFactory()
    UserFactory(username="applicant", organisation=application.unit)
    add_attachments(application, 2)
    # A file no row points at, under a Chinese name two folders deep: the backup takes the storage
    # whole, not only what the models know of.
    storages["default"].save("misc/归档/说明.txt", ContentFile("柳州市妇联".encode()))
    return application


def backup(tmp_path, *args: str) -> tuple[str, str]:
    out = io.StringIO()
    call_command("backup", "-o", str(tmp_path / "backups"), *args, stdout=out)
    text = out.getvalue()
    path = text.splitlines()[0].removeprefix("备份已写入 ")
    return path, text


def restore(path: str, *args: str) -> str:
    out = io.StringIO()
    call_command("restore", path, *args, stdout=out)
    return out.getvalue()


def wipe() -> None:
    call_command("flush", interactive=False, verbosity=0)
    storage = storages["default"]
    for name in storage_files(storage):
        storage.delete(name)


def fill_the_other_tables(client) -> None:
    """What seed_demo leaves empty: groups and permissions (M2M tables), the admin's log, axes'
    records of a failed and a good login, a session."""
    from axes.models import AccessAttempt, AccessAttemptExpiration
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    user = UserFactory(username="backup_drill", organisation=Application.objects.first().unit)
    group = Group.objects.create(name="备份演练")
    permission = Permission.objects.get(codename="view_application")
    group.permissions.add(permission)
    user.groups.add(group)
    user.user_permissions.add(permission)
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[user], action_flag=CHANGE, change_message="备份演练", single_object=True
    )
    assert ContentType.objects.get_for_model(User)
    # A failure under another name: a good login clears the failures of its own name.
    client.post("/accounts/login/", {"username": "no_such_user", "password": "wrong-password-1"})
    client.post("/accounts/login/", {"username": "backup_drill", "password": "Gangwei-2021-test"})
    AccessAttemptExpiration.objects.get_or_create(
        access_attempt=AccessAttempt.objects.first(), defaults={"expires_at": NOW}
    )


def test_backup_wipe_restore_gives_back_every_row_and_file(tmp_path, client):
    call_command("seed_demo", "--stage", "naming", stdout=io.StringIO())
    add_attachments(Application.objects.order_by("pk").first(), 3)
    storages["default"].save("misc/归档/说明.txt", ContentFile("柳州市妇联".encode()))
    fill_the_other_tables(client)
    before_rows, before_files = database_rows(), stored_files()
    # The drill means something only if (nearly) every table has rows.
    empty = {table for table, rows in before_rows.items() if not rows}
    may_be_empty = {
        "axes_accessfailurelog",  # off unless AXES_ENABLE_ACCESS_FAILURE_LOG
        "gangwei_cache",  # the cache's table (CACHES): the sessions' copies, and flush would not empty it
        "gangwei_page_cache",  # the page cache, off in this test
        "gangwei_deadlineextension",  # the demo grants no extension
        "gangwei_historicaldeadlineextension",
        # The criteria and the holiday calendar come from migrations: the criteria then have no history
        # row; after an earlier transactional test has flushed the database, the criteria are made again
        # (with history) and the calendar's days are gone. Which of these is empty depends on the order.
        "review_historicalassessmentcriterion",
        "gangwei_calendarday",
    }
    assert empty <= may_be_empty, empty - may_be_empty
    assert len(before_files) == 7  # 3 filed 汇总表, 3 scans, 1 loose file

    path, text = backup(tmp_path)
    manifest = json.loads((tmp_path / "backups" / path.rsplit("/", 1)[1] / MANIFEST).read_text(encoding="utf-8"))
    wipe()
    assert User.objects.count() == 0
    assert stored_files() == {}
    restored = restore(path)

    assert database_rows() == before_rows
    assert stored_files() == before_files
    assert {entry["name"]: entry["sha256"] for entry in manifest["files"]} == before_files
    assert manifest["database"]["tables"] == {table: len(rows) for table, rows in before_rows.items()}
    rows = sum(len(r) for r in before_rows.values())
    assert f"  数据库：{len(before_rows)} 张表，{rows} 行，" in text
    assert restored.splitlines()[1:] == [
        f"  数据库：{len(before_rows)} 张表，{rows} 行，与备份一致",
        f"  文件：7 个，共 {text.split('共 ')[1].split('（')[0]}，SHA-256 与备份一致",
    ]


def test_backup_folder_is_private_and_complete(tmp_path):
    small_data()
    path, _ = backup(tmp_path)
    folder = tmp_path / "backups" / path.rsplit("/", 1)[1]
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    dump = "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"
    assert sorted(p.name for p in folder.iterdir()) == [dump, "files.tar", "manifest.json"]
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["database"]["vendor"] == connection.vendor
    assert [entry["name"] for entry in manifest["files"]] == sorted(stored_files())


def test_restore_over_newer_data_with_yes_gives_back_the_backup(tmp_path):
    application = small_data()
    before_rows, before_files = database_rows(), stored_files()
    path, _ = backup(tmp_path)

    # Everything a day of use does after the backup: new rows, deleted rows, a replaced file.
    UserFactory(username="newcomer", organisation=application.unit)
    Attachment.objects.order_by("pk").last().delete()  # (its file stays in the storage)
    storage = storages["default"]
    storage.delete("misc/归档/说明.txt")
    storage.save("misc/归档/说明.txt", ContentFile(b"changed"))
    storage.save("misc/later.txt", ContentFile(b"stored after the backup"))

    with pytest.raises(CommandError) as refused:
        restore(path)
    assert (
        str(refused.value)
        == "恢复失败：数据库或文件存储中已有数据（4 个文件）。恢复会覆盖它们：确认无误后，请加 --yes 再运行。"
    )
    assert User.objects.filter(username="newcomer").exists()  # refused means untouched

    text = restore(path, "--yes")
    assert database_rows() == before_rows
    # A file the backup does not have is kept (and named), never deleted.
    assert stored_files() == {**before_files, "misc/later.txt": hashlib.sha256(b"stored after the backup").hexdigest()}
    assert text.splitlines()[-1] == "  另有 1 个文件在备份之后存入、备份中没有，已保留未删，例如 misc/later.txt"


def test_restore_refuses_a_file_that_does_not_match_the_manifest(tmp_path):
    small_data()
    path, _ = backup(tmp_path)
    archive = tmp_path / "backups" / path.rsplit("/", 1)[1] / "files.tar"
    assert restore(path, "--check") == f"备份 {path} 完整：数据库转储和 3 个文件都与 manifest.json 一致（未恢复）。\n"
    # Rewrite the archive with one file's bytes changed (same size), as bit rot would.
    members = []
    with tarfile.open(archive) as tar:
        for member in tar:
            members.append((member, tar.extractfile(member).read()))
    with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tar:
        for member, data in members:
            if member.name == "misc/归档/说明.txt":
                data = bytes([data[0] ^ 1]) + data[1:]
            tar.addfile(member, io.BytesIO(data))
    wipe()

    with pytest.raises(CommandError) as refused:
        restore(path, "--check")
    assert (
        str(refused.value)
        == "恢复失败：文件“misc/归档/说明.txt”与 manifest.json 不符（大小或 SHA-256 不同），拒绝恢复。"
    )
    with pytest.raises(CommandError) as refused:
        restore(path)
    assert (
        str(refused.value)
        == "恢复失败：文件“misc/归档/说明.txt”与 manifest.json 不符（大小或 SHA-256 不同），拒绝恢复。"
    )
    assert User.objects.count() == 0  # nothing was restored
    assert stored_files() == {}


def test_restore_refuses_a_changed_dump_or_a_missing_manifest(tmp_path):
    small_data()
    path, _ = backup(tmp_path)
    folder = tmp_path / "backups" / path.rsplit("/", 1)[1]
    dump = next(p for p in folder.iterdir() if p.name.startswith("database."))
    original = dump.read_bytes()
    dump.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    with pytest.raises(CommandError) as refused:
        restore(path, "--yes")
    assert (
        str(refused.value)
        == f"恢复失败：数据库文件 {dump.name} 与 manifest.json 不符（大小或 SHA-256 不同），拒绝恢复。"
    )

    # Given the folder of backups instead of one backup: it names the newest to use.
    with pytest.raises(CommandError) as refused:
        restore(str(tmp_path / "backups"), "--yes")
    assert (
        str(refused.value)
        == f"恢复失败：“{tmp_path / 'backups'}”里没有 manifest.json。要恢复其中最新的一份，请写：{folder}"
    )

    dump.write_bytes(original)
    (folder / MANIFEST).unlink()
    with pytest.raises(CommandError) as refused:
        restore(path, "--yes")
    assert str(refused.value) == f"恢复失败：“{folder}”里没有 manifest.json。没有 manifest.json，不是完整的备份。"


def test_keep_deletes_the_oldest_backups(tmp_path):
    small_data()
    made = []
    for _ in range(3):
        made.append(backup(tmp_path, "--keep", "2")[0])
    partial = tmp_path / "backups" / "20200101T000000Z.partial"
    partial.mkdir()
    path, text = backup(tmp_path, "--keep", "2")
    left = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert left == sorted([partial.name, made[2].rsplit("/", 1)[1], path.rsplit("/", 1)[1]])
    assert text.splitlines()[-1] == f"  已删除旧备份 {made[1]}"


def test_backup_and_restore_go_through_the_storage_api_only(tmp_path, settings):
    """No local path is assumed: with Django's in-memory storage (as with S3) the files are listed,
    read and written back through the Storage API alone."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    small_data()
    before_rows, before_files = database_rows(), stored_files()
    assert len(before_files) == 3
    path, _ = backup(tmp_path)
    wipe()
    assert stored_files() == {}
    restore(path)
    assert database_rows() == before_rows
    assert stored_files() == before_files


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pg_restore waits for locks")
def test_restore_refuses_while_another_session_is_in_a_transaction(tmp_path):
    import psycopg2

    small_data()
    path, _ = backup(tmp_path)
    params = connection.get_connection_params()
    other = psycopg2.connect(**params)
    try:
        with other.cursor() as cursor:  # psycopg2 opens a transaction and keeps it open
            cursor.execute("SELECT COUNT(*) FROM gangwei_user")
        with pytest.raises(CommandError) as refused:
            restore(path, "--yes")
        assert (
            str(refused.value)
            == "恢复失败：还有 1 个其他连接正在使用这个数据库。请先停止应用服务器和 db_worker，再恢复。"
        )
    finally:
        other.rollback()  # idle at once (a closed session may linger a moment on the server)
        other.close()
    restore(path, "--yes")


def test_rows_in_the_cache_tables_do_not_make_a_database_in_use(db):
    from django.core.cache import caches

    from gangwei.backup import database_in_use

    before = database_in_use()
    for alias in ("default", "pages"):
        caches[alias].set("只是缓存", "值", 60)

    assert {t for t, rows in database_rows().items() if rows} >= {"gangwei_cache", "gangwei_page_cache"}
    assert (before, database_in_use()) == (False, False)
