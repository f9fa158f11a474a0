"""Recording through the pages: the kind picker, the form of every kind, the list, detail and edit."""

import datetime
import re

import pytest
from django.urls import reverse

from activities import kinds
from activities.models import (
    Activity,
    Attachment,
    Attendance,
    Kind,
)
from activities.services import activity as services
from tests.factories import ActivityFactory, AttendanceFactory, UserFactory

from .uploads import PNG_BYTES, upload


def form_data(kind, organization, **extra):
    data = {
        "organization": organization.pk,
        "date": "2022-06-01",
        "start_time": "09:00",
        "end_time": "11:00",
        "title": "学习贯彻党的二十大精神",
        "location": "局三楼会议室",
        "speaker": "",
        "speaker_name": "",
        "hours": "2",
        "outside_headcount": "0",
        "notes": "会议记录",
        "materials_text": "《百年大党面对面》",
        "file_kind": "photo",
    }
    if kinds.spec(kind).lecture:
        data["speaker_name"] = "县委党校教授"
    if "households_reached" in kinds.spec(kind).fields:
        data["households_reached"] = "12"
    data.update(extra)
    return data


def new_url(kind, organization):
    return f"{reverse('activities:new')}?kind={kind}&org={organization.pk}"


def test_the_new_page_first_asks_for_the_kind_grouped_by_classroom(client_for, staff):
    html = client_for(staff).get(reverse("activities:new")).content.decode()
    for label in ("领学", "助学", "检学", "中心组集中学习", "现场教学", "入户走访"):
        assert label in html
    assert html.count('name="kind"') == 14


@pytest.mark.parametrize("kind", Kind.values)
def test_staff_records_every_kind_through_the_form(client_for, staff, agency, leader, kind):
    client = client_for(staff)
    page = client.get(new_url(kind, agency))
    assert page.status_code == 200
    assert kinds.spec(kind).zh in page.content.decode()
    response = client.post(
        new_url(kind, agency),
        form_data(kind, agency, **{f"att_{leader.pk}": "present", f"att_{staff.pk}": "leave"}),
    )
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "activities:detail", args=[activity.pk]
    )
    assert (activity.kind, activity.status, activity.recorded_by) == (kind, "draft", staff)
    assert dict(activity.attendances.values_list("person", "status")) == {
        leader.pk: "present",
        staff.pk: "leave",
    }
    assert [m.title for m in activity.materials.all()] == ["百年大党面对面"]


def test_the_form_shows_only_the_fields_of_the_kind(client_for, staff, agency):
    client = client_for(staff)
    visit = client.get(new_url(Kind.FIELD_VISIT, agency)).content.decode()
    weekly = client.get(new_url(Kind.WEEKLY_STUDY, agency)).content.decode()
    lecture = client.get(new_url(Kind.PARTY_LECTURE, agency)).content.decode()
    household = client.get(new_url(Kind.HOUSEHOLD_VISIT, agency)).content.decode()
    assert 'name="oath_renewed"' in visit and 'name="oath_renewed"' not in weekly
    assert 'name="given_by_leader"' in lecture and 'name="given_by_leader"' not in weekly
    assert 'name="households_reached"' in household and 'name="households_reached"' not in lecture
    assert "参观地点" in visit


def test_a_field_visit_with_attendees_and_a_photo(client_for, staff, agency, leader):
    data = form_data(
        Kind.FIELD_VISIT,
        agency,
        location="县革命历史纪念馆",
        oath_renewed="on",
        files=upload("现场.png", PNG_BYTES),
        **{f"att_{leader.pk}": "present", f"att_{staff.pk}": "present"},
    )
    client_for(staff).post(new_url(Kind.FIELD_VISIT, agency), data)
    activity = Activity.objects.get()
    assert activity.location == "县革命历史纪念馆" and activity.oath_renewed
    photo = Attachment.objects.get(activity=activity)
    assert (photo.kind, photo.original_name, photo.content_type) == ("photo", "现场.png", "image/png")
    assert activity.attendances.count() == 2


