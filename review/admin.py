"""初审 in the admin: the quotas are set here (with their history); the filings and the reviews are
only read here — they change through the review pages and services, never by hand."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote

from gangwei.admin import LocalTimeHistoryAdmin
from gangwei.admin_text import BoundedSearchMixin, ChineseAdminMixin
from review.models import (
    CONDITION_FIELDS,
    Assessment,
    AssessmentCriterion,
    Certificate,
    Objection,
    Publicity,
    Quota,
    Review,
    SummaryReport,
    TrainingSession,
)


@admin.register(Quota)
class QuotaAdmin(ChineseAdminMixin, BoundedSearchMixin, LocalTimeHistoryAdmin):
    list_display = ["campaign", "body", "places"]
    list_filter = ["campaign"]
    search_fields = ["body__name", "body__short_name"]
    autocomplete_fields = ["body"]


class NoDeleteMixin:
    """Rows that are records: the admin never deletes them."""

    def has_delete_permission(self, request, obj=None):
        return False

    def delete_view(self, request, object_id, extra_context=None):
        # Django checks the permission before the id: a missing object gets its usual answer.
        if self.get_object(request, unquote(object_id)) is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().delete_view(request, object_id, extra_context)


class ReadOnlyAdmin(NoDeleteMixin, ChineseAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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


# --- the city's stages -----------------------------------------------------------------------------


@admin.register(AssessmentCriterion)
class AssessmentCriterionAdmin(ChineseAdminMixin, BoundedSearchMixin, LocalTimeHistoryAdmin):
    """考核 criteria per campaign: name, description, maximum points and order. A campaign without
    any gets the default set (the notice's five conditions, 100 points) when first assessed."""

    list_display = ["campaign", "order", "name", "max_points"]
    list_display_links = ["name"]
    list_filter = ["campaign"]
    search_fields = ["name"]
    fields = ["campaign", "order", "name", "description", "max_points"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "held_on", "title", "place", "created_by"]
    list_filter = ["campaign"]
    fields = ["campaign", "title", "held_on", "place", "created_by", "created_at"]
    readonly_fields = fields


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["application", "assessor", "method", "assessed_on", "total", "veto"]
    list_filter = ["application__campaign", "method", "veto"]
    list_select_related = ["application", "assessor"]
    fields = ["application", "assessor", "method", "assessed_on", "total", "veto", "veto_reason", "comment"]
    readonly_fields = fields


class PublicityAdminForm(forms.ModelForm):
    # starts_on is read-only here, so the model's check (end not before start) would not run on the
    # form and the database would refuse the row with a 500: the form checks it itself.
    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on is not None and self.instance.starts_on and ends_on < self.instance.starts_on:
            raise forms.ValidationError("公示截止日期不能早于开始日期。")
        return ends_on


@admin.register(Publicity)
class PublicityAdmin(NoDeleteMixin, ChineseAdminMixin, LocalTimeHistoryAdmin):
    """A 公示's end date is computed from the official calendar when it is published; an admin may
    move it here (the change is kept with who and when). Everything else is the city's page's."""

    list_display = ["campaign", "starts_on", "days", "ends_on", "published_by", "published_at"]
    list_filter = ["campaign"]
    fields = ["campaign", "starts_on", "days", "ends_on", "published_by", "published_at"]
    readonly_fields = ["campaign", "starts_on", "days", "published_by", "published_at"]
    form = PublicityAdminForm

    def has_add_permission(self, request):
        return False


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["application", "name", "submitted_at", "outcome", "resolved_at"]
    list_filter = ["publicity__campaign", "outcome"]
    list_select_related = ["application"]
    fields = [
        "publicity",
        "application",
        "name",
        "phone",
        "email",
        "content",
        "submitted_at",
        "outcome",
        "resolution",
        "resolved_by",
        "resolved_at",
    ]
    readonly_fields = fields


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    """Certificates are issued by the naming service and never deleted, so no number is reused."""

    list_display = ["number", "application", "issued_on"]
    list_filter = ["campaign"]
    search_fields = ["number", "application__applicant_name"]
    list_select_related = ["application"]
    fields = ["number", "campaign", "sequence", "application", "issued_on", "created_at"]
    readonly_fields = fields
