"""What the 附件1 pages do when the network, a colleague or the calendar get in the way:
the new form posted twice, a status changed under an open form, the same save arriving twice,
a refused 提交 on the detail page, scans until 初审 closes, a returned application read by its
reviewer while the unit revises it, the Chinese error pages and the submission message."""

import io
import re
from pathlib import Path

import pypdf
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import phrases
from applications.models import Application, Gender, Leader, Status
from applications.selectors import ApplicantActions
from applications.services import application_submit
from applications.workflow import Action, transition
from tests.factories import ApplicationFactory, UserFactory, pdf_bytes, shanghai
from tests.test_views_application import events_of, form_data, hidden_version, messages_of

PDF = pdf_bytes()
FACTORY_NAME = "柳州市第一测试医院客服班组"  # ApplicationFactory's applicant_name for `unit`
PHONE_ERROR = "请填写有效的联系电话：11位手机号（如 13807720000），或带区号的固定电话（如 0772-2850377）。"
PLEDGE_ERROR = "请确认本岗位符合通知第二部分的五项创建条件。"
APPLY_CLOSED = "申报已于2020年9月20日 23:59:59截止，系统不再接受此项操作。如需延期，请联系所属初审单位或市妇联宣发部。"
FIRST_REVIEW_CLOSED = (
    "初审已于2020年10月16日 23:59:59截止，系统不再接受此项操作。如需延期，请联系所属初审单位或市妇联宣发部。"
)
RETURN_NOTE = "请补充岗位负责人的联系电话，并重新上传盖章扫描件。"


def form_token(html: str) -> str:
    match = re.search(r'<input type="hidden" name="form_token" value="([^"]*)"', html)
    assert match, "no hidden form_token in the page"
    return match.group(1)


def pdf_text(pdf: bytes) -> str:
    """The form's text, without the running header that every page carries (as in test_pdf.py)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = (re.sub(r"\s+", "", page.extract_text()) for page in reader.pages)
    return "".join(re.sub(r"申报编号：[^：]*申报单位：.*?第\d+页共\d+页$", "", page) for page in pages)


def upload(client, application: Application, name: str = "盖章扫描件.pdf", data: bytes = PDF):
    return client.post(
        f"/apply/{application.key}/attachments/", {"files": [SimpleUploadedFile(name, data)]}, follow=True
    )


def stored_files(settings) -> list[bytes]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return sorted(p.read_bytes() for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- 1. the new form posted twice ----------------------------------------------------------------


def test_new_form_carries_a_fresh_token(apply_window, applicant, campaign, client_for):
    client = client_for(applicant)

    first = form_token(client.get("/apply/new/").content.decode())
    second = form_token(client.get("/apply/new/").content.decode())

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert re.fullmatch(r"[0-9a-f]{32}", second)
    assert first != second


def test_new_draft_posted_twice_makes_one_application(apply_window, applicant, campaign, client_for):
    client = client_for(applicant)
    token = form_token(client.get("/apply/new/").content.decode())
    data = form_data(button="draft", form_token=token)

    first = client.post("/apply/new/", data, follow=True)
    second = client.post("/apply/new/", data, follow=True)

    application = Application.objects.get()
    edit = f"/apply/{application.key}/edit/"
    assert first.redirect_chain == [(edit, 302)]
    assert messages_of(first) == [phrases.SAVED_DRAFT]
    assert second.redirect_chain == [(edit, 302)]
    assert messages_of(second) == [phrases.DUPLICATE_POST]
    assert (application.status, application.version, application.form_token) == (Status.DRAFT, 1, token)
    assert events_of(application) == ["create"]


def test_new_form_submitted_twice_makes_one_application(
    apply_window, applicant, campaign, client_for, mailoutbox, django_capture_on_commit_callbacks, deliver_outbox
):
    client = client_for(applicant)
    token = form_token(client.get("/apply/new/").content.decode())
    data = form_data(form_token=token)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/apply/new/", data, follow=True)
        second = client.post("/apply/new/", data, follow=True)

    application = Application.objects.get()
    detail = f"/apply/{application.key}/"
    assert first.redirect_chain == [(detail, 302)]
    assert second.redirect_chain == [(detail, 302)]
    assert messages_of(second) == [phrases.DUPLICATE_POST]
    assert (application.status, application.number, application.version) == (Status.SUBMITTED, "2021-CZ-001", 2)
    assert events_of(application) == ["create", "submit"]
    deliver_outbox()
    assert len(mailoutbox) == 1


def test_new_form_with_another_token_makes_another_application(apply_window, applicant, campaign, client_for):
    client = client_for(applicant)
    first_token = form_token(client.get("/apply/new/").content.decode())
    second_token = form_token(client.get("/apply/new/").content.decode())

    first = client.post("/apply/new/", form_data(button="draft", form_token=first_token))
    second = client.post("/apply/new/", form_data(button="draft", form_token=second_token))

    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] != second["Location"]
    assert sorted(Application.objects.values_list("form_token", "status")) == sorted(
        [(first_token, Status.DRAFT), (second_token, Status.DRAFT)]
    )


def test_refused_new_form_keeps_its_token(apply_window, applicant, campaign, client_for):
    """A new form shown again with errors (nothing saved) keeps the token it was opened with."""
    client = client_for(applicant)
    token = form_token(client.get("/apply/new/").content.decode())

    refused = client.post("/apply/new/", form_data(button="draft", form_token=token, staff_women="6"))
    fixed = client.post("/apply/new/", form_data(button="draft", form_token=form_token(refused.content.decode())))
    again = client.post("/apply/new/", form_data(button="draft", form_token=token))

    application = Application.objects.get()
    assert (refused.status_code, form_token(refused.content.decode())) == (200, token)
    assert (fixed.status_code, again.status_code) == (302, 302)
    assert fixed["Location"] == again["Location"] == f"/apply/{application.key}/edit/"
    assert application.form_token == token


def test_same_token_from_another_unit_makes_its_own_application(
    apply_window, applicant, other_applicant, campaign, client_for
):
    """The token only de-duplicates within one unit: another unit is never sent to this unit's draft."""
    client = client_for(applicant)
    token = form_token(client.get("/apply/new/").content.decode())
    client.post("/apply/new/", form_data(button="draft", form_token=token))
    mine = Application.objects.get()

    other = client_for(other_applicant).post("/apply/new/", form_data(button="draft", form_token=token))

    theirs = Application.objects.exclude(pk=mine.pk).get()
    assert (other.status_code, other["Location"]) == (302, f"/apply/{theirs.key}/edit/")
    assert (theirs.unit, mine.unit) == (other_applicant.organisation, applicant.organisation)


