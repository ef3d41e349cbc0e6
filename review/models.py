"""初审: the body's checklist and rank for each application, its quota, and its filed 汇总表.

The decision itself is the application's status (applications.workflow); the 意见 that prints in
附件1's last cell lives on the application (`review_opinion`). What only 初审 needs lives here.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from applications.models import Application, ApplicationEvent
from gangwei.fields import LimitedCharField, LimitedTextField
from gangwei.models import Campaign, Organisation, OrgKind

# The five conditions of the notice's section 二, as the reviewer's checklist shows them.
CONDITIONS = [
    ("condition_politics", "（一）拥护党的领导，热爱祖国，遵守法律法规和本单位规章制度"),
    ("condition_spirit", "（二）爱岗敬业、诚实守信、优质服务、团结协作，贡献突出、业绩显著"),
    ("condition_composition", "（三）女性占60%以上，负责人中至少1名女性，除特殊岗位外至少3名工作人员"),
    ("condition_management", "（四）内部管理规范，有创建工作计划、岗位责任制和服务标准，具有先进性、代表性和示范性"),
    ("condition_service", "（五）办事公道、服务群众、奉献社会，积极参加公益活动，社会形象良好"),
]
CONDITION_FIELDS = [name for name, _ in CONDITIONS]
MAX_PLACES = 10000


class Quota(models.Model):
    """推荐名额: how many applications a 初审 body may recommend in a campaign (no row: no limit)."""

    campaign = models.ForeignKey(Campaign, verbose_name="创建年度", on_delete=models.CASCADE, related_name="quotas")
    body = models.ForeignKey(
        Organisation,
        verbose_name="初审单位",
        on_delete=models.CASCADE,
        related_name="quotas",
        limit_choices_to={"kind": OrgKind.REVIEWING_BODY},
    )
    places = models.PositiveIntegerField("推荐名额", validators=[MaxValueValidator(MAX_PLACES)])
    history = HistoricalRecords(verbose_name="推荐名额修改记录", verbose_name_plural="推荐名额修改记录")

    class Meta:
        verbose_name = "推荐名额"
        verbose_name_plural = "推荐名额"
        ordering = ["campaign", "body__display_order", "body__name"]
        constraints = [
            models.UniqueConstraint(
                name="quota_one_per_campaign_body",
                fields=["campaign", "body"],
                violation_error_message="这个初审单位在本年度已有推荐名额；请修改原有的记录。",
            ),
            models.CheckConstraint(name="quota_places_below_limit", condition=Q(places__lte=MAX_PLACES)),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.year}年度 {self.body.label} 推荐名额 {self.places}"


class Review(models.Model):
    """The body's work on one application: the checklist it confirmed, its rank, what it judged."""

    application = models.OneToOneField(
        Application, verbose_name="申报表", on_delete=models.CASCADE, related_name="review", primary_key=True
    )
    condition_politics = models.BooleanField(CONDITIONS[0][1], default=False)
    condition_spirit = models.BooleanField(CONDITIONS[1][1], default=False)
    condition_composition = models.BooleanField(CONDITIONS[2][1], default=False)
    condition_management = models.BooleanField(CONDITIONS[3][1], default=False)
    condition_service = models.BooleanField(CONDITIONS[4][1], default=False)
    # 序号 in the body's 汇总表, among its recommendations (1 = first); null when not recommended.
    rank = models.PositiveIntegerField("排序", null=True, blank=True)
    # The submission the body last decided on: after a return and a resubmission, the page shows
    # what changed since this version.
    judged_event = models.ForeignKey(
        ApplicationEvent, verbose_name="所审版本", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)

    class Meta:
        verbose_name = "初审记录"
        verbose_name_plural = "初审记录"

    def __str__(self) -> str:
        return f"{self.application} 初审"

    @property
    def conditions(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in CONDITION_FIELDS}


def summary_path(instance: "SummaryReport", filename: str) -> str:
    return f"summaries/{instance.campaign.year}/{secrets.token_hex(16)}.xlsx"


