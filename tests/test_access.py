"""Who may open which page (DESIGN §8, §10): every URL of applications/urls.py and review/urls.py
for every persona. The owner gets the page; another unit, another district's reviewer and the city
before 报送 get 404; a reviewer of the application's own district reads it but gets 403 on every
write; anonymous visitors are sent to the login page."""

import hashlib
import importlib.util

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from applications.models import Application, Attachment, Status
from applications.selectors import ApplicantActions
from tests.factories import ApplicationFactory, UnitFactory, force_update, pdf_bytes

PDF_BYTES = pdf_bytes()

HAS_PDF = importlib.util.find_spec("applications.pdf") is not None
needs_pdf = pytest.mark.skipif(not HAS_PDF, reason="applications/pdf.py is not written yet")

# Every URL that names one application: (url name, method), and the ones that change something.
APPLICATION_URLS = [
    ("detail", "get"),
    ("edit", "get"),
    ("edit", "post"),
    ("submit", "post"),
    ("withdraw", "get"),
    ("withdraw", "post"),
    ("pdf", "get"),
    ("upload", "post"),
    ("attachment", "get"),
    ("attachment_delete", "get"),
    ("attachment_delete", "post"),
]
WRITE_URLS = [(name, method) for name, method in APPLICATION_URLS if name not in ("detail", "pdf", "attachment")]


def ids(urls):
    return [f"{name}-{method}" for name, method in urls]


