"""Two people acting on the same record at once.

Approve versus return by two secretaries at the same moment is covered with real threads and row locks
in tests/activities/test_review.py::test_two_secretaries_clicking_at_the_same_moment_leave_one_decision;
here the reviewer acting from a page that is out of date, and two edits of the same record: the one
saved from a stale form must be refused with a message, never silently overwrite the other.
"""

import datetime
import re
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from activities.models import Activity, Attendance, Kind
from activities.services import activity as services
from tests.factories import UserFactory

STALE = "该记录已被他人修改，请刷新后重试"


def edit_data(organization, seen_updated_at, **changes):
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
        "notes": "",
        "materials_text": "",
        "file_kind": "photo",
        "seen_updated_at": seen_updated_at,
    }
    data.update(changes)
    return data


def opened_version(client, activity):
    """What the edit page carries in its hidden field: the version of the record the person sees."""
    page = client.get(reverse("activities:edit", args=[activity.pk])).content.decode()
    return re.search(r'name="seen_updated_at" value="([^"]+)"', page).group(1)


@pytest.fixture
def draft(agency, recorder, staff):
    return services.activity_create(
        by=recorder,
        organization=agency,
        kind=Kind.WEEKLY_STUDY,
        date=datetime.date(2022, 6, 1),
        title="周学习",
        attendance={staff: Attendance.Status.PRESENT},
    )


def test_an_edit_saved_from_a_stale_form_is_refused_and_the_first_edit_stays(
    client, draft, agency, recorder, secretary
):
    client.force_login(recorder)
    recorder_version = opened_version(client, draft)
    client.force_login(secretary)
    secretary_version = opened_version(client, draft)

    client.force_login(recorder)
    url = reverse("activities:edit", args=[draft.pk])
    first = client.post(
        url, edit_data(agency, recorder_version, title="记录员改的主题", notes="记录员的纪要")
    )
    assert first.status_code == 302

    client.force_login(secretary)
    second = client.post(url, edit_data(agency, secretary_version, title="书记改的主题"))
    assert second.status_code == 200
    assert STALE in second.content.decode()
    # The form comes back with what the secretary typed, so nothing of theirs is lost either.
    assert "书记改的主题" in second.content.decode()

    draft.refresh_from_db()
    assert (draft.title, draft.notes) == ("记录员改的主题", "记录员的纪要")
    assert draft.history.count() == 2  # created, then the recorder's edit: the refused one left no trace


@pytest.mark.parametrize("seen", [None, ""])
def test_an_edit_without_the_version_it_was_opened_on_is_refused(client, draft, agency, recorder, seen):
    """Leaving the hidden field out must not skip the stale check (issue 13, finding 8)."""
    client.force_login(recorder)
    data = edit_data(agency, seen, title="不带版本的修改")
    if seen is None:
        del data["seen_updated_at"]
    response = client.post(reverse("activities:edit", args=[draft.pk]), data)
    assert response.status_code == 200
    assert "请刷新页面后重新修改" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "周学习" and draft.history.count() == 1


def test_after_reloading_the_second_editor_saves_over_the_first(client, draft, agency, recorder, secretary):
    url = reverse("activities:edit", args=[draft.pk])
    client.force_login(secretary)
    stale = opened_version(client, draft)
    client.force_login(recorder)
    assert client.post(url, edit_data(agency, opened_version(client, draft), title="先改")).status_code == 302
    client.force_login(secretary)
    assert client.post(url, edit_data(agency, stale, title="后改")).status_code == 200

    fresh = opened_version(client, draft)
    assert fresh != stale
    assert client.post(url, edit_data(agency, fresh, title="后改")).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "后改"


def test_a_review_after_the_form_was_opened_makes_the_form_stale(client, draft, agency, recorder, secretary):
    client.force_login(recorder)
    version = opened_version(client, draft)
    services.activity_submit(activity=draft, by=recorder)
    services.activity_return(activity=draft, by=secretary, comment="请补充会议纪要")

    response = client.post(
        reverse("activities:edit", args=[draft.pk]), edit_data(agency, version, title="没看到退回意见就改了")
    )
    assert STALE in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.title) == (Activity.Status.RETURNED, "周学习")


def test_approving_from_a_dashboard_opened_before_the_record_was_returned_tells_the_approver(
    client, draft, recorder, secretary, agency
):
    services.activity_submit(activity=draft, by=recorder)
    deputy = UserFactory(agency=agency, role="secretary", real_name="副书记")
    # The deputy returns it from the detail page while the secretary's dashboard still lists it.
    client.force_login(deputy)
    client.post(reverse("activities:return", args=[draft.pk]), {"comment": "请补充签到表"})
    client.force_login(secretary)
    response = client.post(reverse("dashboard:review_approve", args=[draft.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "该记录已由副书记退回。" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Activity.Status.RETURNED


@pytest.mark.django_db(transaction=True)
def test_two_edits_saved_at_the_same_moment_leave_one_and_tell_the_other(agency, recorder, secretary, staff):
    """Real threads and row locks; SQLite's in-memory test database cannot hold two connections."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a database with row locks and separate connections (PostgreSQL)")
    activity = services.activity_create(
        by=recorder,
        organization=agency,
        kind=Kind.WEEKLY_STUDY,
        date=datetime.date(2022, 6, 1),
        title="周学习",
        attendance={staff: Attendance.Status.PRESENT},
    )
    # Both opened the edit form on the same version of the record.
    seen = Activity.objects.get(pk=activity.pk).updated_at
    start, outcomes = threading.Barrier(2), {}

    def edit(editor, title, attendance_status):
        try:
            start.wait()
            services.activity_update(
                activity=Activity.objects.get(pk=activity.pk),
                by=editor,
                seen_updated_at=seen,
                title=title,
                attendance={staff: attendance_status},
            )
            outcomes[editor.pk] = "saved"
        except services.ActivityError as refused:
            outcomes[editor.pk] = refused.message
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=edit, args=(recorder, "记录员的版本", Attendance.Status.LEAVE)),
        threading.Thread(target=edit, args=(secretary, "书记的版本", Attendance.Status.ABSENT)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()) == ["saved", STALE]
    winner = recorder if outcomes[recorder.pk] == "saved" else secretary
    activity.refresh_from_db()
    # One consistent record: the winner's title together with the winner's attendance, not a mix.
    expected = {
        recorder.pk: ("记录员的版本", Attendance.Status.LEAVE),
        secretary.pk: ("书记的版本", Attendance.Status.ABSENT),
    }[winner.pk]
    assert (activity.title, activity.attendances.get(person=staff).status) == expected
    assert activity.history.count() == 2
