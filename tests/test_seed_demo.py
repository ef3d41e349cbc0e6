"""seed_demo: each stage seeds the states it promises (README), 初审 through the real services,
and a second run changes nothing."""

import io
from collections import Counter

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from applications.models import Application, ApplicationEvent, Message, MessageKind, MessageState, Status
from applications.workflow import Action
from gangwei.models import User
from review.models import CONDITION_FIELDS, Quota, Review, SummaryReport
from tests.factories import shanghai

pytestmark = pytest.mark.django_db

NOW = shanghai(2026, 12, 1, 10, 0, 0)


@pytest.fixture(autouse=True)
def _demo(settings):
    settings.DEBUG = True
    with time_machine.travel(NOW, tick=True):
        yield


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def statuses() -> dict[str, str]:
    return dict(Application.objects.order_by("pk").values_list("applicant_name", "status"))


def counts() -> dict[str, int]:
    models = [User, Application, ApplicationEvent, Review, Quota, SummaryReport, Message]
    return {model.__name__: model.objects.count() for model in models}


REVIEW_STAGE = {
    "柳州市工人医院儿科护理组": Status.RECOMMENDED,
    "柳州市工人医院门诊导医服务台": Status.SUBMITTED,  # resubmitted after a return
    "柳州银行城中支行营业部": Status.SUBMITTED,
    "柳州银行城中支行小微金融服务团队": Status.DRAFT,
    "柳州螺蛳粉产业园质检班组": Status.RECOMMENDED,
    "柳州螺蛳粉产业园电商直播运营部": Status.NOT_RECOMMENDED,
    "柳州市工人医院产科病区": Status.RECOMMENDED,
    "柳州银行城中支行个人金融部": Status.RETURNED,
    "柳州螺蛳粉产业园食品检测中心": Status.SUBMITTED,
    "柳北区政务服务中心不动产登记窗口": Status.REPORTED,
    "柳北区政务服务中心企业开办专区": Status.REPORTED,
}

STAGE_STATUSES = {
    "apply": {Status.DRAFT, Status.SUBMITTED},
    "review": {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.RETURNED,
        Status.RECOMMENDED,
        Status.NOT_RECOMMENDED,
        Status.REPORTED,
    },
    "training": {Status.DRAFT, Status.NOT_RECOMMENDED, Status.REPORTED},
    "assessment": {Status.DRAFT, Status.NOT_RECOMMENDED, Status.REPORTED, Status.PASSED, Status.FAILED},
    "naming": {
        Status.DRAFT,
        Status.NOT_RECOMMENDED,
        Status.PASSED,
        Status.FAILED,
        Status.NAMED,
        Status.NOT_NAMED,
    },
}


@pytest.mark.parametrize("stage", list(STAGE_STATUSES))
def test_each_stage_seeds_its_statuses(stage):
    seed("--stage", stage)
    assert set(statuses().values()) == STAGE_STATUSES[stage]


def test_the_review_stage_leaves_every_state_of_review():
    seed("--stage", "review")
    assert statuses() == REVIEW_STAGE
    submitted_bodies = Application.objects.filter(status=Status.SUBMITTED).values_list("unit__parent__code", flat=True)
    assert set(submitted_bodies) == {"CZ", "YF"}


def test_recommendations_have_the_checklist_the_opinion_and_a_rank():
    seed("--stage", "review")
    recommended = Review.objects.filter(application__status=Status.RECOMMENDED).order_by(
        "application__unit__parent__code", "rank"
    )
    assert [(r.application.unit.parent.code, r.application.applicant_name, r.rank) for r in recommended] == [
        ("CZ", "柳州市工人医院儿科护理组", 1),
        ("CZ", "柳州市工人医院产科病区", 2),
        ("YF", "柳州螺蛳粉产业园质检班组", 1),
    ]
    assert {all(getattr(r, name) for name in CONDITION_FIELDS) for r in recommended} == {True}
    assert set(Application.objects.filter(status=Status.RECOMMENDED).values_list("review_opinion", flat=True)) == {
        "经审核，该岗位符合《通知》规定的五项创建条件，材料真实齐全，同意推荐。"
    }
    assert {r.decided_by.username for r in recommended} == {"chengzhong", "yufeng"}


def test_the_resubmitted_application_changed_its_achievements_between_submissions():
    seed("--stage", "review")
    application = Application.objects.get(applicant_name="柳州市工人医院门诊导医服务台")
    assert [e.action for e in application.events.order_by("created_at", "id") if e.action in Action.values] == [
        Action.SUBMIT,
        Action.WITHDRAW,
        Action.SUBMIT,
        Action.RETURN,
        Action.RESUBMIT,
    ]
    judged = Review.objects.get(application=application).judged_event
    latest = application.events.filter(action=Action.RESUBMIT).get()
    assert judged.action == Action.SUBMIT
    assert judged.snapshot["achievements"] != latest.snapshot["achievements"]
    assert latest.snapshot["achievements"].endswith("每季度开展一次服务礼仪和应急处置培训。")


