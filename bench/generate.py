"""A county's worth of records, for the benchmark.

    python -m bench.generate --scale 1.0 --seed 42 [--years 2024,2025,2026] [--force]

At scale 1.0: 1 committee, 100 agencies with 1–3 branches each, 5,000 people and, per year, about
60,000 activities of all 14 kinds with about 1,000,000 attendance rows, plus rectification items,
monthly study points, publicity placements and study plans in proportion. The same --seed gives the
same data. Rows are written with PostgreSQL COPY in chunks, ids assigned here, so a 3-year county
loads in minutes on two cores; the per-month counts are rebuilt and the tables analysed afterwards.

The database is DATABASE_URL (default: the bench database, created if missing). A database that holds
anything but bench data is refused unless --force; earlier bench data is replaced.

One module although long: a function per table, in the order their foreign keys need, sharing the
seeded random source, the names and the COPY writers; about a third of it is the names themselves.
"""

import argparse
import datetime
import io
import os
import random
import sys
import time
from bisect import bisect
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/studyportal_bench"
BENCH_PASSWORD = "bench-pass-2022"
PREFIX = "bench"  # organization codes "bench-…", usernames "bench_…": how bench rows are recognised
# The accounts the benchmark and the load test log in with (password BENCH_PASSWORD).
ACCOUNTS = ("bench_admin", "bench_secretary", "bench_recorder", "bench_staff")

TZ = datetime.timezone(datetime.timedelta(hours=8))
CHUNK_ROWS = 100_000

# Activities per year at scale 1.0 across the county, and the share of each kind: weekly study
# dominates, then the branch meetings; central-group sessions are a few per agency.
ACTIVITIES_PER_YEAR = 60_000
KIND_WEIGHTS = {
    "weekly_study": 35,
    "party_group_meeting": 15,
    "branch_committee": 8,
    "theme_party_day": 6,
    "volunteer_service": 6,
    "household_visit": 6,
    "field_visit": 4,
    "film_viewing": 4,
    "branch_assembly": 3,
    "central_group_study": 3,
    "party_lecture": 3,
    "enterprise_service": 3,
    "central_group_seminar": 2,
    "guest_lecture": 2,
}
STATUS_WEIGHTS = {"approved": 91, "submitted": 4, "draft": 3, "returned": 2}
ATTENDANCE_WEIGHTS = {"present": 88, "leave": 8, "absent": 4}

