"""Issue 13 ("Trust, round two"), findings 1 and 2: a workbook that would make the reader allocate
hundreds of GB is refused before it is read (and a reader is run in a child process with limits);
imports keep the forms' permissions and workflow.
"""

import io
import subprocess
import sys

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from activities.imports import ledger
from activities.imports.engine import ledger_import
from activities.imports.ledger import LedgerError, read_ledger
from activities.imports.rules import IMPORTERS
from activities.models import Activity, ImportBatch, RectificationItem, StudyPoints

from .test_import_activities import GOOD
from .test_import_records import POINTS, RECTIFICATION
from .test_ledger import csv_bytes

COLUMNS = IMPORTERS["activities"].columns


def workbook_with_cell_at(address: str) -> bytes:
    """A good little ledger, plus one cell far out: the 1.6 KB workbook of finding 1."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in GOOD[:4]:  # two title rows, the header, one activity
        sheet.append(row)
    sheet[address] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("address", "named"),
    # The sheet's declared range ends at the far cell: the message names that corner.
    [("XFD1048576", "XFD1048576"), ("ZZ200000", "ZZ200000"), ("A200001", "200001"), ("IW1", "IW")],
)
def test_a_workbook_reaching_far_out_is_refused_naming_the_cell_and_the_limit(address, named):
    with pytest.raises(LedgerError) as refused:
        read_ledger(workbook_with_cell_at(address), "台账.xlsx", COLUMNS)
    assert named in refused.value.message
    assert "200,000" in refused.value.message and "256" in refused.value.message


def test_the_refusal_is_in_chinese(settings):
    with pytest.raises(LedgerError) as refused:
        read_ledger(workbook_with_cell_at("XFD1048576"), "台账.xlsx", COLUMNS)
    assert "单元格 XFD1048576" in refused.value.message


def test_a_workbook_within_the_limits_is_read(agency):
    data = read_ledger(workbook_with_cell_at("Z20"), "台账.xlsx", COLUMNS)
    assert [row.number for row in data.rows] == [4]


def test_a_reader_that_needs_more_memory_than_allowed_dies_alone_and_is_reported(monkeypatch):
    """Past the address check (lifted here), the child's memory limit stops the reader; the web
    process only reads its exit status."""
    monkeypatch.setattr(ledger, "MAX_SHEET_ROWS", 10**7)
    monkeypatch.setattr(ledger, "MAX_SHEET_COLUMNS", 10**5)
    monkeypatch.setattr(ledger, "MAX_SHEET_CELLS", 10**12)
    monkeypatch.setattr(ledger, "READER_MEMORY_BYTES", 400 * 1024 * 1024)
    with pytest.raises(LedgerError) as refused:
        read_ledger(workbook_with_cell_at("ZZ200000"), "台账.xlsx", COLUMNS)
    assert "400 MB" in refused.value.message


def test_the_command_exits_with_the_message_not_an_abort(tmp_path, agency, admin_user):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(workbook_with_cell_at("XFD1048576"))
    with pytest.raises(CommandError):
        call_command("import_ledger", str(path), "--org", agency.code, stderr=io.StringIO())
    # And as a process: exit status 1 with the message, never 134 (SIGABRT).
    done = subprocess.run(
        [sys.executable, "manage.py", "import_ledger", str(path), "--org", "nowhere-at-all"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1


def _upload(client, organization, data, name, ledger_type="activities"):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    fields = {"ledger_type": ledger_type, "organization": organization.pk, "file": upload}
    return client.post(reverse("imports:upload"), fields)


def test_a_refused_upload_is_never_read_again_on_view(client_for, recorder, agency, monkeypatch):
    client = client_for(recorder)
    response = _upload(client, agency, workbook_with_cell_at("XFD1048576"), "台账.xlsx")
    batch = ImportBatch.objects.get()
    assert bytes(batch.data) == b""  # dropped: nothing left to read

    def no_reading(*args, **kwargs):
        raise AssertionError("the stored upload was read again")

    monkeypatch.setattr(ledger, "_workbook_sheets", no_reading)
    for _ in range(2):
        html = client.get(response["Location"]).content.decode()
        assert "XFD1048576" in html and "确认导入" not in html
    assert client.post(reverse("imports:confirm", args=[batch.pk])).status_code == 422


def test_the_preview_is_stored_once_and_paged(
    client_for, recorder, agency, staff, secretary, leader, monkeypatch
):
    rows = GOOD[:3] + [GOOD[3]] * 250
    client = client_for(recorder)
    response = _upload(client, agency, csv_bytes(rows), "台账.csv")
    batch = ImportBatch.objects.get()
    assert batch.preview["total_rows"] == 250

    monkeypatch.setattr(ledger, "read_ledger", lambda *a, **k: pytest.fail("read again"))
    first = client.get(response["Location"]).content.decode()
    assert first.count('<th scope="row">') == 100 and "第 1 页，共 3 页" in first
    last = client.get(response["Location"], {"page": 3}).content.decode()
    assert last.count('<th scope="row">') == 50


# ---------------------------------------------------------------------------- finding 2


def test_a_recorders_import_waits_for_review_and_the_secretary_approves_it_as_one(
    client_for, recorder, secretary, staff, leader, agency
):
    client = client_for(recorder)
    page = client.get(reverse("imports:upload")).content.decode()
    assert "等待书记审核" in page  # the page says what will happen
    response = _upload(client, agency, csv_bytes(GOOD), "台账.csv")
    assert "等待书记审核" in client.get(response["Location"]).content.decode()
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:confirm", args=[batch.pk]))
    imported = Activity.objects.filter(organization=agency)
    assert {a.status for a in imported} == {Activity.Status.SUBMITTED}
    assert not imported.filter(reviewed_by=recorder).exists()

    # A recorder may not approve them, not even all at once.
    assert client.post(reverse("imports:approve", args=[batch.pk])).status_code == 403
    reviewer = client_for(secretary)
    page = reviewer.get(reverse("imports:upload")).content.decode()
    assert "台账.csv" in page and "全部通过" in page
    reviewer.post(reverse("imports:approve", args=[batch.pk]))
    approved = Activity.objects.filter(organization=agency)
    assert {(a.status, a.reviewed_by_id) for a in approved} == {(Activity.Status.APPROVED, secretary.pk)}


def test_a_recorder_may_not_close_an_item_by_import(agency, recorder, secretary, staff):
    result = ledger_import(
        ledger_type="rectification",
        data=csv_bytes(RECTIFICATION),
        filename="a.csv",
        organization=agency,
        user=recorder,
    )
    assert [issue.column for issue in result.errors] == ["状态"]
    assert not RectificationItem.objects.exists()


def test_a_recorder_may_not_import_points(client_for, agency, recorder, secretary, staff):
    result = ledger_import(
        ledger_type="points", data=csv_bytes(POINTS), filename="a.csv", organization=agency, user=recorder
    )
    assert not result.ok and not StudyPoints.objects.exists()
    response = _upload(client_for(recorder), agency, csv_bytes(POINTS), "积分.csv", ledger_type="points")
    assert response.status_code == 200 and "只有书记或管理员" in response.content.decode()
