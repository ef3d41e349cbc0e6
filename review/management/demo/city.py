"""The city's part after the filings: assessment (pass / fail) and naming. Those stages have no
services yet, so this goes through applications.workflow.transition (table, role, window, event);
a stage that gets its services moves its actions into a module of its own."""

from applications.models import Application
from applications.workflow import Action, transition
from review.management.demo.context import Demo
from review.management.demo.specs import NOTES, ApplicationSpec


def city_transition(demo: Demo, spec: ApplicationSpec, application: Application, action: str) -> Application:
    note = spec.reasons.get(action) or NOTES.get(action, "")
    return transition(application=application, action=action, actor=demo.users["city"], note=note)


ACTIONS = {action: city_transition for action in (Action.PASS, Action.FAIL, Action.NAME, Action.NOT_NAME)}
