"""Pages for publicity placements.

Another agency's object is a 404, a role too low a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from studyportal.accounts.models import Organization, Role
from studyportal.accounts.scoping import has_role, orgs_visible_to

from ..forms.publicity import PublicityForm
from ..forms.records import agencies_for
from ..models import Publicity
from ..selectors import publicity as selectors
from ..services import publicity as services
from .records import _org_param, _require, _with_org, _year_choices, _year_param


@login_required
@require_GET
def publicity_list(request):
    agency = _org_param(request)
    placements = selectors.publicity_visible_to(request.user).filter(agency=agency)
    latest = placements.order_by("-date").values_list("date", flat=True).first()
    year = _year_param(request, latest.year if latest else None)
    counts = selectors.publicity_counts_by_level(agency=agency, year=year)
    return render(
        request,
        "records/publicity_list.html",
        {
            "agency": agency,
            "agencies": orgs_visible_to(request.user).filter(kind=Organization.Kind.AGENCY),
            "year": year,
            "years": _year_choices(year, latest.year if latest else None),
            "counts": [(Publicity.Level(level).label, n) for level, n in counts.items()],
            "total": sum(counts.values()),
            "placements": placements.filter(date__year=year).order_by("-date", "-id"),
            "may_edit": has_role(request.user, agency, Role.RECORDER),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def publicity_new(request):
    if not agencies_for(request.user).exists():
        raise PermissionDenied
    form = PublicityForm(request.POST or None, user=request.user, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agency = data.pop("agency")
        placement = services.publicity_create(agency=agency, by=request.user, **data)
        messages.success(request, _("The placement has been recorded."))
        return redirect(_with_org(reverse("records:publicity_list"), agency, year=placement.date.year))
    return render(request, "records/publicity_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def publicity_edit(request, pk):
    placement = selectors.get_publicity_for_user(request.user, pk)
    _require(request.user, placement.agency, Role.RECORDER)
    form = PublicityForm(request.POST or None, instance=placement, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.publicity_update(placement=placement, **form.cleaned_data)
        messages.success(request, _("The placement has been saved."))
        return redirect(
            _with_org(reverse("records:publicity_list"), placement.agency, year=placement.date.year)
        )
    return render(request, "records/publicity_form.html", {"form": form, "placement": placement})
