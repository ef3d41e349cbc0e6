"""The 公示 forms fuzzed (tests/fuzzing.py): the public objection form, the city's publish form and
its resolve form. Never a 500, nothing stored after a refusal; NUL and over-long text refused next to
the field (PostgreSQL cannot store NUL)."""

import datetime as dt

import pytest
import time_machine
from hypothesis import strategies as st

from applications.models import Status
from gangwei import phrases as common_phrases
from review.city.publicity import objection_lodge, publicity_publish
from review.models import Objection, ObjectionOutcome, Publicity
from tests.factories import ApplicationFactory
from tests.fuzzing import MISSING, FormCase, as_received, choice_values, fuzz_form, text_values
from tests.test_city_publicity import IN_NAMING, PUBLIC, objection_data


def limit(name: str) -> int:
    return Objection._meta.get_field(name).max_length


@pytest.fixture
def passed(campaign, unit, other_unit):
    """Two passed posts, made directly (the fuzzing is of the forms, not of how posts pass)."""
    return [ApplicationFactory(campaign=campaign, unit=u, status=Status.PASSED) for u in (unit, other_unit)]


@pytest.fixture
def naming_day():
    with time_machine.travel(IN_NAMING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def published(passed, city_user, campaign, naming_day) -> Publicity:
    return publicity_publish(user=city_user, campaign=campaign, starts_on=dt.date(2021, 7, 1))


def _stored_as_posted(data: dict, response) -> None:
    objection = Objection.objects.get()
    assert objection.publicity.entries.filter(pk=int(data["entry"]), application=objection.application).exists()
    for name in ("name", "phone", "email", "content"):
        assert getattr(objection, name) == as_received(data.get(name, "")).strip(), name
    assert objection.outcome == ObjectionOutcome.PENDING


def test_objection_form_fuzz(published):
    entries = [str(pk) for pk in published.entries.values_list("pk", flat=True)]
    fuzz_form(
        FormCase(
            name="公示异议",
            url=PUBLIC,
            base=objection_data(published.entries.first(), email="a@example.com"),
            fields={
                "entry": choice_values([*entries, "999999", "-1", "²", "1" * 40]),
                "name": text_values(limit("name")),
                "phone": st.one_of(text_values(limit("phone")), st.sampled_from(["0772-1234567", "+86 138 0772 0000"])),
                "email": st.one_of(text_values(limit("email")), st.sampled_from(["", "x@y.cn", "a" * 115 + "@b.cn"])),
                "content": text_values(limit("content")),
            },
            check_accepted=_stored_as_posted,
            examples=80,
        )
    )


def test_publish_form_fuzz(passed, city_user, naming_day):
    def check(data, response):
        publicity = Publicity.objects.get()
        assert publicity.starts_on == dt.datetime.strptime(as_received(data["starts_on"]).strip(), "%Y-%m-%d").date()

    fuzz_form(
        FormCase(
            name="发布公示",
            url="/city/publicity/",
            user=city_user,
            base={"starts_on": "2021-07-01", "publish": "1"},
            fields={
                "starts_on": st.one_of(
                    text_values(20),
                    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat),
                    st.sampled_from(["2021-06-30", "2021-08-31", "2021-09-01", "9999-12-31", "0001-01-01", "2021-7-1"]),
                ),
                "publish": st.sampled_from(["1", "", MISSING]),
                "preview": st.sampled_from(["1", MISSING]),
            },
            check_accepted=check,
            examples=40,
        )
    )


def test_resolve_form_fuzz(published, passed, city_user):
    objection = objection_lodge(
        publicity=published,
        application=passed[0],
        name="张三",
        phone="0772-1234567",
        email="",
        content="请核实。",
        source_address="192.0.2.1",
    )
    prefix = f"o{objection.pk}"

    def check(data, response):
        stored = Objection.objects.get(pk=objection.pk)
        assert stored.outcome == data[f"{prefix}-outcome"]
        assert stored.resolution == as_received(data[f"{prefix}-resolution"]).strip()

    fuzz_form(
        FormCase(
            name="处理异议",
            url=f"/city/publicity/objections/{objection.pk}/resolve/",
            user=city_user,
            base={f"{prefix}-outcome": "rejected", f"{prefix}-resolution": "经核查不属实。"},
            fields={
                f"{prefix}-outcome": choice_values(["rejected", "upheld", "pending"]),
                f"{prefix}-resolution": text_values(limit("resolution")),
            },
            check_accepted=check,
            examples=40,
        )
    )


@pytest.mark.parametrize(
    "field,value",
    [("name", "张\x00三"), ("content", "异议\x00内容"), ("phone", "0772\x001234567"), ("email", "a\x00@b.cn")],
)
def test_objection_form_nul_refused_with_message(published, client, field, value):
    response = client.post(PUBLIC, objection_data(published.entries.first(), **{field: value}))
    assert response.status_code == 200
    assert common_phrases.INPUT_CONTROL_CHARACTERS in response.content.decode()
    assert Objection.objects.count() == 0


def test_objection_form_over_long_refused_with_message(published, client):
    response = client.post(PUBLIC, objection_data(published.entries.first(), content="字" * 1001))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1000" in html and "1001" in html
    assert Objection.objects.count() == 0
