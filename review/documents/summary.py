"""附件2 申报{year}年柳州市巾帼文明岗单位情况汇总表 as .xlsx (openpyxl), per body and city-wide."""

import datetime as dt
import io

from django.utils import timezone

from applications.eligibility import women_share_text
from gangwei.dates import format_date
from gangwei.models import Campaign, Organisation, User
from review.selectors import summary_applications

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
FORMULA_START = ("=", "+", "-", "@")


def cell_text(value):
    """A value as it is safe to store: text that a spreadsheet would read as a formula is kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def summary_workbook(
    *, user: User, campaign: Campaign, bodies: list[Organisation], filed_at: dt.datetime | None = None
) -> bytes:
    """The 汇总表 of `bodies` (one sheet each) as .xlsx bytes."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for body in bodies:
        sheet = workbook.create_sheet(body.label[:31])
        sheet.append(["附件2"])
        sheet.append([f"申报{campaign.year}年柳州市巾帼文明岗单位情况汇总表"])
        sheet.append(
            [
                f"填报单位（盖章）：{body.name}",
                f"联系人：{body.contact_name}",
                f"联系电话：{body.contact_phone}",
                f"填报日期：{format_date(filed_at or timezone.now())}",
            ]
        )
        sheet.append(COLUMNS)
        for number, application in enumerate(summary_applications(user, campaign, body), start=1):
            leaders = list(application.leaders.all())
            honours = list(application.honours.all())
            sheet.append(
                [
                    cell_text(v)
                    for v in [
                        number,
                        application.applicant_name,
                        application.parent_unit,
                        application.staff_total,
                        application.staff_women,
                        women_share_text(application.staff_total, application.staff_women),
                        "\n".join(leader.name for leader in leaders),
                        "\n".join(f"{leader.get_gender_display()}/{leader.title}" for leader in leaders),
                        f"{application.contact_name} {application.contact_phone}",
                        "\n".join(f"{h.year} {h.title}" for h in honours),
                        application.review_opinion,
                        "",
                    ]
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
