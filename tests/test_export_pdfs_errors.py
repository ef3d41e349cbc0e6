"""`export_pdfs` refuses what it cannot do with a Chinese error (CommandError), not a traceback:
an output folder it cannot use, and an empty --body (which would have meant every body)."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from applications.services import application_submit

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def submitted(apply_window, application, applicant):
    return application_submit(application=application, user=applicant)


def export(*args):
    call_command("export_pdfs", "--year", "2021", *args, stdout=io.StringIO())


def test_file_in_the_way(tmp_path, campaign):
    (tmp_path / "out").write_text("x")

    with pytest.raises(CommandError) as caught:
        export("-o", str(tmp_path / "out"))

    assert str(caught.value) == f"输出位置“{tmp_path / 'out'}”已有一个同名文件，不是文件夹。请换一个文件夹路径。"


def test_parent_is_a_file(tmp_path, campaign):
    (tmp_path / "file").write_text("x")

    with pytest.raises(CommandError) as caught:
        export("-o", str(tmp_path / "file" / "pdfs"))

    assert str(caught.value).startswith(f"无法使用输出文件夹“{tmp_path / 'file' / 'pdfs'}”：")
    assert str(caught.value).endswith("。请检查路径和写入权限。")


@pytest.mark.parametrize("folder", ["/proc/gangwei-export", "/sys/gangwei-export"])
def test_folder_that_cannot_be_created(campaign, folder):
    with pytest.raises(CommandError) as caught:
        export("-o", folder)

    assert str(caught.value).startswith(f"无法使用输出文件夹“{folder}”：")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_folder_not_writable(tmp_path, campaign):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)

    with pytest.raises(CommandError, match="无法使用输出文件夹"):
        export("-o", str(folder))


def test_problem_found_before_any_pdf_is_made(tmp_path, submitted):
    (tmp_path / "out").write_text("x")

    with pytest.raises(CommandError):
        export("-o", str(tmp_path / "out"))

    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("body", ["", "   "])
def test_empty_body_is_refused(tmp_path, submitted, body):
    with pytest.raises(CommandError) as caught:
        export("--body", body, "-o", str(tmp_path / "pdfs"))

    assert str(caught.value).startswith("--body 不能为空")
    assert not (tmp_path / "pdfs").exists()


def test_command_line_prints_the_chinese_error_without_traceback(tmp_path):
    (tmp_path / "out").write_text("x")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env = {**env, "SQLITE_PATH": str(tmp_path / "db.sqlite3"), "DEBUG": "true"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    call = subprocess.run(
        [sys.executable, "manage.py", "export_pdfs", "--year", "2021", "-o", str(tmp_path / "out")],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )

    assert call.returncode == 1
    assert call.stderr == f"CommandError: 输出位置“{tmp_path / 'out'}”已有一个同名文件，不是文件夹。请换一个文件夹路径。\n"
