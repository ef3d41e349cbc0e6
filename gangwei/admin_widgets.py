"""A fix for Django's admin autocomplete widget, installed once for every admin (gangwei.apps).

When a change form with an autocomplete field is refused and shown again, the widget looks up the
posted value to show it as selected, without checking it first: a posted " ", "abc" or 10**30
for an integer key is a ValueError or OverflowError, i.e. a 500 instead of the form with its error. The widget now leaves
out values the key field cannot read (the field's own error still says the choice is invalid).
"""

from django.core.exceptions import ValidationError
from django.db import connection


def _readable(field, value) -> bool:
    remote = field.remote_field
    key = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
    try:
        python = key.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return False
    if isinstance(python, int):
        # Beyond the column's range SQLite raises OverflowError in the lookup.
        low, high = connection.ops.integer_field_range(key.get_internal_type())
        if (low is not None and python < low) or (high is not None and python > high):
            return False
    return "\x00" not in str(value)


def install() -> None:
    from django.contrib.admin import widgets

    original = widgets.AutocompleteMixin.optgroups
    if getattr(original, "gangwei_checked", False):
        return

    def optgroups(self, name, value, attr=None):
        return original(self, name, [v for v in value if _readable(self.field, v)], attr)

    optgroups.gangwei_checked = True
    widgets.AutocompleteMixin.optgroups = optgroups
