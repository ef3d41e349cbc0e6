"""Review of the 初审 change with fresh eyes: what an attacker or a district clerk would hit."""

import re

import pytest
import time_machine
from django.core import mail

from applications.mail import queue_message
from applications.models import MessageState, Status
from applications.services import application_submit
from applications.workflow import Action
from gangwei.models import DeadlineExtension, Stage
from review.models import CONDITION_FIELDS, Quota
from review.selectors import QUEUE_PAGE_SIZE
from review.services import review_decide, summary_file
from tests.factories import ApplicationFactory, UserFactory, shanghai

ALL_CONDITIONS = dict.fromkeys(CONDITION_FIELDS, "on")
AFTER_REVIEW = shanghai(2020, 10, 17, 0, 0, 1)


@pytest.fixture
def sent(campaign, unit, applicant):
    with time_machine.travel(shanghai(2020, 9, 1, 10), tick=False):
        return application_submit(application=ApplicationFactory(campaign=campaign, unit=unit), user=applicant)


def test_decision_after_deadline_keeps_the_typed_opinion(client_for, reviewer_a, sent):
    client = client_for(reviewer_a)
    typed = "经复核，同意推荐该岗位参评。"
    with time_machine.travel(AFTER_REVIEW, tick=False):
        response = client.post(
            f"/review/{sent.key}/decide/",
            {"action": "recommend", "opinion": typed, "version": sent.version, **ALL_CONDITIONS},
        )
    sent.refresh_from_db()
    assert (response.status_code, typed in response.content.decode(), sent.status) == (403, True, Status.SUBMITTED)


def test_bulk_after_deadline_keeps_the_typed_opinion(client_for, reviewer_a, sent):
    client = client_for(reviewer_a)
    typed = "经复核，同意推荐所选岗位。"
    with time_machine.travel(AFTER_REVIEW, tick=False):
        response = client.post("/review/recommend/", {"keys": [sent.key], "opinion": typed, **ALL_CONDITIONS})
    sent.refresh_from_db()
    assert (response.status_code, typed in response.content.decode(), sent.status) == (403, True, Status.SUBMITTED)


def test_the_reviewer_and_the_city_do_not_see_the_units_addresses(client_for, reviewer_a, applicant, sent):
    with time_machine.travel(shanghai(2020, 9, 2, 10), tick=False):
        client_for(reviewer_a).post(
            f"/review/{sent.key}/decide/",
            {"action": "return", "opinion": "请补充材料。", "version": sent.version},
        )
        reviewer_page = client_for(reviewer_a).get(f"/review/{sent.key}/").content.decode()
        unit_page = client_for(applicant).get(f"/apply/{sent.key}/").content.decode()
    assert (applicant.email in reviewer_page, "请补充材料" in reviewer_page, applicant.email in unit_page) == (
        False,
        True,
        True,
    )


def test_after_a_colleagues_decision_the_kept_opinion_can_be_sent_again(client_for, body_a, reviewer_a, sent):
    colleague = UserFactory(username="reviewer_a2", organisation=body_a)
    typed = "该岗位材料不全，请补充近三年荣誉证明。"
    with time_machine.travel(shanghai(2020, 9, 2, 10), tick=False):
        client_for(colleague).post(
            f"/review/{sent.key}/decide/", {"action": "return", "opinion": "请补充。", "version": sent.version}
        )
        client = client_for(reviewer_a)
        stale = client.post(
            f"/review/{sent.key}/decide/", {"action": "not_recommend", "opinion": typed, "version": sent.version}
        )
        shown_version = re.search(r'name="version" value="(\d+)"', stale.content.decode()).group(1)
        again = client.post(
            f"/review/{sent.key}/decide/", {"action": "not_recommend", "opinion": typed, "version": shown_version}
        )
    sent.refresh_from_db()
    assert (stale.status_code, typed in stale.content.decode(), again.status_code, sent.status) == (
        409,
        True,
        302,
        Status.NOT_RECOMMENDED,
    )


@pytest.fixture
def filed(sent, reviewer_a):
    with time_machine.travel(shanghai(2020, 9, 2, 10), tick=False):
        review_decide(
            application=sent,
            user=reviewer_a,
            action=Action.RECOMMEND,
            opinion="同意推荐。",
            conditions=dict.fromkeys(CONDITION_FIELDS, True),
        )
        report, _ = summary_file(user=reviewer_a, campaign=sent.campaign)
    return report


