"""django-axes' admin pages, in Chinese.

Axes 8.3.1 ships no zh_Hans: its field labels and model names are translated in locale/zh_Hans,
but a few things cannot be reached by a catalogue — the app's name ("Axes"), the objects' names
("Attempted Access: 2026-… +00:00", in UTC with microseconds), the status column ("2 Attempt
Remaining", built by concatenation) and the clean-up message (an f-string inside _()). Those are
set here, on the app config, the models and subclasses of axes' own ModelAdmins.
"""

from axes import admin as axes_admin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin

from gangwei.admin_text import ChineseAdminMixin
from gangwei.dates import format_datetime

APP_NAME = "登录安全"
UNKNOWN = "<unknown>"  # what axes stores when a request names no user agent


def _local(value) -> str:
    return format_datetime(value) if value else "—"


def _attempt_str(self) -> str:
    return f"{self.username or '（未填用户名）'} 的登录失败计数（{_local(self.attempt_time)}）"


def _failure_str(self) -> str:
    return f"{self.username or '（未填用户名）'} 于 {_local(self.attempt_time)} 登录失败"


def _log_str(self) -> str:
    return f"{self.username or '（未填用户名）'} 于 {_local(self.attempt_time)} 登录"


apps.get_app_config("axes").verbose_name = APP_NAME
AccessAttempt.__str__ = _attempt_str
AccessFailureLog.__str__ = _failure_str
AccessLog.__str__ = _log_str


class ChineseAxesMixin(ChineseAdminMixin):
    """Shown user agents in Chinese when axes had none to store."""

    @admin.display(description="浏览器标识", ordering="user_agent")
    def user_agent_shown(self, obj):
        return "（未知）" if obj.user_agent == UNKNOWN else obj.user_agent

    def get_list_display(self, request):
        return ["user_agent_shown" if name == "user_agent" else name for name in super().get_list_display(request)]


class AccessAttemptAdmin(ChineseAxesMixin, axes_admin.AccessAttemptAdmin):
    @admin.action(description="清除已失效的失败计数")
    def cleanup_expired_attempts(self, request, queryset):
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(request, f"已清除 {count} 条已失效的失败计数。")

    @admin.display(description="失效时间")
    def expiration(self, obj):
        return _local(obj.expiration.expires_at) if hasattr(obj, "expiration") else "未设置"

    @admin.display(description="状态")
    def status(self, obj):
        left = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        return f"还可尝试 {left} 次" if left > 0 else "已锁定"


class AccessLogAdmin(ChineseAxesMixin, axes_admin.AccessLogAdmin):
    pass


class AccessFailureLogAdmin(ChineseAxesMixin, axes_admin.AccessFailureLogAdmin):
    pass


for model, model_admin in [
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)