# --- 2. the status changed under an open form ----------------------------------------------------


def test_edit_of_a_draft_submitted_meanwhile_is_refused_and_text_kept(apply_window, applicant, application, client_for):
    client = client_for(applicant)
    version = hidden_version(client.get(f"/apply/{application.key}/edit/").content.decode())
    assert version == "1"
    application_submit(application=application, user=applicant)  # a colleague, in another window

    response = client.post(
        f"/apply/{application.key}/edit/",
        form_data(version=version, applicant_name="我在旧页面上改的名称", achievements="旧页面上写的事迹"),
    )

    assert response.status_code == 409
    expected = phrases.NOT_EDITABLE.format(status="已提交，待初审") + phrases.TYPED_TEXT_NOT_SAVED
    assert response.context["form"].non_field_errors() == [expected]
    html = response.content.decode()
    assert 'name="applicant_name" value="我在旧页面上改的名称"' in html
    assert ">\n旧页面上写的事迹</textarea>" in html
    application.refresh_from_db()
    assert (application.status, application.version, application.applicant_name, application.number) == (
        Status.SUBMITTED,
        2,
        FACTORY_NAME,
        "2021-CZ-001",
    )
    assert events_of(application) == ["submit"]


# --- 3. the same save arriving twice -------------------------------------------------------------


def test_same_draft_save_twice_is_a_success_not_a_conflict(apply_window, applicant, application, client_for):
    client = client_for(applicant)
    data = form_data(button="draft", version=1, applicant_name="柳州市第一测试医院儿科护理组")

    first = client.post(f"/apply/{application.key}/edit/", data, follow=True)
    second = client.post(f"/apply/{application.key}/edit/", data, follow=True)

    edit = f"/apply/{application.key}/edit/"
    assert first.redirect_chain == [(edit, 302)]
    assert second.redirect_chain == [(edit, 302)]
    assert messages_of(second) == [phrases.SAVED_DRAFT]
    assert hidden_version(second.content.decode()) == "2"
    application.refresh_from_db()
    assert (application.status, application.version, application.applicant_name) == (
        Status.DRAFT,
        2,
        "柳州市第一测试医院儿科护理组",
    )
    assert events_of(application) == ["edit"]


