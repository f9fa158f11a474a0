"""Template text that would reach the page by mistake."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted(
    path
    for folder in ("templates", "activities/templates", "reports/templates", "studyportal")
    for path in (ROOT / folder).rglob("*.html")
)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_comment_spills_onto_the_page(path):
    """Django's {# … #} ends on its own line: one left open is printed as text ({% comment %} spans lines)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        assert "{#" not in line or "#}" in line[line.index("{#") :], f"line {number}: {line.strip()}"
