"""review/services.py: 初审 decisions, checklist, 意见, rank, quota, windows, 报送 and the city's reopening."""

import datetime as dt
import hashlib
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from applications.models import Application, ApplicationEvent, Message, MessageKind, Status
from applications.services import application_submit
from applications.workflow import Action, StaleDecision, TransitionNotAllowed, transition
from gangwei.deadlines import StageClosed
from gangwei.models import DeadlineExtension, Stage
from review import phrases
from review.models import CONDITION_FIELDS, Quota, Review, SummaryReport
from review.selectors import places_of
from review.services import (
    Frozen,
    QuotaFull,
    review_decide,
    review_rank,
    review_recommend_many,
    summary_file,
    summary_reopen,
)
from tests.factories import ApplicationFactory, UnitFactory, UserFactory, force_update, shanghai

IN_REVIEW = shanghai(2020, 10, 1, 10, 0, 0)
DEADLINE = shanghai(2020, 10, 16, 23, 59, 59)
SECOND_BEFORE = DEADLINE - dt.timedelta(seconds=1)
SECOND_AFTER = DEADLINE + dt.timedelta(seconds=1)
IN_ASSESSMENT = shanghai(2021, 3, 1, 10, 0, 0)
ALL_CONDITIONS = {name: True for name in CONDITION_FIELDS}
OPINION = "该岗位事迹突出，同意推荐。"


