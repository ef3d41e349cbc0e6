"""Judge an upload by its content, for every stage that takes files (申报 scans now, 初审 material and
city documents later): one validator, `check_upload`, and one quota rule, `check_quota`.

A file is accepted only if it is what it claims to be, read by a real parser:

- a PDF must open with pypdf and carry nothing that runs or hides: no JavaScript (/JS, /JavaScript
  actions or name tree, /AA additional actions, XFA forms, which carry scripts), no launch, submit or
  import actions, no embedded files, no encryption (a reviewer must be able to open and print it, and
  we could not look inside). Only object dictionaries are read; page content is never decompressed.
  Hostile files (bombs, deep nesting, thousands of objects, broken cross-references) are bounded by an
  object count, a nesting depth and a time budget, and any error of the parser is a refusal, never a 500.
  What follows the last %%EOF (an HTML page appended to a real PDF) is not stored.
- an image (JPEG, PNG) must decode whole, within a pixel limit read from its header before decoding.
  What is stored is then rebuilt from what was checked, not the upload: that drops whatever rides along
  with the pixels — data after the image's end (a script appended after IEND/EOI, a polyglot), EXIF
  (GPS position, camera serial, the phone owner's name), XMP, comments and text chunks. A JPEG is
  re-encoded from its decoded pixels, with the EXIF orientation applied first (a phone photo stays
  upright) and its own quantisation tables (no visible loss, no growth); a PNG, being lossless, keeps
  its compressed pixel data and loses every other chunk (re-compressing it would take tens of seconds
  at 40 megapixels). Both keep the resolution (dpi, the printed size of a scan) and the colour profile.

Each refusal is a ValidationError with its own code (the kinds counted in bench/uploads.py) and its
own message from the phrase book.
"""

import dataclasses
import io
import re
import threading
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from applications import phrases

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
SIGNATURES = [
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
]
EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",)}

# Bounds on the PDF check. A scanned or exported form of a few pages has tens to a few hundred objects.
PDF_MAX_OBJECTS = 10_000
PDF_MAX_DEPTH = 100  # nesting of arrays and dictionaries inside one object
PDF_MAX_SECONDS = 1.5
PDF_MAX_XREF_ENTRIES = 100_000  # what a cross-reference stream may declare (pypdf's default is 2 million)
XREF_START = re.compile(rb"xref\s|\d{1,10}\s+\d{1,5}\s+obj\b")  # a table, or a cross-reference stream

# Names (pypdf keeps the slash) that make a PDF do something by itself.
SCRIPT_KEYS = {"/JS", "/JavaScript", "/AA", "/XFA"}
SCRIPT_ACTIONS = {"/JavaScript"}
LAUNCH_ACTIONS = {"/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/RichMediaExecute"}
EMBEDDED_KEYS = {"/EmbeddedFiles", "/EF"}


@dataclasses.dataclass(frozen=True)
class CheckedFile:
    """What to store: the bytes (re-encoded for images), their real type and the name to show."""

    content: bytes
    content_type: str
    name: str


