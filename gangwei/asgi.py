"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gangwei.settings")

application = get_asgi_application()

from gangwei.checks import require_secret_key  # noqa: E402  (settings are loaded now)

require_secret_key()
