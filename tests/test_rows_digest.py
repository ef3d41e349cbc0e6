"""Application.rows_digest: a save or submission whose 岗位负责人 and 曾获荣誉 rows are those stored
writes none of them (four statements fewer); any other change of the rows is written, and a row saved
or deleted outside the form's save makes the digest stale, so that the next save replaces the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import Application, Honour, Leader, NumberCounter, Status
from applications.services import rows_digest
from tests.test_views_application import LEADER, form_data

HONOUR = {"year": "2020", "title": "市级青年文明号", "issuer": "共青团柳州市委"}
OTHER_LEADER = {"name": "韦春燕", "gender": "F", "title": "副护士长", "phone": "13907722222"}

pytestmark = pytest.mark.django_db


def _rows(application: Application) -> tuple[list, list]:
    return (
        list(application.leaders.values_list("name", "gender", "title", "phone")),
        list(application.honours.values_list("year", "title", "issuer")),
    )


def _row_ids(application: Application) -> tuple[list, list]:
    return list(application.leaders.values_list("pk", flat=True)), list(application.honours.values_list("pk", flat=True))


def _row_writes(queries) -> list[str]:
    return [
        q["sql"].split(" ")[0] + " " + q["sql"].split('"')[1]
        for q in queries.captured_queries
        if q["sql"].startswith(("INSERT", "DELETE")) and ("applications_leader" in q["sql"] or "applications_honour" in q["sql"])
    ]


@pytest.fixture
def draft(apply_window, campaign, unit, applicant, client_for):
    """A draft saved through the form, with one leader and one honour."""
    NumberCounter.objects.create(campaign=campaign, body=unit.parent, last=0)
    response = client_for(applicant).post("/apply/new/", form_data(button="draft", honours=(HONOUR,)))
    assert response.status_code == 302
    return Application.objects.get(unit=unit)


def test_the_form_save_keeps_the_digest_of_its_rows(draft):
    assert draft.rows_digest == rows_digest([LEADER], [HONOUR])
    assert _rows(draft) == ([("覃丽", "F", "护士长", "13907721111")], [("2020", "市级青年文明号", "共青团柳州市委")])


def test_a_submission_with_the_rows_unchanged_writes_none_of_them(draft, client):
    ids = _row_ids(draft)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/apply/{draft.key}/edit/", form_data(version=1, honours=(HONOUR,)))
    draft.refresh_from_db()
    assert (response.status_code, draft.status, draft.number) == (302, Status.SUBMITTED, "2021-CZ-001")
    assert _row_writes(queries) == []
    assert _row_ids(draft) == ids
    snapshot = draft.events.get(action="submit").snapshot
    assert (snapshot["leaders"], snapshot["honours"]) == ([LEADER], [HONOUR])
    # tests/test_speed.py's 18 with one honour more would be 19 with the rows replaced: two deletes
    # and two inserts fewer.
    assert len(queries.captured_queries) == 15


def test_changed_rows_are_written(draft, client):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/apply/{draft.key}/edit/", form_data(button="draft", version=1, leaders=(LEADER, OTHER_LEADER))
        )
    draft.refresh_from_db()
    assert response.status_code == 302
    assert _row_writes(queries) == [
        "DELETE applications_leader",
        "DELETE applications_honour",
        "INSERT applications_leader",
    ]
    assert _rows(draft) == (
        [("覃丽", "F", "护士长", "13907721111"), ("韦春燕", "F", "副护士长", "13907722222")],
        [],
    )
    assert (draft.version, draft.rows_digest) == (2, rows_digest([LEADER, OTHER_LEADER], []))


def test_a_row_saved_outside_the_form_makes_the_rows_written_again(draft, client):
    leader = draft.leaders.get()
    leader.name = "改过的名字"
    leader.save()  # e.g. in a shell: not through the form's save
    assert Application.objects.get(pk=draft.pk).rows_digest == ""
    client.post(f"/apply/{draft.key}/edit/", form_data(button="draft", version=1, honours=(HONOUR,)))
    draft.refresh_from_db()
    # The rows posted are the ones the digest described before: written all the same.
    assert _rows(draft)[0] == [("覃丽", "F", "护士长", "13907721111")]
    assert draft.rows_digest == rows_digest([LEADER], [HONOUR])


def test_a_row_deleted_outside_the_form_makes_the_rows_written_again(draft, client):
    Honour.objects.get(application=draft).delete()
    assert Application.objects.get(pk=draft.pk).rows_digest == ""
    client.post(f"/apply/{draft.key}/edit/", form_data(button="draft", version=1, honours=(HONOUR,)))
    draft.refresh_from_db()
    assert _rows(draft)[1] == [("2020", "市级青年文明号", "共青团柳州市委")]


def test_rows_made_in_bulk_have_no_digest_and_are_replaced(apply_window, campaign, unit, applicant, client_for):
    application = Application.objects.create(campaign=campaign, unit=unit)
    Leader.objects.bulk_create([Leader(application=application, name="旧的负责人", gender="F")])
    client_for(applicant).post(f"/apply/{application.key}/edit/", form_data(button="draft", version=1))
    assert _rows(application) == ([("覃丽", "F", "护士长", "13907721111")], [])
