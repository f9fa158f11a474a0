"""The study archive's memory with many attachments (docs/scaling.md):

    DATABASE_URL=postgres://… python -m bench.archive_memory [--files 3000] [--size-kb 200]

Seeds the demo (idempotent) into DATABASE_URL, gives the demo agency's approved activities of 2022
FILES attachments of SIZE_KB random bytes each (in a temporary MEDIA_ROOT, removed afterwards, with
the rows rolled back), writes the archive to a temporary file and prints the zip's size, the time, and
the process's peak resident memory before and after (VmHWM).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.run import peak_rss_mb


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--size-kb", type=int, default=200)
    args = parser.parse_args(argv)
    media = tempfile.TemporaryDirectory()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyportal.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django
    from django.conf import settings

    django.setup()
    settings.MEDIA_ROOT = media.name
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import translation

    from activities.models import Activity, Attachment
    from reports.archive import write_archive
    from studyportal.accounts.models import Organization

    translation.activate("zh-hans")
    call_command("seed_demo", verbosity=0)
    agency = Organization.objects.get(code="gongxinju")
    activities = list(
        Activity.objects.alive().approved().of_year(2022).filter(organization__path__startswith=agency.path)
    )
    with transaction.atomic():
        for number in range(args.files):
            activity = activities[number % len(activities)]
            Attachment.objects.create(
                activity=activity,
                file=ContentFile(os.urandom(args.size_kb * 1024), name=f"photo{number}.jpg"),
                original_name=f"现场照片{number % 7}.jpg",
                content_type="image/jpeg",
                size=args.size_kb * 1024,
                uploaded_by=activity.recorded_by,
            )
        before = peak_rss_mb()
        started = time.monotonic()
        with tempfile.TemporaryFile() as stream:
            entries = write_archive(organization=agency, year=2022, stream=stream)
            size = stream.tell()
        elapsed = time.monotonic() - started
        transaction.set_rollback(True)
    media.cleanup()
    print(
        f"{len(entries)} activities, {args.files} attachments of {args.size_kb} KB "
        f"({args.files * args.size_kb / 1024:.0f} MB of files): "
        f"zip {size / 2**20:.0f} MB in {elapsed:.0f} s; "
        f"peak memory {before:.0f} MB before writing, {peak_rss_mb():.0f} MB after"
    )


if __name__ == "__main__":
    main()
