"""The summary's text is built from the agency's approved records of the year, and only from them."""

import datetime

import pytest

from activities.models import (
    Activity,
    Kind,
    Publicity,
    RectificationItem,
    StudyMaterial,
    StudyPlan,
    StudyPoints,
)
from activities.services import activity as services
from reports.summary import build_summary, cn
from tests.factories import ActivityFactory, AttendanceFactory, RectificationItemFactory, UserFactory


def texts(agency, year=2022):
    return {section.key: section.text for section in build_summary(agency=agency, year=year)}


def central_group(org, recorder, status=Activity.Status.APPROVED, **fields):
    return ActivityFactory(
        organization=org, kind=Kind.CENTRAL_GROUP_STUDY, status=status, recorded_by=recorder, **fields
    )


@pytest.mark.parametrize(
    "status", [Activity.Status.DRAFT, Activity.Status.SUBMITTED, Activity.Status.RETURNED]
)
def test_a_record_not_yet_approved_changes_nothing(agency, branch, secretary, status):
    central_group(branch, secretary)
    before = texts(agency)
    central_group(branch, secretary, status=status, title="未审核的学习")
    assert texts(agency) == before
    assert "共计1次" in before["leading"]


def test_a_deleted_record_does_not_count(agency, branch, secretary):
    central_group(branch, secretary)
    central_group(branch, secretary, deleted_at=datetime.datetime(2022, 5, 1, tzinfo=datetime.timezone.utc))
    assert "共计1次" in texts(agency)["leading"]


def test_records_of_another_year_do_not_count(agency, branch, secretary):
    central_group(branch, secretary, date=datetime.date(2022, 12, 31))
    central_group(branch, secretary, date=datetime.date(2023, 1, 1))
    assert "共计1次" in texts(agency, 2022)["leading"]
    assert "共计1次" in texts(agency, 2023)["leading"]


def test_another_agencys_records_never_appear(
    agency, branch, other_agency, other_branch, secretary, outsider
):
    central_group(branch, secretary)
    theirs = central_group(other_branch, outsider)
    theirs.materials.add(StudyMaterial.objects.create(title="外单位的书"))
    ActivityFactory(
        organization=other_branch,
        kind=Kind.FIELD_VISIT,
        location="外单位的基地",
        title="外单位的现场教学",
        recorded_by=outsider,
    )
    RectificationItemFactory(agency=other_agency, problem="外单位的问题。", status="in_progress")
    Publicity.objects.create(
        agency=other_agency, date=datetime.date(2022, 3, 1), title="x", outlet="y", level="provincial"
    )
    StudyPoints.objects.create(person=outsider, year=2022, points=1)
    text = "".join(texts(agency).values())
    assert "共计1次" in text
    for foreign in ["外单位的书", "外单位的基地", "外单位的问题", "省级媒体上稿"]:
        assert foreign not in text


def test_an_empty_year_leaves_out_what_did_not_happen_and_asks_for_the_records(agency, branch, monkeypatch):
    monkeypatch.setattr("reports.selectors.summary._norm_gaps", lambda **kwargs: [])
    sections = texts(agency)
    assert "【待补充：本年度经审核通过的学习活动记录】" in sections["opening"]
    # No activity took place: no "0次", no placeholder standing for one.
    assert sections["leading"] == sections["experiential"] == sections["practice"] == ""
    assert "【待补充：2023年度工作举措】" in sections["next_steps"]


def test_a_household_visit_without_a_count_asks_for_it(agency, branch, secretary):
    ActivityFactory(
        organization=branch, kind=Kind.HOUSEHOLD_VISIT, title="入户走访脱贫户", recorded_by=secretary
    )
    assert "共走访【待补充：走访户数】" in texts(agency)["practice"]


def test_the_same_data_gives_the_same_text(agency, branch, secretary, leader):
    central_group(branch, secretary).materials.add(StudyMaterial.objects.create(title="百年大党面对面"))
    ActivityFactory(
        organization=branch,
        kind=Kind.PARTY_LECTURE,
        speaker=leader,
        given_by_leader=True,
        recorded_by=secretary,
    )
    RectificationItemFactory(agency=agency, status="in_progress", owner=secretary)
    assert build_summary(agency=agency, year=2022) == build_summary(agency=agency, year=2022)


