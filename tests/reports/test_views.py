"""The summary pages: who may read, edit, regenerate, finalize and reopen, and what each of them sees."""

import pytest

from activities.models import Activity, Kind
from reports.models import Summary
from reports.services import summary_document
from tests.factories import ActivityFactory

SUMMARY = "/reports/2022/?org=agency"
SECTION = "/reports/2022/sections/leading/?org=agency"
EDIT = "/reports/2022/sections/leading/edit/?org=agency"
REGENERATE = "/reports/2022/sections/leading/regenerate/?org=agency"
FINALIZE = "/reports/2022/finalize/?org=agency"
REOPEN = "/reports/2022/reopen/?org=agency"

READ = [("get", SUMMARY), ("get", SECTION)]
WRITE = [("get", EDIT), ("post", EDIT), ("post", REGENERATE), ("post", FINALIZE)]


@pytest.fixture
def session(branch, secretary):
    """One approved central-group session, so the draft reads "共计1次"."""
    return add_session(branch, secretary)


def add_session(branch, secretary):
    return ActivityFactory(organization=branch, kind=Kind.CENTRAL_GROUP_STUDY, recorded_by=secretary)


def call(client, method, url):
    return getattr(client, method)(url, {"text": "新的内容。"} if method == "post" else None)


@pytest.mark.parametrize("method,url", [*READ, *WRITE, ("post", REOPEN), ("get", "/reports/")])
def test_anonymous_users_are_sent_to_login(client, agency, method, url):
    response = call(client, method, url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("method,url", [*READ, *WRITE, ("post", REOPEN)])
def test_another_agencys_summary_is_not_found(client_for, outsider, agency, method, url):
    assert call(client_for(outsider), method, url).status_code == 404


@pytest.mark.parametrize("method,url", READ)
def test_staff_may_read_the_summary(client_for, staff, session, method, url):
    response = call(client_for(staff), method, url)
    assert response.status_code == 200
    assert "共计1次" in response.content.decode()


@pytest.mark.parametrize("method,url", [*WRITE, ("post", REOPEN)])
def test_staff_may_not_change_the_summary(client_for, staff, session, method, url):
    assert call(client_for(staff), method, url).status_code == 403
    assert not Summary.objects.exists()


@pytest.mark.parametrize(
    "method,url",
    [
        ("post", SUMMARY),
        ("delete", EDIT),
        ("get", REGENERATE),
        ("get", FINALIZE),
        ("get", REOPEN),
        ("post", "/reports/"),
    ],
)
def test_a_wrong_method_is_refused(client_for, secretary, agency, method, url):
    assert getattr(client_for(secretary), method)(url).status_code == 405


def test_an_unknown_section_or_year_is_not_found(client_for, secretary, agency):
    client = client_for(secretary)
    assert client.get("/reports/2022/sections/bogus/?org=agency").status_code == 404
    assert client.get("/reports/1900/?org=agency").status_code == 404


def test_the_secretary_sees_the_generated_draft_with_edit_buttons(client_for, secretary, session):
    page = client_for(secretary).get("/reports/2022/").content.decode()
    assert "测试局2022年度建设学习型机关工作总结" in page
    assert "共计1次" in page
    assert "未开始" in page
    assert 'id="finalize-button"' in page
    assert "/reports/2022/sections/leading/edit/?org=agency" in page
    assert "重新生成" in page


def test_the_staff_page_has_no_edit_controls(client_for, staff, session):
    page = client_for(staff).get(SUMMARY).content.decode()
    assert 'id="finalize-button"' not in page
    assert "regenerate" not in page
    assert 'id="read-only-note"' in page


def test_the_index_lists_each_agency_and_year_with_its_state(
    client_for, committee_admin, agency, other_agency, session
):
    Summary.objects.create(agency=agency, year=2022, status=Summary.Status.FINAL)
    page = client_for(committee_admin).get("/reports/").content.decode()
    assert "测试局" in page and "另一局" in page
    assert "/reports/2022/?org=agency" in page and "/reports/2022/?org=other" in page
    assert "已定稿" in page and "未开始" in page


def test_the_index_shows_only_the_users_own_agency(client_for, secretary, other_agency, session):
    page = client_for(secretary).get("/reports/").content.decode()
    assert "测试局" in page
    assert "另一局" not in page


def test_a_committee_member_without_an_agency_is_sent_to_the_list(client_for, committee_admin, agency):
    response = client_for(committee_admin).get("/reports/2022/")
    assert response.status_code == 302
    assert response.url == "/reports/"


def test_secretary_edits_a_section_and_sees_it_after_reload(client_for, secretary, session):
    client = client_for(secretary)
    response = client.post(EDIT, {"text": "第一段经过修改。\n第二段。"})
    assert response.status_code == 302
    page = client.get(SUMMARY).content.decode()
    assert "第一段经过修改。" in page
    assert "已修改" in page
    summary = Summary.objects.get()
    assert summary.sections.count() == 6
    assert summary.sections.get(key="leading").edited


def test_an_edit_through_htmx_returns_just_the_section(client_for, secretary, session):
    response = client_for(secretary).post(EDIT, {"text": "改过的领学部分。"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="section-leading"' in page
    assert "改过的领学部分。" in page
    assert "<html" not in page


def test_the_edit_form_comes_prefilled_with_the_current_text(client_for, secretary, session):
    page = client_for(secretary).get(EDIT, HTTP_HX_REQUEST="true").content.decode()
    assert "<textarea" in page
    assert "共计1次" in page


def test_an_empty_section_is_refused_in_chinese_and_nothing_is_saved(client_for, secretary, session):
    response = client_for(secretary).post(EDIT, {"text": "   "})
    assert response.status_code == 200
    assert "该部分内容不能为空" in response.content.decode()
    assert not Summary.objects.exists()


def test_regenerating_a_section_replaces_the_edits_with_the_records(client_for, secretary, branch, session):
    client = client_for(secretary)
    client.post(EDIT, {"text": "手工写的内容。"})
    add_session(branch, secretary)
    client.post(REGENERATE)
    section = Summary.objects.get().sections.get(key="leading")
    assert "共计2次" in section.text
    assert not section.edited
    assert "手工写的内容" not in client.get(SUMMARY).content.decode()


def test_the_page_tells_what_changed_since_the_records_were_read(client_for, secretary, branch, session):
    client = client_for(secretary)
    client.post(EDIT, {"text": "手工写的内容。"})
    page = client.get(SUMMARY).content.decode()
    assert 'id="changed-notice"' not in page
    add_session(branch, secretary)
    page = client.get(SUMMARY).content.decode()
    assert 'id="changed-notice"' in page
    # The sentence as it was generated before, and as the records give it now.
    assert "− 年度党组理论学习中心组召开集中学习、交流研讨共计1次" in page
    assert "+ 年度党组理论学习中心组召开集中学习、交流研讨共计2次" in page
    # The stored text is the secretary's until they regenerate.
    assert "手工写的内容。" in page


def test_a_final_summary_no_longer_changes_when_records_change(
    client_for, secretary, agency, branch, session
):
    client = client_for(secretary)
    response = client.post(FINALIZE)
    assert response.status_code == 302
    before = summary_document(agency=agency, year=2022)
    add_session(branch, secretary)
    Activity.objects.update(title="改名")
    page = client.get(SUMMARY).content.decode()
    assert "共计1次" in page and "共计2次" not in page
    assert "已定稿" in page
    assert 'id="finalize-button"' not in page
    assert summary_document(agency=agency, year=2022).paragraphs == before.paragraphs
    assert client.post(EDIT, {"text": "定稿后修改"}).status_code == 403
    assert client.post(REGENERATE).status_code == 403
    assert client.post(FINALIZE).status_code == 403


def test_only_an_admin_reopens_a_final_summary(client_for, secretary, admin_user, branch, session):
    client_for(secretary).post(FINALIZE)
    assert client_for(secretary).post(REOPEN).status_code == 403
    response = client_for(admin_user).post(REOPEN)
    assert response.status_code == 302
    assert Summary.objects.get().status == Summary.Status.DRAFT
    add_session(branch, secretary)
    assert 'id="changed-notice"' in client_for(admin_user).get(SUMMARY).content.decode()


def test_reopening_a_summary_that_is_not_final_is_not_found(client_for, admin_user, session):
    assert client_for(admin_user).post(REOPEN).status_code == 404


def test_the_exported_document_carries_the_secretarys_edits(client_for, secretary, agency, session):
    client_for(secretary).post(EDIT, {"text": "第一段。\n第二段。"})
    paragraphs = [(p.text, p.style) for p in summary_document(agency=agency, year=2022).paragraphs]
    assert ("一是领导“领学”，打造有高度的“头雁课堂”。第一段。", "body") in paragraphs
    assert ("第二段。", "body") in paragraphs
