"""Deadline reminders (manage.py send_reminders): written once per organisation and deadline, only
within the campaign's reminder days, extensions counted; delivered by the worker."""

from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from applications.models import Message, MessageKind, MessageState, Status
from gangwei.models import DeadlineExtension, Stage
from tests.factories import ApplicationFactory, UnitFactory, UserFactory, shanghai


def run() -> str:
    out = StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


def reminders() -> list[tuple]:
    return list(
        Message.objects.filter(kind__in=[MessageKind.REMINDER_APPLY, MessageKind.REMINDER_REVIEW])
        .order_by("id")
        .values_list("kind", "organisation__name", "recipients", "dedupe_key")
    )


@pytest.fixture
def addresses(applicant, reviewer_a):
    applicant.email = "kefu@hospital.example"
    applicant.save(update_fields=["email"])
    reviewer_a.email = "chuzhen@czfl.example"
    reviewer_a.save(update_fields=["email"])


# --- 申报截止 --------------------------------------------------------------------------------------


def test_draft_reminded_once_across_two_runs(application, addresses, deliver_outbox):
    with time_machine.travel(shanghai(2020, 9, 18, 9, 0, 0), tick=False):
        first = run()
        second = run()
        deliver_outbox()

    assert first == (
        "已排入提醒：柳州市第一测试医院（申报截止 2020年9月20日 23:59:59，1 份申报）\n"
        "共排入 1 封提醒邮件；此前已提醒、本次跳过 0 封。\n"
    )
    assert second == "共排入 0 封提醒邮件；此前已提醒、本次跳过 1 封。\n"
    assert reminders() == [
        (
            MessageKind.REMINDER_APPLY,
            "柳州市第一测试医院",
            "kefu@hospital.example",
            f"reminder:apply:2021:{application.unit_id}:2020-09-20T15:59:59+00:00",
        )
    ]
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("【柳州市巾帼文明岗】申报将于2020年9月20日 23:59:59截止，您有未提交的申报表", ["kefu@hospital.example"])
    ]
    assert "- 柳州市第一测试医院客服班组（客服班组）" in mail.outbox[0].body.splitlines()
    assert "登录系统：http://127.0.0.1:8000/" in mail.outbox[0].body.splitlines()
    assert Message.objects.get(kind=MessageKind.REMINDER_APPLY).application_id == application.pk


@pytest.mark.parametrize(
    "moment",
    [
        shanghai(2020, 9, 17, 23, 59, 58),  # more than 3 days before
        shanghai(2020, 9, 21, 0, 0, 0),  # after the deadline
    ],
)
def test_nothing_outside_the_window(application, addresses, moment):
    with time_machine.travel(moment, tick=False):
        assert run() == "共排入 0 封提醒邮件；此前已提醒、本次跳过 0 封。\n"
    assert reminders() == []


def test_window_starts_reminder_days_before(application, addresses):
    with time_machine.travel(shanghai(2020, 9, 17, 23, 59, 59), tick=False):  # exactly 3 days before
        run()
    assert [r[0] for r in reminders()] == [MessageKind.REMINDER_APPLY]


def test_no_reminder_days_no_reminder(application, addresses, campaign):
    campaign.reminder_days = 0
    campaign.save()
    with time_machine.travel(shanghai(2020, 9, 20, 12, 0, 0), tick=False):
        run()
    assert reminders() == []


def test_submitted_unit_is_not_reminded_of_the_apply_deadline(campaign, unit, addresses, other_unit):
    ApplicationFactory(campaign=campaign, unit=unit, status=Status.SUBMITTED, number="2021-CZ-001")
    ApplicationFactory(campaign=campaign, unit=other_unit)  # a draft of the other district
    with time_machine.travel(shanghai(2020, 9, 19, 9, 0, 0), tick=False):
        run()
    assert [(r[0], r[1]) for r in reminders()] == [(MessageKind.REMINDER_APPLY, "柳州市第二测试公司")]


def test_one_reminder_per_unit_however_many_drafts(campaign, unit, addresses):
    ApplicationFactory(campaign=campaign, unit=unit, applicant_name="儿科护理组")
    ApplicationFactory(campaign=campaign, unit=unit, applicant_name="急诊护理组")
    with time_machine.travel(shanghai(2020, 9, 19, 9, 0, 0), tick=False):
        assert run().splitlines()[0] == "已排入提醒：柳州市第一测试医院（申报截止 2020年9月20日 23:59:59，2 份申报）"
    message = Message.objects.get()
    assert (message.application_id, message.body.count("\n- ")) == (None, 2)


