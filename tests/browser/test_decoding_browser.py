"""The Decoding tab in real headless Chromium: tokens stream in and the Stop button stops them, the
logits pipeline draws its stages, the beam tree draws its hypotheses, and side by side marks the
first difference."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import (
    HEATMAP, SLOW, assert_no_outside_requests, drawn, open_tab, retype, select_option, set_number, shot, texts,
    toast,
)

pytestmark = pytest.mark.browser


TAB = ("Decoding", "#lesson-top-k-top-p")  # the tab's name, and an element it shows once open


def test_streaming_shows_tokens_as_they_come_and_stop_stops(page, page_log, screenshot_dir):
    open_tab(page, *TAB)
    retype(page.locator("#dec-prompt textarea"), "Once upon a time")
    select_option(page, "#dec-strategy", re.compile(r"^sampling$"))
    expect(page.locator("#dec-sample input[type='checkbox']")).to_be_checked()
    set_number(page, "#dec-max-new", "256")
    page.locator("#dec-run").click()

    generated = page.locator("#dec-output .pg-gen")
    expect(generated.nth(2)).to_be_attached(timeout=SLOW)
    expect(page.locator("#dec-output .pg-cursor")).to_be_attached()  # still running: the text grows
    during = generated.count()
    # within 800 ms, as before, but done as soon as one more token is there
    expect(generated.nth(during), "tokens keep arriving while the generation runs").to_be_attached(timeout=800)
    shot(page, screenshot_dir, "decoding_streaming.png")

    page.locator("#dec-stop").click()
    expect(page.locator("#dec-output")).to_contain_text("Finished: stopped", timeout=SLOW)
    n = generated.count()
    assert 3 <= n < 256, f"the Stop button ended the generation early ({n} tokens)"
    page.wait_for_timeout(1_500)  # a pause on purpose: nothing may arrive within it
    assert generated.count() == n, "no token arrives after Stop"
    tip = generated.nth(1).get_attribute("title") or ""
    assert "model p" in tip and "top 10" in tip, tip
    expect(page.locator("#dec-summary")).to_contain_text("tokens / second")
    shot(page, screenshot_dir, "decoding_stopped.png")
    assert not page_log.dialogs
    assert_no_outside_requests(page_log)


def test_top_k_top_p_lesson_draws_the_logits_pipeline(page, page_log, screenshot_dir):
    open_tab(page, *TAB)
    page.locator("#lesson-top-k-top-p").click()
    expect(page.locator("#dec-output")).to_contain_text("Finished", timeout=SLOW)
    assert page.locator("#dec-output .pg-gen").count() >= 10
    drawn(page, "#dec-pipeline", HEATMAP)
    columns = texts(page, "#dec-pipeline .xtick text")
    for stage in ("raw logits", "TopK", "TopP", "renormalised"):
        assert stage in columns, columns
    rows = texts(page, "#dec-pipeline .ytick text")
    assert "▶" in rows, "the chosen token is marked"
    expect(page.locator("#dec-pipeline-note")).to_contain_text("Removed")
    expect(page.locator(".block.pg-notice")).to_contain_text("Lesson 13")
    page.locator("#dec-pipeline").scroll_into_view_if_needed()
    shot(page, screenshot_dir, "decoding_pipeline.png")

    page.locator("#dec-output .pg-gen").nth(6).click()  # a click on a token shows its step
    expect(page.locator("#dec-pipeline .gtitle")).to_contain_text("Step 7", timeout=SLOW)
    assert_no_outside_requests(page_log)


def test_beam_lesson_draws_the_tree_and_side_by_side_marks_the_divergence(page, page_log, screenshot_dir):
    open_tab(page, *TAB)
    page.locator("#lesson-beam-search").click()
    expect(page.locator("#dec-output")).to_contain_text("Finished", timeout=SLOW * 2)
    markers = drawn(page, "#dec-tree", "svg.main-svg .scatterlayer .point")
    assert markers.count() >= 5 * 10, "5 beams × 2 candidates per step, for most of 12 steps"
    legend = page.locator("#dec-tree .legendtext").all_text_contents()
    assert {"kept", "pruned"} <= set(legend), legend
    expect(page.locator("#dec-sequences")).to_contain_text("score")
    page.locator("#dec-tree").scroll_into_view_if_needed()
    shot(page, screenshot_dir, "decoding_beam_tree.png")

    page.locator("#lesson-greedy-vs-beam").click()
    expect(page.locator("#dec-compare-view")).to_contain_text("first differ", timeout=SLOW * 2)
    expect(page.locator("#dec-compare-view th.pg-div")).to_have_count(1)
    expect(page.locator("#dec-compare-view")).to_contain_text("log p of the whole sequence")
    page.locator("#dec-compare-view").scroll_into_view_if_needed()
    shot(page, screenshot_dir, "decoding_compare.png")
    assert_no_outside_requests(page_log)


def test_top_p_zero_gets_a_message_that_says_what_to_do(page, page_log, screenshot_dir):
    open_tab(page, *TAB)
    select_option(page, "#dec-strategy", re.compile(r"^top-p sampling$"))
    # The strategy's event sets the knobs it names (top_p among them): wait for it, or its answer may arrive after
    # the 0 typed below and put 0.9 back.
    # the knobs it sets can reach the page one after the other: wait for top_p's own 0.9 too (once in CI the 0 was
    # typed before it, and generate() ran at 0.9)
    expect(page.locator("#dec-sample input[type='checkbox']")).to_be_checked()
    set_number(page, "#dec-top-p", "0", after="0.9")
    page.locator("#dec-run").click()
    expect(toast(page, re.compile("top_p must be above 0"))).to_contain_text("greedy")
    shot(page, screenshot_dir, "decoding_top_p_zero.png")
    assert not page_log.dialogs
