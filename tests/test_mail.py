"""Messages that are never lost (DESIGN §8): written with the change, delivered by the worker,
retried with backoff, never sent twice, listed with their state on the application's page."""

import datetime as dt
import html
import re
import smtplib
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from applications.mail import MAX_ATTEMPTS, backoff, deliver, deliver_due, deliver_message, queue_message
from applications.models import Application, Message, MessageKind, MessageState, Status
from applications.services import application_submit
from applications.workflow import Action
from review.services import review_decide
from tests.factories import UserFactory, shanghai

START = shanghai(2020, 9, 1, 10, 0, 0)
SUBJECT_RETURNED = "【柳州市巾帼文明岗】申报已退回修改：柳州市第一测试医院客服班组（2021-CZ-001）"


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that is down: every send raises, as smtplib does."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed: 421 mx.example.org closing " + "x" * 600)


class RefusedConnectionBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


REFUSING = "tests.test_mail.RefusingBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _applicant_address(db, request):
    if "applicant" in request.fixturenames:
        applicant = request.getfixturevalue("applicant")
        applicant.email = "kefu@hospital.example"
        applicant.save(update_fields=["email"])


@pytest.fixture
def submitted(clock, application, applicant, deliver_outbox):
    """The unit's application, submitted (its receipt delivered and cleared from the outbox)."""
    application_submit(application=application, user=applicant)
    deliver_outbox()
    mail.outbox.clear()
    return Application.objects.get(pk=application.pk)


def decide_return(application, reviewer):
    return review_decide(
        application=application, user=reviewer, action=Action.RETURN, opinion="请补充岗位负责人电话。",
        version=application.version,
    )


def returned_message() -> Message:
    return Message.objects.get(kind=MessageKind.RETURNED)


def state_of(message: Message) -> tuple:
    message.refresh_from_db()
    return message.state, message.attempts, message.next_attempt_at, message.sent_at


# --- written with the decision -------------------------------------------------------------------


def test_message_written_in_the_decisions_transaction(submitted, reviewer_a, deliver_outbox):
    tasks_before = DBTaskResult.objects.count()

    decide_return(submitted, reviewer_a)

    message = returned_message()
    assert (message.subject, message.state, message.recipients) == (
        SUBJECT_RETURNED, MessageState.PENDING, "kefu@hospital.example"
    )
    assert DBTaskResult.objects.count() == tasks_before + 1
    assert mail.outbox == []  # nothing touches SMTP in the decision
    deliver_outbox()
    assert [(m.subject, m.to) for m in mail.outbox] == [(SUBJECT_RETURNED, ["kefu@hospital.example"])]


def test_decision_rolled_back_leaves_no_message_nor_task(submitted, reviewer_a, deliver_outbox):
    tasks_before = DBTaskResult.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        decide_return(submitted, reviewer_a)
        assert Message.objects.filter(kind=MessageKind.RETURNED).count() == 1
        raise RuntimeError("the decision's transaction fails after the message was written")

    assert Message.objects.filter(kind=MessageKind.RETURNED).count() == 0
    assert DBTaskResult.objects.count() == tasks_before
    assert Application.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    assert deliver_outbox() == 0
    assert mail.outbox == []


def test_submission_writes_its_receipt_with_the_submission(clock, application, applicant):
    application_submit(application=application, user=applicant)

    assert list(Message.objects.values_list("kind", "state", "application_id")) == [
        (MessageKind.SUBMITTED, MessageState.PENDING, application.pk)
    ]


# --- SMTP down: the decision stands, the message waits ---------------------------------------------


def test_smtp_failure_marks_failed_and_decision_stands(submitted, reviewer_a, deliver_outbox, settings, clock):
    decide_return(submitted, reviewer_a)
    settings.EMAIL_BACKEND = REFUSING

    deliver_outbox()

    message = returned_message()
    assert state_of(message) == (MessageState.FAILED, 1, START + dt.timedelta(minutes=1), None)
    assert message.last_error.startswith("SMTPServerDisconnected: Connection unexpectedly closed: 421")
    assert len(message.last_error) == 500
    assert Application.objects.get(pk=submitted.pk).status == Status.RETURNED
    assert mail.outbox == []

    # The retry is not due yet; a minute later, with the server back, it goes out.
    settings.EMAIL_BACKEND = LOCMEM
    assert deliver_outbox() == 0
    clock.shift(dt.timedelta(minutes=1))
    deliver_outbox()

    assert state_of(message) == (MessageState.SENT, 1, None, START + dt.timedelta(minutes=1))
    assert [(m.subject, m.to) for m in mail.outbox] == [(SUBJECT_RETURNED, ["kefu@hospital.example"])]
    assert "请补充岗位负责人电话。" in mail.outbox[0].body
    assert f"http://127.0.0.1:8000/apply/{submitted.key}/" in mail.outbox[0].body


