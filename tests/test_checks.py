"""System checks for a machine that cannot print the PDF or serve the assets."""

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
