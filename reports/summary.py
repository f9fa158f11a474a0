"""The annual summary's text, in the register of the model summary (docs/design.md §6).

Every sentence takes its figures and names from `reports.selectors.summary_data`; where the records
say nothing, the sentence carries a visible 【待补充：…】 instead of a figure. The text is in Chinese
whatever the interface language: it is the agency's document, not part of the interface.
"""

import difflib
import re
from dataclasses import dataclass

from activities.models import KIND_GROUP, Group, Kind, Publicity
from studyportal.accounts.models import Organization

from .selectors import SummaryData, Turnout, summary_data

SECTION_KEYS = ["opening", "leading", "experiential", "practice", "shortcomings", "next_steps"]
ACHIEVEMENTS_HEADING = "一、抓好“大学习”，突出理论武装，打造学习型模范机关"
HEADINGS = {
    "opening": "",
    "leading": "一是领导“领学”，打造有高度的“头雁课堂”",
    "experiential": "二是观摩“助学”，打造有温度的“体验课堂”",
    "practice": "三是笃行“检学”，打造有广度的“实践课堂”",
    "shortcomings": "二、当前工作存在不足",
    "next_steps": "三、下一步工作举措",
}
# Placements above county level below this many in a year read as "not many" (the model
# summary's 上稿数量不多).
FEW_UPPER_PLACEMENTS = 5
# A year with many missed periods names the first few and counts the rest, to stay readable.
MAX_GAPS_NAMED = 5

_DIGITS = "零一二三四五六七八九"
_VOLUME = re.compile(r"^(.+?)\s*[（(](第[一二三四五六七八九十\d]+卷)[）)]$")


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    text: str


def summary_title(*, agency: Organization, year: int) -> str:
    return f"{agency.name}{year}年度建设学习型机关工作总结"


def todo(what: str) -> str:
    return f"【待补充：{what}】"


