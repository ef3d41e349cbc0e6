"""{% error_summary form [formset "label" ...] %}: the list of a refused form's errors, each linked
to its field (gangwei.form_a11y). Any form of the project uses it the same way."""

from django import template
from django.template.loader import render_to_string

from gangwei.form_a11y import error_summary_items

register = template.Library()


@register.simple_tag
def error_summary(form, *formsets_and_labels, row_errors=(), rows_anchor=""):
    pairs = list(zip(formsets_and_labels[::2], formsets_and_labels[1::2], strict=True))
    items = error_summary_items(form, pairs, row_errors, rows_anchor)
    # Most forms are shown without errors: nothing to render then.
    return render_to_string("_error_summary.html", {"items": items}) if items else ""
