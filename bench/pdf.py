"""Benchmark: one 附件1 PDF render, and the same page in Latin script as a baseline.

    python bench/pdf.py [--runs N]

The application is built in memory (no database): 500 counted characters of 主要事迹, three
岗位负责人 and three 曾获荣誉. After one warm-up render of each (WeasyPrint import, fontconfig
set-up), the CJK page and the Latin baseline are rendered N times each (default 15), taking turns,
and the medians are printed; the CPU-time medians follow, as they suffer less from a busy machine.

Two more applications are rendered the same way, with their page counts: a typical one (five
岗位负责人, five 曾获荣誉, 500 字: it must fit two pages) and the worst case the form allows (every
row limit reached, read from the formsets' max_num; every text field full to its model max_length).

The Latin baseline is the same template and the same data: the rendered HTML has every CJK
character run replaced by Latin words (five letters and a space for every three characters, about
the same printed width, so the page count is the same), full-width punctuation by its ASCII form,
and the fonts swapped for DejaVu Serif / DejaVu Sans (Debian's fonts-dejavu-core). So the ratio is the price
of CJK shaping and of subsetting the large Noto CJK fonts, not of a different layout.

Prints one figure per line: `name: value unit`.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ACHIEVEMENTS = (
    "　　门诊部导医服务班组现有工作人员12名，其中女性10名，平均年龄31岁，承担全院门诊的预检分诊、"
    "就医咨询、陪诊导诊和投诉受理等工作。\n"
    "　　近年来，班组坚持“以患者为中心”的服务理念，推行预约诊疗、一站式服务和延时门诊，优化就医流程，"
    "年均接待咨询群众逾十万人次，群众满意度连续三年保持在98%以上，未发生一起有效投诉。\n"
    "　　班组建立健全学习、管理和岗位责任制度，制定了导医服务规范和达标要求，每月开展业务培训和技能比武，"
    "多名成员在市级护理技能竞赛中获奖。新冠肺炎疫情期间，班组成员主动请缨，坚守预检分诊第一线，"
    "累计筛查就诊群众二十余万人次，为医院疫情防控作出了积极贡献。\n"
    "　　班组积极参加各级妇女组织开展的公益活动，组建“巾帼志愿服务队”，常态化开展进社区健康义诊、"
    "关爱留守儿童和孤寡老人等志愿服务，累计服务时长三千余小时，树立了良好的社会形象。"
    "今后，班组将以创建巾帼文明岗为契机，进一步提升服务质量，为建设健康柳州贡献巾帼力量。"
    "班组将继续加强学习，不断提高业务水平和服务能力，努力打造群众满意的服务窗口，"
    "在本地区、本行业、本系统中充分发挥先进性、代表性和示范性作用，争做新时代岗位建功的排头兵，"
    "引领广大妇女在岗位建功、岗位成才中实现自身的进步与发展。"
)

# Full-width and CJK punctuation → ASCII, for the Latin baseline.
PUNCTUATION = {
    "，": ", ",
    "。": ". ",
    "、": ", ",
    "：": ": ",
    "；": "; ",
    "！": "! ",
    "？": "? ",
    "（": " (",
    "）": ") ",
    "《": "'",
    "》": "'",
    "　": "  ",
    "“": "\u201c",
    "”": "\u201d",
}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
LETTERS = "loremipsumdolorsitametconsecteturadipiscingelitseddoeiusmodtemporincididunt"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gangwei.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
    import django

    django.setup()


def achievements_text(limit: int) -> str:
    """ACHIEVEMENTS cut to exactly `limit` counted characters (the server's rule)."""
    from applications.eligibility import count_chars

    text, counted = [], 0
    for char in ACHIEVEMENTS:
        if count_chars(char):
            if counted == limit:
                break
            counted += 1
        text.append(char)
    result = "".join(text)
    assert count_chars(result) == limit, count_chars(result)
    return result


def full_application():
    """An unsaved application of 2021 with every field filled, and its rows, all in memory."""
    from applications.eligibility import ACHIEVEMENTS_LIMIT
    from applications.models import Application, Category, Gender, Honour, Leader
    from gangwei.models import Campaign, Organisation, OrgKind

    body = Organisation(kind=OrgKind.REVIEWING_BODY, name="柳州市城中区妇女联合会", short_name="城中区妇联", code="CZ")
    unit = Organisation(kind=OrgKind.APPLICANT, name="柳州市工人医院", parent=body)
    application = Application(
        campaign=Campaign(year=2021),
        unit=unit,
        number="2021-CZ-001",
        applicant_name="柳州市工人医院门诊部导医服务班组",
        post_name="导医服务班组",
        parent_unit="柳州市工人医院",
        category=Category.TEAM,
        staff_total=12,
        staff_women=10,
        contact_name="韦小红",
        contact_title="门诊部副主任",
        contact_phone="0772-3812345",
        achievements=achievements_text(ACHIEVEMENTS_LIMIT),
        unit_opinion="经研究，该班组符合柳州市巾帼文明岗创建条件，所填情况属实，同意申报。",
    )
    leaders = [
        Leader(name="覃丽", gender=Gender.FEMALE, title="班组长", phone="13907721111"),
        Leader(name="黄志强", gender=Gender.MALE, title="门诊部主任", phone="13807722222"),
        Leader(name="欧阳晓梅", gender=Gender.FEMALE, title="护士长", phone="13607723333"),
    ]
    honours = [
        Honour(year="2018", title="柳州市三八红旗集体", issuer="柳州市妇女联合会"),
        Honour(year="2019", title="广西壮族自治区青年文明号", issuer="共青团广西壮族自治区委员会"),
        Honour(year="2020", title="柳州市抗击新冠肺炎疫情先进集体", issuer="中共柳州市委、柳州市人民政府"),
    ]
    return application, leaders, honours


# Agreed limits of the fields that have no max_length in the model yet (TextFields).
AGREED_MAX_LENGTH = {"special_reason": 200, "achievements": 2000, "unit_opinion": 300, "review_opinion": 500}
FILLER = "柳州市妇女联合会巾帼文明岗创建工作领导小组办公室门诊部导医服务班组"


def max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length or AGREED_MAX_LENGTH[name]


def filled(length: int, text: str = FILLER) -> str:
    return (text * (length // len(text) + 1))[:length]


def typical_application():
    """full_application() with five 岗位负责人 and five 曾获荣誉."""
    from applications.models import Gender, Honour, Leader

    application, leaders, honours = full_application()
    leaders += [
        Leader(name="莫小燕", gender=Gender.FEMALE, title="导医组长", phone="13507724444"),
        Leader(name="梁建华", gender=Gender.MALE, title="门诊部副主任", phone="13307725555"),
    ]
    honours += [
        Honour(year="2021", title="柳州市巾帼建功先进集体", issuer="柳州市妇女联合会"),
        Honour(year="2022", title="柳州市卫生健康系统优质服务窗口", issuer="柳州市卫生健康委员会"),
    ]
    return application, leaders, honours


def worst_application():
    """The longest 附件1 the form allows: every row limit reached, every text field full."""
    from applications.forms import HonourFormSet, LeaderFormSet
    from applications.models import Application, Gender, Honour, Leader

    application, _, _ = full_application()
    for name in ("applicant_name", "post_name", "parent_unit", "contact_name", "contact_title"):
        setattr(application, name, filled(max_length(Application, name)))
    application.contact_phone = filled(max_length(Application, "contact_phone"), "0772-3812345、")
    application.is_special_post = True
    application.special_reason = filled(max_length(Application, "special_reason"))
    application.achievements = filled(max_length(Application, "achievements"), ACHIEVEMENTS + "\n")
    application.unit_opinion = filled(max_length(Application, "unit_opinion"))
    application.review_opinion = filled(max_length(Application, "review_opinion"))
    leaders = [
        Leader(
            name=filled(max_length(Leader, "name")),
            gender=Gender.FEMALE,
            title=filled(max_length(Leader, "title")),
            phone=filled(max_length(Leader, "phone"), "13907721111、"),
        )
        for _ in range(LeaderFormSet.max_num)
    ]
    honours = [
        Honour(
            year=filled(max_length(Honour, "year"), "2019年"),
            title=filled(max_length(Honour, "title")),
            issuer=filled(max_length(Honour, "issuer")),
        )
        for _ in range(HonourFormSet.max_num)
    ]
    return application, leaders, honours


def page_count(pdf: bytes) -> int:
    import io

    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def latinise(html: str) -> str:
    """The same page in Latin script: see the module docstring."""
    position = 0

    def letters(count: int) -> str:
        nonlocal position
        word = "".join(LETTERS[(position + i) % len(LETTERS)] for i in range(count))
        position += count
        return word

    def replace(match: re.Match) -> str:
        out, run = [], 0
        for char in match.group() + "\0":
            if char in PUNCTUATION or char == "\0":
                # Five letters and a space print about as wide as three CJK characters.
                words = [letters(5) for _ in range(run // 3)] + ([letters(run % 3 * 2)] if run % 3 else [])
                out.append(" ".join(words))
                out.append(PUNCTUATION.get(char, ""))
                run = 0
            else:
                run += 1
        return "".join(out)

    return CJK.sub(replace, html.replace('lang="zh-CN"', 'lang="en"'))


def medians(renders: dict, runs: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of each render, after one warm-up each.

    The renders take turns, so that both feel the same load when the machine is shared.
    """
    for render in renders.values():
        render()
    wall = {name: [] for name in renders}
    cpu = {name: [] for name in renders}
    for _ in range(runs):
        for name, render in renders.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            render()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name])) for name in renders}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    setup_django()

    from applications.pdf import Fonts, application_pdf_html, html_to_pdf, render_application_pdf

    application, leaders, honours = full_application()
    latin_html = latinise(
        application_pdf_html(application, leaders, honours, fonts=Fonts(serif="DejaVu Serif", sans="DejaVu Sans"))
    )
    assert not CJK.search(latin_html)
    typical, worst = typical_application(), worst_application()
    result = medians(
        {
            "cjk": lambda: render_application_pdf(application, leaders, honours),
            "latin": lambda: html_to_pdf(latin_html),
            "typical": lambda: render_application_pdf(*typical),
            "worst": lambda: render_application_pdf(*worst),
        },
        args.runs,
    )
    (cjk, cjk_cpu), (latin, latin_cpu) = result["cjk"], result["latin"]

    print(f"pdf_median: {cjk:.3f} s")
    print(f"pdf_latin_baseline_median: {latin:.3f} s")
    print(f"pdf_ratio: {cjk / latin:.2f}")
    print(f"pdf_cpu_median: {cjk_cpu:.3f} s")
    print(f"pdf_latin_baseline_cpu_median: {latin_cpu:.3f} s")
    for name, rows in (("typical", typical), ("worst", worst)):
        wall, cpu = result[name]
        print(f"pdf_{name}_pages: {page_count(render_application_pdf(*rows))} pages")
        print(f"pdf_{name}_median: {wall:.3f} s")
        print(f"pdf_{name}_cpu_median: {cpu:.3f} s")


if __name__ == "__main__":
    main()