class SummaryReport(models.Model):
    """One filing (报送) of a body's 附件2 汇总表: the file as it was filed, who and when.

    A body has at most one current filing per campaign; when the city reopens it, the row is kept
    (reopened_*) and the body's next filing is a new row.
    """

    campaign = models.ForeignKey(Campaign, verbose_name="创建年度", on_delete=models.PROTECT, related_name="summaries")
    body = models.ForeignKey(
        Organisation,
        verbose_name="初审单位",
        on_delete=models.PROTECT,
        related_name="summaries",
        limit_choices_to={"kind": OrgKind.REVIEWING_BODY},
    )
    file = models.FileField("汇总表文件", upload_to=summary_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField("大小（字节）")
    rows = models.PositiveIntegerField("推荐数")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField("报送时间")
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="退回人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField("退回时间", null=True, blank=True)
    reopen_reason = LimitedTextField("退回理由", max_length=500, blank=True)

    class Meta:
        verbose_name = "汇总表报送"
        verbose_name_plural = "汇总表报送"
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                name="summary_one_current_per_body",
                fields=["campaign", "body"],
                condition=Q(reopened_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.year}年度 {self.body.label} 汇总表"

    @property
    def is_current(self) -> bool:
        return self.reopened_at is None


# --- 培训 -------------------------------------------------------------------------------------------


class TrainingSession(models.Model):
    """A training the city holds for the leaders of the reported posts (the notice's 四(三))."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="创建年度", on_delete=models.PROTECT, related_name="training_sessions"
    )
    title = LimitedCharField("培训名称", max_length=120)
    held_on = models.DateField("培训日期")
    place = LimitedCharField("培训地点", max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "创建培训"
        verbose_name_plural = "创建培训"
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.held_on.isoformat()} {self.title}"


class Attendance(models.Model):
    """A post's leader attended a training session: who attended, recorded by whom."""

    session = models.ForeignKey(
        TrainingSession, verbose_name="培训", on_delete=models.CASCADE, related_name="attendances"
    )
    application = models.ForeignKey(
        Application, verbose_name="申报表", on_delete=models.CASCADE, related_name="attendances"
    )
    attendee = LimitedCharField("参训人", max_length=40)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = "培训签到"
        verbose_name_plural = "培训签到"
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(name="attendance_one_per_session_post", fields=["session", "application"]),
        ]

    def __str__(self) -> str:
        return f"{self.attendee}（{self.application}）"


# --- 考核 -------------------------------------------------------------------------------------------


