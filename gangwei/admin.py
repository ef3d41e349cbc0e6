import datetime as dt

from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.auth.admin import UserAdmin
from django.db import IntegrityError, models
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from gangwei.dates import format_datetime
from gangwei.models import Campaign, DeadlineExtension, Organisation, User
from gangwei.services import campaign_copy_to_next_year


class SplitDateTimeWithSeconds(AdminSplitDateTime):
    """The admin's date and time inputs, with seconds shown.

    Deadlines are 23:59:59; the stock widget shows 23:59 (the locale's first time format), so
    saving a form unchanged would have moved every deadline to 23:59:00.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets[1].format = "%H:%M:%S"


DATETIME_WITH_SECONDS = {models.DateTimeField: {"widget": SplitDateTimeWithSeconds}}


class LocalTimeHistoryHelper(HistoricalRecordContextHelper):
    """Show the dates in a change as people in Liuzhou read them, to the second."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, dt.datetime):
            return format_datetime(value)
        return value


class LocalTimeHistoryAdmin(SimpleHistoryAdmin):
    def get_historical_record_context_helper(self, request, historical_record):
        return LocalTimeHistoryHelper(self.model, historical_record)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "parent", "code", "credit_code"]
    list_filter = ["kind", "parent"]
    search_fields = ["name", "short_name", "credit_code"]
    autocomplete_fields = ["parent"]


@admin.register(User)
class GangweiUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "email", "organisation", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "organisation__kind"]
    search_fields = ["username", "first_name", "email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    fieldsets = UserAdmin.fieldsets + (("所属组织", {"fields": ("organisation", "phone")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("所属组织", {"fields": ("organisation", "email")}),)


@admin.register(Campaign)
class CampaignAdmin(LocalTimeHistoryAdmin):
    list_display = [
        "year",
        "notice_number",
        "apply_closes_at",
        "first_review_closes_at",
        "assessment_closes_at",
        "naming_closes_at",
    ]
    history_list_display = [
        "apply_closes_at",
        "first_review_closes_at",
        "assessment_closes_at",
        "naming_closes_at",
    ]
    actions = ["copy_to_next_year"]
    formfield_overrides = DATETIME_WITH_SECONDS

    @admin.action(description="以所选年度为模板创建下一年度（日期顺延一年）")
    def copy_to_next_year(self, request, queryset):
        for campaign in queryset:
            try:
                new = campaign_copy_to_next_year(campaign=campaign)
            except IntegrityError:
                self.message_user(request, f"{campaign.year + 1}年度已存在，未重复创建。", messages.WARNING)
            else:
                self.message_user(request, f"已创建{new.year}年度，请核对通知文号、标题和各阶段截止时间。")


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(LocalTimeHistoryAdmin):
    list_display = ["organisation", "campaign", "stage", "closes_at", "reason", "granted_by", "created_at"]
    list_filter = ["campaign", "stage"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["granted_by", "created_at"]
    formfield_overrides = DATETIME_WITH_SECONDS

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
