"""The year's study archive (学习档案): the zip an agency hands over when the committee inspects it."""

import datetime
import io
import shutil
import subprocess
import zipfile

import docx
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Attachment, Attendance, StudyPlan
from reports.archive import safe_name, write_archive
from reports.models import ExportJob
from reports.services import summary_finalize
from studyportal.accounts.models import Organization, User
from tests.factories import ActivityFactory, AttendanceFactory
from tests.reports.test_export_background import switch_tasks_on

YEAR = 2022
UTF8_NAME_FLAG = 0x800
GROUP_FOLDERS = {"leading": "领学", "experiential": "助学", "practice": "检学"}
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF\x00" + bytes(range(256)) * 8 + b"\xff\xd9"


def _index_rows(data: bytes) -> list[list[str]]:
    word = docx.Document(io.BytesIO(data))
    table = word.tables[0]
    return [[cell.text for cell in row.cells] for row in table.rows]


def _attach(activity, name: str, content: bytes) -> Attachment:
    return Attachment.objects.create(
        activity=activity,
        file=ContentFile(content, name="stored.bin"),
        original_name=name,
        content_type="image/jpeg",
        size=len(content),
        uploaded_by=activity.recorded_by,
    )


def test_the_demo_year_archive_holds_every_approved_activity_with_its_sheet_and_files(tmp_path, db):
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    bureau = Organization.objects.get(code="gongxinju")
    approved = list(
        Activity.objects.alive()
        .approved()
        .of_year(YEAR)
        .filter(organization__path__startswith=bureau.path)
        .order_by("date", "start_time", "id")
    )
    assert len(approved) > 100
    lecture = next(activity for activity in approved if activity.kind == "party_lecture")
    visit = next(activity for activity in approved if activity.kind == "field_visit")
    _attach(lecture, "签到表.jpg", JPEG)
    _attach(lecture, "签到表.jpg", JPEG[::-1])  # the same name twice: both kept
    _attach(visit, "现场照片/合影?.jpg", JPEG)  # characters no file system takes in a name
    someone = User.objects.filter(agency=bureau).exclude(attendances__activity=lecture).first()
    Attendance.objects.create(activity=lecture, person=someone, status=Attendance.Status.LEAVE)

    output = tmp_path / "archive.zip"
    out = io.StringIO()
    call_command("export_archive", org="gongxinju", year=YEAR, output=str(output), stdout=out)
    assert f"（{len(approved)}次活动）" in out.getvalue()

    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
        # Every name that is not ASCII carries the UTF-8 flag, which Windows' zip tool and WPS read.
        infos = archive.infolist()
        assert all(info.flag_bits & UTF8_NAME_FLAG for info in infos if not info.filename.isascii())
        assert "目录.docx" in names
        rows = _index_rows(archive.read("目录.docx"))
        assert rows[0][:4] == ["序号", "日期", "类型", "主题"]
        assert [row[3] for row in rows[1:]] == [activity.title for activity in approved]
        assert [row[1] for row in rows[1:]] == [activity.date.isoformat() for activity in approved]
        lecture_row = rows[1 + approved.index(lecture)]
        assert lecture.speaker_display in lecture_row[4]
        leave = lecture.attendances.filter(status=Attendance.Status.LEAVE).count()
        leave_line = next(line for line in lecture_row[5].splitlines() if line.startswith("请假"))
        assert leave_line.startswith(f"请假（{leave}）：") and someone.real_name in leave_line

        folders = {name.rsplit("/", 1)[0] for name in names if name.count("/") == 2}
        assert len(folders) == len(approved)
        for activity in approved:
            folder = (
                f"{GROUP_FOLDERS[activity.group]}/"
                f"{activity.date.isoformat()} {safe_name(activity.title, limit=40)}"
            )
            assert f"{folder}/记录表.docx" in names or any(
                name.startswith(folder) and name.endswith("/记录表.docx") for name in names
            )
        lecture_folder = next(
            name.rsplit("/", 1)[0]
            for name in names
            if name.startswith(f"领学/{lecture.date.isoformat()} {lecture.title[:10]}")
        )
        assert archive.read(f"{lecture_folder}/签到表.jpg") == JPEG
        assert archive.read(f"{lecture_folder}/签到表（2）.jpg") == JPEG[::-1]
        sheet = docx.Document(io.BytesIO(archive.read(f"{lecture_folder}/记录表.docx")))
        assert sheet.paragraphs[0].text == "党课记录表"
        cells = {row.cells[0].text: row.cells[1].text for row in sheet.tables[0].rows}
        assert cells["主题"] == lecture.title
        assert cells["请假人员"].startswith(f"（{leave}）") and someone.real_name in cells["请假人员"]
        assert "签到表（2）.jpg" in cells["佐证材料"]
        assert any(name.endswith("/现场照片_合影_.jpg") and name.startswith("助学/") for name in names)
        # Then the plan, the summary and the registers.
        assert any(name.endswith("工作总结（草稿）.docx") for name in names)
        for register in ("整改事项.xlsx", "学习积分.xlsx", "上稿.xlsx"):
            assert register in names
        if StudyPlan.objects.filter(agency=bureau, year=YEAR).exists():
            assert any("计划" in name and name.endswith(".docx") for name in names)

    unzip = shutil.which("unzip")
    if unzip is None:
        pytest.skip("unzip is not installed (.ci/run installs it)")
    target = tmp_path / "unzipped"
    subprocess.run([unzip, "-q", str(output), "-d", str(target)], check=True, timeout=120)
    assert (target / "目录.docx").is_file()
    assert (target / lecture_folder / "签到表（2）.jpg").read_bytes() == JPEG[::-1]
    assert len(list(target.glob("*/*/记录表.docx"))) == len(approved)