def test_different_save_with_the_old_version_is_still_a_conflict(apply_window, applicant, application, client_for):
    """The counterpart of the above: only identical content is taken for a repeat."""
    client = client_for(applicant)
    client.post(f"/apply/{application.key}/edit/", form_data(button="draft", version=1, applicant_name="第一次"))

    second = client.post(
        f"/apply/{application.key}/edit/", form_data(button="draft", version=1, applicant_name="第二次")
    )

    assert second.status_code == 409
    assert second.context["form"].non_field_errors() == [phrases.STALE_FORM]
    application.refresh_from_db()
    assert (application.version, application.applicant_name) == (2, "第一次")
    assert events_of(application) == ["edit"]


# --- 4. a refused 提交 on the detail page --------------------------------------------------------


def test_detail_submit_of_incomplete_draft_marks_errors_on_the_form(
    apply_window, applicant, campaign, unit, client_for
):
    application = ApplicationFactory(
        campaign=campaign, unit=unit, staff_total=2, staff_women=2, contact_phone="12345", pledge=False, rows=[]
    )
    Leader.objects.create(application=application, name="覃刚", gender=Gender.MALE, title="班组长", phone="13907723333")
    client = client_for(applicant)

    refused = client.post(f"/apply/{application.key}/submit/")

    assert (refused.status_code, refused["Location"]) == (302, f"/apply/{application.key}/edit/?check=1")

    response = client.get(refused["Location"])

    assert response.status_code == 200
    assert messages_of(response) == [phrases.NOT_SUBMITTED]
    form = response.context["form"]
    assert set(form.errors) == {"staff_total", "contact_phone", "pledge"}
    assert (form.errors["contact_phone"], form.errors["pledge"]) == ([PHONE_ERROR], [PLEDGE_ERROR])
    assert response.context["bundle"].row_errors == ["岗位负责人中至少要有1名女性。"]
    html = response.content.decode()
    assert f'name="applicant_name" value="{FACTORY_NAME}"' in html
    assert 'name="staff_total" value="2"' in html
    assert 'name="staff_women" value="2"' in html
    assert 'name="contact_phone" value="12345"' in html
    assert 'name="leaders-0-name" value="覃刚"' in html
    assert re.search(r'<input type="checkbox" name="pledge"[^>]*>', html).group(0).count("checked") == 0
    assert hidden_version(html) == "1"
    application.refresh_from_db()
    assert (application.status, application.version, application.number) == (Status.DRAFT, 1, "")
    assert events_of(application) == []


def test_edit_page_without_check_shows_no_errors(apply_window, applicant, campaign, unit, client_for):
    application = ApplicationFactory(campaign=campaign, unit=unit, contact_phone="12345", pledge=False)

    response = client_for(applicant).get(f"/apply/{application.key}/edit/")

    assert response.context["form"].errors == {}
    assert response.context["bundle"].row_errors == []


# --- 5. scans until 初审 closes --------------------------------------------------------------------


@pytest.fixture
def submitted(apply_window, application, applicant):
    return application_submit(application=application, user=applicant)


def test_submitted_application_takes_scans_after_the_apply_deadline(submitted, applicant, client_for, settings):
    with time_machine.travel(shanghai(2020, 9, 25, 10, 0, 0), tick=False):
        client = client_for(applicant)
        response = upload(client, submitted)
        detail = client.get(f"/apply/{submitted.key}/")

    assert response.redirect_chain == [(f"/apply/{submitted.key}/", 302)]
    assert messages_of(response) == ["已上传：盖章扫描件.pdf"]
    assert list(submitted.attachments.values_list("original_name", "size")) == [("盖章扫描件.pdf", len(PDF))]
    assert stored_files(settings) == [PDF]
    assert events_of(submitted) == ["submit", "upload"]
    assert detail.context["actions"] == ApplicantActions(
        can_edit=False, can_submit=False, can_withdraw=True, can_upload=True
    )


@pytest.mark.parametrize(
    ("moment", "stored"),
    [(shanghai(2020, 10, 16, 23, 59, 59), True), (shanghai(2020, 10, 17, 0, 0, 0), False)],
    ids=["at-first-review-deadline", "second-after"],
)
def test_submitted_application_scans_end_when_first_review_closes(
    submitted, applicant, client_for, settings, moment, stored
):
    with time_machine.travel(moment, tick=False):
        client = client_for(applicant)
        response = upload(client, submitted)
        detail = client.get(f"/apply/{submitted.key}/")

    if stored:
        assert messages_of(response) == ["已上传：盖章扫描件.pdf"]
        assert stored_files(settings) == [PDF]
    else:
        assert messages_of(response) == [FIRST_REVIEW_CLOSED]
        assert list(submitted.attachments.all()) == []
        assert stored_files(settings) == []
        assert events_of(submitted) == ["submit"]
    assert detail.context["actions"].can_upload is stored


