"""考核 (the notice's 四(四)): criteria, each assessor's scores, the result, the ranking.

Writes: `assessment_record` (one assessor's score sheet of one post; again: updated) and
`assessment_conclude` (the city records 考核合格 / 不合格 through the transition service).
Reads: `criteria_of`, `assessment_result`, `assessment_ranking`.

The result is exact: each assessor's total is the Decimal sum of their points (0.1 steps), and a
post passes iff it has no veto and sum(totals) >= pass_line * count — compared in Decimal, never
through a float and never after rounding the mean. The mean is shown rounded down to two places
(`mean_display`), so a mean below the line never reads as the line.

Lock order, as every writer of an application keeps it (applications.workflow.transition): the
post's 初审 body, then the post.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.mail import notify_unit
from applications.models import Application, MessageKind, Status
from applications.workflow import Action, TransitionNotAllowed, transition
from gangwei.deadlines import require_stage_open
from gangwei.models import Campaign, Organisation, Stage, User
from review.city import phrases
from review.city.common import require_city, text_error
from review.city.training import has_attended
from review.models import Assessment, AssessmentCriterion, Method, Score

# The default score sheet: the notice's five conditions of section 二 (柳妇通〔2020〕42号), weighted
# by what an assessment can tell apart. The work and its results (二) and the post's management (四)
# weigh most; the political condition (一) and the service to society (五) are checked on every
# post and differ less; the composition (三) is a fact 初审 already checked (women's share, a woman
# among the leaders, at least three staff), so it weighs least. 15 + 30 + 10 + 25 + 20 = 100.
DEFAULT_CRITERIA = [
    (
        "政治素质",
        15,
        "巾帼文明岗成员要拥护中国共产党的领导，热爱社会主义祖国，遵守国家法律、法规及本单位的规章制度。",
    ),
    (
        "爱岗敬业与业绩",
        30,
        "巾帼文明岗成员应发扬“有理想、有道德、有文化、有纪律”和“自尊、自信、自立、自强”的精神，熟练掌握业务技能，"
        "爱岗敬业，诚实守信，优质服务，团结协作，在生产经营、管理服务等工作中贡献突出、业绩显著。",
    ),
    (
        "岗位构成",
        10,
        "巾帼文明岗女性占60%以上，巾帼文明岗负责人中至少有1名女性，除特殊岗位外，巾帼文明岗至少要有3名工作人员。",
    ),
    (
        "内部管理",
        25,
        "巾帼文明岗内部管理规范，有明确的创建工作计划，有切实可行的学习、管理和岗位责任制，有规范的行业服务标准和"
        "达标要求，在本地区、本行业、本系统中具有较强的先进性、代表性和示范性。",
    ),
    (
        "服务社会",
        20,
        "办事公道，服务群众，奉献社会，积极参加各级妇女组织开展的各类公益活动，树立良好的社会形象，社会效益、"
        "经济效益和人才效益显著。",
    ),
]
STEP = Decimal("0.1")
TWO_PLACES = Decimal("0.01")
COMMENT_MAX = Assessment._meta.get_field("comment").max_length
VETO_REASON_MAX = Assessment._meta.get_field("veto_reason").max_length


class AssessmentRefused(TransitionNotAllowed):
    """考核 cannot be recorded or concluded for this post now (not trained, decided, no score)."""


def points_field(criterion_id: int) -> str:
    """The name under which a criterion's points are posted and refused (form and service alike)."""
    return f"points_{criterion_id}"


