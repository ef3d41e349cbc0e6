"""The rules every form of the project follows, in one place.

    class MyForm(SafeModelForm): ...                      # a ModelForm
    class MyRow(RowForm): limits_model = Leader; ...      # one row of a formset
    MyRows = formset_factory(MyRow, formset=RowFormSet, max_num=10, validate_max=True, ...)

SafeFormMixin (SafeForm, SafeModelForm) gives every text field
- the model's max_length (ModelForm fields, or `limits_model` for a plain Form whose field names
  are the model's), with the browser's maxlength attribute and a hint "最多N字" in the help text;
- a Chinese max_length message that says the limit and the current length;
- surrounding whitespace trimmed, and NUL and other control characters refused next to the field
  (PostgreSQL cannot store NUL; control characters break the PDF and the exports);
and every field, whatever its type (choice, number, hidden, checkbox), the same refusal of NUL,
so no posted value reaches the database or a lookup with it.

RowForm adds what a formset row needs: a row is blank (ignored) or complete; `row_required` names
the fields a filled row must have, each with its message. RowFormSet words the formset's own errors
(too many rows, missing or tampered management form) in Chinese.
"""

import copy
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.formsets import BaseFormSet

from gangwei import phrases

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def validate_no_control_characters(value) -> None:
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(phrases.INPUT_CONTROL_CHARACTERS, code="control_characters")


def length_hint(max_length: int) -> str:
    return phrases.INPUT_LENGTH_HINT.format(limit=max_length)


def apply_text_rules(field: forms.Field, max_length: int | None = None, *, hint: bool = True) -> None:
    """Give one form field the project's text rules (see the module docstring)."""
    if not isinstance(field, forms.CharField):
        return
    field.error_messages["max_length"] = phrases.INPUT_TOO_LONG
    if validate_no_control_characters not in field.validators:
        field.validators.append(validate_no_control_characters)
    if isinstance(field.widget, forms.HiddenInput | forms.PasswordInput):
        return  # passwords are not trimmed, hidden fields show nothing
    if max_length is not None and field.max_length != max_length:
        field.max_length = max_length
        field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        field.validators.append(MaxLengthValidator(max_length))
    field.strip = True
    if field.max_length is not None:
        field.widget.attrs["maxlength"] = str(field.max_length)
        if hint:
            text = length_hint(field.max_length)
            if text not in str(field.help_text or ""):
                field.help_text = f"{field.help_text}（{text}）" if field.help_text else text


class SafeFormMixin:
    """Put before forms.Form / forms.ModelForm (or use SafeForm / SafeModelForm)."""

    limits_model = None  # for a plain Form: the model whose max_length the same-named fields take
    length_hint_exclude: tuple[str, ...] = ()  # fields that show no "最多N字" hint

    def __init__(self, *args, **kwargs):
        cls = type(self)
        if "_text_rules_fields" not in cls.__dict__:
            # The class's own fields get the rules once, on a copy (a declared field may be shared
            # with the class it came from); every instance then copies them ready (Django's deepcopy
            # of base_fields), instead of every form of every request working them out again.
            fields = copy.deepcopy(cls.base_fields)
            cls._apply_text_rules(fields)
            cls.base_fields, cls._text_rules_fields = fields, True
        super().__init__(*args, **kwargs)
        # A field added after the class was made (by a form's own __init__, a formset's DELETE).
        self._apply_text_rules({name: f for name, f in self.fields.items() if not getattr(f, "text_rules", False)})

    @classmethod
    def _apply_text_rules(cls, fields: dict[str, forms.Field]) -> None:
        model = cls.limits_model or getattr(getattr(cls, "_meta", None), "model", None)
        for name, field in fields.items():
            apply_text_rules(field, _model_max_length(model, name), hint=name not in cls.length_hint_exclude)
            field.text_rules = True

    def _clean_fields(self):
        # Django's loop (forms.Form._clean_fields), with one rule first: NUL in any posted value,
        # whatever the field's type (a checkbox's "on\x00", a number, a split date), is refused
        # next to that field before the field converts the value or looks anything up with it.
        refused = _keys_with_nul(self.data)
        for name, bf in self._bound_items():
            field = bf.field
            html_name = bf.html_name
            if refused and not field.disabled and any(k == html_name or k.startswith(f"{html_name}_") for k in refused):
                self.add_error(name, ValidationError(phrases.INPUT_CONTROL_CHARACTERS, code="null_characters"))
                continue
            try:
                self.cleaned_data[name] = field._clean_bound_field(bf)
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except ValidationError as e:
                self.add_error(name, e)


    def full_clean(self):
        super().full_clean()
        # A page shows no errors of hidden fields (version, form_token): say above the form that
        # the page's own data was refused, or the clerk looks for a red field that is not there.
        if self.is_bound and self._errors is not None:
            if any(name in self._errors for name, f in self.fields.items() if f.widget.is_hidden):
                self.add_error(None, phrases.INPUT_HIDDEN_REFUSED)


def _keys_with_nul(data) -> set[str]:
    """The posted keys with NUL in a value: read once per posted data, which every form and row of
    a page is bound to (kept on it; a plain dict keeps nothing)."""
    keys = getattr(data, "_keys_with_nul", None)
    if keys is not None:
        return keys
    keys = set()
    for key in data:
        values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
        if any(isinstance(v, str) and "\x00" in v for v in values):
            keys.add(key)
    try:
        data._keys_with_nul = keys
    except AttributeError:
        pass
    return keys


def _model_max_length(model, name: str) -> int | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name).max_length
    except Exception:  # noqa: BLE001 — not a model field (a form-only field)
        return None


class SafeForm(SafeFormMixin, forms.Form):
    pass


class SafeModelForm(SafeFormMixin, forms.ModelForm):
    pass


class RowForm(SafeForm):
    """One row of a formset: blank (ignored), or complete as `row_required` says."""

    row_required: dict[str, str] = {}  # field name → the message when a filled row lacks it
    length_hint_exclude = ()

    def row_fields(self) -> list[str]:
        return [name for name in self.base_fields if name != "DELETE"]

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", None) or {}
        return not any(str(data.get(k) or "").strip() for k in self.row_fields())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("DELETE") or self.is_blank():
            return cleaned
        for name, message in self.row_required.items():
            if name not in self.errors and not str(cleaned.get(name) or "").strip():
                self.add_error(name, message)
        return cleaned


class RowFormSet(BaseFormSet):
    """A formset whose own errors (row count, management form) read as the rest of the page."""

    default_error_messages = {
        "missing_management_form": phrases.ROWS_TAMPERED,
        "too_many_forms": phrases.ROWS_TOO_MANY,
        "too_few_forms": phrases.ROWS_TOO_FEW,
    }

    def clean(self):
        # Django reads a negative TOTAL_FORMS as "no rows" and would drop every posted row unseen.
        counts = self.management_form.cleaned_data
        total, initial = counts.get("TOTAL_FORMS", 0), counts.get("INITIAL_FORMS", 0)
        if total < 0 or initial < 0 or initial > total:
            raise ValidationError(
                self.error_messages["missing_management_form"] % {"field_names": "TOTAL_FORMS, INITIAL_FORMS"},
                code="missing_management_form",
            )
        super().clean()
