"""初审: the body's checklist and rank for each application, its quota, and its filed 汇总表.

The decision itself is the application's status (applications.workflow); the 意见 that prints in
附件1's last cell lives on the application (`review_opinion`). What only 初审 needs lives here.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from applications.models import Application, ApplicationEvent
from gangwei.fields import LimitedTextField
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
