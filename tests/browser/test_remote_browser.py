"""A model behind a server in real headless Chromium: the Next-token tab shows the top N the server sent
(and says the rest is not sent), the Decoding tab switches off what the server lacks and streams the
server's tokens. The app's settings point at llama-cpp-python serving SmolLM2 (tests/remote_engine.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import SLOW, assert_no_outside_requests, open_app, select_option, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def remote_page(browser_context, remote_app, page_log):
    pg = browser_context.new_page()
    pg.on("request", lambda req: page_log.requests.append(req.url))
    pg.on("dialog", lambda dialog: (page_log.dialogs.append(dialog.message), dialog.dismiss()))
    open_app(pg, remote_app)
    select_option(pg, "#model-picker", re.compile(r"^remote.SmolLM2-135M-Instruct$"))
    expect(pg.locator("#model-status")).to_contain_text("served by", timeout=SLOW)
    try:
        yield pg
    finally:
        pg.close()


def test_next_token_shows_the_top_n_sent_and_the_rest_not_sent(remote_page, page_log, screenshot_dir):
    page = remote_page
    page.get_by_role("tab", name="Next token").click()
    page.locator("#nt-run").click()
    expect(page.locator("#nt-summary")).to_contain_text("50 of 49,152", timeout=SLOW)
    expect(page.locator("#nt-summary")).to_contain_text("the rest is not sent")
    expect(page.locator("#nt-chart svg.main-svg .bars path").first).to_be_attached()
    expect(page.locator("#nt-chart .gtitle")).to_contain_text("the rest is not sent")
    expect(page.locator("#nt-curve")).to_contain_text("needs every token")
    shot(page, screenshot_dir, "remote_next_token.png")
    number = page.locator("#nt-temperature input[type='number']")
    number.fill("0.5")
    number.press("Enter")
    expect(page.locator("#nt-summary")).to_contain_text("Approximate", timeout=SLOW)
    shot(page, screenshot_dir, "remote_next_token_t05.png")
    assert not page_log.dialogs
    assert_no_outside_requests(page_log)


def test_decoding_switches_off_what_the_server_lacks_and_streams(remote_page, page_log, screenshot_dir):
    page = remote_page
    page.get_by_role("tab", name="Decoding").click()
    expect(page.locator("#dec-server-note")).to_contain_text("need the weights", timeout=SLOW)
    expect(page.locator("#dec-beams input[type='number']")).to_be_disabled()
    expect(page.locator("#dec-top-k input[type='number']")).to_be_enabled()
    page.locator("#dec-max-new input[type='number']").fill("8")
    page.locator("#dec-run").click()
    expect(page.locator("#dec-output .pg-gen").nth(7)).to_be_attached(timeout=SLOW)
    expect(page.locator("#dec-output")).to_contain_text("Finished")
    page.get_by_text("The logits pipeline: how one token was chosen").click()
    expect(page.locator("#dec-pipeline-note")).to_contain_text("not its weights or attentions")
    shot(page, screenshot_dir, "remote_decoding.png")
    assert not page_log.dialogs
    assert_no_outside_requests(page_log)
