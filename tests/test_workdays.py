"""Working days by China's official calendar (gangwei.workdays), the holiday table's loading
(data migration and `manage.py load_holidays`) and an admin's extension of it."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from gangwei.models import CalendarDay, CalendarYear, DayKind
from gangwei.workdays import CalendarUnknown, working_days_between, working_days_end

pytestmark = pytest.mark.django_db

D = dt.date


def test_working_days_end_publicity_starting_day_before_national_day():
    # 2024-09-30 (Mon) counts; 10-01..10-07 are National Day; 10-08..10-11 are days 2 to 5.
    assert working_days_end(D(2024, 9, 30), 5) == D(2024, 10, 11)


def test_working_days_end_counts_make_up_saturday():
    # 10-08..10-11 are four days; Saturday 10-12 is a make-up workday (调休上班), the fifth.
    assert working_days_end(D(2024, 10, 8), 5) == D(2024, 10, 12)


def test_working_days_end_spring_festival_with_make_up_sunday():
    # 2024: Thu 02-08 and Fri 02-09 work, 02-10..02-17 Spring Festival, Sunday 02-18 is a make-up
    # workday, then Mon 02-19 and Tue 02-20.
    assert working_days_end(D(2024, 2, 8), 5) == D(2024, 2, 20)


def test_working_days_end_start_on_holiday_is_not_counted():
    # Starting on 10-01 (a holiday) the first working day is 10-08.
    assert working_days_end(D(2024, 10, 1), 1) == D(2024, 10, 8)


def test_working_days_end_plain_week():
    assert working_days_end(D(2024, 6, 3), 5) == D(2024, 6, 7)  # Mon..Fri
    assert working_days_end(D(2024, 5, 17), 2) == D(2024, 5, 20)  # Fri, then Mon
    assert working_days_end(D(2024, 6, 7), 2) == D(2024, 6, 11)  # Fri; Mon 06-10 is 端午节


def test_working_days_between_counts_holidays_and_make_up_days():
    assert working_days_between(D(2024, 9, 28), D(2024, 10, 13)) == 7  # 09-29, 09-30, 10-08..10-12
    assert working_days_between(D(2024, 10, 2), D(2024, 10, 1)) == 0


def test_working_days_end_library_years_loaded_by_migration():
    years = set(CalendarYear.objects.values_list("year", flat=True))
    assert min(years) == 2004
    assert max(years) == 2026
    assert CalendarDay.objects.get(date=D(2024, 10, 12)).kind == DayKind.WORKDAY
    assert CalendarDay.objects.get(date=D(2024, 10, 1)).name == "国庆节"


def test_working_days_end_reaching_unknown_year_refused():
    # Mon 2026-12-28..Thu 12-31 are four working days; the fifth would be in 2027, not in the table.
    with pytest.raises(CalendarUnknown) as caught:
        working_days_end(D(2026, 12, 28), 5)
    assert caught.value.year == 2027
    assert caught.value.message == (
        "系统中还没有2027年的法定节假日安排（国务院办公厅每年公布），无法按工作日计算。"
        "请管理员在后台“节假日年份”中录入2027年的节假日和调休上班日后再试。"
    )


def test_working_days_end_period_ending_before_unknown_year_counts():
    assert working_days_end(D(2026, 12, 28), 4) == D(2026, 12, 31)


def test_working_days_end_far_future_refused_not_overflow():
    with pytest.raises(CalendarUnknown) as caught:
        working_days_end(D(9999, 12, 31), 5)
    assert caught.value.year == 9999


def test_working_days_end_days_out_of_range():
    with pytest.raises(ValueError):
        working_days_end(D(2024, 6, 3), 0)
    with pytest.raises(ValueError):
        working_days_end(D(2024, 6, 3), 31)


def test_working_days_end_after_admin_adds_2027(admin_client):
    """An admin records 2027 (the year, then its New Year holiday) through the admin; it counts."""
    response = admin_client.post(
        "/admin/gangwei/calendaryear/add/", {"year": "2027", "source": "国办发明电〔2026〕X号"}
    )
    assert response.status_code == 302
    response = admin_client.post(
        "/admin/gangwei/calendarday/add/", {"date": "2027-01-01", "kind": DayKind.HOLIDAY, "name": "元旦"}
    )
    assert response.status_code == 302
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", "kind")) == [
        (D(2027, 1, 1), DayKind.HOLIDAY)
    ]
    # 12-28..12-31 are four; 2027-01-01 (Fri) is a holiday, 01-02/03 the weekend, Mon 01-04 the fifth.
    assert working_days_end(D(2026, 12, 28), 5) == D(2027, 1, 4)


def _table() -> tuple[list, list]:
    return (
        list(CalendarYear.objects.order_by("year").values_list("year", "source")),
        list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name")),
    )


def _load() -> str:
    out = io.StringIO()
    call_command("load_holidays", stdout=out)
    return out.getvalue()


def test_load_holidays_idempotent():
    before = _table()
    assert _load() == "节假日表已包含 chinesecalendar 库的全部年份，无需补充。\n"
    assert _load() == "节假日表已包含 chinesecalendar 库的全部年份，无需补充。\n"
    assert _table() == before


def test_load_holidays_never_overwrites_admin_entries():
    # An admin corrected a day of 2024 and entered 2027 by hand; 2026 was removed to be reloaded,
    # except one day the admin keeps as they entered it.
    CalendarDay.objects.filter(date=D(2024, 10, 1)).update(name="国庆节（管理员修改）")
    CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕X号")
    CalendarDay.objects.create(date=D(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
    CalendarYear.objects.filter(year=2026).delete()
    CalendarDay.objects.filter(date__year=2026).exclude(date=D(2026, 1, 1)).delete()
    CalendarDay.objects.filter(date=D(2026, 1, 1)).update(name="元旦（管理员录入）")
    days_2026 = CalendarDay.objects.filter(date__year=2026).count()

    assert _load() == "已补充 1 个年份：2026—2026。\n"

    assert CalendarDay.objects.get(date=D(2024, 10, 1)).name == "国庆节（管理员修改）"
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕X号"
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", "name")) == [(D(2027, 1, 1), "元旦")]
    assert CalendarDay.objects.get(date=D(2026, 1, 1)).name == "元旦（管理员录入）"
    assert CalendarDay.objects.filter(date__year=2026).count() > days_2026
    assert CalendarYear.objects.get(year=2026).source == "chinesecalendar 1.11.0"
    after = _table()
    assert _load() == "节假日表已包含 chinesecalendar 库的全部年份，无需补充。\n"
    assert _table() == after
