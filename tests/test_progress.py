"""review.progress: each post's progress in the city's later work, kept on the application and
counted in StatusCount, from which the city's home reads its to-do list.

The reference is the aggregate the home used before (every post asked about its records): random
campaigns, then changes to every kind of record, must give the same to-do counts on every day.
"""

import datetime as dt
import importlib
import io
import random
import re
import threading
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import close_old_connections, connection, transaction
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from applications import tally
from applications.models import Application, Status, StatusCount
from review import progress
from review.city.training import attendance_record
from review.models import (
    Assessment,
    Attendance,
    Certificate,
    Method,
    Objection,
    ObjectionOutcome,
    Publicity,
    PublicityEntry,
    TrainingSession,
)
from review.progress import Progress, todo_counts
from tests.factories import ApplicationFactory, UnitFactory, UserFactory, force_update, shanghai
from tests.test_city_naming import objection

STATUSES = [
    Status.SUBMITTED,
    Status.RECOMMENDED,
    Status.REPORTED,
    Status.PASSED,
    Status.FAILED,
    Status.NAMED,
    Status.NOT_NAMED,
]
# Days around the two 公示's ends (2021-06-07 and 2021-07-02, then moved to 2021-07-05).
ROUNDS = 200  # each of two clerks, at once (the opposite-moves test)
DAYS = [dt.date(2021, m, d) for m, d in ((6, 1), (6, 7), (6, 8), (7, 2), (7, 3), (7, 5), (7, 6), (12, 31))]


def counted_from_posts(campaign, today: dt.date) -> dict[str, int]:
    """The to-do counts as the city's home counted them before progress: asking every post."""

    def has(model, **conditions):
        return Q(pk__in=model.objects.filter(**conditions).values("application_id"))

    reported, passed = Q(status=Status.REPORTED), Q(status=Status.PASSED)
    trained = has(Attendance, session__campaign=campaign)
    scored = has(Assessment, application__campaign=campaign)
    published = has(PublicityEntry, application__campaign=campaign)
    over = has(PublicityEntry, application__campaign=campaign, publicity__ends_on__lt=today)
    objected = has(Objection, application__campaign=campaign, outcome__in=["pending", "upheld"])
    pending = has(Objection, application__campaign=campaign, outcome="pending")
    certified = has(Certificate, application__campaign=campaign)
    return Application.objects.filter(
        campaign=campaign, status__in=[Status.REPORTED, Status.PASSED, Status.NAMED]
    ).aggregate(
        untrained=Count("pk", filter=reported & ~trained),
        unscored=Count("pk", filter=reported & trained & ~scored),
        undecided=Count("pk", filter=reported & scored),
        unpublished=Count("pk", filter=passed & ~published),
        objections=Count("pk", filter=pending),
        to_name=Count("pk", filter=passed & over & ~objected),
        uncertified=Count("pk", filter=Q(status=Status.NAMED) & ~certified),
    )


def assert_todos_as_counted(campaign) -> None:
    kept = tally.kept_counts(campaign.pk)
    for today in DAYS:
        assert todo_counts(kept, today) == counted_from_posts(campaign, today), today


