"""The 附件1 form through the test client, with the field names the page posts (applications/forms.py):
save a draft, submit, errors next to their fields, stale forms, the deadline, withdraw and resubmit,
double submission, 我的申报 and the timeline (DESIGN §4, §5, §8)."""

import re

import pytest
import time_machine
from django.utils.html import escape

from applications import phrases
from applications.models import Application, Status
from applications.workflow import Action, transition
from gangwei.dates import format_datetime
from gangwei.models import DeadlineExtension, Stage
from tests.factories import ApplicationFactory, BodyFactory, shanghai

LEADER = {"name": "覃丽", "gender": "F", "title": "护士长", "phone": "13907721111"}
COMPLETE = {
    "applicant_name": "柳州市第一测试医院儿科护理组",
    "post_name": "儿科护理组",
    "parent_unit": "柳州市第一测试医院",
    "category": "team",
    "staff_total": "5",
    "staff_women": "4",
    "special_reason": "",
    "contact_name": "韦小红",
    "contact_title": "护士长",
    "contact_phone": "0772-2850377",
    "achievements": "护理组坚持“温馨护理”，连续三年患者满意度第一。",
    "unit_opinion": "情况属实，同意申报。",
    "pledge": "on",
}

PHONE_ERROR = "请填写有效的联系电话：11位手机号（如 13807720000），或带区号的固定电话（如 0772-2850377）。"
STAGE_CLOSED = (
    "申报已于2020年9月20日 23:59:59截止，系统不再接受此项操作。"
    "如需延期，请联系所属初审单位或市妇联宣发部。"
    "您填写的内容尚未保存，仍在下方：请先复制保存，以免丢失。"
)


