"""The summary as one standalone HTML file: the print view's markup with its styles inlined.

A downloaded file has no server to fetch a stylesheet from, so the print styles travel inside it.
"""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from reports.document import Document

STYLESHEET = "css/summary-print.css"


def print_styles() -> str:
    path = finders.find(STYLESHEET)
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def document_to_html(document: Document) -> str:
    return render_to_string("reports/export_html.html", {"document": document, "styles": print_styles()})