def attach(application: Application, data: bytes = PDF_BYTES, name: str = "盖章扫描件.pdf") -> Attachment:
    attachment = Attachment(
        application=application,
        original_name=name,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    attachment.file.save(name, ContentFile(data), save=True)
    return attachment


def set_status(application: Application, status: str, number: str = "") -> Application:
    force_update(Application.objects.filter(pk=application.pk), status=status, number=number)
    application.refresh_from_db()
    return application


def url_for(name: str, application: Application, attachment: Attachment) -> str:
    kwargs = {"key": application.key}
    if name in ("attachment", "attachment_delete"):
        kwargs["attachment_id"] = attachment.pk
    return reverse(f"applications:{name}", kwargs=kwargs)


def form_post(application: Application) -> dict:
    """A complete form that would overwrite the application, were the user allowed to."""
    return {
        "applicant_name": "被篡改的申报单位",
        "post_name": application.post_name,
        "parent_unit": application.parent_unit,
        "category": application.category,
        "staff_total": "5",
        "staff_women": "3",
        "contact_name": "张三",
        "contact_title": "主任",
        "contact_phone": "13807720000",
        "achievements": "改写的事迹。",
        "unit_opinion": "同意。",
        "pledge": "on",
        "version": str(application.version),
        "leaders-TOTAL_FORMS": "1",
        "leaders-INITIAL_FORMS": "0",
        "leaders-0-name": "覃丽",
        "leaders-0-gender": "F",
        "leaders-0-title": "主任",
        "leaders-0-phone": "13907721111",
        "honours-TOTAL_FORMS": "0",
        "honours-INITIAL_FORMS": "0",
        "submit": "1",
    }


def hit(client: Client, name: str, method: str, application: Application, attachment: Attachment):
    url = url_for(name, application, attachment)
    if name == "pdf" and client.session.get("_auth_user_id") and not HAS_PDF:
        pytest.skip("applications/pdf.py is not written yet")
    if method == "get":
        return client.get(url)
    if name == "edit":
        return client.post(url, form_post(application))
    if name == "upload":
        return client.post(url, {"files": SimpleUploadedFile("新扫描件.pdf", PDF_BYTES)})
    return client.post(url)


def state(application: Application) -> dict:
    """Everything a forbidden request could have changed."""
    application.refresh_from_db()
    return {
        "status": application.status,
        "version": application.version,
        "applicant_name": application.applicant_name,
        "attachments": list(application.attachments.values_list("original_name", flat=True)),
        "events": list(application.events.values_list("action", flat=True)),
    }


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def scan(application):
    return attach(application)


@pytest.fixture
def submitted(application, scan):
    """`application` (district A), submitted, with one attachment."""
    return set_status(application, Status.SUBMITTED, "2021-CZ-001")


# --- the owner -----------------------------------------------------------------------------------


def test_list_owner_sees_own_application(apply_window, applicant, application, client_for):
    response = client_for(applicant).get("/apply/")

    assert response.status_code == 200
    assert [row["application"] for row in response.context["rows"]] == [application]
    assert application.applicant_name in response.content.decode()


def test_new_owner_gets_empty_form_with_unit_defaults(apply_window, applicant, unit, campaign, client_for):
    response = client_for(applicant).get("/apply/new/")

    assert response.status_code == 200
    assert response.context["application"] is None
    assert response.context["form"].initial["parent_unit"] == "柳州市第一测试医院"
    assert "<title>新建申报表 · 柳州市妇联</title>" in response.content.decode()


def test_detail_owner_sees_application(apply_window, applicant, application, client_for):
    response = client_for(applicant).get(f"/apply/{application.key}/")

    assert response.status_code == 200
    assert response.context["application"] == application
    assert f'<h1 class="h3 mb-1">{application.applicant_name}</h1>' in response.content.decode()


def test_edit_owner_gets_filled_form(apply_window, applicant, application, client_for):
    response = client_for(applicant).get(f"/apply/{application.key}/edit/")

    assert response.status_code == 200
    assert response.context["form"].instance == application
    assert f'value="{application.applicant_name}"' in response.content.decode()


def test_submit_owner_submits(apply_window, applicant, application, client_for):
    response = client_for(applicant).post(f"/apply/{application.key}/submit/")

    assert (response.status_code, response["Location"]) == (302, f"/apply/{application.key}/")
    application.refresh_from_db()
    assert (application.status, application.number) == (Status.SUBMITTED, "2021-CZ-001")


def test_withdraw_owner_gets_confirmation(apply_window, applicant, submitted, client_for):
    response = client_for(applicant).get(f"/apply/{submitted.key}/withdraw/")

    assert response.status_code == 200
    assert response.context["application"] == submitted
    assert f"撤回后，“{submitted.applicant_name}”将回到草稿状态" in response.content.decode()


@needs_pdf
def test_pdf_owner_gets_pdf(apply_window, applicant, application, client_for):
    response = client_for(applicant).get(f"/apply/{application.key}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"


def test_upload_owner_stores_file(apply_window, applicant, application, client_for):
    response = client_for(applicant).post(
        f"/apply/{application.key}/attachments/", {"files": SimpleUploadedFile("scan.pdf", PDF_BYTES)}
    )

    assert (response.status_code, response["Location"]) == (302, f"/apply/{application.key}/")
    assert list(application.attachments.values_list("original_name", flat=True)) == ["scan.pdf"]


def test_attachment_owner_downloads(apply_window, applicant, application, scan, client_for):
    response = client_for(applicant).get(f"/apply/{application.key}/attachments/{scan.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_attachment_delete_owner_deletes(apply_window, applicant, application, scan, client_for):
    response = client_for(applicant).post(f"/apply/{application.key}/attachments/{scan.pk}/delete/")

    assert (response.status_code, response["Location"]) == (302, f"/apply/{application.key}/")
    assert list(application.attachments.all()) == []


def test_attachment_of_another_application_is_404_under_own_key(
    apply_window, applicant, application, other_application, client_for
):
    """The attachment id is looked up inside the application of the key, not globally."""
    foreign = attach(other_application, name="别人的扫描件.pdf")
    client = client_for(applicant)

    download = client.get(f"/apply/{application.key}/attachments/{foreign.pk}/")
    delete = client.post(f"/apply/{application.key}/attachments/{foreign.pk}/delete/")

    assert (download.status_code, delete.status_code) == (404, 404)
    assert list(other_application.attachments.values_list("original_name", flat=True)) == ["别人的扫描件.pdf"]


# --- the outsiders: 404 ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED])
@pytest.mark.parametrize(("name", "method"), APPLICATION_URLS, ids=ids(APPLICATION_URLS))
def test_other_unit_gets_404(apply_window, other_applicant, application, scan, name, method, status):
    set_status(application, status)
    before = state(application)

    response = hit(login(other_applicant), name, method, application, scan)

    assert response.status_code == 404
    assert state(application) == before


@pytest.mark.parametrize(("name", "method"), APPLICATION_URLS, ids=ids(APPLICATION_URLS))
def test_reviewer_of_other_district_gets_404(apply_window, reviewer_b, submitted, scan, name, method):
    before = state(submitted)

    response = hit(login(reviewer_b), name, method, submitted, scan)

    assert response.status_code == 404
    assert state(submitted) == before


@pytest.mark.parametrize(("name", "method"), APPLICATION_URLS, ids=ids(APPLICATION_URLS))
def test_reviewer_gets_404_on_draft_of_own_district(apply_window, reviewer_a, application, scan, name, method):
    """Drafts are private to the unit, even from its own 初审 body."""
    before = state(application)

    response = hit(login(reviewer_a), name, method, application, scan)

    assert response.status_code == 404
    assert state(application) == before


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.RECOMMENDED, Status.RETURNED])
@pytest.mark.parametrize(("name", "method"), APPLICATION_URLS, ids=ids(APPLICATION_URLS))
def test_city_gets_404_before_report(apply_window, city_user, application, scan, name, method, status):
    set_status(application, status, "2021-CZ-001")
    before = state(application)

    response = hit(login(city_user), name, method, application, scan)

    assert response.status_code == 404
    assert state(application) == before


# --- the read-only users: read, and 403 on writes ----------------------------------------------


def test_reviewer_sees_submitted_application_of_own_district(apply_window, reviewer_a, submitted, client_for):
    response = client_for(reviewer_a).get(f"/apply/{submitted.key}/")

    assert response.status_code == 200
    assert response.context["application"] == submitted
    assert f'<h1 class="h3 mb-1">{submitted.applicant_name}</h1>' in response.content.decode()
    # A reader is offered no write button.
    assert response.context["actions"] == ApplicantActions(
        can_edit=False, can_submit=False, can_withdraw=False, can_upload=False
    )


def test_reviewer_downloads_attachment_of_submitted(apply_window, reviewer_a, submitted, scan, client_for):
    response = client_for(reviewer_a).get(f"/apply/{submitted.key}/attachments/{scan.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


@needs_pdf
def test_reviewer_gets_pdf_of_submitted(apply_window, reviewer_a, submitted, client_for):
    response = client_for(reviewer_a).get(f"/apply/{submitted.key}/pdf/")

    assert (response.status_code, response.content[:5]) == (200, b"%PDF-")


@pytest.mark.parametrize(("name", "method"), WRITE_URLS, ids=ids(WRITE_URLS))
def test_reviewer_gets_403_on_writes(apply_window, reviewer_a, submitted, scan, name, method):
    before = state(submitted)

    response = hit(login(reviewer_a), name, method, submitted, scan)

    assert response.status_code == 403
    assert state(submitted) == before


@pytest.mark.parametrize("status", [Status.REPORTED, Status.PASSED, Status.NAMED])
def test_city_sees_reported_application(apply_window, city_user, application, scan, client_for, status):
    set_status(application, status, "2021-CZ-001")
    client = client_for(city_user)

    page = client.get(f"/apply/{application.key}/")
    download = client.get(f"/apply/{application.key}/attachments/{scan.pk}/")

    assert page.status_code == 200
    assert page.context["application"] == application
    assert f'<h1 class="h3 mb-1">{application.applicant_name}</h1>' in page.content.decode()
    assert (download.status_code, b"".join(download.streaming_content)) == (200, PDF_BYTES)


@pytest.mark.parametrize(("name", "method"), WRITE_URLS, ids=ids(WRITE_URLS))
def test_city_gets_403_on_writes(apply_window, city_user, application, scan, name, method):
    set_status(application, Status.REPORTED, "2021-CZ-001")
    before = state(application)

    response = hit(login(city_user), name, method, application, scan)

    assert response.status_code == 403
    assert state(application) == before


# --- pages of one role ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["reviewer_a", "city_user"])
@pytest.mark.parametrize("url", ["/apply/", "/apply/new/"])
def test_applicant_pages_forbidden_to_other_roles(apply_window, request, campaign, persona, url):
    response = login(request.getfixturevalue(persona)).get(url)

    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["applicant", "city_user"])
def test_review_queue_forbidden_to_other_roles(apply_window, request, persona):
    response = login(request.getfixturevalue(persona)).get("/review/")

    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["applicant", "reviewer_a"])
