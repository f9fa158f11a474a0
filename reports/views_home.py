"""The user's home page (`/`): their roles and, per role, what waits for them (reports/dashboard.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from studyportal.accounts.models import RoleAssignment

from .dashboard import home_panels


@login_required
def home(request):
    assignments = (
        RoleAssignment.objects.filter(user=request.user)
        .select_related("organization")
        .order_by("organization__path")
    )
    return render(request, "home.html", {"assignments": assignments, "panels": home_panels(request.user)})
