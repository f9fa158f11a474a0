"""The demo records of `seed_demo`: the year 2022 of the model summary's bureau (docs/design.md §6),
so that its summary states every fact of that summary's part 一; a few 2023 records, and a modest
year for the neighbouring agency.

Every demo activity carries an import key starting with "demo:"; when one exists the records are
already there and nothing is added, so running seed_demo twice duplicates nothing.

One module although long: most of it is the bureau's year as data (dates, titles, books), one table
after another in the order of the model summary.
"""

import datetime
import itertools
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from activities.models import (
    Activity,
    Attendance,
    Kind,
    PlanItem,
    Publicity,
    RectificationItem,
    RectificationProgress,
    StudyMaterial,
    StudyPlan,
    StudyPoints,
)
from activities.stats import stats_rebuild

from .people import BUREAU, NEIGHBOUR

KEY_PREFIX = "demo:"
D = datetime.date
A = Activity.Status

LEADERS = ["linjianhua", "chenzhiming", "huangliping", "zhengguoqiang"]
BRANCH_COMMITTEE = ["secretary", "recorder", "liuyang"]

BOOK_HEART = "百年初心成大道-党史学习教育案例选编"
BOOK_FACE = "百年大党面对面"
BOOK_FUJIAN = "闽山闽水物华新--习近平福建足迹"
BOOK_GOVERNANCE = "习近平谈治国理政（第四卷）"
BOOK_CONGRESS = "党的二十大报告辅导读本"

# date, kind, title, materials — the bureau's 14 central-group sessions of 2022
CENTRAL_GROUP_2022 = [
    (
        D(2022, 1, 18),
        Kind.CENTRAL_GROUP_STUDY,
        "传达学习习近平总书记在十九届中央纪委六次全会上的重要讲话精神",
        [],
    ),
    (D(2022, 2, 24), Kind.CENTRAL_GROUP_STUDY, "学习《百年初心成大道-党史学习教育案例选编》", [BOOK_HEART]),
    (D(2022, 3, 24), Kind.CENTRAL_GROUP_SEMINAR, "推动党史学习教育常态化长效化交流研讨", [BOOK_HEART]),
    (D(2022, 4, 21), Kind.CENTRAL_GROUP_STUDY, "学习《百年大党面对面》", [BOOK_FACE]),
    (
        D(2022, 5, 19),
        Kind.CENTRAL_GROUP_STUDY,
        "学习习近平总书记在庆祝中国共产主义青年团成立100周年大会上的讲话",
        [BOOK_FACE],
    ),
    (
        D(2022, 6, 23),
        Kind.CENTRAL_GROUP_SEMINAR,
        "学习《闽山闽水物华新--习近平福建足迹》交流研讨",
        [BOOK_FUJIAN],
    ),
    (D(2022, 7, 21), Kind.CENTRAL_GROUP_STUDY, "学习《闽山闽水物华新--习近平福建足迹》", [BOOK_FUJIAN]),
    (D(2022, 8, 25), Kind.CENTRAL_GROUP_STUDY, "学习《习近平谈治国理政》第四卷", [BOOK_GOVERNANCE]),
    (D(2022, 9, 22), Kind.CENTRAL_GROUP_SEMINAR, "学习《习近平谈治国理政》第四卷交流研讨", [BOOK_GOVERNANCE]),
    (D(2022, 10, 16), Kind.CENTRAL_GROUP_STUDY, "集中收听收看党的二十大开幕会", []),
    (D(2022, 10, 27), Kind.CENTRAL_GROUP_STUDY, "传达学习党的二十大精神", [BOOK_CONGRESS]),
    (D(2022, 11, 10), Kind.CENTRAL_GROUP_STUDY, "学习《党的二十大报告辅导读本》", [BOOK_CONGRESS]),
    (D(2022, 11, 24), Kind.CENTRAL_GROUP_STUDY, "学习《中国共产党章程（修正案）》", [BOOK_CONGRESS]),
    (D(2022, 12, 22), Kind.CENTRAL_GROUP_SEMINAR, "深入学习贯彻党的二十大精神交流研讨", [BOOK_CONGRESS]),
]

