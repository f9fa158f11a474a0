"""The summary as Markdown: the title as "#", 一、 as "##", （一） as "###", 1. as "####"."""

import re

from reports.document import Document

HEADING_MARKS = {"heading1": "##", "heading2": "###", "heading3": "####"}
# Text at the start of a line that Markdown would read as a heading, list, quote, rule or code block.
_BLOCK_START = re.compile(r"^(\s*)([#>*+=|`~-]|\d+[.)])")


def _escape(text: str) -> str:
    """Keep a paragraph a paragraph: defuse block syntax at its start and inline markup anywhere."""
    text = " ".join(text.split())
    text = re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)
    return _BLOCK_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)


def document_to_markdown(document: Document) -> str:
    blocks = [f"# {_escape(document.title)}"]
    for line in (document.signature, document.date_line):
        if line:
            blocks.append(_escape(line))
    for paragraph in document.paragraphs:
        mark = HEADING_MARKS.get(paragraph.style)
        text = _escape(paragraph.text)
        blocks.append(f"{mark} {text}" if mark else text)
    return "\n\n".join(blocks) + "\n"
