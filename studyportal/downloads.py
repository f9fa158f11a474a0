"""The one way a download is named: its Chinese name, with an ASCII name for older clients.

`Content-Disposition: attachment; filename="activities-2022.xlsx";
filename*=UTF-8''%E5%8E%BF…` (RFC 6266 with RFC 5987's `filename*`): browsers take the UTF-8 name
(县工业和信息化局2022年度学习活动台账.xlsx); a client that cannot read it falls back to the ASCII one.
"""

import re
from pathlib import PurePosixPath
from urllib.parse import quote

_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def ascii_fallback(name: str) -> str:
    """`name` reduced to ASCII: "活动台账2022.xlsx" → "2022.xlsx", "签到表.jpg" → "download.jpg"."""
    path = PurePosixPath(name.replace("/", "_").replace("\\", "_"))
    stem = _NOT_ASCII_SAFE.sub("-", path.stem).strip("-.") or "download"
    suffix = _NOT_ASCII_SAFE.sub("", path.suffix)
    return f"{stem}{suffix}"


def content_disposition(name: str, fallback: str | None = None) -> str:
    fallback = ascii_fallback(fallback or name)
    value = f'attachment; filename="{fallback}"'
    if name != fallback:
        value += f"; filename*=utf-8''{quote(name, safe='')}"
    return value


def as_download(response, name: str, fallback: str | None = None):
    """Marks `response` (any kind: streamed, file or plain) as a download of that name."""
    response["Content-Disposition"] = content_disposition(name, fallback)
    return response
