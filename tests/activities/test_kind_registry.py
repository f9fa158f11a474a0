"""A kind added to the registry alone reaches every page, the importer, the summary and the ledger."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from activities import kinds
from activities.imports.engine import ledger_import
from activities.kinds import Group, KindSpec
from reports.exporters.xlsx import ledger_workbook
from reports.summary import build_summary

from .test_ledger import csv_bytes

# A study class (读书班) closed with the Party oath: one row, nothing else.
STUDY_CLASS = KindSpec(
    "study_class",
    "读书班",
    Group.LEADING,
    "读书班",
    ("党员读书班",),
    meeting=True,
    fields=("oath_renewed",),
    requires=frozenset({"sign_in"}),
    summary_count="读书班",
    figure="study-classes",
)


@pytest.fixture(autouse=True)
def study_class():
    with kinds.registered(STUDY_CLASS):
        yield


def test_the_kind_leaves_the_registry_with_its_block():
    with kinds.registered(KindSpec("reading_tour", "红色研学", Group.EXPERIENTIAL, "红色研学")):
        assert kinds.get("reading_tour") is not None
    assert kinds.get("reading_tour") is None and "红色研学" not in kinds.names()


def test_the_picker_offers_the_new_kind_and_its_form_saves_it(client_for, staff, agency):
    client = client_for(staff)
    picker = client.get(reverse("activities:new")).content.decode()
    leading = picker.split("<h2", 2)[1]  # the 领学 section, the first one
    assert 'value="study_class"' in leading and "读书班" in leading

    url = f"{reverse('activities:new')}?kind=study_class&org={agency.pk}"
    form = client.get(url).content.decode()
    assert "读书班" in form and "重温入党誓词" in form  # its own field
    response = client.post(
        url,
        {
            "organization": agency.pk,
            "date": "2022-06-01",
            "title": "党员读书班结业式",
            "location": "局三楼会议室",
            "outside_headcount": "0",
            "oath_renewed": "on",
            "notes": "",
            "materials_text": "",
            "file_kind": "photo",
            f"att_{staff.pk}": "present",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "党员读书班结业式" in page and "读书班" in page
    assert re.search(r"重温入党誓词</dt><dd[^>]*>是", page)
    # Judged by the completeness rules its row names: a meeting without its sign-in sheet.
    assert "缺少签到表" in re.search(r'id="completeness">(.*?)</dd>', page, re.S).group(1)


IMPORTED = [
    ["日期", "类型", "主题", "地点", "主讲人/领学人", "参加人员", "参加人数", "时长", "学习内容", "备注"],
    ["2022-03-05", "读书班", "春季读书班", "会议室", "", "张三", "", "3", "", ""],
    ["2022-09-06", "党员读书班", "秋季读书班", "会议室", "", "张三", "", "3", "", ""],
    ["2022-09-20", "主题党日", "九月主题党日", "会议室", "", "张三", "", "2", "", ""],
]


@pytest.fixture
def imported(agency, staff, secretary):
    """The year as a secretary imports it: approved at once, so counted."""
    result = ledger_import(
        ledger_type="activities",
        data=csv_bytes(IMPORTED),
        filename="台账.csv",
        organization=agency,
        user=secretary,
    )
    assert result.errors == []
    return result


def test_the_importer_takes_the_kind_by_its_chinese_label_and_by_an_alias(
    client_for, secretary, agency, imported
):
    assert imported.created == 3
    listed = client_for(secretary).get(reverse("activities:list"), {"kind": "study_class"}).content.decode()
    assert "春季读书班" in listed and "秋季读书班" in listed and "九月主题党日" not in listed


def test_the_summary_counts_the_kind_in_its_group_and_its_sentence(agency, imported):
    text = {section.key: section.text for section in build_summary(agency=agency, year=2022)}
    assert "其中领学类2次、助学类1次" in text["opening"]
    assert "召开读书班2次" in text["leading"]


def test_the_dashboard_shows_the_kind_in_its_group_and_in_a_figure_of_its_own(
    client_for, secretary, agency, imported
):
    html = client_for(secretary).get(reverse("dashboard:index"), {"year": 2022}).content.decode()

    def figure(figure_id):
        match = re.search(rf'id="figure-{figure_id}".*?figure-value">(.*?)</div>', html, re.S)
        return re.sub(r"<[^>]+>", "", match.group(1)).strip()

    assert figure("group-leading") == "2"
    assert figure("study-classes") == "2"


def test_the_excel_ledger_lists_the_kind_on_its_groups_sheet_with_its_columns(agency, imported):
    stream = io.BytesIO()
    with translation.override("zh-hans"):
        ledger_workbook(organizations=agency.subtree(), year=2022, stream=stream)
    sheet = openpyxl.load_workbook(stream)["领学"]
    header = [cell.value for cell in sheet[1]]
    assert "重温入党誓词" in header  # a column the leading sheet has only for this kind
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [(row["类型"], row["主题"], row["重温入党誓词"]) for row in rows] == [
        ("读书班", "春季读书班", "否"),
        ("读书班", "秋季读书班", "否"),
    ]
