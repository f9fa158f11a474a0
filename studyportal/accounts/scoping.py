"""The one place that answers "which organizations may this user see or change".

Roles are ranked: staff < recorder < secretary < admin. A role on an organization covers its
subtree, and a higher role includes what the lower ones allow. Every list and lookup in the
portal starts from `scope_q` / `orgs_visible_to`, so another agency's rows are never reachable.
"""

from django.db.models import Q

from .models import Organization, Role, RoleAssignment

RANK = {Role.STAFF: 1, Role.RECORDER: 2, Role.SECRETARY: 3, Role.ADMIN: 4}

# The lowest role that opens the pages not open to every member. The views require it, and the menu
# (context_processors.roles) offers a page only to those who hold that role somewhere, so the menu
# never leads to a 403. Members see their own study points on "My study record".
PAGE_ROLES = {"points": Role.SECRETARY, "dashboard": Role.SECRETARY, "people": Role.SECRETARY}


def _assignments(user) -> list[tuple[int, str]]:
    """(rank, org path) for each role the user holds, read once per user object (i.e. per request)."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_scope_assignments", None)
    if cached is None:
        if user.is_superuser:
            cached = [(RANK[Role.ADMIN], "/")]
        else:
            cached = [
                (RANK[role], path)
                for role, path in RoleAssignment.objects.filter(
                    user=user, organization__is_active=True
                ).values_list("role", "organization__path")
            ]
        user._scope_assignments = cached
    return cached


def scope_paths(user, min_role: str = Role.STAFF) -> list[str]:
    """Paths of the subtrees where the user holds at least `min_role`, with nested ones dropped."""
    paths = sorted({path for rank, path in _assignments(user) if rank >= RANK[min_role]})
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return kept


def scope_q(user, field: str | None = "organization", min_role: str = Role.STAFF) -> Q:
    """A filter for rows whose organization (reached through `field`) the user covers.

    `field=None` filters Organization itself.
    """
    return under_q(scope_paths(user, min_role), field)


def under_q(paths, field: str | None = "organization") -> Q:
    """A filter for rows whose organization (reached through `field`; None: Organization itself)
    lies under one of `paths`, those organizations included; none when `paths` is empty."""
    lookup = "path__startswith" if field is None else f"{field}__path__startswith"
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{lookup: path})
    return query


def orgs_visible_to(user, min_role: str = Role.STAFF):
    return Organization.objects.filter(scope_q(user, None, min_role))


def sees_whole_tree(user, min_role: str = Role.STAFF) -> bool:
    """Whether the user's scope is every organization (a superuser, or a role on each root).

    Lists can then skip the filter on the organization, which would otherwise make PostgreSQL check
    each row. Costs one small query, once per user object, and only for a user with a role on a root.
    """
    paths = scope_paths(user, min_role)
    if "/" in paths:
        return True
    top = frozenset(path for path in paths if path.count("/") == 2)  # "/1/": a root's own path
    if not top:
        return False
    cached = getattr(user, "_scope_roots", None)
    if cached is None:
        cached = user._scope_roots = frozenset(
            Organization.objects.filter(parent__isnull=True).values_list("path", flat=True)
        )
    return top >= cached


def has_role(user, organization: Organization, min_role: str = Role.STAFF) -> bool:
    """Whether the user holds at least `min_role` on the organization or one above it."""
    if organization is None:
        return False
    return any(organization.path.startswith(path) for path in scope_paths(user, min_role))


def highest_role(user) -> str | None:
    ranks = [rank for rank, _path in _assignments(user)]
    if not ranks:
        return None
    top = max(ranks)
    return next(role for role, rank in RANK.items() if rank == top)


def agencies_visible_to(user):
    return orgs_visible_to(user).filter(kind=Organization.Kind.AGENCY)


def orgs_managed_by(user):
    """Agencies and branches where the user is secretary or administrator (the people pages'
    scope); PermissionDenied when there are none."""
    from django.core.exceptions import PermissionDenied

    orgs = orgs_visible_to(user, Role.SECRETARY).filter(
        kind__in=[Organization.Kind.AGENCY, Organization.Kind.BRANCH]
    )
    if not orgs.exists():
        raise PermissionDenied
    return orgs


def people_managed_by(user):
    """The people of the agencies and branches the user manages (`orgs_managed_by`)."""
    from django.db.models import Q

    from .models import User

    orgs = orgs_managed_by(user)
    return User.objects.filter(Q(agency__in=orgs) | Q(branch__in=orgs))