def form_data(*, button="submit", version="", leaders=(LEADER,), honours=(), **fields) -> dict:
    """What the browser posts: the form's fields, the two formsets and the button pressed.

    A field given as None is left out (an unticked checkbox)."""
    data = {**COMPLETE, **fields, "version": str(version), button: "1"}
    data = {k: v for k, v in data.items() if v is not None}
    for prefix, rows in (("leaders", leaders), ("honours", honours)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for i, row in enumerate(rows):
            for name, value in row.items():
                data[f"{prefix}-{i}-{name}"] = value
    return data


def messages_of(response) -> list[str]:
    return [m.message for m in response.context["messages"]]


def leaders_of(application: Application) -> list[tuple]:
    return list(application.leaders.values_list("name", "gender", "title", "phone"))


def events_of(application: Application) -> list[str]:
    return list(application.events.order_by("created_at", "id").values_list("action", flat=True))


def hidden_version(html: str) -> str:
    return re.search(r'<input type="hidden" name="version" value="(\d*)"', html).group(1)


def form_action(html: str) -> str | None:
    match = re.search(r'<form method="post" novalidate id="application-form"(?: action="([^"]*)")?', html)
    return match.group(1)


# --- save a draft, submit ------------------------------------------------------------------------


def test_save_draft_incomplete_creates_draft(apply_window, applicant, unit, campaign, client_for):
    data = form_data(
        button="draft",
        leaders=({"name": "", "gender": "", "title": "", "phone": ""},),
        applicant_name="柳州市第一测试医院儿科护理组",
        post_name="",
        category=None,
        staff_total="4",
        staff_women="",
        contact_phone="",
        achievements="先存个草稿",
        pledge=None,
    )

    response = client_for(applicant).post("/apply/new/", data)

    application = Application.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/apply/{application.key}/edit/")
    assert {
        "unit": application.unit,
        "campaign": application.campaign,
        "status": application.status,
        "number": application.number,
        "version": application.version,
        "applicant_name": application.applicant_name,
        "post_name": application.post_name,
        "category": application.category,
        "staff_total": application.staff_total,
        "staff_women": application.staff_women,
        "achievements": application.achievements,
        "pledge": application.pledge,
    } == {
        "unit": unit,
        "campaign": campaign,
        "status": Status.DRAFT,
        "number": "",
        "version": 1,
        "applicant_name": "柳州市第一测试医院儿科护理组",
        "post_name": "",
        "category": "",
        "staff_total": 4,
        "staff_women": None,
        "achievements": "先存个草稿",
        "pledge": False,
    }
    assert leaders_of(application) == []  # the blank row is dropped
    assert events_of(application) == ["create"]


def test_save_draft_message_on_edit_page(apply_window, applicant, campaign, client_for):
    response = client_for(applicant).post("/apply/new/", form_data(button="draft"), follow=True)

    assert response.redirect_chain == [(f"/apply/{Application.objects.get().key}/edit/", 302)]
    assert messages_of(response) == [phrases.SAVED_DRAFT]
    assert hidden_version(response.content.decode()) == "1"


def test_submit_complete_form_submits_and_sends_receipt(
    apply_window, applicant, campaign, client_for, mailoutbox, django_capture_on_commit_callbacks, deliver_outbox
):
    data = form_data(
        leaders=(LEADER, {"name": "韦强", "gender": "M", "title": "副护士长", "phone": "13907722222"}),
        honours=({"year": "2019", "title": "柳州市三八红旗集体", "issuer": "柳州市妇联"},),
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(applicant).post("/apply/new/", data)

    application = Application.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/apply/{application.key}/")
    assert (application.status, application.number, application.version) == (Status.SUBMITTED, "2021-CZ-001", 2)
    assert application.submitted_at is not None
    assert leaders_of(application) == [
        ("覃丽", "F", "护士长", "13907721111"),
        ("韦强", "M", "副护士长", "13907722222"),
    ]
    assert list(application.honours.values_list("year", "title", "issuer")) == [
        ("2019", "柳州市三八红旗集体", "柳州市妇联")
    ]
    assert events_of(application) == ["create", "submit"]
    deliver_outbox()
    assert [(m.subject, m.to) for m in mailoutbox] == [
        ("【柳州市巾帼文明岗】申报已提交：柳州市第一测试医院儿科护理组（2021-CZ-001）", [applicant.email])
    ]
    assert "申报编号：2021-CZ-001" in mailoutbox[0].body


def test_submit_message_on_detail_page(apply_window, applicant, campaign, client_for):
    response = client_for(applicant).post("/apply/new/", form_data(), follow=True)

    assert messages_of(response) == [f"申报表已提交，等待城中区妇联初审。回执邮件将发送至 {applicant.email}。"]
    assert response.context["application"].status == Status.SUBMITTED


# --- errors --------------------------------------------------------------------------------------


def test_submit_with_errors_shows_each_next_to_its_field(apply_window, applicant, application, client_for):
    achievements = "岗" * 501
    data = form_data(
        version=1,
        staff_total="2",
        staff_women="2",
        contact_phone="12345",
        achievements=achievements,
        leaders=({"name": "覃刚", "gender": "M", "title": "班组长", "phone": "13907723333"},),
    )

    response = client_for(applicant).post(f"/apply/{application.key}/edit/", data)

    assert response.status_code == 200
    bundle = response.context["bundle"]
    assert bundle.form.errors == {
        "staff_total": ["岗位只有2名工作人员，少于3人；如属特殊岗位，请勾选“特殊岗位”并写明理由。"],
        "contact_phone": [PHONE_ERROR],
        "achievements": ["主要事迹限500字以内，当前501字（不计空格和换行），请删减1字。"],
    }
    assert bundle.row_errors == ["岗位负责人中至少要有1名女性。"]
    assert messages_of(response) == [phrases.SAVED_BUT_NOT_SUBMITTED]

    html = response.content.decode()
    # Each message sits right under its own input, and what was typed is still there.
    for field in ("staff_total", "contact_phone", "achievements"):
        (message,) = bundle.form.errors[field]
        assert re.search(
            rf'<(?:input|textarea)[^>]* aria-describedby="[^"]*id_{field}_error"[^>]*>.*?'
            rf'<div id="id_{field}_error" class="invalid-feedback">\s*'
            rf'<p id="error_1_id_{field}"><strong>{re.escape(escape(message))}</strong></p>',
            html,
            flags=re.DOTALL,
        )
    assert '<div class="invalid-feedback d-block mb-2" data-row-error>岗位负责人中至少要有1名女性。</div>' in html
    assert 'name="contact_phone" value="12345"' in html
    assert 'name="staff_total" value="2"' in html
    assert f">\n{achievements}</textarea>" in html
    assert 'name="leaders-0-name" value="覃刚"' in html

    # Saved as a draft, one version on, and the page carries that version for the next save.
    application.refresh_from_db()
    assert (application.status, application.version, application.number) == (Status.DRAFT, 2, "")
    assert (application.staff_total, application.contact_phone, application.achievements) == (2, "12345", achievements)
    assert leaders_of(application) == [("覃刚", "M", "班组长", "13907723333")]
    assert hidden_version(html) == "2"
    assert events_of(application) == ["edit"]


def test_submit_with_errors_then_fixed_submits_same_draft(apply_window, applicant, campaign, client_for):
    """A new form refused on submit is saved as a draft; the re-shown page posts to that draft,
    so fixing it does not create a second application."""
    client = client_for(applicant)

    first = client.post("/apply/new/", form_data(pledge=None))

    application = Application.objects.get()
    html = first.content.decode()
    assert first.status_code == 200
    assert first.context["bundle"].form.errors == {"pledge": ["请确认本岗位符合通知第二部分的五项创建条件。"]}
    assert (form_action(html), hidden_version(html)) == (f"/apply/{application.key}/edit/", "1")

    second = client.post(form_action(html), form_data(version=hidden_version(html)))

    assert (second.status_code, second["Location"]) == (302, f"/apply/{application.key}/")
    assert list(Application.objects.values_list("key", "status")) == [(application.key, Status.SUBMITTED)]


def test_new_form_posts_to_new(apply_window, applicant, campaign, client_for):
    html = client_for(applicant).get("/apply/new/").content.decode()

    assert form_action(html) is None


def test_women_above_total_refused_on_new_draft(apply_window, applicant, campaign, client_for):
    response = client_for(applicant).post("/apply/new/", form_data(button="draft", staff_total="5", staff_women="6"))

    assert response.status_code == 200
    assert response.context["form"].errors == {"staff_women": ["女性人数（6）不能大于岗位总人数（5）。"]}
    assert 'name="staff_women" value="6"' in response.content.decode()
    assert list(Application.objects.all()) == []


def test_women_above_total_refused_on_edit(apply_window, applicant, application, client_for):
    response = client_for(applicant).post(
        f"/apply/{application.key}/edit/", form_data(version=1, staff_total="5", staff_women="6")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"staff_women": ["女性人数（6）不能大于岗位总人数（5）。"]}
    application.refresh_from_db()
    assert (application.staff_total, application.staff_women, application.version) == (5, 3, 1)
    assert events_of(application) == []


# --- stale forms and deadlines -------------------------------------------------------------------


def test_stale_form_refused_and_nothing_overwritten(apply_window, applicant, application, client_for):
    client = client_for(applicant)
    colleague = client.post(
        f"/apply/{application.key}/edit/", form_data(button="draft", version=1, applicant_name="同事保存的名称")
    )
    assert colleague.status_code == 302

    response = client.post(
        f"/apply/{application.key}/edit/",
        form_data(button="draft", version=1, applicant_name="我在旧页面上改的名称", achievements="旧页面上写的事迹"),
    )

    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [phrases.STALE_FORM]
    html = response.content.decode()
    assert escape(phrases.STALE_FORM) in html
    assert 'value="我在旧页面上改的名称"' in html
    assert ">\n旧页面上写的事迹</textarea>" in html
    application.refresh_from_db()
    assert (application.applicant_name, application.version) == ("同事保存的名称", 2)
    assert events_of(application) == ["edit"]


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        (shanghai(2020, 9, 20, 23, 59, 58), 302),
        (shanghai(2020, 9, 20, 23, 59, 59), 302),
        (shanghai(2020, 9, 21, 0, 0, 0), 403),
    ],
    ids=["second-before", "at", "second-after"],
)
def test_new_at_apply_deadline(applicant, campaign, client_for, moment, status):
    with time_machine.travel(moment, tick=False):
        client = client_for(applicant)
        response = client.post("/apply/new/", form_data(button="draft", achievements="截止时刻写下的事迹"))

    assert response.status_code == status
    if status == 302:
        assert list(Application.objects.values_list("achievements", flat=True)) == ["截止时刻写下的事迹"]
    else:
        assert response.context["form"].non_field_errors() == [STAGE_CLOSED]
        html = response.content.decode()
        assert STAGE_CLOSED in html
        assert ">\n截止时刻写下的事迹</textarea>" in html
        assert list(Application.objects.all()) == []


