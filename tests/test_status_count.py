"""StatusCount (applications.tally): the counts the lists and the city's home read instead of
counting the applications, kept by every writer in the change's own transaction.

tests/conftest.py compares them with the rows after every test; these tests follow them through
each kind of change, and check that the pages read them."""

import importlib
import io
import threading

import pytest
import time_machine
from django.apps import apps
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from applications import tally
from applications.models import Application, Category, Status, StatusCount
from applications.services import application_data, application_submit, application_update
from review.city.dashboard import city_dashboard
from review.models import CONDITION_FIELDS
from review.selectors import city_counts, status_counts
from review.services import review_decide
from tests.conftest import IN_APPLY_WINDOW, report_posts
from tests.factories import ApplicationFactory, UnitFactory, UserFactory


def kept(campaign, body=None, category=None) -> dict[str, int]:
    """{status: n} as StatusCount keeps it, zeros left out."""
    out: dict[str, int] = {}
    for (body_id, cat, status), n in tally.counts_by_body(campaign.pk).items():
        if (body is None or body_id == body.pk) and (category is None or cat == category):
            out[status] = out.get(status, 0) + n
    return out


def decide(application, reviewer, action, opinion="经审核，同意推荐。"):
    return review_decide(
        application=Application.objects.get(pk=application.pk),
        user=reviewer,
        action=action,
        opinion=opinion,
        conditions=dict.fromkeys(CONDITION_FIELDS, True),
    )


def test_a_draft_is_not_counted_and_each_step_moves_one(campaign, application, applicant, reviewer_a, body_a):
    assert kept(campaign) == {}
    with time_machine.travel(IN_APPLY_WINDOW, tick=False):
        application_submit(application=application, user=applicant)
        assert kept(campaign, body_a) == {Status.SUBMITTED: 1}
        decide(application, reviewer_a, "return", opinion="请补充主要事迹。")
        assert kept(campaign, body_a) == {Status.RETURNED: 1}
        application.refresh_from_db()
        application_submit(application=application, user=applicant)
        assert kept(campaign, body_a) == {Status.SUBMITTED: 1}
        decide(application, reviewer_a, "recommend")
    assert kept(campaign, body_a) == {Status.RECOMMENDED: 1}
    assert tally.counted_kept() == tally.counted_from_rows()


def test_a_returned_application_saved_in_another_category_moves_category(
    campaign, application, applicant, reviewer_a, body_a
):
    with time_machine.travel(IN_APPLY_WINDOW, tick=False):
        application_submit(application=application, user=applicant)
        decide(application, reviewer_a, "return", opinion="请核对创建对象类别。")
        application.refresh_from_db()
        data, leaders, honours = application_data(application)
        application_update(
            application=application,
            user=applicant,
            version=application.version,
            data={**data, "category": Category.OFFICE},
            leaders=leaders,
            honours=honours,
        )
    assert kept(campaign, body_a, Category.TEAM) == {}
    assert kept(campaign, body_a, Category.OFFICE) == {Status.RETURNED: 1}


def test_a_unit_moved_to_another_body_takes_its_counts(campaign, unit, body_a, body_b):
    ApplicationFactory.create_batch(2, campaign=campaign, unit=unit, status=Status.SUBMITTED)
    ApplicationFactory(campaign=campaign, unit=UnitFactory(parent=body_a), status=Status.SUBMITTED)
    assert kept(campaign, body_a) == {Status.SUBMITTED: 3}

    unit.parent = body_b
    unit.save()

    assert kept(campaign, body_a) == {Status.SUBMITTED: 1}
    assert kept(campaign, body_b) == {Status.SUBMITTED: 2}


def test_deleting_applications_takes_them_out(campaign, unit, body_a):
    ApplicationFactory.create_batch(3, campaign=campaign, unit=unit, status=Status.REPORTED)
    ApplicationFactory(campaign=campaign, unit=unit)  # a draft: never counted
    assert kept(campaign, body_a) == {Status.REPORTED: 3}

    Application.objects.filter(status=Status.REPORTED).first().delete()
    assert kept(campaign, body_a) == {Status.REPORTED: 2}
    Application.objects.all().delete()  # QuerySet.delete sends post_delete per row
    assert kept(campaign, body_a) == {}


def test_a_save_of_a_row_read_with_deferred_fields_reads_what_it_replaces(campaign, unit, body_a):
    application = ApplicationFactory(campaign=campaign, unit=unit, status=Status.SUBMITTED)
    lean = Application.objects.only("pk", "version", "unit").get(pk=application.pk)
    lean.status = Status.RECOMMENDED
    lean.save()
    assert kept(campaign, body_a) == {Status.RECOMMENDED: 1}


def test_a_save_of_other_fields_moves_nothing(campaign, unit, body_a):
    application = ApplicationFactory(campaign=campaign, unit=unit, status=Status.SUBMITTED)
    application.status = Status.RECOMMENDED  # set, but not written below
    application.version += 1
    application.save(update_fields=["version"])
    assert kept(campaign, body_a) == {Status.SUBMITTED: 1}
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED

    application.save(update_fields=["status"])
    assert kept(campaign, body_a) == {Status.RECOMMENDED: 1}


def test_a_row_read_again_is_counted_from_what_it_now_holds(campaign, unit, body_a):
    application = ApplicationFactory(campaign=campaign, unit=unit, status=Status.SUBMITTED)
    stale = Application.objects.get(pk=application.pk)
    application.status = Status.RETURNED
    application.save()

    stale.refresh_from_db(fields=["status"])
    stale.status = Status.SUBMITTED
    stale.save()
    assert kept(campaign, body_a) == {Status.SUBMITTED: 1}


