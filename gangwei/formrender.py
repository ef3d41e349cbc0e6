"""The form renderer: Django's TemplatesSetting, with the commonest widgets written in Python.

Profiling the 附件1 form (bench/pages.py --profile) showed most of its time in rendering widgets:
every <input>, <select> and <option> is a template include of its own (input.html, attrs.html,
select_option.html), dozens per page. The widgets below produce the same characters as Django's
templates do (tests/test_speed.py compares both on every field of the project's forms), without the
template machinery. A widget template overridden in templates/ is rendered as before.
"""

from html import escape as html_escape
from pathlib import Path

import django
from django.forms.renderers import TemplatesSetting
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

DJANGO_WIDGETS = Path(django.__file__).resolve().parent / "forms" / "templates"

INPUT_TEMPLATES = {
    f"django/forms/widgets/{kind}.html"
    for kind in ("text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "tel", "search", "checkbox", "input")
}
SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def escape(text) -> str:
    """django.utils.html.escape (which is html.escape of str(text)) without its lazy-string wrapper:
    the same characters, a tenth of the calls (a page has hundreds of attribute values)."""
    return html_escape(str(text))


def conditional_escape(text) -> str:
    """django.utils.html.conditional_escape, likewise: a value that knows its HTML gives it, any
    other value (a lazy translation included) is escaped as text."""
    if hasattr(text, "__html__"):
        return text.__html__()
    return html_escape(str(text))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{escape(str(value))}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
    return f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _option(option: dict) -> str:
    return f'<option value="{escape(str(option["value"]))}"{_attrs(option["attrs"])}>{conditional_escape(option["label"])}</option>'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append(f"\n  {_option(option)}\n")  # select_option.html ends with a newline
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


class FastTemplatesSetting(TemplatesSetting):
    @cached_property
    def own(self) -> bool:
        """Whether every widget template written in Python here is Django's own, not overridden by
        the project or an app (then everything goes through the template engine, as before)."""
        names = (*INPUT_TEMPLATES, SELECT_TEMPLATE, OPTION_TEMPLATE, TEXTAREA_TEMPLATE)
        for name in names:
            origin = Path(self.get_template(name).template.origin.name).resolve()
            if not origin.is_relative_to(DJANGO_WIDGETS):
                return False
        return True

    def render(self, template_name, context, request=None):
        """As BaseRenderer.render (whose result is stripped: so are these), for the widgets above."""
        html = None
        widget = context.get("widget")
        if widget is not None and widget.get("template_name") == template_name and self.own:
            if template_name in INPUT_TEMPLATES:
                html = _input(widget)
            elif template_name == SELECT_TEMPLATE:
                html = _select(widget)
            elif template_name == TEXTAREA_TEMPLATE:
                html = _textarea(widget)
        if html is None:
            return super().render(template_name, context, request)
        return SafeString(html)
