"""The 附件1 form: the application's fields, the 岗位负责人 rows and the 曾获荣誉 rows.

A draft accepts anything incomplete. Submission is judged by the service on the saved row
(eligibility.submission_errors); the bundle puts each of its messages next to its field.
"""

import secrets

from django import forms
from django.core.validators import MaxValueValidator
from django.forms import formset_factory
from django.http import QueryDict

from applications import phrases
from applications.eligibility import COUNT_FIELDS, MAX_COUNT, REQUIRED_FIELDS, rule_message
from applications.models import Application, Gender, Honour, Leader
from applications.phrases import NOT_SAVED, REQUIRED, RULES
from applications.services import APPLICATION_FIELDS
from gangwei.form_a11y import SubmitRequiredMixin
from gangwei.formbase import RowForm, RowFormSet, SafeModelForm

DEFAULT_UNIT_OPINION = "情况属实，同意申报。"


class ApplicationForm(SubmitRequiredMixin, SafeModelForm):
    # Marked 「*」 on the page: what eligibility.submission_errors asks of a submission.
    submit_required = (*REQUIRED_FIELDS, "staff_total", "staff_women", "special_reason", "achievements", "pledge")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    form_token = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=Application._meta.get_field("form_token").max_length
    )
    # The 500 counted 字 have their own counter; a phone number needs no "最多N字".
    length_hint_exclude = ("achievements", "contact_phone")

    class Meta:
        model = Application
        fields = APPLICATION_FIELDS
        widgets = {
            "category": forms.RadioSelect,
            "special_reason": forms.Textarea(attrs={"rows": 2}),
            "achievements": forms.Textarea(attrs={"rows": 12}),
            "unit_opinion": forms.Textarea(attrs={"rows": 2}),
            "staff_total": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
            "staff_women": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        }
        labels = {
            "pledge": "本单位承诺：本岗位符合《通知》第二部分规定的五项创建条件，所填内容真实准确。",
            "is_special_post": "属于特殊岗位（工作人员少于3人）",
        }
        help_texts = {
            "applicant_name": "单位全称＋科室/班组，如“柳州市工人医院儿科护理组”。",
            "staff_women": "女性占比由系统计算，须达到60%以上（含60%）。",
            "achievements": "严格控制在500字以内：按字符数（不计空格和换行）统计，标点、字母、数字均计入。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [c for c in self.fields["category"].choices if c[0]]
        for name in ("applicant_name", "post_name", "parent_unit", "contact_name", "contact_title"):
            self.fields[name].widget.attrs.setdefault("autocomplete", "off")
        self.fields["achievements"].widget.attrs["data-counter"] = "achievements"
        self.fields["staff_total"].widget.attrs["min"] = 1
        for name, rule in COUNT_FIELDS.items():
            count = self.fields[name]
            count.max_value = MAX_COUNT
            count.validators.append(MaxValueValidator(MAX_COUNT))
            count.widget.attrs["max"] = MAX_COUNT
            count.error_messages.update(
                min_value=RULES[rule["below"]],
                invalid=RULES[rule["invalid"]],
                max_value=rule_message(rule["above"], limit=MAX_COUNT),
            )
        # A draft may leave them blank; submission asks for them in these words (eligibility).
        for name, message in REQUIRED.items():
            self.fields[name].error_messages["required"] = message

    def clean(self):
        cleaned = super().clean()
        # Even a draft may not break application_women_not_above_total: say so next to the field,
        # in the words of eligibility.evaluate (the constraint's own message would sit above the form).
        total, women = cleaned.get("staff_total"), cleaned.get("staff_women")
        if total is not None and women is not None and women > total:
            self.add_error("staff_women", rule_message("women_above_total", women=women, total=total))
        return cleaned


class LeaderForm(SubmitRequiredMixin, RowForm):
    """One 岗位负责人: a filled row needs a name and a 性别 (leader_gender_valid)."""

    limits_model = Leader
    submit_required = ("name", "gender", "title", "phone")  # every leader named needs all four
    row_required = {"name": phrases.LEADER_NAME_MISSING, "gender": phrases.LEADER_GENDER_MISSING}
    length_hint_exclude = ("phone",)

    name = forms.CharField(label="姓名", required=False)
    gender = forms.ChoiceField(label="性别", choices=[("", "—")] + list(Gender.choices), required=False)
    title = forms.CharField(label="职务", required=False)
    phone = forms.CharField(label="联系电话", required=False, widget=forms.TextInput(attrs={"inputmode": "tel"}))


class HonourForm(RowForm):
    limits_model = Honour
    row_required = {"title": phrases.HONOUR_TITLE_MISSING}
    length_hint_exclude = ("year",)

    year = forms.CharField(label="年份", required=False)
    title = forms.CharField(label="荣誉名称", required=False)
    issuer = forms.CharField(label="授予单位", required=False)


# At most 10 岗位负责人 and 20 曾获荣誉 (max_num, refused beyond it); absolute_max bounds the work a
# tampered TOTAL_FORMS can cause.
LeaderFormSet = formset_factory(
    LeaderForm, formset=RowFormSet, extra=0, can_delete=True, max_num=10, validate_max=True, absolute_max=20
)
HonourFormSet = formset_factory(
    HonourForm, formset=RowFormSet, extra=0, can_delete=True, max_num=20, validate_max=True, absolute_max=30
)


def rows_of(formset) -> list[dict]:
    """The filled, not deleted rows of a valid formset, in order."""
    rows = []
    for form in formset.forms:
        if not form.cleaned_data or form.cleaned_data.get("DELETE") or form.is_blank():
            continue
        rows.append({k: (form.cleaned_data.get(k) or "").strip() for k in form.base_fields if k != "DELETE"})
    return rows


class ApplicationFormBundle:
    """The form and its two formsets, validated together for a draft or a submission."""

    def __init__(self, data=None, *, instance: Application | None = None, leaders=None, honours=None, initial=None):
        if instance is None:
            initial = {"unit_opinion": DEFAULT_UNIT_OPINION, "form_token": secrets.token_hex(16), **(initial or {})}
        self.form = ApplicationForm(data, instance=instance, initial=initial)
        if instance is not None and data is None:
            self.form.initial["version"] = instance.version
        self.leaders = LeaderFormSet(data, prefix="leaders", initial=leaders or [{}])
        self.honours = HonourFormSet(data, prefix="honours", initial=honours or [])
        self.row_errors: list[str] = []
        self.read_only = False

    @classmethod
    def bound_to(cls, application: Application, leaders: list[dict], honours: list[dict]) -> "ApplicationFormBundle":
        """A bundle bound to the saved values, as if the unit had just posted them (to show errors)."""
        data = QueryDict(mutable=True)
        for name in APPLICATION_FIELDS:
            value = getattr(application, name)
            if isinstance(value, bool):
                if value:
                    data[name] = "on"
            elif value is not None:
                data[name] = str(value)
        data["version"] = str(application.version)
        for prefix, rows in (("leaders", leaders or [{}]), ("honours", honours)):
            data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
            data[f"{prefix}-INITIAL_FORMS"] = "0"
            for i, row in enumerate(rows):
                for key, value in row.items():
                    data[f"{prefix}-{i}-{key}"] = value
        return cls(data, instance=application)

    def make_read_only(self) -> None:
        """Show everything, change nothing: text stays selectable (readonly), choices are disabled.

        Only the widgets change, so a bound form still shows what was posted (field.disabled would
        show the saved value instead). The server refuses a POST whatever the page says.
        """
        self.read_only = True
        forms_ = [self.form, *self.leaders.forms, *self.honours.forms]
        for form in forms_:
            for field in form.fields.values():
                widget = field.widget
                if isinstance(widget, (forms.CheckboxInput, forms.widgets.ChoiceWidget)):
                    widget.attrs["disabled"] = True
                else:
                    widget.attrs["readonly"] = True

    def is_valid(self) -> bool:
        """Whether the form can be saved as a draft (types and lengths right, rows complete enough)."""
        # A filled row must be complete (RowForm.row_required), for a draft as for a submission.
        return self.form.is_valid() & self.leaders.is_valid() & self.honours.is_valid()

    def add_errors(self, errors: dict[str, list[str]]) -> None:
        """Show the service's submission errors next to their fields (rows above the rows)."""
        for field, messages in errors.items():
            for message in messages:
                if field in self.form.fields:
                    self.form.add_error(field, message)
                else:
                    self.row_errors.append(message)

    @property
    def data(self) -> dict:
        return {name: self.form.cleaned_data.get(name) for name in APPLICATION_FIELDS}

    @property
    def leader_rows(self) -> list[dict]:
        return rows_of(self.leaders)

    @property
    def honour_rows(self) -> list[dict]:
        return rows_of(self.honours)

    @property
    def version(self) -> int | None:
        return self.form.cleaned_data.get("version")

    @property
    def form_token(self) -> str:
        return self.form.cleaned_data.get("form_token") or ""


def not_saved_message(bundle: ApplicationFormBundle) -> str:
    """ "未保存：有N处需要修改…" for a bundle that could not be saved at all; the error summary lists them."""
    count = len(bundle.form.non_field_errors()) + sum(
        len(errors) for name, errors in bundle.form.errors.items() if name != "__all__"
    )
    for formset in (bundle.leaders, bundle.honours):
        count += len(formset.non_form_errors()) + sum(len(e) for form in formset.forms for e in form.errors.values())
    return NOT_SAVED.format(count=count)
