"""Stage windows, enforced in the services: one second before, at, and one second after each deadline.

The 2021 campaign (tests.factories.CampaignFactory) opens 2020-08-01 00:00, APPLY closes
2020-09-20 23:59:59 and FIRST_REVIEW 2020-10-16 23:59:59, Asia/Shanghai; deadlines are inclusive.
"""

import datetime as dt

import pytest
import time_machine

from applications.models import Application, ApplicationEvent, Status
from applications.services import application_create, application_submit, application_update
from applications.workflow import Action, transition
from gangwei.deadlines import (
    CAMPAIGN_INSTANTS,
    Deadlines,
    StageClosed,
    current_campaign,
    extensions_for,
    stage_closes_at,
)
from gangwei.models import Campaign, DeadlineExtension, Stage
from tests.factories import CampaignFactory, shanghai

UTC = dt.UTC



APPLY_CLOSED = (
    "申报已于2020年9月20日 23:59:59截止，系统不再接受此项操作。"
    "如需延期，请联系所属初审单位或市妇联宣发部。"
)
APPLY_EXTENDED_CLOSED = (
    "申报已于2020年9月25日 23:59:59截止，系统不再接受此项操作。"
    "如需延期，请联系所属初审单位或市妇联宣发部。"
)
FIRST_REVIEW_CLOSED = (
    "初审已于2020年10月16日 23:59:59截止，系统不再接受此项操作。"
    "如需延期，请联系所属初审单位或市妇联宣发部。"
)
NOT_OPEN_YET = "申报尚未开始（2020年8月1日 00:00:00开始）。"

BEFORE_APPLY = shanghai(2020, 9, 20, 23, 59, 58)
AT_APPLY = shanghai(2020, 9, 20, 23, 59, 59)
LAST_INSTANT_OF_APPLY = shanghai(2020, 9, 20, 23, 59, 59, 999_999)
AFTER_APPLY = shanghai(2020, 9, 21, 0, 0, 0)

BEFORE_EXTENSION = shanghai(2020, 9, 25, 23, 59, 58)
AT_EXTENSION = shanghai(2020, 9, 25, 23, 59, 59)
AFTER_EXTENSION = shanghai(2020, 9, 26, 0, 0, 0)

BEFORE_FIRST_REVIEW = shanghai(2020, 10, 16, 23, 59, 58)
AT_FIRST_REVIEW = shanghai(2020, 10, 16, 23, 59, 59)
AFTER_FIRST_REVIEW = shanghai(2020, 10, 17, 0, 0, 0)

BOUNDARIES = [(BEFORE_APPLY, True), (AT_APPLY, True), (AFTER_APPLY, False)]
# The closing second is included whole: 23:59:59.999999 is still in time.
APPLY_BOUNDARIES = [*BOUNDARIES[:2], (LAST_INSTANT_OF_APPLY, True), BOUNDARIES[2]]
APPLY_BOUNDARY_IDS = ["one second before", "at", "within the closing second", "one second after"]
BOUNDARY_IDS = ["one second before", "at", "one second after"]
EXTENDED = [
    (AFTER_APPLY, True),
    (BEFORE_EXTENSION, True),
    (AT_EXTENSION, True),
    (AFTER_EXTENSION, False),
]
EXTENDED_IDS = ["after the campaign deadline", "one second before", "at", "one second after"]


def form_data(**changes) -> tuple[dict, list[dict], list[dict]]:
    data = {
        "applicant_name": "柳州市第一测试医院儿科护理组",
        "post_name": "儿科护理组",
        "parent_unit": "柳州市第一测试医院",
        "category": "team",
        "staff_total": 8,
        "staff_women": 7,
        "is_special_post": False,
        "special_reason": "",
        "contact_name": "韦小红",
        "contact_title": "护士长",
        "contact_phone": "0772-2850377",
        "achievements": "护理组坚持以患儿为中心，开展温馨护理服务。",
        "unit_opinion": "情况属实，同意申报。",
        "pledge": True,
        **changes,
    }
    leaders = [{"name": "覃丽", "gender": "F", "title": "护士长", "phone": "13907721111"}]
    honours = [{"year": "2019", "title": "柳州市三八红旗集体", "issuer": "柳州市妇联"}]
    return data, leaders, honours


def create(applicant, campaign) -> Application:
    data, leaders, honours = form_data()
    return application_create(user=applicant, campaign=campaign, data=data, leaders=leaders, honours=honours)


def update(application, applicant) -> Application:
    data, leaders, honours = form_data(post_name="儿科护理一组")
    return application_update(
        application=application,
        user=applicant,
        version=application.version,
        data=data,
        leaders=leaders,
        honours=honours,
    )


