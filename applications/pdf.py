"""附件1 申报表 as a PDF, laid out like the paper form of the notice (DESIGN §7).

The page is HTML + CSS (`templates/pdf/application.html`) rendered by WeasyPrint. The fonts are
Debian's fonts-noto-cjk, found through fontconfig by family name and embedded as subsets:
Noto Serif CJK SC for the text, its Bold face for the title (the honest stand-in for 小标宋),
Noto Sans CJK SC (黑体-like) for "附件1", the labels and the running header. WeasyPrint loads and
subsets each face on every render: the Bold face, for ten characters, costs about 35 ms of a
typical render's 0.34 s (measured against the same page with a regular title), a price the title
is worth. Nothing is fetched from the network: the URL fetcher only allows file: and data: URLs
(the page refers to none today; its CSS is inlined).
"""

import re
import threading
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from applications.models import Application, Honour, Leader, Status
from gangwei.dates import format_date

TEMPLATE = "pdf/application.html"
DRAFT_MARK = "草稿：尚未提交，不能作为正式申报材料盖章报送"
BLANK_DATE = "年　　月　　日"  # to be written by hand under the stamp

REVIEW_BODIES = "县区妇联、柳东新区、北部生态新区（阳和工业新区）党群工作部、市直机关妇工委、市总工会女职委"


@dataclass(frozen=True)
class Fonts:
    """CSS font-family lists (unquoted identifiers: the template puts them inside <style>)."""

    serif: str
    sans: str


CJK_FONTS = Fonts(serif="Noto Serif CJK SC", sans="Noto Sans CJK SC")

# WeasyPrint's fontconfig set-up costs a few tens of milliseconds; one per process is enough.
# Pango and fontconfig are not thread-safe, so renders in one process take turns.
_font_config = None
_render_lock = threading.Lock()


def _text(value: str) -> str:
    """Typed text as it should print: Windows line ends unified, trailing blank lines dropped."""
    return re.sub(r"\r\n?", "\n", value or "").rstrip()


# A number and what it counts print on one line: "30名", "2019年", "98.5%", "10万人次", "3000余小时".
_UNITS = (
    "人次|小时|平方米|公里|千米|万元|"
    "年|月|日|号|时|分|秒|岁|名|人|次|个|位|项|件|家|户|天|周|元|届|期|批|场|所|条|份|台|辆|米|倍|种|支|队|篇|本|册|套|度"
)
_NUMBER_WITH_UNIT = re.compile(rf"\d+(?:[.,．]\d+)*(?:[余多]?[万亿千百]?(?:{_UNITS})|[%％‰])")


def keep_units(text: str) -> SafeString:
    """`text` HTML-escaped, each number and its unit wrapped in a no-break span (class "nobr")."""
    out, position = [], 0
    for match in _NUMBER_WITH_UNIT.finditer(text):
        out.append(escape(text[position : match.start()]))
        out.append(format_html('<span class="nobr">{}</span>', match.group()))
        position = match.end()
    out.append(escape(text[position:]))
    return mark_safe("".join(out))


def paragraphs(text: str) -> list[SafeString]:
    """Typed text as printed paragraphs: one a line, without the blanks typed to indent it (the
    print indents by style), numbers kept with their units (`keep_units`)."""
    return [keep_units(line) for line in (line.strip() for line in _text(text).split("\n")) if line]


def application_pdf_context(
    application: Application,
    leaders: list[Leader] | None = None,
    honours: list[Honour] | None = None,
    *,
    fonts: Fonts = CJK_FONTS,
) -> dict:
    """Everything the template prints. Pass `leaders` / `honours` to render without a database."""
    leaders = list(application.leaders.all()) if leaders is None else list(leaders)
    honours = list(application.honours.all()) if honours is None else list(honours)
    review_opinion = _text(application.review_opinion)
    return {
        "application": application,
        "draft": application.status == Status.DRAFT,
        "draft_mark": DRAFT_MARK,
        "year": application.campaign.year,
        "number": application.number,
        "category": application.get_category_display() if application.category else "",
        "special_reason": _text(application.special_reason),
        "leaders": leaders,
        "honours": honours,
        "achievements": paragraphs(application.achievements),
        "unit_opinion": paragraphs(application.unit_opinion),
        "review_opinion": paragraphs(review_opinion),
        "review_date": format_date(application.review_opinion_at) or BLANK_DATE,
        # An applicant unit always has its 初审 body as parent (a database constraint).
        "review_body": application.unit.parent.name if review_opinion else "",
        "review_bodies": REVIEW_BODIES,
        "blank_date": BLANK_DATE,
        "fonts": fonts,
    }


_UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f\s]+')
_FILENAME_BYTES = 200  # most file systems allow 255 bytes; a CJK character takes 3 in UTF-8


def application_pdf_filename(application: Application) -> str:
    """`<申报编号>-<申报单位>.pdf`, safe on Windows, macOS and Linux file systems."""
    number = application.number or application.key
    name = application.applicant_name or "未命名"
    stem = _UNSAFE_IN_FILENAME.sub("_", f"{number}-{name}").strip("._")
    while len(stem.encode()) > _FILENAME_BYTES:
        stem = stem[:-1]
    return f"{stem}.pdf"


def application_pdf_html(
    application: Application,
    leaders: list[Leader] | None = None,
    honours: list[Honour] | None = None,
    *,
    fonts: Fonts = CJK_FONTS,
) -> str:
    return render_to_string(TEMPLATE, application_pdf_context(application, leaders, honours, fonts=fonts))


def html_to_pdf(html: str) -> bytes:
    """Render print HTML to PDF bytes with the shared font configuration, offline."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    global _font_config
    base_url = str(settings.BASE_DIR / "templates" / "pdf") + "/"
    with _render_lock:
        if _font_config is None:
            _font_config = FontConfiguration()
        fetcher = weasyprint.URLFetcher(allowed_protocols={"file", "data"})
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        return document.write_pdf(font_config=_font_config)


def render_application_pdf(
    application: Application,
    leaders: list[Leader] | None = None,
    honours: list[Honour] | None = None,
) -> bytes:
    """附件1 of `application` as PDF bytes (its leaders and honours are best prefetched)."""
    return html_to_pdf(application_pdf_html(application, leaders, honours))
