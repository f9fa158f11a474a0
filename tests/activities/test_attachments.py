"""Attachments are checked by content, capped at 20 MB, and only served through the scoped view."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities.models import Attachment, Kind
from activities.services import activity as services
from activities.uploads import validate_upload

from .uploads import JPEG_BYTES as JPEG
from .uploads import PDF_BYTES as PDF
from .uploads import PNG_BYTES, office_file, plain_zip, upload
from .uploads import WEBP_BYTES as WEBP


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("照片.JPG", JPEG, "image/jpeg"),
        ("照片.png", PNG_BYTES, "image/png"),
        ("照片.webp", WEBP, "image/webp"),
        ("纪要.pdf", PDF, "application/pdf"),
        (
            "纪要.docx",
            office_file("word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "签到.xlsx",
            office_file("xl/workbook.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_each_allowed_kind_of_file_is_accepted(name, content, content_type):
    assert validate_upload(upload(name, content)) == content_type


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("照片.png", JPEG),
        ("照片.jpg", b"<html><script>alert(1)</script>"),
        ("纪要.pdf", PNG_BYTES),
        ("纪要.docx", office_file("xl/workbook.xml")),
        ("签到.xlsx", office_file("word/document.xml")),
        ("签到.xlsx", plain_zip()),
        ("签到.xlsx", b"PK\x03\x04 broken zip"),
        ("脚本.svg", b"<svg/>"),
        ("无扩展名", PNG_BYTES),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(name, content):
    with pytest.raises(ValidationError):
        validate_upload(upload(name, content))


def zip_without_content_types(main_part):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(main_part, "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        # The first bytes say JPEG, the rest is text (issue 13, finding 10).
        ("照片.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"<?php system($_GET[1]); ?>" * 20),
        ("照片.jpg", JPEG[: len(JPEG) // 2]),  # cut off halfway
        ("照片.png", PNG_BYTES[:-20] + b"x" * 20),  # a damaged checksum
        ("照片.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\0" * 32),
        ("纪要.pdf", b"%PDF-1.7\n" + b"not a pdf at all\n" * 10),
        ("纪要.pdf", PDF.replace(b"startxref", b"startxxxx")),
        ("纪要.pdf", PDF[: PDF.index(b"startxref")] + b"startxref\n99999\n%%EOF\n"),
        ("纪要.docx", zip_without_content_types("word/document.xml")),
    ],
)
def test_a_file_whose_first_bytes_are_right_but_whose_content_does_not_open_is_refused(name, content):
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload(name, content))
    assert "无法" in refused.value.messages[0] or "不符" in refused.value.messages[0]


def test_a_file_over_twenty_megabytes_is_refused():
    big = upload("大图.png", PNG_BYTES + b"\0" * (20 * 1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        validate_upload(big)
    assert "附件不能超过 20.0\xa0MB" in refused.value.messages[0]


@pytest.fixture
def activity(staff, agency):
    return services.activity_create(
        by=staff,
        organization=agency,
        kind=Kind.FIELD_VISIT,
        date=datetime.date(2022, 5, 10),
        title="现场教学",
        location="纪念馆",
    )


def test_uploading_on_the_detail_page_attaches_the_file(client_for, staff, activity):
    client = client_for(staff)
    response = client.post(
        reverse("activities:attachment_add", args=[activity.pk]),
        {"kind": "photo", "files": [upload("一.png", PNG_BYTES), upload("二.pdf", PDF)]},
        follow=True,
    )
    html = response.content.decode()
    assert "一.png" in html and "二.pdf" in html and "附件已上传" in html
    assert "缺少现场照片" not in html
    assert sorted(Attachment.objects.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/png",
    ]


def test_a_bad_upload_on_the_detail_page_says_why_and_stores_nothing(client_for, staff, activity):
    response = client_for(staff).post(
        reverse("activities:attachment_add", args=[activity.pk]),
        {"kind": "photo", "files": [upload("好.png", PNG_BYTES), upload("坏.png", b"GIF89a")]},
        follow=True,
    )
    assert "内容与文件名不符" in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_stored_file_name_is_not_the_uploaders(staff, activity):
    attachment = services.attachment_add(
        activity=activity, by=staff, file=upload("../../etc/passwd.png", PNG_BYTES)
    )
    assert attachment.original_name.endswith("passwd.png")
    assert ".." not in attachment.file.name and attachment.file.name.startswith(f"attachments/{activity.pk}/")


def test_a_download_is_an_attachment_that_browsers_must_not_sniff(client_for, staff, activity):
    attachment = services.attachment_add(activity=activity, by=staff, file=upload("现场照片.png", PNG_BYTES))
    response = client_for(staff).get(reverse("activities:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG_BYTES


def test_files_are_not_under_a_public_url(settings, staff, activity):
    attachment = services.attachment_add(activity=activity, by=staff, file=upload("现场照片.png", PNG_BYTES))
    from django.test import Client

    assert Client().get("/media/" + attachment.file.name).status_code == 404


def test_the_attachment_limit_is_one_figure_in_the_docs_the_form_and_the_proxy():
    """Issue 13, finding 10: the 20 MB of the design is what every upload path enforces, and the proxy
    admits the largest form the portal accepts (so no path refuses earlier with another limit)."""
    import re
    from pathlib import Path

    from django.conf import settings

    from activities.forms.activity import ActivityForm, AttachmentForm
    from activities.uploads import MAX_FILES_PER_REQUEST, MAX_UPLOAD_SIZE

    root = Path(settings.BASE_DIR)
    assert MAX_UPLOAD_SIZE == 20 * 1024 * 1024
    assert "20 MB" in (root / "docs" / "design.md").read_text()
    for form in (AttachmentForm, ActivityForm):
        assert "20.0\xa0MB" in str(form.base_fields["files"].help_text)
    proxy = re.search(r"client_max_body_size (\d+)m;", (root / "deploy" / "install.sh").read_text())
    body_limit = int(proxy.group(1)) * 1024 * 1024
    assert body_limit >= MAX_FILES_PER_REQUEST * MAX_UPLOAD_SIZE + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES >= MAX_FILES_PER_REQUEST


def test_more_files_than_one_form_takes_are_refused_with_a_message():
    from django.utils.datastructures import MultiValueDict

    from activities.forms.activity import AttachmentForm
    from activities.uploads import MAX_FILES_PER_REQUEST

    files = MultiValueDict(
        {"files": [upload(f"照片{n}.png", PNG_BYTES) for n in range(MAX_FILES_PER_REQUEST + 1)]}
    )
    form = AttachmentForm({"kind": "photo"}, files)
    assert not form.is_valid()
    assert "一次最多" in " ".join(form.errors["files"])
