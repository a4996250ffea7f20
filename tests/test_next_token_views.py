"""Next-token views: figure structure, escaping, colours. Built from real results of the tiny GPT-2."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from playground.compute import next_token as nt
from playground.views import next_token as views

EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def result(registry):
    return nt.next_token(registry.load("local/tiny-gpt2"), "It was a dark and stormy")


def evil(result):
    """The same result with a token spelled like markup, as a hostile vocabulary could."""
    tokens = (EVIL,) + result.top_tokens[1:]
    prompt = (dataclasses.replace(result.tokens[0], token=EVIL),) + result.tokens[1:]
    return dataclasses.replace(result, top_tokens=tokens, tokens=prompt, notices=(EVIL,))


@pytest.mark.parametrize("scale", views.SCALES)
def test_topk_figure_has_one_bar_per_token_best_on_top(result, scale):
    dist = nt.distribution(result, 1.0, 7)
    fig = views.topk_figure(result, dist, scale)
    assert len(fig.data) == 1 and len(fig.data[0].y) == 7
    assert fig.data[0].y[0].startswith("1. ") and fig.layout.yaxis.autorange == "reversed"
    expected = {"probability": [c.prob for c in dist.top], "logit": [c.logit for c in dist.top],
                "log-probability": [c.logprob for c in dist.top]}[scale]
    assert np.allclose(fig.data[0].x, expected)
    assert fig.layout.font.size >= 18


def test_temperature_draws_the_t1_distribution_as_an_outline(result):
    fig = views.topk_figure(result, nt.distribution(result, 0.5, 5), "probability")
    assert [t.name for t in fig.data] == ["T = 0.5", "T = 1 (outline)"]
    assert np.allclose(fig.data[1].x, [c.prob_t1 for c in nt.distribution(result, 0.5, 5).top])
    assert "T = 0.5" in fig.layout.xaxis.title.text
    zero = views.topk_figure(result, nt.distribution(result, 0, 5), "log-probability")
    assert zero.data[0].x[1] is None and zero.data[0].text[1] == "−∞"


def test_markup_in_tokens_is_escaped_everywhere(result):
    bad = evil(result)
    dist = nt.distribution(bad, 1.0, 5)
    fig = views.topk_figure(bad, dist)
    assert EVIL not in fig.to_json() and "&lt;script&gt;" in fig.data[0].y[0]
    for html in (views.summary_html(bad, dist), views.prompt_html(bad)):
        assert "<script>" not in html and "&lt;script&gt;" in html


def test_summary_cards_show_shape_entropy_and_sum(result):
    dist = nt.distribution(result, 1.0, 10)
    html = views.summary_html(result, dist)
    b, t, v = result.logits_shape
    assert f"({b}, {t}, {v})" in html and f"{dist.entropy_bits:.2f}" in html and "1.000000" in html


def test_entropy_figure_marks_the_current_temperature(result):
    dist = nt.distribution(result, 2.0, 5)
    fig = views.entropy_figure(nt.entropy_curve(result, [0.5, 1, 2, 3]), dist)
    assert list(fig.data[1].x) == [2.0] and fig.data[1].y[0] == pytest.approx(dist.entropy_bits)


def test_prefix_view_colours_by_surprise_and_lists_every_position(result):
    html = views.prefix_html(result)
    assert html.count('<span class="pg-tok') == len(result.tokens) + 1  # every token, then the next guess
    assert views.surprise_colour(0) == "hsl(120, 75%, 78%)" and views.surprise_colour(99) == "hsl(0, 75%, 78%)"
    rows = views.prefix_rows(result)
    assert len(rows) == len(result.prefix) and rows[-1][4] == "(end of prompt)"
    assert len(views.PREFIX_HEADERS) == len(rows[0])
    masked = dataclasses.replace(result, prefix=())
    assert "masked LM" in views.prefix_html(masked)


def test_continuations_sorted_and_marked(registry):
    gpt = registry.load("local/tiny-gpt2")
    scores = nt.score_continuations(gpt, "It was a", [" dark", " runner stormy"])
    rows = views.continuation_rows(scores)
    assert rows[0][3] >= rows[1][3] and len(rows[0]) == len(views.CONT_HEADERS)
    fig = views.continuation_figure(scores)
    assert fig.layout.xaxis.type == "log" and any(y.endswith(" *") for y in fig.data[0].y)


def test_compare_figure_uses_the_union_of_both_top_lists(result, registry):
    other = nt.next_token(registry.load("local/tiny-gpt2"), "run runs running")
    a, b = (result, nt.distribution(result, 1.0, 5)), (other, nt.distribution(other, 1.0, 5))
    fig = views.compare_figure(a, b)
    union = {c.id for c in a[1].top} | {c.id for c in b[1].top}
    assert len(fig.data) == 2 and len(fig.data[0].y) == min(len(union), 12)
    html = views.compare_html(a, b, (EVIL, "B"))
    assert "<script>" not in html and "top" in html


def test_lens_figure_is_layers_by_positions(registry):
    lens = nt.logit_lens(registry.load("local/tiny-gpt2"), "It was a dark")
    fig = views.lens_figure(lens)
    heat = fig.data[0]
    assert len(heat.z) == len(lens.layers) and len(heat.z[0]) == len(lens.tokens)
    assert list(heat.y) == list(lens.layers) and heat.text[0][0] and "<br>" in heat.customdata[0][0]
    assert "differs from the model&#x27;s logits by at most" in views.lens_html(lens)
