"""A retention shorter than 等保2.0's six months is a configuration error, found at start-up."""

from django.conf import settings
from django.core.checks import Error, register

MIN_RETENTION_DAYS = 183  # six months


@register()
def retention_check(app_configs, **kwargs):
    days = settings.AUDIT_RETENTION_DAYS
    if days < MIN_RETENTION_DAYS:
        return [
            Error(
                f"AUDIT_RETENTION_DAYS={days} 少于 {MIN_RETENTION_DAYS} 天：等保2.0 要求审计记录至少保存六个月。",
                hint=f"把环境变量 AUDIT_RETENTION_DAYS 设为 {MIN_RETENTION_DAYS} 或更大（默认 400）。",
                id="audit.E001",
            )
        ]
    return []