def points_error(value, max_points: Decimal) -> str | None:
    """Why `value` is not a valid score for a criterion worth `max_points` (None: it is).

    Valid: a finite Decimal from 0 to max_points, on the 0.1 grid ("18.50" is 18.5 and valid;
    "12.34" is not)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return phrases.POINTS_INVALID
    value = Decimal(value)
    if not value.is_finite():
        return phrases.POINTS_INVALID
    if value < 0 or value > max_points:
        return phrases.POINTS_RANGE.format(max=plain_points(max_points))
    # Within 0..100, quantize cannot overflow; the comparison is exact (1E-999999999 is off the grid).
    if value != value.quantize(STEP):
        return phrases.POINTS_GRID
    return None


def plain_points(value: Decimal) -> str:
    """18.0 → "18", 18.5 → "18.5" (a maximum as a person writes it)."""
    return format(value.normalize(), "f")


# --- criteria ------------------------------------------------------------------------------------


def criteria_of(campaign: Campaign) -> list[AssessmentCriterion]:
    """The score sheet of `campaign`, in order; the default set (DEFAULT_CRITERIA) is made first for
    a campaign that has none (admins edit it afterwards)."""
    criteria = list(AssessmentCriterion.objects.filter(campaign=campaign).order_by("order", "id"))
    if criteria:
        return criteria
    rows = [
        AssessmentCriterion(campaign=campaign, name=name, max_points=Decimal(points), description=text, order=order)
        for order, (name, points, text) in enumerate(DEFAULT_CRITERIA, start=1)
    ]
    # Two first visits at once: the unique name makes the second insert a no-op.
    with transaction.atomic():
        AssessmentCriterion.objects.bulk_create(rows, ignore_conflicts=True)
    return list(AssessmentCriterion.objects.filter(campaign=campaign).order_by("order", "id"))


# --- the result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentResult:
    """The 考核 result of one post so far: every assessor's total, their mean, the veto."""

    count: int
    totals: tuple[Decimal, ...]
    pass_line: Decimal
    veto: bool = False
    veto_reasons: tuple[str, ...] = ()

    @property
    def total_sum(self) -> Decimal:
        return sum(self.totals, Decimal("0"))

    @property
    def mean(self) -> Decimal | None:
        """The mean of the totals as a Decimal (28 significant digits; exact when it terminates).
        Compare with the line through `passes`, which never divides."""
        if not self.count:
            return None
        return self.total_sum / self.count

    @property
    def mean_exact(self) -> Fraction | None:
        """The mean as an exact fraction (the ranking's order)."""
        if not self.count:
            return None
        return Fraction(self.total_sum) / self.count

    @property
    def mean_display(self) -> str:
        """The mean for a page: two places, rounded down (79.9666… shows 79.96, never 80.00)."""
        mean = self.mean
        if mean is None:
            return ""
        return str(mean.quantize(TWO_PLACES, rounding=ROUND_DOWN))

    @property
    def seen(self) -> str:
        """What the page that shows this result sends back with 确认考核结果: a result that differs
        when the page's click arrives (an assessor saved meanwhile) is refused, not recorded."""
        return f"{self.count}:{self.total_sum}:{int(self.veto)}"

    @property
    def passes(self) -> bool:
        return bool(self.count) and not self.veto and self.total_sum >= self.pass_line * self.count

    @property
    def label(self) -> str:
        if not self.count:
            return phrases.RESULT_NONE
        if self.veto:
            return phrases.RESULT_VETOED
        return phrases.RESULT_PASSES if self.passes else phrases.RESULT_FAILS


def result_of(assessments: list[Assessment], pass_line: Decimal) -> AssessmentResult:
    """The result of one post out of its assessments (already fetched: no query)."""
    return AssessmentResult(
        count=len(assessments),
        totals=tuple(a.total for a in assessments),
        pass_line=pass_line,
        veto=any(a.veto for a in assessments),
        veto_reasons=tuple(a.veto_reason for a in assessments if a.veto),
    )


def assessment_result(application: Application) -> AssessmentResult:
    assessments = list(Assessment.objects.filter(application=application).order_by("assessor_id"))
    return result_of(assessments, application.campaign.pass_line)


def results_for(applications: list[Application]) -> dict[int, AssessmentResult]:
    """The result of each of `applications` (one query for all of them)."""
    by_post: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in Assessment.objects.filter(application__in=[a.pk for a in applications]).order_by(
        "application_id", "assessor_id"
    ):
        by_post[assessment.application_id].append(assessment)
    return {a.pk: result_of(by_post.get(a.pk, []), a.campaign.pass_line) for a in applications}


# --- writes --------------------------------------------------------------------------------------


def _lock_post(application: Application) -> Application:
    """The post's 初审 body, then the post (the order of applications.workflow.transition)."""
    list(Organisation.objects.select_for_update().filter(pk=application.unit.parent_id))
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("campaign", "unit__parent")
        .get(pk=application.pk)
    )


def _clean_text(value: str, name: str, limit: int) -> str:
    value = (value or "").strip()
    error = text_error(value, limit)
    if error:
        raise ValidationError({name: error})
    return value


