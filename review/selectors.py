"""Reads for 初审: a body's filing, its quota and places left, the rows of its 汇总表.

Every application is read through applications.access, scoped to the user.
"""

from dataclasses import dataclass

from django.db.models import F, Prefetch, QuerySet

from applications.access import applications_visible_to
from applications.models import Application, Honour, Leader, Status
from gangwei.models import Campaign, Organisation, OrgKind, User
from review.models import Quota, SummaryReport

# The statuses that take a place under the quota and make up the 汇总表.
RECOMMENDED_STATUSES = [Status.RECOMMENDED, Status.REPORTED]


def current_filing(campaign: Campaign, body: Organisation) -> SummaryReport | None:
    """The body's filed 汇总表 of `campaign` that stands (not reopened by the city), if any."""
    return (
        SummaryReport.objects.filter(campaign=campaign, body=body, reopened_at__isnull=True)
        .select_related("filed_by")
        .first()
    )


def filings_by_body(campaign: Campaign) -> dict[int, SummaryReport]:
    """Each body's standing filing of `campaign`, in one query (the city's home)."""
    return {
        report.body_id: report
        for report in SummaryReport.objects.filter(campaign=campaign, reopened_at__isnull=True).select_related(
            "filed_by"
        )
    }


def reviewing_bodies() -> QuerySet[Organisation]:
    """The 14 初审 bodies, in the notice's order."""
    return Organisation.objects.filter(kind=OrgKind.REVIEWING_BODY).order_by("display_order", "name")


@dataclass(frozen=True)
class Places:
    """推荐名额 of a body in a campaign: the quota (None: no limit) and how many are taken."""

    quota: int | None
    taken: int

    @property
    def left(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.taken, 0)

    @property
    def over(self) -> int:
        """How many recommendations are beyond the quota (after an admin lowered it)."""
        return 0 if self.quota is None else max(self.taken - self.quota, 0)

    @property
    def text(self) -> str:
        if self.quota is None:
            return f"已推荐{self.taken}份（本年度未设推荐名额上限）"
        if self.over:
            return f"推荐名额{self.quota}个，已推荐{self.taken}份，超出{self.over}份"
        return f"推荐名额{self.quota}个，已推荐{self.taken}份，还可推荐{self.left}份"


def places_of(campaign: Campaign, body: Organisation) -> Places:
    quota = Quota.objects.filter(campaign=campaign, body=body).values_list("places", flat=True).first()
    taken = Application.objects.filter(
        campaign=campaign, unit__parent=body, status__in=RECOMMENDED_STATUSES
    ).count()
    return Places(quota, taken)


def summary_applications(user: User, campaign: Campaign, body: Organisation | None = None) -> list[Application]:
    """The rows of a 汇总表: the recommended (or reported) applications of `body` (every body the
    user may see when None), by body and in the body's rank order, leaders and honours loaded.
    Three queries, whatever the number of rows."""
    rows = (
        applications_visible_to(user)
        .filter(campaign=campaign, status__in=RECOMMENDED_STATUSES)
        .select_related("review")
        .prefetch_related(
            Prefetch("leaders", queryset=Leader.objects.order_by("position", "id")),
            Prefetch("honours", queryset=Honour.objects.order_by("position", "id")),
        )
        .order_by(
            "unit__parent__display_order",
            "unit__parent__name",
            F("review__rank").asc(nulls_last=True),
            "submitted_at",
            "pk",
        )
    )
    if body is not None:
        rows = rows.filter(unit__parent=body)
    return list(rows)
