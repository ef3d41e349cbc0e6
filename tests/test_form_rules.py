"""The rules of gangwei.formbase on the 附件1 form: incomplete 岗位负责人 / 曾获荣誉 rows are field
errors on their row (draft and submission alike), tampered management forms and too many rows are
a clear message, every text field has one limit that form, model and database agree on, and NUL
in any field is refused next to it. Never a 500, and what was typed stays on the page."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.test import Client

from applications import phrases
from applications.forms import ApplicationForm, HonourFormSet, LeaderFormSet
from applications.models import Application, ApplicationEvent, Honour, Leader
from gangwei import phrases as core_phrases
from tests.test_views_application import form_data

HONOUR = {"year": "2019", "title": "柳州市三八红旗集体", "issuer": "柳州市妇联"}


@pytest.fixture
def client(applicant):
    client = Client(raise_request_exception=False)
    client.force_login(applicant)
    return client


def errors_of(response, prefix: str) -> list[dict]:
    return [dict(form.errors) for form in response.context["bundle"].__dict__[prefix].forms]


def stored() -> list:
    return [list(Application.objects.values()), list(Leader.objects.values()), list(Honour.objects.values())]


@pytest.mark.parametrize("button", ["draft", "submit"])
@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"name": "覃丽", "gender": "", "title": "护士长", "phone": ""}, {"gender": [phrases.LEADER_GENDER_MISSING]}),
        ({"name": "", "gender": "F", "title": "", "phone": ""}, {"name": [phrases.LEADER_NAME_MISSING]}),
        (
            {"name": "", "gender": "", "title": "", "phone": "13907721111"},
            {"name": [phrases.LEADER_NAME_MISSING], "gender": [phrases.LEADER_GENDER_MISSING]},
        ),
    ],
)
def test_incomplete_leader_row_is_a_field_error_and_keeps_the_typing(
    apply_window, applicant, campaign, client, button, row, expected
):
    complete = {"name": "韦芳", "gender": "F", "title": "", "phone": ""}
    data = form_data(button=button, leaders=(complete, row), applicant_name="柳州市第一测试医院儿科护理组")

    response = client.post("/apply/new/", data)

    assert response.status_code == 200
    assert errors_of(response, "leaders") == [{}, expected]
    html = response.content.decode()
    assert 'value="柳州市第一测试医院儿科护理组"' in html
    for value in row.values():
        if value and value != "F":
            assert f'value="{value}"' in html
    assert stored() == [[], [], []]


def test_incomplete_leader_row_on_edit_keeps_the_saved_rows(apply_window, applicant, application, client):
    before = stored()
    data = form_data(button="draft", version=1, leaders=({"name": "覃丽", "gender": ""},))

    response = client.post(f"/apply/{application.key}/edit/", data)

    assert errors_of(response, "leaders") == [{"gender": [phrases.LEADER_GENDER_MISSING]}]
    assert stored() == before


def test_deleted_or_blank_incomplete_rows_are_ignored(apply_window, applicant, campaign, client):
    leaders = (
        {"name": "覃丽", "gender": "F"},
        {"name": "韦芳", "gender": "", "DELETE": "on"},
        {"name": " ", "gender": "", "title": "\u3000"},
    )
    response = client.post("/apply/new/", form_data(button="draft", leaders=leaders))

    assert response.status_code == 302
    assert list(Leader.objects.values_list("name", "gender")) == [("覃丽", "F")]


def test_honour_row_without_title_is_a_field_error(apply_window, applicant, campaign, client):
    response = client.post("/apply/new/", form_data(button="draft", honours=({"year": "2019", "issuer": "市妇联"},)))

    assert errors_of(response, "honours") == [{"title": [phrases.HONOUR_TITLE_MISSING]}]
    assert stored() == [[], [], []]


@pytest.mark.parametrize("formset", [LeaderFormSet, HonourFormSet])
def test_more_rows_than_allowed_are_refused(apply_window, applicant, campaign, client, formset):
    prefix = "leaders" if formset is LeaderFormSet else "honours"
    row = {"name": "覃丽", "gender": "F"} if prefix == "leaders" else HONOUR
    rows = [row] * (formset.max_num + 1)

    response = client.post("/apply/new/", form_data(button="draft", **{prefix: rows}))

    assert response.status_code == 200
    assert list(getattr(response.context["bundle"], prefix).non_form_errors()) == [
        core_phrases.ROWS_TOO_MANY % {"num": formset.max_num}
    ]
    assert stored() == [[], [], []]


@pytest.mark.parametrize("total", ["", "abc", "\x00", "-1", "99999999999", "1" * 300, None])
def test_tampered_management_form_is_a_message(apply_window, applicant, campaign, client, total):
    data = form_data(button="draft")
    if total is None:
        del data["leaders-TOTAL_FORMS"], data["leaders-INITIAL_FORMS"]
    else:
        data["leaders-TOTAL_FORMS"] = total

    response = client.post("/apply/new/", data)

    assert response.status_code == 200
    (message,) = response.context["bundle"].leaders.non_form_errors()
    assert message.startswith("表格的行数信息缺失或被改动过") or message == core_phrases.ROWS_TOO_MANY % {"num": 10}
    assert stored() == [[], [], []]


LIMITED = {
    Application: [
        "applicant_name",
        "post_name",
        "parent_unit",
        "special_reason",
        "contact_name",
        "contact_title",
        "contact_phone",
        "achievements",
        "unit_opinion",
        "review_opinion",
    ],
    Leader: ["name", "title", "phone"],
    Honour: ["year", "title", "issuer"],
    ApplicationEvent: ["note"],
}


def test_agreed_limits():
    """The limits every helper relies on (COMMON.md), read where the code reads them."""
    limits = {f"{m.__name__}.{n}": m._meta.get_field(n).max_length for m, names in LIMITED.items() for n in names}
    assert limits == {
        "Application.applicant_name": 120,
        "Application.post_name": 80,
        "Application.parent_unit": 120,
        "Application.special_reason": 200,
        "Application.contact_name": 40,
        "Application.contact_title": 40,
        "Application.contact_phone": 30,
        "Application.achievements": 2000,
        "Application.unit_opinion": 300,
        "Application.review_opinion": 500,
        "Leader.name": 40,
        "Leader.title": 60,
        "Leader.phone": 30,
        "Honour.year": 10,
        "Honour.title": 120,
        "Honour.issuer": 120,
        "ApplicationEvent.note": 500,
    }
    assert (LeaderFormSet.max_num, HonourFormSet.max_num) == (10, 20)


def test_form_fields_carry_the_model_limits_and_show_them():
    form = ApplicationForm()
    leader = LeaderFormSet(prefix="leaders").empty_form
    honour = HonourFormSet(prefix="honours").empty_form
    fields = {
        **{f"Application.{n}": form.fields[n] for n in LIMITED[Application] if n in form.fields},
        **{f"Leader.{n}": leader.fields[n] for n in LIMITED[Leader]},
        **{f"Honour.{n}": honour.fields[n] for n in LIMITED[Honour]},
    }
    models = {"Application": Application, "Leader": Leader, "Honour": Honour}
    for label, field in fields.items():
        model, name = label.split(".")
        limit = models[model]._meta.get_field(name).max_length
        assert (label, field.max_length, field.widget.attrs.get("maxlength")) == (label, limit, str(limit))
    assert form.fields["unit_opinion"].help_text == "最多300字"
    assert form.fields["special_reason"].help_text == "最多200字"
    assert form.fields["applicant_name"].help_text.endswith("（最多120字）")
    assert honour.fields["title"].help_text == "最多120字"
    assert leader.fields["name"].help_text == "最多40字"
    assert "最多" not in str(form.fields["achievements"].help_text)  # the 500-字 counter says it


def test_over_long_opinion_says_limit_and_length(apply_window, applicant, campaign, client):
    response = client.post("/apply/new/", form_data(button="draft", unit_opinion="意" * 400_000))

    assert response.status_code == 200
    assert response.context["form"].errors["unit_opinion"] == ["最多300字，当前为400000字，请删减后再保存。"]
    assert stored() == [[], [], []]
    html = response.content.decode()
    assert 'maxlength="300"' in html
    assert "最多300字" in html


def test_text_at_the_limit_is_stored_whole(apply_window, applicant, campaign, client):
    response = client.post("/apply/new/", form_data(button="draft", unit_opinion="意" * 300, special_reason="因" * 200))

    assert response.status_code == 302
    assert Application.objects.values_list("unit_opinion", "special_reason").get() == ("意" * 300, "因" * 200)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("category", "team\x00"),
        ("staff_total", "5\x00"),
        ("version", "\x00"),
        ("pledge", "on\x00"),
        ("applicant_name", "名\x00称"),
        ("achievements", "事迹\x07"),
        ("leaders-0-gender", "F\x00"),
        ("leaders-0-name", "覃\x00丽"),
    ],
)
def test_nul_and_control_characters_are_refused_next_to_the_field(
    apply_window, applicant, campaign, client, field, value
):
    data = form_data(button="draft")
    data[field] = value

    response = client.post("/apply/new/", data)

    assert response.status_code == 200
    if field.startswith("leaders-"):
        errors = response.context["bundle"].leaders.forms[0].errors[field.rsplit("-", 1)[1]]
    else:
        errors = response.context["form"].errors[field]
    assert errors == [core_phrases.INPUT_CONTROL_CHARACTERS]
    assert stored() == [[], [], []]


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [(Application, "unit_opinion", 300), (Application, "applicant_name", 120), (Application, "achievements", 2000)],
)
def test_database_refuses_over_long_text(application, model, field, limit):
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(**{field: "字" * (limit + 1)})
    Application.objects.filter(pk=application.pk).update(**{field: "字" * limit})
    assert len(getattr(Application.objects.get(pk=application.pk), field)) == limit


@pytest.mark.parametrize(("model", "field"), [(Leader, "name"), (Honour, "title"), (ApplicationEvent, "note")])
def test_database_refuses_over_long_row_text(application, model, field):
    limit = model._meta.get_field(field).max_length
    row = model.objects.filter(application=application).first() or ApplicationEvent.objects.create(
        application=application, action="edit"
    )
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: "字" * (limit + 1)})


def test_model_validation_knows_the_text_limits(application):
    application.unit_opinion = "意" * 301
    with pytest.raises(ValidationError) as caught:
        application.full_clean()
    assert list(caught.value.message_dict) == ["unit_opinion"]


def test_worst_case_pdf_renders_in_seconds(apply_window, applicant, campaign, unit):
    """Every field at its limit, every row there may be: the PDF is bounded (it took 30 s with an
    unlimited 单位意见)."""
    from applications.pdf import render_application_pdf
    from tests.factories import ApplicationFactory

    full = {
        name: "字" * Application._meta.get_field(name).max_length
        for name in LIMITED[Application]
        if name not in ("contact_phone",)
    }
    application = ApplicationFactory(campaign=campaign, unit=unit, rows=[], **full)
    leaders = [
        Leader(application=application, name="名" * 40, gender="F", title="职" * 60, phone="1" * 30, position=i)
        for i in range(LeaderFormSet.max_num)
    ]
    honours = [
        Honour(application=application, year="2" * 10, title="荣" * 120, issuer="授" * 120, position=i)
        for i in range(HonourFormSet.max_num)
    ]
    Leader.objects.bulk_create(leaders)
    Honour.objects.bulk_create(honours)

    render_application_pdf(ApplicationFactory(campaign=campaign, unit=unit))  # loads the fonts once per process

    started = time.monotonic()
    pdf = render_application_pdf(Application.objects.get(pk=application.pk))
    elapsed = time.monotonic() - started

    assert pdf.startswith(b"%PDF-")
    print(f"worst-case PDF: {elapsed:.1f} s")
    assert elapsed < 8, f"worst-case PDF took {elapsed:.1f} s"


def test_refused_hidden_field_is_said_above_the_form(apply_window, applicant, campaign, client):
    data = form_data(button="draft")
    data["version"] = "\x00"

    response = client.post("/apply/new/", data)

    assert list(response.context["form"].non_field_errors()) == [core_phrases.INPUT_HIDDEN_REFUSED]
    assert core_phrases.INPUT_HIDDEN_REFUSED in response.content.decode()
    assert stored() == [[], [], []]
