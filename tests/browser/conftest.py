"""Browser fixtures and helpers: real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

Every request the page makes is recorded; `page` fails its test if anything went beyond
127.0.0.1/localhost (DESIGN.md §4: no page loads anything from a CDN). Dialogs (alert, confirm)
are recorded too, so a test can assert that no model-produced string ever ran as script.

Every wait waits for the element or state it needs, never for the network to go idle (a Gradio page keeps
its heartbeat stream open, so it never gets there and the wait runs out its timeout); a fixed pause
only where a test asserts that something does NOT happen within it (no dialog, no token after Stop). `page` hands over a page whose page-load event has finished (body[data-pg-ready], set by
the shell), so a test may change the model picker at once. The helpers below are what the tests share.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

# Debian's chromium-headless-shell when it is there: the same Blink as chromium without the browser's UI layer,
# ~15 % less CPU (13.7-14.0 against 15.3-16.8 core-s for 4 page loads, a lesson and a full-page screenshot);
# chromium otherwise.
HEADLESS_SHELL = Path("/usr/bin/chromium-headless-shell")
CHROMIUM = HEADLESS_SHELL if HEADLESS_SHELL.exists() else Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
VIEWPORT = {"width": 1400, "height": 1000}
# The first tokenizer or model load can take a while (SmolLM2's is converted from GGUF once per machine).
SLOW = 90_000


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing: install the Debian package 'chromium-headless-shell' (or 'chromium')"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests must run in CI, but {reason}", pytrace=False)
    pytest.skip(reason)


def is_local_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


@pytest.fixture(scope="session")
def _playwright():
    """One Playwright driver for the session: its sync API runs one event loop, so the en-US and zh-CN browsers
    below share it (a second sync_playwright() while the first is open fails: "Sync API inside the asyncio loop")."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


def _chromium(p, locale: str):
    """A Chromium with a fresh temporary profile whose browser language (navigator.language, Accept-Language)
    is `locale`."""
    with tempfile.TemporaryDirectory(prefix=f"pg-chromium-{locale}-") as profile:
        context = p.chromium.launch_persistent_context(
            user_data_dir=profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport=VIEWPORT, locale=locale,
        )
        context.set_default_timeout(30_000)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="session")
def browser_context(_playwright):
    """One Chromium for the session, in en-US."""
    yield from _chromium(_playwright, "en-US")


@pytest.fixture(scope="session")
def zh_browser_context(_playwright):
    """A second Chromium whose browser language is Simplified Chinese, for the translated interface."""
    yield from _chromium(_playwright, "zh-CN")


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
    open_app(pg, live_app)
    try:
        yield pg
    finally:
        pg.close()
    assert not page_log.outside, f"the page requested resources beyond 127.0.0.1: {page_log.outside}"


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


# ---- helpers the tests share ---------------------------------------------------------------------

# How far the page's start got, in the order the shell gets there: the lesson list, the lecture bar, the page-load
# events done (data-pg-ready), the lecture script done (data-pg-lecture).
START_STATE = """() => ({lessons: !!document.querySelector('#pg-lessons-data'),
  lecture_bar: !!document.querySelector('#pg-lecture-bar'), ready: document.body.dataset.pgReady || null,
  lecture: document.body.dataset.pgLecture || null})"""


def goto_ready(pg: Page, url: str, mark: str = "body[data-pg-ready]", timeout: float = 60_000) -> None:
    """Open `url` in `pg` and wait until the page carries `mark`. If it never does, the failure says how far the
    page's start got and which of its requests never finished (Gradio's own streams stay open, by design)."""
    pending: dict[int, str] = {}
    pg.on("request", lambda req: pending.__setitem__(id(req), req.url))
    pg.on("requestfinished", lambda req: pending.pop(id(req), None))
    pg.on("requestfailed", lambda req: pending.pop(id(req), None))
    pg.goto(url, wait_until="domcontentloaded")
    try:
        pg.locator(mark).wait_for(state="attached", timeout=timeout)
    except PlaywrightTimeout:
        raise AssertionError(f"{url}: no {mark} after {timeout / 1000:.0f} s; the page's start got to "
                             f"{pg.evaluate(START_STATE)}; requests not finished: {sorted(pending.values())}") from None


def open_app(pg: Page, url: str) -> None:
    """Load the app at `url`, its page-load events finished (they re-check the catalog and reset the model picker),
    and hand it over on the Tokenizer tab: the app opens on the Lessons view, the tab tests start from there."""
    goto_ready(pg, url)
    pg.locator('button[role="tab"][data-tab-id="tokenizer"]').click()
    pg.locator("#tokenize-btn").wait_for(state="visible", timeout=60_000)


def shot(page: Page, screenshot_dir: Path, name: str) -> None:
    """A full-page screenshot; CSS transitions (accordions, toasts) are finished first, not waited out."""
    page.screenshot(path=str(screenshot_dir / name), full_page=True, animations="disabled")


