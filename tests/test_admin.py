"""Django admin for campaigns: deadline changes with history, the order constraint, next year's copy."""

import datetime as dt
import html
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client

from gangwei.dates import format_datetime
from gangwei.models import Campaign, DeadlineExtension, Stage, User
from tests.factories import shanghai

ORDER_MESSAGE = "各阶段截止时间必须按 申报→初审→考核→命名 的先后顺序排列。"
DEADLINE_FIELDS = ["opens_at", "apply_closes_at", "first_review_closes_at", "assessment_closes_at", "naming_closes_at"]


def change_url(campaign: Campaign) -> str:
    return f"/admin/gangwei/campaign/{campaign.pk}/change/"


def form_as_rendered(client, url: str) -> dict:
    """The admin form's fields as the browser would send them back unchanged."""
    page = client.get(url).content.decode()
    form = re.search(r'<form [^>]*id="\w+_form".*?</form>', page, flags=re.S).group(0)
    data = {}
    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="submit"' not in tag:
            data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, flags=re.S):
        selected = re.search(r'<option value="([^"]*)" selected>', body)
        data[name] = selected.group(1) if selected else ""
    return data


def deadlines(campaign: Campaign) -> list[dt.datetime]:
    campaign.refresh_from_db()
    return [getattr(campaign, name) for name in DEADLINE_FIELDS]


CAMPAIGN_2021 = [
    shanghai(2020, 8, 1, 0, 0, 0),
    shanghai(2020, 9, 20, 23, 59, 59),
    shanghai(2020, 10, 16, 23, 59, 59),
    shanghai(2021, 6, 30, 23, 59, 59),
    shanghai(2021, 8, 31, 23, 59, 59),
]


# --- changing a deadline, with history ---


def test_admin_campaign_saved_unchanged_keeps_seconds(admin_client, campaign):
    """Saving the form as shown must not move 23:59:59 to 23:59:00."""
    response = admin_client.post(change_url(campaign), form_as_rendered(admin_client, change_url(campaign)))
    assert (response.status_code, response.url) == (302, "/admin/gangwei/campaign/")
    assert deadlines(campaign) == CAMPAIGN_2021


def test_admin_campaign_change_apply_deadline_recorded_in_history(admin_client, superuser, campaign):
    data = form_as_rendered(admin_client, change_url(campaign))
    data.update(
        {"apply_closes_at_0": "2020-09-25", "apply_closes_at_1": "23:59:59", "change_reason": "暴雨停课，延长申报"}
    )
    response = admin_client.post(change_url(campaign), data)
    assert (response.status_code, response.url) == (302, "/admin/gangwei/campaign/")
    assert deadlines(campaign) == [CAMPAIGN_2021[0], shanghai(2020, 9, 25, 23, 59, 59), *CAMPAIGN_2021[2:]]

    latest, created = list(campaign.history.order_by("-history_id"))
    assert (latest.history_type, latest.history_user, created.history_type, created.history_user) == (
        "~",
        superuser,
        "+",
        None,
    )
    delta = latest.diff_against(created)
    assert [(change.field, change.old, change.new) for change in delta.changes] == [
        ("apply_closes_at", shanghai(2020, 9, 20, 23, 59, 59), shanghai(2020, 9, 25, 23, 59, 59))
    ]


