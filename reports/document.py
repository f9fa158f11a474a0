"""The summary as a document: what every export format writes, so all formats carry the same content.

The summary builder (reports/summary.py) produces a `Document`; the exporters (reports/exporters/)
lay it out as Word, Markdown, HTML or the print view.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    text: str
    # "heading1" for 一、…, "heading2" for （一）…, "heading3" for 1. …, "body" for running text.
    style: str = "body"


@dataclass
class Document:
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    # Shown under the title in the print view and the Word file (agency and date), may be empty.
    signature: str = ""
    date_line: str = ""
