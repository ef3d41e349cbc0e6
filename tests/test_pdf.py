"""附件1 PDF: its text, its fonts, the 初审 cell, the download view and `export_pdfs`."""

import io
import re

import pypdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from applications.models import Application, Status
from applications.pdf import application_pdf_filename, render_application_pdf
from applications.services import application_submit
from tests.conftest import local
from tests.factories import ApplicationFactory, UnitFactory

ACHIEVEMENTS = "　　班组坚持优质服务，连续三年零投诉。\n　　组建巾帼志愿服务队，常态化开展进社区义诊。\n"


def pdf_text(pdf: bytes) -> str:
    """All the PDF's text, every whitespace removed (line breaks and justification spaces vary)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def pdf_fonts(pdf: bytes) -> dict[str, list[str]]:
    """Each font's BaseFont name (without the subset tag) and the embedded font file keys it has."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert re.fullmatch(r"/[A-Z]{6}\+\S+", font["/BaseFont"]), font["/BaseFont"]
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            files = sorted(key for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor)
            fonts[font["/BaseFont"].split("+", 1)[1]] = files
    return fonts


def review_cell(text: str) -> str:
    """The text of the last cell (初审单位意见), from a pdf_text() string."""
    match = re.search(r"市总工会女职委）(.*?)—\d+—$", text)
    assert match, text
    return match.group(1)


@pytest.fixture
def submitted(apply_window, application, applicant):
    return application_submit(application=application, user=applicant)


def test_pdf_prints_applicant_name_and_achievements(application):
    application.achievements = ACHIEVEMENTS
    application.save()

    text = pdf_text(render_application_pdf(application))

    assert text.count("柳州市第一测试医院客服班组") == 1
    assert text.count(re.sub(r"\s+", "", ACHIEVEMENTS)) == 1
    assert text.startswith("附件1柳州市巾帼文明岗申报表草稿：尚未提交，不能作为正式申报材料盖章报送申报编号：（提交后生成）创建年度：2021年度")


def test_pdf_prints_number_leader_honour_and_share(submitted):
    text = pdf_text(render_application_pdf(submitted))

    assert "申报编号：2021-CZ-001" in text
    assert "岗位总人数5其中女性人数3女性占比60.0%" in text
    assert "姓名性别职务联系电话覃丽女班组长13907721111" in text
    assert "获得年份荣誉名称授予单位2019柳州市三八红旗集体柳州市妇联" in text


def test_pdf_without_honours_says_none(application):
    application.honours.all().delete()

    text = pdf_text(render_application_pdf(application))

    assert "曾获荣誉无" in text


def test_pdf_fonts_are_embedded_noto_cjk_subsets(application):
    fonts = pdf_fonts(render_application_pdf(application))

    assert fonts == {"Noto-Sans-CJK-SC": ["/FontFile3"], "Noto-Serif-CJK-SC": ["/FontFile3"]}
    assert [name for name in fonts if not name.replace("-", "").startswith(("NotoSerifCJK", "NotoSansCJK"))] == []


def test_pdf_review_cell_is_blank_without_review_opinion(application):
    text = pdf_text(render_application_pdf(application))

    assert review_cell(text) == "（盖章）年月日"
    assert "柳州市城中区妇女联合会" not in text


def test_pdf_review_cell_prints_opinion_body_and_date(application):
    application.review_opinion = "符合创建条件，同意推荐。"
    application.review_opinion_at = local(2020, 10, 10, 23, 30, 0)
    application.save()

    text = pdf_text(render_application_pdf(application))

    assert review_cell(text) == "符合创建条件，同意推荐。柳州市城中区妇女联合会（盖章）2020年10月10日"


