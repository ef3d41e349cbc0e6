"""Uploads of the stamped scan (DESIGN §8): PDF, JPEG and PNG judged by content, a size limit,
stored outside static, served only through the view that checks access."""

import hashlib
import io
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from applications import phrases
from applications.models import Application, Attachment, Status
from tests.factories import shanghai

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTML_AS_PDF = b"<html><script>alert(document.cookie)</script></html>"



@pytest.fixture
def storage_root(settings) -> Path:
    return Path(settings.STORAGES["default"]["OPTIONS"]["location"])


def image_bytes(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 60)).save(buffer, format=kind)
    return buffer.getvalue()


def stored_files(root: Path) -> list[bytes]:
    return sorted(p.read_bytes() for p in root.rglob("*") if p.is_file()) if root.exists() else []


def messages_of(response) -> list[str]:
    return [m.message for m in response.context["messages"]]


def upload(client: Client, application: Application, *files: tuple[str, bytes], follow: bool = True):
    return client.post(
        f"/apply/{application.key}/attachments/",
        {"files": [SimpleUploadedFile(name, data) for name, data in files]},
        follow=follow,
    )


def attachments_of(application: Application) -> list[tuple]:
    return list(application.attachments.values_list("original_name", "content_type", "size", "sha256"))


def submit(application: Application) -> None:
    Application.objects.filter(pk=application.pk).update(status=Status.SUBMITTED, number="2021-CZ-001")


# --- accepted ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "content_type"),
    [
        ("盖章扫描件.pdf", "pdf", "application/pdf"),
        ("scan.png", "PNG", "image/png"),
        ("照片.jpg", "JPEG", "image/jpeg"),
    ],
)
def test_upload_stored_listed_and_logged(
    apply_window, applicant, application, client_for, storage_root, name, kind, content_type
):
    data = PDF if kind == "pdf" else image_bytes(kind)

    response = upload(client_for(applicant), application, (name, data))

    assert response.redirect_chain == [(f"/apply/{application.key}/", 302)]
    assert messages_of(response) == [f"已上传：{name}"]
    assert attachments_of(application) == [(name, content_type, len(data), hashlib.sha256(data).hexdigest())]
    attachment = application.attachments.get()
    with attachment.file.open("rb") as f:
        assert f.read() == data
    # Stored under a random name outside static, with nothing of the user's file name in it.
    assert stored_files(storage_root) == [data]
    assert name not in attachment.file.name
    assert Path(attachment.file.path).is_relative_to(storage_root)
    # Listed on the detail page, and written to the timeline.
    assert list(response.context["application"].attachments.all()) == [attachment]
    assert f'<a href="/apply/{application.key}/attachments/{attachment.pk}/">{name}</a>' in response.content.decode()
    assert [(e.label, e.note) for e in response.context["timeline"]] == [("上传附件", name)]


def test_several_files_in_one_post(apply_window, applicant, application, client_for):
    png, jpeg = image_bytes("PNG"), image_bytes("JPEG")

    response = upload(client_for(applicant), application, ("a.pdf", PDF), ("b.png", png), ("c.jpg", jpeg))

    assert messages_of(response) == ["已上传：a.pdf", "已上传：b.png", "已上传：c.jpg"]
    assert [row[:3] for row in attachments_of(application)] == [
        ("a.pdf", "application/pdf", len(PDF)),
        ("b.png", "image/png", len(png)),
        ("c.jpg", "image/jpeg", len(jpeg)),
    ]
    assert list(application.events.values_list("action", "note")) == [
        ("upload", "a.pdf"),
        ("upload", "b.png"),
        ("upload", "c.jpg"),
    ]


def test_bad_file_among_good_ones_refused_alone(apply_window, applicant, application, client_for):
    response = upload(client_for(applicant), application, ("a.pdf", PDF), ("b.pdf", HTML_AS_PDF))

    assert messages_of(response) == ["已上传：a.pdf", f"b.pdf：{phrases.UPLOAD_BAD_TYPE}"]
    assert [row[0] for row in attachments_of(application)] == ["a.pdf"]