WEEKLY_TOPICS = [
    "学习习近平总书记重要讲话精神",
    "学习《中国共产党纪律处分条例》",
    "学习工业和信息化领域政策法规",
    "学习《中华人民共和国安全生产法》",
    "学习习近平总书记关于数字经济的重要论述",
    "学习省、市、县党代会精神",
]
# Weeks without the Friday study: the Spring Festival and National Day holidays.
WEEKLY_SKIPPED = {D(2022, 1, 28), D(2022, 2, 4), D(2022, 10, 7)}

THEME_DAYS = [
    "新春走访慰问困难党员",
    "“学雷锋 树新风”志愿服务",
    "清明祭英烈",
    "“喜迎二十大 奋进新征程”主题阅读",
    "“七一”重温入党誓词",
    "廉政教育警示日",
    "“八一”走访慰问退役军人",
    "“喜迎二十大”知识测试",
    "集中学习《中国共产党章程》",
    "“学习二十大 永远跟党走”集中宣讲",
    "学习贯彻党的二十大精神专题讨论",
    "年终党员民主评议",
]

OPEN_THEORY_PROBLEM = (
    "理论学习不够深入。部分干部职工理论学习时缺乏深度思考，自我学习缺少系统性、计划性，"
    "对理论学习投入精力不足，不能把习近平新时代中国特色社会主义思想与经济发展很好地结合起来。"
)
OPEN_THEORY_MEASURES = (
    "把学习宣传贯彻党的二十大精神当作首要政治任务，确保大会精神层层传达到每个干部职工；"
    "加强对习近平总书记关于学习型政府建设的重要论述的系统化学习，把提高政治判断力、政治领悟力、"
    "政治执行力作为开展政治学习、过组织生活的必修课"
)
OPEN_PUBLICITY_PROBLEM = (
    "提高引导舆论的本领需要进一步增强。宣传阵地和人才队伍建设、管理力度有待加强，在省、市级媒体上稿数量不多，"
    "宣传载体不够丰富、形式单一，主要依靠LED屏幕、微信工作群、政务公开栏和主题口号进行宣传。"
)
OPEN_PUBLICITY_MEASURES = (
    "引导党员干部立足本职工作，增强做好宣传教育工作的意识，加强新闻宣传工作，"
    "运用新媒体结合音频、视频等群众喜闻乐见的形式开展宣传，积极向省、市级媒体投稿"
)

NEXT_STEPS_2023 = [
    (
        "强化理论武装，加强思想建设",
        "把学习宣传贯彻党的二十大精神当作当前和今后一个时期的首要政治任务，确保大会精神层层传达到每个干部职工，"
        "推动学习贯彻不断走深走实；加强对习近平总书记关于学习型政府建设的重要论述的系统化学习、阐释、运用，"
        "进一步深刻领悟“两个确立”、坚决做到“两个维护”。",
    ),
    (
        "坚持守正创新，加强队伍建设",
        "在分类分析学习型机关建设存在问题的基础上，细化量化工作任务，补短板，提能力，努力建设一支高素质的学习型工作队伍，"
        "做到组织落实、人员落实、责任明确、制度健全。",
    ),
    (
        "加强文明建设，提升队伍形象",
        "努力打造体现部门特色的机关政治文化品牌，积极开展健康向上的团队文体活动，探索生动活泼、喜闻乐见的活动方式，"
        "增强党员活力，提高党员的工作积极性和集体凝聚力。",
    ),
]

# Yearly 学习强国 points of the bureau's Party members; three fall under the threshold of 8000.
BUREAU_POINTS_2022 = {
    "linjianhua": 15820,
    "chenzhiming": 14260,
    "huangliping": 13975,
    "zhengguoqiang": 12430,
    "secretary": 16105,
    "recorder": 15340,
    "staff": 11280,
    "liuyang": 10950,
    "zhoujing": 12010,
    "xuwei": 9870,
    "sunli": 10420,
    "mahui": 6850,
    "zhuqiang": 9130,
    "guoting": 8760,
    "gaofeng": 9540,
    "luoxia": 5930,
    "liangchen": 7420,
}

