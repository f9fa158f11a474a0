"""The offline installer (deploy/install.sh) and the bundle `make bundle` builds (docs/install-offline.md).

The installer's checks and its environment file run here from the checkout, without a bundle and
without network. The bundle tests (marker `bundle`) read a bundle already built, named by
STUDYPORTAL_BUNDLE; CI builds one and runs them, the everyday suite skips them.
"""

import glob
import hashlib
import json
import os
import platform
import re
import socket
import stat
import subprocess
import sys
import tarfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALL = ROOT / "deploy" / "install.sh"


# The test run's own database (DATABASE_URL, set when the suite runs on PostgreSQL) is not the
# installation's: install.sh would take it as the operator's choice.
INHERITED = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}


def install(*args, env=None):
    return subprocess.run(
        ["bash", str(INSTALL), "--non-interactive", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**INHERITED, **(env or {})},
        timeout=60,
    )


def fake_python(tmp_path, version):
    # Answers the installer's version question like an interpreter of that version would.
    path = tmp_path / f"python{version}"
    path.write_text(f"#!/bin/sh\nprintf '{version}'\n")
    path.chmod(0o755)
    return str(path)


def old_pythons():
    found = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.9*/bin/python3.9")))
    found += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/2.7*/bin/python2.7")))
    return found[:2]


@pytest.mark.parametrize("version", ["3.8", "2.7"])
def test_the_installer_refuses_an_old_python_and_says_in_chinese_what_to_do(tmp_path, version):
    result = install("--prefix", str(tmp_path / "portal"), "--python", fake_python(tmp_path, version))

    assert result.returncode == 1
    assert f"需要 Python 3.10 或更新版本（3.10–3.13），而 {tmp_path}/python{version} 是 Python {version}" in (
        result.stderr
    )
    assert "--python /usr/bin/python3.11" in result.stderr
    assert not (tmp_path / "portal" / "etc").exists()


@pytest.mark.parametrize(
    "python", old_pythons() or [pytest.param(None, marks=pytest.mark.skip("no old Python"))]
)
def test_a_real_old_interpreter_is_named_with_its_version(tmp_path, python):
    result = install("--prefix", str(tmp_path / "portal"), "--python", python)

    version = re.search(r"python(\d\.\d+)$", python).group(1)
    assert result.returncode == 1
    assert f"是 Python {version}，版本太旧" in result.stderr


def test_the_installer_refuses_a_python_the_bundle_has_no_wheels_for(tmp_path):
    result = install("--prefix", str(tmp_path / "portal"), "--python", fake_python(tmp_path, "3.14"))

    assert result.returncode == 1
    assert "本安装包只带有 Python 3.10–3.13 的依赖包" in result.stderr


def test_outside_a_bundle_the_installer_says_how_to_make_one(tmp_path):
    result = install("--prefix", str(tmp_path / "portal"), "--python", sys.executable)

    assert result.returncode == 1
    assert "这里不是安装包" in result.stderr
    assert "make bundle" in result.stderr


def read_env(path):
    """The variables as systemd and bin/manage see them (the shell parses the file the same way)."""
    output = subprocess.run(
        ["bash", "-c", 'set -a; . "$0"; env -0', str(path)], env={}, capture_output=True, check=True
    ).stdout
    variables = dict(item.split("=", 1) for item in output.decode().split("\0") if "=" in item)
    return {key: value for key, value in variables.items() if key not in {"PWD", "SHLVL", "_"}}


def configure(prefix, *args):
    result = install("--configure-only", "--prefix", str(prefix), "--python", sys.executable, *args)
    assert result.returncode == 0, result.stderr
    return prefix / "etc" / "studyportal.env"


def test_the_environment_file_is_private_and_passes_the_deployment_check(tmp_path):
    env_file = configure(tmp_path / "portal", "--hosts", "portal.example.gov.cn")

    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    env = read_env(env_file)
    assert env["DEBUG"] == "0"
    assert len(env["SECRET_KEY"]) >= 50
    assert len(env["AUDIT_KEY"]) >= 50 and env["AUDIT_KEY"] != env["SECRET_KEY"]
    assert env["ALLOWED_HOSTS"] == "portal.example.gov.cn"
    assert env["DATABASE_URL"] == f"sqlite:///{tmp_path}/portal/data/db.sqlite3"
    assert env["MEDIA_ROOT"] == f"{tmp_path}/portal/data/media"
    assert env["SECURE_SSL_REDIRECT"] == "1"
    assert not re.search(r"@[A-Z_]+@", env_file.read_text()), "a placeholder was left in the file"
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_each_installation_gets_its_own_secret_key_and_a_second_run_keeps_it(tmp_path):
    first = read_env(configure(tmp_path / "a"))
    other = read_env(configure(tmp_path / "b"))
    again = read_env(configure(tmp_path / "a", "--database-url", "postgres://portal@db.internal:5432/portal"))

    assert first["SECRET_KEY"] != other["SECRET_KEY"]
    assert again == first


