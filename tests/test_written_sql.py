"""The statements the submission path writes out instead of compiling (bench/load.py: each ORM query
costs a submission a few hundred microseconds) read exactly what the ORM queries they replace read,
on SQLite and on PostgreSQL alike."""

import datetime as dt

import pytest
from django.http import Http404

from applications.access import get_application_for, get_own_application
from applications.mail import organisation_recipients
from applications.models import Honour, Leader
from applications.services import LEADER_FIELDS, application_data
from gangwei.deadlines import extensions_for
from gangwei.models import DeadlineExtension, Stage
from tests.factories import ApplicationFactory, UnitFactory, UserFactory, shanghai

pytestmark = pytest.mark.django_db


def _orm_rows(application) -> tuple[list[dict], list[dict]]:
    return (
        list(Leader.objects.filter(application=application).order_by("position", "id").values(*LEADER_FIELDS)),
        list(
            Honour.objects.filter(application=application).order_by("position", "id").values("year", "title", "issuer")
        ),
    )


def test_rows_are_read_as_the_orm_reads_them(campaign, unit):
    application = ApplicationFactory(campaign=campaign, unit=unit)
    Leader.objects.filter(application=application).delete()
    Honour.objects.filter(application=application).delete()
    # Out of order on purpose: positions given backwards, two rows sharing one position (then by id),
    # quotes, a backslash and a percent sign in the text.
    Leader.objects.bulk_create(
        [
            Leader(application=application, name="韦'春燕", gender="F", title="护士长", phone="", position=2),
            Leader(application=application, name="覃秀兰", gender="F", title="组长\\", phone="0772-1", position=0),
            Leader(application=application, name="黄 100%", gender="M", title="", phone="138", position=0),
        ]
    )
    Honour.objects.bulk_create(
        [
            Honour(application=application, year="2019", title="三八红旗集体", issuer="", position=1),
            Honour(application=application, year="", title="青年文明号", issuer="团市委", position=0),
        ]
    )
    other = ApplicationFactory(campaign=campaign, unit=unit)  # its rows are not this one's
    Honour.objects.create(application=other, year="2020", title="别的荣誉", issuer="某单位")

    _, leaders, honours = application_data(application)

    assert (leaders, honours) == _orm_rows(application)
    assert [row["name"] for row in leaders] == ["覃秀兰", "黄 100%", "韦'春燕"]
    assert [row["title"] for row in honours] == ["青年文明号", "三八红旗集体"]
    # Prefetched rows are taken as they are, in the same shape.
    from django.db.models import prefetch_related_objects

    prefetch_related_objects([application], "leaders", "honours")
    assert application_data(application)[1:] == (leaders, honours)


def test_no_rows_at_all(campaign, unit):
    application = ApplicationFactory(campaign=campaign, unit=unit)
    Leader.objects.filter(application=application).delete()
    Honour.objects.filter(application=application).delete()
    assert application_data(application)[1:] == ([], [])


def test_own_application_is_the_units_alone(campaign, unit, other_unit, applicant, other_applicant, reviewer_a):
    mine = ApplicationFactory(campaign=campaign, unit=unit)
    theirs = ApplicationFactory(campaign=campaign, unit=other_unit)

    found = get_own_application(applicant, mine.key)
    expected = get_application_for(applicant, mine.key, write=True)
    assert [(f.attname, getattr(found, f.attname)) for f in found._meta.concrete_fields] == [
        (f.attname, getattr(expected, f.attname)) for f in expected._meta.concrete_fields
    ]
    assert found.unit is applicant.organisation
    assert found._counted == expected._counted  # Application.from_db ran, as for the ORM's rows
    with pytest.raises(Http404):
        get_own_application(applicant, theirs.key)
    with pytest.raises(Http404):
        get_own_application(applicant, "no-such-key")
    with pytest.raises(Http404):
        get_own_application(other_applicant, mine.key)
    # A reviewer gets what get_application_for(write=True) gives: 403 where it may look.
    from django.core.exceptions import PermissionDenied

    mine.status = "submitted"
    mine.save()
    with pytest.raises(PermissionDenied):
        get_own_application(reviewer_a, mine.key)


def test_extensions_are_those_the_orm_finds(campaign, unit, other_unit, superuser):
    body = unit.parent
    made = [
        DeadlineExtension.objects.create(
            campaign=campaign,
            organisation=organisation,
            stage=stage,
            closes_at=shanghai(2020, 9, day, 18, 0, 0),
            reason="测试",
            granted_by=superuser,
        )
        for organisation, stage, day in (
            (unit, Stage.APPLY, 25),
            (body, Stage.FIRST_REVIEW, 28),
            (other_unit, Stage.APPLY, 27),
            (other_unit.parent, Stage.APPLY, 29),
        )
    ]

    def orm(organisation):
        covering = [organisation.pk] + ([organisation.parent_id] if organisation.parent_id else [])
        return sorted(DeadlineExtension.objects.filter(organisation_id__in=covering), key=lambda e: e.pk)

    for organisation in (unit, body, other_unit):
        found = sorted(extensions_for(organisation), key=lambda e: e.pk)
        assert [(e.pk, e.stage, e.closes_at) for e in found] == [
            (e.pk, e.stage, e.closes_at) for e in orm(organisation)
        ]
    assert {e.pk for e in extensions_for(unit)} == {made[0].pk, made[1].pk}
    # Aware datetimes on both databases, as the ORM gives them.
    assert extensions_for(unit)[0].closes_at.utcoffset() == dt.timedelta(0)
    assert extensions_for(None) == []


def test_recipients_are_the_active_users_with_an_address(unit):
    UserFactory(organisation=unit, email="b@example.com")
    UserFactory(organisation=unit, email="a@example.com")
    UserFactory(organisation=unit, email="a@example.com")  # twice: once in the list
    UserFactory(organisation=unit, email="")
    UserFactory(organisation=unit, email="off@example.com", is_active=False)
    UserFactory(organisation=UnitFactory(), email="other@example.com")

    expected = sorted(set(unit.users.filter(is_active=True).exclude(email="").values_list("email", flat=True)))
    assert organisation_recipients(unit) == expected == ["a@example.com", "b@example.com"]


@pytest.mark.parametrize("key", ["x" * 5000, "' OR '1'='1", "%s", "键😀", "a\\b", "0"])
def test_a_hostile_key_is_not_found(key, campaign, unit, applicant, client_for):
    ApplicationFactory(campaign=campaign, unit=unit)
    client = client_for(applicant)
    from urllib.parse import quote

    path = f"/apply/{quote(key, safe='')}/edit/"
    assert client.get(path).status_code == 404
    assert client.post(path, {"version": "1"}).status_code == 404


def test_another_units_key_is_not_found(campaign, unit, other_unit, applicant, client_for):
    theirs = ApplicationFactory(campaign=campaign, unit=other_unit)
    client = client_for(applicant)
    assert client.get(f"/apply/{theirs.key}/edit/").status_code == 404
    assert client.post(f"/apply/{theirs.key}/edit/", {"version": "1"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.version == 1 and theirs.status == "draft"
