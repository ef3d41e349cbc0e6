"""The city's home (/city/): counts per body × status, the funnel, the categories, what is overdue,
the days left in each stage, the SVG charts, who may see it, and its query count."""

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
import time_machine

from applications.models import Application, Category, Status
from gangwei.models import DeadlineExtension, Stage
from review.city.charts import Series, bar_chart, bodies_chart, funnel_chart
from review.city.dashboard import PHASES, city_dashboard
from review.models import (
    Assessment,
    Attendance,
    Certificate,
    Method,
    Objection,
    Publicity,
    PublicityEntry,
    SummaryReport,
    TrainingSession,
)
from tests.factories import ApplicationFactory, BodyFactory, UnitFactory, UserFactory, shanghai

BEFORE_FIRST_REVIEW = shanghai(2020, 10, 16, 23, 59, 58)
AFTER_FIRST_REVIEW = shanghai(2020, 10, 17, 0, 0, 0)
HOSTILE = "<script>alert(1)</script>"


def make(campaign, unit, status, category=Category.TEAM, **fields) -> Application:
    return ApplicationFactory(campaign=campaign, unit=unit, status=status, category=category, **fields)


def file_summary(campaign, body, rows=1) -> SummaryReport:
    return SummaryReport.objects.create(
        campaign=campaign, body=body, file="summaries/x.xlsx", sha256="0" * 64, size=1, rows=rows,
        filed_at=shanghai(2020, 10, 1, 9, 0, 0),
    )


def rows_by_body(dashboard):
    return {row["body"].pk: row for row in dashboard.bodies}


# --- counts ------------------------------------------------------------------------------------------


def test_counts_per_body_and_status_equal_what_was_created(apply_window, campaign, body_a, body_b, unit, other_unit):
    made_a = [Status.SUBMITTED, Status.SUBMITTED, Status.RETURNED, Status.NOT_RECOMMENDED, Status.REPORTED,
              Status.PASSED, Status.FAILED, Status.NAMED, Status.NAMED, Status.NOT_NAMED, Status.DRAFT]
    made_b = [Status.RECOMMENDED, Status.REPORTED, Status.REPORTED, Status.DRAFT]
    for status in made_a:
        make(campaign, unit, status)
    for status in made_b:
        make(campaign, other_unit, status)

    rows = rows_by_body(city_dashboard(campaign))

    assert dict(rows[body_a.pk]["counts"]) == {
        "已提交，待初审": 2, "退回修改": 1, "初审不予推荐": 1, "初审推荐": 0, "已报送市妇联": 1,
        "考核合格": 1, "考核不合格": 1, "已命名": 2, "不予命名": 1,
    }
    assert dict(rows[body_b.pk]["counts"]) == {
        "已提交，待初审": 0, "退回修改": 0, "初审不予推荐": 0, "初审推荐": 1, "已报送市妇联": 2,
        "考核合格": 0, "考核不合格": 0, "已命名": 0, "不予命名": 0,
    }
    assert (rows[body_a.pk]["total"], rows[body_b.pk]["total"]) == (10, 3)
    # The chart's phases: pending, recommended, reported, passed, named, out.
    assert [key for key, _ in PHASES] == ["pending", "recommended", "reported", "passed", "named", "out"]
    assert (rows[body_a.pk]["phases"], rows[body_b.pk]["phases"]) == ([3, 0, 1, 1, 2, 3], [0, 1, 2, 0, 0, 0])


def test_funnel_counts_a_post_in_every_step_it_went_through(apply_window, campaign, unit, other_unit):
    for status in [Status.SUBMITTED, Status.RETURNED, Status.NOT_RECOMMENDED, Status.RECOMMENDED, Status.REPORTED,
                   Status.PASSED, Status.FAILED, Status.NAMED, Status.NOT_NAMED, Status.DRAFT]:
        make(campaign, unit, status)
    make(campaign, other_unit, Status.NAMED)

    funnel = city_dashboard(campaign).funnel

    assert [(s.key, s.label, s.count, s.percent) for s in funnel] == [
        ("submitted", "提交申报", 10, 100),
        ("recommended", "初审推荐", 7, 70),
        ("reported", "报送市妇联", 6, 60),
        ("passed", "考核合格", 4, 40),
        ("named", "命名", 2, 20),
    ]


