"""Load test: gunicorn serving the portal, locust driving it headless from a second process.

    python -m bench.load [--db postgresql,sqlite] [--users 20] [--duration 60] [--scale 1.0]
    python -m bench.load --db postgresql --users 100 --duration 120 --scale 10   (the city)

For each database: gunicorn on 127.0.0.1:8108 (3 workers × 2 threads for the 2 cores, DEBUG off),
then locust for `--duration` seconds at `--users` concurrent users (bench/locustfile.py: reading the
ledger, records and the dashboard; recording a session through the form and submitting it;
approving). PostgreSQL runs on the bench database of the scale (generated if missing); SQLite on a
fresh copy of the demo data in a temporary file, with the settings' WAL mode, IMMEDIATE transactions and
busy timeout. Counts errors, "database is locked" in the server log, p95 and throughput, notes the
machine's load average before and after each run (locust, gunicorn and PostgreSQL share its cores), and
writes bench/results/load-<date>-<time>.md. Loopback only; every run is bounded in time.
"""

import argparse
import csv
import datetime
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.generate import BENCH_PASSWORD, bench_database_url

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


def prepare_postgresql(scale: float) -> tuple[dict, dict]:
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
    accounts = {
        "LOAD_SECRETARY": "bench_secretary",
        "LOAD_RECORDER": "bench_recorder",
        "LOAD_PASSWORD": BENCH_PASSWORD,
    }
    return env, accounts


def prepare_sqlite(folder: Path) -> tuple[dict, dict]:
    env = server_environment(f"sqlite:///{folder / 'load.sqlite3'}")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    accounts = {"LOAD_SECRETARY": "secretary", "LOAD_RECORDER": "recorder", "LOAD_PASSWORD": "demo-pass-2022"}
    return env, accounts


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


def run_once(label, env, accounts, users, duration, folder: Path) -> dict:
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
            prefix = folder / f"locust-{label}"
            subprocess.run(
                [
                    str(BIN / "locust"),
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(users),
                    "--spawn-rate",
                    str(users),
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
                env={**os.environ, **accounts},
                timeout=duration + 120,
                check=False,
            )
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
    }


def _ms(value):
    return f"{float(value):,.0f} ms" if value not in ("", "N/A", None) else "—"


def report(runs, database: str) -> str:
    lines = [
        f"# Load test, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        "",
        f"gunicorn on {HOST}:{PORT}, 3 workers × 2 threads, DEBUG off; locust headless in a second process, "
        "users mixing reading (ledger, record, dashboard; weight 6), recording through the form and "
        "submitting (weight 2) and approving (weight 2), 0.5–1.5 s between actions. "
        f"PostgreSQL: {database}. {os.cpu_count()} cores.",
        "",
        '| database | users | seconds | requests | failures | "database is locked" | 500s in server log '
        "| median | p95 | max | requests/s | load average before → after | verdict |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for run in runs:
        total = next(row for row in run["rows"] if row["Name"] == "Aggregated")
        failures = int(total["Failure Count"])
        p95 = float(total["95%"]) if total["95%"] not in ("", "N/A") else None
        ok = failures == 0 and run["locked"] == 0 and p95 is not None and p95 < P95_TARGET_MS
        verdict = "met" if ok else "MISSED"
        lines.append(
            f"| {run['label']} | {run['users']} | {run['duration']} | {int(total['Request Count']):,} "
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
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    runs = []
    with tempfile.TemporaryDirectory(prefix="studyportal-load-") as name:
        folder = Path(name)
        static_env = server_environment(f"sqlite:///{folder / 'static.sqlite3'}")
        manage(static_env, "collectstatic", "--noinput", "-v0")  # DEBUG off serves the manifest
        for db in [item.strip() for item in args.db.split(",") if item.strip()]:
            if db == "postgresql":
                env, accounts = prepare_postgresql(args.scale)
            elif db == "sqlite":
                env, accounts = prepare_sqlite(folder)
            else:
                raise SystemExit(f"unknown database {db!r}")
            print(f"Load on {db}: {args.users} users for {args.duration}s …", flush=True)
            runs.append(run_once(db, env, accounts, args.users, args.duration, folder))
    text = report(runs, os.environ.get("DATABASE_URL", bench_database_url(args.scale)).rsplit("/", 1)[-1])
    print(text)
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"load-{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d-%H%M}.md"
        path.write_text(text, encoding="utf-8")
        print(f"Written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
