"""Reading ledger files as offices keep them, and refusing the dangerous ones (activities/ledger.py).

The helpers at the top build real files of each format; the importer tests use them too.
"""

import csv
import datetime
import io
import shutil
import subprocess
import zipfile

import openpyxl
import pytest

from activities.imports.activities import ActivitiesImporter
from activities.imports.ledger import (
    CellError,
    LedgerError,
    parse_bool,
    parse_date,
    parse_period,
    read_ledger,
)

COLUMNS = ActivitiesImporter.columns


def csv_bytes(rows, encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xls_bytes(rows, tmp_path):
    """A genuine Excel 97 file, written by LibreOffice from an .xlsx (skips where it cannot)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("writing a genuine .xls needs LibreOffice (soffice) with Calc")
    source = tmp_path / "ledger.xlsx"
    source.write_bytes(xlsx_bytes(rows))
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "xls",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    target = tmp_path / "ledger.xls"
    if not target.exists():
        pytest.skip("LibreOffice could not write .xls here (is libreoffice-calc installed?)")
    return target.read_bytes()


def ledger_file(fmt, rows, tmp_path):
    """(bytes, filename) of the rows in one of the formats offices use."""
    if fmt == "csv-utf8":
        return csv_bytes(rows), "ledger.csv"
    if fmt == "csv-bom":
        return csv_bytes(rows, "utf-8-sig"), "ledger.csv"
    if fmt == "csv-gb18030":
        return csv_bytes(rows, "gb18030"), "ledger.csv"
    if fmt == "xlsx":
        return xlsx_bytes(rows), "ledger.xlsx"
    if fmt == "xls":
        return xls_bytes(rows, tmp_path), "ledger.xls"
    raise ValueError(fmt)


# A genuine .xls is written by LibreOffice, a program booted per test: slow (make test leaves it out).
FORMATS = ["csv-utf8", "csv-bom", "csv-gb18030", "xlsx", pytest.param("xls", marks=pytest.mark.slow)]

ROWS = [
    ["县工业和信息化局2022年学习活动台账"],
    [],
    ["日期", "类型", "主题", "参加人员"],
    ["2022-03-05", "中心组集中学习", "学习党的二十大精神", "张三、李四"],
    ["2022-04-01", "党课", "专题党课", "张三"],
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_the_same_rows_with_the_files_row_numbers(fmt, tmp_path):
    data, name = ledger_file(fmt, ROWS, tmp_path)
    ledger = read_ledger(data, name, COLUMNS)
    assert ledger.header_row == 3
    assert [row.number for row in ledger.rows] == [4, 5]
    assert ledger.rows[0].values["kind"] == "中心组集中学习"
    assert ledger.rows[0].values["attendees"] == "张三、李四"
    assert ledger.rows[1].values["title"] == "专题党课"


def test_excels_unicode_text_export_is_read_too():
    text = "\n".join("\t".join(row) for row in ROWS)
    ledger = read_ledger(("\ufeff" + text).encode("utf-16-le"), "台账.txt", COLUMNS)
    assert [row.number for row in ledger.rows] == [4, 5]
    assert ledger.rows[0].values["attendees"] == "张三、李四"


def test_gb18030_csv_is_told_apart_from_utf8():
    data = csv_bytes([["日期", "类型", "主题"], ["2022-03-05", "观影", "《长津湖》"]], "gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert read_ledger(data, "台账.csv", COLUMNS).rows[0].values["title"] == "《长津湖》"


@pytest.mark.parametrize(
    "header",
    ["日期", " 日 期 ", "日期(date)", "日期（date）", "日期 （ date ）", "date", " DATE", "【日期】"],
)
def test_a_header_may_be_chinese_english_or_both_with_stray_spaces_and_full_width_brackets(header):
    ledger = read_ledger(csv_bytes([[header, "类型", "主题"], ["2022-03-05", "观影", "x"]]), "a.csv", COLUMNS)
    assert ledger.headers["date"] == header.strip()
    assert ledger.rows[0].values["date"] == "2022-03-05"


def test_empty_rows_between_records_are_skipped_but_numbers_stay_true():
    rows = [["日期", "类型", "主题"], ["2022-03-05", "观影", "a"], ["", "", ""], ["2022-03-06", "观影", "b"]]
    assert [row.number for row in read_ledger(csv_bytes(rows), "a.csv", COLUMNS).rows] == [2, 4]


@pytest.mark.parametrize(
    "value",
    [
        "2023-03-05",
        "2023/3/5",
        "2023.3.5",
        "2023年3月5日",
        "2023-3-5 00:00:00",
        datetime.date(2023, 3, 5),
        datetime.datetime(2023, 3, 5, 14, 30),
        float((datetime.date(2023, 3, 5) - datetime.date(1899, 12, 30)).days),
        str((datetime.date(2023, 3, 5) - datetime.date(1899, 12, 30)).days),
    ],
)
def test_every_date_form_offices_write_is_understood(value):
    assert parse_date(value) == datetime.date(2023, 3, 5)


def test_a_date_cell_in_xlsx_arrives_as_a_date(tmp_path):
    rows = [["日期", "类型", "主题"], [datetime.date(2023, 3, 5), "观影", "a"]]
    value = read_ledger(xlsx_bytes(rows), "a.xlsx", COLUMNS).rows[0].values["date"]
    assert parse_date(value) == datetime.date(2023, 3, 5)


@pytest.mark.parametrize("value", ["2023-13-05", "2023-02-30", "上周五", "3月5日", "12", "2023"])
def test_a_bad_date_is_refused_with_the_value_in_the_message(value):
    with pytest.raises(CellError, match="不是日期"):
        parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("✓", True),
        ("✗", False),
        ("√", True),
        ("×", False),
        ("1", True),
        ("0", False),
        ("true", True),
        ("FALSE", False),
        (True, True),
        (1.0, True),
        ("", False),
    ],
)
def test_yes_and_no_as_offices_write_them(value, expected):
    assert parse_bool(value) is expected


def test_an_unclear_yes_no_answer_is_refused():
    with pytest.raises(CellError):
        parse_bool("也许")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022", (2022, None)),
        (2022.0, (2022, None)),
        ("2022年", (2022, None)),
        ("2022-03", (2022, 3)),
        ("2022/3", (2022, 3)),
        ("2022年3月", (2022, 3)),
        (datetime.date(2022, 3, 1), (2022, 3)),
    ],
)
def test_a_points_period_is_a_year_or_a_month(value, expected):
    assert parse_period(value) == expected


# ---------------------------------------------------------------------------- refused files


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _xlsx_with(extra: dict[str, bytes]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(ROWS))) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return _zip({**members, **extra})


REFUSED = {
    "macro file by name": (xlsx_bytes(ROWS), "台账.xlsm", "宏"),
    "macro inside the zip": (_xlsx_with({"xl/vbaProject.bin": b"\x00" * 100}), "台账.xlsx", "宏"),
    "macro in an old xls": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "_VBA_PROJECT_CUR".encode("utf-16-le") + b"\0" * 600,
        "台账.xls",
        "宏",
    ),
    "external links": (
        _xlsx_with({"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}),
        "a.xlsx",
        "外部",
    ),
    "zip bomb by ratio": (
        _xlsx_with({"xl/worksheets/sheet9.xml": b"\0" * (20 * 1024 * 1024)}),
        "a.xlsx",
        "炸弹",
    ),
    "a word document": (_zip({"word/document.xml": b"<w:document/>"}), "a.xlsx", "不是 Excel"),
    "a pdf": (b"%PDF-1.7\n" + b"\x00\x01" * 100, "a.pdf", "不是台账文件"),
    "binary junk": (b"\x89PNG\r\n\x1a\n\x00\x00", "a.csv", "不是台账文件"),
    "a damaged xlsx": (b"PK\x03\x04" + b"junk" * 100, "a.xlsx", "已损坏"),
    "an empty file": (b"", "a.csv", "空"),
    "only blank lines": (b"\n,,\n\n", "a.csv", "空"),
    "no header row": (csv_bytes([["甲", "乙"], ["1", "2"]]), "a.csv", "表头"),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_dangerous_or_unreadable_files_are_refused_with_a_chinese_message(case):
    data, name, words = REFUSED[case]
    with pytest.raises(LedgerError, match=words):
        read_ledger(data, name, COLUMNS)


def test_an_oversized_file_is_refused_before_parsing():
    data = csv_bytes([["日期", "类型", "主题"]]) + "2022-03-05,观影,a\n".encode() * 700_000
    assert len(data) > 10 * 1024 * 1024
    with pytest.raises(LedgerError, match="10 MB"):
        read_ledger(data, "a.csv", COLUMNS)


def test_a_zip_bomb_whose_directory_lies_about_its_size_is_caught_while_unpacking(monkeypatch):
    import activities.imports.ledger as ledger

    monkeypatch.setattr(ledger, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    monkeypatch.setattr(ledger, "MAX_RATIO", 10**9)
    data = _xlsx_with({"xl/worksheets/sheet9.xml": b"<row/>" * 1024 * 1024})
    with pytest.raises(LedgerError, match="炸弹"):
        read_ledger(data, "a.xlsx", COLUMNS)


def test_a_missing_required_column_is_named():
    with pytest.raises(LedgerError, match="日期") as caught:
        read_ledger(csv_bytes([["类型", "主题"], ["观影", "a"]]), "a.csv", COLUMNS)
    assert caught.value.column == "日期"
    assert caught.value.row == 1
