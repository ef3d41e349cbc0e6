"""The naming documents: the naming list (PDF like a 命名决定's attachment, and .xlsx) and the
柳州市巾帼志愿者 roster (.xlsx), each from the certificates of a campaign (review.city.naming).

The PDF follows GB/T 9704: A4, margins 37/35/28/26 mm, "附件" top left in 黑体 (Noto Sans CJK SC),
the title in bold serif, page numbers "— 1 —" at the foot centre, the table's header row repeated
on every page and no row split across pages. The workbooks reuse the 汇总表's conventions
(review.documents.summary): write-only, template styles, text stored as text (never a formula).
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.template.loader import render_to_string

from applications.models import Gender, Leader
from applications.pdf import html_to_pdf
from gangwei.dates import format_date
from gangwei.models import Campaign
from review.city import phrases
from review.city.naming import named_by_body
from review.documents.summary import LINE_POINTS, ROW_PADDING_POINTS, _letter, _lines, _print_setup, _Styles
from review.models import Certificate

NAMING_LIST_TEMPLATE = "pdf/naming_list.html"
NAMING_LIST_COLUMNS = ["序号", "岗位名称（申报单位）", "所属单位", "初审单位", "证书编号", "命名日期"]
NAMING_LIST_WIDTHS = [6, 40, 28, 18, 12, 16]
ROSTER_COLUMNS = [
    "序号",
    "志愿者队伍名称",
    "所属单位",
    "初审单位",
    "负责人",
    "性别",
    "职务",
    "负责人电话",
    "联系人",
    "联系电话",
    "证书编号",
]
ROSTER_WIDTHS = [6, 32, 24, 14, 10, 6, 14, 16, 10, 16, 12]
_GENDERS = dict(Gender.choices)
HEADER_ROWS = 3  # 附件 / title / column headers


# --- the naming list as PDF --------------------------------------------------------------------


def naming_list_html(campaign: Campaign, certificates: list[Certificate]) -> str:
    return render_to_string(
        NAMING_LIST_TEMPLATE,
        {
            "title": phrases.NAMING_LIST_TITLE.format(year=campaign.year),
            "groups": named_by_body(certificates),
            "total": len(certificates),
        },
    )


def naming_list_pdf(campaign: Campaign, certificates: list[Certificate]) -> bytes:
    return html_to_pdf(naming_list_html(campaign, certificates))


# --- workbooks ---------------------------------------------------------------------------------


def _workbook(title_text: str, columns: list[str], widths: list[int], rows: Iterable[list], numbers: set[int]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("名单")
    styles = _Styles(sheet)
    cell = styles.cell
    _print_setup(sheet, widths, f"{HEADER_ROWS}:{HEADER_ROWS}")
    sheet.merged_cells.add(f"A2:{_letter(len(columns))}2")
    sheet.row_dimensions[2].height = 36
    sheet.row_dimensions[HEADER_ROWS].height = 30
    sheet.append([cell(sheet, "附件", styles.attachment)])
    sheet.append([cell(sheet, title_text, styles.title)])
    sheet.append([cell(sheet, heading, styles.heading) for heading in columns])
    for index, row in enumerate(rows, start=1):
        sheet.row_dimensions[HEADER_ROWS + index].height = _height(row, widths)
        sheet.append(
            [cell(sheet, value, styles.number if i in numbers else styles.text) for i, value in enumerate(row)]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _height(row: list, widths: list[int]) -> float:
    lines = max((_lines(v, width) for v, width in zip(row, widths, strict=True) if isinstance(v, str)), default=1)
    return lines * LINE_POINTS + ROW_PADDING_POINTS


def naming_list_workbook(campaign: Campaign, certificates: list[Certificate]) -> bytes:
    rows = []
    for number, certificate in enumerate(certificates, start=1):
        application = certificate.application
        rows.append(
            [
                number,
                application.applicant_name,
                application.parent_unit,
                application.unit.parent.name,
                certificate.number,
                format_date(certificate.issued_on),
            ]
        )
    return _workbook(
        phrases.NAMING_LIST_TITLE.format(year=campaign.year), NAMING_LIST_COLUMNS, NAMING_LIST_WIDTHS, rows, {0, 4}
    )


@dataclass(slots=True)
class _Leader:
    name: str
    gender: str
    title: str
    phone: str


def _leaders_of(certificates: list[Certificate]) -> dict[int, list[_Leader]]:
    """The leaders of every certificate's application, in one query."""
    by_application: dict[int, list[_Leader]] = {c.application_id: [] for c in certificates}
    leaders = Leader.objects.filter(application__certificate__in=[c.pk for c in certificates]).order_by(
        "application_id", "position", "id"
    )
    for application_id, name, gender, title, phone in leaders.values_list(
        "application_id", "name", "gender", "title", "phone"
    ):
        by_application[application_id].append(_Leader(name, _GENDERS.get(gender, ""), title, phone))
    return by_application


def roster_workbook(campaign: Campaign, certificates: list[Certificate]) -> bytes:
    """柳州市巾帼志愿者: each named post as a volunteer team, with its leaders and contact."""
    leaders = _leaders_of(certificates)
    rows = []
    for number, certificate in enumerate(certificates, start=1):
        application = certificate.application
        team = leaders[application.pk]
        rows.append(
            [
                number,
                application.applicant_name,
                application.parent_unit,
                application.unit.parent.name,
                "\n".join(leader.name for leader in team),
                "\n".join(leader.gender for leader in team),
                "\n".join(leader.title for leader in team),
                "\n".join(leader.phone for leader in team),
                application.contact_name,
                application.contact_phone,
                certificate.number,
            ]
        )
    return _workbook(phrases.ROSTER_TITLE.format(year=campaign.year), ROSTER_COLUMNS, ROSTER_WIDTHS, rows, {0, 5, 10})
