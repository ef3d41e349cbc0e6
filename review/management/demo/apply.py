"""The units' part: create the application, submit, withdraw, and after a return amend and resubmit,
through the applications services."""

from applications.models import Application
from applications.services import (
    application_create,
    application_data,
    application_submit,
    application_update,
    application_withdraw,
)
from applications.workflow import Action
from review.management.demo.context import Demo
from review.management.demo.specs import BLANK, ApplicationSpec


def create(demo: Demo, spec: ApplicationSpec) -> Application:
    return application_create(
        user=demo.users[spec.unit],
        campaign=demo.campaign,
        data={**BLANK, **spec.data},
        leaders=spec.leaders,
        honours=spec.honours,
    )


def submit(demo: Demo, spec: ApplicationSpec, application: Application, action: str) -> Application:
    return application_submit(application=application, user=demo.users[spec.unit])


def resubmit(demo: Demo, spec: ApplicationSpec, application: Application, action: str) -> Application:
    """Save the spec's amendment (the reviewer's page then shows what changed), then submit again."""
    applicant = demo.users[spec.unit]
    if spec.amendment:
        data, leaders, honours = application_data(application)
        application = application_update(
            application=application,
            user=applicant,
            version=application.version,
            data={**data, **spec.amendment},
            leaders=leaders,
            honours=honours,
        )
    return application_submit(application=application, user=applicant)


def withdraw(demo: Demo, spec: ApplicationSpec, application: Application, action: str) -> Application:
    return application_withdraw(application=application, user=demo.users[spec.unit])


ACTIONS = {Action.SUBMIT: submit, Action.RESUBMIT: resubmit, Action.WITHDRAW: withdraw}
