"""Builds the offline bundles for intranets (`make bundle`; docs/install-offline.md).

One bundle per platform, dist/studyportal-<version>-linux-<arch>.tar.gz, for every Python the README
promises: the pure-Python wheels once, the compiled ones (lxml, psycopg2, calamine) once per Python.
It holds the code with its collected static files and compiled catalogues, install.sh, the wheelhouse,
one pinned requirements file per Python (what install.sh installs, resolved here from the wheelhouse
alone, so a missing wheel fails the build and not the installation), MANIFEST.json and SHA256SUMS.

    python scripts/bundle.py [--platform x86_64 --platform aarch64]
    python scripts/bundle.py --check dist/studyportal-0.1.0-linux-aarch64.tar.gz

--check resolves the bundle's requirements for each of its Pythons from its wheelhouse alone, with
pip's configuration and index switched off: the completeness check CI runs for the platform it
cannot install on.
"""

import argparse
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from email.parser import HeaderParser
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pip carries the same parser
    from pip._vendor import tomli as tomllib

try:
    from packaging import tags
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.utils import canonicalize_name, parse_wheel_filename
except ModuleNotFoundError:  # the same library, as pip carries it
    from pip._vendor.packaging import tags
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.specifiers import SpecifierSet
    from pip._vendor.packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
DIST = ROOT / "dist"
PLATFORMS = {"x86_64": "manylinux2014_x86_64", "aarch64": "manylinux2014_aarch64"}
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
# Development and CI only; the portal does not need them to run.
NOT_SHIPPED = ("tests/", "bench/", ".ci/", "scripts/", ".gitignore")


def pip(*args, isolated=False, check=True):
    env = dict(os.environ)
    if isolated:
        # Nothing but the wheelhouse: no configured index, find-links or constraints of this machine.
        env = {key: value for key, value in env.items() if not key.startswith("PIP_")}
        env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1")
    result = subprocess.run([sys.executable, "-m", "pip", *args], env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        sys.exit(f"pip {' '.join(map(str, args))} failed:\n{result.stdout}{result.stderr}")
    return result


def project():
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]


def abi(python):
    return "cp" + python.replace(".", "")


