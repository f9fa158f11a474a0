"""The user's home page (`/`): their roles and, per role, what waits for them (reports/selectors/home.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from reports.selectors.home import home_panels
from studyportal.accounts.models import RoleAssignment


@login_required
def home(request):
    assignments = (
        RoleAssignment.objects.filter(user=request.user)
        .select_related("organization")
        .order_by("organization__path")
    )
    return render(request, "home.html", {"assignments": assignments, "panels": home_panels(request.user)})
