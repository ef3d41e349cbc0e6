"""附件2 申报{year}年柳州市巾帼文明岗单位情况汇总表 as .xlsx (openpyxl), per body and city-wide.

The workbook is written in openpyxl's write-only mode (rows streamed, constant memory): every cell
is a WriteOnlyCell whose style is copied from a few template cells made once per workbook, so that
styling 5,000 rows costs little more than dumping them (bench/summary_xlsx.py). The print set-up
(A4 landscape, fit to one page wide, header rows repeated, margins, footer page numbers) and the
merged title are supported by WriteOnlyWorksheet; they must be set before the first row is written.

Text is always stored as text: a name that begins with "=", "+", "-" or "@" is written as an inline
string (data type "s"), never as a formula, and reads back exactly as typed.
"""

import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, QuerySet
from django.utils import timezone

from applications.access import applications_visible_to
from applications.eligibility import women_share_text
from applications.models import Application, Gender, Honour, Leader
from gangwei.dates import format_date
from gangwei.models import Campaign, Organisation, User
from review.models import SummaryReport
from review.selectors import RECOMMENDED_STATUSES, filings_by_body

TITLE = "申报{year}年柳州市巾帼文明岗单位情况汇总表"
ATTACHMENT = "附件2"
COLUMNS = [
    "序号",
    "申报单位（岗位）",
    "所属单位",
    "岗位人数",
    "女性人数",
    "女性占比",
    "岗位负责人",
    "性别/职务",
    "联系人及电话",
    "曾获荣誉",
    "初审意见",
    "备注",
]
# Widths in Excel character units (a CJK character is about two): 297 mm landscape less the
# margins holds about 150 units at 100 %; the sheet is fitted to one page wide anyway.
WIDTHS = [5, 22, 18, 7, 7, 8, 9, 13, 15, 24, 26, 13]
# Neither Excel nor LibreOffice fits a row's height to wrapped text when it opens a file, so each
# row's height is estimated: lines of 10.5 pt text, a CJK character two width units, others one.
LINE_POINTS = 14
ROW_PADDING_POINTS = 4
# The rows above the first application: 附件2, title, the 填报单位 line, column headers.
HEADER_ROWS = 4
SUMMARY_SHEET = "汇总"
SUMMARY_COLUMNS = ["序号", "初审单位", "推荐（报送）数", "报送情况", "报送日期"]
SUMMARY_WIDTHS = [6, 40, 16, 12, 20]
FOOTER = "第 &P 页 共 &N 页"
SHEET_NAME_LIMIT = 31
PAPERSIZE_A4 = "9"  # openpyxl.worksheet.worksheet.Worksheet.PAPERSIZE_A4
_BAD_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


# The order of a 汇总表: by body as the notice lists them, then the body's rank (序号), then the
# unranked by submission. review.selectors.summary_applications orders the same way.
SUMMARY_ORDER = (
    "unit__parent__display_order",
    "unit__parent__name",
    F("review__rank").asc(nulls_last=True),
    "submitted_at",
    "pk",
)
_FIELDS = (
    "pk",
    "unit__parent_id",
    "number",
    "applicant_name",
    "post_name",
    "parent_unit",
    "staff_total",
    "staff_women",
    "contact_name",
    "contact_phone",
    "review_opinion",
)
_GENDERS = dict(Gender.choices)


@dataclass(slots=True)
class SummaryRow:
    """What the 汇总表 prints of one application (read as plain values: no model instances)."""

    pk: int
    body_id: int
    number: str
    applicant_name: str
    post_name: str
    parent_unit: str
    staff_total: int | None
    staff_women: int | None
    contact_name: str
    contact_phone: str
    review_opinion: str
    leaders: list[tuple[str, str, str]] = field(default_factory=list)  # name, gender shown, title
    honours: list[tuple[str, str]] = field(default_factory=list)  # year, title