@pytest.fixture
def in_review():
    with time_machine.travel(IN_REVIEW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def units(body_a, unit):
    return [
        unit,
        UnitFactory(name="柳州市第三测试学校", parent=body_a),
        UnitFactory(name="柳州市第四测试银行", parent=body_a),
    ]


def submitted(campaign, unit, number: str, status: str = Status.SUBMITTED) -> Application:
    return ApplicationFactory(campaign=campaign, unit=unit, status=status, number=number)


@pytest.fixture
def apps(campaign, units):
    """Three submitted applications of body A, 2021-CZ-001..003."""
    return [submitted(campaign, u, f"2021-CZ-00{i}") for i, u in enumerate(units, start=1)]


def decide(application, user, action, opinion=OPINION, conditions=ALL_CONDITIONS, version=None):
    return review_decide(
        application=Application.objects.get(pk=application.pk),
        user=user,
        action=action,
        opinion=opinion,
        conditions=conditions,
        version=version,
    )


def recommend(application, user, **kw):
    return decide(application, user, Action.RECOMMEND, **kw)


def state(application) -> tuple:
    application.refresh_from_db()
    return application.status, application.version, application.review_opinion, application.review_opinion_at


def events(application) -> list[tuple]:
    return list(
        ApplicationEvent.objects.filter(application=application)
        .order_by("id")
        .values_list("action", "from_status", "to_status", "note")
    )


def messages(application) -> list[str]:
    return list(Message.objects.filter(application=application).order_by("id").values_list("kind", flat=True))


def ranks(*applications) -> list:
    return [Review.objects.filter(application=a).values_list("rank", flat=True).first() for a in applications]


# --- decisions ---


def test_recommend_stores_opinion_checklist_rank_and_message(in_review, apps, reviewer_a):
    decided = recommend(apps[0], reviewer_a, opinion="  该岗位事迹突出，同意推荐。\n")

    assert decided.status == Status.RECOMMENDED
    assert state(apps[0]) == (Status.RECOMMENDED, 2, OPINION, IN_REVIEW)
    assert events(apps[0]) == [(Action.RECOMMEND, Status.SUBMITTED, Status.RECOMMENDED, OPINION)]
    review = Review.objects.get(application=apps[0])
    assert (review.conditions, review.rank, review.decided_by, review.decided_at) == (
        ALL_CONDITIONS,
        1,
        reviewer_a,
        IN_REVIEW,
    )
    assert messages(apps[0]) == [MessageKind.RECOMMENDED]


@pytest.mark.parametrize(
    ("action", "status", "kind"),
    [
        (Action.RETURN, Status.RETURNED, MessageKind.RETURNED),
        (Action.NOT_RECOMMEND, Status.NOT_RECOMMENDED, MessageKind.NOT_RECOMMENDED),
    ],
)
def test_return_and_not_recommend_need_only_a_reason(in_review, apps, reviewer_a, action, status, kind):
    decided = decide(apps[0], reviewer_a, action, opinion="请补充具体事迹。", conditions=None)

    assert decided.status == status
    assert state(apps[0]) == (status, 2, "", None)
    assert events(apps[0]) == [(action, Status.SUBMITTED, status, "请补充具体事迹。")]
    assert ranks(apps[0]) == [None]
    assert messages(apps[0]) == [kind]
    message = Message.objects.get(application=apps[0])
    assert "请补充具体事迹。" in message.body


@pytest.mark.parametrize("action", [Action.RETURN, Action.NOT_RECOMMEND])
@pytest.mark.parametrize("opinion", ["", " \n\u3000"], ids=["empty", "blank"])
def test_return_and_not_recommend_without_reason_refused(in_review, apps, reviewer_a, action, opinion):
    with pytest.raises(ValidationError) as excinfo:
        decide(apps[0], reviewer_a, action, opinion=opinion)
    assert excinfo.value.message_dict == {"note": [f"{Action(action).label}必须写明理由。"]}
    assert state(apps[0]) == (Status.SUBMITTED, 1, "", None)
    assert (events(apps[0]), messages(apps[0]), ranks(apps[0])) == ([], [], [None])


@pytest.mark.parametrize("opinion", ["", "  \n"], ids=["empty", "blank"])
def test_recommend_without_opinion_refused(in_review, apps, reviewer_a, opinion):
    with pytest.raises(ValidationError) as excinfo:
        recommend(apps[0], reviewer_a, opinion=opinion)
    assert excinfo.value.message_dict == {"opinion": [phrases.OPINION_REQUIRED]}
    assert state(apps[0]) == (Status.SUBMITTED, 1, "", None)
    assert events(apps[0]) == []


@pytest.mark.parametrize("missing", CONDITION_FIELDS)
def test_recommend_needs_every_condition(in_review, apps, reviewer_a, missing):
    with pytest.raises(ValidationError) as excinfo:
        recommend(apps[0], reviewer_a, conditions={**ALL_CONDITIONS, missing: False})
    assert excinfo.value.message_dict == {"conditions": [phrases.CONDITIONS_REQUIRED]}
    assert (state(apps[0]), events(apps[0]), messages(apps[0])) == ((Status.SUBMITTED, 1, "", None), [], [])


@pytest.mark.parametrize("conditions", [None, {}, {"condition_politics": True}, {"nonsense": True}])
def test_recommend_without_checklist_refused(in_review, apps, reviewer_a, conditions):
    with pytest.raises(ValidationError) as excinfo:
        recommend(apps[0], reviewer_a, conditions=conditions)
    assert excinfo.value.message_dict == {"conditions": [phrases.CONDITIONS_REQUIRED]}
    assert state(apps[0])[0] == Status.SUBMITTED


def test_unknown_decision_refused(in_review, apps, reviewer_a):
    for action in (Action.REPORT, Action.PASS, "approve_everything"):
        with pytest.raises(TransitionNotAllowed) as excinfo:
            decide(apps[0], reviewer_a, action)
        assert excinfo.value.message == phrases.UNKNOWN_DECISION
    assert events(apps[0]) == []


def test_change_recommended_to_returned_clears_opinion_and_rank(in_review, apps, reviewer_a):
    recommend(apps[0], reviewer_a)
    decide(apps[0], reviewer_a, Action.RETURN, opinion="请补盖公章。", version=2)

    assert state(apps[0]) == (Status.RETURNED, 3, "", None)
    assert events(apps[0]) == [
        (Action.RECOMMEND, Status.SUBMITTED, Status.RECOMMENDED, OPINION),
        (Action.RETURN, Status.RECOMMENDED, Status.RETURNED, "请补盖公章。"),
    ]
    assert ranks(apps[0]) == [None]
    assert messages(apps[0]) == [MessageKind.RECOMMENDED, MessageKind.RETURNED]
    assert places_of(apps[0].campaign, apps[0].unit.parent).taken == 0


def test_change_not_recommended_to_recommended(in_review, apps, reviewer_a):
    decide(apps[0], reviewer_a, Action.NOT_RECOMMEND, opinion="事迹不够突出。")
    later = IN_REVIEW + dt.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        recommend(apps[0], reviewer_a, version=2)

    assert state(apps[0]) == (Status.RECOMMENDED, 3, OPINION, later)
    assert [e[:3] for e in events(apps[0])] == [
        (Action.NOT_RECOMMEND, Status.SUBMITTED, Status.NOT_RECOMMENDED),
        (Action.RECOMMEND, Status.NOT_RECOMMENDED, Status.RECOMMENDED),
    ]
    assert ranks(apps[0]) == [1]
    assert messages(apps[0]) == [MessageKind.NOT_RECOMMENDED, MessageKind.RECOMMENDED]


def test_returned_application_may_be_not_recommended(in_review, apps, reviewer_a):
    decide(apps[0], reviewer_a, Action.RETURN, opinion="请补充。")
    decide(apps[0], reviewer_a, Action.NOT_RECOMMEND, opinion="逾期未修改。")
    assert state(apps[0])[0] == Status.NOT_RECOMMENDED


def test_recommend_twice_refused(in_review, apps, reviewer_a):
    recommend(apps[0], reviewer_a)
    with pytest.raises(TransitionNotAllowed) as excinfo:
        recommend(apps[0], reviewer_a)
    assert excinfo.value.message == "当前状态为“初审推荐”，不能初审推荐。页面可能已过期，请刷新后查看。"
    assert len(events(apps[0])) == 1


def test_stale_version_refused(in_review, apps, reviewer_a):
    recommend(apps[0], reviewer_a, version=1)
    with pytest.raises(StaleDecision) as excinfo:
        decide(apps[0], reviewer_a, Action.RETURN, opinion="请补充。", version=1)
    assert excinfo.value.message == (
        "这份申报已被他人处理（当前状态：“初审推荐”），您的操作没有执行。请查看最新情况后再决定。"
    )
    assert (state(apps[0])[:2], len(events(apps[0])), messages(apps[0])) == (
        (Status.RECOMMENDED, 2),
        1,
        [MessageKind.RECOMMENDED],
    )


def test_judged_event_is_the_latest_submission(campaign, application, applicant, reviewer_a):
    with time_machine.travel(shanghai(2020, 9, 1, 10, 0, 0), tick=False):
        application_submit(application=application, user=applicant)
    with time_machine.travel(IN_REVIEW, tick=False):
        decide(application, reviewer_a, Action.RETURN, opinion="请补充。")
        first = Review.objects.get(application=application).judged_event
        application_submit(application=Application.objects.get(pk=application.pk), user=applicant)
        recommend(application, reviewer_a)
    submissions = list(application.events.filter(action__in=[Action.SUBMIT, Action.RESUBMIT]).order_by("id"))
    assert first == submissions[0]
    assert Review.objects.get(application=application).judged_event == submissions[1]


def test_judged_event_skips_a_submission_event_without_snapshot(campaign, application, applicant, reviewer_a):
    """An event with no snapshot (SQL NULL, e.g. imported) is not a version the page can diff."""
    with time_machine.travel(shanghai(2020, 9, 1, 10, 0, 0), tick=False):
        application_submit(application=application, user=applicant)
    with_snapshot = application.events.get()
    ApplicationEvent.objects.create(
        application=application,
        action=Action.RESUBMIT,
        from_status=Status.RETURNED,
        to_status=Status.SUBMITTED,
        actor=applicant,
        organisation=applicant.organisation,
        snapshot=None,
    )
    with time_machine.travel(IN_REVIEW, tick=False):
        recommend(application, reviewer_a)
    assert Review.objects.get(application=application).judged_event == with_snapshot


def test_judged_event_none_without_submission_snapshot(in_review, apps, reviewer_a):
    recommend(apps[0], reviewer_a)
    assert Review.objects.get(application=apps[0]).judged_event is None


# --- another body, other roles: a clean refusal ---


def test_reviewer_of_another_body_denied(in_review, apps, reviewer_b):
    for action in (Action.RECOMMEND, Action.RETURN, Action.NOT_RECOMMEND, "nonsense"):
        with pytest.raises(PermissionDenied) as excinfo:
            decide(apps[0], reviewer_b, action)
        assert str(excinfo.value) == phrases.NOT_YOUR_APPLICATION
    assert (state(apps[0]), events(apps[0]), messages(apps[0]), ranks(apps[0])) == (
        (Status.SUBMITTED, 1, "", None),
        [],
        [],
        [None],
    )


def test_reviewer_of_another_body_denied_even_when_own_body_filed(in_review, campaign, apps, reviewer_b):
    """reviewer_b's body has filed: the refusal is about the application, not a freeze of B."""
    summary_file(user=reviewer_b, campaign=campaign)
    with pytest.raises(PermissionDenied):
        recommend(apps[0], reviewer_b)
    assert state(apps[0])[0] == Status.SUBMITTED


@pytest.mark.parametrize("persona", ["applicant", "city_user"])
def test_non_reviewer_denied(in_review, apps, request, persona):
    with pytest.raises(PermissionDenied) as excinfo:
        recommend(apps[0], request.getfixturevalue(persona))
    assert str(excinfo.value) == phrases.ONLY_REVIEWER
    assert events(apps[0]) == []


# --- rank ---


def test_rank_follows_recommendation_order_and_closes_gaps(in_review, apps, reviewer_a):
    for application in apps:
        recommend(application, reviewer_a)
    assert ranks(*apps) == [1, 2, 3]

    decide(apps[1], reviewer_a, Action.RETURN, opinion="请补充。")
    assert ranks(*apps) == [1, None, 2]

    decide(apps[0], reviewer_a, Action.NOT_RECOMMEND, opinion="不符合条件。")
    assert ranks(*apps) == [None, None, 1]

    recommend(apps[0], reviewer_a)
    assert ranks(*apps) == [2, None, 1]


def test_review_rank_reorders(in_review, campaign, apps, reviewer_a):
    for application in apps:
        recommend(application, reviewer_a)
    review_rank(user=reviewer_a, campaign=campaign, keys=[apps[2].key, apps[0].key, apps[1].key])
    assert ranks(*apps) == [2, 3, 1]

    decide(apps[2], reviewer_a, Action.RETURN, opinion="请补充。")
    assert ranks(*apps) == [1, 2, None]


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param(lambda apps: [apps[0].key, apps[1].key], id="missing-one"),
        pytest.param(lambda apps: [a.key for a in apps] + ["not-a-key"], id="extra-key"),
        pytest.param(lambda apps: [apps[0].key, apps[0].key, apps[1].key], id="duplicate"),
        pytest.param(lambda apps: [apps[0].key, apps[1].key, "x" * 5000], id="tampered"),
        pytest.param(lambda apps: [], id="empty"),
    ],
)
def test_review_rank_stale_or_tampered_list_refused(in_review, campaign, apps, reviewer_a, keys):
    for application in apps:
        recommend(application, reviewer_a)
    with pytest.raises(TransitionNotAllowed) as excinfo:
        review_rank(user=reviewer_a, campaign=campaign, keys=keys(apps))
    assert excinfo.value.message == phrases.RANK_STALE
    assert ranks(*apps) == [1, 2, 3]


