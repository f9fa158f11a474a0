"""Property-based checks (issue 8 "Trust"): whatever a user types or uploads, the portal answers with a
page or a list of problems, never a server error, and a refused input leaves the database as it was.

Hypothesis invents the inputs. The examples of one test share its database, so every property compares
the counts just before and just after the one input. How many inputs each test tried is printed at the
end of the module (run with `-s`) and written to test-artifacts/hypothesis_inputs.json.
"""

import csv
import datetime
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from activities.imports.engine import ledger_import
from activities.imports.ledger import LedgerError, read_ledger
from activities.imports.rules import IMPORTERS
from activities.kinds import KINDS
from activities.models import Kind, Publicity, RectificationItem
from tests.factories import ActivityFactory

# Bounded so that the module stays well under a minute and a half on SQLite; the examples that once
# failed are replayed first from Hypothesis' database, so a regression is still caught at once.
settings.register_profile(
    "portal-security",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PROFILE = settings.get_profile("portal-security")

# Hypothesis at length: make test leaves the module out, CI runs it.
pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TRIED = Counter()


@pytest.fixture(scope="module", autouse=True)
def report_inputs_tried():
    yield
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "hypothesis_inputs.json").write_text(json.dumps(TRIED, indent=2, sort_keys=True))
    print("\nHypothesis inputs tried:", dict(TRIED), "total", sum(TRIED.values()))


