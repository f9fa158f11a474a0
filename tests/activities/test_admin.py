"""The Django admin's activity page writes nothing that the summary rows count: those fields and the
attendance are shown read-only, so an edit there leaves the counts exact."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from activities.models import Activity, ActivityMonthStat, Attendance, Kind
from tests.factories import ActivityFactory, AttendanceFactory


@pytest.fixture
def superuser(django_user_model, agency):
    return django_user_model.objects.create_superuser(
        "root", password="x-long-password-1", real_name="超级管理员"
    )


@pytest.fixture
def approved(branch, staff, secretary):
    activity = ActivityFactory(
        organization=branch,
        kind=Kind.BRANCH_ASSEMBLY,
        date=datetime.date(2022, 3, 1),
        hours=2,
        title="三月支部党员大会",
        recorded_by=staff,
    )
    AttendanceFactory(activity=activity, person=staff)
    AttendanceFactory(activity=activity, person=secretary, status=Attendance.Status.ABSENT)
    return activity


def change_form_data(response) -> dict:
    """What the browser would post back: the form's current values and each inline's management form."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif value is not None:
            data[name] = getattr(value, "pk", value)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for index, inline_form in enumerate(formset.forms):
            for name in ("id", formset.fk.name):
                if name in inline_form.fields:
                    value = inline_form.initial.get(name)
                    data[f"{formset.prefix}-{index}-{name}"] = getattr(value, "pk", value) or ""
    return data


def test_an_admin_edit_corrects_the_text_and_leaves_the_counts_exact(
    client, superuser, approved, other_branch, staff
):
    client.force_login(superuser)
    url = reverse("admin:activities_activity_change", args=[approved.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = change_form_data(page)
    data.update(
        title="三月支部党员大会（更正）",
        # Counted fields a crafted post tries to change: the page has no input for them.
        kind=Kind.FIELD_VISIT,
        status=Activity.Status.DRAFT,
        organization=other_branch.pk,
        date="2023-01-01",
        hours="9",
    )
    prefix = next(
        i.formset.prefix for i in page.context["inline_admin_formsets"] if i.formset.model is Attendance
    )
    data[f"{prefix}-0-status"] = Attendance.Status.ABSENT
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""

    approved.refresh_from_db()
    assert approved.title == "三月支部党员大会（更正）"
    assert (approved.kind, approved.status, approved.organization_id, approved.date) == (
        Kind.BRANCH_ASSEMBLY,
        Activity.Status.APPROVED,
        approved.organization_id,
        datetime.date(2022, 3, 1),
    )
    assert Attendance.objects.get(activity=approved, person=staff).status == Attendance.Status.PRESENT
    stat = ActivityMonthStat.objects.get(organization=approved.organization, year=2022, month=3)
    assert (stat.activities, stat.present, stat.absent) == (1, 1, 1)
    call_command("stats_rebuild", "--verify")  # raises CommandError on any difference


def test_the_admin_neither_adds_nor_deletes_activities(client, superuser, approved):
    client.force_login(superuser)
    assert client.get(reverse("admin:activities_activity_add")).status_code == 403
    assert client.get(reverse("admin:activities_activity_delete", args=[approved.pk])).status_code == 403
    assert Activity.objects.filter(pk=approved.pk, deleted_at__isnull=True).exists()
