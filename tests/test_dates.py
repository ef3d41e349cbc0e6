"""gangwei/dates.py and its template filters: one way to write a moment, in Asia/Shanghai."""

import datetime as dt

from django.template import engines

from gangwei.dates import format_date, format_datetime, format_time
from tests.factories import shanghai


def test_format_datetime_no_leading_zeros_seconds_always():
    assert [format_datetime(shanghai(2020, 9, 20, 23, 59, 59)), format_datetime(shanghai(2020, 12, 8, 9, 5, 0))] == [
        "2020年9月20日 23:59:59",
        "2020年12月8日 09:05:00",
    ]


def test_format_datetime_moves_utc_to_shanghai():
    # 16:00 UTC on 30 September is already 1 October in Liuzhou.
    assert format_datetime(dt.datetime(2020, 9, 30, 16, 0, 0, tzinfo=dt.UTC)) == "2020年10月1日 00:00:00"


def test_format_date_and_time():
    moment = dt.datetime(2020, 9, 30, 16, 0, 1, tzinfo=dt.UTC)
    assert [format_date(moment), format_date(dt.date(2021, 1, 2)), format_time(moment)] == [
        "2020年10月1日",
        "2021年1月2日",
        "00:00:01",
    ]


def test_format_none_is_blank():
    assert [format_date(None), format_time(None), format_datetime(None)] == ["", "", ""]


def test_filters_render_the_same():
    template = engines["django"].from_string("{% load dates %}{{ m|datetime_cn }}|{{ m|date_cn }}|{{ n|datetime_cn }}")
    assert template.render({"m": shanghai(2020, 12, 8, 8, 0, 0), "n": None}) == "2020年12月8日 08:00:00|2020年12月8日|"


def test_django_display_formats_are_the_same():
    """Admin lists and {{ moment }} in a template write dates as gangwei.dates does."""
    from django.utils import formats, timezone

    moment = shanghai(2020, 12, 8, 8, 0, 5)
    local = timezone.localtime(moment)
    assert [
        formats.date_format(local, "DATETIME_FORMAT"),
        formats.date_format(local, "SHORT_DATETIME_FORMAT"),
        formats.date_format(local.date(), "DATE_FORMAT"),
        engines["django"].from_string("{{ m }}").render({"m": moment}),
    ] == [format_datetime(moment), format_datetime(moment), format_date(moment), format_datetime(moment)]
