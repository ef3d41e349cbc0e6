"""The page cache (gangwei/pagecache.py): a page read again unchanged is given back without being
built again, and never once anything it shows may have changed: a write, a deadline, another session."""

import datetime as dt
import re
import zlib

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from applications.models import Application
from gangwei import pagecache
from gangwei.models import User
from tests.conftest import local
from tests.factories import force_update

pytestmark = pytest.mark.page_cache

IN_WINDOW = local(2020, 9, 10, 10, 0, 0)
TOKEN = re.compile(r'name="form_token" value="([0-9a-f]+)"')


def _warm(client, path: str):
    """The first GET sets the CSRF cookie (no page is kept without it), the second keeps the page."""
    client.get(path)
    return client.get(path)


def _queries(client, path: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, [q["sql"] for q in queries.captured_queries]


def _built(queries: list[str]) -> bool:
    """Whether the request read the applications table: the page was built, not given back."""
    return any("applications_application" in sql for sql in queries)


@pytest.fixture
def travel():
    with time_machine.travel(IN_WINDOW, tick=False) as traveller:
        yield traveller


def test_a_page_read_again_is_given_back_without_building_it(applicant, application, client_for, travel):
    client = client_for(applicant)
    kept = _warm(client, "/apply/")

    again, queries = _queries(client, "/apply/")

    assert again.status_code == 200
    assert again.content == kept.content
    headers = ("Content-Type", "Cache-Control", "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options")
    assert [again.get(h) for h in headers] == [kept.get(h) for h in headers]
    assert "no-store" in again["Cache-Control"]
    assert application.applicant_name in again.content.decode()
    assert not _built(queries)
    # The cached session, the kept user and the kept page, read ahead together: one query.
    assert len(queries) == 1
    assert all("gangwei_cache" in sql or "gangwei_page_cache" in sql for sql in queries)


def test_any_post_makes_every_kept_page_stale(applicant, application, client_for, travel):
    client = client_for(applicant)
    _warm(client, "/apply/")
    # A refused POST writes nothing, yet the generation moves all the same: the rule is simple.
    client.post("/apply/no-such-key/edit/", {"applicant_name": "x"})
    Application.objects.filter(pk=application.pk).update(applicant_name="改过名字的岗位")

    response, queries = _queries(client, "/apply/")

    assert _built(queries)
    assert "改过名字的岗位" in response.content.decode()


def test_saving_the_form_shows_the_new_text_on_every_page(applicant, application, client_for, travel):
    client = client_for(applicant)
    for path in ("/apply/", f"/apply/{application.key}/", f"/apply/{application.key}/edit/"):
        _warm(client, path)
    form = client.get(f"/apply/{application.key}/edit/").content.decode()
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    from applications.services import application_data

    data, leaders, honours = application_data(application)
    post = {k: v for k, v in data.items() if isinstance(v, str)}
    post.update(applicant_name="保存后的新名字", version=version, save="1")
    for prefix, rows in (("leaders", leaders), ("honours", honours)):
        post.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0})
        for i, row in enumerate(rows):
            post.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})

    saved = client.post(f"/apply/{application.key}/edit/", post)

    assert saved.status_code == 302
    application.refresh_from_db()
    assert application.applicant_name == "保存后的新名字"
    for path in ("/apply/", f"/apply/{application.key}/", f"/apply/{application.key}/edit/"):
        assert "保存后的新名字" in client.get(path).content.decode(), path


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_outside_a_request_makes_pages_stale(applicant, application, client_for, travel):
    client = client_for(applicant)
    _warm(client, "/apply/")

    with transaction.atomic():  # as a management command or the shell would
        application.applicant_name = "命令行改的名字"
        application.save()

    assert "命令行改的名字" in client.get("/apply/").content.decode()


def test_a_deadline_passing_ends_a_kept_page(applicant, application, campaign, client_for):
    client = client_for(applicant)
    closes = campaign.apply_closes_at
    with time_machine.travel(closes - dt.timedelta(seconds=2), tick=False) as traveller:
        before = _warm(client, "/apply/").content.decode()
        traveller.move_to(closes)  # the closing second itself is still open
        at = client.get("/apply/").content.decode()
        traveller.move_to(closes + dt.timedelta(seconds=1))
        after, queries = _queries(client, "/apply/")

    assert "新建申报表" in before
    assert "新建申报表" in at
    assert _built(queries)
    assert "新建申报表" not in after.content.decode()


