"""附件1 申报表: the application, its leaders, honours, uploaded scans and its timeline."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q

from gangwei.fields import LimitedCharField, LimitedTextField
from gangwei.models import Campaign, Organisation


def new_key() -> str:
    return secrets.token_urlsafe(12)


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交，待初审"
    RETURNED = "returned", "退回修改"
    NOT_RECOMMENDED = "not_recommended", "初审不予推荐"
    RECOMMENDED = "recommended", "初审推荐"
    REPORTED = "reported", "已报送市妇联"
    PASSED = "passed", "考核合格"
    FAILED = "failed", "考核不合格"
    NAMED = "named", "已命名"
    NOT_NAMED = "not_named", "不予命名"


class Category(models.TextChoices):
    OFFICE = "office", "机关、企事业单位、科研院所中以女性为主体的处、科、室"
    TEAM = "team", "行业单位的女性班组、岗台、车间、站所、生产线等"
    MILITARY = "military", "人民解放军的女兵连、中队、班"
    NEW_ORG = "new_org", "新经济组织、新社会组织、新型农业经营主体和服务主体中以妇女为主的商户（店）、小组、部门、农业合作社、农业示范基地等"


class Gender(models.TextChoices):
    FEMALE = "F", "女"
    MALE = "M", "男"


class Application(models.Model):
    key = models.CharField(max_length=24, unique=True, default=new_key, editable=False)
    number = models.CharField("申报编号", max_length=32, blank=True)
    campaign = models.ForeignKey(
        Campaign, verbose_name="创建年度", on_delete=models.PROTECT, related_name="applications"
    )
    unit = models.ForeignKey(
        Organisation, verbose_name="申报账号单位", on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField("版本", default=1)
    # A random code put in the new form when it is opened: a second POST of the same new form
    # (a double click, a resend on a slow network) finds the first application, not a copy.
    form_token = models.CharField(max_length=32, blank=True, editable=False)
    # sha256 of the 岗位负责人 and 曾获荣誉 rows as the form's save last wrote them
    # (applications.services): a save whose rows are the same writes none. Empty when the rows were
    # written any other way (Leader.save and Honour.save empty it), so that they are then replaced.
    rows_digest = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Where a post stands in the city's later work (trained, scored, published until …, objected,
    # certified), as review.progress writes it from those records: StatusCount counts by it too, so
    # the city's to-do list reads counts instead of every post. "" for an application without any.
    progress = models.CharField(max_length=16, blank=True, default="", editable=False)

    applicant_name = LimitedCharField("申报单位", max_length=120, blank=True)
    post_name = LimitedCharField("岗位名称", max_length=80, blank=True)
    parent_unit = LimitedCharField("所属单位", max_length=120, blank=True)
    category = models.CharField("创建对象类别", max_length=20, choices=Category.choices, blank=True)
    staff_total = models.PositiveIntegerField("岗位总人数", null=True, blank=True)
    staff_women = models.PositiveIntegerField("其中女性人数", null=True, blank=True)
    is_special_post = models.BooleanField("特殊岗位", default=False)
    special_reason = LimitedTextField("特殊岗位理由", max_length=200, blank=True)
    contact_name = LimitedCharField("联系人", max_length=40, blank=True)
    contact_title = LimitedCharField("联系人职务", max_length=40, blank=True)
    contact_phone = LimitedCharField("联系电话", max_length=30, blank=True)
    # A draft may hold more than the 500 counted 字 while the clerk edits; submission requires ≤ 500.
    achievements = LimitedTextField("主要事迹", max_length=2000, blank=True)
    unit_opinion = LimitedTextField("单位意见", max_length=300, blank=True)
    pledge = models.BooleanField("承诺符合创建条件", default=False)

    # Written by the 初审 body; kept here so that 附件1 prints it without knowing `review`.
    review_opinion = LimitedTextField("初审意见", max_length=500, blank=True)
    review_opinion_at = models.DateTimeField("初审意见时间", null=True, blank=True)

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        verbose_name = "申报表"
        verbose_name_plural = "申报表"
        ordering = ["-updated_at"]
        # The lists' orders, so that a page reads its own rows rather than sorting the campaign: the
        # queue (review.selectors.queue_applications), the city's list and a unit's 我的申报 within a
        # campaign (applications.selectors.applications_list_page); and a campaign's posts in one
        # status (the naming and 公示 pages' lists) without reading its others.
        indexes = [
            models.Index(name="application_campaign_status", fields=["campaign", "status"]),
            models.Index(name="application_queue_order", fields=["campaign", "submitted_at", "id"]),
            models.Index(name="application_list_order", fields=["campaign", "updated_at", "id"]),
            models.Index(name="application_unit_list_order", fields=["unit", "campaign", "updated_at", "id"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="application_women_not_above_total",
                condition=Q(staff_women__isnull=True)
                | Q(staff_total__isnull=True)
                | Q(staff_women__lte=F("staff_total")),
                violation_error_message="女性人数不能大于岗位总人数。",
            ),
            models.CheckConstraint(
                name="application_status_valid",
                condition=Q(status__in=Status.values),
            ),
            models.CheckConstraint(
                name="application_category_valid",
                condition=Q(category="") | Q(category__in=Category.values),
            ),
            models.UniqueConstraint(
                name="application_unique_number",
                fields=["campaign", "number"],
                condition=~Q(number=""),
            ),
            models.UniqueConstraint(
                name="application_unique_form_token",
                fields=["unit", "form_token"],
                condition=~Q(form_token=""),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        """Saves the row, and moves it in StatusCount when its campaign, category or status changed
        (one statement more; nothing when they did not). Deletions: applications.tally's post_delete."""
        from applications import tally

        if kwargs.get("update_fields") is None and not self._state.adding and not kwargs.get("force_insert"):
            # `progress` is written by review.progress alone: a full save of a row loaded before
            # it moved (a record added meanwhile) does not write the old progress back.
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.attname not in deferred and field.name != "progress"
            ]
        with transaction.atomic(savepoint=False):  # the row and its count together, or neither
            before = None if self._state.adding else tally.state_before(self)
            super().save(*args, **kwargs)
            after = _written_state(self, before, kwargs.get("update_fields"))
            tally.move(self, before, after)
        self._counted = after

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._counted = counted_state(instance)
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        before = getattr(self, "_counted", None)
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None or before is None:
            self._counted = counted_state(self)
        else:  # only these were read again: the others stay as they were loaded
            fields = {"campaign_id" if f == "campaign" else f for f in fields}
            now = counted_state(self) or before
            self._counted = tuple(n if name in fields else b for name, n, b in zip(COUNTED, now, before, strict=True))

    @property
    def display_name(self) -> str:
        return self.applicant_name or "（未命名的申报）"

    def validate_constraints(self, exclude=None) -> None:
        """Django judges each CheckConstraint with a query in a savepoint (three round trips each,
        run by the form and again by the service: 18 of a save's 34 queries). These checks are plain
        comparisons of the row's own values, so they are judged here in Python, the same way
        (tests/test_speed.py compares both on every case); the database keeps the constraints all
        the same. The unique constraints still ask the database."""
        exclude = set(exclude or ())
        errors: dict = {}
        for constraint in self._meta.constraints:
            try:
                check = PYTHON_CHECKS.get(constraint.name)
                if check is None:
                    constraint.validate(type(self), self, exclude=exclude)
                    continue
                fields, holds = check
                if not exclude.intersection(fields) and not holds(self):
                    raise ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
            except ValidationError as exc:
                if getattr(exc, "code", None) == "unique" and len(getattr(constraint, "fields", ())) == 1:
                    errors.setdefault(constraint.fields[0], []).append(exc)
                else:
                    errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


