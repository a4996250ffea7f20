"""The Tokenizer tab in real headless Chromium: lessons, odd input, side by side, errors.

Each test opens a fresh tab on the live app (fixture `page`, which also fails the test if the page
requested anything beyond 127.0.0.1) and saves a screenshot under artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import SLOW, assert_no_outside_requests, drawn, shot, texts

pytestmark = pytest.mark.browser

ODD_TEXT = "<script>alert(1)</script> 漢字 🙂 e\u0301 <b>bold</b>"


def test_lesson_subwords_shows_spans_table_counts_and_notice(page, page_log, screenshot_dir):
    page.locator("#lesson-subwords").click()

    spans = page.locator("#tok-spans .pg-tok")
    expect(spans.nth(4)).to_be_visible(timeout=SLOW)
    assert spans.count() >= 5
    title = spans.first.get_attribute("title") or ""
    assert "id" in title, title
    # assets/playground.css is served and applied: neighbouring spans get different colours.
    colours = {spans.nth(i).evaluate("e => getComputedStyle(e).backgroundColor") for i in range(4)}
    assert len(colours) >= 2 and "rgba(0, 0, 0, 0)" not in colours, colours

    # Gradio 6's dataframe is a virtual grid: body rows are div[role=row] (drawn as far as they show).
    rows = page.locator("#tok-table div[role='row']")
    expect(rows.first).to_be_visible(timeout=SLOW)
    assert rows.count() >= 5
    first_id = page.locator("#tok-table [data-testid='cell-0-1']").inner_text().strip()
    assert first_id.isdigit(), f"the id column should hold numbers, got {first_id!r}"
    expect(page.locator("#tok-table")).to_contain_text("stormy")

    nums = page.locator("#tok-counts .pg-num")
    expect(nums.first).to_be_visible()
    values = [n.inner_text().strip() for n in nums.all()]
    assert len(values) == 6 and all(re.fullmatch(r"[\d,]+(\.\d+)?", v) for v in values), values
    assert int(values[2].replace(",", "")) == spans.count(), "the token card disagrees with the spans"

    notice = page.locator(".block.pg-notice")  # Gradio puts elem_classes on the block and the prose
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("What to notice")

    shot(page, screenshot_dir, "tokenizer_lesson1.png")
    assert not page_log.dialogs
    assert_no_outside_requests(page_log)


def test_odd_input_is_escaped_and_grouped(page, page_log, screenshot_dir):
    text = page.get_by_role("textbox", name=re.compile(r"^Text\b"))
    text.fill(ODD_TEXT)
    page.locator("#tokenize-btn").click()

    box = page.locator("#tok-spans")
    expect(box).to_contain_text("<script>", timeout=SLOW)
    expect(box).to_contain_text("bold")
    shown = box.inner_text()
    assert "<script>" in shown and "<b>" in shown, shown
    assert "\ufffd" not in shown, f"a replacement character leaked into the spans: {shown!r}"
    # Escaped, not parsed: no element from the user's text exists in the page.
    assert box.locator("script").count() == 0 and box.locator("b").count() == 0

    multi = box.locator(".pg-multi")
    expect(multi.first).to_be_visible()
    multi_texts = [m.inner_text() for m in multi.all()]
    assert any("漢" in t or "字" in t for t in multi_texts), multi_texts
    cjk = box.locator(".pg-multi", has_text="漢").first
    assert "byte pieces" in (cjk.get_attribute("title") or "")

    page.wait_for_timeout(500)  # give an injected script every chance to run
    assert not page_log.dialogs, f"a dialog fired: the input ran as script: {page_log.dialogs}"
    shot(page, screenshot_dir, "tokenizer_odd_input.png")
    assert_no_outside_requests(page_log)


def test_lesson_special_tokens_draws_comparison(page, page_log, screenshot_dir):
    page.locator("#lesson-special-tokens").click()

    bars = drawn(page, ".js-plotly-plot", "svg.main-svg .bars path, svg.main-svg .point path")
    assert bars.count() >= 2, "the comparison chart should have one bar per tokenizer"
    expect(page.locator(".js-plotly-plot .xtick text").first).to_be_attached()
    tick_text = texts(page, ".js-plotly-plot .xtick text")
    assert "all-MiniLM-L6-v2" in tick_text and "SmolLM2-135M-Instruct" in tick_text, tick_text

    heads = page.locator(".pg-cmp .pg-cmp-head")
    expect(heads.first).to_be_visible(timeout=SLOW)
    head_text = " | ".join(h.inner_text() for h in heads.all())
    assert "SmolLM2-135M-Instruct" in head_text and "all-MiniLM-L6-v2" in head_text, head_text
    minilm = page.locator(".pg-cmp", has_text="all-MiniLM-L6-v2")
    cls = minilm.locator(".pg-special", has_text="[CLS]")
    expect(cls.first).to_be_visible()
    bg = cls.first.evaluate("e => getComputedStyle(e).backgroundColor")
    r, g, b = (int(v) for v in re.findall(r"\d+", bg)[:3])
    assert max(r, g, b) < 100, f"special-token chips should be dark, got {bg}"

    # The main spans show the chat template's special tokens as chips too.
    expect(page.locator("#tok-spans .pg-special").first).to_be_visible(timeout=SLOW)

    shot(page, screenshot_dir, "tokenizer_compare.png")
    assert not page_log.dialogs
    assert_no_outside_requests(page_log)
