"""The 初审 pages: the queue, an application's review page and decision, the rank, the 汇总表 and
its 报送, the city's overview and its 退回 (the services themselves: test_review_services)."""

import pytest
import time_machine

from applications.models import Application, Status
from applications.services import application_data, application_submit, application_update
from applications.workflow import Action
from gangwei.models import DeadlineExtension, Stage
from review import phrases
from review.models import CONDITION_FIELDS, Quota, Review, SummaryReport
from review.selectors import QUEUE_PAGE_SIZE, submission_diff
from review.services import review_decide, summary_file
from tests.factories import ApplicationFactory, shanghai

ALL_CONDITIONS = dict.fromkeys(CONDITION_FIELDS, "on")
AFTER_REVIEW = shanghai(2020, 10, 17, 9, 0, 0)


def submitted(campaign, unit, user, name="柳州市第一测试医院客服班组", **fields):
    application = ApplicationFactory(campaign=campaign, unit=unit, applicant_name=name, **fields)
    return application_submit(application=application, user=user)


def decide(application, reviewer, action=Action.RECOMMEND, opinion="同意推荐。"):
    conditions = dict.fromkeys(CONDITION_FIELDS, True)
    return review_decide(
        application=application, user=reviewer, action=action, opinion=opinion, conditions=conditions
    )


@pytest.fixture
def sent(apply_window, campaign, unit, applicant):
    return submitted(campaign, unit, applicant)


def page_text(response) -> str:
    return response.content.decode()


# --- queue ----------------------------------------------------------------------------------------


def test_queue_lists_the_body_applications_never_drafts(apply_window, client_for, reviewer_a, campaign, unit, applicant, other_unit, other_applicant):
    submitted(campaign, unit, applicant, "甲岗位")
    ApplicationFactory(campaign=campaign, unit=unit, applicant_name="草稿岗位")
    submitted(campaign, other_unit, other_applicant, "乙区岗位")
    response = client_for(reviewer_a).get("/review/")
    text = page_text(response)
    assert response.status_code == 200
    assert ("甲岗位" in text, "草稿岗位" in text, "乙区岗位" in text) == (True, False, False)


def test_queue_filters_by_status_category_and_search(apply_window, client_for, reviewer_a, campaign, unit, applicant):
    first = submitted(campaign, unit, applicant, "甲岗位")
    submitted(campaign, unit, applicant, "乙岗位", category="office")
    decide(first, reviewer_a)
    client = client_for(reviewer_a)
    rows = lambda r: [a.applicant_name for a in r.context["rows"]]  # noqa: E731
    assert rows(client.get("/review/?status=recommended")) == ["甲岗位"]
    assert rows(client.get("/review/?status=submitted")) == ["乙岗位"]
    assert rows(client.get("/review/?status=bogus")) == ["甲岗位", "乙岗位"]
    assert rows(client.get("/review/?category=office")) == ["乙岗位"]
    assert rows(client.get("/review/?q=%20乙%20")) == ["乙岗位"]
    assert rows(client.get(f"/review/?q={first.number}")) == ["甲岗位"]
    assert rows(client.get("/review/?q=" + "乙" * 5000)) == []
    assert client.get("/review/?q=%00").status_code == 400  # the request hygiene middleware


def test_queue_counts_places_and_days_left(apply_window, client_for, reviewer_a, campaign, unit, applicant, body_a):
    first = submitted(campaign, unit, applicant, "甲岗位")
    submitted(campaign, unit, applicant, "乙岗位")
    decide(first, reviewer_a)
    Quota.objects.create(campaign=campaign, body=body_a, places=3)
    response = client_for(reviewer_a).get("/review/")
    counts = {value: n for value, _, n in response.context["counts"]}
    assert counts == {"submitted": 1, "returned": 0, "recommended": 1, "not_recommended": 0, "reported": 0}
    text = page_text(response)
    assert "推荐名额3个，已推荐1份，还可推荐2份" in text
    assert "距初审截止还有45天" in text
    assert "needs-action" in text and 'class="decided"' in text


def test_queue_days_left_counts_the_body_extension(apply_window, client_for, reviewer_a, campaign, body_a):
    DeadlineExtension.objects.create(
        campaign=campaign, organisation=body_a, stage=Stage.FIRST_REVIEW, closes_at=shanghai(2020, 10, 20, 23, 59, 59)
    )
    assert "距初审截止还有49天" in page_text(client_for(reviewer_a).get("/review/"))


