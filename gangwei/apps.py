from django.apps import AppConfig


class GangweiConfig(AppConfig):
    name = "gangwei"
    verbose_name = "基础设置"

    def ready(self) -> None:
        from gangwei import checks  # noqa: F401  (registers the system checks)