def counts():
    """Rows of every model: a refused input must not change any of them."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


# ---------------------------------------------------------------------------- values a user may type

# Surrogates cannot be sent in a request or written to a file; everything else can.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
FORMULAS = st.sampled_from(["=1+2", '=HYPERLINK("http://x")', "@SUM(A1:A9)", "+cmd|'/C calc'!A0", "-2+3"])
# Around the limits of a 32- and a 64-bit column, and far beyond.
HUGE = st.one_of(
    st.integers(2**31 - 2, 2**31 + 2),
    st.integers(2**63 - 2, 10**30),
    st.integers(-(10**30), -1),
).map(str)
NUMBERS = st.one_of(
    st.integers(min_value=-5, max_value=2000).map(str),
    HUGE,
    st.sampled_from(["NaN", "nan", "Infinity", "-Infinity", "1e999", "sNaN", "0x10", "1_000", "３"]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
ODD_DATES = st.sampled_from(
    [
        "2022-02-30",
        "2022-13-01",
        "0000-01-01",
        "9999-12-31",
        "2022年3月5日",
        "2022/3/5",
        "2022.3.5",
        "45000",
        "99999",
        "-1",
        "",
        "2022-03-05T10:00",
    ]
)
DATES = st.one_of(
    st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.strftime("%Y-%m-%d")),
    st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2023, 12, 31)).map(str),
    ODD_DATES,
)
TIMES = st.one_of(st.times().map(lambda t: t.strftime("%H:%M")), st.sampled_from(["25:00", "9:7", "noon"]))
ANYTHING = st.one_of(TEXT, FORMULAS, NUMBERS, DATES)


GOOD_DATES = st.dates(min_value=datetime.date(2022, 1, 1), max_value=datetime.date(2023, 12, 31)).map(str)
WORDS = st.text(alphabet="学习党的二十大精神专题研讨会议 ", min_size=1, max_size=30).filter(str.strip)


@st.composite
def posted(draw, good: dict, junk: dict | None = None):
    """What a form posts: a good form with up to three fields spoiled (junk, or left out), so that both
    a save and a refusal with everything else right are tried."""
    values = {name: draw(strategy) for name, strategy in good.items()}
    junk = junk or {}
    for name in draw(st.lists(st.sampled_from(sorted(good)), max_size=3, unique=True)):
        values[name] = draw(st.one_of(ANYTHING, st.none(), *junk.get(name, [])))
    return {name: value for name, value in values.items() if value is not None}


# ---------------------------------------------------------------------------- the activity form


@pytest.fixture
def recorder_client(client, recorder):
    client.force_login(recorder)
    return client


@PROFILE
@given(data=st.data())
def test_any_activity_form_input_is_saved_or_re_rendered_with_nothing_written(
    data, recorder_client, agency, branch, recorder, secretary
):
    kind = data.draw(st.sampled_from(Kind.values), label="kind")
    people = [recorder.pk, secretary.pk]
    times = data.draw(st.sampled_from([(None, None), ("09:00", "11:30"), ("14:30", "16:00")]), label="times")
    values = data.draw(
        posted(
            {
                "organization": st.sampled_from([agency.pk, branch.pk]).map(str),
                "date": GOOD_DATES,
                "start_time": st.just(times[0]),
                "end_time": st.just(times[1]),
                "title": WORDS,
                "location": st.sampled_from(["三楼会议室", "县工业园区"]),
                "speaker": st.sampled_from(people).map(str),
                "speaker_name": st.one_of(st.none(), TEXT),
                "given_by_leader": st.sampled_from(["", "1", "0"]),
                "oath_renewed": st.sampled_from(["on", None]),
                "hours": st.one_of(st.none(), st.decimals(0, 99, places=1).map(str)),
                "outside_headcount": st.integers(0, 500).map(str),
                "households_reached": st.integers(0, 500).map(str),
                "enterprises_reached": st.integers(0, 500).map(str),
                "notes": st.one_of(st.none(), TEXT),
                "materials_text": st.one_of(st.none(), TEXT, FORMULAS),
                "file_kind": st.sampled_from(["photo", "minutes", "sign_in", "other"]),
                f"att_{recorder.pk}": st.sampled_from(["present", "leave", "absent", None]),
            },
            {
                "date": [DATES],
                "start_time": [TIMES],
                "end_time": [TIMES],
                "hours": [NUMBERS],
                "outside_headcount": [NUMBERS],
                "households_reached": [NUMBERS],
                "enterprises_reached": [NUMBERS],
                # Someone of another agency, or no one at all.
                f"att_{recorder.pk}": [st.just("maybe")],
            },
        ),
        label="posted",
    )
    if data.draw(st.integers(0, 5), label="stranger") == 0:
        values[data.draw(st.sampled_from(["att_999999", "att_abc"]), label="stranger key")] = "present"
    upload = data.draw(
        st.one_of(
            st.none(),
            st.tuples(
                st.sampled_from(["a.jpg", "b.pdf", "c.docx", "d.exe", "e", "照片.png"]),
                st.binary(max_size=64),
            ),
        ),
        label="upload",
    )
    payload = values
    if upload:
        payload["files"] = SimpleUploadedFile(upload[0], upload[1])
    form_name = "activity form"
    before = counts()

    response = recorder_client.post(f"{reverse('activities:new')}?kind={kind}", payload)

    assert response.status_code in (200, 302)
    # Both outcomes must occur, or the property says nothing; the counts show they do.
    TRIED[f"{form_name}: saved" if response.status_code == 302 else f"{form_name}: refused"] += 1
    if response.status_code == 200:
        assert counts() == before
        assert response.context["form"].errors


# ---------------------------------------------------------------------------- rectification and publicity


@pytest.fixture
def activity_of_agency(agency, recorder):
    return ActivityFactory(organization=agency, date=datetime.date(2022, 5, 6), recorded_by=recorder)


@PROFILE
@given(data=st.data())
def test_any_rectification_form_input_is_saved_or_re_rendered_with_nothing_written(
    data, recorder_client, agency, other_agency, recorder, activity_of_agency
):
    values = data.draw(
        posted(
            {
                "agency": st.just(str(agency.pk)),
                "year": st.sampled_from(["2022", "2023"]),
                "problem": WORDS,
                "category": st.sampled_from(RectificationItem.Category.values),
                "source": st.sampled_from(RectificationItem.Source.values),
                "measures": st.one_of(st.none(), TEXT),
                "owner": st.sampled_from([str(recorder.pk), None]),
                "deadline": st.one_of(st.none(), GOOD_DATES),
                "found_in": st.sampled_from([str(activity_of_agency.pk), None]),
            },
            {
                "agency": [st.just(str(other_agency.pk))],
                "year": [NUMBERS],
                "deadline": [DATES],
                "owner": [st.just("999999")],
                "found_in": [st.just("999999")],
            },
        ),
        label="posted",
    )
    form_name = "rectification form"
    before = counts()

    response = recorder_client.post(reverse("records:rectification_new"), values)

    assert response.status_code in (200, 302)
    # Both outcomes must occur, or the property says nothing; the counts show they do.
    TRIED[f"{form_name}: saved" if response.status_code == 302 else f"{form_name}: refused"] += 1
    if response.status_code == 200:
        assert counts() == before
        assert response.context["form"].errors


@PROFILE
@given(data=st.data())
def test_any_publicity_form_input_is_saved_or_re_rendered_with_nothing_written(
    data, recorder_client, agency, other_agency, activity_of_agency
):
    values = data.draw(
        posted(
            {
                "agency": st.just(str(agency.pk)),
                "date": GOOD_DATES,
                "title": WORDS,
                "outlet": st.sampled_from(["县融媒体中心", "学习强国"]),
                "level": st.sampled_from(Publicity.Level.values),
                "form": st.sampled_from(Publicity.Form.values),
                "link": st.sampled_from(["https://example.cn/a", None]),
                "activity": st.sampled_from([str(activity_of_agency.pk), None]),
            },
            {
                "agency": [st.just(str(other_agency.pk))],
                "date": [DATES],
                "link": [st.sampled_from(["javascript:alert(1)", "ftp://x", "http://" + "a" * 600])],
                "activity": [st.just("999999")],
            },
        ),
        label="posted",
    )
    form_name = "publicity form"
    before = counts()

    response = recorder_client.post(reverse("records:publicity_new"), values)

    assert response.status_code in (200, 302)
    # Both outcomes must occur, or the property says nothing; the counts show they do.
    TRIED[f"{form_name}: saved" if response.status_code == 302 else f"{form_name}: refused"] += 1
    if response.status_code == 200:
        assert counts() == before
        assert response.context["form"].errors


# ---------------------------------------------------------------------------- the ledger importer

# Values each column may hold when it is right, so that some generated ledgers import.
GOOD_CELLS = {
    "name": ["张三", "李四", "王五"],
    "username": ["zhang_san", "li.si", "坏 名字"],
    "position": ["科员", "副局长"],
    "branch": ["测试局机关党支部", "另一局党支部", "新支部"],
    "party_member": ["是", "否", "√", "×"],
    "leader": ["是", "否"],
    "kind": [spec.zh for spec in KINDS] + ["专题党课", "中心组学习"],
    "title": ["学习党的二十大精神", "《榜样7》"],
    "location": ["三楼会议室"],
    "speaker": ["王五", "外请专家"],
    "attendees": ["张三、李四", "李四", "不认识的人"],
    "headcount": ["12", "3人"],
    "hours": ["1.5", "2小时"],
    "materials": ["《习近平谈治国理政》", "党章"],
    "problem": ["理论学习不够深入"],
    "category": ["理论学习", "作风建设", "其他"],
    "measures": ["制定学习计划"],
    "owner": ["王五", "李四"],
    "deadline": ["2022-12-31"],
    "status": ["未开始", "整改中", "已完成", "已销号"],
    "year": ["2022", "2022年"],
    "period": ["2022-03", "2022", "2022年3月"],
    "platform": ["学习强国"],
    "points": ["1200", "15000"],
    "date": ["2022-03-05", "2022/3/5", "2022年3月5日", "44625"],
    "outlet": ["县融媒体中心"],
    "level": ["省级", "县级", "本单位"],
    "form": ["文章", "视频"],
    "link": ["https://example.cn/1"],
    "notes": ["", "重温入党誓词"],
}


NASTY = st.one_of(
    FORMULAS,
    HUGE,
    st.sampled_from(
        [
            "2147483648",
            "9223372036854775808",
            "1" + "0" * 30,
            "NaN",
            "Infinity",
            "1e999",
            "-1",
            "２０２２",
            "\u202e",
        ]
    ),
)


def good_row(order):
    return st.tuples(*(st.sampled_from(GOOD_CELLS.get(column.key, [""])) for column in order)).map(list)


@st.composite
def csv_ledgers(draw, ledger_type):
    """A CSV with the §7 headers (some left out, maybe a title row above) and arbitrary cells."""
    columns = IMPORTERS[ledger_type].columns
    # Mostly every required column is there (else the file is refused before its rows are read).
    keep = draw(st.lists(st.sampled_from(columns), max_size=len(columns), unique=True))
    if draw(st.integers(0, 4)):
        keep += [column for column in columns if column.required]
    order = [column for column in columns if column in keep] or columns[:1]
    headers = [
        draw(st.sampled_from([column.label, f"{column.label}（{column.english}）"])) for column in order
    ]
    rows = draw(st.lists(good_row(order), max_size=3))
    # Mostly one bad cell in rows that are otherwise good: it must be caught even (above all) when the
    # rest would be written.
    if rows and draw(st.integers(0, 4)):
        row = draw(st.sampled_from(rows))
        row[draw(st.integers(0, len(order) - 1))] = draw(st.one_of(NASTY, NASTY, ANYTHING))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if draw(st.booleans()):
        writer.writerow(["测试局2022年台账"])
    writer.writerow(headers)
    try:
        writer.writerows(rows)
    except csv.Error:
        # Python 3.10's csv module cannot write some cells with its default dialect ("need to escape,
        # but no escapechar set"; 3.11 quotes them): no CSV can be made of those rows, so no file.
        reject()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    # A cell may hold line breaks, so the file's last record can sit below its last line.
    return buffer.getvalue().encode(encoding), buffer.getvalue().count("\n") + 1


def check_result(result, before, last_row):
    """An import either succeeds or names what is wrong, and a refused one writes nothing."""
    if result.dry_run or not result.ok:
        assert counts() == before
    for issue in result.errors:
        assert str(issue).strip()
        if issue.row is not None:
            assert 1 <= issue.row <= last_row


def run_import(*, ledger_type, data, filename, agency, recorder, dry_run, tried, last_row=10**6):
    TRIED[tried] += 1
    before = counts()
    result = ledger_import(
        ledger_type=ledger_type,
        data=data,
        filename=filename,
        organization=agency,
        user=recorder,
        dry_run=dry_run,
    )
    check_result(result, before, last_row)
    return result


@pytest.mark.parametrize("ledger_type", sorted(IMPORTERS))
@settings(PROFILE, max_examples=40)
@given(data=st.data())
def test_any_csv_ledger_imports_or_names_its_problems_and_writes_nothing(
    data, ledger_type, agency, branch, other_branch, recorder, secretary, staff
):
    ledger, last_row = data.draw(csv_ledgers(ledger_type), label="ledger")
    dry_run = data.draw(st.booleans(), label="dry_run")
    result = run_import(
        ledger_type=ledger_type,
        data=ledger,
        filename="台账.csv",
        agency=agency,
        recorder=recorder,
        dry_run=dry_run,
        tried=f"csv ledger: {ledger_type}",
        last_row=last_row,
    )
    if not result.ok:
        # A problem names the column to blame as written in the header, or the missing column's name.
        known = set(result.headers) | {column.label for column in IMPORTERS[ledger_type].columns}
        assert all(issue.column in known for issue in result.errors if issue.column)


@PROFILE
@given(
    ledger_type=st.sampled_from(sorted(IMPORTERS)),
    payload=st.one_of(
        st.binary(max_size=300),
        st.binary(max_size=200).map(lambda tail: b"PK\x03\x04" + tail),
        st.binary(max_size=200).map(lambda tail: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + tail),
        st.binary(max_size=200).map(lambda tail: b"\xff\xfe" + tail),
    ),
    filename=st.sampled_from(["台账.csv", "台账.xlsx", "台账.xls", "台账.xlsm", "台账", "a.pdf"]),
)
def test_arbitrary_bytes_never_break_the_importer(ledger_type, payload, filename, agency, recorder):
    run_import(
        ledger_type=ledger_type,
        data=payload,
        filename=filename,
        agency=agency,
        recorder=recorder,
        dry_run=False,
        tried="arbitrary bytes",
    )
    try:
        read_ledger(payload, filename, IMPORTERS[ledger_type].columns)
    except LedgerError as exc:
        assert exc.message


@PROFILE
@given(
    ledger_type=st.sampled_from(sorted(IMPORTERS)),
    cells=st.lists(
        st.one_of(
            st.integers(min_value=-(10**18), max_value=10**18),
            st.floats(allow_nan=False, allow_infinity=False),
            st.booleans(),
            st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2200, 1, 1)),
            # A worksheet cannot hold control characters; openpyxl refuses them before we see them.
            st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
            FORMULAS,
            HUGE,
        ),
        min_size=1,
        max_size=12,
    ),
)
def test_typed_xlsx_cells_import_or_name_their_problems(ledger_type, cells, agency, recorder):
    """A workbook's cells arrive as numbers, booleans and dates, not only text."""
    from openpyxl import Workbook

    columns = IMPORTERS[ledger_type].columns
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([column.label for column in columns])
    for start in range(0, len(cells), len(columns)):
        sheet.append(cells[start : start + len(columns)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    run_import(
        ledger_type=ledger_type,
        data=buffer.getvalue(),
        filename="台账.xlsx",
        agency=agency,
        recorder=recorder,
        dry_run=False,
        tried="typed xlsx cells",
        last_row=len(cells) + 1,
    )


# Cells at extreme addresses (issue 13, finding 1): a 1.6 KB workbook with one cell at XFD1048576 made
# the reader ask for 512 GB and abort the process. Whatever the address, the importer answers.
COLUMN_LETTERS = st.sampled_from(["A", "Z", "IV", "IW", "ZZ", "AMJ", "XFD"])
ROW_NUMBERS = st.one_of(st.sampled_from([1, 200_000, 200_001, 1_048_576]), st.integers(1, 1_048_576))


@settings(PROFILE, max_examples=25)
@given(
    address=st.one_of(
        st.just("XFD1048576"),
        st.tuples(COLUMN_LETTERS, ROW_NUMBERS).map(lambda cell: f"{cell[0]}{cell[1]}"),
    )
)
def test_a_cell_at_any_address_is_imported_or_refused_never_a_crash(address, agency, recorder):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([column.label for column in IMPORTERS["activities"].columns])
    sheet.append(["2022-03-05", "中心组学习", "学习党的二十大精神"])
    sheet[address] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run_import(
        ledger_type="activities",
        data=buffer.getvalue(),
        filename="台账.xlsx",
        agency=agency,
        recorder=recorder,
        dry_run=True,
        tried="cells at extreme addresses",
    )
    if address == "XFD1048576":
        assert "XFD1048576" in str(result.errors[0])
