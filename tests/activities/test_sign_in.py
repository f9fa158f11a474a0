"""Sign-in by QR code: a signed link, valid until the end of the activity's day (Asia/Shanghai)."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from activities.models import Attendance, PersonYearStat
from activities.services import activity as services
from activities.stats import stats_rebuild
from activities.views.sign_in import GRACE_SECONDS, ROTATE_SECONDS, TokenExpired, check_token, sign_in_token
from tests.factories import ActivityFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def today_activity(agency, recorder):
    return ActivityFactory(
        organization=agency, recorded_by=recorder, date=timezone.localdate(), status="draft"
    )


def test_the_recorder_sees_a_qr_code_of_the_sign_in_link(client_for, recorder, today_activity):
    html = client_for(recorder).get(reverse("activities:qr", args=[today_activity.pk])).content.decode()
    assert 'id="qr-code"' in html and "<svg" in html.split('id="qr-code"', 1)[1]
    assert f"http://testserver/activities/{today_activity.pk}/sign-in/" in html


def test_a_person_of_the_agency_who_opens_the_link_is_marked_present(
    client_for, recorder, staff, today_activity
):
    html = client_for(recorder).get(reverse("activities:qr", args=[today_activity.pk])).content.decode()
    link = html.split('id="sign-in-url">')[1].split("<")[0].replace("http://testserver", "")
    page = client_for(staff).get(link)
    assert page.status_code == 200 and "确认签到" in page.content.decode()
    response = client_for(staff).post(link)
    assert response.status_code == 200 and "签到成功" in response.content.decode()
    row = Attendance.objects.get(activity=today_activity, person=staff)
    assert row.status == "present" and row.signed_in_at is not None


def test_opening_the_link_alone_signs_nobody_in(client_for, staff, today_activity):
    """A chat app's link preview or a browser's prefetch only GETs the link."""
    url = reverse("activities:sign_in", args=[today_activity.pk, sign_in_token(today_activity)])
    client_for(staff).get(url)
    assert not Attendance.objects.exists()


def test_opening_the_link_again_after_signing_in_shows_the_time(client_for, staff, today_activity):
    url = reverse("activities:sign_in", args=[today_activity.pk, sign_in_token(today_activity)])
    client_for(staff).post(url)
    html = client_for(staff).get(url).content.decode()
    assert "签到成功" in html and "确认签到" not in html


def test_a_sign_in_makes_an_open_edit_form_stale(client_for, staff, today_activity):
    before = today_activity.updated_at
    client_for(staff).post(
        reverse("activities:sign_in", args=[today_activity.pk, sign_in_token(today_activity)])
    )
    today_activity.refresh_from_db()
    assert today_activity.updated_at > before


def test_a_person_on_leave_who_signs_in_becomes_present(client_for, staff, today_activity):
    Attendance.objects.create(activity=today_activity, person=staff, status="leave")
    client_for(staff).post(
        reverse("activities:sign_in", args=[today_activity.pk, sign_in_token(today_activity)])
    )
    assert Attendance.objects.get(activity=today_activity, person=staff).status == "present"


def test_an_expired_code_is_refused(client_for, staff, agency, recorder):
    yesterday = ActivityFactory(
        organization=agency, recorded_by=recorder, date=timezone.localdate() - datetime.timedelta(days=1)
    )
    response = client_for(staff).get(
        reverse("activities:sign_in", args=[yesterday.pk, sign_in_token(yesterday)])
    )
    assert response.status_code == 410
    assert "签到码已过期" in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_code_expires_at_midnight_in_shanghai(today_activity):
    last_minute = datetime.datetime.combine(today_activity.date, datetime.time(23, 59), tzinfo=SHANGHAI)
    token = sign_in_token(today_activity, now=last_minute)
    check_token(today_activity, token, now=last_minute)
    with pytest.raises(TokenExpired) as expired:
        check_token(today_activity, token, now=last_minute + datetime.timedelta(minutes=1))
    assert expired.value.closed


def test_a_code_works_until_the_screen_has_shown_the_next_one_for_a_moment(today_activity):
    start = datetime.datetime.combine(today_activity.date, datetime.time(9, 0), tzinfo=SHANGHAI)
    token = sign_in_token(today_activity, now=start)
    changed = start + datetime.timedelta(seconds=ROTATE_SECONDS - start.timestamp() % ROTATE_SECONDS)
    check_token(today_activity, token, now=changed + datetime.timedelta(seconds=GRACE_SECONDS - 1))
    with pytest.raises(TokenExpired) as expired:
        check_token(today_activity, token, now=changed + datetime.timedelta(seconds=GRACE_SECONDS))
    assert not expired.value.closed
    # The screen's next code is a different one, and it works.
    fresh = sign_in_token(today_activity, now=changed)
    assert fresh != token
    check_token(today_activity, fresh, now=changed + datetime.timedelta(seconds=GRACE_SECONDS))


def test_a_forwarded_code_that_has_changed_is_refused_and_points_to_the_screen(
    client_for, staff, today_activity
):
    photographed = sign_in_token(today_activity, now=timezone.now() - datetime.timedelta(minutes=10))
    url = reverse("activities:sign_in", args=[today_activity.pk, photographed])
    for response in (client_for(staff).get(url), client_for(staff).post(url)):
        assert response.status_code == 410
        assert "签到码已更新" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_code_of_a_window_to_come_is_invalid(client_for, staff, today_activity):
    future = sign_in_token(today_activity, now=timezone.now() + datetime.timedelta(minutes=10))
    response = client_for(staff).get(reverse("activities:sign_in", args=[today_activity.pk, future]))
    assert response.status_code == 400


def test_a_code_for_a_moved_activity_is_no_longer_valid(client_for, staff, today_activity):
    token = sign_in_token(today_activity)
    today_activity.date = today_activity.date + datetime.timedelta(days=3)
    today_activity.save()
    response = client_for(staff).get(reverse("activities:sign_in", args=[today_activity.pk, token]))
    assert response.status_code == 410


@pytest.mark.parametrize("tamper", ["flip", "other_activity", "garbage"])
def test_a_tampered_code_is_refused(client_for, staff, agency, recorder, today_activity, tamper):
    token = sign_in_token(today_activity)
    if tamper == "flip":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif tamper == "other_activity":
        other = ActivityFactory(organization=agency, recorded_by=recorder, date=today_activity.date)
        token = sign_in_token(other)
    else:
        token = "not-a-token"
    response = client_for(staff).get(reverse("activities:sign_in", args=[today_activity.pk, token]))
    assert response.status_code == 400
    assert "签到码无效" in response.content.decode()
    assert not Attendance.objects.exists()


def test_someone_of_another_agency_cannot_sign_in(client_for, outsider, today_activity):
    response = client_for(outsider).get(
        reverse("activities:sign_in", args=[today_activity.pk, sign_in_token(today_activity)])
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_a_committee_admin_who_sees_the_record_is_still_not_an_attendee(
    client_for, committee_admin, today_activity
):
    response = client_for(committee_admin).get(
        reverse("activities:sign_in", args=[today_activity.pk, sign_in_token(today_activity)])
    )
    assert response.status_code == 403


def test_signing_in_needs_a_login(client, today_activity):
    url = reverse("activities:sign_in", args=[today_activity.pk, sign_in_token(today_activity)])
    response = client.get(url)
    assert response.status_code == 302 and "next=" in response["Location"]


def test_a_new_colleague_signs_in_on_their_phone(client_for, agency, today_activity):
    newcomer = UserFactory(agency=agency, role="staff", real_name="新同志")
    client_for(newcomer).post(
        reverse("activities:sign_in", args=[today_activity.pk, sign_in_token(today_activity)])
    )
    assert today_activity.attendances.filter(person=newcomer, status="present").exists()


# --- the meeting-room screen: the code, the live list, marking --------------------------------------


def test_no_code_is_offered_once_the_day_is_over(client_for, recorder, agency):
    yesterday = ActivityFactory(
        organization=agency,
        recorded_by=recorder,
        date=timezone.localdate() - datetime.timedelta(days=1),
        status="draft",
    )
    detail = client_for(recorder).get(reverse("activities:detail", args=[yesterday.pk])).content.decode()
    assert reverse("activities:qr", args=[yesterday.pk]) not in detail
    screen = client_for(recorder).get(reverse("activities:qr", args=[yesterday.pk])).content.decode()
    assert 'id="qr-code"' not in screen and 'id="sign-in-closed"' in screen
    fragment = client_for(recorder).get(reverse("activities:qr_code", args=[yesterday.pk])).content.decode()
    assert 'id="qr-code"' not in fragment and "签到已结束" in fragment


def test_the_record_page_offers_the_code_on_the_day(client_for, recorder, today_activity):
    detail = client_for(recorder).get(reverse("activities:detail", args=[today_activity.pk])).content.decode()
    assert reverse("activities:qr", args=[today_activity.pk]) in detail


def test_the_screen_lists_who_has_and_has_not_signed_in_with_the_count(
    client_for, recorder, staff, secretary, today_activity
):
    client_for(staff).post(
        reverse("activities:sign_in", args=[today_activity.pk, sign_in_token(today_activity)])
    )
    html = client_for(recorder).get(reverse("activities:roster", args=[today_activity.pk])).content.decode()
    assert 'hx-trigger="every 5s"' in html
    assert f'data-person="{staff.pk}" data-status="present"' in html
    assert f'data-person="{secretary.pk}" data-status="waiting"' in html
    expected = today_activity.organization.members.filter(is_active=True).count()
    assert f"已到 1 / 应到 {expected}" in html


def test_the_recorder_marks_people_from_the_screen_and_the_counts_follow(
    client_for, recorder, staff, secretary, agency
):
    activity = ActivityFactory(organization=agency, recorded_by=recorder, date=timezone.localdate())
    stats_rebuild()  # the factory writes the approved record around the services
    # An approved record: only the secretary may change it, and its count rows must stay exact.
    url = reverse("activities:roster", args=[activity.pk])
    assert client_for(recorder).post(url, {"person": staff.pk, "status": "leave"}).status_code == 403
    response = client_for(secretary).post(
        url, {"person": staff.pk, "status": "leave"}, HTTP_HX_REQUEST="true"
    )
    assert (
        response.status_code == 200
        and f'data-person="{staff.pk}" data-status="leave"' in response.content.decode()
    )
    client_for(secretary).post(url, {"person": recorder.pk, "status": "absent"})
    assert dict(activity.attendances.values_list("person_id", "status")) == {
        staff.pk: "leave",
        recorder.pk: "absent",
    }
    call_command("stats_rebuild", verify=True, stdout=io.StringIO())
    present = PersonYearStat.objects.filter(person__in=[staff, recorder]).values_list(
        "person_id", "on_leave", "absent"
    )
    assert sorted(present) == sorted([(staff.pk, 1, 0), (recorder.pk, 0, 1)])


def test_a_recorder_without_javascript_is_sent_back_to_the_screen(
    client_for, recorder, staff, today_activity
):
    response = client_for(recorder).post(
        reverse("activities:roster", args=[today_activity.pk]), {"person": staff.pk, "status": "present"}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "activities:qr", args=[today_activity.pk]
    )
    assert today_activity.attendances.get(person=staff).signed_in_at is None  # marked, not scanned


def test_marking_refuses_an_unknown_status_and_a_stranger(
    client_for, recorder, outsider, staff, today_activity
):
    url = reverse("activities:roster", args=[today_activity.pk])
    assert client_for(recorder).post(url, {"person": staff.pk, "status": "asleep"}).status_code == 400
    refused = client_for(recorder).post(url, {"person": outsider.pk, "status": "present"})
    assert refused.status_code == 400 and "不属于" in refused.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("name", ["activities:qr", "activities:qr_code", "activities:roster"])
def test_the_screen_is_the_recorders(client, client_for, name, staff, outsider, today_activity):
    url = reverse(name, args=[today_activity.pk])
    assert client.get(url).status_code == 302
    # Another member does not even see the recorder's draft (docs/roles.md).
    assert client_for(staff).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404


# --- sign-in closes once the record is submitted or approved (issue 13, finding 7) -----------------


def reach(activity, status, recorder, secretary):
    services.activity_submit(activity=activity, by=recorder)
    if status == "approved":
        services.activity_approve(activity=activity, by=secretary)


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_the_qr_link_of_a_submitted_or_approved_record_signs_nobody_in(
    client_for, recorder, secretary, staff, today_activity, status
):
    url = reverse("activities:sign_in", args=[today_activity.pk, sign_in_token(today_activity)])
    reach(today_activity, status, recorder, secretary)
    response = client_for(staff).post(url)
    assert response.status_code == 410 and "记录已提交审核或已审核通过" in response.content.decode()
    assert not Attendance.objects.filter(activity=today_activity).exists()


def test_a_code_scanned_before_the_submit_is_refused_by_the_service_too(
    recorder, secretary, staff, today_activity
):
    reach(today_activity, "approved", recorder, secretary)
    with pytest.raises(services.ActivityError, match="记录已提交审核或已审核通过"):
        services.activity_sign_in(activity=today_activity, person=staff)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_no_code_is_offered_for_a_submitted_or_approved_record(
    client_for, recorder, secretary, today_activity, status
):
    reach(today_activity, status, recorder, secretary)
    detail = (
        client_for(secretary).get(reverse("activities:detail", args=[today_activity.pk])).content.decode()
    )
    assert reverse("activities:qr", args=[today_activity.pk]) not in detail
    screen = client_for(secretary).get(reverse("activities:qr", args=[today_activity.pk])).content.decode()
    assert 'id="qr-code"' not in screen and "记录已提交审核或已审核通过" in screen


def test_the_secretary_still_marks_attendance_on_an_approved_records_list(
    client_for, recorder, secretary, staff, today_activity
):
    reach(today_activity, "approved", recorder, secretary)
    url = reverse("activities:roster", args=[today_activity.pk])
    response = client_for(secretary).post(url, {"person": staff.pk, "status": "present"})
    assert response.status_code == 302
    assert today_activity.attendances.get(person=staff).status == "present"
