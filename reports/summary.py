"""The annual summary's text, in the register of the model summary (docs/design.md §6).

Every sentence takes its figures and names from `reports.selectors.summary.summary_data`; where the records
say nothing, the sentence carries a visible 【待补充：…】 instead of a figure. The text is in Chinese
whatever the interface language: it is the agency's document, not part of the interface. The table
of sections (`SECTIONS`, at the end) names each section's key, label, heading and builder once.

One module although long: the section builders share the sentence helpers above them (quoted titles,
counts, turnout, the shortcomings each next step answers), and the register reads best in one place.
"""

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy

from activities.materials import book
from activities.materials import chinese_number as cn
from activities.models import KIND_GROUP, Group, Kind, Publicity
from studyportal.accounts.models import Organization

from .selectors.summary import SummaryData, summary_data, year_on_year_change

ACHIEVEMENTS_HEADING = "一、抓好“大学习”，突出理论武装，打造学习型模范机关"
# Placements above county level below this many in a year read as "not many" (the model
# summary's 上稿数量不多).
FEW_UPPER_PLACEMENTS = 5


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    text: str


def summary_title(*, agency: Organization, year: int) -> str:
    return f"{agency.name}{year}年度建设学习型机关工作总结"


def todo(what: str) -> str:
    return f"【待补充：{what}】"


def join_titles(titles: list[str]) -> str:
    # Bracketed titles follow one another directly (《甲》《乙》); anything else is set off with 、.
    text = ""
    for title in titles:
        if text and not (text.endswith("》") and title.startswith("《")):
            text += "、"
        text += title
    return text


# A number closing a title of a series: （第1站）, (3), 第二期, 之三, 8.
_SERIES_NUMBER = re.compile(
    r"\s*(?:[（(]\s*第?\s*[\d一二三四五六七八九十]+\s*[站期场次讲篇]?\s*[)）]"
    r"|[·\-—之]?\s*第\s*[\d一二三四五六七八九十]+\s*[站期场次讲篇]|[·\-—之]\s*[\d一二三四五六七八九十]+|\d+)\s*$"
)


def _series_stem(title: str) -> str:
    return _SERIES_NUMBER.sub("", title).strip() or title


def quoted(titles) -> str:
    """Titles in quotation marks, 、-separated; a series of like titles (“送法进社区（第1站）” … （第8站）)
    named once with its count: “送法进社区”系列活动8次."""
    # A title that carries its own quotation marks gets the inner ones (‘’) inside ours.
    inner = str.maketrans("“”", "‘’")
    titles = _distinct(titles)
    stems: dict[str, list[str]] = {}
    for title in titles:
        stems.setdefault(_series_stem(title), []).append(title)
    texts = []
    for stem, members in stems.items():
        if len(members) > 1:
            texts.append(f"“{stem.translate(inner)}”系列活动{len(members)}次")
        else:
            texts.append(f"“{members[0].translate(inner)}”")
    return "、".join(texts)


def date_cn(date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def _distinct(values):
    seen = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("。", "！", "？", "：")) else text + "。"


def _first_sentence(text: str) -> str:
    return re.split(r"[。；;\n]", text.strip(), maxsplit=1)[0]


def _counts(pairs) -> str:
    """ "主题党日12次、现场教学2次" from (label, count) pairs, leaving out what did not happen."""
    return "、".join(f"{label}{count}次" for label, count in pairs if count)


def _turnout(data: SummaryData, group: str) -> str:
    """The group's attendance: a rate only where the year's records say who was on leave or absent
    (a ledger listing only who came gives 100% for everyone, which is not a rate)."""
    turnout = data.attendance.get(group)
    if not turnout or not turnout.present:
        return ""
    label = {Group.LEADING: "领学类", Group.EXPERIENTIAL: "助学类", Group.PRACTICE: "检学类"}[group]
    if not data.records_absence:
        return f"{label}活动参加{turnout.present}人次。"
    rate = round(turnout.present * 100 / turnout.total, 1)
    return f"{label}活动参加{turnout.present}人次，出勤率{rate:g}%。"


# What a title often ends with, which the sentence around it says again (开展“主题观影活动”主题学习观影活动).
_GENERIC_ENDINGS = re.compile(
    r"(主题学习观影活动|主题观影活动|学习观影活动|观影活动|主题学习活动|主题活动|主题党日活动|学习活动|活动)$"
)


