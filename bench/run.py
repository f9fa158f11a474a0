"""Times the portal's pages at county scale, through the real URL stack.

    python -m bench.run [--runs 20] [--export-runs 3] [--scale 1.0] [--only dashboard,xlsx] [--no-save]
    python -m bench.run --scales 0.1,1,10 [--runs 20] …   (the growth table: each scale in a child)

Runs against DATABASE_URL (default: the scale's own PostgreSQL database, studyportal_bench at 1.0 and
studyportal_bench_s10 at 10, created and migrated if missing, and filled with `bench.generate` when it
holds no bench data). Each measured page is one line
of the table: median and 95th percentile over repeated requests made with django.test.Client (all the
middleware, a logged-in session), the number of queries, and the page's SQL floor: the same SQL
statements re-run bare on a cursor, so the ratio says how much of the time is Python. A page that
fails or does not exist yet is a line with its status, not a crash. The table is printed and written to
bench/results/<date>-<time>.md. The exports whose memory is measured run in a process of their own
whose peak is read from /proc (VmHWM): getrusage's figure would include the parent's pages, which a
child inherits through fork even when it then runs a fresh interpreter.

One module although long: the cases, their measurement (pages, exports in a child, the import,
reminders), the verdicts and the tables are one report, and each part is only read by the next.

With --scales, each scale runs in a fresh child process on its own database (generated when
missing), and the growth table compares them: a page of one agency must not grow with the data
(median at the largest scale ≤ 1.3 × at 1.0, the same queries); the committee's pages grow only with
the agencies they show.
"""

import argparse
import datetime
import io
import json
import math
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.generate import PREFIX, bench_data_state, bench_database_url, generate, setup_django

RESULTS = Path(__file__).resolve().parent / "results"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
PAGE_BUDGET_OVER_FLOOR_MS = 15
DECLARED = re.compile(r'^DECLARE "[^"]+" NO SCROLL CURSOR (?:WITH(?:OUT)? HOLD )?FOR ', re.IGNORECASE)
# A page of one agency at the largest scale against the county: at most this much slower.
GROWTH_LIMIT = 1.3
CITY_SCALE = (
    5  # from here on the committee's targets are a city's, and its ledger is written in the background
)


def peak_rss_mb() -> float:
    """This process's own peak resident memory: VmHWM, which a new program starts afresh (getrusage's
    ru_maxrss keeps the figure of the process it was forked from), or ru_maxrss where /proc is missing."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Case:
    key: str
    label: str
    user: str  # "secretary" (agency 1), "admin" (committee) or "other" (secretary of the largest agency)
    url: str
    target_ms: float | None
    runs: int
    kind: str = "page"  # page | export | xlsx | ledger_background | import | reminders
    compare_with: str | None = None  # user whose same page must take as many queries
    follow: bool = False  # follow redirects: the time is the redirect's and the page's together
    rows: int = 0  # of the imported ledger

    @property
    def scope(self) -> str:
        """ "committee" for the committee's pages, which show every agency; "agency" for the rest."""
        return "committee" if self.user == "admin" else "agency"


@dataclass
class Result:
    case: Case
    status: str = ""
    times_ms: list = field(default_factory=list)
    queries: int | None = None
    other_queries: int | None = None
    floor_ms: float | None = None
    peak_mb: float | None = None
    note: str = ""
    slowest: list = field(default_factory=list)  # [(ms, sql)] of the captured request, slowest first

    @property
    def median(self):
        return statistics.median(self.times_ms) if self.times_ms else None

    @property
    def p95(self):
        if not self.times_ms:
            return None
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _consume(response) -> int:
    if getattr(response, "streaming", False):
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        response.close()
        return size
    return len(response.content)


def _client(username):
    from django.test import Client

    from studyportal.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username), backend=MODEL_BACKEND)
    return client


def _status(response) -> str:
    if response.status_code == 200:
        return "ok"
    location = response.get("Location", "")
    return f"HTTP {response.status_code}" + (f" → {location}" if location else "")