def summary_rows(applications: QuerySet[Application]) -> list[SummaryRow]:
    """The rows of a 汇总表 out of `applications` (a queryset scoped by applications.access, or all
    of a campaign for export_summary): the recommended (or reported) ones, in SUMMARY_ORDER, with
    their leaders and honours. Three queries, whatever the number of rows; values, not model
    instances, because building 20,000 instances costs more than writing the workbook."""
    chosen = applications.filter(status__in=RECOMMENDED_STATUSES)
    rows = [SummaryRow(*values) for values in chosen.order_by(*SUMMARY_ORDER).values_list(*_FIELDS)]
    by_pk = {row.pk: row for row in rows}
    ids = chosen.values("pk")
    leaders = Leader.objects.filter(application__in=ids).order_by("application_id", "position", "id")
    for application_id, name, gender, title in leaders.values_list("application_id", "name", "gender", "title"):
        by_pk[application_id].leaders.append((name, _GENDERS.get(gender, ""), title))
    honours = Honour.objects.filter(application__in=ids).order_by("application_id", "position", "id")
    for application_id, year, title in honours.values_list("application_id", "year", "title"):
        by_pk[application_id].honours.append((year, title))
    return rows


def sheet_names(bodies: Iterable[Organisation], reserved: Iterable[str] = ()) -> list[str]:
    """One sheet name per body: its short name, without []:*?/\\, at most 31 characters, unique
    (case-insensitively, as Excel compares them) among themselves and `reserved`."""
    taken = {name.casefold() for name in reserved}
    names = []
    for body in bodies:
        base = _BAD_IN_SHEET_NAME.sub("_", body.label).strip("' ") or "初审单位"
        name, n = base[:SHEET_NAME_LIMIT], 1
        while name.casefold() in taken:
            n += 1
            suffix = f"({n})"
            name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def application_row(number: int, row: SummaryRow) -> list:
    """The twelve cells of one application in the 汇总表."""
    name = row.applicant_name
    if row.post_name and row.post_name not in name:
        name = f"{name}（{row.post_name}）"
    return [
        number,
        name,
        row.parent_unit,
        row.staff_total,
        row.staff_women,
        women_share_text(row.staff_total, row.staff_women),
        "\n".join(leader[0] for leader in row.leaders),
        "\n".join("/".join(v for v in leader[1:] if v) for leader in row.leaders),
        "\n".join(v for v in (row.contact_name, row.contact_phone) if v),
        "\n".join(f"{year} {title}".strip() for year, title in row.honours),
        row.review_opinion,
        f"申报编号：\n{row.number}" if row.number else "",
    ]


class _Styles:
    """Template cells: each written cell copies one's style array (cheap), instead of looking up
    font, border and alignment objects in the workbook for every cell (dear)."""

    def __init__(self, sheet):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Border, Font, Side

        thin = Side(style="thin", color="000000")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        serif = "宋体"
        sans = "黑体"

        def template(font, alignment=None, cell_border=None):
            cell = WriteOnlyCell(sheet)
            cell.font = font
            if alignment is not None:
                cell.alignment = alignment
            if cell_border is not None:
                cell.border = cell_border
            return cell._style

        self.attachment = template(Font(name=sans, size=12, bold=True))
        self.title = template(
            Font(name=sans, size=18, bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True)
        )
        self.line = template(Font(name=serif, size=11), Alignment(vertical="center", wrap_text=True))
        self.heading = template(
            Font(name=sans, size=11, bold=True),
            Alignment(horizontal="center", vertical="center", wrap_text=True),
            border,
        )
        self.text = template(Font(name=serif, size=10.5), Alignment(vertical="top", wrap_text=True), border)
        self.number = template(
            Font(name=serif, size=10.5), Alignment(horizontal="center", vertical="top", wrap_text=True), border
        )
        self.total = template(
            Font(name=sans, size=10.5, bold=True),
            Alignment(horizontal="center", vertical="top", wrap_text=True),
            border,
        )
        self._cell_class = WriteOnlyCell
        self._sheet = sheet

    def cell(self, sheet, value, style):
        cell = self._cell_class(sheet)
        if isinstance(value, str):
            # Assigned directly: the value setter would make "=…" a formula.
            cell._value = value
            cell.data_type = "s"
        else:
            cell.value = value
        # Shared, not copied: nothing changes a written cell's style, and the workbook's style
        # table keys on the array's value.
        cell._style = style
        return cell


