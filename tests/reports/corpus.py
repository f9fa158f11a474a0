"""Agency-years not shaped like the demo, built as a new agency would: `add_org`, then its ledgers as CSV
files through `import_ledger`. Each shape is one function returning (agency code, year).

- `one_branch`: a bureau with a single branch that records its meetings on the bureau; leave and
  absence in the ledger; a numbered series of volunteer work; films under a generic title; book
  volumes written three ways; a household visit without its count; no rectification items.
- `two_branches`: a bureau with two branches that say which branch held each meeting (党支部), joint
  activities of the bureau attended by both; party groups in the first branch only; the second branch
  missed its committee meeting in March and September and nothing else; no field visits, no films,
  no practice work at all (a group with nothing); only who came is listed (no leave or absence);
  open rectification items and few placements above county level; low study points.
"""

import csv
import datetime
import io
from pathlib import Path

from django.core.management import call_command

from studyportal.accounts.models import Organization, Role, RoleAssignment, User

YEAR = 2023


def _csv(path: Path, rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return str(path)


def _import(folder: Path, name: str, ledger_type: str, org: str, rows) -> str:
    out = io.StringIO()
    call_command("import_ledger", _csv(folder / name, rows), "--org", org, "--type", ledger_type, stdout=out)
    return out.getvalue()


def _importer(code: str) -> None:
    """The bureau's administrator, whom the imports are recorded as."""
    agency = Organization.objects.get(code=code)
    admin = User.objects.create(username=f"{code}-admin", real_name=f"{agency.name}管理员", agency=agency)
    RoleAssignment.objects.create(user=admin, organization=agency, role=Role.ADMIN)


def _day(month: int, day: int = 10) -> str:
    return datetime.date(YEAR, month, day).isoformat()


ACTIVITY_HEADER = [
    "日期",
    "类型",
    "主题",
    "地点",
    "主讲人",
    "参加人员",
    "请假人员",
    "缺席人员",
    "参加人数",
    "学习内容",
    "党支部",
]


def one_branch(folder: Path) -> tuple[str, int]:
    code = "danzhibu"
    call_command(
        "add_org",
        "--code",
        "xzj",
        "--name",
        "县直机关工委（语料）",
        "--kind",
        "committee",
        stdout=io.StringIO(),
    )
    call_command(
        "add_org",
        "--code",
        code,
        "--name",
        "县统计局",
        "--kind",
        "agency",
        "--parent",
        "xzj",
        stdout=io.StringIO(),
    )
    _importer(code)
    people = [
        ["姓名", "职务", "党支部", "党员", "领导班子"],
        ["方局长", "局长", "县统计局机关党支部", "是", "是"],
        ["钟书记", "支部书记", "县统计局机关党支部", "是", "否"],
        ["叶一", "科员", "县统计局机关党支部", "是", "否"],
        ["叶二", "科员", "县统计局机关党支部", "是", "否"],
    ]
    _import(folder, "people.csv", "people", code, people)
    rows = [ACTIVITY_HEADER]
    for month in range(1, 13):
        rows.append(
            [
                _day(month, 5),
                "支部委员会会议",
                f"{month}月支委会",
                "会议室",
                "",
                "钟书记、叶一",
                "",
                "",
                "",
                "",
                "",
            ]
        )
        rows.append(
            [
                _day(month, 8),
                "主题党日",
                f"{month}月主题党日",
                "会议室",
                "",
                "方局长、钟书记、叶一",
                "叶二",
                "",
                "",
                "",
                "",
            ]
        )
    for quarter in range(4):
        month = 3 * quarter + 2
        rows.append(
            [
                _day(month, 20),
                "支部党员大会",
                f"第{quarter + 1}季度党员大会",
                "会议室",
                "",
                "方局长、钟书记、叶一",
                "",
                "叶二",
                "",
                "",
                "",
            ]
        )
        rows.append(
            [
                _day(month, 25),
                "中心组集中学习",
                f"第{quarter + 1}季度中心组学习",
                "会议室",
                "方局长",
                "方局长、钟书记",
                "",
                "",
                "",
                "《习近平谈治国理政（第四卷）》《论党的自我革命》",
                "",
            ]
        )
        rows.append(
            [
                _day(month, 26),
                "中心组集中学习",
                "中心组专题学习",
                "会议室",
                "方局长",
                "方局长、钟书记",
                "",
                "",
                "",
                "《习近平谈治国理政》第4卷",
                "",
            ]
        )
        rows.append(
            [
                _day(month, 27),
                "中心组交流研讨",
                "中心组研讨",
                "会议室",
                "方局长",
                "方局长、钟书记",
                "",
                "",
                "",
                "《习近平谈治国理政》（第四卷）",
                "",
            ]
        )
        rows.append(
            [
                _day(month + 1, 3),
                "党课",
                f"第{quarter + 1}季度党课",
                "会议室",
                "钟书记",
                "方局长、叶一、叶二",
                "",
                "",
                "",
                "",
                "",
            ]
        )
    for stop in range(1, 9):
        rows.append(
            [
                _day(stop, 15),
                "志愿服务",
                f"送法进社区（第{stop}站）",
                "城关社区",
                "",
                "叶一、叶二",
                "",
                "",
                "",
                "",
                "",
            ]
        )
    rows.append(
        [
            _day(6, 18),
            "观影",
            "主题观影活动",
            "会议室",
            "",
            "钟书记、叶一、叶二",
            "",
            "",
            "",
            "《长津湖》",
            "",
        ]
    )
    rows.append(
        [
            _day(7, 18),
            "现场教学",
            "参观红色教育基地主题学习活动",
            "县革命纪念馆",
            "",
            "方局长、叶一",
            "",
            "",
            "",
            "",
            "",
        ]
    )
    rows.append([_day(9, 18), "入户走访", "走访困难群众", "城关村", "", "叶一", "", "", "", "", ""])
    _import(folder, "activities.csv", "activities", code, rows)
    return code, YEAR


def two_branches(folder: Path) -> tuple[str, int]:
    code = "shuangzhibu"
    call_command("add_org", "--code", code, "--name", "县审计局", "--kind", "agency", stdout=io.StringIO())
    _importer(code)
    first, second = "县审计局机关第一党支部", "县审计局机关第二党支部"
    people = [
        ["姓名", "职务", "党支部", "党小组", "党员", "领导班子"],
        ["白局长", "局长", first, "第一党小组", "是", "是"],
        ["白一", "科员", first, "第一党小组", "是", "否"],
        ["白二", "科员", first, "第二党小组", "是", "否"],
        ["黄副局长", "副局长", second, "", "是", "是"],
        ["黄一", "科员", second, "", "是", "否"],
    ]
    _import(folder, "people.csv", "people", code, people)
    everyone = "白局长、白一、白二、黄副局长、黄一"
    rows = [ACTIVITY_HEADER]
    for month in range(1, 13):
        rows.append(
            [_day(month, 3), "支部委员会会议", "支委会", "", "", "白局长、白一", "", "", "", "", first]
        )
        if month not in (3, 9):
            rows.append(
                [_day(month, 4), "支部委员会会议", "支委会", "", "", "黄副局长、黄一", "", "", "", "", second]
            )
        rows.append([_day(month, 6), "党小组会", "党小组学习", "", "", "白一、白二", "", "", "", "", first])
        # One joint theme day a month for the whole bureau: it counts for both branches.
        rows.append([_day(month, 9), "主题党日", "联合主题党日", "", "", everyone, "", "", "", "", ""])
        rows.append(
            [
                _day(month, 12),
                "中心组集中学习",
                "中心组学习",
                "",
                "白局长",
                "白局长、黄副局长",
                "",
                "",
                "",
                "《习近平谈治国理政》第四卷",
                "",
            ]
        )
    for quarter in range(4):
        month = 3 * quarter + 1
        for branch, names in ((first, "白局长、白一、白二"), (second, "黄副局长、黄一")):
            rows.append([_day(month, 20), "支部党员大会", "党员大会", "", "", names, "", "", "", "", branch])
        # The leader's lecture to all members of the bureau: the quarterly lecture of both branches.
        rows.append([_day(month, 22), "党课", "专题党课", "", "白局长", everyone, "", "", "", "", ""])
    _import(folder, "activities.csv", "activities", code, rows)
    rectification = [
        ["问题", "类别", "整改措施", "责任人", "整改时限", "状态", "年度"],
        [
            "理论学习的系统性不够",
            "理论学习",
            "制定年度学习计划并按月督促",
            "白局长",
            "2024-06-30",
            "整改中",
            str(YEAR),
        ],
        ["审计成果宣传不够", "宣传舆论", "", "", "", "未开始", str(YEAR)],
        ["会议记录不规范", "其他", "统一会议记录本", "白一", "2023-06-30", "已销号", str(YEAR)],
    ]
    _import(folder, "rectification.csv", "rectification", code, rectification)
    points = [["姓名", "期间", "平台", "积分"]] + [
        [n, str(YEAR), "学习强国", p] for n, p in (("白一", 5000), ("黄一", 12000), ("白二", 9000))
    ]
    Organization.objects.filter(code=code).update(low_points_threshold=8000)
    _import(folder, "points.csv", "points", code, points)
    publicity = [
        ["日期", "标题", "媒体", "级别"],
        [_day(5), "审计助力营商环境", "市日报", "市级"],
        [_day(6), "审计进社区", "县融媒体中心", "县级"],
    ]
    _import(folder, "publicity.csv", "publicity", code, publicity)
    return code, YEAR


SHAPES = {"one_branch": one_branch, "two_branches": two_branches}
