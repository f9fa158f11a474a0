"""The eight writing rules of the summary (reports/summary.py), each checked over every agency-year of
the corpus (tests/reports/corpus.py, built through add_org and import_ledger) and the seed's demo."""

import re

import pytest
from django.core.management import call_command
from django.db import transaction

from activities.models import Kind
from reports.selectors.summary import summary_data
from reports.summary import build_summary, shortcomings
from studyportal.accounts.models import Organization

from .corpus import SHAPES

pytestmark = pytest.mark.django_db

ACHIEVEMENTS = ("opening", "leading", "experiential", "practice")
# Facts the records could hold and do not: the only placeholders 一、 may carry.
FACTS = ("走访户数", "服务企业数", "主讲人", "年度理论学习计划名称", "中心组学习的书目", "现场教学地点")


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker, tmp_path_factory):
    """name → (sections, shortcomings), generated once; the data is rolled back afterwards."""
    generated = {}
    with django_db_blocker.unblock(), transaction.atomic():
        years = {"demo": ("gongxinju", 2022)}
        call_command("seed_demo", verbosity=0)
        for name, build in SHAPES.items():
            years[name] = build(tmp_path_factory.mktemp(name))
        for name, (code, year) in years.items():
            agency = Organization.objects.get(code=code)
            sections = {section.key: section.text for section in build_summary(agency=agency, year=year)}
            generated[name] = (sections, shortcomings(summary_data(agency=agency, year=year)))
        transaction.set_rollback(True)
    return generated


@pytest.fixture(params=["demo", *SHAPES])
def year(request, corpus):
    return request.param, *corpus[request.param]


def achievements(sections) -> str:
    return "\n".join(sections[key] for key in ACHIEVEMENTS)


def test_rule_1_what_did_not_happen_is_left_out(year):
    name, sections, _found = year
    text = achievements(sections)
    assert not re.search(r"(?<![\d.])0(次|人次|户次|家次|篇)", text)
    # A placeholder only for a fact the records could hold: a count, a speaker, a secretary.
    for placeholder in re.findall(r"【待补充：([^】]*)】", text):
        assert placeholder in FACTS or "未明确党支部书记" in placeholder, placeholder


def test_rule_1_an_empty_group_is_left_out_and_a_count_not_recorded_is_asked_for(corpus):
    sections = corpus["two_branches"][0]
    assert sections["experiential"].startswith("全年开展主题党日")
    assert "现场教学" not in sections["experiential"] and "观影" not in sections["experiential"]
    assert sections["practice"] == ""
    assert "共走访【待补充：走访户数】" in corpus["one_branch"][0]["practice"]


def test_rule_2_a_series_is_named_once_with_its_count(year):
    name, sections, _found = year
    assert not re.search(r"第\d+站", achievements(sections))
    if name == "one_branch":
        assert "“送法进社区”系列活动8次" in sections["practice"]
    if name == "two_branches":
        assert "党组领导班子带头讲授专题党课四次（白局长讲授“专题党课”四次）" in sections["leading"]


def test_rule_3_no_word_is_doubled_around_a_quoted_title(year):
    _name, sections, _found = year
    for text in sections.values():
        for title, after in re.findall(r"“([^“”]+)”([^，。；、（“]{0,10})", text):
            assert not (len(title) >= 2 and title[-2:] in after), (title, after)
    if _name == "one_branch":
        assert "开展“主题观影活动”主题学习观影活动" not in sections["experiential"]
        assert "组织观看《长津湖》" in sections["experiential"]


def test_rule_4_missed_meetings_are_summed_up_naming_at_most_three_periods(year):
    name, sections, _found = year
    for clause in re.split(r"[；。\n]", sections["shortcomings"]):
        assert len(re.findall(r"\d+月|第[一二三四]季度", clause)) <= 3, clause
    if name == "two_branches":
        assert "县审计局机关第二党支部3月、9月未召开支部委员会会议" in sections["shortcomings"]


def test_rule_4_the_two_branch_agency_has_its_real_gaps_and_no_others(corpus):
    sections, found = corpus["two_branches"]
    (norms,) = [s for s in found if isinstance(s.source, list)]
    assert [gap.message for gap in norms.source] == ["县审计局机关第二党支部3月、9月未召开支部委员会会议"]
    assert "党小组会" not in sections["shortcomings"]  # the second branch has no party groups


def test_rule_5_every_shortcoming_has_a_next_step(year):
    _name, sections, found = year
    assert len(found) == len(re.findall(r"^\d+\.", sections["shortcomings"], re.M))
    for shortcoming in found:
        assert shortcoming.step.rstrip("。") in sections["next_steps"]


def test_rule_5_a_step_names_the_branch_or_figure_it_answers(corpus):
    steps = corpus["two_branches"][0]["next_steps"]
    assert "督促县审计局机关第二党支部按规定频次落实支部委员会会议" in steps
    # The low points are told with the open theory item, whose measures answer them.
    assert "积分低于8000分的党员有1人" in corpus["two_branches"][0]["shortcomings"]
    assert (
        "针对“理论学习的系统性不够”问题，制定年度学习计划并按月督促（责任人：白局长，2024年6月30日前完成）"
        in steps
    )
    # An open item without measures gets one written from its kind, naming the figure it answers.
    assert "针对“审计成果宣传不够”问题，围绕中心工作主动策划选题" in steps
    assert "超过2023年的1篇" in steps
    assert "【待补充" not in steps


def test_rule_6_a_turnout_rate_only_where_the_records_carry_leave_or_absence(corpus):
    assert "出勤率" not in "".join(corpus["two_branches"][0].values())
    assert "人次" in corpus["two_branches"][0]["leading"]
    assert "出勤率" in corpus["one_branch"][0]["leading"]
    assert "出勤率" in corpus["demo"][0]["leading"]


def test_rule_7_no_code_english_none_or_empty_value(year):
    name, sections, _found = year
    text = "\n".join(sections.values())
    assert "None" not in text and "null" not in text
    assert not any(kind.value in text for kind in Kind)
    assert not re.search(r"（）|“”|《》|：）|，，|、、|。。|，。", text)
    if name != "demo":  # the seed's own words include an "LED屏幕"
        assert not re.search(r"[A-Za-z]", text)


def test_rule_8_book_titles_keep_their_volume_and_balanced_marks(year):
    name, sections, _found = year
    text = "\n".join(sections.values())
    assert text.count("《") == text.count("》")
    assert "《《" not in text and "》》" not in text
    assert not re.search(r"《[^《》]*（第[^》]*卷）》", text)
    # Every year of the corpus studies it, each spelling it its own way: one material, named once.
    assert "《习近平谈治国理政》第四卷" in sections["leading"]
    assert sections["leading"].count("《习近平谈治国理政》第四卷") == 1
