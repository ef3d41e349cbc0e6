"""The admin reads in Chinese: every page a superuser can reach shows no English word but names.

Also: the project's catalogue (locale/zh_Hans) is compiled and committed, and the .mo says what
the .po says, so that no machine needs gettext to install or test the project.
"""

import ast
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from applications.models import Application, Attachment
from audit import Action
from audit.models import AuditEvent
from gangwei.models import Campaign, DeadlineExtension, Organisation, Stage, User
from review.models import Quota, Review, SummaryReport
from tests.factories import ApplicationFactory, shanghai

# Names, not words: keyboard keys in Django's multi-select help, and technical names a clerk reads as such.
PROPER_NAMES = {"IP", "SHA", "Control", "Command", "Mac", "PDF"}


class VisibleText(HTMLParser):
    """What a reader sees or hears: text outside script/style, the attributes read aloud or shown,
    and button labels. Data the user typed (field values, <bdi> hash summaries) is left out."""

    SHOWN_ATTRIBUTES = ("title", "placeholder", "alt", "aria-label")
    HIDDEN = {"script", "style", "template", "bdi", "textarea", "option"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN:
            self.hidden += 1
        self.parts += [attrs[name] for name in self.SHOWN_ATTRIBUTES if attrs.get(name)]
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"} and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def english(text: str, data_words: set[str]) -> list[str]:
    text = re.sub(r"\S+@\S+|(?<![\w])/[\w./-]*", " ", text)  # e-mail addresses and paths are data
    words = set(re.findall(r"[A-Za-z][A-Za-z']*[A-Za-z]", text))
    return sorted(words - PROPER_NAMES - data_words)


@pytest.fixture
def every_kind(superuser, campaign, unit, applicant):
    """One object of every model the admin shows, with a history to look at."""
    extension = DeadlineExtension.objects.create(
        campaign=campaign,
        organisation=unit,
        stage=Stage.APPLY,
        closes_at=shanghai(2020, 9, 25, 23, 59, 59),
        reason="汛期受灾",
        granted_by=superuser,
    )
    campaign.apply_closes_at = shanghai(2020, 9, 21, 23, 59, 59)
    campaign._change_reason = "延长一天"
    campaign.save()
    application = ApplicationFactory(campaign=campaign, unit=unit)
    request = {
        "user_agent": "Mozilla/5.0",
        "ip_address": "10.0.0.1",
        "username": "clerk",
        "http_accept": "text/html",
        "path_info": "/accounts/login/",
    }
    group = Group.objects.create(name="市妇联工作人员")
    group.permissions.set(Permission.objects.filter(codename__in=["change_campaign", "view_accessattempt"]))
    return {
        Campaign: campaign,
        DeadlineExtension: extension,
        Organisation: unit,
        User: applicant,
        Group: group,
        Application: application,
        Attachment: None,
        AccessAttempt: AccessAttempt.objects.create(**request, get_data="", post_data="", failures_since_start=3),
        AccessLog: AccessLog.objects.create(**request),
        AccessFailureLog: AccessFailureLog.objects.create(**request, locked_out=False),
        # 初审 (ui helper): a quota with its history, one review, one filing.
        Quota: Quota.objects.create(campaign=campaign, body=unit.parent, places=3),
        Review: Review.objects.create(application=application),
        SummaryReport: SummaryReport.objects.create(
            campaign=campaign, body=unit.parent, file="summaries/2021/x.xlsx", sha256="0" * 64, size=1, rows=0,
            filed_by=superuser, filed_at=shanghai(2020, 10, 1, 9, 0, 0),
        ),
        **city_stage_objects(campaign, application, superuser),
        AuditEvent: AuditEvent.objects.create(
            occurred_at=shanghai(2020, 9, 1, 9, 0, 0),
            actor=superuser,
            username="root",
            action=Action.DEADLINE,
            target=f"创建年度：{campaign}",
            ip="10.0.0.1",
            user_agent="Mozilla/5.0",
            detail={
                "model": "gangwei.Campaign",
                "object_id": campaign.pk,
                "change": "修改",
                "changes": {"apply_closes_at": ["2020-09-20T23:59:59+08:00", "2020-09-21T23:59:59+08:00"]},
                "reason": "延长一天",
            },
        ),
    }


def city_stage_objects(campaign, application, superuser) -> dict:
    """One object of each model of the city's stages (training, 考核, 公示, 命名, the calendar)."""
    import datetime as dt
    from decimal import Decimal

    from gangwei.models import CalendarDay, CalendarYear
    from review.models import (
        Assessment,
        AssessmentCriterion,
        Certificate,
        Method,
        Objection,
        Publicity,
        TrainingSession,
    )

    session = TrainingSession.objects.create(
        campaign=campaign, title="创建培训", held_on=dt.date(2021, 3, 1), place="市妇联会议室", created_by=superuser
    )
    criterion = AssessmentCriterion.objects.create(campaign=campaign, name="组织建设", max_points=Decimal("20.0"))
    criterion.name = "组织建设与管理"
    criterion._change_reason = "改名"
    criterion.save()
    publicity = Publicity.objects.create(
        campaign=campaign,
        starts_on=dt.date(2021, 7, 1),
        days=5,
        ends_on=dt.date(2021, 7, 7),
        published_by=superuser,
        published_at=shanghai(2021, 7, 1, 9, 0, 0),
    )
    return {
        TrainingSession: session,
        AssessmentCriterion: criterion,
        Assessment: Assessment.objects.create(
            application=application, assessor=superuser, method=Method.VISIT, assessed_on=dt.date(2021, 4, 1)
        ),
        Publicity: publicity,
        Objection: Objection.objects.create(
            publicity=publicity,
            application=application,
            name="张三",
            phone="13800000000",
            content="材料与实际不符。",
            source="0" * 64,
            submitted_at=shanghai(2021, 7, 2, 9, 0, 0),
        ),
        Certificate: Certificate.objects.create(
            application=application, campaign=campaign, sequence=1, number="2021-001", issued_on=dt.date(2021, 8, 1)
        ),
        CalendarYear: CalendarYear.objects.get(year=2021),
        CalendarDay: CalendarDay.objects.filter(date__year=2021).first(),
    }


def admin_pages(objects: dict) -> list[str]:
    """Index, each app, and for each registered model its list (also searched and filtered), add,
    change, delete and history pages, each saved version and its revert confirmation."""
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    urls += [
        reverse("admin:app_list", args=[label]) for label in sorted({m._meta.app_label for m in admin.site._registry})
    ]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        changelist = reverse(f"{name}_changelist")
        urls += [changelist, f"{changelist}?q=不存在的内容", f"{changelist}?_facets=True"]
        urls.append(reverse(f"{name}_add"))
        obj = objects[model]
        if obj is None:
            continue
        urls += [reverse(f"{name}_{view}", args=[obj.pk]) for view in ("change", "delete", "history")]
        if hasattr(model_admin, "revert_view"):
            for record in model.history.filter(**{opts.pk.attname: obj.pk}):
                urls.append(reverse(f"{name}_simple_history", args=[obj.pk, record.history_id]))
                urls.append(reverse(f"{name}_history_revert", args=[obj.pk, record.history_id]))
    urls.append(reverse("admin:auth_user_password_change", args=[objects[User].pk]))
    return urls


def test_admin_pages_have_no_english(admin_client, every_kind):
    assert set(every_kind) == set(admin.site._registry)  # a new model in the admin gets walked too
    # What the fixtures typed; "unknown" is axes' "<unknown>" path of a login without a request (force_login).
    data_words = {"root", "applicant", "clerk", "Mozilla", "text", "html", "CZ", "unknown", "chinesecalendar"}
    found = {}
    for url in admin_pages(every_kind):
        response = admin_client.get(url)
        if response.status_code == 403:  # no add page for logs and applications
            continue
        assert response.status_code == 200, url
        for word in english(visible_text(response.content.decode()), data_words):
            found.setdefault(word, url)
    assert found == {}


def test_admin_delete_action_confirmation_has_no_english(admin_client, every_kind):
    for model in (AccessAttempt, AccessLog, Campaign):
        opts = model._meta
        response = admin_client.post(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            {"action": "delete_selected", "_selected_action": [str(every_kind[model].pk)]},
        )
        assert response.status_code == 200
        assert english(visible_text(response.content.decode()), {"root", "clerk"}) == [], model


def test_admin_login_page_has_no_english(client, db):
    assert english(visible_text(client.get("/admin/login/").content.decode()), set()) == []


def test_history_breadcrumb_names_the_history(admin_client, every_kind):
    campaign = every_kind[Campaign]
    record = campaign.history.earliest()
    html = admin_client.get(f"/admin/gangwei/campaign/{campaign.pk}/history/{record.history_id}/").content.decode()
    crumbs = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html.split('class="breadcrumbs"')[1].split("</div>")[0]))
    assert crumbs.replace("&rsaquo;", "›").strip(' ">') == (
        f"首页 › 基础设置 › 创建年度 › {campaign} › 截止时间修改记录 › 查看此版本"
    )