class AssessmentCriterion(models.Model):
    """One line of the 考核 score sheet of a campaign (admin edits them; review.assessment makes the
    default set, the notice's five conditions totalling 100, for a campaign that has none)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="创建年度", on_delete=models.CASCADE, related_name="criteria"
    )
    name = LimitedCharField("考核项目", max_length=60)
    description = LimitedTextField("评分说明", max_length=500, blank=True)
    max_points = models.DecimalField(
        "满分",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("100.0"))],
    )
    order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords(verbose_name="考核项目修改记录", verbose_name_plural="考核项目修改记录")

    class Meta:
        verbose_name = "考核项目"
        verbose_name_plural = "考核项目"
        ordering = ["campaign", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                name="criterion_unique_name",
                fields=["campaign", "name"],
                violation_error_message="本年度已有同名的考核项目。",
            ),
            models.CheckConstraint(
                name="criterion_max_points_range",
                condition=Q(max_points__gt=0) & Q(max_points__lte=100),
                violation_error_message="满分须大于 0，且不超过 100。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.max_points}分）"


class Method(models.TextChoices):
    DOCUMENTS = "documents", "材料审查"
    VISIT = "visit", "实地考察"
    REPORT = "report", "听取汇报"


class Assessment(models.Model):
    """One assessor's 考核 of one post: a score per criterion (Score), the method, the date, a
    comment, and a possible veto (一票否决) that fails the post whatever the points."""

    application = models.ForeignKey(
        Application, verbose_name="申报表", on_delete=models.CASCADE, related_name="assessments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="考核人员", on_delete=models.PROTECT, related_name="assessments"
    )
    method = models.CharField("考核方式", max_length=12, choices=Method.choices)
    assessed_on = models.DateField("考核日期")
    comment = LimitedTextField("考核意见", max_length=500, blank=True)
    veto = models.BooleanField("一票否决", default=False)
    veto_reason = LimitedTextField("否决理由", max_length=300, blank=True)
    # The sum of the scores, kept with them in the service's transaction (Decimal, one place).
    total = models.DecimalField("总分", max_digits=6, decimal_places=1, default=Decimal("0.0"))
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "考核评分"
        verbose_name_plural = "考核评分"
        ordering = ["application", "assessor_id"]
        constraints = [
            models.UniqueConstraint(name="assessment_one_per_assessor", fields=["application", "assessor"]),
            models.CheckConstraint(name="assessment_method_valid", condition=Q(method__in=Method.values)),
            models.CheckConstraint(
                name="assessment_veto_has_reason",
                condition=Q(veto=False) | ~Q(veto_reason=""),
                violation_error_message="一票否决须写明理由。",
            ),
            models.CheckConstraint(name="assessment_total_not_negative", condition=Q(total__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.assessor}"


class Score(models.Model):
    assessment = models.ForeignKey(Assessment, verbose_name="考核评分", on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        AssessmentCriterion, verbose_name="考核项目", on_delete=models.PROTECT, related_name="scores"
    )
    points = models.DecimalField("得分", max_digits=4, decimal_places=1)

    class Meta:
        verbose_name = "单项得分"
        verbose_name_plural = "单项得分"
        ordering = ["assessment", "criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(name="score_one_per_criterion", fields=["assessment", "criterion"]),
            models.CheckConstraint(name="score_points_range", condition=Q(points__gte=0) & Q(points__lte=100)),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.name}: {self.points}"


# --- 公示 and 异议 -----------------------------------------------------------------------------------


class Publicity(models.Model):
    """拟命名名单公示: the posts that passed, public for `campaign.publicity_days` working days.

    `ends_on` is computed from the official calendar when published (gangwei.workdays); an admin may
    adjust it. A campaign may publish more than one list (a post that passed later), each with its
    own period.
    """

    campaign = models.ForeignKey(Campaign, verbose_name="创建年度", on_delete=models.PROTECT, related_name="publicities")
    starts_on = models.DateField("公示开始日期")
    days = models.PositiveSmallIntegerField("公示工作日数")
    ends_on = models.DateField("公示截止日期", help_text="含当日；按工作日自动计算，管理员可调整。")
    applications = models.ManyToManyField(
        Application, verbose_name="拟命名岗位", related_name="publicities", through="PublicityEntry"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField("发布时间")
    history = HistoricalRecords(verbose_name="公示修改记录", verbose_name_plural="公示修改记录")

    class Meta:
        verbose_name = "拟命名公示"
        verbose_name_plural = "拟命名公示"
        ordering = ["campaign", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="publicity_ends_after_start",
                condition=Q(ends_on__gte=F("starts_on")),
                violation_error_message="公示截止日期不能早于开始日期。",
            ),
            models.CheckConstraint(name="publicity_days_positive", condition=Q(days__gte=1) & Q(days__lte=30)),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.year}年度拟命名公示（{self.starts_on.isoformat()}至{self.ends_on.isoformat()}）"


class PublicityEntry(models.Model):
    publicity = models.ForeignKey(Publicity, on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="publicity_entries")
    position = models.PositiveIntegerField("序号", default=0)

    class Meta:
        verbose_name = "公示岗位"
        verbose_name_plural = "公示岗位"
        ordering = ["publicity", "position", "id"]
        constraints = [
            # A post is published once per campaign.
            models.UniqueConstraint(name="publicity_entry_once", fields=["application"]),
        ]

    def __str__(self) -> str:
        return str(self.application)


class ObjectionOutcome(models.TextChoices):
    PENDING = "pending", "待处理"
    REJECTED = "rejected", "经核查不成立"
    UPHELD = "upheld", "经核查成立"


class Objection(models.Model):
    """异议: anyone may object to a published post during its period; the city records the outcome.
    A post with a pending or upheld objection cannot be named."""

    publicity = models.ForeignKey(Publicity, verbose_name="公示", on_delete=models.PROTECT, related_name="objections")
    application = models.ForeignKey(
        Application, verbose_name="异议岗位", on_delete=models.PROTECT, related_name="objections"
    )
    name = LimitedCharField("异议人姓名", max_length=40)
    phone = LimitedCharField("联系电话", max_length=30)
    email = models.EmailField("电子邮箱", max_length=120, blank=True)
    content = LimitedTextField("异议内容", max_length=1000)
    # A keyed hash of the sender's address: enough to limit the rate, nothing to identify anyone by.
    source = models.CharField(max_length=64, db_index=True, editable=False)
    submitted_at = models.DateTimeField("提交时间", db_index=True)
    outcome = models.CharField(
        "处理结果", max_length=10, choices=ObjectionOutcome.choices, default=ObjectionOutcome.PENDING
    )
    resolution = LimitedTextField("处理情况", max_length=1000, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["submitted_at", "id"]
        constraints = [
            models.CheckConstraint(name="objection_outcome_valid", condition=Q(outcome__in=ObjectionOutcome.values)),
            models.CheckConstraint(
                name="objection_resolved_has_text",
                condition=Q(outcome="pending") | (~Q(resolution="") & Q(resolved_at__isnull=False)),
                violation_error_message="处理异议须写明处理情况。",
            ),
        ]

    def __str__(self) -> str:
        return f"对“{self.application}”的异议（{self.get_outcome_display()}）"


# --- 命名 -------------------------------------------------------------------------------------------


class Certificate(models.Model):
    """The certificate of a named post: number = year and sequence ("2021-001"), never reused (rows
    are never deleted: the application is protected, and the admin cannot delete them)."""

    application = models.OneToOneField(
        Application, verbose_name="申报表", on_delete=models.PROTECT, related_name="certificate"
    )
    campaign = models.ForeignKey(Campaign, verbose_name="创建年度", on_delete=models.PROTECT, related_name="certificates")
    sequence = models.PositiveIntegerField("序号")
    number = models.CharField("证书编号", max_length=20, unique=True)
    issued_on = models.DateField("命名日期")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "命名证书"
        verbose_name_plural = "命名证书"
        ordering = ["campaign", "sequence"]
        constraints = [
            models.UniqueConstraint(name="certificate_unique_sequence", fields=["campaign", "sequence"]),
            models.CheckConstraint(name="certificate_sequence_positive", condition=Q(sequence__gte=1)),
        ]

    def __str__(self) -> str:
        return self.number
