"""The filtered activity list as XLSX or CSV, streamed, every text cell defused against formulas."""

import csv

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from studyportal.downloads import as_download
from studyportal.spreadsheet import Column, Sheet, safe_row, xlsx_download

from ..completeness import missing_items
from ..filters import ActivityFilter
from ..models import Group, StudyMaterial
from ..selectors import activity as selectors

CHUNK = 2000


def _columns():
    return [
        Column(_("Date"), 12),
        Column(_("Organization"), 24),
        Column(_("Group"), 8),
        Column(_("Kind"), 16),
        Column(_("Title"), 40),
        Column(_("Location / site"), 24),
        Column(_("Speaker / study leader"), 14),
        Column(_("Present"), 8),
        Column(_("Outside participants"), 10),
        Column(_("Hours"), 8),
        Column(_("Study materials"), 40),
        Column(_("Status"), 10),
        Column(_("Completeness"), 30),
    ]


def _rows(queryset):
    activities = queryset.prefetch_related(
        Prefetch("materials", queryset=StudyMaterial.objects.order_by("title"))
    ).iterator(chunk_size=CHUNK)
    for activity in activities:
        missing = missing_items(activity)
        yield [
            activity.date,
            activity.organization.name,
            str(Group(activity.group).label),
            activity.get_kind_display(),
            activity.title,
            activity.location,
            activity.speaker_display,
            activity.present_count,
            activity.outside_headcount,
            activity.hours,
            "、".join(f"《{material.title}》" for material in activity.materials.all()),
            activity.get_status_display(),
            "、".join(str(item) for item in missing) if missing else _("Complete"),
        ]


class _Echo:
    def write(self, value):
        return value


def _csv_response(queryset, name, fallback):
    writer = csv.writer(_Echo())

    def lines():
        # Excel and WPS read UTF-8 CSV correctly only with the byte-order mark.
        yield "\ufeff"
        yield writer.writerow(safe_row(column.label for column in _columns()))
        for row in _rows(queryset):
            yield writer.writerow(safe_row(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    return as_download(response, f"{name}.csv", f"{fallback}.csv")


def _xlsx_response(queryset, name, fallback):
    sheets = [Sheet(_("Activities"), _columns(), _rows(queryset))]
    return xlsx_download(f"{name}.xlsx", sheets, fallback=f"{fallback}.xlsx")


def _file_names(request, filterset) -> tuple[str, str]:
    """县工业和信息化局2022年度学习活动台账 (the organization filtered on, else the user's agency; the year
    filtered on, else today's date), and its ASCII fallback activities-2022."""
    chosen = filterset.form.cleaned_data.get("organization") if filterset.is_valid() else None
    organization = next(
        (name for pk, name, _path, _parent in filterset.organizations if str(pk) == chosen), None
    ) or (request.user.agency.name if request.user.agency_id else "")
    year = filterset.form.cleaned_data.get("year") if filterset.is_valid() else None
    year = int(year) if year else None
    if year:
        name = _("%(organization)s %(year)s activity ledger") % {"organization": organization, "year": year}
        return name.strip(), f"activities-{year}"
    today = f"{timezone.localdate():%Y%m%d}"
    name = _("%(organization)s activity ledger %(date)s") % {"organization": organization, "date": today}
    return name.strip(), f"activities-{today}"


@login_required
@require_GET
def activity_export(request):
    export_format = request.GET.get("format", "xlsx")
    if export_format not in ("xlsx", "csv"):
        return HttpResponseBadRequest(_("Choose the xlsx or csv format."))
    filterset = ActivityFilter(request.GET, queryset=selectors.activity_list(request.user), request=request)
    name, fallback = _file_names(request, filterset)
    if export_format == "csv":
        return _csv_response(filterset.qs, name, fallback)
    return _xlsx_response(filterset.qs, name, fallback)
