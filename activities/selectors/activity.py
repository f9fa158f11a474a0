"""Reads on activities. Every list and lookup starts from `activities_visible_to` (the user's scope)."""

import calendar
import datetime
import functools
from collections import defaultdict
from decimal import Decimal

from django.apps import apps
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from simple_history.models import ModelChange

from studyportal.accounts.models import Organization, Role, User
from studyportal.accounts.scoping import orgs_visible_to, scope_q, sees_whole_tree
from studyportal.choices import label_of
from studyportal.names import person_name_key

from .. import kinds
from ..completeness import completeness_annotations, missing_items
from ..models import Activity, Attachment, Attendance, Group, StudyMaterial


def _drafts_q(user, reviewers: Q) -> Q:
    """Who sees a draft: the person who recorded it, and the recorders and secretaries (and
    administrators) covering its organization (`reviewers`); other staff see it once submitted."""
    return ~Q(status=Activity.Status.DRAFT) | Q(recorded_by=user) | reviewers


def _in_scope_with_drafts(user):
    """Every activity of the organizations the user covers, drafts included: only for what a draft's
    other people need before it is submitted (signing in to it with its QR code)."""
    return Activity.objects.alive().filter(scope_q(user))


def activities_visible_to(user):
    return _in_scope_with_drafts(user).filter(_drafts_q(user, scope_q(user, min_role=Role.RECORDER)))


def _activities_in_scope(user):
    """The same rows as `activities_visible_to`, filtered on the organization id: without the join on
    the organization's path, PostgreSQL can walk the (organization, date) index for the list's order.
    A scope of the whole tree needs no filter at all, and then the list's partial index on (date, id)
    serves its order and its count alone."""
    alive = Activity.objects.alive()
    if sees_whole_tree(user, Role.RECORDER):
        return alive
    if not sees_whole_tree(user):
        alive = alive.filter(organization_id__in=orgs_visible_to(user).values("pk"))
    reviewers = Q(organization_id__in=orgs_visible_to(user, Role.RECORDER).values("pk"))
    return alive.filter(_drafts_q(user, reviewers))


def _with_list_data(queryset, related=("organization", "speaker", "recorded_by")):
    """What a list row shows, fetched with the rows: organization, speaker, head count, completeness."""
    return queryset.select_related(*related).annotate(**_list_annotations()).order_by("-date", "-id")