def test_funnel_of_an_empty_campaign(apply_window, campaign):
    assert [(s.count, s.percent) for s in city_dashboard(campaign).funnel] == [(0, None)] * 5


def test_counts_per_category(apply_window, campaign, unit, other_unit):
    make(campaign, unit, Status.SUBMITTED, Category.OFFICE)
    make(campaign, unit, Status.NAMED, Category.OFFICE)
    make(campaign, other_unit, Status.REPORTED, Category.MILITARY)
    make(campaign, other_unit, Status.DRAFT, Category.MILITARY)
    make(campaign, other_unit, Status.PASSED, Category.NEW_ORG)

    categories = city_dashboard(campaign).categories

    assert [(c.category, c.short_label, [n for _, n in c.counts]) for c in categories] == [
        ("office", "机关企事业单位处科室", [2, 1, 1, 1, 1]),
        ("team", "行业女性班组岗台", [0, 0, 0, 0, 0]),
        ("military", "部队女兵连队", [1, 1, 1, 0, 0]),
        ("new_org", "新经济新社会组织", [1, 1, 1, 1, 0]),
    ]
    assert categories[3].label == Category.NEW_ORG.label


def test_other_campaigns_are_not_counted(apply_window, campaign, unit):
    from tests.factories import CampaignFactory

    older = CampaignFactory(year=2020, opens_at=shanghai(2019, 8, 1), apply_closes_at=shanghai(2019, 9, 20),
                            first_review_closes_at=shanghai(2019, 10, 16), assessment_closes_at=shanghai(2020, 6, 30),
                            naming_closes_at=shanghai(2020, 8, 31))
    make(older, unit, Status.NAMED)
    make(campaign, unit, Status.SUBMITTED)

    dashboard = city_dashboard(campaign)

    assert (dashboard.total, [s.count for s in dashboard.funnel]) == (1, [1, 0, 0, 0, 0])


# --- overdue -----------------------------------------------------------------------------------------


def overdue_ids(campaign, now):
    return [item.body.pk for item in city_dashboard(campaign, now=now).overdue_bodies]


def test_a_body_is_overdue_one_second_after_its_deadline(campaign, body_a, body_b, unit):
    make(campaign, unit, Status.SUBMITTED)

    assert overdue_ids(campaign, BEFORE_FIRST_REVIEW) == []
    assert overdue_ids(campaign, shanghai(2020, 10, 16, 23, 59, 59, 999_999)) == []
    assert overdue_ids(campaign, AFTER_FIRST_REVIEW) == [body_a.pk, body_b.pk]
    first, second = city_dashboard(campaign, now=AFTER_FIRST_REVIEW).overdue_bodies
    assert (first.closes_at, first.pending, first.total) == (campaign.first_review_closes_at, 1, 1)
    assert (second.pending, second.total) == (0, 0)


def test_a_filed_body_is_not_overdue(campaign, body_a, body_b):
    file_summary(campaign, body_a)
    assert overdue_ids(campaign, AFTER_FIRST_REVIEW) == [body_b.pk]
    # A filing the city sent back no longer counts.
    SummaryReport.objects.filter(body=body_a).update(reopened_at=shanghai(2020, 10, 2, 9, 0, 0), reopen_reason="x")
    assert overdue_ids(campaign, AFTER_FIRST_REVIEW) == [body_a.pk, body_b.pk]


def test_an_extension_moves_a_body_deadline(campaign, body_a, body_b):
    extended = shanghai(2020, 10, 20, 23, 59, 59)
    DeadlineExtension.objects.create(
        campaign=campaign, organisation=body_a, stage=Stage.FIRST_REVIEW, closes_at=extended, reason="汛期"
    )

    assert overdue_ids(campaign, AFTER_FIRST_REVIEW) == [body_b.pk]
    assert overdue_ids(campaign, extended) == [body_b.pk]
    assert overdue_ids(campaign, extended + dt.timedelta(seconds=1)) == [body_a.pk, body_b.pk]
    rows = rows_by_body(city_dashboard(campaign, now=AFTER_FIRST_REVIEW))
    assert (rows[body_a.pk]["closes_at"], rows[body_a.pk]["extended"]) == (extended, True)
    first_review = city_dashboard(campaign, now=AFTER_FIRST_REVIEW).stages[1]
    assert (first_review.extended_count, first_review.extended_until) == (1, extended)