def test_review_rank_with_another_bodys_key_refused(in_review, campaign, apps, reviewer_a, other_unit, reviewer_b):
    theirs = submitted(campaign, other_unit, "2021-YF-001")
    recommend(theirs, reviewer_b)
    recommend(apps[0], reviewer_a)
    with pytest.raises(TransitionNotAllowed):
        review_rank(user=reviewer_a, campaign=campaign, keys=[theirs.key, apps[0].key])
    assert ranks(theirs, apps[0]) == [1, 1]


def test_review_rank_ranks_a_recommendation_without_review_row(in_review, campaign, apps, reviewer_a):
    recommend(apps[0], reviewer_a)
    force_update(Application.objects.filter(pk=apps[1].pk), status=Status.RECOMMENDED)
    review_rank(user=reviewer_a, campaign=campaign, keys=[apps[1].key, apps[0].key])
    assert ranks(apps[0], apps[1]) == [2, 1]


def test_review_rank_after_deadline_refused(campaign, apps, reviewer_a):
    with time_machine.travel(IN_REVIEW, tick=False):
        recommend(apps[0], reviewer_a)
        recommend(apps[1], reviewer_a)
    with time_machine.travel(SECOND_AFTER, tick=False):
        with pytest.raises(StageClosed):
            review_rank(user=reviewer_a, campaign=campaign, keys=[apps[1].key, apps[0].key])
    assert ranks(apps[0], apps[1]) == [1, 2]