# date, title, outlet, level, form
BUREAU_PUBLICITY_2022 = [
    (D(2022, 3, 8), "县工信局开展“学雷锋”志愿服务活动", "县融媒体中心", Publicity.Level.COUNTY, "article"),
    (D(2022, 3, 9), "实践志愿服务，弘扬时代新风", "县工信局微信公众号", Publicity.Level.OWN, "post"),
    (D(2022, 4, 22), "县工信局党组理论学习中心组学习《百年大党面对面》", "县工信局微信公众号", "own", "post"),
    (D(2022, 5, 13), "惠企政策送上门 助企纾困解难题", "县融媒体中心", Publicity.Level.COUNTY, "video"),
    (D(2022, 6, 10), "县工信局召开工业企业家座谈会", "县融媒体中心", Publicity.Level.COUNTY, "article"),
    (D(2022, 6, 12), "县工信局召开工业企业家座谈会", "市工信局网站", Publicity.Level.MUNICIPAL, "article"),
    (D(2022, 7, 1), "学先烈锐意进取，守初心砥砺前行", "县工信局微信公众号", Publicity.Level.OWN, "post"),
    (
        D(2022, 7, 2),
        "县工信局党员干部赴县革命历史纪念馆开展现场教学",
        "县融媒体中心",
        Publicity.Level.COUNTY,
        "article",
    ),
    (D(2022, 8, 19), "下沉企业开展帮扶 解决企业急难愁盼", "县工信局微信公众号", Publicity.Level.OWN, "post"),
    (D(2022, 9, 20), "县工信局入户走访脱贫户", "县工信局微信公众号", Publicity.Level.OWN, "post"),
    (
        D(2022, 10, 17),
        "县工信局组织收听收看党的二十大开幕会",
        "县融媒体中心",
        Publicity.Level.COUNTY,
        "article",
    ),
    (D(2022, 10, 18), "干部职工热议党的二十大报告", "县工信局微信公众号", Publicity.Level.OWN, "post"),
    (D(2022, 10, 28), "县工信局传达学习党的二十大精神", "县工信局微信公众号", Publicity.Level.OWN, "post"),
    (D(2022, 11, 12), "全县工业经济运行情况通报", "县政府网站", Publicity.Level.COUNTY, "article"),
    (D(2022, 11, 23), "县工信局召开数字经济企业座谈会", "市融媒体中心", Publicity.Level.MUNICIPAL, "video"),
    (D(2022, 11, 30), "林建华同志讲授学习贯彻党的二十大精神专题党课", "县工信局微信公众号", "own", "post"),
    (D(2022, 12, 2), "工信系统学习贯彻党的二十大精神宣讲", "县融媒体中心", Publicity.Level.COUNTY, "article"),
    (D(2022, 12, 10), "服务企业 助企纾困", "县工信局微信公众号", Publicity.Level.OWN, "post"),
    (D(2022, 12, 17), "县工信局挂钩帮扶干部走访脱贫户", "县融媒体中心", Publicity.Level.COUNTY, "article"),
    (D(2022, 12, 23), "县工信局党组理论学习中心组开展交流研讨", "县工信局微信公众号", "own", "post"),
]


