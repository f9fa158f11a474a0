"""The switches for running past one machine (docs/scaling.md), each booted in a fresh process with
its environment variables set, the way a deployment would start the portal."""

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# Each test boots the portal in a child interpreter: slow (make test leaves them out, CI runs them).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
REDIS = ("127.0.0.1", 6379)

BOOT = """
import os
import django
django.setup()
from django.core.management import call_command

"""


def run_portal(script: str, tmp_path, **env) -> str:
    """Runs `script` in a new Python process with the portal set up on a private SQLite file."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "DATABASE_REPLICA_URL",
            "REDIS_URL",
            "AWS_STORAGE_BUCKET_NAME",
            "TASKS_BACKEND",
        }
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="studyportal.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        **env,
    )
    completed = subprocess.run(
        [sys.executable, "-c", BOOT + textwrap.dedent(script)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def redis_running() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_running(), reason="no Redis listening on 127.0.0.1:6379")
def test_with_redis_url_the_cache_and_sessions_live_in_redis(tmp_path):
    out = run_portal(
        """
        import uuid
        import redis
        from django.conf import settings
        from django.contrib.sessions.backends.cached_db import SessionStore
        from django.core.cache import cache, caches
        from django.core.cache.backends.redis import RedisCache

        call_command("migrate", "sessions", verbosity=0)
        assert isinstance(caches["default"], RedisCache), caches["default"]
        key = f"scaling-test-{uuid.uuid4().hex}"
        cache.set(key, {"agencies": 100}, 30)
        assert cache.get(key) == {"agencies": 100}
        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        # The value is in Redis itself, where another app server would find it.
        assert client.exists(cache.make_key(key)) == 1

        assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
        session = SessionStore()
        session["org"] = "gongxinju"
        session.create()
        session.save()
        assert client.exists(cache.make_key(session.cache_key)) == 1
        again = SessionStore(session_key=session.session_key)
        assert again["org"] == "gongxinju"
        cache.delete(key)
        session.delete()
        print("redis ok")
        """,
        tmp_path,
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    assert "redis ok" in out


def test_with_a_replica_the_dashboard_reads_from_it_and_writes_stay_on_the_primary(tmp_path):
    # The replica points at the same file as the primary, so the routing is visible without a
    # second server: queries are captured per connection alias.
    out = run_portal(
        """
        import time
        from django.db import connections
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from studyportal.accounts.models import Organization, Role, RoleAssignment, User
        from studyportal.db_router import SESSION_KEY

        call_command("migrate", verbosity=0)
        committee = Organization.objects.create(code="xzjggw", name="县直机关工委", kind="committee")
        agency = Organization.objects.create(code="a1", name="测试局", kind="agency", parent=committee)
        secretary = User.objects.create(username="sec", real_name="王五", agency=agency)
        RoleAssignment.objects.create(user=secretary, organization=agency, role=Role.SECRETARY)
        client = Client()
        client.force_login(secretary, backend="django.contrib.auth.backends.ModelBackend")

        def queries(path, method="get"):
            with CaptureQueriesContext(connections["replica"]) as replica, \\
                    CaptureQueriesContext(connections["default"]) as primary:
                response = getattr(client, method)(path)
            return response, len(replica.captured_queries), primary.captured_queries

        response, on_replica, _ = queries("/dashboard/")
        assert response.status_code == 200, response.status_code
        assert on_replica > 0, "the dashboard read nothing from the replica"

        # Other pages read the primary.
        response, on_replica, _ = queries("/activities/")
        assert on_replica == 0, on_replica

        # After a change the session reads the primary until the sticky window has passed.
        session = client.session
        session[SESSION_KEY] = time.time() + 60
        session.save()
        response, on_replica, _ = queries("/dashboard/")
        assert response.status_code == 200 and on_replica == 0, on_replica
        session = client.session
        session[SESSION_KEY] = time.time() - 1
        session.save()
        response, on_replica, _ = queries("/dashboard/")
        assert on_replica > 0

        # A POST marks the session, so the next dashboard is read from the primary.
        queries("/i18n/setlang/", method="post")
        response, on_replica, _ = queries("/dashboard/")
        assert on_replica == 0, on_replica
        print("replica ok")
        """,
        tmp_path,
        DATABASE_REPLICA_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
    )
    assert "replica ok" in out


def test_with_a_bucket_uploads_go_to_s3_and_static_files_stay_with_whitenoise(tmp_path):
    # Configuration only: no request leaves the machine.
    out = run_portal(
        """
        from django.conf import settings
        from django.core.files.storage import default_storage, storages
        from storages.backends.s3 import S3Storage

        from activities.models import Attachment

        assert isinstance(default_storage, S3Storage)
        assert isinstance(Attachment._meta.get_field("file").storage, S3Storage)
        assert default_storage.bucket_name == "portal-uploads"
        assert default_storage.endpoint_url == "http://127.0.0.1:9000"
        assert default_storage.querystring_auth is True and default_storage.default_acl is None
        assert default_storage.file_overwrite is False
        assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
        assert not isinstance(storages["staticfiles"], S3Storage)
        print("s3 ok")
        """,
        tmp_path,
        AWS_STORAGE_BUCKET_NAME="portal-uploads",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        AWS_ACCESS_KEY_ID="test-key",
        AWS_SECRET_ACCESS_KEY="test-secret",
    )
    assert "s3 ok" in out


def test_with_the_database_tasks_backend_a_queued_export_runs_in_the_worker(tmp_path):
    out = run_portal(
        """
        from django_tasks import task, task_backends
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult

        assert isinstance(task_backends["default"], DatabaseBackend), task_backends["default"]
        call_command("migrate", verbosity=0)

        @task(queue_name="exports")
        def build_export(year):
            return f"export-{year}.xlsx"

        result = build_export.enqueue(2024)
        assert DBTaskResult.objects.filter(id=result.id, status="READY").exists()
        call_command("db_worker", batch=True, queue_name="exports", startup_delay=False, verbosity=0)
        result.refresh()
        assert result.status == "SUCCESSFUL", result.status
        assert result.return_value == "export-2024.xlsx"
        print("tasks ok")
        """,
        tmp_path,
        TASKS_BACKEND="database",
    )
    assert "tasks ok" in out
