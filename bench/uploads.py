"""Benchmark: the upload check (applications/uploads.py) on hostile and large files.

    python bench/uploads.py

Builds each file in memory (the hostile PDFs of tests/test_uploads.py, PDFs with megabytes of junk
where pypdf would read slowly, broken cross-references, large real images) and runs check_upload on
it three times. Prints, per file, the outcome (accepted, or the refusal's code) and the slowest of the
three runs in milliseconds, then the number of refusals per kind.

Prints one figure per line: `name: value unit`.
"""

import collections
import io
import os
import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gangwei.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from applications.uploads import check_upload
    from tests.factories import pdf_bytes
    from tests.test_uploads import HOSTILE_PDFS, object_stream_pdf, png_header, raw_pdf

    ten_mb = 10 * 1024 * 1024 - 4096
    pdf = pdf_bytes()
    files = {f"pdf_{name}": data for name, (data, _) in HOSTILE_PDFS.items()}
    files["pdf_junk_after_eof_10mb"] = pdf + b"\n" * (ten_mb - len(pdf))
    files["pdf_junk_before_eof_10mb"] = b"%PDF-1.7\n" + b"0" * ten_mb + b"\n%%EOF\n"
    objects = raw_pdf(objects=tuple(b"(%d)" % i for i in range(5000)))
    table = objects.index(b"xref\n0 ")
    padded = objects[:table] + b" " * (ten_mb - len(objects)) + objects[table:]
    # startxref still points to where the table was, now into 10 MB of spaces.
    files["pdf_startxref_into_10mb_of_spaces"] = padded
    # startxref right, every object's offset off by one: pypdf searches the file for each object.
    head, tail = padded.split(b"xref\n", 1)
    lines = tail.split(b"\n")
    lines = [b"%010d 00000 n " % (int(line[:10]) + 1) if line.endswith(b" 00000 n ") else line for line in lines]
    fixed = head + b"xref\n" + b"\n".join(lines)
    files["pdf_5000_objects_wrong_offsets_10mb"] = fixed.replace(
        b"startxref\n%d" % objects.index(b"xref\n0 "), b"startxref\n%d" % len(head)
    )
    # An object stream that inflates to 1 GB (pypdf stops at 75 MB).
    files["pdf_object_stream_bomb_1gb"] = object_stream_pdf(b"null", packed=zlib.compress(b"\0" * 1_000_000_000, 9))
    files["png_400_megapixels_header"] = png_header(20_000, 20_000)
    # The largest images allowed (40 MP; a PNG under the 10 MB limit is a page-like image, mostly
    # white): decoding, and for JPEG re-encoding, is the cost.
    from PIL import ImageChops, ImageDraw

    page = Image.new("RGB", (5000, 8000), (255, 255, 255))
    draw = ImageDraw.Draw(page)
    for row in range(300, 7700, 60):
        for column in range(300, 4700, 220):
            draw.rectangle((column, row, column + 30 + (row * column) % 170, row + 36), fill=(20, 20, 20))
    buffer = io.BytesIO()
    page.save(buffer, format="PNG")
    files["png_40_megapixels_page"] = buffer.getvalue()
    base = Image.linear_gradient("L").resize((8000, 5000))
    grain = Image.effect_noise((8000, 5000), 3)
    buffer = io.BytesIO()
    Image.merge("RGB", (ImageChops.add(base, grain, 2), base, grain)).save(buffer, format="JPEG", quality=85)
    files["jpeg_40_megapixels_photo"] = buffer.getvalue()
    a4 = Image.new("RGB", (2480, 3508), (250, 250, 250))
    buffer = io.BytesIO()
    a4.save(buffer, format="JPEG", quality=85)
    files["jpeg_a4_300dpi_scan"] = buffer.getvalue()

    kinds = collections.Counter()
    worst = ("", 0.0)
    for name, data in files.items():
        slowest, outcome = 0.0, "accepted"
        for _ in range(3):
            upload = SimpleUploadedFile(name, data)
            started = time.perf_counter()
            try:
                check_upload(upload)
                outcome = "accepted"
            except ValidationError as exc:
                outcome = exc.code
            slowest = max(slowest, time.perf_counter() - started)
        kinds[outcome] += 1
        print(f"{name}: {slowest * 1000:.0f} ms ({outcome}, {len(data) / 1024 / 1024:.2f} MB)")
        if not name.endswith(("_page", "_photo", "_scan")) and slowest > worst[1]:
            worst = (name, slowest)
    for kind, count in sorted(kinds.items()):
        print(f"files_{kind}: {count} files")
    print(f"worst_hostile_check ({worst[0]}): {worst[1] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
