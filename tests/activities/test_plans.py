"""Study plans: items, the activity that fulfilled each, and plan versus done per month."""

import datetime

import pytest
from django.urls import reverse

from activities.models import Activity, Group, Kind, PlanItem, StudyPlan
from activities.selectors.plans import plan_vs_done
from tests.factories import ActivityFactory


@pytest.fixture
def plan(agency):
    return StudyPlan.objects.create(agency=agency, year=2022, title="2022年学习计划")


def item(plan, month, kind, topic="专题学习"):
    return PlanItem.objects.create(plan=plan, month=month, kind=kind, topic=topic)


def activity(org, recorder, month, kind, status=Activity.Status.APPROVED):
    return ActivityFactory(
        organization=org, kind=kind, date=datetime.date(2022, month, 10), status=status, recorded_by=recorder
    )


def test_plan_versus_done_per_month_and_group(agency, branch, recorder, other_agency, plan):
    item(plan, 3, Kind.CENTRAL_GROUP_STUDY)
    item(plan, 3, Kind.VOLUNTEER_SERVICE)
    item(plan, 5, Kind.FIELD_VISIT)
    item(plan, None, Kind.FILM_VIEWING)
    activity(agency, recorder, 3, Kind.CENTRAL_GROUP_STUDY)
    activity(branch, recorder, 6, Kind.WEEKLY_STUDY)
    activity(branch, recorder, 5, Kind.FIELD_VISIT, status=Activity.Status.SUBMITTED)  # not approved yet
    activity(other_agency, recorder, 3, Kind.VOLUNTEER_SERVICE)  # another agency's

    comparison = plan_vs_done(agency=agency, year=2022)
    months = {row.month: row for row in comparison["months"]}

    assert [(m, months[m].planned_total, months[m].done_total) for m in (3, 5, 6)] == [
        (3, 2, 1),
        (5, 1, 0),
        (6, 0, 1),
    ]
    assert months[3].planned == {Group.LEADING: 1, Group.EXPERIENTIAL: 0, Group.PRACTICE: 1}
    assert months[3].done == {Group.LEADING: 1, Group.EXPERIENTIAL: 0, Group.PRACTICE: 0}
    assert months[5].behind and not months[6].behind
    assert comparison["unscheduled"].planned_total == 1
    assert (comparison["total"].planned_total, comparison["total"].done_total) == (4, 2)


def test_the_plan_page_shows_the_comparison_and_suggests_an_activity(client_for, agency, recorder, plan):
    planned = item(plan, 4, Kind.FIELD_VISIT, topic="革命纪念馆现场教学")
    done = activity(agency, recorder, 4, Kind.FIELD_VISIT)
    client = client_for(recorder)
    html = client.get(reverse("records:plan_detail", args=[2022])).content.decode()
    assert 'id="plan-vs-done"' in html and "革命纪念馆现场教学" in html
    assert "建议对应" in html and done.title[:10] in html

    client.post(reverse("records:plan_item_fulfil", args=[2022, planned.pk]), {"activity": done.pk})
    planned.refresh_from_db()
    assert planned.fulfilled_by == done


def test_an_activity_of_another_month_cannot_fulfil_an_item(client_for, agency, recorder, plan):
    planned = item(plan, 4, Kind.FIELD_VISIT)
    other_month = activity(agency, recorder, 9, Kind.FIELD_VISIT)
    response = client_for(recorder).post(
        reverse("records:plan_item_edit", args=[2022, planned.pk]),
        {"month": 4, "kind": Kind.FIELD_VISIT, "topic": "现场教学", "fulfilled_by": other_month.pk},
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    planned.refresh_from_db()
    assert planned.fulfilled_by is None


def test_recorder_adds_an_item_creating_the_years_plan(client_for, agency, recorder, staff):
    response = client_for(recorder).post(
        reverse("records:plan_item_new", args=[2023]),
        {"month": 2, "kind": Kind.PARTY_LECTURE, "topic": "学习二十大精神专题党课", "measures": "书记讲党课",
         "lead": staff.pk},
    )  # fmt: skip
    assert response.status_code == 302
    saved = PlanItem.objects.get()
    assert (saved.plan.agency, saved.plan.year, saved.month, saved.lead) == (agency, 2023, 2, staff)


def test_an_item_without_a_topic_re_renders_in_chinese(client_for, recorder):
    response = client_for(recorder).post(
        reverse("records:plan_item_new", args=[2023]), {"month": 2, "topic": ""}
    )
    assert "这个字段是必填项" in response.content.decode()
    assert not PlanItem.objects.exists()


def test_recorder_deletes_an_item(client_for, recorder, plan):
    planned = item(plan, 4, Kind.FIELD_VISIT)
    client_for(recorder).post(reverse("records:plan_item_delete", args=[2022, planned.pk]))
    assert not PlanItem.objects.exists()


def test_the_plan_page_takes_the_same_queries_however_many_items(
    client_for, agency, recorder, plan, django_assert_num_queries
):
    for month in range(1, 13):
        item(plan, month, Kind.BRANCH_COMMITTEE)
        activity(agency, recorder, month, Kind.BRANCH_COMMITTEE)
    client = client_for(recorder)
    client.get(reverse("records:plan_detail", args=[2022]))
    # session, user, roles, the user's agency, the items (lead and activity joined), the suggestions,
    # planned and done grouped by month and kind, the plan's title, the user's agency for the navigation.
    with django_assert_num_queries(10):
        client.get(reverse("records:plan_detail", args=[2022]))


def test_choosing_a_month_offers_that_months_approved_activities(client_for, agency, recorder):
    april = activity(agency, recorder, 4, Kind.FIELD_VISIT)
    september = activity(agency, recorder, 9, Kind.FIELD_VISIT)
    unapproved = activity(agency, recorder, 4, Kind.WEEKLY_STUDY, status=Activity.Status.DRAFT)
    client = client_for(recorder)
    form = client.get(reverse("records:plan_item_new", args=[2022])).content.decode()
    assert 'hx-get="/plans/2022/activity-options/?org=agency"' in form
    html = client.get(reverse("records:plan_activity_options", args=[2022]), {"month": 4}).content.decode()
    assert f'value="{april.pk}"' in html
    assert f'value="{september.pk}"' not in html and f'value="{unapproved.pk}"' not in html