def test_pdf_view_gives_owner_the_pdf(client_for, applicant, application):
    response = client_for(applicant).get(f"/apply/{application.key}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"
    assert pdf_text(response.content).count("柳州市第一测试医院客服班组") == 1


def test_pdf_view_gives_reviewer_the_submitted_pdf(client_for, reviewer_a, submitted):
    response = client_for(reviewer_a).get(f"/apply/{submitted.key}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_pdf_view_is_404_for_other_applicant(client_for, other_applicant, application):
    response = client_for(other_applicant).get(f"/apply/{application.key}/pdf/")

    assert response.status_code == 404
    assert response["Content-Type"] != "application/pdf"


def test_pdf_view_is_404_for_outsider_reviewer(client_for, reviewer_b, submitted):
    response = client_for(reviewer_b).get(f"/apply/{submitted.key}/pdf/")

    assert response.status_code == 404


def test_pdf_view_redirects_anonymous_to_login(client, application):
    response = client.get(f"/apply/{application.key}/pdf/")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/apply/{application.key}/pdf/"


def test_pdf_filename_replaces_unsafe_characters():
    application = Application(number="2021-CZ-007", applicant_name='柳州/某公司: "客服"班组 *A*')

    assert application_pdf_filename(application) == "2021-CZ-007-柳州_某公司_客服_班组_A.pdf"


def test_pdf_filename_stays_within_file_system_limits():
    application = Application(number="2021-CZ-008", applicant_name="很" * 120)

    name = application_pdf_filename(application)

    assert name == "2021-CZ-008-" + "很" * 62 + ".pdf"
    assert len(name.encode()) <= 255


def _submit_other(other_application, other_applicant):
    return application_submit(application=other_application, user=other_applicant)


def test_export_pdfs_writes_every_submitted_application(
    tmp_path, submitted, other_application, other_applicant, campaign, body_a
):
    _submit_other(other_application, other_applicant)
    ApplicationFactory(campaign=campaign, unit=UnitFactory(parent=body_a))  # a draft: not exported
    out = io.StringIO()

    call_command("export_pdfs", "--year", "2021", "-o", str(tmp_path / "pdfs"), stdout=out)

    files = sorted(path.name for path in (tmp_path / "pdfs").iterdir())
    assert files == [
        "2021-CZ-001-柳州市第一测试医院客服班组.pdf",
        "2021-YF-001-柳州市第二测试公司客服班组.pdf",
    ]
    assert out.getvalue() == f"已导出 2 份申报表 PDF 到 {tmp_path / 'pdfs'}\n"
    first = (tmp_path / "pdfs" / files[0]).read_bytes()
    assert pdf_text(first).count("柳州市第一测试医院客服班组") == 1


@pytest.mark.parametrize("body", ["柳州市鱼峰区妇女联合会", "鱼峰区妇联", "yf"])
def test_export_pdfs_only_one_body(tmp_path, submitted, other_application, other_applicant, body):
    _submit_other(other_application, other_applicant)

    call_command("export_pdfs", "--year", "2021", "--body", body, "-o", str(tmp_path), stdout=io.StringIO())

    assert sorted(path.name for path in tmp_path.iterdir()) == ["2021-YF-001-柳州市第二测试公司客服班组.pdf"]


def test_export_pdfs_unknown_body_is_an_error(tmp_path, campaign, body_a):
    with pytest.raises(CommandError) as error:
        call_command("export_pdfs", "--year", "2021", "--body", "柳南区妇联", "-o", str(tmp_path))

    assert str(error.value) == "没有名为“柳南区妇联”的初审单位。可用的初审单位：城中区妇联"


def test_export_pdfs_unknown_year_is_an_error(tmp_path, campaign):
    with pytest.raises(CommandError) as error:
        call_command("export_pdfs", "--year", "2030", "-o", str(tmp_path))

    assert str(error.value) == "没有 2030 年度的创建活动。"


@pytest.mark.parametrize("count", [1, 3])
def test_export_pdfs_queries_do_not_grow_with_applications(
    tmp_path, apply_window, campaign, body_a, django_assert_num_queries, count
):
    for _ in range(count):
        ApplicationFactory(campaign=campaign, unit=UnitFactory(parent=body_a), status=Status.SUBMITTED)

    # 1 campaign, 1 applications with unit, body and campaign, 1 leaders, 1 honours
    with django_assert_num_queries(4):
        call_command("export_pdfs", "--year", "2021", "-o", str(tmp_path), stdout=io.StringIO())

    assert len(list(tmp_path.iterdir())) == count


def test_pdf_of_a_draft_is_marked_draft(application, submitted):
    mark = "草稿：尚未提交，不能作为正式申报材料盖章报送"
    draft = ApplicationFactory(campaign=application.campaign, unit=application.unit)
    assert mark in pdf_text(render_application_pdf(draft)).replace(" ", "")
    assert mark not in pdf_text(render_application_pdf(submitted)).replace(" ", "")
