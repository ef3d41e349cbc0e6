from django.contrib import admin

from applications.models import Application, ApplicationEvent, Attachment, Honour, Leader, Status
from applications.workflow import EVENT_LABELS
from gangwei.admin_text import ChineseAdminMixin


class LeaderInline(admin.TabularInline):
    model = Leader
    extra = 0


class HonourInline(admin.TabularInline):
    model = Honour
    extra = 0


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action_label", "status_change", "actor", "organisation", "note"]
    readonly_fields = fields

    @admin.display(description="操作")
    def action_label(self, event):
        return EVENT_LABELS.get(event.action, event.action)

    @admin.display(description="状态")
    def status_change(self, event):
        labels = dict(Status.choices)
        if event.from_status == event.to_status:
            return labels.get(event.to_status, event.to_status)
        return f"{labels.get(event.from_status, event.from_status)} → {labels.get(event.to_status, event.to_status)}"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ChineseAdminMixin, admin.ModelAdmin):
    """Read-mostly: the status only changes through the workflow, never by hand here."""

    list_display = ["number", "applicant_name", "unit", "status", "campaign", "updated_at"]
    list_filter = ["campaign", "status", "unit__parent"]
    search_fields = ["number", "applicant_name", "unit__name"]
    inlines = [LeaderInline, HonourInline, EventInline]

    def has_change_permission(self, request, obj=None):
        # View only: a change here would bypass the version check, the workflow and the timeline.
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "application", "content_type", "size", "uploaded_at"]
    # The file itself is downloaded on the application's page, through the access check.
    fields = ["application", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False
