"""Load test: gunicorn serving the portal, locust driving it headless from a second process.

    python -m bench.load [--db postgresql,sqlite] [--users 20] [--duration 60] [--scale 1.0]
                         [--wait 5,15] [--agencies 50] [--ramp 10]
    python -m bench.load --db postgresql --users 100 --duration 120 --scale 10   (the city)

For each database: gunicorn on 127.0.0.1:8108 (3 workers × 2 threads for the 2 cores, DEBUG off),
then locust for `--duration` seconds at `--users` concurrent users (bench/locustfile.py: reading the
ledger, records and the dashboard; recording a session through the form and submitting it;
approving). PostgreSQL runs on the bench database of the scale (generated if missing); SQLite on a
fresh copy of the demo data in a temporary file, with the settings' WAL mode, IMMEDIATE transactions and
busy timeout. Counts errors, "database is locked" in the server log, p95 and throughput, notes the
machine's load average before and after each run (locust, gunicorn and PostgreSQL share its cores), and
writes bench/results/load-<date>-<time>.md. Loopback only; every run is bounded in time.

Who the users are. `--wait LOW,HIGH` is each user's pause between two actions, in seconds: 5–15 by
default, a person reading the page they opened (a ledger, a record, the dashboard) before the next
click; `--wait 0.5,1.5` is a stress mix that shows the server's capacity in requests a second rather
than what people see. On PostgreSQL the users work in `--agencies` different agencies, each with that
agency's own secretary and recorder, as a city's
users are: a hundred people approving in one agency would all wait on that agency's monthly count rows,
which no real agency sees. The demo on SQLite has one agency. Every user starts signed in (a session
made by Django's `login()` before the run), so no password hash is timed or competes for the cores.
The users arrive over `--ramp` seconds (10 by default), as people do: all at once (`--ramp 0`), their
hundred first requests reach the server in the same instant and queue behind each other, which alone
puts about one request in twenty of a 120 s run past a second (measured: p95 1.5 s at a ramp of 0,
260 ms at 10, with the server's own p95 ~150 ms either way).
"""

import argparse
import csv
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.generate import PREFIX, bench_database_url

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
HOST, PORT = "127.0.0.1", 8108
P95_TARGET_MS = 300


def server_environment(database_url: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="studyportal.settings",
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY="bench-load-secret-key-not-for-production-0123456789abcdef",
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env, *args, timeout=900):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout)


