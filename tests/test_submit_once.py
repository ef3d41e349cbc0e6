"""The form's 提交 button saves and submits in ONE transaction (application_update_and_submit):
the same rows, events, version, 申报编号, snapshot and receipt as the two steps it replaces, and
every refusal still answered as the two steps answer it (stale form, closed window, a returned
application, the rules, a double click)."""

import time_machine

from applications import phrases
from applications.models import ApplicationEvent, Message, Status
from applications.services import application_data, application_update_and_submit
from applications.workflow import Action, transition
from tests.factories import ApplicationFactory, shanghai
from tests.test_views_application import LEADER, events_of, form_data, leaders_of, messages_of

HONOUR = {"year": "2019", "title": "柳州市三八红旗集体", "issuer": "柳州市妇联"}
SECOND_LEADER = {"name": "韦强", "gender": "M", "title": "副护士长", "phone": "13907722222"}


def test_submit_writes_what_the_two_steps_wrote(apply_window, applicant, application, client_for):
    response = client_for(applicant).post(
        f"/apply/{application.key}/edit/",
        form_data(version=1, applicant_name="一次提交的岗位", leaders=(LEADER, SECOND_LEADER), honours=(HONOUR,)),
    )

    application.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, f"/apply/{application.key}/")
    assert (application.status, application.number, application.version, application.applicant_name) == (
        Status.SUBMITTED,
        "2021-CZ-001",
        3,
        "一次提交的岗位",
    )
    assert application.submitted_at is not None
    assert leaders_of(application) == [("覃丽", "F", "护士长", "13907721111"), ("韦强", "M", "副护士长", "13907722222")]
    assert events_of(application) == ["edit", "submit"]
    edit, submit = application.events.order_by("created_at", "id")
    assert (edit.from_status, edit.to_status, edit.snapshot) == (Status.DRAFT, Status.DRAFT, None)
    assert (submit.from_status, submit.to_status) == (Status.DRAFT, Status.SUBMITTED)
    data, leaders, honours = application_data(application)
    assert submit.snapshot == {**data, "leaders": leaders, "honours": honours}
    assert submit.snapshot["honours"] == [HONOUR]
    receipt = Message.objects.get(application=application)
    assert (receipt.kind, receipt.recipients) == ("submitted", applicant.email)


def test_stale_submit_refused_and_nothing_written(apply_window, applicant, application, client_for):
    client = client_for(applicant)
    client.post(
        f"/apply/{application.key}/edit/", form_data(button="draft", version=1, applicant_name="同事保存的名称")
    )

    response = client.post(f"/apply/{application.key}/edit/", form_data(version=1, applicant_name="旧页面的名称"))

    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [phrases.STALE_FORM]
    assert 'value="旧页面的名称"' in response.content.decode()
    application.refresh_from_db()
    assert (application.status, application.applicant_name, application.version, application.number) == (
        Status.DRAFT,
        "同事保存的名称",
        2,
        "",
    )
    assert events_of(application) == ["edit"]
    assert Message.objects.count() == 0


def test_submit_with_rule_errors_saves_the_draft(apply_window, applicant, application, client_for):
    response = client_for(applicant).post(
        f"/apply/{application.key}/edit/", form_data(version=1, applicant_name="规则不过的岗位", leaders=())
    )

    assert response.status_code == 200
    assert messages_of(response) == [phrases.SAVED_BUT_NOT_SUBMITTED]
    application.refresh_from_db()
    assert (application.status, application.applicant_name, application.version) == (Status.DRAFT, "规则不过的岗位", 2)
    assert events_of(application) == ["edit"]


def test_submit_after_apply_deadline_refused_and_nothing_written(applicant, application, client_for):
    with time_machine.travel(shanghai(2020, 9, 21, 0, 0, 0), tick=False):
        response = client_for(applicant).post(
            f"/apply/{application.key}/edit/", form_data(version=1, applicant_name="截止后改的名称")
        )

    assert response.status_code == 403
    assert 'value="截止后改的名称"' in response.content.decode()
    application.refresh_from_db()
    assert (application.status, application.version, application.number) == (Status.DRAFT, 1, "")
    assert events_of(application) == []


def test_returned_application_resubmitted_from_the_form(apply_window, applicant, reviewer_a, application, client_for):
    client = client_for(applicant)
    client.post(f"/apply/{application.key}/edit/", form_data(version=1))
    application.refresh_from_db()
    transition(application=application, action=Action.RETURN, actor=reviewer_a, note="请补充事迹")
    application.refresh_from_db()

    response = client.post(
        f"/apply/{application.key}/edit/", form_data(version=application.version, achievements="补充后的事迹")
    )

    application.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, f"/apply/{application.key}/")
    assert (application.status, application.number, application.achievements) == (
        Status.SUBMITTED,
        "2021-CZ-001",
        "补充后的事迹",
    )
    assert events_of(application) == ["edit", "submit", "return", "edit", "resubmit"]
    assert (
        ApplicationEvent.objects.filter(application=application, action="resubmit").get().snapshot["achievements"]
        == "补充后的事迹"
    )


def test_service_answers_none_when_the_status_moved(apply_window, applicant, application):
    """A status the submission does not start from: nothing written, None (the two steps answer)."""
    stale = ApplicationFactory.build(
        pk=application.pk,
        key=application.key,
        campaign=application.campaign,
        unit=application.unit,
        status=Status.DRAFT,
    )
    application.status = Status.SUBMITTED
    application.save(update_fields=["status"])
    data, leaders, honours = application_data(application)

    assert (
        application_update_and_submit(
            application=stale, user=applicant, version=1, data=data, leaders=leaders, honours=honours
        )
        is None
    )
    application.refresh_from_db()
    assert (application.version, application.number) == (1, "")
    assert events_of(application) == []