def _print_setup(sheet, widths: list[int], title_rows: str | None) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    # Inches: 2 cm left and right, 2.5 cm top, 2 cm bottom, the footer 1 cm from the edge.
    sheet.page_margins = PageMargins(left=0.79, right=0.79, top=0.98, bottom=0.79, header=0.3, footer=0.39)
    sheet.oddFooter.center.text = FOOTER
    sheet.oddFooter.center.size = 10
    if title_rows:
        sheet.print_title_rows = title_rows


def _contact(body: Organisation, user: User | None) -> tuple[str, str]:
    # A Chinese name is family name first, without a space.
    full_name = f"{user.last_name}{user.first_name}".strip() if user is not None else ""
    name = body.contact_name or full_name or (user.username if user is not None else "")
    phone = body.contact_phone or (user.phone if user is not None else "")
    return name, phone


def _body_sheet(workbook, styles_of, title, campaign, body, applications, filed_on, user) -> int:
    sheet = workbook.create_sheet(title)
    styles = styles_of(sheet)
    last = len(COLUMNS)
    _print_setup(sheet, WIDTHS, f"{HEADER_ROWS}:{HEADER_ROWS}")
    sheet.merged_cells.add(f"A2:{_letter(last)}2")
    sheet.merged_cells.add(f"A3:{_letter(last)}3")
    sheet.row_dimensions[2].height = 36
    sheet.row_dimensions[3].height = 24
    sheet.row_dimensions[4].height = 30
    cell = styles.cell
    contact_name, contact_phone = _contact(body, user)
    line = "　　".join(
        [
            f"填报单位（盖章）：{body.name}",
            f"联系人：{contact_name}",
            f"联系电话：{contact_phone}",
            f"填报日期：{filed_on}",
        ]
    )
    sheet.append([cell(sheet, ATTACHMENT, styles.attachment)])
    sheet.append([cell(sheet, TITLE.format(year=campaign.year), styles.title)])
    sheet.append([cell(sheet, line, styles.line)])
    sheet.append([cell(sheet, heading, styles.heading) for heading in COLUMNS])
    number_columns = {0, 3, 4, 5}
    for number, application in enumerate(applications, start=1):
        row = application_row(number, application)
        sheet.row_dimensions[HEADER_ROWS + number].height = _row_height(row)
        sheet.append(
            [
                cell(sheet, value, styles.number if index in number_columns else styles.text)
                for index, value in enumerate(row)
            ]
        )
    return len(applications)


