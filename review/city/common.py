"""What every city page shares: the role check and the campaign it works in."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db.models import QuerySet, Sum
from django.http import Http404, HttpRequest

from applications.models import Application, StatusCount
from gangwei import phrases as input_phrases
from gangwei.deadlines import current_campaign
from gangwei.formbase import CONTROL_CHARACTERS
from gangwei.models import Campaign, User
from gangwei.paging import page_of_groups
from gangwei.roles import is_city
from review.city import phrases


def require_city(user: User) -> None:
    """Services call this: only the city's staff (宣发部) act in the city's stages."""
    if not is_city(user):
        raise PermissionDenied(phrases.ONLY_CITY)


def city_only(request: HttpRequest) -> None:
    """Views call this first: a unit or a 初审 body gets 403 on every city page and export."""
    require_city(request.user)


def city_campaign() -> Campaign:
    campaign = current_campaign()
    if campaign is None:
        raise Http404(phrases.NO_CAMPAIGN)
    return campaign


def page_by_body(
    campaign: Campaign,
    statuses: list[str],
    keys: QuerySet[Application],
    within_body: tuple,
    number: str | None,
    size: int,
    *,
    rows: QuerySet | None = None,
) -> Page:
    """One page of the posts of `campaign` in `statuses` (the queryset `keys`), body by body in the
    notice's order, each body's in `within_body` order. The bodies' sizes come from the counts
    applications.tally keeps, so only the bodies the page covers are read, not every post of the
    campaign. The page's rows are then loaded from `rows` (default `keys`)."""
    per_body = list(
        StatusCount.objects.filter(campaign=campaign, status__in=statuses)
        .values("body_id")
        .annotate(n=Sum("count"))
        .order_by("body__display_order", "body__name")
        .values_list("body_id", "n")
    )

    def rows_for(body_ids: list[int]) -> QuerySet[Application]:
        if len(body_ids) == 1:  # within one body: its own order
            return keys.filter(unit__parent_id=body_ids[0]).order_by(*within_body)
        return keys.filter(unit__parent_id__in=body_ids).order_by(
            "unit__parent__display_order", "unit__parent__name", *within_body
        )

    return page_of_groups(per_body, rows_for, keys if rows is None else rows, number, size)


def campaign_of_year(year: int) -> Campaign:
    """A public page's campaign, by the year in its URL (404 for a year without one)."""
    campaign = Campaign.objects.filter(year=year).first()
    if campaign is None:
        raise Http404(phrases.NO_CAMPAIGN_OF_YEAR)
    return campaign


def text_error(value: str, limit: int) -> str | None:
    """Why a service refuses the (trimmed) text `value` (None: it does not), in the forms' words."""
    if len(value) > limit:
        return input_phrases.INPUT_TOO_LONG % {"limit_value": limit, "show_value": len(value)}
    if CONTROL_CHARACTERS.search(value):
        return input_phrases.INPUT_CONTROL_CHARACTERS
    return None
