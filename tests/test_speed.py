"""What a request costs: the exact queries of the 附件1 form's GET, save and submit, whatever the
number of applications already there, and the Python judgement of Application's check constraints,
which must agree with the database's."""

import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db.models import Q, Value

from applications.forms import HonourFormSet, LeaderFormSet
from applications.models import PYTHON_CHECKS, Application, Category, NumberCounter, Status
from tests.factories import ApplicationFactory, shanghai
from tests.test_views_application import form_data

# --- the check constraints judged in Python agree with the database ------------------------------

CASES = [
    {"staff_total": 5, "staff_women": 3, "status": Status.DRAFT, "category": Category.TEAM},
    {"staff_total": 5, "staff_women": 5, "status": Status.SUBMITTED, "category": ""},
    {"staff_total": 5, "staff_women": 6, "status": Status.DRAFT, "category": Category.OFFICE},
    {"staff_total": None, "staff_women": 6, "status": Status.NAMED, "category": Category.NEW_ORG},
    {"staff_total": 0, "staff_women": None, "status": "bogus", "category": "bogus"},
    {"staff_total": 0, "staff_women": 0, "status": "", "category": Category.MILITARY},
]


@pytest.mark.django_db
@pytest.mark.parametrize("values", CASES)
def test_python_checks_agree_with_the_database(values):
    application = Application(**values)
    for constraint in Application._meta.constraints:
        if constraint.name not in PYTHON_CHECKS:
            continue
        against = {
            name: Value(getattr(application, name), output_field=Application._meta.get_field(name))
            for name in PYTHON_CHECKS[constraint.name][0]
        }
        in_database = Q(constraint.condition).check(against)  # Django's own judgement, one query
        assert PYTHON_CHECKS[constraint.name][1](application) == in_database, (constraint.name, values)


@pytest.mark.django_db
def test_women_above_total_still_refused_by_validation(campaign, unit):
    application = ApplicationFactory.build(campaign=campaign, unit=unit, staff_total=3, staff_women=4)
    with pytest.raises(ValidationError) as refused:
        application.validate_constraints()
    assert refused.value.messages == ["女性人数不能大于岗位总人数。"]


# --- the form's requests: exact query counts with 1 and 30 applications ---------------------------


@pytest.fixture(params=[1, 30], ids=["1 application", "30 applications"])
def others(request, campaign, unit):
    made = [
        ApplicationFactory(campaign=campaign, unit=unit, status=Status.SUBMITTED, number=f"2021-CZ-{i + 1:03d}")
        for i in range(request.param - 1)
    ]
    NumberCounter.objects.create(campaign=campaign, body=unit.parent, last=len(made))
    return made


def test_edit_form_queries(apply_window, campaign, unit, applicant, client_for, others, django_assert_num_queries):
    draft = ApplicationFactory(campaign=campaign, unit=unit)
    client = client_for(applicant)
    # 1 session, 2 user with organisation and body, 3 the application (its campaign is the menu's),
    # 4 leaders and honours (one statement), 5 the current campaign (menu), 6 the unit's and body's
    # extensions (the page's deadline and the menu's 新建申报 link share them); the session is not written.
    with django_assert_num_queries(6):
        response = client.get(f"/apply/{draft.key}/edit/")
    assert response.status_code == 200


def test_save_queries(apply_window, campaign, unit, applicant, client_for, others, django_assert_num_queries):
    draft = ApplicationFactory(campaign=campaign, unit=unit)
    client = client_for(applicant)
    # 1 session, 2 user, 3 the application; in one transaction: 4 savepoint, 5 the locked row,
    # 6 the APPLY window's extensions, 7 update, 8-9 leaders deleted and written, 10 honours
    # deleted, 11 the event, 12 release. No constraint is judged by a query (Application.validate_constraints).
    with django_assert_num_queries(12):
        response = client.post(f"/apply/{draft.key}/edit/", form_data(button="save", version=1))
    assert (response.status_code, response["Location"]) == (302, f"/apply/{draft.key}/edit/")


