"""The 申报编号 from a counter per (campaign, 初审 body): numbers continue from those already given,
are never given twice (not even after a deletion), stay distinct and consecutive under concurrent
submissions, and a submission's work does not grow with the applications already in the body."""

import threading

import pytest
import time_machine
from django.apps import apps
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from applications.models import Application, NumberCounter, Status
from applications.services import application_submit
from tests.factories import ApplicationFactory, UnitFactory, UserFactory, shanghai

IN_APPLY = shanghai(2020, 9, 1, 10, 0, 0)


def seed_counters():
    """The data migration's seeding (applications/0007_number_counter), run on today's rows."""
    from importlib import import_module

    migration = import_module("applications.migrations.0007_number_counter")
    migration.seed_counters(apps, None)


def test_migration_seeds_counters_from_the_highest_numbers(campaign, unit, other_unit, body_a, body_b):
    for number in ["2021-CZ-001", "2021-CZ-007", "2021-CZ-003"]:
        ApplicationFactory(campaign=campaign, unit=unit, status=Status.SUBMITTED, number=number)
    ApplicationFactory(campaign=campaign, unit=other_unit, status=Status.SUBMITTED, number="2021-YF-002")
    ApplicationFactory(campaign=campaign, unit=unit)  # a draft: no number
    seed_counters()

    assert sorted(NumberCounter.objects.values_list("campaign_id", "body_id", "last")) == sorted(
        [(campaign.pk, body_a.pk, 7), (campaign.pk, body_b.pk, 2)]
    )


def test_numbers_continue_from_the_seeded_counter(campaign, unit, applicant):
    ApplicationFactory(campaign=campaign, unit=unit, status=Status.SUBMITTED, number="2021-CZ-041")
    seed_counters()
    drafts = [ApplicationFactory(campaign=campaign, unit=unit) for _ in range(2)]
    with time_machine.travel(IN_APPLY, tick=False):
        numbers = [application_submit(application=a, user=applicant).number for a in drafts]

    assert numbers == ["2021-CZ-042", "2021-CZ-043"]
    assert NumberCounter.objects.get().last == 43


def test_first_submission_without_counter_starts_after_numbers_given(campaign, unit, applicant):
    """A counter made on the body's first submission starts after numbers given outside the service."""
    ApplicationFactory(campaign=campaign, unit=unit, status=Status.SUBMITTED, number="2021-CZ-005")
    draft = ApplicationFactory(campaign=campaign, unit=unit)
    with time_machine.travel(IN_APPLY, tick=False):
        submitted = application_submit(application=draft, user=applicant)

    assert (submitted.number, NumberCounter.objects.get().last) == ("2021-CZ-006", 6)


def test_a_number_is_never_given_again_after_deletion(campaign, unit, applicant):
    first, second = ApplicationFactory(campaign=campaign, unit=unit), ApplicationFactory(campaign=campaign, unit=unit)
    with time_machine.travel(IN_APPLY, tick=False):
        assert application_submit(application=first, user=applicant).number == "2021-CZ-001"
        Application.objects.filter(pk=first.pk).delete()  # e.g. removed by an administrator
        assert application_submit(application=second, user=applicant).number == "2021-CZ-002"


@pytest.mark.parametrize("already", [1, 30])
def test_submission_query_count_does_not_grow_with_the_body(campaign, unit, applicant, already):
    for i in range(already):
        ApplicationFactory(campaign=campaign, unit=unit, status=Status.SUBMITTED, number=f"2021-CZ-{i + 1:03d}")
    with time_machine.travel(IN_APPLY, tick=False):
        application_submit(application=ApplicationFactory(campaign=campaign, unit=unit), user=applicant)  # the counter
        draft = ApplicationFactory(campaign=campaign, unit=unit)
        with CaptureQueriesContext(connection) as queries:
            submitted = application_submit(application=draft, user=applicant)

    assert submitted.number == f"2021-CZ-{already + 2:03d}"
    # 1 savepoint (the test's transaction is around it: BEGIN on its own), 2 body lock, 3 application
    # lock (with campaign, unit, body), 4 the unit's deadline extensions (the APPLY window now, the
    # review window in the receipt), 5 leaders, 6 honours, 7 counter update, 8 the application,
    # 9 its count (applications.tally), 10 its event; the receipt: 11 the unit's addresses,
    # 12 message, 13 its task, 14 release.
    assert len(queries.captured_queries) == 14


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_consecutive_numbers(campaign, body_a):
    ApplicationFactory(campaign=campaign, unit=UnitFactory(parent=body_a), status=Status.SUBMITTED, number="2021-CZ-010")
    seed_counters()
    pairs = []
    for i in range(6):
        unit = UnitFactory(parent=body_a, name=f"并发单位{i}")
        pairs.append((ApplicationFactory(campaign=campaign, unit=unit), UserFactory(username=f"unit_c{i}", organisation=unit)))
    barrier = threading.Barrier(len(pairs))
    outcomes = [None] * len(pairs)

    def run(index, application, user):
        barrier.wait()
        try:
            outcomes[index] = application_submit(application=application, user=user).number
        except Exception as exc:  # noqa: BLE001 -- the outcome is what the test asserts
            outcomes[index] = repr(exc)
        finally:
            connections.close_all()

    with time_machine.travel(IN_APPLY, tick=True):
        threads = [threading.Thread(target=run, args=(i, a, u)) for i, (a, u) in enumerate(pairs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert sorted(outcomes) == [f"2021-CZ-{n:03d}" for n in range(11, 17)]
    assert NumberCounter.objects.get(body=body_a).last == 16
