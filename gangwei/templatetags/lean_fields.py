"""`lean_field`: crispy-forms' bootstrap5 field for the repeated rows of a formset, in Python.

The 附件1 form repeats its 岗位负责人 and 曾获荣誉 rows (and a template row for each), and crispy's
field.html with its includes took most of the form's rendering time (bench/pages.py --profile).
For a plain text, number, textarea or select field, and a single checkbox, with crispy's default
layout this filter writes the same elements, attributes and texts (only the blank lines between tags
differ; tests/test_speed.py compares both); any other field goes through crispy as before. The 初审
queue renders its five condition checkboxes and the 意见 box through it too (crispy's templates were
a third of that page's time).
"""

from django import forms, template
from django.conf import settings
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

register = template.Library()

OTHER_WIDGETS = (
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.FileInput,
    forms.MultiWidget,
)


def _errors_and_help(field, errors) -> list:
    """bootstrap5/layout/help_text_and_errors.html: the errors block, then the help text."""
    parts = []
    if errors:
        parts.append(format_html('<div id="{}_error" class="invalid-feedback">', errors.field_id))
        for number, error in enumerate(errors, start=1):
            parts.append(format_html('<p id="error_{}_{}"><strong>{}</strong></p>', number, field.auto_id, error))
        parts.append(SafeString("</div>"))
    if field.help_text:
        id_part = format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else ""
        parts.append(format_html('<div {}class="form-text">{}</div>', id_part, SafeString(str(field.help_text))))
    return parts


def _checkbox(field) -> str:
    """bootstrap5/field.html for a single checkbox: the widget, then its label, in a form-check."""
    errors = field.errors
    required = field.field.required
    css = field.css_classes()
    parts = [
        SafeString('<div class="mb-3">'),
        format_html('<div id="div_{}" class="form-check{}">', field.auto_id, f" {css}" if css else ""),
        _crispy_widget(field, "form-check-input is-invalid" if errors else "form-check-input"),
        format_html(
            '<label for="{}" class="form-check-label{}">{}{}</label>',
            field.id_for_label,
            " requiredField" if required else "",
            field.label,
            SafeString('<span class="asteriskField">*</span>') if required else "",
        ),
        *_errors_and_help(field, errors),
        SafeString("</div></div>"),
    ]
    return SafeString("".join(conditional_escape(part) for part in parts))


def _crispy_widget(field, extra: str) -> str:
    """crispy_forms_field.CrispyFieldNode with ('class', extra): the widget's classes, then the widget."""
    widget = field.field.widget
    converters = getattr(settings, "CRISPY_CLASS_CONVERTERS", {})
    class_name = widget.__class__.__name__.lower()
    class_name = converters.get(class_name, class_name)
    css_class = widget.attrs.get("class", "")
    if css_class:
        if css_class.find(class_name) == -1:
            css_class += f" {class_name}"
    else:
        css_class = class_name
    widget.attrs["class"] = css_class
    for name in extra.split():
        if name not in widget.attrs["class"].split():
            widget.attrs["class"] += f" {name}"
    return str(field)


@register.filter
def lean_field(field) -> str:
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    widget = field.field.widget
    if (
        field.is_hidden
        or isinstance(widget, OTHER_WIDGETS)
        or getattr(field.form, "helper", None) is not None
        or field.use_fieldset
    ):
        return as_crispy_field(field)
    if isinstance(widget, forms.CheckboxInput):
        return _checkbox(field)
    errors = field.errors
    parts = [format_html('<div id="div_{}" class="mb-3{}">', field.auto_id, f" {field.css_classes()}" if field.css_classes() else "")]
    if field.label:
        required = field.field.required
        parts.append(
            format_html(
                '<label {}class="form-label{}">{}{}</label>',
                format_html('for="{}" ', field.id_for_label) if field.id_for_label else "",
                " requiredField" if required else "",
                field.label,
                SafeString('<span class="asteriskField">*</span>') if required else "",
            )
        )
    base = "form-select" if isinstance(widget, forms.Select) else "form-control"
    parts.append(_crispy_widget(field, f"{base} is-invalid" if errors else base))
    parts += _errors_and_help(field, errors)
    parts.append(SafeString("</div>"))
    return SafeString("".join(conditional_escape(part) for part in parts))