class _Records:
    """Collects activities with their attendance and materials, then writes them in a few bulk inserts."""

    def __init__(self, *, recorder, reviewer):
        self.recorder = recorder
        self.reviewer = reviewer
        self.rows: list[tuple[Activity, list, list[str]]] = []
        self.counter = itertools.count(1)

    def add(self, org, kind, date, title, *, attendees=(), materials=(), status=A.APPROVED, **fields):
        number = next(self.counter)
        moment = timezone.make_aware(datetime.datetime.combine(date, datetime.time(17, 30)))
        activity = Activity(
            organization=org,
            kind=kind,
            date=date,
            title=title,
            status=status,
            recorded_by=fields.pop("recorded_by", self.recorder),
            hours=fields.pop("hours", Decimal("2.0")),
            import_key=f"{KEY_PREFIX}{org.code}:{number}",
            submitted_at=moment if status != A.DRAFT else None,
            **fields,
        )
        if status in (A.APPROVED, A.RETURNED):
            activity.reviewed_by = self.reviewer
            activity.reviewed_at = moment + datetime.timedelta(days=1)
        # Somebody is away now and then: every 17th seat is on leave, every 43rd absent.
        marks = []
        for seat, person in enumerate(attendees):
            turn = number * 7 + seat * 3
            if turn % 43 == 0:
                marks.append((person, Attendance.Status.ABSENT))
            elif turn % 17 == 0:
                marks.append((person, Attendance.Status.LEAVE))
            else:
                marks.append((person, Attendance.Status.PRESENT))
        self.rows.append((activity, marks, list(materials)))
        return activity

    def save(self):
        activities = Activity.objects.bulk_create([activity for activity, _marks, _titles in self.rows])
        Attendance.objects.bulk_create(
            [
                Attendance(activity=activity, person=person, status=mark)
                for activity, (_a, marks, _t) in zip(activities, self.rows, strict=True)
                for person, mark in marks
            ],
            batch_size=2000,
        )
        titles = {title for _a, _m, materials in self.rows for title in materials}
        existing = set(StudyMaterial.objects.filter(title__in=titles).values_list("title", flat=True))
        StudyMaterial.objects.bulk_create([StudyMaterial(title=title) for title in sorted(titles - existing)])
        material_ids = dict(StudyMaterial.objects.filter(title__in=titles).values_list("title", "id"))
        Link = Activity.materials.through
        Link.objects.bulk_create(
            [
                Link(activity_id=activity.pk, studymaterial_id=material_ids[title])
                for activity, (_a, _m, materials) in zip(activities, self.rows, strict=True)
                for title in materials
            ]
        )
        return activities


def _fridays(year):
    day = D(year, 1, 1)
    day += datetime.timedelta(days=(4 - day.weekday()) % 7)
    while day.year == year:
        yield day
        day += datetime.timedelta(days=7)


