"""The norms page.

Another agency's object is a 404, a role too low a 403.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from studyportal.accounts.models import Organization
from studyportal.accounts.scoping import orgs_visible_to

from ..selectors import plans as selectors
from ..selectors.norms import gaps_of, month_label, norm_results
from .records import _org_param, _year_choices, _year_param


@login_required
@require_GET
def norms(request):
    org = _org_param(request, kinds=(Organization.Kind.AGENCY, Organization.Kind.BRANCH))
    latest = selectors.latest_activity_year(org.agency or org)
    year = _year_param(request, latest)
    results = norm_results(organization=org, year=year)
    gaps = gaps_of(results)
    return render(
        request,
        "records/norms.html",
        {
            "org": org,
            "orgs": orgs_visible_to(request.user)
            .filter(kind__in=[Organization.Kind.AGENCY, Organization.Kind.BRANCH])
            .order_by("path"),
            "year": year,
            "years": _year_choices(year, latest),
            "results": results,
            "gaps": gaps,
            "months": [month_label(m) for m in range(1, 13)],
            "show_org": len({r.organization.pk for r in results}) > 1,
        },
    )
