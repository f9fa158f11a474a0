"""Pages for study points.

Another agency's object is a 404, a role too low a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from studyportal.accounts.models import Organization, Role
from studyportal.accounts.scoping import PAGE_ROLES, has_role, orgs_visible_to

from ..forms.points import ThresholdForm
from ..selectors import points as selectors
from ..services import points as services
from .records import _org_param, _require, _with_org, _year_choices, _year_param


@login_required
@require_GET
def points(request):
    agency = _org_param(request)
    _require(request.user, agency, PAGE_ROLES["points"])
    years = selectors.points_years(agency)
    year = _year_param(request, years[0] if years else None)
    members = selectors.points_by_member(agency=agency, year=year)
    return render(
        request,
        "records/points.html",
        {
            "agency": agency,
            "agencies": orgs_visible_to(request.user, PAGE_ROLES["points"]).filter(
                kind=Organization.Kind.AGENCY
            ),
            "year": year,
            "years": _year_choices(year, *years),
            "members": members,
            "below_count": sum(1 for row in members if row.below),
            "no_data_count": sum(1 for row in members if row.total is None),
            "may_set_threshold": has_role(request.user, agency, Role.ADMIN),
            "threshold_form": ThresholdForm(instance=agency),
        },
    )


@login_required
@require_POST
def points_threshold(request):
    agency = _org_param(request)
    _require(request.user, agency, Role.ADMIN)
    form = ThresholdForm(request.POST, instance=Organization.objects.get(pk=agency.pk))
    if form.is_valid():
        services.agency_set_points_threshold(
            agency=agency, threshold=form.cleaned_data["low_points_threshold"]
        )
        messages.success(request, _("The threshold has been saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    params = {"year": request.POST["year"]} if request.POST.get("year", "").isdigit() else {}
    return redirect(_with_org(reverse("records:points"), agency, **params))