def test_axes_attempt_status_and_names_in_chinese(admin_client, every_kind):
    html = admin_client.get("/admin/axes/accessattempt/").content.decode()
    assert '<td class="field-status">还可尝试 2 次</td>' in html
    assert str(every_kind[AccessAttempt]).startswith("clerk 的登录失败计数（")
    assert admin.site._registry[AccessAttempt].__class__.__module__ == "gangwei.axes_admin"


def test_permissions_listed_in_chinese(admin_client, every_kind):
    html = admin_client.get(f"/admin/auth/group/{every_kind[Group].pk}/change/").content.decode()
    assert sorted(re.findall(r"<option value=\"\d+\" selected>(.*?)</option>", html)) == [
        "基础设置 | 创建年度 | 可修改",
        "登录安全 | 登录失败计数 | 可查看",
    ]


# --- the catalogue ---


def read_po(path: Path) -> dict[str, str]:
    """msgid (or msgid, plural) → msgstr of a .po file, enough of the format for ours."""
    entries, current, key = {}, {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#") or not line.strip():
            if "msgid" in current:
                singular = current["msgid"]
                entries[singular] = current.get("msgstr", current.get("msgstr[0]"))
            current, key = ({}, None) if not line.strip() else (current, key)
            continue
        if line.startswith('"'):
            current[key] += ast.literal_eval(line)
            continue
        key, _, value = line.partition(" ")
        current[key] = ast.literal_eval(value)
    entries.pop("", None)
    return entries


def test_compiled_catalogue_matches_the_po_file():
    folder = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
    po = read_po(folder / "django.po")
    with (folder / "django.mo").open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    assert len(po) > 40
    assert {msgid: mo.gettext(msgid) for msgid in po} == po


def test_django_length_message_worded_as_the_form_base():
    """Forms that are not built on gangwei.formbase (admin, login) say a too-long value the same way."""
    from django.utils.translation import ngettext, override

    from gangwei.phrases import INPUT_TOO_LONG

    with override("zh-hans"):
        worded = ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            40,
        )
    assert worded == INPUT_TOO_LONG
