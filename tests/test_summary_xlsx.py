"""附件2 汇总表 (.xlsx): read back with openpyxl; the views' access; export_summary."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from applications.models import Application, Status
from applications.services import application_submit
from applications.workflow import Action
from review.documents.summary import COLUMNS, sheet_names, summary_workbook
from review.models import CONDITION_FIELDS
from review.services import review_decide, review_rank, summary_file
from tests.factories import ApplicationFactory, BodyFactory, UnitFactory

CONDITIONS = {name: True for name in CONDITION_FIELDS}
TITLE = "申报2021年柳州市巾帼文明岗单位情况汇总表"


def recommend(application, applicant, reviewer, opinion="同意推荐。"):
    application = application_submit(application=application, user=applicant)
    return review_decide(
        application=application, user=reviewer, action=Action.RECOMMEND, opinion=opinion, conditions=CONDITIONS
    )


@pytest.fixture
def recommended(apply_window, campaign, unit, applicant, reviewer_a):
    """Three recommended applications of body A, ranked C, A, B; and one submitted, undecided."""
    made = {}
    for name, total, women in (("甲班组", 5, 3), ("乙班组", 7, 5), ("丙班组", 3000, 2000)):
        application = ApplicationFactory(
            campaign=campaign, unit=unit, applicant_name=name, post_name="班组", staff_total=total, staff_women=women
        )
        made[name] = recommend(application, applicant, reviewer_a, opinion=f"{name}符合条件，同意推荐。")
    pending = ApplicationFactory(campaign=campaign, unit=unit, applicant_name="丁班组")
    application_submit(application=pending, user=applicant)
    review_rank(user=reviewer_a, campaign=campaign, keys=[made[n].key for n in ("丙班组", "甲班组", "乙班组")])
    return made


def read(content):
    """A workbook from bytes or a path, read back with openpyxl."""
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(content) if isinstance(content, bytes) else content)


def data_rows(sheet):
    return [row for row in sheet.iter_rows(min_row=5, values_only=True)]


def test_body_sheet_reads_back(recommended, campaign, body_a, reviewer_a):
    body_a.contact_name = "莫主任"
    body_a.contact_phone = "0772-2800000"
    body_a.save()
    from tests.factories import shanghai

    workbook = read(
        summary_workbook(user=reviewer_a, campaign=campaign, bodies=[body_a], filed_at=shanghai(2020, 10, 10, 9, 0))
    )
    assert workbook.sheetnames == ["城中区妇联"]
    sheet = workbook["城中区妇联"]
    assert sheet["A1"].value == "附件2"
    assert sheet["A1"].font.bold is True
    assert sheet["A2"].value == TITLE
    assert sheet["A2"].alignment.horizontal == "center"
    assert sheet["A2"].font.size == 18
    assert sorted(str(r) for r in sheet.merged_cells.ranges) == ["A2:L2", "A3:L3"]
    assert sheet["A3"].value == (
        "填报单位（盖章）：柳州市城中区妇女联合会　　联系人：莫主任　　联系电话：0772-2800000　　填报日期：2020年10月10日"
    )
    assert [c.value for c in sheet[4]] == COLUMNS
    rows = data_rows(sheet)
    assert [(r[0], r[1]) for r in rows] == [(1, "丙班组"), (2, "甲班组"), (3, "乙班组")]
    assert [r[5] for r in rows] == ["66.6%", "60.0%", "71.4%"]
    assert rows[1][2:5] == ("柳州市第一测试医院", 5, 3)
    assert rows[1][6:11] == (
        "覃丽",
        "女/班组长",
        "韦小红\n13807720000",
        "2019 柳州市三八红旗集体",
        "甲班组符合条件，同意推荐。",
    )
    assert sheet["B5"].alignment.wrap_text is True
    assert sheet["B5"].alignment.vertical == "top"
    assert sheet["B5"].border.left.style == "thin"


def test_contact_falls_back_to_the_user(recommended, campaign, body_a, reviewer_a):
    reviewer_a.first_name, reviewer_a.last_name, reviewer_a.phone = "小红", "韦", "13800000001"
    reviewer_a.save()
    sheet = read(summary_workbook(user=reviewer_a, campaign=campaign, bodies=[body_a])).active
    assert "联系人：韦小红　　联系电话：13800000001　　填报日期：2020年9月1日" in sheet["A3"].value


def test_print_settings(recommended, campaign, body_a, reviewer_a):
    sheet = read(summary_workbook(user=reviewer_a, campaign=campaign, bodies=[body_a])).active
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$4:$4"
    assert sheet.print_options.horizontalCentered is True
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert sheet.column_dimensions["B"].width == 22


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","y")', "+1+2", "-3", "@SUM(A1)", "=1+1"])
def test_formula_like_text_is_stored_as_text(apply_window, campaign, unit, applicant, reviewer_a, body_a, name):
    application = ApplicationFactory(
        campaign=campaign, unit=unit, applicant_name=name, post_name=name, parent_unit=name
    )
    recommend(application, applicant, reviewer_a, opinion=name)
    sheet = read(summary_workbook(user=reviewer_a, campaign=campaign, bodies=[body_a])).active
    for coordinate in ("B5", "C5", "K5"):
        assert sheet[coordinate].value == name
        assert sheet[coordinate].data_type == "s"


def test_query_count_does_not_grow(
    apply_window, campaign, unit, applicant, reviewer_a, body_a, django_assert_num_queries
):
    def export():
        summary_workbook(user=reviewer_a, campaign=campaign, bodies=[body_a])

    recommend(ApplicationFactory(campaign=campaign, unit=unit), applicant, reviewer_a)
    with django_assert_num_queries(3):
        export()
    for _ in range(2):
        recommend(ApplicationFactory(campaign=campaign, unit=unit), applicant, reviewer_a)
    with django_assert_num_queries(3):
        export()


def test_city_wide_query_count_does_not_grow(
    apply_window, campaign, unit, applicant, reviewer_a, body_a, body_b, city_user, django_assert_num_queries
):
    from review.selectors import reviewing_bodies

    def export():
        summary_workbook(user=city_user, campaign=campaign, bodies=list(reviewing_bodies()), summary_sheet=True)

    recommend(ApplicationFactory(campaign=campaign, unit=unit), applicant, reviewer_a)
    summary_file(user=reviewer_a, campaign=campaign)
    # bodies, the rows (3), the filings
    with django_assert_num_queries(5):
        export()
    # Reopened and filed again with three rows would need the city; more rows in another body:
    other_unit = UnitFactory(parent=body_b)
    from tests.factories import UserFactory

    other_applicant = UserFactory(organisation=other_unit)
    reviewer_b = UserFactory(organisation=body_b)
    for _ in range(2):
        recommend(ApplicationFactory(campaign=campaign, unit=other_unit), other_applicant, reviewer_b)
    summary_file(user=reviewer_b, campaign=campaign)
    with django_assert_num_queries(5):
        export()


def test_no_row_of_another_body(
    apply_window, campaign, unit, other_unit, applicant, other_applicant, reviewer_a, reviewer_b, body_a, body_b
):
    recommend(ApplicationFactory(campaign=campaign, unit=unit, applicant_name="城中甲"), applicant, reviewer_a)
    recommend(
        ApplicationFactory(campaign=campaign, unit=other_unit, applicant_name="鱼峰乙"), other_applicant, reviewer_b
    )
    # Even asked for both bodies, a reviewer gets only the rows of its own.
    workbook = read(summary_workbook(user=reviewer_a, campaign=campaign, bodies=[body_a, body_b]))
    assert [r[1] for r in data_rows(workbook["城中区妇联"])] == ["城中甲（客服班组）"]
    assert data_rows(workbook["鱼峰区妇联"]) == []


def test_city_wide_workbook(apply_window, campaign, unit, applicant, reviewer_a, body_a, body_b, city_user):
    from review.selectors import reviewing_bodies

    recommend(ApplicationFactory(campaign=campaign, unit=unit, applicant_name="城中甲"), applicant, reviewer_a)
    recommend(ApplicationFactory(campaign=campaign, unit=unit, applicant_name="城中乙"), applicant, reviewer_a)
    report, _ = summary_file(user=reviewer_a, campaign=campaign)
    workbook = read(
        summary_workbook(user=city_user, campaign=campaign, bodies=list(reviewing_bodies()), summary_sheet=True)
    )
    assert workbook.sheetnames == ["汇总", "城中区妇联", "鱼峰区妇联"]
    summary = workbook["汇总"]
    assert [c.value for c in summary[4]] == ["序号", "初审单位", "推荐（报送）数", "报送情况", "报送日期"]
    assert [r for r in summary.iter_rows(min_row=5, values_only=True)] == [
        (1, "柳州市城中区妇女联合会", 2, "已报送", "2020年9月1日"),
        (2, "柳州市鱼峰区妇女联合会", 0, "未报送", None),
        ("合计", "2个初审单位", 2, "已报送1个", None),
    ]
    assert [r[1] for r in data_rows(workbook["城中区妇联"])] == ["城中甲（客服班组）", "城中乙（客服班组）"]


def test_sheet_names_are_safe_and_unique(db):
    bodies = [
        BodyFactory(name="甲", short_name="a/b:c*d?e[f]g\\h"),
        BodyFactory(name="乙", short_name="汇总"),
        BodyFactory(name="丙", short_name="很" * 40),
        BodyFactory(name="丁", short_name="很" * 40),
    ]
    names = sheet_names(bodies, ["汇总"])
    assert names == ["a_b_c_d_e_f_g_h", "汇总(2)", "很" * 31, "很" * 28 + "(2)"]


# --- views ---


def test_reviewer_downloads_own_summary(recommended, client_for, reviewer_a):
    response = client_for(reviewer_a).get(reverse("review:summary_xlsx"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''%E9%99%84%E4%BB%B62-%E6%B1%87%E6%80%BB%E8%A1%A8-2021-"
        "%E5%9F%8E%E4%B8%AD%E5%8C%BA%E5%A6%87%E8%81%94.xlsx"
    )
    sheet = read(response.content).active
    assert [r[1] for r in data_rows(sheet)] == ["丙班组", "甲班组", "乙班组"]


def test_other_reviewer_sees_nothing_of_a(recommended, client_for, reviewer_b):
    response = client_for(reviewer_b).get(reverse("review:summary_xlsx"))
    assert response.status_code == 200
    assert data_rows(read(response.content).active) == []


@pytest.mark.parametrize("name", ["review:summary_xlsx", "review:summary_pdf"])
def test_non_reviewer_is_refused(db, campaign, client_for, applicant, city_user, name):
    assert client_for(applicant).get(reverse(name)).status_code == 403
    assert client_for(city_user).get(reverse(name)).status_code == 403


def test_city_summary_only_for_city(db, campaign, client_for, applicant, reviewer_a, city_user):
    url = reverse("review:city_summary_xlsx")
    assert client_for(applicant).get(url).status_code == 403
    assert client_for(reviewer_a).get(url).status_code == 403
    response = client_for(city_user).get(url)
    assert response.status_code == 200
    assert read(response.content).sheetnames[0] == "汇总"


def test_city_sees_only_reported(recommended, campaign, client_for, reviewer_a, city_user):
    url = reverse("review:city_summary_xlsx")
    client = client_for(city_user)
    assert data_rows(read(client.get(url).content)["城中区妇联"]) == []
    # Undecided 丁班组 blocks the filing: decide it first.
    pending = Application.objects.get(applicant_name="丁班组")
    review_decide(application=pending, user=reviewer_a, action=Action.NOT_RECOMMEND, opinion="不符合条件。")
    summary_file(user=reviewer_a, campaign=campaign)
    rows = data_rows(read(client.get(url).content)["城中区妇联"])
    assert [r[1] for r in rows] == ["丙班组", "甲班组", "乙班组"]


def test_filed_file_as_filed(recommended, campaign, client_for, reviewer_a, reviewer_b, city_user, applicant):
    pending = Application.objects.get(applicant_name="丁班组")
    review_decide(application=pending, user=reviewer_a, action=Action.NOT_RECOMMEND, opinion="不符合条件。")
    report, _ = summary_file(user=reviewer_a, campaign=campaign)
    url = reverse("review:filed_xlsx", args=[report.pk])
    with report.file.open("rb") as file:
        filed = file.read()
    assert client_for(reviewer_a).get(url).content == filed
    assert client_for(city_user).get(url).content == filed
    assert client_for(reviewer_b).get(url).status_code == 404
    assert client_for(applicant).get(url).status_code == 404
    assert client_for(city_user).get(reverse("review:filed_xlsx", args=[report.pk + 1000])).status_code == 404
    assert client_for(city_user).get("/review/summary/filed/99999999999999999999999/").status_code == 404


def test_anonymous_is_sent_to_login(db, client):
    response = client.get(reverse("review:summary_xlsx"))
    assert response.status_code == 302


# --- export_summary ---


def test_export_summary_city_wide(recommended, campaign, reviewer_a, tmp_path, body_b):
    pending = Application.objects.get(applicant_name="丁班组")
    review_decide(application=pending, user=reviewer_a, action=Action.NOT_RECOMMEND, opinion="不符合条件。")
    summary_file(user=reviewer_a, campaign=campaign)
    out = tmp_path / "all.xlsx"
    stdout = io.StringIO()
    call_command("export_summary", "--year", "2021", "-o", str(out), stdout=stdout)
    workbook = read(out)
    assert workbook.sheetnames == ["汇总", "城中区妇联", "鱼峰区妇联"]
    assert [r[1] for r in data_rows(workbook["城中区妇联"])] == ["丙班组", "甲班组", "乙班组"]
    assert stdout.getvalue() == f"已导出 2021 年度汇总表（全市 2 个初审单位，共 3 份申报）到 {out}\n"


def test_export_summary_one_body_includes_recommended(recommended, campaign, tmp_path):
    out = tmp_path / "cz.xlsx"
    call_command("export_summary", "--year", "2021", "--body", "城中区妇联", "-o", str(out), stdout=io.StringIO())
    workbook = read(out)
    assert workbook.sheetnames == ["城中区妇联"]
    assert [r[1] for r in data_rows(workbook.active)] == ["丙班组", "甲班组", "乙班组"]
    assert Application.objects.filter(status=Status.RECOMMENDED).count() == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "1999"], "没有 1999 年度的创建活动。"),
        (["--year", "2021", "--body", "不存在"], "没有名为“不存在”的初审单位。可用的初审单位：城中区妇联"),
        (["--year", "2021", "--body", " "], "--body 不能为空"),
    ],
)
def test_export_summary_errors(campaign, body_a, tmp_path, args, message):
    with pytest.raises(CommandError) as error:
        call_command("export_summary", *args, "-o", str(tmp_path / "x.xlsx"))
    assert str(error.value).startswith(message)


def test_export_summary_unwritable(campaign, body_a, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("export_summary", "--year", "2021", "-o", str(tmp_path / "no" / "such" / "x.xlsx"))
    assert str(error.value).startswith("无法写入文件")
