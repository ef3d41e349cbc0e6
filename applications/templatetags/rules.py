"""{% load rules %}: {{ application|women_share }} → "59.9%", or a short note when there is no share.

The one display of 女性占比 for every page and document (detail pages, lists, 附件1 PDF); the
browser's hint (static/js/rules.js) computes the same text.
"""

from django import template

from applications.eligibility import women_share_text

register = template.Library()


@register.filter
def women_share(application) -> str:
    """女性占比 of anything with staff_total and staff_women (an Application, a shown snapshot)."""
    return women_share_text(getattr(application, "staff_total", None), getattr(application, "staff_women", None))
