"""The Chinese catalogues are complete and their compiled .mo files match the .po files.

The .mo files are committed, so a fresh machine without GNU gettext still shows Chinese.
"""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
# The project's own catalogues: not those of the packages in a virtualenv inside the checkout
# (make test puts .venv there, and `make test PYTHON=python3.10` a .venv310), nor the copies of the
# code that `make bundle` stages in build/ (CI builds the bundles while the suite runs: two xdist
# workers could otherwise collect different lists while a copy is being written).
CATALOGUES = sorted(
    path
    for path in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
    if path.relative_to(ROOT).parts[0] != "build"
    and not any(part.startswith(".") or part == "site-packages" for part in path.relative_to(ROOT).parts)
)


def test_there_are_catalogues():
    assert CATALOGUES


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated(po_path):
    po = polib.pofile(str(po_path))
    missing = [
        entry.msgid for entry in po if entry.obsolete is False and (not entry.translated() or entry.fuzzy)
    ]
    assert missing == []


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_matches(po_path):
    po = polib.pofile(str(po_path))
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    expected = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural) for e in po.translated_entries()}
    compiled = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural) for e in mo if e.msgid}
    assert compiled == expected


def test_a_msgid_has_one_translation_across_the_catalogues():
    """Django merges the catalogues into one, so a msgid translated two ways shows only one of them
    (whichever catalogue wins): where the meanings differ, the strings carry a pgettext context."""
    translations = {}
    for po_path in CATALOGUES:
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete or entry.msgctxt is not None:
                continue
            msgstr = entry.msgstr or tuple(sorted(entry.msgstr_plural.items()))
            translations.setdefault(entry.msgid, {}).setdefault(msgstr, []).append(
                str(po_path.relative_to(ROOT))
            )
    assert {msgid: found for msgid, found in translations.items() if len(found) > 1} == {}


def test_the_personal_study_record_and_the_agencys_study_archive_have_names_that_do_not_clash():
    """The menu's page of one's own attendance and points, and the zip an agency hands over."""
    from django.utils import translation

    with translation.override("zh-hans"):
        personal, archive = translation.gettext("My study record"), translation.gettext("Study archive")
    assert archive not in personal and personal not in archive
