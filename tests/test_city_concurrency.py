"""The city's stages under concurrency (PostgreSQL): two clients at the same moment on one 公示, one
objection, one post's conclusion, one post's scores, one session's attendance, and a burst of
objections from one address. Nothing is done twice, nothing half-stored, never an IntegrityError."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from applications.models import Application, ApplicationEvent, Message, Status
from applications.workflow import Action
from review.city import phrases
from review.city.assessment import assessment_conclude, assessment_record, criteria_of
from review.city.publicity import objection_lodge, objection_resolve, publicity_publish
from review.city.training import attendance_record, training_session_create
from review.models import Assessment, Attendance, Objection, ObjectionOutcome, Publicity, PublicityEntry, Score
from tests.conftest import IN_ASSESSMENT_WINDOW
from tests.factories import ApplicationFactory, UserFactory
from tests.test_city_publicity import IN_NAMING
from tests.test_review_concurrency import at_once

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite takes one writer at a time: nothing runs concurrently"
    ),
    pytest.mark.django_db(transaction=True),
]

ON = dt.date(2021, 3, 1)


@pytest.fixture
def colleague(city_org):
    return UserFactory(username="city_2", organisation=city_org, last_name="李", first_name="华")


@pytest.fixture
def passed_posts(campaign, unit, other_unit):
    return [ApplicationFactory(campaign=campaign, unit=u, status=Status.PASSED) for u in (unit, other_unit)]


@pytest.fixture
def naming_day():
    with time_machine.travel(IN_NAMING, tick=True) as traveller:
        yield traveller


@pytest.fixture
def calendar():
    """A transactional test starts from an empty database: the holiday table the migration fills is loaded again."""
    from gangwei.models import CalendarDay, CalendarYear
    from gangwei.workdays import load_library_calendar

    if not CalendarYear.objects.exists():
        load_library_calendar(CalendarYear, CalendarDay)


@pytest.fixture
def published(passed_posts, city_user, campaign, naming_day, calendar) -> Publicity:
    return publicity_publish(user=city_user, campaign=campaign, starts_on=dt.date(2021, 7, 1))


def test_two_publishes_list_the_posts_once(passed_posts, city_user, colleague, campaign, naming_day, calendar):
    def publish(user):
        return lambda: publicity_publish(user=user, campaign=campaign, starts_on=dt.date(2021, 7, 1))

    outcomes = at_once(publish(city_user), publish(colleague))
    assert sorted(outcomes, key=lambda o: o != "ok") == ["ok", ("ValidationError", phrases.PUBLICITY_NOTHING)]
    assert Publicity.objects.count() == 1
    assert sorted(PublicityEntry.objects.values_list("application_id", flat=True)) == sorted(p.pk for p in passed_posts)
    assert Message.objects.filter(application__in=passed_posts).count() == 2


def test_two_resolutions_of_one_objection_one_wins(published, passed_posts, city_user, colleague):
    objection = objection_lodge(
        publicity=published,
        application=passed_posts[0],
        name="张三",
        phone="0772-1234567",
        email="",
        content="请核实。",
        source_address="203.0.113.9",
    )

    def resolve(user, outcome):
        return lambda: objection_resolve(
            user=user, objection=Objection.objects.get(pk=objection.pk), outcome=outcome, resolution=f"{outcome}。"
        )

    outcomes = at_once(resolve(city_user, ObjectionOutcome.REJECTED), resolve(colleague, ObjectionOutcome.UPHELD))
    assert outcomes.count("ok") == 1, outcomes
    (refusal,) = [o for o in outcomes if o != "ok"]
    assert refusal[0] == "TransitionNotAllowed"
    objection.refresh_from_db()
    winner = city_user if outcomes[0] == "ok" else colleague
    assert (objection.resolved_by_id, objection.resolution) == (winner.pk, f"{objection.outcome}。")


def test_six_objections_from_one_address_at_once_five_stored(published, passed_posts):
    def lodge(i):
        return lambda: objection_lodge(
            publicity=published,
            application=passed_posts[i % 2],
            name=f"张三{i}",
            phone="0772-1234567",
            email="",
            content="请核实。",
            source_address="203.0.113.9",
        )

    outcomes = at_once(*(lodge(i) for i in range(6)))
    assert outcomes.count("ok") == 5, outcomes
    assert [o for o in outcomes if o != "ok"] == [("TooManyObjections", phrases.OBJECTION_TOO_MANY)]
    assert Objection.objects.count() == 5


@pytest.fixture
def in_assessment():
    with time_machine.travel(IN_ASSESSMENT_WINDOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def trained(in_assessment, campaign, city_user, reported):
    session = training_session_create(user=city_user, campaign=campaign, title="创建培训", held_on=ON, place="市妇联")
    attendance_record(user=city_user, session=session, attendees={reported.key: "覃丽"})
    return reported


def points(campaign, total: str) -> dict[int, Decimal]:
    left, out = Decimal(total), {}
    for criterion in criteria_of(campaign):
        out[criterion.pk] = min(left, criterion.max_points)
        left -= out[criterion.pk]
    return out


def sheet(user, application, total):
    return lambda: assessment_record(
        user=user,
        application=Application.objects.get(pk=application.pk),
        method="visit",
        assessed_on=ON,
        comment="",
        veto=False,
        veto_reason="",
        points=points(application.campaign, total),
    )


def test_two_assessors_save_at_once_both_kept(trained, city_user, colleague, campaign):
    criteria_of(campaign)
    outcomes = at_once(sheet(city_user, trained, "90"), sheet(colleague, trained, "70.5"))
    assert outcomes == ["ok", "ok"]
    totals = dict(Assessment.objects.filter(application=trained).values_list("assessor_id", "total"))
    assert totals == {city_user.pk: Decimal("90"), colleague.pk: Decimal("70.5")}
    for assessment in Assessment.objects.filter(application=trained):
        assert sum(assessment.scores.values_list("points", flat=True)) == assessment.total
    assert Score.objects.count() == 2 * len(criteria_of(campaign))


def test_the_same_assessor_saves_twice_at_once_one_sheet(trained, city_user, campaign):
    criteria_of(campaign)
    outcomes = at_once(sheet(city_user, trained, "90"), sheet(city_user, trained, "80"))
    assert outcomes == ["ok", "ok"]
    (assessment,) = Assessment.objects.filter(application=trained)
    assert assessment.total in (Decimal("90"), Decimal("80"))
    assert sum(assessment.scores.values_list("points", flat=True)) == assessment.total
    assert assessment.scores.count() == len(criteria_of(campaign))


def test_two_conclusions_of_one_post_one_event(trained, city_user, colleague, campaign):
    criteria_of(campaign)
    sheet(city_user, trained, "90")()

    def conclude(user):
        return lambda: assessment_conclude(user=user, application=Application.objects.get(pk=trained.pk))

    outcomes = at_once(conclude(city_user), conclude(colleague))
    assert outcomes.count("ok") == 1, outcomes
    assert ApplicationEvent.objects.filter(application=trained, action=Action.PASS).count() == 1
    assert Message.objects.filter(application=trained, kind="passed").count() == 1
    trained.refresh_from_db()
    assert trained.status == Status.PASSED


def test_two_attendance_saves_of_one_session(in_assessment, campaign, city_user, colleague, reported, reported_other):
    session = training_session_create(user=city_user, campaign=campaign, title="创建培训", held_on=ON, place="市妇联")
    names = {reported.key: "覃丽", reported_other.key: "韦芳"}

    def save(user, suffix):
        return lambda: attendance_record(
            user=user, session=session, attendees={k: v + suffix for k, v in names.items()}
        )

    outcomes = at_once(save(city_user, ""), save(colleague, "2"))
    assert outcomes == ["ok", "ok"]
    stored = dict(Attendance.objects.filter(session=session).values_list("application__key", "attendee"))
    assert stored in ({k: v for k, v in names.items()}, {k: v + "2" for k, v in names.items()})
