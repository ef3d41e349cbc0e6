"""Self-registration of an applicant unit."""

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError

from gangwei.formbase import SafeFormMixin
from gangwei.models import Organisation, OrgKind, User
from gangwei.validators import normalise_phone, validate_credit_code, validate_phone


class RegistrationForm(SafeFormMixin, UserCreationForm):
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

    def _post_clean(self) -> None:
        # Let the password validators see the unit's name and e-mail (UserAttributeSimilarity).
        self.instance.email = self.cleaned_data.get("email", "")
        self.instance.first_name = self.cleaned_data.get("contact_name", "")
        super()._post_clean()
