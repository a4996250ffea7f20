"""The Attention tab in real headless Chromium: bertviz's head view draws its SVG inside the sandboxed
iframe with no request beyond 127.0.0.1, the heatmaps draw, and lesson 19's by-hand check matches."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import HEATMAP, SLOW, assert_no_outside_requests, open_tab, run_lesson, shot, texts

pytestmark = pytest.mark.browser

TAB = ("Attention", "#att-run")  # the tab's name, and an element it shows once open


def test_lesson_19_draws_bertviz_offline_and_the_by_hand_check(page, page_log, screenshot_dir):
    open_tab(page, *TAB)
    run_lesson(page, "attention-by-hand", "#att-heatmap", HEATMAP)
    ticks = texts(page, "#att-heatmap .xtick text")
    assert "cat" in ticks and "tired" in ticks, ticks

    frame = page.frame_locator("#att-head-view iframe")
    expect(frame.locator("body[data-drawn-ms]")).to_be_attached(timeout=SLOW)
    lines = frame.locator("svg line")
    assert lines.count() > 100, lines.count()  # one line per (query, key) pair and head
    expect(frame.locator("text", has_text="tired").first).to_be_attached()
    # the layer menu is bertviz's own and redraws on change
    page.locator("#att-head-view iframe").scroll_into_view_if_needed()
    frame.locator("#layer").select_option("5")
    expect(frame.locator("svg line").first).to_be_attached()
    frame.locator("text", has_text="cat").first.hover()
    shot(page, screenshot_dir, "attention_head_view.png")

    expect(page.locator("#att-by-hand-summary")).to_contain_text("equal to what the model computed", timeout=SLOW)
    assert "NOT equal" not in page.locator("#att-by-hand-summary").inner_text()
    expect(page.locator(".block.pg-notice")).to_contain_text("Lesson 19")
    shot(page, screenshot_dir, "attention_lesson19.png")
    assert_no_outside_requests(page_log)
    assert not page_log.dialogs


def test_model_view_draws_a_layer_range(page, page_log, screenshot_dir):
    open_tab(page, *TAB)
    page.locator("#att-text textarea").fill("<script>alert(1)</script> The keys to the cabinet are on the table.")
    page.locator("#att-run").click()
    expect(page.locator("#att-head-view iframe")).to_be_attached(timeout=SLOW)
    page.get_by_text("bertviz model view").click()
    page.locator("#att-model-view-run").click()
    frame = page.frame_locator("#att-model-view iframe")
    expect(frame.locator("body[data-drawn-ms]")).to_be_attached(timeout=SLOW)
    assert frame.locator("svg line").count() > 100
    # a full-page capture leaves an iframe below the fold blank: capture the view itself, in view
    page.locator("#att-model-view iframe").scroll_into_view_if_needed()
    page.locator("#att-model-view").screenshot(path=str(screenshot_dir / "attention_model_view.png"),
                                               animations="disabled")
    assert not page_log.dialogs  # the <script> token was drawn as text, never run
    assert_no_outside_requests(page_log)
