"""Every form of the project, fuzzed (tests/fuzzing.py): never a 500, never stored half-way.

A later form adds one test here: fuzz_form(FormCase(url=..., user=..., fields={name: strategy}, base={valid post})).
FUZZ_FIGURES=<file> appends each form's figures (examples, accepted, 500s, half-stored) as JSON lines."""

import datetime as dt

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import strategies as st

from applications.forms import HonourFormSet, LeaderFormSet
from applications.models import Application, Attachment, Category, Gender, Honour, Leader, Status
from applications.services import APPLICATION_FIELDS
from gangwei.models import Campaign, DeadlineExtension, Stage
from tests.factories import UserFactory
from tests.fuzzing import (
    MISSING,
    FormCase,
    as_received,
    choice_values,
    flag_values,
    formset,
    fuzz_form,
    number_values,
    text_values,
    valid_formset,
)
from tests.test_views_application import COMPLETE, LEADER

PASSWORD = "Gangwei-2021-test"


def limit(model, name: str) -> int | None:
    return model._meta.get_field(name).max_length


def model_text(model, *names) -> dict:
    return {name: text_values(limit(model, name)) for name in names}


LEADER_ROW = {
    **model_text(Leader, "name", "title", "phone"),
    "gender": choice_values(["", *Gender.values]),
    "DELETE": flag_values(),
}
HONOUR_ROW = {**model_text(Honour, "year", "title", "issuer"), "DELETE": flag_values()}
HONOUR = {"year": "2019", "title": "柳州市三八红旗集体", "issuer": "柳州市妇联"}
VALID_LEADERS = [LEADER, {"name": "韦芳", "gender": "M", "title": "", "phone": ""}]
VALID_HONOURS = [HONOUR, {"year": "", "title": "先进集体", "issuer": ""}]


def application_base(button: str, **extra) -> dict:
    return {
        **COMPLETE,
        "form_token": "f" * 32,
        "@leaders": valid_formset("leaders", [LEADER]),
        "@honours": valid_formset("honours", [HONOUR]),
        button: "1",
        **extra,
    }


def application_fields(button: str) -> dict:
    return {
        **model_text(
            Application,
            "applicant_name",
            "post_name",
            "parent_unit",
            "special_reason",
            "contact_name",
            "contact_title",
            "contact_phone",
            "achievements",
            "unit_opinion",
        ),
        "category": choice_values(Category.values),
        "staff_total": number_values(),
        "staff_women": number_values(),
        "is_special_post": flag_values(),
        "pledge": flag_values(),
        "form_token": text_values(32),
        "@leaders": formset("leaders", LEADER_ROW, VALID_LEADERS, max_rows=LeaderFormSet.max_num + 2),
        "@honours": formset("honours", HONOUR_ROW, VALID_HONOURS, max_rows=HonourFormSet.max_num + 2),
        button: text_values(5),
    }


def _checkbox(value) -> bool:
    if value is MISSING or value is None:
        return False
    return bool({"true": True, "false": False}.get(value.lower(), value))


def _text(value) -> str:
    return as_received(value).strip()


def _rows(data: dict, prefix: str, names: list[str]) -> list[tuple]:
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    rows = []
    for i in range(total):
        if _checkbox(data.get(f"{prefix}-{i}-DELETE")):
            continue
        row = tuple(_text(data.get(f"{prefix}-{i}-{name}", "")) for name in names)
        if any(row):
            rows.append(row)
    return rows


def check_application_stored(application_of):
    """After an accepted save, every stored value is the posted value, trimmed."""

    def check(data: dict, response) -> None:
        application = application_of()
        for name in APPLICATION_FIELDS:
            stored = getattr(application, name)
            posted = data.get(name, MISSING)
            if name in ("is_special_post", "pledge"):
                assert stored == _checkbox(posted), name
            elif name in ("staff_total", "staff_women"):
                assert stored == (int(_text(posted)) if posted is not MISSING and _text(posted) else None), name
            else:
                assert stored == ("" if posted is MISSING else _text(posted)), name
        leaders = list(application.leaders.values_list("name", "gender", "title", "phone"))
        assert leaders == _rows(data, "leaders", ["name", "gender", "title", "phone"]), "leaders"
        honours = list(application.honours.values_list("year", "title", "issuer"))
        assert honours == _rows(data, "honours", ["year", "title", "issuer"]), "honours"

    return check