def _theme(title: str) -> str:
    """The theme of a title, without the words the sentence adds around it; "" when nothing is left."""
    theme = title.strip().strip('“”"')
    theme = re.sub(r"^开展", "", theme)
    return _GENERIC_ENDINGS.sub("", theme).strip().strip('“”"')


def _group_total(data: SummaryData, group: str) -> int:
    return sum(count for kind, count in data.kind_counts.items() if KIND_GROUP[kind] == group)


def _opening(data: SummaryData) -> str:
    total = sum(data.kind_counts.values())
    if not total:
        return (
            f"{data.year}年，{data.agency.name}以党的政治建设为统领，以建设学习型、服务型、创新型机关为目标，"
            f"开展学习活动{todo('本年度经审核通过的学习活动记录')}。现将工作情况总结如下："
        )
    groups = _counts(
        (label, _group_total(data, group))
        for group, label in (
            (Group.LEADING, "领学类"),
            (Group.EXPERIENTIAL, "助学类"),
            (Group.PRACTICE, "检学类"),
        )
    )
    present = sum(turnout.present for turnout in data.attendance.values())
    people = f"参加{present}人次" if present else f"参加人次{todo('参加人员')}"
    # Compared with the year before only where that year has records (from the monthly count rows).
    with translation.override("zh-hans"):
        change = year_on_year_change(activities=total, previous=data.activities_previous_year)
    return (
        f"{data.year}年，{data.agency.name}以党的政治建设为统领，以建设学习型、服务型、创新型机关为目标，"
        f"常态化开展丰富多彩的学习活动，全年开展学习活动{total}次{'，' + change if change else ''}，"
        f"其中{groups}，{people}，"
        "不断提升党员领导干部的理论素养和履职能力，学以致用，将学习成果转化为工作实绩。现将工作情况总结如下："
    )


def _leading(data: SummaryData) -> str:
    if not _group_total(data, Group.LEADING) and not data.plan_title:
        return ""
    parts = []
    plan = book(data.plan_title) if data.plan_title else todo("年度理论学习计划名称")
    parts.append(
        "把学习贯彻习近平新时代中国特色社会主义思想作为首要政治任务，作为党组理论学习中心组的主题主线，"
        f"制定{plan}。"
    )

    study, seminar = data.count(Kind.CENTRAL_GROUP_STUDY), data.count(Kind.CENTRAL_GROUP_SEMINAR)
    if study + seminar:
        both = f"（其中集中学习{study}次、交流研讨{seminar}次）" if study and seminar else ""
        parts.append(f"年度党组理论学习中心组召开集中学习、交流研讨共计{study + seminar}次{both}。")

    clauses = []
    weekly = data.count(Kind.WEEKLY_STUDY)
    if weekly:
        clauses.append(f"全年开展每周理论学习{weekly}次")
    meetings = _counts(
        (label, data.count(kind))
        for kind, label in (
            (Kind.BRANCH_ASSEMBLY, "支部党员大会"),
            (Kind.BRANCH_COMMITTEE, "支部委员会会议"),
            (Kind.PARTY_GROUP_MEETING, "党小组会"),
        )
    )
    lectures = data.count(Kind.PARTY_LECTURE)
    branch = "、".join(
        filter(None, [f"召开{meetings}" if meetings else "", _counts([("讲授党课", lectures)])])
    )
    if branch:
        clauses.append(f"党支部落实“三会一课”制度，{branch}")
    if clauses:
        parts.append(f"结合每周理论学习、党支部“三会一课”“学习强国”等平台，{'，'.join(clauses)}。")

    if data.leading_titles:
        parts.append(f"领导班子带头学习{join_titles([book(t) for t in data.leading_titles])}等读本。")
    elif study + seminar:
        parts.append(f"领导班子带头学习{todo('中心组学习的书目')}等读本。")

    lectures = data.named_of(Kind.PARTY_LECTURE)
    by_leaders = [lecture for lecture in lectures if lecture.given_by_leader]
    others = [lecture for lecture in lectures if not lecture.given_by_leader]
    if by_leaders:
        # The same lecture given again (to each branch, each quarter) is named once with its count.
        given: dict[tuple, int] = {}
        for lecture in by_leaders:
            key = (lecture.speaker_display or todo("主讲人"), lecture.title)
            given[key] = given.get(key, 0) + 1
        details = "，".join(
            f"{speaker}讲授“{title}”" + (f"{cn(times)}次" if times > 1 else "")
            for (speaker, title), times in given.items()
        )
        parts.append(f"党组领导班子带头讲授专题党课{cn(len(by_leaders))}次（{details}）。")
    if others:
        speakers = "、".join(_distinct(lecture.speaker_display for lecture in others)) or todo("主讲人")
        parts.append(f"党支部讲授党课{cn(len(others))}次（主讲人：{speakers}）。")
    for gap in data.norm_gaps:
        if gap.secretary_unknown:
            # The records could say it, once the branch's secretary is known (docs/norms.md).
            parts.append(f"{todo(f'{gap.organization.name}书记讲党课情况（未明确党支部书记）')}。")
    guests = data.named_of(Kind.GUEST_LECTURE)
    if guests:
        speakers = "、".join(_distinct(lecture.speaker_display for lecture in guests)) or todo("主讲人")
        parts.append(f"邀请{speakers}开展专题辅导讲座{cn(len(guests))}次。")
    parts.append(_turnout(data, Group.LEADING))
    return "".join(parts)