def cn(number: int) -> str:
    """Chinese numerals as the model summary writes small counts (三次, 十二次)."""
    if number < 10:
        return _DIGITS[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return f"{'' if tens == 1 else _DIGITS[tens]}十{_DIGITS[ones] if ones else ''}"
    return str(number)


def book(title: str) -> str:
    """《title》, with a volume written after the brackets as the model summary does:
    《习近平谈治国理政》第四卷."""
    title = title.strip().strip("《》")
    match = _VOLUME.match(title)
    if match:
        return f"《{match.group(1)}》{match.group(2)}"
    return f"《{title}》"


def join_titles(titles: list[str]) -> str:
    # Bracketed titles follow one another directly (《甲》《乙》); anything else is set off with 、.
    text = ""
    for title in titles:
        if text and not (text.endswith("》") and title.startswith("《")):
            text += "、"
        text += title
    return text


def quoted(titles) -> str:
    # A title that carries its own quotation marks gets the inner ones (‘’) inside ours.
    inner = str.maketrans("“”", "‘’")
    return "、".join(f"“{title.translate(inner)}”" for title in _distinct(titles))


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


def _turnout(label: str, turnout: Turnout | None) -> str:
    if not turnout or not turnout.total:
        return ""
    rate = round(turnout.present * 100 / turnout.total, 1)
    return f"{label}参加{turnout.present}人次，出勤率{rate:g}%。"


def _opening(data: SummaryData) -> str:
    total = sum(data.kind_counts.values())
    if not total:
        return (
            f"{data.year}年，{data.agency.name}以党的政治建设为统领，以建设学习型、服务型、创新型机关为目标，"
            f"开展学习活动{todo('本年度经审核通过的学习活动记录')}。现将工作情况总结如下："
        )
    groups = dict.fromkeys(Group.values, 0)
    for kind, count in data.kind_counts.items():
        groups[KIND_GROUP[kind]] += count
    present = sum(turnout.present for turnout in data.attendance.values())
    people = f"参加{present}人次" if present else f"参加人次{todo('参加人员')}"
    return (
        f"{data.year}年，{data.agency.name}以党的政治建设为统领，以建设学习型、服务型、创新型机关为目标，"
        f"常态化开展丰富多彩的学习活动，全年开展学习活动{total}次，其中领学类{groups[Group.LEADING]}次、"
        f"助学类{groups[Group.EXPERIENTIAL]}次、检学类{groups[Group.PRACTICE]}次，{people}，"
        "不断提升党员领导干部的理论素养和履职能力，学以致用，将学习成果转化为工作实绩。现将工作情况总结如下："
    )


def _leading(data: SummaryData) -> str:
    parts = []
    plan = book(data.plan_title) if data.plan_title else todo("年度理论学习计划名称")
    parts.append(
        "把学习贯彻习近平新时代中国特色社会主义思想作为首要政治任务，作为党组理论学习中心组的主题主线，"
        f"制定{plan}。"
    )

    study, seminar = data.count(Kind.CENTRAL_GROUP_STUDY), data.count(Kind.CENTRAL_GROUP_SEMINAR)
    if study + seminar:
        parts.append(
            f"年度党组理论学习中心组召开集中学习、交流研讨共计{study + seminar}次"
            f"（其中集中学习{study}次、交流研讨{seminar}次）。"
        )
    else:
        parts.append(f"年度党组理论学习中心组召开集中学习、交流研讨{todo('中心组学习次数')}。")

    weekly = data.count(Kind.WEEKLY_STUDY)
    meetings = [
        (Kind.BRANCH_ASSEMBLY, "召开支部党员大会"),
        (Kind.BRANCH_COMMITTEE, "支部委员会会议"),
        (Kind.PARTY_GROUP_MEETING, "党小组会"),
        (Kind.PARTY_LECTURE, "讲授党课"),
    ]
    weekly_text = f"全年开展每周理论学习{weekly}次" if weekly else f"每周理论学习{todo('每周理论学习次数')}"
    if any(data.count(kind) for kind, _label in meetings):
        branch_text = "党支部落实“三会一课”制度，" + "、".join(
            f"{label}{data.count(kind)}次" for kind, label in meetings
        )
    else:
        branch_text = f"党支部“三会一课”{todo('支部党员大会、支部委员会会议、党小组会和党课次数')}"
    parts.append(f"结合每周理论学习、党支部“三会一课”“学习强国”等平台，{weekly_text}，{branch_text}。")

    if data.leading_titles:
        parts.append(f"领导班子带头学习{join_titles([book(t) for t in data.leading_titles])}等读本。")
    else:
        parts.append(f"领导班子带头学习{todo('学习书目')}等读本。")

    lectures = data.named_of(Kind.PARTY_LECTURE)
    by_leaders = [lecture for lecture in lectures if lecture.given_by_leader]
    others = [lecture for lecture in lectures if not lecture.given_by_leader]
    if by_leaders:
        details = "，".join(
            f"{lecture.speaker_display or todo('主讲人')}讲授“{lecture.title}”" for lecture in by_leaders
        )
        parts.append(f"党组领导班子带头讲授专题党课{cn(len(by_leaders))}次（{details}）。")
    else:
        parts.append(f"党组领导班子带头讲授专题党课{todo('领导班子讲授专题党课情况')}。")
    if others:
        speakers = "、".join(_distinct(lecture.speaker_display for lecture in others)) or todo("主讲人")
        parts.append(f"党支部讲授党课{cn(len(others))}次（主讲人：{speakers}）。")
    guests = data.named_of(Kind.GUEST_LECTURE)
    if guests:
        speakers = "、".join(_distinct(lecture.speaker_display for lecture in guests)) or todo("主讲人")
        parts.append(f"邀请{speakers}开展专题辅导讲座{cn(len(guests))}次。")
    parts.append(_turnout("领学类活动", data.attendance.get(Group.LEADING)))
    return "".join(parts)


def _visit_theme(title: str) -> str:
    return re.sub(r"(主题学习活动|主题活动|主题党日活动)$", "", title.strip().strip('“”"'))


def _experiential(data: SummaryData) -> str:
    parts = [
        "采取线下体验式现场教学、线上观看教学等形式开展学习活动，"
        f"全年开展主题党日{data.count(Kind.THEME_PARTY_DAY)}次、现场教学{data.count(Kind.FIELD_VISIT)}次、"
        f"观影及观看教育片{data.count(Kind.FILM_VIEWING)}次。"
    ]
    visits = data.named_of(Kind.FIELD_VISIT)
    if visits:
        texts = []
        for visit in visits:
            site = visit.location or todo("现场教学地点")
            text = f"组织党员干部到{site}开展“{_visit_theme(visit.title)}”主题学习活动"
            if visit.oath_renewed:
                text += "，重温入党誓词"
            texts.append(text)
        parts.append("；".join(texts) + "。")
    else:
        parts.append(f"现场教学{todo('现场教学地点和主题')}。")

    viewings = data.named_of(Kind.FILM_VIEWING)
    if viewings:
        themed, watched = [], []
        for viewing in viewings:
            films = data.materials.get(viewing.id, [])
            if films and not any(film in viewing.title for film in films):
                shown = join_titles([book(film) for film in films])
                themed.append(f"开展“{viewing.title}”主题学习观影活动（观看{shown}）")
            else:
                watched.extend(films or [viewing.title])
        if watched:
            themed.append(f"观看{join_titles([book(f) for f in _distinct(watched)])}等影片、微视频和电教片")
        parts.append("，".join(themed) + "，通过观看学、创新意，推动学习走深走实。")
    else:
        parts.append(f"观影及观看教育片{todo('观看的影片、电教片')}。")
    parts.append(_turnout("助学类活动", data.attendance.get(Group.EXPERIENTIAL)))
    return "".join(parts)


def _reached(activities, field_name: str) -> int | None:
    values = [getattr(activity, field_name) for activity in activities]
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def _practice(data: SummaryData) -> str:
    parts = ["坚持把基层一线作为检验学习成效的练兵场，推动学习成果转化为服务企业、服务群众的生动实践。"]
    services = data.named_of(Kind.VOLUNTEER_SERVICE)
    if services:
        parts.append(f"开展志愿服务活动{len(services)}次（{quoted(a.title for a in services)}）。")
    else:
        parts.append(f"志愿服务{todo('志愿服务活动情况')}。")

    visits = data.named_of(Kind.HOUSEHOLD_VISIT)
    if visits:
        households = _reached(visits, "households_reached")
        reached = f"{households}户次" if households is not None else todo("走访户数")
        titles = quoted(a.title for a in visits)
        parts.append(f"挂钩帮扶干部入户走访{len(visits)}次（{titles}），共走访{reached}。")
    else:
        parts.append(f"入户走访{todo('挂钩帮扶入户走访情况')}。")

    enterprise = data.named_of(Kind.ENTERPRISE_SERVICE)
    if enterprise:
        symposiums = [a for a in enterprise if "座谈" in a.title]
        enterprises = _reached(enterprise, "enterprises_reached")
        reached = f"{enterprises}家次" if enterprises is not None else todo("服务企业数")
        text = f"深入服务企业{len(enterprise)}次（{quoted(a.title for a in enterprise)}）"
        if symposiums:
            text += f"，其中召开企业家座谈会{len(symposiums)}次"
        parts.append(f"{text}，共服务企业{reached}，协调解决企业生产经营中的问题和困难。")
    else:
        parts.append(f"服务企业{todo('服务企业和企业家座谈会情况')}。")
    parts.append(_turnout("检学类活动", data.attendance.get(Group.PRACTICE)))
    return "".join(parts)


def _points_sentence(data: SummaryData) -> str:
    low = data.low_points
    if low is None or not low.below:
        return ""
    # The count is the points page's and the dashboard's (activities.records_selectors.low_points):
    # every platform, every active member; "党员" only when all of them are Party members.
    who = "党员" if low.below_party_members_only else "干部职工"
    return f"学习积分个别偏低，{data.year}年度积分低于{low.threshold}分的{who}有{low.below}人。"


def _publicity_sentence(data: SummaryData) -> tuple[str, bool]:
    """The year's placements by level, and whether those above county level are few."""
    counts = data.publicity_counts
    if not counts:
        return "", False
    level = Publicity.Level
    upper_levels = (level.CENTRAL, level.PROVINCIAL, level.MUNICIPAL)
    central, provincial, municipal = (counts.get(upper_level, 0) for upper_level in upper_levels)
    upper = central + provincial + municipal
    return (
        f"{data.year}年在中央媒体上稿{central}篇、省级媒体上稿{provincial}篇、市级媒体上稿{municipal}篇，"
        f"县级媒体上稿{counts.get(level.COUNTY, 0)}篇，本单位新媒体发布{counts.get(level.OWN, 0)}篇。"
    ), upper < FEW_UPPER_PLACEMENTS


def _shortcomings(data: SummaryData) -> str:
    lines = []
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
        lines.append(text)
    if points:
        lines.append("理论学习的自觉性有待提高。" + points)
    if publicity and upper_few:
        lines.append("宣传工作的影响力有待提升，在省、市级媒体上稿数量不多。" + publicity)
    if data.norm_gaps:
        shown = "；".join(gap.rstrip("。") for gap in data.norm_gaps[:MAX_GAPS_NAMED])
        more = len(data.norm_gaps) - MAX_GAPS_NAMED
        rest = f"等{len(data.norm_gaps)}项未达到规定频次" if more > 0 else ""
        lines.append(f"组织生活制度落实还不够到位。{shown}{rest}。")
    if not lines:
        return todo("当前工作存在的不足（本年度没有未完成的整改事项）")
    return "\n".join(f"{number}.{line}" for number, line in enumerate(lines, start=1))


def _next_steps(data: SummaryData) -> str:
    lines = []
    for item in data.next_plan_items:
        lines.append(_sentence(item.topic) + _sentence(item.measures))
    if data.open_items:
        measures = []
        for item in data.open_items:
            owner = item.owner.real_name if item.owner_id else todo("责任人")
            deadline = f"{date_cn(item.deadline)}前" if item.deadline else todo("整改时限")
            what = item.measures.strip().rstrip("。") or todo("整改措施")
            measures.append(
                f"针对“{_first_sentence(item.problem)}”问题，{what}（责任人：{owner}，{deadline}完成）"
            )
        lines.append("抓好问题整改落实。" + "；".join(measures) + "。")
    if not lines:
        return todo(f"{data.year + 1}年度工作举措")
    return "\n".join(f"{number}.{line}" for number, line in enumerate(lines, start=1))


BUILDERS = {
    "opening": _opening,
    "leading": _leading,
    "experiential": _experiential,
    "practice": _practice,
    "shortcomings": _shortcomings,
    "next_steps": _next_steps,
}


def build_summary(*, agency: Organization, year: int) -> list[Section]:
    data = summary_data(agency=agency, year=year)
    return [Section(key=key, heading=HEADINGS[key], text=BUILDERS[key](data)) for key in SECTION_KEYS]


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
