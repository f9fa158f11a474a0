"""Importing rectification items, study points and publicity placements (the columns of docs/imports.md)."""

import datetime

import pytest
from django.core.management import call_command

from activities.imports.engine import ledger_import
from activities.models import Publicity, RectificationItem, StudyPoints
from studyportal.accounts.models import User
from studyportal.audit.models import AuditEntry

from .test_import_activities import model_counts
from .test_ledger import FORMATS, csv_bytes, ledger_file


def run(ledger_type, data, organization, user, name="a.csv", dry_run=False):
    return ledger_import(
        ledger_type=ledger_type,
        data=data,
        filename=name,
        organization=organization,
        user=user,
        dry_run=dry_run,
    )


RECTIFICATION = [
    ["2022年度整改事项台账"],
    ["问题", "类别", "整改措施", "责任人", "整改时限", "状态", "年度"],
    [
        "理论学习不够深入",
        "理论学习",
        "制定学习计划，每月开展专题研讨",
        "王五",
        "2023年6月30日",
        "整改中",
        "2022",
    ],
    ["省、市级媒体上稿数量不多", "宣传舆论", "加强信息报送", "", "2023/12/31", "未开始", ""],
    ["已解决的老问题", "作风建设", "已整改", "张三", "", "已销号", "2021年"],
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_rectification_ledger_imports_in_every_format(fmt, tmp_path, agency, staff, secretary, recorder):
    data, name = ledger_file(fmt, RECTIFICATION, tmp_path)
    result = run("rectification", data, agency, secretary, name)
    assert result.errors == [] and result.created == 3
    items = {item.problem: item for item in RectificationItem.objects.filter(agency=agency)}
    theory = items["理论学习不够深入"]
    assert theory.category == RectificationItem.Category.THEORY
    assert theory.owner == secretary and theory.deadline == datetime.date(2023, 6, 30)
    assert theory.status == RectificationItem.Status.IN_PROGRESS and theory.year == 2022 and theory.imported
    publicity = items["省、市级媒体上稿数量不多"]
    assert publicity.year == 2023  # taken from the deadline when 年度 is empty
    assert publicity.status == RectificationItem.Status.NOT_STARTED and publicity.owner is None
    assert items["已解决的老问题"].status == RectificationItem.Status.CLOSED


def test_a_rectification_ledger_imported_twice_adds_nothing(agency, staff, secretary, recorder):
    run("rectification", csv_bytes(RECTIFICATION), agency, secretary)
    before = model_counts()
    result = run("rectification", csv_bytes(RECTIFICATION), agency, secretary)
    assert (result.created, result.unchanged) == (0, 3)
    assert model_counts() == before


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (["", "理论学习", "", "", "", "", "2022"], "问题", "必须填写"),
        (["问题", "纪律", "", "", "", "", "2022"], "类别", "无法识别"),
        (["问题", "理论学习", "", "查无此人", "", "", "2022"], "责任人", "查无此人"),
        (["问题", "理论学习", "", "", "2023-02-30", "", "2022"], "整改时限", "不是日期"),
        (["问题", "理论学习", "", "", "", "拖延中", "2022"], "状态", "无法识别"),
        (["问题", "理论学习", "", "", "", "", ""], "年度", "年度"),
    ],
)
def test_a_bad_rectification_row_is_named_and_nothing_is_written(
    row, column, words, agency, staff, secretary, recorder
):
    before = model_counts()
    result = run("rectification", csv_bytes([*RECTIFICATION, row]), agency, secretary)
    assert model_counts() == before
    assert [(issue.row, issue.column) for issue in result.errors] == [(6, column)]
    assert words in result.errors[0].message


POINTS = [
    ["姓名", "期间（period）", "平台", "积分"],
    ["张三", "2022", "学习强国", "12034"],
    ["李四", "2022-03", "", "856"],
    ["王五", "2022年", "福建干部网络学院", "60"],
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_points_ledger_imports_in_every_format(fmt, tmp_path, agency, staff, recorder, secretary):
    data, name = ledger_file(fmt, POINTS, tmp_path)
    result = run("points", data, agency, secretary, name)
    assert result.errors == [] and result.created == 3
    assert StudyPoints.objects.get(person=staff, year=2022, month=None).points == 12034
    assert StudyPoints.objects.get(person=recorder, year=2022, month=3).platform == "学习强国"
    assert StudyPoints.objects.get(person=secretary).platform == "福建干部网络学院"


def test_points_imported_again_are_unchanged_and_a_new_figure_updates_them(
    agency, staff, recorder, secretary
):
    run("points", csv_bytes(POINTS), agency, secretary)
    result = run("points", csv_bytes(POINTS), agency, secretary)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    rows = [row[:] for row in POINTS]
    rows[1][3] = "13000"
    result = run("points", csv_bytes(rows), agency, secretary)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert StudyPoints.objects.get(person=staff).points == 13000
    assert StudyPoints.objects.count() == 3


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (["外单位的人", "2022", "", "100"], "姓名", "外单位的人"),
        (["张三", "2022-13", "", "100"], "期间（period）", "期间"),
        (["张三", "2023", "", "一百"], "积分", "整数"),
        (["张三", "2023", "", "-5"], "积分", "小于"),
        (["张三", "2022", "学习强国", "5"], "期间（period）", "重复"),
    ],
)
def test_a_bad_points_row_is_named_and_nothing_is_written(
    row, column, words, agency, staff, recorder, secretary
):
    before = model_counts()
    result = run("points", csv_bytes([*POINTS, row]), agency, secretary)
    assert model_counts() == before
    assert [(issue.row, issue.column) for issue in result.errors] == [(5, column)]
    assert words in result.errors[0].message