def test_an_unchanged_save_writes_no_count(campaign, unit):
    application = ApplicationFactory(campaign=campaign, unit=unit, status=Status.SUBMITTED)
    application.applicant_name = "柳州市另一班组"
    with CaptureQueriesContext(connection) as queries:
        application.save()
    assert [q["sql"] for q in queries.captured_queries if StatusCount._meta.db_table in q["sql"]] == []


def test_recount_and_the_migration_count_as_the_rows_do(campaign, unit, other_unit):
    ApplicationFactory.create_batch(2, campaign=campaign, unit=unit, status=Status.REPORTED)
    ApplicationFactory(campaign=campaign, unit=other_unit, status=Status.NAMED, category=Category.OFFICE)
    ApplicationFactory(campaign=campaign, unit=other_unit)
    expected = tally.counted_from_rows()
    assert expected == {
        (campaign.pk, unit.parent_id, Category.TEAM, Status.REPORTED, ""): 2,
        (campaign.pk, other_unit.parent_id, Category.OFFICE, Status.NAMED, ""): 1,
    }

    StatusCount.objects.all().delete()
    tally.recount()
    assert tally.counted_kept() == expected

    StatusCount.objects.all().delete()
    migration = importlib.import_module("applications.migrations.0009_status_count")
    migration.count_existing(apps, None)
    assert tally.counted_kept() == expected


def test_the_reads_equal_counting_the_rows(campaign, body_a, body_b, reviewer_a, unit, other_unit):
    ApplicationFactory.create_batch(3, campaign=campaign, unit=unit, status=Status.SUBMITTED)
    ApplicationFactory(campaign=campaign, unit=unit, status=Status.RECOMMENDED, category=Category.OFFICE)
    ApplicationFactory.create_batch(2, campaign=campaign, unit=other_unit, status=Status.REPORTED)
    ApplicationFactory(campaign=campaign, unit=unit)  # draft

    assert status_counts(reviewer_a, campaign) == {
        **dict.fromkeys(status_counts(reviewer_a, campaign), 0),
        Status.SUBMITTED: 3,
        Status.RECOMMENDED: 1,
    }
    assert city_counts(campaign) == {
        body_a.pk: {Status.SUBMITTED: 3, Status.RECOMMENDED: 1},
        body_b.pk: {Status.REPORTED: 2},
    }
    dashboard = city_dashboard(campaign)
    assert dashboard.total == 6
    assert dashboard.totals[Status.REPORTED] == 2
    rows = {row["body"].pk: row["total"] for row in dashboard.bodies}
    assert rows[body_a.pk] == 4 and rows[body_b.pk] == 2


def test_the_pages_read_the_kept_counts(client_for, campaign, reviewer_a, city_user, body_a, applicant, unit):
    """The queue's tabs and the city's home show StatusCount's numbers (a count made different on
    purpose shows through): they do not count the applications."""
    report_posts(reviewer_a, [ApplicationFactory(campaign=campaign, unit=unit)])
    StatusCount.objects.filter(campaign=campaign, body_id=body_a.pk, status=Status.REPORTED).update(count=4321)

    queue = client_for(reviewer_a).get("/review/")
    assert "4321" in queue.content.decode()
    home = client_for(city_user).get("/city/")
    assert "4321" in home.content.decode()
    tally.recount()  # as it was, for the check after the test


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_submissions_at_once_are_all_counted(campaign, body_a, body_b):
    """Eight submissions at once in two bodies (PostgreSQL, eight connections): the upserts on the
    same count wait for each other, and every one is counted."""
    pairs = []
    for i in range(8):
        unit = UnitFactory(parent=body_a if i % 2 else body_b, name=f"并发计数单位{i}")
        pairs.append(
            (ApplicationFactory(campaign=campaign, unit=unit), UserFactory(username=f"count_{i}", organisation=unit))
        )
    barrier = threading.Barrier(len(pairs))
    errors = []

    def run(application, user):
        barrier.wait()
        try:
            application_submit(application=application, user=user)
        except Exception as exc:  # noqa: BLE001 -- the outcome is what the test asserts
            errors.append(repr(exc))
        finally:
            connections.close_all()

    with time_machine.travel(IN_APPLY_WINDOW, tick=True):
        threads = [threading.Thread(target=run, args=pair) for pair in pairs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert errors == []
    assert kept(campaign, body_a) == {Status.SUBMITTED: 4}
    assert kept(campaign, body_b) == {Status.SUBMITTED: 4}


def test_the_command_checks_and_recounts(campaign, unit, body_a):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    ApplicationFactory.create_batch(2, campaign=campaign, unit=unit, status=Status.SUBMITTED)
    out = io.StringIO()
    call_command("recount_statuses", "--check", stdout=out)
    assert out.getvalue() == "各状态份数与申报一致。\n"

    Application.objects.filter(unit=unit).update(status=Status.RETURNED)  # around the model
    with pytest.raises(CommandError, match="0 份申报的进度、2 组份数与申报不一致"):
        call_command("recount_statuses", "--check", stdout=io.StringIO())

    out = io.StringIO()
    call_command("recount_statuses", stdout=out)
    assert out.getvalue().splitlines()[-1] == "已重新统计；更正了 0 份申报的进度、2 组份数。"
    assert kept(campaign, body_a) == {Status.RETURNED: 2}
