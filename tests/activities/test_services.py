import datetime

import pytest
from django.core.exceptions import PermissionDenied

from activities.materials import parse_material_titles
from activities.models import Activity, ActivityMonthStat, Attendance, Kind, StudyMaterial
from activities.services import activity as services
from activities.stats import stats_verify
from tests.factories import ActivityFactory, UserFactory

DAY = datetime.date(2022, 6, 1)


def create(by, organization, **fields):
    fields.setdefault("kind", Kind.WEEKLY_STUDY)
    fields.setdefault("date", DAY)
    fields.setdefault("title", "学习党的二十大精神")
    return services.activity_create(by=by, organization=organization, **fields)


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        ("《百年大党面对面》", ["百年大党面对面"]),
        ("《百年大党面对面》、《习近平谈治国理政》第四卷", ["百年大党面对面", "习近平谈治国理政（第四卷）"]),
        ("党的二十大学习用书\n 《百年大党面对面》 \n\n", ["党的二十大学习用书", "百年大党面对面"]),
        ("《甲、乙》", ["甲、乙"]),
        ("A、A", ["A"]),
        ("", []),
    ],
)
def test_material_titles_are_read_one_per_line_or_separated_by_dun_hao(text, titles):
    assert parse_material_titles(text)[0] == titles


def test_a_title_is_one_material_shared_by_every_session_that_studied_it(staff, agency):
    first = create(staff, agency, materials=["百年大党面对面"])
    second = create(staff, agency, materials=["百年大党面对面", "新书"])
    assert StudyMaterial.objects.count() == 2
    assert set(first.materials.all()) < set(second.materials.all())


def test_staff_records_a_draft_with_attendance(staff, agency, leader):
    activity = create(staff, agency, attendance={staff: "present", leader: "leave"}, hours=2)
    assert activity.status == Activity.Status.DRAFT
    assert activity.recorded_by == staff
    assert dict(activity.attendances.values_list("person__real_name", "status")) == {
        "张三": "present",
        "赵局长": "leave",
    }


def test_a_lecture_by_a_leader_counts_as_given_by_a_leader_unless_said_otherwise(staff, agency, leader):
    by_leader = create(staff, agency, kind=Kind.PARTY_LECTURE, speaker=leader)
    not_counted = create(staff, agency, kind=Kind.PARTY_LECTURE, speaker=leader, given_by_leader=False)
    by_staff = create(staff, agency, kind=Kind.PARTY_LECTURE, speaker=staff)
    assert (by_leader.given_by_leader, not_counted.given_by_leader, by_staff.given_by_leader) == (
        True,
        False,
        False,
    )


def test_an_attendee_from_another_agency_is_refused(staff, agency, outsider):
    with pytest.raises(services.ActivityError, match="外单位书记"):
        create(staff, agency, attendance={outsider: "present"})
    assert not Activity.objects.exists()


def test_nobody_records_for_another_agency(staff, other_agency):
    with pytest.raises(PermissionDenied):
        create(staff, other_agency)


def test_end_time_before_start_time_is_refused(staff, agency):
    with pytest.raises(services.ActivityError):
        create(staff, agency, start_time=datetime.time(10), end_time=datetime.time(9))


def test_approving_counts_the_record_in_the_month_statistics(staff, secretary, agency):
    activity = create(staff, agency, attendance={staff: "present", secretary: "present"}, hours=2)
    services.activity_submit(activity=activity, by=staff)
    assert not ActivityMonthStat.objects.filter(activities__gt=0).exists()
    services.activity_approve(activity=activity, by=secretary)
    stat = ActivityMonthStat.objects.get(organization=agency, year=2022, month=6, kind=Kind.WEEKLY_STUDY)
    assert (stat.activities, stat.present) == (1, 2)
    assert stats_verify() == []


def test_a_secretary_changing_an_approved_record_keeps_statistics_and_history(
    staff, secretary, agency, leader
):
    activity = create(staff, agency, attendance={staff: "present"}, hours=2)
    services.activity_submit(activity=activity, by=staff)
    services.activity_approve(activity=activity, by=secretary)
    services.activity_update(
        activity=activity,
        by=secretary,
        attendance={staff: "present", leader: "present"},
        date=datetime.date(2022, 7, 3),
        title="改过的主题",
        materials=["新教材"],
    )
    assert stats_verify() == []
    july = ActivityMonthStat.objects.get(organization=agency, year=2022, month=7)
    assert (july.activities, july.present) == (1, 2)
    assert ActivityMonthStat.objects.get(organization=agency, year=2022, month=6).activities == 0
    latest = activity.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == secretary
    assert latest.title == "改过的主题"
    assert "赵局长" in latest.history_change_reason


def test_staff_cannot_change_an_approved_record(staff, secretary, agency):
    activity = create(staff, agency)
    services.activity_submit(activity=activity, by=staff)
    services.activity_approve(activity=activity, by=secretary)
    with pytest.raises(PermissionDenied):
        services.activity_update(activity=activity, by=staff, title="偷偷改")
    activity.refresh_from_db()
    assert activity.title == "学习党的二十大精神"


def test_a_soft_deleted_approved_record_leaves_the_statistics(staff, secretary, agency):
    activity = ActivityFactory(organization=agency, recorded_by=staff, status=Activity.Status.SUBMITTED)
    services.activity_approve(activity=activity, by=secretary)
    services.activity_delete(activity=activity, by=secretary)
    activity.refresh_from_db()
    assert activity.deleted_at is not None
    assert stats_verify() == []
    assert ActivityMonthStat.objects.get(organization=agency).activities == 0


def test_signing_in_marks_the_person_present_once(staff, agency):
    # A draft: sign-in closes once a record is submitted or approved (issue 13, finding 7).
    activity = ActivityFactory(organization=agency, recorded_by=staff, status=Activity.Status.DRAFT)
    first = services.activity_sign_in(activity=activity, person=staff)
    again = services.activity_sign_in(activity=activity, person=staff)
    assert first.pk == again.pk and again.signed_in_at == first.signed_in_at
    assert Attendance.objects.get(activity=activity, person=staff).status == "present"
    assert stats_verify() == []


def test_a_person_of_another_agency_cannot_sign_in(staff, agency, outsider):
    activity = ActivityFactory(organization=agency, recorded_by=staff)
    with pytest.raises(services.ActivityError):
        services.activity_sign_in(activity=activity, person=outsider)


def test_a_branch_record_takes_people_of_the_branchs_agency(staff, branch):
    colleague = UserFactory(agency=branch.parent, branch=branch)
    activity = create(staff, branch, attendance={colleague: "present"})
    assert activity.organization == branch
