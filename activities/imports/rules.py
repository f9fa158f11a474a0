"""Who may import what, and what becomes of what they import (docs/imports.md, "Who may import what").

Each ledger type's `Importer` names the role it needs (`role`, `role_refusal`); `IMPORTERS` is the list
of types, in the order the upload form offers them.
"""

from django.utils.translation import gettext as _

from studyportal.accounts.models import Role
from studyportal.accounts.scoping import has_role

from .activities import ActivitiesImporter
from .core import Importer
from .people import PeopleImporter
from .points import PointsImporter
from .publicity import PublicityImporter
from .rectification import RectificationImporter

IMPORTERS: dict[str, type[Importer]] = {
    importer.ledger_type: importer
    for importer in (
        ActivitiesImporter,
        PeopleImporter,
        RectificationImporter,
        PointsImporter,
        PublicityImporter,
    )
}


def import_refusal(*, user, organization, ledger_type: str) -> str:
    """Why the user may not import this ledger for the organization; "" when they may."""
    importer = IMPORTERS[ledger_type]
    if has_role(user, organization, importer.role):
        return ""
    return str(importer.role_refusal or _("You may not import this ledger for this organization."))


def import_outcome(*, user, organization, ledger_type: str) -> str:
    """What will become of the imported records, said on the upload and preview pages."""
    if ledger_type == "activities":
        if has_role(user, organization, Role.SECRETARY):
            return _("The imported records are approved as they are imported, with you as their reviewer.")
        return _(
            "The imported records are submitted and wait for the secretary's review, all of this file "
            "together; until approved they do not count in the statistics or the summary."
        )
    if ledger_type == "rectification":
        return _(
            "Items marked 已销号 are closed only when a secretary imports them; others keep their status."
        )
    if ledger_type == "points":
        return _("The points replace those already recorded for the same person, period and platform.")
    if ledger_type == "people":
        return _("New people get a login without a password; the administrator issues it.")
    return _("The imported records are saved as they are; importing the same file again adds nothing.")
