"""Browser tests: Debian's Chromium driven by Playwright, against the live test server.

They skip, saying why, where Chromium or Playwright is missing; CI installs both. Screenshots go to
test-artifacts/ (not committed) so a person can look at what the user saw.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from demo.people import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

# Playwright's sync API runs an event loop in this thread; the Django test code around it is
# ordinary synchronous code, so Django's async-safety guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    reason = None
    if not Path(CHROMIUM).exists():
        reason = f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "browser tests need Playwright for Python (pip install playwright)"
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db):
    """The demo data of `seed_demo`, in the live server's database."""
    call_command("seed_demo", verbosity=0)


def _new_page(browser, viewport, locale="zh-CN"):
    context = browser.new_context(viewport=viewport, locale=locale, accept_downloads=True)
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.fixture
def phone_page(browser):
    context, page = _new_page(browser, PHONE)
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser):
    context, page = _new_page(browser, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def new_page(browser):
    """`new_page(viewport)` for a test that needs more than one user at once."""
    contexts = []

    def make(viewport=DESKTOP, locale="zh-CN"):
        context, page = _new_page(browser, viewport, locale)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


def login(page, live_server, username, password=DEMO_PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
