"""Importing an activity ledger, by the shared importer and by `manage.py import_ledger`."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from activities.imports.engine import ledger_import
from activities.models import (
    Activity,
    ActivityMonthStat,
    Attendance,
    Kind,
    Publicity,
    RectificationItem,
    StudyMaterial,
    StudyPoints,
)
from studyportal.accounts.models import Organization, RoleAssignment, User

from .test_ledger import FORMATS, REFUSED, csv_bytes, ledger_file, xlsx_bytes

MODELS = (
    Activity,
    Attendance,
    StudyMaterial,
    ActivityMonthStat,
    RectificationItem,
    StudyPoints,
    Publicity,
    User,
    Organization,
    RoleAssignment,
)


def model_counts():
    return {model.__name__: model.objects.count() for model in MODELS}


GOOD = [
    ["测试局2022年度学习活动台账"],
    ["（填报单位：机关党支部）"],
    [
        " 日期 ",
        "类型（kind）",
        "主题",
        "地点",
        "主讲人/领学人",
        "参加人员",
        "参加人数",
        "时长",
        "学习内容",
        "备注",
    ],
    [
        "2022-03-05",
        "中心组集中学习",
        "学习全国两会精神",
        "三楼会议室",
        "赵局长",
        "张三、李四，王五",
        "3",
        "2",
        "《习近平谈治国理政》第四卷《百年大党面对面》",
        "",
    ],
    [
        "2022/4/8",
        "专题党课",
        "喜迎二十大 建功新时代",
        "会议室",
        "赵局长",
        "张三;李四；王五",
        "",
        "1.5",
        "",
        "",
    ],
    ["2022.6.30", "guest_lecture", "数字经济专题辅导", "", "省委党校李教授", "张三", "20", "2小时", "", ""],
    [
        "2022年7月1日",
        "现场教学",
        "学先烈锐意进取，守初心砥砺前行",
        "县革命历史纪念馆",
        "",
        "张三、李四",
        "",
        "",
        "",
        "重温入党誓词",
    ],
    ["2022-10-20", "观看教育片", "观看微视频", "", "", "王五", "", "", "《中国共产党人精神谱系》", ""],
]


def run(data, name, organization, user, dry_run=False):
    return ledger_import(
        ledger_type="activities",
        data=data,
        filename=name,
        organization=organization,
        user=user,
        dry_run=dry_run,
    )


@pytest.fixture
def people(staff, recorder, secretary, leader):
    return {"张三": staff, "李四": recorder, "王五": secretary, "赵局长": leader}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_recorders_good_ledger_imports_as_records_waiting_for_review_in_every_format(
    fmt, tmp_path, agency, people
):
    data, name = ledger_file(fmt, GOOD, tmp_path)
    result = run(data, name, agency, people["李四"])
    assert result.errors == []
    assert (result.created, result.unchanged, result.updated) == (5, 0, 0)

    activities = {a.date: a for a in Activity.objects.filter(organization=agency)}
    assert sorted(activities) == [
        datetime.date(2022, 3, 5),
        datetime.date(2022, 4, 8),
        datetime.date(2022, 6, 30),
        datetime.date(2022, 7, 1),
        datetime.date(2022, 10, 20),
    ]
    # Issue 13, finding 2: a recorder may not approve, by form or by file.
    assert all(a.status == Activity.Status.SUBMITTED and a.imported for a in activities.values())
    assert all(a.reviewed_by is None for a in activities.values())
    assert all(a.recorded_by == people["李四"] for a in activities.values())

    study = activities[datetime.date(2022, 3, 5)]
    assert study.kind == Kind.CENTRAL_GROUP_STUDY
    assert {p.real_name for p in User.objects.filter(attendances__activity=study)} == {"张三", "李四", "王五"}
    # The volume written after the marks belongs to the book: kept in its title, not moved to the notes.
    assert sorted(m.title for m in study.materials.all()) == ["习近平谈治国理政（第四卷）", "百年大党面对面"]
    assert "第四卷" not in study.notes
    assert study.outside_headcount == 0

    lecture = activities[datetime.date(2022, 4, 8)]
    assert lecture.kind == Kind.PARTY_LECTURE
    assert lecture.speaker == people["赵局长"] and lecture.given_by_leader
    assert lecture.hours == 1.5
    assert lecture.attendances.count() == 3

    guest = activities[datetime.date(2022, 6, 30)]
    assert guest.speaker is None and guest.speaker_name == "省委党校李教授" and not guest.given_by_leader
    assert guest.outside_headcount == 19 and guest.hours == 2

    visit = activities[datetime.date(2022, 7, 1)]
    assert visit.kind == Kind.FIELD_VISIT and visit.location == "县革命历史纪念馆" and visit.oath_renewed

    film = activities[datetime.date(2022, 10, 20)]
    assert film.kind == Kind.FILM_VIEWING
    assert [m.title for m in film.materials.all()] == ["中国共产党人精神谱系"]

    # Waiting for review, they are not in the monthly counts the dashboard reads.
    assert not ActivityMonthStat.objects.filter(organization=agency, year=2022).exists()


def test_a_secretarys_ledger_imports_as_approved_records_counted_at_once(agency, people):
    result = run(csv_bytes(GOOD), "a.csv", agency, people["王五"])
    assert result.ok
    activities = Activity.objects.filter(organization=agency)
    expected = {(Activity.Status.APPROVED, people["王五"].pk)}
    assert {(a.status, a.reviewed_by_id) for a in activities} == expected
    # The monthly counts the dashboard reads include the imported records.
    assert ActivityMonthStat.objects.filter(organization=agency, year=2022).count() == 5


def test_importing_the_same_file_twice_adds_nothing(agency, people):
    data = csv_bytes(GOOD)
    run(data, "a.csv", agency, people["李四"])
    before = model_counts()
    result = run(data, "a.csv", agency, people["李四"])
    assert (result.created, result.unchanged) == (0, 5)
    assert model_counts() == before


def test_the_same_rows_saved_as_xlsx_are_recognised_as_already_imported(agency, people):
    run(csv_bytes(GOOD), "a.csv", agency, people["李四"])
    rows = [row[:] for row in GOOD]
    rows[3][0] = datetime.date(2022, 3, 5)  # a real date cell this time
    result = run(xlsx_bytes(rows), "a.xlsx", agency, people["李四"])
    assert (result.created, result.unchanged) == (0, 5)


def test_a_changed_row_is_added_the_unchanged_ones_are_not(agency, people):
    run(csv_bytes(GOOD), "a.csv", agency, people["李四"])
    rows = [row[:] for row in GOOD] + [
        ["2022-11-11", "主题党日", "新增的一次主题党日", "", "", "", "", "", "", ""]
    ]
    result = run(csv_bytes(rows), "a.csv", agency, people["李四"])
    assert (result.created, result.unchanged) == (1, 5)


def test_a_dry_run_counts_what_would_happen_and_writes_nothing(agency, people):
    before = model_counts()
    result = run(csv_bytes(GOOD), "a.csv", agency, people["李四"], dry_run=True)
    assert result.ok and result.created == 5
    assert "5" in result.summary
    assert model_counts() == before


def test_a_branch_may_be_the_organization_and_people_are_matched_across_the_agency(agency, branch, people):
    result = run(csv_bytes(GOOD), "a.csv", branch, people["李四"])
    assert result.created == 5
    assert Activity.objects.filter(organization=branch).count() == 5


HEADER = GOOD[2]
BAD_ROWS = {
    "bad date": (["2022-02-30", "党课", "党课", "", "赵局长", "", "", "", "", ""], "日期", "不是日期"),
    "unknown kind": (["2022-03-05", "读书会", "读书", "", "", "", "", "", "", ""], "类型（kind）", "读书会"),
    "unknown attendee": (
        ["2022-03-05", "党课", "党课", "", "赵局长", "张三、查无此人", "", "", "", ""],
        "参加人员",
        "查无此人",
    ),
    "empty required cell": (["2022-03-05", "党课", "", "", "赵局长", "", "", "", "", ""], "主题", "必须填写"),
    "lecture without speaker": (
        ["2022-03-05", "党课", "党课", "", "", "", "", "", "", ""],
        "主讲人/领学人",
        "主讲人",
    ),
    "field visit without site": (
        ["2022-03-05", "现场教学", "参观", "", "", "", "", "", "", ""],
        "地点",
        "教学点",
    ),
    "bad headcount": (["2022-03-05", "主题党日", "党日", "", "", "", "十个", "", "", ""], "参加人数", "整数"),
    "bad hours": (["2022-03-05", "主题党日", "党日", "", "", "", "", "半天", "", ""], "时长", "时长"),
}


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_one_bad_row_stops_the_import_naming_its_row_column_and_problem(case, agency, people):
    bad_row, column, words = BAD_ROWS[case]
    rows = [*GOOD, bad_row]  # five good rows first: none of them may be written either
    before = model_counts()
    result = run(csv_bytes(rows), "a.csv", agency, people["李四"])
    assert model_counts() == before
    assert [(issue.row, issue.column) for issue in result.errors] == [(9, column)]
    assert words in result.errors[0].message
    assert str(result.errors[0]).startswith(f"第9行 「{column}」")
    bad = [row for row in result.rows if row.has_problems]
    assert [row.number for row in bad] == [9]


def test_every_bad_row_is_reported_not_only_the_first(agency, people):
    rows = [HEADER, BAD_ROWS["bad date"][0], GOOD[3], BAD_ROWS["unknown kind"][0]]
    result = run(csv_bytes(rows), "a.csv", agency, people["李四"])
    assert [issue.row for issue in result.errors] == [2, 4]
    assert [row.number for row in result.rows] == [2, 3, 4]


def test_a_missing_required_column_is_reported_and_nothing_written(agency, people):
    rows = [[cell for i, cell in enumerate(row) if i != 1] for row in GOOD[2:]]
    before = model_counts()
    result = run(csv_bytes(rows), "a.csv", agency, people["李四"])
    assert model_counts() == before
    assert [(issue.row, issue.column) for issue in result.errors] == [(1, "类型")]
    assert "缺少" in result.errors[0].message


REFUSED_FILES = {**REFUSED, "oversized": (b"x" * (10 * 1024 * 1024 + 1), "a.csv", "10 MB")}


@pytest.mark.parametrize("case", REFUSED_FILES, ids=list(REFUSED_FILES))
def test_a_refused_file_writes_nothing_and_says_why(case, agency, people):
    data, name, words = REFUSED_FILES[case]
    before = model_counts()
    result = run(data, name, agency, people["李四"])
    assert model_counts() == before
    assert len(result.errors) == 1 and words in result.errors[0].message


def test_a_committee_is_not_an_organization_to_import_activities_for(committee, people):
    result = run(csv_bytes(GOOD), "a.csv", committee, people["李四"])
    assert result.errors and result.created == 0


# ---------------------------------------------------------------------------- the command


def command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ledger", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def ledger_path(tmp_path):
    def write(rows, name="ledger.csv", encoding="utf-8-sig"):
        path = tmp_path / name
        path.write_bytes(csv_bytes(rows, encoding) if name.endswith(".csv") else xlsx_bytes(rows))
        return str(path)

    return write


def test_the_command_imports_and_reports_counts_in_chinese(ledger_path, agency, people, admin_user):
    out, _err = command(ledger_path(GOOD), "--org", "agency")
    assert "新增 5" in out
    assert Activity.objects.filter(organization=agency, recorded_by=admin_user).count() == 5


def test_the_command_takes_the_org_by_full_name_and_an_xlsx(ledger_path, agency, people):
    out, _err = command(ledger_path(GOOD, "ledger.xlsx"), "--org", "测试局", "--user", "t_recorder")
    assert "新增 5" in out
    assert Activity.objects.filter(recorded_by=people["李四"]).count() == 5


def test_the_command_records_the_import_as_an_admin_above_the_agency_when_none_is_given(
    ledger_path, agency, people, committee_admin
):
    command(ledger_path(GOOD), "--org", "agency")
    assert set(Activity.objects.values_list("recorded_by", flat=True)) == {committee_admin.pk}


def test_the_command_prints_each_problem_and_writes_nothing(ledger_path, agency, people, admin_user):
    rows = [*GOOD, BAD_ROWS["unknown attendee"][0], BAD_ROWS["bad date"][0]]
    before = model_counts()
    with pytest.raises(CommandError, match="2") as caught:
        command(ledger_path(rows), "--org", "agency")
    assert "未导入" in str(caught.value)
    assert model_counts() == before


def test_the_command_prints_problems_as_row_column_problem(ledger_path, agency, people, admin_user, capsys):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_ledger", ledger_path([*GOOD, BAD_ROWS["bad date"][0]]), "--org", "agency", stderr=err
        )
    assert "第9行 「日期」: “2022-02-30”不是日期" in err.getvalue()


def test_the_command_dry_run_writes_nothing(ledger_path, agency, people, admin_user):
    before = model_counts()
    out, _err = command(ledger_path(GOOD), "--org", "agency", "--dry-run")
    assert "5" in out
    assert model_counts() == before


def test_the_command_run_twice_adds_nothing_the_second_time(ledger_path, agency, people, admin_user):
    path = ledger_path(GOOD)
    command(path, "--org", "agency")
    before = model_counts()
    out, _err = command(path, "--org", "agency")
    assert "新增 0" in out and "未变 5" in out
    assert model_counts() == before


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--org", "nowhere"], "nowhere"),
        (["--org", "agency", "--user", "nobody"], "nobody"),
    ],
)
def test_the_command_refuses_an_unknown_org_or_user(ledger_path, agency, people, admin_user, args, words):
    before = model_counts()
    with pytest.raises(CommandError, match=words):
        command(ledger_path(GOOD), *args)
    assert model_counts() == before


def test_the_command_refuses_a_missing_file(agency, admin_user, tmp_path):
    with pytest.raises(CommandError):
        command(str(tmp_path / "missing.csv"), "--org", "agency")


@pytest.mark.parametrize("rows", [2, 40])
def test_checking_a_ledger_costs_the_same_queries_however_long_it_is(
    rows, agency, people, django_assert_num_queries
):
    data = csv_bytes([HEADER] + [BAD_ROWS["unknown attendee"][0]] * rows)
    # 1: the importer's roles (who may import what); 1: the agency's people, whom attendees and
    # speakers are matched against; 1: its branches, which 党支部 names; a bad file writes nothing.
    with django_assert_num_queries(3):
        result = run(data, "a.csv", agency, people["李四"])
    assert len(result.errors) == rows
