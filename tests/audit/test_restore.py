import pytest
from django.utils import timezone

from activities.models import Activity, ActivityMonthStat, RectificationItem
from studyportal.audit.models import AuditEntry
from studyportal.audit.services import record_restore
from tests.factories import ActivityFactory, RectificationItemFactory


@pytest.fixture
def superuser(django_user_model, committee):
    return django_user_model.objects.create_superuser(
        "root", password="x-long-password-1", real_name="超级管理员"
    )


@pytest.fixture
def deleted_activity(branch, recorder):
    return ActivityFactory(organization=branch, recorded_by=recorder, deleted_at=timezone.now())


def test_restoring_brings_a_record_back_and_names_who(deleted_activity, secretary):
    record_restore(obj=deleted_activity, by=secretary)
    deleted_activity.refresh_from_db()
    assert deleted_activity.deleted_at is None
    entry = AuditEntry.objects.filter(model="activities.activity", object_id=str(deleted_activity.pk)).first()
    assert entry.action == "update" and entry.actor_name == "王五"
    assert entry.after == {"deleted_at": None} and entry.before["deleted_at"]


def test_the_admin_recycle_bin_lists_only_deleted_records(
    client, superuser, deleted_activity, branch, recorder
):
    alive = ActivityFactory(organization=branch, recorded_by=recorder, title="仍在的活动")
    client.force_login(superuser)
    html = client.get("/admin/activities/deletedactivity/").content.decode()
    assert deleted_activity.title in html and alive.title not in html


def test_an_admin_restores_from_the_recycle_bin(client, superuser, deleted_activity, agency):
    item = RectificationItemFactory(agency=agency, deleted_at=timezone.now())
    client.force_login(superuser)
    for url, obj in [
        ("/admin/activities/deletedactivity/", deleted_activity),
        ("/admin/activities/deletedrectificationitem/", item),
    ]:
        response = client.post(
            url, {"action": "restore_deleted_records", "_selected_action": [obj.pk]}, follow=True
        )
        assert "已恢复 1 条记录" in response.content.decode()
    assert Activity.objects.get(pk=deleted_activity.pk).deleted_at is None
    assert RectificationItem.objects.get(pk=item.pk).deleted_at is None
    assert AuditEntry.objects.filter(action="update", actor_name="超级管理员").count() == 2


def test_the_recycle_bin_is_for_superusers_only(client_for, admin_user):
    assert client_for(admin_user).get("/admin/activities/deletedactivity/").status_code in (302, 403)


def test_an_approved_record_restored_in_the_admin_counts_again(
    client, superuser, branch, recorder, secretary
):
    from activities.services import activity as services
    from activities.stats import stats_verify

    activity = ActivityFactory(organization=branch, recorded_by=recorder, status=Activity.Status.SUBMITTED)
    services.activity_approve(activity=activity, by=secretary)
    services.activity_delete(activity=activity, by=secretary)
    client.force_login(superuser)
    client.post(
        "/admin/activities/deletedactivity/",
        {"action": "restore_deleted_records", "_selected_action": [activity.pk]},
    )
    assert stats_verify() == []
    assert ActivityMonthStat.objects.get(organization=branch, kind=activity.kind).activities == 1
