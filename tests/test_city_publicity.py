"""公示 and 异议 (review.city.publicity): publishing within the NAMING window for working days, the
public list and its objection form, the rate limit, the city's handling, and the reads the naming
stage relies on."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from applications.models import Application, Message, MessageKind
from applications.workflow import Action, transition
from gangwei.deadlines import StageClosed
from gangwei.models import CalendarDay, CalendarYear, DayKind
from review.city import phrases
from review.city.publicity import (
    PublicityClosed,
    TooManyObjections,
    blocking_objections,
    objection_lodge,
    objection_resolve,
    publicities_of,
    publicity_ended,
    publicity_of,
    publicity_publish,
    source_of,
)
from review.models import Objection, ObjectionOutcome, Publicity
from tests.conftest import IN_ASSESSMENT_WINDOW, report_posts
from tests.factories import ApplicationFactory, CampaignFactory, UnitFactory, UserFactory, shanghai

D = dt.date
IN_NAMING = shanghai(2021, 7, 1, 10, 0, 0)  # Thursday; a 5-day 公示 from today ends Wed 2021-07-07
PUBLIC = "/publicity/2021/"
MANAGE = "/city/publicity/"
QUERIES_MANAGE = 9


def pass_posts(city_user, applications) -> list[Application]:
    """The city records 考核合格 for `applications` (reported), inside the 考核 window."""
    with time_machine.travel(IN_ASSESSMENT_WINDOW, tick=False):
        for application in applications:
            transition(application=application, action=Action.PASS, actor=city_user)
    return list(Application.objects.filter(pk__in=[a.pk for a in applications]).order_by("pk"))


@pytest.fixture
def passed(reported, reported_other, city_user, body_a, body_b):
    """Two passed posts: body B's comes first in the bodies' order."""
    body_b.display_order, body_a.display_order = 1, 2
    body_a.save()
    body_b.save()
    mine, other = pass_posts(city_user, [reported, reported_other])
    return [other, mine]


@pytest.fixture
def naming_day():
    with time_machine.travel(IN_NAMING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def published(passed, city_user, campaign, naming_day) -> Publicity:
    return publicity_publish(user=city_user, campaign=campaign, starts_on=D(2021, 7, 1))


def objection_data(chosen, **extra) -> dict:
    return {
        "entry": str(chosen.pk),
        "name": "张三",
        "phone": "0772-1234567",
        "email": "",
        "content": "该岗位去年曾被投诉，请核实。",
        **extra,
    }


def lodge(publicity, application, address="203.0.113.9", **extra) -> Objection:
    values = {"name": "张三", "phone": "0772-1234567", "email": "", "content": "请核实。", **extra}
    return objection_lodge(publicity=publicity, application=application, source_address=address, **values)


def visible_names(html: str) -> list[str]:
    return re.findall(r'<td data-label="申报单位（岗位）" class="post-name">(.*?)</td>', html)


# --- publish ----------------------------------------------------------------------------------------


def test_publicity_publish_lists_passed_posts_in_body_order(published, passed):
    other, mine = passed
    assert (published.starts_on, published.days, published.ends_on) == (D(2021, 7, 1), 5, D(2021, 7, 7))
    assert [(e.position, e.application_id) for e in published.entries.order_by("position")] == [
        (1, other.pk),
        (2, mine.pk),
    ]
    assert publicity_of(mine) == published
    assert publicities_of(published.campaign) == [published]


def test_publicity_publish_notifies_each_unit(published, passed):
    rows = list(Message.objects.filter(kind=MessageKind.PUBLICITY).order_by("application_id"))
    assert [m.application_id for m in rows] == sorted(a.pk for a in passed)
    mine = next(m for m in rows if m.application_id == passed[1].pk)
    assert mine.subject == f"【柳州市巾帼文明岗】拟命名名单公示：{passed[1].applicant_name}（{passed[1].number}）"
    assert "公示期：2021年7月1日至2021年7月7日（5个工作日）" in mine.body
    assert "/publicity/2021/" in mine.body


def test_publicity_publish_nothing_to_publish_refused(published, city_user, campaign):
    with pytest.raises(ValidationError) as caught:
        publicity_publish(user=city_user, campaign=campaign, starts_on=D(2021, 7, 2))
    assert caught.value.messages == [phrases.PUBLICITY_NOTHING]
    assert Publicity.objects.count() == 1


def test_publicity_publish_start_in_past_refused(passed, city_user, campaign, naming_day):
    with pytest.raises(ValidationError) as caught:
        publicity_publish(user=city_user, campaign=campaign, starts_on=D(2021, 6, 30))
    assert caught.value.message_dict == {"starts_on": ["公示开始日期不能早于今天（2021年7月1日）。"]}
    assert Publicity.objects.count() == 0


def test_publicity_publish_only_city(passed, reviewer_a, applicant, campaign, naming_day):
    for user in (reviewer_a, applicant):
        with pytest.raises(PermissionDenied):
            publicity_publish(user=user, campaign=campaign, starts_on=D(2021, 7, 1))
    assert Publicity.objects.count() == 0


def test_publicity_publish_at_naming_deadline_accepted(passed, city_user, campaign):
    with time_machine.travel(shanghai(2021, 8, 31, 23, 59, 59), tick=False):
        publicity = publicity_publish(user=city_user, campaign=campaign, starts_on=D(2021, 8, 31))
    assert (publicity.starts_on, publicity.ends_on) == (D(2021, 8, 31), D(2021, 9, 6))


def test_publicity_publish_one_second_after_naming_deadline_refused(passed, city_user, campaign):
    with time_machine.travel(shanghai(2021, 9, 1, 0, 0, 0), tick=False):
        with pytest.raises(StageClosed):
            publicity_publish(user=city_user, campaign=campaign, starts_on=D(2021, 9, 1))
    assert Publicity.objects.count() == 0
    assert Message.objects.filter(kind=MessageKind.PUBLICITY).count() == 0


def test_publicity_publish_one_second_after_deadline_view_403_form_kept(passed, city_user, client_for):
    client = client_for(city_user)
    with time_machine.travel(shanghai(2021, 9, 1, 0, 0, 0), tick=False):
        response = client.post(MANAGE, {"starts_on": "2021-09-01", "publish": "1"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "命名已于2021年8月31日 23:59:59截止" in html
    assert 'value="2021-09-01"' in html
    assert Publicity.objects.count() == 0


def _campaign_2026(city_user):
    """A 2026 campaign naming until 2027-08-31, with one passed post."""
    campaign = CampaignFactory(
        year=2026,
        title="2026年度柳州市巾帼文明岗创建",
        opens_at=shanghai(2025, 8, 1, 0, 0, 0),
        apply_closes_at=shanghai(2025, 9, 20, 23, 59, 59),
        first_review_closes_at=shanghai(2025, 10, 16, 23, 59, 59),
        assessment_closes_at=shanghai(2026, 6, 30, 23, 59, 59),
        naming_closes_at=shanghai(2027, 8, 31, 23, 59, 59),
    )
    application = ApplicationFactory(campaign=campaign, unit=UnitFactory(), status="passed")
    return campaign, application


def test_publicity_publish_reaching_2027_refused_then_counted_after_admin_adds_it(city_user, client_for):
    campaign, application = _campaign_2026(city_user)
    client = client_for(city_user)
    with time_machine.travel(shanghai(2026, 12, 1, 10, 0, 0), tick=False):
        with pytest.raises(ValidationError) as caught:
            publicity_publish(user=city_user, campaign=campaign, starts_on=D(2026, 12, 28))
        message = (
            "系统中还没有2027年的法定节假日安排（国务院办公厅每年公布），无法按工作日计算。"
            "请管理员在后台“节假日年份”中录入2027年的节假日和调休上班日后再试。"
        )
        assert caught.value.message_dict == {"starts_on": [message]}
        response = client.post(MANAGE, {"starts_on": "2026-12-28", "publish": "1"})
        assert response.status_code == 200
        assert message in response.content.decode()
        assert Publicity.objects.count() == 0
        assert Message.objects.filter(kind=MessageKind.PUBLICITY).count() == 0

        CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕X号")
        CalendarDay.objects.create(date=D(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
        publicity = publicity_publish(user=city_user, campaign=campaign, starts_on=D(2026, 12, 28))
    assert publicity.ends_on == D(2027, 1, 4)
    assert [e.application_id for e in publicity.entries.all()] == [application.pk]


def test_publicity_manage_preview_shows_end_and_count(passed, city_user, client_for, naming_day):
    response = client_for(city_user).post(MANAGE, {"starts_on": "2021-07-01", "preview": "1"})
    assert response.status_code == 200
    preview = re.findall(
        r'<p class="alert alert-info publicity-preview" role="status">(.*?)</p>', response.content.decode()
    )
    assert preview == ["若从2021年7月1日开始公示5个工作日，公示截止于2021年7月7日（含当日），将列入2个考核合格的岗位。"]
    assert Publicity.objects.count() == 0


def test_publicity_manage_publish_redirects_with_message(passed, city_user, client_for, naming_day):
    client = client_for(city_user)
    response = client.post(MANAGE, {"starts_on": "2021-07-02", "publish": "1"})
    assert response.status_code == 302
    page = client.get(MANAGE).content.decode()
    assert "拟命名名单已发布公示：2021年7月2日至2021年7月8日，共2个岗位。" in page
    assert list(Publicity.objects.values_list("starts_on", "ends_on")) == [(D(2021, 7, 2), D(2021, 7, 8))]


def test_publicity_manage_bad_date_field_error(passed, city_user, client_for, naming_day):
    response = client_for(city_user).post(MANAGE, {"starts_on": "2021-13-01", "publish": "1"})
    assert response.status_code == 200
    assert phrases.PUBLICITY_START_INVALID in response.content.decode()
    assert Publicity.objects.count() == 0


@pytest.mark.parametrize("persona", ["reviewer_a", "applicant"])
def test_publicity_manage_other_roles_403(persona, request, client_for, campaign):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(MANAGE).status_code == 403
    assert client.post(MANAGE, {"starts_on": "2021-07-01", "publish": "1"}).status_code == 403
    assert client.post("/city/publicity/objections/1/resolve/", {}).status_code == 403
    assert Publicity.objects.count() == 0


def test_publicity_manage_anonymous_to_login(client, campaign):
    response = client.get(MANAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- the public page ----------------------------------------------------------------------------------


def test_publicity_public_shows_only_public_columns(published, passed, client):
    response = client.get(PUBLIC)
    assert response.status_code == 200
    html = response.content.decode()
    assert visible_names(html) == [passed[0].applicant_name, passed[1].applicant_name]
    assert "公示期：2021年7月1日至2021年7月7日（5个工作日" in html
    for private in (
        "13807720000",  # the post's contact phone
        "13907721111",  # the leader's phone
        "覃丽",  # the leader
        "韦小红",  # the contact
        passed[0].key,
        passed[1].key,
        passed[1].number,
        "连续三年零投诉",  # 主要事迹
    ):
        assert private not in html
    headers = re.findall(r"<th>(.*?)</th>", html)
    assert headers == ["序号", "申报单位（岗位）", "所属单位", "初审单位", "创建对象类别"]


def test_publicity_public_unknown_year_404(client, campaign):
    assert client.get("/publicity/2019/").status_code == 404
    assert client.get("/publicity/99999999999999999999/").status_code == 404


def test_publicity_public_year_without_publicity(client, campaign):
    response = client.get(PUBLIC)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2021年度的拟命名名单尚未公示。" in html
    assert "objection-form" not in html


def test_publicity_public_after_period_no_form(published, client):
    with time_machine.travel(shanghai(2021, 7, 8, 0, 0, 0), tick=False):
        html = client.get(PUBLIC).content.decode()
    assert "，已结束。" in html
    assert "objection-form" not in html


def test_publicity_public_list_hidden_before_its_start(passed, city_user, campaign, client, naming_day):
    publicity_publish(user=city_user, campaign=campaign, starts_on=D(2021, 7, 5))
    html = client.get(PUBLIC).content.decode()
    assert visible_names(html) == []
    assert "拟命名名单将于2021年7月5日起公示，至2021年7月9日止（5个工作日）。" in html
    assert "objection-form" not in html
    with time_machine.travel(shanghai(2021, 7, 5, 0, 0, 0), tick=False):
        html = client.get(PUBLIC).content.decode()
    assert visible_names(html) == [passed[0].applicant_name, passed[1].applicant_name]
    assert "objection-form" in html


def test_publicity_public_objection_thanks_without_echo(published, passed, client):
    entry = published.entries.get(application=passed[1])
    response = client.post(
        PUBLIC, objection_data(entry, content="此岗位材料中的荣誉与事实不符。"), REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 302
    assert response["Location"] == PUBLIC
    page = client.get(PUBLIC).content.decode()
    assert phrases.OBJECTION_THANKS in page
    assert "此岗位材料中的荣誉与事实不符" not in page
    assert "0772-1234567" not in page
    objection = Objection.objects.get()
    assert (objection.application_id, objection.publicity_id, objection.name, objection.phone, objection.content) == (
        passed[1].pk,
        published.pk,
        "张三",
        "0772-1234567",
        "此岗位材料中的荣誉与事实不符。",
    )
    assert objection.outcome == ObjectionOutcome.PENDING
    assert objection.source == source_of("198.51.100.7")
    assert "198.51.100.7" not in str(list(Objection.objects.values()))


def test_publicity_public_objection_errors_next_to_fields_text_kept(published, passed, client):
    entry = published.entries.get(application=passed[1])
    response = client.post(PUBLIC, objection_data(entry, name="", phone="abc", content="请核实这个岗位"))
    assert response.status_code == 200
    html = response.content.decode()
    assert phrases.OBJECTION_NAME_REQUIRED in html
    assert phrases.OBJECTION_PHONE_INVALID in html
    assert "请核实这个岗位</textarea>" in html
    assert 'value="abc"' in html
    assert Objection.objects.count() == 0


def test_publicity_public_objection_post_not_listed_field_error(published, passed, client, campaign, unit):
    # An entry of no open list: a made-up number.
    response = client.post(PUBLIC, objection_data(published.entries.first(), entry="999999"))
    assert response.status_code == 200
    html = response.content.decode()
    assert phrases.OBJECTION_NOT_LISTED in html
    assert "该岗位去年曾被投诉，请核实。</textarea>" in html
    assert Objection.objects.count() == 0


def test_objection_lodge_post_not_in_publicity_field_error(published, campaign, naming_day, unit):
    outsider = ApplicationFactory(campaign=campaign, unit=unit, applicant_name="未公示的岗位")
    with pytest.raises(ValidationError) as caught:
        lodge(published, outsider)
    assert caught.value.message_dict == {"application": [phrases.OBJECTION_NOT_LISTED]}
    assert Objection.objects.count() == 0


def test_objection_lodge_csrf_protected(published, passed):
    client = Client(enforce_csrf_checks=True)
    entry = published.entries.first()
    response = client.post(PUBLIC, objection_data(entry))
    assert response.status_code == 403
    assert Objection.objects.count() == 0


def test_objection_lodge_last_second_of_ends_on_accepted_next_refused(published, passed, client):
    entry = published.entries.get(application=passed[0])
    with time_machine.travel(shanghai(2021, 7, 7, 23, 59, 59), tick=False):
        response = client.post(PUBLIC, objection_data(entry))
        assert response.status_code == 302
    with time_machine.travel(shanghai(2021, 7, 8, 0, 0, 0), tick=False):
        response = client.post(PUBLIC, objection_data(entry, content="第二条异议"))
        assert response.status_code == 403
        html = response.content.decode()
        assert phrases.OBJECTION_CLOSED_ALL in html
        assert "第二条异议</textarea>" in html
        with pytest.raises(PublicityClosed) as caught:
            lodge(published, passed[0])
        assert caught.value.message == "这份名单的公示期为2021年7月1日至2021年7月7日，现在不在公示期内，不能提交异议。"
    assert list(Objection.objects.values_list("content", flat=True)) == ["该岗位去年曾被投诉，请核实。"]


def test_objection_lodge_before_start_refused(passed, city_user, campaign, naming_day):
    publicity = publicity_publish(user=city_user, campaign=campaign, starts_on=D(2021, 7, 5))
    with pytest.raises(PublicityClosed):
        lodge(publicity, passed[0])
    with time_machine.travel(shanghai(2021, 7, 5, 0, 0, 0), tick=False):
        assert lodge(publicity, passed[0]).publicity_id == publicity.pk


def test_objection_lodge_rate_limit_sixth_in_an_hour_429(published, passed, client):
    entry = published.entries.get(application=passed[0])
    with time_machine.travel(IN_NAMING, tick=False) as traveller:
        statuses = []
        for n in range(6):
            statuses.append(
                client.post(PUBLIC, objection_data(entry, content=f"异议{n}"), REMOTE_ADDR="192.0.2.1").status_code
            )
            traveller.shift(dt.timedelta(minutes=5))
        assert statuses == [302, 302, 302, 302, 302, 429]
        response = client.post(PUBLIC, objection_data(entry, content="第七条"), REMOTE_ADDR="192.0.2.1")
        assert response.status_code == 429
        html = response.content.decode()
        assert "同一网络地址一小时内最多提交 5 条异议，请稍后再试" in html
        assert "第七条</textarea>" in html
        # Another address is not limited by the first.
        assert client.post(PUBLIC, objection_data(entry), REMOTE_ADDR="192.0.2.2").status_code == 302
        # An hour after the first, one more from the first address.
        traveller.shift(dt.timedelta(minutes=31))
        assert (
            client.post(PUBLIC, objection_data(entry, content="一小时后"), REMOTE_ADDR="192.0.2.1").status_code == 302
        )
    contents = list(Objection.objects.filter(source=source_of("192.0.2.1")).values_list("content", flat=True))
    assert contents == ["异议0", "异议1", "异议2", "异议3", "异议4", "一小时后"]


def test_objection_lodge_rate_limit_service(published, passed):
    for _ in range(5):
        lodge(published, passed[0], address="192.0.2.9")
    with pytest.raises(TooManyObjections) as caught:
        lodge(published, passed[0], address="192.0.2.9")
    assert caught.value.message == phrases.OBJECTION_TOO_MANY
    assert Objection.objects.count() == 5


# --- the city's handling --------------------------------------------------------------------------------


def test_objection_resolve_records_outcome(published, passed, city_user, client_for):
    objection = lodge(published, passed[1])
    assert blocking_objections(passed[1]) == [objection]
    client = client_for(city_user)
    url = f"/city/publicity/objections/{objection.pk}/resolve/"
    prefix = f"o{objection.pk}"
    response = client.post(url, {f"{prefix}-outcome": "rejected", f"{prefix}-resolution": ""})
    assert response.status_code == 200
    assert phrases.OBJECTION_RESOLUTION_REQUIRED in response.content.decode()
    response = client.post(
        url, {f"{prefix}-outcome": "rejected", f"{prefix}-resolution": "经实地核查，反映情况不属实。"}
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.outcome, objection.resolution, objection.resolved_by) == (
        ObjectionOutcome.REJECTED,
        "经实地核查，反映情况不属实。",
        city_user,
    )
    assert blocking_objections(passed[1]) == []
    # A recorded outcome is final.
    response = client.post(url, {f"{prefix}-outcome": "upheld", f"{prefix}-resolution": "改为成立"})
    assert response.status_code == 409
    objection.refresh_from_db()
    assert objection.outcome == ObjectionOutcome.REJECTED


def test_objection_resolve_upheld_keeps_blocking(published, passed, city_user):
    objection = lodge(published, passed[0])
    objection_resolve(user=city_user, objection=objection, outcome="upheld", resolution="经核查属实。")
    assert blocking_objections(passed[0]) == [Objection.objects.get(pk=objection.pk)]


def test_objection_resolve_refusals(published, passed, city_user, reviewer_a):
    objection = lodge(published, passed[0])
    with pytest.raises(PermissionDenied):
        objection_resolve(user=reviewer_a, objection=objection, outcome="rejected", resolution="不成立")
    with pytest.raises(ValidationError) as caught:
        objection_resolve(user=city_user, objection=objection, outcome="pending", resolution="  ")
    assert caught.value.message_dict == {
        "outcome": [phrases.OBJECTION_OUTCOME_REQUIRED],
        "resolution": [phrases.OBJECTION_RESOLUTION_REQUIRED],
    }
    with time_machine.travel(shanghai(2021, 9, 1, 0, 0, 0), tick=False):
        with pytest.raises(StageClosed):
            objection_resolve(user=city_user, objection=objection, outcome="rejected", resolution="不成立")
    with time_machine.travel(shanghai(2021, 8, 31, 23, 59, 59), tick=False):
        objection_resolve(user=city_user, objection=objection, outcome="rejected", resolution="不成立")
    assert Objection.objects.get(pk=objection.pk).outcome == ObjectionOutcome.REJECTED


def test_publicity_manage_lists_objections_with_contacts(published, passed, city_user, client_for):
    lodge(published, passed[1], phone="13600000000", content="请核实荣誉。")
    html = client_for(city_user).get(MANAGE).content.decode()
    assert "13600000000" in html
    assert "请核实荣誉。" in html
    assert "记录处理结果" in html


# --- the reads of the naming stage, and the admin's end date -------------------------------------------


def test_publicity_ended_follows_ends_on(published, passed, unit):
    assert publicity_ended(passed[0], today=D(2021, 7, 7)) is False
    assert publicity_ended(passed[0], today=D(2021, 7, 8)) is True
    unlisted = ApplicationFactory(campaign=published.campaign, unit=unit)
    assert publicity_ended(unlisted, today=D(2030, 1, 1)) is False
    assert publicity_of(unlisted) is None


def test_publicity_admin_change_of_ends_on_is_used(published, passed, admin_client, client):
    response = admin_client.post(f"/admin/review/publicity/{published.pk}/change/", {"ends_on": "2021-07-09"})
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.ends_on == D(2021, 7, 9)
    assert publicity_ended(passed[0], today=D(2021, 7, 8)) is False
    assert publicity_ended(passed[0], today=D(2021, 7, 10)) is True
    with time_machine.travel(shanghai(2021, 7, 9, 23, 59, 59), tick=False):
        html = client.get(PUBLIC).content.decode()
        assert "公示期：2021年7月1日至2021年7月9日" in html
        assert "objection-form" in html
        response = client.post(PUBLIC, objection_data(published.entries.first()))
        assert response.status_code == 302
    assert Objection.objects.count() == 1


def test_publicity_admin_end_before_start_refused(published, admin_client):
    response = admin_client.post(f"/admin/review/publicity/{published.pk}/change/", {"ends_on": "2021-06-30"})
    assert response.status_code == 200
    assert "公示截止日期不能早于开始日期。" in response.content.decode()
    published.refresh_from_db()
    assert published.ends_on == D(2021, 7, 7)


# --- query counts ------------------------------------------------------------------------------------


def _publish_n(n, city_user, reviewer_a, body_a, campaign) -> Publicity:
    units = [UnitFactory(parent=body_a) for _ in range(n)]
    for u in units:
        UserFactory(organisation=u)
    applications = [ApplicationFactory(campaign=campaign, unit=u) for u in units]
    reported = report_posts(reviewer_a, applications)
    pass_posts(city_user, reported)
    with time_machine.travel(IN_NAMING, tick=False):
        return publicity_publish(user=city_user, campaign=campaign, starts_on=D(2021, 7, 1))


@pytest.mark.parametrize("n", [1, 3])
def test_publicity_public_query_count_constant(
    n, city_user, reviewer_a, body_a, campaign, client, django_assert_num_queries
):
    publicity = _publish_n(n, city_user, reviewer_a, body_a, campaign)
    with time_machine.travel(IN_NAMING, tick=False):
        # 1 the campaign of the year, 2 its publicities, 3 their entries with post and body.
        with django_assert_num_queries(3):
            response = client.get(PUBLIC)
    assert len(visible_names(response.content.decode())) == n == publicity.entries.count()


@pytest.mark.parametrize("n", [1, 3])
def test_publicity_manage_query_count_constant(
    n, city_user, reviewer_a, body_a, campaign, client_for, django_assert_num_queries
):
    publicity = _publish_n(n, city_user, reviewer_a, body_a, campaign)
    client = client_for(city_user)
    with time_machine.travel(IN_NAMING, tick=False):
        for entry in publicity.entries.all():
            lodge(publicity, entry.application, address=f"192.0.2.{entry.pk}")
        client.get(MANAGE)  # the session and the user are loaded once before counting
        # 1 session, 2 user with its organisation (the role), 3 the current campaign, 4 the posts still
        # to publish, 5-6 the calendar's years and days (the preview of today's end date), 7 the
        # objections with post and resolver, 8 the publicities, 9 their entries (the session is not
        # written: refreshed at login).
        with django_assert_num_queries(QUERIES_MANAGE):
            response = client.get(MANAGE)
    assert response.status_code == 200
    assert response.content.decode().count('class="card mb-3 objection"') == n


def test_publicity_manage_after_naming_closed_no_publish_form(passed, city_user, client_for):
    with time_machine.travel(shanghai(2021, 9, 1, 0, 0, 0), tick=False):
        response = client_for(city_user).get(MANAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "现在不在命名期内：不能发布公示，也不能处理异议" in html
    assert "publish-form" not in html
    assert "error-summary" not in html