def random_campaign(rng: random.Random, campaign, bodies, posts: int = 30) -> dict:
    """Posts in random statuses with random records of every kind; returns what it made."""
    units = [UnitFactory(parent=body) for body in bodies for _ in range(2)]
    made = [ApplicationFactory(campaign=campaign, unit=rng.choice(units)) for _ in range(posts)]
    for post in made:
        force_update(Application.objects.filter(pk=post.pk), status=rng.choice(STATUSES))
    sessions = [
        TrainingSession.objects.create(campaign=campaign, title=f"培训{n}", held_on=dt.date(2021, 3, n), place="会堂")
        for n in (1, 2)
    ]
    publicities = [
        Publicity.objects.create(
            campaign=campaign, starts_on=start, days=5, ends_on=end, published_at=shanghai(2021, 6, 1, 9, 0, 0)
        )
        for start, end in ((dt.date(2021, 6, 1), dt.date(2021, 6, 7)), (dt.date(2021, 6, 28), dt.date(2021, 7, 2)))
    ]
    assessors = [UserFactory(organisation=None) for _ in range(2)]
    sequence = 0
    for post in made:
        for session in sessions:
            if rng.random() < 0.4:
                Attendance.objects.create(session=session, application=post, attendee="覃丽")
        for assessor in assessors:
            if rng.random() < 0.35:
                Assessment.objects.create(
                    application=post, assessor=assessor, method=Method.VISIT,
                    assessed_on=dt.date(2021, 3, 2), total=Decimal("90.0"),
                )  # fmt: skip
        if rng.random() < 0.6:
            publicity = rng.choice(publicities)
            PublicityEntry.objects.create(publicity=publicity, application=post)
            for _ in range(rng.choice([0, 0, 1, 2])):
                objection(publicity, post, rng.choice(list(ObjectionOutcome)))
        if rng.random() < 0.3:
            sequence += 1
            Certificate.objects.create(
                application=post, campaign=campaign, sequence=sequence, number=f"2021-{sequence:03d}",
                issued_on=dt.date(2021, 7, 1),
            )  # fmt: skip
    return {"posts": made, "publicities": publicities}


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_todos_from_the_counts_equal_asking_every_post(campaign, body_a, body_b, seed):
    rng = random.Random(seed)
    made = random_campaign(rng, campaign, [body_a, body_b])
    assert_todos_as_counted(campaign)

    # Records come and go, objections are decided, a 公示 moves, posts move on.
    Attendance.objects.filter(pk__in=Attendance.objects.order_by("?").values("pk")[:5]).delete()
    for assessment in Assessment.objects.order_by("pk")[:3]:
        assessment.delete()
    for item in Objection.objects.filter(outcome=ObjectionOutcome.PENDING)[:3]:
        item.outcome, item.resolution, item.resolved_at = rng.choice(["upheld", "rejected"]), "核查", shanghai(2021, 6, 9)
        item.save()
    first = made["publicities"][0]
    first.ends_on = dt.date(2021, 7, 5)
    first.save()
    PublicityEntry.objects.filter(pk__in=PublicityEntry.objects.order_by("pk").values("pk")[:2]).delete()
    for post in Application.objects.filter(status=Status.PASSED).order_by("pk")[:3]:
        post.status = Status.NAMED
        post.save()
    assert_todos_as_counted(campaign)
    assert progress.drift() == {}


def test_progress_text_reads_back():
    for trained in (False, True):
        for certified in (False, True):
            for objection_state in ("", "pending", "upheld"):
                for ends_on in (None, dt.date(2021, 6, 7), dt.date(9999, 12, 31)):
                    value = Progress(trained, not trained, certified, objection_state, ends_on)
                    text = str(value)
                    assert len(text) <= Application._meta.get_field("progress").max_length
                    assert Progress.parse(text) == value
    assert str(Progress(True, True, True, "pending", dt.date(2021, 5, 20))) == "TSCOP20210520"
    assert str(Progress()) == ""


def test_a_post_moves_through_its_progress(campaign, unit, city_user):
    post = ApplicationFactory(campaign=campaign, unit=unit)
    force_update(Application.objects.filter(pk=post.pk), status=Status.REPORTED)

    def state():
        post.refresh_from_db()
        kept = {(s, p): n for _b, _c, s, p, n in tally.kept_counts(campaign.pk)}
        return post.progress, kept

    session = TrainingSession.objects.create(campaign=campaign, title="培训", held_on=dt.date(2021, 3, 1), place="会堂")
    attendance = Attendance.objects.create(session=session, application=post, attendee="覃丽")
    assert state() == ("T", {(Status.REPORTED, "T"): 1})
    Assessment.objects.create(
        application=post, assessor=city_user, method=Method.VISIT, assessed_on=dt.date(2021, 3, 2), total=Decimal("90")
    )
    attendance.delete()
    assert state() == ("S", {(Status.REPORTED, "S"): 1})
    force_update(Application.objects.filter(pk=post.pk), status=Status.PASSED)
    publicity = Publicity.objects.create(
        campaign=campaign, starts_on=dt.date(2021, 6, 1), days=5, ends_on=dt.date(2021, 6, 7),
        published_at=shanghai(2021, 6, 1, 9, 0, 0),
    )  # fmt: skip
    PublicityEntry.objects.create(publicity=publicity, application=post)
    raised = objection(publicity, post)
    assert state() == ("SOP20210607", {(Status.PASSED, "SOP20210607"): 1})
    raised.outcome, raised.resolution, raised.resolved_at = "rejected", "不成立", shanghai(2021, 6, 8)
    raised.save()
    publicity.ends_on = dt.date(2021, 6, 9)
    publicity.save()
    assert state() == ("SP20210609", {(Status.PASSED, "SP20210609"): 1})
    post.status = Status.NAMED
    post.save()
    Certificate.objects.create(
        application=post, campaign=campaign, sequence=1, number="2021-001", issued_on=dt.date(2021, 7, 1)
    )
    assert state() == ("SCP20210609", {(Status.NAMED, "SCP20210609"): 1})