def test_submit_queries(apply_window, campaign, unit, applicant, client_for, others, django_assert_num_queries):
    draft = ApplicationFactory(campaign=campaign, unit=unit)
    client = client_for(applicant)
    # 1-3 session, user, application; the save and the submission in ONE transaction
    # (application_update_and_submit; 31 queries as two transactions) with no savepoint inside it:
    # 4 savepoint (the test's transaction is around it: BEGIN on its own), 5 the body's lock, 6 the
    # application's lock, 7 the unit's deadline extensions (read once: the APPLY window now, the
    # review window in the receipt), 8-9 leaders deleted and written, 10 honours deleted (none
    # posted), 11 the counter's update (UPDATE … RETURNING), 12 the application (the save's fields
    # and the submission's in one UPDATE), 13 its count (applications.tally), 14 the save's event
    # and the submission's in one INSERT (the snapshot from the rows just written, not read back);
    # the receipt: 15 the unit's addresses, 16 message, 17 its task; 18 release.
    with django_assert_num_queries(18):
        response = client.post(f"/apply/{draft.key}/edit/", form_data(version=1))
    draft.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, f"/apply/{draft.key}/")
    assert (draft.status, draft.number) == (Status.SUBMITTED, f"2021-CZ-{len(others) + 1:03d}")


# --- 我的申报 pages: flat whatever the number of applications ----------------------------------------


def test_my_applications_pages_twenty_at_a_time(apply_window, campaign, unit, applicant, client_for):
    for i in range(21):
        ApplicationFactory(campaign=campaign, unit=unit, applicant_name=f"岗位{i:02d}")
    client = client_for(applicant)
    first, second = client.get("/apply/"), client.get("/apply/?page=2")

    assert [len(first.context["rows"]), len(second.context["rows"])] == [20, 1]
    assert '<span class="page-link">第1页 / 共2页</span>' in first.content.decode()
    assert '<a class="page-link" href="?page=2">下一页</a>' in first.content.decode()
    assert '<a class="page-link" href="?page=1">上一页</a>' in second.content.decode()
    assert [len(client.get(f"/apply/?page={p}").context["rows"]) for p in ("99", "abc", "-3", "0", "")] == [
        1, 20, 20, 20, 20
    ]


def test_my_applications_one_page_has_no_pager(apply_window, campaign, unit, applicant, client_for):
    ApplicationFactory(campaign=campaign, unit=unit)
    assert 'aria-label="分页"' not in client_for(applicant).get("/apply/").content.decode()


def test_detail_queries(apply_window, campaign, unit, applicant, client_for, others, django_assert_num_queries):
    from applications.services import application_submit

    application = application_submit(application=ApplicationFactory(campaign=campaign, unit=unit), user=applicant)
    client = client_for(applicant)
    # 1 session, 2 user, 3 the application, 4 leaders, 5 honours, 6 attachments, 7 the timeline,
    # 8 the quota, 9 the messages, 10 the current campaign and 11 the unit's and body's extensions
    # (the menu's, shared by every window the page shows).
    with django_assert_num_queries(11):
        response = client.get(f"/apply/{application.key}/")
    assert response.status_code == 200


# --- widgets written in Python render the same characters as Django's templates -------------------

HOSTILE = '<b>"韦&amp;\'小红</b> & <script>'


def _forms_to_compare(campaign, unit):
    from django import forms as django_forms

    from applications.forms import ApplicationFormBundle
    from gangwei.forms import LoginForm, RegistrationForm
    from review.city.forms_publicity import ObjectionForm, PublishForm
    from review.city.forms_training import TrainingSessionForm
    from review.forms import ReopenForm

    empty = ApplicationFormBundle(instance=ApplicationFactory(campaign=campaign, unit=unit))
    hostile = ApplicationFormBundle(
        {
            **form_data(button="save", version="x", leaders=({"name": HOSTILE, "gender": "<F>", "title": "", "phone": HOSTILE},)),
            "applicant_name": HOSTILE,
            "achievements": HOSTILE,
            "category": HOSTILE,
            "staff_total": "-1",
            "pledge": "",
        }
    )
    hostile.is_valid()
    found = [empty.form, *empty.leaders, empty.leaders.empty_form, hostile.form, *hostile.leaders, *hostile.honours]
    found.append(LoginForm())  # unbound: a bound one would try to log in
    for form_class in (RegistrationForm, ReopenForm, PublishForm, ObjectionForm, TrainingSessionForm):
        try:
            found.append(form_class(data={name: HOSTILE for name in form_class.base_fields}))
        except TypeError:
            continue

    class Grouped(django_forms.Form):
        choice = django_forms.ChoiceField(choices=[("甲组", [("1", "<一>"), ("2", "二")]), ("3", "三")], initial="2")
        flags = django_forms.BooleanField(required=False, initial=True)

    found.append(Grouped())
    return found


