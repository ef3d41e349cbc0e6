"""applications/workflow.py: the TRANSITIONS table, the one transition function, and the submit service."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from applications import phrases
from applications.models import Application, ApplicationEvent, Status
from applications.services import (
    APPLICATION_FIELDS,
    StaleForm,
    application_submit,
    application_update,
    application_withdraw,
)
from applications.workflow import (
    TRANSITIONS,
    Action,
    StaleDecision,
    TransitionNotAllowed,
    allowed_actions,
    transition,
)
from gangwei.models import Stage
from gangwei.roles import Role
from tests.factories import ApplicationFactory, UnitFactory, UserFactory, shanghai

# One instant inside each stage's window of the 2021 campaign.
IN_APPLY = shanghai(2020, 9, 1, 10, 0, 0)
IN_FIRST_REVIEW = shanghai(2020, 10, 1, 10, 0, 0)
IN_ASSESSMENT = shanghai(2021, 3, 1, 10, 0, 0)
IN_NAMING = shanghai(2021, 7, 15, 10, 0, 0)
INSTANT_FOR_STAGE = {
    Stage.APPLY: IN_APPLY,
    Stage.FIRST_REVIEW: IN_FIRST_REVIEW,
    Stage.ASSESSMENT: IN_ASSESSMENT,
    Stage.NAMING: IN_NAMING,
    None: IN_APPLY,
}
PERSONA_FOR_ROLE = {Role.APPLICANT: "applicant", Role.REVIEWER: "reviewer_a", Role.CITY: "city_user"}

NOT_IN_TABLE = [
    (status, action) for action, rule in TRANSITIONS.items() for status in Status.values if status not in rule.sources
]
# Every (action, source status) pair of the table: an action may have several sources.
PAIRS = [(action, source) for action, rule in TRANSITIONS.items() for source in sorted(rule.sources)]
PAIR_IDS = [f"{action}-from-{source}" for action, source in PAIRS]
WRONG_ROLES = [
    (action, source, role) for action, source in PAIRS for role in PERSONA_FOR_ROLE if role != TRANSITIONS[action].role
]


@pytest.fixture
def persona(request):
    """The user of a role: the applicant of `unit`, the reviewer of its body, or city staff."""

    def get(role: str):
        return request.getfixturevalue(PERSONA_FOR_ROLE[role])

    return get


def application_in(campaign, unit, status: str) -> Application:
    number = "" if status == Status.DRAFT else "2021-CZ-001"
    return ApplicationFactory(campaign=campaign, unit=unit, status=status, number=number)


def events_of(application: Application) -> list[tuple]:
    return list(
        ApplicationEvent.objects.filter(application=application).values_list(
            "action", "from_status", "to_status", "actor_id", "organisation_id", "note"
        )
    )


def state_of(application: Application) -> tuple:
    application.refresh_from_db()
    return application.status, application.number, application.version


# --- the table ---


def test_transitions_table_is_the_design():
    assert {
        action: (set(rule.sources), rule.target, rule.role, rule.stage) for action, rule in TRANSITIONS.items()
    } == {
        Action.SUBMIT: ({Status.DRAFT}, Status.SUBMITTED, Role.APPLICANT, Stage.APPLY),
        Action.WITHDRAW: ({Status.SUBMITTED}, Status.DRAFT, Role.APPLICANT, None),
        Action.RETURN: (
            {Status.SUBMITTED, Status.RECOMMENDED, Status.NOT_RECOMMENDED},
            Status.RETURNED,
            Role.REVIEWER,
            Stage.FIRST_REVIEW,
        ),
        Action.RESUBMIT: ({Status.RETURNED}, Status.SUBMITTED, Role.APPLICANT, Stage.FIRST_REVIEW),
        Action.RECOMMEND: (
            {Status.SUBMITTED, Status.NOT_RECOMMENDED},
            Status.RECOMMENDED,
            Role.REVIEWER,
            Stage.FIRST_REVIEW,
        ),
        Action.NOT_RECOMMEND: (
            {Status.SUBMITTED, Status.RECOMMENDED, Status.RETURNED},
            Status.NOT_RECOMMENDED,
            Role.REVIEWER,
            Stage.FIRST_REVIEW,
        ),
        Action.REPORT: ({Status.RECOMMENDED}, Status.REPORTED, Role.REVIEWER, Stage.FIRST_REVIEW),
        Action.PASS: ({Status.REPORTED}, Status.PASSED, Role.CITY, Stage.ASSESSMENT),
        Action.FAIL: ({Status.REPORTED}, Status.FAILED, Role.CITY, Stage.ASSESSMENT),
        Action.REOPEN_REPORT: ({Status.REPORTED}, Status.RECOMMENDED, Role.CITY, None),
        Action.NAME: ({Status.PASSED}, Status.NAMED, Role.CITY, Stage.NAMING),
        Action.NOT_NAME: ({Status.PASSED}, Status.NOT_NAMED, Role.CITY, Stage.NAMING),
    }
    assert {action for action, rule in TRANSITIONS.items() if rule.needs_note} == {
        Action.RETURN,
        Action.NOT_RECOMMEND,
        Action.REOPEN_REPORT,
    }


def test_transitions_every_pair_counted():
    assert len(PAIRS) == 17
    assert len(NOT_IN_TABLE) == len(Status.values) * len(Action.values) - len(PAIRS) == 103


@pytest.mark.parametrize(("status", "action"), NOT_IN_TABLE, ids=[f"{s}-{a}" for s, a in NOT_IN_TABLE])
def test_transition_not_in_table_refused(campaign, unit, persona, status, action):
    application = application_in(campaign, unit, status)
    rule = TRANSITIONS[action]
    with time_machine.travel(INSTANT_FOR_STAGE[rule.stage], tick=False):
        with pytest.raises(TransitionNotAllowed) as excinfo:
            transition(application=application, action=action, actor=persona(rule.role), note="理由")
    assert excinfo.value.message == (
        f"当前状态为“{Status(status).label}”，不能{Action(action).label}。页面可能已过期，请刷新后查看。"
    )
    assert state_of(application) == (status, application.number, 1)
    assert events_of(application) == []


def test_transition_unknown_action_refused(application, applicant):
    with pytest.raises(TransitionNotAllowed) as excinfo:
        transition(application=application, action="approve_everything", actor=applicant)
    assert excinfo.value.message == "未知的操作。"
    assert state_of(application) == (Status.DRAFT, "", 1)


@pytest.mark.parametrize(("action", "source"), PAIRS, ids=PAIR_IDS)
def test_transition_allowed_moves_status_and_writes_one_event(campaign, unit, persona, action, source):
    rule = TRANSITIONS[action]
    application = application_in(campaign, unit, source)
    actor = persona(rule.role)
    instant = INSTANT_FOR_STAGE[rule.stage]
    with time_machine.travel(instant, tick=False):
        moved = transition(application=application, action=action, actor=actor, note="  材料齐全，情况属实。\n")
    assert moved.status == rule.target
    assert state_of(application) == (rule.target, application.number, 2)
    assert events_of(application) == [
        (action, source, rule.target, actor.pk, actor.organisation_id, "材料齐全，情况属实。")
    ]
    assert list(application.events.values_list("created_at", flat=True)) == [instant]


@pytest.mark.parametrize("action", [Action.SUBMIT, Action.RESUBMIT])
def test_transition_to_submitted_records_submitted_at(campaign, unit, applicant, action):
    (source,) = TRANSITIONS[action].sources
    application = application_in(campaign, unit, source)
    instant = INSTANT_FOR_STAGE[TRANSITIONS[action].stage]
    with time_machine.travel(instant, tick=False):
        transition(application=application, action=action, actor=applicant)
    application.refresh_from_db()
    assert application.submitted_at == instant


def test_transition_event_failure_rolls_back_status(application, applicant):
    """The event row is written in the transaction of the change: when it cannot be written,
    the status stays as it was."""

    def unserialisable_snapshot(app):
        return {"leaders": object()}

    with time_machine.travel(IN_APPLY, tick=False):
        with pytest.raises(TypeError):
            transition(application=application, action=Action.SUBMIT, actor=applicant, snapshot=unserialisable_snapshot)
    assert state_of(application) == (Status.DRAFT, "", 1)
    assert events_of(application) == []


@pytest.mark.parametrize(
    ("action", "source", "role"), WRONG_ROLES, ids=[f"{a}-from-{s}-by-{r}" for a, s, r in WRONG_ROLES]
)
def test_transition_wrong_role_denied(campaign, unit, persona, action, source, role):
    application = application_in(campaign, unit, source)
    with time_machine.travel(INSTANT_FOR_STAGE[TRANSITIONS[action].stage], tick=False):
        with pytest.raises(PermissionDenied) as excinfo:
            transition(application=application, action=action, actor=persona(role), note="理由")
    assert str(excinfo.value) == "您无权对此申报执行该操作。"
    assert state_of(application) == (source, application.number, 1)
    assert events_of(application) == []


REVIEWER_PAIRS = [(a, s) for a, s in PAIRS if TRANSITIONS[a].role == Role.REVIEWER]
APPLICANT_PAIRS = [(a, s) for a, s in PAIRS if TRANSITIONS[a].role == Role.APPLICANT]


@pytest.mark.parametrize(("action", "source"), REVIEWER_PAIRS, ids=[f"{a}-from-{s}" for a, s in REVIEWER_PAIRS])
def test_transition_reviewer_of_another_district_denied(campaign, unit, reviewer_b, action, source):
    application = application_in(campaign, unit, source)
    with time_machine.travel(IN_FIRST_REVIEW, tick=False):
        with pytest.raises(PermissionDenied) as excinfo:
            transition(application=application, action=action, actor=reviewer_b, note="理由")
    assert str(excinfo.value) == "您无权对此申报执行该操作。"
    assert state_of(application) == (source, application.number, 1)
    assert events_of(application) == []


@pytest.mark.parametrize(("action", "source"), APPLICANT_PAIRS, ids=[f"{a}-from-{s}" for a, s in APPLICANT_PAIRS])
def test_transition_other_unit_denied(campaign, unit, other_applicant, action, source):
    application = application_in(campaign, unit, source)
    with time_machine.travel(INSTANT_FOR_STAGE[TRANSITIONS[action].stage], tick=False):
        with pytest.raises(PermissionDenied) as excinfo:
            transition(application=application, action=action, actor=other_applicant)
    assert str(excinfo.value) == "您无权对此申报执行该操作。"
    assert state_of(application) == (source, application.number, 1)


NOTE_PAIRS = [(a, s) for a, s in PAIRS if TRANSITIONS[a].needs_note]


@pytest.mark.parametrize(("action", "source"), NOTE_PAIRS, ids=[f"{a}-from-{s}" for a, s in NOTE_PAIRS])
@pytest.mark.parametrize("note", ["", "  \n\u3000"], ids=["empty", "whitespace"])
def test_transition_needs_note_without_note_refused(campaign, unit, persona, action, source, note):
    application = application_in(campaign, unit, source)
    rule = TRANSITIONS[action]
    with time_machine.travel(INSTANT_FOR_STAGE[rule.stage], tick=False):
        with pytest.raises(ValidationError) as excinfo:
            transition(application=application, action=action, actor=persona(rule.role), note=note)
    assert excinfo.value.message_dict == {"note": [f"{Action(action).label}必须写明理由。"]}
    assert state_of(application) == (source, "2021-CZ-001", 1)
    assert events_of(application) == []


# --- expected_version: a colleague's decision in between is refused, not decided over ---


def test_transition_expected_version_current_accepted(campaign, unit, reviewer_a):
    application = application_in(campaign, unit, Status.SUBMITTED)
    with time_machine.travel(IN_FIRST_REVIEW, tick=False):
        transition(application=application, action=Action.RECOMMEND, actor=reviewer_a, expected_version=1)
    assert state_of(application) == (Status.RECOMMENDED, "2021-CZ-001", 2)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (Action.RECOMMEND, Action.RECOMMEND),
        (Action.RECOMMEND, Action.RETURN),
        (Action.NOT_RECOMMEND, Action.RECOMMEND),
        (Action.RETURN, Action.NOT_RECOMMEND),
    ],
)
def test_transition_stale_version_refused(campaign, unit, reviewer_a, first, second):
    """Both pages showed version 1; the second decision is refused whether or not the table would
    allow it from the new status, and says what the application is now."""
    application = application_in(campaign, unit, Status.SUBMITTED)
    with time_machine.travel(IN_FIRST_REVIEW, tick=False):
        moved = transition(application=application, action=first, actor=reviewer_a, note="理由一", expected_version=1)
        with pytest.raises(StaleDecision) as excinfo:
            transition(application=application, action=second, actor=reviewer_a, note="理由二", expected_version=1)
    assert excinfo.value.message == (
        f"这份申报已被他人处理（当前状态：“{Status(moved.status).label}”），您的操作没有执行。请查看最新情况后再决定。"
    )
    assert isinstance(excinfo.value, TransitionNotAllowed)
    assert state_of(application) == (TRANSITIONS[first].target, "2021-CZ-001", 2)
    assert [e[0] for e in events_of(application)] == [first]


def test_allowed_actions_by_persona(campaign, unit, applicant, reviewer_a, reviewer_b, city_user, other_applicant):
    application = application_in(campaign, unit, Status.SUBMITTED)
    assert {
        user.username: allowed_actions(application, user)
        for user in (applicant, reviewer_a, reviewer_b, city_user, other_applicant)
    } == {
        "applicant": [Action.WITHDRAW],
        "reviewer_a": [Action.RETURN, Action.RECOMMEND, Action.NOT_RECOMMEND],
        "reviewer_b": [],
        "city": [],
        "other_applicant": [],
    }


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.SUBMITTED, ([Action.WITHDRAW], [Action.RETURN, Action.RECOMMEND, Action.NOT_RECOMMEND], [])),
        (Status.RECOMMENDED, ([], [Action.RETURN, Action.NOT_RECOMMEND, Action.REPORT], [])),
        (Status.NOT_RECOMMENDED, ([], [Action.RETURN, Action.RECOMMEND], [])),
        (Status.RETURNED, ([Action.RESUBMIT], [Action.NOT_RECOMMEND], [])),
        (Status.REPORTED, ([], [], [Action.PASS, Action.FAIL, Action.REOPEN_REPORT])),
    ],
)
def test_allowed_actions_in_review_statuses(
    campaign, unit, applicant, reviewer_a, reviewer_b, city_user, status, expected
):
    application = application_in(campaign, unit, status)
    assert tuple(allowed_actions(application, user) for user in (applicant, reviewer_a, city_user)) == expected
    assert allowed_actions(application, reviewer_b) == []


# --- application_submit: 申报编号, withdraw, resubmit, double submission ---


@pytest.fixture
def second_applicant(body_a):
    return UserFactory(username="second", organisation=UnitFactory(name="柳州市第三测试学校", parent=body_a))


@pytest.fixture
def second_application(campaign, second_applicant):
    return ApplicationFactory(campaign=campaign, unit=second_applicant.organisation)


def test_application_submit_numbers_sequentially_per_body(
    application, applicant, second_application, second_applicant, other_application, other_applicant
):
    with time_machine.travel(IN_APPLY, tick=False):
        first = application_submit(application=application, user=applicant)
        other = application_submit(application=other_application, user=other_applicant)
        second = application_submit(application=second_application, user=second_applicant)
    assert [first.number, second.number, other.number] == ["2021-CZ-001", "2021-CZ-002", "2021-YF-001"]
    assert sorted(Application.objects.values_list("number", flat=True)) == [
        "2021-CZ-001",
        "2021-CZ-002",
        "2021-YF-001",
    ]


def test_application_submit_withdraw_then_resubmit_keeps_number(
    application, applicant, second_application, second_applicant
):
    with time_machine.travel(IN_APPLY, tick=False):
        application_submit(application=application, user=applicant)
        application_withdraw(application=Application.objects.get(pk=application.pk), user=applicant)
        assert state_of(application) == (Status.DRAFT, "2021-CZ-001", 3)
        application_submit(application=second_application, user=second_applicant)
        application_submit(application=Application.objects.get(pk=application.pk), user=applicant)
    assert state_of(application) == (Status.SUBMITTED, "2021-CZ-001", 4)
    assert state_of(second_application) == (Status.SUBMITTED, "2021-CZ-002", 2)
    assert [e[:3] for e in events_of(application)] == [
        (Action.SUBMIT, Status.DRAFT, Status.SUBMITTED),
        (Action.WITHDRAW, Status.SUBMITTED, Status.DRAFT),
        (Action.SUBMIT, Status.DRAFT, Status.SUBMITTED),
    ]


def test_application_submit_after_return_keeps_number(application, applicant, reviewer_a):
    with time_machine.travel(IN_APPLY, tick=False):
        application_submit(application=application, user=applicant)
    with time_machine.travel(IN_FIRST_REVIEW, tick=False):
        transition(application=application, action=Action.RETURN, actor=reviewer_a, note="请补充具体事迹")
        resubmitted = application_submit(application=Application.objects.get(pk=application.pk), user=applicant)
    assert (resubmitted.status, resubmitted.number) == (Status.SUBMITTED, "2021-CZ-001")
    assert events_of(application) == [
        (Action.SUBMIT, Status.DRAFT, Status.SUBMITTED, applicant.pk, applicant.organisation_id, ""),
        (Action.RETURN, Status.SUBMITTED, Status.RETURNED, reviewer_a.pk, reviewer_a.organisation_id, "请补充具体事迹"),
        (Action.RESUBMIT, Status.RETURNED, Status.SUBMITTED, applicant.pk, applicant.organisation_id, ""),
    ]


def test_application_submit_twice_is_harmless(application, applicant):
    with time_machine.travel(IN_APPLY, tick=False):
        application_submit(application=application, user=applicant)
        # `application` is the page's stale copy, still a draft in memory: the second click.
        with pytest.raises(TransitionNotAllowed) as excinfo:
            application_submit(application=application, user=applicant)
    assert excinfo.value.message == "当前状态为“已提交，待初审”，不能提交申报。页面可能已过期，请刷新后查看。"
    assert state_of(application) == (Status.SUBMITTED, "2021-CZ-001", 2)
    assert len(events_of(application)) == 1


def test_application_submit_snapshot_is_the_submitted_content(application, applicant):
    with time_machine.travel(IN_APPLY, tick=False):
        application_submit(application=application, user=applicant)
    snapshot = application.events.get().snapshot
    assert (snapshot["applicant_name"], snapshot["staff_total"], snapshot["staff_women"], snapshot["leaders"]) == (
        "柳州市第一测试医院客服班组",
        5,
        3,
        [{"name": "覃丽", "gender": "F", "title": "班组长", "phone": "13907721111"}],
    )


def test_application_submit_incomplete_refused(campaign, unit, applicant):
    application = ApplicationFactory(
        campaign=campaign, unit=unit, achievements=" \n", staff_women=2, pledge=False, rows=[]
    )
    with time_machine.travel(IN_APPLY, tick=False):
        with pytest.raises(ValidationError) as excinfo:
            application_submit(application=application, user=applicant)
    assert set(excinfo.value.message_dict) == {"achievements", "staff_women", "leaders", "pledge"}
    assert excinfo.value.message_dict == {
        "achievements": ["请填写主要事迹。"],
        "staff_women": ["女性占比为40.0%，未达到60%（5人的岗位至少需要3名女性）。"],
        "leaders": ["请至少填写1名岗位负责人。"],
        "pledge": ["请确认本岗位符合通知第二部分的五项创建条件。"],
    }
    assert state_of(application) == (Status.DRAFT, "", 1)
    assert events_of(application) == []


def test_application_submit_refused_does_not_use_a_number(
    campaign, unit, applicant, second_application, second_applicant
):
    incomplete = ApplicationFactory(campaign=campaign, unit=unit, pledge=False)
    with time_machine.travel(IN_APPLY, tick=False):
        with pytest.raises(ValidationError):
            application_submit(application=incomplete, user=applicant)
        application_submit(application=second_application, user=second_applicant)
    assert state_of(second_application)[1] == "2021-CZ-001"


# --- stale forms ---


def _form(application, **changes) -> dict:
    return {**{name: getattr(application, name) for name in APPLICATION_FIELDS}, **changes}


def test_application_update_stale_version_refused(application, applicant):
    loaded_version = application.version
    leaders = [{"name": "覃丽", "gender": "F", "title": "班组长", "phone": "13907721111"}]
    with time_machine.travel(IN_APPLY, tick=False):
        application_update(
            application=application,
            user=applicant,
            version=loaded_version,
            data=_form(application, post_name="第一个窗口的岗位名称"),
            leaders=leaders,
            honours=[],
        )
        with pytest.raises(StaleForm) as excinfo:
            application_update(
                application=application,
                user=applicant,
                version=loaded_version,
                data=_form(application, post_name="第二个窗口的岗位名称", staff_total=9),
                leaders=[],
                honours=[],
            )
    assert excinfo.value.message == phrases.STALE_FORM
    application.refresh_from_db()
    assert (application.post_name, application.staff_total, application.version) == ("第一个窗口的岗位名称", 5, 2)
    assert list(application.leaders.values_list("name", flat=True)) == ["覃丽"]
    assert [e[0] for e in events_of(application)] == ["edit"]


# --- the e-mail receipt, after commit ---


@pytest.fixture
def unit_mailboxes(applicant, unit, other_unit):
    applicant.email = "kefu@hospital.example"
    applicant.save(update_fields=["email"])
    UserFactory(username="colleague", email="huli@hospital.example", organisation=unit)
    UserFactory(username="retired", email="old@hospital.example", organisation=unit, is_active=False)
    UserFactory(username="no_mail", email="", organisation=unit)
    UserFactory(username="stranger", email="stranger@example.com", organisation=other_unit)


def test_application_submit_sends_receipt_after_commit(
    application, applicant, unit_mailboxes, mailoutbox, django_capture_on_commit_callbacks, deliver_outbox
):
    with time_machine.travel(IN_APPLY, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            application_submit(application=application, user=applicant)
        assert mailoutbox == []  # queued with the submission, sent by the worker
        deliver_outbox()
    assert [(m.subject, m.to, m.from_email) for m in mailoutbox] == [
        (
            "【柳州市巾帼文明岗】申报已提交：柳州市第一测试医院客服班组（2021-CZ-001）",
            ["huli@hospital.example", "kefu@hospital.example"],
            settings.DEFAULT_FROM_EMAIL,
        )
    ]
    lines = mailoutbox[0].body.splitlines()
    assert [line for line in lines if line.startswith(("申报编号", "提交时间", "初审单位"))] == [
        "申报编号：2021-CZ-001",
        "提交时间：2020年9月1日 10:00:00",
        "初审单位：柳州市城中区妇女联合会",
    ]


def test_application_submit_refused_sends_nothing(
    campaign, unit, applicant, unit_mailboxes, mailoutbox, django_capture_on_commit_callbacks, deliver_outbox
):
    incomplete = ApplicationFactory(campaign=campaign, unit=unit, pledge=False)
    with time_machine.travel(IN_APPLY, tick=False):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(ValidationError):
                application_submit(application=incomplete, user=applicant)
        deliver_outbox()
    assert callbacks == []
    assert mailoutbox == []


def test_application_withdraw_sends_nothing(
    application, applicant, mailoutbox, django_capture_on_commit_callbacks, deliver_outbox
):
    with time_machine.travel(IN_APPLY, tick=False):
        application_submit(application=application, user=applicant)
        deliver_outbox()
        mailoutbox.clear()  # the receipt of the submission
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            application_withdraw(application=Application.objects.get(pk=application.pk), user=applicant)
        deliver_outbox()
    assert callbacks == []
    assert mailoutbox == []


def test_application_submit_time_zone_of_receipt(
    application, applicant, mailoutbox, django_capture_on_commit_callbacks, deliver_outbox
):
    # 2020-09-20 15:30Z is 23:30 in Liuzhou: the receipt shows local time.
    with time_machine.travel(dt.datetime(2020, 9, 20, 15, 30, 0, tzinfo=dt.UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            application_submit(application=application, user=applicant)
        deliver_outbox()
    assert [line for line in mailoutbox[0].body.splitlines() if line.startswith("提交时间")] == [
        "提交时间：2020年9月20日 23:30:00"
    ]


def test_a_unit_moved_to_another_body_since_it_was_read_is_refused(campaign, unit, body_b, applicant):
    """transition() locks the body the caller read with the unit; a unit moved meanwhile would leave its
    new body unlocked, so the change is refused, nothing written."""
    from applications.access import get_application_for
    from gangwei.models import Organisation

    application = application_in(campaign, unit, Status.DRAFT)
    read = get_application_for(applicant, application.key, write=True)  # the unit with its body, cached
    Organisation.objects.filter(pk=unit.pk).update(parent=body_b)  # an administrator moves the unit
    with time_machine.travel(IN_APPLY, tick=False):
        with pytest.raises(TransitionNotAllowed) as refused:
            application_submit(application=read, user=applicant)
    assert refused.value.message == "所属初审单位刚刚变更，您的操作没有执行。请刷新页面后重试。"
    assert (state_of(application), events_of(application)) == ((Status.DRAFT, "", 1), [])
    # Read again, the application goes to its new body's queue.
    with time_machine.travel(IN_APPLY, tick=False):
        submitted = application_submit(application=get_application_for(applicant, application.key), user=applicant)
    assert (submitted.status, submitted.number) == (Status.SUBMITTED, "2021-YF-001")