def _capture(client, url, follow=False):
    """One request with its SQL captured: (response, [sql, …], its three slowest (ms, sql))."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, follow=follow)
        _consume(response)
    slowest = sorted(
        ((float(query["time"]) * 1000, query["sql"]) for query in captured.captured_queries), reverse=True
    )[:3]
    return response, [query["sql"] for query in captured.captured_queries], slowest


def _capture_page(client, url, follow=False):
    """`_capture` twice, keeping the one with fewer statements: a session's last-seen time is written
    at most once a minute (studyportal/security.py), into whichever request comes due, so one capture
    alone can carry three statements that are not the page's (12 → 15 on the overview at 10)."""
    return min((_capture(client, url, follow) for _ in range(2)), key=lambda capture: len(capture[1]))


def sql_floor_ms(statements, repeat=5) -> float:
    """Median time of running the captured statements bare, inside a transaction that is rolled back
    (some pages write their session; the floor must leave the data as it was)."""
    from django.db import connection, transaction

    skip = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "FETCH ", "CLOSE ")
    # A server-side cursor (.iterator()) is re-run as its query: declaring it again would clash.
    statements = [DECLARED.sub("", sql) for sql in statements if not sql.upper().startswith(skip)]
    times = []
    for _ in range(repeat):
        with transaction.atomic():
            with connection.cursor() as cursor:
                started = time.perf_counter()
                for sql in statements:
                    cursor.execute(sql)
                    if cursor.description is not None:
                        cursor.fetchall()
                times.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    return statistics.median(times)


def measure_page(case, clients) -> Result:
    result = Result(case)
    client = clients[case.user]
    try:
        response = client.get(case.url, follow=case.follow)  # warm-up: templates, connection, caches
        _consume(response)
        result.status = _status(response)
        if response.status_code != 200:
            return result
        if case.follow and response.redirect_chain:
            result.status += (
                " (after " + ", ".join(f"{code} → {to}" for to, code in response.redirect_chain) + ")"
            )
        response, statements, result.slowest = _capture_page(client, case.url, case.follow)
        result.queries = len(statements)
        for _ in range(case.runs):
            started = time.perf_counter()
            response = client.get(case.url, follow=case.follow)
            _consume(response)
            result.times_ms.append((time.perf_counter() - started) * 1000)
            if len(result.times_ms) >= (1 if case.kind == "export" else 5) and sum(result.times_ms) > 60_000:
                result.note = f"stopped after {len(result.times_ms)} runs: over a minute"
                break
    except Exception as error:  # a broken page is a line of the table, not the end of the run
        result.status = f"error: {type(error).__name__}: {str(error)[:120]}"
        return result
    try:
        result.floor_ms = sql_floor_ms(statements, repeat=3 if case.kind == "export" else 5)
        if case.compare_with:
            other = clients[case.compare_with]
            _consume(other.get(case.url))  # warm-up, as for the measured user: first requests fill caches
            response, statements, _slowest = _capture_page(other, case.url)
            if response.status_code == 200:
                result.other_queries = len(statements)
    except Exception as error:  # the page was timed; only its floor or comparison failed
        result.note = f"floor not measured: {type(error).__name__}: {str(error)[:80]}"
    return result


