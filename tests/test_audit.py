"""The audit trail (等保2.0): logins, failed logins and lockouts, admin changes, deadline edits by
any path, and every export of personal data — who, when, from where; read-only in the admin;
pruned by age and never under six months."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone

from applications.services import attachment_add
from audit import Action, download_name
from audit.admin import detail_rows
from audit.checks import retention_check
from audit.models import AuditEvent
from audit.services import audit_record
from gangwei.models import DeadlineExtension, Stage
from gangwei.services import campaign_copy_to_next_year
from review.models import Publicity, SummaryReport
from tests.factories import pdf_bytes, shanghai
from tests.test_admin import change_url, form_as_rendered
from tests.test_city_naming import make_named

PASSWORD = "Gangwei-2021-test"  # tests.factories.UserFactory's


def mark() -> int:
    """The newest event's id: what a test's set-up has recorded (a campaign's deadlines) lies below it."""
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def rows(**filters) -> list[tuple]:
    """The events as (actor, username, action, target, ip), oldest first; the test client's
    force_login (a login too, without an address) left out."""
    events = AuditEvent.objects.filter(**filters).exclude(action=Action.LOGIN, target="")
    return [(e.actor, e.username, e.action, e.target, e.ip) for e in events.order_by("occurred_at", "pk")]


@pytest.fixture
def raw_client():
    return Client(raise_request_exception=False)


# --- logins -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_login_recorded_with_actor_and_address(raw_client, applicant, superuser, url):
    user = superuser if url.startswith("/admin/") else applicant
    password = "Root-Admin-2021" if user is superuser else PASSWORD
    response = raw_client.post(
        url, {"username": user.username, "password": password}, REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Firefox/140"
    )
    assert response.status_code == 302
    assert rows() == [(user, user.username, Action.LOGIN, url, "10.1.2.3")]
    assert AuditEvent.objects.get().user_agent == "Firefox/140"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.5"),  # no trusted proxy: the header is the client's own word
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # what the client wrote itself is ignored
        (2, "198.51.100.1, 203.0.113.9", "198.51.100.1"),
        (1, "not-an-address", "10.0.0.5"),  # a miscounted proxy: the nearest address, not a 500
    ],
)
def test_login_address_honours_trusted_proxy_count(raw_client, applicant, settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    raw_client.post(
        "/accounts/login/",
        {"username": "applicant", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert rows() == [(applicant, "applicant", Action.LOGIN, "/accounts/login/", expected)]


def test_logout_recorded(raw_client, applicant):
    raw_client.force_login(applicant)
    response = raw_client.post("/accounts/logout/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    assert rows() == [(applicant, "applicant", Action.LOGOUT, "/accounts/logout/", "10.1.2.3")]


def test_failed_login_recorded_without_actor(raw_client, applicant):
    response = raw_client.post(
        "/accounts/login/", {"username": "applicant", "password": "wrong-password-1"}, REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200
    assert rows() == [(None, "applicant", Action.LOGIN_FAILED, "/accounts/login/", "10.1.2.3")]
    assert AuditEvent.objects.get().detail == {}  # the password is never written


def test_lockout_recorded(raw_client, applicant, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        raw_client.post(
            "/accounts/login/", {"username": "applicant", "password": "wrong-password-1"}, REMOTE_ADDR="10.1.2.3"
        )
    response = raw_client.post(
        "/accounts/login/", {"username": "applicant", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )

    assert response.status_code == 429
    failed = (None, "applicant", Action.LOGIN_FAILED, "/accounts/login/", "10.1.2.3")
    locked = (None, "applicant", Action.LOCKOUT, "/accounts/login/", "10.1.2.3")
    # The third failure locks (django-axes reports the lockout before the failure is counted); the
    # right password while locked out is refused, and axes reports the lockout again.
    assert rows() == [failed, failed, locked, failed, locked, failed]
    assert rows(action=Action.LOGIN) == []


def test_huge_username_and_user_agent_never_500(raw_client, db):
    response = raw_client.post(
        "/accounts/login/",
        {"username": "长" * 10_000, "password": "whatever-1A"},
        HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 10_000,
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.action, event.username, len(event.user_agent)) == (Action.LOGIN_FAILED, "长" * 150, 300)


def test_texts_cleaned_for_the_database(db):
    event = audit_record(
        action=Action.EXPORT, target="a\x00b" + "长" * 300, username="\ud800x", detail={"k": "v\x00" * 400}
    )
    event.refresh_from_db()
    assert (event.target, event.username, event.detail) == ("a\ufffdb" + "长" * 197, "?x", {"k": "v\ufffd" * 250})


def test_event_outlives_its_user(raw_client, applicant):
    raw_client.post("/accounts/login/", {"username": "applicant", "password": PASSWORD})
    applicant.delete()
    assert rows() == [(None, "applicant", Action.LOGIN, "/accounts/login/", "127.0.0.1")]


# --- admin changes and deadlines ---------------------------------------------------------------------


def test_admin_deadline_change_recorded_with_old_and_new(admin_client, superuser, campaign):
    start = mark()
    data = form_as_rendered(admin_client, change_url(campaign))
    data.update({"apply_closes_at_0": "2020-09-25", "apply_closes_at_1": "23:59:59", "change_reason": "暴雨停课"})
    response = admin_client.post(change_url(campaign), data, REMOTE_ADDR="10.9.8.7")
    assert (response.status_code, response.url) == (302, "/admin/gangwei/campaign/")

    target = f"创建年度：{campaign}"
    assert rows(pk__gt=start) == [
        (superuser, "root", Action.DEADLINE, target, "10.9.8.7"),
        (superuser, "root", Action.ADMIN_CHANGE, target, "10.9.8.7"),
    ]
    deadline, change = AuditEvent.objects.filter(pk__gt=start).order_by("pk")
    assert deadline.detail == {
        "model": "gangwei.Campaign",
        "object_id": campaign.pk,
        "change": "修改",
        "changes": {"apply_closes_at": ["2020-09-20T23:59:59+08:00", "2020-09-25T23:59:59+08:00"]},
        "reason": "暴雨停课",
    }
    assert change.detail == {
        "model": "gangwei.Campaign",
        "object_id": str(campaign.pk),
        "message": "已修改申报截止 和 修改理由。",
    }


def test_admin_save_without_deadline_change_is_no_deadline_event(admin_client, campaign):
    start = mark()
    data = form_as_rendered(admin_client, change_url(campaign))
    data["notice_number"] = "柳妇通〔2020〕43号"
    admin_client.post(change_url(campaign), data)
    assert [action for _, _, action, _, _ in rows(pk__gt=start)] == [Action.ADMIN_CHANGE]


def test_admin_add_and_delete_recorded(admin_client, superuser):
    admin_client.post("/admin/auth/group/add/", {"name": "审计员"})
    group = Group.objects.get()
    admin_client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"})
    assert rows() == [
        (superuser, "root", Action.ADMIN_ADD, "组：审计员", "127.0.0.1"),
        (superuser, "root", Action.ADMIN_DELETE, "组：审计员", "127.0.0.1"),
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_admin_bulk_delete_recorded_once_per_object(admin_client, superuser, count):
    groups = [Group.objects.create(name=f"组{i}") for i in range(count)]
    response = admin_client.post(
        "/admin/auth/group/",
        {"action": "delete_selected", "_selected_action": [g.pk for g in groups], "post": "yes"},
    )
    assert response.status_code == 302
    assert Group.objects.count() == 0
    assert sorted(rows()) == sorted(
        (superuser, "root", Action.ADMIN_DELETE, f"组：{g.name}", "127.0.0.1") for g in groups
    )


def test_deadline_by_service_recorded(campaign, city_user):
    start = mark()
    new = campaign_copy_to_next_year(campaign=campaign, user=city_user)
    event = AuditEvent.objects.get(pk__gt=start)
    assert (event.actor, event.action, event.target, event.ip) == (city_user, Action.DEADLINE, f"创建年度：{new}", None)
    assert event.detail["changes"]["apply_closes_at"] == [None, "2021-09-20T23:59:59+08:00"]
    assert event.detail["reason"] == "由2021年度复制，日期顺延一年"


def test_extension_edit_and_delete_recorded(campaign, unit, city_user):
    start = mark()
    extension = DeadlineExtension(
        campaign=campaign,
        organisation=unit,
        stage=Stage.APPLY,
        closes_at=shanghai(2020, 9, 25, 23, 59, 59),
        reason="暴雨",
    )
    extension._history_user = city_user
    extension.save()
    extension.closes_at = shanghai(2020, 9, 27, 23, 59, 59)
    extension.reason = "暴雨，再延"
    extension.save()
    extension.delete()
    events = AuditEvent.objects.filter(pk__gt=start).order_by("pk")
    changes = [(e.actor, e.target, e.detail["change"], e.detail["changes"]) for e in events]
    granted = "截止时间延期：柳州市第一测试医院 申报 延至 2020年9月25日 23:59:59"
    moved = "截止时间延期：柳州市第一测试医院 申报 延至 2020年9月27日 23:59:59"
    assert changes == [
        (city_user, granted, "新增", {"closes_at": [None, "2020-09-25T23:59:59+08:00"]}),
        (city_user, moved, "修改", {"closes_at": ["2020-09-25T23:59:59+08:00", "2020-09-27T23:59:59+08:00"]}),
        (city_user, moved, "删除", {"closes_at": ["2020-09-27T23:59:59+08:00", None]}),
    ]


def test_two_edits_in_one_clock_tick_both_recorded(campaign, city_user):
    start = mark()
    with time_machine.travel(shanghai(2020, 9, 1, 10, 0, 0), tick=False):
        for day in (21, 22):
            campaign.apply_closes_at = shanghai(2020, 9, day, 23, 59, 59)
            campaign._history_user = city_user
            campaign.save()
    events = AuditEvent.objects.filter(pk__gt=start).order_by("pk")
    assert [e.detail["changes"] for e in events] == [
        {"apply_closes_at": ["2020-09-20T23:59:59+08:00", "2020-09-21T23:59:59+08:00"]},
        {"apply_closes_at": ["2020-09-21T23:59:59+08:00", "2020-09-22T23:59:59+08:00"]},
    ]


def test_publicity_dates_recorded(campaign, city_user):
    start = mark()
    publicity = Publicity.objects.create(
        campaign=campaign,
        starts_on=dt.date(2021, 8, 2),
        days=5,
        ends_on=dt.date(2021, 8, 6),
        published_at=timezone.now(),
    )
    publicity.ends_on = dt.date(2021, 8, 9)
    publicity._history_user = city_user
    publicity.save()
    events = AuditEvent.objects.filter(pk__gt=start).order_by("pk")
    assert [(e.actor, e.action, e.detail["change"], e.detail["changes"]) for e in events] == [
        (None, Action.DEADLINE, "新增", {"starts_on": [None, "2021-08-02"], "ends_on": [None, "2021-08-06"]}),
        (city_user, Action.DEADLINE, "修改", {"ends_on": ["2021-08-06", "2021-08-09"]}),
    ]


# --- exports ---------------------------------------------------------------------------------------


def _attachment(request):
    request.getfixturevalue("apply_window")
    application = request.getfixturevalue("application")
    upload = SimpleUploadedFile("盖章扫描件.pdf", pdf_bytes(), content_type="application/pdf")
    attachment = attachment_add(application=application, user=request.getfixturevalue("applicant"), upload=upload)
    return f"/apply/{application.key}/attachments/{attachment.pk}/", attachment.original_name


def _filed(request):
    request.getfixturevalue("reported")
    report = SummaryReport.objects.select_related("body").get()
    name = f"附件2-汇总表-2021-{report.body.label}-报送{report.filed_at.date().isoformat()}.xlsx"
    return f"/review/summary/filed/{report.pk}/", name


def _named(request):
    names = ["campaign", "body_a", "reviewer_a", "city_user"]
    make_named(1, *[request.getfixturevalue(name) for name in names])


def _application_pdf(request):
    application = request.getfixturevalue("application")
    return f"/apply/{application.key}/pdf/", f"附件1-申报表-{application.key}.pdf"


# name: (who downloads, how to set up → (url, file name)), (who is refused, url or set-up, status)
EXPORTS = {
    "applications:pdf": ("applicant", _application_pdf, "other_applicant", None, 404),
    "applications:attachment": ("applicant", _attachment, "other_applicant", None, 404),
    "review:summary_xlsx": (
        "reviewer_a",
        lambda r: (
            r.getfixturevalue("campaign") and "/review/summary/xlsx/",
            f"附件2-汇总表-2021-{r.getfixturevalue('body_a').label}.xlsx",
        ),
        "applicant",
        None,
        403,
    ),
    "review:summary_pdf": (
        "reviewer_a",
        lambda r: (
            r.getfixturevalue("reported") and "/review/summary/pdf/",
            f"附件1-申报表-2021-{r.getfixturevalue('body_a').label}.pdf",
        ),
        "reviewer_a",
        lambda r: r.getfixturevalue("reported") and "/review/summary/pdf/?part=99",
        404,
    ),
    "review:filed_xlsx": ("reviewer_a", _filed, "reviewer_b", None, 404),
    "review:city_summary_xlsx": (
        "city_user",
        lambda r: (r.getfixturevalue("campaign") and "/city/summary/xlsx/", "附件2-汇总表-2021-全市.xlsx"),
        "reviewer_a",
        None,
        403,
    ),
    "review:ranking_xlsx": (
        "city_user",
        lambda r: (
            r.getfixturevalue("campaign") and "/city/assessment/ranking.xlsx",
            "2021年度巾帼文明岗考核排名.xlsx",
        ),
        "reviewer_a",
        None,
        403,
    ),
    "review:naming_pdf": (
        "city_user",
        lambda r: (_named(r) or "/city/naming/list.pdf", "2021年度柳州市巾帼文明岗名单.pdf"),
        "reviewer_a",
        None,
        403,
    ),
    "review:naming_xlsx": (
        "city_user",
        lambda r: (_named(r) or "/city/naming/list.xlsx", "2021年度柳州市巾帼文明岗名单.xlsx"),
        "reviewer_a",
        None,
        403,
    ),
    "review:certificates_pdf": (
        "city_user",
        lambda r: (_named(r) or "/city/naming/certificates.pdf", "2021年度柳州市巾帼文明岗证书.pdf"),
        "city_user",
        lambda r: r.getfixturevalue("campaign") and "/city/naming/certificates.pdf",  # nothing named yet
        404,
    ),
    "review:roster_xlsx": (
        "city_user",
        lambda r: (_named(r) or "/city/naming/roster.xlsx", "2021年度柳州市巾帼志愿者队伍名册.xlsx"),
        "reviewer_a",
        None,
        403,
    ),
}


def _download_url_names() -> set[str]:
    """Every named URL that hands over a document or a file, by the words in its name or path."""
    found = set()
    for namespace in ("applications", "review"):
        resolver = get_resolver().namespace_dict[namespace][1]
        for pattern in resolver.url_patterns:
            text = f"{pattern.name} {pattern.pattern}".lower()
            if any(word in text for word in ("pdf", "xlsx", "download", "export", "attachments/<", "filed")):
                if "delete" not in text:
                    found.add(f"{namespace}:{pattern.name}")
    return found


def test_every_download_url_is_audited_here():
    assert _download_url_names() == set(EXPORTS)


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_export_recorded_once_on_success(request, client, name):
    persona, setup, *_ = EXPORTS[name]
    url, filename = setup(request)
    user = request.getfixturevalue(persona)
    client.force_login(user)
    before = AuditEvent.objects.count()  # the set-up's own events (a campaign's deadlines)

    response = client.get(url, REMOTE_ADDR="10.4.4.4", HTTP_USER_AGENT="U" * 10_000)

    assert response.status_code == 200
    assert download_name(response) == filename
    events = AuditEvent.objects.order_by("pk")[before:]
    assert [(e.actor, e.username, e.action, e.target, e.ip) for e in events] == [
        (user, user.username, Action.EXPORT, filename, "10.4.4.4")
    ]
    assert events[0].detail["path"] == url.partition("?")[0]


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_export_refused_records_nothing(request, client, name):
    persona, setup, outsider, refused_setup, status = EXPORTS[name]
    url = refused_setup(request) if refused_setup else setup(request)[0]
    client.force_login(request.getfixturevalue(outsider))
    before = AuditEvent.objects.count()

    response = client.get(url)

    assert response.status_code == status
    assert AuditEvent.objects.filter(action=Action.EXPORT).count() == 0
    assert AuditEvent.objects.count() == before


def test_export_head_records_nothing(client, applicant, application):
    client.force_login(applicant)
    before = AuditEvent.objects.count()
    response = client.head(f"/apply/{application.key}/pdf/")
    assert (response.status_code, response.content) == (200, b"")
    assert AuditEvent.objects.count() == before


def test_export_command_recorded(campaign, tmp_path):
    output = tmp_path / "汇总表.xlsx"
    call_command("export_summary", "--year", "2021", "-o", str(output), stdout=StringIO())
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert (event.actor, event.username.startswith("命令行："), event.target, event.ip) == (
        None,
        True,
        str(output),
        None,
    )
    assert event.detail == {"year": 2021, "scope": "全市 0 个初审单位", "applications": 0}


def test_export_pdfs_command_recorded(campaign, tmp_path):
    call_command("export_pdfs", "--year", "2021", "-o", str(tmp_path / "pdfs"), stdout=StringIO())
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert (event.actor, event.target, event.detail) == (
        None,
        str(tmp_path / "pdfs"),
        {"year": 2021, "body": "", "applications": 0},
    )


# --- the admin: read only ------------------------------------------------------------------------


@pytest.fixture
def event(applicant):
    return AuditEvent.objects.create(
        occurred_at=timezone.now(), actor=applicant, username="applicant", action=Action.LOGIN, ip="10.1.2.3"
    )


def test_admin_list_and_view_answer(admin_client, event):
    response = admin_client.get("/admin/audit/auditevent/")
    assert response.status_code == 200
    login = AuditEvent.objects.get(username="root")  # the test client's force_login
    assert list(response.context["cl"].result_list) == [event, login]
    assert response.context["cl"].model_admin.get_actions(response.wsgi_request) == {}
    assert admin_client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200
    response = admin_client.get("/admin/audit/auditevent/", {"q": "长" * 10_000})
    assert response.status_code == 200


def test_admin_refuses_add_change_delete_to_superuser(admin_client, event):
    assert admin_client.get("/admin/audit/auditevent/add/").status_code == 403
    assert admin_client.post("/admin/audit/auditevent/add/", {"username": "x", "action": "login"}).status_code == 403
    change = admin_client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"username": "x", "action": "logout"})
    assert change.status_code == 403
    assert admin_client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert admin_client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    admin_client.post(
        "/admin/audit/auditevent/", {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert list(AuditEvent.objects.filter(pk=event.pk).values_list("username", "action")) == [
        ("applicant", Action.LOGIN)
    ]
    assert AuditEvent.objects.count() == 2  # and root's login


def test_admin_hidden_from_staff_without_permission(client, city_user, event):
    city_user.is_staff = True
    city_user.save()
    client.force_login(city_user)
    assert client.get("/admin/audit/auditevent/").status_code == 403


# --- pruning ---------------------------------------------------------------------------------------


def _event_aged(days: int) -> AuditEvent:
    return AuditEvent.objects.create(occurred_at=timezone.now() - dt.timedelta(days=days), action=Action.LOGIN)


def test_prune_removes_only_old_rows(db, settings):
    settings.AUDIT_RETENTION_DAYS = 400
    old = [_event_aged(401), _event_aged(500), _event_aged(900)]
    kept = [_event_aged(399), _event_aged(1)]
    out = StringIO()
    call_command("prune_audit", "--batch-size", "2", stdout=out)
    assert sorted(AuditEvent.objects.values_list("pk", flat=True)) == sorted(e.pk for e in kept)
    assert out.getvalue().startswith(f"已删除 {len(old)} 条 400 天以前")


def test_prune_refuses_under_six_months(db, settings):
    settings.AUDIT_RETENTION_DAYS = 182
    _event_aged(200)
    with pytest.raises(CommandError) as refused:
        call_command("prune_audit", stdout=StringIO())
    assert str(refused.value).startswith("AUDIT_RETENTION_DAYS=182 少于 183 天（六个月）")
    assert AuditEvent.objects.count() == 1
    assert [error.id for error in retention_check(None)] == ["audit.E001"]


def test_retention_check_passes_by_default(settings):
    assert settings.AUDIT_RETENTION_DAYS == 400
    assert retention_check(None) == []


def test_admin_open_to_staff_given_the_view_permission(client, city_user, event):
    """The 审计管理员 of 等保2.0's separation of duties: a staff account with 可查看 审计日志 only."""
    city_user.is_staff = True
    city_user.save()
    city_user.user_permissions.set([Permission.objects.get(codename="view_auditevent")])
    client.force_login(city_user)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200
    assert client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"username": "x"}).status_code == 403


def test_admin_detail_in_chinese(campaign):
    detail = {
        "model": "gangwei.Campaign",
        "object_id": campaign.pk,
        "change": "修改",
        "changes": {"apply_closes_at": ["2020-09-20T23:59:59+08:00", "2020-09-25T23:59:59+08:00"]},
        "reason": "暴雨停课",
        "unknown": None,
    }
    assert detail_rows(detail) == [
        ("数据类型", "创建年度"),
        ("数据编号", str(campaign.pk)),
        ("操作", "修改"),
        ("截止时间（原 → 新）", "申报截止：2020年9月20日 23:59:59 → 2020年9月25日 23:59:59"),
        ("理由", "暴雨停课"),
        ("unknown", "—"),
    ]
