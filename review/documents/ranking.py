"""The 考核 ranking as .xlsx (openpyxl, write-only): every assessed post by its mean, with each
assessor's total, the veto and the result. A4 landscape, fitted to one page wide, the header row
repeated on every printed page; text always stored as text (review.documents.summary's styles and
print set-up, whose cells never turn "=…" into a formula)."""

import io
from decimal import ROUND_DOWN, Decimal

from django.utils import timezone

from gangwei.dates import format_date
from gangwei.models import Campaign
from review.city.assessment import RankRow, plain_points, ranking_assessors
from review.documents.summary import _letter, _print_setup, _Styles

TITLE = "{year}年度柳州市巾帼文明岗考核结果排名"
SHEET = "考核排名"
HEADER_ROW = 3
LEADING = ["名次", "申报编号", "申报单位（岗位）", "初审单位"]
LEADING_WIDTHS = [6, 16, 30, 16]
TRAILING = ["考核人数", "平均分", "一票否决理由", "考核结果", "当前状态"]
TRAILING_WIDTHS = [8, 9, 24, 14, 12]
ASSESSOR_WIDTH = 10


def ranking_values(row: RankRow, assessors) -> list:
    """The cells of one post: place, number, name, body, each assessor's total, then the result."""
    application = row.application
    name = application.display_name
    if application.post_name and application.post_name not in name:
        name = f"{name}（{application.post_name}）"
    totals = []
    for cell in row.totals_for(assessors):
        if cell is None:
            totals.append("")
        else:
            total, veto = cell
            totals.append(f"{total}（否决）" if veto else total)
    mean = row.result.mean
    return [
        row.rank,
        application.number,
        name,
        application.unit.parent.label if application.unit.parent_id else "",
        *totals,
        row.result.count,
        mean.quantize(Decimal("0.01"), rounding=ROUND_DOWN) if mean is not None else "",
        "\n".join(row.result.veto_reasons),
        row.result.label,
        application.get_status_display(),
    ]


def ranking_workbook(*, campaign: Campaign, rows: list[RankRow]) -> bytes:
    """The ranking of `campaign` (rows from review.city.assessment.assessment_ranking) as bytes."""
    from openpyxl import Workbook

    assessors = ranking_assessors(rows)
    columns = [*LEADING, *(f"{a.name}" for a in assessors), *TRAILING]
    widths = [*LEADING_WIDTHS, *([ASSESSOR_WIDTH] * len(assessors)), *TRAILING_WIDTHS]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    styles = _Styles(sheet)
    cell = styles.cell
    _print_setup(sheet, widths, f"{HEADER_ROW}:{HEADER_ROW}")
    last = _letter(len(columns))
    sheet.merged_cells.add(f"A1:{last}1")
    sheet.merged_cells.add(f"A2:{last}2")
    sheet.row_dimensions[1].height = 36
    line = "　　".join(
        [
            f"合格线：平均分{plain_points(campaign.pass_line)}分（无一票否决）",
            "各考核人员一栏为其总分",
            f"导出日期：{format_date(timezone.now())}",
        ]
    )
    sheet.append([cell(sheet, TITLE.format(year=campaign.year), styles.title)])
    sheet.append([cell(sheet, line, styles.line)])
    sheet.append([cell(sheet, heading, styles.heading) for heading in columns])
    text_columns = {1, 2, 3, len(columns) - 3}
    for row in rows:
        values = ranking_values(row, assessors)
        sheet.append(
            [
                cell(sheet, value, styles.text if index in text_columns else styles.number)
                for index, value in enumerate(values)
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
