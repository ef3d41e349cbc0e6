import datetime as dt
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, models
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import re_path, reverse
from django.utils.html import format_html
from django_tasks_db.models import DBTaskResult
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from gangwei import axes_admin, phrases  # noqa: F401  (axes_admin: django-axes in Chinese)
from gangwei.admin_text import BoundedSearchMixin, ChineseAdminMixin
from gangwei.dates import format_datetime
from gangwei.forms import AdminPasswordChangeForm, AdminUserCreationForm
from gangwei.models import CalendarDay, CalendarYear, Campaign, DeadlineExtension, Organisation, User
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


def change_reason_max_length(model) -> int:
    """What the history table can hold (simple_history's history_change_reason column)."""
    return model.history.model._meta.get_field("history_change_reason").max_length


def admin_object_id(model, raw: str):
    """The primary key in an admin URL, or 404: "abc", "1.5" or 30 digits never reach the database."""
    field = model._meta.pk
    raw = unquote(raw)
    if isinstance(field, models.AutoField | models.IntegerField) and not re.fullmatch(r"[0-9]{1,18}", raw):
        raise Http404
    try:
        return field.to_python(raw)
    except ValidationError:
        raise Http404 from None


def as_typed(value):
    """A value at the precision a form can express: the admin's time input stops at seconds, so a
    stored 00:00:00.25 comes back as 00:00:00 without anyone having changed it."""
    return value.replace(microsecond=0) if isinstance(value, dt.datetime) else value