def test_refused_connection_is_a_failure_too(submitted, reviewer_a, deliver_outbox, settings):
    decide_return(submitted, reviewer_a)
    settings.EMAIL_BACKEND = "tests.test_mail.RefusedConnectionBackend"

    deliver_outbox()

    message = returned_message()
    assert (message.state, message.attempts, message.last_error) == (
        MessageState.FAILED, 1, "ConnectionRefusedError: [Errno 111] Connection refused"
    )


def test_backoff_schedule():
    assert [backoff(n) // dt.timedelta(minutes=1) for n in range(1, 8)] == [1, 5, 15, 60, 60, 60, 60]


def test_retries_follow_the_backoff_and_give_up_after_the_last(submitted, reviewer_a, deliver_outbox, settings, clock):
    decide_return(submitted, reviewer_a)
    settings.EMAIL_BACKEND = REFUSING
    message = returned_message()
    waits = []

    deliver_outbox()
    while True:
        message.refresh_from_db()
        if message.state != MessageState.FAILED:
            break
        waits.append((message.next_attempt_at - dt.datetime.now(dt.UTC)) // dt.timedelta(minutes=1))
        clock.move_to(message.next_attempt_at)
        assert deliver_outbox() == 1

    assert waits == [1, 5, 15] + [60] * (MAX_ATTEMPTS - 4)
    assert (message.state, message.attempts, message.next_attempt_at) == (MessageState.GAVE_UP, MAX_ATTEMPTS, None)
    clock.shift(dt.timedelta(days=30))
    assert deliver_outbox() == 0
    assert deliver_due() == {}
    assert mail.outbox == []


# --- never twice ---------------------------------------------------------------------------------


def test_no_duplicate_send_when_delivered_twice(submitted, reviewer_a, deliver_outbox):
    decide_return(submitted, reviewer_a)
    message = returned_message()
    deliver_message.enqueue(message.pk)  # a second task for the same message

    assert deliver_due() == {MessageState.SENT: 1}  # the sweeper first
    deliver_outbox()  # then both tasks
    assert deliver(message.pk) is None

    assert len(mail.outbox) == 1
    assert state_of(message)[:2] == (MessageState.SENT, 0)


def test_claimed_message_is_left_to_its_worker(submitted, reviewer_a, settings, clock):
    """A message another worker is sending (its lease ahead) is not sent again until the lease ends."""
    decide_return(submitted, reviewer_a)
    message = returned_message()
    Message.objects.filter(pk=message.pk).update(next_attempt_at=START + dt.timedelta(minutes=5))

    assert deliver(message.pk) is None
    clock.shift(dt.timedelta(minutes=5))
    assert deliver(message.pk) == MessageState.SENT
    assert len(mail.outbox) == 1


def test_sweeper_sends_a_message_whose_task_was_lost(submitted, reviewer_a):
    decide_return(submitted, reviewer_a)
    DBTaskResult.objects.all().delete()
    out = StringIO()

    call_command("deliver_mail", stdout=out)

    assert out.getvalue() == "本轮处理：已发送 1 封。\n"
    assert [m.subject for m in mail.outbox] == [SUBJECT_RETURNED]
    out = StringIO()
    call_command("deliver_mail", stdout=out)
    assert out.getvalue() == "没有到期的通知邮件。\n"


def test_message_without_address_is_kept_as_no_recipient(submitted, reviewer_a, applicant, deliver_outbox):
    applicant.email = ""
    applicant.save(update_fields=["email"])
    tasks_before = DBTaskResult.objects.count()

    decide_return(submitted, reviewer_a)
    deliver_outbox()

    assert (returned_message().state, returned_message().recipients) == (MessageState.NO_RECIPIENT, "")
    assert DBTaskResult.objects.count() == tasks_before
    assert mail.outbox == []


def test_subject_cannot_carry_a_header(clock, unit):
    message = queue_message(kind=MessageKind.SUBMITTED, subject="提交\r\nBcc: x@example.org", body="正文", recipients=["a@example.org"])
    assert message.subject == "提交 Bcc: x@example.org"


def test_receipt_goes_to_every_active_address_of_the_unit(clock, application, applicant, unit, deliver_outbox):
    UserFactory(username="colleague", email="huli@example.com", organisation=unit)
    UserFactory(username="left", email="left@example.com", organisation=unit, is_active=False)

    application_submit(application=application, user=applicant)
    deliver_outbox()

    assert [sorted(m.to) for m in mail.outbox] == [["huli@example.com", "kefu@hospital.example"]]
    assert mail.outbox[0].subject == "【柳州市巾帼文明岗】申报已提交：柳州市第一测试医院客服班组（2021-CZ-001）"


# --- the list on the application's page ---------------------------------------------------------


def message_items(page: str) -> list[str]:
    block = re.search(r'<ul class="[^"]*message-list[^"]*"[^>]*>(.*?)</ul>', page, re.S)
    if block is None:
        return []
    items = re.findall(r"<li[^>]*>(.*?)</li>", block.group(1), re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


def test_message_list_shows_each_state(submitted, reviewer_a, applicant, client_for, deliver_outbox, settings, clock):
    decide_return(submitted, reviewer_a)
    settings.EMAIL_BACKEND = REFUSING
    deliver_outbox()

    page = client_for(applicant).get(f"/apply/{submitted.key}/").content.decode()

    assert message_items(page) == [
        "【柳州市巾帼文明岗】申报已提交：柳州市第一测试医院客服班组（2021-CZ-001） 已发送 2020年9月1日 10:00:00发出 "
        "生成于 2020年9月1日 10:00:00 · 收件人：kefu@hospital.example",
        f"{SUBJECT_RETURNED} 发送失败 发送失败，将于2020年9月1日 10:01:00重试（已尝试 1 次） "
        "生成于 2020年9月1日 10:00:00 · 收件人：kefu@hospital.example",
    ]
    # The SMTP error stays in the log: nowhere on the page (but in a random CSRF token, which may
    # hold any three digits).
    shown = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    assert "421" not in shown and "SMTP" not in shown


def test_message_list_gave_up_and_pending(submitted, reviewer_a, applicant, client_for):
    decide_return(submitted, reviewer_a)
    Message.objects.filter(kind=MessageKind.SUBMITTED).update(state=MessageState.GAVE_UP, attempts=MAX_ATTEMPTS)

    page = client_for(applicant).get(f"/apply/{submitted.key}/").content.decode()

    assert [item.split(" 生成于")[0] for item in message_items(page)] == [
        "【柳州市巾帼文明岗】申报已提交：柳州市第一测试医院客服班组（2021-CZ-001） 未能发送 "
        f"尝试 {MAX_ATTEMPTS} 次仍未发出，已停止发送；请登录系统查看，或联系所属初审单位",
        f"{SUBJECT_RETURNED} 待发送 系统将尽快发出",
    ]


def test_message_list_no_recipient(submitted, reviewer_a, applicant, client_for):
    applicant.email = ""
    applicant.save(update_fields=["email"])
    decide_return(submitted, reviewer_a)

    page = client_for(applicant).get(f"/apply/{submitted.key}/").content.decode()

    assert message_items(page)[1] == (
        f"{SUBJECT_RETURNED} 没有收件地址 申报单位的账号都没有填写电子邮箱，此邮件未发送；请在系统中查看 "
        "生成于 2020年9月1日 10:00:00"
    )


def test_message_list_empty(apply_window, application, applicant, client_for):
    page = client_for(applicant).get(f"/apply/{application.key}/").content.decode()
    assert (message_items(page), "暂无。" in page) == ([], True)


# --- two workers at once (PostgreSQL: row locks, skip_locked) ------------------------------------


class SlowBackend(BaseEmailBackend):
    """A slow SMTP server: the second worker arrives while the first is still sending."""

    sent: list = []

    def send_messages(self, email_messages):
        import time

        time.sleep(0.3)
        SlowBackend.sent.extend(email_messages)
        return len(email_messages)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_once(settings):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks between connections: PostgreSQL")
    settings.EMAIL_BACKEND = "tests.test_mail.SlowBackend"
    SlowBackend.sent = []
    message = queue_message(kind=MessageKind.SUBMITTED, subject="回执", body="正文", recipients=["a@example.org"])
    results = []
    barrier = threading.Barrier(3)

    def worker():
        barrier.wait()
        try:
            results.append(deliver(message.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert (sorted(results, key=str), len(SlowBackend.sent)) == ([None, None, MessageState.SENT], 1)
    message.refresh_from_db()
    assert message.state == MessageState.SENT
