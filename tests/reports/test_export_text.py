"""Markdown and standalone HTML carry the same paragraphs as the Document."""

import re
from html.parser import HTMLParser

from reports.document import Document, Paragraph
from reports.exporters.html import document_to_html
from reports.exporters.markdown import document_to_markdown

DOCUMENT = Document(
    title="测试局2022年度建设学习型机关工作总结",
    signature="测试局",
    date_line="2022年12月20日",
    paragraphs=[
        Paragraph("2022年是党的二十大的召开之年。", "body"),
        Paragraph("一、抓好“大学习”，突出理论武装", "heading1"),
        Paragraph("（一）领导“领学”，打造有高度的“头雁课堂”", "heading2"),
        Paragraph("学习《习近平谈治国理政》第四卷 <b>不是标记</b> & *也不是强调*。", "body"),
        Paragraph("1.理论学习不够深入。", "heading3"),
        Paragraph("1.以数字开头的正文段落。", "body"),
    ],
)


def test_markdown_marks_each_heading_level_and_keeps_every_paragraph():
    blocks = document_to_markdown(DOCUMENT).strip().split("\n\n")
    assert blocks[0] == f"# {DOCUMENT.title}"
    assert blocks[1:3] == [DOCUMENT.signature, DOCUMENT.date_line]
    marks = {"heading1": "## ", "heading2": "### ", "heading3": "#### ", "body": ""}
    # Markdown's backslash escapes are how the text survives as text; without them it is the same.
    unescaped = [re.sub(r"\\(.)", r"\1", block) for block in blocks[3:]]
    assert unescaped == [marks[p.style] + p.text for p in DOCUMENT.paragraphs]


def test_markdown_does_not_turn_a_numbered_body_paragraph_into_a_list():
    last = document_to_markdown(DOCUMENT).strip().split("\n\n")[-1]
    assert last.startswith("1\\.")


class _Blocks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.blocks, self._tag, self.styles, self.scripts = [], None, "", 0

    def handle_starttag(self, tag, attrs):
        self._tag = tag
        if tag in {"h1", "h2", "h3", "h4", "p"}:
            self.blocks.append([tag, ""])
        self.scripts += tag == "script"

    def handle_endtag(self, tag):
        self._tag = None

    def handle_data(self, data):
        if self._tag == "style":
            self.styles += data
        elif self.blocks and self._tag in {"h1", "h2", "h3", "h4", "p"}:
            self.blocks[-1][1] += data


def test_html_is_standalone_and_carries_the_same_paragraphs():
    parser = _Blocks()
    parser.convert_charrefs = True
    parser.feed(document_to_html(DOCUMENT))
    tags = {"heading1": "h2", "heading2": "h3", "heading3": "h4", "body": "p"}
    assert parser.blocks == [
        ["h1", DOCUMENT.title],
        ["p", DOCUMENT.signature],
        ["p", DOCUMENT.date_line],
        *[[tags[p.style], p.text] for p in DOCUMENT.paragraphs],
    ]
    # The print styles travel inside the file: A4 with the standard's margins and fonts.
    assert "size: A4" in parser.styles
    assert "margin: 37mm 26mm 35mm 28mm" in parser.styles
    assert "仿宋_GB2312" in parser.styles
    assert parser.scripts == 0
    assert "<link" not in document_to_html(DOCUMENT)
