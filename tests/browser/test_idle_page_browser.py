"""An open page that nobody touches draws nothing (playground/ui/frontend_fix.py): Gradio 6.31's status tracker of
the page's own loading leaves a requestAnimationFrame loop running at the frame rate for as long as the tab is open.

The tracker loop's frames are counted by wrapping the page's requestAnimationFrame before any of its scripts run.
The pauses below are on purpose: what is asserted is that the loop does not run within them. The same fix must keep the elapsed-time counter
of a running event ticking: a small app whose one event waits until the test lets it go checks that.
"""

from __future__ import annotations

import re
import threading

import gradio as gr
import pytest
from playwright.sync_api import expect

from .conftest import open_app

pytestmark = pytest.mark.browser

# Counts the frames of the status tracker's elapsed-time loop (its callback sets performance.now() - start in
# seconds): other cheap rAF callbacks keep running on an idle Gradio page (about 60 a second, at ~0.005 of a core),
# so all frames together are not the measure. window.pgAnyFrames shows the counter itself works.
COUNT_FRAMES = """
window.pgFrames = 0; window.pgAnyFrames = 0;
const pgRaf = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (cb) => {
  const tracker = /performance\\.now\\(\\)-[^)]*\\)\\)\\/1e3/.test(String(cb));
  return pgRaf((t) => { window.pgAnyFrames += 1; if (tracker) window.pgFrames += 1; cb(t); });
};
"""
# Unfixed, an idle tab runs the tracker's loop at about 60 frames a second; fixed, not at all.
IDLE_FRAMES = 3


def frames_in(pg, ms: int) -> int:
    before = pg.evaluate("window.pgFrames")
    pg.wait_for_timeout(ms)
    return pg.evaluate("window.pgFrames") - before


def counted_page(browser_context):
    pg = browser_context.new_page()
    pg.add_init_script(COUNT_FRAMES)
    return pg


def test_an_idle_page_of_the_app_requests_no_animation_frames(browser_context, live_app):
    pg = counted_page(browser_context)
    try:
        open_app(pg, live_app)
        pg.wait_for_timeout(1_000)  # what the page does right after loading (tab switch, first draw) is over
        assert pg.evaluate("window.pgAnyFrames") > 0, "the frame counter never ran: the init script is not working"
        drawn = frames_in(pg, 1_500)
        assert drawn <= IDLE_FRAMES, f"an idle page ran {drawn} animation frames in 1.5 s (the status tracker's loop?)"
    finally:
        pg.close()


@pytest.fixture
def waiting_app():
    """A bare Gradio app, served with the app's middleware (so with the fix), whose button runs until it is released."""
    from playground.ui.shell import launch_options

    release = threading.Event()

    def wait() -> str:
        release.wait(timeout=60)
        return "done"

    with gr.Blocks() as demo:
        out = gr.Textbox(elem_id="out")
        gr.Button("Go", elem_id="go").click(wait, None, out)
    _, url, _ = demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True,
                            app_kwargs=launch_options()["app_kwargs"])
    try:
        yield url.rstrip("/"), release
    finally:
        release.set()
        demo.close()


def test_a_running_events_timer_still_ticks_and_stops_when_it_ends(browser_context, waiting_app):
    url, release = waiting_app
    pg = counted_page(browser_context)
    try:
        pg.goto(url, wait_until="domcontentloaded")
        pg.locator("#go").wait_for(state="visible", timeout=60_000)
        pg.wait_for_timeout(1_000)
        assert frames_in(pg, 1_000) <= IDLE_FRAMES
        pg.locator("#go").click()
        timer = pg.locator("#out").get_by_text(re.compile(r"\d+\.\ds"))
        expect(timer).to_be_visible()
        first = timer.inner_text()
        expect(timer).not_to_have_text(first)  # the elapsed time moves on
        assert frames_in(pg, 300) > 0, "the tracker's loop did not run while the event was pending"
        release.set()
        expect(pg.locator("#out textarea")).to_have_value("done")
        pg.wait_for_timeout(500)
        drawn = frames_in(pg, 1_000)
        assert drawn <= IDLE_FRAMES, f"after the event ended the page ran {drawn} frames in 1 s"
    finally:
        pg.close()