def extend(campaign, organisation, stage=Stage.APPLY, closes_at=AT_EXTENSION) -> DeadlineExtension:
    return DeadlineExtension.objects.create(
        campaign=campaign, organisation=organisation, stage=stage, closes_at=closes_at, reason="汛期受灾，材料延迟"
    )


# --- APPLY: create, update, submit ---


@pytest.mark.parametrize(("instant", "allowed"), APPLY_BOUNDARIES, ids=APPLY_BOUNDARY_IDS)
def test_application_create_apply_deadline(campaign, applicant, instant, allowed):
    with time_machine.travel(instant, tick=False):
        if allowed:
            application = create(applicant, campaign)
            assert list(Application.objects.values_list("pk", "status")) == [(application.pk, Status.DRAFT)]
        else:
            with pytest.raises(StageClosed) as excinfo:
                create(applicant, campaign)
            assert excinfo.value.message == APPLY_CLOSED
            assert list(Application.objects.all()) == []


@pytest.mark.parametrize(("instant", "allowed"), BOUNDARIES, ids=BOUNDARY_IDS)
def test_application_update_apply_deadline(application, applicant, instant, allowed):
    with time_machine.travel(instant, tick=False):
        if allowed:
            update(application, applicant)
        else:
            with pytest.raises(StageClosed) as excinfo:
                update(application, applicant)
            assert excinfo.value.message == APPLY_CLOSED
    application.refresh_from_db()
    assert (application.post_name, application.version) == (("儿科护理一组", 2) if allowed else ("客服班组", 1))


@pytest.mark.parametrize(("instant", "allowed"), APPLY_BOUNDARIES, ids=APPLY_BOUNDARY_IDS)
def test_application_submit_apply_deadline(application, applicant, instant, allowed):
    with time_machine.travel(instant, tick=False):
        if allowed:
            application_submit(application=application, user=applicant)
        else:
            with pytest.raises(StageClosed) as excinfo:
                application_submit(application=application, user=applicant)
            assert excinfo.value.message == APPLY_CLOSED
    application.refresh_from_db()
    if allowed:
        assert (application.status, application.number, application.submitted_at) == (
            Status.SUBMITTED,
            "2021-CZ-001",
            instant,
        )
        assert list(application.events.values_list("action", flat=True)) == [Action.SUBMIT]
    else:
        assert (application.status, application.number, application.submitted_at) == (Status.DRAFT, "", None)
        assert list(application.events.all()) == []


# --- the same instants in UTC: the deadline is 2020-09-20T15:59:59Z ---


def test_campaign_apply_deadline_stored_as_utc_instant(campaign):
    campaign.refresh_from_db()
    assert campaign.apply_closes_at == dt.datetime(2020, 9, 20, 15, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "allowed"),
    [
        (dt.datetime(2020, 9, 20, 15, 59, 58, tzinfo=UTC), True),
        (dt.datetime(2020, 9, 20, 15, 59, 59, tzinfo=UTC), True),
        (dt.datetime(2020, 9, 20, 16, 0, 0, tzinfo=UTC), False),
    ],
    ids=BOUNDARY_IDS,
)
def test_application_submit_apply_deadline_in_utc(application, applicant, instant, allowed):
    with time_machine.travel(instant, tick=False):
        if allowed:
            application_submit(application=application, user=applicant)
        else:
            with pytest.raises(StageClosed) as excinfo:
                application_submit(application=application, user=applicant)
            assert excinfo.value.message == APPLY_CLOSED
    application.refresh_from_db()
    assert application.status == (Status.SUBMITTED if allowed else Status.DRAFT)


def test_application_create_utc_evening_of_the_20th_is_already_the_21st_in_liuzhou(campaign, applicant):
    # 2020-09-20 20:00Z is 2020-09-21 04:00 in Liuzhou: the deadline has passed, though the UTC date is the 20th.
    with time_machine.travel(dt.datetime(2020, 9, 20, 20, 0, 0, tzinfo=UTC), tick=False):
        with pytest.raises(StageClosed) as excinfo:
            create(applicant, campaign)
        assert excinfo.value.message == APPLY_CLOSED


# --- before the campaign opens ---


@pytest.mark.parametrize(
    ("instant", "allowed"),
    [(shanghai(2020, 7, 31, 23, 59, 59), False), (shanghai(2020, 8, 1, 0, 0, 0), True)],
    ids=["one second before opening", "at opening"],
)
def test_application_create_before_opening(campaign, applicant, instant, allowed):
    with time_machine.travel(instant, tick=False):
        if allowed:
            create(applicant, campaign)
        else:
            with pytest.raises(StageClosed) as excinfo:
                create(applicant, campaign)
            assert excinfo.value.message == NOT_OPEN_YET
    assert Application.objects.count() == (1 if allowed else 0)


