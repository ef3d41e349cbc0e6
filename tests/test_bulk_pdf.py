"""The bulk print of a body's recommended 申报表: one PDF, each with its 意见, in parts of 20."""

import io

import pytest
from django.urls import reverse

from applications.services import application_submit
from applications.workflow import Action
from review.documents.bulk_pdf import PART_SIZE, part_count, part_of
from review.models import CONDITION_FIELDS
from review.services import review_decide
from tests.factories import ApplicationFactory

CONDITIONS = {name: True for name in CONDITION_FIELDS}


def pdf_pages(content: bytes):
    import pypdf

    return pypdf.PdfReader(io.BytesIO(content)).pages


def recommend(campaign, unit, applicant, reviewer, name, opinion):
    application = ApplicationFactory(campaign=campaign, unit=unit, applicant_name=name, post_name="班组")
    application = application_submit(application=application, user=applicant)
    return review_decide(
        application=application, user=reviewer, action=Action.RECOMMEND, opinion=opinion, conditions=CONDITIONS
    )


@pytest.fixture
def two_recommended(apply_window, campaign, unit, applicant, reviewer_a):
    return [
        recommend(campaign, unit, applicant, reviewer_a, "甲班组", "甲班组事迹突出同意推荐"),
        recommend(campaign, unit, applicant, reviewer_a, "乙班组", "乙班组服务优良同意推荐"),
    ]


def test_one_pdf_with_each_opinion(two_recommended, client_for, reviewer_a):
    response = client_for(reviewer_a).get(reverse("review:summary_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    pages = pdf_pages(response.content)
    # Each short 申报表 takes one page or two; the two together at least two.
    texts = [page.extract_text().replace("\n", "").replace(" ", "") for page in pages]
    whole = "".join(texts)
    assert len(pages) >= 2
    assert whole.count("柳州市巾帼文明岗申报表") == 2
    assert "甲班组事迹突出同意推荐" in whole
    assert "乙班组服务优良同意推荐" in whole
    assert whole.index("甲班组事迹突出同意推荐") < whole.index("乙班组服务优良同意推荐")


def test_other_body_gets_none_of_them(two_recommended, client_for, reviewer_b):
    response = client_for(reviewer_b).get(reverse("review:summary_pdf"))
    assert response.status_code == 404


@pytest.mark.parametrize("part", ["0", "2", "-1", "x", "１", "99999999999999999999", ""])
def test_bad_part_is_404(two_recommended, client_for, reviewer_a, part):
    response = client_for(reviewer_a).get(reverse("review:summary_pdf"), {"part": part})
    assert response.status_code == 404


def test_part_one_of_one(two_recommended, client_for, reviewer_a):
    response = client_for(reviewer_a).get(reverse("review:summary_pdf"), {"part": "1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_parts():
    assert [part_count(n) for n in (0, 1, 10, 11, 20, 21)] == [1, 1, 1, 2, 2, 3]
    rows = list(range(25))
    assert part_of(rows, 1) == list(range(10))
    assert part_of(rows, 3) == [20, 21, 22, 23, 24]
    with pytest.raises(IndexError):
        part_of(rows, 4)
    with pytest.raises(IndexError):
        part_of(rows, 0)
    assert PART_SIZE == 10


def test_more_than_ten_lists_the_parts(apply_window, campaign, unit, applicant, reviewer_a, client_for):
    for i in range(PART_SIZE + 1):
        recommend(campaign, unit, applicant, reviewer_a, f"第{i + 1}班组", "同意推荐")
    client = client_for(reviewer_a)
    response = client.get(reverse("review:summary_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "第1部分：第1至10份（PDF）" in html
    assert "第2部分：第11至11份（PDF）" in html
    assert f'href="{reverse("review:summary_pdf")}?part=2"' in html
    part = client.get(reverse("review:summary_pdf"), {"part": "2"})
    assert part.status_code == 200
    whole = "".join(p.extract_text() for p in pdf_pages(part.content)).replace("\n", "").replace(" ", "")
    assert whole.count("柳州市巾帼文明岗申报表") == 1
    assert "第11班组" in whole
    assert client.get(reverse("review:summary_pdf"), {"part": "3"}).status_code == 404


def test_nothing_recommended_is_404(campaign, client_for, reviewer_a):
    assert client_for(reviewer_a).get(reverse("review:summary_pdf")).status_code == 404
