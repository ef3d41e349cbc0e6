"""Lists paged group by group (gangwei.paging.GroupedKeys): the city's list and 我的申报 campaign by
campaign, the 培训 and 考核 tables body by body. Walking every page gives exactly the list in its
full order, whatever the page size and however the groups fall across the pages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import Application, Category, Status
from applications.selectors import applications_for_list, applications_list_page
from gangwei.paging import GroupedKeys
from review.city.training import reported_posts, reported_posts_page
from review.models import Review
from tests.factories import ApplicationFactory, BodyFactory, CampaignFactory, UnitFactory, force_update, shanghai


def walk(page_for, size: int) -> list[str]:
    """The keys of every page, in order, asking pages 1, 2, … until the last."""
    keys, number = [], 1
    while True:
        page = page_for(str(number), size)
        keys += [row.key for row in page.object_list]
        if not page.has_next():
            return keys
        number += 1


@pytest.fixture
def two_campaigns(campaign, unit, other_unit):
    """Reported posts in the campaign of 2021 and in one of 2020, changed at distinct moments."""
    earlier = CampaignFactory(year=2020, title="2020年度柳州市巾帼文明岗创建")
    made = []
    for i, (year_campaign, owner) in enumerate(
        [(campaign, unit)] * 4 + [(earlier, unit)] * 3 + [(campaign, other_unit)] * 2 + [(earlier, other_unit)]
    ):
        made.append(ApplicationFactory(campaign=year_campaign, unit=owner))
        force_update(
            Application.objects.filter(pk=made[-1].pk),
            status=Status.REPORTED,
            updated_at=shanghai(2020, 9, 1, 10, 0, 0) + dt.timedelta(minutes=(i * 7) % 10),
        )
    ApplicationFactory(campaign=campaign, unit=unit)  # a draft: 我的申报 lists it, the city does not
    return made


@pytest.mark.parametrize("size", [1, 2, 3, 4, 20])
def test_the_citys_list_walked_page_by_page_is_the_whole_list_in_order(two_campaigns, city_user, size):
    expected = [a.key for a in applications_for_list(city_user)]
    assert len(expected) == 10
    assert walk(lambda number, size: applications_list_page(city_user, number, size), size) == expected


@pytest.mark.parametrize("size", [1, 2, 3, 20])
def test_my_applications_walked_page_by_page_are_the_whole_list_in_order(two_campaigns, applicant, size):
    expected = [a.key for a in applications_for_list(applicant)]
    assert len(expected) == 8
    assert walk(lambda number, size: applications_list_page(applicant, number, size), size) == expected


def test_a_page_past_the_end_is_the_last_and_a_bad_number_the_first(two_campaigns, city_user):
    expected = [a.key for a in applications_for_list(city_user)]
    assert [a.key for a in applications_list_page(city_user, "999", 4).object_list] == expected[8:]
    assert [a.key for a in applications_list_page(city_user, "二", 4).object_list] == expected[:4]
    assert applications_list_page(city_user, "-3", 4).number == 1


@pytest.fixture
def three_bodies(campaign):
    """Reported posts of three bodies (listed out of the notice's order), some ranked by their body."""
    bodies = [BodyFactory(display_order=order) for order in (3, 1, 2)]
    posts = []
    for body, count in zip(bodies, (4, 3, 5), strict=True):
        for i in range(count):
            post = ApplicationFactory(campaign=campaign, unit=UnitFactory(parent=body), category=Category.OFFICE)
            posts.append(post)
            if i % 2 == 0:
                Review.objects.create(application=post, rank=count - i)
    force_update(Application.objects.filter(pk__in=[p.pk for p in posts]), status=Status.REPORTED)
    return bodies


@pytest.mark.parametrize("size", [1, 2, 3, 5, 30])
def test_the_reported_posts_walked_page_by_page_are_the_summary_order(three_bodies, campaign, size):
    expected = [a.key for a in reported_posts(campaign)]
    assert len(expected) == 12
    assert walk(lambda number, size: reported_posts_page(campaign, number, size), size) == expected


def test_a_page_within_one_group_reads_only_that_group(three_bodies, campaign):
    """The first page of three lies in the first body (display order 1, three posts): its keys are
    read from that body alone."""
    with CaptureQueriesContext(connection) as queries:
        page = reported_posts_page(campaign, "1", 3)
    first = three_bodies[1]
    assert {a.unit.parent_id for a in page.object_list} == {first.pk}
    keys_query = [q["sql"] for q in queries.captured_queries if "LIMIT" in q["sql"]]
    assert len(keys_query) == 1 and '"parent_id" IN' not in keys_query[0]


def test_grouped_keys_count_and_slices():
    calls = []

    class Rows:
        def __init__(self, groups):
            self.groups = groups

        def values_list(self, *args, **kwargs):
            return [f"{g}{i}" for g in self.groups for i in range(sizes[g])]

    sizes = {"a": 3, "b": 0, "c": 5, "d": 2}

    def rows_for(groups):
        calls.append(groups)
        return Rows(groups)

    keys = GroupedKeys(list(sizes.items()), rows_for)
    assert (keys.count(), len(keys)) == (10, 10)
    assert keys[0:2] == ["a0", "a1"] and calls[-1] == ["a"]
    assert keys[2:5] == ["a2", "c0", "c1"] and calls[-1] == ["a", "c"]
    assert keys[8:10] == ["d0", "d1"] and calls[-1] == ["d"]
    assert keys[9:20] == ["d1"]
    assert keys[10:12] == []
    with pytest.raises(TypeError):
        keys[0]


@pytest.mark.parametrize("number", ["\x00", "9" * 400, "١٢", "2.5", "-0", "%E5%AD%97", "1e9", " 2"])
def test_hostile_page_numbers_give_a_page(two_campaigns, client_for, applicant, city_user, reviewer_a, number):
    """Every grouped list answers any page number with a page (the first or the last), never an error;
    a NUL byte is refused by the request hygiene middleware (400) before any view."""
    for user, url in [(applicant, "/apply/"), (city_user, "/city/"), (reviewer_a, "/review/")]:
        response = client_for(user).get(url, {"page": number})
        if "\x00" in number:
            assert (url, response.status_code) == (url, 400)
            continue
        assert (url, response.status_code) == (url, 200)
        assert response.context["page"].number in (1, response.context["page"].paginator.num_pages)