def _bureau_2022(records, bureau, branch, p):
    everyone = [person for person in p.values() if person.agency_id == bureau.pk]
    members = [person for person in everyone if person.is_party_member]
    leaders = [p[name] for name in LEADERS]
    committee = [p[name] for name in BRANCH_COMMITTEE]
    secretary = p["secretary"]
    central_group = [*leaders, secretary]

    sessions = []
    for number, (date, kind, title, materials) in enumerate(CENTRAL_GROUP_2022):
        sessions.append(
            records.add(
                bureau,
                kind,
                date,
                title,
                attendees=central_group,
                materials=materials,
                speaker=leaders[0] if kind == Kind.CENTRAL_GROUP_STUDY else leaders[number % 4],
                location="局三楼会议室",
                hours=Decimal("2.5"),
                recorded_by=secretary,
                notes="会议由党组书记主持，党组成员逐一交流学习体会，形成学习纪要。",
            )
        )

    for week, friday in enumerate(_fridays(2022)):
        if friday in WEEKLY_SKIPPED or friday == D(2022, 12, 30):
            continue
        records.add(
            bureau,
            Kind.WEEKLY_STUDY,
            friday,
            WEEKLY_TOPICS[week % len(WEEKLY_TOPICS)],
            attendees=everyone,
            speaker=central_group[week % len(central_group)],
            location="局三楼会议室",
            hours=Decimal("1.5"),
            notes="集中学习，干部职工作学习笔记。",
        )

    for month in range(1, 13):
        records.add(
            branch,
            Kind.BRANCH_COMMITTEE,
            D(2022, month, 5),
            f"{month}月支部委员会会议：研究部署支部当月工作",
            attendees=committee,
            speaker=secretary,
            hours=Decimal("1.0"),
            notes="研究党员教育管理、组织生活安排等事项。",
        )
        # August has no Party group meeting: the gap the dashboard and the summary point out.
        if month != 8:
            records.add(
                branch,
                Kind.PARTY_GROUP_MEETING,
                D(2022, month, 12),
                f"{month}月党小组会：交流学习体会",
                attendees=members,
                speaker=p["recorder"],
                hours=Decimal("1.0"),
                notes="党员逐一交流学习体会。",
            )
        records.add(
            branch,
            Kind.THEME_PARTY_DAY,
            D(2022, month, 8 if month != 10 else 10),
            THEME_DAYS[month - 1],
            attendees=members,
            speaker=secretary,
            notes="主题党日活动，党员按时参加。",
        )
    for month, title in [
        (3, "一季度支部党员大会：学习全国两会精神"),
        (6, "二季度支部党员大会：“七一”表彰和发展党员"),
        (9, "三季度支部党员大会：迎接党的二十大胜利召开"),
        (12, "四季度支部党员大会：组织生活会和民主评议党员"),
    ]:
        records.add(
            branch,
            Kind.BRANCH_ASSEMBLY,
            D(2022, month, 28),
            title,
            attendees=members,
            speaker=secretary,
            notes="支部党员大会，到会党员超过应到会人数的一半。",
        )

    records.add(
        branch,
        Kind.PARTY_LECTURE,
        D(2022, 3, 30),
        "学习贯彻全国两会精神，立足岗位建功立业",
        attendees=members,
        speaker=secretary,
        notes="支部书记讲党课。",
    )
    for date, leader, title in [
        (D(2022, 6, 29), leaders[0], "传承百年初心，担当时代使命"),
        (D(2022, 9, 27), leaders[1], "弘扬伟大建党精神，推动工业经济高质量发展"),
        (D(2022, 11, 29), leaders[0], "深入学习贯彻党的二十大精神，奋力推进新型工业化"),
    ]:
        records.add(
            branch,
            Kind.PARTY_LECTURE,
            date,
            title,
            attendees=members,
            speaker=leader,
            given_by_leader=True,
            location="局三楼会议室",
            notes="党组领导班子成员讲授专题党课。",
        )

    records.add(
        branch,
        Kind.FIELD_VISIT,
        D(2022, 3, 5),
        "实践志愿服务，弘扬时代新风",
        attendees=members,
        location="县新时代文明实践中心",
        hours=Decimal("3.0"),
        notes="主题学习活动暨志愿服务活动。",
    )
    records.add(
        branch,
        Kind.VOLUNTEER_SERVICE,
        D(2022, 3, 5),
        "“实践志愿服务，弘扬时代新风”志愿服务活动",
        attendees=members,
        location="县新时代文明实践中心",
        hours=Decimal("2.0"),
    )
    records.add(
        branch,
        Kind.FIELD_VISIT,
        D(2022, 6, 30),
        "学先烈锐意进取，守初心砥砺前行",
        attendees=members,
        location="县革命历史纪念馆",
        oath_renewed=True,
        hours=Decimal("3.0"),
        notes="参观革命历史陈列，全体党员重温入党誓词。",
    )

    for date, title, films in [
        (D(2022, 4, 20), "观看《中国共产党人精神谱系》微视频", ["中国共产党人精神谱系"]),
        (D(2022, 7, 14), "观看《闽山闽水物华新读书特别节目》电教片", ["闽山闽水物华新读书特别节目"]),
        (D(2022, 10, 12), "祖国就在身后，万里仍是归途", ["万里归途"]),
        (D(2022, 11, 16), "观看《二十大代表风采》电教片", ["二十大代表风采"]),
    ]:
        records.add(branch, Kind.FILM_VIEWING, date, title, attendees=members, materials=films)

    for date in (D(2022, 4, 15), D(2022, 7, 8), D(2022, 10, 21)):
        records.add(
            branch,
            Kind.VOLUNTEER_SERVICE,
            date,
            "省级文明县城创建志愿服务",
            attendees=members[::2],
            location="城区责任路段",
            notes="开展文明劝导、环境整治等志愿服务。",
        )
    for date, households in [
        (D(2022, 3, 18), 6),
        (D(2022, 6, 17), 8),
        (D(2022, 9, 16), 6),
        (D(2022, 12, 16), 8),
    ]:
        records.add(
            bureau,
            Kind.HOUSEHOLD_VISIT,
            date,
            "挂钩帮扶干部入户走访脱贫户",
            attendees=[*leaders, p["liuyang"], p["zhoujing"]],
            households_reached=households,
            location="挂钩帮扶村",
            hours=Decimal("4.0"),
            notes="落实“四个不摘”要求，了解脱贫户收入和生产生活情况。",
        )
    for date, title, enterprises in [
        (D(2022, 5, 12), "惠企政策宣传进企业", 12),
        (D(2022, 6, 9), "企业家座谈会（工业企业专场）", 15),
        (D(2022, 8, 18), "下沉企业开展帮扶", 8),
        (D(2022, 11, 22), "企业家座谈会（数字经济企业专场）", 10),
        (D(2022, 12, 9), "“服务企业、助企纾困”专项帮扶", 9),
    ]:
        records.add(
            bureau,
            Kind.ENTERPRISE_SERVICE,
            date,
            title,
            attendees=[*leaders, p["zhoujing"], p["xuwei"]],
            enterprises_reached=enterprises,
            hours=Decimal("3.0"),
            notes="宣传惠企政策，协调解决企业生产经营中的问题和困难。",
        )

    # Late in the year some records still wait: they count nowhere until approved.
    records.add(
        bureau,
        Kind.WEEKLY_STUDY,
        D(2022, 12, 30),
        "学习中央经济工作会议精神",
        attendees=everyone,
        status=A.SUBMITTED,
    )
    records.add(
        branch,
        Kind.VOLUNTEER_SERVICE,
        D(2022, 12, 27),
        "元旦前文明城市创建志愿服务",
        attendees=members[:6],
        status=A.SUBMITTED,
    )
    records.add(
        branch, Kind.FILM_VIEWING, D(2022, 12, 29), "观看《榜样7》", materials=["榜样7"], status=A.DRAFT
    )
    records.add(
        bureau,
        Kind.ENTERPRISE_SERVICE,
        D(2022, 12, 20),
        "走访规上工业企业",
        attendees=[p["zhoujing"], p["xuwei"]],
        status=A.RETURNED,
        review_comment="请补充服务企业数量和现场照片后重新提交。",
    )
    return sessions


