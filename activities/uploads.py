"""Checks on uploaded attachments: by content, not only by the name the browser sent.

The first bytes must announce the kind the name claims, and then the content must decode as that
kind: an image is opened and decoded by Pillow, a PDF must have its trailer (startxref … %%EOF) and a
cross-reference, a DOCX/XLSX must be a zip with [Content_Types].xml and its main part. A JPEG header
followed by anything else is refused. Every upload path (the record's form, the attachment form)
calls `validate_upload`, and MAX_UPLOAD_SIZE is the one size limit (docs/design.md: 20 MB).
"""

import os
import re
import uuid
import warnings
import zipfile

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# How many attachments one form may carry (settings.DATA_UPLOAD_MAX_NUMBER_FILES reads it), so that the
# largest request is bounded and the proxy's body limit (deploy/install.sh) can admit it.
MAX_FILES_PER_REQUEST = 10
# An image decoded to check it must not take more memory than this many pixels (~ 200 MB as RGBA).
MAX_IMAGE_PIXELS = 50_000_000
# The PDF trailer is at the end; incremental saves and trailing junk of editors fit in this.
PDF_TAIL_BYTES = 4096

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
PILLOW_FORMAT = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}


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


def attachment_limits_text() -> str:
    """What the attachment inputs say about the limits, from the constants that enforce them."""
    return _(
        "Photos, sign-in sheets or minutes: JPG, PNG, WEBP, PDF, DOCX or XLSX, %(size)s each at most, "
        "up to %(count)s files at a time."
    ) % {"size": filesizeformat(MAX_UPLOAD_SIZE), "count": MAX_FILES_PER_REQUEST}


def validate_files_count(count: int) -> None:
    if count > MAX_FILES_PER_REQUEST:
        raise ValidationError(
            _("%(count)s files were chosen; attach at most %(max)s at a time and add the rest afterwards.")
            % {"count": count, "max": MAX_FILES_PER_REQUEST},
            code="count",
        )


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
    kind = EXPECTED_SNIFF[extension]
    try:
        decodes = _decodes(upload, kind, extension)
    finally:
        upload.seek(0)
    if not decodes:
        raise ValidationError(
            _("%(name)s is damaged or not really a %(type)s file: it cannot be opened as one.")
            % {"name": name, "type": extension[1:].upper()},
            code="content",
        )
    return ALLOWED_EXTENSIONS[extension]


def _decodes(upload, kind: str, extension: str) -> bool:
    """Whether the content opens as the kind its first bytes announce."""
    upload.seek(0)
    if kind in PILLOW_FORMAT:
        return _image_decodes(upload, PILLOW_FORMAT[kind])
    if kind == "pdf":
        return _pdf_is_whole(upload)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and OFFICE_MAIN_PART[extension] in names


def _image_decodes(upload, format_name: str) -> bool:
    # verify() checks the structure (and PNG's checksums) without decoding; load() then decodes the
    # pixels, which catches a valid header followed by text. The size is checked before decoding.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[format_name]) as image:
                image.verify()
            upload.seek(0)
            with Image.open(upload, formats=[format_name]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    return False
                image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return False
    return True


def _pdf_is_whole(upload) -> bool:
    """The structure a PDF reader needs: a cross-reference (table or stream) and, at the end, the
    trailer pointing to it (startxref, %%EOF)."""
    size = upload.size
    upload.seek(max(0, size - PDF_TAIL_BYTES))
    tail = upload.read()
    if b"%%EOF" not in tail or b"startxref" not in tail:
        return False
    position = tail.rindex(b"startxref") + len(b"startxref")
    offset = tail[position : position + 32].split()
    if not offset or not offset[0].isdigit() or int(offset[0]) >= size:
        return False
    upload.seek(int(offset[0]))
    target = upload.read(1024)
    # A classic table starts "xref"; a cross-reference stream is an object "N 0 obj << /Type /XRef …".
    return target.startswith(b"xref") or bool(re.match(rb"\d+\s+\d+\s+obj\b.*?/XRef", target, re.DOTALL))


def stored_name(original_name: str) -> str:
    """A name for the stored file that no uploader controls (the original is kept in the database)."""
    extension = os.path.splitext(original_name)[1].lower()
    return f"{uuid.uuid4().hex}{extension}"
