"""All the recommended (and reported) 附件1 申报表 of a body as one PDF, each with its 意见.

Each application is rendered on its own (applications.pdf) and the PDFs are joined with pypdf.
One HTML document with page breaks is somewhat faster (measured for 20 two-page 申报表 of
bench/pdf.py's full application, on a shared two-CPU machine under load: 5.0 s joined as one HTML,
6.9 s rendered one by one and merged) but prints wrong: each 申报表 numbers its pages "第N页 共M页",
and one document would count 共40页 on every page. Correct pages are worth the 40 %.

A request renders at most PART_SIZE applications (0.35 s each on an idle machine, up to 0.7 s
under load, so a part stays within a few seconds): a body with more gets its PDF in parts, `?part=1`, `?part=2`, …, listed on a
page.
"""

import io
import math

from applications.models import Application
from applications.pdf import application_pdf_html, html_to_pdf

PART_SIZE = 10


def part_count(total: int, size: int = PART_SIZE) -> int:
    return max(1, math.ceil(total / size))


def part_of(applications: list[Application], part: int, size: int = PART_SIZE) -> list[Application]:
    """The applications of part `part` (1-based); IndexError when there is no such part."""
    if part < 1 or part > part_count(len(applications), size):
        raise IndexError(part)
    return applications[(part - 1) * size : part * size]


def bulk_pdf(applications: list[Application]) -> bytes:
    """The 附件1 of each of `applications` (leaders and honours best prefetched), in order, as one PDF."""
    import pypdf

    writer = pypdf.PdfWriter()
    for application in applications:
        pdf = html_to_pdf(application_pdf_html(application))
        writer.append(pypdf.PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/Title": "柳州市巾帼文明岗申报表（初审推荐）", "/Producer": "gangwei"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
