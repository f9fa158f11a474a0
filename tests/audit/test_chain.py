import pytest
from django.core.management import CommandError, call_command

from activities.models import Activity, Attendance, StudyMaterial
from studyportal.audit.context import audit_actor
from studyportal.audit.models import AuditEntry
from studyportal.audit.services import audit_record_bulk
from tests.factories import ActivityFactory, AttendanceFactory


def entries_for(obj):
    return AuditEntry.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).order_by("seq")


@pytest.fixture
def activity(branch, recorder):
    with audit_actor(recorder):
        return ActivityFactory(organization=branch, recorded_by=recorder, title="学习党的二十大精神")


def test_creating_a_record_is_audited_with_its_values_and_author(activity, recorder):
    entry = entries_for(activity).get()
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.actor_id == recorder.pk and entry.actor_name == "李四"
    assert entry.after["title"] == "学习党的二十大精神"
    assert entry.after["organization"] == activity.organization_id
    assert entry.before is None


def test_a_change_records_only_the_changed_fields_before_and_after(activity, secretary):
    with audit_actor(secretary):
        activity.title = "深入学习党的二十大精神"
        activity.status = Activity.Status.RETURNED
        activity.save()
    entry = entries_for(activity).last()
    assert entry.action == AuditEntry.Action.UPDATE and entry.actor_name == "王五"
    assert entry.before == {"status": "approved", "title": "学习党的二十大精神"}
    assert entry.after == {"status": "returned", "title": "深入学习党的二十大精神"}


def test_saving_without_a_change_adds_no_entry(activity):
    activity.save()
    assert entries_for(activity).count() == 1


def test_a_delete_records_what_was_removed(activity, staff):
    attendance = AttendanceFactory(activity=activity, person=staff)
    pk = attendance.pk
    attendance.delete()
    entry = AuditEntry.objects.get(model="activities.attendance", object_id=str(pk), action="delete")
    assert entry.before["person"] == staff.pk and entry.after is None


def test_study_materials_linked_to_an_activity_are_audited(activity):
    book = StudyMaterial.objects.create(title="习近平谈治国理政（第四卷）")
    activity.materials.add(book)
    activity.materials.clear()
    actions = list(entries_for(activity).values_list("action", "after"))
    assert actions[-2:] == [("link", {"materials": [book.pk]}), ("unlink", {"materials": [book.pk]})]


def test_a_password_change_is_audited_without_the_password(client_for, staff):
    client = client_for(staff)
    client.post(
        "/accounts/password/",
        {
            "old_password": "test-pass-123",
            "new_password1": "Xinmima-2023-ok",
            "new_password2": "Xinmima-2023-ok",
        },
    )
    entry = entries_for(staff).filter(action="update").last()
    assert entry.actor_id == staff.pk  # the person signed in to the request
    assert "password" in entry.after
    assert "Xinmima" not in str(entry.after) and "pbkdf2" not in str(entry.after) + str(entry.before)


def test_bulk_writes_are_audited_through_the_helper(activity, staff, leader, admin_user):
    rows = Attendance.objects.bulk_create(
        [Attendance(activity=activity, person=staff), Attendance(activity=activity, person=leader)]
    )
    assert audit_record_bulk(model=Attendance, objects=rows, action="create", by=admin_user) == 2
    entries = AuditEntry.objects.filter(model="activities.attendance", action="create")
    assert sorted(entries.values_list("after__person", flat=True)) == sorted([staff.pk, leader.pk])
    assert set(entries.values_list("actor_name", flat=True)) == {"钱管理"}


def test_every_entry_chains_to_the_one_before(activity, secretary):
    activity.title = "改"
    activity.save()
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(entries, entries[1:], strict=False))


def test_audit_verify_passes_on_an_untouched_chain(activity, capsys):
    activity.title = "改"
    activity.save()
    call_command("audit_verify")
    assert "审计链完好" in capsys.readouterr().out


def test_audit_verify_names_the_entry_edited_in_the_database(activity, secretary):
    with audit_actor(secretary):
        activity.title = "改"
        activity.save()
    edited = entries_for(activity).last()
    AuditEntry.objects.filter(seq=edited.seq).update(actor_name="别人")
    with pytest.raises(CommandError, match=f"第 {edited.seq} 条被改动过"):
        call_command("audit_verify")


def test_audit_verify_notices_a_removed_entry(activity):
    activity.title = "改"
    activity.save()
    activity.title = "再改"
    activity.save()
    middle = entries_for(activity)[1]
    AuditEntry.objects.filter(seq=middle.seq).delete()
    with pytest.raises(CommandError, match=f"第 {middle.seq} 条缺失"):
        call_command("audit_verify")


def test_audit_verify_notices_the_newest_entries_cut_off(activity):
    activity.title = "改"
    activity.save()
    AuditEntry.objects.filter(seq=AuditEntry.objects.order_by("-seq").first().seq).delete()
    with pytest.raises(CommandError, match="缺失"):
        call_command("audit_verify")


def test_deleting_through_a_queryset_is_audited_row_by_row(activity, staff, leader):
    rows = [AttendanceFactory(activity=activity, person=person) for person in (staff, leader)]
    Attendance.objects.filter(activity=activity).delete()
    deleted = AuditEntry.objects.filter(model="activities.attendance", action="delete")
    assert sorted(deleted.values_list("object_id", flat=True)) == sorted(str(row.pk) for row in rows)


def test_an_audited_model_label_that_names_no_model_stops_the_start(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from studyportal.audit import recorder

    monkeypatch.setattr(recorder, "AUDITED_MODELS", [*recorder.AUDITED_MODELS, "activities.NoSuchThing"])
    with pytest.raises(ImproperlyConfigured, match="activities.NoSuchThing"):
        recorder.audited_models()
