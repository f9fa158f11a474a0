"""Who may open what on the rectification, points, publicity, plans and norms pages.

Another agency's object is a 404 and their lists never show ours; a role too low is a 403; logged-out
visitors go to the login page; a wrong HTTP method is a 405.
"""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from activities.models import Kind, PlanItem, Publicity, RectificationItem, StudyPlan, StudyPoints
from studyportal.spreadsheet import XLSX_CONTENT_TYPE
from tests.factories import RectificationItemFactory

PROBLEM = "本局理论学习不够深入"
TITLE = "本局上稿标题"


@pytest.fixture
def ours(agency, staff, leader):
    item = RectificationItemFactory(
        agency=agency, problem=PROBLEM, owner=leader, status=RectificationItem.Status.DONE
    )
    placement = Publicity.objects.create(
        agency=agency, date=datetime.date(2022, 5, 1), title=TITLE, outlet="三明日报", level="municipal"
    )
    plan = StudyPlan.objects.create(agency=agency, year=2022)
    plan_item = PlanItem.objects.create(plan=plan, month=3, kind=Kind.WEEKLY_STUDY, topic="本局计划主题")
    StudyPoints.objects.create(person=leader, year=2022, points=4321)
    return {"item": item, "placement": placement, "plan_item": plan_item, "org": agency.code}


def url(name, objs, with_org=False):
    args = {
        "rectification_detail": [objs["item"].pk],
        "rectification_edit": [objs["item"].pk],
        "rectification_progress": [objs["item"].pk],
        "rectification_start": [objs["item"].pk],
        "rectification_complete": [objs["item"].pk],
        "rectification_reopen": [objs["item"].pk],
        "rectification_close": [objs["item"].pk],
        "publicity_edit": [objs["placement"].pk],
        "plan_detail": [2022],
        "plan_item_new": [2022],
        "plan_activity_options": [2022],
        "plan_item_edit": [2022, objs["plan_item"].pk],
        "plan_item_delete": [2022, objs["plan_item"].pk],
        "plan_item_fulfil": [2022, objs["plan_item"].pk],
    }.get(name, [])
    address = reverse(f"records:{name}", args=args)
    return f"{address}?org={objs['org']}" if with_org else address


# page → expected status for staff, recorder, secretary, admin of the agency
GET_PAGES = {
    "rectification_list": (200, 200, 200, 200),
    "rectification_new": (403, 200, 200, 200),
    "rectification_detail": (200, 200, 200, 200),
    "rectification_edit": (403, 200, 200, 200),
    "rectification_export": (200, 200, 200, 200),
    "points": (403, 403, 200, 200),
    "publicity_list": (200, 200, 200, 200),
    "publicity_new": (403, 200, 200, 200),
    "publicity_edit": (403, 200, 200, 200),
    "plans": (200, 200, 200, 200),
    "plan_detail": (200, 200, 200, 200),
    "plan_item_new": (403, 200, 200, 200),
    "plan_item_edit": (403, 200, 200, 200),
    "plan_activity_options": (403, 200, 200, 200),
    "norms": (200, 200, 200, 200),
}
ROLES = ("staff", "recorder", "secretary", "admin_user")
POST_ONLY = [
    "rectification_progress",
    "rectification_start",
    "rectification_complete",
    "rectification_reopen",
    "rectification_close",
    "points_threshold",
    "plan_item_delete",
    "plan_item_fulfil",
]
# Pages chosen by ?org=: another agency's org is not found.
ORG_PAGES = [
    "points",
    "publicity_list",
    "plans",
    "plan_detail",
    "plan_item_new",
    "plan_activity_options",
    "norms",
    "points_threshold",
]
OBJECT_PAGES = [
    "rectification_detail",
    "rectification_edit",
    "rectification_progress",
    "rectification_start",
    "rectification_complete",
    "rectification_reopen",
    "rectification_close",
    "publicity_edit",
    "plan_item_edit",
    "plan_item_delete",
    "plan_item_fulfil",
]