def test_edit_after_apply_deadline_refused_and_text_kept(applicant, application, client_for):
    with time_machine.travel(shanghai(2020, 9, 21, 0, 0, 0), tick=False):
        client = client_for(applicant)
        response = client.post(
            f"/apply/{application.key}/edit/",
            form_data(version=1, applicant_name="截止后改的名称", achievements="截止后写的事迹"),
        )

    assert response.status_code == 403
    assert response.context["form"].non_field_errors() == [STAGE_CLOSED]
    html = response.content.decode()
    assert STAGE_CLOSED in html
    assert 'value="截止后改的名称"' in html
    assert ">\n截止后写的事迹</textarea>" in html
    application.refresh_from_db()
    assert (application.status, application.applicant_name, application.version) == (
        Status.DRAFT,
        "柳州市第一测试医院客服班组",
        1,
    )
    assert events_of(application) == []


# --- withdraw, resubmit, double submit -----------------------------------------------------------


def test_withdraw_then_edit_and_resubmit(apply_window, applicant, application, client_for):
    client = client_for(applicant)
    client.post(f"/apply/{application.key}/submit/")

    confirm = client.get(f"/apply/{application.key}/withdraw/")
    assert confirm.status_code == 200
    assert '<button class="btn btn-warning" type="submit">确认撤回</button>' in confirm.content.decode()

    withdrawn = client.post(f"/apply/{application.key}/withdraw/", follow=True)
    assert withdrawn.redirect_chain == [(f"/apply/{application.key}/", 302)]
    assert messages_of(withdrawn) == [phrases.WITHDRAWN]
    application.refresh_from_db()
    assert (application.status, application.number, application.version) == (Status.DRAFT, "2021-CZ-001", 3)

    resubmitted = client.post(
        f"/apply/{application.key}/edit/", form_data(version=3, applicant_name="柳州市第一测试医院儿科护理组")
    )

    assert (resubmitted.status_code, resubmitted["Location"]) == (302, f"/apply/{application.key}/")
    application.refresh_from_db()
    assert (application.status, application.number, application.applicant_name, application.version) == (
        Status.SUBMITTED,
        "2021-CZ-001",
        "柳州市第一测试医院儿科护理组",
        5,
    )
    assert events_of(application) == ["submit", "withdraw", "edit", "submit"]