# --- refused -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("扫描件.pdf", HTML_AS_PDF),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"not really an image"),
        ("scan.jpg", b"\xff\xd8\xff" + b"not really a jpeg"),
        ("readme.txt", b"just text"),
    ],
    ids=["html-named-pdf", "fake-png", "fake-jpeg", "text"],
)
def test_upload_of_other_content_refused(apply_window, applicant, application, client_for, storage_root, name, data):
    response = upload(client_for(applicant), application, (name, data))

    assert response.redirect_chain == [(f"/apply/{application.key}/", 302)]
    assert messages_of(response) == [f"{name}：{phrases.UPLOAD_BAD_TYPE}"]
    assert phrases.UPLOAD_BAD_TYPE == (
        "只能上传 PDF、JPEG 或 PNG 格式的扫描件；此文件的内容不是这三种格式（与文件名无关）。"
    )
    assert attachments_of(application) == []
    assert stored_files(storage_root) == []
    assert list(application.events.all()) == []


def test_oversized_upload_refused(apply_window, applicant, application, client_for, storage_root, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    data = PDF + b"0" * (1025 - len(PDF))

    response = upload(client_for(applicant), application, ("大文件.pdf", data))

    assert messages_of(response) == ["大文件.pdf：文件过大：单个文件不能超过 1 KB，当前为 1.1 KB。"]
    assert attachments_of(application) == []
    assert stored_files(storage_root) == []


def test_upload_at_the_size_limit_accepted(apply_window, applicant, application, client_for, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    data = PDF + b"0" * (1024 - len(PDF))

    upload(client_for(applicant), application, ("刚好.pdf", data))

    assert [row[:3] for row in attachments_of(application)] == [("刚好.pdf", "application/pdf", 1024)]


def test_oversized_message_in_megabytes(apply_window, applicant, application, client_for, settings):
    """10 MB and one byte must not read as "10.0 MB": the size is rounded up."""
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    data = PDF + b"0" * (10 * 1024 * 1024 + 1 - len(PDF))

    response = upload(client_for(applicant), application, ("scan.pdf", data))

    assert messages_of(response) == ["scan.pdf：文件过大：单个文件不能超过 10 MB，当前为 10.1 MB。"]


def test_empty_upload_refused(apply_window, applicant, application, client_for):
    response = upload(client_for(applicant), application, ("空.pdf", b""))

    assert messages_of(response) == [f"空.pdf：{phrases.UPLOAD_EMPTY}"]
    assert attachments_of(application) == []


def test_post_without_files(apply_window, applicant, application, client_for):
    response = client_for(applicant).post(f"/apply/{application.key}/attachments/", {}, follow=True)

    assert messages_of(response) == ["请先选择要上传的文件。"]
    assert attachments_of(application) == []


@pytest.mark.parametrize(
    ("moment", "stored"),
    [
        (shanghai(2020, 9, 20, 23, 59, 59), ["scan.pdf"]),
        (shanghai(2020, 9, 21, 0, 0, 0), []),
    ],
    ids=["at-deadline", "second-after"],
)
def test_upload_after_deadline_refused(applicant, application, client_for, storage_root, moment, stored):
    with time_machine.travel(moment, tick=False):
        response = upload(client_for(applicant), application, ("scan.pdf", PDF))
        shown = messages_of(response)

    assert response.redirect_chain == [(f"/apply/{application.key}/", 302)]

    assert [row[0] for row in attachments_of(application)] == stored
    if stored:
        assert shown == ["已上传：scan.pdf"]
    else:
        assert shown == [
            "申报已于2020年9月20日 23:59:59截止，系统不再接受此项操作。"
            "如需延期，请联系所属初审单位或市妇联宣发部。"
        ]
        assert stored_files(storage_root) == []


# --- download ------------------------------------------------------------------------------------


@pytest.fixture
def scan(apply_window, applicant, application, client_for) -> Attachment:
    upload(client_for(applicant), application, ("盖章扫描件.pdf", PDF))
    return application.attachments.get()


def test_download_by_owner_returns_exact_bytes(applicant, application, scan, client_for):
    response = client_for(applicant).get(f"/apply/{application.key}/attachments/{scan.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert {
        "Content-Type": response["Content-Type"],
        "Content-Disposition": response["Content-Disposition"],
        "X-Content-Type-Options": response["X-Content-Type-Options"],
        "Cache-Control": response["Cache-Control"],
    } == {
        "Content-Type": "application/pdf",
        "Content-Disposition": "attachment; filename*=utf-8''%E7%9B%96%E7%AB%A0%E6%89%AB%E6%8F%8F%E4%BB%B6.pdf",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }


def test_download_of_image_keeps_its_type(apply_window, applicant, application, client_for):
    png = image_bytes("PNG")
    upload(client_for(applicant), application, ("scan.png", png))
    attachment = application.attachments.get()

    response = client_for(applicant).get(f"/apply/{application.key}/attachments/{attachment.pk}/")

    assert (response["Content-Type"], response["Content-Disposition"]) == (
        "image/png",
        'attachment; filename="scan.png"',
    )
    assert b"".join(response.streaming_content) == png


def test_download_by_other_unit_is_404(other_applicant, application, scan):
    submit(application)
    client = Client()
    client.force_login(other_applicant)

    assert client.get(f"/apply/{application.key}/attachments/{scan.pk}/").status_code == 404


def test_download_by_other_district_is_404(reviewer_b, application, scan):
    submit(application)
    client = Client()
    client.force_login(reviewer_b)

    assert client.get(f"/apply/{application.key}/attachments/{scan.pk}/").status_code == 404


def test_download_by_anonymous_redirects_to_login(application, scan):
    url = f"/apply/{application.key}/attachments/{scan.pk}/"

    response = Client().get(url)

    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")


def test_reviewer_downloads_once_submitted(reviewer_a, application, scan):
    client = Client()
    client.force_login(reviewer_a)
    url = f"/apply/{application.key}/attachments/{scan.pk}/"

    before = client.get(url)
    submit(application)
    after = client.get(url)

    assert before.status_code == 404
    assert (after.status_code, b"".join(after.streaming_content)) == (200, PDF)


# --- delete --------------------------------------------------------------------------------------


def test_delete_by_owner_removes_row_and_file(
    applicant, application, scan, client_for, storage_root, django_capture_on_commit_callbacks
):
    path = Path(scan.file.path)
    assert path.read_bytes() == PDF

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(applicant).post(f"/apply/{application.key}/attachments/{scan.pk}/delete/", follow=True)

    assert messages_of(response) == ["已删除附件：盖章扫描件.pdf"]
    assert attachments_of(application) == []
    assert not path.exists()
    assert stored_files(storage_root) == []
    assert list(application.events.values_list("action", "note")) == [
        ("upload", "盖章扫描件.pdf"),
        ("delete_upload", "盖章扫描件.pdf"),
    ]


def test_delete_after_deadline_refused(applicant, application, scan, client_for, django_capture_on_commit_callbacks):
    with time_machine.travel(shanghai(2020, 9, 21, 0, 0, 0), tick=False):
        client = client_for(applicant)  # logged in now: the session of 1 September has timed out
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/apply/{application.key}/attachments/{scan.pk}/delete/", follow=True)
        shown = messages_of(response)

    assert response.redirect_chain == [(f"/apply/{application.key}/", 302)]
    assert shown == [
        "申报已于2020年9月20日 23:59:59截止，系统不再接受此项操作。"
        "如需延期，请联系所属初审单位或市妇联宣发部。"
    ]
    assert [row[0] for row in attachments_of(application)] == ["盖章扫描件.pdf"]
    assert Path(scan.file.path).read_bytes() == PDF


@pytest.mark.parametrize("status", [Status.RECOMMENDED, Status.REPORTED])
def test_upload_refused_once_in_review(apply_window, applicant, application, client_for, status):
    """After the 初审 body has decided, the attachments are frozen."""
    Application.objects.filter(pk=application.pk).update(status=status, number="2021-CZ-001")

    response = client_for(applicant).post(
        f"/apply/{application.key}/attachments/", {"files": SimpleUploadedFile("late.pdf", PDF)}, follow=True
    )

    assert response.redirect_chain == [(f"/apply/{application.key}/", 302)]
    assert [str(m) for m in response.context["messages"]] == [phrases.ATTACHMENTS_FROZEN]
    assert attachments_of(application) == []


@pytest.mark.parametrize(
    ("name", "stored"),
    [("盖章扫描件.pdf", "盖章扫描件.pdf"), ("scan.PDF", "scan.PDF"), ("x.html", "x.html.pdf"), ("扫描件", "扫描件.pdf")],
)
def test_upload_name_ends_with_the_real_type(apply_window, applicant, application, client_for, name, stored):
    upload(client_for(applicant), application, (name, PDF))
    assert [row[0] for row in attachments_of(application)] == [stored]
