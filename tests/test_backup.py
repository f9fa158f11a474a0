"""Backup and restore round trip, each database its native way (docs/backup.md).

Runs the real commands in subprocesses against a database of their own (a SQLite file, or a
PostgreSQL database created for the test), so that a restore never touches the test database.
"""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

# The real commands in child interpreters: slow (make test leaves them out, CI runs them).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("BACKUP_TEST_PG", "postgres://postgres@127.0.0.1:5432")
ATTACHMENT_BYTES = b"%PDF-1.4\n" + bytes(range(256)) * 40 + "签到表".encode()

# Run by `manage.py shell` in the subprocess; the attachment's bytes come from the file named in UPLOAD.
MAKE_RECORDS = """
import datetime, os
from pathlib import Path
from django.core.files.base import ContentFile
from activities.models import Activity, Attachment, Attendance, RectificationItem
from studyportal.accounts.models import Organization, Role, RoleAssignment, User
from studyportal.audit.context import audit_actor


Org = Organization.objects
committee = Org.create(code="xzjggw", name="县直机关工委", kind="committee")
agency = Org.create(code="gongxinju", name="县工业和信息化局", kind="agency", parent=committee)
branch = Org.create(code="gongxinju-dzb", name="县工业和信息化局机关党支部", kind="branch", parent=agency)
secretary = User.objects.create_user(
    "secretary", password="demo-pass-2022", real_name="林书记", agency=agency, branch=branch
)
RoleAssignment.objects.create(user=secretary, organization=agency, role=Role.SECRETARY)
data = Path(os.environ["UPLOAD"]).read_bytes()
with audit_actor(secretary):
    activity = Activity.objects.create(
        organization=branch, kind="field_visit", date=datetime.date(2022, 6, 28), title="重温入党誓词",
        location="县革命历史纪念馆", oath_renewed=True, hours=2.5, recorded_by=secretary, status="approved",
    )
    Attendance.objects.create(activity=activity, person=secretary)
    attachment = Attachment(
        activity=activity, kind="sign_in", original_name="签到表.pdf", content_type="application/pdf",
        size=len(data), uploaded_by=secretary,
    )
    attachment.file.save("签到表.pdf", ContentFile(data), save=True)
    RectificationItem.objects.create(
        agency=agency, year=2022, problem="学习积分个别偏低", deadline=datetime.date(2023, 3, 1)
    )
print(attachment.file.name)
"""


def manage(env, *args, stdin=None):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, input=stdin
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def dump(env):
    # Every model's rows and values, each model ordered by key.
    return json.loads(manage(env, "dumpdata", "--indent", "0"))


def environment(database_url, media_root):
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "MEDIA_ROOT"}}
    env.update({"DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root)})
    return env


def postgres_database(request):
    for tool in ("pg_dump", "pg_restore", "psql"):
        if shutil.which(tool) is None:
            pytest.skip(
                f"{tool} is not installed: the PostgreSQL backup test needs the PostgreSQL client tools"
            )
    name = f"h7_backup_{uuid.uuid4().hex[:10]}"
    created = subprocess.run(
        ["psql", f"{PG_SERVER}/postgres", "-c", f"CREATE DATABASE {name}"], capture_output=True, text=True
    )
    if created.returncode != 0:
        pytest.skip(f"no PostgreSQL server to create a database on at {PG_SERVER}: {created.stderr.strip()}")
    request.addfinalizer(
        lambda: subprocess.run(
            ["psql", f"{PG_SERVER}/postgres", "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
            capture_output=True,
        )
    )
    return f"{PG_SERVER}/{name}"


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_backup_restores_every_row_and_every_attachment(tmp_path, request, engine):
    if engine == "sqlite":
        database_url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    else:
        database_url = postgres_database(request)
    media = tmp_path / "media"
    env = environment(database_url, media)
    manage(env, "migrate", "--noinput", "-v0")
    upload = tmp_path / "upload.pdf"
    upload.write_bytes(ATTACHMENT_BYTES)
    env["UPLOAD"] = str(upload)
    attachment_name = manage(env, "shell", "-c", MAKE_RECORDS).strip().splitlines()[-1]
    assert (media / attachment_name).read_bytes() == ATTACHMENT_BYTES
    before = dump(env)

    manage(env, "backup", "--output", str(tmp_path / "backup"))
    manage(env, "flush", "--noinput")
    shutil.rmtree(media)
    wiped = dump(env)
    assert not any(row["model"] == "activities.activity" for row in wiped)

    output = manage(env, "restore", "--input", str(tmp_path / "backup"), "--noinput")
    assert "Restored" in output
    after = dump(env)
    assert len(after) == len(before)
    assert after == before
    assert (media / attachment_name).read_bytes() == ATTACHMENT_BYTES
    assert "审计链完好" in manage(env, "audit_verify")


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path):
    env = environment(f"sqlite:///{tmp_path / 'portal.sqlite3'}", tmp_path / "media")
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", "--input", str(tmp_path), "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "not a backup folder" in result.stderr