def test_withdraw_confirm_warns_only_after_the_apply_deadline(applicant, application, client_for):
    with time_machine.travel(shanghai(2020, 9, 20, 10, 0, 0), tick=False):
        client = client_for(applicant)
        client.post(f"/apply/{application.key}/submit/")
        before = client.get(f"/apply/{application.key}/withdraw/")
    with time_machine.travel(shanghai(2020, 9, 21, 0, 0, 0), tick=False):
        client = client_for(applicant)
        after = client.get(f"/apply/{application.key}/withdraw/")
    before_text, after_text = before.content.decode(), after.content.decode()
    assert "撤回后请在申报截止前重新提交：申报今天23:59:59截止。" in before_text
    assert "将无法再次提交" not in before_text
    assert "<strong>申报已于2020年9月20日 23:59:59截止。</strong>现在撤回，这份申报表将无法再次提交" in after_text


def test_double_submit_is_harmless(
    apply_window, applicant, application, client_for, mailoutbox, django_capture_on_commit_callbacks, deliver_outbox
):
    client = client_for(applicant)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/apply/{application.key}/submit/")
        second = client.post(f"/apply/{application.key}/submit/", follow=True)

    assert (first.status_code, first["Location"]) == (302, f"/apply/{application.key}/")
    assert second.redirect_chain == [(f"/apply/{application.key}/", 302)]
    assert messages_of(second) == [
        f"申报表已提交，等待城中区妇联初审。回执邮件将发送至 {applicant.email}。",
        "当前状态为“已提交，待初审”，不能提交申报。页面可能已过期，请刷新后查看。",
    ]
    application.refresh_from_db()
    assert (application.status, application.number, application.version) == (Status.SUBMITTED, "2021-CZ-001", 2)
    assert events_of(application) == ["submit"]
    deliver_outbox()
    assert len(mailoutbox) == 1


def test_double_submit_of_the_form_is_harmless(apply_window, applicant, application, client_for):
    """The submit button pressed twice: the second POST finds a submitted application, not a draft."""
    client = client_for(applicant)
    data = form_data(version=1)

    client.post(f"/apply/{application.key}/edit/", data)
    second = client.post(f"/apply/{application.key}/edit/", data, follow=True)

    assert second.redirect_chain == [(f"/apply/{application.key}/", 302)]
    assert messages_of(second)[-1] == "这份申报表刚才已经保存过，重复的提交已忽略。"
    application.refresh_from_db()
    assert (application.status, application.version) == (Status.SUBMITTED, 3)
    assert events_of(application) == ["edit", "submit"]


# --- 我的申报 and the timeline --------------------------------------------------------------------


def _list_rows(response) -> list[tuple]:
    return [
        (
            row["application"].applicant_name,
            row["application"].get_status_display(),
            row["next_step"],
            row["deadline"].text if row["deadline"] else None,
        )
        for row in response.context["rows"]
    ]


