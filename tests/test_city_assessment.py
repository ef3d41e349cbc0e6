"""考核: criteria, the score sheet, the exact result at the pass line, the veto, concluding through
the transition service (with the unit's mail), the ranking and its xlsx, the pages and their roles."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applications.models import Application, ApplicationEvent, Message, MessageKind, Status
from gangwei.deadlines import StageClosed
from review.city import phrases
from review.city.assessment import (
    AssessmentRefused,
    AssessmentResult,
    assessment_conclude,
    assessment_ranking,
    assessment_record,
    assessment_result,
    criteria_of,
    points_field,
)
from review.city.training import attendance_record, training_session_create
from review.models import Assessment, AssessmentCriterion, Attendance, Score
from tests.factories import UserFactory, force_update, shanghai
from tests.test_city_training import make_reported

BEFORE_CLOSE = shanghai(2021, 6, 30, 23, 59, 58)
AFTER_CLOSE = shanghai(2021, 7, 1, 0, 0, 0)
ON = dt.date(2021, 3, 1)


@pytest.fixture
def assessors(city_org):
    return [
        UserFactory(organisation=city_org, last_name=name[0], first_name=name[1:]) for name in ("张敏", "李华", "王芳")
    ]


def train(campaign, city_user, posts) -> None:
    session = training_session_create(user=city_user, campaign=campaign, title="创建培训", held_on=ON, place="市妇联")
    attendance_record(user=city_user, session=session, attendees={p.key: "覃丽" for p in posts})


@pytest.fixture
def trained(assessment_window, campaign, city_user, reported):
    train(campaign, city_user, [reported])
    return reported


def split(total: str, campaign) -> dict[int, Decimal]:
    """Points per criterion adding up to `total`, each within its maximum (fill in order)."""
    left = Decimal(total)
    points = {}
    for criterion in criteria_of(campaign):
        take = min(left, criterion.max_points)
        points[criterion.pk] = take
        left -= take
    assert left == 0
    return points


def score(user, application, total: str, *, veto: bool = False, reason: str = "") -> Assessment:
    return assessment_record(
        user=user,
        application=application,
        method="visit",
        assessed_on=ON,
        comment="",
        veto=veto,
        veto_reason=reason,
        points=split(total, application.campaign),
    )


# --- criteria ------------------------------------------------------------------------------------


def test_criteria_of_makes_the_notice_five_totalling_100_once(campaign):
    criteria = criteria_of(campaign)
    assert [c.name for c in criteria] == ["政治素质", "爱岗敬业与业绩", "岗位构成", "内部管理", "服务社会"]
    assert sum(c.max_points for c in criteria) == Decimal("100")
    assert criteria[1].description.startswith("巾帼文明岗成员应发扬")
    assert criteria_of(campaign) == criteria
    assert AssessmentCriterion.objects.count() == 5


def test_criteria_of_keeps_an_admins_set(campaign):
    own = AssessmentCriterion.objects.create(campaign=campaign, name="综合", max_points=Decimal("100"), order=1)
    assert criteria_of(campaign) == [own]


# --- recording -----------------------------------------------------------------------------------


def test_no_score_without_attendance(assessment_window, reported, city_user):
    with pytest.raises(AssessmentRefused) as caught:
        score(city_user, reported, "90")
    assert caught.value.message == "岗位负责人未参加创建培训，不能考核。"
    assert Assessment.objects.count() == 0


def test_assessment_record_stores_the_exact_total_and_updates(trained, city_user):
    campaign = trained.campaign
    points = dict(
        zip([c.pk for c in criteria_of(campaign)], map(Decimal, ["14.9", "29.9", "9.9", "24.9", "19.9"]), strict=True)
    )
    first = assessment_record(
        user=city_user,
        application=trained,
        method="documents",
        assessed_on=ON,
        comment=" 材料齐全 ",
        veto=False,
        veto_reason="",
        points=points,
    )
    assert (first.total, first.comment, first.method) == (Decimal("99.5"), "材料齐全", "documents")
    assert sorted(Score.objects.values_list("points", flat=True)) == sorted(points.values())
    again = score(city_user, trained, "80")
    assert (again.pk, again.total, again.version) == (first.pk, Decimal("80.0"), 2)
    assert Assessment.objects.count() == 1
    assert Score.objects.count() == 5


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12.34", phrases.POINTS_GRID),
        ("15.1", phrases.POINTS_RANGE.format(max="15")),
        ("-0.1", phrases.POINTS_RANGE.format(max="15")),
        ("NaN", phrases.POINTS_INVALID),
    ],
)
def test_assessment_record_refuses_a_bad_score_naming_the_field(trained, city_user, value, message):
    points = split("80", trained.campaign)
    first = criteria_of(trained.campaign)[0]
    points[first.pk] = Decimal(value)
    with pytest.raises(ValidationError) as caught:
        assessment_record(
            user=city_user,
            application=trained,
            method="visit",
            assessed_on=ON,
            comment="",
            veto=False,
            veto_reason="",
            points=points,
        )
    assert caught.value.message_dict == {points_field(first.pk): [message]}
    assert Assessment.objects.count() == 0


def test_assessment_record_needs_every_criterion(trained, city_user):
    points = split("80", trained.campaign)
    last = criteria_of(trained.campaign)[-1]
    del points[last.pk]
    with pytest.raises(ValidationError) as caught:
        assessment_record(
            user=city_user,
            application=trained,
            method="visit",
            assessed_on=ON,
            comment="",
            veto=False,
            veto_reason="",
            points=points,
        )
    assert caught.value.message_dict == {points_field(last.pk): [phrases.POINTS_REQUIRED]}


def test_assessment_record_veto_needs_a_reason(trained, city_user):
    with pytest.raises(ValidationError) as caught:
        score(city_user, trained, "100", veto=True, reason=" ")
    assert caught.value.message_dict == {"veto_reason": [phrases.VETO_REASON_REQUIRED]}


def test_assessment_record_refuses_a_post_already_decided(trained, city_user):
    force_update(Application.objects.filter(pk=trained.pk), status=Status.PASSED)
    with pytest.raises(AssessmentRefused) as caught:
        score(city_user, trained, "90")
    assert caught.value.message == phrases.ASSESS_ONLY_REPORTED.format(status="考核合格")


def test_assessment_record_refuses_other_roles(trained, reviewer_a, applicant):
    for user in (reviewer_a, applicant):
        with pytest.raises(PermissionDenied):
            score(user, trained, "90")
    assert Assessment.objects.count() == 0


# --- the result at the pass line ----------------------------------------------------------------


def _result(*totals: str, veto: bool = False) -> AssessmentResult:
    return AssessmentResult(count=len(totals), totals=tuple(map(Decimal, totals)), pass_line=Decimal("80"), veto=veto)


def test_result_exactly_80_passes():
    assert _result("80.0", "80.0", "80.0").passes is True
    result = _result("79.9", "80.0", "80.1")
    assert (result.mean, result.passes) == (Decimal("80"), True)


def test_result_just_below_80_fails_where_rounding_says_80():
    result = _result("79.9", "80.0", "80.0")
    mean_as_float = (79.9 + 80.0 + 80.0) / 3
    assert round(mean_as_float, 1) == 80.0  # what a rounded float would show
    assert f"{mean_as_float:.1f}" == "80.0"
    assert result.passes is False
    assert result.mean_display == "79.96"
    assert _result("79.9", "80.0").passes is False  # 79.95, rounds half up to 80.0


def test_result_veto_fails_100_points():
    assert _result("100.0", veto=True).passes is False
    assert _result().passes is False  # no score: no pass


def test_result_through_the_service_with_three_assessors(trained, assessors):
    for user, total in zip(assessors, ["79.9", "80.0", "80.0"], strict=True):
        score(user, trained, total)
    result = assessment_result(trained)
    assert (result.count, result.total_sum, result.passes, result.label) == (3, Decimal("239.9"), False, "不合格")
    score(assessors[0], trained, "80.0")
    result = assessment_result(trained)
    assert (result.mean, result.passes, result.label) == (Decimal("80"), True, "合格")


def test_veto_fails_a_post_with_100_points(trained, assessors):
    score(assessors[0], trained, "100")
    score(assessors[1], trained, "100", veto=True, reason="存在重大安全责任事故")
    result = assessment_result(trained)
    assert (result.mean, result.veto, result.veto_reasons, result.passes) == (
        Decimal("100"),
        True,
        ("存在重大安全责任事故",),
        False,
    )


# --- concluding ----------------------------------------------------------------------------------


def test_conclude_passes_through_the_transition_and_tells_the_unit(trained, assessors, city_user):
    for user in assessors:
        score(user, trained, "85.5")
    decided = assessment_conclude(user=city_user, application=trained)
    assert decided.status == Status.PASSED
    event = ApplicationEvent.objects.filter(application=trained).latest("id")
    assert (event.action, event.from_status, event.to_status, event.actor) == ("pass", "reported", "passed", city_user)
    message = Message.objects.get(application=trained, kind=MessageKind.PASSED)
    assert message.subject == f"【柳州市巾帼文明岗】考核合格：{trained.applicant_name}（{trained.number}）"
    assert "平均分为85.50分" in message.body


def test_conclude_fails_a_vetoed_post(trained, assessors, city_user):
    score(assessors[0], trained, "100", veto=True, reason="材料弄虚作假")
    decided = assessment_conclude(user=city_user, application=trained)
    assert decided.status == Status.FAILED
    message = Message.objects.get(application=trained, kind=MessageKind.FAILED)
    assert "材料弄虚作假" in message.body


def test_conclude_without_score_is_refused(trained, city_user):
    with pytest.raises(AssessmentRefused) as caught:
        assessment_conclude(user=city_user, application=trained)
    assert caught.value.message == phrases.CONCLUDE_NO_SCORE
    assert Application.objects.get(pk=trained.pk).status == Status.REPORTED
    assert Message.objects.filter(application=trained, kind__in=[MessageKind.PASSED, MessageKind.FAILED]).count() == 0


def test_conclude_refuses_a_post_whose_attendance_was_removed(trained, assessors, city_user):
    score(assessors[0], trained, "90")
    session = Attendance.objects.get(application=trained).session
    attendance_record(user=city_user, session=session, attendees={trained.key: ""})
    with pytest.raises(AssessmentRefused) as caught:
        assessment_conclude(user=city_user, application=trained)
    assert caught.value.message == phrases.NOT_TRAINED
    assert Application.objects.get(pk=trained.pk).status == Status.REPORTED


def test_conclude_refuses_a_reviewer(trained, assessors, reviewer_a):
    score(assessors[0], trained, "90")
    with pytest.raises(PermissionDenied):
        assessment_conclude(user=reviewer_a, application=trained)
    assert Application.objects.get(pk=trained.pk).status == Status.REPORTED


# --- the window: one second before and after 考核 closes -----------------------------------------


def test_window_score(trained, city_user):
    with time_machine.travel(BEFORE_CLOSE, tick=False):
        score(city_user, trained, "90")
    with time_machine.travel(AFTER_CLOSE, tick=False), pytest.raises(StageClosed):
        score(city_user, trained, "95")
    assert list(Assessment.objects.values_list("total", flat=True)) == [Decimal("90.0")]


def test_window_conclude(trained, city_user):
    score(city_user, trained, "90")
    with time_machine.travel(AFTER_CLOSE, tick=False), pytest.raises(StageClosed):
        assessment_conclude(user=city_user, application=trained)
    assert Application.objects.get(pk=trained.pk).status == Status.REPORTED
    with time_machine.travel(BEFORE_CLOSE, tick=False):
        assert assessment_conclude(user=city_user, application=trained).status == Status.PASSED


# --- the ranking ---------------------------------------------------------------------------------


def ranked_posts(campaign, body, city_user, assessors, totals: list[list[str]]) -> list[Application]:
    posts = make_reported(campaign, body, len(totals))
    train(campaign, city_user, posts)
    for post, row in zip(posts, totals, strict=True):
        for user, total in zip(assessors, row, strict=False):
            score(user, post, total)
    return posts


def test_ranking_orders_by_mean_with_each_assessors_total(assessment_window, campaign, body_a, city_user, assessors):
    low, high, tie_a, tie_b = ranked_posts(
        campaign, body_a, city_user, assessors, [["70", "71"], ["95", "96", "97"], ["88", "90"], ["89"]]
    )
    rows = assessment_ranking(campaign)
    assert [(r.rank, r.application, r.result.mean) for r in rows] == [
        (1, high, Decimal("96")),
        (2, tie_a, Decimal("89")),
        (2, tie_b, Decimal("89")),
        (4, low, Decimal("70.5")),
    ]
    assert rows[0].by_assessor == {
        assessors[0].pk: ("张敏", Decimal("95.0"), False),
        assessors[1].pk: ("李华", Decimal("96.0"), False),
        assessors[2].pk: ("王芳", Decimal("97.0"), False),
    }


def test_ranking_is_one_query_whatever_the_posts(
    assessment_window, campaign, body_a, city_user, assessors, django_assert_num_queries
):
    ranked_posts(campaign, body_a, city_user, assessors, [["80", "85"]])
    with django_assert_num_queries(1):
        assert len(assessment_ranking(campaign)) == 1
    ranked_posts(campaign, body_a, city_user, assessors, [["90"], ["70", "71", "72"]])
    with django_assert_num_queries(1):
        assert len(assessment_ranking(campaign)) == 3


def test_ranking_xlsx_reads_back_in_rank_order(assessment_window, campaign, body_a, city_user, assessors, client_for):
    from openpyxl import load_workbook

    low, high = ranked_posts(campaign, body_a, city_user, assessors, [["70", "75"], ["95", "90"]])
    Application.objects.filter(pk=low.pk).update(applicant_name='=HYPERLINK("x")')
    response = client_for(city_user).get(reverse("review:ranking_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0] == [
        "名次",
        "申报编号",
        "申报单位（岗位）",
        "初审单位",
        "张敏",
        "李华",
        "考核人数",
        "平均分",
        "一票否决理由",
        "考核结果",
        "当前状态",
    ]
    assert [r[:3] for r in rows[1:]] == [
        [1, high.number or None, f"{high.applicant_name}"],
        [2, low.number or None, '=HYPERLINK("x")（客服班组）'],
    ]
    assert sheet["C5"].data_type == "s"  # text, not a formula
    assert rows[1][4:8] == [95, 90, 2, 92.5]
    assert rows[2][9] == "不合格"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9
    assert sheet.print_title_rows == "$3:$3"


# --- the pages: roles, 404, the list, the score form ---------------------------------------------


def test_pages_refuse_reviewer_and_unit(trained, client_for, reviewer_a, reviewer_b, applicant):
    urls = [
        ("get", reverse("review:assessment")),
        ("get", reverse("review:assess", args=[trained.key])),
        ("post", reverse("review:assess", args=[trained.key])),
        ("post", reverse("review:assess_conclude", args=[trained.key])),
        ("get", reverse("review:ranking")),
        ("get", reverse("review:ranking_xlsx")),
    ]
    for user in (reviewer_a, reviewer_b, applicant):
        client = client_for(user)
        assert [getattr(client, method)(url).status_code for method, url in urls] == [403] * len(urls)


def test_unknown_key_is_404(trained, client_for, city_user, application):
    client = client_for(city_user)
    assert client.get(reverse("review:assess", args=["no-such-key"])).status_code == 404
    draft = Application.objects.create(campaign=trained.campaign, unit=trained.unit)  # not reported: not the city's
    assert client.get(reverse("review:assess", args=[draft.key])).status_code == 404
    assert client.post(reverse("review:assess_conclude", args=["no-such-key"])).status_code == 404


def test_list_says_why_an_untrained_post_cannot_be_assessed(
    assessment_window, reported, reported_other, campaign, city_user, client_for
):
    train(campaign, city_user, [reported])
    response = client_for(city_user).get(reverse("review:assessment"))
    html = response.content.decode()
    assert [(r["post"], r["trained"]) for r in response.context["rows"]] == [(reported, True), (reported_other, False)]
    assert html.count("岗位负责人未参加创建培训，不能考核") == 1
    assert reverse("review:assess", args=[reported.key]) in html
    assert reverse("review:assess", args=[reported_other.key]) not in html


def _post_data(campaign, total: str = "88", **extra) -> dict:
    data = {points_field(pk): str(value) for pk, value in split(total, campaign).items()}
    data.update({"method": "visit", "assessed_on": "2021-03-01", "comment": "服务规范"})
    data.update(extra)
    return data


def test_score_form_saves_for_the_logged_in_assessor(trained, city_user, client_for):
    url = reverse("review:assess", args=[trained.key])
    response = client_for(city_user).post(url, _post_data(trained.campaign))
    assert response.status_code == 302
    assert list(Assessment.objects.values_list("assessor", "total", "comment")) == [
        (city_user.pk, Decimal("88.0"), "服务规范")
    ]


def test_score_form_refuses_off_grid_and_keeps_the_typed_values(trained, city_user, client_for):
    first = criteria_of(trained.campaign)[0]
    data = _post_data(trained.campaign, comment="实地查看三个班组")
    data[points_field(first.pk)] = "12.34"
    response = client_for(city_user).post(reverse("review:assess", args=[trained.key]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors == {points_field(first.pk): [phrases.POINTS_GRID]}
    assert 'value="12.34"' in html
    assert "实地查看三个班组" in html
    assert Assessment.objects.count() == 0


def test_score_form_after_the_window_is_403_keeping_the_values(trained, city_user, client_for):
    with time_machine.travel(AFTER_CLOSE, tick=False):
        response = client_for(city_user).post(
            reverse("review:assess", args=[trained.key]), _post_data(trained.campaign, comment="迟到的评分")
        )
    assert response.status_code == 403
    assert "迟到的评分" in response.content.decode()
    assert Assessment.objects.count() == 0


def test_score_form_not_trained_is_409(assessment_window, reported, city_user, client_for):
    response = client_for(city_user).post(reverse("review:assess", args=[reported.key]), _post_data(reported.campaign))
    assert response.status_code == 409
    assert "岗位负责人未参加创建培训，不能考核。" in response.content.decode()
    assert Assessment.objects.count() == 0


def test_conclude_button_records_the_result(trained, assessors, city_user, client_for):
    score(assessors[0], trained, "79.9")
    score(assessors[1], trained, "80.0")
    score(assessors[2], trained, "80.0")
    client = client_for(city_user)
    page = client.get(reverse("review:assess", args=[trained.key]))
    assert "确认考核结果" in page.content.decode()
    assert [o["name"] for o in page.context["others"]] == ["张敏", "李华", "王芳"]
    response = client.post(reverse("review:assess_conclude", args=[trained.key]))
    assert response.status_code == 302
    assert Application.objects.get(pk=trained.pk).status == Status.FAILED
    # A second click (or a colleague's) finds the result recorded: 409 with the reason, nothing changes.
    again = client.post(reverse("review:assess_conclude", args=[trained.key]))
    assert again.status_code == 409
    assert again.context["error"] == "当前状态为“考核不合格”，不能考核不合格。页面可能已过期，请刷新后查看。"
    assert ApplicationEvent.objects.filter(application=trained, action="fail").count() == 1


# --- query counts: the list, the ranking, the xlsx with 1 and 3 posts ------------------------------


def test_query_counts_do_not_grow(
    assessment_window, campaign, body_a, city_user, assessors, client_for, django_assert_num_queries
):
    client = client_for(city_user)
    urls = [reverse("review:assessment"), reverse("review:ranking"), reverse("review:ranking_xlsx")]
    ranked_posts(campaign, body_a, city_user, assessors, [["80", "85"]])
    # Each: session, user with its organisation, campaign, then the page's own reads (the session is not
    # written: refreshed at login). list: count, the page's keys, its rows, attended set, assessments
    # of the page; ranking / xlsx: the assessments; the xlsx: its audit row.
    expected = [8, 4, 5]
    for url, count in zip(urls, expected, strict=True):
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200
    ranked_posts(campaign, body_a, city_user, assessors, [["90", "91", "92"], ["70"]])
    for url, count in zip(urls, expected, strict=True):
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200


# --- stale pages: the assessor's own sheet in two tabs, a result that changed before 确认 ------------


def test_score_form_from_a_stale_page_is_409_keeping_the_text(trained, city_user, client_for):
    client = client_for(city_user)
    url = reverse("review:assess", args=[trained.key])
    first = _post_data(trained.campaign, comment="第一个窗口")
    first["version"] = "0"
    assert client.post(url, first).status_code == 302
    # A second tab opened before the first save still says version 0.
    second = _post_data(trained.campaign, comment="第二个窗口")
    second["version"] = "0"
    response = client.post(url, second)
    assert response.status_code == 409
    assert "第二个窗口" in response.content.decode()
    assert response.context["error"] == phrases.SHEET_STALE
    assert list(Assessment.objects.values_list("comment", "version")) == [("第一个窗口", 1)]
    # The kept form now carries the saved version: sending it again saves it.
    assert response.context["form"]["version"].value() == "1"
    second["version"] = "1"
    assert client.post(url, second).status_code == 302
    assert list(Assessment.objects.values_list("comment", "version")) == [("第二个窗口", 2)]


def test_conclude_refuses_a_result_changed_since_the_page(trained, assessors, city_user, client_for):
    score(assessors[0], trained, "90.0")
    client = client_for(city_user)
    page = client.get(reverse("review:assess", args=[trained.key]))
    seen = page.context["result"].seen
    # Meanwhile another assessor vetoes the post.
    score(assessors[1], trained, "95.0", veto=True, reason="存在违规收费问题")
    response = client.post(reverse("review:assess_conclude", args=[trained.key]), {"seen": seen})
    assert response.status_code == 409
    assert response.context["error"] == phrases.CONCLUDE_CHANGED
    assert Application.objects.get(pk=trained.pk).status == Status.REPORTED
    fresh = client.get(reverse("review:assess", args=[trained.key])).context["result"].seen
    assert client.post(reverse("review:assess_conclude", args=[trained.key]), {"seen": fresh}).status_code == 302
    assert Application.objects.get(pk=trained.pk).status == Status.FAILED
