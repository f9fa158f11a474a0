"""Sign-in by QR code: a signed link, valid until the end of the activity's day (Asia/Shanghai)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Attendance
from activities.views.sign_in import TokenExpired, check_token, sign_in_token
from tests.factories import ActivityFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def today_activity(agency, recorder):
    return ActivityFactory(
        organization=agency, recorded_by=recorder, date=timezone.localdate(), status="draft"
    )


def test_the_recorder_sees_a_qr_code_of_the_sign_in_link(client_for, recorder, today_activity):
    html = client_for(recorder).get(reverse("activities:qr", args=[today_activity.pk])).content.decode()
    assert "<svg" in html
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
    token = sign_in_token(today_activity)
    last_minute = datetime.datetime.combine(today_activity.date, datetime.time(23, 59), tzinfo=SHANGHAI)
    check_token(today_activity, token, now=last_minute)
    with pytest.raises(TokenExpired):
        check_token(today_activity, token, now=last_minute + datetime.timedelta(minutes=1))


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
