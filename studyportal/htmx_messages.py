"""One way to tell a person what their action did, whether the page reloads or htmx swaps a part.

Every view that changes something calls `messages.success/error(...)` and nothing else. After a full
page load base.html shows the messages; after an htmx request this middleware appends them to the
fragment as an out-of-band swap of the `#messages` container, so the new message replaces the old
one (a stale "saved as a draft" does not linger above a record just submitted).
"""

from django.contrib.messages import get_messages
from django.template.loader import render_to_string


class HtmxMessagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.headers.get("HX-Request") == "true"
            and not response.streaming
            and response.status_code < 300
            and response.get("Content-Type", "").startswith("text/html")
            and "HX-Redirect" not in response
        ):
            pending = list(get_messages(request))
            # After an action the container is replaced even when empty, so that the previous
            # action's message does not stay above a changed fragment; a GET (a form fetched, a
            # status polled) leaves the page's message alone unless it has one of its own.
            if not pending and request.method == "GET":
                return response
            response.content += render_to_string(
                "_messages.html", {"messages": pending, "oob": True}, request=request
            ).encode(response.charset)
        return response