def _bureau_2023(records, bureau, branch, p):
    everyone = [person for person in p.values() if person.agency_id == bureau.pk]
    members = [person for person in everyone if person.is_party_member]
    leaders = [p[name] for name in LEADERS]
    records.add(
        bureau,
        Kind.CENTRAL_GROUP_STUDY,
        D(2023, 1, 12),
        "学习习近平总书记在二十届中央纪委二次全会上的重要讲话精神",
        attendees=[*leaders, p["secretary"]],
        materials=[BOOK_CONGRESS],
        speaker=leaders[0],
        recorded_by=p["secretary"],
    )
    for date in (D(2023, 1, 6), D(2023, 1, 13), D(2023, 2, 3)):
        records.add(bureau, Kind.WEEKLY_STUDY, date, "学习党的二十大报告", attendees=everyone)
    records.add(branch, Kind.BRANCH_COMMITTEE, D(2023, 1, 5), "1月支部委员会会议", attendees=members[:3])
    records.add(branch, Kind.THEME_PARTY_DAY, D(2023, 1, 10), "新春走访慰问困难党员", attendees=members)
    records.add(branch, Kind.PARTY_GROUP_MEETING, D(2023, 1, 11), "1月党小组会", attendees=members)


def _neighbour_2022(records, agency, branch, p):
    everyone = [person for person in p.values() if person.agency_id == agency.pk]
    members = [person for person in everyone if person.is_party_member]
    leader, secretary = p["wangjun"], p["fgj_secretary"]
    books = [BOOK_GOVERNANCE, BOOK_FACE, BOOK_CONGRESS]
    for month in range(1, 13):
        records.add(
            agency,
            Kind.CENTRAL_GROUP_STUDY,
            D(2022, month, 20),
            f"{month}月党组理论学习中心组学习",
            attendees=[leader, secretary],
            materials=[books[0] if month < 8 else books[1] if month < 10 else books[2]],
            speaker=leader,
            recorded_by=secretary,
        )
        records.add(
            branch, Kind.BRANCH_COMMITTEE, D(2022, month, 6), f"{month}月支委会", attendees=members[:3]
        )
        records.add(
            branch, Kind.PARTY_GROUP_MEETING, D(2022, month, 13), f"{month}月党小组会", attendees=members
        )
        records.add(branch, Kind.THEME_PARTY_DAY, D(2022, month, 9), f"{month}月主题党日", attendees=members)
    for friday in list(_fridays(2022))[::2]:
        records.add(
            agency, Kind.WEEKLY_STUDY, friday, "每周理论学习", attendees=everyone, recorded_by=secretary
        )
    for month in (3, 6, 9, 12):
        records.add(
            branch, Kind.BRANCH_ASSEMBLY, D(2022, month, 27), f"{month}月支部党员大会", attendees=members
        )
    records.add(
        branch, Kind.PARTY_LECTURE, D(2022, 4, 26), "坚定理想信念", attendees=members, speaker=secretary
    )
    records.add(
        branch,
        Kind.PARTY_LECTURE,
        D(2022, 11, 25),
        "学习贯彻党的二十大精神，推动高质量发展",
        attendees=members,
        speaker=leader,
        given_by_leader=True,
    )
    records.add(
        branch,
        Kind.FIELD_VISIT,
        D(2022, 7, 1),
        "传承红色基因，赓续精神血脉",
        attendees=members,
        location="县革命历史纪念馆",
        oath_renewed=True,
    )
    records.add(
        branch, Kind.FILM_VIEWING, D(2022, 10, 14), "观看电影《长津湖之水门桥》", materials=["长津湖之水门桥"]
    )
    records.add(branch, Kind.VOLUNTEER_SERVICE, D(2022, 5, 20), "省级文明县城创建志愿服务", attendees=members)
    records.add(
        agency,
        Kind.ENTERPRISE_SERVICE,
        D(2022, 8, 11),
        "重点项目企业服务座谈会",
        attendees=[leader, p["yangfan"]],
        enterprises_reached=7,
    )


