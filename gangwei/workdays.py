"""Working days by China's official calendar: weekends, the State Council's holidays and make-up
workdays (调休), read from the CalendarYear / CalendarDay tables.

The tables are filled from the chinesecalendar library for the years it knows (a data migration and
`manage.py load_holidays`) and extended by admins when a new year is announced. A count that reaches
a year with no calendar raises CalendarUnknown: it is never counted as if every weekday were a
working day.
"""

import datetime as dt

from gangwei.models import CalendarDay, CalendarYear, DayKind

# The library names its holidays in English; the tables and pages use the official Chinese names.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
# The longest span a count may look at: 30 working days never need more than this many calendar days.
MAX_SPAN_DAYS = 120


class CalendarUnknown(Exception):
    """The count reaches a year whose official holidays are not in the table."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return (
            f"系统中还没有{self.year}年的法定节假日安排（国务院办公厅每年公布），无法按工作日计算。"
            f"请管理员在后台“节假日年份”中录入{self.year}年的节假日和调休上班日后再试。"
        )


def _calendar(first: dt.date, last: dt.date) -> tuple[set[int], dict[dt.date, str]]:
    """The years known between `first` and `last`, and their special days (two queries)."""
    known = set(CalendarYear.objects.filter(year__range=(first.year, last.year)).values_list("year", flat=True))
    special = dict(CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "kind"))
    return known, special


def is_working_day(day: dt.date, special: dict[dt.date, str]) -> bool:
    kind = special.get(day)
    if kind == DayKind.HOLIDAY:
        return False
    if kind == DayKind.WORKDAY:
        return True
    return day.weekday() < 5


def _days(first: dt.date, last: dt.date):
    """Each day from `first` to `last` with whether it is a working day; refuses an unknown year
    when the walk reaches it (a period that ends before it is counted)."""
    known, special = _calendar(first, last)
    day = first
    while day <= last:
        if day.year not in known:
            raise CalendarUnknown(day.year)
        yield day, is_working_day(day, special)
        day += dt.timedelta(days=1)


def working_days_end(start: dt.date, days: int) -> dt.date:
    """The last day of a period of `days` working days that begins on `start`: the day itself counts
    when it is a working day. Raises CalendarUnknown when the period reaches an unknown year."""
    if not 1 <= days <= 30:
        raise ValueError("days must be between 1 and 30")
    # Near the end of the calendar (a date typed as 9999-12-31) the span stops at the last date
    # there is; no such year is in the table, so the walk refuses it before going further.
    last = start + dt.timedelta(days=MAX_SPAN_DAYS) if start <= dt.date.max - dt.timedelta(days=MAX_SPAN_DAYS) else dt.date.max
    counted = 0
    for day, working in _days(start, last):
        counted += working
        if counted == days:
            return day
    raise ValueError("no end within the longest span")  # pragma: no cover - 30 days fit in 120


def working_days_between(first: dt.date, last: dt.date) -> int:
    """How many working days from `first` to `last`, both included (0 when last < first)."""
    if last < first:
        return 0
    return sum(working for _, working in _days(first, last))


def library_calendar() -> tuple[str, dict[int, list[tuple[dt.date, str, str]]]]:
    """The chinesecalendar library's years: (source label, {year: [(date, kind, name)]})."""
    import chinese_calendar
    from chinese_calendar.constants import holidays, workdays

    by_year: dict[int, list[tuple[dt.date, str, str]]] = {}
    for table, kind in ((holidays, DayKind.HOLIDAY), (workdays, DayKind.WORKDAY)):
        for day, name in table.items():
            by_year.setdefault(day.year, []).append((day, kind, HOLIDAY_NAMES.get(name, name)))
    return f"chinesecalendar {chinese_calendar.__version__}", by_year


def load_library_calendar(calendar_year=CalendarYear, calendar_day=CalendarDay) -> list[int]:
    """Add the library's years that the table lacks (an admin's own entries are left as they are).
    Returns the years added. The model classes may be a migration's historical ones."""
    source, by_year = library_calendar()
    known = set(calendar_year.objects.values_list("year", flat=True))
    added = []
    for year in sorted(set(by_year) - known):
        calendar_year.objects.create(year=year, source=source)
        taken = set(calendar_day.objects.filter(date__year=year).values_list("date", flat=True))
        calendar_day.objects.bulk_create(
            calendar_day(date=day, kind=str(kind), name=name[:40])
            for day, kind, name in sorted(by_year[year])
            if day not in taken
        )
        added.append(year)
    return added
