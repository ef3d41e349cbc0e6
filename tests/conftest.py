"""Personas: an applicant unit, its reviewer (district A), an outsider reviewer (district B),
another unit (outsider applicant), city staff, and anonymous. Time is inside the APPLY window
unless a test travels elsewhere."""

import datetime as dt
import os

import pytest
import time_machine

from gangwei.models import Organisation, OrgKind, User
from tests.factories import (
    ApplicationFactory,
    BodyFactory,
    CampaignFactory,
    UnitFactory,
    UserFactory,
    shanghai,
)

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses sync calls
# from a thread with a running loop unless told this is deliberate (the browser tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_APPLY_WINDOW = shanghai(2020, 9, 1, 10, 0, 0)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The personas' passwords are hashed on creation; PBKDF2 would make the suite slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _page_cache(request, settings):
    """The page cache (gangwei/pagecache.py) is off unless a test is marked `page_cache` (the browser
    tests are). Most tests change rows in their own transaction, which never commits, so the
    generation would not move after them; the marked tests write through requests, or commit."""
    if request.node.get_closest_marker("page_cache") is None:
        settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _status_counts_hold(request):
    """After every test that touched the database, every application's progress is what its records
    say (review.progress), and the counts applications.tally keeps equal the counts of the rows: any
    writer that moved an application without counting it fails here. A test
    that writes rows around the model on purpose (QuerySet.update, bulk_create) calls recount."""
    uses = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if not uses:
        yield
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in uses else "db")
    yield
    from applications import tally
    from review import progress

    assert progress.drift() == {}, "an application's progress does not match its records"
    assert tally.counted_kept() == tally.counted_from_rows(), "StatusCount does not match the applications"


@pytest.fixture(autouse=True)
def _test_storages(settings, tmp_path):
    """Uploads go to a fresh folder per test; static files come from the finders (no manifest)."""
    settings.STORAGES = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def apply_window():
    """Freeze time on 2020-09-01 10:00 Asia/Shanghai, inside every window of the 2021 campaign."""
    with time_machine.travel(IN_APPLY_WINDOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def campaign(db):
    return CampaignFactory()


@pytest.fixture
def body_a(db):
    return BodyFactory(name="柳州市城中区妇女联合会", short_name="城中区妇联", code="CZ")


@pytest.fixture
def body_b(db):
    return BodyFactory(name="柳州市鱼峰区妇女联合会", short_name="鱼峰区妇联", code="YF")


@pytest.fixture
def city_org(db):
    return Organisation.objects.create(kind=OrgKind.CITY, name="柳州市妇女联合会", short_name="市妇联宣发部")


@pytest.fixture
def unit(body_a):
    return UnitFactory(name="柳州市第一测试医院", parent=body_a)


@pytest.fixture
def other_unit(body_b):
    return UnitFactory(name="柳州市第二测试公司", parent=body_b)


@pytest.fixture
def applicant(unit):
    return UserFactory(username="applicant", organisation=unit)


@pytest.fixture
def other_applicant(other_unit):
    return UserFactory(username="other_applicant", organisation=other_unit)


@pytest.fixture
def reviewer_a(body_a):
    return UserFactory(username="reviewer_a", organisation=body_a)


@pytest.fixture
def reviewer_b(body_b):
    return UserFactory(username="reviewer_b", organisation=body_b)


@pytest.fixture
def city_user(city_org):
    return UserFactory(username="city", organisation=city_org)


@pytest.fixture
def application(campaign, unit):
    """A complete draft of `unit`, ready to submit."""
    return ApplicationFactory(campaign=campaign, unit=unit)


@pytest.fixture
def other_application(campaign, other_unit):
    return ApplicationFactory(campaign=campaign, unit=other_unit)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@lzfl.example", "Root-Admin-2021")


@pytest.fixture
def admin_client(client, superuser):
    """Django admin as a superuser (pytest-django's own fixture, with the project's user)."""
    client.force_login(superuser)
    return client


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def local(*args) -> dt.datetime:
    return shanghai(*args)


# --- the mail worker, run explicitly (mail helper) -------------------------------------------------


def run_mail_worker() -> int:
    """One pass of the database worker over the tasks that are due now, as `manage.py db_worker
    --batch` would run them (its own loop closes the connection between tasks, which would end the
    test's transaction); returns how many tasks ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    while (task_result := DBTaskResult.objects.ready().filter(backend_name="default").get_locked()) is not None:
        task_result.claim(worker.worker_id)
        worker.run_task(task_result)
        ran += 1
    return ran


@pytest.fixture
def deliver_outbox(db):
    """Call it to deliver the messages queued so far (the worker step of DESIGN §8)."""
    return run_mail_worker


# --- the city's stages: posts that the bodies reported -------------------------------------------

IN_ASSESSMENT_WINDOW = shanghai(2021, 3, 1, 10, 0, 0)


def report_posts(reviewer, applications) -> list:
    """Submit, recommend and file `applications` of `reviewer`'s body through the real services, as
    on 2020-09-01 (inside the APPLY and 初审 windows); returns them reloaded, status `reported`."""
    from applications.models import Application
    from applications.services import application_submit
    from review.models import CONDITION_FIELDS
    from review.services import review_decide, summary_file

    with time_machine.travel(IN_APPLY_WINDOW, tick=False):
        for application in applications:
            applicant = application.unit.users.first() or UserFactory(organisation=application.unit)
            application_submit(application=application, user=applicant)
            review_decide(
                application=Application.objects.get(pk=application.pk),
                user=reviewer,
                action="recommend",
                opinion="经审核，同意推荐。",
                conditions=dict.fromkeys(CONDITION_FIELDS, True),
            )
        summary_file(user=reviewer, campaign=applications[0].campaign)
    return list(Application.objects.filter(pk__in=[a.pk for a in applications]).order_by("pk"))


@pytest.fixture
def reported(application, applicant, reviewer_a):
    """The applicant's post, reported by body A to the city."""
    return report_posts(reviewer_a, [application])[0]


@pytest.fixture
def reported_other(other_application, other_applicant, reviewer_b):
    """Another unit's post, reported by body B."""
    return report_posts(reviewer_b, [other_application])[0]


@pytest.fixture
def assessment_window():
    """Freeze time on 2021-03-01 10:00 Asia/Shanghai: inside the training and 考核 windows."""
    with time_machine.travel(IN_ASSESSMENT_WINDOW, tick=True) as traveller:
        yield traveller


# --- object storage: a real S3-compatible server (ops helper) ---------------------------------------


@pytest.fixture(scope="session")
def s3_server():
    """moto's standalone S3 server, one process for the whole session (tests/s3server.py)."""
    from tests.s3server import S3Server

    server = S3Server().start()
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, settings) -> str:
    """A fresh, empty bucket, and the default storage pointed at it as S3_BUCKET would."""
    bucket = s3_server.new_bucket()
    settings.STORAGES = s3_server.storages(bucket)
    return bucket