def test_lectures_by_leaders_are_counted_in_chinese_numerals_with_speakers(agency, branch, secretary, leader):
    for title in ["甲", "乙", "丙"]:
        ActivityFactory(
            organization=branch,
            kind=Kind.PARTY_LECTURE,
            title=title,
            speaker=leader,
            given_by_leader=True,
            recorded_by=secretary,
        )
    ActivityFactory(organization=branch, kind=Kind.PARTY_LECTURE, speaker=secretary, recorded_by=secretary)
    text = texts(agency)["leading"]
    assert "党组领导班子带头讲授专题党课三次（赵局长讲授“甲”，赵局长讲授“乙”，赵局长讲授“丙”）" in text
    assert "党支部讲授党课一次（主讲人：王五）" in text


@pytest.mark.parametrize(
    "number,expected", [(1, "一"), (3, "三"), (10, "十"), (14, "十四"), (20, "二十"), (35, "三十五")]
)
def test_small_counts_read_as_chinese_numerals(number, expected):
    assert cn(number) == expected


def test_volumes_are_written_after_the_title_as_the_seed_does(agency, branch, secretary):
    session = central_group(branch, secretary)
    session.materials.add(
        StudyMaterial.objects.create(title="习近平谈治国理政（第四卷）"),
        StudyMaterial.objects.create(title="党的二十大报告辅导读本"),
    )
    # Titles of one session come in title order; a volume is followed by 、 before the next title.
    assert "学习《习近平谈治国理政》第四卷、《党的二十大报告辅导读本》等读本" in texts(agency)["leading"]


def test_attendance_gives_person_times_and_rate(agency, branch, secretary, staff, leader):
    session = central_group(branch, secretary)
    AttendanceFactory(activity=session, person=secretary)
    AttendanceFactory(activity=session, person=staff)
    AttendanceFactory(activity=session, person=leader, status="leave")
    AttendanceFactory(activity=session, person=UserFactory(agency=agency), status="absent")
    assert "领学类活动参加2人次，出勤率50%" in texts(agency)["leading"]


def test_low_study_points_are_counted_against_the_agencys_threshold(
    agency, staff, secretary, recorder, leader
):
    agency.low_points_threshold = 8000
    agency.save()
    StudyPoints.objects.create(person=staff, year=2022, points=7999)
    StudyPoints.objects.create(person=secretary, year=2022, points=8000)
    # Monthly figures add up when there is no yearly one.
    for month in (1, 2):
        StudyPoints.objects.create(person=recorder, year=2022, month=month, points=3000)
    # Every platform adds to the year's total, as on the points page: 7950 + 100 is not low.
    StudyPoints.objects.create(person=leader, year=2022, points=7950)
    StudyPoints.objects.create(person=leader, year=2022, points=100, platform="福建干部网络学院")
    RectificationItemFactory(agency=agency, problem="理论学习不够深入。", status="in_progress")
    assert "2022年度积分低于8000分的党员有2人" in texts(agency)["shortcomings"]


def test_low_points_of_members_outside_the_party_are_not_called_party_members(agency, staff):
    agency.low_points_threshold = 8000
    agency.save()
    outside = UserFactory(agency=agency, is_party_member=False)
    StudyPoints.objects.create(person=staff, year=2022, points=10)
    StudyPoints.objects.create(person=outside, year=2022, points=10)
    assert "2022年度积分低于8000分的干部职工有2人" in texts(agency)["shortcomings"]


def test_placements_are_counted_by_level_and_few_upper_ones_are_named(agency):
    for level in ["county", "county", "own", "municipal"]:
        Publicity.objects.create(
            agency=agency, date=datetime.date(2022, 5, 1), title="t", outlet="o", level=level
        )
    text = texts(agency)["shortcomings"]
    assert "在省、市级媒体上稿数量不多" in text
    assert "省级媒体上稿0篇、市级媒体上稿1篇，县级媒体上稿2篇，本单位新媒体发布1篇" in text


def test_shortcomings_and_next_steps_come_from_open_items_only(agency, secretary, monkeypatch):
    # Without this an empty year also misses every norm, which is tested on its own below.
    monkeypatch.setattr("reports.selectors.summary._norm_gaps", lambda **kwargs: [])
    RectificationItemFactory(
        agency=agency,
        problem="理论学习不够深入。学习缺少系统性。",
        measures="制定学习计划",
        status=RectificationItem.Status.IN_PROGRESS,
        owner=secretary,
        deadline=datetime.date(2023, 6, 30),
    )
    RectificationItemFactory(
        agency=agency, problem="已经解决的问题。", status=RectificationItem.Status.CLOSED
    )
    RectificationItemFactory(agency=agency, problem="去年的问题。", year=2021, status="in_progress")
    sections = texts(agency)
    assert sections["shortcomings"] == "1.理论学习不够深入。学习缺少系统性。"
    assert (
        "针对“理论学习不够深入”问题，制定学习计划（责任人：王五，2023年6月30日前完成）"
        in sections["next_steps"]
    )