def test_a_table_of_attendance_is_restepped_at_once(assessment_window, campaign, body_a, city_user):
    posts = [ApplicationFactory(campaign=campaign, unit=UnitFactory(parent=body_a)) for _ in range(12)]
    force_update(Application.objects.filter(pk__in=[p.pk for p in posts]), status=Status.REPORTED)
    session = TrainingSession.objects.create(campaign=campaign, title="培训", held_on=dt.date(2021, 3, 1), place="会堂")

    def record(attendees) -> int:
        with CaptureQueriesContext(connection) as queries:
            attendance_record(user=city_user, session=session, attendees=attendees)
        return len(queries.captured_queries)

    one = record({posts[0].key: "覃丽"})
    many = record({p.key: "覃丽" for p in posts[1:]})
    assert many == one  # the eleven posts in the same statements as the one
    assert set(Application.objects.filter(pk__in=[p.pk for p in posts]).values_list("progress", flat=True)) == {"T"}
    record({p.key: "" for p in posts[:6]})
    assert sorted(Application.objects.filter(pk__in=[p.pk for p in posts]).values_list("progress", flat=True)) == (
        [""] * 6 + ["T"] * 6
    )
    assert todo_counts(tally.kept_counts(campaign.pk), dt.date(2021, 3, 1))["untrained"] == 6


def test_the_command_finds_and_repairs_a_wrong_progress(campaign, unit):
    post = ApplicationFactory(campaign=campaign, unit=unit)
    force_update(Application.objects.filter(pk=post.pk), status=Status.REPORTED)
    Application.objects.filter(pk=post.pk).update(progress="TS")  # around the model, and untrue
    tally.recount()
    with pytest.raises(CommandError, match="1 份申报的进度、0 组份数与申报不一致"):
        call_command("recount_statuses", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("recount_statuses", stdout=out)
    assert out.getvalue().splitlines() == [
        f"申报表 {post.pk}：进度记录为“TS”，实际为“”",
        "已重新统计；更正了 1 份申报的进度、0 组份数。",
    ]
    post.refresh_from_db()
    assert post.progress == ""
    assert tally.counted_kept() == {(campaign.pk, unit.parent_id, post.category, Status.REPORTED, ""): 1}


def test_the_migration_fills_progress_and_counts_by_it(campaign, unit, city_user):
    post, other = (ApplicationFactory(campaign=campaign, unit=unit) for _ in range(2))
    force_update(Application.objects.filter(pk__in=[post.pk, other.pk]), status=Status.REPORTED)
    session = TrainingSession.objects.create(campaign=campaign, title="培训", held_on=dt.date(2021, 3, 1), place="会堂")
    Attendance.objects.create(session=session, application=post, attendee="覃丽")
    expected = tally.counted_kept()
    assert expected == {
        (campaign.pk, unit.parent_id, post.category, Status.REPORTED, "T"): 1,
        (campaign.pk, unit.parent_id, post.category, Status.REPORTED, ""): 1,
    }
    Application.objects.update(progress="")
    StatusCount.objects.all().delete()
    importlib.import_module("applications.migrations.0011_progress").fill_progress(apps, None)
    assert tally.counted_kept() == expected
    assert progress.drift() == {}


@pytest.mark.django_db(transaction=True)
def test_two_assessors_scoring_one_post_at_once_count_it_once(campaign, unit):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time")
    post = ApplicationFactory(campaign=campaign, unit=unit)
    force_update(Application.objects.filter(pk=post.pk), status=Status.REPORTED)
    assessors = [UserFactory(organisation=None) for _ in range(6)]
    barrier = threading.Barrier(len(assessors))
    errors = []

    def score(assessor):
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                Assessment.objects.create(
                    application_id=post.pk, assessor=assessor, method=Method.VISIT,
                    assessed_on=dt.date(2021, 3, 2), total=Decimal("90"),
                )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=score, args=(a,)) for a in assessors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert tally.counted_kept() == {(campaign.pk, unit.parent_id, post.category, Status.REPORTED, "S"): 1}


