"""The list's pager seeks the next page from the key of the page's last row (keyset pagination):
the same rows as the page's offset, in order, with no row twice and none missed where dates tie."""

import datetime
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ActivityFactory


def _records(staff, agency, count=47):
    # Four days for 47 records: every page boundary falls inside a run of the same date.
    return [
        ActivityFactory(organization=agency, recorded_by=staff, date=datetime.date(2022, 5, 1 + n % 4))
        for n in range(count)
    ]


def _walk(client, params, link):
    """Every page's rows, following the pager's `link` ("next_query" or "previous_query")."""
    pages = []
    query = params
    while True:
        response = client.get(reverse("activities:list"), query)
        assert response.status_code == 200
        pages.append((response.context["page"].number, [row.pk for row in response.context["rows"]]))
        if not response.context[link]:
            return pages, response
        query = {key: values[-1] for key, values in parse_qs(response.context[link]).items()}


@pytest.mark.parametrize("who", ["committee_admin", "secretary"])
@pytest.mark.parametrize(
    ("sort", "key"),
    [("", lambda a: (a.date, a.pk)), ("date", lambda a: (a.date, -a.pk))],
)
def test_next_and_previous_by_key_show_the_rows_of_the_page_by_offset(
    request, client_for, staff, agency, who, sort, key
):
    records = _records(staff, agency)
    # Newest first by default; ?sort=date is oldest first, ties newest first (the list's last key).
    expected = [a.pk for a in sorted(records, key=key, reverse=not sort)]
    client = client_for(request.getfixturevalue(who))
    params = {"sort": sort} if sort else {}

    forward, last = _walk(client, params, "next_query")
    assert [number for number, _ in forward] == [1, 2, 3]
    assert [pk for _, rows in forward for pk in rows] == expected
    by_offset = [
        [row.pk for row in client.get(reverse("activities:list"), {**params, "page": n}).context["rows"]]
        for n in (1, 2, 3)
    ]
    assert [rows for _, rows in forward] == by_offset
    # Deep links carry the key of the row they continue from.
    assert "before=" in last.context["previous_query"]

    backward, _ = _walk(client, {**params, "page": 3}, "previous_query")
    assert [number for number, _ in backward] == [3, 2, 1]
    assert [rows for _, rows in backward] == by_offset[::-1]


def test_a_page_by_key_seeks_instead_of_stepping_over_the_rows_before_it(
    client_for, committee_admin, staff, agency
):
    records = _records(staff, agency)
    page_two = client_for(committee_admin).get(reverse("activities:list"), {"page": 2})
    after = parse_qs(page_two.context["next_query"])["after"][0]
    with CaptureQueriesContext(connection) as captured:
        response = client_for(committee_admin).get(reverse("activities:list"), {"page": 3, "after": after})
    rows_sql = next(q["sql"] for q in captured.captured_queries if '"date" <' in q["sql"])
    assert "OFFSET" not in rows_sql
    assert len(response.context["rows"]) == len(records) - 40


def test_a_key_that_cannot_be_read_or_finds_nothing_falls_back_to_the_page(
    client_for, committee_admin, staff, agency
):
    _records(staff, agency)
    client = client_for(committee_admin)
    by_offset = [row.pk for row in client.get(reverse("activities:list"), {"page": 2}).context["rows"]]
    for after in ("nonsense", "2022-13-01.5", "1990-01-01.1"):
        response = client.get(reverse("activities:list"), {"page": 2, "after": after})
        assert response.status_code == 200
        assert [row.pk for row in response.context["rows"]] == by_offset


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own count of the list index")
def test_a_city_sized_whole_list_shows_the_estimate_and_says_so(
    client_for, committee_admin, staff, agency, monkeypatch
):
    records = _records(staff, agency)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE activities_activity")
    monkeypatch.setattr("activities.selectors.activity.ESTIMATE_ABOVE", 10)
    client = client_for(committee_admin)
    response = client.get(reverse("activities:list"))
    page = response.context["page"]
    assert page.estimated
    assert abs(page.paginator.count - len(records)) <= 5
    assert "约" in response.content.decode() or "About" in response.content.decode()
    # Walking "next" by key still lists every row once, in order, and stops at the last.
    forward, _ = _walk(client, {}, "next_query")
    expected = [a.pk for a in sorted(records, key=lambda a: (a.date, a.pk), reverse=True)]
    assert [pk for _, rows in forward for pk in rows][: len(expected)] == expected
    # A filtered list counts exactly.
    filtered = client.get(reverse("activities:list"), {"year": 2022})
    assert not filtered.context["page"].estimated
    assert filtered.context["page"].paginator.count == len(records)
