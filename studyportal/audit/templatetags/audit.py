from django import template

from studyportal.audit.selectors import audit_entries_for

register = template.Library()


@register.inclusion_tag("audit/_entries.html")
def audit_trail(obj, limit=50):
    """`{% load audit %}{% audit_trail activity %}`: the record's change history, newest first."""
    return {"entries": audit_entries_for(obj, limit=limit)}
