"""What an audit event records. Kept apart from the model so that `audit.record` and the views'
decorator can name an action without importing models while apps load."""

from django.db import models


class Action(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKOUT = "lockout", "账户锁定"
    LOGOUT = "logout", "退出"
    ADMIN_ADD = "admin_add", "后台新增"
    ADMIN_CHANGE = "admin_change", "后台修改"
    ADMIN_DELETE = "admin_delete", "后台删除"
    EXPORT = "export", "导出/下载"
    DEADLINE = "deadline", "截止时间修改"