@functools.cache
def _list_annotations() -> dict:
    """Built once per process (building the seven subqueries took half a millisecond a page). Safe to
    share: the ORM resolves a copy of each expression into every query that uses it."""
    return {
        # A subquery rather than a join, so the page count needs no GROUP BY over every row.
        "present_count": Coalesce(
            Subquery(
                Attendance.objects.filter(activity=OuterRef("pk"), status=Attendance.Status.PRESENT)
                .values("activity")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        ),
        **completeness_annotations(),
    }


def activity_list(user):
    """The user's activities with everything a list row needs; filter and sort it further."""
    return _with_list_data(activities_visible_to(user))


LIST_ORDER = ("-date", "-id")


def activity_list_rows(user):
    """The user's activities, newest first, without the row data: filter and sort it, then hand it
    to `activity_page`, which fetches the row data for one page only."""
    return _activities_in_scope(user).order_by(*LIST_ORDER)


# The orders a page can be sought in by key instead of stepped to by offset: (field, id), either way.
SEEK_FIELDS = ("date",)


def seek_order(ordering) -> tuple[str, bool, bool] | None:
    """(field, field descending, id descending) when `ordering` is one a page can be sought in by a
    row's key (a field of SEEK_FIELDS, then the id), else None."""
    if len(ordering) != 2 or ordering[1].lstrip("-") not in ("id", "pk"):
        return None
    field = ordering[0].lstrip("-")
    if field not in SEEK_FIELDS:
        return None
    return field, ordering[0].startswith("-"), ordering[1].startswith("-")


def page_key(row, field: str = "date") -> str:
    """A row's place in a seekable order, for the pager's links: `2026-03-01.1234`."""
    return f"{getattr(row, field).isoformat()}.{row.pk}"


def _parse_key(key) -> tuple[datetime.date, int] | None:
    value, _, pk = str(key or "").partition(".")
    try:
        return datetime.date.fromisoformat(value), int(pk)
    except ValueError:
        return None


def _seek(ids, seek, key, per_page: int, *, backwards: bool):
    """The ids of the `per_page` rows just after the key in the order (just before it when
    `backwards`): a walk of the order's index from the key, whatever the page's depth."""
    field, field_desc, id_desc = seek
    if backwards:
        field_desc, id_desc = not field_desc, not id_desc
    value, pk = key
    field_op, id_op = ("lt" if field_desc else "gt"), ("lt" if id_desc else "gt")
    # (field, id) past (value, pk): the first condition bounds the index range, the second breaks ties.
    past = Q(**{f"{field}__{field_op}e": value}) & (
        Q(**{f"{field}__{field_op}": value}) | Q(**{f"pk__{id_op}": pk})
    )
    order = [f"-{field}" if field_desc else field, "-pk" if id_desc else "pk"]
    return ids.filter(past).order_by(*order)[:per_page]


# Above this many rows, the unfiltered list of every agency shows PostgreSQL's own count of its index
# (labelled "about"): an exact COUNT would walk all of them on every page (0.2–0.5 s for a city's
# 1.8 M). Below it, and on any filtered list, the count is exact.
ESTIMATE_ABOVE = 200_000
LIST_INDEX = "activity_list_order"


def _count_or_estimate(ids) -> tuple[int, bool]:
    """(count, estimated) of the unfiltered list in one query: the planner's count of the list's
    partial index (`pg_class.reltuples`, kept by VACUUM and ANALYZE) when it is above
    ESTIMATE_ABOVE, else the exact COUNT (a subquery PostgreSQL runs only then)."""
    queryset = ids.order_by()
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.count(), False
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT CASE WHEN reltuples > %s THEN reltuples::bigint
                ELSE (SELECT COUNT(*) FROM ({sql}) AS rows) END, reltuples > %s
                FROM pg_class WHERE relname = %s""",
            [ESTIMATE_ABOVE, *params, ESTIMATE_ABOVE, LIST_INDEX],
        )
        row = cursor.fetchone()
    if row is None:  # no such index: count
        return queryset.count(), False
    return int(row[0]), bool(row[1])


def activity_page(
    queryset,
    number,
    per_page: int,
    *,
    from_either_end: bool = False,
    after=None,
    before=None,
    may_estimate: bool = False,
):
    """One page of `queryset` with everything a list row needs, and `missing` set on each row.

    Two queries whatever the page: the count, then the page's rows. The subqueries of a row (head
    count, completeness) are evaluated for the page's rows only: the page's ids are chosen first,
    on the bare filtered rows, and the rows are fetched by id, in the order of the page.

    `from_either_end`: the queryset is a whole list in an indexed order (no filter), so a page past
    the middle is read backwards from the end, stepping over fewer index entries. Not for filtered
    rows: walking from the far end past rows that do not match (a filter on the year) costs more.

    `after` / `before`: the key (`page_key`) of the last row of the page before this one / of the
    first row of the page after it, which the pager's links carry: the page's rows are then sought
    from that key (as cheap on page 70,000 as on page 2) and `number` only says which page it is.
    A key the order cannot seek by, or that finds no rows, falls back to the page's offset.
    `page.seek`: the order's (field, descending, id descending) when its pages can be sought by key
    (`seek_order`), else None.

    `may_estimate`: the queryset is the unfiltered list of every agency (the list's partial index
    holds exactly its rows), whose count may be PostgreSQL's estimate above ESTIMATE_ABOVE rows;
    `page.estimated` says so. A page past the middle named by number alone is then read from the
    far end as the estimate places it, and "next" is offered while a page is full.
    """
    ordering = list(queryset.query.order_by) or list(LIST_ORDER)
    if not any(key.lstrip("-") in ("id", "pk") for key in ordering):
        # A unique last key, so that pages neither repeat nor skip rows that share a date or a title.
        ordering.append("-id")
    ids = queryset.order_by(*ordering).values("pk")
    paginator = Paginator(ids, per_page)
    estimated = False
    if may_estimate:
        paginator.count, estimated = _count_or_estimate(ids)  # `count` is a cached property
    page = paginator.get_page(number)
    page.seek = seek = seek_order(ordering)
    page.estimated = estimated
    count = paginator.count
    if not count:
        page.object_list = []
        return page
    start, end = page.start_index() - 1, page.end_index()
    sought = _parse_key(after or before) if seek and page.number > 1 else None
    if sought:
        rows = _page_rows(_seek(ids, seek, sought, per_page, backwards=not after), ordering)
        if rows:
            page.object_list = rows
            return _estimated_end(page, per_page)
    if from_either_end and count - end < start:
        # The order is total (it ends with the id), so these are the same rows; on an estimated
        # count the page's place is as near as the estimate (the pager's keys then lead on exactly).
        backwards = [key[1:] if key.startswith("-") else f"-{key}" for key in ordering]
        page_ids = ids.order_by(*backwards)[max(count - end, 0) : max(count - start, 0)]
    else:
        page_ids = ids[start:end]
    page.object_list = _page_rows(page_ids, ordering)
    return _estimated_end(page, per_page)


def _estimated_end(page, per_page: int):
    """On an estimated count the last page is not known: a full page offers "next"."""
    if page.estimated:
        full = len(page.object_list) == per_page
        page.has_next = lambda: full
        page.has_other_pages = lambda: full or page.number > 1
    return page


def _page_rows(page_ids, ordering) -> list[Activity]:
    # The row shows who recorded it only through permissions, which read `recorded_by_id`.
    rows = _with_list_data(Activity.objects.filter(pk__in=page_ids), related=("organization", "speaker"))
    return with_missing(rows.order_by(*ordering))


def get_activity_for_user(user, pk: int, *, drafts_of_others: bool = False) -> Activity:
    """One activity the user may see (404 otherwise), with the list's annotations. `drafts_of_others`
    opens the other people's drafts of the user's scope (for signing in to one)."""
    # With the reviewer, whom the detail page names.
    related = ("organization", "speaker", "recorded_by", "reviewed_by")
    rows = _in_scope_with_drafts(user) if drafts_of_others else activities_visible_to(user)
    activity = get_object_or_404(_with_list_data(rows, related=related), pk=pk)
    activity.missing = missing_items(activity)
    return activity


def with_missing(activities):
    """The rows of a page with their completeness worked out (no query: it reads annotations)."""
    rows = list(activities)
    for activity in rows:
        activity.missing = missing_items(activity)
    return rows


def activity_detail_parts(activity: Activity) -> dict:
    """Attendance, attachments and materials of one activity (three queries)."""
    attendances = list(
        activity.attendances.select_related("person", "person__branch").order_by(
            "person__branch_id", "-person__is_leader", "person_id"
        )
    )
    return {
        "attendances": attendances,
        "attachments": list(activity.attachments.all()),
        "materials": list(activity.materials.all()),
    }


def people_for_picker(organization: Organization):
    """The agency's active people, by branch, for the attendee and speaker pickers."""
    agency = organization.agency
    if agency is None:
        return User.objects.none()
    return (
        User.objects.filter(agency=agency, is_active=True)
        .select_related("branch")
        .order_by("branch__path", "-is_leader", "id")
    )


