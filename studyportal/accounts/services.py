"""Writes on organizations and people: the tree, moves (组织关系转接), accounts and roles."""

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Concat, Substr
from django.dispatch import Signal
from django.utils.translation import gettext as _

from .models import Organization, Role, RoleAssignment, User


class OrganizationError(ValueError):
    pass


# Sent by `person_move` once the person has moved, inside its transaction, with `person`,
# `old_agency` and `old_branch`: the activities app rebuilds the count rows that depend on which
# branch a member belongs to (accounts knows nothing of activities, so it cannot call them itself).
person_moved = Signal()


# The tree's shape: committee → agency → branch. An agency without a parent is the root of its own
# deployment (a bureau using the portal alone).
ALLOWED_PARENT = {
    Organization.Kind.COMMITTEE: {None, Organization.Kind.COMMITTEE},
    Organization.Kind.AGENCY: {None, Organization.Kind.COMMITTEE},
    Organization.Kind.BRANCH: {Organization.Kind.AGENCY},
}


def _check_parent(kind: str, parent: Organization | None) -> None:
    if kind not in ALLOWED_PARENT:
        raise OrganizationError(
            _("Unknown kind “%(kind)s”: use committee, agency or branch.") % {"kind": kind}
        )
    if (parent.kind if parent else None) not in ALLOWED_PARENT[kind]:
        if parent is None:
            raise OrganizationError(
                _("A Party branch belongs to an agency: give the agency's code with --parent.")
            )
        raise OrganizationError(
            _(
                "A %(kind)s cannot sit under %(parent)s (a %(parent_kind)s): a branch goes under an agency, "
                "an agency under a committee or under nothing."
            )
            % {
                "kind": Organization.Kind(kind).label,
                "parent": parent.name,
                "parent_kind": parent.get_kind_display(),
            }
        )


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
    old_agency, old_branch = person.agency, person.branch
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
        person.party_group = ""  # a party group is part of the branch left behind
        person.save(update_fields=["agency", "branch", "party_group"])
        role_grant(user=person, organization=new_agency, role=Role.STAFF)
    else:
        if person.branch_id:
            for assignment in RoleAssignment.objects.filter(user=person, organization=person.branch):
                assignment.delete()
        person.branch = branch
        person.party_group = ""  # a party group is part of the branch left behind
        person.save(update_fields=["branch", "party_group"])
    person_moved.send(sender=User, person=person, old_agency=old_agency, old_branch=old_branch)
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


# --- people and branches managed in the portal (views_people.py) ------------------------------------


def _require_secretary(by, organization: Organization) -> None:
    from .scoping import has_role

    if not has_role(by, organization, Role.SECRETARY):
        raise PermissionDenied


