"""`{% my_points person year %}`: a person's own study points, for the "my record" page.

Only the person's own figure is shown (with the agency's threshold for comparison); other people's
points are never listed there.
"""

from django import template

from ..selectors.norms import GAP, MET, NOT_DUE, gap_message
from ..selectors.points import is_below_points_threshold, points_for_person

register = template.Library()

# A norm cell's classes by status.
NORM_STATUS_CLASSES = {
    MET: "norm-met table-success",
    GAP: "norm-gap table-danger fw-semibold",
    NOT_DUE: "norm-not_due text-body-secondary",
}


@register.inclusion_tag("records/_norm_cell.html")
def norm_cell(result, period):
    """`{% norm_cell result period %}`: one period of a rule in a month grid (a quarter spans three
    months, the year twelve), for the norms page and the dashboard's grid alike; a gap says what is
    missing."""
    return {
        "span": result.span,
        "period": period,
        "classes": NORM_STATUS_CLASSES[period.status],
        "message": gap_message(result.norm, period) if period.status == GAP else "",
    }


@register.inclusion_tag("records/_my_points.html")
def my_points(person, year):
    threshold = person.agency.low_points_threshold if person.agency_id else None
    points = points_for_person(person=person, year=int(year))
    return {
        "points": points,
        "year": year,
        "threshold": threshold,
        "below": is_below_points_threshold(points.total if points.has_data else None, threshold),
    }
