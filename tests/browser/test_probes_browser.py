"""The Bias probes tab in real headless Chromium: lesson 23 fills both sentences, runs the probe and
draws the heatmap and the log-ratio chart; the CSV export downloads."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import BARS, HEATMAP, SLOW, assert_no_outside_requests, drawn, open_tab, retype, shot, texts, toast

pytestmark = pytest.mark.browser

TAB = ("Bias probes", "#bp-fill")  # the tab's name, and an element it shows once open


def test_lesson_23_draws_the_heatmap_and_the_log_ratio(page, page_log, screenshot_dir):
    open_tab(page, *TAB)
    page.locator("#lesson-fill-mask-probes").click()
    expect(page.locator("#bp-fill-view")).to_contain_text("nurse", timeout=SLOW)
    drawn(page, "#bp-fill-chart", BARS)
    drawn(page, "#bp-heatmap", HEATMAP)
    rows = texts(page, "#bp-heatmap .ytick text")
    assert "nurse" in rows and "carpenter" in rows, rows
    bars = drawn(page, "#bp-ratio", BARS)
    assert bars.count() == 16
    expect(page.locator("#bp-summary")).to_contain_text("160 cells")
    ticks = texts(page, "#bp-ratio .ytick text")
    assert "nurse ×" in ticks and "carpenter ×" in ticks, ticks
    expect(page.locator("#bp-spread")).to_contain_text("Depends on the sentence")
    expect(page.locator("#bp-topk table")).to_have_count(2)
    expect(page.locator(".block.pg-notice")).to_contain_text("Lesson 23")
    shot(page, screenshot_dir, "probes_lesson.png")

    with page.expect_download() as download:
        page.locator("#bp-csv").click()
    path = download.value.path()
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    assert lines[0].startswith("model,template,group,target") and len(lines) == 161
    assert_no_outside_requests(page_log)


def test_a_sentence_without_a_mask_gets_a_message(page, page_log, screenshot_dir):
    open_tab(page, *TAB)
    retype(page.locator("#bp-fill-a textarea"), "<b>No blank</b> in this sentence.")
    page.locator("#bp-fill").click()
    expect(toast(page, re.compile("no mask", re.I))).to_contain_text("[MASK]")
    shot(page, screenshot_dir, "probes_no_mask.png")
    assert not page_log.dialogs
