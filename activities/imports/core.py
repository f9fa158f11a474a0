"""The shared core of every import: a row's cells read through parsers, each problem kept with its row
and column, the result a preview shows, and the `Importer` each ledger type builds on.
"""

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from studyportal.accounts.models import Organization, Role, User
from studyportal.audit.models import AuditEntry
from studyportal.audit.services import audit_record_bulk, model_label

from .ledger import CellError, Column, cell_text

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

    def __init__(
        self,
        ledger_row,
        headers: dict[str, str],
        columns: dict[str, Column],
        errors: list,
        parsed: dict | None = None,
    ):
        self.number = ledger_row.number
        self.values = ledger_row.values
        self.headers = headers
        self.columns = columns
        self.errors = errors
        self.problems: dict[str, list[str]] = defaultdict(list)
        # (parser, type, raw value) → (value, problem): shared by the rows of one file, whose dates,
        # hours and counts repeat, so that each distinct cell is parsed once.
        self.parsed = {} if parsed is None else parsed

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
            # The type too: 1, 1.0 and True are one key to a dict but not to a parser.
            cache_key = (parser, type(raw), raw)
            try:
                value, problem = self.parsed[cache_key]
            except KeyError:
                try:
                    value, problem = parser(raw), None
                except CellError as exc:
                    value, problem = None, str(exc)
                self.parsed[cache_key] = value, problem
            if problem is not None:
                self.error(key, problem)
            return value
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


def listed_twice(row: _Row, key: str, seen: dict, value) -> None:
    """A problem in the row's column `key` when `value` was on an earlier row; `seen` remembers the
    first row of each value."""
    if value in seen:
        row.error(key, _("Listed twice (also row %(row)s).") % {"row": seen[value]})
    seen.setdefault(value, row.number)


def not_among_people(row: _Row, key: str, names: list[str]) -> None:
    row.error(
        key,
        _("Not among the agency's people: %(names)s. Import or add them first.")
        % {"names": "、".join(names)},
    )


def set_changed(record, wanted: dict) -> list[str]:
    """Give the record the wanted values that differ from its own; the names of the fields changed."""
    changed = [name for name, value in wanted.items() if getattr(record, name) != value]
    for name in changed:
        setattr(record, name, wanted[name])
    return changed


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

    def person_named(self, row: _Row, key: str, *, required=False) -> tuple[str | None, User | None]:
        """The name in the cell and the agency's person of that name (`self.people`); a problem when
        nobody is."""
        name = row.get(key, required=required)
        person = self.people.get(name) if name else None
        if name and person is None:
            not_among_people(row, key, [name])
        return name, person

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
