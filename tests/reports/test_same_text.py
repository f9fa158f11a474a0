"""The summary page, the print view and the Word file carry the same text, for an agency built from its
own ledgers (two branches, tests/reports/corpus.py)."""

import html
import io
import re

import docx
from django.urls import reverse

from reports.summary import ACHIEVEMENTS_HEADING
from studyportal.accounts.models import Organization, Role, RoleAssignment, User

from .corpus import two_branches


def visible_text(response) -> str:
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    return html.unescape(re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", page)))


def test_the_page_the_print_view_and_the_word_file_say_the_same(db, client, tmp_path):
    code, year = two_branches(tmp_path)
    agency = Organization.objects.get(code=code)
    secretary = User.objects.create(username="sjj-secretary", real_name="审计局书记", agency=agency)
    RoleAssignment.objects.create(user=secretary, organization=agency, role=Role.SECRETARY)
    client.force_login(secretary)
    query = {"org": code}

    page = visible_text(client.get(reverse("reports:summary", args=[year]), query))
    printed = visible_text(client.get(reverse("exports:print", args=[year]), query))
    word = docx.Document(io.BytesIO(client.get(reverse("exports:docx", args=[year]), query).content))
    paragraphs = [re.sub(r"\s+", "", p.text) for p in word.paragraphs if p.text.strip()]

    # The Word file runs "一是…。" into its paragraph; the page shows the heading above it.
    bodies = [re.sub(r"^[一二三四五六七八九十]+是[^。]*。", "", text) for text in paragraphs]
    assert any("县审计局机关第二党支部3月、9月未召开支部委员会会议" in text for text in bodies)
    for text in bodies:
        if text.startswith("—"):
            continue  # page numbers of the footer
        assert text in printed, text
        # The page shows the sections to edit, under their own headings, not 一、's fixed title.
        if text != re.sub(r"\s+", "", ACHIEVEMENTS_HEADING):
            assert text in page, text
    # No part of 一、 with nothing in it: the bureau did no practice work, and the parts are counted on.
    assert not any(text.startswith("三是") for text in paragraphs)
    assert any(text.startswith("二是观摩“助学”") for text in paragraphs)