def _experiential(data: SummaryData) -> str:
    if not _group_total(data, Group.EXPERIENTIAL):
        return ""
    visits, viewings = data.named_of(Kind.FIELD_VISIT), data.named_of(Kind.FILM_VIEWING)
    ways = "、".join(
        filter(None, ["线下体验式现场教学" if visits else "", "线上观看教学" if viewings else ""])
    )
    done = _counts(
        [
            ("主题党日", data.count(Kind.THEME_PARTY_DAY)),
            ("现场教学", data.count(Kind.FIELD_VISIT)),
            ("观影及观看教育片", data.count(Kind.FILM_VIEWING)),
        ]
    )
    parts = [f"采取{ways}等形式开展学习活动，全年开展{done}。" if ways else f"全年开展{done}。"]
    if visits:
        texts = []
        for visit in visits:
            site = visit.location or todo("现场教学地点")
            theme = _theme(visit.title)
            text = f"组织党员干部到{site}开展" + (f"“{theme}”主题学习活动" if theme else "现场教学")
            if visit.oath_renewed:
                text += "，重温入党誓词"
            texts.append(text)
        parts.append("；".join(texts) + "。")

    if viewings:
        themed, watched = [], []
        for viewing in viewings:
            films = data.materials.get(viewing.id, [])
            if films and not any(film in viewing.title for film in films):
                shown = join_titles([book(film) for film in films])
                theme = _theme(viewing.title)
                themed.append(
                    f"开展“{theme}”主题学习观影活动（观看{shown}）" if theme else f"组织观看{shown}"
                )
            else:
                watched.extend(films or [viewing.title])
        if watched:
            themed.append(f"观看{join_titles([book(f) for f in _distinct(watched)])}等影片、微视频和电教片")
        parts.append("，".join(themed) + "，通过观看学、创新意，推动学习走深走实。")
    parts.append(_turnout(data, Group.EXPERIENTIAL))
    return "".join(parts)


def _reached(activities, field_name: str) -> int | None:
    values = [getattr(activity, field_name) for activity in activities]
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def _practice(data: SummaryData) -> str:
    if not _group_total(data, Group.PRACTICE):
        return ""
    parts = ["坚持把基层一线作为检验学习成效的练兵场，推动学习成果转化为服务企业、服务群众的生动实践。"]
    services = data.named_of(Kind.VOLUNTEER_SERVICE)
    if services:
        parts.append(f"开展志愿服务活动{len(services)}次（{quoted(a.title for a in services)}）。")

    visits = data.named_of(Kind.HOUSEHOLD_VISIT)
    if visits:
        households = _reached(visits, "households_reached")
        reached = f"{households}户次" if households is not None else todo("走访户数")
        titles = quoted(a.title for a in visits)
        parts.append(f"挂钩帮扶干部入户走访{len(visits)}次（{titles}），共走访{reached}。")

    enterprise = data.named_of(Kind.ENTERPRISE_SERVICE)
    if enterprise:
        symposiums = [a for a in enterprise if "座谈" in a.title]
        enterprises = _reached(enterprise, "enterprises_reached")
        reached = f"{enterprises}家次" if enterprises is not None else todo("服务企业数")
        text = f"深入服务企业{len(enterprise)}次（{quoted(a.title for a in enterprise)}）"
        if symposiums:
            text += f"，其中召开企业家座谈会{len(symposiums)}次"
        parts.append(f"{text}，共服务企业{reached}，协调解决企业生产经营中的问题和困难。")
    parts.append(_turnout(data, Group.PRACTICE))
    return "".join(parts)


