"""The model summary's facts (docs/design.md §6, parts 一 to 三) come back out of the demo data.

Each assertion is one fact of that summary, looked for in the generated summary of 县工业和信息化局 for 2022.
"""

import pytest
from django.core.management import call_command
from django.db import transaction

from reports.services import summary_document
from reports.summary import build_summary
from studyportal.accounts.models import Organization

# Marks the module as using the database, so that pytest-django sets up the test database before the
# module-scoped fixture below writes to it.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """The summary and document of the demo data, generated once; the data is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        bureau = Organization.objects.get(code="gongxinju")
        sections = {section.key: section.text for section in build_summary(agency=bureau, year=2022)}
        document = summary_document(agency=bureau, year=2022)
        transaction.set_rollback(True)
    return sections, document


@pytest.fixture
def sections(generated):
    return generated[0]


def test_the_leading_study_states_the_seeds_figures_books_plan_and_lectures(sections):
    text = sections["leading"]
    assert "年度党组理论学习中心组召开集中学习、交流研讨共计14次" in text
    assert "《中共县工业和信息化局党组中心组关于2022年理论学习计划》" in text
    for title in [
        "《百年初心成大道-党史学习教育案例选编》",
        "《百年大党面对面》",
        "《闽山闽水物华新--习近平福建足迹》",
        "《习近平谈治国理政》第四卷",
        "《党的二十大报告辅导读本》",
    ]:
        assert title in text
    assert "党组领导班子带头讲授专题党课三次" in text
    assert "深入学习贯彻党的二十大精神" in text
    assert "每周理论学习48次" in text
    assert "“三会一课”" in text


def test_the_experiential_study_names_both_visits_their_themes_the_oath_and_the_films(sections):
    text = sections["experiential"]
    assert "县新时代文明实践中心开展“实践志愿服务，弘扬时代新风”主题学习活动" in text
    assert "县革命历史纪念馆开展“学先烈锐意进取，守初心砥砺前行”主题学习活动，重温入党誓词" in text
    assert "“祖国就在身后，万里仍是归途”主题学习观影活动" in text
    for film in ["《中国共产党人精神谱系》", "《二十大代表风采》", "《闽山闽水物华新读书特别节目》"]:
        assert film in text


def test_the_practice_states_volunteering_household_visits_and_enterprise_service(sections):
    text = sections["practice"]
    assert "志愿服务活动4次" in text
    assert "省级文明县城创建志愿服务" in text
    assert "入户走访4次" in text
    assert "脱贫户" in text
    assert "共走访28户次" in text
    assert "深入服务企业5次" in text
    assert "其中召开企业家座谈会2次" in text
    assert "共服务企业54家次" in text


def test_the_shortcomings_are_the_open_items_with_low_points_and_few_upper_level_placements(sections):
    text = sections["shortcomings"]
    assert text.startswith("1.理论学习不够深入。")
    assert "\n2.提高引导舆论的本领需要进一步增强。" in text
    assert "学习积分个别偏低，2022年度积分低于8000分的党员有3人" in text
    assert "在省、市级媒体上稿数量不多" in text
    assert "省级媒体上稿0篇、市级媒体上稿2篇" in text
    # The closed (已销号) item is not a shortcoming any more.
    assert "会议记录" not in text


def test_the_next_steps_come_from_the_2023_plan_and_the_open_items_measures(sections):
    text = sections["next_steps"]
    assert text.startswith("1.强化理论武装，加强思想建设。")
    assert "\n2.坚持守正创新，加强队伍建设。" in text
    assert "\n3.加强文明建设，提升队伍形象。" in text
    assert "针对“理论学习不够深入”问题" in text
    assert "（责任人：吴秀英，2023年6月30日前完成）" in text
    assert "针对“提高引导舆论的本领需要进一步增强”问题" in text
    assert "【待补充" not in "".join(sections.values())


def test_the_document_has_the_seeds_title_and_heading_levels(generated):
    document = generated[1]
    assert document.title == "县工业和信息化局2022年度建设学习型机关工作总结"
    headings = [p.text for p in document.paragraphs if p.style == "heading1"]
    assert headings == [
        "一、抓好“大学习”，突出理论武装，打造学习型模范机关",
        "二、当前工作存在不足",
        "三、下一步工作举措",
    ]
    bodies = [p.text for p in document.paragraphs if p.style == "body"]
    assert any(text.startswith("一是领导“领学”，打造有高度的“头雁课堂”。") for text in bodies)
    numbered = [p.text for p in document.paragraphs if p.style == "heading3"]
    assert numbered[0].startswith("1.理论学习不够深入。")
