"""`lean_field`: crispy-forms' bootstrap5 field for the repeated rows of a formset, in Python.

The 附件1 form repeats its 岗位负责人 and 曾获荣誉 rows (and a template row for each), and crispy's
field.html with its includes took most of the form's rendering time (bench/pages.py --profile).
For a plain text, number or select field, a checkbox and a set of radio buttons with crispy's
default layout this filter writes the same elements, attributes and texts (only the blank space
between tags differs; tests/test_speed.py compares both); any other field goes through crispy as
before.
"""

from crispy_forms.templatetags.crispy_forms_filters import optgroups
from django import forms, template
from django.conf import settings
from django.templatetags.l10n import unlocalize
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from gangwei.formrender import _attrs, conditional_escape

register = template.Library()


def format_html(format_string: str, *args) -> SafeString:
    """django.utils.html.format_html for positional arguments, with gangwei.formrender's escaping: the
    same characters, without the lazy-string wrappers (a form page calls it a few hundred times)."""
    return SafeString(format_string.format(*(conditional_escape(arg) for arg in args)))


OTHER_WIDGETS = (
    forms.CheckboxSelectMultiple,
    forms.FileInput,
    forms.MultiWidget,
)


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


def _errors_block(field, errors) -> list:
    """bootstrap5/layout/field_errors_block.html."""
    parts = [format_html('<div id="{}_error" class="invalid-feedback">', errors.field_id)]
    for number, error in enumerate(errors, start=1):
        parts.append(format_html('<p id="error_{}_{}"><strong>{}</strong></p>', number, field.auto_id, error))
    parts.append(SafeString("</div>"))
    return parts


def _help_text(field) -> list:
    """bootstrap5/layout/help_text.html (not inline)."""
    if not field.help_text:
        return []
    id_part = format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else ""
    return [format_html('<div {}class="form-text">{}</div>', id_part, SafeString(str(field.help_text)))]


def _asterisk(field) -> SafeString:
    return SafeString('<span class="asteriskField">*</span>' if field.field.required else "")


def _checkbox(field) -> str:
    """crispy's bootstrap5 field.html for a CheckboxInput (labels shown, no label or wrapper class)."""
    errors = field.errors
    css = field.css_classes()
    parts = [
        SafeString('<div class="mb-3">'),
        format_html('<div id="div_{}" class="form-check{}">', field.auto_id, f" {css}" if css else ""),
        _crispy_widget(field, "form-check-input is-invalid" if errors else "form-check-input"),
        format_html(
            '<label for="{}" class="form-check-label{}">{}{}</label>',
            field.id_for_label,
            " requiredField" if field.field.required else "",
            field.label,
            _asterisk(field),
        ),
    ]
    if errors:
        parts += _errors_block(field, errors)
    parts += _help_text(field)
    parts.append(SafeString("</div></div>"))
    return SafeString("".join(conditional_escape(part) for part in parts))


def _radios(field) -> str:
    """crispy's bootstrap5 field.html with layout/radio_checkbox_select.html, for a RadioSelect
    (labels shown, not inline, no field class): a fieldset whose legend is the label, one
    form-check per option, the errors inside the last option, then the help text (as crispy)."""
    errors = field.errors
    css = field.css_classes()
    parts = [format_html('<div id="div_{}" class="mb-3{}">', field.auto_id, f" {css}" if css else "")]
    if field.label:
        described = field.aria_describedby
        parts.append(format_html("<fieldset{}>", format_html(' aria-describedby="{}"', described) if described else ""))
        parts.append(
            format_html(
                '<legend {}class="form-label{} fs-6">{}{}</legend>',
                format_html('for="{}" ', field.id_for_label) if field.id_for_label else "",
                " requiredField" if field.field.required else "",
                field.label,
                _asterisk(field),
            )
        )
    parts.append(SafeString("<div >"))
    groups = optgroups(field)
    input_class = "form-check-input is-invalid" if errors else "form-check-input"
    for group_number, (group, options, _index) in enumerate(groups, start=1):
        if group:
            parts.append(format_html("<strong>{}</strong>", group))
        for number, option in enumerate(options, start=1):
            parts.append(
                format_html(
                    '<div class="form-check"><input type="{}" class="{}" name="{}" value="{}"{}>'
                    '<label for="{}" class="form-check-label">{}</label>',
                    option["type"],
                    input_class,
                    field.html_name,
                    unlocalize(option["value"]),
                    SafeString(_attrs(option["attrs"])),
                    option["attrs"].get("id", ""),
                    unlocalize(option["label"]),
                )
            )
            if errors and number == len(options) and group_number == len(groups):
                parts += _errors_block(field, errors)
            parts.append(SafeString("</div>"))
    parts.append(SafeString("</div>"))
    parts += _help_text(field)
    if field.label:
        parts.append(SafeString("</fieldset>"))
    parts.append(SafeString("</div>"))
    return SafeString("".join(conditional_escape(part) for part in parts))


