"""`manage.py export_summary` writes each format; the demo agency's Word file is its summary."""

import io

import docx
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from reports.services import summary_document
from studyportal.accounts.models import Organization


def export(tmp_path, org, fmt, year=2022):
    output = tmp_path / f"out.{fmt}"
    call_command("export_summary", org=org, year=year, format=fmt, output=str(output), stdout=io.StringIO())
    return output


def test_the_command_writes_a_word_file_of_the_summary(tmp_path, agency):
    word = docx.Document(str(export(tmp_path, "agency", "docx")))
    assert word.paragraphs[0].text == summary_document(agency=agency, year=2022).title


def test_the_organization_may_be_named_in_full(tmp_path, agency):
    text = export(tmp_path, "测试局", "md").read_text(encoding="utf-8")
    assert text.startswith(f"# {summary_document(agency=agency, year=2022).title}\n")


def test_the_command_writes_standalone_html(tmp_path, agency):
    text = export(tmp_path, "agency", "html").read_text(encoding="utf-8")
    assert text.lstrip().startswith("<!doctype html>")
    assert "<style>" in text
    assert summary_document(agency=agency, year=2022).title in text


def test_the_command_writes_the_ledger_of_a_whole_committee(tmp_path, committee, agency, other_agency):
    with translation.override("zh-hans"):
        book = openpyxl.load_workbook(export(tmp_path, "committee", "xlsx"))
    assert book.sheetnames == ["领学", "助学", "检学", "整改事项", "学习积分", "上稿"]


def test_an_unknown_organization_is_a_clear_chinese_error(tmp_path, agency):
    with (
        translation.override("zh-hans"),
        pytest.raises(CommandError, match="没有代码或名称为“nowhere”的单位"),
    ):
        export(tmp_path, "nowhere", "docx")
    assert not (tmp_path / "out.docx").exists()


def test_a_summary_is_only_written_for_an_agency(tmp_path, committee):
    with translation.override("zh-hans"), pytest.raises(CommandError, match="不是机关"):
        export(tmp_path, "committee", "docx")


def test_the_demo_agency_exports_its_summary_title_and_paragraphs(tmp_path, db):
    call_command("seed_demo", stdout=io.StringIO())
    bureau = Organization.objects.get(code="gongxinju")
    document = summary_document(agency=bureau, year=2022)
    assert document.title == "县工业和信息化局2022年度建设学习型机关工作总结"
    word = docx.Document(str(export(tmp_path, "gongxinju", "docx")))
    texts = [p.text for p in word.paragraphs]
    assert texts[0] == document.title
    assert texts[-len(document.paragraphs) :] == [p.text for p in document.paragraphs]
    assert len(document.paragraphs) > 5


def test_the_help_says_that_xlsx_is_the_years_ledgers_and_the_rest_the_summary():
    from reports.management.commands.export_summary import Command

    text = " ".join(Command().create_parser("manage.py", "export_summary").format_help().split())
    assert "docx, md, html: the annual summary; xlsx: the year's ledgers" in text


@pytest.mark.parametrize("fmt,url_name", [("md", "exports:markdown"), ("html", "exports:html")])
def test_the_command_and_the_summary_page_write_the_same_file(
    tmp_path, client_for, secretary, agency, fmt, url_name
):
    response = client_for(secretary).get(reverse(url_name, args=[2022]))
    assert response.status_code == 200
    assert export(tmp_path, "agency", fmt).read_bytes() == response.content
