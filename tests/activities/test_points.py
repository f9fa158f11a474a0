"""Study points: who is below the agency's threshold, who may see it and who may set it."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from activities.models import StudyPoints
from activities.selectors.points import count_points_below_threshold, points_by_member, points_for_person
from tests.factories import UserFactory


@pytest.fixture
def members(agency, branch):
    people = {
        name: UserFactory(agency=agency, branch=branch, real_name=name, username=f"p_{n}")
        for n, name in enumerate(["甲", "乙", "丙", "丁", "戊"])
    }
    # 甲: a yearly figure above the threshold.
    StudyPoints.objects.create(person=people["甲"], year=2022, points=9000)
    # 乙: twelve months adding up to 6000, and 20000 in another year that must not count.
    for month in range(1, 13):
        StudyPoints.objects.create(person=people["乙"], year=2022, month=month, points=500)
    StudyPoints.objects.create(person=people["乙"], year=2021, points=20000)
    # 丙: nothing recorded for 2022 (not counted as low: a missing import is not a low score).
    # 丁: two platforms, 7000 + 900 = 7900, just below.
    StudyPoints.objects.create(person=people["丁"], year=2022, points=7000)
    StudyPoints.objects.create(person=people["丁"], year=2022, platform="福建干部网络学院", points=900)
    # 戊: a yearly figure and the months of the same platform: the yearly figure wins.
    StudyPoints.objects.create(person=people["戊"], year=2022, points=8500)
    StudyPoints.objects.create(person=people["戊"], year=2022, month=1, points=100)
    agency.low_points_threshold = 8000
    agency.save()
    return people


def test_members_below_the_threshold_are_found_for_the_year(agency, members):
    below = [row for row in points_by_member(agency=agency, year=2022) if row.below]
    assert [(row.person.real_name, row.total) for row in below] == [("丁", 7900), ("乙", 6000)]
    assert count_points_below_threshold(agency=agency, year=2022) == 2


def test_nobody_is_below_a_threshold_that_is_not_set(agency, members):
    agency.low_points_threshold = None
    agency.save()
    assert count_points_below_threshold(agency=agency, year=2022) == 0
    assert not any(row.below for row in points_by_member(agency=agency, year=2022))


def test_another_agencys_members_are_not_counted(agency, members, outsider):
    StudyPoints.objects.create(person=outsider, year=2022, points=10)
    assert count_points_below_threshold(agency=agency, year=2022) == 2


def test_a_persons_points_for_a_year(members):
    points = points_for_person(person=members["乙"], year=2022)
    assert points.total == 6000
    assert points.by_month == dict.fromkeys(range(1, 13), 500)
    two_platforms = points_for_person(person=members["丁"], year=2022)
    assert two_platforms.by_platform == {"学习强国": 7000, "福建干部网络学院": 900}
    assert not points_for_person(person=members["丙"], year=2022).has_data


def test_the_secretary_sees_everyones_points_sorted_by_name_in_pinyin_with_the_low_ones_marked(
    client_for, secretary, members
):
    html = client_for(secretary).get(reverse("records:points"), {"year": 2022}).content.decode()
    table = html[html.index('id="points-table"') :]
    # bing3, ding1, jia3, wu4, yi3: as a Chinese reader looks a name up (code points would give
    # 丁 丙 乙 戊 甲), and never by points.
    positions = [table.index(f"<td>{name}</td>") for name in ["丙", "丁", "甲", "戊", "乙"]]
    assert positions == sorted(positions)
    assert table.count("偏低") == 2
    assert "7900" in table and "无记录" in table


def test_staff_cannot_see_other_peoples_points(client_for, staff, members):
    response = client_for(staff).get(reverse("records:points"), {"year": 2022})
    assert response.status_code == 403
    assert "7900" not in response.content.decode()


def test_only_the_admin_sets_the_threshold(client_for, agency, secretary, admin_user):
    url = reverse("records:points_threshold") + f"?org={agency.code}"
    assert client_for(secretary).post(url, {"low_points_threshold": 100}).status_code == 403
    agency.refresh_from_db()
    assert agency.low_points_threshold is None
    html = client_for(secretary).get(reverse("records:points")).content.decode()
    assert 'id="threshold-form"' not in html

    response = client_for(admin_user).post(url, {"low_points_threshold": 9000, "year": 2022}, follow=True)
    agency.refresh_from_db()
    assert agency.low_points_threshold == 9000
    assert "积分偏低标准已保存" in response.content.decode()


def test_a_bad_threshold_is_refused_in_chinese(client_for, agency, admin_user):
    url = reverse("records:points_threshold") + f"?org={agency.code}"
    response = client_for(admin_user).post(url, {"low_points_threshold": "-5"}, follow=True)
    agency.refresh_from_db()
    assert agency.low_points_threshold is None
    assert "确保该值大于或等于0" in response.content.decode()


def test_my_record_shows_only_my_own_points(members, agency):
    html = Template("{% load records_tags %}{% my_points person 2022 %}").render(
        Context({"person": members["丁"]})
    )
    assert "7900" in html and "低于本单位积分标准" in html
    assert "6000" not in html  # nobody else's figure


def test_the_points_page_takes_the_same_queries_however_many_members(
    client_for, secretary, members, django_assert_num_queries
):
    client = client_for(secretary)
    client.get(reverse("records:points"))
    # session, user, roles, the user's agency among those visible, years with points,
    # points grouped by person and platform, the members with their branch, the agency list, and
    # the user's agency for the navigation.
    with django_assert_num_queries(9):
        client.get(reverse("records:points"), {"year": 2022})


def test_my_record_page_shows_my_points(client_for, members, agency):
    person = members["丁"]
    response = client_for(person).get(reverse("activities:my_record"), {"year": 2022})
    html = response.content.decode()
    assert 'id="my-points"' in html
    assert "7900" in html and "6000" not in html


def test_a_persons_points_take_one_query(members, django_assert_num_queries):
    # the person's rows grouped by platform and month
    with django_assert_num_queries(1):
        points_for_person(person=members["戊"], year=2022)
    assert points_for_person(person=members["戊"], year=2022).total == 8500
