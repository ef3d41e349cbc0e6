import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ACTIONS = [
    ("login", "登录"),
    ("login_failed", "登录失败"),
    ("lockout", "账户锁定"),
    ("logout", "退出"),
    ("admin_add", "后台新增"),
    ("admin_change", "后台修改"),
    ("admin_delete", "后台删除"),
    ("export", "导出/下载"),
    ("deadline", "截止时间修改"),
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("occurred_at", models.DateTimeField(db_index=True, verbose_name="时间")),
                ("username", models.CharField(blank=True, max_length=150, verbose_name="用户名")),
                ("action", models.CharField(choices=ACTIONS, max_length=20, verbose_name="操作")),
                ("target", models.CharField(blank=True, max_length=200, verbose_name="对象")),
                ("ip", models.GenericIPAddressField(blank=True, null=True, verbose_name="IP地址")),
                ("user_agent", models.CharField(blank=True, max_length=300, verbose_name="浏览器")),
                ("detail", models.JSONField(blank=True, default=dict, verbose_name="详情")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="账户",
                    ),
                ),
            ],
            options={
                "verbose_name": "审计日志",
                "verbose_name_plural": "审计日志",
                "ordering": ["-occurred_at", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("action__in", [value for value, _ in ACTIONS])),
                        name="auditevent_action_valid",
                    )
                ],
            },
        ),
    ]
