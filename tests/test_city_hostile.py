"""The city's stages and the public pages attacked from outside (tests/fuzzing.py): hostile URL
parts (ints beyond 2**63, NUL, junk), hostile query strings and every form of the training, 考核,
公示 and naming pages. Never a 500; after a refusal no row of the project's models changed (the
harness compares every row, which covers the city's models, ApplicationEvent and Message)."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from hypothesis import strategies as st

from applications.models import Status
from review.city.assessment import criteria_of, points_field
from review.city.training import attendance_record, training_session_create
from review.models import Attendance, Objection, TrainingSession
from tests.conftest import IN_ASSESSMENT_WINDOW
from tests.factories import ApplicationFactory
from tests.fuzzing import (
    MISSING,
    FormCase,
    choice_values,
    database_state,
    flag_values,
    fuzz_form,
    number_values,
    text_values,
)
from tests.test_city_naming import IN_NAMING, publish

HUGE = [str(2**63), str(2**64 + 1), "9" * 40, "18446744073709551616", str(2**31), "0", "-1", "00", "1e999"]
DATES = ["0000-00-00", "9999-12-31", "2021-02-30", "2021-13-01", "10000-01-01", "0001-01-01", "2021-3-1", "", "\x00"]
ODD = ["NaN", "inf", "-inf", "1e999", "\x00", "\ud800", "字" * 300, "1\x002", " ", "%00", "-0"]


def dates() -> st.SearchStrategy:
    return st.one_of(st.sampled_from(DATES), text_values(20), st.just(MISSING))


def ids() -> st.SearchStrategy:
    return st.one_of(st.sampled_from(HUGE + ODD), number_values(), st.just(MISSING))


@pytest.fixture
def trained_session(assessment_window, campaign, city_user, reported, reported_other) -> TrainingSession:
    session = training_session_create(
        user=city_user, campaign=campaign, title="创建培训", held_on=dt.date(2021, 3, 1), place="市妇联"
    )
    attendance_record(user=city_user, session=session, attendees={reported.key: "覃丽"})
    criteria_of(campaign)  # the notice's criteria are made on first use: made here, before any count
    return session


# --- URL parts and query strings -------------------------------------------------------------------


def _paths(session_id: str, objection_id: str, key: str, year: str, number: str) -> list[tuple[str, str]]:
    return [
        ("get", f"/city/training/?session={session_id}&page={session_id}"),
        ("post", f"/city/training/{session_id}/attendance/?page={session_id}"),
        ("get", f"/city/assessment/?page={session_id}"),
        ("get", f"/city/assessment/{key}/"),
        ("post", f"/city/assessment/{key}/"),
        ("post", f"/city/assessment/{key}/conclude/"),
        ("post", f"/city/publicity/objections/{objection_id}/resolve/"),
        ("get", f"/city/naming/certificates.pdf?part={session_id}"),
        ("get", f"/city/naming/?page={session_id}&named_page={session_id}&refused_page={session_id}"),
        ("post", f"/city/naming/?page={session_id}"),
        ("get", f"/city/?page={session_id}"),
        ("get", f"/publicity/{year}/"),
        ("post", f"/publicity/{year}/"),
        ("get", f"/named/{year}/"),
        ("get", f"/verify/{number}/"),
    ]


URL_PARTS = [*HUGE, "abc", "%00", "%ED%A0%80", "%E5%AD%97" * 40, "1%202", "..", "-5"]


def test_hostile_url_parts_never_500(trained_session, reported, city_user):
    city = Client(raise_request_exception=False)
    city.force_login(city_user)
    anonymous = Client(raise_request_exception=False)
    before = database_state()
    failures = []
    for part in URL_PARTS:
        for method, url in _paths(part, part, part, part, part):
            for client in (city, anonymous):
                response = getattr(client, method)(url, {"keys": [part], "seen": part, "key": part})
                if response.status_code >= 500:
                    failures.append((method, url, response.status_code))
    assert failures == []
    assert database_state() == before


def test_hostile_repeated_keys_and_missing_fields(trained_session, reported, reported_other, city_user):
    """Repeated keys (two values for one field) and empty posts on every city form."""
    client = Client(raise_request_exception=False)
    client.force_login(city_user)
    before = database_state()
    posts = [
        ("/city/training/", "title=a&title=b&held_on=2021-03-01&held_on=0000-00-00&place=x&place="),
        (
            f"/city/training/{trained_session.pk}/attendance/",
            f"keys={reported.key}&keys={reported.key}&attendee_{reported.key}=%00&attendee_{reported.key}=ok",
        ),
        (f"/city/assessment/{reported.key}/", "method=visit&method=talk&assessed_on=2021-02-30&version=-1"),
        (f"/city/assessment/{reported.key}/conclude/", "seen=1&seen=2"),
        ("/city/publicity/", "publish=1&starts_on=9999-12-31&starts_on=2021-07-01"),
        ("/city/naming/", f"key={reported.key}&key=x&decision=name&decision=not_name"),
        ("/publicity/2021/", "entry=1&entry=2&name=%00"),
    ]
    failures = []
    for url, body in posts:
        for data in (body, "", "%%%&&&==", "a" * 5000):
            response = client.generic("POST", url, data.encode(), content_type="application/x-www-form-urlencoded")
            if response.status_code >= 500:
                failures.append((url, data[:40], response.status_code))
    assert failures == []
    assert database_state() == before


# --- the forms ---------------------------------------------------------------------------------------


def test_training_session_form_hostile(assessment_window, campaign, city_user):
    def check(data, response):
        session = TrainingSession.objects.get()
        assert session.held_on == dt.datetime.strptime(data["held_on"].strip(), "%Y-%m-%d").date()
        assert "\x00" not in session.title + session.place

    fuzz_form(
        FormCase(
            name="培训新增（hostile）",
            url="/city/training/",
            user=city_user,
            base={"title": "创建培训", "held_on": "2021-03-01", "place": "市妇联"},
            fields={
                "title": text_values(TrainingSession._meta.get_field("title").max_length),
                "held_on": dates(),
                "place": text_values(TrainingSession._meta.get_field("place").max_length),
            },
            check_accepted=check,
            examples=60,
        )
    )


def test_attendance_form_hostile(trained_session, reported, reported_other, city_user):
    keys = [reported.key, reported_other.key]
    limit = Attendance._meta.get_field("attendee").max_length

    def check(data, response):
        for record in Attendance.objects.all():
            assert "\x00" not in record.attendee and len(record.attendee) <= limit

    fuzz_form(
        FormCase(
            name="参训登记（hostile）",
            url=f"/city/training/{trained_session.pk}/attendance/",
            user=city_user,
            base={"keys": keys, f"attendee_{keys[0]}": "覃丽", f"attendee_{keys[1]}": ""},
            fields={
                "keys": st.one_of(
                    st.lists(st.sampled_from([*keys, "x" * 300, "\x00", str(2**64), ""]), max_size=4),
                    st.just(MISSING),
                ),
                f"attendee_{keys[0]}": st.one_of(text_values(limit), st.just(MISSING)),
                f"attendee_{keys[1]}": st.one_of(text_values(limit), st.just(MISSING)),
            },
            check_accepted=check,
            examples=60,
        )
    )


def test_assessment_form_hostile(trained_session, reported, campaign, city_user):
    criteria = criteria_of(campaign)
    base = {points_field(c.pk): "10" for c in criteria}
    base.update({"method": "visit", "assessed_on": "2021-03-01", "comment": "", "veto_reason": "", "version": "0"})
    fields = {points_field(c.pk): number_values() for c in criteria}
    fields.update(
        {
            "method": choice_values(["visit", "talk", "review"]),
            "assessed_on": dates(),
            "comment": text_values(2000),
            "veto": flag_values(),
            "veto_reason": text_values(2000),
            "version": ids(),
        }
    )
    fuzz_form(
        FormCase(
            name="考核评分（hostile）",
            url=f"/city/assessment/{reported.key}/",
            user=city_user,
            base=base,
            fields=fields,
            examples=60,
        )
    )


def test_conclude_hostile(trained_session, reported, city_user):
    fuzz_form(
        FormCase(
            name="确认考核结果（hostile）",
            url=f"/city/assessment/{reported.key}/conclude/",
            user=city_user,
            fields={"seen": st.one_of(text_values(100), ids())},
            examples=30,
        )
    )


@pytest.fixture
def naming_posts(campaign, unit, other_unit, city_user):
    posts = [ApplicationFactory(campaign=campaign, unit=u, status=Status.PASSED) for u in (unit, other_unit)]
    with time_machine.travel(IN_NAMING, tick=False):
        publicity = publish(posts)
        Objection.objects.create(
            publicity=publicity,
            application=posts[1],
            name="李某",
            phone="13800000000",
            content="请核实。",
            source="x" * 64,
            submitted_at=publicity.published_at,
        )
        yield posts


def test_naming_form_hostile(naming_posts, city_user):
    keys = [p.key for p in naming_posts]
    fuzz_form(
        FormCase(
            name="命名（hostile）",
            url="/city/naming/",
            user=city_user,
            base={"key": keys[0], "decision": "name", "reason": ""},
            fields={
                "key": st.one_of(st.sampled_from([*keys, "x" * 300, str(2**64)]), text_values(40), st.just(MISSING)),
                "decision": choice_values(["name", "not_name"]),
                "reason": text_values(500),
            },
            examples=60,
        )
    )


def test_resolve_form_hostile(naming_posts, city_user):
    objection = Objection.objects.get()
    prefix = f"o{objection.pk}"
    fuzz_form(
        FormCase(
            name="异议处理（hostile）",
            url=f"/city/publicity/objections/{objection.pk}/resolve/",
            user=city_user,
            base={f"{prefix}-outcome": "rejected", f"{prefix}-resolution": "经核查，情况不属实。"},
            fields={
                f"{prefix}-outcome": choice_values(["rejected", "upheld", "pending"]),
                f"{prefix}-resolution": text_values(Objection._meta.get_field("resolution").max_length or 2000),
            },
            examples=40,
        )
    )


def test_public_objection_hostile_entry_ids(naming_posts, campaign):
    """The public form with entry ids far beyond any row, during an open period."""
    with time_machine.travel(IN_ASSESSMENT_WINDOW.replace(month=8, day=6), tick=False):
        entries = [str(pk) for pk in Objection.objects.get().publicity.entries.values_list("pk", flat=True)]
        fuzz_form(
            FormCase(
                name="公示异议 ids（hostile）",
                url=f"/publicity/{campaign.year}/",
                base={"entry": entries[0], "name": "张三", "phone": "0772-1234567", "email": "", "content": "请核实。"},
                fields={
                    "entry": st.one_of(ids(), st.sampled_from(entries)),
                    "phone": st.one_of(number_values(), text_values(40)),
                    "email": text_values(254),
                },
                examples=40,
            )
        )


# --- defects found ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held_on", "stored"),
    [
        ("9999-12-31", False),
        ("0001-01-01", False),
        ("2020-07-31", False),
        ("2021-07-01", False),
        ("2020-08-01", True),
        ("2021-06-30", True),
    ],
)
def test_training_date_outside_the_campaign_refused_next_to_the_field(
    assessment_window, campaign, city_user, client_for, held_on, stored
):
    client = client_for(city_user)
    response = client.post("/city/training/", {"title": "创建培训", "held_on": held_on, "place": "市妇联"})
    assert TrainingSession.objects.filter(held_on=held_on).exists() is stored
    if not stored:
        assert response.status_code == 200
        assert response.context["session_form"].errors == {
            "held_on": ["培训日期须在2020年8月1日至2021年6月30日之间（本年度创建活动开始至考核截止）。"]
        }
        assert response.context["session_form"]["title"].value() == "创建培训"


def test_public_objection_hostile_forwarded_header(naming_posts, campaign, settings):
    """Behind one trusted proxy: a junk X-Forwarded-For (NUL, huge, lone surrogate bytes) is an address
    like any other — hashed, never a 500 (NUL: 400) — and the sixth objection from it in an hour is refused."""
    settings.TRUSTED_PROXY_COUNT = 1
    with time_machine.travel(IN_ASSESSMENT_WINDOW.replace(month=8, day=6), tick=False):
        entry = Objection.objects.get().publicity.entries.first()
        data = {"entry": str(entry.pk), "name": "张三", "phone": "0772-1234567", "email": "", "content": "请核实。"}
        client = Client(raise_request_exception=False)
        for junk in ["\x00", "x" * 100_000, "\udcff\udcfe", ",,,", " "]:
            header = junk.encode("utf-8", "surrogateescape").decode("latin-1")
            statuses = [
                client.post(f"/publicity/{campaign.year}/", data, HTTP_X_FORWARDED_FOR=header).status_code
                for _ in range(6)
            ]
            # NUL anywhere in a request is refused before any view (gangwei's request hygiene).
            expected = [400] * 6 if "\x00" in junk else [302] * 5 + [429]
            assert statuses == expected, junk[:5]
            assert Objection.objects.count() == 1 + expected.count(302)
            Objection.objects.exclude(pk=Objection.objects.order_by("pk").first().pk).delete()


def test_certificate_part_hostile_numbers_404(naming_posts, city_user, client_for):
    from review.city.naming import naming_decide

    naming_decide(user=city_user, application=naming_posts[0], name=True)
    client = client_for(city_user)
    before = database_state()
    for part in [*HUGE, "2", "NaN", "inf", "１", "1.0", " 1", "1" * 6]:
        response = client.get("/city/naming/certificates.pdf", {"part": part})
        assert response.status_code == 404, part
    assert database_state() == before