# The CheckConstraints of Application as Python predicates: (the fields they read, the test).
# A NULL makes the SQL condition unknown, which a CHECK lets pass: so does None here.
PYTHON_CHECKS = {
    "application_women_not_above_total": (
        {"staff_women", "staff_total"},
        lambda a: a.staff_women is None or a.staff_total is None or a.staff_women <= a.staff_total,
    ),
    "application_status_valid": ({"status"}, lambda a: a.status is None or a.status in Status.values),
    "application_category_valid": ({"category"}, lambda a: a.category is None or a.category == "" or a.category in Category.values),
}


# The fields of an application that place it in StatusCount (its body comes from its unit).
COUNTED = ("campaign_id", "category", "status", "progress")


def counted_state(application: Application) -> tuple | None:
    """(campaign_id, category, status, progress) as loaded; None when one of them was deferred."""
    loaded = application.__dict__
    if any(name not in loaded for name in COUNTED):
        return None
    return tuple(loaded[name] for name in COUNTED)


def _written_state(application: Application, before: tuple | None, update_fields) -> tuple | None:
    """What the row holds after a save: the fields it wrote (the loaded ones, or `update_fields`),
    and for the others what it held `before`."""
    loaded = application.__dict__
    written = None if update_fields is None else {"campaign_id" if f == "campaign" else f for f in update_fields}
    state = []
    for index, name in enumerate(COUNTED):
        if name in loaded and (written is None or name in written):
            state.append(loaded[name])
        elif before is not None:
            state.append(before[index])
        else:
            return None
    return tuple(state)