def test_the_options_reach_the_environment_file(tmp_path):
    env = read_env(
        configure(
            tmp_path / "portal",
            "--http",
            "--tasks",
            "database",
            "--bind",
            "127.0.0.1:8123",
            "--database-url",
            "postgres://portal:s%27cret@db.internal:5432/portal",
        )
    )

    assert env["DATABASE_URL"] == "postgres://portal:s%27cret@db.internal:5432/portal"
    assert env["TASKS_BACKEND"] == "database"
    assert env["STUDYPORTAL_BIND"] == "127.0.0.1:8123"
    assert (env["SECURE_SSL_REDIRECT"], env["SESSION_COOKIE_SECURE"], env["SECURE_HSTS_SECONDS"]) == (
        "0",
        "0",
        "0",
    )


def test_a_quote_in_a_value_is_refused_with_the_way_out(tmp_path):
    result = install(
        "--configure-only",
        "--prefix",
        str(tmp_path / "portal"),
        "--python",
        sys.executable,
        "--database-url",
        "postgres://portal:it's@db/portal",
    )

    assert result.returncode != 0
    assert "不能有单引号或换行（URL 中的特殊字符请用 %xx 编码）" in result.stderr
    assert not (tmp_path / "portal" / "etc" / "studyportal.env").exists()


def test_uninstalling_keeps_the_data_and_the_environment_file(tmp_path):
    prefix = tmp_path / "portal"
    env_file = configure(prefix)
    for kept_or_not in ("data/db.sqlite3", "data/media/photo.jpg", "releases/0.1.0-x/app/manage.py"):
        (prefix / kept_or_not).parent.mkdir(parents=True, exist_ok=True)
        (prefix / kept_or_not).write_text("x")
    (prefix / "current").symlink_to(prefix / "releases/0.1.0-x")

    result = install("--uninstall", "--prefix", str(prefix))

    assert result.returncode == 0, result.stderr
    assert (prefix / "data/db.sqlite3").exists() and (prefix / "data/media/photo.jpg").exists()
    assert env_file.exists()
    assert not (prefix / "releases").exists() and not (prefix / "current").is_symlink()
    assert "保留" in result.stdout


# --- a built bundle ---------------------------------------------------------------------------------------

BUNDLE = os.environ.get("STUDYPORTAL_BUNDLE")
needs_bundle = pytest.mark.skipif(not BUNDLE, reason="STUDYPORTAL_BUNDLE names no built bundle (make bundle)")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    target = tmp_path_factory.mktemp("bundle")
    with tarfile.open(BUNDLE) as tar:
        tar.extractall(target, filter="data")
    (folder,) = target.iterdir()
    return folder


@pytest.mark.bundle
@needs_bundle
def test_the_bundle_holds_what_the_installer_needs(bundle):
    manifest = json.loads((bundle / "MANIFEST.json").read_text())

    assert bundle.name == f"studyportal-{manifest['version']}-{manifest['platform']}"
    assert os.access(bundle / "install.sh", os.X_OK)
    assert (bundle / "app" / "manage.py").exists()
    assert (bundle / "app" / "deploy" / "studyportal.env.template").exists()
    assert json.loads((bundle / "app" / "staticfiles" / "staticfiles.json").read_text())["paths"]
    catalogues = sorted(path.relative_to(bundle) for path in (bundle / "app").rglob("LC_MESSAGES/*.po"))
    assert catalogues
    assert all((bundle / po).with_suffix(".mo").exists() for po in catalogues)
    assert not (bundle / "app" / "tests").exists()
    assert manifest["pythons"] == ["3.10", "3.11", "3.12", "3.13"]