def _clean_sheet(
    campaign: Campaign,
    *,
    method: str,
    assessed_on: dt.date,
    comment: str,
    veto: bool,
    veto_reason: str,
    points: dict[int, Decimal],
) -> tuple[list[AssessmentCriterion], dict[str, object]]:
    errors: dict[str, str] = {}
    if method not in Method.values:
        errors["method"] = phrases.METHOD_REQUIRED
    if not isinstance(assessed_on, dt.date) or isinstance(assessed_on, dt.datetime):
        errors["assessed_on"] = phrases.ASSESSED_ON_REQUIRED
    elif assessed_on > timezone.localdate():
        errors["assessed_on"] = phrases.ASSESSED_ON_FUTURE
    elif assessed_on < timezone.localtime(campaign.opens_at).date():
        errors["assessed_on"] = phrases.ASSESSED_ON_TOO_EARLY.format(
            opens_on=timezone.localtime(campaign.opens_at).date().isoformat()
        )
    try:
        comment = _clean_text(comment, "comment", COMMENT_MAX)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    try:
        veto_reason = _clean_text(veto_reason, "veto_reason", VETO_REASON_MAX)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    veto = bool(veto)
    if veto and not veto_reason and "veto_reason" not in errors:
        errors["veto_reason"] = phrases.VETO_REASON_REQUIRED
    if not veto and veto_reason and "veto_reason" not in errors:
        errors["veto_reason"] = phrases.VETO_REASON_WITHOUT_VETO
    criteria = criteria_of(campaign)
    ids = {c.pk for c in criteria}
    if set(points) - ids:
        errors["__all__"] = phrases.POINTS_UNKNOWN
    for criterion in criteria:
        name = points_field(criterion.pk)
        if points.get(criterion.pk) is None:
            errors[name] = phrases.POINTS_REQUIRED
            continue
        error = points_error(points[criterion.pk], criterion.max_points)
        if error:
            errors[name] = error
    if errors:
        raise ValidationError(errors)
    cleaned = {
        "method": method,
        "assessed_on": assessed_on,
        "comment": comment,
        "veto": veto,
        "veto_reason": veto_reason,
        "points": {c.pk: Decimal(points[c.pk]).quantize(STEP) for c in criteria},
    }
    return criteria, cleaned


def _require_assessable(locked: Application) -> None:
    if locked.status != Status.REPORTED:
        raise AssessmentRefused(phrases.ASSESS_ONLY_REPORTED.format(status=locked.get_status_display()))
    if not has_attended(locked):
        raise AssessmentRefused(phrases.NOT_TRAINED)


def assessment_record(
    *,
    user: User,
    application: Application,
    method: str,
    assessed_on: dt.date,
    comment: str,
    veto: bool,
    veto_reason: str,
    points: dict[int, Decimal],
    version: int | None = None,
) -> Assessment:
    """Record (or change) `user`'s 考核 of `application`: a score per criterion, the method, the
    date, a comment and a possible veto with its reason.

    Refused with a ValidationError naming the field (`points_<criterion id>`, `method`, ...) for a
    bad sheet; with AssessmentRefused when the post is not `reported` or its leader attended no
    training; with StageClosed outside the 考核 window. The total is the exact sum of the points.
    `version` is the version of the assessor's sheet that the page showed (0: none yet): a sheet
    saved meanwhile (the same assessor in another tab) is refused, not saved over."""
    require_city(user)
    criteria, sheet = _clean_sheet(
        application.campaign,
        method=method,
        assessed_on=assessed_on,
        comment=comment,
        veto=veto,
        veto_reason=veto_reason,
        points=points,
    )
    with transaction.atomic():
        locked = _lock_post(application)
        require_stage_open(locked.campaign, Stage.ASSESSMENT, None)
        _require_assessable(locked)
        total = sum(sheet["points"].values(), Decimal("0"))
        fields = {
            "method": sheet["method"],
            "assessed_on": sheet["assessed_on"],
            "comment": sheet["comment"],
            "veto": sheet["veto"],
            "veto_reason": sheet["veto_reason"],
            "total": total,
        }
        assessment = Assessment.objects.filter(application=locked, assessor=user).first()
        if version is not None and version != (assessment.version if assessment else 0):
            raise AssessmentRefused(phrases.SHEET_STALE)
        if assessment is None:
            try:
                with transaction.atomic():
                    assessment = Assessment.objects.create(application=locked, assessor=user, **fields)
            except IntegrityError:  # pragma: no cover - the post's lock serialises the assessors
                raise AssessmentRefused(phrases.CONCLUDE_CHANGED) from None
        else:
            for name, value in fields.items():
                setattr(assessment, name, value)
            assessment.version += 1
            assessment.save()
            Score.objects.filter(assessment=assessment).delete()
        Score.objects.bulk_create(
            [Score(assessment=assessment, criterion=c, points=sheet["points"][c.pk]) for c in criteria]
        )
    return assessment