def test_python_widgets_equal_django_templates(campaign, unit):
    from django.forms.renderers import TemplatesSetting

    from gangwei.formrender import FastTemplatesSetting

    fast, stock = FastTemplatesSetting(), TemplatesSetting()
    assert fast.own is True
    compared = 0
    for form in _forms_to_compare(campaign, unit):
        for bound in form:
            widget, name, value = bound.field.widget, bound.html_name, bound.value()
            attrs = bound.build_widget_attrs({"id": bound.auto_id} if bound.auto_id else {})
            assert widget.render(name, value, attrs, renderer=fast) == widget.render(name, value, attrs, renderer=stock)
            compared += 1
    assert compared > 60


def _tags_only(html: str) -> str:
    """The HTML without the blank space between tags (which the browser does not show)."""
    import re

    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*(<|>)\s*", lambda m: m.group(1) if m.group(1) == "<" else ">", html).replace("> ", ">")


def test_lean_row_fields_equal_crispy(campaign, unit):
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
    from django import forms as django_forms

    from applications.forms import ApplicationFormBundle
    from gangwei.templatetags.lean_fields import lean_field

    bundle = ApplicationFormBundle(
        form_data(
            button="save",
            leaders=({"name": HOSTILE, "gender": "<F>", "title": "", "phone": "1"}, {"name": "覃丽", "gender": "F"}),
            honours=({"year": "<2019>", "title": "", "issuer": HOSTILE},),
        )
    )
    bundle.is_valid()
    fresh = ApplicationFormBundle(instance=ApplicationFactory(campaign=campaign, unit=unit))
    compared = 0
    hostile = ApplicationFormBundle({**form_data(button="save"), "applicant_name": HOSTILE, "staff_total": "x", "achievements": HOSTILE})
    hostile.is_valid()
    # The checkboxes and radio buttons too: an invalid choice, a refused pledge (the submission's
    # error, as the page adds it), ticked and unticked boxes, groups of radios, help texts.
    refused = ApplicationFormBundle({**form_data(), "category": HOSTILE, "is_special_post": "on", "pledge": ""})
    refused.is_valid()
    refused.add_errors({"pledge": [f"请勾选承诺{HOSTILE}"], "category": ["请选择类别"]})

    class Choices(django_forms.Form):
        grouped = django_forms.ChoiceField(
            choices=[("甲组", [("1", "<一>"), ("2", "二")]), ("乙组", [("3", "三")])],
            widget=django_forms.RadioSelect,
            help_text="<b>帮助</b>",
        )
        unlabelled = django_forms.ChoiceField(choices=[("1", "一")], widget=django_forms.RadioSelect, label="")
        agreed = django_forms.BooleanField(help_text="须勾选", label="同意<b>")
        optional = django_forms.BooleanField(required=False, initial=True)

    choices = Choices({"grouped": "9", "agreed": ""})
    choices.is_valid()
    forms = [bundle.form, hostile.form, fresh.form, refused.form, choices, Choices(), Choices(auto_id=False)]
    for formset in (bundle.leaders, bundle.honours, fresh.leaders, fresh.honours):
        forms += [*formset, formset.empty_form]
    for form in forms:
        for field in form.visible_fields():
            assert _tags_only(lean_field(field)) == _tags_only(as_crispy_field(field)), field.html_name
            compared += 1
    assert compared > 90


