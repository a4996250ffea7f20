"""The "Why this?" panels in real headless Chromium: the Next-token lesson draws coloured tokens, the bars of two
methods and the completeness card; a target word made of HTML is shown as text and never runs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import SLOW, assert_no_outside_requests, drawn, replace, shot

pytestmark = pytest.mark.browser


def test_why_paris_draws_tokens_bars_and_the_completeness_card(page, page_log, screenshot_dir):
    page.get_by_role("tab", name="Next token").click()
    page.get_by_text("Why this token? Which words of the prompt pushed the prediction").click()
    page.locator("#why-lesson-why-paris").click()
    view = page.locator("#why-next_token-view")
    expect(view).to_contain_text("Completeness", timeout=SLOW)
    expect(view).to_contain_text("Complete:")
    expect(view.locator(".pg-attr")).to_have_count(2)  # integrated gradients and occlusion
    expect(view.locator(".pg-attr-held").first).to_contain_text("endoftext")
    size = view.locator(".pg-attr-text").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 18
    bars = drawn(page, "#why-next_token-plot")  # plotly draws after the view's HTML is on screen
    assert bars.count() >= 10  # 5 words × 2 methods
    ticks = " ".join(t.text_content() or "" for t in page.locator("#why-next_token-plot .ytick text").all())
    assert "France" in ticks and "capital" in ticks, ticks
    expect(page.locator(".block.pg-notice").filter(has_text="France").first).to_be_visible()
    shot(page, screenshot_dir, "attribution_why_paris.png")
    assert_no_outside_requests(page_log)


def test_a_target_word_of_html_is_text(page, page_log, screenshot_dir):
    page.get_by_role("tab", name="Bias probes").click()
    page.get_by_text("Why this word? Which words of the sentence make the target likely").click()
    # Gradio mounts a closed accordion's components when it opens: wait until the panel is there with its own
    # default word, or the typed word can be replaced by that default when the mount finishes (it failed once in CI)
    expect(page.locator("#why-probes-view")).to_contain_text("Press the button")
    replace(page.locator("#why-probes-word textarea"), "<img src=x onerror=alert(1)>", after="nurse")
    page.locator("#why-probes-methods").get_by_text("integrated gradients").click()  # occlusion only: quick
    page.locator("#why-probes-run").click()
    view = page.locator("#why-probes-view")
    expect(view).to_contain_text("onerror", timeout=SLOW)
    assert view.locator("img").count() == 0
    shot(page, screenshot_dir, "attribution_html_word.png")
    assert not page_log.dialogs
    assert_no_outside_requests(page_log)


def test_why_this_token_sits_under_the_logits_pipeline(page, page_log, screenshot_dir):
    page.get_by_role("tab", name="Decoding").click()
    page.get_by_text("The logits pipeline: how one token was chosen").click()
    expect(page.locator("#why-decoding-run")).to_have_text("Why this token?")
    page.locator("#why-lesson-why-berlin").click()
    view = page.locator("#why-decoding-view")
    expect(view).to_contain_text("Greedy continuation", timeout=SLOW)
    expect(view).to_contain_text("Berlin")
    expect(view.locator(".pg-attr")).to_have_count(2)
    drawn(page, "#why-decoding-plot")
    shot(page, screenshot_dir, "attribution_why_berlin.png")
    assert_no_outside_requests(page_log)