def test_overdue_body_on_the_page(client_for, city_user, campaign, body_a, body_b):
    file_summary(campaign, body_a)
    client = client_for(city_user)
    with time_machine.travel(BEFORE_FIRST_REVIEW, tick=False):
        before = client.get("/city/")
    with time_machine.travel(AFTER_FIRST_REVIEW, tick=False):
        after = client.get("/city/")

    assert [t.key for t in before.context["dashboard"].todos] == []
    assert [(t.key, t.count, t.severity) for t in after.context["dashboard"].todos] == [("bodies", 1, "overdue")]
    assert "鱼峰区妇联（截止2020年10月16日 23:59:59，本单位无申报）" in after.content.decode()
    assert "逾期未报送" in after.content.decode()
    assert "逾期未报送" not in before.content.decode()


def test_todos_about_posts(campaign, unit, city_user):
    assessor = city_user
    file_summary(campaign, unit.parent)  # the body filed: no overdue body to mix in
    make(campaign, unit, Status.REPORTED)  # no attendance
    trained = make(campaign, unit, Status.REPORTED)
    scored = make(campaign, unit, Status.REPORTED)
    session = TrainingSession.objects.create(campaign=campaign, title="培训", held_on=dt.date(2021, 3, 1), place="会堂")
    for post in (trained, scored):
        Attendance.objects.create(session=session, application=post, attendee="覃丽")
    Assessment.objects.create(application=scored, assessor=assessor, method=Method.VISIT,
                              assessed_on=dt.date(2021, 3, 2), total=Decimal("90.0"))
    make(campaign, unit, Status.PASSED)  # passed, not in a 公示
    waiting = make(campaign, unit, Status.PASSED)
    objected = make(campaign, unit, Status.PASSED)
    running = make(campaign, unit, Status.PASSED)
    named = make(campaign, unit, Status.NAMED)
    certified = make(campaign, unit, Status.NAMED)
    Certificate.objects.create(application=certified, campaign=campaign, sequence=1, number="2021-001",
                               issued_on=dt.date(2021, 7, 1))
    ended = Publicity.objects.create(campaign=campaign, starts_on=dt.date(2021, 6, 1), days=5,
                                     ends_on=dt.date(2021, 6, 7), published_at=shanghai(2021, 6, 1, 9, 0, 0))
    later = Publicity.objects.create(campaign=campaign, starts_on=dt.date(2021, 6, 28), days=5,
                                     ends_on=dt.date(2021, 7, 2), published_at=shanghai(2021, 6, 28, 9, 0, 0))
    for position, post in enumerate([waiting, objected, named, certified]):
        PublicityEntry.objects.create(publicity=ended, application=post, position=position)
    PublicityEntry.objects.create(publicity=later, application=running, position=0)
    Objection.objects.create(publicity=ended, application=objected, name="张三", phone="13800000000", content="不实",
                             source="x", submitted_at=shanghai(2021, 6, 2, 9, 0, 0))

    def todos(now):
        return [(t.key, t.count, t.severity) for t in city_dashboard(campaign, now=now).todos]

    # 2021-06-29: 考核 closes tomorrow (near), 命名 on 8-31 (63 days: to do); the second 公示 runs on.
    assert todos(shanghai(2021, 6, 29, 10, 0, 0)) == [
        ("untrained", 1, "near"),
        ("unscored", 1, "near"),
        ("undecided", 1, "near"),
        ("unpublished", 1, "todo"),
        ("objections", 1, "todo"),
        ("to_name", 1, "todo"),
        ("uncertified", 1, "todo"),
    ]
    # After 考核 closed the reported posts are overdue; the second 公示 has ended: two to name.
    assert todos(shanghai(2021, 7, 3, 0, 0, 0))[:4] == [
        ("untrained", 1, "overdue"),
        ("unscored", 1, "overdue"),
        ("undecided", 1, "overdue"),
        ("unpublished", 1, "todo"),
    ]
    assert ("to_name", 2, "todo") in todos(shanghai(2021, 7, 3, 0, 0, 0))
    # In March, 考核 is months away: the same posts are to do, not near.
    assert todos(shanghai(2021, 3, 1, 10, 0, 0))[0] == ("untrained", 1, "todo")


