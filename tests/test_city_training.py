"""培训: sessions and attendance (services and the page), the TRAINING window, roles, query counts."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applications.models import Application, Status
from gangwei import phrases as input_phrases
from gangwei.deadlines import StageClosed
from review.city import phrases
from review.city.training import (
    attendance_record,
    attended_ids,
    has_attended,
    reported_posts,
    training_session_create,
)
from review.models import Attendance, TrainingSession
from tests.factories import ApplicationFactory, UnitFactory, force_update, shanghai

BEFORE_CLOSE = shanghai(2021, 6, 30, 23, 59, 58)
AFTER_CLOSE = shanghai(2021, 7, 1, 0, 0, 0)
HELD_ON = dt.date(2021, 3, 1)  # the day of assessment_window: held that morning


def make_reported(campaign, body, count: int) -> list[Application]:
    """`count` posts of `body` in status reported (set directly: the 初审 path is tested elsewhere)."""
    posts = [ApplicationFactory(campaign=campaign, unit=UnitFactory(parent=body)) for _ in range(count)]
    force_update(Application.objects.filter(pk__in=[p.pk for p in posts]), status=Status.REPORTED)
    return list(Application.objects.filter(pk__in=[p.pk for p in posts]).order_by("pk"))


@pytest.fixture
def session(assessment_window, campaign, city_user):
    return training_session_create(
        user=city_user, campaign=campaign, title="2021年巾帼文明岗创建培训", held_on=HELD_ON, place="市妇联三楼会议室"
    )


# --- services ----------------------------------------------------------------------------------


def test_training_session_create_stores_the_session(session, campaign, city_user):
    assert list(TrainingSession.objects.values_list("campaign", "title", "held_on", "place", "created_by")) == [
        (campaign.pk, "2021年巾帼文明岗创建培训", HELD_ON, "市妇联三楼会议室", city_user.pk)
    ]


def test_training_session_create_refuses_other_roles(assessment_window, campaign, reviewer_a, applicant):
    for user in (reviewer_a, applicant):
        with pytest.raises(PermissionDenied):
            training_session_create(user=user, campaign=campaign, title="培训", held_on=HELD_ON, place="会议室")
    assert TrainingSession.objects.count() == 0


def test_training_session_create_refuses_a_blank_title(assessment_window, campaign, city_user):
    with pytest.raises(ValidationError) as caught:
        training_session_create(user=city_user, campaign=campaign, title="  ", held_on=HELD_ON, place="会议室")
    assert caught.value.message_dict == {"title": [phrases.TRAINING_TITLE_REQUIRED]}


@pytest.mark.parametrize(
    "held_on", [dt.date(1, 1, 1), dt.date(2020, 7, 31), dt.date(2021, 7, 1), dt.date(9999, 12, 31)]
)
def test_training_session_create_refuses_a_date_outside_the_campaign(assessment_window, campaign, city_user, held_on):
    with pytest.raises(ValidationError) as refused:
        training_session_create(user=city_user, campaign=campaign, title="培训", held_on=held_on, place="会议室")
    message = phrases.TRAINING_DATE_RANGE.format(opens_on="2020年8月1日", closes_on="2021年6月30日")
    assert refused.value.message_dict == {"held_on": [message]}
    assert TrainingSession.objects.count() == 0


def test_attendance_record_adds_changes_and_removes(session, reported, reported_other, city_user):
    assert (
        attendance_record(user=city_user, session=session, attendees={reported.key: "覃丽", reported_other.key: ""})
        == 1
    )
    assert list(Attendance.objects.values_list("application", "attendee", "recorded_by")) == [
        (reported.pk, "覃丽", city_user.pk)
    ]
    assert attended_ids(session.campaign, [reported.pk, reported_other.pk]) == {reported.pk}
    assert attended_ids(session.campaign, [reported_other.pk]) == set()
    assert has_attended(reported) is True
    assert has_attended(reported_other) is False
    # The same again changes nothing; a new name changes one row; "" removes it.
    assert attendance_record(user=city_user, session=session, attendees={reported.key: "覃丽"}) == 0
    assert attendance_record(user=city_user, session=session, attendees={reported.key: " 韦芳 "}) == 1
    assert list(Attendance.objects.values_list("attendee", flat=True)) == ["韦芳"]
    assert attendance_record(user=city_user, session=session, attendees={reported.key: ""}) == 1
    assert Attendance.objects.count() == 0


def test_attendance_record_refuses_a_session_not_yet_held(assessment_window, campaign, reported, city_user):
    later = training_session_create(
        user=city_user, campaign=campaign, title="第二期培训", held_on=dt.date(2021, 3, 2), place="会议室"
    )
    with pytest.raises(ValidationError) as refused:
        attendance_record(user=city_user, session=later, attendees={reported.key: "覃丽"})
    assert refused.value.message_dict == {"__all__": [phrases.ATTENDANCE_NOT_HELD.format(held_on="2021年3月2日")]}
    assert list(Attendance.objects.values_list("attendee", flat=True)) == []
    assessment_window.move_to(shanghai(2021, 3, 2, 9, 0, 0))
    assert attendance_record(user=city_user, session=later, attendees={reported.key: "覃丽"}) == 1


def test_attendance_record_leaves_rows_it_was_not_given(session, reported, reported_other, city_user):
    attendance_record(user=city_user, session=session, attendees={reported.key: "覃丽", reported_other.key: "韦芳"})
    attendance_record(user=city_user, session=session, attendees={reported.key: "覃丽"})
    assert sorted(Attendance.objects.values_list("attendee", flat=True)) == ["覃丽", "韦芳"]


def test_attendance_record_refuses_a_post_not_reported(session, application, reported, city_user):
    other = ApplicationFactory(campaign=application.campaign, unit=application.unit)  # a draft
    with pytest.raises(ValidationError) as caught:
        attendance_record(user=city_user, session=session, attendees={reported.key: "覃丽", other.key: "韦芳"})
    assert caught.value.message_dict == {"__all__": [phrases.ATTENDANCE_UNKNOWN_POST]}
    assert Attendance.objects.count() == 0


def test_attendance_record_refuses_a_long_name_before_writing(session, reported, reported_other, city_user):
    with pytest.raises(ValidationError) as caught:
        attendance_record(
            user=city_user, session=session, attendees={reported.key: "覃丽", reported_other.key: "名" * 41}
        )
    # The forms' words, from the one catalogue.
    too_long = input_phrases.INPUT_TOO_LONG % {"limit_value": 40, "show_value": 41}
    assert caught.value.message_dict == {f"attendee_{reported_other.key}": [too_long]}
    assert Attendance.objects.count() == 0


def test_attendance_record_refuses_other_roles(session, reported, reviewer_a, applicant):
    for user in (reviewer_a, applicant):
        with pytest.raises(PermissionDenied):
            attendance_record(user=user, session=session, attendees={reported.key: "覃丽"})
    assert Attendance.objects.count() == 0


def test_reported_posts_lists_reported_and_later_in_body_order(campaign, body_a, body_b):
    body_a.display_order, body_b.display_order = 2, 1
    body_a.save()
    body_b.save()
    a = make_reported(campaign, body_a, 1)[0]
    b = make_reported(campaign, body_b, 1)[0]
    passed = make_reported(campaign, body_b, 1)[0]
    force_update(Application.objects.filter(pk=passed.pk), status=Status.PASSED)
    ApplicationFactory(campaign=campaign, unit=UnitFactory(parent=body_a))  # a draft: not listed
    assert list(reported_posts(campaign)) == [b, passed, a]


# --- the window: one second before and after it closes (with 考核) ---------------------------------


def test_window_session_create(campaign, city_user):
    with time_machine.travel(BEFORE_CLOSE, tick=False):
        training_session_create(user=city_user, campaign=campaign, title="培训", held_on=HELD_ON, place="会议室")
    with time_machine.travel(AFTER_CLOSE, tick=False), pytest.raises(StageClosed):
        training_session_create(user=city_user, campaign=campaign, title="培训二", held_on=HELD_ON, place="会议室")
    assert list(TrainingSession.objects.values_list("title", flat=True)) == ["培训"]


def test_window_attendance(session, reported, city_user):
    with time_machine.travel(BEFORE_CLOSE, tick=False):
        assert attendance_record(user=city_user, session=session, attendees={reported.key: "覃丽"}) == 1
    with time_machine.travel(AFTER_CLOSE, tick=False), pytest.raises(StageClosed):
        attendance_record(user=city_user, session=session, attendees={reported.key: "韦芳"})
    assert list(Attendance.objects.values_list("attendee", flat=True)) == ["覃丽"]


# --- the page ------------------------------------------------------------------------------------


def test_page_refuses_reviewer_and_unit(session, reported, client_for, reviewer_a, reviewer_b, applicant):
    for user in (reviewer_a, reviewer_b, applicant):
        client = client_for(user)
        assert client.get(reverse("review:training")).status_code == 403
        assert (
            client.post(reverse("review:training"), {"title": "x", "held_on": "2021-03-01", "place": "y"}).status_code
            == 403
        )
        url = reverse("review:attendance", args=[session.pk])
        assert client.post(url, {"keys": [reported.key], f"attendee_{reported.key}": "覃丽"}).status_code == 403
    assert TrainingSession.objects.count() == 1
    assert Attendance.objects.count() == 0


def test_page_anonymous_goes_to_login(client):
    response = client.get(reverse("review:training"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_page_creates_a_session(assessment_window, campaign, client_for, city_user):
    response = client_for(city_user).post(
        reverse("review:training"), {"title": "第一期创建培训", "held_on": "2021-03-01", "place": "市妇联"}
    )
    session = TrainingSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('review:training')}?session={session.pk}"
    assert (session.title, session.held_on, session.place) == ("第一期创建培训", HELD_ON, "市妇联")


def test_page_refuses_a_bad_date_keeping_the_text(assessment_window, campaign, client_for, city_user):
    response = client_for(city_user).post(
        reverse("review:training"), {"title": "第一期创建培训", "held_on": "2021-02-30", "place": "市妇联"}
    )
    assert response.status_code == 200
    assert response.context["session_form"].errors == {"held_on": [phrases.TRAINING_DATE_INVALID]}
    assert 'value="第一期创建培训"' in response.content.decode()
    assert TrainingSession.objects.count() == 0


def test_page_shows_the_table_with_the_leader_as_a_hint(session, reported, client_for, city_user):
    response = client_for(city_user).get(reverse("review:training"), {"session": session.pk})
    html = response.content.decode()
    field = f'name="attendee_{reported.key}"'
    assert response.status_code == 200
    assert html.count(field) == 1
    row = html[html.index(field) : html.index(">", html.index(field))]
    assert 'value=""' in row
    assert 'placeholder="覃丽"' in row
    assert [r["attended_any"] for r in response.context["rows"]] == [False]


def test_page_saves_the_table_at_once(session, reported, reported_other, client_for, city_user):
    url = reverse("review:attendance", args=[session.pk])
    response = client_for(city_user).post(
        url,
        {
            "keys": [reported.key, reported_other.key],
            f"attendee_{reported.key}": "覃丽",
            f"attendee_{reported_other.key}": "",
        },
    )
    assert response.status_code == 302
    assert list(Attendance.objects.values_list("application", "attendee")) == [(reported.pk, "覃丽")]
    page = client_for(city_user).get(response["Location"])
    assert [(r["post"], r["attended_any"]) for r in page.context["rows"]] == [(reported, True), (reported_other, False)]
    assert 'value="覃丽"' in page.content.decode()


def test_page_refuses_after_the_window_keeping_the_names(session, reported, client_for, city_user):
    url = reverse("review:attendance", args=[session.pk])
    with time_machine.travel(AFTER_CLOSE, tick=False):
        response = client_for(city_user).post(url, {"keys": [reported.key], f"attendee_{reported.key}": "覃丽"})
    assert response.status_code == 403
    assert 'value="覃丽"' in response.content.decode()
    assert Attendance.objects.count() == 0


def test_page_unknown_session_is_404(assessment_window, campaign, client_for, city_user):
    assert client_for(city_user).post(reverse("review:attendance", args=[999999]), {}).status_code == 404


def test_page_query_count_does_not_grow(session, campaign, body_a, client_for, city_user, django_assert_num_queries):
    client = client_for(city_user)
    first = make_reported(campaign, body_a, 1)
    attendance_record(user=city_user, session=session, attendees={first[0].key: "覃丽"})
    # session, user with its organisation, campaign, the chosen session, the sessions, count, the
    # page's keys, the page's rows, leaders, this session's records, the attended set (the session
    # row is not written: refreshed at login)
    with django_assert_num_queries(11):
        client.get(reverse("review:training"), {"session": session.pk})
    more = make_reported(campaign, body_a, 2)
    attendance_record(user=city_user, session=session, attendees={p.key: "韦芳" for p in more})
    with django_assert_num_queries(11):
        response = client.get(reverse("review:training"), {"session": session.pk})
    assert len(response.context["rows"]) == 3
