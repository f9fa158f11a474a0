"""Small pieces shared by the activity templates."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from studyportal.choices import choice_label

from ..models import Activity, Group

register = template.Library()


STATUS_CLASSES = {
    Activity.Status.DRAFT: "text-bg-secondary",
    Activity.Status.SUBMITTED: "text-bg-warning",
    Activity.Status.RETURNED: "text-bg-danger",
    Activity.Status.APPROVED: "text-bg-success",
}


@register.simple_tag
def status_badge(activity):
    return format_html(
        '<span class="badge {} activity-status" data-status="{}">{}</span>',
        STATUS_CLASSES.get(activity.status, "text-bg-light"),
        activity.status,
        choice_label(activity, "status"),
    )


@register.simple_tag
def completeness_badge(activity, detailed=False):
    """完整, or 需补充 with what is missing (as a tooltip title, or listed when `detailed`)."""
    missing = getattr(activity, "missing", None)
    if missing is None:
        return ""
    if not missing:
        return format_html(
            '<span class="badge text-bg-light border completeness" data-complete="1">{}</span>', _("Complete")
        )
    items = "、".join(str(item) for item in missing)
    badge = format_html(
        '<span class="badge bg-warning-subtle text-warning-emphasis border border-warning completeness"'
        ' data-complete="0" title="{}">{}</span>',
        items,
        _("Needs more"),
    )
    if detailed:
        return format_html(
            '{}<ul class="small mb-0 mt-1 missing-list">{}</ul>',
            badge,
            format_html_join("", "<li>{}</li>", ((str(item),) for item in missing)),
        )
    return format_html('{} <span class="small text-body-secondary missing-inline">{}</span>', badge, items)


# `{{ activity|display:"kind" }}`: the text of get_kind_display(), at a tenth of its cost.
register.filter("display", choice_label)


@register.filter
def group_label(activity):
    return Group(activity.group).label


@register.filter
def present_label(count):
    """ "N present", as `{% blocktranslate count %}` writes it (same msgid), at a fifth of its cost."""
    return ngettext("%(counter)s present", "%(counter)s present", count) % {"counter": count}
