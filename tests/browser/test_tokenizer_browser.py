"""The Tokenizer tab in real headless Chromium: lessons, odd input, side by side, errors.

Each test opens a fresh tab on the live app (fixture `page`, which also fails the test if the page
requested anything beyond 127.0.0.1) and saves a screenshot under artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# The first tokenizer load can take a while (SmolLM2's is converted from GGUF once per machine).
SLOW = 90_000

ODD_TEXT = "<script>alert(1)</script> 漢字 🙂 e\u0301 <b>bold</b>"


def wait_until_idle(page: Page) -> None:
    """Let the page-load event (which re-checks the catalog and resets the model picker) finish
    before a test changes anything, or the reset can overwrite the test's choice."""
    try:
        page.wait_for_load_state("networkidle", timeout=15_000)
    except Exception:  # a long-lived connection keeps the network busy: fall back to a short pause
        page.wait_for_timeout(1_500)


def shot(page: Page, screenshot_dir, name: str) -> None:
    page.wait_for_timeout(300)  # let transitions (accordions, toasts) settle
    page.screenshot(path=str(screenshot_dir / name), full_page=True)


def assert_no_outside_requests(page_log) -> None:
    assert page_log.requests, "no requests were recorded: the request hook is not working"
    assert not page_log.outside, f"the page requested resources beyond 127.0.0.1: {page_log.outside}"


def select_option(page: Page, dropdown: str, pattern: re.Pattern) -> str:
    """Pick an option of a Gradio 6 dropdown: open its list, click the option whose label matches."""
    box = page.locator(f"{dropdown} input[role='combobox']")
    box.click()
    option = page.get_by_role("option", name=pattern)
    expect(option.first).to_be_visible(timeout=10_000)
    label = option.first.inner_text().strip()
    option.first.click()
    return label


def test_lesson_subwords_shows_spans_table_counts_and_notice(page, page_log, screenshot_dir):
    wait_until_idle(page)
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
    wait_until_idle(page)
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
    wait_until_idle(page)
    page.locator("#lesson-special-tokens").click()

    bars = page.locator(".js-plotly-plot svg.main-svg .bars path, .js-plotly-plot svg.main-svg .point path")
    expect(bars.first).to_be_attached(timeout=SLOW)
    assert bars.count() >= 2, "the comparison chart should have one bar per tokenizer"
    ticks = page.locator(".js-plotly-plot .xtick text")
    expect(ticks.first).to_be_attached()
    tick_text = " ".join(t.text_content() or "" for t in ticks.all())
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