# --- days left ---------------------------------------------------------------------------------------


def stages_at(campaign, now):
    return [(s.label, s.days_left, s.state, s.current, s.text) for s in city_dashboard(campaign, now=now).stages]


def test_days_left_in_each_stage(campaign):
    assert stages_at(campaign, shanghai(2020, 9, 1, 10, 0, 0)) == [
        ("申报", 19, "open", True, "还剩19天"),
        ("初审与报送", 45, "open", False, "还剩45天"),
        ("培训与考核", 302, "open", False, "还剩302天"),
        ("公示与命名", 364, "open", False, "还剩364天"),
    ]
    assert stages_at(campaign, shanghai(2021, 6, 30, 23, 59, 59))[2:] == [
        ("培训与考核", 0, "today", True, "今天截止"),
        ("公示与命名", 62, "open", False, "还剩62天"),
    ]
    assert stages_at(campaign, shanghai(2021, 7, 1, 0, 0, 0)) == [
        ("申报", None, "closed", False, "已截止"),
        ("初审与报送", None, "closed", False, "已截止"),
        ("培训与考核", None, "closed", False, "已截止"),
        ("公示与命名", 61, "open", True, "还剩61天"),
    ]


def test_days_left_on_the_page(client_for, city_user, campaign):
    with time_machine.travel(shanghai(2021, 6, 29, 10, 0, 0), tick=False):
        html = client_for(city_user).get("/city/").content.decode()
    card = re.search(r'<li class="stage-card stage-open stage-current">(.*?)</li>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>|\s+", " ", card).split() == ["培训与考核", "当前阶段", "还剩1天", "截止：2021年6月30日", "23:59:59"]


# --- charts ------------------------------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


SVG = "{http://www.w3.org/2000/svg}"


def test_chart_is_well_formed_and_accessible():
    svg = funnel_chart([("提交申报", 12), ("初审推荐", 8), ("命名", 0)])
    root = parse(svg)
    title = root.find(f"{SVG}title")

    assert (root.get("role"), root.get("aria-labelledby"), title.get("id")) == ("img", "funnel-chart-title", "funnel-chart-title")
    assert title.text == "申报进度（从提交到命名）：提交申报12份；初审推荐8份；命名0份。"
    assert [t.text for t in root.findall(f"{SVG}text")] == ["提交申报", "12", "初审推荐", "8", "命名", "0"]
    # The longest bar spans the room left for its number; the others in proportion; none for 0.
    assert [r.get("width") for r in root.findall(f"{SVG}rect")] == ["352.0", "234.7"]


def test_chart_escapes_a_hostile_label():
    svg = bar_chart(chart_id='x" onload="alert(1)', title="标题 & <b>", rows=[(HOSTILE, [1, 2])],
                    series=[Series("甲<i>", "#b3261e"), Series("乙", "#0d6efd")])
    root = parse(svg)

    assert HOSTILE not in svg and "<b>" not in svg and "<i>" not in svg and 'onload="' not in svg
    assert root.get("aria-labelledby") == 'x" onload="alert(1)-title'
    assert root.find(f"{SVG}title").text == f"标题 & <b>：{HOSTILE}3份（甲<i>1，乙2）。"
    assert [t.text for t in root.findall(f"{SVG}text")] == ["甲<i>", "乙", HOSTILE, "3"]
    assert [r.find(f"{SVG}title").text for r in root.findall(f"{SVG}rect") if r.find(f"{SVG}title") is not None] == [
        f"{HOSTILE} · 甲<i>：1份", f"{HOSTILE} · 乙：2份"
    ]


def test_chart_cuts_a_label_too_long_for_it():
    name = "很长的初审单位名称" * 5
    root = parse(funnel_chart([(name, 3)]))
    label = root.find(f"{SVG}text").text
    assert (label.endswith("…"), len(label), name in root.find(f"{SVG}title").text) == (True, 28, True)


def test_chart_of_zeros_draws_no_bar():
    root = parse(bodies_chart([("城中区妇联", [0] * 6)], [key for key, _ in PHASES]))
    assert [r.get("width") for r in root.findall(f"{SVG}rect")] == ["10"] * 6  # the legend's swatches only


def test_hostile_body_name_is_escaped_on_the_page(apply_window, client_for, city_user, campaign):
    body = BodyFactory(name=HOSTILE, short_name=HOSTILE)
    make(campaign, UnitFactory(parent=body), Status.REPORTED)

    html = client_for(city_user).get("/city/").content.decode()

    assert HOSTILE not in html
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    roots = [parse(svg) for svg in svgs]
    assert [root.get("aria-labelledby") for root in roots] == ["funnel-chart-title", "bodies-chart-title"]
    assert f"{HOSTILE}1份（已报送1）" in roots[1].find(f"{SVG}title").text


# --- access and the page -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["applicant", "reviewer_a"])
def test_other_roles_get_403(apply_window, request, client_for, campaign, persona):
    response = client_for(request.getfixturevalue(persona)).get("/city/")
    assert (response.status_code, "dashboard" in (response.context or {})) == (403, False)


def test_anonymous_is_redirected_to_login(apply_window, client, campaign):
    response = client.get("/city/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/city/")


def test_page_shows_the_figures(apply_window, client_for, city_user, campaign, body_a, unit):
    make(campaign, unit, Status.REPORTED, Category.OFFICE)
    make(campaign, unit, Status.NAMED, Category.OFFICE)
    file_summary(campaign, body_a, rows=2)

    response = client_for(city_user).get("/city/")
    html = response.content.decode()

    assert response.status_code == 200
    total = re.search(r'<tr class="city-total">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="count-cell[^"]*" data-label="([^"]+)">(\d+)</td>', total) == [
        ("已提交，待初审", "0"), ("退回修改", "0"), ("初审推荐", "0"), ("初审不予推荐", "0"), ("已报送市妇联", "1"),
        ("考核合格", "0"), ("考核不合格", "0"), ("已命名", "1"), ("不予命名", "0"), ("合计", "2"),
    ]
    assert "1个单位中已报送1个" in total
    funnel = re.search(r'<table class="table table-sm city-funnel">(.*?)</table>', html, re.S).group(1)
    assert re.findall(r'<th scope="row">(.*?)</th><td data-label="数量">(\d+)</td>', funnel) == [
        ("提交申报", "2"), ("初审推荐", "2"), ("报送市妇联", "2"), ("考核合格", "1"), ("命名", "1"),
    ]
    assert f'<abbr title="{Category.OFFICE.label}">机关企事业单位处科室</abbr>' in html
    assert 'style="' not in html and "<script>" not in html.split("<footer")[0]


@pytest.mark.parametrize("count", [1, 3], ids=["1 post", "3 posts"])
def test_query_count_does_not_grow(apply_window, client_for, city_user, campaign, body_a, django_assert_num_queries, count):
    for i in range(count):
        unit = UnitFactory(parent=body_a if i % 2 == 0 else BodyFactory())
        make(campaign, unit, [Status.REPORTED, Status.PASSED, Status.NAMED][i], number=f"2021-CZ-{i:03d}")
    file_summary(campaign, body_a)
    UserFactory(organisation=body_a)
    client = client_for(city_user)

    # 1 session, 2 user with its organisation (the menu), 3 campaign, 4 bodies, 5 filings,
    # 6 extensions, 7 counts by body × category × status × progress (the to-dos too), 8 page count,
    # 9 the page's keys in order, 10 its rows; the session is not written (refreshed at login).
    with django_assert_num_queries(10):
        response = client.get("/city/")

    assert len(response.context["applications"]) == count
