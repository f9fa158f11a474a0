"""Who is acting: set per request by AuditActorMiddleware, or by a command with `audit_actor(user)`."""

from contextlib import contextmanager
from contextvars import ContextVar

actor_var: ContextVar = ContextVar("audit_actor", default=None)


@contextmanager
def audit_actor(user):
    """Attributes the audit entries written inside the block to `user` (management commands, scripts)."""
    token = actor_var.set(lambda: user)
    try:
        yield
    finally:
        actor_var.reset(token)


def current_actor():
    """The acting user, or None for anonymous requests and unattributed scripts."""
    getter = actor_var.get()
    user = getter() if getter else None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user
