"""The city's part after the filings, through the city's services (review.city): the training and
its attendance, three assessors' scores and the recorded result, the 公示 with one objection, and
the naming with its certificates.

The city's steps run in phases across all applications, as the city works: first every 考核
(PASS / FAIL), then one 公示 of every passed post, then the naming (NAME / NOT_NAME). `prepare`
records the training before any of them, in every stage from `training` on.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from applications.models import Application, Status
from applications.workflow import Action
from gangwei.workdays import working_days_end
from review.city.assessment import assessment_conclude, assessment_record, criteria_of
from review.city.naming import naming_decide
from review.city.publicity import objection_lodge, objection_resolve, publicity_publish
from review.city.training import attendance_record, training_session_create
from review.management.demo.accounts import ASSESSORS
from review.management.demo.context import Demo
from review.management.demo.specs import NOTES, ApplicationSpec
from review.models import Method, Objection, Publicity, TrainingSession

SESSIONS = [
    ("{year}年度巾帼文明岗创建培训（第一期）", "柳州市妇女儿童活动中心三楼报告厅", -75),
    ("{year}年度巾帼文明岗创建培训（第二期）", "柳州市妇联五楼会议室", -45),
]
# Each assessor's share of every criterion's maximum, for a post that passes and one that fails.
PASS_SHARES = [Decimal("0.92"), Decimal("0.88"), Decimal("0.85")]
FAIL_SHARES = [Decimal("0.74"), Decimal("0.70"), Decimal("0.78")]
OBJECTION = {
    "name": "李女士",
    "phone": "13977200000",
    "email": "",
    "content": "该岗位申报材料中所列“近三年零投诉”与实际情况不符，2020年曾有群众投诉服务态度问题，请予核实。",
}
OBJECTION_RESOLUTION = "经市妇联派员实地核查并调阅投诉记录，反映情况属实，该岗位暂不予命名，明年可重新申报。"
CITY_STEPS = (Action.PASS, Action.FAIL, Action.NAME, Action.NOT_NAME)


def _today() -> dt.date:
    return timezone.localdate()


def _assessors(demo: Demo) -> list:
    return [demo.users["city"], *(demo.users[name] for name, _ in ASSESSORS)]


def prepare(demo: Demo, applications: list[Application]) -> None:
    """The two training sessions, and the attendance of every reported post's first leader (the
    first session for most, the second for the rest); already recorded rows are left as they are."""
    city = demo.users["city"]
    sessions = []
    for title, place, days in SESSIONS:
        title = title.format(year=demo.campaign.year)
        session = TrainingSession.objects.filter(campaign=demo.campaign, title=title).first()
        if session is None:
            session = training_session_create(
                user=city, campaign=demo.campaign, title=title, held_on=_today() + dt.timedelta(days=days), place=place
            )
        sessions.append(session)
    attending: dict[int, dict[str, str]] = {}
    for index, application in enumerate(applications):
        leader = application.leaders.order_by("position", "id").first()
        if leader is None or application.attendances.exists():
            continue
        attending.setdefault(0 if index % 3 else 1, {})[application.key] = leader.name
    for index, attendees in attending.items():
        attendance_record(user=city, session=sessions[index], attendees=attendees)


def assess(demo: Demo, spec: ApplicationSpec, application: Application, action: str) -> Application:
    """Three assessors score the post (enough to pass, or not), then the city records the result."""
    shares = PASS_SHARES if action == Action.PASS else FAIL_SHARES
    methods = [Method.VISIT, Method.DOCUMENTS, Method.REPORT]
    for assessor, share, method in zip(_assessors(demo), shares, methods, strict=True):
        points = {
            criterion.pk: (criterion.max_points * share).quantize(Decimal("0.1"))
            for criterion in criteria_of(demo.campaign)
        }
        assessment_record(
            user=assessor,
            application=application,
            method=method,
            assessed_on=_today() - dt.timedelta(days=10),
            comment=NOTES[action],
            veto=False,
            veto_reason="",
            points=points,
        )
    return assessment_conclude(user=demo.users["city"], application=application)


def publish(demo: Demo) -> Publicity | None:
    """One 公示 of every passed post, with one objection to the post that will not be named; then,
    in the naming stage, its period moved back so that it has ended (as if published weeks ago)."""
    publicity = Publicity.objects.filter(campaign=demo.campaign).order_by("pk").first()
    if publicity is None:
        if not Application.objects.filter(campaign=demo.campaign, status=Status.PASSED).exists():
            return None
        publicity = publicity_publish(user=demo.users["city"], campaign=demo.campaign, starts_on=_today())
    return publicity


def object_to(demo: Demo, publicity: Publicity, application: Application) -> None:
    """The demo's one objection, lodged during the period and found to be true."""
    if Objection.objects.filter(publicity=publicity, application=application).exists():
        return
    objection = objection_lodge(publicity=publicity, application=application, source_address="127.0.0.1", **OBJECTION)
    objection_resolve(user=demo.users["city"], objection=objection, outcome="upheld", resolution=OBJECTION_RESOLUTION)


def end_period(publicity: Publicity) -> None:
    """Move the 公示 back three weeks (a demo's adjustment, as an admin may move the end date): the
    period, its objections' times and the publication time keep their order, and it has ended."""
    if publicity.ends_on < _today():
        return
    start = _today() - dt.timedelta(days=21)
    shift = start - publicity.starts_on
    publicity.starts_on = start
    publicity.ends_on = working_days_end(start, publicity.days)
    publicity.published_at += shift
    publicity._change_reason = "seed_demo：演示数据的公示期移到三周前"
    publicity.save()
    for objection in publicity.objections.all():
        objection.submitted_at += shift
        objection.resolved_at = objection.resolved_at and objection.resolved_at + shift
        objection.save(update_fields=["submitted_at", "resolved_at"])


def name(demo: Demo, spec: ApplicationSpec, application: Application, action: str) -> Application:
    reason = "" if action == Action.NAME else spec.reasons.get(action) or NOTES[action]
    return naming_decide(user=demo.users["city"], application=application, name=action == Action.NAME, reason=reason)


ACTIONS = {Action.PASS: assess, Action.FAIL: assess, Action.NAME: name, Action.NOT_NAME: name}


def ensure_calendar() -> str:
    """The demo's 公示 runs now: if the holiday table does not know this year or the next yet (the
    chinesecalendar library trails the State Council), the demo adds them as plain weeks, marked as
    the demo's assumption, and says so. A real installation has an admin enter the announced year."""
    from gangwei.models import CalendarYear

    added = []
    for year in (_today().year, _today().year + 1):
        _, created = CalendarYear.objects.get_or_create(
            year=year, defaults={"source": "演示数据：未录入法定节假日（正式使用前请管理员按国务院通知录入）"}
        )
        if created:
            added.append(str(year))
    if not added:
        return ""
    return f"注意：节假日表中没有{'、'.join(added)}年的法定节假日，演示数据按普通周计算公示期；正式使用前请管理员录入。"