def test_next_years_plan_items_with_measures_become_numbered_next_steps(agency, monkeypatch):
    monkeypatch.setattr("reports.selectors.summary._norm_gaps", lambda **kwargs: [])
    plan = StudyPlan.objects.create(agency=agency, year=2023, title="2023年计划")
    plan.items.create(
        topic="强化理论武装，加强思想建设", measures="把学习贯彻党的二十大精神作为首要政治任务。"
    )
    plan.items.create(month=1, kind=Kind.CENTRAL_GROUP_STUDY, topic="只有主题的计划")
    assert (
        texts(agency)["next_steps"]
        == "1.强化理论武装，加强思想建设。把学习贯彻党的二十大精神作为首要政治任务。"
    )


def test_missed_norms_are_named_among_the_shortcomings(agency, branch, secretary):
    text = texts(agency)["shortcomings"]
    assert "组织生活制度落实还不够到位。" in text
    # Summed up per branch and kind, at most three periods named.
    assert "测试局机关党支部1月、2月、3月等12个月未召开支部委员会会议" in text
    assert "4月" not in text


@pytest.mark.parametrize("size", [5, 50])
def test_the_summary_reads_a_fixed_number_of_queries_whatever_the_size_of_the_year(
    size, agency, branch, secretary, leader, django_assert_num_queries, monkeypatch
):
    # The norms have their own budget (activities.selectors.norms); this one is the summary's.
    monkeypatch.setattr("reports.selectors.summary._norm_gaps", lambda **kwargs: [])
    kinds = [
        Kind.CENTRAL_GROUP_STUDY,
        Kind.PARTY_LECTURE,
        Kind.FIELD_VISIT,
        Kind.FILM_VIEWING,
        Kind.ENTERPRISE_SERVICE,
    ]
    book = StudyMaterial.objects.create(title="百年大党面对面")
    for number in range(size):
        activity = ActivityFactory(
            organization=branch,
            kind=kinds[number % len(kinds)],
            speaker=leader,
            given_by_leader=True,
            location="基地",
            enterprises_reached=2,
            recorded_by=secretary,
        )
        activity.materials.add(book)
        AttendanceFactory(activity=activity, person=secretary)
    for _number in range(size // 5):
        RectificationItemFactory(agency=agency, owner=secretary, status="in_progress")
    StudyPlan.objects.create(agency=agency, year=2023).items.create(topic="t", measures="m")
    agency.low_points_threshold = 8000  # without one, the study points are not read at all
    agency.save()
    # kinds with their attendance (one read of the monthly counts), named rows, material links, plan
    # title, next year's items, open items, study points, placements, the year before's total (year on
    # year)
    with django_assert_num_queries(9):
        build_summary(agency=agency, year=2022)


def test_the_counts_follow_the_services_without_a_rebuild(agency, branch, secretary, staff):
    """The summary reads the monthly summary rows: approving and deleting through the services
    changes its figures with no rebuild in between."""

    def leading():
        return {s.key: s.text for s in build_summary(agency=agency, year=2022)}["leading"]

    session = ActivityFactory(
        organization=branch,
        kind=Kind.CENTRAL_GROUP_STUDY,
        status=Activity.Status.SUBMITTED,
        recorded_by=secretary,
        date=datetime.date(2022, 3, 1),
    )
    AttendanceFactory(activity=session, person=staff)
    AttendanceFactory(activity=session, person=secretary, status="absent")
    services.activity_approve(activity=session, by=secretary)
    assert "共计1次" in leading() and "领学类活动参加1人次，出勤率50%" in leading()
    services.activity_delete(activity=session, by=secretary)
    assert "共计1次" not in leading()


def test_the_opening_compares_the_year_with_the_one_before_only_where_that_year_has_records(
    agency, branch, secretary
):
    for day in (3, 4, 5):
        central_group(branch, secretary, date=datetime.date(2022, 3, day))
    assert "较上年" not in texts(agency)["opening"]  # 2021 has no records: nothing is said
    central_group(branch, secretary, date=datetime.date(2021, 6, 1))
    assert "全年开展学习活动3次，较上年增加2次，" in texts(agency)["opening"]
    for day in (2, 3, 4):
        central_group(branch, secretary, date=datetime.date(2021, 6, day))
    assert "全年开展学习活动3次，较上年减少1次，" in texts(agency)["opening"]
