"""System checks for configuration problems (ids gangwei.E001…)."""

import shutil

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_fonts(app_configs, **kwargs):
    problems = []
    if shutil.which("fc-list") is None:
        problems.append(
            Warning("fontconfig is not installed; the 附件1 PDF cannot find its CJK font.", id="gangwei.W001")
        )
    return problems


@register()
def check_bootstrap(app_configs, **kwargs):
    bootstrap = settings.BASE_DIR / "node_modules" / "bootstrap" / "dist" / "css" / "bootstrap.min.css"
    if not bootstrap.exists():
        return [
            Error(
                "Bootstrap is not installed: run `npm ci` (the Makefile does).",
                hint="Every asset is installed by a package manager and served by the app itself.",
                id="gangwei.E001",
            )
        ]
    return []