def saved(response) -> bool:
    if response.status_code in (301, 302, 303):
        return True
    messages = [m.message for m in (response.context or {}).get("messages", [])] if response.context else []
    return any("内容已保存为草稿" in m for m in messages)


@pytest.fixture
def staff(db):
    return UserFactory(username="staff", is_staff=True, is_superuser=True, organisation=None)


@pytest.mark.parametrize("button", ["draft", "submit"])
def test_fuzz_application_new(apply_window, applicant, campaign, button):
    fuzz_form(
        FormCase(
            name=f"application new ({button})",
            url="/apply/new/",
            user=applicant,
            fields=application_fields(button),
            base=application_base(button),
            accepted=saved,
            check_accepted=check_application_stored(lambda: Application.objects.order_by("-pk").first()),
        )
    )


@pytest.mark.parametrize("button", ["draft", "submit"])
def test_fuzz_application_edit(apply_window, applicant, application, button):
    fields = application_fields(button)
    fields["version"] = st_version()
    fuzz_form(
        FormCase(
            name=f"application edit ({button})",
            url=f"/apply/{application.key}/edit/",
            user=applicant,
            fields=fields,
            base=application_base(button, version="1"),
            accepted=saved,
            check_accepted=check_application_stored(lambda: Application.objects.get(pk=application.pk)),
        )
    )


def st_version():
    return st.one_of(st.just("1"), number_values(), st.just(MISSING))


def _any_fields():
    """A form without fields of its own: whatever a client adds must change nothing it should not."""
    return {"junk": text_values(50), "\x00": text_values(5), "confirm": flag_values(), "n": st.just(MISSING)}


def test_fuzz_submit_and_withdraw(apply_window, applicant, application):
    fuzz_form(FormCase(name="submit (detail page)", url=f"/apply/{application.key}/submit/", user=applicant,
                       fields=_any_fields()))
    application.status = Status.SUBMITTED
    application.save()
    fuzz_form(FormCase(name="withdraw", url=f"/apply/{application.key}/withdraw/", user=applicant,
                       fields=_any_fields()))


def _uploaded(name: str, body: bytes):
    """A file as the browser would send it; a name Django itself cannot derive (".", "a/..") is
    sent as "x", as no browser sends such a name."""
    from django.core.exceptions import SuspiciousFileOperation
    from django.core.files.uploadedfile import SimpleUploadedFile

    try:
        return SimpleUploadedFile(name, body)
    except SuspiciousFileOperation:
        return SimpleUploadedFile("x", body)