def _check_name_free(agency: Organization, real_name: str, *, exclude=None) -> None:
    taken = User.objects.filter(agency=agency, real_name=real_name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise OrganizationError(
            _("%(agency)s already has people named %(names)s.") % {"agency": agency, "names": real_name}
        )


@transaction.atomic
def person_create(
    *,
    by,
    agency: Organization,
    branch: Organization | None,
    username: str,
    real_name: str,
    position: str = "",
    is_party_member: bool = False,
    is_leader: bool = False,
    party_group: str = "",
) -> tuple[User, str]:
    """A new person of the agency, staff there, with an initial password returned to be shown once;
    they must choose their own at first login."""
    _require_secretary(by, branch or agency)
    if branch is not None and branch.parent_id != agency.pk:
        raise OrganizationError(_("The branch is not one of the agency's."))
    if User.objects.filter(username=username).exists():
        raise OrganizationError(_("The user name %(username)s is taken.") % {"username": username})
    _check_name_free(agency, real_name)
    _check_party_group(branch, party_group)
    person = User.objects.create(
        party_group=party_group,
        username=username,
        real_name=real_name,
        position=position,
        agency=agency,
        branch=branch,
        is_party_member=is_party_member,
        is_leader=is_leader,
    )
    role_grant(user=person, organization=agency, role=Role.STAFF)
    return person, user_set_initial_password(user=person)


@transaction.atomic
def person_update(*, person: User, by, **fields) -> User:
    """Name, position, Party membership, leadership, party group: the details a secretary keeps up
    to date."""
    _require_secretary(by, person.branch or person.agency)
    editable = {"real_name", "position", "is_party_member", "is_leader", "party_group"}
    if set(fields) - editable:
        raise TypeError(f"not editable: {sorted(set(fields) - editable)}")
    if "real_name" in fields:
        _check_name_free(person.agency, fields["real_name"], exclude=person)
    if "party_group" in fields:
        _check_party_group(person.branch, fields["party_group"])
    for name, value in fields.items():
        setattr(person, name, value)
    person.save(update_fields=list(fields))
    return person


def _check_party_group(branch: Organization | None, party_group: str) -> None:
    if party_group and branch is None:
        raise OrganizationError(_("A party group is part of a Party branch: choose the branch first."))


@transaction.atomic
def party_group_rename(*, branch: Organization, old: str, new: str, by) -> int:
    """Renames one of the branch's party groups (党小组) for all its members, or dissolves it when
    `new` is empty; returns how many members it concerned. A branch's groups are the names its
    members carry (the people ledger's 党小组), so a group exists while someone belongs to it."""
    _require_secretary(by, branch)
    old, new = old.strip(), new.strip()
    if not old:
        raise OrganizationError(_("Name the party group to rename."))
    return User.objects.filter(branch=branch, party_group=old).update(party_group=new)


@transaction.atomic
def person_set_active(*, person: User, by, active: bool) -> User:
    """People who leave are deactivated, never deleted: their records keep naming them."""
    _require_secretary(by, person.branch or person.agency)
    if person.pk == by.pk and not active:
        raise OrganizationError(_("You cannot deactivate yourself."))
    person.is_active = active
    person.save(update_fields=["is_active"])
    return person


@transaction.atomic
def person_reset_password(*, person: User, by) -> str:
    _require_secretary(by, person.branch or person.agency)
    return user_set_initial_password(user=person)


@transaction.atomic
def branch_create(*, agency: Organization, name: str, by) -> Organization:
    _require_secretary(by, agency)
    if Organization.objects.filter(name=name).exists():
        raise OrganizationError(_("An organization named %(name)s exists already.") % {"name": name})
    code = f"{agency.code}-{secrets.token_hex(3)}"
    return organization_create(code=code, name=name, kind=Organization.Kind.BRANCH, parent=agency)


@transaction.atomic
def organization_rename(*, organization: Organization, name: str, by) -> Organization:
    _require_secretary(by, organization)
    if Organization.objects.filter(name=name).exclude(pk=organization.pk).exists():
        raise OrganizationError(_("An organization named %(name)s exists already.") % {"name": name})
    organization.name = name
    organization.save()
    return organization


@transaction.atomic
def organization_close(*, organization: Organization, by) -> Organization:
    """A branch that is dissolved: kept (its records point at it), closed for new ones. Its members
    are moved first, so that nobody is left in a closed branch."""
    _require_secretary(by, organization)
    if User.objects.filter(branch=organization, is_active=True).exists():
        raise OrganizationError(_("Move the branch's members to another branch before closing it."))
    organization.is_active = False
    organization.save()
    return organization


@transaction.atomic
def branch_roles_set(*, branch: Organization, secretary: User | None, recorders, by) -> None:
    """Names the branch's secretary and recorders: the roles on the branch become exactly these."""
    _require_secretary(by, branch)
    wanted = {(person.pk, Role.RECORDER) for person in recorders}
    if secretary is not None:
        wanted.add((secretary.pk, Role.SECRETARY))
    strangers = [
        person
        for person in [secretary, *recorders]
        if person is not None and person.agency_id != branch.parent_id
    ]
    if strangers:
        raise OrganizationError(
            _("%(names)s do not belong to %(agency)s.")
            % {"names": "、".join(str(person) for person in strangers), "agency": branch.parent}
        )
    current = RoleAssignment.objects.filter(
        organization=branch, role__in=[Role.SECRETARY, Role.RECORDER]
    ).select_related("user")
    for assignment in current:
        if (assignment.user_id, assignment.role) not in wanted:
            assignment.delete()
    people = {person.pk: person for person in [secretary, *recorders] if person is not None}
    for person_id, role in sorted(wanted):
        role_grant(user=people[person_id], organization=branch, role=role)