def size_text(n: int, *, round_up: bool = False) -> str:
    """Bytes for people, to one decimal in KB or MB; a refused size is rounded up so it never reads as the limit."""
    unit, name = (1024 * 1024, "MB") if n >= 1024 * 1024 else (1024, "KB")
    tenths = -(-n * 10 // unit) if round_up else n * 10 // unit
    whole, fraction = divmod(tenths, 10)
    return f"{whole} {name}" if fraction == 0 else f"{whole}.{fraction} {name}"


def pixels_text(n: int, *, round_up: bool = False) -> str:
    """A pixel count in 万像素 (in 像素 below ten thousand); a refused count is rounded up so that it
    never reads as the limit."""
    if n < 10_000:
        return f"{n}像素"
    return f"{-(-n // 10_000) if round_up else n // 10_000}万像素"


def stored_name(name: str, content_type: str) -> str:
    """The uploaded file's name, with the extension of what it really is (a PDF named .html ends in .pdf)."""
    name = (name or "未命名文件").replace("/", "_").replace("\\", "_")
    extensions = EXTENSIONS[content_type]
    if name.lower().endswith(extensions):
        return name[-200:]
    return name[: 200 - len(extensions[0])] + extensions[0]


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def check_upload(upload: UploadedFile) -> CheckedFile:
    """The file to store, or ValidationError saying why not (size, type, PDF content, image content)."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise _refuse(phrases.UPLOAD_EMPTY, "empty")
    if upload.size > limit:
        raise _refuse(
            phrases.UPLOAD_TOO_LARGE.format(limit=size_text(limit), size=size_text(upload.size, round_up=True)),
            "too_large",
        )
    upload.seek(0)
    data = upload.read()  # at most UPLOAD_MAX_BYTES
    upload.seek(0)
    content_type = next((t for magic, t in SIGNATURES if data.startswith(magic)), None)
    if content_type is None:
        raise _refuse(phrases.UPLOAD_BAD_TYPE, "bad_type")
    if content_type == PDF:
        data = check_pdf(data)
    else:
        data = clean_image(data, content_type)
    return CheckedFile(content=data, content_type=content_type, name=stored_name(upload.name, content_type))


# --- PDF ----------------------------------------------------------------------------------------


def check_pdf(data: bytes) -> bytes:
    """The PDF up to its last %%EOF (what is appended after it, like a page of HTML, is not kept), or
    ValidationError if it does not open or carries scripts, actions, embedded files or encryption."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    # pypdf reads byte by byte, in Python, where a file is broken: looking for %%EOF from the end, and
    # past the place startxref points to when that is not a cross-reference (megabytes of junk there
    # cost it 1 to 15 seconds). Check both here with regular expressions; a PDF that fails them
    # would open only after repair, and is refused as damaged.
    end = data.rfind(b"%%EOF")
    pointer = re.search(rb"startxref\s+(\d{1,10})\s*$", data[max(end - 1024, 0) : end]) if end > 0 else None
    if pointer is None or not XREF_START.match(data, int(pointer.group(1))):
        raise _refuse(phrases.UPLOAD_PDF_UNREADABLE, "pdf_unreadable")
    eol = data[end + 5 : end + 7]
    data = data[: end + 5] + (eol if eol == b"\r\n" else eol[:1] if eol[:1] in (b"\r", b"\n") else b"")
    deadline = time.monotonic() + PDF_MAX_SECONDS
    try:
        reader = PdfReader(io.BytesIO(data), xref_stream_maximum_entries=PDF_MAX_XREF_ENTRIES)
        if reader.is_encrypted:
            raise _refuse(phrases.UPLOAD_PDF_ENCRYPTED, "pdf_encrypted")
        references = [(number, generation) for generation, table in reader.xref.items() for number in table]
        references += [(number, 0) for number in reader.xref_objStm]
        if len(references) > PDF_MAX_OBJECTS:
            raise _refuse(phrases.UPLOAD_PDF_TOO_COMPLEX, "pdf_too_complex")
        _inspect_pdf_object(reader.trailer, deadline)
        for number, generation in references:
            _inspect_pdf_object(reader.get_object(IndirectObject(number, generation, reader)), deadline)
        if len(reader.pages) == 0:
            raise _refuse(phrases.UPLOAD_PDF_UNREADABLE, "pdf_unreadable")
        return data
    except ValidationError:
        raise
    except Exception as exc:
        # pypdf's own errors, and whatever a hostile file provokes in it (RecursionError on deep
        # nesting, MemoryError, ValueError, KeyError...): the file does not open as a PDF.
        raise _refuse(phrases.UPLOAD_PDF_UNREADABLE, "pdf_unreadable") from exc


def _inspect_pdf_object(root, deadline: float) -> None:
    """Look through one object's dictionaries and arrays, without following references (every
    indirect object is inspected in its own turn) and without decoding any stream."""
    from pypdf.generic import ArrayObject, DictionaryObject

    if time.monotonic() > deadline:
        raise _refuse(phrases.UPLOAD_PDF_TOO_COMPLEX, "pdf_too_complex")
    stack = [(root, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > PDF_MAX_DEPTH:
            raise _refuse(phrases.UPLOAD_PDF_TOO_COMPLEX, "pdf_too_complex")
        if isinstance(item, DictionaryObject):  # also a stream's dictionary; its data stays encoded
            keys = set(item.keys())
            action = item.get("/S") if "/S" in keys else None
            action = action if isinstance(action, str) else None
            if keys & SCRIPT_KEYS or action in SCRIPT_ACTIONS:
                raise _refuse(phrases.UPLOAD_PDF_SCRIPT, "pdf_script")
            if action in LAUNCH_ACTIONS:
                raise _refuse(phrases.UPLOAD_PDF_LAUNCH, "pdf_launch")
            if keys & EMBEDDED_KEYS or item.get("/Subtype") == "/FileAttachment" or item.get("/Type") == "/EmbeddedFile":
                raise _refuse(phrases.UPLOAD_PDF_EMBEDDED, "pdf_embedded")
            stack.extend((value, depth + 1) for value in dict.values(item))
        elif isinstance(item, ArrayObject):
            stack.extend((value, depth + 1) for value in list.__iter__(item))


# --- Images -------------------------------------------------------------------------------------


def clean_image(data: bytes, content_type: str) -> bytes:
    """The image decoded whole, then rebuilt without extras (see the module's docstring), or ValidationError.

    The header is read by the format's own Pillow class rather than Image.open, so that the pixel
    limit is ours (checked before any decoding, with our message) and Pillow's DecompressionBombError
    never fires."""
    from PIL import Image, ImageOps, JpegImagePlugin, PngImagePlugin

    opener = PngImagePlugin.PngImageFile if content_type == PNG else JpegImagePlugin.JpegImageFile
    try:
        image = opener(io.BytesIO(data))
    except Exception as exc:
        raise _refuse(phrases.UPLOAD_IMAGE_DAMAGED, "image_damaged") from exc
    width, height = image.size
    limit = settings.UPLOAD_MAX_PIXELS
    if width * height > limit:
        raise _refuse(
            phrases.UPLOAD_IMAGE_TOO_MANY_PIXELS.format(
                width=width, height=height, pixels=pixels_text(width * height, round_up=True), limit=pixels_text(limit)
            ),
            "image_too_many_pixels",
        )
    try:
        _load_whole(image)
        if content_type == PNG:
            return _png_without_extras(data)
        ImageOps.exif_transpose(image, in_place=True)
        keep = {key: image.info[key] for key in ("dpi", "icc_profile") if image.info.get(key)}
        out = io.BytesIO()
        image.save(out, format="JPEG", quality="keep", **keep)
    except (Image.DecompressionBombError, MemoryError) as exc:
        raise _refuse(
            phrases.UPLOAD_IMAGE_TOO_MANY_PIXELS.format(
                width=width, height=height, pixels=pixels_text(width * height, round_up=True), limit=pixels_text(limit)
            ),
            "image_too_many_pixels",
        ) from exc
    except Exception as exc:
        raise _refuse(phrases.UPLOAD_IMAGE_DAMAGED, "image_damaged") from exc
    return out.getvalue()


_TRUNCATION_SWITCH = threading.Lock()


def _load_whole(image) -> None:
    """Decode every pixel, or raise if the file ends early. WeasyPrint sets Pillow's process-wide
    ImageFile.LOAD_TRUNCATED_IMAGES to True when imported (weasyprint/images.py), after which Pillow
    pads a truncated image with grey instead of raising; it is switched off for this one load."""
    from PIL import ImageFile

    with _TRUNCATION_SWITCH:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


# The chunks of a PNG that describe its pixels; text (tEXt, zTXt, iTXt), EXIF (eXIf), time and
# animation chunks, and whatever follows IEND, are dropped.
PNG_PIXEL_CHUNKS = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"pHYs", b"iCCP", b"sRGB", b"gAMA", b"cHRM", b"sBIT"}


def _png_without_extras(data: bytes) -> bytes:
    """The PNG rewritten with its pixel chunks only (the compressed pixels are copied, not re-encoded:
    re-compressing 40 megapixels takes Pillow 10 to 40 seconds, copying takes milliseconds)."""
    import struct

    out, position = [data[:8]], 8
    while position + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        end = position + 12 + length
        if end > len(data):
            raise _refuse(phrases.UPLOAD_IMAGE_DAMAGED, "image_damaged")
        if kind in PNG_PIXEL_CHUNKS:
            out.append(data[position:end])
        position = end
        if kind == b"IEND":
            return b"".join(out)
    raise _refuse(phrases.UPLOAD_IMAGE_DAMAGED, "image_damaged")  # no IEND: incomplete


# --- How many files, how many bytes -------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Quota:
    """Files and bytes one owner (an application) holds, against the limits in the settings."""

    files: int
    size: int

    @property
    def max_files(self) -> int:
        return settings.UPLOAD_MAX_FILES

    @property
    def max_size(self) -> int:
        return settings.UPLOAD_MAX_TOTAL_BYTES

    @property
    def files_left(self) -> int:
        return max(self.max_files - self.files, 0)

    @property
    def size_left(self) -> int:
        return max(self.max_size - self.size, 0)

    @property
    def text(self) -> str:
        """The line shown above the upload form."""
        return phrases.UPLOAD_QUOTA.format(
            files=self.files,
            size=size_text(self.size),
            max_files=self.max_files,
            max_size=size_text(self.max_size),
            files_left=self.files_left,
            size_left=size_text(self.size_left),
            file_limit=size_text(settings.UPLOAD_MAX_BYTES),
        )


def check_quota(quota: Quota, size: int) -> None:
    """Refuse one more file of `size` bytes if it would pass the count or the total size limit.
    The caller holds a lock on the owner's row, so that two uploads at once cannot both pass."""
    if quota.files + 1 > quota.max_files:
        raise _refuse(phrases.UPLOAD_COUNT_LIMIT.format(max_files=quota.max_files), "count_limit")
    if quota.size + size > quota.max_size:
        raise _refuse(
            phrases.UPLOAD_TOTAL_LIMIT.format(
                max_size=size_text(quota.max_size),
                size=size_text(size, round_up=True),
                size_left=size_text(quota.size_left),
            ),
            "total_limit",
        )


def quota_of(files) -> Quota:
    """The quota used by a queryset of stored files (any model with a `size` field), in one query."""
    from django.db.models import Count, Sum

    used = files.aggregate(files=Count("pk"), size=Sum("size"))
    return Quota(files=used["files"], size=used["size"] or 0)