def assessment_conclude(*, user: User, application: Application, seen: str | None = None) -> Application:
    """确认考核结果: record 考核合格 or 考核不合格 as the result says, through the transition service
    (role, 考核 window, status reported), and tell the unit in the same transaction. Refused when
    the post has no score yet, or its leader's attendance is no longer recorded, or when the scores change between reading and recording — or since
    the page the city confirmed on (`seen`, the result's `seen` as that page showed it)."""
    require_city(user)
    result = assessment_result(application)
    if not result.count:
        raise AssessmentRefused(phrases.CONCLUDE_NO_SCORE)
    if seen is not None and seen != result.seen:
        raise AssessmentRefused(phrases.CONCLUDE_CHANGED)
    action = Action.PASS if result.passes else Action.FAIL

    def guard(locked: Application) -> list[str]:
        # The leader's attendance may have been removed since the scores were saved.
        if not has_attended(locked):
            raise AssessmentRefused(phrases.NOT_TRAINED)
        # Read again under the post's lock: an assessor who saved meanwhile may change the result.
        if assessment_result(locked) != result:
            raise AssessmentRefused(phrases.CONCLUDE_CHANGED)
        return []

    note = f"平均分{result.mean_display}分（{result.count}位考核人员），合格线{plain_points(result.pass_line)}分"
    if result.veto:
        note += "；一票否决：" + "；".join(result.veto_reasons)
    with transaction.atomic():
        decided = transition(application=application, action=action, actor=user, note=note, guard=guard)
        notify_unit(
            decided,
            MessageKind.PASSED if action == Action.PASS else MessageKind.FAILED,
            result=result,
            mean=result.mean_display,
            pass_line=plain_points(result.pass_line),
        )
    return decided


# --- the ranking ---------------------------------------------------------------------------------


@dataclass
class RankRow:
    """One assessed post in the ranking: its place, the post, the result, each assessor's total."""

    rank: int
    application: Application
    result: AssessmentResult
    # assessor id → (the assessor's name, their total, their veto)
    by_assessor: dict[int, tuple[str, Decimal, bool]] = field(default_factory=dict)

    def totals_for(self, assessors: list["Assessor"]) -> list[tuple[Decimal, bool] | None]:
        """This post's (total, veto) under each of the table's columns (None: not scored by them)."""
        return [self.by_assessor[a.pk][1:] if a.pk in self.by_assessor else None for a in assessors]


@dataclass(frozen=True)
class Assessor:
    pk: int
    name: str


def assessment_ranking(campaign: Campaign) -> list[RankRow]:
    """Every post of `campaign` with at least one assessment, ranked by its mean (highest first;
    equal means share a place, the next place skips), in one query whatever the number of posts."""
    assessments = (
        Assessment.objects.filter(application__campaign=campaign)
        .select_related("application__campaign", "application__unit__parent", "assessor")
        .order_by("application_id", "assessor_id")
    )
    by_post: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in assessments:
        by_post[assessment.application_id].append(assessment)
    rows = [
        RankRow(
            rank=0,
            application=items[0].application,
            result=result_of(items, campaign.pass_line),
            by_assessor={a.assessor_id: (assessor_name(a.assessor), a.total, a.veto) for a in items},
        )
        for items in by_post.values()
    ]
    rows.sort(key=lambda row: (-row.result.mean_exact, row.application.number, row.application.pk))
    previous = None
    for position, row in enumerate(rows, start=1):
        same = previous is not None and previous.result.mean_exact == row.result.mean_exact
        row.rank = previous.rank if same else position
        previous = row
    return rows


def assessor_name(user: User) -> str:
    # A Chinese name is family name first, without a space.
    return f"{user.last_name}{user.first_name}".strip() or user.username


def ranking_assessors(rows: list[RankRow]) -> list[Assessor]:
    """The assessors who scored any of `rows`, by id (the table's columns; no query)."""
    names: dict[int, str] = {}
    for row in rows:
        for pk, (name, _total, _veto) in row.by_assessor.items():
            names.setdefault(pk, name)
    return [Assessor(pk, names[pk]) for pk in sorted(names)]
