"""The naming documents read back: the certificates PDF (text, one page per post, the QR code's
address), the naming list PDF (GB/T 9704 attachment) and xlsx, the volunteer roster xlsx."""

import datetime as dt
import io

import pypdf
import pytest
from django.urls import reverse

from applications.models import Leader
from review.documents.certificates import chinese_date, chinese_number, qr_svg
from tests.test_city_naming import make_named


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def workbook_rows(content: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2021, 8, 16), "二〇二一年八月十六日"),
        (dt.date(2020, 10, 1), "二〇二〇年十月一日"),
        (dt.date(2021, 12, 31), "二〇二一年十二月三十一日"),
        (dt.date(2021, 11, 20), "二〇二一年十一月二十日"),
        (dt.date(2030, 1, 10), "二〇三〇年一月十日"),
    ],
)
def test_chinese_date(day, text):
    assert chinese_date(day) == text


def test_chinese_number():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 19, 20, 21, 30, 31)] == [
        "一",
        "九",
        "十",
        "十一",
        "十九",
        "二十",
        "二十一",
        "三十",
        "三十一",
    ]


def test_qr_code_encodes_the_verification_address(settings):
    import segno

    settings.SITE_URL = "https://gangwei.example"
    from review.city.naming import verify_url

    url = verify_url("2021-001")
    assert url == "https://gangwei.example/verify/2021-001/"
    expected = segno.make(url, error="m", micro=False).svg_inline(
        scale=1, border=0, omitsize=True, svgclass="qr", dark="#000"
    )
    assert str(qr_svg(url)) == expected


@pytest.fixture
def two_named(campaign, body_a, reviewer_a, city_user):
    certificates = make_named(2, campaign, body_a, reviewer_a, city_user)
    first = certificates[0].application
    first.applicant_name = '=HYPERLINK("http://evil")客服班组'
    first.save(update_fields=["applicant_name"])
    Leader.objects.create(application=first, name="黄志强", gender="M", title="主任", phone="13807722222", position=1)
    return certificates


def test_certificates_pdf_one_page_per_post(client_for, city_user, two_named):
    response = client_for(city_user).get(reverse("review:certificates_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert len(pages) == 2
    for text, certificate in zip(pages, two_named, strict=True):
        flat = "".join(text.split())
        application = certificate.application
        application.refresh_from_db()
        assert "".join(application.applicant_name.split()) in flat
        assert f"证书编号：{certificate.number}" in flat
        assert "二〇二一年八月十六日" in flat
        assert "被命名为2021年度柳州市“巾帼文明岗”" in flat
        assert "柳州市妇女联合会" in flat


def test_certificates_pdf_unknown_part_404(client_for, city_user, two_named):
    client = client_for(city_user)
    for part in ["2", "0", "-1", "x", "9" * 30]:
        assert client.get(reverse("review:certificates_pdf"), {"part": part}).status_code == 404


def test_certificates_pdf_nothing_named_404(client_for, city_user, campaign):
    assert client_for(city_user).get(reverse("review:certificates_pdf")).status_code == 404


def test_naming_list_pdf(client_for, city_user, two_named):
    response = client_for(city_user).get(reverse("review:naming_pdf"))
    pages = pdf_pages(response.content)
    assert len(pages) == 1
    flat = "".join(pages[0].split())
    assert flat.startswith("附件2021年度柳州市巾帼文明岗名单")
    assert "柳州市城中区妇女联合会（2个）" in flat
    assert "2021-001" in flat and "2021-002" in flat
    assert "—1—" in flat


def test_naming_list_xlsx(client_for, city_user, two_named):
    rows = workbook_rows(client_for(city_user).get(reverse("review:naming_xlsx")).content)
    assert rows[0][0] == "附件"
    assert rows[1][0] == "2021年度柳州市巾帼文明岗名单"
    assert rows[2] == ("序号", "岗位名称（申报单位）", "所属单位", "初审单位", "证书编号", "命名日期")
    first, second = (c.application for c in two_named)
    first.refresh_from_db()
    assert rows[3:] == [
        (1, first.applicant_name, first.parent_unit, "柳州市城中区妇女联合会", "2021-001", "2021年8月16日"),
        (2, second.applicant_name, second.parent_unit, "柳州市城中区妇女联合会", "2021-002", "2021年8月16日"),
    ]
    # Text that looks like a formula stays text.
    assert rows[3][1].startswith("=HYPERLINK")


def test_roster_xlsx(client_for, city_user, two_named):
    rows = workbook_rows(client_for(city_user).get(reverse("review:roster_xlsx")).content)
    assert rows[1][0] == "2021年度柳州市巾帼志愿者队伍名册"
    assert rows[2][:5] == ("序号", "志愿者队伍名称", "所属单位", "初审单位", "负责人")
    first = rows[3]
    assert first[4:8] == ("覃丽\n黄志强", "女\n男", "班组长\n主任", "13907721111\n13807722222")
    assert first[8:] == ("韦小红", "13807720000", "2021-001")
    assert len(rows) == 5