def test_an_extension_granted_shows_at_once(applicant, application, campaign, client_for, admin_client):
    from gangwei.models import DeadlineExtension, Stage

    client = client_for(applicant)
    with time_machine.travel(campaign.apply_closes_at + dt.timedelta(hours=1), tick=False):
        assert "新建申报表" not in _warm(client, "/apply/").content.decode()
        DeadlineExtension.objects.create(
            campaign=campaign,
            stage=Stage.APPLY,
            organisation=applicant.organisation,
            closes_at=campaign.apply_closes_at + dt.timedelta(days=1),
            reason="测试延期",
        )
        pagecache.bump()  # what the admin's POST does after saving it
        assert "新建申报表" in client.get("/apply/").content.decode()


def test_pages_are_never_given_across_sessions_or_users(
    applicant, other_applicant, application, other_application, travel
):
    from django.test import Client

    first, second, other = Client(), Client(), Client()
    first.force_login(applicant)
    second.force_login(applicant)
    other.force_login(other_applicant)
    _warm(first, "/apply/")

    for client in (second, other):
        client.get("/apply/")  # the CSRF cookie
        response, queries = _queries(client, "/apply/")
        assert _built(queries)
    other_page = other.get("/apply/").content.decode()
    assert other_application.key in other_page
    assert application.key not in other_page


def test_a_page_showing_a_message_is_not_kept_and_the_message_shows_once(applicant, application, client_for, travel):
    from applications.models import Status

    force_update(Application.objects.filter(pk=application.pk), status=Status.SUBMITTED, number="2021-CZ-001")
    client = client_for(applicant)
    detail = f"/apply/{application.key}/"
    _warm(client, detail)
    message = "申报表当前状态为“已提交，待初审”"

    refused = client.get(f"/apply/{application.key}/edit/")  # not editable: a message, back to the page
    with_message = client.get(detail).content.decode()
    after = client.get(detail).content.decode()
    after_again, queries = _queries(client, detail)

    assert refused.status_code == 302
    assert message in with_message
    assert message not in after
    assert message not in after_again.content.decode()
    assert not _built(queries)  # the page without the message is kept again


def test_a_kept_new_form_gets_a_token_of_its_own_each_time(applicant, campaign, client_for, travel):
    client = client_for(applicant)
    pages = [client.get("/apply/new/").content.decode() for _ in range(4)]
    tokens = [TOKEN.search(page).group(1) for page in pages]

    assert len(set(tokens)) == 4  # each new form is its own: posting one twice makes one application
    assert TOKEN.sub("", pages[2]) == TOKEN.sub("", pages[3])  # else the same page (kept)
    _, queries = _queries(client, "/apply/new/")
    assert not _built(queries) and not any("gangwei_campaign" in sql for sql in queries)