BAD_INPUT = [
    (
        "end_before_start",
        Kind.WEEKLY_STUDY,
        {"start_time": "10:00", "end_time": "09:00"},
        "结束时间早于开始时间",
    ),
    ("lecture_without_speaker", Kind.PARTY_LECTURE, {"speaker_name": ""}, "党课需要主讲人"),
    ("field_visit_without_site", Kind.FIELD_VISIT, {"location": ""}, "现场教学需填写参观地点"),
    (
        "fake_png",
        Kind.WEEKLY_STUDY,
        {"files": ("假照片.png", b"MZ\x90\x00 not a picture")},
        "内容与文件名不符",
    ),
    ("docx_that_is_a_plain_zip", Kind.WEEKLY_STUDY, {"files": ("记录.docx", "zip")}, "不是真正的 DOCX 文件"),
    ("executable", Kind.WEEKLY_STUDY, {"files": ("run.exe", b"MZ")}, "只能上传"),
]


@pytest.mark.parametrize(
    ("case", "kind", "change", "message"), BAD_INPUT, ids=[case[0] for case in BAD_INPUT]
)
def test_bad_input_re_renders_in_chinese_and_saves_nothing(
    client_for, staff, agency, case, kind, change, message
):
    from .uploads import plain_zip

    data = form_data(kind, agency)
    for key, value in change.items():
        if key == "files":
            name, content = value
            data[key] = upload(name, plain_zip() if content == "zip" else content)
        else:
            data[key] = value
    response = client_for(staff).post(new_url(kind, agency), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Activity.objects.exists() and not Attachment.objects.exists()


def test_an_attendee_from_another_agency_is_refused_in_chinese(client_for, staff, agency, outsider):
    data = form_data(Kind.WEEKLY_STUDY, agency, **{f"att_{outsider.pk}": "present"})
    response = client_for(staff).post(new_url(Kind.WEEKLY_STUDY, agency), data)
    assert response.status_code == 200
    assert "不是本单位人员" in response.content.decode()
    assert not Activity.objects.exists()


def test_a_file_over_the_cap_is_refused(client_for, staff, agency, settings, monkeypatch):
    monkeypatch.setattr("activities.uploads.MAX_UPLOAD_SIZE", 1000)
    data = form_data(Kind.WEEKLY_STUDY, agency, files=upload("大图.png", PNG_BYTES + b"\0" * 2000))
    response = client_for(staff).post(new_url(Kind.WEEKLY_STUDY, agency), data)
    assert "附件不能超过" in response.content.decode()
    assert not Activity.objects.exists()


def test_the_real_cap_is_twenty_megabytes():
    from activities.uploads import MAX_UPLOAD_SIZE

    assert MAX_UPLOAD_SIZE == 20 * 1024 * 1024


def test_editing_changes_the_record_and_its_attendance(client_for, staff, agency, leader):
    activity = services.activity_create(
        by=staff,
        organization=agency,
        kind=Kind.WEEKLY_STUDY,
        date=datetime.date(2022, 6, 1),
        title="旧主题",
        attendance={staff: "present"},
    )
    client = client_for(staff)
    form = client.get(reverse("activities:edit", args=[activity.pk])).content.decode()
    assert "旧主题" in form
    data = form_data(Kind.WEEKLY_STUDY, agency, title="新主题", **{f"att_{leader.pk}": "present"})
    data["seen_updated_at"] = activity.updated_at.isoformat()
    response = client.post(reverse("activities:edit", args=[activity.pk]), data)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "新主题"
    assert list(activity.attendances.values_list("person", flat=True)) == [leader.pk]


def test_the_detail_page_shows_attendance_attachments_completeness_and_history(
    client_for, secretary, staff, agency
):
    activity = services.activity_create(
        by=staff,
        organization=agency,
        kind=Kind.FIELD_VISIT,
        date=datetime.date(2022, 6, 1),
        title="重温入党誓词",
        location="县革命历史纪念馆",
        attendance={staff: "present"},
    )
    services.activity_submit(activity=activity, by=staff)
    services.activity_approve(activity=activity, by=secretary)
    services.activity_update(activity=activity, by=secretary, title="重温入党誓词主题活动")
    html = client_for(secretary).get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "张三" in html and "出席" in html
    assert "需补充" in html and "缺少现场照片" in html and "缺少会议记录" in html
    assert "王五" in html  # who changed it
    assert "“重温入党誓词” → “重温入党誓词主题活动”" in html
    assert "已审核" in html


def test_the_list_says_what_each_record_lacks(client_for, staff, agency):
    complete = ActivityFactory(
        organization=agency, recorded_by=staff, kind=Kind.VOLUNTEER_SERVICE, notes="记录"
    )
    AttendanceFactory(activity=complete, person=staff)
    ActivityFactory(organization=agency, recorded_by=staff, kind=Kind.PARTY_LECTURE, title="无主讲人党课")
    html = client_for(staff).get(reverse("activities:list")).content.decode()
    assert html.count('data-complete="1"') == 1
    assert "缺少主讲人" in html


def test_the_list_filters_by_kind_person_and_text(client_for, staff, agency, leader):
    lecture = ActivityFactory(
        organization=agency, recorded_by=staff, kind=Kind.PARTY_LECTURE, title="专题党课"
    )
    AttendanceFactory(activity=lecture, person=leader)
    ActivityFactory(organization=agency, recorded_by=staff, kind=Kind.WEEKLY_STUDY, title="每周学习")
    client = client_for(staff)

    def titles(**params):
        html = client.get(reverse("activities:list"), params).content.decode()
        return {title for title in ("专题党课", "每周学习") if title in html}

    assert titles() == {"专题党课", "每周学习"}
    assert titles(kind=Kind.PARTY_LECTURE) == {"专题党课"}
    assert titles(person=leader.pk) == {"专题党课"}
    assert titles(q="每周") == {"每周学习"}
    assert titles(group="practice") == set()
    assert titles(year=2021) == set()
    assert titles(year=2022, month=3) == {"专题党课", "每周学习"}
    assert titles(month=4) == set()
    assert (
        'name="month" class="select form-select" id="id_month">\n  <option value="" selected>'
        in client.get(reverse("activities:list")).content.decode()
    )


def test_the_list_sorts_and_pages(client_for, staff, agency):
    for day in range(1, 26):
        ActivityFactory(
            organization=agency, recorded_by=staff, date=datetime.date(2022, 1, day), title=f"第{day:02d}次"
        )
    client = client_for(staff)
    first_page = client.get(reverse("activities:list"), {"sort": "date"}).content.decode()
    assert "第01次" in first_page and "第25次" not in first_page
    second_page = client.get(reverse("activities:list"), {"sort": "date", "page": 2}).content.decode()
    assert "第25次" in second_page


@pytest.mark.parametrize("params", [{}, {"sort": "title"}], ids=["newest first", "by title"])
def test_pages_of_records_sharing_a_date_neither_repeat_nor_skip_a_record(client_for, staff, agency, params):
    records = [
        ActivityFactory(
            organization=agency, recorded_by=staff, date=datetime.date(2022, 5, 1), title="同日学习"
        )
        for _ in range(25)
    ]
    AttendanceFactory(activity=records[0], person=staff)
    client = client_for(staff)

    def listed(page):
        html = client.get(reverse("activities:list"), {**params, "page": page}).content.decode()
        return [
            int(pk)
            for pk in re.findall(r'class="fw-semibold activity-title" href="/activities/(\d+)/"', html)
        ]

    first, second = listed(1), listed(2)
    assert len(first) == 20 and len(second) == 5
    assert sorted(first + second) == sorted(record.pk for record in records)
    if not params:
        assert first + second == sorted((record.pk for record in records), reverse=True)


def test_my_record_lists_what_i_attended_with_hours(client_for, staff, agency, points_marker=None):
    attended = ActivityFactory(organization=agency, recorded_by=staff, hours=2, title="参加的学习")
    AttendanceFactory(activity=attended, person=staff)
    awaiting = ActivityFactory(
        organization=agency, recorded_by=staff, hours=1.5, status="submitted", title="待审学习"
    )
    AttendanceFactory(activity=awaiting, person=staff)
    missed = ActivityFactory(organization=agency, recorded_by=staff, hours=3, title="请假的学习")
    AttendanceFactory(activity=missed, person=staff, status=Attendance.Status.LEAVE)
    ActivityFactory(organization=agency, recorded_by=staff, hours=4, title="没参加的学习")
    html = client_for(staff).get(reverse("activities:my_record"), {"year": 2022}).content.decode()
    assert "参加的学习" in html and "待审学习" in html and "请假的学习" in html
    assert "没参加的学习" not in html
    assert '<div class="display-6" id="total-hours">2</div>' in html
    assert '<div class="display-6" id="present-count">2</div>' in html


def test_the_calendar_shows_the_months_activities(client_for, staff, agency):
    ActivityFactory(organization=agency, recorded_by=staff, date=datetime.date(2022, 3, 8), title="三月学习")
    ActivityFactory(organization=agency, recorded_by=staff, date=datetime.date(2022, 4, 8), title="四月学习")
    html = client_for(staff).get(reverse("activities:calendar"), {"year": 2022, "month": 3}).content.decode()
    assert "三月学习" in html and "四月学习" not in html


def test_someone_who_left_their_agency_still_sees_their_own_record(client_for, agency, staff, other_agency):
    activity = ActivityFactory(organization=agency, recorded_by=staff, title="调出前的学习")
    mover = UserFactory(agency=other_agency)
    AttendanceFactory(activity=activity, person=mover)
    html = client_for(mover).get(reverse("activities:my_record"), {"year": 2022}).content.decode()
    assert "调出前的学习" in html


# The session, the user, their roles, the user's agency (the menu); the record; its versions with who
# made them and the people and organizations they name, the materials of every version; its
# attendance, attachments and materials.
DETAIL_QUERIES = 10


def test_the_detail_page_costs_the_same_queries_whatever_the_records_history(
    client_for, secretary, staff, leader, agency, branch, django_assert_num_queries
):
    client = client_for(secretary)

    def page(activity):
        url = reverse("activities:detail", args=[activity.pk])
        client.get(url)  # the session's first read is not the page's
        with django_assert_num_queries(DETAIL_QUERIES):
            return client.get(url).content.decode()

    # Written by the bench's generator or an old import: no version at all.
    unversioned = ActivityFactory(organization=agency, recorded_by=staff, title="无历史的学习")
    unversioned.history.all().delete()
    assert "无历史的学习" in page(unversioned)

    activity = services.activity_create(
        by=staff, organization=agency, kind=Kind.WEEKLY_STUDY, date=datetime.date(2022, 6, 1), title="学习"
    )
    assert "学习" in page(activity)  # one version

    # Versions that name people (speaker, reviewer) and organizations, and change the materials.
    for number in range(6):
        services.activity_update(activity=activity, by=staff, materials=[f"《读本{number}》"])
    services.activity_update(activity=activity, by=staff, speaker=leader, organization=branch)
    services.activity_submit(activity=activity, by=staff)
    services.activity_approve(activity=activity, by=secretary)
    html = page(activity)
    assert "读本4" in html and "读本5" in html  # the last change of materials: 《读本4》 → 《读本5》
    # The changes name the people and organizations, not their numbers.
    assert f"“{agency.name}” → “{branch.name}”" in html
    assert "“—” → “赵局长”" in html and f"“—” → “{secretary.real_name}”" in html


def test_a_record_of_the_wrong_kind_is_changed_to_the_right_one(client_for, secretary, staff, agency, branch):
    from activities.models import ActivityMonthStat

    activity = services.activity_create(
        by=staff,
        organization=branch,
        kind=Kind.BRANCH_COMMITTEE,
        date=datetime.date(2022, 6, 1),
        title="支部会议",
    )
    services.activity_submit(activity=activity, by=staff)
    services.activity_approve(activity=activity, by=secretary)
    client = client_for(secretary)
    picker = client.get(reverse("activities:edit", args=[activity.pk]), {"choose": 1}).content.decode()
    assert 'data-kind="branch_assembly"' in picker
    url = reverse("activities:edit", args=[activity.pk]) + "?kind=branch_assembly"
    page = client.get(url)
    assert "支部委员会" in page.content.decode() and "支部党员大会" in page.content.decode()
    form = page.context["form"]
    fields = {
        name: form[name].value()
        for name in ("organization", "date", "title", "outside_headcount", "seen_updated_at", "file_kind")
    }
    response = client.post(url, fields)
    assert response.status_code == 302, response.context["form"].errors
    activity.refresh_from_db()
    assert activity.kind == Kind.BRANCH_ASSEMBLY
    counted = dict(ActivityMonthStat.objects.filter(organization=branch).values_list("kind", "activities"))
    assert counted.get(Kind.BRANCH_ASSEMBLY) == 1 and not counted.get(Kind.BRANCH_COMMITTEE)


def test_the_history_names_the_organizations_a_record_moved_between(
    client_for, secretary, staff, agency, branch
):
    activity = services.activity_create(
        by=staff, organization=agency, kind=Kind.WEEKLY_STUDY, date=datetime.date(2022, 6, 1), title="学习"
    )
    services.activity_update(activity=activity, by=staff, organization=branch)
    html = client_for(secretary).get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert f"“{agency.name}” → “{branch.name}”" in html
