"""The certificates of the named posts as ONE PDF: one A4 page per post (DESIGN §7).

Each page prints the post's full name, "被命名为{year}年度柳州市“巾帼文明岗”", 柳州市妇女联合会, the
issue date in Chinese numerals (二〇二一年八月十六日), the certificate number and a QR code (segno,
inline SVG) that encodes the certificate's public verification page on the site's configured
address. All pages are one WeasyPrint document (`break-after: page`): the fonts are loaded and
subsetted once for the whole batch, so the time grows with the pages and little else
(bench/certificates.py). A request renders at most PART_SIZE certificates; the naming page links
the parts.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from applications.pdf import html_to_pdf
from review.city import phrases
from review.models import Certificate

TEMPLATE = "pdf/certificate.html"
PART_SIZE = 60
DIGITS = "〇一二三四五六七八九"
# Longer names print in a smaller size (22 pt fits about 18 characters a line, three lines).
LONG_NAME = 48


def chinese_number(value: int) -> str:
    """1..99 as written in a date: 一, 十, 十六, 二十, 三十一."""
    tens, ones = divmod(value, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else DIGITS[tens]) + "十"
    if ones or not tens:
        text += DIGITS[ones]
    return text


def chinese_date(day: dt.date) -> str:
    """二〇二一年八月十六日: the year digit by digit, month and day as numbers."""
    year = "".join(DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


def qr_svg(url: str) -> SafeString:
    """An inline SVG QR code of `url` (segno; no XML declaration, sized by the CSS)."""
    import segno

    code = segno.make(url, error="m", micro=False)
    return mark_safe(code.svg_inline(scale=1, border=0, omitsize=True, svgclass="qr", dark="#000"))


@dataclass(frozen=True)
class CertificatePage:
    name: str
    title: str
    issuer: str
    date: str
    number: str
    qr: SafeString

    @property
    def long(self) -> bool:
        return len(self.name) > LONG_NAME


def certificate_page(certificate: Certificate, verify_url: str) -> CertificatePage:
    year = certificate.campaign.year
    return CertificatePage(
        name=certificate.application.applicant_name,
        title=phrases.CERTIFICATE_TITLE.format(year=year),
        issuer=phrases.CERTIFICATE_ISSUER,
        date=chinese_date(certificate.issued_on),
        number=certificate.number,
        qr=qr_svg(verify_url),
    )


def part_count(total: int, size: int = PART_SIZE) -> int:
    return max(1, math.ceil(total / size))


def part_of(certificates: list, part: int, size: int = PART_SIZE) -> list:
    """The certificates of part `part` (1-based); IndexError when there is no such part."""
    if part < 1 or part > part_count(len(certificates), size):
        raise IndexError(part)
    return certificates[(part - 1) * size : part * size]


def certificates_html(pages: list[CertificatePage]) -> str:
    return render_to_string(TEMPLATE, {"pages": pages})


def certificates_pdf(certificates: list[Certificate], verify_url) -> bytes:
    """One PDF, one page per certificate (their campaign and application loaded with them).
    `verify_url(number)` gives the address each QR code encodes."""
    return html_to_pdf(certificates_html([certificate_page(c, verify_url(c.number)) for c in certificates]))
