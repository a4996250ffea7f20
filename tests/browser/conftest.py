"""Browser fixtures: real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

Every request the page makes is recorded; `page` fails its test if anything went beyond
127.0.0.1/localhost (DESIGN.md §4: no page loads anything from a CDN). Dialogs (alert, confirm)
are recorded too, so a test can assert that no model-produced string ever ran as script.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
VIEWPORT = {"width": 1400, "height": 1000}


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing: install the Debian packages 'chromium' and 'chromium-driver'"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests must run in CI, but {reason}", pytrace=False)
    pytest.skip(reason)


def is_local_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


@pytest.fixture(scope="session")
def browser_context():
    """One Chromium for the session, with a fresh temporary profile."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="pg-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            user_data_dir=profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport=VIEWPORT, locale="en-US",
        )
        context.set_default_timeout(30_000)
        try:
            yield context
        finally:
            context.close()


class PageLog:
    """What one page did: every URL it requested, every dialog it opened, every console error."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []

    @property
    def outside(self) -> list[str]:
        return [u for u in self.requests if not is_local_url(u)]


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser_context, live_app, page_log):
    """A fresh tab on the live app, fully loaded. Fails the test if it requested anything off-host."""
    pg = browser_context.new_page()
    pg.on("request", lambda req: page_log.requests.append(req.url))

    def on_dialog(dialog):
        page_log.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    pg.on("console", lambda msg: page_log.console_errors.append(msg.text) if msg.type == "error" else None)
    pg.goto(live_app, wait_until="domcontentloaded")
    # The app opens on the Lessons view; the tab tests start from the Tokenizer tab, as they always did.
    pg.locator("#pg-player").wait_for(state="visible", timeout=60_000)
    pg.locator('button[role="tab"][data-tab-id="tokenizer"]').click()
    pg.locator("#tokenize-btn").wait_for(state="visible", timeout=60_000)
    try:
        yield pg
    finally:
        pg.close()
    assert not page_log.outside, f"the page requested resources beyond 127.0.0.1: {page_log.outside}"


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