def _points_sentence(data: SummaryData) -> str:
    low = data.low_points
    if low is None or not low.below:
        return ""
    # The count is the points page's and the dashboard's (activities.selectors.points.low_points):
    # every platform, every active member; "党员" only when all of them are Party members.
    who = "党员" if low.below_party_members_only else "干部职工"
    return f"学习积分个别偏低，{data.year}年度积分低于{low.threshold}分的{who}有{low.below}人。"


def _upper_placements(data: SummaryData) -> int:
    level = Publicity.Level
    return sum(
        data.publicity_counts.get(upper, 0) for upper in (level.CENTRAL, level.PROVINCIAL, level.MUNICIPAL)
    )


def _publicity_sentence(data: SummaryData) -> tuple[str, bool]:
    """The year's placements by level, and whether those above county level are few."""
    counts = data.publicity_counts
    if not counts:
        return "", False
    level = Publicity.Level
    central, provincial, municipal = (
        counts.get(upper, 0) for upper in (level.CENTRAL, level.PROVINCIAL, level.MUNICIPAL)
    )
    return (
        f"{data.year}年在中央媒体上稿{central}篇、省级媒体上稿{provincial}篇、市级媒体上稿{municipal}篇，"
        f"县级媒体上稿{counts.get(level.COUNTY, 0)}篇，本单位新媒体发布{counts.get(level.OWN, 0)}篇。"
    ), _upper_placements(data) < FEW_UPPER_PLACEMENTS


@dataclass(frozen=True)
class Shortcoming:
    """One numbered point of 二、 and the next step of 三、 that answers it. `source` says what it was
    built from: a rectification item, or the indicator (points, publicity, norms) and its figures."""

    text: str
    step: str
    source: object


def _item_step(item, data: SummaryData) -> str:
    """The item's own measures, else a measure written from its kind; with its owner and deadline
    where the item has them."""
    what = item.measures.strip().rstrip("。") or _category_measure(item, data)
    when = "，".join(
        filter(
            None,
            [
                f"责任人：{item.owner.real_name}" if item.owner_id else "",
                f"{date_cn(item.deadline)}前完成" if item.deadline else "",
            ],
        )
    )
    return f"针对“{_first_sentence(item.problem)}”问题，{what}" + (f"（{when}）" if when else "")


def _points_measure(data: SummaryData) -> str:
    low = data.low_points
    if low is None or not low.below:
        return "健全理论学习督学机制，党支部每月检查学习笔记和学习积分，推动自学常态化、制度化"
    who = "党员" if low.below_party_members_only else "干部职工"
    return (
        f"对{data.year}年度学习积分低于{low.threshold}分的{low.below}名{who}"
        "由所在党支部逐一谈心提醒，按月通报学习积分，推动自学常态化、制度化"
    )


def _publicity_measure(data: SummaryData) -> str:
    return (
        "围绕中心工作主动策划选题，加强信息员队伍培训，积极向省、市级媒体投稿，"
        f"力争{data.year + 1}年在市级以上媒体上稿数量超过{data.year}年的{_upper_placements(data)}篇"
    )


def _category_measure(item, data: SummaryData) -> str:
    category = item.Category
    if item.category == category.THEORY:
        return _points_measure(data)
    if item.category == category.PUBLICITY:
        return _publicity_measure(data)
    return "深入查找问题根源，制定具体整改措施，明确责任人和完成时限，逐项整改销号"


def _points_step(data: SummaryData) -> str:
    return f"加强理论学习督促检查。{_points_measure(data)}"


def _publicity_step(data: SummaryData) -> str:
    return f"提升宣传工作影响力。{_publicity_measure(data)}"


def _missed_norms(data: SummaryData) -> list:
    return [gap for gap in data.norm_gaps if not gap.secretary_unknown]


def _norms_step(data: SummaryData) -> str:
    rules: dict = {}
    for gap in _missed_norms(data):
        rules.setdefault(gap.organization, [])
        if gap.rule not in rules[gap.organization]:
            rules[gap.organization].append(gap.rule)
    clauses = [
        f"党组理论学习中心组按规定频次开展{'、'.join(kinds)}"
        if organization.pk == data.agency.pk
        else f"督促{organization.name}按规定频次落实{'、'.join(kinds)}"
        for organization, kinds in rules.items()
    ]
    return (
        f"严格落实组织生活制度。{'；'.join(clauses)}，党支部每月对照组织生活规范自查，"
        "机关党组织每季度通报落实情况"
    )


