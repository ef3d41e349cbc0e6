"""Uploads of the stamped scan (DESIGN §8): PDF, JPEG and PNG judged by content (a PDF parsed by
pypdf, an image decoded whole and re-encoded), a size limit per file, a count and total size limit per
application, stored outside static, served only through the view that checks access; deleting asks first."""

import hashlib
import io
import struct
import threading
import time
import zlib
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from PIL import Image

from applications import phrases
from applications.models import Application, Attachment, Status
from applications.services import attachment_add
from tests.factories import force_update, pdf_bytes, shanghai

PDF = pdf_bytes()
HTML_AS_PDF = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture
def storage_root(settings) -> Path:
    return Path(settings.STORAGES["default"]["OPTIONS"]["location"])


def image_bytes(kind: str, size: tuple[int, int] = (8, 6), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 60)).save(buffer, format=kind, **save)
    return buffer.getvalue()


def pdf_of_size(size: int) -> bytes:
    """A valid PDF of exactly `size` bytes (padded in its metadata, since what follows %%EOF is cut)."""
    from pypdf import PdfWriter

    def build(padding: int) -> bytes:
        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        writer.add_metadata({"/Keywords": "x" * padding})
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    padding = size - len(build(0))
    while len(data := build(padding)) != size:  # offsets in the xref table may gain a digit
        padding += size - len(data)
    return data


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
    force_update(Application.objects.filter(pk=application.pk), status=Status.SUBMITTED, number="2021-CZ-001")


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
    attachment = application.attachments.get()
    with attachment.file.open("rb") as f:
        stored = f.read()
    # A PDF is stored as sent; an image as re-encoded, with the same pixels (see test_image_reencoded_*).
    if kind == "pdf":
        assert stored == data
    else:
        with Image.open(io.BytesIO(stored)) as image:
            assert (image.format, image.size) == (kind, (8, 6))
    assert attachments_of(application) == [(name, content_type, len(stored), hashlib.sha256(stored).hexdigest())]
    # Stored under a random name outside static, with nothing of the user's file name in it.
    assert stored_files(storage_root) == [stored]
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
    assert [row[:2] for row in attachments_of(application)] == [
        ("a.pdf", "application/pdf"),
        ("b.png", "image/png"),
        ("c.jpg", "image/jpeg"),
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
        ("readme.txt", b"just text"),
    ],
    ids=["html-named-pdf", "text"],
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
    data = pdf_of_size(1024)

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
    upload(client_for(applicant), application, ("scan.png", image_bytes("PNG")))
    attachment = application.attachments.get()
    with attachment.file.open("rb") as f:
        png = f.read()

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
    force_update(Application.objects.filter(pk=application.pk), status=status, number="2021-CZ-001")

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


# --- hostile PDFs --------------------------------------------------------------------------------


