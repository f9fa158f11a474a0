"""`python manage.py backup --output DIR`: the database in its native format, plus the uploaded files.

PostgreSQL through pg_dump's custom format, SQLite through its online backup API (safe while the
portal runs), the media folder as a tar. See docs/backup.md.
"""

import glob
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
FORMAT = 1


def engine() -> str:
    name = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in name:
        return "postgresql"
    if "sqlite" in name:
        return "sqlite"
    raise CommandError(f"backup supports PostgreSQL and SQLite, not {name}")


def sqlite_path() -> str:
    path = str(settings.DATABASES["default"]["NAME"])
    if path == ":memory:" or path.startswith("file::memory:"):
        raise CommandError("an in-memory SQLite database cannot be backed up")
    return path


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: from PATH (Debian's wrapper picks the server's version), else the newest
    installed under /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4] or 0)
    )
    if candidates:
        return candidates[-1]
    raise CommandError(
        f"{name} was not found on PATH or under /usr/lib/postgresql/*/bin; install postgresql-client"
    )


def pg_connection() -> tuple[list[str], dict]:
    """Connection arguments and environment for the PostgreSQL client tools, from DATABASES."""
    db = settings.DATABASES["default"]
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def sqlite_copy(source_path, target_path) -> None:
    """A consistent copy of an SQLite database, taken with SQLite's online backup (backup and restore)."""
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


class Command(BaseCommand):
    help = "Backs up the database (pg_dump or SQLite's backup API) and the uploaded files into a folder."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", required=True, help="folder to write the backup into (created if missing)"
        )

    def handle(self, *args, output, **options):
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        if (folder / MANIFEST).exists():
            raise CommandError(f"{folder} already holds a backup; choose a new folder")
        kind = engine()
        if kind == "postgresql":
            database_file = PG_FILE
            connection_args, env = pg_connection()
            command = [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
            result = subprocess.run(
                [*command, "--file", str(folder / PG_FILE), *connection_args],
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            database_file = SQLITE_FILE
            sqlite_copy(sqlite_path(), folder / SQLITE_FILE)
        media_root = Path(settings.MEDIA_ROOT)
        with tarfile.open(folder / MEDIA_ARCHIVE, "w:gz") as archive:
            if media_root.exists():
                archive.add(media_root, arcname="media")
        manifest = {
            "format": FORMAT,
            "engine": kind,
            "database_file": database_file,
            "media_archive": MEDIA_ARCHIVE,
            "created_at": timezone.now().isoformat(),
            "row_counts": row_counts(),
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        total = sum(manifest["row_counts"].values())
        self.stdout.write(self.style.SUCCESS(f"Backup written to {folder} ({kind}, {total} rows)."))