def test_my_applications_shows_status_next_step_and_days_left(applicant, campaign, unit, client_for):
    ApplicationFactory(campaign=campaign, unit=unit, applicant_name="已提交的岗位", status=Status.SUBMITTED)
    ApplicationFactory(campaign=campaign, unit=unit, applicant_name="草稿岗位")
    with time_machine.travel(shanghai(2020, 9, 10, 10, 0, 0), tick=False):
        client = client_for(applicant)
        response = client.get("/apply/")
        rows = _list_rows(response)  # the texts count days from "now"

    assert rows == [
        ("草稿岗位", "草稿", "继续填写，并在申报截止前提交", "距申报截止还有10天（2020年9月20日 23:59:59）"),
        ("已提交的岗位", "已提交，待初审", "等待城中区妇联初审；请打印申报表，盖章签字后上传扫描件", None),
    ]
    html = response.content.decode()
    assert "2021年度（柳妇通〔2020〕42号）：距申报截止还有10天（2020年9月20日 23:59:59）。" in html
    assert '<span class="text-success">距申报截止还有10天（2020年9月20日 23:59:59）</span>' in html
    assert '<span class="badge status status-draft">草稿</span>' in html


def test_my_applications_on_last_day_and_after(applicant, campaign, unit, client_for):
    ApplicationFactory(campaign=campaign, unit=unit, applicant_name="草稿岗位")

    with time_machine.travel(shanghai(2020, 9, 20, 8, 0, 0), tick=False):
        last_day = client_for(applicant).get("/apply/")
        last_day_rows = _list_rows(last_day)
    with time_machine.travel(shanghai(2020, 9, 21, 0, 0, 0), tick=False):
        # A fresh login: the session of the morning before has timed out (SESSION_COOKIE_AGE).
        after = client_for(applicant).get("/apply/")
        after_rows = _list_rows(after)

    assert [row[3] for row in last_day_rows] == ["申报今天23:59:59截止"]
    assert [row[3] for row in after_rows] == ["申报已于2020年9月20日 23:59:59截止"]
    assert '<a class="btn btn-primary" href="/apply/new/">新建申报表</a>' in last_day.content.decode()
    assert 'href="/apply/new/">新建申报表</a>' not in after.content.decode()


def test_my_applications_counts_extensions_of_unit_and_body(applicant, campaign, unit, body_a, client_for):
    """Extensions are loaded once for the list; the unit's body's extension counts, another body's does not."""
    ApplicationFactory(campaign=campaign, unit=unit, applicant_name="草稿岗位")
    ApplicationFactory(campaign=campaign, unit=unit, applicant_name="退回岗位", status=Status.RETURNED)
    DeadlineExtension.objects.create(
        campaign=campaign,
        organisation=body_a,
        stage=Stage.APPLY,
        closes_at=shanghai(2020, 9, 25, 23, 59, 59),
        reason="汛期",
    )
    DeadlineExtension.objects.create(
        campaign=campaign,
        organisation=unit,
        stage=Stage.FIRST_REVIEW,
        closes_at=shanghai(2020, 10, 20, 23, 59, 59),
        reason="改材料",
    )
    DeadlineExtension.objects.create(
        campaign=campaign,
        organisation=BodyFactory(),
        stage=Stage.APPLY,
        closes_at=shanghai(2020, 9, 30, 23, 59, 59),
        reason="别人的",
    )
    with time_machine.travel(shanghai(2020, 9, 10, 10, 0, 0), tick=False):
        client = client_for(applicant)
        response = client.get("/apply/")
        rows = _list_rows(response)
        banner = response.context["deadline"].text

    assert sorted(row[3] for row in rows) == [
        "距初审截止还有40天（2020年10月20日 23:59:59）",
        "距申报截止还有15天（2020年9月25日 23:59:59）",
    ]
    assert banner == "距申报截止还有15天（2020年9月25日 23:59:59）"


def test_detail_timeline_in_order(apply_window, applicant, campaign, client_for):
    client = client_for(applicant)
    client.post("/apply/new/", form_data(button="draft"))
    application = Application.objects.get()
    client.post(f"/apply/{application.key}/edit/", form_data(button="draft", version=1))
    client.post(f"/apply/{application.key}/submit/")
    client.post(f"/apply/{application.key}/withdraw/")

    response = client.get(f"/apply/{application.key}/")

    timeline = response.context["timeline"]
    who = "柳州市第一测试医院 · 测试"
    assert [(e.text, e.who, e.note) for e in timeline] == [
        ("创建申报表草稿", who, ""),
        ("保存对申报表的修改", who, ""),
        ("提交申报表，送初审单位初审", who, ""),
        ("撤回申报表，回到草稿", who, ""),
    ]
    html = response.content.decode()
    lines = re.findall(
        r'<div class="timeline-when">([^<]+)</div>\s*<div class="timeline-what"><strong>([^<]+)</strong></div>\s*'
        r'<div class="small text-muted timeline-who">([^<]+)</div>',
        html,
    )
    assert [(what, by) for _, what, by in lines] == [
        ("创建申报表草稿", who),
        ("保存对申报表的修改", who),
        ("提交申报表，送初审单位初审", who),
        ("撤回申报表，回到草稿", who),
    ]
    assert [when for when, _, _ in lines] == [format_datetime(e.created_at) for e in timeline]