def _bureau_records(bureau, p, sessions):
    secretary = p["secretary"]
    plan = StudyPlan.objects.create(
        agency=bureau, year=2022, title=f"中共{bureau.name}党组中心组关于2022年理论学习计划"
    )
    # One planned session a month, each fulfilled by the month's first session.
    first_of_month = {}
    for session in sessions:
        first_of_month.setdefault(session.date.month, session)
    PlanItem.objects.bulk_create(
        PlanItem(plan=plan, month=month, kind=session.kind, topic=session.title, fulfilled_by=session)
        for month, session in first_of_month.items()
    )
    next_plan = StudyPlan.objects.create(
        agency=bureau, year=2023, title=f"中共{bureau.name}党组中心组关于2023年理论学习计划"
    )
    PlanItem.objects.bulk_create(
        [
            PlanItem(plan=next_plan, topic=topic, measures=measures, lead=secretary)
            for topic, measures in NEXT_STEPS_2023
        ]
        + [
            PlanItem(plan=next_plan, month=month, kind=Kind.CENTRAL_GROUP_STUDY, topic=topic)
            for month, topic in [
                (1, "学习党的二十大报告"),
                (2, "学习新修订的《中国共产党章程》"),
                (3, "学习全国两会精神"),
            ]
        ]
    )

    theory = RectificationItem.objects.create(
        agency=bureau,
        year=2022,
        problem=OPEN_THEORY_PROBLEM,
        category=RectificationItem.Category.THEORY,
        source=RectificationItem.Source.SELF_REVIEW,
        measures=OPEN_THEORY_MEASURES,
        owner=secretary,
        deadline=D(2023, 6, 30),
        status=RectificationItem.Status.IN_PROGRESS,
        created_by=secretary,
    )
    publicity = RectificationItem.objects.create(
        agency=bureau,
        year=2022,
        problem=OPEN_PUBLICITY_PROBLEM,
        category=RectificationItem.Category.PUBLICITY,
        source=RectificationItem.Source.SELF_REVIEW,
        measures=OPEN_PUBLICITY_MEASURES,
        owner=p["liuyang"],
        deadline=D(2023, 12, 31),
        status=RectificationItem.Status.IN_PROGRESS,
        created_by=secretary,
    )
    RectificationItem.objects.create(
        agency=bureau,
        year=2022,
        problem="支部会议记录不够规范，部分会议记录要素不全。",
        category=RectificationItem.Category.STYLE,
        source=RectificationItem.Source.INSPECTION,
        measures="制定会议记录模板，对全年会议记录逐一补正。",
        owner=p["recorder"],
        deadline=D(2022, 11, 30),
        status=RectificationItem.Status.CLOSED,
        closing_evidence="已制定会议记录模板，全年会议记录补正完毕，经支部委员会审核销号。",
        closed_by=secretary,
        closed_at=timezone.make_aware(datetime.datetime(2022, 11, 28, 16, 0)),
        created_by=secretary,
    )
    RectificationProgress.objects.bulk_create(
        [
            RectificationProgress(
                item=theory,
                date=D(2022, 12, 15),
                note="已制定2023年理论学习计划，明确每月学习专题。",
                recorded_by=secretary,
            ),
            RectificationProgress(
                item=publicity,
                date=D(2022, 12, 20),
                note="已确定信息员2名，建立向市级媒体投稿台账。",
                recorded_by=secretary,
            ),
        ]
    )

    StudyPoints.objects.bulk_create(
        StudyPoints(person=p[name], year=2022, points=points) for name, points in BUREAU_POINTS_2022.items()
    )
    Publicity.objects.bulk_create(
        Publicity(
            agency=bureau, date=date, title=title, outlet=outlet, level=level, form=form, created_by=secretary
        )
        for date, title, outlet, level, form in BUREAU_PUBLICITY_2022
    )


