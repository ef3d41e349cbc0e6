"""The forms of 公示: the city's publish form and objection resolution, the public objection form."""

import re

from django import forms

from gangwei.formbase import SafeForm
from review.city import phrases
from review.models import Objection, ObjectionOutcome

PHONE = re.compile(r"^[0-9０-９ \-+()（）－]+$")


class PublishForm(SafeForm):
    starts_on = forms.DateField(
        label="公示开始日期",
        help_text="含当日；截止日期按国务院公布的节假日和调休，以工作日计算。",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"required": phrases.PUBLICITY_START_REQUIRED, "invalid": phrases.PUBLICITY_START_INVALID},
    )


class ObjectionForm(SafeForm):
    """The public objection form: the post is chosen among the entries of the open periods (by the
    entry's number, never the application's key)."""

    limits_model = Objection

    entry = forms.TypedChoiceField(
        label="异议岗位",
        coerce=int,
        error_messages={"required": phrases.OBJECTION_NOT_LISTED, "invalid_choice": phrases.OBJECTION_NOT_LISTED},
    )
    name = forms.CharField(label="您的姓名", error_messages={"required": phrases.OBJECTION_NAME_REQUIRED})
    phone = forms.CharField(
        label="联系电话",
        help_text="仅供市妇联核实情况时与您联系，不会公开。",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"required": phrases.OBJECTION_PHONE_REQUIRED},
    )
    email = forms.EmailField(
        label="电子邮箱（选填）",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": phrases.OBJECTION_EMAIL_INVALID},
    )
    content = forms.CharField(
        label="异议内容",
        help_text="请写明您了解的情况和理由。",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": phrases.OBJECTION_CONTENT_REQUIRED},
    )

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", "请选择岗位"), *((e.pk, e.application.display_name) for e in entries)]

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if not PHONE.match(phone) or sum(c.isdigit() for c in phone) < 7:
            raise forms.ValidationError(phrases.OBJECTION_PHONE_INVALID)
        return phone


class ResolveForm(SafeForm):
    limits_model = Objection

    outcome = forms.ChoiceField(
        label="处理结果",
        choices=[
            (ObjectionOutcome.REJECTED.value, ObjectionOutcome.REJECTED.label),
            (ObjectionOutcome.UPHELD.value, ObjectionOutcome.UPHELD.label),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": phrases.OBJECTION_OUTCOME_REQUIRED,
            "invalid_choice": phrases.OBJECTION_OUTCOME_REQUIRED,
        },
    )
    resolution = forms.CharField(
        label="处理情况",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": phrases.OBJECTION_RESOLUTION_REQUIRED},
    )