def shortcomings(data: SummaryData) -> list[Shortcoming]:
    """The year's shortcomings, each with its next step: the open rectification items (with the
    indicators of their category), then the indicators no item speaks of."""
    found = []
    points = _points_sentence(data)
    publicity, upper_few = _publicity_sentence(data)
    for item in data.open_items:
        text = _sentence(item.problem)
        if item.category == item.Category.THEORY and points:
            text += points
            points = ""
        if item.category == item.Category.PUBLICITY:
            text += publicity or todo(f"{data.year}年度上稿情况")
            publicity = ""
        found.append(Shortcoming(text, _item_step(item, data), item))
    if points:
        found.append(Shortcoming("理论学习的自觉性有待提高。" + points, _points_step(data), "points"))
    if publicity and upper_few:
        text = "宣传工作的影响力有待提升，在省、市级媒体上稿数量不多。" + publicity
        found.append(Shortcoming(text, _publicity_step(data), "publicity"))
    missed = _missed_norms(data)
    if missed:
        text = "组织生活制度落实还不够到位。" + "；".join(gap.message for gap in missed) + "。"
        found.append(Shortcoming(text, _norms_step(data), missed))
    return found


def _numbered(lines: list[str]) -> str:
    return "\n".join(f"{number}.{line}" for number, line in enumerate(lines, start=1))


def _shortcomings(data: SummaryData) -> str:
    lines = [shortcoming.text for shortcoming in shortcomings(data)]
    if not lines:
        return todo("当前工作存在的不足（本年度没有未完成的整改事项）")
    return _numbered(lines)


def _next_steps(data: SummaryData) -> str:
    lines = [_sentence(item.topic) + _sentence(item.measures) for item in data.next_plan_items]
    found = shortcomings(data)
    items = [shortcoming.step for shortcoming in found if shortcoming.source in data.open_items]
    if items:
        lines.append("抓好问题整改落实。" + "；".join(items) + "。")
    lines += [_sentence(s.step) for s in found if s.source not in data.open_items]
    if not lines:
        return todo(f"{data.year + 1}年度工作举措")
    return _numbered(lines)


# ---------------------------------------------------------------------------------------------
# The sections: one table that the builder, the stored draft, the pages (which keys may be edited and
# what each is called) and the document every export writes all read. Adding a section is one entry.


@dataclass(frozen=True)
class SectionType:
    key: str  # in the URLs and the stored draft's rows
    label: str  # what the pages call it (translated)
    heading: str  # its heading in the document ("" for none)
    build: Callable[[SummaryData], str]  # its text from the year's figures
    # A part of 一、 (ACHIEVEMENTS_HEADING): run into its paragraph, counted 一是, 二是 … in the
    # document, and left out there when it has nothing to tell.
    achievement: bool = False


# In the document's order.
SECTIONS = {
    section.key: section
    for section in (
        SectionType("opening", gettext_lazy("Opening"), "", _opening),
        SectionType(
            "leading",
            gettext_lazy("Leading study"),
            "一是领导“领学”，打造有高度的“头雁课堂”",
            _leading,
            achievement=True,
        ),
        SectionType(
            "experiential",
            gettext_lazy("Experiential study"),
            "二是观摩“助学”，打造有温度的“体验课堂”",
            _experiential,
            achievement=True,
        ),
        SectionType(
            "practice",
            gettext_lazy("Practice"),
            "三是笃行“检学”，打造有广度的“实践课堂”",
            _practice,
            achievement=True,
        ),
        SectionType("shortcomings", gettext_lazy("Shortcomings"), "二、当前工作存在不足", _shortcomings),
        SectionType("next_steps", gettext_lazy("Next steps"), "三、下一步工作举措", _next_steps),
    )
}
ACHIEVEMENT_KEYS = tuple(key for key, section in SECTIONS.items() if section.achievement)


def build_summary(*, agency: Organization, year: int) -> list[Section]:
    data = summary_data(agency=agency, year=year)
    return [
        Section(key=key, heading=section.heading, text=section.build(data))
        for key, section in SECTIONS.items()
    ]


def sentence_changes(old: str, new: str) -> list[tuple[str, str]]:
    """The clauses removed from and added to `old` to give `new`, as ("removed"|"added", clause).

    Clauses rather than whole sentences, because one sentence of the summary often carries several figures.
    """

    def sentences(text):
        return [part for part in re.split(r"(?<=[。；！？：，\n])", text) if part.strip()]

    before, after = sentences(old), sentences(new)
    changes = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            changes += [("removed", sentence.strip()) for sentence in before[i1:i2]]
        if op in ("insert", "replace"):
            changes += [("added", sentence.strip()) for sentence in after[j1:j2]]
    return changes