def agency_accounts(n: int) -> list[list[str]]:
    """[secretary, recorder] usernames of `n` bench agencies spread over the whole list (inside
    Django: the `--prepare-accounts` child)."""
    from studyportal.accounts.models import Organization, Role, RoleAssignment

    agencies = list(
        Organization.objects.filter(kind=Organization.Kind.AGENCY, code__startswith=f"{PREFIX}-")
        .order_by("path")
        .values_list("pk", flat=True)
    )
    step = max(1, len(agencies) // max(1, n))
    pairs = []
    for agency in agencies[::step][:n]:
        holders = [
            RoleAssignment.objects.filter(organization_id=agency, role=role)
            .order_by("user__username")
            .values_list("user__username", flat=True)
            .first()
            for role in (Role.SECRETARY, Role.RECORDER)
        ]
        if all(holders):
            pairs.append(holders)
    return pairs


def signed_in(usernames) -> dict[str, str]:
    """A session for each account, made by Django's own `login()` as the login page's would be (in
    the server's session store): the users start signed in, so that no password hash — about a
    second of CPU each, and not part of the mix measured — runs while the load is timed."""
    from django.contrib.auth import login
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.test import RequestFactory

    from studyportal.accounts.models import User

    sessions = {}
    for user in User.objects.filter(username__in=usernames):
        request = RequestFactory().get("/")
        SessionMiddleware(lambda request: None).process_request(request)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session.save()
        sessions[user.username] = request.session.session_key
    return sessions


def prepare_postgresql(scale: float, agencies: int) -> tuple[dict, dict]:
    env = server_environment(os.environ.get("DATABASE_URL", bench_database_url(scale)))
    # bench.run creates, migrates and fills the bench database when it is empty (and times nothing
    # it does not have to: --only with an unknown key).
    subprocess.run(
        [sys.executable, "-m", "bench.run", "--only", "none", "--no-save", "--scale", str(scale)],
        cwd=ROOT,
        env={**env, "DEBUG": "1"},
        check=True,
        timeout=1800,
    )
    return env, prepared_accounts(env, agencies)


def prepare_sqlite(folder: Path) -> tuple[dict, dict]:
    env = server_environment(f"sqlite:///{folder / 'load.sqlite3'}")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    return env, prepared_accounts(env, 0)


def prepared_accounts(env, agencies: int) -> dict:
    """The locust users' environment: their agencies' accounts (LOAD_ACCOUNTS) and a signed-in
    session for each (LOAD_SESSIONS), made in a child process on the server's database. `agencies`
    0 is the demo's one agency."""
    prepared = subprocess.run(
        [sys.executable, "-m", "bench.load", "--prepare-accounts", str(agencies)],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,
        capture_output=True,
        text=True,
    )
    pairs, sessions = json.loads(prepared.stdout.strip().splitlines()[-1])
    return {"LOAD_ACCOUNTS": json.dumps(pairs), "LOAD_SESSIONS": json.dumps(sessions)}


def wait_until_up(timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{PORT}/accounts/login/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer on {HOST}:{PORT} within {timeout}s")


def _load_average() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def locust(accounts: dict, *, users: int, duration: int, wait: str, prefix: Path, ramp: float = 0) -> None:
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users / ramp if ramp > 0 else users),  # users started a second
            "--run-time",
            f"{duration}s",
            "--host",
            f"http://{HOST}:{PORT}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "10",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, **accounts, "LOAD_WAIT": wait},
        timeout=duration + 120,
        check=False,
    )


def run_once(label, env, accounts, users, duration, folder: Path, wait: str, ramp: float) -> dict:
    log_path = folder / f"gunicorn-{label}.log"
    server = None
    load_before = _load_average()
    with open(log_path, "w") as log:
        try:
            server = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "studyportal.wsgi:application",
                    "--bind",
                    f"{HOST}:{PORT}",
                    "--workers",
                    "3",
                    "--threads",
                    "2",
                    "--timeout",
                    "60",
                    "--graceful-timeout",
                    "5",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            wait_until_up()
            # Each worker's first requests import and compile what the rest reuse: 20 s of a few
            # users first, not counted, as a server that has been up for a while would be.
            locust(accounts, users=min(users, 10), duration=20, wait="0.5,1.5", prefix=folder / "warm-up")
            prefix = folder / f"locust-{label}"
            locust(accounts, users=users, duration=duration, wait=wait, prefix=prefix, ramp=ramp)
        finally:
            if server is not None:
                server.terminate()
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    server_log = log_path.read_text(errors="replace")
    return {
        "label": label,
        "rows": rows,
        "locked": server_log.count("database is locked"),
        "server_errors": server_log.count("Internal Server Error"),
        "users": users,
        "duration": duration,
        "load": f"{load_before} → {_load_average()}",
        "agencies": len(json.loads(accounts["LOAD_ACCOUNTS"])),
        "wait": wait,
        "ramp": ramp,
    }


def _ms(value):
    return f"{float(value):,.0f} ms" if value not in ("", "N/A", None) else "—"