@pytest.mark.parametrize(("name", "role"), [(n, r) for n in GET_PAGES for r in ROLES])
def test_each_role_gets_what_it_may_see(request, client_for, ours, name, role):
    expected = GET_PAGES[name][ROLES.index(role)]
    response = client_for(request.getfixturevalue(role)).get(url(name, ours))
    assert response.status_code == expected


@pytest.mark.parametrize("name", list(GET_PAGES) + POST_ONLY)
def test_anonymous_visitors_are_sent_to_login(client, ours, name):
    method = client.post if name in POST_ONLY else client.get
    response = method(url(name, ours))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


OBJECT_REQUESTS = [(name, "post") for name in OBJECT_PAGES if name in POST_ONLY]
OBJECT_REQUESTS += [(name, "get") for name in OBJECT_PAGES if name not in POST_ONLY]
OBJECT_REQUESTS += [(name, "post") for name in ("rectification_edit", "publicity_edit", "plan_item_edit")]


@pytest.mark.parametrize(("name", "method"), OBJECT_REQUESTS)
def test_another_agencys_secretary_cannot_reach_our_objects(client_for, outsider, ours, name, method):
    response = getattr(client_for(outsider), method)(url(name, ours), {"evidence": "x", "note": "x"})
    assert response.status_code == 404
    ours["item"].refresh_from_db()
    assert ours["item"].status == RectificationItem.Status.DONE
    assert PlanItem.objects.filter(pk=ours["plan_item"].pk).exists()


@pytest.mark.parametrize("name", ORG_PAGES)
def test_another_agencys_secretary_cannot_open_our_agency_by_its_code(client_for, outsider, ours, name):
    client = client_for(outsider)
    address = url(name, ours, with_org=True)
    response = client.post(address, {"low_points_threshold": 1}) if name in POST_ONLY else client.get(address)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name", ["rectification_list", "rectification_export", "publicity_list", "points", "plans"]
)
def test_another_agencys_lists_never_show_ours(client_for, outsider, ours, name):
    response = client_for(outsider).get(url(name, ours))
    assert response.status_code == 200
    body = _text_of(response)
    for ours_text in (PROBLEM, TITLE, "本局计划主题", "4321"):
        assert ours_text not in body


def _text_of(response) -> str:
    """A page's HTML, or every cell of a workbook (whose zipped bytes would never show a text)."""
    if response["Content-Type"] != XLSX_CONTENT_TYPE:
        return response.content.decode()
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return "\n".join(
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row
    )


def test_the_committee_admin_sees_every_agency(client_for, committee_admin, ours, outsider):
    client = client_for(committee_admin)
    assert PROBLEM in client.get(url("rectification_list", ours)).content.decode()
    assert client.get(url("points", ours, with_org=True)).status_code == 200


@pytest.mark.parametrize("name", POST_ONLY)
def test_post_only_actions_refuse_get(client_for, secretary, ours, name):
    assert client_for(secretary).get(url(name, ours)).status_code == 405


@pytest.mark.parametrize("name", list(GET_PAGES))
def test_pages_refuse_the_wrong_method(client_for, secretary, ours, name):
    client = client_for(secretary)
    form_pages = {"rectification_new", "rectification_edit", "publicity_new", "publicity_edit"}
    form_pages |= {"plan_item_new", "plan_item_edit"}
    response = client.put(url(name, ours)) if name in form_pages else client.post(url(name, ours))
    assert response.status_code == 405


@pytest.mark.parametrize("action", ["rectification_reopen", "rectification_close"])
@pytest.mark.parametrize("role", ["staff", "recorder"])
def test_only_a_secretary_reopens_or_closes(request, client_for, ours, action, role):
    response = client_for(request.getfixturevalue(role)).post(url(action, ours), {"evidence": "材料"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "action", ["rectification_progress", "rectification_start", "rectification_complete"]
)
def test_staff_who_do_not_own_the_item_cannot_work_on_it(client_for, staff, ours, action):
    response = client_for(staff).post(url(action, ours), {"date": "2022-05-01", "note": "x"})
    assert response.status_code == 403
