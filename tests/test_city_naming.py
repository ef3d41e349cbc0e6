"""命名: the service (pass, 公示, objections, window, reason, certificate numbers), the naming page
and its exports (roles, query counts), the public verification page and honour roll, and the
初审 notice of an earlier naming."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ApplicationEvent, Message, MessageKind, Status
from applications.workflow import Action, TransitionNotAllowed, transition
from gangwei.deadlines import StageClosed
from review.city import phrases
from review.city.naming import (
    NamingRefused,
    certificate_by_number,
    earlier_namings,
    named_certificates,
    named_posts,
    naming_decide,
)
from review.models import Certificate, Objection, ObjectionOutcome, Publicity, PublicityEntry
from tests.conftest import IN_ASSESSMENT_WINDOW, report_posts
from tests.factories import ApplicationFactory, CampaignFactory, UnitFactory, shanghai
from tests.fuzzing import FormCase, choice_values, fuzz_form, text_values

IN_NAMING = shanghai(2021, 8, 16, 10, 0, 0)
PUBLICITY_ENDS = dt.date(2021, 8, 10)


def pass_posts(city_user, applications) -> list[Application]:
    """考核合格 through the transition service, as on 2021-03-01."""
    with time_machine.travel(IN_ASSESSMENT_WINDOW, tick=False):
        for application in applications:
            transition(application=application, action=Action.PASS, actor=city_user)
    return list(Application.objects.filter(pk__in=[a.pk for a in applications]).order_by("pk"))


def publish(applications, ends_on: dt.date = PUBLICITY_ENDS) -> Publicity:
    publicity = Publicity.objects.create(
        campaign=applications[0].campaign,
        starts_on=ends_on - dt.timedelta(days=6),
        days=5,
        ends_on=ends_on,
        published_at=timezone.now(),
    )
    for position, application in enumerate(applications, start=1):
        PublicityEntry.objects.create(publicity=publicity, application=application, position=position)
    return publicity


def objection(publicity, application, outcome=ObjectionOutcome.PENDING) -> Objection:
    resolved = outcome != ObjectionOutcome.PENDING
    return Objection.objects.create(
        publicity=publicity,
        application=application,
        name="李某",
        phone="13800000000",
        content="该岗位有群众投诉。",
        source="x" * 64,
        submitted_at=timezone.now(),
        outcome=outcome,
        resolution="经核查。" if resolved else "",
        resolved_at=timezone.now() if resolved else None,
    )


def name_all(city_user, applications) -> list[Certificate]:
    with time_machine.travel(IN_NAMING, tick=False):
        for application in applications:
            naming_decide(user=city_user, application=application, name=True)
    return list(Certificate.objects.filter(application__in=applications).order_by("sequence"))


@pytest.fixture
def passed(reported, city_user):
    return pass_posts(city_user, [reported])[0]


@pytest.fixture
def published(passed):
    publish([passed])
    return passed


@pytest.fixture
def naming_day():
    with time_machine.travel(IN_NAMING, tick=False) as traveller:
        yield traveller


def make_named(count, campaign, body_a, reviewer_a, city_user) -> list[Certificate]:
    applications = [
        ApplicationFactory(campaign=campaign, unit=UnitFactory(name=f"柳州市命名测试单位{i}", parent=body_a))
        for i in range(count)
    ]
    posts = pass_posts(city_user, report_posts(reviewer_a, applications))
    publish(posts)
    return name_all(city_user, posts)


# --- the service ---------------------------------------------------------------------------------


def test_name_refused_before_pass(reported, city_user, naming_day):
    publish([reported])
    with pytest.raises(TransitionNotAllowed) as refused:
        naming_decide(user=city_user, application=reported, name=True)
    assert "考核" in refused.value.message or "当前状态" in refused.value.message
    assert Application.objects.get(pk=reported.pk).status == Status.REPORTED
    assert Certificate.objects.count() == 0


def test_name_refused_when_not_published(passed, city_user, naming_day):
    with pytest.raises(NamingRefused) as refused:
        naming_decide(user=city_user, application=passed, name=True)
    assert refused.value.message == phrases.NAMING_NOT_PUBLISHED
    assert Certificate.objects.count() == 0


def test_name_refused_on_last_day_of_publicity_allowed_next_day(published, city_user):
    with time_machine.travel(shanghai(2021, 8, 10, 23, 59, 59), tick=False):
        with pytest.raises(NamingRefused) as refused:
            naming_decide(user=city_user, application=published, name=True)
    assert refused.value.message == phrases.NAMING_PUBLICITY_RUNNING.format(ends_on="2021年8月10日")
    assert Application.objects.get(pk=published.pk).status == Status.PASSED
    with time_machine.travel(shanghai(2021, 8, 11, 0, 0, 0), tick=False):
        named = naming_decide(user=city_user, application=published, name=True)
    assert named.status == Status.NAMED
    assert Certificate.objects.get().issued_on == dt.date(2021, 8, 11)


@pytest.mark.parametrize("outcome", [ObjectionOutcome.PENDING, ObjectionOutcome.UPHELD])
def test_name_refused_with_blocking_objection(passed, city_user, naming_day, outcome):
    publicity = publish([passed])
    objection(publicity, passed, outcome)
    with pytest.raises(NamingRefused) as refused:
        naming_decide(user=city_user, application=passed, name=True)
    expected = {
        ObjectionOutcome.PENDING: phrases.NAMING_OBJECTION_PENDING.format(count=1),
        ObjectionOutcome.UPHELD: phrases.NAMING_OBJECTION_UPHELD,
    }[outcome]
    assert refused.value.message == expected
    assert Certificate.objects.count() == 0


def test_rejected_objection_does_not_block(passed, city_user, naming_day):
    publicity = publish([passed])
    objection(publicity, passed, ObjectionOutcome.REJECTED)
    assert naming_decide(user=city_user, application=passed, name=True).status == Status.NAMED


def test_naming_window_one_second_each_side(published, city_user):
    with time_machine.travel(shanghai(2021, 9, 1, 0, 0, 0), tick=False):
        with pytest.raises(StageClosed):
            naming_decide(user=city_user, application=published, name=True)
    assert Certificate.objects.count() == 0
    with time_machine.travel(shanghai(2021, 8, 31, 23, 59, 59), tick=False):
        naming_decide(user=city_user, application=published, name=True)
    assert Certificate.objects.get().number == "2021-001"


def test_not_name_needs_reason(published, city_user, naming_day):
    with pytest.raises(ValidationError) as refused:
        naming_decide(user=city_user, application=published, name=False, reason="  ")
    assert refused.value.message_dict == {"reason": [phrases.NOT_NAME_REASON_REQUIRED]}
    assert Application.objects.get(pk=published.pk).status == Status.PASSED


def test_not_name_with_upheld_objection_records_reason_and_tells_unit(passed, city_user, applicant, naming_day):
    publicity = publish([passed])
    objection(publicity, passed, ObjectionOutcome.UPHELD)
    decided = naming_decide(user=city_user, application=passed, name=False, reason="公示异议经核查成立。")
    assert decided.status == Status.NOT_NAMED
    event = ApplicationEvent.objects.filter(application=passed).latest("pk")
    assert (event.action, event.note) == (Action.NOT_NAME, "公示异议经核查成立。")
    message = Message.objects.filter(application=passed, kind=MessageKind.NOT_NAMED).get()
    assert "公示异议经核查成立。" in message.body
    assert Certificate.objects.count() == 0


def test_name_issues_certificate_and_tells_unit(published, city_user, applicant, naming_day, settings):
    settings.SITE_URL = "https://gangwei.example"
    named = naming_decide(user=city_user, application=published, name=True)
    certificate = Certificate.objects.get()
    assert (certificate.application_id, certificate.number, certificate.sequence) == (named.pk, "2021-001", 1)
    assert certificate.issued_on == dt.date(2021, 8, 16)
    message = Message.objects.filter(application=published, kind=MessageKind.NAMED).get()
    assert "2021-001" in message.body
    assert "https://gangwei.example/verify/2021-001/" in message.body
    # The unit's timeline names the certificate too.
    assert list(published.events.filter(action="name").values_list("note", flat=True)) == [
        "证书编号：2021-001（查验：https://gangwei.example/verify/2021-001/）"
    ]


@pytest.mark.parametrize("persona", ["reviewer_a", "applicant"])
def test_only_city_names(published, persona, request, naming_day):
    with pytest.raises(PermissionDenied):
        naming_decide(user=request.getfixturevalue(persona), application=published, name=True)
    assert Certificate.objects.count() == 0


def test_numbers_sequential_and_never_reused(campaign, body_a, reviewer_a, body_b, reviewer_b, city_user):
    certificates = make_named(3, campaign, body_a, reviewer_a, city_user)
    assert [c.number for c in certificates] == ["2021-001", "2021-002", "2021-003"]
    # A gap (a number issued by hand, say) is never filled: the next number follows the highest.
    Certificate.objects.filter(sequence=3).update(sequence=7, number="2021-007")
    more = make_named(1, campaign, body_b, reviewer_b, city_user)  # body A has filed: body B's post
    assert [c.number for c in more] == ["2021-008"]
    assert Certificate.objects.count() == len({c.number for c in Certificate.objects.all()}) == 4


def test_named_twice_refused(published, city_user, naming_day):
    naming_decide(user=city_user, application=published, name=True)
    with pytest.raises(TransitionNotAllowed):
        naming_decide(user=city_user, application=published, name=True)
    assert Certificate.objects.count() == 1


def test_certificate_by_number(published, city_user, naming_day):
    naming_decide(user=city_user, application=published, name=True)
    assert certificate_by_number("2021-001").application_id == published.pk
    for number in ["2021-002", "abc", "2021-001\x00", "2021-001 ", "9" * 300, ""]:
        assert certificate_by_number(number) is None


# --- the naming page -----------------------------------------------------------------------------

NAMING = reverse("review:naming")
EXPORTS = ["review:naming_pdf", "review:naming_xlsx", "review:certificates_pdf", "review:roster_xlsx"]


@pytest.mark.parametrize("persona", ["reviewer_a", "applicant"])
def test_naming_page_and_exports_refuse_others(client_for, persona, request, published):
    client = client_for(request.getfixturevalue(persona))
    for url in [NAMING] + [reverse(name) for name in EXPORTS]:
        assert client.get(url).status_code == 403, url
    assert client.post(NAMING, {"key": published.key, "decision": "name"}).status_code == 403
    assert Certificate.objects.count() == 0


def test_naming_page_anonymous_goes_to_login(client):
    response = client.get(NAMING)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_naming_page_lists_post_with_publicity_and_objection(client_for, city_user, passed, naming_day):
    publicity = publish([passed])
    objection(publicity, passed)
    response = client_for(city_user).get(NAMING)
    assert response.status_code == 200
    assert [row.pk for row in response.context["rows"]] == [passed.pk]
    text = response.content.decode()
    assert "已期满（至2021年8月10日）" in text
    assert "1条待处理" in text


def test_naming_through_page(client_for, city_user, published, naming_day):
    client = client_for(city_user)
    response = client.post(NAMING, {"key": published.key, "decision": "name", "reason": ""})
    assert response.status_code == 302
    assert Certificate.objects.get().application_id == published.pk
    page = client.get(NAMING)
    assert [c.number for c in page.context["named"]] == ["2021-001"]
    assert list(page.context["rows"]) == []


def test_naming_refusal_says_why_and_keeps_reason(client_for, city_user, passed):
    publish([passed])
    with time_machine.travel(shanghai(2021, 8, 10, 12, 0, 0), tick=False):
        response = client_for(city_user).post(NAMING, {"key": passed.key, "decision": "name", "reason": "备注文字"})
    assert response.status_code == 409
    text = response.content.decode()
    assert phrases.NAMING_PUBLICITY_RUNNING.format(ends_on="2021年8月10日") in text
    assert "备注文字" in text
    assert Certificate.objects.count() == 0


def test_not_name_without_reason_error_next_to_field(client_for, city_user, published, naming_day):
    response = client_for(city_user).post(NAMING, {"key": published.key, "decision": "not_name", "reason": ""})
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row.form.errors == {"reason": [phrases.NOT_NAME_REASON_REQUIRED]}
    assert Application.objects.get(pk=published.pk).status == Status.PASSED


def test_naming_closed_window_is_403_with_reason_kept(client_for, city_user, published):
    with time_machine.travel(shanghai(2021, 9, 1, 0, 0, 0), tick=False):
        response = client_for(city_user).post(
            NAMING, {"key": published.key, "decision": "not_name", "reason": "材料不实"}
        )
    assert response.status_code == 403
    assert "材料不实" in response.content.decode()
    assert Application.objects.get(pk=published.pk).status == Status.PASSED


def test_naming_unknown_key_is_404(client_for, city_user, published, naming_day):
    response = client_for(city_user).post(NAMING, {"key": "nosuchkey", "decision": "name"})
    assert response.status_code == 404
    assert phrases.NAMING_UNKNOWN_POST in response.content.decode()


def test_naming_form_fuzz(city_user, published, naming_day):
    fuzz_form(
        FormCase(
            url=NAMING,
            user=city_user,
            base={"key": published.key, "decision": "not_name", "reason": "经研究不予命名。"},
            fields={
                "key": choice_values([published.key, "x" * 24]),
                "decision": choice_values(["name", "not_name"]),
                "reason": text_values(500),
            },
            examples=60,
            name="naming",
        )
    )


# --- query counts --------------------------------------------------------------------------------


def test_each_list_of_the_naming_page_is_paged(
    monkeypatch, campaign, body_a, body_b, reviewer_a, reviewer_b, city_user, client_for
):
    """Eight passed posts in two bodies, two named, one refused, with pages of two: every pending post
    appears once, body by body; each list has its own page parameter; a decision on page 2 returns
    to page 2."""
    from review.city import naming_views

    monkeypatch.setattr(naming_views, "NAMING_PAGE_SIZE", 2)
    units = [UnitFactory(name=f"柳州市分页测试单位{i}", parent=body_b if i % 2 else body_a) for i in range(8)]
    posts = [ApplicationFactory(campaign=campaign, unit=unit) for unit in units]
    reported_a = report_posts(reviewer_a, [p for p in posts if p.unit.parent_id == body_a.pk])
    reported_b = report_posts(reviewer_b, [p for p in posts if p.unit.parent_id == body_b.pk])
    passed = pass_posts(city_user, reported_a + reported_b)
    publish(passed)
    named = name_all(city_user, passed[1:3])
    with time_machine.travel(IN_NAMING, tick=False):
        naming_decide(user=city_user, application=passed[0], name=False, reason="经核查，不符合命名条件。")
    client = client_for(city_user)

    pending, number = [], 1
    with time_machine.travel(IN_NAMING, tick=False):
        while True:
            response = client.get(NAMING, {"page": number})
            pending += [row.key for row in response.context["rows"]]
            if not response.context["pending_page"].has_next():
                break
            number += 1
    expected = list(
        Application.objects.filter(campaign=campaign, status=Status.PASSED)
        .order_by("unit__parent__display_order", "unit__parent__name", "number", "pk")
        .values_list("key", flat=True)
    )
    assert (pending, number) == (expected, 3)

    with time_machine.travel(IN_NAMING, tick=False):
        first = client.get(NAMING)
        second = client.get(NAMING, {"named_page": "2"})
    in_order = [c.pk for c in named_certificates(campaign)]
    assert sorted(in_order) == sorted(c.pk for c in named)
    assert [c.pk for c in first.context["named"]] == in_order
    assert first.context["named_page"].paginator.count == 2
    assert [c.pk for c in second.context["named"]] == in_order  # one page: asking for page 2 gives the last
    assert [a.pk for a in first.context["not_named"]] == [passed[0].pk]
    assert 'href="?page=2#pending"' in first.content.decode()

    on_page_two = Application.objects.get(key=pending[2])
    with time_machine.travel(IN_NAMING, tick=False):
        response = client.post(
            f"{NAMING}?page=2", {"key": on_page_two.key, "decision": "not_name", "reason": "材料不实。"}
        )
    assert (response.status_code, response["Location"]) == (302, f"{NAMING}?page=2")


@pytest.mark.parametrize("count", [1, 3])
def test_query_counts_do_not_grow(
    count, campaign, body_a, reviewer_a, city_user, client_for, django_assert_num_queries
):
    make_named(count, campaign, body_a, reviewer_a, city_user)
    client = client_for(city_user)
    client.get(NAMING)  # the session and the user, once
    with time_machine.travel(IN_NAMING, tick=False):
        # session, user with its organisation (role), campaign; the pending list's counts by body
        # (no passed post left: no page to read); the named list's count, page and rows; the
        # not-named list's count (none: no page to read). The session is not written: refreshed at login.
        with django_assert_num_queries(8):
            assert client.get(NAMING).status_code == 200
        # session, user with its organisation, campaign, named posts; the audit row
        for name in ["review:naming_xlsx", "review:naming_pdf", "review:certificates_pdf"]:
            with django_assert_num_queries(5):
                assert client.get(reverse(name)).status_code == 200
        # ... and the leaders, in one query
        with django_assert_num_queries(6):
            assert client.get(reverse("review:roster_xlsx")).status_code == 200
    client.logout()
    # campaign, named posts, years
    with django_assert_num_queries(3):
        assert client.get(reverse("review:named", args=[2021])).status_code == 200


# --- public pages --------------------------------------------------------------------------------


def test_verify_real_number(client, published, city_user, naming_day):
    naming_decide(user=city_user, application=published, name=True)
    response = client.get(reverse("review:verify", args=["2021-001"]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "经查验，该证书真实有效。" in text
    assert published.applicant_name in text
    assert "2021年度柳州市“巾帼文明岗”" in text
    assert published.parent_unit in text
    for private in [published.contact_phone, "13907721111", "覃丽", published.contact_name, published.key]:
        assert private not in text


@pytest.mark.parametrize("number", ["2021-999", "abc", "2021-1", "9" * 300, "%E5%AD%97", "2021-001%20"])
def test_verify_unknown_number_404(client, number, db):
    response = client.get(f"/verify/{number}/")
    assert response.status_code == 404
    assert phrases.CERTIFICATE_NOT_FOUND in response.content.decode()


def test_honour_roll_lists_exactly_named_posts_nothing_private(
    client, campaign, body_a, reviewer_a, city_user, reported_other
):
    certificates = make_named(2, campaign, body_a, reviewer_a, city_user)
    # Another year with a named post, and a passed post of this year that is not named.
    older = CampaignFactory(year=2020, title="2020年度柳州市巾帼文明岗创建")
    Certificate.objects.create(
        application=ApplicationFactory(campaign=older, unit=UnitFactory(parent=body_a), status=Status.NAMED),
        campaign=older,
        sequence=1,
        number="2020-001",
        issued_on=dt.date(2020, 8, 1),
    )
    pass_posts(city_user, [reported_other])
    response = client.get(reverse("review:named", args=[2021]))
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [(body.pk, [c.number for c in rows]) for body, rows in groups] == [
        (body_a.pk, [c.number for c in certificates])
    ]
    assert response.context["years"] == [2020]
    text = response.content.decode()
    assert reported_other.applicant_name not in text
    assert "13907721111" not in text and "覃丽" not in text and "13807720000" not in text
    assert reverse("review:named", args=[2020]) in text


def test_honour_roll_unknown_year_404_and_empty_year(client, campaign):
    assert client.get(reverse("review:named", args=[1999])).status_code == 404
    response = client.get(reverse("review:named", args=[2021]))
    assert response.status_code == 200
    assert "2021年度还没有命名的巾帼文明岗。" in response.content.decode()


def test_honour_roll_huge_year_is_404(client, campaign):
    assert client.get("/named/99999999999999999999999/").status_code == 404


# --- 初审: named in an earlier year ---------------------------------------------------------------


def test_reviewer_sees_earlier_naming(client_for, reviewer_a, applicant, unit, campaign, apply_window):
    older = CampaignFactory(year=2020, title="2020年度柳州市巾帼文明岗创建")
    earlier = ApplicationFactory(campaign=older, unit=unit, post_name=" 客服班组 ", status=Status.NAMED)
    Certificate.objects.create(
        application=earlier, campaign=older, sequence=4, number="2020-004", issued_on=dt.date(2020, 8, 1)
    )
    other_post = ApplicationFactory(campaign=older, unit=unit, post_name="收费班组", status=Status.NAMED)
    Certificate.objects.create(
        application=other_post, campaign=older, sequence=5, number="2020-005", issued_on=dt.date(2020, 8, 1)
    )
    current = ApplicationFactory(campaign=campaign, unit=unit, post_name="客服班组")
    from applications.services import application_submit

    application_submit(application=current, user=applicant)
    assert [c.number for c in earlier_namings(current)] == ["2020-004"]
    response = client_for(reviewer_a).get(reverse("review:detail", args=[current.key]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "该单位的“客服班组”已于2020年度被命名为柳州市巾帼文明岗（证书编号 2020-004）" in text
    assert "2020-005" not in text


def test_named_posts_order(campaign, body_a, reviewer_a, city_user):
    certificates = make_named(2, campaign, body_a, reviewer_a, city_user)
    assert named_posts(campaign) == certificates


# --- concurrency (PostgreSQL) --------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_concurrent_namings_never_share_a_number(campaign, body_a, body_b, city_user):
    from tests.test_review_concurrency import at_once

    # Posts of two bodies: their 初审 body locks differ, so only the campaign's lock orders them.
    posts = [
        ApplicationFactory(campaign=campaign, unit=UnitFactory(parent=body), status=Status.PASSED, number=f"N-{i}")
        for i, body in enumerate([body_a, body_b, body_a, body_b])
    ]
    publish(posts)
    with time_machine.travel(IN_NAMING, tick=True):
        outcomes = at_once(
            *[lambda post=post: naming_decide(user=city_user, application=post, name=True) for post in posts]
        )
    assert outcomes == ["ok"] * 4
    assert sorted(Certificate.objects.values_list("number", flat=True)) == [
        "2021-001",
        "2021-002",
        "2021-003",
        "2021-004",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_naming_waits_for_an_objection_being_lodged(campaign, body_a, city_user):
    """An objection lodged in the last instant of the 公示 (its transaction holds the campaign's row,
    as objection_lodge does) and a naming at the first instant after: the naming waits for it and
    is refused, never names a post whose objection commits a moment later."""
    import threading

    from django.db import connections, transaction

    from gangwei.models import Campaign

    post = ApplicationFactory(campaign=campaign, unit=UnitFactory(parent=body_a), status=Status.PASSED, number="N-1")
    publicity = publish([post])
    locked, outcome = threading.Event(), []

    def lodge():
        try:
            with transaction.atomic():
                Campaign.objects.select_for_update().get(pk=campaign.pk)
                objection(publicity, post)
                locked.set()
                threading.Event().wait(1.0)  # the naming starts meanwhile
        finally:
            connections.close_all()

    def name():
        locked.wait(10)
        try:
            naming_decide(user=city_user, application=Application.objects.get(pk=post.pk), name=True)
            outcome.append("named")
        except NamingRefused as exc:
            outcome.append(exc.message)
        finally:
            connections.close_all()

    with time_machine.travel(IN_NAMING, tick=True):
        threads = [threading.Thread(target=lodge), threading.Thread(target=name)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert outcome == [phrases.NAMING_OBJECTION_PENDING.format(count=1)]
    assert Application.objects.get(pk=post.pk).status == Status.PASSED
    assert Certificate.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_not_naming_waits_for_a_publish_in_progress(campaign, body_a, city_user):
    """不予命名 while the 公示 is being published (the post already read as publishable): it waits
    for the publish, so the list never names a post that was refused before it was published."""
    import threading
    from unittest import mock

    from django.db import connections

    from gangwei.workdays import load_library_calendar
    from review.city import publicity as publicity_module
    from review.city.publicity import publicity_publish

    load_library_calendar()  # a transactional test before this one may have emptied the table
    post = ApplicationFactory(campaign=campaign, unit=UnitFactory(parent=body_a), status=Status.PASSED, number="N-1")
    read, original = threading.Event(), publicity_module.publishable

    def slow_publishable(of):
        posts = list(original(of))
        read.set()
        threading.Event().wait(1.0)  # the refusal arrives meanwhile
        return posts

    def publish_now():
        try:
            with mock.patch.object(publicity_module, "publishable", slow_publishable):
                publicity_publish(user=city_user, campaign=campaign, starts_on=dt.date(2021, 8, 16))
        finally:
            connections.close_all()

    def refuse():
        read.wait(10)
        try:
            naming_decide(user=city_user, application=Application.objects.get(pk=post.pk), name=False, reason="有异议")
        finally:
            connections.close_all()

    with time_machine.travel(IN_NAMING, tick=True):
        threads = [threading.Thread(target=publish_now), threading.Thread(target=refuse)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    publicity = Publicity.objects.get()
    refused = ApplicationEvent.objects.get(application=post, action=Action.NOT_NAME)
    assert (Application.objects.get(pk=post.pk).status, refused.created_at > publicity.published_at) == (
        Status.NOT_NAMED,
        True,
    )
