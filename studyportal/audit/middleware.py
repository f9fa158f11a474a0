from .context import actor_var


class AuditActorMiddleware:
    """Makes the signed-in person the "who" of every audit entry written while serving the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The user object stays lazy: reading it here would cost a query on pages that never write.
        token = actor_var.set(lambda: getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            actor_var.reset(token)