AGENCY_NAMES = [
    "县发展和改革局",
    "县教育局",
    "县科学技术局",
    "县工业和信息化局",
    "县公安局",
    "县民政局",
    "县司法局",
    "县财政局",
    "县人力资源和社会保障局",
    "县自然资源局",
    "县生态环境局",
    "县住房和城乡建设局",
    "县交通运输局",
    "县水利局",
    "县农业农村局",
    "县商务局",
    "县文化体育和旅游局",
    "县卫生健康局",
    "县退役军人事务局",
    "县应急管理局",
    "县审计局",
    "县市场监督管理局",
    "县统计局",
    "县林业局",
    "县医疗保障局",
    "县信访局",
    "县机关事务服务中心",
    "县数据管理局",
    "县乡村振兴局",
    "县粮食和物资储备局",
    "县城市管理局",
    "县行政审批局",
    "县档案馆",
    "县融媒体中心",
    "县总工会",
    "团县委",
    "县妇联",
    "县科协",
    "县文联",
    "县残联",
    "县红十字会",
    "县工商联",
    "县委办公室",
    "县政府办公室",
    "县纪委监委机关",
    "县委组织部",
    "县委宣传部",
    "县委统战部",
    "县委政法委",
    "县委编办",
    "县委党校",
    "县人大常委会办公室",
    "县政协办公室",
    "县委政策研究室",
    "县委巡察办",
    "县委机要保密局",
    "县委老干部局",
    "县人民法院",
    "县人民检察院",
    "县税务局",
    "县气象局",
    "县烟草专卖局",
    "县供电公司",
    "县邮政管理局",
    "县地震局",
    "县消防救援大队",
    "县国有资产服务中心",
    "县公路事业发展中心",
    "县疾病预防控制中心",
    "县人民医院",
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程魏苏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌辉鹏宇浩凯晨婷雪琳颖慧倩欣晓海波峰荣"
POSITIONS = ["科员", "科员", "科员", "办事员", "股长", "副股长", "主任科员", "四级主任科员", "一级科员"]
LEADER_POSITIONS = [
    "党组书记、局长",
    "党组成员、副局长",
    "党组成员、副局长",
    "党组成员、纪检组长",
    "党组成员、副局长",
]

BOOKS = [
    "习近平谈治国理政（第四卷）",
    "百年大党面对面",
    "习近平新时代中国特色社会主义思想学习纲要",
    "中国共产党简史",
    "习近平著作选读（第一卷）",
    "习近平著作选读（第二卷）",
    "论党的自我革命",
    "中国共产党章程",
    "中国共产党支部工作条例（试行）",
    "中国共产党纪律处分条例",
    "党的二十大报告辅导读本",
    "习近平关于调查研究论述摘编",
    "习近平关于党的建设的重要论述",
    "中国共产党党员教育管理工作条例",
    "之江新语",
    "摆脱贫困",
    "习近平在福建",
    "习近平的七年知青岁月",
    "新中国史",
    "改革开放简史",
    "社会主义发展简史",
    "关于新形势下党内政治生活的若干准则",
    "中国共产党廉洁自律准则",
    "习近平关于全面从严治党论述摘编",
    "习近平经济思想学习纲要",
    "习近平生态文明思想学习纲要",
    "习近平法治思想学习纲要",
    "习近平强军思想学习问答",
    "习近平外交思想学习纲要",
    "党史学习教育读本",
]
FILMS = [
    "长津湖",
    "觉醒年代",
    "守岛人",
    "我和我的祖国",
    "中国共产党人精神谱系",
    "红船",
    "1921",
    "建党伟业",
    "建国大业",
    "革命者",
    "悬崖之上",
    "跨过鸭绿江",
    "山海情",
    "功勋",
    "理想照耀中国",
    "光荣与梦想",
    "祖国就在身后，万里仍是归途",
    "榜样",
    "焦裕禄",
    "黄大年",
    "钱学森",
    "古田会议",
    "可爱的中国",
]
THEMES = [
    "学习贯彻党的二十大精神",
    "深入学习习近平新时代中国特色社会主义思想",
    "学习党章党规党纪",
    "推进全面从严治党",
    "加强作风建设",
    "优化营商环境",
    "服务高质量发展",
    "弘扬伟大建党精神",
    "铸牢中华民族共同体意识",
    "践行以人民为中心的发展思想",
    "推动乡村振兴",
    "深化机关效能建设",
    "加强意识形态工作",
    "学习贯彻《中国共产党纪律处分条例》",
    "开展主题教育",
    "传承红色基因",
    "落实中央八项规定精神",
    "推进数字政府建设",
    "安全生产专题学习",
    "廉政警示教育",
]
SITES = [
    "县新时代文明实践中心",
    "县革命历史纪念馆",
    "县廉政教育基地",
    "闽东苏维埃政府旧址",
    "古田会议旧址",
    "县党史馆",
    "县规划展示馆",
    "县工业园区",
    "县乡村振兴示范村",
    "县红色教育基地",
    "县档案馆展厅",
    "县烈士陵园",
    "县生态文明教育基地",
    "县科技馆",
    "县法治教育基地",
]
PROBLEMS = [
    ("theory", "理论学习的系统性和深入性不够，学用结合不紧"),
    ("theory", "学习积分个别偏低，部分党员参与线上学习不主动"),
    ("publicity", "在省、市级媒体上稿数量不多，宣传亮点挖掘不够"),
    ("team", "青年干部理论素养有待提高，交流研讨发言质量不高"),
    ("style", "调查研究深度不够，解决实际问题的办法不多"),
    ("style", "会议记录不够规范，个别台账资料补充不及时"),
    ("other", "学习型机关建设特色品牌不够鲜明"),
]
MEASURES = [
    "制定年度学习计划，每季度开展一次专题研讨",
    "建立学习积分月通报制度，对积分偏低的党员进行提醒",
    "加强与省、市级媒体的对接，每季度报送一篇工作信息",
    "组织青年干部读书班，开展“青年讲堂”活动",
    "落实领导干部基层联系点制度，形成调研报告",
    "规范会议记录和台账管理，每月检查一次",
]
OUTLETS = [
    ("central", "人民网"),
    ("central", "新华网"),
    ("provincial", "福建日报"),
    ("provincial", "东南网"),
    ("municipal", "宁德日报"),
    ("municipal", "闽东日报"),
    ("county", "县融媒体中心"),
    ("county", "县政府网站"),
    ("own", "本单位微信公众号"),
    ("own", "本单位网站"),
]
PUBLICITY_LEVEL_WEIGHTS = {"central": 2, "provincial": 10, "municipal": 18, "county": 30, "own": 40}


def _weighted(weights):
    """(keys, cumulative weights) for drawing with bisect."""
    keys = list(weights)
    cum, total = [], 0
    for key in keys:
        total += weights[key]
        cum.append(total)
    return keys, cum


STATUS_KEYS, STATUS_CUM = _weighted(STATUS_WEIGHTS)
LEVEL_KEYS, LEVEL_CUM = _weighted(PUBLICITY_LEVEL_WEIGHTS)
_ATTENDANCE_KEYS, ATTENDANCE_CUM = _weighted(ATTENDANCE_WEIGHTS)
# The attendance status of each whole roll below the total weight: one list lookup a row.
ATTENDANCE_BY_ROLL = [_ATTENDANCE_KEYS[bisect(ATTENDANCE_CUM, roll)] for roll in range(ATTENDANCE_CUM[-1])]
OUTLETS_BY_LEVEL = {level: [name for at, name in OUTLETS if at == level] for level, _name in OUTLETS}


def _text(value):
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return str(value)


class CopyWriter:
    """Buffers rows of one model's table and sends them with COPY in chunks."""

    def __init__(self, cursor, model, fields, stats):
        from django.db import connection

        meta = model._meta
        self.cursor = cursor
        self.table = meta.db_table
        self.stats = stats
        chosen = [meta.get_field(name) for name in fields]
        columns = [field.column for field in chosen]
        # A NOT NULL column that another change adds later gets its model default, so the load keeps
        # working without knowing about it.
        extras = [
            field
            for field in meta.concrete_fields
            if field.column not in columns and not field.null and not field.primary_key
        ]
        suffix = []
        for field in extras:
            default = field.get_db_prep_save(field.get_default(), connection)
            if default is None:
                raise RuntimeError(f"{self.table}.{field.column} is required and has no default")
            suffix.append(_text(default))
        self.suffix = "".join("\t" + value for value in suffix)
        self.columns = ", ".join(f'"{column}"' for column in columns + [f.column for f in extras])
        self.buffer = io.StringIO()
        self.pending = 0
        self.count = 0

    def add(self, *values):
        self.buffer.write("\t".join(map(_text, values)) + self.suffix + "\n")
        self._added()

    def add_line(self, line):
        """A row already in COPY text format, without the trailing default columns or newline."""
        self.buffer.write(line + self.suffix + "\n")
        self._added()

    def _added(self):
        self.pending += 1
        self.count += 1
        if self.pending >= CHUNK_ROWS:
            self.flush()

    def flush(self):
        if self.pending:
            self.buffer.seek(0)
            self.cursor.copy_expert(f"COPY {self.table} ({self.columns}) FROM STDIN", self.buffer)
            self.stats[self.table] = self.stats.get(self.table, 0) + self.pending
            self.buffer = io.StringIO()
            self.pending = 0


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of `url` if it does not exist yet."""
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(maintenance)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def bench_database_url(scale: float) -> str:
    """Each scale has a database of its own, so that generating a city leaves the county's in place:
    studyportal_bench at 1.0, studyportal_bench_s10 at 10, studyportal_bench_s0_1 at 0.1."""
    if scale == 1.0:
        return BENCH_DATABASE_URL
    return BENCH_DATABASE_URL + "_s" + f"{scale:g}".replace(".", "_")


def setup_django(default_url: str = BENCH_DATABASE_URL) -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyportal.settings")
    os.environ.setdefault("DATABASE_URL", default_url)
    url = os.environ["DATABASE_URL"]
    if url.startswith(("postgres://", "postgresql://")):
        ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def bench_data_state() -> tuple[bool, bool]:
    """(holds bench data, holds anything else) for the current database."""
    from studyportal.accounts.models import Organization, User

    bench = Organization.objects.filter(code__startswith=f"{PREFIX}-").exists()
    other = (
        Organization.objects.exclude(code__startswith=f"{PREFIX}-").exists()
        or User.objects.exclude(username__startswith=f"{PREFIX}_").exists()
    )
    return bench, other


def _next_id(model):
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


class Ids:
    """Ids handed out here, from one past the table's largest, so COPY needs no round trip per row."""

    def __init__(self, models):
        self.next = {model: _next_id(model) for model in models}

    def take(self, model):
        value = self.next[model]
        self.next[model] = value + 1
        return value


def _unique_name(rng, taken):
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in taken:
            taken.add(name)
            return name


def _weekday(rng, year):
    # The current year only up to today: the records of a year in progress.
    today = datetime.date.today()
    days = (today - datetime.date(year, 1, 1)).days + 1 if year == today.year else 365
    day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(max(1, days)))
    if day.weekday() >= 5:
        day -= datetime.timedelta(days=day.weekday() - 4)
    return day


