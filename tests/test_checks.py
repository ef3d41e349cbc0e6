"""System checks for a machine that cannot print the PDF or serve the assets."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from gangwei import checks


def test_check_fonts_clean_with_debians_noto_cjk():
    assert checks.check_fonts(None) == []


def test_check_fonts_names_a_missing_family(monkeypatch):
    monkeypatch.setattr(checks, "PDF_FONTS", ("Noto Serif CJK SC", "Gangwei No Such Font"))
    problems = checks.check_fonts(None)
    assert [(p.id, p.msg) for p in problems] == [
        ("gangwei.W001", "Fonts for the 附件1 PDF are missing: Gangwei No Such Font.")
    ]


def test_check_bootstrap_clean_when_installed():
    assert checks.check_bootstrap(None) == []


def test_check_bootstrap_error_without_node_modules(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    assert [p.id for p in checks.check_bootstrap(None)] == ["gangwei.E001"]


def test_check_secret_key_missing_with_debug_off(settings):
    settings.DEBUG, settings.SECRET_KEY = False, ""
    assert [p.id for p in checks.check_secret_key(None)] == ["gangwei.E002"]
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set when DEBUG is off."):
        checks.require_secret_key()


def test_check_secret_key_set(settings):
    settings.DEBUG, settings.SECRET_KEY = False, "a-real-key"
    assert checks.check_secret_key(None) == []
    checks.require_secret_key()


def test_server_refuses_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    started = subprocess.run(
        [sys.executable, "-c", "import gangwei.wsgi"], env=env, capture_output=True, text=True, timeout=60
    )
    assert started.returncode == 1
    assert started.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off."
    )