def test_a_final_summary_is_archived_as_final(tmp_path, agency, secretary):
    ActivityFactory(organization=agency, recorded_by=secretary)
    summary_finalize(agency=agency, year=YEAR, by=secretary)
    with zipfile.ZipFile(_archive(tmp_path, agency)) as archive:
        assert any(name.endswith("（定稿）.docx") for name in archive.namelist())


def _archive(tmp_path, organization):
    output = tmp_path / "a.zip"
    write_archive(organization=organization, year=YEAR, stream=output)
    return output


def test_a_branch_archive_holds_the_branch_activities_and_its_points_only(
    tmp_path, agency, branch, secretary
):
    ActivityFactory(organization=branch, recorded_by=secretary, title="支部的学习")
    ActivityFactory(organization=agency, recorded_by=secretary, title="机关的学习")
    with zipfile.ZipFile(_archive(tmp_path, branch)) as archive:
        names = archive.namelist()
        titles = [row[3] for row in _index_rows(archive.read("目录.docx"))[1:]]
    assert titles == ["支部的学习"]
    assert "学习积分.xlsx" in names and "整改事项.xlsx" not in names


def test_drafts_and_deleted_records_stay_out_of_the_archive(tmp_path, agency, secretary):
    ActivityFactory(organization=agency, recorded_by=secretary, title="已审核")
    ActivityFactory(organization=agency, recorded_by=secretary, title="草稿", status=Activity.Status.DRAFT)
    ActivityFactory(
        organization=agency, recorded_by=secretary, title="另一年", date=datetime.date(2021, 5, 1)
    )
    ActivityFactory(organization=agency, recorded_by=secretary, title="已删除", deleted_at=timezone.now())
    with zipfile.ZipFile(_archive(tmp_path, agency)) as archive:
        titles = [row[3] for row in _index_rows(archive.read("目录.docx"))[1:]]
    assert titles == ["已审核"]


def test_safe_name_keeps_chinese_and_drops_what_windows_refuses():
    assert safe_name("学习《条例》：第1/2讲?") == "学习《条例》：第1_2讲_"
    assert safe_name("  ...  ") == "_"
    assert safe_name("标题. ") == "标题"


def test_the_command_refuses_a_committee_and_an_unknown_code(committee):
    with pytest.raises(CommandError, match="不是机关或党支部"):
        call_command("export_archive", org=committee.code, year=YEAR, output="/dev/null")
    with pytest.raises(CommandError, match="nothing"):
        call_command("export_archive", org="nothing", year=YEAR, output="/dev/null")


# --- the pages ----------------------------------------------------------------------------------------


def test_the_secretary_downloads_the_archive_and_its_index_page_lists_the_records(
    client_for, agency, secretary, staff
):
    activity = ActivityFactory(organization=agency, recorded_by=secretary, title="学习党章")
    AttendanceFactory(activity=activity, person=staff)
    client = client_for(secretary)
    page = client.get(reverse("exports:archive", args=[YEAR]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "学习党章" in text and staff.real_name in text
    response = client.get(reverse("exports:archive_zip", args=[YEAR]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "2022" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert any(name.endswith("/记录表.docx") for name in archive.namelist())


@pytest.mark.parametrize("name", ["exports:archive", "exports:archive_zip"])
def test_the_archive_is_scoped_like_every_download(client, client_for, name, staff, outsider, other_agency):
    url = reverse(name, args=[YEAR])
    assert client.get(url).status_code == 302  # logged out: to the login page
    assert client_for(staff).get(url).status_code == 403  # names people: secretary or admin
    assert client_for(outsider).get(f"{url}?org=agency").status_code == 404
    assert client_for(outsider).get(f"{url}?org=committee").status_code == 404


def test_the_archive_is_not_for_a_committee_or_a_wrong_method(client_for, committee_admin, secretary):
    assert (
        client_for(committee_admin)
        .get(reverse("exports:archive", args=[YEAR]) + "?org=committee")
        .status_code
        == 404
    )
    assert client_for(secretary).post(reverse("exports:archive_zip", args=[YEAR])).status_code == 405
    assert client_for(secretary).post(reverse("exports:archive", args=[YEAR])).status_code == 405


def test_the_branch_secretary_of_another_branch_cannot_open_this_one(
    client_for, branch, other_branch, outsider
):
    assert (
        client_for(outsider).get(reverse("exports:archive", args=[YEAR]) + "?org=branch").status_code == 404
    )


def test_with_background_exports_the_archive_is_prepared_then_downloaded(
    settings, client_for, agency, secretary
):
    switch_tasks_on(settings, "immediate")
    ActivityFactory(organization=agency, recorded_by=secretary, title="后台打包")
    client = client_for(secretary)
    page = client.get(reverse("exports:archive", args=[YEAR]))
    assert 'id="archive-start"' in page.content.decode()
    assert client.get(reverse("exports:archive_zip", args=[YEAR])).status_code == 302
    started = client.post(reverse("exports:archive_zip", args=[YEAR]))
    assert started.status_code == 303
    job = ExportJob.objects.get()
    assert job.kind == ExportJob.Kind.ARCHIVE and job.status == ExportJob.Status.DONE
    status = client.get(started["Location"])
    assert "学习档案" in status.content.decode()
    download = client.get(reverse("exports:job_download", args=[job.pk]))
    assert download["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        titles = [row[3] for row in _index_rows(archive.read("目录.docx"))[1:]]
    assert titles == ["后台打包"]
