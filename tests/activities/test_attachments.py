"""Attachments are checked by content, capped at 20 MB, and only served through the scoped view."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities import services
from activities.models import Attachment, Kind
from activities.uploads import validate_upload

from .uploads import PNG_BYTES, office_file, plain_zip, upload

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\0" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"\0" * 32


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
