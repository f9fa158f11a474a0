"""The inbox (marked read as it is opened), the bell's unread count, the e-mail choice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services

PAGE_SIZE = 50


@login_required
@require_GET
def inbox(request):
    page = Paginator(selectors.inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    notifications = list(page.object_list)
    # Shown once as new, then read: opening the inbox is reading it.
    unread = {n.pk for n in notifications if n.read_at is None}
    services.notifications_mark_read(user=request.user, ids=list(unread))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "notifications": notifications,
            "unread": unread,
            "email_enabled": selectors.email_enabled(request.user),
        },
    )


@login_required
@require_GET
def bell(request):
    """The unread count the top bar loads after the page (so no page pays a query for it)."""
    return render(request, "notifications/_bell_count.html", {"unread": selectors.unread_count(request.user)})


@login_required
@require_POST
def email_preference(request):
    value = request.POST.get("email")
    if value not in ("on", "off"):
        messages.error(request, _("Choose whether to receive reminders by e-mail."))
        return redirect("notifications:inbox")
    services.notification_preference_set(user=request.user, email=value == "on")
    if value == "on":
        if request.user.email:
            messages.success(
                request, _("Reminders will also be sent to %(email)s.") % {"email": request.user.email}
            )
        else:
            messages.warning(
                request,
                _("E-mail is on, but no address is on file: ask your administrator to add one."),
            )
    else:
        messages.success(request, _("Reminders will no longer be e-mailed to you."))
    return redirect("notifications:inbox")
