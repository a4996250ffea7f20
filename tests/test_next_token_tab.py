"""The Next-token tab's handlers, presets and API functions called as plain functions."""

from __future__ import annotations

import gradio as gr
import pytest

from playground.presets import load_presets
from playground.ui.common import AppContext
from playground.ui.next_token_tab import build_next_token_tab

SMOL = "SmolLM2-135M-Instruct"


def progress(fraction, desc=None):
    pass


@pytest.fixture(scope="module")
def tab(registry, settings):
    with gr.Blocks():
        model = gr.Dropdown(choices=[SMOL], value=SMOL)
        ctx = AppContext(settings=settings, models=registry, model=model, device=gr.Dropdown(), dtype=gr.Dropdown())
        return build_next_token_tab(ctx)


def predict(tab, prompt, model=SMOL, k=10, t=1.0, scale="probability", mask_no=1, decoder=""):
    return tab["handlers"]["predict"](prompt, model, "auto", "auto", k, t, scale, mask_no, decoder, progress=progress)


def test_predict_fills_every_view(tab):
    state, prompt_view, summary, chart, curve, table, prefix_view, prefix_table = predict(tab, "It was a dark and stormy")
    assert state.top_tokens[0] == " night" and len(table) == 10 and table[0][1] == "·night"
    assert "(1, 7, 49152)" in summary and "pg-target" in prompt_view
    assert len(chart.data[0].y) == 10 and len(curve.data) == 2
    # the start token, the six words (each coloured by surprise, the first one too) and the next guess
    assert prefix_view.count('<span class="pg-tok') == 8 and len(prefix_table) == 7
    assert "start token" in prefix_view and prefix_table[0][1] == "(start)"


def test_reshape_needs_no_forward_pass_and_skips_before_a_run(tab):
    state = predict(tab, "It was a dark and stormy")[0]
    summary, chart, curve, table = tab["handlers"]["reshape"](state, 5, 2.0, "log-probability")
    assert len(table) == 5 and [t.name for t in chart.data] == ["T = 2", "T = 1 (outline)"]
    assert all(out is not None for out in (summary, curve))
    skipped = tab["handlers"]["reshape"](None, 5, 2.0, "probability")
    assert len(skipped) == 4


@pytest.mark.parametrize("model", ["local/tiny-gpt2", "local/tiny-bert-mlm", "local/tiny-t5"])
def test_every_family_runs(tab, model):
    prompt = "the man worked as a [MASK]." if "bert" in model else "It was a dark"
    state = predict(tab, prompt, model=model, decoder="la")[0]
    assert state.family in {"causal", "masked", "seq2seq"}


def test_continuations_lens_and_compare(tab):
    h = tab["handlers"]
    fig, rows = h["continuations"]("It was a dark and stormy", SMOL, "auto", "auto", "night, day", True, 1, "",
                                   progress=progress)
    assert rows[0][0] == "·night" and len(fig.data[0].y) == 2
    lens_fig, note = h["lens"]("It was a dark", SMOL, "auto", "auto", progress=progress)
    assert len(lens_fig.data[0].z) == 31 and "differs" in note
    html, cmp_fig = h["compare"](None, "It was a dark and stormy", "It was a bright and sunny", SMOL, "auto", "auto",
                                 10, 1.0, 1, "", progress=progress)
    assert "night" in html and "day" in html and "changed" in html and len(cmp_fig.data) == 2


@pytest.mark.parametrize("call, match", [
    (lambda h: h["continuations"]("x", SMOL, "auto", "auto", " , ", True, 1, "", progress=progress), "empty"),
    (lambda h: h["predict"]("no mask", "local/tiny-bert-mlm", "auto", "auto", 10, 1.0, "probability", 1, "",
                            progress=progress), "No mask"),
    (lambda h: h["predict"]("x", "all-MiniLM-L6-v2", "auto", "auto", 10, 1.0, "probability", 1, "",
                            progress=progress), "cannot do next-token"),
    (lambda h: h["predict"]("x", "gpt2", "auto", "auto", 10, 1.0, "probability", 1, "", progress=progress),
     "unavailable"),
    (lambda h: h["predict"]("x" * 60_000, SMOL, "auto", "auto", 10, 1.0, "probability", 1, "", progress=progress),
     "limit is"),
    (lambda h: h["predict"]("x", SMOL, "auto", "auto", 0, 1.0, "probability", 1, "", progress=progress),
     "from 1 to 50"),
    (lambda h: h["lens"]("x", "local/tiny-bert-mlm", "auto", "auto", progress=progress), "causal"),
    (lambda h: h["api"]("x", SMOL, 10, -1), "temperature 0 or more"),
    (lambda h: h["api"]("x", SMOL, "ten", 1.0), "whole number"),
])
def test_bad_inputs_become_readable_errors(tab, call, match):
    with pytest.raises(gr.Error, match=match):
        call(tab["handlers"])


def test_api_defaults_to_the_default_model(tab):
    data = tab["handlers"]["api"]("It was a dark and stormy")
    assert data["model"] == SMOL and data["top"][0]["token"] == " night" and len(data["top"]) == 10
    lens = tab["handlers"]["lens_api"]("It was a dark and stormy")
    assert lens["cells"][-1][-1]["top"][0]["token"] == " night"


def test_presets_cover_lessons_5_to_9_and_run_offline(tab):
    presets = load_presets("next_token")
    assert [p.lesson for p in presets] == [5, 6, 7, 8, 9]
    for preset in presets:
        values = tab["presets"][preset.id]()
        prompt, model, k, temperature, scale = values[:5]
        assert model == SMOL and prompt == preset.text and 1 <= k <= 50 and scale in ("probability", "logit")
        notice = values[7]
        assert "What to notice" in notice.value and "Offline" in notice.value
        state = predict(tab, prompt, model=model, k=k, t=temperature, scale=scale)[0]
        assert state.tokens
    six = predict(tab, presets[1].text)[0]
    assert six.prefix[-1].best_token == " night" or six.prefix[-2].best_token == " night"
    poke = presets[3].params
    last = predict(tab, presets[3].text)[0]
    html, _ = tab["handlers"]["compare"](last, presets[3].text, poke["prompt_b"], SMOL, "auto", "auto", 10, 1.0, 1, "",
                                         progress=progress)
    assert "night" in html and "day" in html


def test_preset_ids_are_unique_across_tabs():
    ids = [p.id for tab in ("tokenizer", "next_token", "decoding", "probes", "prompting", "attention")
           for p in load_presets(tab)]
    assert len(ids) == len(set(ids))  # they become elem_ids lesson-<id>