def _history_with_return(applicant, reviewer, application, client):
    """Drafted twice and uploaded before the first submission, then submitted, returned, revised."""
    client.post(f"/apply/{application.key}/edit/", form_data(button="draft", version=1))
    client.post(f"/apply/{application.key}/submit/")
    transition(application=application, action=Action.RETURN, actor=reviewer, note="请补充近三年的服务数据。")
    client.post(f"/apply/{application.key}/edit/", form_data(button="draft", version=4))
    client.post(f"/apply/{application.key}/submit/")


def test_timeline_reviewer_sees_from_first_submission(apply_window, applicant, reviewer_a, application, client_for):
    from applications.selectors import application_for_page, timeline

    _history_with_return(applicant, reviewer_a, application, client_for(applicant))
    loaded = application_for_page(reviewer_a, application.key)

    unit, body = "柳州市第一测试医院 · 测试", "柳州市城中区妇女联合会 · 测试"
    assert [(e.text, e.who, e.note_label, e.note) for e in timeline(loaded, reviewer_a)] == [
        ("提交申报表，送初审单位初审", unit, "说明", ""),
        ("退回申报表，请申报单位按意见修改", body, "退回意见", "请补充近三年的服务数据。"),
        ("保存对申报表的修改", unit, "说明", ""),
        ("按初审意见修改后重新提交", unit, "说明", ""),
    ]
    # The unit itself reads its whole history, its drafting included.
    assert [e.text for e in timeline(loaded, applicant)] == [
        "保存对申报表的修改",
        "提交申报表，送初审单位初审",
        "退回申报表，请申报单位按意见修改",
        "保存对申报表的修改",
        "按初审意见修改后重新提交",
    ]


def test_detail_page_of_reviewer_hides_drafting(apply_window, applicant, reviewer_a, application, client_for):
    _history_with_return(applicant, reviewer_a, application, client_for(applicant))

    html = client_for(reviewer_a).get(f"/apply/{application.key}/").content.decode()

    assert re.findall(r'<div class="timeline-what"><strong>([^<]+)</strong>', html) == [
        "提交申报表，送初审单位初审",
        "退回申报表，请申报单位按意见修改",
        "保存对申报表的修改",
        "按初审意见修改后重新提交",
    ]
    assert '<div class="small timeline-note">退回意见：请补充近三年的服务数据。</div>' in html


# --- query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statuses", [[Status.DRAFT], [Status.DRAFT, Status.RETURNED, Status.SUBMITTED]], ids=["1", "3"]
)
def test_my_applications_query_count_is_constant(
    apply_window, applicant, campaign, unit, client_for, django_assert_num_queries, statuses
):
    for status in statuses:
        ApplicationFactory(campaign=campaign, unit=unit, status=status)
    client = client_for(applicant)

    # 1 session, 2 user with its organisation, 3 current campaign, 4 the unit's and body's
    # extensions (once, not per row), 5 the count of applications (the pager), 6 the keys of the
    # page's applications, in order, 7 those applications with campaign and unit; the session is not
    # written (SlidingSessionMiddleware).
    with django_assert_num_queries(7):
        response = client.get("/apply/")

    assert len(response.context["rows"]) == len(statuses)


# --- 女性占比 as shown --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "women", "shown"),
    [(5001, 3000, "59.9%"), (5, 3, "60.0%"), (0, 0, "无法计算（岗位总人数须大于0）")],
    ids=["3000 of 5001", "3 of 5", "total 0"],
)
def test_detail_and_pdf_show_the_floored_share(
    apply_window, applicant, campaign, unit, client_for, total, women, shown
):
    from applications.pdf import application_pdf_html

    application = ApplicationFactory(campaign=campaign, unit=unit, staff_total=total, staff_women=women)

    html = client_for(applicant).get(f"/apply/{application.key}/").content.decode()

    assert re.search(r"<th>其中女性</th><td>([^<]*)</td>", html).group(1) == f"{women}（女性占比 {shown}）"
    pdf_html = application_pdf_html(application)
    assert re.search(r"<th>女性占比</th>\s*<td class=\"num\">([^<]*)</td>", pdf_html).group(1) == shown


# --- closed windows: a notice, not a live form -----------------------------------------------------

AFTER_APPLY = shanghai(2020, 9, 21, 0, 0, 0)
AFTER_REVIEW = shanghai(2020, 10, 17, 0, 0, 0)
APPLY_WINDOW_TEXT = "申报开放时间：2020年8月1日 00:00:00至2020年9月20日 23:59:59。"
ASK_BODY = "如确需延期，请联系柳州市城中区妇女联合会，或柳州市妇女联合会宣发部（联系电话 0772-2850377）。"