def _drop_indexes(cursor, table):
    """Drop the secondary indexes and unique constraints of a big table; returns the SQL to restore them.
    Building an index once after the load is several times faster than keeping it up to date row by row."""
    cursor.execute(
        """
        SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
        WHERE c.conrelid = %s::regclass AND c.contype = 'u'
        """,
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = %s AND i.indexname NOT IN (SELECT conname FROM pg_constraint)
        """,
        [table],
    )
    indexes = cursor.fetchall()
    restore = []
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for name, definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
        restore.append(definition)
    return restore


def default_years() -> list[int]:
    """The last three years up to this one, so that the pages' default year has data."""
    this_year = datetime.date.today().year
    return [this_year - 2, this_year - 1, this_year]


ORGANIZATION_FIELDS = ("id", "code", "name", "kind", "path", "low_points_threshold", "is_active", "parent")
USER_FIELDS = (
    "id",
    "password",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "real_name",
    "position",
    "is_party_member",
    "is_leader",
    "must_change_password",
    "agency",
    "branch",
)
ACTIVITY_FIELDS = (
    "id",
    "organization",
    "kind",
    "date",
    "start_time",
    "end_time",
    "title",
    "location",
    "speaker",
    "speaker_name",
    "given_by_leader",
    "oath_renewed",
    "households_reached",
    "enterprises_reached",
    "outside_headcount",
    "hours",
    "notes",
    "status",
    "review_comment",
    "recorded_by",
    "reviewed_by",
    "reviewed_at",
    "submitted_at",
    "created_at",
    "updated_at",
    "imported",
    "import_key",
    "deleted_at",
)
RECTIFICATION_FIELDS = (
    "id",
    "year",
    "problem",
    "category",
    "source",
    "measures",
    "deadline",
    "status",
    "closing_evidence",
    "closed_at",
    "created_at",
    "imported",
    "import_key",
    "deleted_at",
    "agency",
    "closed_by",
    "created_by",
    "found_in",
    "owner",
)
PUBLICITY_FIELDS = (
    "id",
    "date",
    "title",
    "outlet",
    "level",
    "form",
    "link",
    "imported",
    "activity",
    "agency",
    "created_by",
)
# The kinds a study plan schedules, one or two a month.
PLANNED_KINDS = ("central_group_study", "party_lecture", "theme_party_day", "field_visit", "weekly_study")
MATERIAL_PARTS = (
    "学习辅导",
    "专题读本",
    "应知应会",
    "案例选编",
    "问答",
    "学习资料汇编",
    "研讨提纲",
    "专题辅导报告",
    "知识测试题",
    "学习笔记选编",
    "工作手册",
    "典型案例",
)


class Load:
    """One load in progress: the cursor, the random source, the ids handed out and one COPY writer per
    table (created on first use, flushed at the end)."""

    def __init__(self, cursor, rng, models):
        self.cursor = cursor
        self.rng = rng
        self.ids = Ids(models)
        self.counts: dict[str, int] = {}
        self.writers: dict = {}

    def writer(self, model, fields):
        if model not in self.writers:
            self.writers[model] = CopyWriter(self.cursor, model, fields, self.counts)
        return self.writers[model]

    def flush(self):
        for writer in self.writers.values():
            writer.flush()


@dataclass(frozen=True)
class Kinds:
    """The kinds as the generator draws them: the weights are the bench's, the rest the registry's
    (activities.kinds.KINDS)."""

    keys: list
    cum: list
    leading: frozenset
    agency_level: frozenset
    lectures: frozenset

    @classmethod
    def from_registry(cls):
        from activities import kinds

        missing = {spec.code for spec in kinds.KINDS} ^ set(KIND_WEIGHTS)
        if missing:
            raise RuntimeError(f"KIND_WEIGHTS and activities.kinds.KINDS differ: {sorted(missing)}")
        keys, cum = _weighted(KIND_WEIGHTS)
        return cls(
            keys,
            cum,
            frozenset(kinds.kinds_where(group=kinds.Group.LEADING)),
            frozenset(kinds.kinds_where(central_group=True)),
            frozenset(kinds.kinds_where(lecture=True)),
        )


@dataclass(frozen=True)
class Materials:
    books: list
    films: list

    @property
    def popular(self):
        return self.books[:30]  # the real books are studied far more often than the rest


def _organizations(load, n_agencies, n_people) -> tuple[int, list[dict]]:
    """The committee, its agencies and their branches: (committee id, [agency dict: id, name, size,
    branches [{id, members}]])."""
    from studyportal.accounts.models import Organization

    rng, ids = load.rng, load.ids
    orgs = load.writer(Organization, ORGANIZATION_FIELDS)
    committee_id = ids.take(Organization)
    orgs.add(
        committee_id,
        f"{PREFIX}-xzjggw",
        "县直机关工委（基准）",
        "committee",
        f"/{committee_id}/",
        None,
        True,
        None,
    )
    weights = [rng.uniform(0.4, 1.6) for _ in range(n_agencies)]
    total_weight = sum(weights)
    agencies = []
    for index in range(n_agencies):
        name = AGENCY_NAMES[index % len(AGENCY_NAMES)]
        if index >= len(AGENCY_NAMES):
            name = f"{name}（{index // len(AGENCY_NAMES) + 1}）"
        agency_id = ids.take(Organization)
        path = f"/{committee_id}/{agency_id}/"
        orgs.add(agency_id, f"{PREFIX}-a{index + 1:03d}", name, "agency", path, 8000, True, committee_id)
        size = max(10, round(n_people * weights[index] / total_weight))
        n_branches = 1 if size < 35 else (2 if size < 65 else 3)
        n_branches = max(1, min(3, n_branches + rng.choice((-1, 0, 0, 1))))
        branches = []
        for b in range(n_branches):
            branch_id = ids.take(Organization)
            branch_name = f"{name}机关党支部" if n_branches == 1 else f"{name}第{'一二三'[b]}党支部"
            code = f"{PREFIX}-a{index + 1:03d}-b{b + 1}"
            orgs.add(branch_id, code, branch_name, "branch", f"{path}{branch_id}/", None, True, agency_id)
            branches.append({"id": branch_id, "members": []})
        agencies.append({"id": agency_id, "name": name, "size": size, "branches": branches})
    orgs.flush()
    return committee_id, agencies


def _people(load, committee_id, agencies, password) -> None:
    """People and roles: everyone is staff of their agency; one secretary for the agency and one for
    each further branch; a recorder per branch. Fills each agency's people, leaders and each branch's
    members, secretary and recorder."""
    from studyportal.accounts.models import RoleAssignment, User

    rng, ids = load.rng, load.ids
    joined = datetime.datetime(2021, 1, 4, 9, 0, tzinfo=TZ)
    users = load.writer(User, USER_FIELDS)
    roles = load.writer(RoleAssignment, ("id", "role", "organization", "user"))
    admin_id = ids.take(User)
    users.add(
        admin_id,
        password,
        True,
        "bench_admin",
        "",
        "",
        "",
        True,
        True,
        joined,
        "赵永刚",
        "县直机关工委管理员",
        True,
        False,
        False,
        committee_id,
        None,
    )
    roles.add(ids.take(RoleAssignment), "admin", committee_id, admin_id)
    for a_index, agency in enumerate(agencies):
        branches = agency["branches"]
        taken = set()
        people = []
        n_leaders = rng.randint(3, 5)
        for p in range(agency["size"]):
            user_id = ids.take(User)
            branch = branches[p % len(branches)]
            leader = p < n_leaders
            username = f"{PREFIX}_a{a_index + 1:03d}_{p + 1:03d}"
            position = LEADER_POSITIONS[p] if leader else rng.choice(POSITIONS)
            role = "staff"
            role_org = agency["id"]
            if n_leaders <= p < n_leaders + len(branches):
                branch = branches[p - n_leaders]
                position = "机关党支部书记"
                role = "secretary"
                role_org = agency["id"] if p == n_leaders else branch["id"]
                branch["secretary"] = user_id
            elif n_leaders + len(branches) <= p < n_leaders + 2 * len(branches):
                branch = branches[p - n_leaders - len(branches)]
                position = "党支部组织委员"
                role = "recorder"
                branch["recorder"] = user_id
            if a_index == 0 and p == n_leaders:
                username = "bench_secretary"
            elif a_index == 0 and p == n_leaders + len(branches):
                username = "bench_recorder"
            elif a_index == 0 and p == agency["size"] - 1:
                username = "bench_staff"
            party = leader or role != "staff" or rng.random() < 0.85
            users.add(
                user_id,
                password if username in ACCOUNTS else "!bench",
                False,
                username,
                "",
                "",
                "",
                False,
                True,
                joined,
                _unique_name(rng, taken),
                position,
                party,
                leader,
                False,
                agency["id"],
                branch["id"],
            )
            roles.add(ids.take(RoleAssignment), role, role_org, user_id)
            if role != "staff":
                roles.add(ids.take(RoleAssignment), "staff", agency["id"], user_id)
            branch["members"].append(user_id)
            people.append(user_id)
        agency["people"] = people
        agency["leaders"] = people[:n_leaders]
    users.flush()
    roles.flush()


def _materials(load) -> Materials:
    """The books and films, and a few hundred study titles built from them."""
    from activities.models import StudyMaterial

    materials = load.writer(StudyMaterial, ("id", "title"))
    titles = list(BOOKS) + [f"{theme}{part}" for theme in THEMES for part in MATERIAL_PARTS]
    books, films = [], []
    for ids, title in [(books, title) for title in titles] + [(films, title) for title in FILMS]:
        ids.append(load.ids.take(StudyMaterial))
        materials.add(ids[-1], title)
    materials.flush()
    return Materials(books, films)


def _activities(load, agency, year, share, kinds: Kinds, materials: Materials) -> None:
    """`share` activities of an agency in a year, with their attendance and study materials."""
    from activities.models import Activity, Attendance

    rng, ids = load.rng, load.ids
    activities = load.writer(Activity, ACTIVITY_FIELDS)
    attendance = load.writer(Attendance, ("id", "status", "signed_in_at", "activity", "person"))
    links = load.writer(Activity.materials.through, ("id", "activity", "studymaterial"))
    link_model = Activity.materials.through
    rand, choice, randint = rng.random, rng.choice, rng.randint
    branches, leaders = agency["branches"], agency["leaders"]
    for _ in range(share):
        activity_id = ids.take(Activity)
        kind = kinds.keys[bisect(kinds.cum, rand() * kinds.cum[-1])]
        status = STATUS_KEYS[bisect(STATUS_CUM, rand() * STATUS_CUM[-1])]
        date = _weekday(rng, year)
        branch = choice(branches)
        if kind in kinds.agency_level:
            org_id = agency["id"]
            attendees = leaders + [b["secretary"] for b in branches]
        else:
            org_id = branch["id"]
            pool = branch["members"]
            attendees = rng.sample(pool, max(1, int(len(pool) * rng.uniform(0.45, 0.9))))
        theme = choice(THEMES)
        location = f"{agency['name']}{choice(('三楼会议室', '二楼会议室', '党员活动室'))}"
        speaker_id, speaker_name, given_by_leader = None, "", False
        oath, households, enterprises, outside = False, None, None, 0
        title = theme
        material_ids = []
        if kind in kinds.lectures:
            roll = rand()
            if kind == "guest_lecture" and roll < 0.7:
                speaker_name = f"{choice(('县委党校', '市委党校', '县委宣传部'))}{choice(SURNAMES)}教授"
            elif roll < 0.85:
                speaker_id, given_by_leader = choice(leaders), True
            else:
                speaker_id = branch["secretary"]
            title = f"专题党课：{theme}" if kind == "party_lecture" else f"专题辅导：{theme}"
        elif kind in kinds.agency_level or kind == "weekly_study":
            speaker_id = leaders[0] if kind in kinds.agency_level else branch["secretary"]
        if kind == "field_visit":
            location = choice(SITES)
            oath = rand() < 0.4
            title = f"到{location}开展“{theme}”主题学习活动"
        elif kind == "film_viewing":
            material_ids = [choice(materials.films)]
            title = f"组织观看《{FILMS[material_ids[0] - materials.films[0]]}》"
        elif kind == "household_visit":
            households = randint(3, 30)
            title = f"挂钩帮扶入户走访（{theme}）"
        elif kind == "enterprise_service":
            enterprises = randint(1, 12)
            title = f"服务企业座谈会（{theme}）"
        elif kind == "volunteer_service":
            outside = randint(0, 40)
            title = f"“{theme}”志愿服务活动"
        if kind in kinds.leading and rand() < 0.7:
            material_ids = rng.sample(materials.popular if rand() < 0.6 else materials.books, randint(1, 2))
        hour = randint(8, 16)
        created = datetime.datetime(date.year, date.month, date.day, 18, 0, tzinfo=TZ)
        reviewed = created + datetime.timedelta(days=randint(1, 5))
        reviewer = branch["secretary"] if status in ("approved", "returned") else None
        activities.add(
            activity_id,
            org_id,
            kind,
            date,
            datetime.time(hour, 0),
            datetime.time(hour + 1, 30),
            title,
            location,
            speaker_id,
            speaker_name,
            given_by_leader,
            oath,
            households,
            enterprises,
            outside,
            Decimal(randint(2, 6)) / 2,
            f"会议围绕“{theme}”开展学习，参会人员结合工作实际交流了学习体会。",
            status,
            "请补充参会人员签到表和会议照片。" if status == "returned" else "",
            branch["recorder"],
            reviewer,
            reviewed if reviewer else None,
            created if status != "draft" else None,
            created,
            reviewed if reviewer else created,
            False,
            "",
            None,
        )
        for material_id in material_ids:
            links.add_line(f"{ids.take(link_model)}\t{activity_id}\t{material_id}")
        for person_id in attendees:
            att = ATTENDANCE_BY_ROLL[int(rand() * ATTENDANCE_CUM[-1])]
            attendance.add_line(f"{ids.take(Attendance)}\t{att}\t\\N\t{activity_id}\t{person_id}")


def _rectification(load, agency, year) -> None:
    from activities.models import RectificationItem

    rng = load.rng
    writer = load.writer(RectificationItem, RECTIFICATION_FIELDS)
    leaders, branches = agency["leaders"], agency["branches"]
    for problem_category, problem in rng.sample(PROBLEMS, rng.randint(2, 5)):
        state = rng.choice(("not_started", "in_progress", "in_progress", "done", "closed"))
        closed = state in ("done", "closed")
        writer.add(
            load.ids.take(RectificationItem),
            year,
            problem,
            problem_category,
            rng.choice(("self_review", "inspection", "annual_summary")),
            rng.choice(MEASURES),
            datetime.date(year, rng.randint(6, 12), 28),
            state,
            "已完成整改并报送整改报告。" if closed else "",
            datetime.datetime(year, 12, 20, 10, tzinfo=TZ) if closed else None,
            datetime.datetime(year, rng.randint(1, 5), 10, 10, tzinfo=TZ),
            False,
            "",
            None,
            agency["id"],
            leaders[0] if closed else None,
            branches[0]["secretary"],
            None,
            rng.choice(leaders),
        )


def _study_points(load, agency, year) -> None:
    from activities.models import StudyPoints

    rng = load.rng
    writer = load.writer(StudyPoints, ("id", "year", "month", "platform", "points", "imported", "person"))
    for person_id in agency["people"]:
        base = rng.randint(300, 1400)
        for month in range(1, 13):
            points = max(0, base + rng.randint(-200, 200))
            writer.add_line(
                f"{load.ids.take(StudyPoints)}\t{year}\t{month}\t学习强国\t{points}\tf\t{person_id}"
            )


def _publicity(load, agency, year) -> None:
    from activities.models import Publicity

    rng = load.rng
    writer = load.writer(Publicity, PUBLICITY_FIELDS)
    for _ in range(rng.randint(15, 45)):
        level = LEVEL_KEYS[bisect(LEVEL_CUM, rng.random() * LEVEL_CUM[-1])]
        writer.add(
            load.ids.take(Publicity),
            _weekday(rng, year),
            f"{agency['name']}{rng.choice(THEMES)}工作纪实",
            rng.choice(OUTLETS_BY_LEVEL[level]),
            level,
            rng.choice(("article", "article", "video", "post")),
            "",
            False,
            None,
            agency["id"],
            agency["branches"][0]["recorder"],
        )


def _study_plan(load, agency, year) -> None:
    from activities.models import PlanItem, StudyPlan

    rng, ids = load.rng, load.ids
    plans = load.writer(StudyPlan, ("id", "year", "title", "agency"))
    items = load.writer(
        PlanItem, ("id", "month", "kind", "topic", "measures", "fulfilled_by", "lead", "plan")
    )
    plan_id = ids.take(StudyPlan)
    plans.add(plan_id, year, f"{agency['name']}{year}年度学习计划", agency["id"])
    for month in range(1, 13):
        for kind in rng.sample(PLANNED_KINDS, rng.randint(1, 2)):
            items.add(
                ids.take(PlanItem),
                month,
                kind,
                f"{month}月：{rng.choice(THEMES)}",
                rng.choice(MEASURES),
                None,
                rng.choice(agency["leaders"]),
                plan_id,
            )


def _check_target(force: bool) -> bool:
    """Refuse a database that is not PostgreSQL or holds other data; returns whether it holds bench
    data already (to be replaced)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench.generate loads with PostgreSQL COPY: set DATABASE_URL=postgres://…")
    has_bench, has_other = bench_data_state()
    if has_other and not force:
        raise SystemExit(
            "This database holds data that is not bench data; refusing to add a county to it "
            "(use a database of its own, or --force)."
        )
    if has_bench and has_other:
        raise SystemExit("Bench data sits beside other data here; remove it by hand before generating again.")
    return has_bench


def _sizes(scale: float) -> tuple[int, int, int]:
    """(agencies, people, activities a year) at `scale`."""
    n_agencies = max(2, round(100 * scale))
    n_people = max(10 * n_agencies, round(5000 * scale))
    per_year = max(50 * n_agencies, round(ACTIVITIES_PER_YEAR * scale))
    return n_agencies, n_people, per_year


def generate(*, scale: float = 1.0, seed: int = 42, years=None, force: bool = False, log=print):
    """Load a county into the current (PostgreSQL) database; returns the number of rows per table."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from activities.models import (
        Activity,
        Attendance,
        PersonYearStat,
        PlanItem,
        Publicity,
        RectificationItem,
        StudyMaterial,
        StudyPlan,
        StudyPoints,
    )
    from activities.stats import stats_rebuild
    from studyportal.accounts.models import Organization, RoleAssignment, User

    has_bench = _check_target(force)
    years = list(years or default_years())
    kinds = Kinds.from_registry()
    n_agencies, n_people, per_year = _sizes(scale)
    started = time.monotonic()

    with connection.cursor() as cursor:
        try:
            # FK triggers off for the load: every id is handed out here, consistent by construction.
            cursor.execute("SET session_replication_role = replica")
        except Exception:  # not a superuser: the load is slower but the same
            log("(foreign-key checks stay on: not a superuser)")

    with transaction.atomic(), connection.cursor() as cursor:
        if has_bench:
            cursor.execute(
                "TRUNCATE accounts_organization, accounts_user, activities_studymaterial"
                " RESTART IDENTITY CASCADE"
            )
        load = Load(
            cursor,
            random.Random(seed),
            [
                Organization,
                User,
                RoleAssignment,
                Activity,
                Attendance,
                Activity.materials.through,
                StudyMaterial,
                RectificationItem,
                StudyPoints,
                Publicity,
                StudyPlan,
                PlanItem,
            ],
        )
        restore = []
        for model in (Attendance, Activity, Activity.materials.through, StudyPoints):
            restore += _drop_indexes(cursor, model._meta.db_table)

        committee_id, agencies = _organizations(load, n_agencies, n_people)
        _people(load, committee_id, agencies, make_password(BENCH_PASSWORD))
        materials = _materials(load)
        for year in years:
            year_started = time.monotonic()
            for agency in agencies:
                _activities(load, agency, year, round(per_year * agency["size"] / n_people), kinds, materials)
                # The year's other records of the agency.
                _rectification(load, agency, year)
                _study_points(load, agency, year)
                _publicity(load, agency, year)
                _study_plan(load, agency, year)
            log(f"  {year}: generated in {time.monotonic() - year_started:.1f}s")

        load.flush()
        log(f"  rows copied in {time.monotonic() - started:.1f}s; rebuilding indexes")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for statement in restore:
            cursor.execute(statement)
        for model in load.ids.next:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" GREATEST((SELECT MAX(id) FROM {table}), 1))"
            )
        cursor.execute("SET session_replication_role = origin")
    counts = load.counts
    log(f"  loaded in {time.monotonic() - started:.1f}s; rebuilding the summary rows")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # A year at a time: at a city's scale the whole of it would hold millions of rows in memory.
    counts["activities_activitymonthstat"] = sum(stats_rebuild(year=year) for year in years)
    # stats_rebuild fills the per-person yearly attendance rows too.
    counts["activities_personyearstat"] = PersonYearStat.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"  done in {time.monotonic() - started:.1f}s")
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1.0 is a county (100 agencies, 5,000 people)"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--years", default="", help="comma-separated (default: the last three up to this one)"
    )
    parser.add_argument(
        "--force", action="store_true", help="add a county beside data that is not bench data"
    )
    args = parser.parse_args(argv)
    years = [int(y) for y in args.years.split(",") if y.strip()] or default_years()
    url = setup_django(bench_database_url(args.scale))
    print(
        f"Generating a county at scale {args.scale} (seed {args.seed}, years {years})"
        f" into {urlsplit(url).path[1:]}"
    )
    counts = generate(scale=args.scale, seed=args.seed, years=years, force=args.force)
    for table, count in sorted(counts.items()):
        print(f"  {table:40} {count:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