def sign_in_roster(activity: Activity) -> dict:
    """Who has and has not signed in, for the live sign-in page: the members expected (the branch's
    for a branch's activity, else the agency's active people) and anyone else already on the list,
    in pinyin order, with the counts. Two queries, whatever the size of the agency."""
    organization = activity.organization
    if organization.kind == Organization.Kind.BRANCH:
        expected = User.objects.filter(branch=organization, is_active=True)
    else:
        expected = people_for_picker(organization)
    rows = {
        row.person_id: row for row in Attendance.objects.filter(activity=activity).select_related("person")
    }
    people = {person.pk: person for person in expected.only("id", "real_name", "username", "branch")}
    people.update({person_id: row.person for person_id, row in rows.items()})
    entries = sorted(
        ({"person": person, "row": rows.get(pk)} for pk, person in people.items()),
        key=lambda entry: person_name_key(entry["person"].real_name or entry["person"].username),
    )
    counts = dict.fromkeys(Attendance.Status.values, 0)
    for row in rows.values():
        counts[row.status] += 1
    return {
        "entries": entries,
        "total": len(entries),
        "present": counts[Attendance.Status.PRESENT],
        "leave": counts[Attendance.Status.LEAVE],
        "absent": counts[Attendance.Status.ABSENT],
        "waiting": len(entries) - len(rows),
    }


def recordable_organizations(user):
    """Agencies and branches where the user may record an activity."""
    return orgs_visible_to(user, Role.STAFF).filter(
        kind__in=[Organization.Kind.AGENCY, Organization.Kind.BRANCH], is_active=True
    )


def people_visible_to(user):
    return User.objects.filter(scope_q(user, "agency")).order_by("agency_id", "-is_leader", "id")


def get_attachment_for_user(user, pk: int) -> Attachment:
    return get_object_or_404(
        Attachment.objects.select_related("activity").filter(
            activity__in=activities_visible_to(user).values("pk")
        ),
        pk=pk,
    )


# --- calendar --------------------------------------------------------------------------------


