"""The summary as a Word file laid out per GB/T 9704-2012 (党政机关公文格式).

A4, margins top 37 mm / bottom 35 mm / left 28 mm / right 26 mm, so the text block is 156 × 225 mm,
22 lines of 28 characters. Title 2号 方正小标宋简体 centred; body 3号 仿宋_GB2312 indented two
characters; 一、 in 黑体, （一） in 楷体_GB2312, 1. in 仿宋_GB2312; page numbers "— 1 —" in 4号 宋体,
odd pages on the right and even pages on the left, each one character in from the text block's edge.

Everything is set on named styles (Title, Heading 1–3, Normal, Footer) rather than on runs, so the
user can restyle the whole file in Word or WPS. The fonts are named as those programs know them on
Chinese Windows; the font table gives each an alternative for machines that lack it.
"""

import functools
import io

from docx import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Mm, Pt
from lxml import etree

from reports.document import Document, Table

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
# The page number sits about 7 mm below the text block.
FOOTER_DISTANCE = Mm(24)
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
PAGE_NUMBER_SIZE = Pt(14)  # 4号
TABLE_TEXT_SIZE = Pt(10.5)  # 五号: a table of the archive holds more than a line of 3号 could
# 225 mm / 22 lines would be 28.99 pt; the usual 28.95 pt keeps 22 lines safely inside the block.
LINE_PITCH = Pt(28.95)
INDENT = Pt(32)  # two characters of 3号

LATIN = "Times New Roman"
FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
SONGTI = "宋体"
XIAOBIAOSONG = "方正小标宋简体"

# name in the file → (alternative name Word/WPS/LibreOffice may substitute, GB2312 charset 86)
FONT_ALTERNATIVES = {
    FANGSONG: "仿宋",
    KAITI: "楷体",
    HEITI: "SimHei",
    SONGTI: "SimSun",
    XIAOBIAOSONG: "华文中宋",
}

# paragraph style of the Document → Word style name
STYLE_NAMES = {"heading1": "Heading 1", "heading2": "Heading 2", "heading3": "Heading 3", "body": "Normal"}


@functools.cache
def _styled_template() -> bytes:
    """An empty document with the page, styles, fonts and page numbers set, made once a process: the
    archive writes a record sheet per activity, and styling each from scratch took most of the time."""
    word = WordDocument()
    section = word.sections[0]
    _lay_out_page(section)
    _set_defaults(word)
    _define_styles(word)
    _add_font_alternatives(word)
    _add_page_numbers(word, section)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def document_to_docx(document: Document) -> bytes:
    word = WordDocument(io.BytesIO(_styled_template()))
    section = word.sections[0]

    word.core_properties.title = document.title
    word.core_properties.language = "zh-CN"

    # python-docx's template starts with one empty paragraph; the title takes its place.
    title = word.paragraphs[0] if word.paragraphs else word.add_paragraph()
    title.style = word.styles["Title"]
    title.add_run(document.title)
    for line in (document.signature, document.date_line):
        if line:
            word.add_paragraph(line, style="Subtitle")
    for block in document.paragraphs:
        if isinstance(block, Table):
            _add_table(word, block, section)
        else:
            word.add_paragraph(block.text, style=STYLE_NAMES.get(block.style, "Normal"))

    if document.sources:
        _add_sources(word, document, section)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _lay_out_page(section):
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance = Mm(15)
    section.footer_distance = FOOTER_DISTANCE
    section.gutter = Emu(0)

    # python-docx has no API for the document grid. With type linesAndChars Word shows 28 × 22 in
    # Page Setup: linePitch is in twentieths of a point; the character pitch is the Normal font
    # size plus charSpace/4096 pt, so charSpace is what makes 28 characters fill the 156 mm line.
    text_width_pt = (section.page_width - section.left_margin - section.right_margin) / 12700
    char_space = round((text_width_pt / CHARS_PER_LINE - BODY_SIZE.pt) * 4096)
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH.pt * 20)))
    grid.set(qn("w:charSpace"), str(char_space))
    sect_pr.append(grid)


def _set_fonts(r_pr, *, east_asia: str, latin: str = LATIN):
    """Name the font for every script: python-docx's font.name sets only ascii/hAnsi."""
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, r_fonts)
    for attr in list(r_fonts.attrib):
        del r_fonts.attrib[attr]  # theme fonts would win over the names below
    r_fonts.set(qn("w:ascii"), latin)
    r_fonts.set(qn("w:hAnsi"), latin)
    r_fonts.set(qn("w:eastAsia"), east_asia)
    r_fonts.set(qn("w:cs"), latin)
    r_fonts.set(qn("w:hint"), "eastAsia")


