"""What every city page shares: the role check and the campaign it works in."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from gangwei import phrases as input_phrases
from gangwei.deadlines import current_campaign
from gangwei.formbase import CONTROL_CHARACTERS
from gangwei.models import Campaign, User
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
