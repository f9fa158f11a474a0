import pytest
from django.template import Context, Template

from studyportal.audit.context import audit_actor
from studyportal.audit.selectors import audit_entries_for
from tests.factories import ActivityFactory


@pytest.fixture
def activity(branch, recorder, secretary):
    with audit_actor(recorder):
        activity = ActivityFactory(
            organization=branch, recorded_by=recorder, title="原主题", status="submitted"
        )
    with audit_actor(secretary):
        activity.title = "新主题"
        activity.status = "approved"
        activity.save()
    return activity


def test_an_objects_entries_are_read_in_a_fixed_number_of_queries(activity, django_assert_num_queries):
    # the entries of (model, id), newest first; the names of the organizations and of the people
    # their foreign keys point at, one query per related model however many entries there are
    with django_assert_num_queries(3):
        entries = audit_entries_for(activity)
    assert [e.action for e in entries] == ["update", "create"]


def test_foreign_keys_are_shown_by_name(activity, branch):
    created = audit_entries_for(activity)[-1]
    shown = {change.field: change.after for change in created.changes}
    assert shown["组织"] == branch.name
    assert shown["记录人"] == "李四"


def test_the_fragment_shows_who_changed_what_in_chinese(activity):
    html = Template("{% load audit %}{% audit_trail activity %}").render(Context({"activity": activity}))
    assert "修改记录" in html
    assert "王五" in html and "李四" in html
    assert "原主题" in html and "新主题" in html
    assert "已审核" in html and "approved" not in html  # the status by its label, not its code
    assert "主题" in html  # the field's Chinese name


def test_an_object_without_entries_says_so(branch, recorder):
    activity = ActivityFactory.build(organization=branch, recorded_by=recorder, pk=999999)
    html = Template("{% load audit %}{% audit_trail activity %}").render(Context({"activity": activity}))
    assert "暂无修改记录" in html
