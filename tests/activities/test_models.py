"""Ledger completeness: what a record lacks, read from the list's own annotations."""

from collections import Counter

import pytest

from activities.models import KINDS, Attachment, Kind
from activities.selectors.activity import activity_list, get_activity_for_user
from tests.factories import ActivityFactory, AttendanceFactory


def _missing(user, activity):
    return [str(item) for item in get_activity_for_user(user, activity.pk).missing]


CASES = [
    (Kind.WEEKLY_STUDY, {}, [], ["缺少参加人员记录", "缺少会议记录", "缺少签到表"]),
    (Kind.WEEKLY_STUDY, {"notes": "记录"}, ["attendance", "sign_in"], []),
    (Kind.PARTY_LECTURE, {"notes": "记录"}, ["attendance", "sign_in"], ["缺少主讲人"]),
    (Kind.PARTY_LECTURE, {"notes": "记录", "speaker_name": "党校教授"}, ["attendance", "sign_in"], []),
    (Kind.FIELD_VISIT, {"notes": "记录", "location": "纪念馆"}, ["attendance"], ["缺少现场照片"]),
    (Kind.FIELD_VISIT, {"location": "纪念馆"}, ["attendance", "photo", "minutes"], []),
    (Kind.FILM_VIEWING, {"notes": "记录"}, ["attendance"], ["缺少影片或视频名称"]),
    (Kind.FILM_VIEWING, {"notes": "记录"}, ["attendance", "material"], []),
    (Kind.HOUSEHOLD_VISIT, {"notes": "记录"}, ["attendance"], ["缺少走访户数"]),
    (Kind.ENTERPRISE_SERVICE, {"notes": "记录", "enterprises_reached": 5}, ["attendance"], []),
    (Kind.VOLUNTEER_SERVICE, {"notes": "记录", "outside_headcount": 30}, [], []),
    (Kind.BRANCH_ASSEMBLY, {"notes": "记录"}, ["signed_in"], []),
]


@pytest.mark.parametrize(("kind", "fields", "extras", "missing"), CASES)
def test_completeness_names_what_a_record_lacks(staff, agency, kind, fields, extras, missing):
    activity = ActivityFactory(organization=agency, recorded_by=staff, kind=kind, **fields)
    for extra in extras:
        if extra == "attendance":
            AttendanceFactory(activity=activity, person=staff)
        elif extra == "signed_in":
            from django.utils import timezone

            AttendanceFactory(activity=activity, person=staff, signed_in_at=timezone.now())
        elif extra == "material":
            activity.materials.create(title="中国共产党人精神谱系")
        else:
            Attachment.objects.create(
                activity=activity,
                kind=extra,
                file="x",
                original_name="x",
                content_type="image/png",
                size=1,
                uploaded_by=staff,
            )
    assert _missing(staff, activity) == missing


def test_completeness_on_the_list_needs_no_extra_query(staff, agency, django_assert_num_queries):
    for _ in range(5):
        ActivityFactory(organization=agency, recorded_by=staff)
    from activities.selectors.activity import with_missing

    # role assignments of the user, then the rows with their completeness flags
    with django_assert_num_queries(2):
        rows = with_missing(activity_list(staff))
    assert len(rows) == 5 and all(row.missing for row in rows)


def test_every_kind_has_one_row_in_the_registry_and_no_name_points_at_two_kinds():
    assert sorted(spec.kind for spec in KINDS) == sorted(Kind)
    names = Counter(name for spec in KINDS for name in (spec.zh, *spec.aliases))
    assert [name for name, n in names.items() if n > 1] == []
