"""初审: the demo campaign's quotas, the reviewers' decisions and the filings of the 汇总表, through
review.services (review_decide, summary_file), so ranks, checklists, 意见, events and the units'
messages (the outbox; nothing is delivered) are the real ones."""

from applications.models import Application
from applications.workflow import Action, TransitionNotAllowed
from gangwei.models import Organisation
from review.management.demo.accounts import reviewer_of
from review.management.demo.context import Demo
from review.management.demo.specs import NOTES, QUOTAS, ApplicationSpec
from review.models import CONDITION_FIELDS, Quota, SummaryReport
from review.services import review_decide, summary_file

ALL_CONDITIONS = {name: True for name in CONDITION_FIELDS}


def quotas(demo: Demo) -> None:
    for code, places in QUOTAS.items():
        body = Organisation.objects.get(code=code)
        quota, created = Quota.objects.get_or_create(campaign=demo.campaign, body=body, defaults={"places": places})
        if not created and quota.places != places:
            quota.places = places
            quota.save()


def decide(demo: Demo, spec: ApplicationSpec, application: Application, action: str) -> Application:
    """Recommend (the five conditions confirmed), return or not recommend, with the spec's 意见."""
    return review_decide(
        application=application,
        user=reviewer_of(demo.users, application.unit.parent),
        action=action,
        opinion=spec.reasons.get(action) or NOTES.get(action, ""),
        conditions=ALL_CONDITIONS if action == Action.RECOMMEND else None,
        version=application.version,
    )


ACTIONS = {Action.RECOMMEND: decide, Action.RETURN: decide, Action.NOT_RECOMMEND: decide}


def forget_filing(demo: Demo, body: Organisation) -> None:
    """The body's standing filing goes (a demo application of the body is being replaced)."""
    SummaryReport.objects.filter(campaign=demo.campaign, body=body, reopened_at__isnull=True).delete()


def file_summary(demo: Demo, body: Organisation) -> SummaryReport | None:
    """报送: the body files its 汇总表 (its recommendations become reported); refused (and said so)
    while one of its applications awaits a decision."""
    try:
        report, _ = summary_file(user=reviewer_of(demo.users, body), campaign=demo.campaign)
    except TransitionNotAllowed as refused:
        demo.out(f"未报送：{body.label}（{refused.message}）")
        return None
    return report