def _neighbour_records(agency, p):
    secretary = p["fgj_secretary"]
    StudyPlan.objects.create(agency=agency, year=2022, title=f"中共{agency.name}党组中心组2022年理论学习计划")
    RectificationItem.objects.create(
        agency=agency,
        year=2022,
        problem="青年干部理论学习的主动性不够强。",
        category=RectificationItem.Category.THEORY,
        measures="建立青年理论学习小组，每月开展一次学习交流",
        owner=secretary,
        deadline=D(2023, 6, 30),
        status=RectificationItem.Status.NOT_STARTED,
        created_by=secretary,
    )
    StudyPoints.objects.bulk_create(
        StudyPoints(person=p[name], year=2022, points=points)
        for name, points in [
            ("fgj_secretary", 13200),
            ("wangjun", 12650),
            ("yangfan", 9800),
            ("xiefang", 7300),
        ]
    )
    Publicity.objects.bulk_create(
        [
            Publicity(
                agency=agency,
                date=D(2022, 6, 15),
                title="县发改局推进重点项目建设",
                outlet="县融媒体中心",
                level="county",
            ),
            Publicity(
                agency=agency,
                date=D(2022, 9, 2),
                title="重点项目观摩",
                outlet="市发改委网站",
                level="municipal",
            ),
            Publicity(
                agency=agency,
                date=D(2022, 11, 18),
                title="学习二十大精神",
                outlet="县发改局微信公众号",
                level="own",
            ),
        ]
    )


def demo_records_exist() -> bool:
    # By the demo's agencies first: the import keys have no index, and a large database's records
    # would be read one by one.
    return Activity.objects.filter(
        organization__code__in=[BUREAU[0], NEIGHBOUR[0]], import_key__startswith=KEY_PREFIX
    ).exists()


@transaction.atomic
def seed_records(*, orgs, people) -> int:
    """Adds the demo records once; returns how many activities were added (0 when already there)."""
    if demo_records_exist():
        return 0
    bureau, bureau_branch = orgs["gongxinju"], orgs["gongxinju-dzb"]
    neighbour, neighbour_branch = orgs["fagaiju"], orgs["fagaiju-dzb"]

    bureau_records = _Records(recorder=people["recorder"], reviewer=people["secretary"])
    sessions = _bureau_2022(bureau_records, bureau, bureau_branch, people)
    _bureau_2023(bureau_records, bureau, bureau_branch, people)
    neighbour_records = _Records(recorder=people["fgj_secretary"], reviewer=people["fgj_secretary"])
    _neighbour_2022(neighbour_records, neighbour, neighbour_branch, people)

    added = len(bureau_records.save()) + len(neighbour_records.save())
    _bureau_records(bureau, people, sessions)
    _neighbour_records(neighbour, people)
    stats_rebuild()
    return added
