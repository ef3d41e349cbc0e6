"""Accounts: self-registration of an applicant unit, login, and every form that sets a password."""

import datetime as dt

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join

from gangwei import phrases
from gangwei.formbase import SafeFormMixin
from gangwei.models import Organisation, OrgKind, User
from gangwei.validators import normalise_phone, validate_credit_code, validate_phone


def password_rules_html() -> str:
    """The password rules of AUTH_PASSWORD_VALIDATORS, as shown beside a new password field."""
    rules = [text for v in password_validation.get_default_password_validators() if (text := v.get_help_text())]
    return format_html(
        '{}<ul class="mb-0">{}</ul>',
        phrases.PASSWORD_RULES_INTRO,
        format_html_join("", "<li>{}</li>", ((r,) for r in rules)),
    )


class PasswordRulesMixin:
    """Every form that sets a password: registration, password change and reset, the admin's user
    creation and password change.

    It shows the rules beside the first password field before anything is typed, checks the typed
    password with every validator against the (possibly transient) user, and puts the refusals on
    that first field, where the password was typed (Django puts them under the confirmation).
    """

    password_field = "password1"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": phrases.PASSWORD_MISMATCH,
            "password_incorrect": phrases.PASSWORD_OLD_INCORRECT,
        }
        field = self.fields[self.password_field]
        field.help_text = password_rules_html()

    def validate_password_for_user(self, user, *args, **kwargs) -> None:
        if self.cleaned_data.get("set_usable_password") is False:  # the admin's "no password" choice
            return
        password = self.cleaned_data.get(self.password_field)
        if password:
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                self.add_error(self.password_field, error)


class PasswordChangeForm(PasswordRulesMixin, auth_forms.PasswordChangeForm):
    password_field = "new_password1"


class SetPasswordForm(PasswordRulesMixin, auth_forms.SetPasswordForm):
    password_field = "new_password1"


class AdminUserCreationForm(PasswordRulesMixin, auth_forms.AdminUserCreationForm):
    pass


class AdminPasswordChangeForm(PasswordRulesMixin, auth_forms.AdminPasswordChangeForm):
    pass


class TriesLeftMixin:
    """A failed login says how many tries are left before django-axes locks this username out on
    this computer (AXES_LOCKOUT_PARAMETERS: username and client IP).

    axes' failure handler counts the failure during authenticate() and leaves the count for exactly
    that username and IP on the request. It counts unknown usernames alike, so the message reads
    the same whether or not the account exists.
    """

    def get_invalid_login_error(self) -> ValidationError:
        from axes.helpers import get_cool_off, get_credentials, get_failure_limit

        failures = getattr(self.request, "axes_failures_since_start", None)
        if self.request is None or failures is None:
            return ValidationError(phrases.LOGIN_FAILED, code="invalid_login")
        limit = get_failure_limit(self.request, get_credentials(self.cleaned_data.get("username")))
        cooloff = get_cool_off(self.request) or dt.timedelta(0)
        left = limit - failures
        if left <= 0:
            return ValidationError(phrases.LOGIN_FAILED, code="invalid_login")
        return ValidationError(
            phrases.LOGIN_TRIES_LEFT.format(left=left, cooloff=_duration(cooloff)), code="invalid_login"
        )


class LoginForm(TriesLeftMixin, auth_forms.AuthenticationForm):
    pass


class AdminLoginForm(TriesLeftMixin, AdminAuthenticationForm):
    pass


def _duration(delta: dt.timedelta) -> str:
    """30分钟, 2小时, 1小时30分钟."""
    minutes = round(delta.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    return (f"{hours}小时" if hours else "") + (f"{minutes}分钟" if minutes or not hours else "")


class RegistrationForm(SafeFormMixin, PasswordRulesMixin, UserCreationForm):
    unit_name = forms.CharField(label="单位全称", max_length=120, help_text="与公章一致的单位全称。")
    credit_code = forms.CharField(
        label="统一社会信用代码",
        max_length=18,
        min_length=0,
        required=False,
        help_text="选填；填写时须为18位且校验位正确。",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    parent = forms.ModelChoiceField(
        label="所属初审单位",
        queryset=Organisation.objects.filter(kind=OrgKind.REVIEWING_BODY).order_by("display_order"),
        empty_label="请选择",
        help_text="县区单位选所在县区妇联；市直机关选市直机关妇工委；企业工会系统可选市总工会女职委。",
    )
    contact_name = forms.CharField(label="联系人", max_length=40)
    phone = forms.CharField(
        label="联系电话",
        max_length=30,
        help_text="手机号或带区号的固定电话。",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label="电子邮箱", help_text="用于接收提交回执和找回密码。")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username",)
        labels = {"username": "登录用户名"}
        help_texts = {"username": "用于登录，可用字母、数字和 @/./+/-/_。"}

    field_order = [
        "unit_name",
        "credit_code",
        "parent",
        "contact_name",
        "phone",
        "email",
        "username",
        "password1",
        "password2",
    ]

    def clean_credit_code(self) -> str:
        code = self.cleaned_data["credit_code"].strip().upper()
        if not code:
            return ""
        validate_credit_code(code)
        if Organisation.objects.filter(kind=OrgKind.APPLICANT, credit_code=code).exists():
            raise ValidationError("该统一社会信用代码已注册。请联系本单位已注册的同事，或联系市妇联宣发部。")
        return code

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        validate_phone(phone)
        return normalise_phone(phone)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The page opens at its first field (Django's form focuses the username, far down a phone).
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["unit_name"].widget.attrs["autofocus"] = True

    def _post_clean(self) -> None:
        # The password validators compare with the user and the unit that do not exist yet: give the
        # instance the typed details and a transient, unsaved unit (never saved by this form).
        data = self.cleaned_data
        self.instance.email = data.get("email", "")
        self.instance.first_name = data.get("contact_name", "")
        self.instance.phone = data.get("phone", "")
        self.instance.organisation = Organisation(
            kind=OrgKind.APPLICANT,
            name=data.get("unit_name", ""),
            credit_code=data.get("credit_code", ""),
            contact_name=data.get("contact_name", ""),
            contact_phone=data.get("phone", ""),
        )
        super()._post_clean()
