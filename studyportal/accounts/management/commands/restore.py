"""`python manage.py restore --input DIR`: puts back a folder written by `backup`, replacing what is there.

Stop the portal first: the database is overwritten and the media folder replaced. See docs/backup.md.
"""

import json
import shutil
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from .backup import (
    FORMAT,
    MANIFEST,
    engine,
    pg_connection,
    pg_tool,
    row_counts,
    sqlite_copy,
    sqlite_path,
)


class Command(BaseCommand):
    help = "Restores a backup folder written by `backup`: the database, then the uploaded files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--input", dest="folder", required=True, help="a folder written by `manage.py backup`"
        )
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="do not ask to confirm"
        )

    def handle(self, *args, folder, interactive, **options):
        folder = Path(folder)
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{folder} is not a backup folder (no {MANIFEST})") from None
        if manifest.get("format") != FORMAT:
            raise CommandError(f"unknown backup format {manifest.get('format')!r}")
        kind = engine()
        if manifest["engine"] != kind:
            raise CommandError(
                f"this backup is of a {manifest['engine']} database; the portal is configured for {kind}"
            )
        if interactive:
            answer = input("This replaces ALL data and uploaded files with the backup. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("restore cancelled")

        connections.close_all()
        database_file = folder / manifest["database_file"]
        if kind == "postgresql":
            connection_args, env = pg_connection()
            command = [
                pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
            ]
            result = subprocess.run(
                [*command, *connection_args, str(database_file)], env=env, capture_output=True, text=True
            )
            if result.returncode != 0:
                raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        else:
            sqlite_copy(database_file, sqlite_path())

        media_root = Path(settings.MEDIA_ROOT)
        if media_root.exists():
            shutil.rmtree(media_root)
        media_root.mkdir(parents=True, exist_ok=True)
        extract_media(folder / manifest["media_archive"], media_root)

        counts = row_counts()
        differing = {
            label: (expected, counts.get(label))
            for label, expected in manifest["row_counts"].items()
            if counts.get(label) != expected
        }
        if differing:
            raise CommandError(f"restored, but row counts differ from the backup's: {differing}")
        self.stdout.write(self.style.SUCCESS(f"Restored {folder} ({kind}, {sum(counts.values())} rows)."))


def extract_media(archive_path, media_root):
    """Unpacks the media archive's `media/` folder into media_root, refusing anything that could land
    outside it: absolute paths, `..`, links out of the folder, device files."""
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in archive.getmembers():
            if member.name == "media" or not member.name.startswith("media/"):
                continue
            member.name = member.name[len("media/") :]
            if hasattr(tarfile, "data_filter"):
                try:
                    archive.extract(member, media_root, filter="data")
                except tarfile.FilterError as error:
                    raise CommandError(f"refused in the media archive: {error}") from error
                continue
            # Python before 3.10.12 and 3.11.4 (Debian 12's 3.11.2) has no extraction filters: there
            # only plain files and folders inside the media folder, all a backup holds, are taken.
            path = Path(member.name)
            if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
                raise CommandError(f"refused in the media archive: {member.name}")
            archive.extract(member, media_root)
