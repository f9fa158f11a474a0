"""A year imported from ledger files (docs/imports.md) gives a summary whose every figure is a hand
count of them.

The expected figures are counted here from the very rows written to the files, not typed in.
"""

import csv
from collections import Counter

import pytest
from django.core.management import call_command

from activities import kinds
from activities.models import Kind
from reports.summary import build_summary, cn

YEAR = 2021
LABEL_TO_KIND = {spec.zh: spec.code for spec in kinds.KINDS} | {spec.code: spec.code for spec in kinds.KINDS}

ACTIVITIES = [
    # 日期, 类型, 主题, 地点, 主讲人, 参加人员, 参加人数, 时长, 学习内容, 备注
    [
        "2021-01-15",
        "中心组集中学习",
        "学习党史",
        "会议室",
        "赵局长",
        "赵局长、王五",
        "",
        "2",
        "《论中国共产党历史》",
        "",
    ],
    [
        "2021-03-20",
        "central_group_seminar",
        "交流研讨",
        "会议室",
        "赵局长",
        "赵局长、王五",
        "",
        "2",
        "《论中国共产党历史》",
        "",
    ],
    [
        "2021/6/18",
        "中心组集中学习",
        "学习七一讲话",
        "会议室",
        "赵局长",
        "赵局长、王五、张三",
        "",
        "2",
        "《习近平谈治国理政（第三卷）》",
        "",
    ],
    ["2021-02-05", "每周理论学习", "学习条例", "会议室", "王五", "张三、李四、王五", "", "1", "", ""],
    ["2021-02-12", "每周理论学习", "学习法规", "会议室", "王五", "张三、李四", "", "1", "", ""],
    [
        "2021-04-28",
        "支部党员大会",
        "一季度党员大会",
        "会议室",
        "王五",
        "张三、李四、王五、赵局长",
        "",
        "2",
        "",
        "",
    ],
    ["2021-06-29", "党课", "学党史、悟思想", "会议室", "赵局长", "张三、李四、王五", "", "2", "", ""],
    ["2021-09-10", "党课", "坚定理想信念", "会议室", "王五", "张三、李四", "", "2", "", ""],
    [
        "2021-12-01",
        "专题辅导讲座",
        "学习六中全会精神",
        "会议室",
        "县委党校刘教授",
        "张三、李四",
        "",
        "2",
        "",
        "",
    ],
    [
        "2021-05-04",
        "现场教学",
        "缅怀革命先烈",
        "县烈士陵园",
        "",
        "张三、李四、王五",
        "",
        "3",
        "",
        "重温入党誓词",
    ],
    ["2021-07-01", "观影", "红色电影展映", "礼堂", "", "张三、李四", "", "2", "《觉醒年代》", ""],
    ["2021-08-15", "志愿服务", "创城志愿服务", "城区", "", "张三", "", "2", "", ""],
    ["2021-10-10", "入户走访", "走访脱贫户", "挂钩村", "", "赵局长、王五", "", "4", "", ""],
    ["2021-11-11", "服务企业", "企业家座谈会", "会议室", "赵局长", "赵局长、张三", "", "2", "", ""],
]
ACTIVITY_HEADER = [
    "日期",
    "类型",
    "主题",
    "地点",
    "主讲人",
    "参加人员",
    "参加人数",
    "时长",
    "学习内容",
    "备注",
]

RECTIFICATION_HEADER = ["问题", "类别", "整改措施", "责任人", "整改时限", "状态", "年度"]
RECTIFICATION = [
    ["学习不够系统。缺乏计划。", "理论学习", "制定个人学习计划", "王五", "2022-06-30", "整改中", "2021"],
    ["宣传渠道单一。", "宣传舆论", "开通新媒体账号", "张三", "2022-03-31", "已完成", "2021"],
]
POINTS_HEADER = ["姓名", "期间", "平台", "积分"]
POINTS = [
    ["赵局长", "2021", "学习强国", "9000"],
    ["王五", "2021", "学习强国", "7000"],
    ["张三", "2021", "学习强国", "5000"],
    ["李四", "2021", "学习强国", "12000"],
]
THRESHOLD = 8000
PUBLICITY_HEADER = ["日期", "标题", "媒体", "级别", "形式"]
PUBLICITY = [
    ["2021-03-01", "创城志愿服务", "县融媒体中心", "县级", "文章"],
    ["2021-04-01", "学党史", "市报", "市级", "文章"],
    ["2021-05-01", "观影", "本局公众号", "本单位", "新媒体"],
]


