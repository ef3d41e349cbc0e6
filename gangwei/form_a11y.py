"""Accessible forms, one rule for every form of the project.

- What a later step (the submission) needs is marked before the user gets there: a form lists those
  fields in ``submit_required``; each gets ``aria-required`` and its wrapper the class
  ``submit-required`` (site.css puts the 「*」 after its label), while the form itself still accepts
  them blank (a draft may be saved incomplete).
- The error summary above a refused form lists every field error with a link to its field
  (``error_summary_items``, rendered by the ``error_summary`` tag of ``form_errors``).
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.boundfield import BoundField

SUBMIT_REQUIRED_CLASS = "submit-required"


class SubmitRequiredBoundField(BoundField):
    def css_classes(self, extra_classes=None):
        classes = super().css_classes(extra_classes)
        if self.name in getattr(self.form, "submit_required", ()):
            classes = f"{classes} {SUBMIT_REQUIRED_CLASS}".strip()
        return classes


class SubmitRequiredMixin:
    """For a form whose fields may be left blank now but are needed later (a draft, then 提交)."""

    submit_required: tuple[str, ...] = ()
    bound_field_class = SubmitRequiredBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.submit_required:
            widget = self.fields[name].widget
            # A radio or checkbox group has no single control to carry it (its legend has the mark).
            if not isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                widget.attrs["aria-required"] = "true"


@dataclass(frozen=True)
class SummaryItem:
    message: str
    href: str  # "#id_..." of the field, "" for an error of the whole form
    label: str


def field_anchor(bound: BoundField) -> str:
    """The id of the control to go to: the first choice of a radio or checkbox group."""
    if not bound.auto_id:
        return ""
    if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"#{bound.auto_id}_0"
    return f"#{bound.auto_id}"


def form_items(form, label_prefix: str = "") -> list[SummaryItem]:
    items = []
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            continue
        bound = form[name]
        for message in errors:
            items.append(SummaryItem(message, field_anchor(bound), f"{label_prefix}{bound.label}"))
    return items


def error_summary_items(form, formsets=(), row_errors=(), rows_anchor: str = "") -> list[SummaryItem]:
    """Every field error of `form` and of each (formset, row label) in `formsets`, in page order
    of the forms, then `row_errors` (messages about a group of rows) linked to `rows_anchor`."""
    items = form_items(form)
    for formset, row_label in formsets:
        for index, row in enumerate(formset.forms, start=1):
            items += form_items(row, f"{row_label}第{index}行 · ")
        for message in formset.non_form_errors():
            items.append(SummaryItem(message, rows_anchor, row_label))
    for message in row_errors:
        items.append(SummaryItem(message, rows_anchor, ""))
    return items
