"""The demo campaign: next year's, made from 2021's like the admin's "copy to next year" action, with
its dates moved around today so that the chosen stage is open now and every earlier one closed."""

import datetime as dt

from django.utils import timezone

from gangwei.models import Campaign, Stage, User

STAGES = ["apply", "review", "training", "assessment", "naming"]
STAGE_OPEN = {
    "apply": Stage.APPLY,
    "review": Stage.FIRST_REVIEW,
    "training": Stage.TRAINING,
    "assessment": Stage.ASSESSMENT,
    "naming": Stage.NAMING,
}

# Days from today (Asia/Shanghai): opens_at at 00:00:00, then each deadline at 23:59:59 of its day
# (apply, first review, assessment = training, naming). Every stage before the given one has closed.
SCHEDULE = {
    "apply": (-30, 30, 60, 240, 300),
    "review": (-60, -3, 25, 200, 260),
    "training": (-150, -120, -90, 60, 120),
    "assessment": (-240, -210, -180, 20, 80),
    "naming": (-330, -300, -270, -30, 30),
}


def stage_dates(stage: str) -> dict[str, dt.datetime]:
    today = timezone.localdate()
    opens, apply, first_review, assessment, naming = (today + dt.timedelta(days=d) for d in SCHEDULE[stage])
    midnight, last_second = dt.time(0, 0, 0), dt.time(23, 59, 59)
    return {
        "opens_at": timezone.make_aware(dt.datetime.combine(opens, midnight)),
        "apply_closes_at": timezone.make_aware(dt.datetime.combine(apply, last_second)),
        "first_review_closes_at": timezone.make_aware(dt.datetime.combine(first_review, last_second)),
        "assessment_closes_at": timezone.make_aware(dt.datetime.combine(assessment, last_second)),
        "naming_closes_at": timezone.make_aware(dt.datetime.combine(naming, last_second)),
    }


def all_open(dates: dict[str, dt.datetime]) -> dict[str, dt.datetime]:
    """Every window open (while the demo actors work): the stage's start, every deadline at its last."""
    return {"opens_at": dates["opens_at"], **{name: dates["naming_closes_at"] for name in dates if name != "opens_at"}}


def demo_campaign(stage: str, admin: User) -> tuple[Campaign, dict]:
    """Next year's campaign (made if missing), and the dates that open `stage` now."""
    dates = stage_dates(stage)
    year = timezone.localdate().year + 1
    campaign = Campaign.objects.filter(year=year).first()
    if campaign is None:
        base = Campaign.objects.get(year=2021)
        # The copy leaves the notice number blank (as the admin action does); the demo has one.
        notice = {"notice_number": f"柳妇通〔{year - 1}〕42号（演示）"}
        campaign = Campaign(**{**base.shifted(year - base.year), **notice, **dates})
        _save(campaign, admin, f"seed_demo：创建演示年度（{stage}）")
    return campaign, dates


def _save(campaign: Campaign, admin: User, reason: str) -> None:
    campaign._history_user = admin
    campaign._change_reason = reason
    campaign.full_clean()
    campaign.save()


def set_dates(campaign: Campaign, dates: dict, admin: User, reason: str) -> None:
    """Give `campaign` these dates (one history row, under admin), unless it has them already."""
    if all(getattr(campaign, name) == value for name, value in dates.items()):
        return
    for name, value in dates.items():
        setattr(campaign, name, value)
    _save(campaign, admin, reason)