@register.filter
def lean_field(field) -> str:
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    widget = field.field.widget
    if field.is_hidden or isinstance(widget, OTHER_WIDGETS) or getattr(field.form, "helper", None) is not None:
        return as_crispy_field(field)
    if isinstance(widget, forms.CheckboxInput):
        return _checkbox(field)
    if isinstance(widget, forms.RadioSelect):
        return _radios(field)
    if field.use_fieldset:
        return as_crispy_field(field)
    errors = field.errors
    parts = [
        format_html(
            '<div id="div_{}" class="mb-3{}">', field.auto_id, f" {field.css_classes()}" if field.css_classes() else ""
        )
    ]
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
    if errors:
        parts += _errors_block(field, errors)
    parts += _help_text(field)
    parts.append(SafeString("</div>"))
    return SafeString("".join(conditional_escape(part) for part in parts))


def _row(form, *, read_only: bool = False) -> str:
    """One row of a formset (岗位负责人 or 曾获荣誉) as applications/_rows.html shows it: its fields, then
    its 删除此行 box unless the page is read-only."""
    cells = [
        format_html('<div class="col-6 col-md">{}</div>', lean_field(field))
        for field in form.visible_fields()
        if field.name != "DELETE"
    ]
    if not read_only:
        delete = form["DELETE"]
        cells.append(
            format_html(
                '<div class="col-12 col-md-auto d-flex align-items-end pb-3"><label class="row-delete">'
                '<input type="checkbox" name="{}"{} data-delete> 删除此行</label></div>',
                delete.html_name,
                SafeString(" checked") if delete.value() else "",
            )
        )
    return '<div class="row-card" data-row><div class="row g-2">' + "".join(cells) + "</div></div>"


@register.simple_tag
def formset_rows(formset, read_only=False) -> SafeString:
    """The formset's rows (_row each): written in Python, not by a template looping over the fields,
    since the 附件1 form page is the one every submission reads (bench/load.py)."""
    return SafeString("\n".join(_row(form, read_only=read_only) for form in formset))


# The rendered template rows, by formset class, prefix and language (row_template).
_ROW_TEMPLATES: dict[tuple, SafeString] = {}


@register.simple_tag
def row_template(formset) -> SafeString:
    """The template row that the "add" button copies: the formset's empty form as a row (_row). It
    holds no value, no error and nothing of the request, so it is rendered once per process and formset."""
    key = (type(formset), formset.prefix, get_language())
    html = _ROW_TEMPLATES.get(key)
    if html is None:
        html = _ROW_TEMPLATES[key] = SafeString(_row(formset.empty_form))
    return html


@register.simple_tag
def management_inputs(formset) -> SafeString:
    """The formset's management form as its four hidden inputs. An unbound formset's are written
    here (the values Django's ManagementForm would show), without building that form and its
    fields for the page; a posted formset shows what was posted, through the form itself."""
    if formset.is_bound:
        return SafeString("".join(str(field) for field in formset.management_form))
    values = (
        ("TOTAL_FORMS", formset.total_form_count()),
        ("INITIAL_FORMS", formset.initial_form_count()),
        ("MIN_NUM_FORMS", formset.min_num),
        ("MAX_NUM_FORMS", formset.max_num),
    )
    return SafeString(
        "".join(
            format_html('<input type="hidden" name="{0}-{1}" value="{2}" id="id_{0}-{1}">', formset.prefix, name, value)
            for name, value in values
        )
    )
