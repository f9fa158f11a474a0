"""The summary's export formats, one table for the pages and the `export_summary` command.

Adding a format is one entry here (and its writer module). The year's ledgers (xlsx) are not a
format of the summary: they are the records it counts, written by `exporters.xlsx.ledger_workbook`.
"""

from collections.abc import Callable
from typing import NamedTuple

from .docx import document_to_docx
from .html import document_to_html
from .markdown import document_to_markdown

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class SummaryFormat(NamedTuple):
    content_type: str
    write: Callable  # Document → bytes


SUMMARY_FORMATS = {
    "docx": SummaryFormat(DOCX_TYPE, document_to_docx),
    "md": SummaryFormat(
        "text/markdown; charset=utf-8", lambda document: document_to_markdown(document).encode()
    ),
    "html": SummaryFormat("text/html; charset=utf-8", lambda document: document_to_html(document).encode()),
}