@pytest.mark.bundle
@needs_bundle
def test_every_pinned_requirement_has_its_wheel_for_each_python(bundle):
    manifest = json.loads((bundle / "MANIFEST.json").read_text())
    wheels = sorted(path.name for path in (bundle / "wheelhouse").glob("*.whl"))

    assert wheels == manifest["wheels"]
    for python, pinned in manifest["requirements"].items():
        tag = "cp" + python.replace(".", "")
        lines = (bundle / f"requirements-{tag}.txt").read_text().split()
        assert lines == [f"{name}=={version}" for name, version in sorted(pinned.items())]
        for name, version in pinned.items():
            prefix = f"{re.sub(r'[-_.]+', '_', name).lower()}-{version}-"
            matching = [wheel for wheel in wheels if wheel.lower().startswith(prefix)]
            assert any(
                f"-{tag}-" in wheel or "-none-any" in wheel or "-abi3-" in wheel for wheel in matching
            ), f"no wheel of {name} {version} for Python {python}"


@pytest.mark.bundle
@needs_bundle
def test_the_checksums_match_every_file(bundle):
    listed = {}
    for line in (bundle / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {str(path.relative_to(bundle)) for path in bundle.rglob("*") if path.is_file()}

    assert files - {"SHA256SUMS"} == set(listed)
    for name, digest in listed.items():
        assert hashlib.sha256((bundle / name).read_bytes()).hexdigest() == digest, name


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def offline(command):
    # Without any network where this runs as root (a network namespace of its own), else with pip's
    # index pointed nowhere; install.sh itself passes --no-index either way.
    if os.geteuid() == 0 and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        return ["unshare", "-n", *command]
    return command


@pytest.mark.bundle
@needs_bundle
def test_the_bundle_installs_offline_serves_the_login_page_and_upgrades_in_place(bundle, tmp_path):
    machine = json.loads((bundle / "MANIFEST.json").read_text())["machine"]
    if machine != platform.machine():
        pytest.skip(f"a {machine} bundle does not install on {platform.machine()}")
    prefix = tmp_path / "portal"
    port = free_port()
    python = os.environ.get("STUDYPORTAL_BUNDLE_PYTHON", "/usr/bin/python3")
    command = offline(
        [
            "bash",
            str(bundle / "install.sh"),
            "--prefix",
            str(prefix),
            "--python",
            python,
            "--non-interactive",
            "--hosts",
            "portal.example.gov.cn,127.0.0.1",
            "--bind",
            f"127.0.0.1:{port}",
        ]
    )
    env = {
        **INHERITED,
        "PIP_INDEX_URL": "http://127.0.0.1:9/",
        "DJANGO_SUPERUSER_USERNAME": "first_admin",
        "DJANGO_SUPERUSER_PASSWORD": "a-long-first-password",
    }
    started = time.monotonic()
    first = subprocess.run(command, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    print(f"\noffline install: {time.monotonic() - started:.0f} s")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "proxy_pass http://127.0.0.1:" in first.stdout  # the nginx snippet
    manage = [str(prefix / "bin" / "manage")]

    check = subprocess.run(
        [*manage, "check", "--deploy", "--fail-level", "WARNING"], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "no issues" in check.stdout

    environment = read_env(prefix / "etc" / "studyportal.env")
    server = subprocess.Popen(
        [
            str(prefix / "current" / "venv" / "bin" / "gunicorn"),
            "studyportal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=prefix / "current" / "app",
        env={"PATH": os.environ["PATH"], **environment},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, "gunicorn stopped"
                time.sleep(0.5)

        def get(path):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}",
                headers={"Host": "portal.example.gov.cn", "X-Forwarded-Proto": "https"},  # as nginx sends
            )
            direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            with direct.open(request, timeout=30) as response:
                return response.status, response.read().decode()

        status, page = get("/accounts/login/")
        assert status == 200
        assert "登录" in page
        stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page).group(1)
        assert get(stylesheet)[0] == 200  # the collected, hashed static files are served
    finally:
        server.terminate()
        server.wait(timeout=30)

    units = sorted(path.name for path in (prefix / "etc" / "systemd").iterdir())
    assert "studyportal.service" in units and "studyportal-task@.timer" in units
    first_release = (prefix / "current").resolve()

    started = time.monotonic()
    again = subprocess.run(command, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    print(f"offline upgrade in place: {time.monotonic() - started:.0f} s")

    assert again.returncode == 0, again.stdout + again.stderr
    assert "保留已有环境文件" in again.stdout
    assert read_env(prefix / "etc" / "studyportal.env") == environment
    assert (prefix / "current").resolve() != first_release
    assert first_release.exists()  # kept for a rollback
    users = subprocess.run(
        [
            *manage,
            "shell",
            "--no-imports",
            "-c",
            "from django.contrib.auth import get_user_model as u; print(u().objects.count())",
        ],
        capture_output=True,
        text=True,
    )
    assert users.stdout.strip() == "1"  # the administrator made by the first run is still there