def test_city_page_forbidden_to_other_roles(apply_window, request, persona):
    response = login(request.getfixturevalue(persona)).get("/city/")

    assert response.status_code == 403


def test_review_queue_shows_own_district(apply_window, reviewer_a, submitted, client_for):
    response = client_for(reviewer_a).get("/review/")

    assert response.status_code == 200
    # The 初审 queue (ui helper): its rows link to the body's review page.
    assert list(response.context["rows"]) == [submitted]
    assert f'<a href="/review/{submitted.key}/">{submitted.applicant_name}</a>' in response.content.decode()


def test_city_page_shows_reported(apply_window, city_user, application, client_for):
    set_status(application, Status.REPORTED, "2021-CZ-001")

    response = client_for(city_user).get("/city/")

    assert response.status_code == 200
    assert list(response.context["applications"]) == [application]
    assert f'<a href="/apply/{application.key}/">{application.applicant_name}</a>' in response.content.decode()


# --- anonymous -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "method"), APPLICATION_URLS, ids=ids(APPLICATION_URLS))
def test_anonymous_redirected_to_login_from_application_urls(apply_window, client, application, scan, name, method):
    """The PDF URL too: the login check comes before the PDF module is even imported."""
    before = state(application)
    url = url_for(name, application, scan)

    response = hit(client, name, method, application, scan)

    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")
    assert state(application) == before


