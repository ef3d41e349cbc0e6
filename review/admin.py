"""初审 in the admin: the quotas are set here (with their history); the filings and the reviews are
only read here — they change through the review pages and services, never by hand."""

from django.contrib import admin
from django.contrib.admin.utils import unquote

from gangwei.admin import LocalTimeHistoryAdmin
from gangwei.admin_text import BoundedSearchMixin, ChineseAdminMixin
from review.models import CONDITION_FIELDS, Quota, Review, SummaryReport


@admin.register(Quota)
class QuotaAdmin(ChineseAdminMixin, BoundedSearchMixin, LocalTimeHistoryAdmin):
    list_display = ["campaign", "body", "places"]
    list_filter = ["campaign"]
    search_fields = ["body__name", "body__short_name"]
    autocomplete_fields = ["body"]


class ReadOnlyAdmin(ChineseAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def delete_view(self, request, object_id, extra_context=None):
        # Django checks the permission before the id: a missing object gets its usual answer.
        if self.get_object(request, unquote(object_id)) is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().delete_view(request, object_id, extra_context)


@admin.register(SummaryReport)
class SummaryReportAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "body", "rows", "filed_by", "filed_at", "reopened_at"]
    list_filter = ["campaign", "body"]
    search_fields = ["body__name", "body__short_name"]
    fields = [
        "campaign",
        "body",
        "rows",
        "size",
        "checksum",
        "filed_by",
        "filed_at",
        "reopened_by",
        "reopened_at",
        "reopen_reason",
    ]
    readonly_fields = fields

    @admin.display(description="文件校验值")
    def checksum(self, report):
        return report.sha256

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["application", "rank", "decided_by", "decided_at"]
    list_filter = ["application__campaign", "application__unit__parent"]
    search_fields = ["application__applicant_name", "application__number"]
    fields = ["application", *CONDITION_FIELDS, "rank", "judged_event", "decided_by", "decided_at"]
    readonly_fields = fields
    list_select_related = ["application", "decided_by"]

    def get_object(self, request, object_id, from_field=None):
        # The key is the application's id through a one-to-one field, which does not bound the
        # number as an id field does: a number no database holds names nothing.
        if not (str(object_id).isascii() and str(object_id).isdigit()) or int(object_id) > 2**63 - 1:
            return None
        return super().get_object(request, object_id, from_field)
