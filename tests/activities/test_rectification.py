"""Rectification items: the lifecycle, who may close, overdue, the progress log, the pages and the export."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities.models import RectificationItem
from activities.selectors.rectification import rectification_list
from activities.services import rectification as services
from activities.services.rectification import TransitionError
from tests.factories import ActivityFactory, RectificationItemFactory

Status = RectificationItem.Status
TODAY = timezone.localdate()


@pytest.fixture
def item(agency, staff):
    return RectificationItemFactory(
        agency=agency, owner=staff, problem="理论学习不够深入", deadline=TODAY + datetime.timedelta(days=30)
    )


def at(item, status):
    item.status = status
    item.save()
    return item


# --- the lifecycle, as services ---------------------------------------------------------------


def test_an_item_goes_through_the_whole_lifecycle(item, staff, secretary):
    services.rectification_start(item=item, by=staff)
    assert item.status == Status.IN_PROGRESS
    services.rectification_complete(item=item, by=staff, note="已组织专题学习")
    assert item.status == Status.DONE
    services.rectification_close(item=item, by=secretary, evidence="学习记录、心得体会")
    item.refresh_from_db()
    assert item.status == Status.CLOSED
    assert item.closed_by == secretary and item.closed_at is not None
    assert item.closing_evidence == "学习记录、心得体会"


def test_a_done_item_can_be_reopened(item, secretary):
    at(item, Status.DONE)
    services.rectification_reopen(item=item, by=secretary, reason="整改不到位")
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    assert [entry.note for entry in item.progress.all()] == ["整改不到位"]


REFUSED = [
    (Status.NOT_STARTED, "complete"),
    (Status.NOT_STARTED, "reopen"),
    (Status.NOT_STARTED, "close"),
    (Status.IN_PROGRESS, "start"),
    (Status.IN_PROGRESS, "reopen"),
    (Status.IN_PROGRESS, "close"),
    (Status.DONE, "start"),
    (Status.DONE, "complete"),
    (Status.CLOSED, "start"),
    (Status.CLOSED, "complete"),
    (Status.CLOSED, "reopen"),
    (Status.CLOSED, "close"),
]


@pytest.mark.parametrize(("status", "action"), REFUSED)
def test_an_illegal_transition_is_refused_in_chinese(item, secretary, status, action):
    at(item, status)
    call = {
        "start": lambda: services.rectification_start(item=item, by=secretary),
        "complete": lambda: services.rectification_complete(item=item, by=secretary),
        "reopen": lambda: services.rectification_reopen(item=item, by=secretary),
        "close": lambda: services.rectification_close(item=item, by=secretary, evidence="材料"),
    }[action]
    with pytest.raises(TransitionError) as refused:
        call()
    assert "不能变更为" in refused.value.messages[0]
    item.refresh_from_db()
    assert item.status == status


@pytest.mark.parametrize("who", ["staff", "recorder"])
def test_the_services_refuse_a_close_or_reopen_by_someone_below_secretary(request, item, who):
    at(item, Status.DONE)
    person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.rectification_close(item=item, by=person, evidence="材料")
    with pytest.raises(PermissionDenied):
        services.rectification_reopen(item=item, by=person)
    item.refresh_from_db()
    assert item.status == Status.DONE


def test_closing_needs_evidence(item, secretary):
    at(item, Status.DONE)
    with pytest.raises(ValidationError) as refused:
        services.rectification_close(item=item, by=secretary, evidence="   ")
    assert "佐证材料" in refused.value.messages[0]
    item.refresh_from_db()
    assert item.status == Status.DONE


def test_a_closed_item_cannot_be_edited_or_take_progress(item, recorder):
    at(item, Status.CLOSED)
    with pytest.raises(TransitionError):
        services.rectification_update(item=item, by=recorder, problem="改")
    with pytest.raises(TransitionError):
        services.rectification_add_progress(item=item, by=recorder, note="又做了")


# --- overdue --------------------------------------------------------------------------------


def test_overdue_means_open_and_past_the_deadline(agency, secretary):
    today = datetime.date(2022, 10, 1)
    late = RectificationItemFactory(agency=agency, deadline=datetime.date(2022, 9, 30), problem="逾期")
    late_but_started = RectificationItemFactory(
        agency=agency, deadline=datetime.date(2022, 6, 30), status=Status.IN_PROGRESS, problem="逾期中"
    )
    due_today = RectificationItemFactory(agency=agency, deadline=today, problem="今天到期")
    done_late = RectificationItemFactory(
        agency=agency, deadline=datetime.date(2022, 3, 1), status=Status.DONE, problem="已完成"
    )
    no_deadline = RectificationItemFactory(agency=agency, deadline=None, problem="无时限")
    later = RectificationItemFactory(agency=agency, deadline=datetime.date(2022, 12, 31), problem="未到期")

    assert [i.is_overdue(today) for i in (late, late_but_started, due_today, done_late, no_deadline)] == [
        True,
        True,
        False,
        False,
        False,
    ]
    listed = list(rectification_list(secretary, today=today))
    # Overdue first (by deadline), then the rest by deadline, items without a deadline last.
    assert listed == [late_but_started, late, done_late, due_today, later, no_deadline]
    assert [i.overdue for i in listed] == [True, True, False, False, False, False]


# --- pages: closing, reopening, progress ----------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "recorder"])
def test_staff_and_recorder_cannot_close_an_item(request, client_for, item, who):
    at(item, Status.DONE)
    client = client_for(request.getfixturevalue(who))
    response = client.post(reverse("records:rectification_close", args=[item.pk]), {"evidence": "材料"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == Status.DONE


def test_secretary_closes_an_item_with_evidence(client_for, item, secretary):
    at(item, Status.DONE)
    client = client_for(secretary)
    url = reverse("records:rectification_close", args=[item.pk])
    response = client.post(url, {"evidence": "专题学习记录3份"}, follow=True)
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == Status.CLOSED
    html = response.content.decode()
    assert "已销号" in html and "专题学习记录3份" in html


def test_closing_without_evidence_re_renders_with_a_chinese_message(client_for, item, secretary):
    at(item, Status.DONE)
    response = client_for(secretary).post(
        reverse("records:rectification_close", args=[item.pk]), {"evidence": ""}
    )
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.DONE


def test_an_illegal_move_through_the_page_shows_a_message(client_for, item, secretary):
    response = client_for(secretary).post(
        reverse("records:rectification_close", args=[item.pk]), {"evidence": "材料"}, follow=True
    )
    assert "不能变更为" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.NOT_STARTED


def test_secretary_can_reopen_a_done_item_but_a_recorder_cannot(client_for, item, recorder, secretary):
    at(item, Status.DONE)
    url = reverse("records:rectification_reopen", args=[item.pk])
    assert client_for(recorder).post(url).status_code == 403
    client_for(secretary).post(url, {"reason": "效果不明显"})
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS


def test_the_owner_reports_progress_and_it_shows_in_date_order(client_for, item, staff):
    client = client_for(staff)
    url = reverse("records:rectification_progress", args=[item.pk])
    client.post(url, {"date": "2022-05-20", "note": "制定学习计划"})
    client.post(url, {"date": "2022-03-01", "note": "召开专题会议"})
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    html = client.get(reverse("records:rectification_detail", args=[item.pk])).content.decode()
    assert html.index("召开专题会议") < html.index("制定学习计划")
    assert "2022-03-01" in html


def test_someone_else_on_the_staff_cannot_report_progress(client_for, item, leader):
    response = client_for(leader).post(
        reverse("records:rectification_progress", args=[item.pk]), {"date": "2022-05-20", "note": "x"}
    )
    assert response.status_code == 403
    assert not item.progress.exists()


def test_progress_without_a_note_is_refused(client_for, item, recorder):
    response = client_for(recorder).post(
        reverse("records:rectification_progress", args=[item.pk]), {"date": "2022-05-20", "note": ""}
    )
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode()
    assert not item.progress.exists()


def test_the_owner_starts_and_completes_the_item(client_for, item, staff):
    client = client_for(staff)
    client.post(reverse("records:rectification_start", args=[item.pk]))
    client.post(reverse("records:rectification_complete", args=[item.pk]), {"note": "已完成专题学习"})
    item.refresh_from_db()
    assert item.status == Status.DONE
    assert item.progress.get().note == "已完成专题学习"


def test_the_progress_note_and_the_completion_note_each_have_their_own_label(client_for, item, staff):
    at(item, Status.IN_PROGRESS)
    page = client_for(staff).get(reverse("records:rectification_detail", args=[item.pk])).content.decode()
    # A second id="id_note" would send a screen reader, and a click on its label, to the first field.
    assert page.count('id="id_note"') == 1
    assert page.count('id="complete_note"') == 1
    assert page.count('for="complete_note"') == 1


# --- create and edit ----------------------------------------------------------------------


def test_recorder_records_an_item_found_in_an_activity(client_for, agency, branch, recorder, staff):
    activity = ActivityFactory(organization=branch, recorded_by=recorder, title="专题组织生活会")
    response = client_for(recorder).post(
        reverse("records:rectification_new"),
        {
            "agency": agency.pk,
            "year": 2022,
            "problem": "宣传形式单一",
            "category": RectificationItem.Category.PUBLICITY,
            "source": RectificationItem.Source.SELF_REVIEW,
            "measures": "拓展新媒体宣传",
            "owner": staff.pk,
            "deadline": "2022-12-31",
            "found_in": activity.pk,
        },
    )
    item = RectificationItem.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/rectification/{item.pk}/")
    assert (item.agency, item.owner, item.found_in, item.created_by) == (agency, staff, activity, recorder)
    assert item.status == Status.NOT_STARTED


def test_a_bad_item_re_renders_in_chinese_and_saves_nothing(client_for, agency, recorder, outsider):
    response = client_for(recorder).post(
        reverse("records:rectification_new"),
        {"agency": agency.pk, "year": 2022, "problem": "", "category": "theory", "source": "self_review",
         "owner": outsider.pk},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "这个字段是必填项" in html
    assert "选择一个有效的选项" in html  # the outsider is not one of the agency's people
    assert not RectificationItem.objects.exists()


def test_recorder_edits_an_item(client_for, item, recorder):
    response = client_for(recorder).post(
        reverse("records:rectification_edit", args=[item.pk]),
        {"year": 2022, "problem": "理论学习缺乏系统性", "category": "theory", "source": "inspection",
         "measures": "", "owner": item.owner_id, "deadline": "2022-11-30"},
    )  # fmt: skip
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.problem, item.deadline) == ("理论学习缺乏系统性", datetime.date(2022, 11, 30))


# --- the list and the export --------------------------------------------------------------


def test_the_list_filters_by_overdue_and_status(client_for, agency, staff):
    RectificationItemFactory(agency=agency, problem="逾期的问题", deadline=TODAY - datetime.timedelta(days=1))
    RectificationItemFactory(
        agency=agency, problem="未到期的问题", deadline=TODAY + datetime.timedelta(days=9)
    )
    RectificationItemFactory(agency=agency, problem="已销号的问题", status=Status.CLOSED)
    client = client_for(staff)
    html = client.get(reverse("records:rectification_list"), {"overdue": "1"}).content.decode()
    assert "逾期的问题" in html and "未到期的问题" not in html
    html = client.get(reverse("records:rectification_list"), {"status": "closed"}).content.decode()
    assert "已销号的问题" in html and "逾期的问题" not in html


def test_the_list_takes_the_same_queries_however_many_items(
    client_for, agency, staff, django_assert_num_queries
):
    for n in range(8):
        RectificationItemFactory(agency=agency, owner=staff, problem=f"问题{n}")
    client = client_for(staff)
    client.get(reverse("records:rectification_list"))  # warm the session
    # session, user, the user's roles, the owner filter's people, the page count, the page of items
    # (agency, owner and activity joined), the agency check for the "new" button.
    with django_assert_num_queries(7):
        client.get(reverse("records:rectification_list"))


def test_the_export_is_a_workbook_with_dates_and_defused_text(client_for, agency, staff):
    RectificationItemFactory(
        agency=agency, owner=staff, problem='=HYPERLINK("http://x")', deadline=datetime.date(2022, 12, 31)
    )
    response = client_for(staff).get(reverse("records:rectification_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["单位", "年", "问题"]
    assert all(cell.font.b for cell in sheet[1])
    row = {header[i]: cell.value for i, cell in enumerate(sheet[2])}
    assert row["问题"] == '\'=HYPERLINK("http://x")'
    assert row["整改时限"].date() == datetime.date(2022, 12, 31)
    assert row["责任人"] == staff.real_name
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width > 20
    assert sheet["C2"].alignment.wrap_text


def test_the_list_filters_by_owner_offering_only_owners(client_for, agency, staff, leader, secretary):
    RectificationItemFactory(agency=agency, owner=staff, problem="张三负责的问题")
    RectificationItemFactory(agency=agency, owner=leader, problem="局长负责的问题")
    client = client_for(secretary)
    html = client.get(reverse("records:rectification_list"), {"owner": staff.pk}).content.decode()
    assert "张三负责的问题" in html and "局长负责的问题" not in html
    owner_select = html[html.index('name="owner"') : html.index("</select>", html.index('name="owner"'))]
    assert staff.real_name in owner_select and secretary.real_name not in owner_select


def test_the_new_item_page_can_start_from_the_activity_where_the_problem_was_found(
    client_for, branch, recorder
):
    activity = ActivityFactory(organization=branch, recorded_by=recorder, date=datetime.date(2021, 12, 20))
    html = client_for(recorder).get(reverse("records:rectification_new"), {"found_in": activity.pk}).content
    assert f'<option value="{activity.pk}" selected>'.encode() in html
    assert b'value="2021"' in html


def test_the_item_page_shows_its_audited_changes_with_before_and_after(client_for, item, secretary):
    client = client_for(secretary)
    client.post(
        reverse("records:rectification_edit", args=[item.pk]),
        {
            "year": item.year,
            "problem": item.problem,
            "category": item.category,
            "source": item.source,
            "measures": "每月开展一次专题研讨",
            "owner": "",
            "deadline": "2023-06-30",
        },
    )
    html = client.get(reverse("records:rectification_detail", args=[item.pk])).content.decode()
    audit = html[html.index('id="audit"') :]
    assert "修改记录" in audit
    assert "每月开展一次专题研讨" in audit
    assert secretary.real_name in audit