def build_app(target):
    """The code as tracked by git (uncommitted edits included), with static files and catalogues."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\0")
    for name in listed:
        if not name or name.startswith(NOT_SHIPPED) or not (ROOT / name).is_file():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "bundle-build-only"}
    manage = [sys.executable, "manage.py"]
    if shutil.which("msgfmt"):
        subprocess.run([*manage, "compilemessages"], cwd=target, env=env, check=True, capture_output=True)
    subprocess.run(
        [*manage, "collectstatic", "--noinput"], cwd=target, env=env, check=True, capture_output=True
    )


def source_built_wheels(requirements, native):
    """Wheels for dependencies published only as source, built here (they must be pure Python)."""
    result = pip("wheel", "--wheel-dir", native, "-r", requirements)
    built = sorted(set(re.findall(r"Building wheel for (\S+)", result.stdout + result.stderr)))
    prefixes = tuple(re.sub(r"[-_.]+", "_", name).lower() + "-" for name in built)
    for wheel in native.glob("*.whl"):
        if wheel.name.lower().startswith(prefixes) and not wheel.name.endswith("-none-any.whl"):
            sys.exit(f"{wheel.name} is compiled and published as source only: it cannot be cross-built")
    return built


def target_args(platform, python):
    return ["--only-binary=:all:", "--platform", PLATFORMS[platform], "--python-version", python]


def target_tags(platform, python):
    """The wheel tags pip accepts on that target: manylinux up to glibc 2.17 (manylinux2014)."""
    version = tuple(int(part) for part in python.split("."))
    platforms = [f"manylinux_2_{glibc}_{platform}" for glibc in range(17, 4, -1)]
    platforms += [f"manylinux2014_{platform}", f"manylinux2010_{platform}", f"manylinux1_{platform}"]
    return {
        *tags.cpython_tags(version, platforms=platforms),
        *tags.compatible_tags(version, platforms=platforms),
    }


def wheels_for(folder, platform, python):
    """{wheel: its metadata} of the wheels in folder that pip would consider on that target."""
    accepted = target_tags(platform, python)
    found = {}
    for wheel in sorted(folder.glob("*.whl")):
        if not parse_wheel_filename(wheel.name)[3] & accepted:
            continue
        with zipfile.ZipFile(wheel) as archive:
            (name,) = [item for item in archive.namelist() if item.endswith(".dist-info/METADATA")]
            metadata = HeaderParser().parsestr(archive.read(name).decode())
        if SpecifierSet(metadata.get("Requires-Python") or "").contains(python, prereleases=True):
            found[wheel] = metadata
    return found


def marker_gaps(folder, platform, python):
    """Dependencies some release of that Python needs on that machine and no wheel in folder meets.

    pip evaluates environment markers for the Python that runs it, whatever --python-version and
    --platform say: redis needs async-timeout below 3.11.3, which a 3.11.7 build machine skips, yet
    Debian 12's 3.11.2 needs. Each marker is read here for the target's oldest and newest patch release.
    """
    environments = [
        {
            "python_version": python,
            "python_full_version": f"{python}.{patch}",
            "implementation_version": f"{python}.{patch}",
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "platform_machine": platform,
            "platform_system": "Linux",
            "sys_platform": "linux",
            "os_name": "posix",
            "extra": "",
        }
        for patch in (0, 99)
    ]
    wheels = wheels_for(folder, platform, python)
    have = {}
    for wheel in wheels:
        name, version, _, _ = parse_wheel_filename(wheel.name)
        have.setdefault(name, []).append(version)
    gaps = set()
    for metadata in wheels.values():
        for line in metadata.get_all("Requires-Dist") or []:
            requirement = Requirement(line)
            # Extras are pip's to follow (it does so right); only the environment is misjudged.
            if not requirement.marker or "extra" in str(requirement.marker):
                continue
            if not any(requirement.marker.evaluate(environment) for environment in environments):
                continue
            versions = have.get(canonicalize_name(requirement.name), [])
            if not any(requirement.specifier.contains(version, prereleases=True) for version in versions):
                requirement.marker = None
                gaps.add(str(requirement))
    return sorted(gaps)


def download_wheels(requirements, platforms):
    """{(platform, python): folder} of the wheels each target needs, downloaded side by side.

    A dependency without a wheel makes its target fail: then the source-only ones are built into
    wheels here and the failed targets tried again with those.
    """
    targets = [(platform, python) for platform in platforms for python in PYTHONS]
    folders = {target: BUILD / "download" / "-".join(target) for target in targets}

    def download(target, *extra, check=False):
        arguments = ["--dest", folders[target], *target_args(*target), "--implementation", "cp"]
        return pip("download", "--quiet", *arguments, *extra, "-r", requirements, check=check)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(zip(targets, pool.map(download, targets), strict=True))
    failed = [target for target, result in results.items() if result.returncode != 0]
    if failed:
        native = BUILD / "native"
        built = source_built_wheels(requirements, native)
        print(f"built from source here: {', '.join(built) or 'nothing'}")
        for target in failed:
            download(target, "--find-links", native, check=True)
    else:
        print("built from source here: nothing (every dependency ships wheels)")
    for target in targets:
        for _ in range(5):  # each round may bring dependencies of its own
            gaps = marker_gaps(folders[target], *target)
            if not gaps:
                break
            print(f"{'/'.join(target)}: also needed by some releases of that Python: {', '.join(gaps)}")
            with tempfile.NamedTemporaryFile("w", suffix=".txt") as extra:
                extra.write("".join(f"{gap}\n" for gap in gaps))
                extra.flush()
                arguments = ["--dest", folders[target], *target_args(*target), "--implementation", "cp"]
                pip("download", "--quiet", *arguments, "-r", extra.name)
        else:
            sys.exit(f"{'/'.join(target)}: dependencies still missing: {', '.join(gaps)}")
    return folders


def resolve(requirements, wheelhouse, platform, python, scratch):
    """{name: version} installed for that Python from the wheelhouse alone; fails if one is missing."""
    scratch.mkdir(parents=True, exist_ok=True)
    report = scratch / f"report-{platform}-{python}.json"
    pip(
        "install",
        "--quiet",
        "--dry-run",
        "--ignore-installed",
        "--no-index",
        "--find-links",
        wheelhouse,
        *target_args(platform, python),
        "--implementation",
        "cp",
        "--target",
        scratch / "target",
        "--report",
        report,
        "-r",
        requirements,
        isolated=True,
    )
    installed = json.loads(report.read_text())["install"]
    return {item["metadata"]["name"]: item["metadata"]["version"] for item in installed}


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build(platform, *, app, requirements, downloads, version, commit):
    name = f"studyportal-{version}-linux-{platform}"
    staging = BUILD / name
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(app, staging / "app")
    shutil.copy2(ROOT / "deploy" / "install.sh", staging / "install.sh")
    shutil.copy2(requirements, staging / "requirements.txt")
    wheelhouse = staging / "wheelhouse"
    wheelhouse.mkdir()
    # pip itself, so that install.sh needs no ensurepip (Debian leaves it out without python3-venv).
    for folder in [BUILD / "pip"] + [downloads[platform, python] for python in PYTHONS]:
        for wheel in folder.glob("*.whl"):
            if not (wheelhouse / wheel.name).exists():  # the pure-Python ones once
                shutil.copy2(wheel, wheelhouse)
    with tempfile.TemporaryDirectory() as scratch, ThreadPoolExecutor(max_workers=2) as pool:
        resolved = pool.map(
            lambda python: resolve(requirements, wheelhouse, platform, python, Path(scratch)), PYTHONS
        )
        locks = dict(zip(PYTHONS, resolved, strict=True))
    for python, lock in locks.items():
        (staging / f"requirements-{abi(python)}.txt").write_text(
            "".join(f"{package}=={lock[package]}\n" for package in sorted(lock))
        )
    wheels = sorted(path.name for path in wheelhouse.glob("*.whl"))
    manifest = {
        "name": "studyportal",
        "version": version,
        "commit": commit,
        "built": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "platform": f"linux-{platform}",
        "machine": platform,
        "wheel_platform": PLATFORMS[platform],
        "pythons": PYTHONS,
        "wheels": wheels,
        "requirements": {python: locks[python] for python in PYTHONS},
    }
    (staging / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    files = sorted(path for path in staging.rglob("*") if path.is_file())
    (staging / "SHA256SUMS").write_text(
        "".join(f"{sha256(path)}  {path.relative_to(staging)}\n" for path in files)
    )
    DIST.mkdir(exist_ok=True)
    archive = DIST / f"{name}.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:  # wheels are compressed already
        tar.add(staging, arcname=name)
    return archive, manifest


def check(archive):
    """Every requirement of the bundle resolves from its wheelhouse for each of its Pythons."""
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        with tarfile.open(archive) as tar:
            tar.extractall(scratch, filter="data")
        (bundle,) = scratch.iterdir()
        manifest = json.loads((bundle / "MANIFEST.json").read_text())
        platform = manifest["machine"]
        # For each Python the declared requirements and the pinned set install.sh installs: both must
        # resolve from the wheelhouse alone, to the set MANIFEST.json records.
        jobs = [
            (python, requirements)
            for python in manifest["pythons"]
            for requirements in (bundle / "requirements.txt", bundle / f"requirements-{abi(python)}.txt")
        ]
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = pool.map(
                lambda job: resolve(job[1], bundle / "wheelhouse", platform, job[0], scratch / job[1].stem),
                jobs,
            )
            for (python, requirements), resolved in zip(jobs, results, strict=True):
                print(
                    f"{archive.name}: Python {python}, {requirements.name}: {len(resolved)} packages resolved"
                )
                if resolved != manifest["requirements"][python]:
                    sys.exit(f"{archive.name}: Python {python}: {requirements.name} resolves otherwise")
        for python in manifest["pythons"]:
            gaps = marker_gaps(bundle / "wheelhouse", platform, python)
            if gaps:
                sys.exit(f"{archive.name}: Python {python} on {platform} may also need {', '.join(gaps)}")
        if not any(name.startswith("pip-") for name in manifest["wheels"]):
            sys.exit(f"{archive.name}: no pip wheel to bootstrap the virtual environment")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", action="append", choices=sorted(PLATFORMS))
    parser.add_argument("--check", type=Path, metavar="BUNDLE", help="check a built bundle's wheelhouse")
    args = parser.parse_args()
    if args.check:
        check(args.check)
        return

    started = time.monotonic()
    meta = project()
    version = meta["version"]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    shutil.rmtree(BUILD, ignore_errors=True)
    BUILD.mkdir()
    requirements = BUILD / "requirements.txt"
    requirements.write_text("".join(f"{line}\n" for line in meta["dependencies"]))
    app = BUILD / "app"
    build_app(app)
    platforms = args.platform or sorted(PLATFORMS)
    downloads = download_wheels(requirements, platforms)
    pip("download", "--quiet", "--dest", BUILD / "pip", "--only-binary=:all:", "--no-deps", "pip")
    for platform in platforms:
        archive, manifest = build(
            platform, app=app, requirements=requirements, downloads=downloads, version=version, commit=commit
        )
        size = archive.stat().st_size / 1e6
        counts = ", ".join(f"{python}: {len(manifest['requirements'][python])}" for python in PYTHONS)
        wheels = len(manifest["wheels"])
        print(f"{archive.relative_to(ROOT)}: {size:.1f} MB, {wheels} wheels (installed per Python {counts})")
    print(f"built in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
