"""What is recorded without a call of its own: logins, failed logins and lockouts (Django's and
django-axes' signals), every admin change (the LogEntry Django's admin writes for every add,
change and delete, on every ModelAdmin including third-party ones), and every deadline edit by any
path (the history row simple_history writes on every save of a campaign, an extension or a 公示).

The request of a signal that carries none (LogEntry, history) is the one simple_history's
HistoryRequestMiddleware keeps for the current request; outside a request (a command, the
shell) there is none and the event has no address."""

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from audit.actions import Action
from audit.services import audit_record

ADMIN_ACTIONS = {ADDITION: Action.ADMIN_ADD, CHANGE: Action.ADMIN_CHANGE, DELETION: Action.ADMIN_DELETE}

# The deadline fields of each model with a deadline ("app_label.ModelName" → fields).
DEADLINE_FIELDS = {
    "gangwei.Campaign": (
        "opens_at",
        "apply_closes_at",
        "first_review_closes_at",
        "assessment_closes_at",
        "naming_closes_at",
    ),
    "gangwei.DeadlineExtension": ("closes_at",),
    "review.Publicity": ("starts_on", "ends_on"),
}


def current_request():
    return getattr(HistoricalRecords.context, "request", None)


def _typed_username(credentials: dict | None) -> str:
    field = get_user_model().USERNAME_FIELD
    value = (credentials or {}).get(field)
    return "" if value is None else str(value)


@receiver(user_logged_in, dispatch_uid="audit_login")
def on_login(sender, request, user, **kwargs):
    audit_record(action=Action.LOGIN, target=request.path if request else "", request=request, actor=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:  # a logout without a login records nothing
        audit_record(action=Action.LOGOUT, target=request.path if request else "", request=request, actor=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # No actor: nobody is logged in, and the name typed may be someone else's.
    audit_record(
        action=Action.LOGIN_FAILED,
        target=request.path if request else "",
        request=request,
        username=_typed_username(credentials),
    )


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def on_lockout(sender, request, username, ip_address, **kwargs):
    audit_record(
        action=Action.LOCKOUT,
        target=request.path if request else "",
        request=request,
        username="" if username is None else str(username),
    )


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_change")
def on_admin_log(sender, instance: LogEntry, created: bool, **kwargs):
    if not created or instance.action_flag not in ADMIN_ACTIONS:
        return
    admin_log_record(instance, current_request())


def admin_log_record(entry: LogEntry, request) -> None:
    """One event for one admin LogEntry (audit.admin_actions calls it for the bulk delete, whose
    entries Django writes with bulk_create, without post_save)."""
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class() if entry.content_type_id else None
    label = str(model._meta.verbose_name) if model is not None else ""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.pk == entry.user_id else get_user_model().objects.get(pk=entry.user_id)
    audit_record(
        action=ADMIN_ACTIONS[entry.action_flag],
        target=f"{label}：{entry.object_repr}" if label else entry.object_repr,
        request=request,
        actor=actor,
        detail={
            "model": model._meta.label if model is not None else "",
            "object_id": str(entry.object_id),
            "message": entry.get_change_message(),
        },
    )


def previous_version(instance, history_instance):
    """The history row written before `history_instance`, by its ascending id. simple_history's
    own prev_record compares history_date strictly, so of two saves within one clock tick (or
    after the clock was set back) it finds none, or the wrong one."""
    return (
        type(history_instance)
        ._default_manager.filter(**{instance._meta.pk.attname: instance.pk}, pk__lt=history_instance.pk)
        .order_by("-pk")
        .first()
    )


@receiver(post_create_historical_record, dispatch_uid="audit_deadline")
def on_history(sender, instance, history_instance, history_user=None, history_change_reason=None, **kwargs):
    fields = DEADLINE_FIELDS.get(type(instance)._meta.label)
    if fields is None:
        return
    kind = history_instance.history_type
    if kind == "+":
        changes = {name: [None, getattr(instance, name)] for name in fields}
    elif kind == "-":
        changes = {name: [getattr(instance, name), None] for name in fields}
    else:
        previous = previous_version(instance, history_instance)
        if previous is None:
            return
        changes = {
            name: [getattr(previous, name), getattr(instance, name)]
            for name in fields
            if getattr(previous, name) != getattr(instance, name)
        }
        if not changes:
            return  # a save that moved no deadline (a title, a 通知文号)
    audit_record(
        action=Action.DEADLINE,
        target=f"{instance._meta.verbose_name}：{instance}",
        request=current_request(),
        actor=history_user,
        detail={
            "model": instance._meta.label,
            "object_id": instance.pk,
            "change": {"+": "新增", "~": "修改", "-": "删除"}.get(kind, kind),
            "changes": changes,
            "reason": history_change_reason or "",
        },
    )
