"""Checks on uploaded attachments: by content (magic bytes), not only by the name the browser sent."""

import os
import uuid
import zipfile

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_UPLOAD_SIZE = 20 * 1024 * 1024

# extension → the content type the file is served as
ALLOWED_EXTENSIONS = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# An Office file is a zip; the part it must contain tells a Word file from a workbook.
OFFICE_MAIN_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def _sniff(head: bytes) -> str | None:
    """The kind the first bytes announce: jpeg, png, webp, pdf, zip, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


EXPECTED_SNIFF = {
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".png": "png",
    ".webp": "webp",
    ".pdf": "pdf",
    ".docx": "zip",
    ".xlsx": "zip",
}


def validate_upload(upload) -> str:
    """The content type of an acceptable upload; raises ValidationError (in Chinese) otherwise."""
    name = upload.name or ""
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("%(name)s: only JPG, PNG, WEBP, PDF, DOCX and XLSX files can be attached.") % {"name": name},
            code="extension",
        )
    if upload.size > MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("%(name)s is %(size)s; an attachment may be at most %(max)s.")
            % {"name": name, "size": filesizeformat(upload.size), "max": filesizeformat(MAX_UPLOAD_SIZE)},
            code="size",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if _sniff(head) != EXPECTED_SNIFF[extension]:
        raise ValidationError(
            _("%(name)s is not really a %(type)s file: its content does not match its name.")
            % {"name": name, "type": extension[1:].upper()},
            code="content",
        )
    if extension in OFFICE_MAIN_PART:
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            names = set()
        upload.seek(0)
        if OFFICE_MAIN_PART[extension] not in names:
            raise ValidationError(
                _("%(name)s is not really a %(type)s file: its content does not match its name.")
                % {"name": name, "type": extension[1:].upper()},
                code="content",
            )
    return ALLOWED_EXTENSIONS[extension]


def stored_name(original_name: str) -> str:
    """A name for the stored file that no uploader controls (the original is kept in the database)."""
    extension = os.path.splitext(original_name)[1].lower()
    return f"{uuid.uuid4().hex}{extension}"
