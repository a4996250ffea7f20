"""The Attention tab in real headless Chromium: bertviz's head view draws its SVG inside the sandboxed
iframe with no request beyond 127.0.0.1, the heatmaps draw, and lesson 19's by-hand check matches."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import HEATMAP, SLOW, assert_no_outside_requests, open_tab, replace, retype, run_lesson, shot, texts

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
    expect(page.locator("#att-book")).to_contain_text("1.5752")  # the lesson runs the textbook's example too
    expect(page.locator("#att-by-hand .main-svg").first).to_be_attached(timeout=SLOW)
    page.locator("#att-by-hand").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.locator("#att-by-hand").screenshot(path=str(screenshot_dir / "attention_by_hand_steps.png"))
    expect(page.locator(".block.pg-notice")).to_contain_text("Lesson 19")
    shot(page, screenshot_dir, "attention_lesson19.png")
    assert_no_outside_requests(page_log)
    assert not page_log.dialogs


def test_model_view_draws_a_layer_range(page, page_log, screenshot_dir):
    open_tab(page, *TAB)
    retype(page.locator("#att-text textarea"), "<script>alert(1)</script> The keys to the cabinet are on the table.")
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


def test_the_textbooks_example_then_an_edit(page, page_log, screenshot_dir):
    open_tab(page, *TAB)
    page.get_by_text("Self-attention by hand (lesson 19)").click()
    page.locator("#att-book-run").click()
    book = page.locator("#att-book")
    expect(book).to_contain_text("1.5752", timeout=SLOW)  # the output row the book prints
    expect(book).to_contain_text("86.7 %")  # token 2's real weight on itself, in the weights table
    expect(book).to_contain_text("110.1 %")  # the book's misreading, quoted in the note
    book.scroll_into_view_if_needed()
    page.locator("#att-book-q").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(screenshot_dir / "attention_textbook.png"), full_page=True)
    # edit Q's first cell: 1 -> 3, and the example is no longer the book's
    cell = page.locator('#att-book-q [data-testid="cell-0-0"]')
    cell.dblclick()
    # Typed as soon as the cell's editor opened, the edit was lost in 1 run of 12 under load (the cell kept its 1,
    # the run computed the book's matrices). So: type once the editor shows the cell's 1, run once the cell shows 3.
    editor = cell.locator("textarea[aria-label='Edit cell']")
    expect(editor).to_be_focused()
    replace(editor, "3", after="1")
    editor.press("Enter")
    expect(cell.locator("span[data-editable]")).to_have_text("3")
    page.locator("#att-book-run").click()
    expect(book).to_contain_text("Your own matrices", timeout=SLOW)
    page.locator("#att-book-reset").click()
    expect(book).to_contain_text("1.5752", timeout=SLOW)
    assert_no_outside_requests(page_log)
