"""The shared core: who the users are, which organisation they belong to, and the campaign."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from gangwei.dates import format_datetime
from gangwei.fields import LimitedCharField


class OrgKind(models.TextChoices):
    CITY = "city", "市妇联"
    REVIEWING_BODY = "reviewing_body", "初审单位"
    APPLICANT = "applicant", "申报单位"


class Organisation(models.Model):
    kind = models.CharField("类型", max_length=20, choices=OrgKind.choices)
    name = models.CharField("全称", max_length=120)
    short_name = models.CharField("简称", max_length=40, blank=True)
    code = models.CharField("编号代码", max_length=12, blank=True, help_text="初审单位的字母代码，用于申报编号")
    parent = models.ForeignKey(
        "self",
        verbose_name="所属初审单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        limit_choices_to={"kind": OrgKind.REVIEWING_BODY},
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    display_order = models.PositiveIntegerField("排序", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "组织"
        verbose_name_plural = "组织"
        ordering = ["kind", "display_order", "name"]
        constraints = [
            models.CheckConstraint(
                name="organisation_kind_valid",
                condition=Q(kind__in=OrgKind.values),
            ),
            models.CheckConstraint(
                name="organisation_applicant_has_parent",
                condition=~Q(kind="applicant") | Q(parent__isnull=False),
            ),
            models.UniqueConstraint(
                name="organisation_unique_code",
                fields=["code"],
                condition=~Q(code=""),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = "用户"
        verbose_name_plural = "用户"


class Stage(models.TextChoices):
    APPLY = "apply", "申报"
    FIRST_REVIEW = "first_review", "初审"
    TRAINING = "training", "培训"
    ASSESSMENT = "assessment", "考核"
    NAMING = "naming", "命名"


# The field of Campaign that closes each stage; TRAINING closes with ASSESSMENT.
STAGE_CLOSES_FIELD = {
    Stage.APPLY: "apply_closes_at",
    Stage.FIRST_REVIEW: "first_review_closes_at",
    Stage.TRAINING: "assessment_closes_at",
    Stage.ASSESSMENT: "assessment_closes_at",
    Stage.NAMING: "naming_closes_at",
}


class Campaign(models.Model):
    """One year's 巾帼文明岗 campaign, with the closing moment of every stage.

    Every deadline is inclusive: an action at exactly the stored instant is allowed.
    The TRAINING stage closes with ASSESSMENT (the notice dates training "另行通知").
    """

    year = models.PositiveIntegerField("创建年度", unique=True)
    # Blank on a campaign copied to the next year, until the clerk types the new notice's number.
    notice_number = models.CharField("通知文号", max_length=40, blank=True)
    title = models.CharField("标题", max_length=120)
    opens_at = models.DateTimeField("申报开始")
    apply_closes_at = models.DateTimeField("申报截止")
    first_review_closes_at = models.DateTimeField("初审截止")
    assessment_closes_at = models.DateTimeField("考核截止（培训同）")
    naming_closes_at = models.DateTimeField("命名截止")
    # How many days before the 申报 and 初审 deadlines `manage.py send_reminders` writes to those who
    # still have something to do (DESIGN §8); 0 sends no reminder.
    reminder_days = models.PositiveSmallIntegerField(
        "提前提醒天数",
        default=3,
        validators=[MaxValueValidator(30)],
        help_text="申报截止、初审截止前多少天给尚未完成的单位发提醒邮件（0 表示不提醒，最多 30 天）。",
    )
    # 考核: a post passes when the mean of its assessors' totals reaches this line (out of the
    # criteria's total, 100 by default); compared exactly, never rounded first.
    pass_line = models.DecimalField(
        "考核合格分数线",
        max_digits=5,
        decimal_places=1,
        default=Decimal("80.0"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("1000.0"))],
        help_text="各考核人员总分的平均分达到此分数为合格（含本数）。",
    )
    # 公示: how many working days (China's official calendar) the list of posts to be named is public.
    publicity_days = models.PositiveSmallIntegerField(
        "公示工作日数",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="拟命名名单公示的工作日数（按国务院公布的节假日和调休计算），1 至 30 天。",
    )
    history = HistoricalRecords(
        verbose_name="截止时间修改记录", verbose_name_plural="截止时间修改记录", excluded_fields=["title"]
    )

    class Meta:
        verbose_name = "创建年度"
        verbose_name_plural = "创建年度"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="campaign_deadlines_in_order",
                condition=Q(opens_at__lt=F("apply_closes_at"))
                & Q(apply_closes_at__lte=F("first_review_closes_at"))
                & Q(first_review_closes_at__lte=F("assessment_closes_at"))
                & Q(assessment_closes_at__lte=F("naming_closes_at")),
                violation_error_message="各阶段截止时间必须按 申报→初审→考核→命名 的先后顺序排列。",
            ),
            models.CheckConstraint(
                name="campaign_reminder_days_max",
                condition=Q(reminder_days__lte=30),
                violation_error_message="提前提醒天数最多 30 天。",
            ),
            models.CheckConstraint(
                name="campaign_pass_line_range",
                condition=Q(pass_line__gt=0) & Q(pass_line__lte=1000),
                violation_error_message="考核合格分数线须大于 0，且不超过 1000。",
            ),
            models.CheckConstraint(
                name="campaign_publicity_days_range",
                condition=Q(publicity_days__gte=1) & Q(publicity_days__lte=30),
                violation_error_message="公示工作日数须在 1 至 30 天之间。",
            ),
        ]

    def __str__(self) -> str:
        return self.title if str(self.year) in self.title else f"{self.year}年度 {self.title}"

    def closes_at(self, stage: Stage) -> dt.datetime:
        """The campaign's own closing instant of `stage` (extensions not counted)."""
        return getattr(self, STAGE_CLOSES_FIELD[Stage(stage)])

    @property
    def year_label(self) -> str:
        """How the applicant pages name the campaign: "2021年度（柳妇通〔2020〕42号）", no empty brackets."""
        return f"{self.year}年度（{self.notice_number}）" if self.notice_number else f"{self.year}年度"

    def shifted(self, years: int = 1) -> dict:
        """The field values of a campaign like this one, every date moved by `years`.

        The notice number is left blank: next year's notice has a number of its own, and carrying
        the old one would print last year's notice on every applicant page.
        """

        def move(value: dt.datetime) -> dt.datetime:
            try:
                return value.replace(year=value.year + years)
            except ValueError:  # 29 February
                return value.replace(year=value.year + years, day=28)

        return {
            "year": self.year + years,
            "notice_number": "",
            "title": self.title.replace(str(self.year), str(self.year + years)),
            "opens_at": move(self.opens_at),
            "apply_closes_at": move(self.apply_closes_at),
            "first_review_closes_at": move(self.first_review_closes_at),
            "assessment_closes_at": move(self.assessment_closes_at),
            "naming_closes_at": move(self.naming_closes_at),
            "reminder_days": self.reminder_days,
            "pass_line": self.pass_line,
            "publicity_days": self.publicity_days,
        }


