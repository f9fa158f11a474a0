"""The export downloads and the print view: who may have them, and what they get."""

import datetime
import io
from urllib.parse import quote

import docx
import openpyxl
import pytest
from django.urls import reverse

from activities.models import Kind
from reports.services import summary_document
from tests.factories import ActivityFactory

SUMMARY_URLS = ["exports:docx", "exports:markdown", "exports:html", "exports:print"]
ALL_URLS = [*SUMMARY_URLS, "exports:xlsx"]


def url(name, year=2022, org=None):
    return reverse(name, args=[year]) + (f"?org={org}" if org else "")


@pytest.mark.parametrize("name", ALL_URLS)
def test_anonymous_users_are_sent_to_log_in(client, agency, name):
    response = client.get(url(name, org=agency.code))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ALL_URLS)
def test_posting_is_not_allowed(client_for, secretary, name):
    assert client_for(secretary).post(url(name)).status_code == 405


@pytest.mark.parametrize("name", ALL_URLS)
def test_another_agency_is_not_found(client_for, outsider, agency, name):
    assert client_for(outsider).get(url(name, org=agency.code)).status_code == 404


@pytest.mark.parametrize("name", ALL_URLS)
def test_an_unknown_organization_is_not_found(client_for, secretary, name):
    assert client_for(secretary).get(url(name, org="no-such-org")).status_code == 404


@pytest.mark.parametrize("name", SUMMARY_URLS)
def test_staff_may_download_the_summary(client_for, staff, name):
    assert client_for(staff).get(url(name)).status_code == 200


def test_staff_may_not_download_the_ledger_which_names_people(client_for, staff):
    assert client_for(staff).get(url("exports:xlsx")).status_code == 403


@pytest.mark.parametrize(
    ("name", "content_type", "extension"),
    [
        ("exports:docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        ("exports:markdown", "text/markdown; charset=utf-8", "md"),
        ("exports:html", "text/html; charset=utf-8", "html"),
    ],
)
def test_summary_downloads_are_named_after_the_title(
    client_for, secretary, agency, name, content_type, extension
):
    response = client_for(secretary).get(url(name))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    title = summary_document(agency=agency, year=2022).title
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith("filename*=utf-8''" + quote(f"{title}.{extension}"))


def test_the_word_file_is_the_agency_summary(client_for, secretary, agency):
    response = client_for(secretary).get(url("exports:docx"))
    document = summary_document(agency=agency, year=2022)
    word = docx.Document(io.BytesIO(response.content))
    texts = [p.text for p in word.paragraphs]
    assert texts[0] == document.title
    assert texts[-len(document.paragraphs) :] == [p.text for p in document.paragraphs]


def test_the_print_view_is_the_document_without_navigation(client_for, staff, agency):
    response = client_for(staff).get(url("exports:print"))
    document = summary_document(agency=agency, year=2022)
    page = response.content.decode()
    assert f"<h1>{document.title}</h1>" in page
    assert "css/summary-print.css" in page
    assert "navbar" not in page
    # Scripts come from files only (the Content-Security-Policy forbids inline ones).
    assert "<script>" not in page
    assert " onclick=" not in page


def test_the_ledger_is_streamed_as_a_workbook_with_a_chinese_file_name(client_for, secretary, agency):
    response = client_for(secretary).get(url("exports:xlsx"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" + quote("测试局") in disposition
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames[0] == "领学"


def test_the_committee_admin_gets_another_agency_and_the_whole_county_ledger(
    client_for, committee_admin, agency, committee
):
    client = client_for(committee_admin)
    for name in ALL_URLS:
        assert client.get(url(name, org=agency.code)).status_code == 200, name
    assert client.get(url("exports:xlsx", org=committee.code)).status_code == 200


@pytest.mark.parametrize("name", SUMMARY_URLS)
def test_a_summary_is_written_per_agency_not_for_the_committee(client_for, committee_admin, committee, name):
    assert client_for(committee_admin).get(url(name, org=committee.code)).status_code == 404


def test_a_secretary_may_not_have_the_committee_ledger(client_for, secretary, committee):
    assert client_for(secretary).get(url("exports:xlsx", org=committee.code)).status_code == 404


@pytest.mark.parametrize("year", [1999, 2101])
def test_a_year_outside_the_portal_is_not_found(client_for, secretary, year):
    assert client_for(secretary).get(url("exports:docx", year=year)).status_code == 404


@pytest.mark.parametrize("per_group", [1, 4])
def test_the_ledger_download_costs_the_same_queries_however_many_records(
    client_for, secretary, branch, agency, per_group, django_assert_num_queries
):
    for kind in (Kind.WEEKLY_STUDY, Kind.FIELD_VISIT, Kind.HOUSEHOLD_VISIT):
        for day in range(1, per_group + 1):
            ActivityFactory(
                organization=branch, kind=kind, date=datetime.date(2022, 5, day), recorded_by=secretary
            )
    client = client_for(secretary)
    # session, user, the user's roles, the organization asked for; then per group the activities
    # and the materials of the one chunk (3 × 2); then rectification, study points, publicity.
    with django_assert_num_queries(4 + 6 + 3):
        response = client.get(url("exports:xlsx", org=agency.code))
        b"".join(response.streaming_content)
