"""Importing ledgers: people, activities, rectification items, study points and publicity (docs/design.md §7).

One core for every type, used by the `import_ledger` command and by the browser import alike:
read the file (activities/ledger.py), check EVERY row and collect each problem as (row as the user sees
it, column header as written, problem), and write nothing unless all rows are good; then write all rows
in one transaction. Each type knows how to recognise a row it already imported, so importing the same
file twice adds nothing the second time.

We write our own importer rather than use django-import-export's resources because the hard part here
is the ledger itself (title rows, bilingual headers with full-width brackets, GB18030, Chinese dates and
是/否, the zip checks), and matching people by name within one agency; the resource layer would only add
a second row model around ours.
"""

import datetime
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from studyportal.accounts.models import Organization, Role, User
from studyportal.accounts.scoping import has_role, scope_paths, scope_q
from studyportal.accounts.services import organization_create, role_grant
from studyportal.audit.models import AuditEntry
from studyportal.audit.services import audit_batch, audit_record_bulk, audit_record_rows, model_label
from studyportal.params import is_web_link

from .ledger import (
    CellError,
    Column,
    LedgerError,
    cell_text,
    parse_bool,
    parse_date,
    parse_hours,
    parse_int,
    parse_period,
    parse_year,
    read_ledger,
)
from .materials import parse_material_titles
from .models import (
    KIND_ALIASES,
    KIND_LABEL_ZH,
    LECTURE_KINDS,
    Activity,
    Attendance,
    ImportBatch,
    Kind,
    Publicity,
    RectificationItem,
    StudyMaterial,
)
from .models import StudyPoints as Points
from .stats import stats_rebuild

CREATED, UNCHANGED, UPDATED = "created", "unchanged", "updated"
# Rows of the file kept with an upload for its preview; its problems are all kept.
PREVIEW_ROWS = 500
# A background check or import reports how far it got after every so many rows.
PROGRESS_EVERY = 1000


@dataclass
class ImportIssue:
    row: int | None  # as the user sees it in the file; None for a problem with the file as a whole
    column: str  # the header as written in the file, "" when no column is to blame
    message: str

    def __str__(self):
        if self.row and self.column:
            return _("Row %(row)s 「%(column)s」: %(problem)s") % {
                "row": self.row,
                "column": self.column,
                "problem": self.message,
            }
        if self.row:
            return _("Row %(row)s: %(problem)s") % {"row": self.row, "problem": self.message}
        if self.column:
            return f"「{self.column}」: {self.message}"
        return self.message


@dataclass
class PreviewRow:
    number: int
    cells: list[tuple[str, str]]  # (value as read, problem or "") in header order
    problems: list[str]

    @property
    def has_problems(self) -> bool:
        return bool(self.problems)


