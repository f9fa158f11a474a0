"""What the pages of the records (rectification, study points, publicity, study plans, norms) share.

Who may do what: anyone covering the agency (staff and up) sees its rectification items, publicity,
plans and norms; a recorder creates and edits them; an item's owner or a recorder reports progress;
a secretary reopens and closes items and sees members' study points; only an administrator sets the
low-points threshold. Another agency's object is a 404, a role too low a 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import urlencode

from studyportal.accounts.models import Organization
from studyportal.accounts.scoping import has_role, orgs_visible_to
from studyportal.params import MAX_ID, parse_int, year_param


def _require(user, organization, role):
    if not has_role(user, organization, role):
        raise PermissionDenied


def _org_param(request, kinds=(Organization.Kind.AGENCY,)):
    """The organization of `?org=` (id or code) among those the user sees, else the user's own agency,
    else the first agency the user covers. Another agency's `?org=` is a 404."""
    visible = orgs_visible_to(request.user).filter(kind__in=kinds)
    raw = request.GET.get("org", "").strip()
    if raw:
        pk = parse_int(raw, low=1, high=MAX_ID)
        lookup = Q(code=raw) | Q(pk=pk) if pk is not None else Q(code=raw)
        return get_object_or_404(visible, lookup)
    own = visible.filter(pk=request.user.agency_id).first() if request.user.agency_id else None
    if own is not None:
        return own
    first = visible.filter(kind=Organization.Kind.AGENCY).order_by("path").first()
    if first is None:
        raise PermissionDenied
    return first


def _year_param(request, default: int | None) -> int:
    return year_param(request, default=default or timezone.localdate().year)


def _year_choices(*years) -> list[int]:
    this_year = timezone.localdate().year
    return sorted({y for y in years if y} | {this_year, this_year - 1}, reverse=True)


def _with_org(url: str, org: Organization, **params) -> str:
    return f"{url}?{urlencode({'org': org.code, **params})}"