# --- quota ---


def test_quota_full_refused_and_return_frees_a_place(in_review, campaign, body_a, apps, reviewer_a):
    Quota.objects.create(campaign=campaign, body=body_a, places=2)
    recommend(apps[0], reviewer_a)
    recommend(apps[1], reviewer_a)

    with pytest.raises(QuotaFull) as excinfo:
        recommend(apps[2], reviewer_a)
    assert excinfo.value.message == phrases.QUOTA_FULL.format(quota=2)
    assert (state(apps[2]), events(apps[2]), messages(apps[2]), ranks(apps[2])) == (
        (Status.SUBMITTED, 1, "", None),
        [],
        [],
        [None],
    )

    decide(apps[0], reviewer_a, Action.RETURN, opinion="请补充。")
    recommend(apps[2], reviewer_a)
    assert [state(a)[0] for a in apps] == [Status.RETURNED, Status.RECOMMENDED, Status.RECOMMENDED]
    assert places_of(campaign, body_a).left == 0


def test_quota_zero_refuses_every_recommendation(in_review, campaign, body_a, apps, reviewer_a):
    Quota.objects.create(campaign=campaign, body=body_a, places=0)
    with pytest.raises(QuotaFull):
        recommend(apps[0], reviewer_a)
    # Other decisions take no place.
    decide(apps[0], reviewer_a, Action.NOT_RECOMMEND, opinion="名额已满。")
    assert state(apps[0])[0] == Status.NOT_RECOMMENDED


def test_no_quota_row_no_limit(in_review, campaign, body_a, apps, reviewer_a):
    for application in apps:
        recommend(application, reviewer_a)
    places = places_of(campaign, body_a)
    assert (places.quota, places.taken, places.left, places.over) == (None, 3, None, 0)


def test_quota_of_another_body_or_campaign_does_not_count(in_review, campaign, body_a, body_b, apps, reviewer_a):
    from tests.factories import CampaignFactory

    Quota.objects.create(campaign=campaign, body=body_b, places=0)
    Quota.objects.create(campaign=CampaignFactory(year=2022), body=body_a, places=0)
    recommend(apps[0], reviewer_a)
    assert state(apps[0])[0] == Status.RECOMMENDED


def test_places_count_recommended_and_reported_of_the_body_only(
    campaign, body_a, apps, other_unit, reviewer_a, reviewer_b
):
    from tests.factories import CampaignFactory

    Quota.objects.create(campaign=campaign, body=body_a, places=5)
    submitted(campaign, other_unit, "2021-YF-001", Status.RECOMMENDED)
    submitted(CampaignFactory(year=2022), apps[0].unit, "2022-CZ-001", Status.RECOMMENDED)
    force_update(Application.objects.filter(pk=apps[0].pk), status=Status.RECOMMENDED)
    force_update(Application.objects.filter(pk=apps[1].pk), status=Status.REPORTED)
    force_update(Application.objects.filter(pk=apps[2].pk), status=Status.NOT_RECOMMENDED)
    places = places_of(campaign, body_a)
    assert (places.quota, places.taken, places.left, places.over, places.text) == (
        5,
        2,
        3,
        0,
        "推荐名额5个，已推荐2份，还可推荐3份",
    )