def notice_of(html: str) -> list[str]:
    """The lines of the closed-window notice, tags stripped."""
    match = re.search(r'<div class="alert alert-warning stage-closed"[^>]*>(.*?)</div>', html, flags=re.DOTALL)
    if match is None:
        return []
    return [re.sub(r"<[^>]+>", "", line).strip() for line in re.findall(r"<(?:h2|p)[^>]*>.*?</(?:h2|p)>", match[1])]


def test_new_when_apply_closed_is_a_notice_not_a_form(applicant, campaign, client_for):
    with time_machine.travel(AFTER_APPLY, tick=False):
        response = client_for(applicant).get("/apply/new/")

    html = response.content.decode()
    assert response.status_code == 200
    assert notice_of(html) == ["申报已截止，现在不能新建申报表", APPLY_WINDOW_TEXT, ASK_BODY, "返回我的申报"]
    assert 'id="application-form"' not in html
    assert "js/application_form.js" not in html
    assert 'href="/apply/new/">新建申报</a>' not in html


def test_new_before_apply_opens_says_when(applicant, campaign, client_for):
    with time_machine.travel(shanghai(2020, 7, 31, 23, 59, 59), tick=False):
        html = client_for(applicant).get("/apply/new/").content.decode()

    assert notice_of(html) == ["申报尚未开始，现在不能新建申报表", APPLY_WINDOW_TEXT, "返回我的申报"]


def test_closed_notice_names_the_body_and_its_contact(applicant, campaign, body_a, client_for):
    body_a.contact_name, body_a.contact_phone = "李红", "0772-2822222"
    body_a.save()
    with time_machine.travel(AFTER_APPLY, tick=False):
        html = client_for(applicant).get("/apply/new/").content.decode()

    assert notice_of(html)[2] == (
        "如确需延期，请联系柳州市城中区妇女联合会（联系人 李红，电话 0772-2822222），"
        "或柳州市妇女联合会宣发部（联系电话 0772-2850377）。"
    )


def test_new_link_in_menu_only_while_apply_open(applicant, campaign, client_for):
    with time_machine.travel(shanghai(2020, 9, 20, 23, 59, 59), tick=False):
        before = client_for(applicant).get("/apply/").content.decode()
    with time_machine.travel(AFTER_APPLY, tick=False):
        after = client_for(applicant).get("/apply/").content.decode()

    link = '<li class="nav-item"><a class="nav-link" href="/apply/new/">新建申报</a></li>'
    assert (before.count(link), after.count(link)) == (1, 0)
    assert "2021年度（柳妇通〔2020〕42号）：申报已于2020年9月20日 23:59:59截止。" + ASK_BODY in after


def test_body_extension_keeps_new_form_open(applicant, campaign, body_a, client_for):
    DeadlineExtension.objects.create(
        campaign=campaign,
        organisation=body_a,
        stage=Stage.APPLY,
        closes_at=shanghai(2020, 9, 25, 23, 59, 59),
        reason="汛期",
    )
    with time_machine.travel(AFTER_APPLY, tick=False):
        html = client_for(applicant).get("/apply/new/").content.decode()

    assert notice_of(html) == []
    assert '<button type="submit" name="draft" value="1" class="btn btn-outline-primary">保存草稿</button>' in html
    assert 'href="/apply/new/">新建申报</a>' in html


def test_edit_when_apply_closed_shows_everything_read_only(applicant, application, client_for):
    with time_machine.travel(AFTER_APPLY, tick=False):
        response = client_for(applicant).get(f"/apply/{application.key}/edit/")

    html = response.content.decode()
    assert response.status_code == 200
    assert notice_of(html) == [
        "申报已截止，现在不能修改或提交申报表",
        APPLY_WINDOW_TEXT,
        ASK_BODY,
        phrases.STAGE_READ_ONLY,
        "返回我的申报",
    ]
    # Everything saved is there to read (and copy), nothing can be changed or sent.
    assert re.search(r'<input type="text" name="applicant_name" value="柳州市第一测试医院客服班组"[^>]* readonly', html)
    assert re.search(r'<textarea name="achievements"[^>]* readonly[^>]*>\n' + re.escape(application.achievements), html)
    assert re.search(r'<input type="checkbox" name="pledge"[^>]* disabled', html)
    assert re.findall(r'<button type="submit" name="(\w+)"', html) == []
    assert "data-add-row" not in html


