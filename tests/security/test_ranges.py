"""Issue 13, findings 5 and 6: hours, dates and years within one window, alike for forms and imports;
links http(s) only, when saved and when shown."""

import datetime

import pytest
from django.urls import reverse

from activities.imports.engine import ledger_import
from activities.imports.ledger import CellError, parse_date, parse_hours, parse_year
from activities.models import Kind, Publicity
from tests.activities.test_forms import _data, make_form
from tests.activities.test_ledger import csv_bytes


@pytest.mark.parametrize("hours", ["-1", "0", "24.5", "1000"])
def test_the_activity_form_refuses_hours_outside_0_to_24(agency, hours):
    form = make_form(agency, Kind.CENTRAL_GROUP_STUDY, _data(agency, hours=hours))
    assert not form.is_valid() and "hours" in form.errors


@pytest.mark.parametrize("date", ["0001-01-01", "1999-12-31", "9999-12-31"])
def test_the_activity_form_refuses_dates_outside_the_window(agency, date):
    form = make_form(agency, Kind.CENTRAL_GROUP_STUDY, _data(agency, date=date))
    assert not form.is_valid() and "date" in form.errors


def test_the_activity_form_takes_a_day_of_hours_in_the_window(agency):
    form = make_form(agency, Kind.CENTRAL_GROUP_STUDY, _data(agency, hours="24"))
    form.is_valid()
    assert "hours" not in form.errors and "date" not in form.errors


@pytest.mark.parametrize(
    ("parser", "value"),
    [
        (parse_hours, "-1"),
        (parse_hours, "1000"),
        (parse_hours, "0"),
        (parse_date, "0001-01-01"),
        (parse_date, "9999-12-31"),
        (parse_date, datetime.date(1990, 1, 1)),
        (parse_year, "0"),
        (parse_year, "10000"),
        (parse_year, "1999"),
    ],
)
def test_the_importer_refuses_the_same_values_as_the_forms(parser, value):
    with pytest.raises(CellError):
        parser(value)


def test_a_rectification_year_outside_the_window_is_refused_by_the_form(client_for, agency, recorder):
    response = client_for(recorder).post(
        reverse("records:rectification_new"),
        {"agency": agency.pk, "year": "10000", "problem": "学习不深入", "category": "theory"},
    )
    assert response.status_code == 200 and "year" in response.context["form"].errors


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "data:text/html,<b>x</b>", "//evil.example", "ftp://x"]
)
def test_a_publicity_link_must_be_http_or_https(client_for, agency, recorder, link):
    response = client_for(recorder).post(
        reverse("records:publicity_new"),
        {"agency": agency.pk, "date": "2022-07-03", "title": "七一主题党日", "outlet": "县融媒体中心",
         "level": "county", "form": "article", "link": link},
    )  # fmt: skip
    assert response.status_code == 200 and "link" in response.context["form"].errors
    assert not Publicity.objects.exists()
    result = ledger_import(
        ledger_type="publicity",
        data=csv_bytes(
            [["日期", "标题", "媒体", "级别", "链接"], ["2022-04-01", "稿件", "县融媒体中心", "县级", link]]
        ),
        filename="a.csv",
        organization=agency,
        user=recorder,
    )
    assert [issue.column for issue in result.errors] == ["链接"]


def test_an_old_javascript_link_is_shown_as_plain_text(client_for, agency, recorder):
    Publicity.objects.create(
        agency=agency, date=datetime.date(2022, 3, 5), title="旧稿件", outlet="县融媒体中心",
        level=Publicity.Level.COUNTY, link="javascript:alert(1)",
    )  # fmt: skip
    html = client_for(recorder).get(reverse("records:publicity_list"), {"org": agency.code}).content.decode()
    assert "旧稿件" in html and "javascript:" not in html