def test_filing_beyond_a_lowered_quota_refused(in_review, campaign, body_a, apps, reviewer_a):
    quota = Quota.objects.create(campaign=campaign, body=body_a, places=3)
    for application in apps:
        recommend(application, reviewer_a)
    quota.places = 1  # the admin lowered it after the body recommended
    quota.save()

    with pytest.raises(QuotaFull) as excinfo:
        summary_file(user=reviewer_a, campaign=campaign)
    assert excinfo.value.message == phrases.FILE_OVER_QUOTA.format(quota=1, over=2)
    assert SummaryReport.objects.count() == 0
    assert [state(a)[0] for a in apps] == [Status.RECOMMENDED] * 3


def test_recommend_many_stops_at_the_quota(in_review, campaign, body_a, apps, reviewer_a):
    Quota.objects.create(campaign=campaign, body=body_a, places=2)
    done, refused = review_recommend_many(
        applications=[Application.objects.get(pk=a.pk) for a in apps],
        user=reviewer_a,
        opinion=OPINION,
        conditions=ALL_CONDITIONS,
    )
    assert [a.pk for a in done] == [apps[0].pk, apps[1].pk]
    assert refused == {apps[2].key: phrases.QUOTA_FULL.format(quota=2)}
    assert ranks(*apps) == [1, 2, None]


def test_recommend_many_names_each_refusal(in_review, campaign, apps, reviewer_a):
    recommend(apps[0], reviewer_a)
    done, refused = review_recommend_many(
        applications=[Application.objects.get(pk=a.pk) for a in apps],
        user=reviewer_a,
        opinion=OPINION,
        conditions=ALL_CONDITIONS,
        versions={apps[1].key: 7},
    )
    assert [a.pk for a in done] == [apps[2].pk]
    assert set(refused) == {apps[0].key, apps[1].key}
    assert refused[apps[1].key].startswith("这份申报已被他人处理")


# --- the 初审 deadline, with and without an extension ---

DECISION_CASES = [
    (Action.RECOMMEND, Status.SUBMITTED),
    (Action.RECOMMEND, Status.NOT_RECOMMENDED),
    (Action.RETURN, Status.SUBMITTED),
    (Action.RETURN, Status.RECOMMENDED),
    (Action.RETURN, Status.NOT_RECOMMENDED),
    (Action.NOT_RECOMMEND, Status.SUBMITTED),
    (Action.NOT_RECOMMEND, Status.RECOMMENDED),
    (Action.NOT_RECOMMEND, Status.RETURNED),
]
DECISION_IDS = [f"{a}-from-{s}" for a, s in DECISION_CASES]


def extend(campaign, organisation, closes_at):
    return DeadlineExtension.objects.create(
        campaign=campaign,
        organisation=organisation,
        stage=Stage.FIRST_REVIEW,
        closes_at=closes_at,
        reason="因疫情防控延期",
    )


@pytest.mark.parametrize(("action", "source"), DECISION_CASES, ids=DECISION_IDS)
@pytest.mark.parametrize(
    ("instant", "extended", "allowed"),
    [
        (SECOND_BEFORE, False, True),
        (DEADLINE, False, True),
        (SECOND_AFTER, False, False),
        (SECOND_AFTER, True, True),
    ],
    ids=["second-before", "at-deadline", "second-after", "second-after-extended"],
)
def test_decision_at_the_deadline(campaign, unit, body_a, reviewer_a, action, source, instant, extended, allowed):
    application = submitted(campaign, unit, "2021-CZ-001", source)
    if extended:
        extend(campaign, body_a, DEADLINE + dt.timedelta(days=3))
    with time_machine.travel(instant, tick=False):
        if allowed:
            decide(application, reviewer_a, action)
            assert state(application)[0] != source
            assert len(events(application)) == 1
        else:
            with pytest.raises(StageClosed) as excinfo:
                decide(application, reviewer_a, action)
            assert excinfo.value.message == (
                "初审已于2020年10月16日 23:59:59截止，系统不再接受此项操作。如需延期，请联系所属初审单位或市妇联宣发部。"
            )
            assert (state(application)[:2], events(application), messages(application)) == ((source, 1), [], [])


def test_extension_of_another_body_does_not_count(campaign, unit, body_b, reviewer_a):
    application = submitted(campaign, unit, "2021-CZ-001")
    extend(campaign, body_b, DEADLINE + dt.timedelta(days=3))
    with time_machine.travel(SECOND_AFTER, tick=False):
        with pytest.raises(StageClosed):
            recommend(application, reviewer_a)


def test_extension_ends_one_second_after_its_own_close(campaign, unit, body_a, reviewer_a):
    application = submitted(campaign, unit, "2021-CZ-001")
    closes = DEADLINE + dt.timedelta(days=3)
    extend(campaign, body_a, closes)
    with time_machine.travel(closes + dt.timedelta(seconds=1), tick=False):
        with pytest.raises(StageClosed):
            recommend(application, reviewer_a)
    with time_machine.travel(closes - dt.timedelta(seconds=1), tick=False):
        recommend(application, reviewer_a)
    assert state(application)[0] == Status.RECOMMENDED