def test_admin_campaign_history_page_lists_change(admin_client, superuser, campaign):
    data = form_as_rendered(admin_client, change_url(campaign))
    data.update(
        {"apply_closes_at_0": "2020-09-25", "apply_closes_at_1": "23:59:59", "change_reason": "暴雨停课，延长申报"}
    )
    admin_client.post(change_url(campaign), data)

    response = admin_client.get(f"/admin/gangwei/campaign/{campaign.pk}/history/")
    assert response.status_code == 200
    records = list(response.context["page_obj"].object_list)
    assert [(r.history_type, r.history_user, r.apply_closes_at) for r in records] == [
        ("~", superuser, shanghai(2020, 9, 25, 23, 59, 59)),
        ("+", None, shanghai(2020, 9, 20, 23, 59, 59)),
    ]
    rows = re.findall(r"<tr>(.*?)</tr>", response.content.decode().split('id="change-history"')[1], flags=re.S)
    cells = [
        [re.sub(r"<[^>]+>|\s+", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)] for row in rows
    ]
    # Who changed what and why, in Chinese, the deadlines in Liuzhou time to the second.
    assert [row[1:] for row in cells if row] == [
        ["已修改", "root（root）", "申报截止：2020年9月20日23:59:59→2020年9月25日23:59:59", "暴雨停课，延长申报"],
        ["已创建", "—", "创建", "—"],
    ]
    assert [row[0] for row in cells if row] == [
        format_datetime(r.history_date).replace(" ", "") for r in records
    ]


def test_admin_campaign_out_of_order_refused(admin_client, campaign):
    data = form_as_rendered(admin_client, change_url(campaign))
    data.update({"apply_closes_at_0": "2020-10-20", "apply_closes_at_1": "23:59:59", "change_reason": "误填"})
    response = admin_client.post(change_url(campaign), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [ORDER_MESSAGE]
    assert re.findall(r'<ul class="errorlist nonfield"[^>]*><li>(.*?)</li></ul>', response.content.decode()) == [
        ORDER_MESSAGE
    ]
    assert deadlines(campaign) == CAMPAIGN_2021
    assert campaign.history.count() == 1


def test_admin_campaign_add_out_of_order_refused(admin_client, db):
    data = {
        "year": "2023",
        "notice_number": "柳妇通〔2022〕1号",
        "title": "2023年度柳州市巾帼文明岗创建",
        "opens_at_0": "2022-08-01",
        "opens_at_1": "00:00:00",
        "apply_closes_at_0": "2022-09-20",
        "apply_closes_at_1": "23:59:59",
        "first_review_closes_at_0": "2022-10-16",
        "first_review_closes_at_1": "23:59:59",
        "assessment_closes_at_0": "2022-06-30",
        "assessment_closes_at_1": "23:59:59",
        "naming_closes_at_0": "2023-08-31",
        "naming_closes_at_1": "23:59:59",
    }
    response = admin_client.post("/admin/gangwei/campaign/add/", data)
    assert response.context["adminform"].form.non_field_errors() == [ORDER_MESSAGE]
    assert list(Campaign.objects.all()) == []


def test_admin_campaign_deadline_typed_in_liuzhou_time(admin_client, campaign):
    data = form_as_rendered(admin_client, change_url(campaign))
    data.update({"apply_closes_at_0": "2020-09-21", "apply_closes_at_1": "07:59:59", "change_reason": "按北京时间更正"})
    admin_client.post(change_url(campaign), data)
    campaign.refresh_from_db()
    assert campaign.apply_closes_at == dt.datetime(2020, 9, 20, 23, 59, 59, tzinfo=dt.UTC)


# --- copying to next year ---


def _copy(admin_client, campaign):
    return admin_client.post(
        "/admin/gangwei/campaign/",
        {"action": "copy_to_next_year", "_selected_action": [str(campaign.pk)], "index": "0", "select_across": "0"},
        follow=True,
    )


def test_admin_copy_to_next_year_moves_dates_by_a_year_and_leaves_notice_blank(admin_client, superuser, campaign):
    response = _copy(admin_client, campaign)
    assert response.redirect_chain == [("/admin/gangwei/campaign/", 302)]
    new = Campaign.objects.get(year=2022)
    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        (
            "warning",
            "已创建2022年度，日期已顺延一年。通知文号已留空，请填写本年度的通知文号，并核对标题和各阶段截止时间；"
            f'填写之前，申报页面不显示文号。 <a href="/admin/gangwei/campaign/{new.pk}/change/">填写通知文号</a>',
        )
    ]
    assert (new.notice_number, new.title) == ("", "2022年度柳州市巾帼文明岗创建")
    assert deadlines(new) == [
        shanghai(2021, 8, 1, 0, 0, 0),
        shanghai(2021, 9, 20, 23, 59, 59),
        shanghai(2021, 10, 16, 23, 59, 59),
        shanghai(2022, 6, 30, 23, 59, 59),
        shanghai(2022, 8, 31, 23, 59, 59),
    ]
    assert deadlines(campaign) == CAMPAIGN_2021
    assert [(r.history_type, r.history_user, r.history_change_reason) for r in new.history.all()] == [
        ("+", superuser, "由2021年度复制，日期顺延一年")
    ]
    # The list shows the gap until the clerk fills it.
    changelist = admin_client.get("/admin/gangwei/campaign/").content.decode()
    assert re.findall(r'<td class="field-notice">(.*?)</td>', changelist) == ["（未填写）", "柳妇通〔2020〕42号"]