@pytest.mark.django_db(transaction=True)
def test_a_deactivated_user_is_logged_out_at_once(applicant, application, client_for, travel):
    client = client_for(applicant)
    _warm(client, "/apply/")

    User.objects.filter(pk=applicant.pk).update(is_active=False)  # no signal: as raw SQL would
    pagecache.bump()  # the admin's POST, or the commit of a save()
    response = client.get("/apply/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db(transaction=True)
def test_a_user_moved_to_another_organisation_sees_only_its_applications(
    applicant, application, other_application, other_unit, client_for, travel
):
    client = client_for(applicant)
    assert application.applicant_name in _warm(client, "/apply/").content.decode()

    applicant.organisation = other_unit
    applicant.save()  # committed: the generation moves
    page = client.get("/apply/").content.decode()

    assert other_application.key in page
    assert application.key not in page


def test_without_a_generation_pages_are_built_and_kept_again(applicant, application, client_for, travel):
    from django.core.cache import caches

    client = client_for(applicant)
    _warm(client, "/apply/")
    caches["pages"].delete(pagecache.GENERATION_KEY)  # culled

    first, queries = _queries(client, "/apply/")
    again, queries_again = _queries(client, "/apply/")

    assert _built(queries)
    assert not _built(queries_again)
    assert again.content == first.content


def test_off_when_page_cache_seconds_is_zero(applicant, application, client_for, travel, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = client_for(applicant)
    _warm(client, "/apply/")

    response, queries = _queries(client, "/apply/")

    assert _built(queries)
    assert response.status_code == 200


def test_next_change_is_the_next_deadline_its_second_midnight_or_the_limit(campaign, settings):
    settings.PAGE_CACHE_SECONDS = 300
    closes = campaign.apply_closes_at
    assert pagecache.next_change(closes - dt.timedelta(seconds=10)) == closes
    assert pagecache.next_change(closes) == closes + dt.timedelta(seconds=1)
    noon = local(2020, 9, 10, 12, 0, 0)
    assert pagecache.next_change(noon) == noon + dt.timedelta(seconds=300)
    late = local(2020, 9, 10, 23, 58, 0)
    assert pagecache.next_change(late) == local(2020, 9, 11, 0, 0, 0)


@pytest.mark.django_db
def test_the_generations_never_expire_so_they_are_culled_last():
    from django.core.cache import caches

    pagecache.bump()
    table = caches["pages"]._table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, expires FROM {table}")
        rows = dict(cursor.fetchall())
    generations = [pagecache.AUTH_GENERATION_KEY, pagecache.GENERATION_KEY, pagecache.DEADLINES_GENERATION_KEY]
    assert sorted(rows) == sorted(":1:" + key for key in generations)
    assert {str(value)[:4] for value in rows.values()} == {"9999"}


@pytest.mark.parametrize(
    "query", ["?page=2&q=" + "柳" * 3000, "?x=%F0%9F%98%80&y=%00", "?page=%ED%A0%80", "?" + "a=" * 2000]
)
def test_odd_query_strings_are_kept_apart_and_never_fail(applicant, application, client_for, travel, query):
    client = client_for(applicant)
    plain = _warm(client, "/apply/")
    first = client.get("/apply/" + query)
    second, queries = _queries(client, "/apply/" + query)

    assert first.status_code == second.status_code
    assert first.status_code in (200, 400)
    assert second.content == first.content
    if first.status_code == 200:
        assert not _built(queries)
        assert client.get("/apply/").content == plain.content


def test_the_check_refuses_a_page_cache_without_its_table(settings):
    from gangwei.checks import check_page_cache

    settings.PAGE_CACHE_SECONDS = 60
    settings.CACHES = {"default": settings.CACHES["default"]}
    assert [e.id for e in check_page_cache(None)] == ["gangwei.E083"]
    settings.PAGE_CACHE_SECONDS = 0
    assert check_page_cache(None) == []
    settings.PAGE_CACHE_SECONDS = -1
    assert [e.id for e in check_page_cache(None)] == ["gangwei.E083"]


@pytest.mark.django_db(transaction=True)
def test_the_mail_worker_sending_a_message_makes_pages_stale(application, settings):
    from django.core.cache import caches

    from applications.mail import deliver
    from applications.models import Message, MessageKind, MessageState

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message = Message.objects.create(
        application=application, kind=MessageKind.SUBMITTED, recipients="unit@example.org", subject="回执", body="已提交"
    )
    pagecache.bump()
    before = caches["pages"].get(pagecache.GENERATION_KEY)

    assert deliver(message.pk) == MessageState.SENT  # its state written with update(): no signal

    assert caches["pages"].get(pagecache.GENERATION_KEY) not in (None, before)


def test_a_post_leaves_the_kept_user_but_a_saved_user_is_read_again(applicant, application, client_for, travel):
    client = client_for(applicant)
    _warm(client, "/apply/")
    client.post("/apply/no-such-key/edit/", {"applicant_name": "x"})  # moves the pages' generation only

    _, after_post = _queries(client, "/apply/")
    applicant.first_name = "改名"
    applicant.save()
    pagecache.bump(pages=False)  # what the commit of that save does (this test's transaction never commits)
    _, after_save = _queries(client, "/apply/")

    assert _built(after_post)
    assert not any("gangwei_user" in sql for sql in after_post)
    assert any("gangwei_user" in sql for sql in after_save)


# --- races, refused posts and unreadable entries ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_move_committed_while_a_page_is_built_never_serves_the_old_organisation_again(
    applicant, application, other_application, other_unit, client_for, travel, monkeypatch
):
    """The user was read (kept_user) before the move committed, the page's generation after it: the
    page built from the old user is kept under the new generation, but under the old users' generation
    in its key, which no later request reads the user under."""
    client = client_for(applicant)
    assert application.key in _warm(client, "/apply/").content.decode()
    real_kept, moved = pagecache._kept, []

    def kept_while_the_admin_moves_the_user(keys):
        if pagecache.GENERATION_KEY in keys.values() and not moved:
            user = User.objects.get(pk=applicant.pk)
            user.organisation = other_unit
            user.save()  # committed (autocommit): both generations move
            moved.append(user)
        return real_kept(keys)

    monkeypatch.setattr(pagecache, "_kept", kept_while_the_admin_moves_the_user)
    racing = client.get("/apply/").content.decode()
    monkeypatch.setattr(pagecache, "_kept", real_kept)
    later = client.get("/apply/").content.decode()

    assert (application.key in racing, application.key in later, other_application.key in later) == (True, False, True)


@pytest.mark.django_db(transaction=True)
def test_a_page_read_between_the_two_bumps_of_a_commit_is_not_given_back_after(
    applicant, application, other_application, other_unit, client_for, travel, monkeypatch
):
    """Outside a request (a shell, a command) a commit replaces the pages' generation, then the users':
    a page built between the two, from the old user, is never given back once the users' has moved."""
    client = client_for(applicant)
    assert application.key in _warm(client, "/apply/").content.decode()
    real_bump_auth, between = pagecache._bump_auth, []

    def slow_bump_auth():
        between.append(client.get("/apply/").content.decode())
        real_bump_auth()

    monkeypatch.setattr(pagecache, "_bump_auth", slow_bump_auth)
    with transaction.atomic():
        user = User.objects.get(pk=applicant.pk)
        user.organisation = other_unit
        user.save()
    monkeypatch.setattr(pagecache, "_bump_auth", real_bump_auth)
    later = client.get("/apply/").content.decode()

    assert (application.key in between[0], application.key in later, other_application.key in later) == (True, False, True)


def test_an_anonymous_post_that_writes_nothing_keeps_every_page(applicant, application, client_for, travel):
    from django.core.cache import caches
    from django.test import Client

    _warm(client_for(applicant), "/apply/")
    before = caches["pages"].get(pagecache.GENERATION_KEY)
    anonymous = Client()

    refused = [anonymous.post("/no-such-page/", {"x": "1"}).status_code, anonymous.post("/accounts/login/", {}).status_code]

    assert (refused, caches["pages"].get(pagecache.GENERATION_KEY)) == ([404, 200], before)


def test_a_signed_in_post_moves_the_generation_even_when_it_writes_nothing(applicant, client_for, travel):
    from django.core.cache import caches

    client = client_for(applicant)
    pagecache.bump()
    before = caches["pages"].get(pagecache.GENERATION_KEY)

    status = client.post("/no-such-page/", {"x": "1"}).status_code

    assert status == 404
    assert caches["pages"].get(pagecache.GENERATION_KEY) not in (None, before)


def test_an_entry_this_release_cannot_read_is_a_miss_not_an_error(applicant, application, client_for, travel, monkeypatch):
    """A rolling restart: the other release kept something this one cannot unpickle, or the cache table
    is locked. The page is built as if nothing were kept."""
    from django.core.cache import caches

    client = client_for(applicant)
    assert application.key in _warm(client, "/apply/").content.decode()
    cache = caches["pages"]

    def unreadable(*args, **kwargs):
        raise ModuleNotFoundError("No module named 'other_release_only'")

    monkeypatch.setattr(cache, "get_many", unreadable)
    response, queries = _queries(client, "/apply/")

    assert (response.status_code, application.key in response.content.decode(), _built(queries)) == (200, True, True)


# --- the deadline instants, kept until a campaign or an extension changes -------------------------


def _reads_instants(queries: list[str]) -> bool:
    """Whether the request read every campaign (gangwei.deadlines.Deadlines.read)."""
    return any('FROM "gangwei_campaign"' in sql and "WHERE" not in sql for sql in queries)


def test_a_page_built_after_a_post_does_not_read_the_deadlines_again(
    apply_window, applicant, application, client_for
):
    from tests.test_views_application import form_data

    client = client_for(applicant)
    client.get("/apply/")
    first, first_queries = _queries(client, "/apply/")
    client.post(f"/apply/{application.key}/edit/", form_data(button="draft", version=1, applicant_name="改过的名字"))
    client.get("/apply/")  # the saved message is shown once: that page is not kept
    after, after_queries = _queries(client, "/apply/")

    assert (_built(first_queries), _reads_instants(first_queries)) == (True, True)
    assert "改过的名字" in after.content.decode()
    assert (_built(after_queries), _reads_instants(after_queries)) == (True, False)
    # The menu's 新建申报 link and the rows' deadlines read the kept campaigns and extensions.
    assert [sql for sql in after_queries if 'FROM "gangwei_campaign"' in sql or "gangwei_deadlineextension" in sql] == []
    assert "新建申报表" in after.content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_extension_saved_outside_a_request_is_an_instant_at_once(applicant, application, campaign, client_for):
    """Saved in a shell, an extension replaces the deadlines' generation on commit: the next page built
    reads the instants again and is kept no longer than the extension's closing second."""
    from gangwei.models import DeadlineExtension, Stage

    client = client_for(applicant)
    closes = campaign.apply_closes_at
    with time_machine.travel(closes + dt.timedelta(hours=1), tick=False) as traveller:
        assert "新建申报表" not in _warm(client, "/apply/").content.decode()
        extended = closes + dt.timedelta(hours=1, seconds=10)  # sooner than PAGE_CACHE_SECONDS
        DeadlineExtension.objects.create(
            campaign=campaign, stage=Stage.APPLY, organisation=applicant.organisation, closes_at=extended, reason="测试"
        )
        during, queries = _queries(client, "/apply/")
        traveller.move_to(extended + dt.timedelta(seconds=1))
        after, after_queries = _queries(client, "/apply/")

    assert ("新建申报表" in during.content.decode(), _reads_instants(queries)) == (True, True)
    assert (_built(after_queries), "新建申报表" in after.content.decode()) == (True, False)


# --- read ahead: one query for the session, the user and the page; whom a kept thing belongs to ------


def test_a_signed_in_post_reads_its_session_and_user_in_one_query(apply_window, applicant, application, client_for):
    from tests.test_views_application import form_data

    client = client_for(applicant)
    client.get("/apply/")
    with CaptureQueriesContext(connection) as queries:
        client.post(f"/apply/{application.key}/edit/", form_data(button="draft", version=1))
    first, second = (q["sql"] for q in queries.captured_queries[:2])
    assert "UNION ALL" in first and "gangwei_cache" in first and "~generation-auth" in first
    assert '"applications_application"' in second  # the application: nothing more read from the caches


def test_a_kept_page_is_given_back_only_to_the_user_it_was_built_for(applicant, application, client_for, travel):
    from django.core.cache import caches

    client = client_for(applicant)
    kept = _warm(client, "/apply/")
    key = pagecache._page_key(
        client.session.session_key, client.cookies["csrftoken"].value, "/apply/", "zh-hans"
    )
    generation, built_at, until, (content_type, body, (user_pk, auth)) = caches["pages"].get(key)
    assert (user_pk, zlib.decompress(body)) == (applicant.pk, kept.content)
    # The same entry, as if built for another user (or under another users' generation): built again.
    for owner in [(user_pk + 1000, auth), (user_pk, "another generation")]:
        caches["pages"].set(key, (generation, built_at, until, (content_type, zlib.compress(b"NOT YOURS"), owner)), 60)
        again, queries = _queries(client, "/apply/")
        assert (_built(queries), b"NOT YOURS" in again.content) == (True, False)


def test_a_user_kept_for_a_session_is_given_only_for_that_user(applicant, other_applicant, application, client_for, travel):
    from django.core.cache import caches

    client = client_for(applicant)
    _warm(client, "/apply/")
    key = pagecache._user_key(client.session.session_key)
    generation, built_at, until, (user_id, user) = caches["pages"].get(key)
    assert (user_id, user.pk) == (applicant.pk, applicant.pk)
    # Another user kept under this session's key (it cannot happen: a login makes a new session key):
    # the session's own user is read, not the one kept.
    caches["pages"].set(key, (generation, built_at, until, (applicant.pk + 1000, other_applicant)), 60)
    html = client.get("/apply/?again").content.decode()
    assert application.applicant_name in html


@pytest.mark.parametrize("csrf", ["x" * 5000, "\xff\xfe", "Ã©" * 40, "a" * 32])
@pytest.mark.parametrize("session", ["A" * 32, "a" * 200, "zz", "\xff" * 32])
def test_odd_cookies_read_ahead_as_anything_else(applicant, application, client_for, travel, csrf, session):
    """The read-ahead builds cache keys from the cookies before anything has checked them: a cookie no
    server gave is read as none (a page built, or the login), never an error."""
    client = client_for(applicant)
    client.cookies["csrftoken"] = csrf
    signed_in = client.get("/apply/", HTTP_ACCEPT_LANGUAGE="zz-" + "q" * 300)
    client.cookies["sessionid"] = session
    foreign = client.get("/apply/")
    assert (signed_in.status_code, application.applicant_name in signed_in.content.decode()) == (200, True)
    assert (foreign.status_code, foreign["Location"].split("?")[0]) == (302, "/accounts/login/")
