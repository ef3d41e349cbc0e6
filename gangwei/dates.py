"""The one way the site writes a moment: 2020年9月20日 23:59:59, in Asia/Shanghai.

Month and day without leading zeros (as official documents write them), the time always with
seconds (every deadline is inclusive to the second). Python messages call these functions,
templates the filters of gangwei/templatetags/dates.py; nothing else formats a date.
"""

import datetime as dt

from django.utils import timezone


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def format_date(value: dt.datetime | dt.date | None) -> str:
    """2020年9月20日 (a datetime is first moved to Asia/Shanghai); '' for None."""
    if value is None:
        return ""
    day = _local(value).date() if isinstance(value, dt.datetime) else value
    return f"{day.year}年{day.month}月{day.day}日"


def format_time(value: dt.datetime | None) -> str:
    """23:59:59, in Asia/Shanghai; '' for None."""
    if value is None:
        return ""
    return f"{_local(value):%H:%M:%S}"


def format_datetime(value: dt.datetime | None) -> str:
    """2020年9月20日 23:59:59, in Asia/Shanghai; '' for None."""
    if value is None:
        return ""
    return f"{format_date(value)} {format_time(value)}"
