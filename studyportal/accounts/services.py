"""Writes on organizations and people."""

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Organization, RoleAssignment, User


class OrganizationError(ValueError):
    pass


@transaction.atomic
def organization_create(
    *, code: str, name: str, kind: str, parent: Organization | None = None
) -> Organization:
    # An agency without a parent is the root of its own deployment (a bureau using the portal alone).
    allowed_parent = {
        Organization.Kind.COMMITTEE: {None, Organization.Kind.COMMITTEE},
        Organization.Kind.AGENCY: {None, Organization.Kind.COMMITTEE},
        Organization.Kind.BRANCH: {Organization.Kind.AGENCY},
    }
    if kind not in allowed_parent:
        raise OrganizationError(
            _("Unknown kind “%(kind)s”: use committee, agency or branch.") % {"kind": kind}
        )
    if (parent.kind if parent else None) not in allowed_parent[kind]:
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
    return Organization.objects.create(code=code, name=name, kind=kind, parent=parent)


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