def test_returned_while_review_open_then_closed(applicant, campaign, unit, client_for):
    returned = ApplicationFactory(campaign=campaign, unit=unit, applicant_name="退回岗位", status=Status.RETURNED)
    with time_machine.travel(shanghai(2020, 10, 10, 9, 0, 0), tick=False):
        open_rows = _list_rows(client_for(applicant).get("/apply/"))
    with time_machine.travel(AFTER_REVIEW, tick=False):
        client = client_for(applicant)
        closed_rows = _list_rows(client.get("/apply/"))
        edit = client.get(f"/apply/{returned.key}/edit/").content.decode()

    assert open_rows == [
        (
            "退回岗位",
            "退回修改",
            "按初审意见修改后重新提交（初审截止前）",
            "距初审截止还有6天（2020年10月16日 23:59:59）",
        )
    ]
    assert closed_rows == [
        (
            "退回岗位",
            "退回修改",
            "初审已截止，退回的申报表不能再重新提交；如需延期，请联系柳州市城中区妇女联合会",
            "初审已于2020年10月16日 23:59:59截止",
        )
    ]
    assert notice_of(edit)[:2] == [
        "初审已截止，现在不能修改或提交申报表",
        "初审开放时间：2020年8月1日 00:00:00至2020年10月16日 23:59:59。",
    ]


def test_next_step_of_draft_after_apply_closes(applicant, campaign, unit, client_for):
    ApplicationFactory(campaign=campaign, unit=unit, applicant_name="草稿岗位")
    ApplicationFactory(campaign=campaign, unit=unit, applicant_name="已提交的岗位", status=Status.SUBMITTED)
    with time_machine.travel(AFTER_REVIEW, tick=False):
        rows = _list_rows(client_for(applicant).get("/apply/"))

    assert sorted(rows) == [
        ("已提交的岗位", "已提交，待初审", "等待城中区妇联初审", None),
        (
            "草稿岗位",
            "草稿",
            "申报已截止，这份草稿不能再提交；如需延期，请联系柳州市城中区妇女联合会",
            "申报已于2020年9月20日 23:59:59截止",
        ),
    ]


# --- a refusal that saved nothing says so ----------------------------------------------------------


def test_women_above_total_says_not_saved(apply_window, applicant, application, client_for):
    response = client_for(applicant).post(
        f"/apply/{application.key}/edit/", form_data(button="draft", version=1, staff_total="5", staff_women="6")
    )

    assert messages_of(response) == [
        "未保存：有1处需要修改，见下方列表。请改正标红的项目后再保存；您填写的内容仍在下方，尚未丢失。"
    ]
    assert response.context["form"].errors["staff_women"] == ["女性人数（6）不能大于岗位总人数（5）。"]
    assert messages_of(response)[0] != phrases.SAVED_BUT_NOT_SUBMITTED


def test_not_saved_counts_every_problem(apply_window, applicant, campaign, client_for):
    response = client_for(applicant).post(
        "/apply/new/",
        form_data(button="draft", staff_total="-1", staff_women="abc", category="bogus", contact_phone="x" * 31),
    )

    assert sorted(response.context["form"].errors) == ["category", "contact_phone", "staff_total", "staff_women"]
    assert messages_of(response) == [
        "未保存：有4处需要修改，见下方列表。请改正标红的项目后再保存；您填写的内容仍在下方，尚未丢失。"
    ]
    assert list(Application.objects.all()) == []


def test_refused_post_after_deadline_says_typed_text_not_saved(applicant, campaign, client_for):
    with time_machine.travel(AFTER_APPLY, tick=False):
        response = client_for(applicant).post("/apply/new/", form_data(button="draft", achievements="截止后写的事迹"))

    html = response.content.decode()
    assert response.status_code == 403
    assert notice_of(html) == [
        "申报已截止，现在不能新建申报表",
        APPLY_WINDOW_TEXT,
        ASK_BODY,
        phrases.STAGE_READ_ONLY_TYPED,
        "返回我的申报",
    ]
    assert re.search(r'<textarea name="achievements"[^>]* readonly[^>]*>\n截止后写的事迹</textarea>', html)


def test_review_list_shows_floored_share_and_the_date(apply_window, reviewer_a, campaign, unit, client_for):
    ApplicationFactory(
        campaign=campaign,
        unit=unit,
        status=Status.SUBMITTED,
        number="2021-CZ-001",
        staff_total=5001,
        staff_women=3000,
        submitted_at=shanghai(2020, 9, 1, 9, 5, 0),
    )

    html = client_for(reviewer_a).get("/review/").content.decode()

    assert re.findall(r'<td data-label="(人数/女性|提交时间)">([^<]*)</td>', html) == [
        ("人数/女性", "5001 / 3000（59.9%）"),
        ("提交时间", "2020年9月1日 09:05:00"),
    ]
