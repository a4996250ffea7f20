"""The Embeddings tab in real headless Chromium: lesson 22 draws the similarity heatmap and the projector's
map, a point picked from the list redraws its neighbours, and the FAQ lesson answers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import SLOW, assert_no_outside_requests, drawn, select_option, shot

pytestmark = pytest.mark.browser


def open_lesson(page, lesson: str) -> None:
    page.get_by_role("tab", name="Embeddings").click()
    page.locator(f"#lesson-{lesson}").click()


def heatmap_drawn(page, plot: str) -> None:
    """Plotly draws a heatmap as an image inside the plot's SVG."""
    image = page.locator(f"{plot} svg.main-svg .heatmaplayer image, {plot} svg.main-svg .hm image")
    expect(image.first).to_be_attached(timeout=SLOW)


def test_lesson_22_draws_the_similarity_heatmap_and_the_projector(page, page_log, screenshot_dir):
    open_lesson(page, "sentence-similarity")
    heatmap_drawn(page, "#emb-similarity")
    ticks = " ".join(t.text_content() or "" for t in page.locator("#emb-similarity .ytick text").all())
    assert "A man is playing a guitar." in ticks and "I forgot my login" in ticks, ticks
    cells = [t.text_content() or "" for t in page.locator("#emb-similarity svg.main-svg text").all()]
    assert "0.72" in cells, cells  # the guitar pair's cell, as the notice says
    expect(page.locator("#emb-sentences-summary")).to_contain_text("sentence-transformers")

    points = page.locator("#emb-projector svg.main-svg .scatterlayer .point")
    expect(points.first).to_be_attached(timeout=SLOW)
    assert points.count() >= 7
    labels = " ".join(t.text_content() or "" for t in page.locator("#emb-projector .scatterlayer text").all())
    assert "Someone is strumming a guitar." in labels, labels
    legend = " ".join(t.text_content() or "" for t in page.locator("#emb-projector .legendtext").all())
    assert "guitar" in legend and "passwords" in legend, legend
    expect(page.locator("#emb-projector-neighbours tr").nth(1)).to_contain_text("Someone is strumming a guitar.")
    expect(page.locator(".block.pg-notice").first).to_contain_text("Lesson 22")
    page.locator("#emb-projector").scroll_into_view_if_needed()
    shot(page, screenshot_dir, "embeddings_lesson22_sentences.png")

    # pick another point: its neighbours replace the first point's
    select_option(page, "#emb-point", re.compile(r"^4\. How do I reset my password"))
    expect(page.locator("#emb-projector-neighbours b")).to_contain_text("How do I reset my password?", timeout=SLOW)
    nearest = page.locator("#emb-projector-neighbours tr").nth(1)  # the first row after the header
    expect(nearest).to_contain_text("I forgot my login credentials.")
    expect(page.locator("#emb-projector .legendtext", has_text="chosen")).to_contain_text("reset my password")
    page.locator("#emb-projector").screenshot(path=str(screenshot_dir / "embeddings_projector.png"))
    assert not page_log.dialogs
    assert_no_outside_requests(page_log)


def test_lesson_22_token_position_and_faq(page, page_log, screenshot_dir):
    open_lesson(page, "token-position")
    expect(page.locator("#emb-token-info")).to_contain_text("2,332", timeout=SLOW)
    bars = drawn(page, "#emb-token-neighbours")
    assert bars.count() == 10
    expect(page.locator("#emb-first-summary")).to_contain_text("equal to what the model computed", timeout=SLOW)
    heatmap_drawn(page, "#emb-first-vectors")
    heatmap_drawn(page, "#emb-positions")
    heatmap_drawn(page, "#emb-positions-2")
    shot(page, screenshot_dir, "embeddings_lesson22_tokens.png")

    page.locator("#lesson-faq").click()
    expect(page.locator("#emb-faq-answers")).to_contain_text("without an internet connection", timeout=SLOW)
    expect(page.locator("#emb-faq-answers")).to_contain_text("Best answer")
    page.locator("#emb-faq-answers").scroll_into_view_if_needed()
    shot(page, screenshot_dir, "embeddings_faq.png")

    page.locator("#lesson-rotary").click()  # SmolLM2: no position matrix, the rotary curves instead
    expect(page.locator("#emb-token-info")).to_contain_text("4,197", timeout=SLOW)
    expect(page.locator("#emb-positions-summary")).to_contain_text("no position matrix to show", timeout=SLOW)
    curve = page.locator("#emb-positions-2 svg.main-svg .scatterlayer .trace")
    expect(curve.first).to_be_attached(timeout=SLOW)
    assert curve.count() == 2  # through the model's rotary module, and the formula
    expect(page.locator("#emb-first-summary")).to_contain_text("the token embedding alone", timeout=SLOW)
    shot(page, screenshot_dir, "embeddings_rotary.png")
    assert_no_outside_requests(page_log)