def test_scan_of_a_submitted_application_cannot_be_deleted_after_first_review_closes(
    submitted, applicant, client_for, settings
):
    with time_machine.travel(shanghai(2020, 9, 25, 10, 0, 0), tick=False):
        upload(client_for(applicant), submitted)
    attachment = submitted.attachments.get()

    with time_machine.travel(shanghai(2020, 10, 17, 0, 0, 0), tick=False):
        response = client_for(applicant).post(
            f"/apply/{submitted.key}/attachments/{attachment.pk}/delete/", follow=True
        )

    assert messages_of(response) == [FIRST_REVIEW_CLOSED]
    assert list(submitted.attachments.values_list("pk", flat=True)) == [attachment.pk]
    assert stored_files(settings) == [PDF]


def test_draft_takes_no_scans_after_the_apply_deadline(applicant, application, client_for, settings):
    with time_machine.travel(shanghai(2020, 9, 21, 0, 0, 0), tick=False):
        client = client_for(applicant)
        response = upload(client, application)
        detail = client.get(f"/apply/{application.key}/")

    assert response.redirect_chain == [(f"/apply/{application.key}/", 302)]
    assert messages_of(response) == [APPLY_CLOSED]
    assert list(application.attachments.all()) == []
    assert stored_files(settings) == []
    assert detail.context["actions"] == ApplicantActions(
        can_edit=False, can_submit=False, can_withdraw=False, can_upload=False
    )
    html = detail.content.decode()
    assert f'action="/apply/{application.key}/submit/"' not in html
    assert f'action="/apply/{application.key}/attachments/"' not in html


def test_draft_actions_inside_the_apply_window(apply_window, applicant, application, client_for):
    detail = client_for(applicant).get(f"/apply/{application.key}/")

    assert detail.context["actions"] == ApplicantActions(
        can_edit=True, can_submit=True, can_withdraw=False, can_upload=True
    )


def test_reviewer_has_no_applicant_actions(submitted, reviewer_a, client_for):
    detail = client_for(reviewer_a).get(f"/apply/{submitted.key}/")

    assert detail.context["actions"] == ApplicantActions()


# --- 6. a returned application, revised by its unit ----------------------------------------------


@pytest.fixture
def returned(submitted, reviewer_a, applicant, client_for):
    """Returned by 城中区妇联 on 2020-10-01; then the unit renamed it "半成品" and saved a draft."""
    with time_machine.travel(shanghai(2020, 10, 1, 10, 0, 0), tick=False):
        application = transition(application=submitted, action=Action.RETURN, actor=reviewer_a, note=RETURN_NOTE)
        assert (application.status, application.version) == (Status.RETURNED, 3)
        saved = client_for(applicant).post(
            f"/apply/{submitted.key}/edit/", form_data(button="draft", version=3, applicant_name="半成品")
        )
    assert (saved.status_code, saved["Location"]) == (302, f"/apply/{submitted.key}/edit/")
    application.refresh_from_db()
    assert (application.status, application.applicant_name, application.version) == (Status.RETURNED, "半成品", 4)
    return application


@pytest.fixture
def october():
    with time_machine.travel(shanghai(2020, 10, 2, 10, 0, 0), tick=False) as traveller:
        yield traveller


def test_reviewer_reads_the_submitted_version_of_a_returned_application(returned, reviewer_a, client_for, october):
    response = client_for(reviewer_a).get(f"/apply/{returned.key}/")

    assert response.status_code == 200
    shown = response.context["shown"]
    assert (shown.applicant_name, shown.post_name, shown.contact_title) == (FACTORY_NAME, "客服班组", "班组长")
    assert [leader.name for leader in response.context["leaders"]] == ["覃丽"]
    assert response.context["is_submitted_version"] is True
    html = response.content.decode()
    assert "申报单位正在按退回意见修改；下表是其最近一次提交的内容。" in html
    assert f'<tr><th>申报单位</th><td colspan="3">{FACTORY_NAME}</td></tr>' in html


def test_reviewer_pdf_of_a_returned_application_is_the_submitted_version(returned, reviewer_a, client_for, october):
    response = client_for(reviewer_a).get(f"/apply/{returned.key}/pdf/")

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert text.count(FACTORY_NAME) == 1
    assert "半成品" not in text


