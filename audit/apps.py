from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "安全审计"

    def ready(self) -> None:
        from audit import checks, receivers  # noqa: F401  (registers the system check and the receivers)
        from audit.admin_actions import install

        install()  # the site-wide 删除所选 action, audited when it deletes many rows at once