class StatusCount(models.Model):
    """How many applications of a campaign stand in each status, per 初审 body, category and progress
    (drafts are not counted). Kept by Application.save and delete through applications.tally, in the same
    transaction as the change; read by the counts of the lists and the city's home, which then take a
    fixed number of rows whatever the number of applications. `recount` rebuilds it from the rows."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    # The unit's 初审 body (its parent); 0 for a unit without one, hence no database constraint.
    body = models.ForeignKey(
        Organisation, verbose_name="初审单位", on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the unique constraint's index serves
        related_name="+",
    )
    category = models.CharField("创建对象类别", max_length=20, blank=True)
    status = models.CharField("状态", max_length=20)
    progress = models.CharField("城市环节进度", max_length=16, blank=True, default="")
    count = models.IntegerField("份数", default=0)

    class Meta:
        verbose_name = "申报表计数"
        verbose_name_plural = "申报表计数"
        constraints = [
            models.UniqueConstraint(
                name="status_count_unique", fields=["campaign", "body", "category", "status", "progress"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.body_id}/{self.category}/{self.status}/{self.progress}: {self.count}"


class FormRow(models.Model):
    """A row of the form's 岗位负责人 or 曾获荣誉: saved one by one (not through the form's save, which
    writes them in bulk), it makes its application's rows_digest stale."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._digest_stale()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._digest_stale()
        return result

    def _digest_stale(self) -> None:
        Application.objects.filter(pk=self.application_id).exclude(rows_digest="").update(rows_digest="")


class Leader(FormRow):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="leaders")
    name = LimitedCharField("姓名", max_length=40)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    title = LimitedCharField("职务", max_length=60, blank=True)
    phone = LimitedCharField("联系电话", max_length=30, blank=True)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "岗位负责人"
        verbose_name_plural = "岗位负责人"
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(name="leader_gender_valid", condition=Q(gender__in=Gender.values)),
        ]

    def __str__(self) -> str:
        return self.name


class Honour(FormRow):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="honours")
    year = LimitedCharField("获得年份", max_length=10, blank=True)
    title = LimitedCharField("荣誉名称", max_length=120)
    issuer = LimitedCharField("授予单位", max_length=120, blank=True)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "曾获荣誉"
        verbose_name_plural = "曾获荣誉"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.application.campaign.year}/{secrets.token_hex(16)}"