def test_campaign_copy_filled_in_needs_no_reason(admin_client, campaign):
    """Typing the new notice number is not a deadline change."""
    _copy(admin_client, campaign)
    new = Campaign.objects.get(year=2022)
    data = form_as_rendered(admin_client, change_url(new))
    data["notice_number"] = "柳妇通〔2021〕30号"
    response = admin_client.post(change_url(new), data)
    assert (response.status_code, response.url) == (302, "/admin/gangwei/campaign/")
    new.refresh_from_db()
    assert (new.notice_number, new.year_label) == ("柳妇通〔2021〕30号", "2022年度（柳妇通〔2021〕30号）")


def test_campaign_year_label_without_notice_has_no_brackets(campaign):
    assert campaign.year_label == "2021年度（柳妇通〔2020〕42号）"
    campaign.notice_number = ""
    assert campaign.year_label == "2021年度"


def test_admin_copy_to_next_year_twice_refused(admin_client, campaign):
    _copy(admin_client, campaign)
    response = _copy(admin_client, campaign)
    assert [str(m) for m in response.context["messages"]] == ["2022年度已存在，未重复创建。"]
    assert list(Campaign.objects.values_list("year", flat=True)) == [2022, 2021]


# --- extensions ---


def test_admin_extension_records_granted_by_and_keeps_seconds(admin_client, superuser, campaign, unit):
    response = admin_client.post(
        "/admin/gangwei/deadlineextension/add/",
        {
            "campaign": str(campaign.pk),
            "organisation": str(unit.pk),
            "stage": Stage.APPLY,
            "closes_at_0": "2020-09-25",
            "closes_at_1": "23:59:59",
            "reason": "汛期受灾，材料延迟",
        },
    )
    assert response.status_code == 302
    extension = DeadlineExtension.objects.get()
    assert (extension.organisation, extension.closes_at, extension.granted_by) == (
        unit,
        shanghai(2020, 9, 25, 23, 59, 59),
        superuser,
    )
    assert str(extension) == "柳州市第一测试医院 申报 延至 2020年9月25日 23:59:59"
    url = f"/admin/gangwei/deadlineextension/{extension.pk}/change/"
    admin_client.post(url, form_as_rendered(admin_client, url))
    extension.refresh_from_db()
    assert extension.closes_at == shanghai(2020, 9, 25, 23, 59, 59)


