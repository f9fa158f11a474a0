"""Where the summary's figures come from: each figure, its records, and the ledger listing them."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from activities.models import Activity
from reports.selectors.summary import summary_sources

from .summary import _checked


@login_required
@require_GET
def sources(request, year):
    agency = _checked(request, year)
    ledger = reverse("activities:list")
    scope = {"year": year, "organization": agency.pk, "status": Activity.Status.APPROVED}
    figures = [
        {
            "label": source.label,
            "count": source.count,
            "records": source.records,
            "url": f"{ledger}?{urlencode({**scope, **source.filters})}",
        }
        for source in summary_sources(agency=agency, year=year)
    ]
    return render(request, "reports/sources.html", {"agency": agency, "year": year, "figures": figures})
