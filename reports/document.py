"""The summary as a document: what every export format writes, so all formats carry the same content.

The year's archive (reports/archive.py) writes its index and record sheets the same way, with tables.

The summary builder (reports/summary.py) produces a `Document`; the exporters (reports/exporters/)
lay it out as Word, Markdown, HTML or the print view.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    text: str
    # "heading1" for 一、…, "heading2" for （一）…, "heading3" for 1. …, "body" for running text.
    style: str = "body"


@dataclass(frozen=True)
class Table:
    """A grid of plain text (the archive's index and record sheets); the first row is the header
    when `header` is set, else every row is a label in the first cell and its value in the second."""

    rows: list[list[str]]
    header: list[str] | None = None
    # Relative column widths; equal when empty.
    widths: tuple[int, ...] = ()

    @property
    def percents(self) -> list[float]:
        """The widths as shares of the line, for the HTML view's <col>."""
        total = sum(self.widths)
        return [round(100 * width / total, 1) for width in self.widths] if total else []


@dataclass(frozen=True)
class SourceTable:
    """A figure of the text and the records behind it, for the appendix of sources."""

    heading: str  # "中心组集中学习研讨：14条"
    rows: list[tuple[str, str]]  # (date, title) of each record


@dataclass
class Document:
    title: str
    # Paragraphs and tables in reading order.
    paragraphs: list[Paragraph | Table] = field(default_factory=list)
    # Shown under the title in the print view and the Word file (agency and date), may be empty.
    signature: str = ""
    date_line: str = ""
    # On request: an appendix after the text naming the records behind each figure (Word only).
    sources_title: str = ""
    sources_labels: tuple[str, str, str] = ("", "", "")  # "附件", and the columns "日期", "主题"
    sources: list[SourceTable] = field(default_factory=list)