def test_unit_reads_its_revision_of_a_returned_application(returned, applicant, client_for, october):
    client = client_for(applicant)

    detail = client.get(f"/apply/{returned.key}/")
    pdf = client.get(f"/apply/{returned.key}/pdf/")

    assert detail.context["shown"].applicant_name == "半成品"
    assert detail.context["is_submitted_version"] is False
    assert "申报单位正在按退回意见修改" not in detail.content.decode()
    assert pdf_text(pdf.content).count("半成品") == 1


def test_unit_edit_form_shows_the_return_reason(returned, applicant, client_for, october):
    response = client_for(applicant).get(f"/apply/{returned.key}/edit/")

    assert response.status_code == 200
    assert response.context["return_reason"] == RETURN_NOTE
    assert f"<strong>初审退回意见：</strong>{RETURN_NOTE}" in response.content.decode()


def test_draft_edit_form_shows_no_return_reason(apply_window, applicant, application, client_for):
    response = client_for(applicant).get(f"/apply/{application.key}/edit/")

    assert response.context["return_reason"] == ""
    assert "初审退回意见" not in response.content.decode()


def test_reviewer_page_of_a_returned_application_nowhere_shows_the_revision(returned, reviewer_a, client_for, october):
    response = client_for(reviewer_a).get(f"/apply/{returned.key}/")

    assert "半成品" not in response.content.decode()


def test_reviewer_queue_lists_the_submitted_name_of_a_returned_application(returned, reviewer_a, client_for, october):
    response = client_for(reviewer_a).get("/review/")

    html = response.content.decode()
    assert (FACTORY_NAME in html, "半成品" in html) == (True, False)


# --- 7. the error pages --------------------------------------------------------------------------


def test_403_page_is_in_chinese_and_says_why(apply_window, applicant, client_for):
    response = client_for(applicant).get("/review/")

    assert response.status_code == 403
    html = response.content.decode()
    assert "<title>无权操作 · 柳州市妇联</title>" in html
    assert '<h1 class="h3">无权进行此项操作</h1>' in html
    assert "<p>只有初审单位账号可以查看初审队列。</p>" in html


def test_403_page_of_a_write_by_a_reviewer(submitted, reviewer_a, client_for):
    response = client_for(reviewer_a).post(f"/apply/{submitted.key}/withdraw/")

    assert response.status_code == 403
    html = response.content.decode()
    assert '<h1 class="h3">无权进行此项操作</h1>' in html
    assert "<p>您只能查看这份申报表，不能修改。</p>" in html
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


@pytest.mark.parametrize("path", ["/apply/no-such-key/", "/no-such-page/"])
def test_404_page_is_in_chinese(apply_window, applicant, client_for, path):
    response = client_for(applicant).get(path)

    assert response.status_code == 404
    html = response.content.decode()
    assert "<title>没有找到 · 柳州市妇联</title>" in html
    assert '<h1 class="h3">没有找到这个页面</h1>' in html


def test_404_page_for_anonymous(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert '<h1 class="h3">没有找到这个页面</h1>' in response.content.decode()


# --- 8. the submission message -------------------------------------------------------------------


def test_submission_message_without_email_has_no_receipt_sentence(
    apply_window, applicant, campaign, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    applicant.email = ""
    applicant.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(applicant).post("/apply/new/", form_data(), follow=True)

    assert messages_of(response) == ["申报表已提交，等待城中区妇联初审。"]
    assert Application.objects.get().status == Status.SUBMITTED
    assert mailoutbox == []


def test_detail_submit_message_without_email_has_no_receipt_sentence(
    apply_window, applicant, application, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    applicant.email = ""
    applicant.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(applicant).post(f"/apply/{application.key}/submit/", follow=True)

    assert response.redirect_chain == [(f"/apply/{application.key}/", 302)]
    assert messages_of(response) == ["申报表已提交，等待城中区妇联初审。"]
    assert mailoutbox == []


def test_submission_message_names_every_active_address(
    apply_window, applicant, unit, application, client_for, mailoutbox, django_capture_on_commit_callbacks, deliver_outbox
):
    UserFactory(username="colleague", organisation=unit, email="a-colleague@example.com")
    UserFactory(username="left", organisation=unit, email="left@example.com", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(applicant).post(f"/apply/{application.key}/submit/", follow=True)

    assert messages_of(response) == [
        f"申报表已提交，等待城中区妇联初审。回执邮件将发送至 a-colleague@example.com、{applicant.email}。"
    ]
    deliver_outbox()
    assert [sorted(m.to) for m in mailoutbox] == [sorted(["a-colleague@example.com", applicant.email])]
