"""Fixtures for driving the cart screen in Debian's Chromium with Playwright's sync API.

Playwright never downloads a browser here: the tests launch ``/usr/bin/chromium``. Each test gets
its own demo server (``python -m aisle demo`` on a fresh data folder) and a 1280x800 page, the
size of a cart tablet in landscape.

Screenshots go to the test's ``tmp_path``; set ``AISLE_SCREENSHOTS=/some/dir`` to keep a copy
there as well, for looking at the screens while working on them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.support.live import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium. "
            "Install it with: apt-get install -y chromium",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(data_dir=tmp_path / "data")
    live.data_dir.mkdir()
    live.start()
    yield live
    live.stop()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="Europe/Zagreb")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """The cart tablet's page; a script error on it fails the test."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, f"script errors on the page: {errors}"


@pytest.fixture
def shot(tmp_path: Path, request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """Save a screenshot of the page under tmp_path (and AISLE_SCREENSHOTS, when set)."""
    extra = os.environ.get("AISLE_SCREENSHOTS")
    test = request.node.name.removeprefix("test_")[:40]

    def take(page: Page, name: str) -> Path:
        path = tmp_path / "screens" / f"{test}-{name}.png"
        page.screenshot(path=str(path))
        if extra:
            Path(extra).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(extra) / path.name))
        return path

    return take
