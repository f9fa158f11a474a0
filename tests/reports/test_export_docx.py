"""The Word file is laid out per GB/T 9704-2012, read back with python-docx, and opens in LibreOffice."""

import io
import shutil
import subprocess

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

from reports.document import Document, Paragraph
from reports.exporters.docx import document_to_docx

DOCUMENT = Document(
    title="测试局2022年度建设学习型机关工作总结",
    signature="测试局",
    date_line="2022年12月20日",
    paragraphs=[
        Paragraph("2022年是党的二十大的召开之年。现将工作情况总结如下：", "body"),
        Paragraph("一、抓好“大学习”，突出理论武装，打造学习型模范机关", "heading1"),
        Paragraph("（一）领导“领学”，打造有高度的“头雁课堂”", "heading2"),
        Paragraph("年度党组理论学习中心组召开集中学习、交流研讨共计14次。", "body"),
        Paragraph("二、当前工作存在不足", "heading1"),
        Paragraph("1.理论学习不够深入。", "heading3"),
        Paragraph("部分干部职工理论学习时缺乏深度思考。" * 40, "body"),
    ],
)


@pytest.fixture(scope="module")
def word():
    return docx.Document(io.BytesIO(document_to_docx(DOCUMENT)))


def _fonts(style):
    """(ascii, hAnsi, eastAsia) named on the style itself."""
    r_fonts = style.element.rPr.find(qn("w:rFonts"))
    return r_fonts.get(qn("w:ascii")), r_fonts.get(qn("w:hAnsi")), r_fonts.get(qn("w:eastAsia"))


def test_the_page_is_a4_with_the_margins_of_the_standard(word):
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    text_block = Emu(section.page_width - section.left_margin - section.right_margin).mm
    assert text_block == pytest.approx(156, abs=0.1)
    assert Emu(section.page_height - section.top_margin - section.bottom_margin).mm == pytest.approx(
        225, abs=0.1
    )


def test_the_grid_is_22_lines_of_28_characters(word):
    section = word.sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    line_pitch = int(grid.get(qn("w:linePitch"))) / 20  # twentieths of a point
    assert line_pitch == pytest.approx(28.95, abs=0.05)
    assert int(Emu(section.page_height - section.top_margin - section.bottom_margin).pt // line_pitch) == 22
    # Word's character pitch: the Normal font size plus charSpace/4096 pt.
    char_pitch = word.styles["Normal"].font.size.pt + int(grid.get(qn("w:charSpace"))) / 4096
    line = Emu(section.page_width - section.left_margin - section.right_margin).pt
    assert line / char_pitch == pytest.approx(28, abs=0.02)


def test_the_title_is_centred_22_pt_xiaobiaosong(word):
    title = word.paragraphs[0]
    assert title.text == DOCUMENT.title
    assert title.style.name == "Title"
    assert title.style.font.size == Pt(22)
    assert _fonts(title.style) == ("Times New Roman", "Times New Roman", "方正小标宋简体")
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


@pytest.mark.parametrize(
    ("style_name", "east_asia"),
    [
        ("Normal", "仿宋_GB2312"),
        ("Heading 1", "黑体"),
        ("Heading 2", "楷体_GB2312"),
        ("Heading 3", "仿宋_GB2312"),
    ],
)
def test_body_and_headings_are_16_pt_in_their_fonts_indented_two_characters(word, style_name, east_asia):
    style = word.styles[style_name]
    assert style.font.size == Pt(16)
    assert not style.font.bold
    assert _fonts(style) == ("Times New Roman", "Times New Roman", east_asia)
    fmt = style.paragraph_format
    assert fmt.first_line_indent == Pt(32)
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert fmt.line_spacing.pt == pytest.approx(28.95, abs=0.05)


def test_each_paragraph_carries_its_named_style_and_text(word):
    expected_styles = {
        "body": "Normal",
        "heading1": "Heading 1",
        "heading2": "Heading 2",
        "heading3": "Heading 3",
    }
    written = [(p.text, p.style.name) for p in word.paragraphs if p.style.name not in {"Title", "Subtitle"}]
    assert written == [(p.text, expected_styles[p.style]) for p in DOCUMENT.paragraphs]
    # The runs carry no formatting of their own: restyling the named styles restyles the whole file.
    assert all(run.font.name is None and run.font.size is None for p in word.paragraphs for run in p.runs)


def test_the_agency_and_date_follow_the_title(word):
    assert [p.text for p in word.paragraphs[1:3]] == [DOCUMENT.signature, DOCUMENT.date_line]


def test_the_document_default_is_fangsong_for_chinese_and_times_for_latin(word):
    defaults = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    r_fonts = defaults.find(qn("w:rFonts"))
    assert (r_fonts.get(qn("w:ascii")), r_fonts.get(qn("w:eastAsia"))) == ("Times New Roman", "仿宋_GB2312")
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_the_font_table_names_an_alternative_for_each_chinese_font(word):
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml

    fonts = parse_xml(word.part.part_related_by(RT.FONT_TABLE).blob)
    alternatives = {
        font.get(qn("w:name")): font.find(qn("w:altName")).get(qn("w:val"))
        for font in fonts.findall(qn("w:font"))
        if font.find(qn("w:altName")) is not None
    }
    assert alternatives["仿宋_GB2312"] == "仿宋"
    assert alternatives["楷体_GB2312"] == "楷体"
    assert {"黑体", "宋体", "方正小标宋简体"} <= alternatives.keys()


@pytest.mark.parametrize(
    ("footer_name", "alignment"),
    [("footer", WD_ALIGN_PARAGRAPH.RIGHT), ("even_page_footer", WD_ALIGN_PARAGRAPH.LEFT)],
)
def test_page_numbers_are_a_page_field_between_dashes_in_songti_14_pt(word, footer_name, alignment):
    assert word.settings.odd_and_even_pages_header_footer
    paragraph = getattr(word.sections[0], footer_name).paragraphs[0]
    assert paragraph.text.startswith("— ")
    assert paragraph.text.endswith(" —")
    instructions = [node.text.strip() for node in paragraph._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE"]
    assert [node.get(qn("w:fldCharType")) for node in paragraph._p.iter(qn("w:fldChar"))] == [
        "begin",
        "separate",
        "end",
    ]
    assert paragraph.paragraph_format.alignment == alignment
    style = paragraph.style
    assert style.name == "Footer"
    assert style.font.size == Pt(14)
    assert _fonts(style) == ("宋体", "宋体", "宋体")


def test_the_footer_sits_below_the_text_block(word):
    section = word.sections[0]
    assert Mm(20) < section.footer_distance < section.bottom_margin


@pytest.mark.slow  # boots LibreOffice
def test_libreoffice_opens_the_file_and_prints_the_text(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; CI installs it to check that the file opens")
    source = tmp_path / "summary.docx"
    source.write_bytes(document_to_docx(DOCUMENT))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "summary.pdf"
    assert pdf.exists() and pdf.stat().st_size > 1000
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        flat = "".join(text.split())
        assert "测试局2022年度建设学习型机关工作总结" in flat
        assert "二、当前工作存在不足" in flat
    else:
        assert b"%PDF" in pdf.read_bytes()[:8]
