"""One material-title parser (activities/materials.py) for the form, the importer and the summary."""

import pytest

from activities.materials import book, material_title, parse_material_titles
from activities.models import Activity, Attendance, Kind, StudyMaterial
from activities.stats import stats_rebuild
from reports.summary import build_summary

from .test_views import form_data, new_url

SPELLINGS = [
    "《习近平谈治国理政》第四卷",
    "《习近平谈治国理政》（第四卷）",
    "《习近平谈治国理政（第四卷）》",
    "《习近平谈治国理政》第4卷",
    "《习近平谈治国理政》(第4卷)",
    "习近平谈治国理政（第四卷）",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_of_a_volume_is_one_material_written_with_its_volume(spelling):
    (title,), rest = parse_material_titles(spelling)
    assert (title, rest) == ("习近平谈治国理政（第四卷）", "")
    assert book(title) == "《习近平谈治国理政》第四卷"


@pytest.mark.parametrize("spelling", SPELLINGS[:5])
def test_a_ledger_keeps_the_volume_with_the_book_not_in_the_notes(spelling):
    assert parse_material_titles(spelling + "和学习笔记", bare_titles=False) == (
        ["习近平谈治国理政（第四卷）"],
        "和学习笔记",
    )


def test_titles_that_follow_each_other_and_doubled_marks_are_read_apart():
    assert parse_material_titles("《甲》第二卷《乙》、《《丙》》")[0] == ["甲（第二卷）", "乙", "丙"]


def test_marks_are_always_balanced_and_never_doubled():
    for text in ["《习近平谈治国理政》第四卷》", "《《习近平谈治国理政》第四卷》", "习近平谈治国理政》"]:
        written = book(material_title(parse_material_titles(text)[0][0]))
        assert written.count("《") == written.count("》") == 1


def test_a_volume_typed_in_the_form_is_one_material_and_the_summary_writes_it_once(
    client_for, staff, secretary, agency, branch
):
    for text in ("《习近平谈治国理政》第四卷", "《习近平谈治国理政（第四卷）》"):
        data = form_data(Kind.CENTRAL_GROUP_STUDY, agency, materials_text=text)
        client_for(staff).post(new_url(Kind.CENTRAL_GROUP_STUDY, agency), data)
    assert list(StudyMaterial.objects.values_list("title", flat=True)) == ["习近平谈治国理政（第四卷）"]
    Activity.objects.update(status=Activity.Status.APPROVED)
    stats_rebuild()
    leading = next(s.text for s in build_summary(agency=agency, year=2022) if s.key == "leading")
    assert leading.count("《习近平谈治国理政》第四卷") == 1
    assert "《《" not in leading and "第四卷》" not in leading


def test_the_form_records_the_branch_and_who_was_on_leave_or_absent(
    client_for, recorder, staff, leader, branch
):
    data = form_data(
        Kind.BRANCH_COMMITTEE,
        branch,
        **{f"att_{recorder.pk}": "present", f"att_{staff.pk}": "leave", f"att_{leader.pk}": "absent"},
    )
    client_for(recorder).post(new_url(Kind.BRANCH_COMMITTEE, branch), data)
    activity = Activity.objects.get()
    assert activity.organization == branch
    assert dict(activity.attendances.values_list("person__real_name", "status")) == {
        "李四": Attendance.Status.PRESENT,
        "张三": Attendance.Status.LEAVE,
        "赵局长": Attendance.Status.ABSENT,
    }
