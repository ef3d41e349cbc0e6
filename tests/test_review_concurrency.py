"""初审 under concurrency (PostgreSQL): two reviewers of one body at the same moment, a decision and
a filing at the same moment. The body's row lock, taken before the application's, makes them queue:
nothing is decided twice, the quota is never passed, nothing deadlocks."""

import threading

import pytest
import time_machine
from django.db import connection, connections

from applications.models import Application, ApplicationEvent, Status
from applications.services import application_submit
from applications.workflow import Action, StaleDecision, TransitionNotAllowed
from review import phrases
from review.models import CONDITION_FIELDS, Quota, SummaryReport
from review.services import QuotaFull, review_decide, summary_file
from tests.factories import ApplicationFactory, UnitFactory, UserFactory, shanghai

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite takes one writer at a time: nothing runs concurrently"
    ),
    pytest.mark.django_db(transaction=True),
]

IN_REVIEW = shanghai(2020, 10, 1, 10, 0, 0)
ALL_CONDITIONS = {name: True for name in CONDITION_FIELDS}
REPEATS = 5


@pytest.fixture(autouse=True)
def in_review():
    with time_machine.travel(IN_REVIEW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def colleague(body_a):
    """A second reviewer of body A."""
    return UserFactory(username="reviewer_a2", organisation=body_a)


def submitted(campaign, unit, number: str, status: str = Status.SUBMITTED) -> Application:
    return ApplicationFactory(campaign=campaign, unit=unit, status=status, number=number)


def at_once(*calls) -> list:
    """Run each call in its own thread (its own connection), all released together by a barrier.
    Returns each call's outcome: "ok", or the exception's class name and message."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            call()
            outcomes[index] = "ok"
        except Exception as exc:  # noqa: BLE001 -- the outcome is what the test asserts
            outcomes[index] = (type(exc).__name__, getattr(exc, "message", str(exc)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [thread.is_alive() for thread in threads] == [False] * len(calls)
    return outcomes


def ok_first(outcomes: list) -> list:
    return sorted(outcomes, key=lambda outcome: outcome != "ok")


def decision(application, user, action, version=None, opinion="理由。"):
    def call():
        review_decide(
            application=Application.objects.get(pk=application.pk),
            user=user,
            action=action,
            opinion=opinion,
            conditions=ALL_CONDITIONS,
            version=version,
        )

    return call


def filing(user, campaign, created: list):
    def call():
        created.append(summary_file(user=user, campaign=campaign)[1])

    return call


def submission(application, applicant):
    def call():
        application_submit(application=Application.objects.get(pk=application.pk), user=applicant)

    return call


def timeline(application) -> list[tuple]:
    return list(
        ApplicationEvent.objects.filter(application=application)
        .order_by("id")
        .values_list("action", "from_status", "to_status")
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (Action.RECOMMEND, Action.RECOMMEND),
        (Action.RECOMMEND, Action.RETURN),
        (Action.RETURN, Action.NOT_RECOMMEND),
    ],
)
def test_same_application_same_version_exactly_one_wins(campaign, unit, reviewer_a, colleague, first, second):
    for attempt in range(REPEATS):
        application = submitted(campaign, unit, f"2021-CZ-{attempt + 1:03d}")
        outcomes = at_once(
            decision(application, reviewer_a, first, version=1),
            decision(application, colleague, second, version=1),
        )
        application.refresh_from_db()
        assert outcomes.count("ok") == 1, outcomes
        (refusal,) = [o for o in outcomes if o != "ok"]
        assert refusal == (
            StaleDecision.__name__,
            f"这份申报已被他人处理（当前状态：“{application.get_status_display()}”），"
            "您的操作没有执行。请查看最新情况后再决定。",
        )
        assert application.version == 2
        assert len(timeline(application)) == 1
        assert application.messages.count() == 1


def test_same_application_no_version_both_recommend_one_refused(campaign, unit, reviewer_a, colleague):
    """Without a version the table decides: the second recommendation finds the application
    recommended, which cannot be recommended again."""
    for attempt in range(REPEATS):
        application = submitted(campaign, unit, f"2021-CZ-{attempt + 1:03d}")
        outcomes = at_once(
            decision(application, reviewer_a, Action.RECOMMEND),
            decision(application, colleague, Action.RECOMMEND),
        )
        assert ok_first(outcomes) == [
            "ok",
            (TransitionNotAllowed.__name__, "当前状态为“初审推荐”，不能初审推荐。页面可能已过期，请刷新后查看。"),
        ]
        assert timeline(application) == [(Action.RECOMMEND, Status.SUBMITTED, Status.RECOMMENDED)]


def test_same_application_no_version_different_decisions_queue(campaign, unit, reviewer_a, colleague):
    """Without a version a recommendation and a refusal both apply, one after the other (the table
    allows either from the other's result): the timeline is a chain, never two decisions from the
    same status. Deciding over a colleague unseen is what the version prevents, so the pages pass it."""
    for attempt in range(REPEATS):
        application = submitted(campaign, unit, f"2021-CZ-{attempt + 1:03d}")
        outcomes = at_once(
            decision(application, reviewer_a, Action.RECOMMEND),
            decision(application, colleague, Action.NOT_RECOMMEND),
        )
        events = timeline(application)
        application.refresh_from_db()
        assert outcomes == ["ok", "ok"]
        assert len(events) == 2
        assert events[0][1] == Status.SUBMITTED
        assert events[1][1] == events[0][2]  # the second started where the first ended
        assert application.status == events[1][2]
        assert application.version == 3


def test_two_recommendations_one_place_left(campaign, unit, body_a, reviewer_a, colleague):
    for attempt in range(REPEATS):
        Quota.objects.update_or_create(campaign=campaign, body=body_a, defaults={"places": attempt + 1})
        first = submitted(campaign, unit, f"2021-CZ-{2 * attempt + 1:03d}")
        second = submitted(campaign, UnitFactory(parent=body_a), f"2021-CZ-{2 * attempt + 2:03d}")
        outcomes = at_once(
            decision(first, reviewer_a, Action.RECOMMEND, version=1),
            decision(second, colleague, Action.RECOMMEND, version=1),
        )
        assert ok_first(outcomes) == [
            "ok",
            (QuotaFull.__name__, phrases.QUOTA_FULL.format(quota=attempt + 1)),
        ]
        recommended = Application.objects.filter(campaign=campaign, unit__parent=body_a, status=Status.RECOMMENDED)
        assert recommended.count() == attempt + 1
        ranks = sorted(recommended.values_list("review__rank", flat=True))
        assert ranks == list(range(1, attempt + 2))


def test_filing_and_a_decision_at_the_same_moment_queue(campaign, unit, body_a, reviewer_a, colleague):
    """The decision either comes first (the filing then counts it) or finds the filing (Frozen)."""
    for _attempt in range(REPEATS):
        SummaryReport.objects.all().delete()
        Application.objects.all().delete()
        apps = [submitted(campaign, UnitFactory(parent=body_a), f"2021-CZ-{i:03d}", Status.RECOMMENDED) for i in (1, 2)]
        outcomes = at_once(
            filing(reviewer_a, campaign, []),
            decision(apps[0], colleague, Action.NOT_RECOMMEND, version=1),
        )
        report = SummaryReport.objects.get()
        statuses = [Application.objects.get(pk=a.pk).status for a in apps]
        if outcomes[1] == "ok":
            assert (outcomes[0], report.rows, statuses) == ("ok", 1, [Status.NOT_RECOMMENDED, Status.REPORTED])
        else:
            assert outcomes[1][0] == "Frozen", outcomes
            assert (outcomes[0], report.rows, statuses) == ("ok", 2, [Status.REPORTED, Status.REPORTED])


def test_two_filings_at_the_same_moment_one_report(campaign, body_a, reviewer_a, colleague):
    for _attempt in range(REPEATS):
        SummaryReport.objects.all().delete()
        Application.objects.all().delete()
        submitted(campaign, UnitFactory(parent=body_a), "2021-CZ-001", Status.RECOMMENDED)
        results = []
        outcomes = at_once(filing(reviewer_a, campaign, results), filing(colleague, campaign, results))
        assert (outcomes, sorted(results)) == (["ok", "ok"], [False, True])
        assert SummaryReport.objects.count() == 1


def test_first_submission_and_a_decision_on_it_do_not_deadlock(in_review, campaign, body_a, reviewer_a):
    """The 申报编号 of a first submission locks the body; a reviewer's decision locks the body and
    then the application. transition takes the body first for every action, so they queue."""
    in_review.move_to(shanghai(2020, 9, 1, 10, 0, 0))  # apply and 初审 both open
    for _attempt in range(REPEATS):
        unit = UnitFactory(parent=body_a)
        applicant = UserFactory(organisation=unit)
        draft = ApplicationFactory(campaign=campaign, unit=unit)

        outcomes = at_once(submission(draft, applicant), decision(draft, reviewer_a, Action.RECOMMEND))
        draft.refresh_from_db()
        assert outcomes[0] == "ok"
        assert outcomes[1] in ("ok", (TransitionNotAllowed.__name__, phrases_draft())), outcomes
        assert draft.number.startswith("2021-CZ-")


def phrases_draft() -> str:
    return "当前状态为“草稿”，不能初审推荐。页面可能已过期，请刷新后查看。"
