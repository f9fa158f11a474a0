"""Writes on organizations and people."""

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from .models import Organization, Role, RoleAssignment, User


class OrganizationError(ValueError):
    pass


ALLOWED_PARENT = {
    Organization.Kind.COMMITTEE: {None, Organization.Kind.COMMITTEE},
    Organization.Kind.AGENCY: {Organization.Kind.COMMITTEE},
    Organization.Kind.BRANCH: {Organization.Kind.AGENCY},
}


def _check_parent(kind: str, parent: Organization | None) -> None:
    """The tree's shape: committee → agency → branch."""
    if kind not in ALLOWED_PARENT:
        raise OrganizationError(f"unknown kind {kind!r}")
    if (parent.kind if parent else None) not in ALLOWED_PARENT[kind]:
        raise OrganizationError(f"a {kind} cannot sit under {parent.kind if parent else 'nothing'}")


@transaction.atomic
def organization_create(
    *, code: str, name: str, kind: str, parent: Organization | None = None
) -> Organization:
    _check_parent(kind, parent)
    return Organization.objects.create(code=code, name=name, kind=kind, parent=parent)


def organization_move_check(*, organization: Organization, parent: Organization | None) -> None:
    """Raises OrganizationError when `organization` may not move under `parent` (the admin's form
    asks before saving)."""
    _check_parent(organization.kind, parent)
    if parent is not None and parent.path.startswith(organization.path):
        raise OrganizationError(
            _("%(organization)s cannot move under itself or one of its own.") % {"organization": organization}
        )
    if organization.kind == Organization.Kind.BRANCH and parent.pk != organization.parent_id:
        names = list(
            User.objects.filter(agency=parent, real_name__in=organization.branch_members.values("real_name"))
            .exclude(branch=organization)
            .values_list("real_name", flat=True)
        )
        if names:
            raise OrganizationError(
                _("%(agency)s already has people named %(names)s.")
                % {"agency": parent, "names": "、".join(names)}
            )


@transaction.atomic
def organization_move(*, organization: Organization, parent: Organization | None) -> Organization:
    """Moves an organization and its whole subtree under `parent`, in one transaction.

    Paths are rewritten for the subtree with one UPDATE (the root's own through save(), which the
    audit trail records). A branch that changes agency takes its members with it (their agency
    follows their branch). The count rows (ActivityMonthStat, PersonYearStat) are keyed by the
    activity's own organization, so they stay exact: every sum over a subtree reads the new paths.
    """
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if parent is not None:
        parent = Organization.objects.select_for_update().get(pk=parent.pk)
    organization_move_check(organization=organization, parent=parent)
    old_path = organization.path
    organization.parent = parent
    organization.save()  # its own path, from the new parent's
    Organization.objects.filter(path__startswith=old_path).exclude(pk=organization.pk).update(
        path=Concat(Value(organization.path), Substr("path", len(old_path) + 1), output_field=CharField())
    )
    if organization.kind == Organization.Kind.BRANCH:
        for member in User.objects.filter(branch=organization).exclude(agency=parent):
            member.agency = parent
            member.save(update_fields=["agency"])
    return organization


@transaction.atomic
def person_move(*, person: User, branch: Organization, by) -> User:
    """组织关系转接: the person joins `branch` (in their agency or another agency of the county).

    Their records and attendance stay where they happened (the count rows are keyed by the activity's
    organization), so past attendance is still counted for the old branch. Roles held on the old
    branch, or anywhere in the old agency when the agency changes, end; in a new agency they are
    staff. `by` must be secretary or administrator over both the old and the new place.
    """
    from .scoping import has_role

    person = User.objects.select_for_update().get(pk=person.pk)
    if branch.kind != Organization.Kind.BRANCH or not branch.is_active:
        raise OrganizationError(_("A person moves to an open Party branch."))
    old_place = person.branch or person.agency
    if not (has_role(by, old_place, Role.SECRETARY) and has_role(by, branch, Role.SECRETARY)):
        raise PermissionDenied
    new_agency = branch.parent
    if new_agency.pk != person.agency_id:
        if User.objects.filter(agency=new_agency, real_name=person.real_name).exclude(pk=person.pk).exists():
            raise OrganizationError(
                _("%(agency)s already has people named %(names)s.")
                % {"agency": new_agency, "names": person.real_name}
            )
        if person.agency_id:
            for assignment in RoleAssignment.objects.filter(
                user=person, organization__path__startswith=person.agency.path
            ):
                assignment.delete()
        person.agency = new_agency
        person.branch = branch
        person.save(update_fields=["agency", "branch"])
        role_grant(user=person, organization=new_agency, role=Role.STAFF)
    else:
        if person.branch_id:
            for assignment in RoleAssignment.objects.filter(user=person, organization=person.branch):
                assignment.delete()
        person.branch = branch
        person.save(update_fields=["branch"])
    return person


def initial_password() -> str:
    """A password the admin reads out once; the person must replace it at first login."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


@transaction.atomic
def user_set_initial_password(*, user: User) -> str:
    password = initial_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return password


@transaction.atomic
def role_grant(*, user: User, organization: Organization, role: str) -> RoleAssignment:
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user, organization=organization, role=role
    )
    return assignment
