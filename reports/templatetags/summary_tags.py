from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..models import SUMMARY_STATES

register = template.Library()


@register.simple_tag
def summary_state_badge(status, element_id="", oob=False):
    """The summary's state, named and coloured as on every other page (reports.models.SUMMARY_STATES)."""
    label, classes = SUMMARY_STATES.get(status or "", SUMMARY_STATES[""])
    return format_html(
        '<span class="badge {} summary-state"{}{} data-state="{}">{}</span>',
        classes,
        format_html(' id="{}"', element_id) if element_id else "",
        mark_safe(' hx-swap-oob="true"') if oob else "",
        status or "none",
        label,
    )
