"""The forms of the review pages: a decision, the bulk 推荐所选, the rank, 报送 and the city's 退回."""

from django import forms

from applications.models import Application
from applications.workflow import Action
from gangwei.formbase import SafeForm
from review import phrases
from review.models import CONDITION_FIELDS, CONDITIONS, SummaryReport

DECISION_CHOICES = [
    (Action.RECOMMEND.value, "推荐"),
    (Action.RETURN.value, "退回修改"),
    (Action.NOT_RECOMMEND.value, "不予推荐"),
]
OPINION_MAX = Application._meta.get_field("review_opinion").max_length
REASON_MAX = SummaryReport._meta.get_field("reopen_reason").max_length
MAX_KEYS = 500


def _condition_fields() -> dict[str, forms.BooleanField]:
    return {name: forms.BooleanField(label=label, required=False) for name, label in CONDITIONS}


class ConditionsMixin:
    def conditions(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name in CONDITION_FIELDS}

    def condition_fields(self):
        return [self[name] for name in CONDITION_FIELDS]


class DecisionForm(ConditionsMixin, SafeForm):
    action = forms.ChoiceField(
        label="初审决定",
        choices=DECISION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": phrases.ACTION_REQUIRED, "invalid_choice": phrases.ACTION_REQUIRED},
    )
    opinion = forms.CharField(
        label=phrases.OPINION_LABEL,
        help_text=phrases.OPINION_HELP,
        max_length=OPINION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2_147_483_647)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in _condition_fields().items():
            self.fields[name] = field
        self.order_fields(["action", *CONDITION_FIELDS, "opinion", "version"])

    def clean(self):
        data = super().clean()
        if data.get("action") in (Action.RETURN, Action.NOT_RECOMMEND):
            opinion = (data.get("opinion") or "").strip().rstrip("。.！! ")
            if not opinion:
                self.add_error("opinion", phrases.REASON_REQUIRED)
            elif opinion.endswith("同意推荐") and not opinion.endswith("不同意推荐"):
                # The box is prefilled with the 推荐 opinion: a return must not tell the unit "同意推荐".
                self.add_error("opinion", phrases.REASON_SAYS_RECOMMEND)
        return data


class BulkRecommendForm(ConditionsMixin, SafeForm):
    """推荐所选: the checked keys (among those the page offered), one checklist and one 意见."""

    keys = forms.MultipleChoiceField(
        label="所选申报",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": phrases.BULK_NONE_CHOSEN, "invalid_choice": phrases.BULK_UNKNOWN},
    )
    opinion = forms.CharField(
        label="初审意见",
        help_text="打印在每份申报表最后一栏。",
        max_length=OPINION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": phrases.OPINION_REQUIRED},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keys"].choices = list(choices)
        for name, field in _condition_fields().items():
            self.fields[name] = field
        self.order_fields(["keys", *CONDITION_FIELDS, "opinion"])

    def clean_keys(self):
        keys = self.cleaned_data["keys"]
        if len(keys) > MAX_KEYS:
            raise forms.ValidationError(phrases.BULK_UNKNOWN)
        return list(dict.fromkeys(keys))

    def clean(self):
        data = super().clean()
        if not all(self.conditions().values()):
            self.add_error(None, phrases.CONDITIONS_REQUIRED)
        return data


class RankForm(SafeForm):
    order = forms.MultipleChoiceField(
        error_messages={"required": phrases.RANK_STALE, "invalid_choice": phrases.RANK_STALE},
    )

    def __init__(self, *args, keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].choices = [(key, key) for key in keys]

    def clean_order(self):
        order = self.cleaned_data["order"]
        if len(order) > MAX_KEYS:
            raise forms.ValidationError(phrases.RANK_STALE)
        return order


class FileForm(SafeForm):
    confirm = forms.BooleanField(
        label=phrases.FILE_CONFIRM_LABEL, error_messages={"required": phrases.FILE_CONFIRM_REQUIRED}
    )


class ReopenForm(SafeForm):
    reason = forms.CharField(
        label=phrases.REOPEN_REASON_LABEL,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": phrases.REOPEN_REASON_REQUIRED},
    )