class DeadlineExtension(models.Model):
    """More time for one organisation in one stage.

    An extension granted to a 初审 body also covers the applicant units under it.
    """

    campaign = models.ForeignKey(Campaign, verbose_name="创建年度", on_delete=models.CASCADE, related_name="extensions")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="组织",
        on_delete=models.CASCADE,
        related_name="extensions",
        limit_choices_to={"kind__in": [OrgKind.APPLICANT, OrgKind.REVIEWING_BODY]},
    )
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices)
    closes_at = models.DateTimeField("延至")
    reason = models.CharField("理由", max_length=200)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("批准时间", auto_now_add=True)
    history = HistoricalRecords(verbose_name="延期修改记录", verbose_name_plural="延期修改记录")

    class Meta:
        verbose_name = "截止时间延期"
        verbose_name_plural = "截止时间延期"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                name="extension_one_per_org_stage",
                fields=["campaign", "organisation", "stage"],
                violation_error_message="这个组织在本年度的这一阶段已有延期；请修改原有的延期记录。",
            ),
            models.CheckConstraint(name="extension_stage_valid", condition=Q(stage__in=Stage.values)),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_stage_display()} 延至 {format_datetime(self.closes_at)}"

    def clean(self) -> None:
        """An extension only ever gives more time: it must close after the campaign's own deadline."""
        if self.campaign_id and self.stage and self.closes_at:
            deadline = self.campaign.closes_at(self.stage)
            if self.closes_at <= deadline:
                raise ValidationError(
                    {
                        "closes_at": f"延期后的截止时间必须晚于本年度{Stage(self.stage).label}截止时间"
                        f"（{format_datetime(deadline)}）。"
                    }
                )


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "法定节假日（休息）"
    WORKDAY = "workday", "调休上班日"


class CalendarYear(models.Model):
    """A year whose official holidays and make-up workdays are in the table (gangwei.workdays).

    A working-day count that reaches a year without this row is refused, never guessed: the
    chinesecalendar library trails the State Council's yearly announcement, and an admin adds the
    new year (this row and its CalendarDay rows) once it is published.
    """

    year = models.PositiveIntegerField("年份", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    source = LimitedCharField("来源", max_length=120, help_text="例如：chinesecalendar 1.11.0；或国务院办公厅通知文号。")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "节假日年份"
        verbose_name_plural = "节假日年份"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="calendar_year_range", condition=Q(year__gte=2000) & Q(year__lte=2100)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """One day that differs from the plain week: a holiday on a weekday, or a make-up workday on a
    weekend. Every other Monday to Friday is a working day, every other weekend day is not."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=DayKind.choices)
    name = LimitedCharField("节日", max_length=40, blank=True)

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(name="calendar_day_kind_valid", condition=Q(kind__in=DayKind.values)),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()