def test_the_review_stage_has_a_quota_and_one_filing_with_its_reported_applications():
    seed("--stage", "review")
    assert list(Quota.objects.values_list("body__code", "places")) == [("CZ", 3)]
    report = SummaryReport.objects.get()
    assert (report.body.code, report.rows, report.filed_by.username, report.reopened_at) == ("LB", 2, "liubei", None)
    assert report.size == len(report.file.read())
    reported = Application.objects.filter(status=Status.REPORTED)
    assert set(reported.values_list("unit__parent__code", flat=True)) == {"LB"}
    assert reported.count() == report.rows


def test_later_stages_file_every_body_that_reports():
    seed("--stage", "training")
    assert sorted(SummaryReport.objects.values_list("body__code", "rows")) == [("CZ", 3), ("LB", 2), ("YF", 2)]
    assert set(Application.objects.filter(status=Status.RECOMMENDED)) == set()


def test_review_then_training_moves_the_same_applications_on():
    seed("--stage", "review")
    numbers = set(Application.objects.exclude(number="").values_list("number", flat=True))
    seed("--stage", "training")
    assert set(statuses().values()) == STAGE_STATUSES["training"]
    assert set(Application.objects.exclude(number="").values_list("number", flat=True)) == numbers
    assert sorted(SummaryReport.objects.values_list("body__code", flat=True)) == ["CZ", "LB", "YF"]


def test_running_twice_changes_nothing():
    seed("--stage", "review")
    first = (counts(), statuses())
    seed("--stage", "review")
    assert (counts(), statuses()) == first


def test_reset_rebuilds_the_filing():
    seed("--stage", "review")
    seed("--stage", "review", "--reset")
    assert statuses() == REVIEW_STAGE
    assert list(SummaryReport.objects.values_list("body__code", "rows")) == [("LB", 2)]


def test_decisions_queue_messages_and_deliver_none():
    seed("--stage", "review")
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.PENDING}
    # The submission receipts (if the outbox has them) aside: one message per decision and filing.
    kinds = Counter(Message.objects.exclude(kind=MessageKind.SUBMITTED).values_list("kind", flat=True))
    assert kinds == {
        MessageKind.RECOMMENDED: 5,
        MessageKind.RETURNED: 2,
        MessageKind.NOT_RECOMMENDED: 1,
        MessageKind.REPORTED: 2,
    }
    assert mail.outbox == []


def test_the_report_prints_the_reviewers_and_the_filing():
    out = seed("--stage", "review")
    assert "  初审单位                  liubei      柳州市柳北区妇女联合会" in out.splitlines()
    assert "  申报单位                  unit4       柳州市柳北区政务服务中心" in out.splitlines()
    assert "  市妇联宣发部（考核人员）  assessor1   柳州市妇女联合会" in out.splitlines()
    assert [line.split()[:2] for line in out.splitlines() if "已报送（" in line] == [
        ["柳北区妇联", "已推荐2份（本年度未设推荐名额上限）"]
    ]


# --- the city's stages -----------------------------------------------------------------------------


def city_state() -> dict:
    from review.models import Assessment, Attendance, Certificate, Objection, Publicity, TrainingSession

    return {
        "sessions": TrainingSession.objects.count(),
        "attended": Attendance.objects.values("application").distinct().count(),
        "assessments": Counter(Assessment.objects.values_list("assessor__username", flat=True)),
        "publicities": Publicity.objects.count(),
        "objections": list(Objection.objects.values_list("application__applicant_name", "outcome")),
        "certificates": list(Certificate.objects.order_by("sequence").values_list("number", flat=True)),
    }


def test_the_training_stage_records_sessions_and_attendance():
    seed("--stage", "training")
    assert city_state() == {
        "sessions": 2,
        "attended": 7,
        "assessments": Counter(),
        "publicities": 0,
        "objections": [],
        "certificates": [],
    }


def test_the_assessment_stage_has_three_assessors_scores_through_the_services():
    from review.city.assessment import assessment_result

    seed("--stage", "assessment")
    state = city_state()
    assert state["assessments"] == Counter({"city": 6, "assessor1": 6, "assessor2": 6})
    # Each recorded result is what the scores say (the transition went through assessment_conclude).
    decided = Application.objects.filter(status__in=[Status.PASSED, Status.FAILED])
    assert {a.status: assessment_result(a).passes for a in decided} == {Status.PASSED: True, Status.FAILED: False}
    assert statuses()["柳州市工人医院产科病区"] == Status.REPORTED


def test_the_naming_stage_has_an_ended_publicity_one_objection_and_certificates():
    from django.utils import timezone

    from review.models import Publicity

    seed("--stage", "naming")
    state = city_state()
    assert state["publicities"] == 1
    assert state["objections"] == [("柳北区政务服务中心企业开办专区", "upheld")]
    assert state["certificates"] == ["2027-001", "2027-002", "2027-003", "2027-004"]
    publicity = Publicity.objects.get()
    assert publicity.ends_on < timezone.localdate()
    assert statuses()["柳州市工人医院产科病区"] == Status.PASSED  # passed, published, ready to name


def test_the_naming_stage_twice_changes_nothing():
    seed("--stage", "naming")
    first = (counts(), statuses(), city_state())
    seed("--stage", "naming")
    assert (counts(), statuses(), city_state()) == first