def measure_xlsx_in_child(case) -> Result:
    """The committee's ledger in a process of its own, so that its peak memory is the export's. In the
    background (kind ledger_background) through the portal's task path: the child runs with
    TASKS_BACKEND=immediate, so POST runs the `export_ledger` task in that process, and the file is
    then downloaded from the job; its MEDIA_ROOT is a temporary folder."""
    result = Result(case)
    command = [sys.executable, "-m", "bench.run", "--xlsx-child", case.url, "--export-runs", str(case.runs)]
    env = os.environ.copy()
    with tempfile.TemporaryDirectory(prefix="bench-media-") as media:
        if case.kind == "ledger_background":
            env.update(TASKS_BACKEND="immediate", MEDIA_ROOT=media)
        completed = subprocess.run(command, capture_output=True, text=True, timeout=3600, env=env)
    try:
        data = json.loads(completed.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        result.status = f"error: {completed.stderr.strip().splitlines()[-1:] or completed.returncode}"
        return result
    result.status = data["status"]
    result.times_ms = data["times_ms"]
    result.queries = data.get("queries")
    result.floor_ms = data.get("floor_ms")
    result.peak_mb = data.get("peak_mb")
    result.note = data.get("note", "")
    return result


def _ledger_response(client, url):
    """The ledger's download: GET, or with background exports POST (the task runs, immediately) and
    then GET of the finished job's file."""
    from django.conf import settings

    if not settings.TASKS_BACKEND:
        return client.get(url)
    started = client.post(url, HTTP_ACCEPT="application/json")
    job = started.json() if started.status_code == 202 else {}
    if job.get("status") != "done":
        return started
    return client.get(job["download_url"])


def xlsx_child(url, runs) -> dict:
    """Runs in the child process: time the export `runs` times, report the peak RSS of the process."""
    from django.conf import settings

    client = _client("bench_admin")
    out = {"status": "", "times_ms": [], "baseline_mb": round(peak_rss_mb(), 1)}
    try:
        if not settings.TASKS_BACKEND:
            # The download in the request: its SQL captured on a first, untimed run. In the background
            # the SQL is the task's, and the first run is timed (at a city's scale it takes minutes).
            response, statements, _slowest = _capture(client, url)
            _consume(response)
            out["status"] = _status(response)
            if response.status_code != 200:
                return out
            out["queries"] = len(statements)
            out["floor_ms"] = sql_floor_ms(statements, repeat=1)
        for _ in range(runs):
            started = time.perf_counter()
            response = _ledger_response(client, url)
            out["status"] = _status(response)
            if response.status_code != 200:
                return out
            with tempfile.TemporaryFile() as target:
                for chunk in response.streaming_content if response.streaming else [response.content]:
                    target.write(chunk)
                response.close()
                out["times_ms"].append((time.perf_counter() - started) * 1000)
                target.seek(0)
                with zipfile.ZipFile(target) as book:
                    sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
                    size_mb = target.seek(0, 2) / 1024 / 1024
                if out["times_ms"][-1] > 40_000:
                    break  # far past a county's target: repeating it would only cost minutes
        out["note"] = f"{len(sheets)} sheets, {size_mb:.1f} MB file"
    except Exception as error:
        out["status"] = f"error: {type(error).__name__}: {str(error)[:120]}"
    out["peak_mb"] = round(peak_rss_mb(), 1)
    return out


def ledger_file(path: Path, organization, rows: int, year: int, seed: int = 7) -> None:
    """An activity ledger as an office keeps one: a title row, then the Chinese header, then rows."""
    import random

    from openpyxl import Workbook

    from activities.kinds import KINDS
    from bench.generate import BOOKS, SITES, THEMES
    from studyportal.accounts.models import User

    rng = random.Random(seed)
    names = list(
        User.objects.filter(agency__path__startswith=organization.path, is_active=True).values_list(
            "real_name", flat=True
        )
    )
    kinds = [(spec.code, spec.zh) for spec in KINDS]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append([f"{organization.name}{year}年学习活动台账"])
    sheet.append(
        ["日期", "类型", "主题", "地点", "主讲人/领学人", "参加人员", "参加人数", "时长", "学习内容", "备注"]
    )
    for number in range(rows):
        kind, label = rng.choice(kinds)
        day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        attendees = rng.sample(names, min(len(names), rng.randint(5, 20)))
        speaker = rng.choice(names) if kind in ("party_lecture", "guest_lecture") else ""
        sheet.append(
            [
                day.isoformat(),
                label,
                f"{rng.choice(THEMES)}（导入第{number + 1}条）",
                rng.choice(SITES) if kind == "field_visit" else "局会议室",
                speaker,
                "、".join(attendees),
                0,
                1.5,
                f"《{rng.choice(BOOKS)}》",
                "",
            ]
        )
    book.save(path)


class _Rollback(Exception):
    pass


def _import_once(path, organization) -> tuple[float, int]:
    """(ms, queries) of one import, rolled back so that every run imports the same new rows."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call_command("import_ledger", str(path), org=organization.code, stdout=io.StringIO())
            elapsed = (time.perf_counter() - started) * 1000
            raise _Rollback
    except _Rollback:
        return elapsed, len(captured.captured_queries)


def measure_import(case, organization, year, probe_rows=1_000) -> Result:
    """A probe of `probe_rows` first: when it shows the full file would take over ten times the target,
    the probe's figures are reported with the projection instead of spending most of an hour."""
    result = Result(case)
    with tempfile.TemporaryDirectory() as folder:
        try:
            probe = Path(folder) / "probe.xlsx"
            ledger_file(probe, organization, probe_rows, year)
            probe_ms, probe_queries = _import_once(probe, organization)
            rows = case.rows
            projected = probe_ms * rows / probe_rows
            if projected > 10 * case.target_ms:
                result.status = "ok"
                result.times_ms = [projected]
                result.queries = round(probe_queries * rows / probe_rows)
                result.note = (
                    f"PROJECTED from {probe_rows:,} rows in {probe_ms / 1000:,.1f} s "
                    f"({probe_queries:,} queries, {probe_queries / probe_rows:.1f} a row)"
                )
                return result
            path = Path(folder) / "ledger.xlsx"
            ledger_file(path, organization, rows, year)
            for _run in range(case.runs):
                elapsed, queries = _import_once(path, organization)
                result.times_ms.append(elapsed)
                result.queries = queries
                result.status = "ok"
                if elapsed > 2 * case.target_ms:
                    break  # far past its target: repeating it would only cost minutes
        except Exception as error:
            result.status = f"error: {type(error).__name__}: {str(error)[:120]}"
            return result
    result.note = f"{case.rows:,} rows, {len(result.times_ms)} run(s), rolled back after each"
    return result


def measure_reminders(case, today: datetime.date) -> Result:
    """`send_reminders` as cron runs it, as of `today`, rolled back after each run so that every run
    writes the same new reminders; e-mail goes to Django's in-memory outbox, not to anyone."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext, override_settings

    from studyportal.notifications.services import reminders_send

    result = Result(case)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            for _run in range(case.runs):
                try:
                    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        run = reminders_send(today=today)
                        elapsed = (time.perf_counter() - started) * 1000
                        raise _Rollback
                except _Rollback:
                    pass
                result.times_ms.append(elapsed)
                result.queries = len(captured.captured_queries)
                result.status = "ok"
    except Exception as error:
        result.status = f"error: {type(error).__name__}: {str(error)[:120]}"
        return result
    result.note = (
        f"as of {today}: {run.reminders:,} reminders due, {run.created:,} notifications, "
        f"{run.emailed:,} e-mails; rolled back after each run"
    )
    return result


def cases(
    year,
    detail_id,
    deep_page,
    committee_deep_page,
    runs,
    export_runs,
    *,
    scale=1.0,
    largest="",
    committee_deep_key="",
) -> list[Case]:
    city = scale >= CITY_SCALE
    committee_ms = 300 if city else 200
    return [
        Case(
            "list", "Activity list, first page", "secretary", "/activities/", 60, runs, compare_with="other"
        ),
        Case(
            "list_deep", "Activity list, deep page", "secretary", f"/activities/?page={deep_page}", 60, runs
        ),
        Case(
            "list_filtered",
            "Activity list, filtered (year + kind)",
            "secretary",
            f"/activities/?year={year}&kind=field_visit",
            60,
            runs,
            compare_with="other",
        ),
        Case(
            "list_committee_deep",
            "Activity list, committee, deep page",
            "admin",
            f"/activities/?page={committee_deep_page}",
            60,
            runs,
        ),
        # The same page as the pager's "next" link reaches it: sought from the previous page's last row.
        Case(
            "list_committee_keyset",
            "Activity list, committee, deep page by the pager's key",
            "admin",
            f"/activities/?page={committee_deep_page}&after={committee_deep_key}",
            60,
            runs,
        ),
        Case("detail", "Activity detail", "secretary", f"/activities/{detail_id}/", 60, runs),
        Case(
            "dashboard",
            "Dashboard, agency",
            "secretary",
            f"/dashboard/?year={year}",
            100,
            runs,
            compare_with="other",
        ),
        # The committee's dashboard is its overview of every agency: /dashboard/ redirects there.
        Case(
            "dashboard_committee",
            "Dashboard, committee (redirect to the overview, both timed)",
            "admin",
            f"/dashboard/?year={year}",
            committee_ms,
            runs,
            follow=True,
        ),
        Case(
            "overview",
            "Committee overview, first page in name order",
            "admin",
            f"/dashboard/overview/?year={year}",
            committee_ms,
            runs,
        ),
        Case(
            "overview_last",
            "Committee overview, last page in name order",
            "admin",
            f"/dashboard/overview/?year={year}&page=99999",  # past the end: the last
            committee_ms,
            runs,
        ),
        # Sorted by a sum, the agencies are placed by the sums and the page's counted.
        Case(
            "overview_by_activities",
            "Committee overview sorted by activities",
            "admin",
            f"/dashboard/overview/?year={year}&sort=-activities",
            committee_ms,
            runs,
        ),
        # Sorted by a norms column, every agency's rules are counted to place them: no target.
        Case(
            "overview_sorted",
            "Committee overview sorted by norms just missed (every agency counted)",
            "admin",
            f"/dashboard/overview/?year={year}&sort=-red",
            None,
            runs,
        ),
        Case(
            "summary",
            "Annual summary page",
            "secretary",
            f"/reports/{year}/",
            100,
            runs,
            compare_with="other",
        ),
        Case(
            "docx",
            "Summary as Word (.docx)",
            "secretary",
            f"/reports/{year}/export.docx",
            None,
            export_runs,
            kind="export",
        ),
        Case(
            "xlsx",
            "Committee's Excel ledger of the year",
            "admin",
            f"/reports/{year}/export.xlsx?org={PREFIX}-xzjggw",
            None if city else 20_000,  # a city's goes through the background (next line)
            export_runs,
            kind="xlsx",
        ),
        Case(
            "ledger_background",
            "Committee's Excel ledger of the year, in the background (TASKS_BACKEND)",
            "admin",
            f"/reports/{year}/export.xlsx?org={PREFIX}-xzjggw",
            180_000,
            1,
            kind="ledger_background",
        ),
        Case(
            "archive",
            "Study archive of the largest agency (.zip)",
            "admin",
            f"/reports/{year}/archive.zip?org={largest}",
            None,
            export_runs,
            kind="export",
        ),
        Case(
            "reminders",
            "send_reminders (daily cron), every agency",
            "admin",
            "manage.py send_reminders",
            10_000,
            export_runs,
            "reminders",
        ),
        Case(
            "import",
            "Ledger import, 10,000 rows",
            "recorder",
            "manage.py import_ledger",
            30_000,
            export_runs,
            "import",
            rows=10_000,
        ),
        Case(
            "import_large",
            "Ledger import, 100,000 rows",
            "recorder",
            "manage.py import_ledger",
            120_000,
            1,
            "import",
            rows=100_000,
        ),
    ]


def _fmt(value, unit="", digits=1):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}{unit}"


def verdict(result: Result) -> str:
    case = result.case
    if not result.status.startswith("ok"):
        return "not measured"
    misses = []
    if case.target_ms is not None and result.median >= case.target_ms:
        misses.append(f"median ≥ {case.target_ms:,.0f} ms")
    over_floor = result.floor_ms is not None and result.median > result.floor_ms + PAGE_BUDGET_OVER_FLOOR_MS
    if case.kind == "page" and over_floor:
        misses.append(f"> floor + {PAGE_BUDGET_OVER_FLOOR_MS} ms")
    if result.other_queries is not None and result.other_queries != result.queries:
        misses.append("queries vary")
    if case.kind in ("xlsx", "ledger_background") and result.peak_mb is not None and result.peak_mb >= 300:
        misses.append("≥ 300 MB")
    if case.target_ms is None and not misses:
        return "(no target)"
    return "met" if not misses else "MISSED: " + "; ".join(misses)


def table(results) -> str:
    lines = [
        "| measure | URL | status | median | p95 | runs | queries | queries, other agency | SQL floor "
        "| page ÷ floor | target | verdict |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for result in results:
        case = result.case
        ratio = result.median / result.floor_ms if result.median and result.floor_ms else None
        target = "—" if case.target_ms is None else f"< {case.target_ms:,.0f} ms"
        if case.kind in ("xlsx", "ledger_background"):
            target += " in < 300 MB"
        extra = []
        if result.peak_mb is not None:
            extra.append(f"peak RSS {result.peak_mb:,.0f} MB")
        if result.note:
            extra.append(result.note)
        label = case.label + (f" ({'; '.join(extra)})" if extra else "")
        status = " ".join(result.status.split()).replace("|", "/")  # one Markdown cell
        lines.append(
            f"| {label} | `{case.url}` | {status} "
            f"| {_fmt(result.median, ' ms')} | {_fmt(result.p95, ' ms')} | {len(result.times_ms)} "
            f"| {_fmt(result.queries, digits=0)} | {_fmt(result.other_queries, digits=0)} "
            f"| {_fmt(result.floor_ms, ' ms')} | {_fmt(ratio, '×')} | {target} | {verdict(result)} |"
        )
    return "\n".join(lines)


def data_summary(year) -> dict:
    from django.db import connection

    from activities.models import Activity, Attendance
    from studyportal.accounts.models import Organization, User

    return {
        "agencies": Organization.objects.filter(kind="agency").count(),
        "people": User.objects.count(),
        "activities (all years)": Activity.objects.count(),
        f"activities in {year}": Activity.objects.filter(date__year=year).count(),
        f"attendance rows in {year}": Attendance.objects.filter(activity__date__year=year).count(),
        "database": f"{connection.vendor} {getattr(connection, 'pg_version', '')}",
    }


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _save(text: str, suffix: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    # The time in the name: a second run of the day must not overwrite the first.
    path = RESULTS / f"{_now():%Y-%m-%d-%H%M}{suffix}.md"
    path.write_text(text, encoding="utf-8")
    print(f"Written to {path.relative_to(RESULTS.parent.parent)}")


def _command_line(args) -> str:
    scale = f"--scales {args.scales}" if args.scales else f"--scale {args.scale:g}"
    only = f" --only {args.only}" if args.only else ""
    return f"python -m bench.run {scale} --runs {args.runs} --export-runs {args.export_runs}{only}"


def _environment() -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    return (
        f"Commit {commit or '?'} plus the working tree; {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} cores"
    )


def _vacuum():
    """VACUUM ANALYZE on PostgreSQL before measuring: the cases that write roll back, and their dead
    rows stay behind (a county's database grew to 2.3 GB over a day of runs, a city's notifications
    to 1.1 M dead rows), slowing every later run. On a clean database it takes seconds."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    print(f"VACUUM ANALYZE before measuring: {time.perf_counter() - started:.1f} s")


def measure_scale(args) -> tuple[list[Result], str]:
    """Every case on the current database (generated first when it holds no bench data): the results
    and the report."""
    from django.db.models import Count

    from activities.models import Activity
    from studyportal.accounts.models import Role, RoleAssignment, User

    has_bench, has_other = bench_data_state()
    if not has_bench:
        if has_other:
            raise SystemExit(
                "DATABASE_URL points at a database with other data and no bench data; use another one."
            )
        print(f"No bench data yet: generating a county at scale {args.scale} (a few minutes at 1.0) …")
        generate(scale=args.scale, seed=args.seed)
    else:
        _vacuum()

    year = Activity.objects.latest("date").date.year
    secretary = User.objects.get(username="bench_secretary")
    agency = secretary.agency
    # The secretary of the largest agency: the same pages must take as many queries with more rows.
    other = (
        RoleAssignment.objects.filter(role=Role.SECRETARY, organization__kind="agency")
        .exclude(organization=agency)
        .select_related("user", "organization")
        .annotate(size=Count("organization__members"))
        .order_by("-size", "pk")
        .first()
        .user
    )
    detail = (
        Activity.objects.filter(
            organization__path__startswith=agency.path, status="approved", date__year=year
        )
        .order_by("-id")
        .first()
    )
    page_size = 20
    mine = Activity.objects.filter(organization__path__startswith=agency.path).count()
    everything = Activity.objects.count()
    deep_page = max(1, int(mine / page_size * 0.8))
    committee_deep = max(1, int(everything / page_size * 0.8))

    committee_deep_key = ""
    if not args.only or "list_committee_keyset" in args.only:
        # The key of the last row of the page before: what the pager's "next" link carries.
        last = (
            Activity.objects.filter(deleted_at__isnull=True)
            .order_by("-date", "-id")
            .values_list("date", "id")[(committee_deep - 1) * page_size - 1]
        )
        committee_deep_key = f"{last[0].isoformat()}.{last[1]}"
    clients = {
        "secretary": _client("bench_secretary"),
        "admin": _client("bench_admin"),
        "other": _client(other.username),
    }
    all_cases = cases(
        year,
        detail.pk if detail else 0,
        deep_page,
        committee_deep,
        args.runs,
        args.export_runs,
        scale=args.scale,
        largest=other.agency.code,
        committee_deep_key=committee_deep_key,
    )
    only = {key.strip() for key in args.only.split(",") if key.strip()}
    load_at_start = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    results = []
    for case in all_cases:
        if only and case.key not in only:
            continue
        started = time.monotonic()
        if case.kind in ("xlsx", "ledger_background"):
            result = measure_xlsx_in_child(case)
        elif case.kind == "import":
            result = measure_import(case, agency, year)
        elif case.kind == "reminders":
            # Three days before the year's end: the month, the quarter and the year all turn amber.
            result = measure_reminders(case, datetime.date(year, 12, 28))
        else:
            result = measure_page(case, clients)
        print(
            f"  {case.label}: {result.status}, median {_fmt(result.median, ' ms')}"
            f" ({time.monotonic() - started:.0f}s)",
            flush=True,
        )
        results.append(result)

    summary = data_summary(year)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    report = [
        f"# Benchmark at scale {args.scale:g}, {_now():%Y-%m-%d %H:%M} UTC",
        "",
        f"{_environment()}; `{_command_line(args)}`. Load average at the end: {load} (started at "
        f"{load_at_start}): the machine's 2 cores are shared, so a high figure inflates every time below.",
        "",
        "Data: "
        + "; ".join(
            f"{key} {value:,}" if isinstance(value, int) else f"{key} {value}"
            for key, value in summary.items()
        ),
        f"Users: secretary = bench_secretary ({agency.name}, {agency.members.count()} people), "
        f"admin = bench_admin (committee), other agency = {other.username} "
        f"({other.agency.name}, {other.agency.members.count()} people, the largest).",
        "",
        "Times are wall-clock through django.test.Client (all middleware, a logged-in session, the response "
        "consumed). SQL floor: the page's captured statements re-run bare on a cursor. Pages must also stay "
        f"within floor + {PAGE_BUDGET_OVER_FLOOR_MS} ms at the median.",
        "",
        table(results),
        "",
        "Slowest statements of each page (one captured request), for finding the cause of a miss:",
        "",
        *[
            f"- {result.case.label}: "
            + "; ".join(f"{ms:,.1f} ms `{sql[:160]}…`" for ms, sql in result.slowest)
            for result in results
            if result.slowest
        ],
        "",
    ]
    return results, "\n".join(report)


def _as_dict(result: Result) -> dict:
    case = result.case
    return {
        "key": case.key,
        "label": case.label,
        "scope": case.scope,
        "kind": case.kind,
        "status": result.status,
        "median": result.median,
        "queries": result.queries,
        "floor_ms": result.floor_ms,
        "peak_mb": result.peak_mb,
        "verdict": verdict(result),
    }


def growth_verdict(rows: dict, scales: list[float]) -> tuple[float | None, str]:
    """(median at the largest scale ÷ at 1.0, or at the smallest without 1.0; the verdict) of one case,
    from its row at each scale."""
    base = rows.get(1.0) or rows.get(scales[0])
    top = rows.get(scales[-1])
    if not base or not top or base["median"] is None or top["median"] is None:
        return None, "not measured"
    ratio = top["median"] / base["median"]
    at_top = f"at {scales[-1]:g}: {top['verdict']}"
    if top["kind"] != "page":
        return ratio, at_top
    if top["scope"] == "committee":
        return ratio, f"grows with the agencies it shows; {at_top}"
    misses = []
    if ratio > GROWTH_LIMIT:
        misses.append(f"median × {ratio:.2f} > {GROWTH_LIMIT}")
    if len({rows[scale]["queries"] for scale in scales if scale in rows}) > 1:
        misses.append("queries differ")
    return ratio, ("flat" if not misses else "GROWS: " + "; ".join(misses))


def growth_table(by_scale: dict[float, list[dict]]) -> str:
    scales = sorted(by_scale)
    heads = " / ".join(f"{scale:g}" for scale in scales)
    lines = [
        f"| measure | scope | median at {heads} | queries at {heads} | SQL floor at {heads} "
        f"| {scales[-1]:g} ÷ {1.0 if 1.0 in scales else scales[0]:g} | verdict |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    keys = list(dict.fromkeys(row["key"] for scale in scales for row in by_scale[scale]))
    for key in keys:
        rows = {scale: row for scale in scales for row in by_scale[scale] if row["key"] == key}
        first = next(iter(rows.values()))
        ratio, text = growth_verdict(rows, scales)

        def cells(name, unit="", digits=1, rows=rows):
            return " / ".join(_fmt(rows[s][name] if s in rows else None, unit, digits) for s in scales)

        lines.append(
            f"| {first['label']} | {first['scope']} | {cells('median', ' ms')} "
            f"| {cells('queries', digits=0)} | {cells('floor_ms', ' ms')} | {_fmt(ratio, '×', 2)} | {text} |"
        )
    return "\n".join(lines)


def growth(args) -> int:
    """Each scale in a fresh child process on its own database, then the growth table."""
    if "DATABASE_URL" in os.environ:
        raise SystemExit("--scales uses each scale's own database: unset DATABASE_URL.")
    scales = sorted(float(value) for value in args.scales.split(","))
    load_at_start = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    by_scale, reports = {}, []
    for scale in scales:
        print(f"Scale {scale:g} …", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [
                *(sys.executable, "-m", "bench.run", "--scale", str(scale), "--runs", str(args.runs)),
                *("--export-runs", str(args.export_runs), "--seed", str(args.seed), "--json", out.name),
            ]
            if args.only:
                command += ["--only", args.only]
            subprocess.run(command, check=True, env={**os.environ, "DATABASE_URL": bench_database_url(scale)})
            data = json.loads(Path(out.name).read_text(encoding="utf-8"))
        by_scale[scale] = data["results"]
        reports.append(data["report"].replace("# Benchmark", "## Benchmark", 1))
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    text = "\n".join(
        [
            f"# Growth, {_now():%Y-%m-%d %H:%M} UTC",
            "",
            f"{_environment()}; `{_command_line(args)}`. Load average at the end: {load} (started at "
            f"{load_at_start}).",
            "",
            "Each scale ran in a process of its own on its own database (scale 1.0 is a county: 100 "
            "agencies, 5,000 people; 10 is a city: 1,000 agencies, 50,000 people). A page of one agency "
            f"is flat when its median at the largest scale is at most {GROWTH_LIMIT} × the county's and "
            "its queries are the same at every scale; the committee's pages show every agency, so they "
            "grow with them.",
            "",
            growth_table(by_scale),
            "",
            *reports,
        ]
    )
    print(text)
    if not args.no_save:
        _save(text, "-growth")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="requests per page")
    parser.add_argument("--export-runs", type=int, default=3, help="runs of each export and of the import")
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1.0")))
    parser.add_argument("--scales", default="", help="comma-separated, e.g. 0.1,1,10: the growth table")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--only", default="", help="comma-separated case keys, e.g. dashboard,xlsx")
    parser.add_argument("--no-save", action="store_true", help="print the table only")
    parser.add_argument("--json", help=argparse.SUPPRESS)  # a growth run's child writes its results here
    parser.add_argument("--xlsx-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scales:
        return growth(args)

    setup_django(bench_database_url(args.scale))
    if args.xlsx_child:
        print(json.dumps(xlsx_child(args.xlsx_child, args.export_runs)))
        return 0

    from django.db import connection

    results, text = measure_scale(args)
    if args.json:
        data = {"results": [_as_dict(result) for result in results], "report": text}
        Path(args.json).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        connection.close()
        return 0
    print()
    print(text)
    if not args.no_save:
        only = sorted(key.strip() for key in args.only.split(",") if key.strip())
        scale = "" if args.scale == 1.0 else f"-s{args.scale:g}".replace(".", "_")
        _save(text, scale + "".join(f"-{key}" for key in only))
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