@pytest.mark.parametrize(
    ("instant", "extended", "allowed"),
    [(SECOND_BEFORE, False, True), (SECOND_AFTER, False, False), (SECOND_AFTER, True, True)],
    ids=["second-before", "second-after", "second-after-extended"],
)
def test_filing_at_the_deadline(campaign, body_a, apps, reviewer_a, instant, extended, allowed):
    with time_machine.travel(IN_REVIEW, tick=False):
        for application in apps:
            recommend(application, reviewer_a)
    if extended:
        extend(campaign, body_a, DEADLINE + dt.timedelta(days=1))
    with time_machine.travel(instant, tick=False):
        if allowed:
            report, created = summary_file(user=reviewer_a, campaign=campaign)
            assert (created, report.rows, report.filed_at) == (True, 3, instant)
        else:
            with pytest.raises(StageClosed):
                summary_file(user=reviewer_a, campaign=campaign)
            assert SummaryReport.objects.count() == 0
    expected = Status.REPORTED if allowed else Status.RECOMMENDED
    assert [state(a)[0] for a in apps] == [expected] * 3


# --- 报送: filing the 汇总表 ---


@pytest.fixture
def decided(in_review, apps, reviewer_a):
    """Body A: two recommended (001, 003) and one not recommended (002)."""
    recommend(apps[0], reviewer_a)
    decide(apps[1], reviewer_a, Action.NOT_RECOMMEND, opinion="不符合条件。")
    recommend(apps[2], reviewer_a)
    return apps


def load_workbook(data: bytes):
    from openpyxl import load_workbook as load

    return load(io.BytesIO(data))


