"""The naming page's form: one per passed post, 命名 or 不予命名 (with a reason)."""

from django import forms

from applications.models import Application, ApplicationEvent
from gangwei.formbase import SafeForm
from review.city import phrases

NAME = "name"
NOT_NAME = "not_name"
REASON_MAX = ApplicationEvent._meta.get_field("note").max_length
KEY_MAX = Application._meta.get_field("key").max_length


class NamingForm(SafeForm):
    key = forms.CharField(widget=forms.HiddenInput, max_length=KEY_MAX)
    decision = forms.ChoiceField(
        choices=[(NAME, "命名"), (NOT_NAME, "不予命名")],
        error_messages={
            "required": phrases.NAMING_DECISION_REQUIRED,
            "invalid_choice": phrases.NAMING_DECISION_REQUIRED,
        },
    )
    reason = forms.CharField(
        label=phrases.NAMING_REASON_LABEL,
        help_text=phrases.NAMING_REASON_HELP,
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == NOT_NAME and not data.get("reason") and "reason" not in self.errors:
            self.add_error("reason", phrases.NOT_NAME_REASON_REQUIRED)
        return data

    @property
    def wants_name(self) -> bool:
        return self.cleaned_data["decision"] == NAME
