"""Writes on the study points settings.

Every function takes keyword arguments only and runs in one transaction. The views check who may
ask (and answer 403/404); the rules that hold whoever calls are enforced here as well.
"""

from django.db import transaction

from studyportal.accounts.models import Organization


@transaction.atomic
def agency_set_points_threshold(*, agency: Organization, threshold: int | None) -> Organization:
    agency.low_points_threshold = threshold
    agency.save(update_fields=["low_points_threshold"])
    return agency