def _set_defaults(word):
    """Document defaults: 仿宋_GB2312 3号 Chinese text, Times New Roman for digits and Latin letters."""
    styles = word.styles.element
    doc_defaults = styles.find(qn("w:docDefaults"))
    if doc_defaults is not None:
        styles.remove(doc_defaults)
    doc_defaults = parse_xml(
        f"<w:docDefaults {nsdecls('w')}>"
        "<w:rPrDefault><w:rPr>"
        f'<w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{FANGSONG}" w:cs="{LATIN}"/>'
        f'<w:kern w:val="2"/><w:sz w:val="{int(BODY_SIZE.pt * 2)}"/><w:szCs w:val="{int(BODY_SIZE.pt * 2)}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        "</w:rPr></w:rPrDefault>"
        '<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/>'
        f'<w:spacing w:before="0" w:after="0" w:line="{round(LINE_PITCH.pt * 20)}" w:lineRule="exact"/>'
        "</w:pPr></w:pPrDefault>"
        "</w:docDefaults>"
    )
    styles.insert(0, doc_defaults)


def _reset(style):
    """Drop the template's look (theme fonts, colours, borders, spacing) before setting ours."""
    element = style.element
    for tag in ("w:pPr", "w:rPr"):
        for old in element.findall(qn(tag)):
            element.remove(old)


def _paragraph_style(
    word, name, *, east_asia, size, alignment=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=INDENT, outline=None
):
    styles = word.styles
    style = styles[name] if name in styles else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    _reset(style)
    if name != "Normal":
        style.base_style = styles["Normal"]
    font = style.font
    font.size = size
    font.bold = False
    font.italic = False
    _set_fonts(font.element.get_or_add_rPr(), east_asia=east_asia)
    fmt = style.paragraph_format
    fmt.alignment = alignment
    fmt.first_line_indent = indent
    fmt.left_indent = Pt(0)
    fmt.right_indent = Pt(0)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.widow_control = False
    if outline is not None:
        p_pr = style.element.get_or_add_pPr()
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(outline))
        p_pr.append(level)
        fmt.keep_with_next = True
    return style


def _define_styles(word):
    normal = _paragraph_style(word, "Normal", east_asia=FANGSONG, size=BODY_SIZE)
    # 28 characters of 16 pt need 448 pt but the line is 442 pt: Word and WPS squeeze them onto the
    # 15.8 pt character grid; LibreOffice instead gives a glyph wider than a grid cell two cells
    # (14 characters a line). Glyphs at 98 % width (15.7 pt) fit one cell everywhere, and Word, which
    # places each character on the grid anyway, looks the same.
    scale = OxmlElement("w:w")
    scale.set(qn("w:val"), "98")
    normal.font.element.get_or_add_rPr().append(scale)
    title = _paragraph_style(
        word,
        "Title",
        east_asia=XIAOBIAOSONG,
        size=TITLE_SIZE,
        alignment=WD_ALIGN_PARAGRAPH.CENTER,
        indent=Pt(0),
        outline=0,
    )
    # A title runs to two lines at most; one blank line of the grid separates it from the text.
    title.paragraph_format.line_spacing = Pt(35)
    title.paragraph_format.space_after = LINE_PITCH
    # 2号 characters are wider than a cell of the character grid; off the grid they keep their width.
    _no_grid(title)
    subtitle = _paragraph_style(
        word, "Subtitle", east_asia=KAITI, size=BODY_SIZE, alignment=WD_ALIGN_PARAGRAPH.CENTER, indent=Pt(0)
    )
    subtitle.paragraph_format.keep_with_next = True
    _paragraph_style(word, "Heading 1", east_asia=HEITI, size=BODY_SIZE, outline=0)
    _paragraph_style(word, "Heading 2", east_asia=KAITI, size=BODY_SIZE, outline=1)
    _paragraph_style(word, "Heading 3", east_asia=FANGSONG, size=BODY_SIZE, outline=2)
    for name, east_asia in (("Table Text", FANGSONG), ("Table Heading", HEITI)):
        cell_style = _paragraph_style(
            word,
            name,
            east_asia=east_asia,
            size=TABLE_TEXT_SIZE,
            alignment=WD_ALIGN_PARAGRAPH.LEFT,
            indent=Pt(0),
        )
        cell_style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        _no_grid(cell_style)
    footer = _paragraph_style(word, "Footer", east_asia=SONGTI, size=PAGE_NUMBER_SIZE, indent=Pt(0))
    # Page numbers are 宋体 throughout, digits included (GB/T 9704 7.5: 4号半角宋体阿拉伯数字).
    _set_fonts(footer.font.element.get_or_add_rPr(), east_asia=SONGTI, latin=SONGTI)
    footer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    # Linked character styles of the template still carry theme fonts; they are unused, but a user
    # applying them would get Cambria, so they go.
    for style in list(word.styles):
        if style.type == WD_STYLE_TYPE.CHARACTER and style.name.endswith(" Char"):
            style.element.getparent().remove(style.element)
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3"):
        for link in word.styles[name].element.findall(qn("w:link")):
            link.getparent().remove(link)


