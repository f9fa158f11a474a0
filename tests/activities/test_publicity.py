"""Publicity placements (上稿): counts by level, recording one, linking the activity reported."""

import datetime

from django.urls import reverse

from activities.models import Publicity
from activities.selectors.publicity import publicity_counts_by_level
from tests.factories import ActivityFactory


def placement(agency, level, date=datetime.date(2022, 5, 1), title="我局开展主题党日活动"):
    return Publicity.objects.create(agency=agency, date=date, title=title, outlet="三明日报", level=level)


def test_counts_by_level_for_a_year(agency, other_agency):
    placement(agency, Publicity.Level.PROVINCIAL)
    placement(agency, Publicity.Level.COUNTY)
    placement(agency, Publicity.Level.COUNTY)
    placement(agency, Publicity.Level.MUNICIPAL, date=datetime.date(2021, 12, 31))
    placement(other_agency, Publicity.Level.CENTRAL)
    assert publicity_counts_by_level(agency=agency, year=2022) == {
        "central": 0,
        "provincial": 1,
        "municipal": 0,
        "county": 2,
        "own": 0,
    }


def test_the_list_shows_the_counts_above_the_placements(client_for, agency, staff):
    placement(agency, Publicity.Level.PROVINCIAL, title="福建日报刊发我局经验")
    html = client_for(staff).get(reverse("records:publicity_list"), {"year": 2022}).content.decode()
    counts = html.index('id="publicity-counts"')
    assert counts < html.index("福建日报刊发我局经验")
    assert "省级" in html[counts : html.index('id="publicity-table"')]


def test_recorder_records_a_placement_reporting_an_activity(client_for, agency, branch, recorder):
    activity = ActivityFactory(organization=branch, recorded_by=recorder, date=datetime.date(2022, 7, 1))
    response = client_for(recorder).post(
        reverse("records:publicity_new"),
        {"agency": agency.pk, "date": "2022-07-03", "title": "七一主题党日", "outlet": "县融媒体中心",
         "level": "county", "form": "article", "link": "", "activity": activity.pk},
    )  # fmt: skip
    assert response.status_code == 302
    saved = Publicity.objects.get()
    assert (saved.agency, saved.activity, saved.created_by) == (agency, activity, recorder)


def test_an_activity_of_another_agency_cannot_be_linked(client_for, agency, recorder, other_branch):
    foreign = ActivityFactory(organization=other_branch, date=datetime.date(2022, 7, 1))
    response = client_for(recorder).post(
        reverse("records:publicity_new"),
        {"agency": agency.pk, "date": "2022-07-03", "title": "标题", "outlet": "媒体", "level": "county",
         "form": "article", "activity": foreign.pk},
    )  # fmt: skip
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Publicity.objects.exists()


def test_a_placement_without_a_title_re_renders_in_chinese(client_for, agency, recorder):
    response = client_for(recorder).post(
        reverse("records:publicity_new"),
        {
            "agency": agency.pk,
            "date": "2022-07-03",
            "title": "",
            "outlet": "媒体",
            "level": "county",
            "form": "article",
        },
    )
    assert "这个字段是必填项" in response.content.decode()
    assert not Publicity.objects.exists()


def test_recorder_edits_a_placement(client_for, agency, recorder):
    saved = placement(agency, Publicity.Level.COUNTY)
    client_for(recorder).post(
        reverse("records:publicity_edit", args=[saved.pk]),
        {
            "date": "2022-05-01",
            "title": "改后的标题",
            "outlet": "福建日报",
            "level": "provincial",
            "form": "article",
        },
    )
    saved.refresh_from_db()
    assert (saved.title, saved.level) == ("改后的标题", "provincial")
