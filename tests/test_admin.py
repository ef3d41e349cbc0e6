"""Django admin for campaigns: deadline changes with history, the order constraint, next year's copy."""

import datetime as dt
import html
import re

import pytest

from gangwei.dates import format_datetime
from gangwei.models import Campaign, DeadlineExtension, Stage, User
from tests.factories import shanghai

ORDER_MESSAGE = "各阶段截止时间必须按 申报→初审→考核→命名 的先后顺序排列。"
DEADLINE_FIELDS = ["opens_at", "apply_closes_at", "first_review_closes_at", "assessment_closes_at", "naming_closes_at"]



@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@lzfl.example", "Root-Admin-2021")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


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
    data.update({"apply_closes_at_0": "2020-09-25", "apply_closes_at_1": "23:59:59"})
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
    data.update({"apply_closes_at_0": "2020-09-25", "apply_closes_at_1": "23:59:59"})
    admin_client.post(change_url(campaign), data)

    response = admin_client.get(f"/admin/gangwei/campaign/{campaign.pk}/history/")
    assert response.status_code == 200
    records = list(response.context["page_obj"].object_list)
    assert [(r.history_type, r.history_user, r.apply_closes_at) for r in records] == [
        ("~", superuser, shanghai(2020, 9, 25, 23, 59, 59)),
        ("+", None, shanghai(2020, 9, 20, 23, 59, 59)),
    ]
    rows = re.findall(r"<tr>(.*?)</tr>", response.content.decode().split('id="change-history"')[1], flags=re.S)
    cells = [[re.sub(r"<[^>]+>|\s+", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)] for row in rows]
    # Who changed what, in Chinese, the deadlines in Liuzhou time to the second.
    assert [row[1:] for row in cells if row] == [
        ["已修改", "root（root）", "申报截止：2020年9月20日23:59:59→2020年9月25日23:59:59"],
        ["已创建", "—", "创建"],
    ]
    assert [row[0] for row in cells if row] == [
        format_datetime(r.history_date).replace(" ", "") for r in records
    ]


def test_admin_campaign_out_of_order_refused(admin_client, campaign):
    data = form_as_rendered(admin_client, change_url(campaign))
    data.update({"apply_closes_at_0": "2020-10-20", "apply_closes_at_1": "23:59:59"})
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
    data.update({"apply_closes_at_0": "2020-09-21", "apply_closes_at_1": "07:59:59"})
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


def test_admin_copy_to_next_year_moves_dates_by_a_year(admin_client, campaign):
    response = _copy(admin_client, campaign)
    assert response.redirect_chain == [("/admin/gangwei/campaign/", 302)]
    assert [str(m) for m in response.context["messages"]] == ["已创建2022年度，请核对通知文号、标题和各阶段截止时间。"]
    new = Campaign.objects.get(year=2022)
    assert (new.notice_number, new.title) == ("柳妇通〔2020〕42号", "2022年度柳州市巾帼文明岗创建")
    assert deadlines(new) == [
        shanghai(2021, 8, 1, 0, 0, 0),
        shanghai(2021, 9, 20, 23, 59, 59),
        shanghai(2021, 10, 16, 23, 59, 59),
        shanghai(2022, 6, 30, 23, 59, 59),
        shanghai(2022, 8, 31, 23, 59, 59),
    ]
    assert deadlines(campaign) == CAMPAIGN_2021


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