def test_the_reopen_page_warns_when_the_body_can_no_longer_refile(client_for, city_user, body_a, filed):
    client = client_for(city_user)
    with time_machine.travel(shanghai(2020, 10, 16, 23, 59, 58), tick=False):
        before = client.get(f"/city/summary/{filed.pk}/reopen/").content.decode()
    with time_machine.travel(AFTER_REVIEW, tick=False):
        after = client.get(f"/city/summary/{filed.pk}/reopen/").content.decode()
        DeadlineExtension.objects.create(
            campaign=filed.campaign,
            organisation=body_a,
            stage=Stage.FIRST_REVIEW,
            closes_at=shanghai(2020, 10, 30, 23, 59, 59),
        )
        extended = client.get(f"/city/summary/{filed.pk}/reopen/").content.decode()
    assert ("reopen-body-closed" in before, "reopen-body-closed" in after, "reopen-body-closed" in extended) == (
        False,
        True,
        False,
    )


def test_bulk_with_a_digit_python_cannot_read_as_a_version_is_no_server_error(client_for, reviewer_a, sent):
    client = client_for(reviewer_a)
    client.raise_request_exception = False
    with time_machine.travel(shanghai(2020, 9, 2, 10), tick=False):
        response = client.post(
            "/review/recommend/",
            {"keys": [sent.key], "opinion": "同意推荐。", **ALL_CONDITIONS, f"version_{sent.key}": "²"},
        )
    sent.refresh_from_db()
    assert (response.status_code, sent.status) == (302, Status.RECOMMENDED)


def test_the_review_admin_answers_a_superscript_id_without_a_server_error(admin_client):
    admin_client.raise_request_exception = False
    response = admin_client.get("/admin/review/review/%C2%B2/change/")
    assert response.status_code == 302


def test_a_weekend_smtp_outage_delays_a_message_it_does_not_lose_it(db, unit, deliver_outbox, settings):
    # The relay is down from Friday 18:00 to Monday 09:00 (63 hours), then works again.
    friday = shanghai(2020, 9, 4, 18)
    with time_machine.travel(friday, tick=False) as clock:
        message = queue_message(kind="returned", subject="主题", body="正文", recipients=["unit@example.com"])
        settings.EMAIL_BACKEND = "tests.test_mail.RefusingBackend"
        deliver_outbox()
        message.refresh_from_db()
        while message.state == MessageState.FAILED and message.next_attempt_at < shanghai(2020, 9, 7, 9):
            clock.move_to(message.next_attempt_at)
            deliver_outbox()
            message.refresh_from_db()
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        if message.next_attempt_at is not None:
            clock.move_to(message.next_attempt_at)
        deliver_outbox()
        message.refresh_from_db()
    assert (message.state, len(mail.outbox)) == (MessageState.SENT, 1)


def test_the_decision_form_shows_the_places_left(client_for, campaign, body_a, reviewer_a, sent):
    Quota.objects.create(campaign=campaign, body=body_a, places=2)
    with time_machine.travel(shanghai(2020, 9, 2, 10), tick=False):
        page = client_for(reviewer_a).get(f"/review/{sent.key}/").content.decode()
    assert "推荐名额2个，已推荐0份，还可推荐2份" in page


def test_a_refused_bulk_on_page_two_comes_back_on_page_two(client_for, campaign, unit, applicant, reviewer_a):
    with time_machine.travel(shanghai(2020, 9, 1, 10), tick=False):
        sent = [
            application_submit(application=ApplicationFactory(campaign=campaign, unit=unit), user=applicant)
            for _ in range(QUEUE_PAGE_SIZE + 1)
        ]
    client = client_for(reviewer_a)
    with time_machine.travel(shanghai(2020, 9, 2, 10), tick=False):
        page = client.get("/review/?status=submitted&page=2").content.decode()
        action = re.search(r'<form method="post" action="([^"]*)" class="bulk-form"', page).group(1)
        key = re.search(r'name="keys" value="([^"]+)"', page).group(1)
        # The conditions are not ticked: refused, and the clerk must see the row she picked.
        again = client.post(action.replace("&amp;", "&"), {"keys": [key], "opinion": "同意推荐。"}).content.decode()
    assert (len(sent), f'value="{key}" id="pick-{key}" checked' in again) == (QUEUE_PAGE_SIZE + 1, True)


def test_a_bulk_recommendation_goes_back_to_the_filtered_list(client_for, reviewer_a, sent):
    with time_machine.travel(shanghai(2020, 9, 2, 10), tick=False):
        response = client_for(reviewer_a).post(
            "/review/recommend/?status=submitted&category=",
            {"keys": [sent.key], "opinion": "同意推荐。", **ALL_CONDITIONS},
        )
    assert (response.status_code, response["Location"]) == (302, "/review/?status=submitted&category=")
