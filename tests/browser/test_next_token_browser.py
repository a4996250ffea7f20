"""The Next-token tab in real headless Chromium: a lesson draws the chart, the temperature slider
re-shapes it, the logit lens draws its heatmap, and hostile text stays text."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import (
    BARS, HEATMAP, SCATTER, SLOW, assert_no_outside_requests, drawn, open_tab, retype, run_lesson, select_option,
    set_number, shot, texts, toast,
)

pytestmark = pytest.mark.browser


TAB = ("Next token", "#lesson-temperature")  # the tab's name, and an element it shows once open


def test_temperature_lesson_draws_and_the_slider_reshapes(page, page_log, screenshot_dir):
    open_tab(page, *TAB)
    bars = run_lesson(page, "temperature", "#nt-chart")
    assert bars.count() >= 15 * 2, "15 bars at T = 0.5, and the T = 1 outline behind them"
    ticks = texts(page, "#nt-chart .ytick text")
    assert "1. " in ticks and "15. " in ticks, ticks
    drawn(page, "#nt-curve", SCATTER)
    expect(page.locator("#nt-summary .pg-num").first).to_be_visible()
    expect(page.locator(".block.pg-notice")).to_contain_text("Lesson 9")
    shot(page, screenshot_dir, "next_token_temperature.png")

    entropy_before = page.locator("#nt-summary .pg-num").nth(2).inner_text()
    set_number(page, "#nt-temperature", "2")
    expect(page.locator("#nt-chart .gtitle, #nt-chart .xtitle").last).to_contain_text("T = 2", timeout=SLOW)
    expect(page.locator("#nt-summary .pg-num").nth(2)).not_to_have_text(entropy_before)
    assert float(page.locator("#nt-summary .pg-num").nth(2).inner_text()) > float(entropy_before)
    shot(page, screenshot_dir, "next_token_temperature_2.png")
    assert not page_log.dialogs
    assert_no_outside_requests(page_log)


def test_prefix_lesson_and_logit_lens_heatmap(page, page_log, screenshot_dir):
    open_tab(page, *TAB)
    page.locator("#lesson-every-prefix").click()
    prefix = page.locator("#nt-prefix .pg-tok")
    expect(prefix.nth(6)).to_be_visible(timeout=SLOW)
    night = page.locator("#nt-prefix .pg-tok", has_text="night").first
    assert "rank 1 (" in (night.get_attribute("title") or ""), "' night' was the model's best guess after 'stormy'"
    expect(page.locator("#nt-prefix span.pg-tok.pg-guess")).to_be_visible()
    title = prefix.nth(2).get_attribute("title") or ""
    assert "expected" in title and "rank" in title, title

    page.get_by_text("Logit lens: the prediction layer by layer").click()
    page.locator("#nt-lens-run").click()
    drawn(page, "#nt-lens", HEATMAP)
    labels = texts(page, "#nt-lens .ytick text")
    assert "embeddings" in labels and "layer 30" in labels, labels
    cells = texts(page, "#nt-lens .heatmaplayer text, #nt-lens text")
    assert "night" in cells
    page.locator("#nt-lens").scroll_into_view_if_needed()
    shot(page, screenshot_dir, "next_token_lens.png")
    assert_no_outside_requests(page_log)


def test_hostile_prompt_stays_text(page, page_log, screenshot_dir):
    open_tab(page, *TAB)
    prompt = page.locator("#nt-prompt textarea")
    retype(prompt, "<img src=x onerror=alert(1)> <script>alert(2)</script> It was")
    page.locator("#nt-run").click()
    view = page.locator("#nt-prompt-view")
    expect(view).to_contain_text("<script>", timeout=SLOW)
    assert view.locator("script").count() == 0 and view.locator("img").count() == 0
    drawn(page, "#nt-chart", BARS)
    page.wait_for_timeout(500)  # give an injected script every chance to run
    assert not page_log.dialogs, page_log.dialogs
    shot(page, screenshot_dir, "next_token_hostile.png")
    assert_no_outside_requests(page_log)


def test_masked_prompt_without_mask_shows_how_to_fix(page, page_log):
    open_tab(page, *TAB)
    label = select_option(page, "#model-picker", re.compile(r"tiny-bert-mlm"))
    assert "tiny-bert-mlm" in label
    page.locator("#nt-prompt textarea").fill("no blank in this sentence")
    page.locator("#nt-run").click()
    toast(page, re.compile("No mask", re.I))
    assert_no_outside_requests(page_log)