def raw_pdf(*, catalog: bytes = b"", page: bytes = b"", objects: tuple[bytes, ...] = (), trailer: bytes = b"") -> bytes:
    """A PDF written by hand, with a correct cross-reference table: objects 1 (catalog), 2 (pages),
    3 (one page) with extra entries, then `objects` as 4, 5, ..."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page + b" >>",
        *objects,
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, trailer, xref)
    return bytes(out)


def object_stream_pdf(action: bytes, packed: bytes | None = None) -> bytes:
    """A PDF 1.5 whose dictionaries all sit in one compressed object stream (as Word and most
    writers since 2003 save them), indexed by a cross-reference stream; object 4 is `action`.
    `packed` replaces the stream's compressed data (a bomb, say)."""
    inner = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        action,
    ]
    offsets, body = [], b""
    for item in inner:
        offsets.append(len(body))
        body += item + b"\n"
    header = b" ".join(b"%d %d" % (number, offset) for number, offset in enumerate(offsets, start=1)) + b"\n"
    packed = packed or zlib.compress(header + body)
    out = bytearray(b"%PDF-1.5\n")
    stream_at = len(out)
    out += b"5 0 obj\n<< /Type /ObjStm /N 4 /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (
        len(header),
        len(packed),
    )
    out += packed + b"\nendstream\nendobj\n"
    xref_at = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 2, 5, index) for index in range(4)]
    rows += [struct.pack(">BIH", 1, stream_at, 0), struct.pack(">BIH", 1, xref_at, 0)]
    table = b"".join(rows)
    out += b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def written_pdf(change) -> bytes:
    """A PDF made with pypdf's writer, changed by `change(writer)` first."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _encrypt(writer) -> None:
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")


HOSTILE_PDFS = {
    "openaction-javascript": (raw_pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), "UPLOAD_PDF_SCRIPT"),
    "names-javascript": (
        raw_pdf(catalog=b"/Names << /JavaScript << /Names [(a) 4 0 R] >> >>", objects=(b"<< /JS (app.alert(1)) >>",)),
        "UPLOAD_PDF_SCRIPT",
    ),
    "javascript-in-object-stream": (object_stream_pdf(b"<< /S /JavaScript /JS (app.alert(1)) >>"), "UPLOAD_PDF_SCRIPT"),
    "launch-in-object-stream": (object_stream_pdf(b"<< /S /Launch /F (cmd.exe) >>"), "UPLOAD_PDF_LAUNCH"),
    "object-stream-bomb": (
        object_stream_pdf(b"null", packed=zlib.compress(b"\0" * 80_000_000, 9)),  # pypdf stops at 75 MB
        "UPLOAD_PDF_UNREADABLE",
    ),
    "page-additional-actions": (raw_pdf(page=b"/AA << /O << /S /GoTo /D [3 0 R /Fit] >> >>"), "UPLOAD_PDF_SCRIPT"),
    "link-annotation-javascript": (
        raw_pdf(
            page=b"/Annots [4 0 R]",
            objects=(b"<< /Type /Annot /Subtype /Link /Rect [0 0 99 99] /A << /S /JavaScript /JS 5 0 R >> >>", b"(x)"),
        ),
        "UPLOAD_PDF_SCRIPT",
    ),
    "form-field-action": (
        raw_pdf(
            catalog=b"/AcroForm << /Fields [4 0 R] >>",
            objects=(b"<< /FT /Btn /T (ok) /Rect [0 0 9 9] /AA << /U << /S /ResetForm >> >> >>",),
        ),
        "UPLOAD_PDF_SCRIPT",
    ),
    "xfa-form": (raw_pdf(catalog=b"/AcroForm << /Fields [] /XFA 4 0 R >>", objects=(b"(<xdp/>)",)), "UPLOAD_PDF_SCRIPT"),
    "launch": (raw_pdf(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) >>"), "UPLOAD_PDF_LAUNCH"),
    "launch-name-escaped": (raw_pdf(catalog=b"/OpenAction << /S /#4Caunch /F (cmd.exe) >>"), "UPLOAD_PDF_LAUNCH"),
    "javascript-name-escaped": (raw_pdf(catalog=b"/OpenAction << /S /Java#53cript /J#53 (x) >>"), "UPLOAD_PDF_SCRIPT"),
    "submit-form": (
        raw_pdf(page=b"/Annots [<< /Subtype /Link /Rect [0 0 9 9] /A << /S /SubmitForm /F (http://x) >> >>]"),
        "UPLOAD_PDF_LAUNCH",
    ),
    "embedded-files": (
        written_pdf(lambda writer: writer.add_attachment("payload.exe", b"MZ...")),
        "UPLOAD_PDF_EMBEDDED",
    ),
    "file-attachment-annotation": (
        raw_pdf(page=b"/Annots [<< /Subtype /FileAttachment /Rect [0 0 9 9] /FS (a.exe) >>]"),
        "UPLOAD_PDF_EMBEDDED",
    ),
    "encrypted": (written_pdf(_encrypt), "UPLOAD_PDF_ENCRYPTED"),
    "polyglot-html": (b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n", "UPLOAD_PDF_UNREADABLE"),
    "no-pages": (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
        "UPLOAD_PDF_UNREADABLE",
    ),
    "deep-nesting": (raw_pdf(page=b"/Junk " + b"[" * 5000 + b"]" * 5000), "UPLOAD_PDF_UNREADABLE"),
    "nesting-past-the-depth-limit": (raw_pdf(page=b"/Junk " + b"[" * 150 + b"]" * 150), "UPLOAD_PDF_TOO_COMPLEX"),
    "too-many-objects": (raw_pdf(objects=tuple(b"(%d)" % i for i in range(10_001))), "UPLOAD_PDF_TOO_COMPLEX"),
}


@pytest.mark.parametrize(("data", "phrase"), list(HOSTILE_PDFS.values()), ids=list(HOSTILE_PDFS))
def test_hostile_pdf_refused_with_its_reason(apply_window, applicant, application, client_for, storage_root, data, phrase):
    started = time.monotonic()
    response = upload(client_for(applicant), application, ("polyglot.html", data))
    elapsed = time.monotonic() - started

    assert messages_of(response) == [f"polyglot.html：{getattr(phrases, phrase)}"]
    assert attachments_of(application) == []
    assert stored_files(storage_root) == []
    assert list(application.events.all()) == []
    assert elapsed < 3  # the check is bounded (PDF_MAX_SECONDS) whatever the file


def test_pdf_messages_say_why():
    assert phrases.UPLOAD_PDF_SCRIPT == (
        "此 PDF 含有脚本（JavaScript）或打开、点击时自动执行的动作，出于安全原因不能上传。"
        "请用扫描仪或“打印为 PDF”重新生成后上传。"
    )
    assert phrases.UPLOAD_PDF_EMBEDDED == (
        "此 PDF 内嵌了其他文件（附件），不能上传。请只上传扫描件本身；其他材料请转为 PDF 后作为单独的文件上传。"
    )


def test_pdf_with_plain_link_and_compressed_content_accepted(apply_window, applicant, application, client_for):
    """A link to a web page and a page whose content stream inflates to 100 MB are fine: the
    content is never decompressed by the check."""
    bomb = zlib.compress(b"0" * 100_000_000, 9)
    data = raw_pdf(
        page=b"/Contents 4 0 R /Annots [<< /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://www.gov.cn) >> >>]",
        objects=(b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(bomb), bomb),),
    )
    started = time.monotonic()
    response = upload(client_for(applicant), application, ("scan.pdf", data))

    assert time.monotonic() - started < 2
    assert messages_of(response) == ["已上传：scan.pdf"]
    assert [row[2] for row in attachments_of(application)] == [len(data)]


def test_pdf_with_object_stream_and_goto_accepted(apply_window, applicant, application, client_for):
    data = object_stream_pdf(b"<< /S /GoTo /D [3 0 R /Fit] >>")

    response = upload(client_for(applicant), application, ("word.pdf", data))

    assert messages_of(response) == ["已上传：word.pdf"]


def test_pdf_stored_up_to_its_end(apply_window, applicant, application, client_for):
    """An HTML page appended after %%EOF is not kept."""
    response = upload(client_for(applicant), application, ("scan.pdf", PDF + b"<html><script>x()</script></html>"))

    attachment = application.attachments.get()
    with attachment.file.open("rb") as f:
        stored = f.read()
    assert messages_of(response) == ["已上传：scan.pdf"]
    assert stored == PDF
    assert (attachment.size, attachment.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())


# --- images --------------------------------------------------------------------------------------


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares `width` × `height` and holds no pixels: huge dimensions, made for nothing."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [
        (20_000, 20_000, "图片尺寸过大：20000×20000，约40000万像素，超过上限4000万像素。"),
        (12_000, 12_000, "图片尺寸过大：12000×12000，约14400万像素，超过上限4000万像素。"),
        (8_000, 5_001, "图片尺寸过大：8000×5001，约4001万像素，超过上限4000万像素。"),
    ],
    ids=["400-megapixels", "144-megapixels", "one-row-over"],
)
def test_image_above_pixel_limit_refused_from_its_header(
    apply_window, applicant, application, client_for, storage_root, width, height, message
):
    started = time.monotonic()
    response = upload(client_for(applicant), application, ("huge.png", png_header(width, height)))

    assert time.monotonic() - started < 1
    assert messages_of(response) == [f"huge.png：{message}请把扫描分辨率设为 300 dpi 左右，或缩小图片后上传。"]
    assert attachments_of(application) == []
    assert stored_files(storage_root) == []


def test_image_at_pixel_limit_accepted(apply_window, applicant, application, client_for, settings):
    settings.UPLOAD_MAX_PIXELS = 48
    upload(client_for(applicant), application, ("8x6.png", image_bytes("PNG", (8, 6))))
    response = upload(client_for(applicant), application, ("7x7.png", image_bytes("PNG", (7, 7))))

    assert messages_of(response) == [
        "7x7.png：图片尺寸过大：7×7，约49像素，超过上限48像素。请把扫描分辨率设为 300 dpi 左右，或缩小图片后上传。"
    ]
    assert [row[0] for row in attachments_of(application)] == ["8x6.png"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("truncated.jpg", image_bytes("JPEG", (640, 480))[:2000]),
        ("truncated.png", image_bytes("PNG", (640, 480))[:300]),
        ("fake.png", b"\x89PNG\r\n\x1a\n" + b"not really an image"),
        ("fake.jpg", b"\xff\xd8\xff" + b"not really a jpeg"),
    ],
    ids=["truncated-jpeg", "truncated-png", "fake-png", "fake-jpeg"],
)
@pytest.mark.parametrize("weasyprint_imported", [False, True])
def test_damaged_image_refused(
    apply_window, applicant, application, client_for, storage_root, monkeypatch, name, data, weasyprint_imported
):
    from PIL import ImageFile

    # Importing WeasyPrint (for any PDF) turns Pillow's truncated-image padding on for the whole process.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", weasyprint_imported)
    response = upload(client_for(applicant), application, (name, data))

    assert messages_of(response) == [f"{name}：图片已损坏或不完整（可能没有传输完），无法完整读取。请重新扫描或拍照后上传。"]
    assert attachments_of(application) == []
    assert stored_files(storage_root) == []
    assert ImageFile.LOAD_TRUNCATED_IMAGES is weasyprint_imported  # WeasyPrint's setting is left as it was


def stored_image(application: Application) -> tuple[bytes, Image.Image]:
    attachment = application.attachments.get()
    with attachment.file.open("rb") as f:
        data = f.read()
    assert (attachment.size, attachment.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    image = Image.open(io.BytesIO(data))
    image.load()
    return data, image


def test_png_stored_without_trailing_script_text_and_exif(apply_window, applicant, application, client_for):
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "<script>alert(1)</script>")
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    png = image_bytes("PNG", pnginfo=text, exif=exif, dpi=(300, 300))
    response = upload(client_for(applicant), application, ("scan.png", png + b"<script>alert(document.cookie)</script>"))

    data, image = stored_image(application)
    assert messages_of(response) == ["已上传：scan.png"]
    assert b"<script>" not in data and b"Camera maker" not in data
    assert (image.text, dict(image.getexif())) == ({}, {})
    assert round(image.info["dpi"][0]) == 300
    assert data.endswith(b"IEND\xaeB`\x82")
    assert image.tobytes() == Image.open(io.BytesIO(png)).tobytes()


def test_jpeg_reencoded_without_exif_gps_and_upright(apply_window, applicant, application, client_for):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x010F] = "Camera maker"
    exif.get_ifd(0x8825)[2] = (24.0, 19.0, 48.0)  # GPSLatitude
    jpeg = image_bytes("JPEG", (80, 60), exif=exif, dpi=(300, 300)) + b"<html>trailing</html>"

    upload(client_for(applicant), application, ("photo.jpg", jpeg))

    data, image = stored_image(application)
    assert image.size == (60, 80)  # turned upright, so the orientation tag is no longer needed
    assert dict(image.getexif()) == {}
    assert b"Camera maker" not in data and b"<html>" not in data
    assert image.info["dpi"] == (300, 300)  # the printed size of a scan is kept


# --- count and total size per application --------------------------------------------------------


def test_batch_crossing_the_file_count_keeps_what_fits(apply_window, applicant, application, client_for, settings):
    settings.UPLOAD_MAX_FILES = 2
    response = upload(client_for(applicant), application, ("1.pdf", PDF), ("2.pdf", PDF), ("3.pdf", PDF))

    assert messages_of(response) == [
        "已上传：1.pdf",
        "已上传：2.pdf",
        "3.pdf：附件数量已达上限：每份申报最多 2 个文件，此文件未上传。如需替换，请先删除不需要的附件。",
    ]
    assert [row[0] for row in attachments_of(application)] == ["1.pdf", "2.pdf"]
    # Full: the page says so and offers no upload form.
    assert response.context["quota"].files_left == 0
    assert f'action="/apply/{application.key}/attachments/"' not in response.content.decode()


def test_total_size_exactly_at_the_limit_accepted(apply_window, applicant, application, client_for, settings):
    settings.UPLOAD_MAX_TOTAL_BYTES = 2 * len(PDF)
    response = upload(client_for(applicant), application, ("1.pdf", PDF), ("2.pdf", PDF))

    assert messages_of(response) == ["已上传：1.pdf", "已上传：2.pdf"]
    assert sum(row[2] for row in attachments_of(application)) == settings.UPLOAD_MAX_TOTAL_BYTES


def test_total_size_one_byte_over_refused(apply_window, applicant, application, client_for, settings, storage_root):
    settings.UPLOAD_MAX_TOTAL_BYTES = 2 * len(PDF) - 1
    response = upload(client_for(applicant), application, ("1.pdf", PDF), ("2.pdf", PDF))

    assert messages_of(response) == [
        "已上传：1.pdf",
        "2.pdf：附件总大小将超出上限：每份申报最多 0.8 KB，此文件 0.5 KB，剩余空间 0.4 KB，此文件未上传。"
        "请先删除不需要的附件，或压缩后上传。",
    ]
    assert [row[0] for row in attachments_of(application)] == ["1.pdf"]
    assert stored_files(storage_root) == [PDF]


def test_quota_shown_on_the_page(apply_window, applicant, application, client_for, settings):
    settings.UPLOAD_MAX_TOTAL_BYTES = 30 * 1024 * 1024
    settings.UPLOAD_MAX_FILES = 10
    response = upload(client_for(applicant), application, ("a.pdf", pdf_of_size(1024 * 1024)))

    assert (
        "已上传 1 个文件，共 1 MB；还可上传 9 个、29 MB（每份申报最多 10 个文件、共 30 MB，单个文件不超过 10 MB）。"
        in response.content.decode()
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes one writer at a time anyway")
@pytest.mark.django_db(transaction=True)
def test_two_uploads_at_once_cannot_pass_the_count(apply_window, applicant, application, settings):
    """Both requests see one place left; the row lock lets only one of them take it."""
    settings.UPLOAD_MAX_FILES = 1
    barrier = threading.Barrier(2)
    outcomes = []

    def one_upload(name: str) -> None:
        from django.core.exceptions import ValidationError
        from django.db import connections

        barrier.wait()
        try:
            attachment_add(application=application, user=applicant, upload=SimpleUploadedFile(name, PDF))
            outcomes.append("stored")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one_upload, args=(f"{i}.pdf",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["count_limit", "stored"]
    assert application.attachments.count() == 1


# --- delete asks first ---------------------------------------------------------------------------


def test_delete_asks_first_then_deletes(apply_window, applicant, application, scan, client_for, django_capture_on_commit_callbacks):
    client = client_for(applicant)
    url = f"/apply/{application.key}/attachments/{scan.pk}/delete/"

    detail = client.get(f"/apply/{application.key}/").content.decode()
    question = client.get(url)
    html = question.content.decode()

    assert f'href="{url}"' in detail  # 删除 on the detail page is a link to the question, not a form
    assert question.status_code == 200
    assert "盖章扫描件.pdf" in html
    assert '<form method="post">' in html and ">确认删除</button>" in html
    assert [row[0] for row in attachments_of(application)] == ["盖章扫描件.pdf"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert messages_of(response) == ["已删除附件：盖章扫描件.pdf"]
    assert attachments_of(application) == []


def test_delete_question_for_outsider_is_404(other_applicant, reviewer_b, application, scan):
    submit(application)
    for user in (other_applicant, reviewer_b):
        client = Client()
        client.force_login(user)
        assert client.get(f"/apply/{application.key}/attachments/{scan.pk}/delete/").status_code == 404
    assert [row[0] for row in attachments_of(application)] == ["盖章扫描件.pdf"]


def test_delete_question_once_in_review_says_frozen(applicant, application, scan, client_for):
    force_update(Application.objects.filter(pk=application.pk), status=Status.RECOMMENDED, number="2021-CZ-001")

    response = client_for(applicant).get(f"/apply/{application.key}/attachments/{scan.pk}/delete/", follow=True)

    assert response.redirect_chain == [(f"/apply/{application.key}/", 302)]
    assert messages_of(response) == [phrases.ATTACHMENTS_FROZEN]
    assert [row[0] for row in attachments_of(application)] == ["盖章扫描件.pdf"]


def test_delete_question_after_deadline_says_closed(applicant, application, scan, client_for):
    with time_machine.travel(shanghai(2020, 9, 21, 0, 0, 0), tick=False):
        response = client_for(applicant).get(f"/apply/{application.key}/attachments/{scan.pk}/delete/", follow=True)
        shown = messages_of(response)

    assert response.redirect_chain == [(f"/apply/{application.key}/", 302)]
    assert shown == [
        "申报已于2020年9月20日 23:59:59截止，系统不再接受此项操作。"
        "如需延期，请联系所属初审单位或市妇联宣发部。"
    ]
    assert [row[0] for row in attachments_of(application)] == ["盖章扫描件.pdf"]


def test_upload_request_stops_judging_after_its_time_budget(apply_window, applicant, application, client_for, settings):
    """A refused file uses no quota, so without a budget one post of many hostile files would hold
    the worker for minutes; after the budget the rest are named, not judged."""
    settings.UPLOAD_REQUEST_SECONDS = 0  # the first file is always judged
    response = upload(client_for(applicant), application, ("1.pdf", PDF), ("2.pdf", PDF), ("3.pdf", PDF))

    assert messages_of(response) == [
        "已上传：1.pdf",
        "一次上传最多检查约 0 秒，以下文件这次未检查、未上传，请再选一次：2.pdf、3.pdf",
    ]
    assert [row[0] for row in attachments_of(application)] == ["1.pdf"]


def test_upload_of_more_files_than_django_reads_is_a_chinese_400(apply_window, applicant, application, client_for, settings):
    count = settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1
    response = upload(client_for(applicant), application, *[(f"{i}.pdf", PDF) for i in range(count)], follow=False)

    assert (response.status_code, response.templates[0].name if response.templates else None) == (400, "400.html")
    assert list(application.attachments.all()) == []