class DeadlineReasonForm(forms.ModelForm):
    """A change of any field in `reason_fields` needs a reason, kept as the history's change reason.

    Subclasses name the fields; the admin's `save_model` hands the reason to simple_history.
    Creating an object needs none (its history row says 创建).
    """

    reason_fields: tuple[str, ...] = ()

    change_reason = forms.CharField(
        label=phrases.CHANGE_REASON_LABEL,
        required=False,
        help_text=phrases.CHANGE_REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "change_reason" in self.fields:
            limit = change_reason_max_length(self._meta.model)
            self.fields["change_reason"].max_length = limit
            self.fields["change_reason"].validators.append(MaxLengthValidator(limit))
            self.fields["change_reason"].widget.attrs["maxlength"] = str(limit)

    def changed_reason_fields(self) -> list[str]:
        """The watched fields whose new value differs from the stored one."""
        if self.instance.pk is None:
            return []
        return [
            name
            for name in self.reason_fields
            if name in self.cleaned_data and as_typed(self.cleaned_data[name]) != as_typed(getattr(self.instance, name))
        ]

    def clean(self):
        cleaned = super().clean()
        changed = self.changed_reason_fields()
        if changed and "change_reason" not in self.errors and not (cleaned.get("change_reason") or "").strip():
            labels = "、".join(str(self._meta.model._meta.get_field(name).verbose_name) for name in changed)
            self.add_error("change_reason", phrases.CHANGE_REASON_REQUIRED.format(fields=labels))
        return cleaned


class ViewOnlyFormMixin:
    """Every field disabled: a page for looking, whose post would change nothing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.disabled = True


class RevertForm(forms.Form):
    reason = forms.CharField(
        label="还原理由",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        error_messages={"required": phrases.REVERT_REASON_REQUIRED},
    )

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.max_length = max_length
        field.validators.append(MaxLengthValidator(max_length))
        field.widget.attrs["maxlength"] = str(max_length)


class LocalTimeHistoryHelper(HistoricalRecordContextHelper):
    """Show the dates in a change as people in Liuzhou read them, to the second."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, dt.datetime):
            return format_datetime(value)
        return value


class LocalTimeHistoryAdmin(SimpleHistoryAdmin):
    """History in Liuzhou time, with a reason for every deadline change, and a guarded revert.

    Looking at an old version never offers a revert: the version page is read-only for everyone
    and refuses a post. Only a superuser sees "还原到此版本…", which leads to a confirmation page
    that lists each field that would change (now → then) and asks for a reason.
    """

    object_history_form_template = "simple_history/object_history_form.html"
    revert_template = "admin/gangwei/history_revert.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return LocalTimeHistoryHelper(self.model, historical_record)

    def save_model(self, request, obj, form, change):
        reason = (form.cleaned_data.get("change_reason") or "").strip()
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # The reason belongs to a change; a new object has no deadline to change yet, and a page
        # for looking at an old version changes nothing.
        asks_reason = obj is not None and not getattr(request, "gangwei_view_only", False)
        return [name for name in fields if asks_reason or name != "change_reason"]

    # -- who may revert ------------------------------------------------------------------------

    def may_revert(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser and self.has_change_permission(request, obj)

    def revert_disabled(self, request, obj=None):
        # simple_history's own 还原 button (one click from the version page) is never shown.
        return True

    # -- views ---------------------------------------------------------------------------------

    def url_name(self, view: str) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_{view}"

    def url(self, view: str, *args) -> str:
        return reverse(f"{self.admin_site.name}:{self.url_name(view)}", args=args)

    def get_urls(self):
        revert = re_path(
            r"^([^/]+)/history/([^/]+)/revert/$",
            self.admin_site.admin_view(self.revert_view),
            name=self.url_name("history_revert"),
        )
        return [revert, *super().get_urls()]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if getattr(request, "gangwei_view_only", False):
            return type(form.__name__, (ViewOnlyFormMixin, form), {})
        return form

    def history_view(self, request, object_id, extra_context=None):
        object_id = admin_object_id(self.model, object_id)
        return super().history_view(request, str(object_id), extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        object_id = admin_object_id(self.model, object_id)
        version_id = admin_object_id(self.model.history.model, version_id)
        if request.method != "GET":
            raise PermissionDenied(phrases.REVERT_REFUSED_ON_VIEW_PAGE)
        request.gangwei_view_only = True
        record = self.history_record(object_id, version_id)
        obj = self.model._default_manager.filter(pk=object_id).first()
        context = {
            "version_when": format_datetime(record.history_date),
            "revert_url": (
                self.url("history_revert", object_id, version_id)
                if obj is not None and self.may_revert(request, obj)
                else None
            ),
            **(extra_context or {}),
        }
        return super().history_form_view(request, object_id, version_id, context)

    def history_record(self, object_id, version_id):
        return get_object_or_404(
            self.model.history.model, **{self.model._meta.pk.attname: object_id, "history_id": version_id}
        )

    def history_view_title(self, request, obj):
        return f"修改记录：{obj}"

    def history_form_view_title(self, request, obj):
        return f"查看此版本：{obj}"

    def revert_fields(self) -> list[models.Field]:
        """The fields the history keeps, which a revert would write back."""
        tracked = {field.name for field in self.model.history.model.tracked_fields}
        return [
            field
            for field in self.model._meta.concrete_fields
            if field.name in tracked and field.editable and not field.primary_key
        ]

    def display_value(self, obj, field: models.Field) -> str:
        value = getattr(obj, field.name)
        if value is None or value == "":
            return "—"
        if isinstance(value, dt.datetime):
            return format_datetime(value)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        return str(value)

    def revert_view(self, request, object_id, version_id):
        object_id = admin_object_id(self.model, object_id)
        version_id = admin_object_id(self.model.history.model, version_id)
        obj = get_object_or_404(self.model, pk=object_id)
        if not self.may_revert(request, obj):
            raise PermissionDenied
        record = self.history_record(object_id, version_id)
        version = record.instance
        when = format_datetime(record.history_date)
        changes = [
            (field, self.display_value(obj, field), self.display_value(version, field))
            for field in self.revert_fields()
            if field.value_from_object(obj) != field.value_from_object(version)
        ]
        prefix = phrases.REVERT_CHANGE_REASON.format(when=when, reason="")
        form = RevertForm(request.POST or None, max_length=change_reason_max_length(self.model) - len(prefix))
        errors = []
        if request.method == "POST" and changes and form.is_valid():
            for field, _now, _then in changes:
                setattr(obj, field.attname, field.value_from_object(version))
            try:
                obj.full_clean()
            except ValidationError as error:
                errors = error.messages
            else:
                obj._history_user = request.user
                obj._change_reason = prefix + form.cleaned_data["reason"].strip()
                obj.save()
                self.log_change(request, obj, obj._change_reason)
                self.message_user(request, phrases.REVERT_DONE.format(obj=obj, when=when))
                return HttpResponseRedirect(self.url("history", obj.pk))
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": f"还原“{obj}”至 {when} 的版本",
            "opts": opts,
            "app_label": opts.app_label,
            "original": obj,
            "record": record,
            "when": when,
            "changes": changes,
            "history_name": self.model.history.model._meta.verbose_name,
            "form": form,
            "errors": errors,
            "nothing_to_do": phrases.REVERT_NOTHING_TO_DO,
            "history_url": self.url("history", obj.pk),
            "version_url": self.url("simple_history", obj.pk, version_id),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.revert_template, context)


PERMISSION_ACTIONS = {"add": "添加", "change": "修改", "delete": "删除", "view": "查看"}


def permission_label(permission) -> str:
    """ "基础设置 | 创建年度 | 可修改" for Django's four built-in permissions, whose names the
    database holds in English ("Can change 创建年度"); any other permission as it is named."""
    model = permission.content_type.model_class()
    action, _, model_name = permission.codename.partition("_")
    if model is None or action not in PERMISSION_ACTIONS or model_name != model._meta.model_name:
        return str(permission)
    return f"{model._meta.app_config.verbose_name} | {model._meta.verbose_name} | 可{PERMISSION_ACTIONS[action]}"


class ChinesePermissionsMixin:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in {"permissions", "user_permissions"} and formfield is not None:
            formfield.label_from_instance = permission_label
        return formfield


admin.site.unregister(Group)


@admin.register(Group)
class GangweiGroupAdmin(ChineseAdminMixin, ChinesePermissionsMixin, GroupAdmin):
    pass


@admin.register(Organisation)
class OrganisationAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "parent", "code", "credit_code"]
    list_filter = ["kind", "parent"]
    search_fields = ["name", "short_name", "credit_code"]
    autocomplete_fields = ["parent"]


class ChinesePasswordChangeForm(AdminPasswordChangeForm):
    """The site's password rules (gangwei.forms). Django builds this help text by joining a lazy string to an English one at import time,
    so no catalogue reaches it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "usable_password" in self.fields:
            self.fields["usable_password"].help_text = format_html(
                '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
                phrases.USABLE_PASSWORD_HELP,
                phrases.USABLE_PASSWORD_LOST,
            )


@admin.register(User)
class GangweiUserAdmin(ChineseAdminMixin, ChinesePermissionsMixin, UserAdmin):
    add_form = AdminUserCreationForm  # the site's password rules, refusals on the password field
    change_password_form = ChinesePasswordChangeForm  # the same rules, help text in Chinese
    list_display = ["username", "first_name", "email", "organisation", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "organisation__kind"]
    search_fields = ["username", "first_name", "email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    fieldsets = UserAdmin.fieldsets + (("所属组织", {"fields": ("organisation", "phone")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("所属组织", {"fields": ("organisation", "email")}),)


CAMPAIGN_DEADLINES = (
    "opens_at",
    "apply_closes_at",
    "first_review_closes_at",
    "assessment_closes_at",
    "naming_closes_at",
)


class CampaignAdminForm(DeadlineReasonForm):
    reason_fields = CAMPAIGN_DEADLINES

    class Meta:
        model = Campaign
        fields = ["year", "notice_number", "title", *CAMPAIGN_DEADLINES, "reminder_days", "pass_line", "publicity_days"]


@admin.register(Campaign)
class CampaignAdmin(LocalTimeHistoryAdmin):
    form = CampaignAdminForm
    list_display = [
        "year",
        "notice",
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

    @admin.display(description="通知文号", ordering="notice_number")
    def notice(self, campaign):
        return campaign.notice_number or phrases.NOTICE_NUMBER_MISSING

    @admin.action(description="以所选年度为模板创建下一年度（日期顺延一年，通知文号留空）")
    def copy_to_next_year(self, request, queryset):
        for campaign in queryset:
            try:
                new = campaign_copy_to_next_year(campaign=campaign, user=request.user)
            except IntegrityError:
                self.message_user(request, phrases.COPY_EXISTS.format(year=campaign.year + 1), messages.WARNING)
            else:
                url = reverse("admin:gangwei_campaign_change", args=[new.pk])
                self.message_user(
                    request,
                    format_html('{} <a href="{}">填写通知文号</a>', phrases.COPY_CREATED.format(year=new.year), url),
                    messages.WARNING,
                )


class DeadlineExtensionAdminForm(DeadlineReasonForm):
    # Who gets more time, in which stage, until when: a change of any of these needs a reason.
    reason_fields = ("campaign", "organisation", "stage", "closes_at")

    class Meta:
        model = DeadlineExtension
        fields = ["campaign", "organisation", "stage", "closes_at", "reason"]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(LocalTimeHistoryAdmin):
    form = DeadlineExtensionAdminForm
    list_display = ["organisation", "campaign", "stage", "closes_at", "reason", "granted_by", "created_at"]
    list_filter = ["campaign", "stage"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["granted_by", "created_at"]
    formfield_overrides = DATETIME_WITH_SECONDS

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


# The mail queue's task rows (django-tasks-db) are the worker's business, not the staff's: its admin
# is English, read-only and answers 403 to a delete. Staff read a message's state on its page.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(CalendarYear)
class CalendarYearAdmin(ChineseAdminMixin, admin.ModelAdmin):
    """A year of the official calendar. An admin adds a new year here once the State Council has
    announced it; the days themselves are edited under 节假日与调休."""

    list_display = ["year", "source", "created_at"]
    fields = ["year", "source"]


@admin.register(CalendarDay)
class CalendarDayAdmin(ChineseAdminMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    fields = ["date", "kind", "name"]
