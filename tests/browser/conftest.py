"""
Browser tests: Playwright (Python, sync API) drives Debian's Chromium against the site served by
pytest-django's `live_server`, with the demo content of `manage.py load_demo`.

All tests in this folder carry the `browser` marker (`pytest -m "not browser"` is the fast suite).
Without Chromium they are skipped with the reason; with CI=true a missing tool fails them.
"""

import contextlib
import io
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .tools import CHROMIUM, CHROMIUM_FLAGS, chromium_available, require, same_origin

HERE = Path(__file__).resolve().parent
legal_pages = import_module("releases.migrations.0003_legal_pages")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser():
    require(chromium_available(), f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "the playwright package is not installed (make install)")
    # Playwright's sync API keeps an asyncio loop running in the test thread, so Django would
    # refuse the test code's database calls (SynchronousOnlyOperation) although nothing runs
    # concurrently: the loop only waits while the test code runs. Allowed while the browser is.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            yield browser
            browser.close()


@dataclass
class BrowserLog:
    """Everything a page asked the network for, and what went wrong in its console: errors are
    (message, address of the script or document that caused it)."""

    origin: str
    requests: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def foreign_requests(self):
        return [url for url in self.requests if not same_origin(url, self.origin)]


@pytest.fixture
def open_browser(browser, live_server):
    """`open_browser(width=1280)` → (page, log): a fresh browser context (no cookies) whose
    requests and console errors are recorded from the first one on."""
    contexts = []

    def open_(width=1280, height=900, **options):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            base_url=live_server.url,
            locale="de-DE",
            timezone_id="Europe/Berlin",
            **options,
        )
        contexts.append(context)
        # Generous: the admin with CKEditor 5 on a busy 2-core CI machine can take a while to
        # settle; a wait that runs out is a failure of the machine, not of the page.
        context.set_default_timeout(45_000)
        log = BrowserLog(origin=live_server.url)
        context.on("request", lambda request: log.requests.append(request.url))
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and log.errors.append((message.text, message.location.get("url")))
            ),
        )
        page.on("pageerror", lambda error: log.errors.append((str(error), None)))
        return page, log

    yield open_
    for context in contexts:
        # Let the live server finish what the page still asks (lazy images): a request still
        # running when the test database is flushed deadlocks PostgreSQL's TRUNCATE.
        for page in context.pages:
            with contextlib.suppress(PlaywrightTimeoutError):
                page.wait_for_load_state("networkidle", timeout=10_000)
        context.close()


@pytest.fixture
def newsroom(transactional_db):
    """The demo content (releases with images, an embargoed release and a draft, the project,
    partners, the press contact) and the legal pages: the pages of PAGE_TYPES exist with it.

    The live server needs a transactional database, which is emptied after each test, rows
    created by migrations included; so the legal pages' data migration runs again here. (Django's
    serialized rollback cannot help: the connection it serializes at set-up is not the one the
    test sees once Playwright's event loop runs in this thread.)"""
    legal_pages.create_legal_pages(apps, schema_editor=None)
    call_command("load_demo", stdout=io.StringIO())
