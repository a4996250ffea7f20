"""The Next-token tab's handlers, presets and API functions called as plain functions."""

from __future__ import annotations

import gradio as gr
import pytest

from playground.presets import load_presets
from playground.ui.next_token_tab import (
    apply_lesson, build_next_token_tab, compare_prompts, logit_lens_api, next_token_api, predict_next_token,
    reshape_distribution, run_logit_lens, score_continuations,
)
from tests.conftest import tab_context

SMOL = "SmolLM2-135M-Instruct"


def progress(fraction, desc=None):
    pass


@pytest.fixture(scope="module")
def ctx(registry, settings):
    return tab_context(settings, registry, build_next_token_tab)


def predict(ctx, prompt, model=SMOL, k=10, t=1.0, scale="probability", mask_no=1, decoder=""):
    return predict_next_token(ctx, prompt, model, "auto", "auto", k, t, scale, mask_no, decoder, progress=progress)


def test_predict_fills_every_view(ctx):
    state, prompt_view, summary, chart, curve, table, prefix_view, prefix_table = predict(ctx,
                                                                                           "It was a dark and stormy")
    assert state.top_tokens[0] == " night" and len(table) == 10 and table[0][1] == "·night"
    assert "(1, 7, 49152)" in summary and "pg-target" in prompt_view
    assert len(chart.data[0].y) == 10 and len(curve.data) == 2
    # the start token, the six words (each coloured by surprise, the first one too) and the next guess
    assert prefix_view.count('<span class="pg-tok') == 8 and len(prefix_table) == 7
    assert "start token" in prefix_view and prefix_table[0][1] == "(start)"


def test_reshape_needs_no_forward_pass_and_skips_before_a_run(ctx):
    state = predict(ctx, "It was a dark and stormy")[0]
    summary, chart, curve, table = reshape_distribution(ctx, state, 5, 2.0, "log-probability")
    assert len(table) == 5 and [t.name for t in chart.data] == ["T = 2", "T = 1 (outline)"]
    assert all(out is not None for out in (summary, curve))
    skipped = reshape_distribution(ctx, None, 5, 2.0, "probability")
    assert len(skipped) == 4


@pytest.mark.parametrize("model", ["local/tiny-gpt2", "local/tiny-bert-mlm", "local/tiny-t5"])
def test_every_family_runs(ctx, model):
    prompt = "the man worked as a [MASK]." if "bert" in model else "It was a dark"
    state = predict(ctx, prompt, model=model, decoder="la")[0]
    assert state.family in {"causal", "masked", "seq2seq"}


def test_continuations_lens_and_compare(ctx):
    fig, rows = score_continuations(ctx, "It was a dark and stormy", SMOL, "auto", "auto", "night, day", True, 1,
                                    "", progress=progress)
    assert rows[0][0] == "·night" and len(fig.data[0].y) == 2
    lens_fig, note = run_logit_lens(ctx, "It was a dark", SMOL, "auto", "auto", progress=progress)
    assert len(lens_fig.data[0].z) == 31 and "differs" in note
    html, cmp_fig = compare_prompts(ctx, None, "It was a dark and stormy", "It was a bright and sunny", SMOL, "auto",
                                    "auto", 10, 1.0, 1, "", progress=progress)
    assert "night" in html and "day" in html and "changed" in html and len(cmp_fig.data) == 2


@pytest.mark.parametrize("call, match", [
    (lambda c: score_continuations(c, "x", SMOL, "auto", "auto", " , ", True, 1, "", progress=progress), "empty"),
    (lambda c: predict(c, "no mask", model="local/tiny-bert-mlm"), "No mask"),
    (lambda c: predict(c, "x", model="all-MiniLM-L6-v2"), "cannot do next-token"),
    (lambda c: predict(c, "x", model="gpt2"), "unavailable"),
    (lambda c: predict(c, "x" * 60_000), "limit is"),
    (lambda c: predict(c, "x", k=0), "from 1 to 50"),
    (lambda c: run_logit_lens(c, "x", "local/tiny-bert-mlm", "auto", "auto", progress=progress), "causal"),
    (lambda c: next_token_api(c, "x", SMOL, 10, -1), "temperature 0 or more"),
    (lambda c: next_token_api(c, "x", SMOL, "ten", 1.0), "whole number"),
])
def test_bad_inputs_become_readable_errors(ctx, call, match):
    with pytest.raises(gr.Error, match=match):
        call(ctx)


def test_api_defaults_to_the_default_model(ctx):
    data = next_token_api(ctx, "It was a dark and stormy")
    assert data["model"] == SMOL and data["top"][0]["token"] == " night" and len(data["top"]) == 10
    lens = logit_lens_api(ctx, "It was a dark and stormy")
    assert lens["cells"][-1][-1]["top"][0]["token"] == " night"


def test_presets_cover_lessons_5_to_9_and_run_offline(ctx):
    presets = load_presets("next_token")
    assert [p.lesson for p in presets] == [5, 6, 6, 7, 8, 9]  # lesson 6 in English, then in Chinese
    by_id = {p.id: p for p in presets}
    for preset in presets:
        values = apply_lesson(ctx, preset.id)
        prompt, model, k, temperature, scale = values[:5]
        assert model == SMOL and prompt == preset.text and 1 <= k <= 50 and scale in ("probability", "logit")
        notice = values[7]
        assert "What to notice" in notice.value and "Offline" in notice.value
        state = predict(ctx, prompt, model=model, k=k, t=temperature, scale=scale)[0]
        assert state.tokens
    six = predict(ctx, by_id["every-prefix"].text)[0]
    assert six.prefix[-1].best_token == " night" or six.prefix[-2].best_token == " night"
    poke = by_id["poke"].params
    last = predict(ctx, by_id["poke"].text)[0]
    html, _ = compare_prompts(ctx, last, by_id["poke"].text, poke["prompt_b"], SMOL, "auto", "auto", 10, 1.0, 1, "",
                              progress=progress)
    assert "night" in html and "day" in html


def test_preset_ids_are_unique_across_tabs():
    ids = [p.id for tab in ("tokenizer", "next_token", "decoding", "probes", "prompting", "attention")
           for p in load_presets(tab)]
    assert len(ids) == len(set(ids))  # they become elem_ids lesson-<id>
