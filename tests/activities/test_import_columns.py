"""The ledger columns an agency really keeps: 党支部, 请假人员, 缺席人员 (activities), 党小组 (people); a
column nobody reads is named in a warning; two columns for the same thing are refused."""

import io

import pytest
from django.core.management import call_command

from activities.imports.engine import ledger_import
from activities.models import Activity, Attendance, Kind
from studyportal.accounts.models import Organization, User
from tests.factories import OrganizationFactory

from .test_ledger import csv_bytes

HEADER = ["日期", "类型", "主题", "党支部", "参加人员", "请假人员", "缺席人员", "参加人数"]


def run(rows, organization, user, ledger_type="activities", dry_run=False):
    return ledger_import(
        ledger_type=ledger_type,
        data=csv_bytes(rows),
        filename="台账.csv",
        organization=organization,
        user=user,
        dry_run=dry_run,
    )


@pytest.fixture
def second_branch(agency):
    return OrganizationFactory(
        code="branch-2", name="测试局第二党支部", kind=Organization.Kind.BRANCH, parent=agency
    )


@pytest.fixture
def people(staff, recorder, secretary, leader):
    return {"张三": staff, "李四": recorder, "王五": secretary, "赵局长": leader}


def test_a_row_names_its_branch_by_name_or_code_and_a_row_without_one_is_the_agencys(
    agency, branch, second_branch, people
):
    rows = [
        HEADER,
        ["2022-03-01", "支部委员会会议", "3月支委会", "测试局第二党支部", "张三", "", "", ""],
        ["2022-03-02", "支部委员会会议", "3月支委会", "branch", "李四", "", "", ""],
        ["2022-03-03", "主题党日", "联合主题党日", "", "张三、李四", "", "", ""],
    ]
    result = run(rows, agency, people["李四"])
    assert result.errors == [] and result.created == 3
    held = {a.date.day: a.organization for a in Activity.objects.all()}
    assert held == {1: second_branch, 2: branch, 3: agency}


def test_an_unknown_branch_is_an_error_naming_the_agencys_branches(agency, branch, people):
    rows = [HEADER, ["2022-03-01", "支部委员会会议", "3月支委会", "第九党支部", "张三", "", "", ""]]
    result = run(rows, agency, people["李四"])
    assert not result.ok and Activity.objects.count() == 0
    (issue,) = result.errors
    assert (issue.row, issue.column) == (2, "党支部")
    assert "第九党支部" in issue.message and "测试局机关党支部" in issue.message


def test_a_branch_import_refuses_a_row_of_another_branch(agency, branch, second_branch, people):
    rows = [HEADER, ["2022-03-01", "支部委员会会议", "3月支委会", "测试局第二党支部", "张三", "", "", ""]]
    result = run(rows, branch, people["李四"])
    assert [issue.column for issue in result.errors] == ["党支部"]


def test_leave_and_absence_become_attendance_statuses(agency, people):
    rows = [HEADER, ["2022-05-01", "支部党员大会", "二季度党员大会", "", "张三、李四", "王五", "赵局长", "3"]]
    result = run(rows, agency, people["李四"])
    assert result.errors == []
    activity = Activity.objects.get()
    statuses = {row.person.real_name: row.status for row in activity.attendances.select_related("person")}
    assert statuses == {
        "张三": Attendance.Status.PRESENT,
        "李四": Attendance.Status.PRESENT,
        "王五": Attendance.Status.LEAVE,
        "赵局长": Attendance.Status.ABSENT,
    }
    # 参加人数 counts who came: one outside participant besides the two named.
    assert activity.outside_headcount == 1


def test_a_person_listed_as_present_and_on_leave_is_an_error(agency, people):
    rows = [HEADER, ["2022-05-01", "支部党员大会", "二季度党员大会", "", "张三、李四", "李四", "", ""]]
    result = run(rows, agency, people["李四"])
    (issue,) = result.errors
    assert issue.column == "请假人员" and "李四" in issue.message and "参加人员" in issue.message


def test_an_unknown_name_on_leave_is_an_error(agency, people):
    rows = [HEADER, ["2022-05-01", "支部党员大会", "二季度党员大会", "", "张三", "钱七", "", ""]]
    (issue,) = run(rows, agency, people["李四"]).errors
    assert issue.column == "请假人员" and "钱七" in issue.message


def test_a_ledger_without_the_new_columns_keeps_its_keys(agency, people):
    """Importing an old ledger again after the new columns came adds nothing."""
    old = [["日期", "类型", "主题", "参加人员"], ["2022-03-03", "主题党日", "主题党日", "张三"]]
    run(old, agency, people["李四"])
    again = [HEADER, ["2022-03-03", "主题党日", "主题党日", "", "张三", "", "", ""]]
    assert run(again, agency, people["李四"]).unchanged == 1
    assert Activity.objects.count() == 1


def test_an_unknown_column_is_named_in_a_warning_and_the_rest_imports(agency, people):
    rows = [
        ["日期", "类型", "主题", "记录人", "参加人员"],
        ["2022-03-03", "主题党日", "主题党日", "李四", "张三"],
    ]
    result = run(rows, agency, people["李四"])
    assert result.ok and result.created == 1
    (warning,) = result.warnings
    assert "「记录人」" in warning and "参加人员" in warning