def test_queue_pagination_never_fails(apply_window, client_for, reviewer_a, campaign, unit, applicant):
    for n in range(21):
        submitted(campaign, unit, applicant, f"岗位{n:02d}")
    client = client_for(reviewer_a)
    assert [len(client.get(f"/review/?page={p}").context["rows"]) for p in ("1", "2", "99", "abc", "-3", "")] == [
        20, 1, 1, 20, 20, 20
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_queue_query_count_does_not_grow(apply_window, client_for, reviewer_a, campaign, unit, applicant, count, django_assert_num_queries):
    for n in range(count):
        submitted(campaign, unit, applicant, f"岗位{n}")
    client = client_for(reviewer_a)
    # 10: the places taken and the paginator's count come from the counts by status (no query of
    # their own); the page's keys, then its rows.
    with django_assert_num_queries(10):  # the session is not written (refreshed at login)
        response = client.get("/review/")
    assert len(response.context["rows"]) == count


def test_queue_after_deadline_shows_notice_and_no_controls(client_for, reviewer_a, campaign, unit, applicant):
    with time_machine.travel(shanghai(2020, 9, 1, 10), tick=False):
        submitted(campaign, unit, applicant, "甲岗位")
    with time_machine.travel(AFTER_REVIEW, tick=False):
        text = page_text(client_for(reviewer_a).get("/review/"))
    assert "初审已截止：现在不能作初审决定，也不能报送汇总表" in text
    assert "推荐所选" not in text


def test_bulk_recommend_names_each_refused(apply_window, client_for, reviewer_a, campaign, unit, applicant, body_a):
    one = submitted(campaign, unit, applicant, "甲岗位")
    two = submitted(campaign, unit, applicant, "乙岗位")
    Quota.objects.create(campaign=campaign, body=body_a, places=1)
    response = client_for(reviewer_a).post(
        "/review/recommend/", {"keys": [one.key, two.key], "opinion": "同意推荐。", **ALL_CONDITIONS}, follow=True
    )
    statuses = sorted(Application.objects.values_list("applicant_name", "status"))
    assert statuses == [("乙岗位", "submitted"), ("甲岗位", "recommended")]
    text = page_text(response)
    assert "已推荐1份申报。" in text
    assert "“乙岗位”未能推荐：本年度推荐名额为1个" in text


def test_bulk_recommend_needs_conditions_and_keeps_text(apply_window, client_for, reviewer_a, sent):
    response = client_for(reviewer_a).post("/review/recommend/", {"keys": [sent.key], "opinion": "我的意见"})
    assert response.status_code == 200
    text = page_text(response)
    assert phrases.CONDITIONS_REQUIRED in text and "我的意见" in text
    assert Application.objects.get(pk=sent.pk).status == Status.SUBMITTED


def test_bulk_recommend_refuses_other_body_key(apply_window, client_for, reviewer_b, sent):
    response = client_for(reviewer_b).post("/review/recommend/", {"keys": [sent.key], "opinion": "x", **ALL_CONDITIONS})
    assert (response.status_code, phrases.BULK_UNKNOWN in page_text(response)) == (200, True)
    assert Application.objects.get(pk=sent.pk).status == Status.SUBMITTED


# --- detail and decision ----------------------------------------------------------------------------


def test_detail_shows_content_checks_and_prefilled_form(apply_window, client_for, reviewer_a, sent):
    response = client_for(reviewer_a).get(f"/review/{sent.key}/")
    text = page_text(response)
    assert response.status_code == 200
    assert sent.applicant_name in text and "覃丽" in text
    assert [c.ok for c in response.context["eligibility"].checks] == [True, True, True, True]
    assert phrases.DEFAULT_OPINION in text
    assert 'name="version" value="' + str(sent.version) in text


def test_detail_diff_after_return_edit_resubmit(apply_window, client_for, reviewer_a, applicant, sent):
    returned = decide(sent, reviewer_a, Action.RETURN, "请补充数据。")
    data, leaders, honours = application_data(returned)
    data["staff_total"] = 6
    data["staff_women"] = 4
    leaders[0]["name"] = "覃美"
    edited = application_update(
        application=returned, user=applicant, version=returned.version, data=data, leaders=leaders, honours=honours
    )
    application_submit(application=edited, user=applicant)
    rows = [(r.label, r.before, r.after) for r in submission_diff(Application.objects.get(pk=sent.pk))]
    assert rows == [
        ("岗位总人数", "5", "6"),
        ("其中女性人数", "3", "4"),
        ("岗位负责人第1行", "覃丽 女 班组长 13907721111", "覃美 女 班组长 13907721111"),
    ]
    text = page_text(client_for(reviewer_a).get(f"/review/{sent.key}/"))
    assert "退回后修改的内容" in text and "覃美" in text


def test_no_diff_before_any_return(apply_window, sent):
    assert submission_diff(sent) == []


def test_decide_happy_path(apply_window, client_for, reviewer_a, sent):
    client = client_for(reviewer_a)
    response = client.post(
        f"/review/{sent.key}/decide/",
        {"action": "recommend", "opinion": "同意推荐。", "version": sent.version, **ALL_CONDITIONS},
        follow=True,
    )
    application = Application.objects.get(pk=sent.pk)
    assert (application.status, application.review_opinion) == (Status.RECOMMENDED, "同意推荐。")
    text = page_text(response)
    assert "已初审推荐：" in text and "更改决定" in text and "当前决定：" in text
    review = Review.objects.get(pk=sent.pk)
    assert review.conditions == dict.fromkeys(CONDITION_FIELDS, True)


def test_decide_invalid_keeps_text(apply_window, client_for, reviewer_a, sent):
    client = client_for(reviewer_a)
    response = client.post(f"/review/{sent.key}/decide/", {"action": "recommend", "opinion": "我写的意见", "version": sent.version})
    text = page_text(response)
    assert response.status_code == 200
    assert phrases.CONDITIONS_REQUIRED in text and "我写的意见" in text
    response = client.post(f"/review/{sent.key}/decide/", {"action": "return", "opinion": "", "version": sent.version})
    assert phrases.REASON_REQUIRED in page_text(response)
    # The box comes prefilled with the 推荐 opinion: returning with it unchanged is refused.
    response = client.post(f"/review/{sent.key}/decide/", {"action": "return", "opinion": phrases.DEFAULT_OPINION, "version": sent.version})
    assert phrases.REASON_SAYS_RECOMMEND in page_text(response)
    response = client.post(f"/review/{sent.key}/decide/", {"action": "recommend", "opinion": "长" * 501, "version": sent.version, **ALL_CONDITIONS})
    assert response.status_code == 200 and "长" * 501 in page_text(response)
    assert Application.objects.get(pk=sent.pk).status == Status.SUBMITTED


def test_decide_stale_is_409_with_text(apply_window, client_for, reviewer_a, sent):
    stale = sent.version
    decide(sent, reviewer_a, Action.NOT_RECOMMEND, "不符合。")
    response = client_for(reviewer_a).post(
        f"/review/{sent.key}/decide/", {"action": "return", "opinion": "请补充材料", "version": stale}
    )
    text = page_text(response)
    assert response.status_code == 409
    assert "这份申报已被他人处理" in text and "请补充材料" in text


def test_decide_closed_is_403_with_text(client_for, reviewer_a, campaign, unit, applicant):
    with time_machine.travel(shanghai(2020, 9, 1, 10), tick=False):
        sent = submitted(campaign, unit, applicant)
    with time_machine.travel(AFTER_REVIEW, tick=False):
        response = client_for(reviewer_a).post(
            f"/review/{sent.key}/decide/", {"action": "return", "opinion": "请补充材料", "version": sent.version}
        )
        text = page_text(response)
    assert response.status_code == 403
    assert "初审已于" in text and "请补充材料" in text


def test_decide_quota_full_is_409(apply_window, client_for, reviewer_a, campaign, unit, applicant, body_a):
    Quota.objects.create(campaign=campaign, body=body_a, places=0)
    sent = submitted(campaign, unit, applicant)
    response = client_for(reviewer_a).post(
        f"/review/{sent.key}/decide/", {"action": "recommend", "opinion": "同意", "version": sent.version, **ALL_CONDITIONS}
    )
    assert (response.status_code, "已经用完" in page_text(response)) == (409, True)


def test_detail_prefills_previous_conditions(apply_window, client_for, reviewer_a, sent):
    decide(sent, reviewer_a)
    form = client_for(reviewer_a).get(f"/review/{sent.key}/").context["form"]
    assert (form.initial["action"], form.initial["condition_spirit"], form.initial["opinion"]) == ("recommend", True, "同意推荐。")


# --- rank --------------------------------------------------------------------------------------------


def test_rank_moves_and_refuses_stale(apply_window, client_for, reviewer_a, campaign, unit, applicant):
    one = decide(submitted(campaign, unit, applicant, "甲岗位"), reviewer_a)
    two = decide(submitted(campaign, unit, applicant, "乙岗位"), reviewer_a)
    client = client_for(reviewer_a)
    response = client.get("/review/rank/")
    assert [a.applicant_name for _, a, _ in response.context["rows"]] == ["甲岗位", "乙岗位"]
    response = client.post("/review/rank/", {"order": [two.key, one.key]}, follow=True)
    assert phrases.RANK_SAVED in page_text(response)
    assert [a.applicant_name for _, a, _ in response.context["rows"]] == ["乙岗位", "甲岗位"]
    response = client.post("/review/rank/", {"order": [one.key]})
    assert (response.status_code, phrases.RANK_STALE in page_text(response)) == (409, True)
    response = client.post("/review/rank/", {"order": [one.key, "nosuchkey"]})
    assert (response.status_code, phrases.RANK_STALE in page_text(response)) == (409, True)


# --- the 汇总表 and its 报送 --------------------------------------------------------------------------


def test_summary_preview_and_filing(apply_window, client_for, reviewer_a, sent):
    decide(sent, reviewer_a)
    client = client_for(reviewer_a)
    response = client.get("/review/summary/")
    text = page_text(response)
    assert [a.pk for a in response.context["rows"]] == [sent.pk]
    assert "已核对汇总表内容" in text and "60.0%" in text
    response = client.post("/review/summary/", {})
    assert (response.status_code, phrases.FILE_CONFIRM_REQUIRED in page_text(response)) == (200, True)
    response = client.post("/review/summary/", {"confirm": "on"}, follow=True)
    assert "汇总表已报送市妇联" in page_text(response)
    assert Application.objects.get(pk=sent.pk).status == Status.REPORTED
    response = client.post("/review/summary/", {"confirm": "on"}, follow=True)
    assert "无需重复报送" in page_text(response)
    assert SummaryReport.objects.count() == 1
    assert "报送汇总表</button>" not in page_text(response)


def test_summary_refuses_while_undecided(apply_window, client_for, reviewer_a, sent):
    response = client_for(reviewer_a).post("/review/summary/", {"confirm": "on"})
    assert (response.status_code, "还有1份申报待初审" in page_text(response)) == (409, True)


def test_summary_names_the_first_undecided_and_counts_them_all(
    apply_window, client_for, reviewer_a, campaign, unit, applicant
):
    """25 submissions still to decide: the 汇总表 page names the 20 submitted first and says 25."""
    from review.views import UNDECIDED_SHOWN

    made = ApplicationFactory.create_batch(UNDECIDED_SHOWN + 5, campaign=campaign, unit=unit)
    for i, application in enumerate(made):
        with time_machine.travel(shanghai(2020, 9, 1, 9, i, 0), tick=False):
            application_submit(application=application, user=applicant)
    response = client_for(reviewer_a).get("/review/summary/")
    shown = [a.pk for a in response.context["undecided"]]
    assert shown == [a.pk for a in made[:UNDECIDED_SHOWN]]
    text = page_text(response)
    assert "尚未定为推荐或不予推荐（25份）" in text
    assert "以上是最早提交的20份，其余的见" in text


def test_summary_after_deadline_has_no_button(client_for, reviewer_a, campaign):
    with time_machine.travel(AFTER_REVIEW, tick=False):
        text = page_text(client_for(reviewer_a).get("/review/summary/"))
    assert "现在不能报送" in text and "报送汇总表</button>" not in text


# --- the city ----------------------------------------------------------------------------------------


def test_city_home_and_reopen(apply_window, client_for, reviewer_a, city_user, sent, body_a, body_b):
    decide(sent, reviewer_a)
    report, _ = summary_file(user=reviewer_a, campaign=sent.campaign)
    client = client_for(city_user)
    response = client.get("/city/")
    rows = {row["body"].pk: row for row in response.context["bodies"]}
    assert (rows[body_a.pk]["filing"], rows[body_b.pk]["filing"]) == (report, None)
    assert dict(rows[body_a.pk]["counts"])["已报送市妇联"] == 1
    assert f"/city/summary/{report.pk}/reopen/" in page_text(response)
    assert [a.pk for a in response.context["applications"]] == [sent.pk]
    response = client.post(f"/city/summary/{report.pk}/reopen/", {"reason": ""})
    assert (response.status_code, phrases.REOPEN_REASON_REQUIRED in page_text(response)) == (200, True)
    response = client.post(f"/city/summary/{report.pk}/reopen/", {"reason": "请核对名额。"}, follow=True)
    assert "已退回柳州市城中区妇女联合会的汇总表" in page_text(response)
    assert Application.objects.get(pk=sent.pk).status == Status.RECOMMENDED
    response = client.post(f"/city/summary/{report.pk}/reopen/", {"reason": "再次"})
    assert (response.status_code, phrases.ALREADY_REOPENED in page_text(response)) == (409, True)
    assert "此前报送、已被退回的汇总表" in page_text(client_for(reviewer_a).get("/review/summary/"))


def test_city_reads_review_detail_without_form(apply_window, client_for, reviewer_a, city_user, sent):
    decide(sent, reviewer_a)
    summary_file(user=reviewer_a, campaign=sent.campaign)
    response = client_for(city_user).get(f"/review/{sent.key}/")
    assert (response.status_code, response.context["form"]) == (200, None)


def test_city_pagination(apply_window, client_for, city_user, campaign):
    assert client_for(city_user).get("/city/?page=abc").status_code == 200


# --- admin -------------------------------------------------------------------------------------------


def test_admin_pages(apply_window, admin_client, reviewer_a, sent, body_a, campaign):
    decide(sent, reviewer_a)
    report, _ = summary_file(user=reviewer_a, campaign=campaign)
    quota = Quota.objects.create(campaign=campaign, body=body_a, places=3)
    urls = [
        "/admin/review/quota/",
        "/admin/review/quota/?q=" + "区 " * 300,
        f"/admin/review/quota/{quota.pk}/change/",
        f"/admin/review/quota/{quota.pk}/history/",
        "/admin/review/quota/add/",
        "/admin/review/summaryreport/",
        f"/admin/review/summaryreport/{report.pk}/change/",
        "/admin/review/review/",
        f"/admin/review/review/{sent.pk}/change/",
    ]
    assert [(u, admin_client.get(u).status_code) for u in urls] == [(u, 200) for u in urls]
    assert admin_client.get("/admin/review/summaryreport/add/").status_code == 403
    assert admin_client.post(f"/admin/review/review/{sent.pk}/delete/").status_code == 403


def test_queue_places_from_counts_equal_places_of(apply_window, client_for, reviewer_a, campaign, unit, applicant, body_a):
    """The queue sums the places taken from its counts by status: the same figure places_of counts."""
    from review.selectors import places_of

    for status in (Status.SUBMITTED, Status.RECOMMENDED, Status.RECOMMENDED, Status.REPORTED, Status.NOT_RECOMMENDED):
        ApplicationFactory(campaign=campaign, unit=unit, status=status)
    response = client_for(reviewer_a).get("/review/")
    assert response.context["places"] == places_of(campaign, body_a)
    assert response.context["places"].taken == 3


def test_queue_pages_count_right_with_and_without_filters(apply_window, client_for, reviewer_a, campaign, unit, applicant):
    """The queue's page count comes from the tabs' counts when nothing narrows the list, and from a
    COUNT when a category or a search does: every page and every row is reachable either way."""
    names = [f"分页岗位{n:02d}" for n in range(QUEUE_PAGE_SIZE + 2)]
    sent = [submitted(campaign, unit, applicant, name) for name in names]
    decide(sent[0], reviewer_a)  # one recommended: the "submitted" tab holds one fewer
    client = client_for(reviewer_a)

    def keys_on(query: str) -> list[str]:
        return [row.key for row in client.get(f"/review/?{query}").context["rows"]]

    everything = keys_on("") + keys_on("page=2")
    assert sorted(everything) == sorted(a.key for a in sent)
    assert len(keys_on("page=2")) == 2
    assert keys_on("page=3") == keys_on("page=2")  # one past the end: the last page
    assert client.get("/review/").context["page"].paginator.num_pages == 2
    assert len(keys_on("status=submitted")) == QUEUE_PAGE_SIZE
    assert len(keys_on("status=submitted&page=2")) == 1
    assert keys_on("status=recommended") == [sent[0].key]
    category = sent[0].category
    assert len(keys_on(f"category={category}")) + len(keys_on(f"category={category}&page=2")) == len(sent)
    assert keys_on("q=分页岗位07") == [sent[7].key]
    assert client.get("/review/?q=分页岗位07").context["page"].paginator.num_pages == 1