def assert_no_outside_requests(page_log: PageLog) -> None:
    assert page_log.requests, "no requests were recorded: the request hook is not working"
    assert not page_log.outside, f"the page requested resources beyond 127.0.0.1: {page_log.outside}"


def open_tab(page: Page, name: str, shown: str) -> None:
    """Click the tab called `name` and wait until its element `shown` is visible."""
    page.get_by_role("tab", name=name).click()
    expect(page.locator(shown)).to_be_visible()


def select_option(page: Page, dropdown: str, pattern: re.Pattern) -> str:
    """Pick an option of a Gradio 6 dropdown: open its list, click the option whose label matches."""
    box = page.locator(f"{dropdown} input[role='combobox']")
    box.click()
    option = page.get_by_role("option", name=pattern)
    expect(option.first).to_be_visible(timeout=10_000)
    label = option.first.inner_text().strip()
    option.first.click()
    return label


def set_number(page: Page, elem: str, value: str, *, after: str | None = None) -> None:
    """Type `value` into the number box of the slider or number field `elem` and submit it. With `after`: first
    wait until the box shows that value (what an event just sent it, or a lazily mounted box's own default), and
    check afterwards that the typed value stayed: an update that reaches the page after the typing replaces it."""
    replace(page.locator(f"{elem} input[type='number']"), value, after=after)
    page.locator(f"{elem} input[type='number']").press("Enter")


# Resolves after three animation frames of the page.
FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(r))))"


def replace(box: Locator, value: str, *, after: str | None = None) -> None:
    """Fill `box` with `value`; with `after`, only once it shows `after` (see set_number), and check it kept `value`.

    A component that Gradio mounts late (in an accordion or tab opened just now) gets its initial props set again
    a frame or so after it appears (Blocks' render_previously_invisible_children, then every prop of the config):
    a value typed in between is put back, in the box and in what the next event sends (it failed twice in CI).
    So, with `after`, the box is filled again if that happened within three frames of the first fill."""
    if after is not None:
        expect(box).to_have_value(after)
    box.fill(value)
    if after is not None:
        box.page.evaluate(FRAMES)
        if box.input_value() != value:
            box.fill(value)
        expect(box).to_have_value(value)


def retype(box: Locator, value: str) -> None:
    """Fill a box of a tab opened just now: replace() after what it shows (its default), so that Gradio putting the
    mount's initial value back within three frames is typed over, and the box is checked to keep `value`."""
    replace(box, value, after=box.input_value())


BARS = "svg.main-svg .bars path"
HEATMAP = "svg.main-svg .heatmaplayer image, svg.main-svg .hm image"  # plotly draws a heatmap as either
SCATTER = "svg.main-svg .scatterlayer path"


def marks(page: Page, plot: str, kind: str = BARS) -> Locator:
    """What plotly drew inside the plot `plot` (its bars, heatmap image or scatter paths)."""
    return page.locator(", ".join(f"{plot} {part.strip()}" for part in kind.split(",")))


def drawn(page: Page, plot: str, kind: str = BARS, timeout: float = SLOW) -> Locator:
    """Wait until the plot `plot` has drawn at least one mark of `kind`; returns its marks."""
    found = marks(page, plot, kind)
    expect(found.first).to_be_attached(timeout=timeout)
    return found


def run_lesson(page: Page, lesson: str, plot: str, kind: str = BARS, timeout: float = SLOW) -> Locator:
    """Click the lesson button #lesson-<lesson> and wait until its chart `plot` drew; returns its marks."""
    page.locator(f"#lesson-{lesson}").click()
    return drawn(page, plot, kind, timeout)


def texts(page: Page, selector: str) -> str:
    """The text of every element `selector` matches (axis ticks, legend entries), joined by spaces."""
    return " ".join(t.text_content() or "" for t in page.locator(selector).all())


def toast(page: Page, pattern: re.Pattern, timeout: float = SLOW) -> Locator:
    """Wait until an error toast whose text matches `pattern` is visible; returns it."""
    found = page.locator("[data-testid='toast-body']").filter(has_text=pattern).first
    expect(found).to_be_visible(timeout=timeout)
    return found


# ---- when a browser test fails: what the app's threads were doing ------------------------------------------

def _busy_stacks() -> str:
    """Every thread of this process (the live app serves from it) that is inside the app or Gradio's event
    handling, with its innermost frames: enough to tell a slow request from a stuck one."""
    import sys
    import threading
    import traceback

    names = {t.ident: t.name for t in threading.enumerate()}
    out = []
    for ident, frame in sys._current_frames().items():
        stack = traceback.extract_stack(frame)
        ours = [f for f in stack if "playground" in f.filename or "/gradio/" in f.filename]
        if not ours or ours[-1].name in ("_loop", "_take") and "workers.py" in ours[-1].filename:
            continue  # idle: not in the app, or a compute thread waiting for work
        out.append(f"--- {names.get(ident, ident)}\n" + "".join(traceback.format_list(stack[-8:])))
    return "\n".join(out) or "(no thread inside the app or Gradio)"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        report.sections.append(("the app's busy threads when the test failed", _busy_stacks()))
    return report
