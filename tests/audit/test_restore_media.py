"""The media archive of a backup is unpacked inside the media folder and nowhere else, on every Python
the README promises (the extraction filters exist only from 3.10.12 and 3.11.4 on; Debian 12 has 3.11.2)."""

import io
import tarfile

import pytest
from django.core.management.base import CommandError

from studyportal.accounts.management.commands.restore import extract_media


def media_archive(path, *members):
    with tarfile.open(path, "w:gz") as archive:
        for member, data in members:
            archive.addfile(member, io.BytesIO(data) if data is not None else None)
    return path


def file_member(name, data):
    member = tarfile.TarInfo(name)
    member.size = len(data)
    return member, data


def link_member(name, target):
    member = tarfile.TarInfo(name)
    member.type = tarfile.SYMTYPE
    member.linkname = target
    return member, None


@pytest.fixture(params=["filters", "no filters"])
def python_filters(request, monkeypatch):
    if request.param == "no filters":
        monkeypatch.delattr(tarfile, "data_filter", raising=False)
    elif not hasattr(tarfile, "data_filter"):
        pytest.skip("this Python has no extraction filters")


def test_the_attachments_come_back_into_the_media_folder(tmp_path, python_filters):
    archive = media_archive(tmp_path / "media.tar.gz", file_member("media/attachments/签到表.pdf", b"%PDF"))

    extract_media(archive, tmp_path / "media")

    assert (tmp_path / "media" / "attachments" / "签到表.pdf").read_bytes() == b"%PDF"


@pytest.mark.parametrize(
    "member",
    [file_member("media/../outside.txt", b"x"), link_member("media/passwd", "/etc/passwd")],
    ids=["dot-dot", "link out"],
)
def test_a_member_that_would_land_outside_the_media_folder_is_refused(tmp_path, python_filters, member):
    archive = media_archive(tmp_path / "media.tar.gz", member)
    (tmp_path / "media").mkdir()

    with pytest.raises(CommandError, match="refused in the media archive"):
        extract_media(archive, tmp_path / "media")

    assert not (tmp_path / "outside.txt").exists()
    assert not (tmp_path / "media" / "passwd").exists()
