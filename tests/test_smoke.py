from applications.models import Status
from applications.services import application_submit


def test_submit_complete_application_becomes_submitted(apply_window, application, applicant):
    submitted = application_submit(application=application, user=applicant)
    assert submitted.status == Status.SUBMITTED
    assert submitted.number == "2021-CZ-001"