def _lines(text, width: int) -> int:
    """How many printed lines `text` takes in a column `width` units wide (wrapped)."""
    if not isinstance(text, str) or not text:
        return 1
    room = max(width - 2, 1)
    # Width units without a Python loop over characters: a CJK character is 3 bytes of UTF-8 and
    # 2 units, an ASCII one 1 byte and 1 unit, so (bytes + characters) / 2 counts both.
    if "\n" not in text:
        return max(1, -(-(len(text.encode()) + len(text)) // (2 * room)))
    return sum(max(1, -(-(len(part.encode()) + len(part)) // (2 * room))) for part in text.split("\n"))


def _row_height(values: list) -> float:
    lines = max((_lines(v, width) for v, width in zip(values, WIDTHS, strict=True) if v.__class__ is str), default=1)
    return lines * LINE_POINTS + ROW_PADDING_POINTS


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _summary_sheet(workbook, styles_of, campaign, bodies, counts, filings: dict[int, SummaryReport], filed_on):
    sheet = workbook.create_sheet(SUMMARY_SHEET)
    styles = styles_of(sheet)
    cell = styles.cell
    last = len(SUMMARY_COLUMNS)
    _print_setup(sheet, SUMMARY_WIDTHS, "4:4")
    sheet.page_setup.orientation = "portrait"
    sheet.merged_cells.add(f"A2:{_letter(last)}2")
    sheet.merged_cells.add(f"A3:{_letter(last)}3")
    sheet.row_dimensions[2].height = 48
    sheet.append([cell(sheet, ATTACHMENT, styles.attachment)])
    sheet.append([cell(sheet, TITLE.format(year=campaign.year) + "（各初审单位汇总）", styles.title)])
    sheet.append([cell(sheet, f"导出日期：{filed_on}", styles.line)])
    sheet.append([cell(sheet, heading, styles.heading) for heading in SUMMARY_COLUMNS])
    for number, body in enumerate(bodies, start=1):
        report = filings.get(body.pk)
        sheet.append(
            [
                cell(sheet, number, styles.number),
                cell(sheet, body.name, styles.text),
                cell(sheet, counts.get(body.pk, 0), styles.number),
                cell(sheet, "已报送" if report else "未报送", styles.number),
                cell(sheet, format_date(report.filed_at) if report else "", styles.number),
            ]
        )
    filed = sum(1 for body in bodies if body.pk in filings)
    sheet.append(
        [
            cell(sheet, "合计", styles.total),
            cell(sheet, f"{len(bodies)}个初审单位", styles.total),
            cell(sheet, sum(counts.get(body.pk, 0) for body in bodies), styles.total),
            cell(sheet, f"已报送{filed}个", styles.total),
            cell(sheet, "", styles.total),
        ]
    )


def summary_workbook(
    *,
    user: User | None,
    campaign: Campaign,
    bodies: list[Organisation],
    filed_at: dt.datetime | None = None,
    summary_sheet: bool = False,
    applications: QuerySet[Application] | None = None,
) -> bytes:
    """The 汇总表 of `bodies` (one sheet each, after a 汇总 sheet of counts when `summary_sheet`)
    as .xlsx bytes.

    The rows are the recommended (or reported) ones of `applications` (a queryset; export_summary
    passes a campaign's, unscoped), else of those `user` may see (applications.access), read once
    for all the bodies (`summary_rows`: three queries). The 填报日期 is `filed_at` (now when None);
    联系人/联系电话 are the body's, else the user's."""
    from openpyxl import Workbook

    bodies = list(bodies)
    if applications is None:
        applications = applications_visible_to(user).filter(campaign=campaign)
    if len(bodies) == 1:
        applications = applications.filter(unit__parent=bodies[0])
    by_body: dict[int, list[SummaryRow]] = defaultdict(list)
    for row in summary_rows(applications):
        by_body[row.body_id].append(row)
    filed_on = format_date(filed_at or timezone.now())

    workbook = Workbook(write_only=True)
    styles_by_workbook = {}

    def styles_of(sheet):
        # Style arrays index the workbook's style tables, so one set of templates serves every sheet.
        if "styles" not in styles_by_workbook:
            styles_by_workbook["styles"] = _Styles(sheet)
        return styles_by_workbook["styles"]

    reserved = [SUMMARY_SHEET] if summary_sheet else []
    if summary_sheet:
        counts = {body.pk: len(by_body.get(body.pk, [])) for body in bodies}
        _summary_sheet(workbook, styles_of, campaign, bodies, counts, filings_by_body(campaign), filed_on)
    for body, title in zip(bodies, sheet_names(bodies, reserved), strict=True):
        _body_sheet(workbook, styles_of, title, campaign, body, by_body.get(body.pk, []), filed_on, user)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