def test_fuzz_upload_and_delete(apply_window, applicant, application):
    files = st.builds(
        _uploaded,
        text_values(200).map(lambda s: as_received(s) or "x"),
        st.one_of(st.binary(max_size=200), st.sampled_from([b"%PDF-1.4\n%%EOF", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"])),
    )
    fuzz_form(_upload_case(application, applicant, files))
    attachment = Attachment.objects.create(
        application=application, file="attachments/2021/x", original_name="a.pdf", content_type="application/pdf",
        size=3, sha256="0" * 64, uploaded_by=applicant,
    )
    fuzz_form(FormCase(name="attachment delete", url=f"/apply/{application.key}/attachments/{attachment.pk}/delete/",
                       user=applicant, fields=_any_fields()))


def _upload_case(application, applicant, files):
    def check(data, response):
        # Whatever was posted, each stored attachment is whole: a file on disk of the recorded size.
        for attachment in Attachment.objects.filter(application=application):
            assert attachment.file.size == attachment.size
            assert "\x00" not in attachment.original_name

    return FormCase(
        name="upload",
        url=f"/apply/{application.key}/attachments/",
        user=applicant,
        multipart=True,
        fields={"files": st.one_of(files, st.lists(files, max_size=3), st.just(MISSING)), "junk": text_values(20)},
        check_accepted=check,
    )


def test_fuzz_registration(apply_window, campaign, body_a):
    fuzz_form(FormCase(
        name="registration",
        url="/accounts/register/",
        fields={
            "unit_name": text_values(120),
            "credit_code": text_values(18),
            "parent": st.one_of(st.just(str(body_a.pk)), number_values()),
            "contact_name": text_values(40),
            "phone": st.one_of(st.just("13807720000"), text_values(30)),
            "email": st.one_of(st.just("a@example.com"), text_values(254)),
            "username": st.one_of(st.just("newunit"), text_values(150)),
            "password1": st.one_of(st.just("Xk7#pLm2qR9z"), text_values(128)),
            "password2": st.one_of(st.just("Xk7#pLm2qR9z"), text_values(128)),
        },
        base={"unit_name": "柳州市新单位", "credit_code": "", "parent": str(body_a.pk), "contact_name": "韦红",
              "phone": "13807720000", "email": "a@example.com", "username": "newunit",
              "password1": "Xk7#pLm2qR9z", "password2": "Xk7#pLm2qR9z"},
    ))


def _login_fields(username: str):
    return {
        "username": st.one_of(st.just(username), text_values(150), text_values(300)),
        "password": st.one_of(st.just(PASSWORD), text_values(128)),
        "next": st.one_of(st.just("/apply/"), text_values(100), st.just(MISSING)),
    }


def test_fuzz_login(apply_window, applicant):
    fuzz_form(FormCase(name="login", url="/accounts/login/", fields=_login_fields("applicant"),
                       base={"username": "applicant", "password": PASSWORD}))


def test_fuzz_admin_login(staff):
    fuzz_form(FormCase(name="admin login", url="/admin/login/", fields=_login_fields("staff"),
                       base={"username": "staff", "password": PASSWORD}))


def test_fuzz_password_change(applicant):
    new = st.one_of(st.just("Xk7#pLm2qR9z"), text_values(128))
    fuzz_form(FormCase(
        name="password change", url="/accounts/password_change/", user=applicant,
        fields={"old_password": st.one_of(st.just(PASSWORD), text_values(128)), "new_password1": new,
                "new_password2": new},
        base={"old_password": PASSWORD, "new_password1": "Xk7#pLm2qR9z", "new_password2": "Xk7#pLm2qR9z"},
    ))


def test_fuzz_password_reset(applicant):
    fuzz_form(FormCase(
        name="password reset", url="/accounts/password_reset/",
        fields={"email": st.one_of(st.just(applicant.email), text_values(254))},
        base={"email": applicant.email},
    ))
    uid = urlsafe_base64_encode(force_bytes(applicant.pk))
    token = default_token_generator.make_token(applicant)
    new = st.one_of(st.just("Xk7#pLm2qR9z"), text_values(128))
    fuzz_form(FormCase(
        name="password reset confirm",
        url=f"/accounts/reset/{uid}/set-password/",
        before=lambda client: client.get(f"/accounts/reset/{uid}/{token}/"),
        fields={"new_password1": new, "new_password2": new},
        base={"new_password1": "Xk7#pLm2qR9z", "new_password2": "Xk7#pLm2qR9z"},
    ))


def _split_datetime():
    return {
        "date": st.one_of(st.just("2020-09-20"), st.dates().map(str), text_values(20)),
        "time": st.one_of(st.just("23:59:59"), st.times().map(str), text_values(20)),
    }


def test_fuzz_admin_campaign_change(staff, campaign):
    fields = {
        "year": st.one_of(st.just("2021"), number_values()),
        "notice_number": text_values(limit(Campaign, "notice_number")),
        "title": text_values(limit(Campaign, "title")),
    }
    for name in ("opens_at", "apply_closes_at", "first_review_closes_at", "assessment_closes_at", "naming_closes_at"):
        parts = _split_datetime()
        fields[f"{name}_0"] = parts["date"]
        fields[f"{name}_1"] = parts["time"]
    base = {"year": "2021", "notice_number": campaign.notice_number, "title": campaign.title, "_save": "保存"}
    for name in ("opens_at", "apply_closes_at", "first_review_closes_at", "assessment_closes_at", "naming_closes_at"):
        local = timezone.localtime(getattr(campaign, name))
        base[f"{name}_0"], base[f"{name}_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
    fuzz_form(FormCase(name="admin campaign change", url=f"/admin/gangwei/campaign/{campaign.pk}/change/",
                       user=staff, fields=fields, base=base))


def test_fuzz_admin_extension_change(staff, campaign, unit):
    extension = DeadlineExtension.objects.create(
        campaign=campaign, organisation=unit, stage=Stage.APPLY,
        closes_at=campaign.apply_closes_at + dt.timedelta(days=3), reason="系统故障",
    )
    parts = _split_datetime()
    fuzz_form(FormCase(
        name="admin extension change",
        url=f"/admin/gangwei/deadlineextension/{extension.pk}/change/",
        user=staff,
        fields={
            "campaign": st.one_of(st.just(str(campaign.pk)), number_values()),
            "organisation": st.one_of(st.just(str(unit.pk)), number_values()),
            "stage": choice_values(Stage.values),
            "closes_at_0": parts["date"],
            "closes_at_1": parts["time"],
            "reason": text_values(limit(DeadlineExtension, "reason")),
        },
        base={"campaign": str(campaign.pk), "organisation": str(unit.pk), "stage": "apply",
              "closes_at_0": "2020-09-25", "closes_at_1": "23:59:59", "reason": "系统故障", "_save": "保存"},
    ))


def test_fuzz_harness_sees_a_refusal_that_stores(apply_window, applicant, application):
    """The harness itself: a 'refused' answer after which a row changed is reported as half-stored."""
    def accepted(response):
        Leader.objects.filter(application=application).update(name="改过")
        return False

    with pytest.raises(AssertionError, match="stored half-way"):
        fuzz_form(FormCase(name="self-test", url=f"/apply/{application.key}/", user=applicant,
                           fields={"x": st.just("1")}, accepted=accepted, examples=3))



# --- 初审 (ui helper): the decision, 推荐所选, the rank, 报送 and the city's 退回 -------------------


def _review_conditions():
    from review.models import CONDITION_FIELDS

    return {name: flag_values() for name in CONDITION_FIELDS}


def _review_submitted(campaign, unit, applicant, name):
    from applications.services import application_submit
    from tests.factories import ApplicationFactory

    return application_submit(
        application=ApplicationFactory(campaign=campaign, unit=unit, applicant_name=name), user=applicant
    )


def _recommended(application, reviewer):
    from review.models import CONDITION_FIELDS
    from review.services import review_decide

    return review_decide(
        application=application, user=reviewer, action="recommend", opinion="同意推荐。",
        conditions=dict.fromkeys(CONDITION_FIELDS, True),
    )


def test_fuzz_review_decide(apply_window, campaign, unit, applicant, reviewer_a):
    from review.models import CONDITION_FIELDS

    sent = _review_submitted(campaign, unit, applicant, "甲岗位")
    fuzz_form(FormCase(
        name="review decide",
        url=f"/review/{sent.key}/decide/",
        user=reviewer_a,
        fields={
            "action": choice_values(["recommend", "return", "not_recommend", "submit", "report"]),
            "opinion": text_values(500),
            "version": st_version(),
            **_review_conditions(),
        },
        base={"action": "recommend", "opinion": "同意推荐。", "version": str(sent.version),
              **dict.fromkeys(CONDITION_FIELDS, "on")},
    ))


def test_fuzz_review_bulk_recommend(apply_window, campaign, unit, applicant, reviewer_a):
    from review.models import CONDITION_FIELDS

    one = _review_submitted(campaign, unit, applicant, "甲岗位")
    two = _review_submitted(campaign, unit, applicant, "乙岗位")
    keys = [one.key, two.key]
    fuzz_form(FormCase(
        name="review bulk recommend",
        url="/review/recommend/",
        user=reviewer_a,
        fields={
            "keys": st.one_of(st.lists(choice_values(keys), max_size=4), choice_values(keys)),
            "opinion": text_values(500),
            f"version_{one.key}": st_version(),
            **_review_conditions(),
        },
        base={"keys": keys, "opinion": "同意推荐。", **dict.fromkeys(CONDITION_FIELDS, "on")},
    ))


def test_fuzz_review_rank(apply_window, campaign, unit, applicant, reviewer_a):
    one = _recommended(_review_submitted(campaign, unit, applicant, "甲岗位"), reviewer_a)
    two = _recommended(_review_submitted(campaign, unit, applicant, "乙岗位"), reviewer_a)
    keys = [one.key, two.key]
    fuzz_form(FormCase(
        name="review rank",
        url="/review/rank/",
        user=reviewer_a,
        fields={"order": st.one_of(st.lists(choice_values(keys), max_size=5), choice_values(keys))},
        base={"order": [two.key, one.key]},
    ))


def test_fuzz_review_file_and_reopen(apply_window, campaign, unit, applicant, reviewer_a, city_user):
    from review.services import summary_file

    _recommended(_review_submitted(campaign, unit, applicant, "甲岗位"), reviewer_a)
    fuzz_form(FormCase(name="review file", url="/review/summary/", user=reviewer_a,
                       fields={"confirm": flag_values(), **_any_fields()}, base={"confirm": "on"}, examples=60))
    report, _ = summary_file(user=reviewer_a, campaign=campaign)
    fuzz_form(FormCase(name="city reopen", url=f"/city/summary/{report.pk}/reopen/", user=city_user,
                       fields={"reason": text_values(500)}, base={"reason": "请核对名额。"}))
