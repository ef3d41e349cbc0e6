"""The 考核 score form: a score per criterion (0.1 steps within its maximum), the method, the date,
a comment, and a veto with its reason. The rules are review.city.assessment's (points_error), so
the form and the service refuse the same input with the same words."""

from decimal import Decimal, InvalidOperation

from django import forms

from gangwei.formbase import SafeForm
from review.city import phrases
from review.city.assessment import plain_points, points_error, points_field
from review.models import Assessment, AssessmentCriterion, Method

POINTS_INPUT_MAX = 12


class PointsField(forms.Field):
    """A score: a decimal number typed as text ("18", "18.5"); checked against the criterion."""

    widget = forms.TextInput

    def __init__(self, *, max_points: Decimal, **kwargs):
        self.max_points = max_points
        super().__init__(**kwargs)
        self.error_messages["required"] = phrases.POINTS_REQUIRED
        self.widget.attrs.update({"inputmode": "decimal", "maxlength": str(POINTS_INPUT_MAX), "class": "points"})

    def to_python(self, value):
        value = "" if value is None else str(value).strip()
        if value in self.empty_values:
            return None
        if len(value) > POINTS_INPUT_MAX:
            raise forms.ValidationError(phrases.POINTS_INVALID, code="invalid")
        try:
            number = Decimal(value)
        except (InvalidOperation, ValueError):
            raise forms.ValidationError(phrases.POINTS_INVALID, code="invalid") from None
        return number

    def validate(self, value):
        super().validate(value)
        if value is not None:
            error = points_error(value, self.max_points)
            if error:
                raise forms.ValidationError(error, code="points")


class AssessmentForm(SafeForm):
    limits_model = Assessment

    method = forms.ChoiceField(
        label="考核方式",
        choices=Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": phrases.METHOD_REQUIRED, "invalid_choice": phrases.METHOD_REQUIRED},
    )
    assessed_on = forms.DateField(
        label="考核日期",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": phrases.ASSESSED_ON_REQUIRED, "invalid": phrases.ASSESSED_ON_INVALID},
    )
    comment = forms.CharField(label="考核意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    veto = forms.BooleanField(label="一票否决（选择后，无论得分多少，该岗位考核不合格）", required=False)
    veto_reason = forms.CharField(label="否决理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # The version of the assessor's sheet the page showed (0: none yet); a tampered value is a stale page.
    version = forms.IntegerField(required=False, min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)

    def __init__(self, *args, criteria: list[AssessmentCriterion] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[points_field(criterion.pk)] = PointsField(
                label=f"{criterion.name}（满分{plain_points(criterion.max_points)}分）",
                help_text=criterion.description,
                max_points=criterion.max_points,
            )
        self.order_fields([points_field(c.pk) for c in self.criteria] + ["method", "assessed_on", "comment"])

    def points_fields(self):
        return [self[points_field(c.pk)] for c in self.criteria]

    def points(self) -> dict[int, Decimal]:
        return {c.pk: self.cleaned_data.get(points_field(c.pk)) for c in self.criteria}

    def clean(self):
        data = super().clean()
        reason = data.get("veto_reason")
        if "veto_reason" not in self.errors:
            if data.get("veto") and not reason:
                self.add_error("veto_reason", phrases.VETO_REASON_REQUIRED)
            elif not data.get("veto") and reason:
                self.add_error("veto_reason", phrases.VETO_REASON_WITHOUT_VETO)
        return data
