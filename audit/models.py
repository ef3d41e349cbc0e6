"""The audit trail (等保2.0: at least six months): who did what, when, from where.

Append-only by design: nothing in the code changes or deletes a row except `prune_audit`, which
removes rows older than AUDIT_RETENTION_DAYS; the admin shows the rows to read, never to edit.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from audit.actions import Action

# Every text is bounded here and cut to these lengths by audit.services before it is written, so no
# user agent, username or file name of any length can turn a request into a server error.
USERNAME_MAX = 150  # the User model's own limit
TARGET_MAX = 200
USER_AGENT_MAX = 300


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField("时间", db_index=True)
    # The account, while it exists; the username as it was at the time survives its deletion.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField("用户名", max_length=USERNAME_MAX, blank=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    target = models.CharField("对象", max_length=TARGET_MAX, blank=True)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=USER_AGENT_MAX, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(name="auditevent_action_valid", condition=Q(action__in=Action.values)),
        ]

    def __str__(self) -> str:
        return f"{self.username or '—'} {self.get_action_display()} {self.target}".strip()
