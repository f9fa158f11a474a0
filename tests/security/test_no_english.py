"""Every page of the permission matrix, as each person who may open it, in Chinese: no English word
in the visible text outside a short allowlist (issue 14). One test per URL, one shared world."""

import re
from html.parser import HTMLParser

import pytest

from tests.security import test_url_permissions as matrix
from tests.security.test_url_permissions import ACTORS, EXPECTED, REQUESTS, _url

# The matrix's world, built once for this module too.
shared_world = matrix.shared_world
world = matrix.world

# Names and units that stay as they are in a Chinese interface.
ALLOWED = {
    "English",  # the language menu names the other language in itself
    "Word",
    "Excel",
    "WPS",
    "Markdown",
    "PDF",
    "QR",
    "CSV",
    "XLSX",
    "MB",
    "KB",
    "TOTP",  # the standard the authenticator app must support, named as the apps name it
    "UTF",  # encodings, as the import page names them (UTF-8, GB18030)
    "GB",
    "date",  # the import page's example of an English column header (日期 or date)
    *(
        ext
        for name in ("jpg", "jpeg", "png", "webp", "pdf", "docx", "xlsx", "xls", "csv", "md", "html", "zip")
        for ext in (name, name.upper())
    ),
}
WORD = re.compile(r"[A-Za-z][A-Za-z]+")
URL = re.compile(r"https?://\S+")  # an address shown to be copied (the sign-in link under the QR code)
# Attributes a person reads (or hears from a screen reader) as text.
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


class _VisibleText(HTMLParser):
    # `code` holds keys and codes to copy, not words.
    SKIPPED = {"script", "style", "svg", "code"}

    def __init__(self):
        super().__init__()
        self.skipping = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.parts.append(value)
            if name == "value" and tag == "input" and dict(attrs).get("type") in ("submit", "button"):
                self.parts.append(value or "")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def english_words(html: str, own: set[str]) -> set[str]:
    parser = _VisibleText()
    parser.feed(html)
    text = URL.sub(" ", " ".join(parser.parts))
    return {word for word in WORD.findall(text) if word not in ALLOWED and word not in own}


def _data_words(built) -> set[str]:
    """The test world's own data (usernames such as user12, codes such as agency) is not interface."""
    words = set()
    for person in built.people.values():
        words |= set(WORD.findall(person.username))
    for code in ("agency", "branch", "committee", "other"):
        words.add(code)
    words |= {"ledgers", "photo"}  # file names of the world's stored export and attachment
    return words


GETS = [name for name, (method, _a, _q) in REQUESTS.items() if method == "get"]


@pytest.mark.parametrize("name", GETS)
def test_every_page_reads_in_chinese_for_everyone_who_opens_it(client, world, name):
    own = _data_words(world)
    found = {}
    for actor, expected in zip(ACTORS, EXPECTED[name], strict=True):
        if expected not in (200, 403, 404):
            continue
        client.logout()
        if actor != "anonymous":
            client.force_login(world.people[actor])
        response = client.get(_url(name, world), HTTP_ACCEPT_LANGUAGE="zh-hans")
        if not response.get("Content-Type", "").startswith("text/html") or response.streaming:
            continue
        words = english_words(response.content.decode(), own)
        if words:
            found[actor] = sorted(words)
    assert not found, found