@dataclass
class ImportResult:
    ledger_type: str
    dry_run: bool = False
    headers: list[str] = field(default_factory=list)
    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    # Things the user should know that do not stop the import (a column nobody reads …).
    warnings: list[str] = field(default_factory=list)
    created: int = 0
    unchanged: int = 0
    updated: int = 0
    total_rows: int = 0  # rows in the file; `rows` may hold only the first of them

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_preview(self) -> dict:
        """What the preview pages show, as stored with the upload: every problem, the first rows."""
        return {
            "ledger_type": self.ledger_type,
            "dry_run": self.dry_run,
            "headers": self.headers,
            "total_rows": self.total_rows,
            "rows": [[row.number, row.cells, row.problems] for row in self.rows[:PREVIEW_ROWS]],
            "errors": [[issue.row, issue.column, issue.message] for issue in self.errors],
            "warnings": [str(warning) for warning in self.warnings],
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }

    @classmethod
    def from_preview(cls, preview: dict) -> "ImportResult":
        return cls(
            ledger_type=preview["ledger_type"],
            dry_run=preview.get("dry_run", True),
            headers=preview["headers"],
            rows=[
                PreviewRow(number, [tuple(cell) for cell in cells], problems)
                for number, cells, problems in preview["rows"]
            ],
            errors=[ImportIssue(*issue) for issue in preview["errors"]],
            warnings=preview.get("warnings", []),  # previews stored before warnings were kept have none
            created=preview["created"],
            updated=preview["updated"],
            unchanged=preview["unchanged"],
            total_rows=preview["total_rows"],
        )

    @property
    def summary(self) -> str:
        if self.dry_run:
            text = _(
                "Checked %(rows)s rows: %(created)s to add, %(updated)s to update, %(unchanged)s unchanged."
            )
        else:
            text = _(
                "Imported %(rows)s rows: %(created)s added, %(updated)s updated, %(unchanged)s unchanged."
            )
        return text % {
            "rows": self.created + self.updated + self.unchanged,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


class _Row:
    """One ledger row being checked: reads cells through parsers and records each problem once."""

    def __init__(self, ledger_row, headers: dict[str, str], columns: dict[str, Column], errors: list):
        self.number = ledger_row.number
        self.values = ledger_row.values
        self.headers = headers
        self.columns = columns
        self.errors = errors
        self.problems: dict[str, list[str]] = defaultdict(list)

    def header(self, key: str) -> str:
        return self.headers.get(key) or self.columns[key].label

    def error(self, key: str | None, message: str) -> None:
        self.errors.append(ImportIssue(self.number, self.header(key) if key else "", str(message)))
        self.problems[key or ""].append(str(message))

    def get(self, key: str, parser=None, *, required=False, max_length=None):
        """The cell's value, parsed; None when empty (an error when required) or not understood."""
        raw = self.values.get(key, "")
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self.error(key, _("This cell is empty; it must be filled in."))
            return None
        if parser is not None:
            try:
                return parser(raw)
            except CellError as exc:
                self.error(key, str(exc))
                return None
        text = cell_text(raw).strip()
        if max_length and len(text) > max_length:
            self.error(key, _("Longer than %(n)s characters.") % {"n": max_length})
            return None
        return text

    def preview(self, order: list[str]) -> PreviewRow:
        cells = [
            (cell_text(self.values.get(key, "")), "；".join(self.problems.get(key, []))) for key in order
        ]
        problems = [message for messages in self.problems.values() for message in messages]
        return PreviewRow(self.number, cells, problems)


def _key(*parts) -> str:
    """A stable hash of a row's normalized values: the same row from CSV or XLSX gives the same key."""
    text = json.dumps([str(part) if part is not None else "" for part in parts], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _choice(mapping: dict[str, str], value: str) -> str | None:
    return mapping.get(re.sub(r"\s+", "", value or "").lower())


def _names(text: str) -> list[str]:
    names = []
    for name in re.split(r"[、,，;；\n]+", text or ""):
        name = name.strip()
        if name and name not in names:
            names.append(name)
    return names


class Importer:
    """The shared core; a subclass names its columns and says how to check and write one row."""

    ledger_type = ""
    label = ""
    columns: list[Column] = []
    # Who may import this ledger: the role its forms need (docs/imports.md, "Who may import what").
    role = Role.RECORDER
    role_refusal = ""
    # Whether a dry run must write the rows (and roll them back) to count what it would add and
    # update. A type that can tell from `before_write` alone says False and writes nothing when
    # `self.dry_run` is set.
    dry_run_writes = True

    def __init__(self, *, organization: Organization, user):
        self.organization = organization
        self.agency = organization.agency
        self.user = user
        # Model label → ids of the records this import created, for its closing audit entry.
        self.created_ids: dict[str, list] = defaultdict(list)
        self.batch = None  # the browser upload, if the import comes from one
        self.dry_run = False

    def people_by_name(self) -> dict[str, User]:
        # People who left stay matchable: old ledgers name them.
        return {person.real_name: person for person in User.objects.filter(agency=self.agency)}

    def prepare(self, ledger) -> None:
        """Load what the rows are checked against, in a few queries whatever the number of rows."""

    def clean(self, row: _Row):
        raise NotImplementedError

    def check_together(self, cleaned: list[tuple[_Row, object]]) -> None:
        """Problems between rows (the same person twice …)."""

    def before_write(self, items: list) -> None:
        """Load, in a few queries, what `write` compares each row with."""

    def write(self, item) -> str:
        raise NotImplementedError

    def finish(self) -> None:
        pass

    def bulk_create_audited(self, model, objects: list) -> list:
        """Insert new records in bulk with what save() would have added: a history record (for models
        that keep history) and one audit entry each, both naming the importer."""
        if not objects:
            return []
        objects = model.objects.bulk_create(objects)
        if getattr(model._meta, "simple_history_manager_attribute", None):
            model.history.bulk_history_create(objects, default_user=self.user)
        audit_record_bulk(model=model, objects=objects, action=AuditEntry.Action.CREATE, by=self.user)
        self.created_ids[model_label(model)] += [obj.pk for obj in objects]
        return objects


# ---------------------------------------------------------------------------- people


class PeopleImporter(Importer):
    ledger_type = "people"
    label = gettext_lazy("People")
    # A people list makes login accounts: that is the administrator's job (DESIGN §1).
    role = Role.ADMIN
    role_refusal = gettext_lazy("Only an administrator may import a list of people.")
    columns = [
        Column("name", ("姓名",), "name", required=True),
        Column("username", ("用户名", "账号"), "username"),
        Column("position", ("职务", "职务职级"), "position"),
        Column("branch", ("党支部", "所在党支部"), "branch"),
        Column("party_group", ("党小组", "所在党小组"), "party_group"),
        Column("party_member", ("党员", "是否党员"), "party_member"),
        Column("leader", ("领导班子", "领导班子成员", "是否领导班子成员"), "leader"),
    ]

    def prepare(self, ledger):
        self.people = self.people_by_name()
        self.default_branch = (
            self.organization if self.organization.kind == Organization.Kind.BRANCH else None
        )
        named = {cell_text(row.values.get("branch", "")).strip() for row in ledger.rows}
        self.organizations = {org.name: org for org in Organization.objects.filter(name__in=named - {""})}
        usernames = {cell_text(row.values.get("username", "")).strip() for row in ledger.rows}
        self.usernames_taken = set(
            User.objects.filter(username__in=usernames - {""}).values_list("username", flat=True)
        )

    def clean(self, row):
        name = row.get("name", required=True, max_length=50)
        username = row.get("username", max_length=150)
        if username:
            try:
                UnicodeUsernameValidator()(username)
            except ValidationError:
                row.error("username", _("A username may hold only letters, digits and @ . + - _"))
                username = None
        branch_name = row.get("branch", max_length=100)
        branch = None
        if branch_name:
            branch = self.organizations.get(branch_name)
            if branch is not None and (
                branch.kind != Organization.Kind.BRANCH or branch.parent_id != self.agency.pk
            ):
                row.error(
                    "branch", _("「%(name)s」 is the name of another organization.") % {"name": branch_name}
                )
        existing = self.people.get(name) if name else None
        party_group = row.get("party_group", max_length=50)
        if (
            party_group
            and not branch_name
            and self.default_branch is None
            and not (existing and existing.branch_id)
        ):
            row.error(
                "party_group",
                _("A party group lies within a Party branch: fill in 党支部 for this person too."),
            )
        if username and existing is None and username in self.usernames_taken:
            row.error("username", _("The username %(username)s is taken.") % {"username": username})
        return {
            "name": name,
            "username": username,
            "position": row.get("position", max_length=100),
            "branch_name": branch_name,
            "branch": branch,
            "party_group": party_group,
            "is_party_member": row.get("party_member", parse_bool),
            "is_leader": row.get("leader", parse_bool),
            "existing": existing,
        }

    def check_together(self, cleaned):
        seen_names, seen_usernames = {}, {}
        for row, item in cleaned:
            if item["name"] in seen_names:
                row.error("name", _("Listed twice (also row %(row)s).") % {"row": seen_names[item["name"]]})
            seen_names.setdefault(item["name"], row.number)
            if item["username"] and item["username"] in seen_usernames:
                row.error(
                    "username",
                    _("Listed twice (also row %(row)s).") % {"row": seen_usernames[item["username"]]},
                )
            seen_usernames.setdefault(item["username"], row.number)

    def before_write(self, items):
        self.branches = {}
        self.taken = set()

    def _branch(self, item):
        if not item["branch_name"]:
            return None
        if item["branch"] is not None:
            return item["branch"]
        if item["branch_name"] not in self.branches:
            code = "b" + hashlib.sha1(f"{self.agency.pk}:{item['branch_name']}".encode()).hexdigest()[:10]
            self.branches[item["branch_name"]] = organization_create(
                code=f"{self.agency.code}-{code}"[:64],
                name=item["branch_name"],
                kind=Organization.Kind.BRANCH,
                parent=self.agency,
            )
        return self.branches[item["branch_name"]]

    def _username(self, name: str) -> str:
        # No pinyin here: a stable ASCII name from the agency and the person's name.
        base = "u" + hashlib.sha1(f"{self.agency.pk}:{name}".encode()).hexdigest()[:8]
        candidate, n = base, 1
        while candidate in self.taken or User.objects.filter(username=candidate).exists():
            n += 1
            candidate = f"{base}-{n}"
        self.taken.add(candidate)
        return candidate

    def write(self, item):
        branch = self._branch(item) or None
        person = item["existing"]
        if person is None:
            person = User(
                username=item["username"] or self._username(item["name"]),
                real_name=item["name"],
                position=item["position"] or "",
                agency=self.agency,
                branch=branch or self.default_branch,
                party_group=item["party_group"] or "",
                is_party_member=bool(item["is_party_member"]),
                is_leader=bool(item["is_leader"]),
            )
            # The admin issues an initial password later (docs/design.md §2).
            person.set_unusable_password()
            person.save()
            self.created_ids[model_label(User)].append(person.pk)
            role_grant(user=person, organization=self.agency, role=Role.STAFF)
            return CREATED
        changes = {
            "position": item["position"],
            "branch": branch,
            "party_group": item["party_group"],
            "is_party_member": item["is_party_member"],
            "is_leader": item["is_leader"],
        }
        # An empty cell leaves what the portal knows about an existing person as it is.
        changed = [
            name for name, value in changes.items() if value is not None and getattr(person, name) != value
        ]
        if not changed:
            return UNCHANGED
        for name in changed:
            setattr(person, name, changes[name])
        person.save(update_fields=changed)
        return UPDATED


# ---------------------------------------------------------------------------- activities

KINDS = {
    **{kind.value: kind for kind in Kind},
    **{label: kind for kind, label in KIND_LABEL_ZH.items()},
    **KIND_ALIASES,
}


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

    def _attendance(self, row) -> dict:
        """Person → status from 参加人员, 请假人员 and 缺席人员; a name in two of them is an error."""
        statuses, column_of = {}, {}
        for key, status in self.attendance_columns:
            names = _names(row.get(key) or "")
            unknown = [name for name in names if name not in self.people]
            if unknown:
                row.error(
                    key,
                    _("Not among the agency's people: %(names)s. Import or add them first.")
                    % {"names": "、".join(unknown)},
                )
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
                    statuses[self.people[name]] = status
        return statuses

    def clean(self, row):
        kind_text = row.get("kind", required=True)
        kind = _choice(KINDS, kind_text) if kind_text else None
        if kind_text and kind is None:
            row.error(
                "kind",
                _("Unknown kind “%(value)s”; use one such as %(examples)s.")
                % {
                    "value": kind_text,
                    "examples": "、".join(list(KIND_LABEL_ZH.values())[:6]),
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
        if kind in LECTURE_KINDS and not speaker:
            row.error("speaker", _("A lecture needs its speaker."))
        if kind == Kind.FIELD_VISIT and not item["location"]:
            row.error("location", _("A field visit needs its site."))
        item["speaker"] = self.people.get(speaker)
        item["speaker_name"] = "" if item["speaker"] else speaker
        item["organization"] = self._branch(row)
        item["attendance"] = self._attendance(row)
        names = _names(row.get("attendees") or "")
        headcount = row.get("headcount", parse_int)
        # 参加人数 counts everyone; those not named in 参加人员 are the outside participants.
        item["outside_headcount"] = max((headcount or 0) - len(names), 0)
        titles, leftover = parse_material_titles(row.get("materials") or "", bare_titles=False)
        if kind == Kind.FILM_VIEWING and not titles:
            titles = parse_material_titles(item["title"] or "", bare_titles=False)[0]
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
            f"{person.real_name}:{status}"
            for person, status in item["attendance"].items()
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
        keys = [item["key"] for item in items]
        self.seen = set()
        for start in range(0, len(keys), 500):
            self.seen |= set(
                Activity.objects.filter(
                    organization__path__startswith=self.agency.path, import_key__in=keys[start : start + 500]
                ).values_list("import_key", flat=True)
            )
        self.years = set()
        self.pending = []
        self.now = timezone.now()
        # As with the form: a secretary's records are approved as they are written; a recorder's
        # wait for review, all of the upload together (import_batch_approve), and so do a
        # secretary's where another secretary covers the agency (four eyes, FOUR_EYES_REVIEW).
        from .services.activity import approves_own_records

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

    def _activity(self, item) -> Activity:
        speaker = item["speaker"]
        return Activity(
            organization=item["organization"],
            kind=item["kind"],
            date=item["date"],
            title=item["title"],
            location=item["location"],
            speaker=speaker,
            speaker_name=item["speaker_name"],
            given_by_leader=bool(speaker and speaker.is_leader),
            oath_renewed=item["oath_renewed"] and item["kind"] == Kind.FIELD_VISIT,
            outside_headcount=item["outside_headcount"],
            hours=item["hours"],
            notes=item["notes"],
            status=Activity.Status.APPROVED if self.approves else Activity.Status.SUBMITTED,
            recorded_by=self.user,
            reviewed_by=self.user if self.approves else None,
            reviewed_at=self.now if self.approves else None,
            submitted_at=self.now,
            imported=True,
            import_key=item["key"],
            import_batch=self.batch,
        )

    def _flush(self) -> None:
        """Write the pending rows with one bulk insert per table (create() and .add() cost ~9 queries a row).

        bulk_create sends no signals, so the history and the audit entries that save() would have
        written are written here, in bulk: one history record and one audit entry per activity, and
        the attendance and material links (~13 rows an activity) as tables of rows in a few entries.
        """
        items, self.pending = self.pending, []
        if not items:
            return
        materials = _materials_by_title({title for item in items for title in item["materials"]})
        # PostgreSQL and SQLite >= 3.35 return the new ids, which everything below links to.
        activities = Activity.objects.bulk_create([self._activity(item) for item in items])
        history = Activity.history.bulk_history_create(
            activities, default_user=self.user, default_date=self.now
        )
        through = Activity.materials.through
        links = through.objects.bulk_create(
            through(activity_id=activity.pk, studymaterial_id=materials[title].pk)
            for activity, item in zip(activities, items, strict=True)
            for title in item["materials"]
        )
        if history:
            # The history record shows the materials, as it would after materials.set().
            record_of = {record.id: record for record in history}
            historical_link = _historical_materials()
            historical_link.objects.bulk_create(
                historical_link(
                    history=record_of[link.activity_id],
                    id=link.pk,
                    activity_id=link.activity_id,
                    studymaterial_id=link.studymaterial_id,
                )
                for link in links
            )
        # Ids, not instances: setting 125,000 foreign keys through their descriptors costs seconds.
        attendance = Attendance.objects.bulk_create(
            Attendance(activity_id=activity.pk, person_id=person.pk, status=status)
            for activity, item in zip(activities, items, strict=True)
            for person, status in item["attendance"].items()
        )
        audit_record_bulk(model=Activity, objects=activities, action=AuditEntry.Action.CREATE, by=self.user)
        audit_record_rows(model=Attendance, objects=attendance, by=self.user)
        audit_record_rows(model=through, objects=links, by=self.user)
        for model, created in ((Activity, activities), (Attendance, attendance), (through, links)):
            self.created_ids[model_label(model)] += [obj.pk for obj in created]


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


# ---------------------------------------------------------------------------- rectification

CATEGORIES = {
    **{value: value for value in RectificationItem.Category.values},
    "理论学习": RectificationItem.Category.THEORY,
    "宣传舆论": RectificationItem.Category.PUBLICITY,
    "队伍建设": RectificationItem.Category.TEAM,
    "作风建设": RectificationItem.Category.STYLE,
    "其他": RectificationItem.Category.OTHER,
    "其它": RectificationItem.Category.OTHER,
}
STATUSES = {
    **{value: value for value in RectificationItem.Status.values},
    "未开始": RectificationItem.Status.NOT_STARTED,
    "未整改": RectificationItem.Status.NOT_STARTED,
    "整改中": RectificationItem.Status.IN_PROGRESS,
    "正在整改": RectificationItem.Status.IN_PROGRESS,
    "已完成": RectificationItem.Status.DONE,
    "已整改": RectificationItem.Status.DONE,
    "已销号": RectificationItem.Status.CLOSED,
}


class RectificationImporter(Importer):
    ledger_type = "rectification"
    label = gettext_lazy("Rectification items")
    columns = [
        Column("problem", ("问题", "存在问题", "问题描述"), "problem", required=True),
        Column("category", ("类别", "问题类别"), "category"),
        Column("measures", ("整改措施",), "measures"),
        Column("owner", ("责任人",), "owner"),
        Column("deadline", ("整改时限", "完成时限"), "deadline"),
        Column("status", ("状态", "整改状态"), "status"),
        Column("year", ("年度",), "year"),
    ]

    def prepare(self, ledger):
        self.people = self.people_by_name()
        # 已销号 closes an item: the secretary's decision, as on the item's page.
        self.may_close = has_role(self.user, self.agency, Role.SECRETARY)

    def clean(self, row):
        item = {
            "problem": row.get("problem", required=True),
            "measures": row.get("measures") or "",
            "deadline": row.get("deadline", parse_date),
            "year": row.get("year", parse_year),
        }
        category = row.get("category")
        item["category"] = _choice(CATEGORIES, category) if category else RectificationItem.Category.OTHER
        if item["category"] is None:
            row.error("category", _("Unknown category; use 理论学习, 宣传舆论, 队伍建设, 作风建设 or 其他."))
        status = row.get("status")
        item["status"] = _choice(STATUSES, status) if status else RectificationItem.Status.NOT_STARTED
        if item["status"] is None:
            row.error("status", _("Unknown status; use 未开始, 整改中, 已完成 or 已销号."))
        elif item["status"] == RectificationItem.Status.CLOSED and not self.may_close:
            row.error(
                "status",
                _(
                    "Only a secretary may close an item (已销号); import it as 已完成 for the secretary "
                    "to close."
                ),
            )
        owner = row.get("owner")
        item["owner"] = self.people.get(owner) if owner else None
        if owner and item["owner"] is None:
            row.error(
                "owner",
                _("Not among the agency's people: %(names)s. Import or add them first.") % {"names": owner},
            )
        if item["year"] is None and "year" not in row.problems:
            if item["deadline"] is not None:
                item["year"] = item["deadline"].year
            else:
                row.error("year", _("Give the year, or a deadline to take it from."))
        item["key"] = _key(
            self.ledger_type,
            self.agency.pk,
            item["year"],
            item["problem"],
            item["category"],
            item["measures"],
            owner,
            item["deadline"],
            item["status"],
        )
        return item

    def before_write(self, items):
        self.seen = set(
            RectificationItem.objects.filter(
                agency=self.agency, import_key__in=[item["key"] for item in items]
            ).values_list("import_key", flat=True)
        )
        self.pending = []

    def write(self, item):
        if item["key"] in self.seen:
            return UNCHANGED
        self.seen.add(item["key"])
        closed = item["status"] == RectificationItem.Status.CLOSED
        self.pending.append(
            RectificationItem(
                agency=self.agency,
                year=item["year"],
                problem=item["problem"],
                category=item["category"],
                measures=item["measures"],
                owner=item["owner"],
                deadline=item["deadline"],
                status=item["status"],
                closed_by=self.user if closed else None,
                closed_at=timezone.now() if closed else None,
                created_by=self.user,
                imported=True,
                import_key=item["key"],
            )
        )
        return CREATED

    def finish(self):
        self.bulk_create_audited(RectificationItem, self.pending)


# ---------------------------------------------------------------------------- study points


class PointsImporter(Importer):
    ledger_type = "points"
    label = gettext_lazy("Study points")
    # Members' points are the secretary's to see (tracking:points), so theirs to overwrite.
    role = Role.SECRETARY
    role_refusal = gettext_lazy("Only a secretary or an administrator may import study points.")
    columns = [
        Column("name", ("姓名",), "name", required=True),
        Column("period", ("期间", "月份", "年度"), "period", required=True),
        Column("platform", ("平台", "学习平台"), "platform"),
        Column("points", ("积分", "学习积分", "总积分"), "points", required=True),
    ]

    def prepare(self, ledger):
        self.people = self.people_by_name()

    def clean(self, row):
        name = row.get("name", required=True)
        person = self.people.get(name) if name else None
        if name and person is None:
            row.error(
                "name",
                _("Not among the agency's people: %(names)s. Import or add them first.") % {"names": name},
            )
        period = row.get("period", parse_period, required=True)
        year, month = period if period else (None, None)
        return {
            "person": person,
            "year": year,
            "month": month,
            "platform": row.get("platform", max_length=50) or "学习强国",
            "points": row.get("points", parse_int, required=True),
        }

    def check_together(self, cleaned):
        seen = {}
        for row, item in cleaned:
            if item["person"] is None or item["year"] is None:
                continue
            key = (item["person"].pk, item["year"], item["month"], item["platform"])
            if key in seen:
                row.error("period", _("Listed twice (also row %(row)s).") % {"row": seen[key]})
            seen.setdefault(key, row.number)

    def before_write(self, items):
        years = {item["year"] for item in items}
        self.existing = {
            (points.person_id, points.year, points.month, points.platform): points
            for points in Points.objects.filter(person__agency=self.agency, year__in=years)
        }
        self.pending = []

    def write(self, item):
        key = (item["person"].pk, item["year"], item["month"], item["platform"])
        points = self.existing.get(key)
        if points is None:
            self.pending.append(
                Points(
                    person=item["person"],
                    year=item["year"],
                    month=item["month"],
                    platform=item["platform"],
                    points=item["points"],
                    imported=True,
                )
            )
            return CREATED
        if points.points == item["points"]:
            return UNCHANGED
        points.points = item["points"]
        points.save(update_fields=["points"])
        return UPDATED

    def finish(self):
        self.bulk_create_audited(Points, self.pending)


# ---------------------------------------------------------------------------- publicity

LEVELS = {
    **{value: value for value in Publicity.Level.values},
    "中央": Publicity.Level.CENTRAL,
    "中央级": Publicity.Level.CENTRAL,
    "国家级": Publicity.Level.CENTRAL,
    "省级": Publicity.Level.PROVINCIAL,
    "省": Publicity.Level.PROVINCIAL,
    "市级": Publicity.Level.MUNICIPAL,
    "市": Publicity.Level.MUNICIPAL,
    "县级": Publicity.Level.COUNTY,
    "县": Publicity.Level.COUNTY,
    "本单位": Publicity.Level.OWN,
    "本单位新媒体": Publicity.Level.OWN,
}
FORMS = {
    **{value: value for value in Publicity.Form.values},
    "文章": Publicity.Form.ARTICLE,
    "稿件": Publicity.Form.ARTICLE,
    "信息": Publicity.Form.ARTICLE,
    "视频": Publicity.Form.VIDEO,
    "新媒体": Publicity.Form.POST,
    "推文": Publicity.Form.POST,
    "新媒体推文": Publicity.Form.POST,
}


class PublicityImporter(Importer):
    ledger_type = "publicity"
    label = gettext_lazy("Publicity placements")
    columns = [
        Column("date", ("日期", "刊发日期", "发布日期"), "date", required=True),
        Column("title", ("标题", "稿件标题"), "title", required=True),
        Column("outlet", ("媒体", "刊发媒体", "发布媒体"), "outlet", required=True),
        Column("level", ("级别", "媒体级别"), "level", required=True),
        Column("form", ("形式",), "kind"),
        Column("link", ("链接",), "link"),
    ]

    def clean(self, row):
        level = row.get("level", required=True)
        form = row.get("form")
        item = {
            "date": row.get("date", parse_date, required=True),
            "title": row.get("title", required=True, max_length=200),
            "outlet": row.get("outlet", required=True, max_length=100),
            "level": _choice(LEVELS, level) if level else None,
            "form": _choice(FORMS, form) if form else Publicity.Form.ARTICLE,
            "link": row.get("link", max_length=500) or "",
        }
        if level and item["level"] is None:
            row.error("level", _("Unknown level; use 中央, 省级, 市级, 县级 or 本单位."))
        if item["form"] is None:
            row.error("form", _("Unknown form; use 文章, 视频 or 新媒体."))
        if item["link"] and not is_web_link(item["link"]):
            row.error("link", _("Give a web address starting with http:// or https://."))
        return item

    def before_write(self, items):
        dates = {item["date"] for item in items}
        self.existing = {
            (placement.date, placement.title, placement.outlet): placement
            for placement in Publicity.objects.filter(agency=self.agency, date__in=dates)
        }
        self.pending = []

    def write(self, item):
        key = (item["date"], item["title"], item["outlet"])
        placement = self.existing.get(key)
        if placement is None:
            self.existing[key] = placement = Publicity(
                agency=self.agency,
                date=item["date"],
                title=item["title"],
                outlet=item["outlet"],
                level=item["level"],
                form=item["form"],
                link=item["link"],
                created_by=self.user,
                imported=True,
            )
            self.pending.append(placement)
            return CREATED
        wanted = {"level": item["level"], "form": item["form"], "link": item["link"] or placement.link}
        changed = [name for name, value in wanted.items() if getattr(placement, name) != value]
        if not changed:
            return UNCHANGED
        for name in changed:
            setattr(placement, name, wanted[name])
        if placement.pk is not None:
            # One added earlier in this file is still waiting for the bulk insert, and goes in as changed.
            placement.save(update_fields=changed)
        return UPDATED

    def finish(self):
        self.bulk_create_audited(Publicity, self.pending)


IMPORTERS: dict[str, type[Importer]] = {
    importer.ledger_type: importer
    for importer in (
        ActivitiesImporter,
        PeopleImporter,
        RectificationImporter,
        PointsImporter,
        PublicityImporter,
    )
}


def unknown_columns_warning(unknown: list[str], columns: list[Column]) -> str:
    return _(
        "These columns are not read and their values will not be imported: %(unknown)s. "
        "If one of them holds data the portal keeps, rename its header to one of: %(known)s."
    ) % {
        "unknown": "、".join(f"「{header}」" for header in unknown),
        "known": "、".join(column.label for column in columns),
    }


def import_refusal(*, user, organization, ledger_type: str) -> str:
    """Why the user may not import this ledger for the organization; "" when they may."""
    importer = IMPORTERS[ledger_type]
    if has_role(user, organization, importer.role):
        return ""
    return str(importer.role_refusal or _("You may not import this ledger for this organization."))


def import_outcome(*, user, organization, ledger_type: str) -> str:
    """What will become of the imported records, said on the upload and preview pages."""
    if ledger_type == "activities":
        if has_role(user, organization, Role.SECRETARY):
            return _("The imported records are approved as they are imported, with you as their reviewer.")
        return _(
            "The imported records are submitted and wait for the secretary's review, all of this file "
            "together; until approved they do not count in the statistics or the summary."
        )
    if ledger_type == "rectification":
        return _(
            "Items marked 已销号 are closed only when a secretary imports them; others keep their status."
        )
    if ledger_type == "points":
        return _("The points replace those already recorded for the same person, period and platform.")
    if ledger_type == "people":
        return _("New people get a login without a password; the administrator issues it.")
    return _("The imported records are saved as they are; importing the same file again adds nothing.")


class OrganizationNotFound(LookupError):
    pass


def find_organization(text: str, queryset=None) -> Organization:
    """An agency or branch by its code or full name (as `--org` and ledgers give it)."""
    text = (text or "").strip()
    queryset = Organization.objects.all() if queryset is None else queryset
    organization = queryset.filter(Q(code=text) | Q(name=text)).first()
    if organization is None:
        raise OrganizationNotFound(
            _(
                "No organization with the code or name “%(org)s”. Check --org, or add the organization "
                "first (python manage.py add_org)."
            )
            % {"org": text}
        )
    return organization


def ledger_import(
    *,
    ledger_type: str,
    data: bytes,
    filename: str,
    organization: Organization,
    user,
    dry_run: bool = False,
    batch: ImportBatch | None = None,
    progress=None,
) -> ImportResult:
    """Check every row of the file; unless one is bad, write them all (or, for a dry run, only count).

    The audit entries of the rows written are closed by one entry naming the file (its name and
    sha256), the browser upload (`batch`) if any, the counts and the ids of every record created.
    An upload is marked imported in the transaction that writes its rows: both happen, or neither.
    `progress(done, total)`, if given, is told how many rows have been checked, every
    PROGRESS_EVERY rows; it is called outside any transaction this function opens.
    """
    importer = IMPORTERS[ledger_type](organization=organization, user=user)
    result = ImportResult(ledger_type=ledger_type, dry_run=dry_run)
    importer.batch = batch
    importer.dry_run = dry_run
    if importer.agency is None:
        result.errors.append(ImportIssue(None, "", _("Choose an agency or one of its Party branches.")))
        return result
    refusal = import_refusal(user=user, organization=organization, ledger_type=ledger_type)
    if refusal:
        result.errors.append(ImportIssue(None, "", refusal))
        return result
    try:
        ledger = read_ledger(data, filename, importer.columns)
    except LedgerError as exc:
        result.errors.append(ImportIssue(exc.row, exc.column, exc.message))
        return result
    if ledger.unknown:
        result.warnings.append(unknown_columns_warning(ledger.unknown, importer.columns))
    order = [column.key for column in ledger.columns]
    result.headers = [ledger.headers[key] for key in order]
    columns = {column.key: column for column in importer.columns}
    importer.prepare(ledger)
    total = len(ledger.rows)
    cleaned = []
    for done, ledger_row in enumerate(ledger.rows, start=1):
        row = _Row(ledger_row, ledger.headers, columns, result.errors)
        cleaned.append((row, importer.clean(row)))
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    importer.check_together(cleaned)
    # Only the rows a preview shows: every problem is in `errors`, and 100,000 preview rows of
    # cells cost hundreds of megabytes for nothing.
    result.rows = [row.preview(order) for row, _item in cleaned[:PREVIEW_ROWS]]
    result.total_rows = len(cleaned)
    result.errors.sort(key=lambda issue: issue.row or 0)
    if not cleaned:
        result.errors.append(ImportIssue(None, "", _("The file has no rows below the header row.")))
    if result.errors:
        return result
    items = [item for _row, item in cleaned]
    del cleaned
    if dry_run and not importer.dry_run_writes:
        importer.before_write(items)
        for item in items:
            outcome = importer.write(item)
            setattr(result, outcome, getattr(result, outcome) + 1)
        return result
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        with audit_batch(
            model=model_label(ImportBatch),
            object_id=batch.pk if batch is not None else digest,
            object_repr=filename,
            by=user,
            discard=dry_run,
        ) as about:
            importer.before_write(items)
            for item in items:
                outcome = importer.write(item)
                setattr(result, outcome, getattr(result, outcome) + 1)
            importer.finish()
            about.update(
                file=filename,
                sha256=digest,
                bytes=len(data),
                ledger_type=ledger_type,
                organization=organization.pk,
                batch=batch.pk if batch is not None else None,
                rows=len(items),
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
                records=importer.created_ids,
            )
        if dry_run:
            # The counts come from doing the work; rolling it back leaves the database as it was.
            transaction.set_rollback(True)
        elif batch is not None:
            ImportBatch.objects.filter(pk=batch.pk).update(
                imported_at=timezone.now(),
                data=b"",
                status=ImportBatch.Status.READY,
                preview=result.as_preview(),
            )
    return result


# ---------------------------------------------------------------------------- browser uploads


def import_batch_create(*, organization: Organization, ledger_type: str, filename: str, data: bytes, by):
    """Keep an upload, checked once, for its preview and confirmation; the user's stale uploads are
    dropped. An imported upload stays while records it brought still wait for review: they are
    reviewed by it. A large upload is checked by a background task when there are tasks
    (activities/tasks.py); its preview waits for it."""
    from .tasks import import_batch_enqueue, import_in_background

    with transaction.atomic():
        ImportBatch.objects.filter(created_by=by).filter(
            Q(imported_at__isnull=False) | Q(created_at__lt=timezone.now() - datetime.timedelta(days=1))
        ).exclude(activities__status=Activity.Status.SUBMITTED).delete()
        batch = ImportBatch.objects.create(
            organization=organization,
            ledger_type=ledger_type,
            filename=filename[:255],
            data=data,
            created_by=by,
            status=ImportBatch.Status.CHECKING
            if import_in_background(len(data))
            else ImportBatch.Status.READY,
        )
    # Queued once the row is committed, so that a worker finds it (as reports/tasks.py does).
    if batch.status == ImportBatch.Status.CHECKING:
        import_batch_enqueue(batch=batch)
    else:
        import_batch_check(batch=batch)
    batch.refresh_from_db()
    return batch


def import_batch_check(*, batch, progress=None) -> ImportResult:
    """Check the upload once and keep what its preview shows; a refused file is dropped, never read again."""
    result = ledger_import(
        ledger_type=batch.ledger_type,
        data=bytes(batch.data),
        filename=batch.filename,
        organization=batch.organization,
        user=batch.created_by,
        dry_run=True,
        progress=progress,
    )
    batch.preview = result.as_preview()
    batch.status = ImportBatch.Status.READY
    batch.total = result.total_rows
    fields = ["preview", "status", "total"]
    if not result.ok:
        batch.data = b""
        fields.append("data")
    batch.save(update_fields=fields)
    return result


def import_batches_waiting(user):
    """Recorders' imports whose records wait for this secretary's review, with how many wait."""
    paths = scope_paths(user, Role.SECRETARY)
    if not paths:
        return []
    submitted = Q(activities__status=Activity.Status.SUBMITTED, activities__deleted_at__isnull=True)
    return list(
        ImportBatch.objects.filter(scope_q(user, "organization", Role.SECRETARY), imported_at__isnull=False)
        .annotate(waiting=Count("activities", filter=submitted))
        .filter(waiting__gt=0)
        .select_related("organization", "created_by")
        .order_by("-imported_at")
    )


def import_batch_approve(*, batch, by) -> int:
    """Approve every record of the upload that waits for review, each through `activity_approve`."""
    from .services.activity import activity_approve

    waiting = Activity.objects.filter(
        import_batch=batch, status=Activity.Status.SUBMITTED, deleted_at__isnull=True
    ).select_related("organization")
    approved = 0
    with transaction.atomic():
        for activity in waiting:
            activity_approve(activity=activity, by=by)
            approved += 1
    return approved


def import_batch_result(*, batch) -> ImportResult | None:
    """The stored check of the upload; None while it is still being checked."""
    return None if batch.preview is None else ImportResult.from_preview(batch.preview)


def import_batch_confirm(*, batch, by, progress=None) -> ImportResult | None:
    """Import a previewed upload; None when it was imported already (a second click, another tab).

    An upload whose check found problems is not read again: its stored check is the answer. Either
    way the rows are written and the upload marked imported in one transaction (ledger_import). In
    the request, the upload's row stays locked throughout, so that a second click waits and finds
    it imported. A background import (`progress` given) was claimed by `import_batch_enqueue`,
    which no second click passes; its rows are checked outside the transaction, so that others see
    its progress, and only written inside it.
    """
    if progress is not None:
        batch = ImportBatch.objects.select_related("organization").get(pk=batch.pk)
        return _confirm(batch, by, progress)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("organization").get(pk=batch.pk)
        return _confirm(batch, by, None)


def _confirm(batch, by, progress) -> ImportResult | None:
    if batch.imported_at is not None:
        return None
    stored = import_batch_result(batch=batch)
    if stored is None or not stored.ok:
        return stored
    result = ledger_import(
        ledger_type=batch.ledger_type,
        data=bytes(batch.data),
        filename=batch.filename,
        organization=batch.organization,
        user=by,
        batch=batch,
        progress=progress,
    )
    if not result.ok:
        # The agency changed since the check (a person left, a record was added): keep the new answer.
        batch.preview = result.as_preview()
        batch.status = ImportBatch.Status.READY
        batch.save(update_fields=["preview", "status"])
    return result