def write(path, header, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


@pytest.fixture
def imported(tmp_path, agency, branch, leader, secretary, staff, recorder):
    agency.low_points_threshold = THRESHOLD
    agency.save()
    for name, header, rows in [
        ("activities", ACTIVITY_HEADER, ACTIVITIES),
        ("rectification", RECTIFICATION_HEADER, RECTIFICATION),
        ("points", POINTS_HEADER, POINTS),
        ("publicity", PUBLICITY_HEADER, PUBLICITY),
    ]:
        path = write(tmp_path / f"{name}.csv", header, rows)
        call_command(
            "import_ledger", path, "--org", agency.code, "--type", name, "--user", secretary.username
        )
    return {section.key: section.text for section in build_summary(agency=agency, year=YEAR)}


def kinds():
    return Counter(LABEL_TO_KIND[row[1]] for row in ACTIVITIES)


def rows_of(*wanted):
    return [row for row in ACTIVITIES if LABEL_TO_KIND[row[1]] in wanted]


def names(row):
    return [name for name in row[5].split("、") if name]


def test_the_counts_of_every_kind_are_those_of_the_ledger(imported):
    counted = kinds()
    central = counted[Kind.CENTRAL_GROUP_STUDY] + counted[Kind.CENTRAL_GROUP_SEMINAR]
    assert f"交流研讨共计{central}次" in imported["leading"]
    assert f"每周理论学习{counted[Kind.WEEKLY_STUDY]}次" in imported["leading"]
    assert f"召开支部党员大会{counted[Kind.BRANCH_ASSEMBLY]}次" in imported["leading"]
    assert f"讲授党课{counted[Kind.PARTY_LECTURE]}次" in imported["leading"]
    assert f"现场教学{counted[Kind.FIELD_VISIT]}次" in imported["experiential"]
    assert f"观影及观看教育片{counted[Kind.FILM_VIEWING]}次" in imported["experiential"]
    assert f"志愿服务活动{counted[Kind.VOLUNTEER_SERVICE]}次" in imported["practice"]
    assert f"入户走访{counted[Kind.HOUSEHOLD_VISIT]}次" in imported["practice"]
    assert f"深入服务企业{counted[Kind.ENTERPRISE_SERVICE]}次" in imported["practice"]
    assert f"全年开展学习活动{len(ACTIVITIES)}次" in imported["opening"]


def test_attendance_is_the_number_of_names_in_the_ledger(imported):
    assert f"参加{sum(len(names(row)) for row in ACTIVITIES)}人次" in imported["opening"]


def test_lectures_books_sites_and_films_are_those_of_the_ledger(imported):
    by_leader = [row for row in rows_of(Kind.PARTY_LECTURE) if row[4] == "赵局长"]
    assert (
        f"党组领导班子带头讲授专题党课{cn(len(by_leader))}次（赵局长讲授“{by_leader[0][2]}”）"
        in imported["leading"]
    )
    assert "邀请县委党校刘教授开展专题辅导讲座一次" in imported["leading"]
    assert "学习《论中国共产党历史》《习近平谈治国理政》第三卷等读本" in imported["leading"]
    visit = rows_of(Kind.FIELD_VISIT)[0]
    assert f"到{visit[3]}开展“{visit[2]}”主题学习活动，重温入党誓词" in imported["experiential"]
    assert "《觉醒年代》" in imported["experiential"]
    symposiums = [row for row in rows_of(Kind.ENTERPRISE_SERVICE) if "座谈" in row[2]]
    assert f"其中召开企业家座谈会{len(symposiums)}次" in imported["practice"]


def test_what_the_ledger_does_not_say_is_asked_for(imported):
    # The activity ledger has no column for households or enterprises reached.
    assert "共走访【待补充：走访户数】" in imported["practice"]
    assert "共服务企业【待补充：服务企业数】" in imported["practice"]
    assert "【待补充：年度理论学习计划名称】" in imported["leading"]


def test_shortcomings_points_and_placements_are_those_of_the_ledgers(imported):
    open_items = [row for row in RECTIFICATION if row[5] in ("未开始", "整改中")]
    assert imported["shortcomings"].startswith(f"1.{open_items[0][0]}")
    assert "宣传渠道单一" not in imported["shortcomings"]
    low = sum(1 for row in POINTS if int(row[3]) < THRESHOLD)
    assert f"{YEAR}年度积分低于{THRESHOLD}分的党员有{low}人" in imported["shortcomings"]
    levels = Counter(row[3] for row in PUBLICITY)
    assert (
        f"省级媒体上稿{levels['省级']}篇、市级媒体上稿{levels['市级']}篇，县级媒体上稿{levels['县级']}篇，"
        f"本单位新媒体发布{levels['本单位']}篇" in imported["shortcomings"]
    )
    assert (
        f"针对“{open_items[0][0].split('。')[0]}”问题，{open_items[0][2]}（责任人：王五，2022年6月30日前完成）"
        in (imported["next_steps"])
    )