def test_lean_checkboxes_and_opinion_equal_crispy():
    """The 初审 forms' condition checkboxes and 意见 box: lean_field writes what crispy writes,
    unbound, bound and checked, and with errors (a required checkbox too, for the asterisk)."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
    from django import forms as django_forms

    from gangwei.templatetags.lean_fields import lean_field
    from review.forms import BulkRecommendForm, DecisionForm

    class Required(django_forms.Form):
        agree = django_forms.BooleanField(label=HOSTILE, help_text="<b>帮助</b>")

    required = Required({})
    required.is_valid()
    bound = BulkRecommendForm({"opinion": "", "keys": ["x"]}, choices=[("a", "A")])
    bound.is_valid()
    checked = BulkRecommendForm(
        {"opinion": HOSTILE, **{name: "on" for name in bound.fields if name not in ("keys", "opinion")}}
    )
    checked.is_valid()
    fresh = BulkRecommendForm(initial={"opinion": "同意推荐"}, choices=[("a", "A")])
    fields = [required["agree"], Required()["agree"]]
    for form in (bound, checked, fresh, DecisionForm()):
        fields += [*form.condition_fields(), form["opinion"]]
    for field in fields:
        assert _tags_only(lean_field(field)) == _tags_only(as_crispy_field(field)), field.html_name
    assert any("is-invalid" in lean_field(field) for field in fields)
    assert any("checked" in lean_field(field) for field in fields)


# --- the rows' template row, rendered once per process ---------------------------------------------


def _template_rows(html: str) -> list[str]:
    return re.findall(r"<template data-row-template>(.*?)</template>", html, re.S)


def test_template_rows_are_the_empty_forms_whatever_the_page(apply_window, application, applicant, client_for):
    from gangwei.templatetags import lean_fields

    lean_fields._ROW_TEMPLATES.clear()
    client = client_for(applicant)
    fresh = _template_rows(client.get("/apply/new/").content.decode())
    leader_names = re.findall(r'name="([^"]+)"', fresh[0])
    assert leader_names == [
        "leaders-__prefix__-name", "leaders-__prefix__-gender", "leaders-__prefix__-title",
        "leaders-__prefix__-phone", "leaders-__prefix__-DELETE",
    ]
    assert re.findall(r'name="([^"]+)"', fresh[1]) == [
        "honours-__prefix__-year", "honours-__prefix__-title", "honours-__prefix__-issuer", "honours-__prefix__-DELETE",
    ]
    assert "value=" not in fresh[0].replace('value=""', "").replace('<option value="F">', "").replace(
        '<option value="M">', ""
    )
    # Kept now: a page with errors in its rows, and one shown read-only, give the very same rows.
    assert set(lean_fields._ROW_TEMPLATES) == {
        (LeaderFormSet, "leaders", "zh-hans"), (HonourFormSet, "honours", "zh-hans")
    }
    refused = client.post(
        "/apply/new/", form_data(button="draft", leaders=[{"name": "覃" * 41, "gender": "X"}])
    ).content.decode()
    assert "最多40字，当前为41字" in refused
    assert _template_rows(refused) == fresh
    with time_machine.travel(shanghai(2020, 9, 21, 0, 0, 0), tick=False):
        closed = client_for(applicant).get(f"/apply/{application.key}/edit/").content.decode()
    assert "readonly" in closed and _template_rows(closed) == fresh
    # And what is kept is what the template renders afresh.
    lean_fields._ROW_TEMPLATES.clear()
    assert _template_rows(client.get("/apply/new/").content.decode()) == fresh


# --- the menu's links and the static files' URLs, worked out once per process ----------------------


def test_menu_links_are_the_urls_reversed(db, applicant, reviewer_a, city_user, client_for):
    from django.urls import reverse

    from gangwei.context_processors import MENU_URLS, _menu_urls

    _menu_urls.cache_clear()
    pages = {
        applicant: ("/apply/", ["applications:list", "password_change", "logout"]),
        reviewer_a: ("/review/", ["review:queue", "review:rank", "review:summary", "logout"]),
        city_user: ("/city/", ["review:city", "review:training", "review:assessment", "review:naming", "logout"]),
    }
    for user, (path, names) in pages.items():
        html = client_for(user).get(path).content.decode()
        menu = html[html.index('<nav class="navbar'):html.index("</nav>")]
        links = re.findall(r'href="([^"]+)"', menu) + re.findall(r'action="([^"]+)"', menu)
        assert all(reverse(name) in links for name in names), (path, links)
    assert _menu_urls.cache_info().currsize == 1  # three pages, one reversing
    assert _menu_urls("/", "gangwei.urls") == {name.replace(":", "_"): reverse(name) for name in MENU_URLS}


def test_static_urls_are_worked_out_once(tmp_path, settings):
    import json
    from unittest import mock

    from whitenoise.storage import CompressedManifestStaticFilesStorage

    from gangwei.storage import StaticStorage

    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/site.css": "css/site.0123abcd.css"}, "version": "1.1", "hash": "x"})
    )
    storage = StaticStorage(location=tmp_path, base_url="/static/")
    with mock.patch.object(
        CompressedManifestStaticFilesStorage, "url", autospec=True, side_effect=CompressedManifestStaticFilesStorage.url
    ) as url:
        assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
        assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
        assert url.call_count == 1
        assert storage.url("css/site.css", force=True) == "/static/css/site.0123abcd.css"
        assert url.call_count == 2