def test_summary_file_reports_recommendations_and_keeps_the_file(campaign, body_a, decided, reviewer_a):
    report, created = summary_file(user=reviewer_a, campaign=campaign)

    assert created is True
    assert [state(a)[0] for a in decided] == [Status.REPORTED, Status.NOT_RECOMMENDED, Status.REPORTED]
    assert (report.campaign, report.body, report.rows, report.filed_by, report.filed_at) == (
        campaign,
        body_a,
        2,
        reviewer_a,
        IN_REVIEW,
    )
    with report.file.open("rb") as stored:
        content = stored.read()
    assert (report.sha256, report.size) == (hashlib.sha256(content).hexdigest(), len(content))
    sheet = load_workbook(content).active
    rows = [row[:2] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert rows == [(1, decided[0].applicant_name), (2, decided[2].applicant_name)]
    assert SummaryReport.objects.get().pk == report.pk
    assert events(decided[0])[-1][:3] == (Action.REPORT, Status.RECOMMENDED, Status.REPORTED)
    assert messages(decided[0]) == [MessageKind.RECOMMENDED, MessageKind.REPORTED]
    assert messages(decided[1]) == [MessageKind.NOT_RECOMMENDED]
    assert ranks(*decided) == [1, None, 2]


def test_summary_file_rows_follow_the_rank(campaign, decided, reviewer_a):
    review_rank(user=reviewer_a, campaign=campaign, keys=[decided[2].key, decided[0].key])
    report, _ = summary_file(user=reviewer_a, campaign=campaign)
    with report.file.open("rb") as stored:
        sheet = load_workbook(stored.read()).active
    names = [row[1] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert (names, report.rows) == ([decided[2].applicant_name, decided[0].applicant_name], 2)


def test_summary_file_twice_is_harmless(campaign, decided, reviewer_a, other_unit):
    first, _ = summary_file(user=reviewer_a, campaign=campaign)
    before = [state(a) for a in decided], Message.objects.count(), ApplicationEvent.objects.count()
    with time_machine.travel(IN_REVIEW + dt.timedelta(hours=1), tick=False):
        again, created = summary_file(user=reviewer_a, campaign=campaign)
    assert (again.pk, created) == (first.pk, False)
    assert ([state(a) for a in decided], Message.objects.count(), ApplicationEvent.objects.count()) == before
    assert SummaryReport.objects.count() == 1


def test_summary_file_twice_after_deadline_returns_the_filing(campaign, decided, reviewer_a):
    first, _ = summary_file(user=reviewer_a, campaign=campaign)
    with time_machine.travel(SECOND_AFTER, tick=False):
        again, created = summary_file(user=reviewer_a, campaign=campaign)
    assert (again.pk, created) == (first.pk, False)


@pytest.mark.parametrize(("action", "source"), DECISION_CASES, ids=DECISION_IDS)
def test_decisions_frozen_after_filing(campaign, unit, decided, reviewer_a, action, source):
    summary_file(user=reviewer_a, campaign=campaign)
    application = submitted(campaign, unit, "2021-CZ-009", source)
    with pytest.raises(Frozen) as excinfo:
        decide(application, reviewer_a, action)
    assert excinfo.value.message == phrases.FROZEN.format(filed_at="2020年10月1日 10:00:00")
    assert (state(application)[:2], events(application)) == ((source, 1), [])


def test_reported_application_cannot_be_changed(campaign, decided, reviewer_a):
    summary_file(user=reviewer_a, campaign=campaign)
    for action in (Action.RETURN, Action.NOT_RECOMMEND):
        with pytest.raises(Frozen):
            decide(decided[0], reviewer_a, action, opinion="改主意了。")
    with pytest.raises(Frozen):
        review_rank(user=reviewer_a, campaign=campaign, keys=[decided[2].key, decided[0].key])
    assert state(decided[0])[0] == Status.REPORTED


@pytest.mark.parametrize("pending", [Status.SUBMITTED, Status.RETURNED])
def test_summary_file_refused_while_decisions_pending(in_review, campaign, apps, reviewer_a, pending):
    recommend(apps[0], reviewer_a)
    force_update(Application.objects.filter(pk=apps[1].pk), status=pending)
    with pytest.raises(TransitionNotAllowed) as excinfo:
        summary_file(user=reviewer_a, campaign=campaign)
    assert excinfo.value.message == phrases.FILE_PENDING.format(count=2)
    assert SummaryReport.objects.count() == 0
    assert state(apps[0])[0] == Status.RECOMMENDED
    assert messages(apps[0]) == [MessageKind.RECOMMENDED]


def test_summary_file_ignores_drafts_and_other_bodies(in_review, campaign, apps, reviewer_a, other_unit, unit):
    ApplicationFactory(campaign=campaign, unit=unit)  # a draft never submitted
    submitted(campaign, other_unit, "2021-YF-001")  # body B's pending work
    for application in apps:
        recommend(application, reviewer_a)
    report, created = summary_file(user=reviewer_a, campaign=campaign)
    assert (created, report.rows) == (True, 3)


@pytest.mark.parametrize("persona", ["applicant", "city_user"])
def test_summary_file_only_by_a_reviewer(decided, campaign, request, persona):
    with pytest.raises(PermissionDenied):
        summary_file(user=request.getfixturevalue(persona), campaign=campaign)
    assert SummaryReport.objects.count() == 0


def test_summary_file_of_one_body_leaves_the_other(campaign, decided, reviewer_b, other_unit):
    theirs = submitted(campaign, other_unit, "2021-YF-001")
    recommend(theirs, reviewer_b)
    report, _ = summary_file(user=reviewer_b, campaign=campaign)
    assert (report.body, report.rows) == (other_unit.parent, 1)
    assert [state(a)[0] for a in decided] == [Status.RECOMMENDED, Status.NOT_RECOMMENDED, Status.RECOMMENDED]


# --- the city reopens a filing ---


def test_summary_reopen_sends_recommendations_back(campaign, body_a, decided, reviewer_a, city_user):
    report, _ = summary_file(user=reviewer_a, campaign=campaign)
    later = IN_REVIEW + dt.timedelta(days=1)
    with time_machine.travel(later, tick=False):
        reopened = summary_reopen(user=city_user, report=report, reason="  第二份的事迹材料不全。 ")

    assert [state(a)[0] for a in decided] == [Status.RECOMMENDED, Status.NOT_RECOMMENDED, Status.RECOMMENDED]
    assert events(decided[0])[-1] == (
        Action.REOPEN_REPORT,
        Status.REPORTED,
        Status.RECOMMENDED,
        "第二份的事迹材料不全。",
    )
    report.refresh_from_db()
    assert (reopened.pk, report.reopened_by, report.reopened_at, report.reopen_reason, report.is_current) == (
        report.pk,
        city_user,
        later,
        "第二份的事迹材料不全。",
        False,
    )
    assert report.file.name and report.sha256  # the filed file is kept
    notice = Message.objects.get(kind=MessageKind.REPORT_REOPENED)
    assert (notice.organisation, "第二份的事迹材料不全。" in notice.body) == (body_a, True)
    assert ranks(*decided) == [1, None, 2]


def test_body_changes_and_files_again_after_reopen(campaign, decided, reviewer_a, city_user):
    first, _ = summary_file(user=reviewer_a, campaign=campaign)
    summary_reopen(user=city_user, report=first, reason="请调整。")
    decide(decided[0], reviewer_a, Action.RETURN, opinion="请补盖公章。")
    decide(decided[0], reviewer_a, Action.NOT_RECOMMEND, opinion="未按时修改。")

    second, created = summary_file(user=reviewer_a, campaign=campaign)
    assert (created, second.pk != first.pk, second.rows) == (True, True, 1)
    assert [r.pk for r in SummaryReport.objects.order_by("id")] == [first.pk, second.pk]
    assert [state(a)[0] for a in decided] == [Status.NOT_RECOMMENDED, Status.NOT_RECOMMENDED, Status.REPORTED]
    assert ranks(*decided) == [None, None, 1]


def test_summary_reopen_of_an_empty_filing(in_review, campaign, apps, reviewer_a, city_user):
    """A body that recommended nothing files an empty 汇总表; the city may still send it back."""
    for application in apps:
        decide(application, reviewer_a, Action.NOT_RECOMMEND, opinion="不符合条件。")
    report, _ = summary_file(user=reviewer_a, campaign=campaign)
    assert report.rows == 0
    summary_reopen(user=city_user, report=report, reason="请再审一次。")
    recommend(apps[0], reviewer_a)
    again, created = summary_file(user=reviewer_a, campaign=campaign)
    assert (created, again.rows) == (True, 1)


def test_summary_reopen_twice_refused(campaign, decided, reviewer_a, city_user):
    report, _ = summary_file(user=reviewer_a, campaign=campaign)
    summary_reopen(user=city_user, report=report, reason="请调整。")
    with pytest.raises(TransitionNotAllowed) as excinfo:
        summary_reopen(user=city_user, report=report, reason="再退一次。")
    assert excinfo.value.message == phrases.ALREADY_REOPENED
    assert Message.objects.filter(kind=MessageKind.REPORT_REOPENED).count() == 1


def test_summary_reopen_refused_once_an_application_passed(campaign, decided, reviewer_a, city_user):
    report, _ = summary_file(user=reviewer_a, campaign=campaign)
    with time_machine.travel(IN_ASSESSMENT, tick=False):
        transition(application=decided[0], action=Action.PASS, actor=city_user)
        with pytest.raises(TransitionNotAllowed) as excinfo:
            summary_reopen(user=city_user, report=report, reason="请调整。")
    assert excinfo.value.message == phrases.REOPEN_TOO_LATE
    assert [state(a)[0] for a in decided] == [Status.PASSED, Status.NOT_RECOMMENDED, Status.REPORTED]
    report.refresh_from_db()
    assert report.is_current is True


@pytest.mark.parametrize("reason", ["", "   \n"], ids=["empty", "blank"])
def test_summary_reopen_needs_a_reason(campaign, decided, reviewer_a, city_user, reason):
    report, _ = summary_file(user=reviewer_a, campaign=campaign)
    with pytest.raises(ValidationError) as excinfo:
        summary_reopen(user=city_user, report=report, reason=reason)
    assert excinfo.value.message_dict == {"reason": [phrases.REOPEN_REASON_REQUIRED]}
    assert state(decided[0])[0] == Status.REPORTED


@pytest.mark.parametrize("persona", ["applicant", "reviewer_a", "reviewer_b"])
def test_summary_reopen_only_by_the_city(campaign, decided, reviewer_a, request, persona):
    report, _ = summary_file(user=reviewer_a, campaign=campaign)
    with pytest.raises(PermissionDenied) as excinfo:
        summary_reopen(user=request.getfixturevalue(persona), report=report, reason="请调整。")
    assert str(excinfo.value) == phrases.ONLY_CITY
    assert state(decided[0])[0] == Status.REPORTED


def test_summary_reopen_after_the_deadline_then_filing_needs_an_extension(
    campaign, body_a, decided, reviewer_a, city_user
):
    report, _ = summary_file(user=reviewer_a, campaign=campaign)
    with time_machine.travel(SECOND_AFTER, tick=False):
        summary_reopen(user=city_user, report=report, reason="请调整。")
        with pytest.raises(StageClosed):
            summary_file(user=reviewer_a, campaign=campaign)
        extend(campaign, body_a, DEADLINE + dt.timedelta(days=2))
        again, created = summary_file(user=reviewer_a, campaign=campaign)
    assert (created, again.rows) == (True, 2)


# --- messages: written with the change, gone with its rollback ---


def test_messages_rolled_back_with_the_decision(in_review, apps, reviewer_a):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            recommend(apps[0], reviewer_a)
            assert messages(apps[0]) == [MessageKind.RECOMMENDED]
            raise RuntimeError("the request fails after the service")
    assert (state(apps[0]), events(apps[0]), messages(apps[0]), ranks(apps[0])) == (
        (Status.SUBMITTED, 1, "", None),
        [],
        [],
        [None],
    )


def test_messages_rolled_back_with_the_filing(campaign, decided, reviewer_a):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            summary_file(user=reviewer_a, campaign=campaign)
            raise RuntimeError("the request fails after the service")
    assert Message.objects.filter(kind=MessageKind.REPORTED).count() == 0
    assert SummaryReport.objects.count() == 0
    assert state(decided[0])[0] == Status.RECOMMENDED


def test_message_goes_to_the_units_active_users(in_review, apps, reviewer_a, unit):
    UserFactory(username="u1", email="b@unit.example", organisation=unit)
    UserFactory(username="u2", email="a@unit.example", organisation=unit)
    UserFactory(username="u3", email="gone@unit.example", organisation=unit, is_active=False)
    recommend(apps[0], reviewer_a)
    message = Message.objects.get(application=apps[0])
    assert (message.organisation, message.recipients) == (unit, "a@unit.example, b@unit.example")
    assert message.subject == "【柳州市巾帼文明岗】申报已获初审推荐：柳州市第一测试医院客服班组（2021-CZ-001）"