class Attachment(models.Model):
    """A stamped, signed scan of the printed form, or supporting material."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = LimitedCharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(name="attachment_not_empty", condition=Q(size__gt=0)),
        ]

    def __str__(self) -> str:
        return self.original_name


class ApplicationEvent(models.Model):
    """One line of an application's timeline, written in the transaction of the change."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=30)
    from_status = models.CharField("原状态", max_length=20, blank=True)
    to_status = models.CharField("新状态", max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="操作人"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="操作单位"
    )
    note = LimitedTextField("说明", max_length=500, blank=True)
    snapshot = models.JSONField("提交时的内容", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "申报记录"
        verbose_name_plural = "申报记录"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"


class MessageKind(models.TextChoices):
    SUBMITTED = "submitted", "提交回执"
    RETURNED = "returned", "退回修改通知"
    RECOMMENDED = "recommended", "初审推荐通知"
    NOT_RECOMMENDED = "not_recommended", "初审不予推荐通知"
    REPORTED = "reported", "报送市妇联通知"
    REPORT_REOPENED = "report_reopened", "汇总表退回通知"
    REMINDER_APPLY = "reminder_apply", "申报截止提醒"
    REMINDER_REVIEW = "reminder_review", "初审截止提醒"
    PASSED = "passed", "考核合格通知"
    FAILED = "failed", "考核不合格通知"
    PUBLICITY = "publicity", "拟命名公示通知"
    NAMED = "named", "命名通知"
    NOT_NAMED = "not_named", "不予命名通知"


class MessageState(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败，等待重试"
    GAVE_UP = "gave_up", "多次发送失败，已停止"
    NO_RECIPIENT = "no_recipient", "没有收件地址"


class Message(models.Model):
    """One e-mail the system sends, written in the transaction of the change that causes it and
    delivered afterwards by the worker (applications.mail), which retries: an SMTP outage delays it,
    it never loses it nor fails the change."""

    application = models.ForeignKey(
        Application, verbose_name="申报表", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    # The organisation written to (the unit, or a 初审 body for its reminders).
    organisation = models.ForeignKey(
        Organisation, verbose_name="收件单位", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("类型", max_length=20, choices=MessageKind.choices)
    recipients = LimitedTextField("收件人", max_length=2000, blank=True)
    subject = LimitedCharField("主题", max_length=200)
    body = LimitedTextField("正文", max_length=10000)
    # A reminder is sent once however often the command runs: the same key is never written twice.
    dedupe_key = models.CharField(max_length=120, blank=True)
    state = models.CharField("发送状态", max_length=20, choices=MessageState.choices, default=MessageState.PENDING)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True, db_index=True)
    last_error = LimitedTextField("最近错误", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知邮件"
        verbose_name_plural = "通知邮件"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(name="message_unique_dedupe_key", fields=["dedupe_key"], condition=~Q(dedupe_key="")),
            models.CheckConstraint(name="message_kind_valid", condition=Q(kind__in=MessageKind.values)),
            models.CheckConstraint(name="message_state_valid", condition=Q(state__in=MessageState.values)),
        ]

    def __str__(self) -> str:
        return self.subject


class NumberCounter(models.Model):
    """The last 申报编号 sequence given in one campaign by one 初审 body.

    A submission takes the next number from this row (locked, incremented in its transaction)
    instead of reading every number of the body to find the highest: constant work whatever the
    number of applications, and a number once given is never given again, even if its application
    is deleted.
    """

    campaign = models.ForeignKey(Campaign, verbose_name="创建年度", on_delete=models.CASCADE, related_name="+")
    body = models.ForeignKey(Organisation, verbose_name="初审单位", on_delete=models.CASCADE, related_name="+")
    last = models.PositiveIntegerField("已用到的序号", default=0)

    class Meta:
        verbose_name = "申报编号计数"
        verbose_name_plural = "申报编号计数"
        constraints = [
            models.UniqueConstraint(name="number_counter_unique_campaign_body", fields=["campaign", "body"]),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}-{self.body_id}: {self.last}"