@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_deleting_a_post_with_records_takes_its_count_with_it(campaign, unit, how):
    """Its records are deleted first (cascade): the post is not restepped on its way out."""
    post, other = (ApplicationFactory(campaign=campaign, unit=unit) for _ in range(2))
    force_update(Application.objects.filter(pk__in=[post.pk, other.pk]), status=Status.REPORTED)
    session = TrainingSession.objects.create(campaign=campaign, title="培训", held_on=dt.date(2021, 3, 1), place="会堂")
    for item in (post, other):
        Attendance.objects.create(session=session, application=item, attendee="覃丽")
    if how == "instance":
        Application.objects.get(pk=post.pk).delete()
    else:
        Application.objects.filter(pk=post.pk).delete()
    assert tally.counted_kept() == {(campaign.pk, unit.parent_id, other.category, Status.REPORTED, "T"): 1}


def test_a_full_save_of_a_row_loaded_before_its_progress_moved_keeps_the_progress(campaign, unit):
    """The unit's form saves the whole row; a record added meanwhile moved the progress: it stays."""
    post = ApplicationFactory(campaign=campaign, unit=unit)
    force_update(Application.objects.filter(pk=post.pk), status=Status.REPORTED)
    post = Application.objects.get(pk=post.pk)  # loaded with progress ""
    session = TrainingSession.objects.create(campaign=campaign, title="培训", held_on=dt.date(2021, 3, 1), place="会堂")
    Attendance.objects.create(session=session, application=post, attendee="覃丽")  # progress "T"
    post.applicant_name = "改名后的单位"
    post.save()
    assert Application.objects.values_list("applicant_name", "progress").get(pk=post.pk) == ("改名后的单位", "T")
    deferred = Application.objects.only("pk", "contact_name").get(pk=post.pk)  # a deferred load saves what it has
    deferred.contact_name = "覃丽"
    deferred.save()
    assert Application.objects.values_list("applicant_name", "contact_name", "progress").get(pk=post.pk) == (
        "改名后的单位",
        "覃丽",
        "T",
    )


@pytest.mark.django_db(transaction=True)
def test_posts_moving_in_opposite_directions_at_once_do_not_deadlock(campaign, unit):
    """One clerk marks a post trained while another unmarks one of the same body, category and
    status: their counts move between the same two rows in opposite directions, ROUNDS times at once."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time")
    a, b = (ApplicationFactory(campaign=campaign, unit=unit) for _ in range(2))
    force_update(Application.objects.filter(pk__in=[a.pk, b.pk]), status=Status.REPORTED)
    session = TrainingSession.objects.create(campaign=campaign, title="培训", held_on=dt.date(2021, 3, 1), place="会堂")
    Attendance.objects.create(session=session, application=b, attendee="覃丽")
    barrier = threading.Barrier(2)
    errors = []

    def run(post, trained):
        try:
            for _ in range(ROUNDS):
                barrier.wait(timeout=30)
                try:
                    with transaction.atomic():
                        if trained:
                            Attendance.objects.filter(application=post).delete()
                        else:
                            Attendance.objects.create(session=session, application_id=post.pk, attendee="覃丽")
                    trained = not trained
                except Exception as exc:  # noqa: BLE001 - reported below
                    errors.append(repr(exc))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(a, False)), threading.Thread(target=run, args=(b, True))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert tally.counted_kept() == {(campaign.pk, unit.parent_id, a.category, Status.REPORTED, "T"): 1,
                                    (campaign.pk, unit.parent_id, a.category, Status.REPORTED, ""): 1}  # fmt: skip


def test_counts_are_written_in_key_order_whatever_the_move(campaign, unit):
    """The deterministic half of the test above: a move down writes its two counts in the same
    order as a move up."""
    post = ApplicationFactory(campaign=campaign, unit=unit)
    force_update(Application.objects.filter(pk=post.pk), status=Status.REPORTED)
    untrained, trained = ((campaign.pk, post.category, Status.REPORTED, progress) for progress in ("", "T"))
    up, down = tally.changes_of(untrained, trained), tally.changes_of(trained, untrained)
    written = []
    for changes in (up, down):
        with CaptureQueriesContext(connection) as queries:
            tally.add(unit.parent_id, changes)
        (sql,) = [q["sql"] for q in queries.captured_queries]
        # (progress, sign of n) of each row of VALUES, in the statement's order
        written.append(re.findall(r"'(T?)',\s*(-?)\s*1\)", sql))
    assert written == [[("", "-"), ("T", "")], [("", ""), ("T", "-")]]