@pytest.mark.parametrize("url", ["/apply/", "/apply/new/", "/review/", "/city/"])
def test_anonymous_redirected_to_login_from_lists(apply_window, client, campaign, url):
    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")


# --- does not leak -------------------------------------------------------------------------------


def test_lists_do_not_leak(
    apply_window, campaign, unit, other_unit, body_a, applicant, reviewer_a, reviewer_b, city_user
):
    """Applications in every status, in both districts and in two units of district A: each list
    holds exactly what its reader may see, newest first."""
    neighbour = UnitFactory(name="柳州市城中区邻居单位", parent=body_a)
    made = {}
    rows = [
        ("A自己的草稿", unit, Status.DRAFT),
        ("A自己的已提交", unit, Status.SUBMITTED),
        ("A自己的已报送", unit, Status.REPORTED),
        ("A邻居的草稿", neighbour, Status.DRAFT),
        ("A邻居的已提交", neighbour, Status.SUBMITTED),
        ("A邻居的退回", neighbour, Status.RETURNED),
        ("A邻居的已推荐", neighbour, Status.RECOMMENDED),
        ("A邻居的已命名", neighbour, Status.NAMED),
        ("B的草稿", other_unit, Status.DRAFT),
        ("B的已提交", other_unit, Status.SUBMITTED),
        ("B的已报送", other_unit, Status.REPORTED),
        ("B的考核合格", other_unit, Status.PASSED),
    ]
    for minute, (name, owner, status) in enumerate(rows):
        application = ApplicationFactory(campaign=campaign, unit=owner, applicant_name=name, status=status)
        # A known order: the later in `rows`, the more recently updated.
        Application.objects.filter(pk=application.pk).update(updated_at=application.updated_at.replace(minute=minute))
        made[name] = application

    def listed(user, url, key):
        client = login(user)
        response = client.get(url)
        assert response.status_code == 200
        items = response.context["rows" if key == "queue" else key]
        return [(row["application"] if key == "rows" else row).applicant_name for row in items]

    assert listed(applicant, "/apply/", "rows") == ["A自己的已报送", "A自己的已提交", "A自己的草稿"]
    # The 初审 queue (ui helper) lists in the order of submission, not of the last change.
    assert sorted(listed(reviewer_a, "/review/", "queue")) == sorted([
        "A邻居的已命名",
        "A邻居的已推荐",
        "A邻居的退回",
        "A邻居的已提交",
        "A自己的已报送",
        "A自己的已提交",
    ])
    assert sorted(listed(reviewer_b, "/review/", "queue")) == sorted(["B的考核合格", "B的已报送", "B的已提交"])
    assert listed(city_user, "/city/", "applications") == [
        "B的考核合格",
        "B的已报送",
        "A邻居的已命名",
        "A自己的已报送",
    ]


@pytest.mark.parametrize(
    "statuses",
    [[Status.SUBMITTED], [Status.SUBMITTED, Status.RETURNED, Status.RECOMMENDED]],
    ids=["1 row", "3 rows"],
)
def test_review_queue_query_count_is_constant(
    apply_window, reviewer_a, campaign, unit, client_for, django_assert_num_queries, statuses
):
    for i, status in enumerate(statuses, start=1):
        ApplicationFactory(campaign=campaign, unit=unit, status=status, number=f"2021-CZ-{i:03d}")
    client = client_for(reviewer_a)

    # The 初审 queue (ui helper): 1 session, 2 user with its organisation, 3 campaign, 4 extension,
    # 5 filing, 6 page count, 7 rows, 8 submitted versions of returned ones (once, not per row),
    # 9 counts by status, 10 quota (the places taken are summed from 9, no query of their own); the
    # session is not written (refreshed at login).
    with django_assert_num_queries(10):
        response = client.get("/review/")

    assert sorted(a.status for a in response.context["rows"]) == sorted(statuses)
