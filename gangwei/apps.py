from django.apps import AppConfig


class GangweiConfig(AppConfig):
    name = "gangwei"
    verbose_name = "基础设置"

    def ready(self) -> None:
        from gangwei import (
            checks,  # noqa: F401  (registers the system checks)
            middleware,  # noqa: F401  (a login notes its session's refresh time)
        )
        from gangwei.admin_widgets import install

        install()  # admin autocomplete: a refused form with an unreadable key shows again, no 500

        from gangwei.pagecache import connect_signals

        connect_signals()  # a committed write outside a request makes the kept pages stale
