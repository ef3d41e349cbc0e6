"""The audit trail in the admin: to read, never to write.

Nobody adds, changes or deletes an event here, a superuser included (the only deletion is
`manage.py prune_audit`, by age). Who may read it: superusers, and a staff account given the
permission 可查看 审计日志 — the 审计管理员 of 等保2.0's separation of duties. No role has it by
default; the city's 宣发部 does not need it."""

import datetime as dt

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html, format_html_join

from audit.models import AuditEvent
from gangwei.admin_text import BoundedSearchMixin
from gangwei.dates import format_datetime

# The detail's keys (English, for scripts that read the table) as a reader of the admin names them.
DETAIL_LABELS = {
    "model": "数据类型",
    "object_id": "数据编号",
    "message": "修改内容",
    "change": "操作",
    "changes": "截止时间（原 → 新）",
    "reason": "理由",
    "path": "网址",
    "query": "网址参数",
    "url_key": "申报代码",
    "url_attachment_id": "附件编号",
    "url_report_id": "报送编号",
    "year": "年度",
    "body": "初审单位",
    "scope": "范围",
    "applications": "申报数",
}


def _model(label) -> type | None:
    try:
        return apps.get_model(str(label))
    except (LookupError, ValueError):
        return None


def _shown(value) -> str:
    """A value as a reader wants it: a deadline as 2020年9月20日 23:59:59, nothing as —."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return format_datetime(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name) if model is not None else name
    except FieldDoesNotExist:
        return name


def detail_rows(detail: dict) -> list[tuple[str, str]]:
    model = _model(detail.get("model", ""))
    rows = []
    for key, value in detail.items():
        if key == "model" and model is not None:
            value = model._meta.verbose_name
        elif key == "changes" and isinstance(value, dict):
            value = "；".join(
                f"{_field_label(model, name)}：{_shown(pair[0])} → {_shown(pair[1])}"
                if isinstance(pair, list) and len(pair) == 2
                else f"{_field_label(model, name)}：{_shown(pair)}"
                for name, pair in value.items()
            )
        else:
            value = _shown(value)
        rows.append((DETAIL_LABELS.get(key, key), value))
    return rows


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
        rows = detail_rows(obj.detail) if isinstance(obj.detail, dict) else [("", str(obj.detail))]
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows)) if rows else "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
