"""The audit trail in the admin: to read, never to write.

Nobody adds, changes or deletes an event here, a superuser included (the only deletion is
`manage.py prune_audit`, by age). Who may read it: superusers, and a staff account given the
permission 可查看 审计日志 — the 审计管理员 of 等保2.0's separation of duties. No role has it by
default; the city's 宣发部 does not need it."""

import json

from django.contrib import admin
from django.utils.html import format_html

from audit.models import AuditEvent
from gangwei.admin_text import BoundedSearchMixin


@admin.register(AuditEvent)
class AuditEventAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["occurred_at", "username", "action", "target", "ip"]
    list_filter = ["action", "occurred_at"]
    search_fields = ["username", "target"]
    date_hierarchy = "occurred_at"
    fields = ["occurred_at", "actor", "username", "action", "target", "ip", "user_agent", "detail_shown"]
    readonly_fields = fields
    list_per_page = 100
    # The table grows to millions of rows: no COUNT(*) of the whole table under every filtered page.
    show_full_result_count = False
    actions = None

    @admin.display(description="详情")
    def detail_shown(self, obj: AuditEvent):
        return format_html("<pre>{}</pre>", json.dumps(obj.detail, ensure_ascii=False, indent=2))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