PUBLICITY = [
    ["日期", "标题", "媒体", "级别", "形式"],
    ["2022-05-10", "县工信局开展企业帮扶活动", "福建日报", "省级", "文章"],
    ["2022/6/1", "二十大精神进企业", "县融媒体中心", "县级", "视频"],
    ["2022年7月1日", "主题党日活动", "单位公众号", "本单位", "新媒体"],
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_publicity_ledger_imports_in_every_format(fmt, tmp_path, agency, recorder):
    data, name = ledger_file(fmt, PUBLICITY, tmp_path)
    result = run("publicity", data, agency, recorder, name)
    assert result.errors == [] and result.created == 3
    placement = Publicity.objects.get(title="县工信局开展企业帮扶活动")
    assert (placement.agency, placement.level, placement.form) == (agency, "provincial", "article")
    assert placement.date == datetime.date(2022, 5, 10) and placement.imported
    assert Publicity.objects.get(title="主题党日活动").form == Publicity.Form.POST


def test_publicity_imported_again_adds_nothing_and_a_corrected_level_updates(agency, recorder):
    run("publicity", csv_bytes(PUBLICITY), agency, recorder)
    assert run("publicity", csv_bytes(PUBLICITY), agency, recorder).unchanged == 3
    rows = [row[:] for row in PUBLICITY]
    rows[1][3] = "市级"
    result = run("publicity", csv_bytes(rows), agency, recorder)
    assert (result.created, result.updated) == (0, 1)
    assert Publicity.objects.get(title="县工信局开展企业帮扶活动").level == Publicity.Level.MUNICIPAL


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (["2022-13-01", "标题", "媒体", "省级", ""], "日期", "不是日期"),
        (["2022-01-01", "标题", "媒体", "乡镇级", ""], "级别", "无法识别"),
        (["2022-01-01", "标题", "", "省级", ""], "媒体", "必须填写"),
        (["2022-01-01", "标题", "媒体", "省级", "广播剧"], "形式", "无法识别"),
    ],
)
def test_a_bad_publicity_row_is_named_and_nothing_is_written(row, column, words, agency, recorder):
    before = model_counts()
    result = run("publicity", csv_bytes([*PUBLICITY, row]), agency, recorder)
    assert model_counts() == before
    assert [(issue.row, issue.column) for issue in result.errors] == [(5, column)]
    assert words in result.errors[0].message


@pytest.mark.parametrize("ledger_type", ["rectification", "points", "publicity"])
def test_a_dry_run_of_any_type_writes_nothing(ledger_type, agency, staff, recorder, secretary):
    rows = {"rectification": RECTIFICATION, "points": POINTS, "publicity": PUBLICITY}[ledger_type]
    before = model_counts()
    result = run(ledger_type, csv_bytes(rows), agency, secretary, dry_run=True)
    assert result.ok and result.created == 3
    assert model_counts() == before


PEOPLE = [["姓名", "职务", "党支部"], ["新同志", "科员", "第一党支部"], ["另一位", "副科长", ""]]


@pytest.mark.parametrize("ledger_type", ["people", "rectification", "points", "publicity"])
def test_every_type_of_import_is_closed_by_an_entry_listing_what_it_created(
    ledger_type, agency, staff, recorder, secretary, admin_user
):
    rows = {"people": PEOPLE, "rectification": RECTIFICATION, "points": POINTS, "publicity": PUBLICITY}
    model = {
        "people": User,
        "rectification": RectificationItem,
        "points": StudyPoints,
        "publicity": Publicity,
    }
    result = run(ledger_type, csv_bytes(rows[ledger_type]), agency, admin_user)
    assert result.created == (2 if ledger_type == "people" else 3)

    closing = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert (closing.after["ledger_type"], closing.after["created"]) == (ledger_type, result.created)
    label = model[ledger_type]._meta.label_lower
    listed = [pk for low, high in closing.after["records"][label] for pk in range(low, high + 1)]
    assert len(listed) == result.created
    assert set(model[ledger_type].objects.filter(pk__in=listed).values_list("pk", flat=True)) == set(listed)
    call_command("audit_verify")

    # Importing the same file again changes nothing, and adds no entry.
    run(ledger_type, csv_bytes(rows[ledger_type]), agency, admin_user)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).count() == 1
