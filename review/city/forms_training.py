"""The forms of the training page: a new session, and the attendance table of one session."""

from django import forms

from applications.models import Application
from gangwei.formbase import SafeForm, apply_text_rules
from review.city import phrases
from review.city.training import ATTENDEE_MAX
from review.models import TrainingSession

# Rows one attendance table saves at once (the page shows ATTENDANCE_PAGE_SIZE).
MAX_ROWS = 100


def attendee_field(key: str) -> str:
    return f"attendee_{key}"


class TrainingSessionForm(SafeForm):
    limits_model = TrainingSession

    title = forms.CharField(label="培训名称", error_messages={"required": phrases.TRAINING_TITLE_REQUIRED})
    held_on = forms.DateField(
        label="培训日期",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": phrases.TRAINING_DATE_REQUIRED, "invalid": phrases.TRAINING_DATE_INVALID},
    )
    place = forms.CharField(label="培训地点", error_messages={"required": phrases.TRAINING_PLACE_REQUIRED})


class AttendanceForm(SafeForm):
    """One row per post: the name of who attended (blank: did not attend). The posted `keys` say
    which rows the table held; only those are saved, so a table loaded before a post was reported
    (or on another page) never clears a row it did not show."""

    keys = forms.MultipleChoiceField(
        widget=forms.MultipleHiddenInput,
        error_messages={"required": phrases.ATTENDANCE_UNKNOWN_POST, "invalid_choice": phrases.ATTENDANCE_UNKNOWN_POST},
    )

    def __init__(self, *args, posts: list[Application] = (), known_keys=(), placeholders=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keys"].choices = [(key, key) for key in known_keys]
        if self.is_bound:
            known = set(known_keys)
            keys = [k for k in dict.fromkeys(self.data.getlist("keys")) if isinstance(k, str) and k in known]
        else:
            keys = [post.key for post in posts]
            self.initial["keys"] = keys
        self.row_keys = keys[:MAX_ROWS]
        placeholders = placeholders or {}
        for key in self.row_keys:
            field = forms.CharField(label="参训人", required=False, max_length=ATTENDEE_MAX)
            self.fields[attendee_field(key)] = field
            if placeholders.get(key):
                field.widget.attrs["placeholder"] = placeholders[key]
        # The new fields get the project's text rules too (limit, trimming, control characters).
        for key in self.row_keys:
            apply_text_rules(self.fields[attendee_field(key)], hint=False)

    def clean_keys(self):
        keys = list(dict.fromkeys(self.cleaned_data["keys"]))
        if len(keys) > MAX_ROWS:
            raise forms.ValidationError(phrases.ATTENDANCE_TOO_MANY.format(limit=MAX_ROWS))
        return keys

    def attendees(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(attendee_field(key)) or "" for key in self.cleaned_data["keys"]}

    def row(self, key: str):
        return self[attendee_field(key)]
