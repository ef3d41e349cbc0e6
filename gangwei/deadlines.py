"""Stage windows: is a stage open now for an organisation, and until when."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from gangwei.dates import format_datetime
from gangwei.models import Campaign, DeadlineExtension, Organisation, Stage
from gangwei.written_sql import select_sql


class StageClosed(Exception):
    """Raised by a service when the stage that gates an action is not open."""

    def __init__(self, stage: Stage, closes_at: dt.datetime, opens_at: dt.datetime):
        self.stage = Stage(stage)
        self.closes_at = closes_at
        self.opens_at = opens_at
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if timezone.now() < self.opens_at:
            return f"{self.stage.label}尚未开始（{format_datetime(self.opens_at)}开始）。"
        return (
            f"{self.stage.label}已于{format_datetime(self.closes_at)}截止，"
            "系统不再接受此项操作。如需延期，请联系所属初审单位或市妇联宣发部。"
        )


def _covering(organisation: Organisation) -> list[int]:
    """The organisations whose extensions count for `organisation`: itself and its 初审 body."""
    org_ids = [organisation.pk]
    if organisation.parent_id:
        org_ids.append(organisation.parent_id)
    return org_ids


def extensions_for(organisation: Organisation | None) -> list[DeadlineExtension]:
    """Every extension that counts for `organisation`, in one query, for a page showing many deadlines
    and for every change whose window is checked (each submission): written out, not compiled again."""
    if organisation is None:
        return []
    covering = _covering(organisation)
    return list(DeadlineExtension.objects.raw(select_sql(DeadlineExtension, (("organisation", len(covering)),)), covering))


def stage_closes_at(
    campaign: Campaign,
    stage: Stage,
    organisation: Organisation | None,
    *,
    extensions: Iterable[DeadlineExtension] | None = None,
) -> dt.datetime:
    """The effective closing instant of `stage` for `organisation`, extensions included.

    An extension of the organisation itself or of its 初审 body (its parent) counts;
    an extension never shortens the campaign's own deadline. `extensions` (from extensions_for)
    spares the query when many deadlines of one organisation are shown.
    """
    closes_at = campaign.closes_at(stage)
    if organisation is None:
        return closes_at
    org_ids = _covering(organisation)
    if extensions is None:
        extended = (
            DeadlineExtension.objects.filter(campaign=campaign, stage=stage, organisation_id__in=org_ids)
            .order_by("-closes_at")
            .values_list("closes_at", flat=True)
            .first()
        )
    else:
        extended = max(
            (
                e.closes_at
                for e in extensions
                if e.campaign_id == campaign.pk and e.stage == stage and e.organisation_id in org_ids
            ),
            default=None,
        )
    if extended and extended > closes_at:
        return extended
    return closes_at


def within(opens_at: dt.datetime, closes_at: dt.datetime, now: dt.datetime | None = None) -> bool:
    """Whether `now` falls in the window; the closing second is included whole (23:59:59.999 is in time)."""
    now = (now or timezone.now()).replace(microsecond=0)
    return opens_at <= now <= closes_at


def stage_is_open(
    campaign: Campaign,
    stage: Stage,
    organisation: Organisation | None,
    now: dt.datetime | None = None,
    *,
    extensions: Iterable[DeadlineExtension] | None = None,
) -> bool:
    closes_at = stage_closes_at(campaign, stage, organisation, extensions=extensions)
    return within(campaign.opens_at, closes_at, now)


def require_stage_open(
    campaign: Campaign,
    stage: Stage,
    organisation: Organisation | None,
    *,
    extensions: Iterable[DeadlineExtension] | None = None,
) -> None:
    """Raise StageClosed unless `stage` is open now for `organisation` (inclusive deadline);
    `extensions` as for stage_closes_at."""
    closes_at = stage_closes_at(campaign, stage, organisation, extensions=extensions)
    if not within(campaign.opens_at, closes_at):
        raise StageClosed(stage, closes_at, campaign.opens_at)


def current_campaign() -> Campaign | None:
    """The campaign users work in: the newest one that has opened, else the newest."""
    now = timezone.now()
    return (
        Campaign.objects.filter(opens_at__lte=now).order_by("-year").first()
        or Campaign.objects.order_by("-year").first()
    )


CAMPAIGN_INSTANTS = ("opens_at", "apply_closes_at", "first_review_closes_at", "assessment_closes_at", "naming_closes_at")


@dataclass(frozen=True)
class Deadlines:
    """Every campaign and every deadline extension, read in two queries: all that decides when each
    window opens and closes.

    The page cache (gangwei.pagecache) keeps it until a campaign or an extension is saved or deleted
    (PAGE_CACHE_SECONDS at most) and hands it to the pages it builds as `request.deadlines`: their
    menus and deadlines read the current campaign and an organisation's extensions from it instead of
    two queries each. The services never use it: a window is checked against the extensions read
    again in the transaction of the change.
    """

    campaigns: tuple[Campaign, ...]
    extensions: tuple[DeadlineExtension, ...]

    @classmethod
    def read(cls) -> "Deadlines":
        return cls(tuple(Campaign.objects.all()), tuple(DeadlineExtension.objects.all()))

    def instants(self) -> list[dt.datetime]:
        """Every instant at which a window opens or closes."""
        found = {getattr(campaign, name) for campaign in self.campaigns for name in CAMPAIGN_INSTANTS}
        found.update(extension.closes_at for extension in self.extensions)
        return sorted(found)

    def current_campaign(self) -> Campaign | None:
        """As current_campaign(), from the campaigns read."""
        now = timezone.now()
        opened = [campaign for campaign in self.campaigns if campaign.opens_at <= now]
        return max(opened or self.campaigns, key=lambda campaign: campaign.year, default=None)

    def extensions_for(self, organisation: Organisation | None) -> list[DeadlineExtension]:
        """As extensions_for(), from the extensions read."""
        if organisation is None:
            return []
        covering = _covering(organisation)
        return [extension for extension in self.extensions if extension.organisation_id in covering]