def test_a_ledger_with_only_known_columns_has_no_warning(agency, people):
    rows = [HEADER, ["2022-03-03", "主题党日", "主题党日", "", "张三", "", "", ""]]
    assert run(rows, agency, people["李四"]).warnings == []


def test_two_header_columns_for_the_same_thing_are_refused_with_row_and_column(agency, people):
    rows = [
        ["台账"],
        ["日期", "类型", "主题", "参加人员", "参加人员"],
        ["2022-03-03", "主题党日", "主题党日", "张三", "李四"],
    ]
    result = run(rows, agency, people["李四"])
    assert Activity.objects.count() == 0
    (issue,) = result.errors
    assert (issue.row, issue.column) == (2, "参加人员")
    assert "D" in issue.message and "E" in issue.message
    assert "第2行" in str(issue) or "Row 2" in str(issue)


def test_the_command_prints_the_unknown_column_warning(tmp_path, agency, people, admin_user):
    path = tmp_path / "台账.csv"
    path.write_bytes(
        csv_bytes([["日期", "类型", "主题", "记录人"], ["2022-03-03", "主题党日", "主题党日", "李四"]])
    )
    out = io.StringIO()
    call_command("import_ledger", str(path), "--org", agency.code, stdout=out)
    assert "「记录人」" in out.getvalue() and "警告" in out.getvalue()
    assert Activity.objects.filter(kind=Kind.THEME_PARTY_DAY).count() == 1


def test_the_people_ledger_takes_a_party_group(admin_user, agency, branch):
    rows = [
        ["姓名", "党支部", "党小组", "党员"],
        ["孙一", "测试局机关党支部", "第一党小组", "是"],
        ["孙二", "测试局机关党支部", "", "是"],
    ]
    result = run(rows, agency, admin_user, ledger_type="people")
    assert result.errors == []
    assert dict(User.objects.filter(real_name__startswith="孙").values_list("real_name", "party_group")) == {
        "孙一": "第一党小组",
        "孙二": "",
    }


def test_a_party_group_without_a_branch_is_an_error(admin_user, agency):
    rows = [["姓名", "党小组"], ["孙一", "第一党小组"]]
    (issue,) = run(rows, agency, admin_user, ledger_type="people").errors
    assert issue.column == "党小组" and "党支部" in issue.message


def test_the_blank_templates_carry_the_new_columns(client_for, recorder):
    client = client_for(recorder)
    activities = client.get("/activities/import/template/activities.csv").content.decode("utf-8-sig")
    assert all(name in activities.splitlines()[0] for name in ("党支部", "请假人员", "缺席人员"))
    people = client.get("/activities/import/template/people.csv").content.decode("utf-8-sig")
    assert "党小组" in people.splitlines()[0]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["missing.csv", "--org", "agency"], "文件不存在：missing.csv。请核对路径和文件名"),
        (["{file}", "--org", "无此单位"], "请核对 --org，或先用 python manage.py add_org 添加该单位"),
        (["{file}", "--org", "agency", "--user", "nobody"], "找不到用户 nobody。请填写管理员的用户名"),
        (["{file}", "--org", "agency"], "请先创建（python manage.py createsuperuser）"),
    ],
)
def test_every_error_of_import_ledger_says_in_chinese_what_to_do(tmp_path, agency, args, words):
    from django.core.management import CommandError

    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([["日期", "类型", "主题"], ["2022-03-03", "主题党日", "主题党日"]]))
    with pytest.raises(CommandError, match=words.replace("(", r"\(").replace(")", r"\)")):
        call_command("import_ledger", *[arg.format(file=path) for arg in args])


def test_a_bad_row_through_the_command_names_row_and_column_in_chinese(tmp_path, agency, admin_user):
    from django.core.management import CommandError

    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([["日期", "类型", "主题"], ["昨天", "主题党日", "主题党日"]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="发现 1 处问题，未导入任何数据。请修改文件后重新导入"):
        call_command("import_ledger", str(path), "--org", "agency", stderr=err)
    assert "第2行 「日期」" in err.getvalue()


@pytest.mark.parametrize("ledger_type", ["activities", "people", "rectification", "points", "publicity"])
def test_every_ledger_refuses_a_header_column_given_twice(ledger_type):
    """Issue 13, finding 10: every importer reads its header through ledger.read_ledger, which refuses
    two columns for the same field rather than keep one and ignore the other silently."""
    from activities.imports.ledger import LedgerError, read_ledger
    from activities.imports.rules import IMPORTERS

    columns = IMPORTERS[ledger_type].columns
    labels = [column.label for column in columns]
    twice = labels[0]
    rows = [[*labels, twice], ["x"] * (len(labels) + 1)]
    with pytest.raises(LedgerError) as refused:
        read_ledger(csv_bytes(rows), "台账.csv", columns)
    assert twice in refused.value.message and "两列" in refused.value.message
