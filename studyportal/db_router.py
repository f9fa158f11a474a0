"""Reads of the dashboard and the reports from a PostgreSQL read replica (DATABASE_REPLICA_URL).

Only those pages read much and write nothing, and they tolerate data a few seconds old; everything
else, and every write, stays on the primary ("default").

Consistency: read-your-writes. A replica lags the primary by a little, so a person who has just
approved a record and opens the dashboard must not see the old count. Two rules keep that:
- within a request, once anything has been written, the rest of the request reads the primary;
- after a request that changed something (any POST, PUT, PATCH or DELETE), the person's session
  reads the primary for REPLICA_STICKY_SECONDS (default 10 s, well above normal replication lag).
Other people may see the change a moment later; that is the accepted cost of the replica.

Logins, sessions and people (auth) always read the primary: a stale password or role is not
acceptable even for seconds.
"""

import time
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
REPLICA_NAMESPACES = frozenset({"dashboard", "reports", "exports"})
SESSION_KEY = "_primary_until"
# Apps whose models a dashboard or report reads; auth, sessions and admin are never routed.
REPLICA_APPS = frozenset({"activities", "reports", "accounts"})
PRIMARY_MODELS = frozenset({"accounts.user"})

_use_replica: ContextVar[bool] = ContextVar("use_replica", default=False)
_wrote: ContextVar[bool] = ContextVar("wrote", default=False)


def sticky_seconds() -> int:
    return getattr(settings, "REPLICA_STICKY_SECONDS", 10)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _use_replica.get() or _wrote.get():
            return None
        meta = model._meta
        if meta.app_label not in REPLICA_APPS or meta.label_lower in PRIMARY_MODELS:
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: a replica row may point at a primary row.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica copies the primary's schema by replication, never by migrate.
        return db != REPLICA


class ReplicaRoutingMiddleware:
    """Decides per request whether the dashboard's and reports' reads may go to the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replica_token = _use_replica.set(False)
        wrote_token = _wrote.set(False)
        try:
            response = self.get_response(request)
            if request.method not in ("GET", "HEAD", "OPTIONS") and hasattr(request, "session"):
                request.session[SESSION_KEY] = time.time() + sticky_seconds()
            return response
        finally:
            _use_replica.reset(replica_token)
            _wrote.reset(wrote_token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match is None or not REPLICA_NAMESPACES.intersection(match.namespaces):
            return None
        if request.method not in ("GET", "HEAD"):
            return None
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY, 0) > time.time():
            return None
        _use_replica.set(True)
        return None
