"""The year's study archive (学习档案) an agency hands over when the committee inspects it.

One zip per agency-year (or per branch): an index (目录, Word in the GB/T 9704 layout, and the same
table as a printable page) listing every approved activity by date; one folder per group (领学 / 助学 /
检学) and in it one per activity, named by date and title, holding its record sheet (Word) and its
evidence files as uploaded; then the plan, the summary (the final text when final), the rectification
register and the points and publicity sheets.

Memory stays bounded whatever the number of files: the zip is written to a file (a temporary one for
a download), each evidence file is copied into it in chunks from the storage, and each workbook is
written to a temporary file first. Only the activities' metadata (names, titles, file names) is held,
a few hundred bytes an activity. Python's zipfile sets the UTF-8 name flag (bit 11) on every
non-ASCII name, so Windows' own zip tool and WPS show the Chinese names.

One module although long: the archive's entries, its documents (index, record sheets, plan) and the
zip writer that puts them in folders are one export, read and changed together.
"""

import datetime
import re
import shutil
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from activities import kinds
from activities.models import RECORD_FIELDS, Activity, Attachment, Attendance, Group, StudyPlan
from reports import services
from reports.document import Document, Paragraph, Table
from reports.exporters.docx import document_to_docx
from reports.exporters.xlsx import REGISTERS, _chunks, _materials_of, register_title, register_workbook
from studyportal.accounts.models import Organization
from studyportal.names import person_name_key

CHUNK_SIZE = 500
GROUPS = (Group.LEADING, Group.EXPERIENTIAL, Group.PRACTICE)
# Evidence is mostly photos, PDFs and Office files, already compressed: stored as they are.
STORED_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".pdf", ".docx", ".xlsx")
# Characters Windows refuses in a file name, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
TITLE_IN_NAME = 40  # characters of a title in a folder name; Windows paths stop at 260


@dataclass
class ArchiveEntry:
    """One approved activity as the archive shows it."""

    pk: int
    date: datetime.date
    start_time: datetime.time | None
    end_time: datetime.time | None
    organization: str
    kind: str
    title: str
    location: str
    speaker: str
    given_by_leader: bool
    oath_renewed: bool
    households_reached: int | None
    enterprises_reached: int | None
    outside_headcount: int
    hours: object
    notes: str
    recorded_by: str
    reviewed_by: str
    reviewed_at: datetime.datetime | None
    materials: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    leave: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    # (name in storage, name as uploaded)
    files: list[tuple[str, str]] = field(default_factory=list)

    @property
    def group(self) -> str:
        return kinds.spec(self.kind).group

    @property
    def kind_label(self) -> str:
        return str(kinds.spec(self.kind).label)


def archive_organization_kinds():
    return [Organization.Kind.AGENCY, Organization.Kind.BRANCH]


# What the archive reads of a record: every field its author filled in, then who recorded and reviewed
# it; people and the organization by name.
_ENTRY_FIELDS = ("pk", *RECORD_FIELDS, "recorded_by", "reviewed_by", "reviewed_at")
_READ_AS = {
    "organization": "organization__name",
    "speaker": "speaker__real_name",
    "recorded_by": "recorded_by__real_name",
    "reviewed_by": "reviewed_by__real_name",
}


