"""附件1 PDF: its text, its fonts, the 初审 cell, the download view and `export_pdfs`."""

import io
import re

import pypdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from applications.eligibility import ACHIEVEMENTS_LIMIT, count_chars
from applications.forms import HonourFormSet, LeaderFormSet
from applications.models import Application, Gender, Honour, Leader, Status
from applications.pdf import DRAFT_MARK, application_pdf_filename, keep_units, paragraphs, render_application_pdf
from applications.services import application_submit
from tests.conftest import local
from tests.factories import ApplicationFactory, UnitFactory

ACHIEVEMENTS = "　　班组坚持优质服务，连续三年零投诉。\n　　组建巾帼志愿服务队，常态化开展进社区义诊。\n"


def pdf_pages(pdf: bytes) -> list[str]:
    """Each page's text, every whitespace removed (line breaks and justification spaces vary)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]


def page_body(page: str) -> str:
    """A page's text without what every page carries: the running header and a draft's mark (last)."""
    return re.sub(r"申报编号：[^：]*申报单位：.*?第\d+页共\d+页$", "", page).removesuffix(DRAFT_MARK)


def pdf_text(pdf: bytes) -> str:
    """The text of the form, page after page, without what every page carries."""
    return "".join(page_body(page) for page in pdf_pages(pdf))


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
    match = re.search(r"市总工会女职委）(.*)$", text)
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
    assert text.startswith("附件1柳州市巾帼文明岗申报表申报编号：（提交后生成）创建年度：2021年度")


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

    assert fonts == {
        "Noto-Sans-CJK-SC": ["/FontFile3"],
        "Noto-Serif-CJK-SC": ["/FontFile3"],
        "Noto-Serif-CJK-SC-Bold": ["/FontFile3"],
    }
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

    # 1 campaign, 1 applications with unit, body and campaign, 1 leaders, 1 honours, 1 the audit row
    with django_assert_num_queries(5):
        call_command("export_pdfs", "--year", "2021", "-o", str(tmp_path), stdout=io.StringIO())

    assert len(list(tmp_path.iterdir())) == count


def test_pdf_of_a_draft_is_marked_draft_on_every_page(application, submitted):
    draft = ApplicationFactory(campaign=application.campaign, unit=application.unit)
    draft_pages = pdf_pages(render_application_pdf(draft))
    submitted_pages = pdf_pages(render_application_pdf(submitted))

    assert len(draft_pages) == 2
    assert [page.count(DRAFT_MARK) for page in draft_pages] == [1, 1]
    assert [page.count("草稿") for page in submitted_pages] == [0] * len(submitted_pages)


def test_pdf_every_page_names_the_application_and_counts_pages(submitted):
    pages = pdf_pages(render_application_pdf(submitted))

    header = "申报编号：2021-CZ-001申报单位：柳州市第一测试医院客服班组"
    assert [page.endswith(f"{header}第{n}页共{len(pages)}页") for n, page in enumerate(pages, 1)] == [True] * len(pages)


def test_pdf_header_text_is_escaped_typed_text(application):
    application.applicant_name = '客服"班组"）; } @page { content: "x'
    application.save()

    pages = pdf_pages(render_application_pdf(application))

    assert [page.count('申报单位：客服"班组"）;}@page{content:"x第') for page in pages] == [1] * len(pages)


def test_pdf_unit_opinion_has_a_place_for_the_signature(application):
    text = pdf_text(render_application_pdf(application))

    assert "单位意见情况属实，同意申报。负责人签字：（盖章）年月日初审单位意见" in text


@pytest.mark.parametrize(
    "text, html",
    [
        ("现有12名，其中女性10名", '现有<span class="nobr">12名</span>，其中女性<span class="nobr">10名</span>'),
        ("保持在98.5%以上", '保持在<span class="nobr">98.5%</span>以上'),
        ("2019年10月获奖", '<span class="nobr">2019年</span><span class="nobr">10月</span>获奖'),
        ("接待10万人次，服务3000余小时", '接待<span class="nobr">10万人次</span>，服务<span class="nobr">3000余小时</span>'),
        ("编号2021-CZ-001", "编号2021-CZ-001"),
        ("<b>5名</b> & 3", '&lt;b&gt;<span class="nobr">5名</span>&lt;/b&gt; &amp; 3'),
    ],
)
def test_keep_units_keeps_numbers_with_their_units(text, html):
    assert keep_units(text) == html


def test_paragraphs_are_typed_lines_without_their_indent():
    assert paragraphs("　　第一段，3名。\r\n\r\n  第二段\n") == ['第一段，<span class="nobr">3名</span>。', "第二段"]


def achievement_lines(application, achievements: str) -> list[str]:
    application.achievements = achievements
    pages = pypdf.PdfReader(io.BytesIO(render_application_pdf(application))).pages
    return [line.strip() for page in pages for line in page.extract_text().splitlines() if "乙" in line or "甲" in line]


def test_pdf_achievements_keep_numbers_with_units_across_lines(application):
    # After two characters of indent and 24 characters, "2019" still fits the line and "年" does not:
    # a character that is no unit (载) goes alone to the next line, "年" takes "2019" along.
    assert achievement_lines(application, "甲" * 24 + "2019载" + "乙" * 10) == ["甲" * 24 + "2019", "载" + "乙" * 10]
    assert achievement_lines(application, "甲" * 24 + "2019年" + "乙" * 10) == ["甲" * 24, "2019年" + "乙" * 10]


FILLER = "柳州市妇女联合会巾帼文明岗创建工作领导小组办公室门诊部导医服务班组"
STORY = "春风化雨润物无声，班组坚持优质服务连续三年零投诉，组建志愿服务队常态化开展进社区义诊。\n"


def max_length(model, name: str) -> int:
    limit = model._meta.get_field(name).max_length
    assert limit, f"{model.__name__}.{name} has no length limit"
    return limit


def filled(length: int, text: str = FILLER, start: str = "", end: str = "") -> str:
    """`start` + `text` repeated + `end`, exactly `length` characters."""
    middle = length - len(start) - len(end)
    return start + (text * (middle // len(text) + 1))[:middle] + end


def worst_case(application):
    """`application` and its rows with every row limit reached and every text field full.

    Each row starts and ends with a marker (甲01 … 01乙 for 岗位负责人, 丙01 … 01丁 for 曾获荣誉),
    so that the PDF shows on which page each row begins and ends.
    """
    for name in ("applicant_name", "post_name", "parent_unit", "contact_name", "contact_title", "contact_phone"):
        setattr(application, name, filled(max_length(Application, name)))
    application.is_special_post = True
    application.special_reason = filled(max_length(Application, "special_reason"))
    application.achievements = filled(max_length(Application, "achievements"), STORY)
    application.unit_opinion = filled(max_length(Application, "unit_opinion"))
    application.review_opinion = filled(max_length(Application, "review_opinion"))
    leaders = [
        Leader(
            name=filled(max_length(Leader, "name"), start=f"甲{i:02}"),
            gender=Gender.FEMALE,
            title=filled(max_length(Leader, "title")),
            phone=filled(max_length(Leader, "phone"), end=f"{i:02}乙"),
        )
        for i in range(LeaderFormSet.max_num)
    ]
    honours = [
        Honour(
            year=filled(max_length(Honour, "year"), start=f"丙{i:02}"),
            title=filled(max_length(Honour, "title")),
            issuer=filled(max_length(Honour, "issuer"), end=f"{i:02}丁"),
        )
        for i in range(HonourFormSet.max_num)
    ]
    return application, leaders, honours


def page_parts(page: str) -> list[str]:
    """What a page of the form holds: its table rows (by their label or marker), 主要事迹 if any of its
    text is there, and the 意见 cells, in the order of the form."""
    parts = [label for label in ("岗位名称", "创建对象类别", "岗位总人数", "特殊岗位") if label in page]
    parts += [f"岗位负责人{i}" for i in re.findall(r"甲(\d\d)", page)]
    parts += ["联系人"] * page.count("联系人职务")
    parts += [f"曾获荣誉{i}" for i in re.findall(r"丙(\d\d)", page)]
    parts += ["主要事迹"] * ("润物无声" in page)
    parts += ["单位意见"] * page.count("负责人签字") + ["初审单位意见"] * page.count("初审单位意见")
    return parts


def test_pdf_of_the_longest_application_the_form_allows(submitted):
    application, leaders, honours = worst_case(submitted)
    assert (len(leaders), len(honours)) == (10, 20)

    pages = pdf_pages(render_application_pdf(application, leaders, honours))

    assert len(pages) == 12
    header = f"申报编号：2021-CZ-001申报单位：{application.applicant_name}"
    assert [page.endswith(f"{header}第{n}页共12页") for n, page in enumerate(pages, 1)] == [True] * 12
    parts = [page_parts(page_body(page)) for page in pages]
    # No page holds a lone row or a lone 意见 cell (a page may hold only text of 主要事迹), no page holds
    # a lone row of a table of rows, and both 意见 cells come together, after the end of 主要事迹.
    assert [len(page) >= 2 or page == ["主要事迹"] for page in parts] == [True] * 12
    for kind in ("岗位负责人", "曾获荣誉"):
        assert [sum(part.startswith(kind) for part in page) != 1 for page in parts] == [True] * 12
    assert [page for page in parts if "单位意见" in page or "初审单位意见" in page] == [
        ["主要事迹", "单位意见", "初审单位意见"]
    ]
    assert parts[0] == ["岗位名称", "创建对象类别", "岗位总人数", "特殊岗位"]
    # Every row on one page: its start and end markers on the same page, and each once.
    starts = [(page_number, marker) for page_number, page in enumerate(pages) for marker in re.findall(r"[甲丙](\d\d)", page)]
    ends = [(page_number, marker) for page_number, page in enumerate(pages) for marker in re.findall(r"(\d\d)[乙丁]", page)]
    assert len(starts) == len(ends) == 30
    assert sorted(starts) == sorted(ends)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED])
def test_pdf_of_a_typical_application_fits_two_pages(submitted, status):
    # A draft paginates as its submitted form will: its mark takes no room from the form.
    submitted.status = status
    story = "　　班组现有工作人员12名，其中女性10名，平均年龄31岁，承担全院门诊的预检分诊、就医咨询和投诉受理等工作，群众满意度连续三年保持在98%以上。\n"
    achievements = filled(ACHIEVEMENTS_LIMIT * 2, story)
    while count_chars(achievements) > ACHIEVEMENTS_LIMIT:
        achievements = achievements[:-1]
    submitted.achievements = achievements
    leaders = [Leader(name=f"覃丽{i}", gender=Gender.FEMALE, title="门诊部副主任", phone="13907721111") for i in range(5)]
    honours = [Honour(year="2019", title="广西壮族自治区青年文明号", issuer="共青团广西壮族自治区委员会") for _ in range(5)]

    pages = [page_body(page) for page in pdf_pages(render_application_pdf(submitted, leaders, honours))]

    assert count_chars(achievements) == 500
    assert len(pages) == 2
    assert pages[0].count("共青团广西壮族自治区委员会") == 5
    assert "单位意见" not in pages[0]
    assert "主要事迹" not in pages[0]
    assert pages[1].count("负责人签字") == pages[1].count("初审单位意见") == 1

