"""Every figure of the dashboard that counts records opens the list of exactly those records."""

import datetime
import re
from html import unescape

from django.utils import timezone

from activities.models import RectificationItem
from tests.factories import RectificationItemFactory
from tests.reports import test_dashboard
from tests.reports.test_dashboard import YEAR, page

# The dashboard tests' year of records, shared as fixtures.
members = test_dashboard.members
year_records = test_dashboard.year_records

CARD = re.compile(
    r'<div class="card h-100 figure-card[^"]*" id="figure-([\w-]+)">(.*?)</div>\s*</div>\s*</div>', re.S
)
MAIN = re.compile(r'figure-value"><a href="([^"]+)"[^>]*>([^<]+)</a>')
PART = re.compile(r'<li>[^<]*: <a href="([^"]+)">(\d+)</a></li>')


def linked_figures(html):
    """(figure id, link, value) for each figure card's number and each of its parts."""
    found = []
    for figure_id, body in CARD.findall(html):
        for pattern in (MAIN, PART):
            for url, value in pattern.findall(body):
                found.append((figure_id, unescape(url), value.strip()))
    return found


def test_every_linked_figure_equals_the_count_of_the_list_it_opens(
    client_for, secretary, agency, year_records
):
    today = timezone.localdate()
    for status in RectificationItem.Status.values:
        RectificationItemFactory(agency=agency, year=YEAR, status=status)
    RectificationItemFactory(agency=agency, year=YEAR, deadline=today - datetime.timedelta(days=3))
    RectificationItemFactory(agency=agency, year=YEAR - 1, deadline=today - datetime.timedelta(days=3))
    client = client_for(secretary)
    html = page(client_for, secretary)
    checked = set()
    for figure_id, url, value in linked_figures(html):
        if not value.isdigit() or not url.startswith(("/activities/", "/rectification/")):
            continue  # a rate, or a list of people rather than records
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.context["page"].paginator.count == int(value), (figure_id, url)
        checked.add(figure_id)
    assert checked >= {
        "activities",
        "group-leading",
        "group-experiential",
        "group-practice",
        "central-group",
        "leader-lectures",
        "field-visits",
        "practice",
        "rectification-open",
        "rectification-overdue",
        "rectification-closed",
        "awaiting-review",
        "incomplete",
    }


def test_the_year_is_compared_with_the_year_before_only_when_it_has_records(
    client_for, secretary, branch, staff, year_records
):
    from activities.stats import stats_rebuild
    from tests.factories import ActivityFactory

    html = page(client_for, secretary)
    assert "较上年" not in html and "与上年持平" not in html
    for month in (2, 5, 9):
        ActivityFactory(organization=branch, recorded_by=staff, date=datetime.date(YEAR - 1, month, 3))
    stats_rebuild(year=YEAR - 1)
    html = page(client_for, secretary)
    approved = len(year_records["approved"])
    note = re.search(r'id="figure-activities".*?figure-note">(.*?)</div>', html, re.S).group(1)
    assert note == f"较上年增加{approved - 3}次"
    previous = [(url, value) for figure_id, url, value in linked_figures(html) if f"year={YEAR - 1}" in url]
    assert len(previous) == 1 and previous[0][1] == "3"
    assert client_for(secretary).get(previous[0][0]).context["page"].paginator.count == 3


def test_the_summary_can_say_how_the_year_compares(agency, branch, staff, year_records):
    from django.utils import translation

    from activities.stats import stats_rebuild
    from reports.selectors.summary import summary_data, year_on_year_sentence
    from tests.factories import ActivityFactory

    with translation.override("zh-hans"):
        assert summary_data(agency=agency, year=YEAR).year_on_year == ""
        ActivityFactory(organization=branch, recorded_by=staff, date=datetime.date(YEAR - 1, 4, 3))
        stats_rebuild(year=YEAR - 1)
        approved = len(year_records["approved"])
        assert summary_data(agency=agency, year=YEAR).year_on_year == (
            f"全年开展学习活动{approved}次，较上年增加{approved - 1}次"
        )
        assert year_on_year_sentence(activities=124, previous=108) == "全年开展学习活动124次，较上年增加16次"
        assert year_on_year_sentence(activities=100, previous=108) == "全年开展学习活动100次，较上年减少8次"
        assert year_on_year_sentence(activities=108, previous=108) == "全年开展学习活动108次，与上年持平"
        assert year_on_year_sentence(activities=108, previous=0) == ""