def archive_entries(*, organization: Organization, year: int) -> list[ArchiveEntry]:
    """The approved activities of the organization's subtree in `year`, by date; four queries a chunk
    of CHUNK_SIZE (activities, materials, attendance, attachments), never one per activity."""
    activities = (
        Activity.objects.alive()
        .approved()
        .of_year(year)
        .filter(organization__path__startswith=organization.path)
        .order_by("date", "start_time", "id")
        .values_list(*(_READ_AS.get(name, name) for name in _ENTRY_FIELDS))
    )
    entries = []
    for chunk in _chunks(activities.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        ids = [row[0] for row in chunk]
        materials = _materials_of(ids)
        attendance = defaultdict(lambda: defaultdict(list))
        for activity_id, status, name in Attendance.objects.filter(activity_id__in=ids).values_list(
            "activity_id", "status", "person__real_name"
        ):
            attendance[activity_id][status].append(name)
        files = defaultdict(list)
        for activity_id, stored, original in (
            Attachment.objects.filter(activity_id__in=ids)
            .order_by("uploaded_at", "id")
            .values_list("activity_id", "file", "original_name")
        ):
            files[activity_id].append((stored, original))
        for row in chunk:
            values = dict(zip(_ENTRY_FIELDS, row, strict=True))
            speaker_name = values.pop("speaker_name")
            values["speaker"] = values["speaker"] or speaker_name
            entry = ArchiveEntry(**values)
            pk = entry.pk
            entry.materials = materials.get(pk, [])
            by_status = attendance.get(pk, {})
            entry.present, entry.leave, entry.absent = (
                sorted(by_status.get(status, []), key=person_name_key)
                for status in (Attendance.Status.PRESENT, Attendance.Status.LEAVE, Attendance.Status.ABSENT)
            )
            entry.files = files.get(pk, [])
            entries.append(entry)
    return entries


# --- documents -------------------------------------------------------------------------------------


def archive_title(organization: Organization, year: int) -> str:
    return _("%(organization)s %(year)s study archive") % {"organization": organization.name, "year": year}


def _names(names: list[str]) -> str:
    return "、".join(names) if names else pgettext("archive", "none")


def _attendance_text(entry: ArchiveEntry) -> str:
    lines = [
        pgettext("archive", "Present (%(count)s): %(names)s")
        % {"count": len(entry.present), "names": _names(entry.present)}
    ]
    if entry.leave:
        lines.append(
            pgettext("archive", "On leave (%(count)s): %(names)s")
            % {"count": len(entry.leave), "names": _names(entry.leave)}
        )
    if entry.absent:
        lines.append(
            pgettext("archive", "Absent (%(count)s): %(names)s")
            % {"count": len(entry.absent), "names": _names(entry.absent)}
        )
    if entry.outside_headcount:
        lines.append(pgettext("archive", "Others: %(count)s") % {"count": entry.outside_headcount})
    return "\n".join(lines)


def _materials_text(entry: ArchiveEntry) -> str:
    return "".join(f"《{title}》" for title in entry.materials)


def _hours_text(hours) -> str:
    return "" if hours is None else f"{hours:g}"


def index_document(*, organization: Organization, year: int, entries: list[ArchiveEntry], others: list[str]):
    """The archive's index (目录): every activity by date, then the other files the archive holds."""
    document = Document(
        title=_("%(organization)s %(year)s study archive: index")
        % {"organization": organization.name, "year": year},
        signature=organization.name,
    )
    document.paragraphs.append(
        Paragraph(
            pgettext(
                "archive",
                "%(count)s approved activities, by date; each has its folder in the group's folder.",
            )
            % {"count": len(entries)}
        )
    )
    document.paragraphs.append(
        Table(
            header=[
                pgettext("archive", "No."),
                pgettext("archive", "Date"),
                pgettext("archive", "Kind"),
                pgettext("archive", "Title"),
                pgettext("archive", "Speaker"),
                pgettext("archive", "Attendance"),
                pgettext("archive", "Study materials"),
                pgettext("archive index", "Hours"),
            ],
            rows=[
                [
                    str(number),
                    entry.date.isoformat(),
                    entry.kind_label,
                    entry.title,
                    entry.speaker,
                    _attendance_text(entry),
                    _materials_text(entry),
                    _hours_text(entry.hours),
                ]
                for number, entry in enumerate(entries, start=1)
            ],
            widths=(3, 13, 8, 16, 6, 18, 12, 5),
        )
    )
    if others:
        document.paragraphs.append(Paragraph(pgettext("archive", "Also in this archive"), "heading1"))
        document.paragraphs.extend(Paragraph(f"{number}. {name}") for number, name in enumerate(others, 1))
    return document


def record_sheet(entry: ArchiveEntry, file_names: list[str]) -> Document:
    """One activity's record sheet (活动记录表): what was held, who came, what was studied."""
    when = entry.date.isoformat()
    if entry.start_time:
        when += f" {entry.start_time:%H:%M}"
        if entry.end_time:
            when += f"–{entry.end_time:%H:%M}"
    rows = [
        [pgettext("archive", "Organization"), entry.organization],
        [pgettext("archive", "Kind"), entry.kind_label],
        [pgettext("archive", "Date"), when],
        [pgettext("archive", "Location"), entry.location],
        [pgettext("archive", "Title"), entry.title],
        [pgettext("archive", "Speaker"), entry.speaker],
    ]
    if entry.given_by_leader:
        rows.append([pgettext("archive", "Given by a leader"), pgettext("archive", "yes")])
    if entry.group == Group.EXPERIENTIAL:
        rows.append(
            [
                pgettext("archive", "Party oath renewed"),
                pgettext("archive", "yes") if entry.oath_renewed else pgettext("archive", "no"),
            ]
        )
    if entry.households_reached is not None:
        rows.append([pgettext("archive", "Households reached"), str(entry.households_reached)])
    if entry.enterprises_reached is not None:
        rows.append([pgettext("archive", "Enterprises reached"), str(entry.enterprises_reached)])
    rows += [
        [pgettext("archive", "Present"), f"（{len(entry.present)}）{_names(entry.present)}"],
        [pgettext("archive", "On leave"), f"（{len(entry.leave)}）{_names(entry.leave)}"],
        [pgettext("archive", "Absent"), f"（{len(entry.absent)}）{_names(entry.absent)}"],
        [pgettext("archive", "Other participants"), str(entry.outside_headcount)],
        [pgettext("archive", "Study materials"), _materials_text(entry)],
        [pgettext("archive", "Hours"), _hours_text(entry.hours)],
        [pgettext("archive", "Notes / minutes"), entry.notes],
        [pgettext("archive", "Recorded by"), entry.recorded_by or ""],
        [
            pgettext("archive", "Approved by"),
            " ".join(
                part
                for part in (
                    entry.reviewed_by or "",
                    timezone.localdate(entry.reviewed_at).isoformat() if entry.reviewed_at else "",
                )
                if part
            ),
        ],
        [pgettext("archive", "Evidence files"), "\n".join(file_names) or pgettext("archive", "none")],
    ]
    return Document(
        title=pgettext("archive", "%(kind)s record sheet") % {"kind": entry.kind_label},
        paragraphs=[Table(rows=rows, widths=(1, 4))],
    )


def plan_document(*, agency: Organization, year: int) -> Document | None:
    plan = StudyPlan.objects.filter(agency=agency, year=year).first()
    if plan is None:
        return None
    items = plan.items.select_related("lead").order_by("month", "id")
    return Document(
        title=plan.title or _("%(agency)s %(year)s study plan") % {"agency": agency.name, "year": year},
        signature=agency.name,
        paragraphs=[
            Table(
                header=[
                    pgettext("archive", "Month"),
                    pgettext("archive", "Kind"),
                    pgettext("archive", "Topic"),
                    pgettext("archive", "Measures"),
                    pgettext("archive", "Lead"),
                ],
                rows=[
                    [
                        str(item.month or ""),
                        str(kinds.spec(item.kind).label) if item.kind else "",
                        item.topic,
                        item.measures,
                        item.lead.real_name if item.lead_id else "",
                    ]
                    for item in items
                ],
                widths=(2, 4, 10, 10, 3),
            )
        ],
    )


# --- names in the zip ------------------------------------------------------------------------------


def safe_name(text: str, *, limit: int = 80) -> str:
    """A file or folder name every system accepts: no path separators or reserved characters, no
    trailing dot or space (Windows drops them), not empty."""
    name = _UNSAFE.sub("_", " ".join(str(text).split()))[:limit].rstrip(". ")
    return name or "_"


class _UniqueNames:
    """Names within one folder, a second "x.jpg" becoming "x（2）.jpg"."""

    def __init__(self):
        self.taken: set[str] = set()

    def __call__(self, name: str) -> str:
        stem, dot, suffix = name.rpartition(".")
        if not dot or "/" in suffix:
            stem, suffix = name, ""
        candidate, number = name, 1
        while candidate.lower() in self.taken:
            number += 1
            candidate = f"{stem}（{number}）" + (f".{suffix}" if suffix else "")
        self.taken.add(candidate.lower())
        return candidate


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = (
        zipfile.ZIP_STORED if name.lower().endswith(STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
    )
    info.external_attr = 0o644 << 16
    return info


def _write_temp(archive: zipfile.ZipFile, name: str, write) -> None:
    """Write a file with `write(stream)` to a temporary file, then copy it into the zip in chunks."""
    with tempfile.TemporaryFile() as stream:
        write(stream)
        stream.seek(0)
        with archive.open(_info(name), "w") as target:
            shutil.copyfileobj(stream, target, 1 << 20)


# --- the zip ---------------------------------------------------------------------------------------


def write_archive(*, organization: Organization, year: int, stream, storage=None) -> list[ArchiveEntry]:
    """Write the archive of `organization` (an agency or a branch, with everything under it) for
    `year` to `stream` (a path or a binary file). Returns the activities it holds."""
    from django.core.files.storage import default_storage

    storage = storage or default_storage
    entries = archive_entries(organization=organization, year=year)
    is_agency = organization.kind == Organization.Kind.AGENCY
    extras = _extra_files(organization, year, is_agency)
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        index = index_document(
            organization=organization, year=year, entries=entries, others=[name for name, _write in extras]
        )
        index_name = pgettext("archive", "Index") + ".docx"
        archive.writestr(_info(index_name), document_to_docx(index))
        folders = {group: _UniqueNames() for group in GROUPS}
        sheet_name = pgettext("archive", "Record sheet") + ".docx"
        for entry in entries:
            group_folder = safe_name(Group(entry.group).label)
            folder = folders[entry.group](
                f"{entry.date.isoformat()} {safe_name(entry.title, limit=TITLE_IN_NAME)}"
            )
            names = _UniqueNames()
            names(sheet_name)
            file_names = [names(safe_name(original, limit=120)) for _stored, original in entry.files]
            archive.writestr(
                _info(f"{group_folder}/{folder}/{sheet_name}"),
                document_to_docx(record_sheet(entry, file_names)),
            )
            for (stored, _original), name in zip(entry.files, file_names, strict=True):
                with (
                    storage.open(stored, "rb") as source,
                    archive.open(_info(f"{group_folder}/{folder}/{name}"), "w") as target,
                ):
                    shutil.copyfileobj(source, target, 1 << 20)
        for name, write in extras:
            _write_temp(archive, name, write)
    return entries


def _extra_files(organization, year, is_agency):
    """(name, writer) of the plan, the summary and the registers the archive holds after the activities."""
    files = []
    subtree = organization.subtree()
    if is_agency:
        plan = plan_document(agency=organization, year=year)
        if plan is not None:
            files.append((f"{safe_name(plan.title)}.docx", _docx_writer(plan)))
        summary = services.summary_get(agency=organization, year=year)
        document = services.summary_document(agency=organization, year=year)
        state = (
            pgettext("archive", "final")
            if summary is not None and summary.is_final
            else pgettext("archive", "draft")
        )
        files.append((f"{safe_name(document.title)}（{state}）.docx", _docx_writer(document)))
        registers = REGISTERS
    else:
        # The plan, the summary, rectification and publicity are the agency's; a branch's archive
        # keeps its members' study points.
        registers = ("points",)
    for register in registers:
        title = register_title(register)
        files.append(
            (
                f"{safe_name(title)}.xlsx",
                lambda stream, register=register: register_workbook(
                    organizations=subtree, year=year, stream=stream, register=register
                ),
            )
        )
    return files


def _docx_writer(document):
    return lambda stream: stream.write(document_to_docx(document))
