"""The activities ledger: the sessions, their attendance and materials, written in bulk."""

import operator

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from studyportal.accounts.models import Organization, Role
from studyportal.accounts.scoping import has_role
from studyportal.audit.models import AuditEntry
from studyportal.audit.services import audit_record_bulk_values, audit_record_values, model_label
from studyportal.bulk import insert_rows, shared_values

from .. import kinds
from ..materials import parse_material_titles
from ..models import Activity, Attendance, StudyMaterial
from ..stats import stats_rebuild
from .core import CREATED, UNCHANGED, Importer, _choice, _key, _names, not_among_people
from .ledger import Column, parse_date, parse_hours, parse_int


class ActivitiesImporter(Importer):
    ledger_type = "activities"
    label = gettext_lazy("Activities")
    columns = [
        Column("date", ("日期", "时间", "活动日期"), "date", required=True),
        Column("kind", ("类型", "活动类型"), "kind", required=True),
        Column("title", ("主题", "活动主题", "学习主题"), "title", required=True),
        Column("location", ("地点", "活动地点"), "location"),
        Column("speaker", ("主讲人/领学人", "主讲人", "领学人", "主讲人（领学人）"), "speaker"),
        Column("attendees", ("参加人员",), "attendees"),
        Column("headcount", ("参加人数",), "headcount"),
        Column("hours", ("时长", "学时", "时长(小时)"), "hours"),
        Column("materials", ("学习内容", "学习材料"), "materials"),
        Column("notes", ("备注",), "notes"),
        Column("branch", ("党支部", "所属党支部", "举办党支部"), "branch"),
        Column("on_leave", ("请假人员",), "on_leave"),
        Column("absent", ("缺席人员",), "absent"),
    ]
    # The attendance columns, each with the status it gives the people it names.
    attendance_columns = (
        ("attendees", Attendance.Status.PRESENT),
        ("on_leave", Attendance.Status.LEAVE),
        ("absent", Attendance.Status.ABSENT),
    )

    def prepare(self, ledger):
        self._titles_of = {}
        self.people = self.people_by_name()
        # A branch is named by its name or its code, within the agency.
        self.branches = {}
        for branch in Organization.objects.filter(parent=self.agency, kind=Organization.Kind.BRANCH):
            self.branches[branch.name] = self.branches[branch.code] = branch

    def _branch(self, row):
        text = row.get("branch", max_length=100)
        if not text:
            return self.organization
        branch = self.branches.get(text)
        if branch is None:
            known = "、".join(sorted({b.name for b in self.branches.values()}))
            row.error(
                "branch",
                _(
                    "%(agency)s has no Party branch named “%(value)s” (its branches: %(known)s). "
                    "Write a branch's name or code, or add the branch first (import the people "
                    "ledger with its 党支部 column, or add_org --kind branch)."
                )
                % {"agency": self.agency.name, "value": text, "known": known or _("none yet")},
            )
            return None
        if self.organization.kind == Organization.Kind.BRANCH and branch != self.organization:
            row.error(
                "branch",
                _("This ledger is imported for %(branch)s; a row of %(other)s belongs in its own import.")
                % {"branch": self.organization.name, "other": branch.name},
            )
            return None
        return branch

    def _attendance(self, row) -> tuple[dict, list[str]]:
        """Person's name → status from 参加人员, 请假人员 and 缺席人员 (a name in two of them is an
        error), and the names 参加人员 lists. By name, not by person: a city's ledger names a million
        people, and a person as a dict's key costs a call each time."""
        statuses, column_of, present = {}, {}, []
        for key, status in self.attendance_columns:
            names = _names(row.get(key) or "")
            if key == "attendees":
                present = names
            unknown = [name for name in names if name not in self.people]
            if unknown:
                not_among_people(row, key, unknown)
            twice = [name for name in names if name in column_of]
            if twice:
                row.error(
                    key,
                    _("%(names)s also listed under 「%(other)s」; a person has one status at a session.")
                    % {"names": "、".join(twice), "other": row.header(column_of[twice[0]])},
                )
            for name in names:
                if name in self.people and name not in column_of:
                    column_of[name] = key
                    statuses[name] = status
        return statuses, present

    def _titles(self, text: str) -> tuple[list[str], str]:
        """`parse_material_titles` of a 学习内容 cell, each distinct text read once: a ledger names the
        same few books over and over."""
        if text not in self._titles_of:
            titles, leftover = parse_material_titles(text, bare_titles=False)
            self._titles_of[text] = tuple(titles), leftover
        titles, leftover = self._titles_of[text]
        return list(titles), leftover

    def clean(self, row):
        kind_text = row.get("kind", required=True)
        kind = _choice(kinds.names(), kind_text) if kind_text else None
        spec = kinds.get(kind)
        if kind_text and kind is None:
            row.error(
                "kind",
                _("Unknown kind “%(value)s”; use one such as %(examples)s.")
                % {
                    "value": kind_text,
                    "examples": "、".join(other.zh for other in kinds.KINDS[:6]),
                },
            )
        item = {
            "date": row.get("date", parse_date, required=True),
            "kind": kind,
            "title": row.get("title", required=True, max_length=200),
            "location": row.get("location", max_length=200) or "",
            "hours": row.get("hours", parse_hours),
            "notes": row.get("notes") or "",
        }
        speaker = row.get("speaker", max_length=100) or ""
        if spec and "speaker" in spec.requires and not speaker:
            row.error("speaker", _("A lecture needs its speaker."))
        if spec and "site" in spec.requires and not item["location"]:
            row.error("location", _("A field visit needs its site."))
        item["speaker"] = self.people.get(speaker)
        item["speaker_name"] = "" if item["speaker"] else speaker
        item["organization"] = self._branch(row)
        item["attendance"], names = self._attendance(row)
        headcount = row.get("headcount", parse_int)
        # 参加人数 counts everyone; those not named in 参加人员 are the outside participants.
        item["outside_headcount"] = max((headcount or 0) - len(names), 0)
        titles, leftover = self._titles(row.get("materials") or "")
        if spec and "film" in spec.requires and not titles:
            titles = self._titles(item["title"] or "")[0]
        if leftover:
            # Study content written without 《》 is kept, not turned into a book title.
            item["notes"] = "\n".join(
                filter(None, [_("Study content: %(text)s") % {"text": leftover}, item["notes"]])
            )
        item["materials"] = titles
        item["oath_renewed"] = "重温入党誓词" in f"{item['title']}{item['notes']}"
        item["key"] = _key(
            self.ledger_type,
            self.organization.pk,
            item["date"],
            kind,
            item["title"],
            item["location"],
            speaker,
            sorted(names),
            headcount,
            item["hours"],
            item["materials"],
            item["notes"],
            *self._key_extras(item),
        )
        return item

    def _key_extras(self, item) -> list:
        """The branch and who was on leave or absent, in the row's key only when given, so that a
        ledger imported before these columns existed keeps its keys (and imports nothing twice)."""
        organization = item["organization"]
        missing = sorted(
            f"{name}:{status}"
            for name, status in item["attendance"].items()
            if status != Attendance.Status.PRESENT
        )
        if organization == self.organization and not missing:
            return []
        return [organization.pk if organization else None, missing]

    # Rows written per round of bulk inserts: bounds the memory a county-sized file needs, while a
    # file of up to this many rows costs the same few queries whatever its length.
    batch_rows = 1000
    # A row is new unless its key is among the agency's activities (before_write) or earlier in the
    # file: a dry run counts that without inserting anything.
    dry_run_writes = False

    def before_write(self, items):
        # The agency's import keys in one read, rather than its activities looked up 500 keys at a
        # time: 200 queries for a city's 100,000-row ledger, against one reading an agency's few
        # thousand imported records.
        self.seen = {item["key"] for item in items} & set(
            Activity.objects.filter(organization__path__startswith=self.agency.path)
            .exclude(import_key="")
            .values_list("import_key", flat=True)
        )
        self.years = set()
        self.pending = []
        self.now = timezone.now()
        # As with the form: a secretary's records are approved as they are written; a recorder's
        # wait for review, all of the upload together (import_batch_approve), and so do a
        # secretary's where another secretary covers the agency (four eyes, FOUR_EYES_REVIEW).
        from ..services.activity import approves_own_records

        self.approves = has_role(self.user, self.organization, Role.SECRETARY) and approves_own_records(
            self.user, self.organization
        )

    def write(self, item):
        if item["key"] in self.seen:
            return UNCHANGED
        self.seen.add(item["key"])
        if self.dry_run:
            return CREATED
        self.pending.append(item)
        self.years.add(item["date"].year)
        if len(self.pending) >= self.batch_rows:
            self._flush()
        return CREATED

    def finish(self):
        self._flush()
        for year in sorted(self.years):
            stats_rebuild(organization=self.agency, year=year)

    # The columns the rows of an import differ in; the others they share (`_shared`).
    row_fields = [
        "organization_id",
        "kind",
        "date",
        "title",
        "location",
        "speaker_id",
        "speaker_name",
        "given_by_leader",
        "oath_renewed",
        "outside_headcount",
        "hours",
        "notes",
        "import_key",
    ]

    def _row(self, item) -> tuple:
        """The values of `row_fields` for a new record."""
        speaker = item["speaker"]
        return (
            item["organization"].pk,
            item["kind"],
            item["date"],
            item["title"],
            item["location"],
            speaker.pk if speaker else None,
            item["speaker_name"],
            bool(speaker and speaker.is_leader),
            item["oath_renewed"] and "oath_renewed" in kinds.spec(item["kind"]).fields,
            item["outside_headcount"],
            item["hours"],
            item["notes"],
            item["key"],
        )

    def _shared(self) -> dict:
        """attname → value of every other column: the same for every row this user imports now."""
        shared = shared_values(
            Activity,
            Activity(
                # Plain texts, not the enum: the audit trail takes them as they are (services._as_read_back).
                status=str(Activity.Status.APPROVED if self.approves else Activity.Status.SUBMITTED),
                recorded_by_id=self.user.pk,
                reviewed_by_id=self.user.pk if self.approves else None,
                reviewed_at=self.now if self.approves else None,
                submitted_at=self.now,
                imported=True,
                import_batch_id=self.batch.pk if self.batch else None,
            ),
        )
        return {name: value for name, value in shared.items() if name not in self.row_fields}

    def _flush(self) -> None:
        """Write the pending rows with one insert per table (create() and .add() cost ~9 queries a row).

        The rows go in as plain values (studyportal.bulk), not as model instances through
        bulk_create, which at a city's 100,000 rows and their 1.2 million attendance rows costs
        minutes of Python. So the history and the audit entries that save() would have written are
        written here, in bulk: one history record and one audit entry per activity, and the
        attendance and material links (~13 rows an activity) as tables of rows in a few entries.
        """
        items, self.pending = self.pending, []
        if not items:
            return
        materials = _materials_by_title({title for item in items for title in item["materials"]})
        shared = self._shared()
        fields = [*self.row_fields, *shared]
        rows = [(*self._row(item), *shared.values()) for item in items]
        ids = insert_rows(Activity, fields, rows)
        fields = [Activity._meta.pk.attname, *fields]
        rows = [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
        history = _history_create(fields, rows, user=self.user, date=self.now)
        link_fields = ["activity_id", "studymaterial_id"]
        links = [
            [pk, materials[title].pk]
            for pk, item in zip(ids, items, strict=True)
            for title in item["materials"]
        ]
        through = Activity.materials.through
        link_ids = insert_rows(through, link_fields, links)
        if history:
            # The history record shows the materials, as it would after materials.set().
            history_of = dict(zip(ids, history, strict=True))
            insert_rows(
                _historical_materials(),
                ["history_id", "id", *link_fields],
                [[history_of[link[0]], pk, *link] for pk, link in zip(link_ids, links, strict=True)],
            )
        # Nobody has signed in (signed_in_at is empty): the rows are plain numbers and text, which
        # PostgreSQL takes by COPY.
        attendance_fields = ["activity_id", "person_id", "status"]
        attendance = [
            [pk, self.people[name].pk, str(status)]
            for pk, item in zip(ids, items, strict=True)
            for name, status in item["attendance"].items()
        ]
        attendance_ids = insert_rows(Attendance, attendance_fields, attendance)
        audit_record_bulk_values(
            model=Activity,
            fields=fields,
            rows=rows,
            reprs=[Activity.str_of(item["date"], item["kind"], item["title"]) for item in items],
            action=AuditEntry.Action.CREATE,
            by=self.user,
        )
        audit_record_values(
            model=Attendance,
            fields=["id", *attendance_fields, "signed_in_at"],
            rows=[[pk, *row, None] for pk, row in zip(attendance_ids, attendance, strict=True)],
            by=self.user,
        )
        audit_record_values(
            model=through,
            fields=["id", *link_fields],
            rows=[[pk, *link] for pk, link in zip(link_ids, links, strict=True)],
            by=self.user,
        )
        self.created_ids[model_label(Activity)] += ids
        self.created_ids[model_label(Attendance)] += attendance_ids
        self.created_ids[model_label(through)] += link_ids


def _history_create(fields: list[str], rows: list, *, user, date) -> list[int]:
    """The "+" history records of new activities, as `bulk_history_create` writes them (the same
    values, by the same user, at the same time) but from their rows of plain values (`fields` naming
    them by attname); their ids, in order."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return []
    model = Activity.history.model
    tracked = [field.attname for field in model.tracked_fields]
    extra = {
        "history_date": date,
        "history_user_id": user.pk,
        "history_change_reason": "",
        "history_type": "+",
    }
    values = operator.itemgetter(*(fields.index(name) for name in tracked))
    history = [(*values(row), *extra.values()) for row in rows]
    return insert_rows(model, [*tracked, *extra], history)


def _materials_by_title(titles: set[str]) -> dict[str, StudyMaterial]:
    """Title → material, adding the missing ones: three queries however many titles the file names."""
    if not titles:
        return {}
    found = {material.title: material for material in StudyMaterial.objects.filter(title__in=titles)}
    missing = titles - found.keys()
    if missing:
        # ignore_conflicts: another import may add the same title meanwhile; the re-read picks it up.
        StudyMaterial.objects.bulk_create(
            [StudyMaterial(title=title) for title in missing], ignore_conflicts=True
        )
        found = {material.title: material for material in StudyMaterial.objects.filter(title__in=titles)}
    return found


def _historical_materials():
    """simple_history's model for Activity.materials in history (HistoricalActivity_materials)."""
    return next(
        relation.related_model
        for relation in Activity.history.model._meta.related_objects
        if relation.field.name == "history"
    )
