"""Judge an upload by its content: PDF, JPEG or PNG, within the size limit."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from applications import phrases

SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]


def size_text(n: int, *, round_up: bool = False) -> str:
    """Bytes for people, to one decimal in KB or MB; a refused size is rounded up so it never reads as the limit."""
    unit, name = (1024 * 1024, "MB") if n >= 1024 * 1024 else (1024, "KB")
    tenths = -(-n * 10 // unit) if round_up else n * 10 // unit
    whole, fraction = divmod(tenths, 10)
    return f"{whole} {name}" if fraction == 0 else f"{whole}.{fraction} {name}"


EXTENSIONS = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",)}


def stored_name(name: str, content_type: str) -> str:
    """The uploaded file's name, with the extension of what it really is (a PDF named .html ends in .pdf)."""
    name = (name or "未命名文件").replace("/", "_").replace("\\", "_")
    extensions = EXTENSIONS[content_type]
    if name.lower().endswith(extensions):
        return name[-200:]
    return name[: 200 - len(extensions[0])] + extensions[0]


def sniff_upload(upload: UploadedFile) -> str:
    """The content type the file really has, or ValidationError (too big, empty, other type)."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(phrases.UPLOAD_EMPTY, code="empty")
    if upload.size > limit:
        raise ValidationError(
            phrases.UPLOAD_TOO_LARGE.format(limit=size_text(limit), size=size_text(upload.size, round_up=True)),
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            if content_type != "application/pdf":
                _verify_image(upload)
            return content_type
    raise ValidationError(phrases.UPLOAD_BAD_TYPE, code="bad_type")


def _verify_image(upload: UploadedFile) -> None:
    from PIL import Image

    try:
        with Image.open(upload) as image:
            image.verify()
    except Exception as exc:
        raise ValidationError(phrases.UPLOAD_BAD_TYPE, code="bad_type") from exc
    finally:
        upload.seek(0)
