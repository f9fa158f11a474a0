"""Where the summary's figures come from: each figure equals the ledger list it opens and the
summary's own count, and the Word file can carry the table of sources as an appendix."""

import io
import re
from html import unescape

import docx
from django.urls import reverse

from activities.models import CENTRAL_GROUP_KINDS, LECTURE_KINDS, Kind
from reports.selectors.summary import summary_data
from tests.reports import test_dashboard
from tests.reports.test_dashboard import YEAR

members = test_dashboard.members
year_records = test_dashboard.year_records
URL = reverse("reports:sources", args=[YEAR])


def figures(html):
    """(label, ledger link, count) of each figure on the sources page."""
    found = re.findall(
        r'<h2 class="h6" id="source-\d+">(.*?)：<a class="source-count" href="([^"]+)">[^<\d]*(\d+)',
        html,
        re.S,
    )
    return [(label, unescape(url), int(count)) for label, url, count in found]


def test_each_figure_of_the_summary_equals_its_ledger_list_and_the_summarys_count(
    client_for, secretary, agency, year_records
):
    client = client_for(secretary)
    html = client.get(URL).content.decode()
    shown = figures(html)
    data = summary_data(agency=agency, year=YEAR)
    expected = {"中心组集中学习研讨": data.count(*CENTRAL_GROUP_KINDS)}
    expected["领导班子讲授党课"] = sum(
        1 for a in year_records["approved"] if a.kind in LECTURE_KINDS and a.given_by_leader
    )
    for kind, label in Kind.choices:
        if data.kind_counts.get(kind):
            expected[str(label)] = data.kind_counts[kind]
    assert {label: count for label, _url, count in shown} == expected
    for label, url, count in shown:
        assert client.get(url).context["page"].paginator.count == count, label
    first = min(year_records["approved"], key=lambda a: a.date)
    assert f"{first.date:%Y-%m-%d} {first.title}" in html  # the records' dates and titles


def test_the_word_file_appends_the_table_of_sources_on_request(client_for, secretary, year_records):
    client = client_for(secretary)
    docx_url = reverse("exports:docx", args=[YEAR])
    plain = docx.Document(io.BytesIO(client.get(docx_url).content))
    assert not plain.tables and "附件" not in [p.text for p in plain.paragraphs]

    word = docx.Document(io.BytesIO(client.get(docx_url, {"sources": "1"}).content))
    texts = [p.text for p in word.paragraphs]
    attachment = texts.index("附件")
    assert word.paragraphs[attachment].paragraph_format.page_break_before
    assert word.paragraphs[attachment].style.name == "Heading 1"
    assert texts[attachment + 1] == "数据来源" and word.paragraphs[attachment + 1].style.name == "Title"
    headings = [p.text for p in word.paragraphs[attachment + 2 :] if p.style.name == "Heading 3"]
    assert headings[0] == "1. 中心组集中学习研讨：3条"
    assert len(word.tables) == len(headings)
    central = word.tables[0]
    assert [cell.text for cell in central.rows[0].cells] == ["日期", "主题"]
    assert [row.cells[0].text for row in central.rows[1:]] == ["2022-01-10", "2022-03-10", "2022-06-10"]
    assert central.rows[1].cells[1].paragraphs[0].style.name == "Table Text"


def test_another_agencys_sources_are_not_found(client_for, outsider, agency, year_records):
    assert client_for(outsider).get(URL, {"org": agency.code}).status_code == 404
