"""The Prompting tab in real headless Chromium: lesson 16 classifies a review, draws both charts and
evaluates 120 reviews into a confusion matrix; a template without {text} gets a message."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import HEATMAP, SLOW, assert_no_outside_requests, drawn, open_tab, retype, shot, texts, toast

pytestmark = pytest.mark.browser

TAB = ("Prompting", "#pr-run")  # the tab's name, and an element it shows once open


def test_lesson_16_scores_the_labels_and_draws_the_confusion_matrix(page, page_log, screenshot_dir):
    open_tab(page, *TAB)
    page.locator("#lesson-zero-shot-sentiment").click()
    expect(page.locator("#pr-summary")).to_contain_text("negative", timeout=SLOW)
    expect(page.locator("#pr-prompt pre")).to_contain_text("Review: The soup was cold")
    bars = drawn(page, "#pr-chart")
    assert bars.count() == 2 + 10  # the two labels, then the raw top 10
    ticks = texts(page, "#pr-chart .xtick text")
    assert "positive" in ticks and "negative" in ticks, ticks
    expect(page.locator("#pr-metrics")).to_contain_text("zero-shot", timeout=SLOW)
    drawn(page, "#pr-confusion-0", HEATMAP)
    # each cell reads "<count>" on its first line and the row's share on the second
    cells = page.locator("#pr-confusion-0 .heatmaplayer text").evaluate_all(
        "els => els.map(e => (e.querySelector('tspan.line') || e).textContent)")
    assert len(cells) == 4 and sum(int(c) for c in cells) == 120, cells
    title = page.locator("#pr-confusion-0 .gtitle").text_content() or ""
    assert "accuracy" in title, title
    expect(page.locator(".block.pg-notice")).to_contain_text("Lesson 16")
    page.locator("#pr-confusion-0").scroll_into_view_if_needed()
    shot(page, screenshot_dir, "prompting_confusion.png")
    page.locator("#pr-chart").scroll_into_view_if_needed()
    shot(page, screenshot_dir, "prompting_zero_shot.png")
    assert_no_outside_requests(page_log)


def test_a_template_without_text_gets_a_message(page, page_log, screenshot_dir):
    open_tab(page, *TAB)
    retype(page.locator("#pr-template textarea"), "<b>Review</b> Sentiment:")
    page.locator("#pr-run").click()
    toast(page, re.compile("no \\{text\\}", re.I))
    shot(page, screenshot_dir, "prompting_no_text.png")
    assert not page_log.dialogs
