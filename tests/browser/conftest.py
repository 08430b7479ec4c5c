"""Real-browser fixtures: one Debian Chromium per test session (per xdist worker), a fresh context per test.

Playwright's sync API runs its event loop in a greenlet of this thread and, between calls, leaves that
loop registered as the thread's running loop. While it is registered, Django refuses ORM calls from
this thread (SynchronousOnlyOperation) and asgiref's async_to_sync refuses to run. So the loop is
registered only while a browser test runs (where DJANGO_ALLOW_ASYNC_UNSAFE lets the test's own setup
and assertions use the ORM; nothing else runs in this thread meanwhile), and lifted in between: the
other tests of this worker run as if no browser were open. The live server has a thread of its own.
"""

import asyncio
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Every page here answers in milliseconds; a step that waits longer has failed.
TIMEOUT_MS = 5_000
PASSWORD = "browser-journey-pw"


@dataclass
class BrowserSession:
    playwright: Playwright
    browser: Browser
    loop: asyncio.AbstractEventLoop


def _register_loop(loop: asyncio.AbstractEventLoop | None) -> None:
    # The hook event-loop implementations use to mark a loop as running in this thread.
    asyncio._set_running_loop(loop)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """Keeps each phase's report on the test item, so that `page` knows whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser_session() -> Iterator[BrowserSession]:
    playwright = sync_playwright().start()
    loop = asyncio.get_running_loop()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except BaseException:
        playwright.stop()
        raise
    _register_loop(None)
    yield BrowserSession(playwright, browser, loop)
    _register_loop(loop)
    browser.close()
    playwright.stop()


@pytest.fixture
def page(
    browser_session: BrowserSession, live_server, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Page]:
    """A page in a fresh browser context (no cookies) pointed at this worker's live server.

    The context asks for English, like the test users, so that messages are the same whether or not
    the translations are compiled. On failure a screenshot and the HTML go to test-artifacts/.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    _register_loop(browser_session.loop)
    context = browser_session.browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            _save_artifacts(page, request.node.nodeid)
        context.close()
        _register_loop(None)


def _save_artifacts(page: Page, nodeid: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", nodeid.rsplit("/", 1)[-1])
    try:
        page.screenshot(path=ARTIFACTS / f"{stem}.png", full_page=True)
        (ARTIFACTS / f"{stem}.html").write_text(f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8")
    except Exception as error:  # the page may be gone; the test's own error matters more
        print(f"could not save browser artifacts for {nodeid}: {error}")


@pytest.fixture
def log_in(page: Page) -> Callable[[str], None]:
    """log_in("username"): signs in through the real login form, as a person would."""

    def log_in(username: str, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return log_in
