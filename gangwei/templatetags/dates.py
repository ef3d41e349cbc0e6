"""{% load dates %}: {{ moment|datetime_cn }} → 2020年9月20日 23:59:59, {{ moment|date_cn }} → 2020年9月20日."""

from django import template

from gangwei.dates import format_date, format_datetime

register = template.Library()


@register.filter
def datetime_cn(value) -> str:
    return format_datetime(value) if value else ""


@register.filter
def date_cn(value) -> str:
    return format_date(value) if value else ""
