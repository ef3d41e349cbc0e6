"""The admin's site-wide 删除所选 action, with the audit of a bulk delete.

Django logs the deletion of one object with LogEntry.save() (post_save: audit.receivers records it)
but of several with bulk_create, which sends no signal. This action runs Django's own and, when it
has deleted several objects, records one event per object from the LogEntry rows Django just wrote.
Replacing a site-wide action is the admin's documented way (AdminSite.add_action); every
ModelAdmin that offers 删除所选 gets this one."""

from django.contrib import admin
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType


@admin.action(permissions=["delete"], description=django_delete_selected.short_description)
def delete_selected(modeladmin, request, queryset):
    from audit.receivers import admin_log_record

    confirmed = bool(request.POST.get("post"))
    before = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0 if confirmed else 0
    response = django_delete_selected(modeladmin, request, queryset)
    if confirmed and response is None:  # deleted (the confirmation page is a response)
        entries = list(
            LogEntry.objects.filter(
                pk__gt=before,
                user_id=request.user.pk,
                action_flag=DELETION,
                content_type=ContentType.objects.get_for_model(modeladmin.model, for_concrete_model=False),
            ).order_by("pk")
        )
        if len(entries) > 1:  # one entry was saved one by one, and recorded by post_save
            for entry in entries:
                admin_log_record(entry, request)
    return response


def install() -> None:
    admin.site.add_action(delete_selected, "delete_selected")
