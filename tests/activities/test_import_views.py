"""The browser import: upload → preview of every row with its problems → confirm."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities.models import Activity, ImportBatch
from studyportal.audit.models import AuditEntry

from .test_import_activities import BAD_ROWS, GOOD, model_counts
from .test_ledger import csv_bytes, xlsx_bytes

UPLOAD = reverse("imports:upload")


def post_file(client, organization, data, name="台账.csv", ledger_type="activities"):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(UPLOAD, {"ledger_type": ledger_type, "organization": organization.pk, "file": upload})


@pytest.fixture
def people(staff, recorder, secretary, leader):
    return [staff, recorder, secretary, leader]


def test_a_recorder_sees_the_upload_form_and_the_templates(client_for, recorder):
    html = client_for(recorder).get(UPLOAD).content.decode()
    assert "导入" in html and 'enctype="multipart/form-data"' in html
    for ledger_type in ("activities", "people", "rectification", "points", "publicity"):
        assert reverse("imports:template", args=[ledger_type]) in html


def test_a_good_file_is_previewed_then_imported_on_confirmation(client_for, recorder, agency, people):
    client = client_for(recorder)
    before = model_counts()
    response = post_file(client, agency, xlsx_bytes(GOOD), "台账.xlsx")
    assert response.status_code == 302
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert "确认导入" in html and "将新增 5 条" in html
    assert "学习全国两会精神" in html and "县革命历史纪念馆" in html  # every row is shown
    assert model_counts() == before  # the preview writes nothing

    batch = ImportBatch.objects.get()
    response = client.post(reverse("imports:confirm", args=[batch.pk]), follow=True)
    assert "已导入 5 行" in response.content.decode()
    assert Activity.objects.filter(organization=agency, imported=True, recorded_by=recorder).count() == 5

    # A second click, or the back button, imports nothing more.
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert Activity.objects.count() == 5


def test_the_preview_writes_no_audit_entry_and_the_import_is_closed_by_one_naming_the_upload(
    client_for, recorder, agency, people
):
    client = client_for(recorder)
    entries = AuditEntry.objects.count()
    response = post_file(client, agency, csv_bytes(GOOD), "台账.csv")
    client.get(response["Location"])
    assert AuditEntry.objects.count() == entries  # the preview is a dry run, rolled back

    batch = ImportBatch.objects.get()
    client.post(reverse("imports:confirm", args=[batch.pk]))
    closing = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert (closing.model, closing.object_id, closing.object_repr) == (
        "activities.importbatch",
        str(batch.pk),
        "台账.csv",
    )
    assert closing.after["batch"] == batch.pk and closing.actor_id == recorder.pk
    listed = closing.after["records"]["activities.activity"]
    assert (
        sum(high - low + 1 for low, high in listed)
        == Activity.objects.filter(organization=agency).count()
        == 5
    )


def test_a_bad_file_is_previewed_with_every_problem_and_cannot_be_confirmed(
    client_for, recorder, agency, people
):
    client = client_for(recorder)
    rows = [*GOOD, BAD_ROWS["unknown attendee"][0], BAD_ROWS["bad date"][0]]
    before = model_counts()
    response = post_file(client, agency, csv_bytes(rows, "gb18030"))
    html = client.get(response["Location"]).content.decode()
    assert "发现 2 处问题" in html
    assert "查无此人" in html and "不是日期" in html
    assert html.count('class="table-danger"') == 2  # the two bad rows are highlighted
    assert "确认导入" not in html

    batch = ImportBatch.objects.get()
    response = client.post(reverse("imports:confirm", args=[batch.pk]))
    assert response.status_code == 422
    assert model_counts() == before


def test_a_refused_file_shows_why(client_for, recorder, agency):
    client = client_for(recorder)
    response = post_file(client, agency, b"%PDF-1.7\n\x00\x01", "台账.pdf")
    html = client.get(response["Location"]).content.decode()
    assert "不是台账文件" in html and "确认导入" not in html


def test_an_oversized_upload_is_refused_by_the_form_and_not_stored(client_for, recorder, agency):
    response = post_file(client_for(recorder), agency, b"x" * (10 * 1024 * 1024 + 1))
    assert response.status_code == 200
    assert "10 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_only_an_administrator_may_import_people(client_for, recorder, admin_user, agency):
    response = post_file(client_for(recorder), agency, csv_bytes([["姓名"], ["新人"]]), ledger_type="people")
    assert response.status_code == 200 and "只有管理员" in response.content.decode()
    response = post_file(
        client_for(admin_user), agency, csv_bytes([["姓名"], ["新人"]]), ledger_type="people"
    )
    assert response.status_code == 302


def test_the_blank_template_has_the_chinese_headers_and_a_bom(client_for, recorder):
    response = client_for(recorder).get(reverse("imports:template", args=["activities"]))
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff日期,类型,主题,地点,主讲人/领学人,参加人员,参加人数,时长,学习内容,备注")


def test_an_unknown_template_is_404(client_for, recorder):
    assert client_for(recorder).get("/activities/import/template/nothing.csv").status_code == 404


# ---------------------------------------------------------------------------- who may


def _batch(organization, user):
    return ImportBatch.objects.create(
        organization=organization,
        ledger_type="activities",
        filename="a.csv",
        data=csv_bytes(GOOD),
        created_by=user,
    )


PAGES = [
    ("get", lambda batch: UPLOAD),
    ("get", lambda batch: reverse("imports:preview", args=[batch.pk])),
    ("post", lambda batch: reverse("imports:confirm", args=[batch.pk])),
    ("get", lambda batch: reverse("imports:template", args=["activities"])),
]


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_anonymous_users_are_sent_to_log_in(client, method, url, agency, recorder):
    response = getattr(client, method)(url(_batch(agency, recorder)))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_staff_without_the_recorder_role_get_403_or_404(client_for, method, url, agency, recorder, staff):
    batch = _batch(agency, recorder)
    response = getattr(client_for(staff), method)(url(batch))
    # The upload page and templates are forbidden; another person's upload is simply not there.
    assert response.status_code in (403, 404)
    assert Activity.objects.count() == 0


def test_staff_get_403_on_the_upload_page(client_for, staff):
    assert client_for(staff).get(UPLOAD).status_code == 403


@pytest.mark.parametrize(("method", "url"), PAGES[1:3])
def test_another_agencys_upload_is_404(client_for, method, url, agency, recorder, outsider):
    batch = _batch(agency, recorder)
    assert getattr(client_for(outsider), method)(url(batch)).status_code == 404
    assert Activity.objects.count() == 0


def test_uploading_for_another_agency_is_404(client_for, recorder, other_agency):
    response = post_file(client_for(recorder), other_agency, csv_bytes(GOOD))
    assert response.status_code == 404
    assert not ImportBatch.objects.exists()


def test_uploading_for_an_agency_seen_only_as_staff_is_403(client_for, recorder, agency, other_agency):
    from studyportal.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=recorder, organization=other_agency, role=Role.STAFF)
    response = post_file(client_for(recorder), other_agency, csv_bytes(GOOD))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", lambda batch: reverse("imports:preview", args=[batch.pk])),
        ("get", lambda batch: reverse("imports:confirm", args=[batch.pk])),
        ("delete", lambda batch: UPLOAD),
    ],
)
def test_wrong_methods_are_405(client_for, method, url, agency, recorder):
    assert getattr(client_for(recorder), method)(url(_batch(agency, recorder))).status_code == 405