def test_extension_moves_the_reminder(application, addresses, campaign, unit, superuser):
    DeadlineExtension.objects.create(
        campaign=campaign, organisation=unit, stage=Stage.APPLY, closes_at=shanghai(2020, 9, 30, 23, 59, 59),
        reason="疫情防控", granted_by=superuser,
    )
    other = UnitFactory(name="柳州市第三测试单位", parent=unit.parent)
    ApplicationFactory(campaign=campaign, unit=other)
    UserFactory(username="third", email="third@example.com", organisation=other)

    with time_machine.travel(shanghai(2020, 9, 19, 9, 0, 0), tick=False):
        run()  # the campaign's deadline is near for the other unit, not for the extended one
    assert [r[1] for r in reminders()] == ["柳州市第三测试单位"]

    with time_machine.travel(shanghai(2020, 9, 28, 9, 0, 0), tick=False):
        assert run().splitlines()[0] == "已排入提醒：柳州市第一测试医院（申报截止 2020年9月30日 23:59:59，1 份申报）"
        run()
    assert [(r[1], r[3]) for r in reminders()] == [
        ("柳州市第三测试单位", f"reminder:apply:2021:{other.pk}:2020-09-20T15:59:59+00:00"),
        ("柳州市第一测试医院", f"reminder:apply:2021:{unit.pk}:2020-09-30T15:59:59+00:00"),
    ]


# --- 初审截止 --------------------------------------------------------------------------------------


def test_body_with_undecided_applications_reminded_once(campaign, unit, addresses, body_a, deliver_outbox):
    ApplicationFactory(campaign=campaign, unit=unit, status=Status.SUBMITTED, number="2021-CZ-001")
    ApplicationFactory(campaign=campaign, unit=unit, status=Status.SUBMITTED, number="2021-CZ-002",
                       applicant_name="儿科护理组")
    ApplicationFactory(campaign=campaign, unit=unit, status=Status.RECOMMENDED, number="2021-CZ-003")

    with time_machine.travel(shanghai(2020, 10, 15, 9, 0, 0), tick=False):
        first = run()
        second = run()
        deliver_outbox()

    assert first == (
        "已排入提醒：柳州市城中区妇女联合会（初审截止 2020年10月16日 23:59:59，2 份申报）\n"
        "共排入 1 封提醒邮件；此前已提醒、本次跳过 0 封。\n"
    )
    assert second == "共排入 0 封提醒邮件；此前已提醒、本次跳过 1 封。\n"
    assert reminders() == [
        (
            MessageKind.REMINDER_REVIEW,
            "柳州市城中区妇女联合会",
            "chuzhen@czfl.example",
            f"reminder:review:2021:{body_a.pk}:2020-10-16T15:59:59+00:00",
        )
    ]
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("【柳州市巾帼文明岗】初审将于2020年10月16日 23:59:59截止，还有 2 份申报待初审", ["chuzhen@czfl.example"])
    ]
    lines = mail.outbox[0].body.splitlines()
    assert [line for line in lines if line.startswith("- ")] == [
        "- 柳州市第一测试医院客服班组（申报编号 2021-CZ-001，柳州市第一测试医院）",
        "- 儿科护理组（申报编号 2021-CZ-002，柳州市第一测试医院）",
    ]


def test_returned_application_reminded_to_its_unit(campaign, unit, addresses):
    returned = ApplicationFactory(campaign=campaign, unit=unit, status=Status.RETURNED, number="2021-CZ-001")
    with time_machine.travel(shanghai(2020, 10, 14, 9, 0, 0), tick=False):
        run()
        run()
    message = Message.objects.get()
    assert (message.kind, message.organisation_id, message.application_id, message.state, message.subject) == (
        MessageKind.REMINDER_REVIEW,
        unit.pk,
        returned.pk,
        MessageState.PENDING,
        "【柳州市巾帼文明岗】退回修改的申报须在2020年10月16日 23:59:59前重新提交",
    )


def test_body_without_undecided_not_reminded(campaign, unit, addresses):
    ApplicationFactory(campaign=campaign, unit=unit, status=Status.RECOMMENDED, number="2021-CZ-001")
    with time_machine.travel(shanghai(2020, 10, 15, 9, 0, 0), tick=False):
        run()
    assert reminders() == []


def test_body_extension_respected(campaign, unit, addresses, body_a, superuser):
    ApplicationFactory(campaign=campaign, unit=unit, status=Status.SUBMITTED, number="2021-CZ-001")
    DeadlineExtension.objects.create(
        campaign=campaign, organisation=body_a, stage=Stage.FIRST_REVIEW,
        closes_at=shanghai(2020, 10, 30, 23, 59, 59), reason="汛期", granted_by=superuser,
    )
    with time_machine.travel(shanghai(2020, 10, 15, 9, 0, 0), tick=False):
        run()
    assert reminders() == []
    with time_machine.travel(shanghai(2020, 10, 29, 9, 0, 0), tick=False):
        run()
    assert [r[3] for r in reminders()] == [f"reminder:review:2021:{body_a.pk}:2020-10-30T15:59:59+00:00"]


def test_body_without_address_is_kept_as_no_recipient(campaign, unit, body_a):
    ApplicationFactory(campaign=campaign, unit=unit, status=Status.SUBMITTED, number="2021-CZ-001")
    with time_machine.travel(shanghai(2020, 10, 15, 9, 0, 0), tick=False):
        run()
    assert list(Message.objects.values_list("state", "recipients")) == [(MessageState.NO_RECIPIENT, "")]
