"""The filtered activity list as XLSX or CSV, streamed, every text cell defused against formulas."""

import csv
import tempfile

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from studyportal.spreadsheet import XLSX_CONTENT_TYPE, safe_row

from .. import selectors
from ..completeness import missing_items
from ..filters import ActivityFilter
from ..models import Group, StudyMaterial

CHUNK = 2000


def _header():
    return [
        _("Date"),
        _("Organization"),
        _("Group"),
        _("Kind"),
        _("Title"),
        _("Location / site"),
        _("Speaker / study leader"),
        _("Present"),
        _("Outside participants"),
        _("Hours"),
        _("Study materials"),
        _("Status"),
        _("Completeness"),
    ]


def _rows(queryset):
    activities = queryset.prefetch_related(
        Prefetch("materials", queryset=StudyMaterial.objects.order_by("title"))
    ).iterator(chunk_size=CHUNK)
    for activity in activities:
        missing = missing_items(activity)
        yield safe_row(
            [
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
        )


class _Echo:
    def write(self, value):
        return value


def _csv_response(queryset, filename):
    writer = csv.writer(_Echo())

    def lines():
        # Excel and WPS read UTF-8 CSV correctly only with the byte-order mark.
        yield "\ufeff"
        yield writer.writerow(_header())
        for row in _rows(queryset):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx_response(queryset, filename):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Activities"))
    sheet.append(_header())
    for row in _rows(queryset):
        sheet.append(row)
    # Spooled to disk past a few megabytes, so a year's ledger does not sit in memory.
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


@login_required
@require_GET
def activity_export(request):
    export_format = request.GET.get("format", "xlsx")
    if export_format not in ("xlsx", "csv"):
        return HttpResponseBadRequest(_("Choose the xlsx or csv format."))
    filterset = ActivityFilter(request.GET, queryset=selectors.activity_list(request.user), request=request)
    filename = f"activities-{timezone.localdate():%Y%m%d}"
    if export_format == "csv":
        return _csv_response(filterset.qs, filename)
    return _xlsx_response(filterset.qs, filename)