def test_application_submit_before_opening_refused(application, applicant):
    with time_machine.travel(shanghai(2020, 7, 31, 23, 59, 59), tick=False):
        with pytest.raises(StageClosed) as excinfo:
            application_submit(application=application, user=applicant)
        assert excinfo.value.message == NOT_OPEN_YET
    application.refresh_from_db()
    assert application.status == Status.DRAFT


# --- extensions ---


@pytest.mark.parametrize(("instant", "allowed"), EXTENDED, ids=EXTENDED_IDS)
def test_application_create_unit_extension(campaign, unit, applicant, instant, allowed):
    extend(campaign, unit)
    with time_machine.travel(instant, tick=False):
        if allowed:
            create(applicant, campaign)
        else:
            with pytest.raises(StageClosed) as excinfo:
                create(applicant, campaign)
            assert excinfo.value.message == APPLY_EXTENDED_CLOSED
    assert Application.objects.count() == (1 if allowed else 0)


@pytest.mark.parametrize(("instant", "allowed"), EXTENDED, ids=EXTENDED_IDS)
def test_application_update_unit_extension(campaign, unit, application, applicant, instant, allowed):
    extend(campaign, unit)
    with time_machine.travel(instant, tick=False):
        if allowed:
            update(application, applicant)
        else:
            with pytest.raises(StageClosed) as excinfo:
                update(application, applicant)
            assert excinfo.value.message == APPLY_EXTENDED_CLOSED
    application.refresh_from_db()
    assert application.post_name == ("儿科护理一组" if allowed else "客服班组")


@pytest.mark.parametrize(("instant", "allowed"), EXTENDED, ids=EXTENDED_IDS)
def test_application_submit_unit_extension(campaign, unit, application, applicant, instant, allowed):
    extend(campaign, unit)
    with time_machine.travel(instant, tick=False):
        if allowed:
            application_submit(application=application, user=applicant)
        else:
            with pytest.raises(StageClosed) as excinfo:
                application_submit(application=application, user=applicant)
            assert excinfo.value.message == APPLY_EXTENDED_CLOSED
    application.refresh_from_db()
    assert application.status == (Status.SUBMITTED if allowed else Status.DRAFT)


@pytest.mark.parametrize(("instant", "allowed"), EXTENDED, ids=EXTENDED_IDS)
def test_application_submit_body_extension_covers_unit(campaign, body_a, application, applicant, instant, allowed):
    extend(campaign, body_a)
    with time_machine.travel(instant, tick=False):
        if allowed:
            application_submit(application=application, user=applicant)
        else:
            with pytest.raises(StageClosed) as excinfo:
                application_submit(application=application, user=applicant)
            assert excinfo.value.message == APPLY_EXTENDED_CLOSED
    application.refresh_from_db()
    assert application.status == (Status.SUBMITTED if allowed else Status.DRAFT)


def test_application_submit_other_unit_extension_does_not_help(campaign, other_unit, body_b, application, applicant):
    extend(campaign, other_unit)
    extend(campaign, body_b)
    with time_machine.travel(AFTER_APPLY, tick=False):
        with pytest.raises(StageClosed) as excinfo:
            application_submit(application=application, user=applicant)
        assert excinfo.value.message == APPLY_CLOSED
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_application_submit_extension_of_another_stage_does_not_help(campaign, unit, application, applicant):
    extend(campaign, unit, stage=Stage.FIRST_REVIEW, closes_at=shanghai(2020, 10, 30, 23, 59, 59))
    with time_machine.travel(AFTER_APPLY, tick=False):
        with pytest.raises(StageClosed) as excinfo:
            application_submit(application=application, user=applicant)
        assert excinfo.value.message == APPLY_CLOSED


def test_stage_closes_at_extension_never_shortens(campaign, unit):
    extend(campaign, unit, closes_at=shanghai(2020, 9, 10, 23, 59, 59))
    assert stage_closes_at(campaign, Stage.APPLY, unit) == AT_APPLY


# --- RESUBMIT after a return is gated by FIRST_REVIEW ---


@pytest.fixture
def returned(application, applicant, reviewer_a):
    with time_machine.travel(shanghai(2020, 9, 1, 10, 0, 0), tick=False):
        application_submit(application=application, user=applicant)
    with time_machine.travel(shanghai(2020, 10, 1, 10, 0, 0), tick=False):
        transition(application=application, action=Action.RETURN, actor=reviewer_a, note="事迹材料不够具体")
    application.refresh_from_db()
    assert application.status == Status.RETURNED
    return application


