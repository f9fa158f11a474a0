"""`{% my_points person year %}`: a person's own study points, for the "my record" page.

Only the person's own figure is shown (with the agency's threshold for comparison); other people's
points are never listed there.
"""

from django import template

from ..records_selectors import points_for_person

register = template.Library()


@register.inclusion_tag("tracking/_my_points.html")
def my_points(person, year):
    threshold = person.agency.low_points_threshold if person.agency_id else None
    points = points_for_person(person=person, year=int(year))
    return {
        "points": points,
        "year": year,
        "threshold": threshold,
        "below": threshold is not None and points.has_data and points.total < threshold,
    }