def calendar_month(user, year: int, month: int) -> dict:
    """The month's weeks (lists of dates) and the visible activities of each day (one query)."""
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    activities = (
        activities_visible_to(user)
        .filter(date__range=(first, last))
        .select_related("organization")
        .order_by("date", "start_time", "id")
    )
    by_day = defaultdict(list)
    for activity in activities:
        by_day[activity.date].append(activity)
    weeks = [
        [(day, by_day.get(day, [])) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    days = [(day, by_day[day]) for day in sorted(by_day)]
    return {"weeks": weeks, "days": days, "first": first}


# --- my record -------------------------------------------------------------------------------


def my_record(user, year: int) -> dict:
    """What the person attended in the year, with hours; approved hours are the ones that count.

    It is the person's own attendance, so it is not limited by roles: someone who moved agency
    still sees their year.
    """
    attendances = list(
        Attendance.objects.filter(
            person=user,
            activity__date__year=year,
            activity__deleted_at__isnull=True,
        )
        .select_related("activity", "activity__organization")
        .prefetch_related(Prefetch("activity__materials", queryset=StudyMaterial.objects.order_by("title")))
        .order_by("activity__date", "activity_id")
    )
    present = [row for row in attendances if row.status == Attendance.Status.PRESENT]
    approved_hours = sum(
        (
            row.activity.hours or Decimal(0)
            for row in present
            if row.activity.status == Activity.Status.APPROVED
        ),
        Decimal(0),
    )
    all_hours = sum((row.activity.hours or Decimal(0) for row in present), Decimal(0))
    by_group = []
    for group, label in Group.choices:
        rows = [row for row in present if kinds.spec(row.activity.kind).group == group]
        by_group.append(
            {
                "group": group,
                "label": label,
                "count": len(rows),
                "hours": sum((row.activity.hours or Decimal(0) for row in rows), Decimal(0)),
            }
        )
    return {
        "attendances": attendances,
        # Present, by the seed's three groups (领学 / 助学 / 检学), records awaiting review included.
        "by_group": by_group,
        "present_count": len(present),
        "approved_hours": approved_hours,
        "all_hours": all_hours,
    }


def my_record_years(user) -> list[int]:
    years = (
        Attendance.objects.filter(person=user, activity__deleted_at__isnull=True)
        .dates("activity__date", "year")
        .distinct()
    )
    return sorted({day.year for day in years}, reverse=True)


# --- history ---------------------------------------------------------------------------------

HIDDEN_HISTORY_FIELDS = {"submitted_at", "reviewed_at", "created_at", "import_key"}
# The record's links to people and organizations (organization, speaker, recorded_by, reviewed_by),
# whose changes the history shows by name.
_NAMED_FIELDS = {
    field.name: field.related_model
    for field in Activity._meta.concrete_fields
    if field.many_to_one and field.related_model in (User, Organization)
}


def activity_history(activity: Activity) -> list[dict]:
    """The record's changes, newest first: who, when, and each changed field with its old value.

    Two queries whatever the record's history (none, one version or many, changes naming people and
    organizations or not): the versions with whoever made them and the people and organizations
    they name, and the materials of every version.
    """
    # A changed person or organization is the value of one of the versions, so joining each
    # version's own gives every name a change shows.
    records = list(
        activity.history.select_related("history_user", *_NAMED_FIELDS).order_by("history_date", "history_id")
    )
    # The materials of every version in one query: simple_history's diff would read them with two
    # queries per version, so a record's page would cost more queries the more often it changed.
    materials_of, titles = defaultdict(list), {}
    versions = apps.get_model("activities", "HistoricalActivity_materials").objects.filter(
        activity_id=activity.pk
    )
    for history_id, activity_id, material_id, title in versions.order_by("studymaterial_id").values_list(
        "history_id", "activity_id", "studymaterial_id", "studymaterial__title"
    ):
        materials_of[history_id].append({"activity": activity_id, "studymaterial": material_id})
        titles[material_id] = title
    label_field = {User: "real_name", Organization: "name"}
    names = {User: {}, Organization: {}}
    for record in records:
        for name, model in _NAMED_FIELDS.items():
            related = getattr(record, name)
            if related is not None:
                names[model][related.pk] = getattr(related, label_field[model])
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=["materials"])
            old, new = materials_of[previous.pk], materials_of[record.pk]
            if old != new:
                delta.changes.append(ModelChange("materials", old, new))
            changes = [change for change in delta.changes if change.field not in HIDDEN_HISTORY_FIELDS]
        entries.append({"record": record, "changes": changes})
        previous = record
    result = []
    for entry in reversed(entries):
        record = entry["record"]
        result.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "type": record.history_type,
                "reason": record.history_change_reason or "",
                "changes": [
                    {
                        "field": Activity._meta.get_field(change.field).verbose_name,
                        "old": _display(change.field, change.old, names, titles),
                        "new": _display(change.field, change.new, names, titles),
                    }
                    for change in entry["changes"]
                ],
            }
        )
    return result


def _display(field_name, value, names, titles):
    field = Activity._meta.get_field(field_name)
    if field.many_to_many:
        return "、".join(f"《{titles.get(row['studymaterial']) or '?'}》" for row in value) or "—"
    if value in (None, ""):
        return "—"
    if field.choices:
        return label_of(Activity, field_name, value)
    if field.many_to_one and field.related_model in names:
        return names[field.related_model].get(value, value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return value
