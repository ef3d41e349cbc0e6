"""Fuzz the forms of 培训 and 考核 through the test client (tests/fuzzing.py): the score sheet, the
attendance table and a new session. Never a 500; after a refusal nothing is stored; after an
acceptance what is stored is what was posted."""

from decimal import Decimal

import pytest
from hypothesis import strategies as st

from review.city.assessment import criteria_of, points_field
from review.city.training import attendance_record, training_session_create
from review.models import Assessment, Attendance, Method, TrainingSession
from tests.fuzzing import FormCase, choice_values, flag_values, fuzz_form, number_values, text_values
from tests.test_city_assessment import ON, split

EXAMPLES = 40


def points_values(max_points: Decimal) -> st.SearchStrategy:
    return st.one_of(
        st.decimals(min_value=0, max_value=max_points, places=1).map(str),
        st.decimals(min_value=-5, max_value=max_points + 5, places=2).map(str),
        st.sampled_from(["12.34", "1e1", "1E-999999999", "sNaN", "-0", "0.10", "１０", "1_0", " 7.5 "]),
        number_values(),
    )


def date_values() -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(["2021-03-01", "2020-12-31", "2021-02-29", "2099-01-01", "2020-07-31", "0000-01-01"]),
        st.dates().map(str),
        text_values(20),
    )


@pytest.fixture
def trained(assessment_window, campaign, city_user, reported):
    session = training_session_create(user=city_user, campaign=campaign, title="创建培训", held_on=ON, place="市妇联")
    attendance_record(user=city_user, session=session, attendees={reported.key: "覃丽"})
    return reported


def test_fuzz_score_form(trained, city_user):
    criteria = criteria_of(trained.campaign)
    base = {points_field(pk): str(value) for pk, value in split("86.5", trained.campaign).items()}
    base.update({"method": "visit", "assessed_on": "2021-03-01", "comment": "服务规范", "veto_reason": ""})
    fields = {points_field(c.pk): points_values(c.max_points) for c in criteria}
    fields.update(
        {
            "method": choice_values(Method.values),
            "assessed_on": date_values(),
            "comment": text_values(500),
            "veto": flag_values(),
            "veto_reason": text_values(300),
        }
    )

    def check(data, response):
        stored = Assessment.objects.get(application=trained, assessor=city_user)
        assert stored.total == sum((s.points for s in stored.scores.all()), Decimal("0"))
        assert {s.criterion_id: s.points for s in stored.scores.all()} == {
            c.pk: Decimal(data[points_field(c.pk)].strip()) for c in criteria
        }
        assert stored.method == data["method"]
        assert stored.veto == (stored.veto_reason != "")

    fuzz_form(
        FormCase(
            name="考核 score sheet",
            url=f"/city/assessment/{trained.key}/",
            user=city_user,
            fields=fields,
            base=base,
            check_accepted=check,
            examples=EXAMPLES,
        )
    )


def test_fuzz_attendance_form(assessment_window, campaign, city_user, reported, reported_other):
    session = training_session_create(user=city_user, campaign=campaign, title="创建培训", held_on=ON, place="市妇联")
    keys = [reported.key, reported_other.key]
    keys_values = st.one_of(
        st.just(keys),
        st.lists(st.sampled_from([*keys, "no-such-key", "", "\x00", "a" * 300]), max_size=4),
        st.just(keys * 60),
    )
    fields = {
        "keys": keys_values,
        f"attendee_{reported.key}": text_values(40),
        f"attendee_{reported_other.key}": text_values(40),
    }
    base = {"keys": keys, f"attendee_{reported.key}": "覃丽", f"attendee_{reported_other.key}": ""}

    def check(data, response):
        stored = dict(Attendance.objects.filter(session=session).values_list("application__key", "attendee"))
        for key in set(data["keys"]) & set(keys):
            posted = data.get(f"attendee_{key}", "").strip()
            assert stored.get(key, "") == posted

    fuzz_form(
        FormCase(
            name="培训 attendance table",
            url=f"/city/training/{session.pk}/attendance/",
            user=city_user,
            fields=fields,
            base=base,
            check_accepted=check,
            examples=EXAMPLES,
        )
    )


def test_fuzz_session_form(assessment_window, campaign, city_user):
    def check(data, response):
        session = TrainingSession.objects.get()
        assert (session.title, session.place, str(session.held_on)) == (
            data["title"].strip(),
            data["place"].strip(),
            data["held_on"].strip(),
        )

    fuzz_form(
        FormCase(
            name="培训 new session",
            url="/city/training/",
            user=city_user,
            fields={"title": text_values(120), "held_on": date_values(), "place": text_values(120)},
            base={"title": "创建培训", "held_on": "2021-03-05", "place": "市妇联"},
            check_accepted=check,
            examples=EXAMPLES,
        )
    )