def report(runs, database: str | None) -> str:
    lines = [
        f"# Load test, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        "",
        f"gunicorn on {HOST}:{PORT}, 3 workers × 2 threads, DEBUG off; locust headless in a second process, "
        "users mixing reading (ledger, record, dashboard; weight 6), recording through the form and "
        "submitting (weight 2) and approving (weight 2), each with its agency's secretary or recorder; "
        "the pause between two actions of a user is the *wait* column, the seconds over which the users "
        "arrive the *ramp* column. "
        + (f"PostgreSQL: {database}. " if database else "")
        + f"{os.cpu_count()} cores.",
        "",
        '| database | users | agencies | wait | ramp | seconds | requests | failures | "database is locked" '
        "| 500s in server log | median | p95 | max | requests/s | load average before → after | verdict |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| --- | --- |",
    ]
    for run in runs:
        total = next(row for row in run["rows"] if row["Name"] == "Aggregated")
        failures = int(total["Failure Count"])
        p95 = float(total["95%"]) if total["95%"] not in ("", "N/A") else None
        ok = failures == 0 and run["locked"] == 0 and p95 is not None and p95 < P95_TARGET_MS
        verdict = "met" if ok else "MISSED"
        lines.append(
            f"| {run['label']} | {run['users']} | {run['agencies']} | {run['wait'].replace(',', '–')} s "
            f"| {run['ramp']:g} s | {run['duration']} | {int(total['Request Count']):,} "
            f"| {failures} | {run['locked']} | {run['server_errors']} "
            f"| {_ms(total['Median Response Time'])} | {_ms(total['95%'])} "
            f"| {_ms(total['Max Response Time'])} | {float(total['Requests/s']):.1f} | {run['load']} "
            f"| {verdict} |"
        )
    lines += ["", "Per request type:", ""]
    for run in runs:
        lines += [
            f"**{run['label']}**",
            "",
            "| request | count | failures | median | p95 |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for row in run["rows"]:
            if row["Name"] != "Aggregated":
                lines.append(
                    f"| {row['Type']} {row['Name']} | {row['Request Count']} | {row['Failure Count']} "
                    f"| {_ms(row['Median Response Time'])} | {_ms(row['95%'])} |"
                )
        lines.append("")
    lines.append(f'Targets: zero failures, zero "database is locked", p95 < {P95_TARGET_MS} ms.')
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="postgresql,sqlite", help="comma-separated: postgresql, sqlite")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load per database")
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1.0")))
    parser.add_argument("--wait", default="5,15", help="a user's pause between actions, LOW,HIGH seconds")
    parser.add_argument("--agencies", type=int, default=50, help="PostgreSQL: agencies the users work in")
    parser.add_argument("--ramp", type=float, default=10, help="seconds over which the users arrive")
    parser.add_argument("--no-save", action="store_true")
    # The child of prepare_postgresql: sets the agencies' passwords and prints their accounts.
    parser.add_argument("--prepare-accounts", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare_accounts is not None:
        import django

        django.setup()
        n = args.prepare_accounts
        pairs = agency_accounts(n) if n else [["secretary", "recorder"]]
        print(json.dumps([pairs, signed_in({name for pair in pairs for name in pair})]))
        return 0
    low, high = (float(part) for part in args.wait.split(","))
    if not 0 <= low <= high:
        raise SystemExit(f"--wait wants LOW,HIGH seconds with 0 <= LOW <= HIGH, not {args.wait!r}")
    runs = []
    with tempfile.TemporaryDirectory(prefix="studyportal-load-") as name:
        folder = Path(name)
        static_env = server_environment(f"sqlite:///{folder / 'static.sqlite3'}")
        manage(static_env, "collectstatic", "--noinput", "-v0")  # DEBUG off serves the manifest
        for db in [item.strip() for item in args.db.split(",") if item.strip()]:
            if db == "postgresql":
                env, accounts = prepare_postgresql(args.scale, args.agencies)
            elif db == "sqlite":
                env, accounts = prepare_sqlite(folder)
            else:
                raise SystemExit(f"unknown database {db!r}")
            print(f"Load on {db}: {args.users} users for {args.duration}s …", flush=True)
            runs.append(run_once(db, env, accounts, args.users, args.duration, folder, args.wait, args.ramp))
    database = os.environ.get("DATABASE_URL", bench_database_url(args.scale)).rsplit("/", 1)[-1]
    text = report(runs, database if any(run["label"] == "postgresql" for run in runs) else None)
    print(text)
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"load-{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d-%H%M}.md"
        path.write_text(text, encoding="utf-8")
        print(f"Written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
