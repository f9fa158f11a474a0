"""The dashboard's list of what is due now: the same rules as the norms engine, for the organization
shown, whatever year the page shows."""

import datetime
import re

from django.urls import reverse

from activities.models import Kind, Norm
from activities.selectors.norms import norms_due
from activities.stats import stats_rebuild
from tests.factories import ActivityFactory


def test_the_dashboard_lists_the_rules_due_now_with_their_colours(
    client_for, secretary, agency, branch, staff, today_is
):
    today = today_is(datetime.date(2026, 6, 26))
    Norm.objects.update(is_active=False)
    Norm.objects.create(kind=Kind.BRANCH_COMMITTEE, scope="branch", period="month", minimum=1, source="t")
    Norm.objects.create(kind=Kind.BRANCH_ASSEMBLY, scope="branch", period="quarter", minimum=1, source="t")
    ActivityFactory(
        organization=branch, kind=Kind.BRANCH_ASSEMBLY, date=datetime.date(2026, 5, 4), recorded_by=staff
    )
    stats_rebuild(year=2026)
    # An earlier year on the page: what is due is still about now.
    html = client_for(secretary).get(reverse("dashboard:index"), {"year": 2025}).content.decode()
    section = re.search(r'<section aria-labelledby="due-heading".*?</section>', html, re.S).group(0)
    colours = re.findall(r'data-colour="(\w+)"', section)
    expected = norms_due(organization=agency, today=today)
    assert colours == [due.colour for due in expected] == ["amber"]  # June's committee meeting
    assert "支部委员会会议" in section and "还剩5天" in section
    assert "支部党员大会" not in section  # held in the quarter