@pytest.mark.parametrize(
    ("instant", "allowed"),
    [(BEFORE_FIRST_REVIEW, True), (AT_FIRST_REVIEW, True), (AFTER_FIRST_REVIEW, False)],
    ids=BOUNDARY_IDS,
)
def test_application_submit_resubmit_first_review_deadline(returned, applicant, instant, allowed):
    with time_machine.travel(instant, tick=False):
        if allowed:
            application_submit(application=returned, user=applicant)
        else:
            with pytest.raises(StageClosed) as excinfo:
                application_submit(application=returned, user=applicant)
            assert excinfo.value.message == FIRST_REVIEW_CLOSED
    returned.refresh_from_db()
    assert returned.status == (Status.SUBMITTED if allowed else Status.RETURNED)
    assert list(ApplicationEvent.objects.filter(application=returned).values_list("action", flat=True)) == (
        [Action.SUBMIT, Action.RETURN, Action.RESUBMIT] if allowed else [Action.SUBMIT, Action.RETURN]
    )


@pytest.mark.parametrize(
    ("instant", "allowed"),
    [(BEFORE_FIRST_REVIEW, True), (AT_FIRST_REVIEW, True), (AFTER_FIRST_REVIEW, False)],
    ids=BOUNDARY_IDS,
)
def test_application_update_returned_first_review_deadline(returned, applicant, instant, allowed):
    with time_machine.travel(instant, tick=False):
        if allowed:
            update(returned, applicant)
        else:
            with pytest.raises(StageClosed) as excinfo:
                update(returned, applicant)
            assert excinfo.value.message == FIRST_REVIEW_CLOSED
    returned.refresh_from_db()
    assert returned.post_name == ("儿科护理一组" if allowed else "客服班组")


def test_application_submit_resubmit_unit_extension(campaign, unit, returned, applicant):
    extend(campaign, unit, stage=Stage.FIRST_REVIEW, closes_at=shanghai(2020, 10, 20, 23, 59, 59))
    with time_machine.travel(AFTER_FIRST_REVIEW, tick=False):
        application_submit(application=returned, user=applicant)
    returned.refresh_from_db()
    assert returned.status == Status.SUBMITTED


def test_application_submit_resubmit_after_apply_deadline_allowed(returned, applicant):
    # After a return, the APPLY deadline no longer matters: the unit resubmits within 初审.
    with time_machine.travel(shanghai(2020, 10, 1, 12, 0, 0), tick=False):
        application_submit(application=returned, user=applicant)
    returned.refresh_from_db()
    assert (returned.status, returned.number) == (Status.SUBMITTED, "2021-CZ-001")


def test_application_submit_draft_after_apply_deadline_inside_first_review_refused(application, applicant):
    with time_machine.travel(shanghai(2020, 10, 1, 12, 0, 0), tick=False):
        with pytest.raises(StageClosed) as excinfo:
            application_submit(application=application, user=applicant)
        assert excinfo.value.message == APPLY_CLOSED


# --- Deadlines: every campaign and extension read at once, the same answers as the queries ---------


@pytest.mark.parametrize(
    "moment",
    [shanghai(2019, 1, 1, 0, 0, 0), shanghai(2020, 8, 1, 0, 0, 0), shanghai(2021, 7, 31, 23, 59, 59),
     shanghai(2021, 8, 1, 0, 0, 0), shanghai(2030, 1, 1, 0, 0, 0)],
    ids=["before any", "first opens", "second not yet", "second opens", "long after"],
)
def test_deadlines_answer_as_the_queries_do(campaign, unit, other_unit, moment):
    CampaignFactory(
        year=2022,
        opens_at=shanghai(2021, 8, 1, 0, 0, 0),
        apply_closes_at=shanghai(2021, 9, 20, 23, 59, 59),
        first_review_closes_at=shanghai(2021, 10, 16, 23, 59, 59),
        assessment_closes_at=shanghai(2022, 6, 30, 23, 59, 59),
        naming_closes_at=shanghai(2022, 8, 31, 23, 59, 59),
    )
    later = shanghai(2020, 9, 25, 23, 59, 59)
    for organisation, stage in [(unit, Stage.APPLY), (unit.parent, Stage.FIRST_REVIEW), (other_unit, Stage.APPLY)]:
        DeadlineExtension.objects.create(
            campaign=campaign, organisation=organisation, stage=stage, closes_at=later, reason="测试"
        )
    deadlines = Deadlines.read()
    with time_machine.travel(moment, tick=False):
        assert deadlines.current_campaign() == current_campaign()
        for organisation in (unit, unit.parent, other_unit, None):
            assert sorted(e.pk for e in deadlines.extensions_for(organisation)) == sorted(
                e.pk for e in extensions_for(organisation)
            )
    assert deadlines.instants() == sorted(
        {
            *(getattr(c, name) for c in Campaign.objects.all() for name in CAMPAIGN_INSTANTS),
            later,
        }
    )


def test_deadlines_of_no_campaign():
    assert (Deadlines((), ()).current_campaign(), Deadlines((), ()).instants()) == (None, [])
