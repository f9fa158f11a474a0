""" "Overdue" is one rule (activities.models.overdue_q): the home page, the dashboard, the overview and the
rectification list agree, counting an open item carried over from an earlier year (defect 5 of issue 14)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import RectificationItem, overdue_q
from tests.factories import RectificationItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(agency, secretary):
    this_year = timezone.localdate().year
    old = timezone.localdate() - datetime.timedelta(days=400)
    made = [
        # Carried over from last year, still open, long past its deadline.
        RectificationItemFactory(agency=agency, owner=secretary, year=this_year - 1, deadline=old),
        RectificationItemFactory(
            agency=agency,
            owner=secretary,
            year=this_year,
            deadline=timezone.localdate() - datetime.timedelta(days=3),
            status=RectificationItem.Status.IN_PROGRESS,
        ),
        # Not overdue: done, no deadline, or a deadline to come.
        RectificationItemFactory(
            agency=agency, year=this_year, deadline=old, status=RectificationItem.Status.DONE
        ),
        RectificationItemFactory(agency=agency, year=this_year, deadline=None),
        RectificationItemFactory(
            agency=agency, year=this_year, deadline=timezone.localdate() + datetime.timedelta(days=60)
        ),
    ]
    return made


def test_the_model_and_the_query_agree(items):
    by_query = set(RectificationItem.objects.filter(overdue_q()).values_list("pk", flat=True))
    by_model = {item.pk for item in RectificationItem.objects.all() if item.is_overdue()}
    assert by_query == by_model == {items[0].pk, items[1].pk}


def test_home_dashboard_overview_and_list_show_the_same_two_overdue_items(
    client_for, admin_user, agency, items
):
    client = client_for(admin_user)
    year = timezone.localdate().year
    home = client.get(reverse("home")).content.decode()
    assert home.count(">已逾期<") == 2

    dashboard = client.get(reverse("dashboard:index") + f"?org={agency.code}&year={year}").content.decode()
    figure = dashboard[dashboard.index('id="figure-rectification-overdue"') :]
    assert re.search(r'figure-value"><a [^>]*>(\d+)<', figure).group(1) == "2"

    overview = client.get(reverse("dashboard:overview") + f"?year={year}").content.decode()
    cell = re.search(r'data-col="overdue">(?:<span[^>]*>)?(\d+)', overview)
    assert cell.group(1) == "2"

    link = re.search(r'href="([^"]*overdue=1[^"]*)"', figure).group(1).replace("&amp;", "&")
    listed = client.get(link).content.decode()
    assert all(item.problem[:20] in listed for item in items[:2])
    assert not any(item.problem[:20] in listed for item in items[2:])


def test_a_year_without_rectification_items_draws_no_ring_of_equal_slices(client_for, secretary, agency):
    page = client_for(secretary).get(reverse("dashboard:index") + f"?org={agency.code}").content.decode()
    assert 'data-chart="rectification"' not in page
    assert "本年度暂无整改事项" in page


def test_a_year_with_items_draws_the_ring(client_for, secretary, agency, items):
    page = client_for(secretary).get(reverse("dashboard:index") + f"?org={agency.code}").content.decode()
    assert 'data-chart="rectification"' in page