@pytest.mark.parametrize(("day", "time"), [("2020-09-20", "23:59:59"), ("2020-09-01", "12:00:00")])
def test_admin_extension_not_after_the_deadline_refused(admin_client, campaign, unit, day, time):
    response = admin_client.post(
        "/admin/gangwei/deadlineextension/add/",
        {
            "campaign": str(campaign.pk),
            "organisation": str(unit.pk),
            "stage": Stage.APPLY,
            "closes_at_0": day,
            "closes_at_1": time,
            "reason": "误填",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["closes_at"] == [
        "延期后的截止时间必须晚于本年度申报截止时间（2020年9月20日 23:59:59）。"
    ]
    assert list(DeadlineExtension.objects.all()) == []


def test_applicant_pages_show_no_notice_number_until_set(apply_window, applicant, campaign, client_for):
    Campaign.objects.filter(pk=campaign.pk).update(notice_number="")
    client = client_for(applicant)
    listing = client.get("/apply/").content.decode()
    new = client.get("/apply/new/").content.decode()
    banner = re.search(r'<p class="deadline-banner[^"]*">\s*(.*?)</p>', listing, flags=re.S).group(1)
    subtitle = " ".join(re.search(r'<p class="text-muted mb-2">(.*?)</p>', new, flags=re.S).group(1).split())
    assert (banner.split("：")[0], subtitle) == ("2021年度", "附件1 · 2021年度")
    assert "（）" not in listing


# --- a reason for every deadline change ---


REASON_REQUIRED = "您修改了{}，请填写修改理由（将记入修改记录）。"


@pytest.mark.parametrize(
    ("field", "label", "date"),
    [
        ("opens_at", "申报开始", "2020-08-02"),
        ("apply_closes_at", "申报截止", "2020-09-21"),
        ("first_review_closes_at", "初审截止", "2020-10-17"),
        ("assessment_closes_at", "考核截止（培训同）", "2021-07-01"),
        ("naming_closes_at", "命名截止", "2021-09-01"),
    ],
)
def test_admin_campaign_deadline_change_without_reason_refused(admin_client, campaign, field, label, date):
    data = form_as_rendered(admin_client, change_url(campaign))
    data.update({f"{field}_0": date, "change_reason": "  "})
    response = admin_client.post(change_url(campaign), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["change_reason"] == [REASON_REQUIRED.format(label)]
    assert deadlines(campaign) == CAMPAIGN_2021
    assert campaign.history.count() == 1


def test_admin_campaign_two_deadlines_named_in_the_message(admin_client, campaign):
    data = form_as_rendered(admin_client, change_url(campaign))
    data.update({"apply_closes_at_0": "2020-09-21", "first_review_closes_at_0": "2020-10-17"})
    response = admin_client.post(change_url(campaign), data)
    assert response.context["adminform"].form.errors["change_reason"] == [REASON_REQUIRED.format("申报截止、初审截止")]
    page = response.content.decode()
    # Shown next to the field, what was typed kept.
    assert "您修改了申报截止、初审截止，请填写修改理由（将记入修改记录）。" in page
    assert 'name="apply_closes_at_0" value="2020-09-21"' in page


def test_admin_campaign_title_change_needs_no_reason(admin_client, campaign):
    data = form_as_rendered(admin_client, change_url(campaign))
    data["title"] = "2021年度柳州市巾帼文明岗创建活动"
    response = admin_client.post(change_url(campaign), data)
    assert (response.status_code, response.url) == (302, "/admin/gangwei/campaign/")
    campaign.refresh_from_db()
    assert campaign.title == "2021年度柳州市巾帼文明岗创建活动"


def test_admin_campaign_reason_too_long_refused(admin_client, campaign):
    limit = Campaign.history.model._meta.get_field("history_change_reason").max_length
    data = form_as_rendered(admin_client, change_url(campaign))
    data.update({"apply_closes_at_0": "2020-09-21", "change_reason": "理" * (limit + 1)})
    response = admin_client.post(change_url(campaign), data)
    assert response.context["adminform"].form.errors["change_reason"] == [
        f"最多{limit}字，当前为{limit + 1}字，请删减后再保存。"  # the same words as gangwei.phrases.INPUT_TOO_LONG
    ]
    assert f'maxlength="{limit}"' in response.content.decode()
    assert deadlines(campaign) == CAMPAIGN_2021


def test_admin_campaign_add_page_asks_no_reason(admin_client, db):
    page = admin_client.get("/admin/gangwei/campaign/add/").content.decode()
    assert ('name="change_reason"' in page, 'name="year"' in page) == (False, True)


def _extension(campaign, unit, superuser):
    return DeadlineExtension.objects.create(
        campaign=campaign,
        organisation=unit,
        stage=Stage.APPLY,
        closes_at=shanghai(2020, 9, 25, 23, 59, 59),
        reason="汛期受灾，材料延迟",
        granted_by=superuser,
    )


def test_admin_extension_change_needs_reason_shown_in_history(admin_client, superuser, campaign, unit):
    extension = _extension(campaign, unit, superuser)
    url = f"/admin/gangwei/deadlineextension/{extension.pk}/change/"
    data = form_as_rendered(admin_client, url)
    data.update({"closes_at_0": "2020-09-27", "reason": "汛期受灾，材料延迟"})
    response = admin_client.post(url, data)
    assert response.context["adminform"].form.errors["change_reason"] == [REASON_REQUIRED.format("延至")]
    data["change_reason"] = "受灾范围扩大，再延两天"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    extension.refresh_from_db()
    assert extension.closes_at == shanghai(2020, 9, 27, 23, 59, 59)
    assert [r.history_change_reason for r in extension.history.all()] == ["受灾范围扩大，再延两天", None]
    history = admin_client.get(f"/admin/gangwei/deadlineextension/{extension.pk}/history/").content.decode()
    assert "<td>受灾范围扩大，再延两天</td>" in history


# --- looking at the history, and who may revert ---


@pytest.fixture
def clerk(db):
    """City staff who may change campaigns and extensions, but is no superuser."""
    user = User.objects.create_user("clerk", "clerk@lzfl.example", "Clerk-Admin-2021", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_campaign", "change_campaign", "change_deadlineextension"])
    )
    return user


@pytest.fixture
def clerk_client(clerk):
    client = Client()
    client.force_login(clerk)
    return client


def _move_apply_deadline(client, campaign):
    data = form_as_rendered(client, change_url(campaign))
    data.update({"apply_closes_at_0": "2020-09-25", "change_reason": "暴雨停课，延长申报"})
    assert client.post(change_url(campaign), data).status_code == 302
    return campaign.history.earliest()


def test_admin_history_version_page_is_view_only_for_everyone(admin_client, clerk_client, campaign):
    created = _move_apply_deadline(admin_client, campaign)
    url = f"/admin/gangwei/campaign/{campaign.pk}/history/{created.history_id}/"
    revert_url = f"{url}revert/"
    for who, page in [("clerk", clerk_client.get(url)), ("root", admin_client.get(url))]:
        html = page.content.decode()
        assert page.status_code == 200, who
        assert re.findall(r'<input type="submit"[^>]*>', html) == [], who  # no 还原 (or any) button
        assert "disabled" in re.search(r'<input [^>]*name="apply_closes_at_0"[^>]*>', html).group(0), who
        assert (revert_url in html) == (who == "root"), who
        assert html.count("还原到此版本…") == (1 if who == "root" else 0), who


@pytest.mark.parametrize("who", ["clerk", "root"])
def test_admin_history_version_page_refuses_post(admin_client, clerk_client, campaign, who):
    created = _move_apply_deadline(admin_client, campaign)
    url = f"/admin/gangwei/campaign/{campaign.pk}/history/{created.history_id}/"
    user_client = clerk_client if who == "clerk" else admin_client
    data = form_as_rendered(user_client, url)
    data["change_reason"] = "还原"
    assert user_client.post(url, data).status_code == 403
    assert deadlines(campaign)[1] == shanghai(2020, 9, 25, 23, 59, 59)
    assert campaign.history.count() == 2


def test_admin_revert_refused_to_staff_without_superuser(admin_client, clerk_client, campaign):
    created = _move_apply_deadline(admin_client, campaign)
    url = f"/admin/gangwei/campaign/{campaign.pk}/history/{created.history_id}/revert/"
    answers = (clerk_client.get(url).status_code, clerk_client.post(url, {"reason": "想改回"}).status_code)
    assert answers == (403, 403)
    assert deadlines(campaign)[1] == shanghai(2020, 9, 25, 23, 59, 59)
    # The clerk may still change the deadline by hand, with a reason, like any change.
    assert clerk_client.get(change_url(campaign)).status_code == 200


def test_admin_revert_confirmation_lists_changes_and_needs_reason(admin_client, superuser, campaign):
    created = _move_apply_deadline(admin_client, campaign)
    url = f"/admin/gangwei/campaign/{campaign.pk}/history/{created.history_id}/revert/"
    page = admin_client.get(url)
    html = page.content.decode()
    table = html.split('id="revert-changes"')[1].split("</table>")[0]
    rows = [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
    ]
    assert rows == [["项目", "现在", "还原后"], ["申报截止", "2020年9月25日 23:59:59", "2020年9月20日 23:59:59"]]
    assert deadlines(campaign)[1] == shanghai(2020, 9, 25, 23, 59, 59)  # looking changed nothing

    refused = admin_client.post(url, {"reason": ""})
    assert refused.context["form"].errors["reason"] == ["请填写还原理由（将记入修改记录）。"]
    assert deadlines(campaign)[1] == shanghai(2020, 9, 25, 23, 59, 59)

    done = admin_client.post(url, {"reason": "雨停了，恢复原定截止"}, follow=True)
    assert done.redirect_chain == [(f"/admin/gangwei/campaign/{campaign.pk}/history/", 302)]
    when = format_datetime(created.history_date)
    assert [str(m) for m in done.context["messages"]] == [f"已将“{campaign}”还原至 {when} 的版本。"]
    assert deadlines(campaign) == CAMPAIGN_2021
    latest = campaign.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        superuser,
        f"还原至{when}的版本：雨停了，恢复原定截止",
    )


def test_admin_revert_to_current_version_offers_nothing(admin_client, campaign):
    _move_apply_deadline(admin_client, campaign)
    latest = campaign.history.latest()
    url = f"/admin/gangwei/campaign/{campaign.pk}/history/{latest.history_id}/revert/"
    html = admin_client.get(url).content.decode()
    assert ("这一版本与当前内容相同，无需还原。" in html, "确认还原" in html) == (True, False)
    admin_client.post(url, {"reason": "再存一次"})
    assert campaign.history.count() == 2


def test_admin_history_list_offers_no_revert_text(admin_client, campaign):
    html = admin_client.get(f"/admin/gangwei/campaign/{campaign.pk}/history/").content.decode()
    assert ("Choose a date" in html, "还原" in html) == (False, False)


# --- ids in admin URLs that are not ids ---


@pytest.mark.parametrize("model", ["campaign", "deadlineextension"])
@pytest.mark.parametrize("version", ["abc", "1.5", "-1", "%20", "9" * 30, "٣", "99999"])
def test_admin_history_version_with_bad_id_is_404(admin_client, superuser, campaign, unit, model, version):
    obj = campaign if model == "campaign" else _extension(campaign, unit, superuser)
    for suffix in ["", "revert/"]:
        response = admin_client.get(f"/admin/gangwei/{model}/{obj.pk}/history/{version}/{suffix}")
        assert response.status_code == 404, suffix


@pytest.mark.parametrize("model", ["campaign", "deadlineextension"])
@pytest.mark.parametrize("object_id", ["abc", "1.5", "9" * 30, "99999"])
def test_admin_history_of_bad_or_missing_object_is_404(admin_client, campaign, model, object_id):
    assert admin_client.get(f"/admin/gangwei/{model}/{object_id}/history/").status_code == 404
    assert admin_client.get(f"/admin/gangwei/{model}/{object_id}/history/1/").status_code == 404


def _registered_models():
    return sorted(f"{m._meta.app_label}/{m._meta.model_name}" for m in admin.site._registry)


@pytest.mark.parametrize("model", _registered_models())
@pytest.mark.parametrize("object_id", ["abc", "1.5", "9" * 30])
def test_admin_bad_ids_on_every_model_never_500(admin_client, model, object_id):
    """Django's own answer for an id that names nothing: back to the index, saying so in Chinese."""
    for view in ("change", "delete", "history"):
        response = admin_client.get(f"/admin/{model}/{object_id}/{view}/")
        if response.status_code == 404:  # the models with a history: see above
            assert view == "history", (model, view)
            continue
        if response.status_code == 403:  # the audit trail, which nobody may delete, whatever the id
            assert (model, view) == ("audit/auditevent", "delete"), (model, view)
            continue
        assert (response.status_code, response.url) == (302, "/admin/"), (model, view)
        name = admin.site._registry[apps.get_model(*model.split("/"))].model._meta.verbose_name
        assert [str(m) for m in admin_client.get("/admin/").context["messages"]] == [
            f"没有编号为“{object_id}”的{name}，可能已被删除。"
        ], (model, view)


def test_admin_campaign_stored_microseconds_are_no_change(admin_client, campaign):
    """A deadline stored with a fraction of a second (made in code) shows to the second; saving the
    form unchanged drops the fraction but needs no reason."""
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_at=shanghai(2020, 8, 1, 0, 0, 0) + dt.timedelta(microseconds=250)
    )
    response = admin_client.post(change_url(campaign), form_as_rendered(admin_client, change_url(campaign)))
    assert (response.status_code, response.url) == (302, "/admin/gangwei/campaign/")
    assert deadlines(campaign) == CAMPAIGN_2021


def test_admin_revert_that_breaks_a_rule_is_refused_with_the_rule(admin_client, superuser, campaign, unit):
    """An extension reverted to a date the campaign's own deadline has since overtaken."""
    extension = _extension(campaign, unit, superuser)  # until 25 September
    first = extension.history.get()
    campaign.apply_closes_at = shanghai(2020, 9, 30, 23, 59, 59)
    campaign.save()
    extension.closes_at = shanghai(2020, 10, 2, 23, 59, 59)
    extension.save()
    url = f"/admin/gangwei/deadlineextension/{extension.pk}/history/{first.history_id}/revert/"
    response = admin_client.post(url, {"reason": "改回原来的日期"})
    assert response.status_code == 200
    assert response.context["errors"] == ["延期后的截止时间必须晚于本年度申报截止时间（2020年9月30日 23:59:59）。"]
    extension.refresh_from_db()
    assert (extension.closes_at, extension.history.count()) == (shanghai(2020, 10, 2, 23, 59, 59), 2)


# --- searches bounded ---


MANY_WORDS = " ".join(f"词{i}" for i in range(2000))


@pytest.mark.parametrize("model", ["gangwei/user", "gangwei/organisation", "applications/application"])
def test_admin_search_with_thousands_of_words_answers(admin_client, unit, model):
    response = admin_client.get(f"/admin/{model}/", {"q": MANY_WORDS})
    assert (response.status_code, response.context["cl"].result_count) == (200, 0)


def test_admin_search_uses_the_first_ten_words(admin_client, unit):
    # Ten words that match, then one that matches nothing: only the first ten count.
    q = " ".join(["测试医院"] * 10 + ["不存在的词"])
    response = admin_client.get("/admin/gangwei/organisation/", {"q": q})
    assert [o.name for o in response.context["cl"].result_list] == [unit.name]


def test_admin_autocomplete_with_thousands_of_words_answers(admin_client, unit):
    response = admin_client.get(
        "/admin/autocomplete/",
        {"term": MANY_WORDS, "app_label": "gangwei", "model_name": "user", "field_name": "organisation"},
    )
    assert (response.status_code, response.json()["results"]) == (200, [])