def _add_table(word, table: Table, section):
    """A bordered table across the text block; a header row repeats on every page and is in 黑体."""
    rows = ([table.header] if table.header else []) + table.rows
    columns = max(len(row) for row in rows)
    widths = table.widths or (1,) * columns
    text_width = section.page_width - section.left_margin - section.right_margin
    cell_widths = [Emu(int(text_width * width / sum(widths))) for width in widths]
    grid = word.add_table(rows=0, cols=columns)
    grid.style = word.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    # LibreOffice and WPS lay a table out by its grid columns, Word by the cells: both are set.
    for column, width in zip(grid.columns, cell_widths, strict=False):
        column.width = width
    # Style ids set on the XML directly: python-docx looks a style object up among all styles on
    # every assignment, which made a long index take seconds.
    heading_id, text_id = word.styles["Table Heading"].style_id, word.styles["Table Text"].style_id
    for index, values in enumerate(rows):
        row = grid.add_row()
        is_header = table.header is not None and index == 0
        if is_header:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for cell, text, width in zip(row.cells, values, cell_widths, strict=False):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph._p.style = heading_id if is_header else text_id
            for number, line in enumerate(str(text).split("\n")):
                if number:
                    paragraph.add_run().add_break()
                paragraph.add_run(line)
    # Word needs a paragraph after a table; an empty one also keeps two tables apart.
    word.add_paragraph("", style="Table Text")


def _add_sources(word, document, section):
    """The appendix of sources on a new page, as GB/T 9704 lays out an attachment: "附件" in 黑体 at
    the top left, its title as a title, then each figure (1. …) with a table of its records' dates
    and titles (the archive's table layout)."""
    attachment_label, date_label, title_label = document.sources_labels
    attachment = word.add_paragraph(attachment_label, style="Heading 1")
    attachment.paragraph_format.page_break_before = True
    attachment.paragraph_format.first_line_indent = Pt(0)
    word.add_paragraph(document.sources_title, style="Title")
    for number, source in enumerate(document.sources, start=1):
        word.add_paragraph(f"{number}. {source.heading}", style="Heading 3")
        rows = [list(row) for row in source.rows]
        _add_table(word, Table(rows=rows, header=[date_label, title_label], widths=(3, 10)), section)


def _no_grid(style):
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    style.element.get_or_add_pPr().append(snap)


def _add_font_alternatives(word):
    """List the Chinese fonts in the font table with an alternative name and the GB2312 charset."""
    part = word.part.part_related_by(RT.FONT_TABLE)
    fonts = parse_xml(part.blob)
    known = {font.get(qn("w:name")) for font in fonts.findall(qn("w:font"))}
    for name, alternative in FONT_ALTERNATIVES.items():
        if name in known:
            continue
        fonts.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alternative}"/>'
                '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
            )
        )
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_number_paragraph(word, paragraph, *, alignment):
    """ "— N —" with N a PAGE field, one character in from the text block's edge."""
    paragraph.style = word.styles["Footer"]
    fmt = paragraph.paragraph_format
    fmt.alignment = alignment
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = PAGE_NUMBER_SIZE
    else:
        fmt.left_indent = PAGE_NUMBER_SIZE
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (
        ("begin", None),
        ("instr", " PAGE "),
        ("separate", None),
        ("text", "1"),
        ("end", None),
    ):
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
    paragraph.add_run(" —")


def _add_page_numbers(word, section):
    word.settings.odd_and_even_pages_header_footer = True
    section.footer.is_linked_to_previous = False
    section.even_page_footer.is_linked_to_previous = False
    _page_number_paragraph(word, section.footer.paragraphs[0], alignment=WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number_paragraph(word, section.even_page_footer.paragraphs[0], alignment=WD_ALIGN_PARAGRAPH.LEFT)
