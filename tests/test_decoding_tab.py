"""The Decoding tab's handlers, presets, stop flags and API called as plain functions."""

from __future__ import annotations

import threading

import gradio as gr
import pytest

from playground.presets import load_presets
from playground.ui.common import AppContext
from playground.ui.decoding_tab import KNOBS, build_decoding_tab

SMOL = "SmolLM2-135M-Instruct"


class Click:
    def __init__(self, **data):
        self.__dict__.update(data)


class Request:
    def __init__(self, session):
        self.session_hash = session


@pytest.fixture(scope="module")
def tab(registry, settings):
    with gr.Blocks():
        model = gr.Dropdown(choices=[SMOL], value=SMOL)
        ctx = AppContext(settings=settings, models=registry, model=model, device=gr.Dropdown(), dtype=gr.Dropdown())
        return build_decoding_tab(ctx)


def knobs(**kw):
    values = dict(max_new_tokens=12, do_sample=False, temperature=1.0, top_k=0, top_p=1.0, num_beams=1,
                  num_return_sequences=1, repetition_penalty=1.0, no_repeat_ngram_size=0, length_penalty=1.0,
                  penalty_alpha=0.0, bad_words="", stop_strings="", seed=0, chat_template=False)
    values.update(kw)
    return [values[k] for k in KNOBS]


def generate(tab, prompt="It was a dark and stormy", model=SMOL, session="s", **kw):
    return list(tab["handlers"]["generate"](prompt, model, "auto", "auto", Request(session), None, *knobs(**kw)))


def test_generate_streams_then_fills_every_view(tab):
    outs = generate(tab, max_new_tokens=30)
    assert len(outs) >= 2, "at least one streamed update before the final one"
    assert outs[0][1].count("pg-gen") >= 1 and "pg-cursor" in outs[0][1]
    gen, html, summary, seqs, rows, step, fig, note, tree, tree_note = outs[-1]
    assert gen.sequences[0].steps[0].token == " night" and html.count("pg-gen") == 30 and "Finished" in html
    assert "tokens / second" in summary and len(rows) == 30 and step.maximum == 30
    assert fig.data[0].type == "heatmap" and "raw logits" in note and tree is None


def test_beam_fills_the_tree_and_pipeline_moves_between_steps(tab):
    gen, *_, tree, note = generate(tab, num_beams=3, num_return_sequences=2, max_new_tokens=6)[-1]
    assert len(gen.sequences) == 2 and tree is not None and "kept" in note
    fig, html = tab["handlers"]["pipeline"](gen, 4, SMOL, "auto", "auto", progress=None)
    assert "log_softmax" in html and "Step 4" in fig.layout.title.text
    assert tab["handlers"]["pipeline"](None, 1, SMOL, "auto", "auto")[0] is None
    opened, slider, fig, _ = tab["handlers"]["token_click"](gen, SMOL, "auto", "auto", Click(step=3), None)
    assert opened.open is True and slider.value == 3 and "Step 3" in fig.layout.title.text
    skipped = tab["handlers"]["token_click"](gen, SMOL, "auto", "auto", Click(step=99), None)
    assert all(not isinstance(x, gr.Plot) and getattr(x, "data", None) is None for x in skipped)
    assert len(tab["handlers"]["token_click"](None, SMOL, "auto", "auto", Click(step=1), None)) == 4


def test_stop_ends_the_sessions_generation_only(tab):
    running = tab["running"]
    flags = {}
    other = running.start("other")
    original = running.start

    def spy(session):
        flags[session] = original(session)
        return flags[session]

    running.start = spy
    try:
        it = tab["handlers"]["generate"]("Once upon a time", SMOL, "auto", "auto", Request("me"), None,
                                         *knobs(max_new_tokens=200, do_sample=True))
        next(it)
        assert tab["handlers"]["stop"](Request("me")) is None and flags["me"].is_set()
        final = list(it)[-1]
    finally:
        running.start = original
    gen = final[0]
    assert gen.sequences[0].finish == "stopped" and len(gen.sequences[0].steps) < 200
    assert not other.is_set(), "another session's generation keeps running"
    running.done("other", other)


def test_compare_and_by_hand(tab):
    h = tab["handlers"]
    html = h["compare"]("The sky", SMOL, "auto", "auto", "beam search", 1.0, None, *knobs(max_new_tokens=10))
    assert "first differ at step 2" in html and "A: greedy" in html and "B: beam, 4 beams" in html
    hand = h["by_hand"]("It was a dark and stormy", SMOL, "auto", "auto", None,
                        *knobs(do_sample=True, top_k=5, temperature=0.8, seed=42, max_new_tokens=10))
    assert "Identical" in hand


def test_strategy_sets_the_knobs(tab):
    do_sample, top_k, top_p, beams, alpha, ret = tab["handlers"]["strategy"]("top-p sampling", *knobs())
    assert (do_sample, top_k, top_p, beams, alpha) == (True, 0, 0.9, 1, 0.0)
    assert tab["handlers"]["strategy"]("contrastive search", *knobs())[4] == 0.6


@pytest.mark.parametrize("kw, match", [
    (dict(top_p=0, do_sample=True), "greedy strategy"),
    (dict(num_beams=2, num_return_sequences=3), "num_beams"),
    (dict(max_new_tokens=10_000), "PLAYGROUND_MAX_NEW_TOKENS"),
    (dict(penalty_alpha=0.5, top_k=1), "top_k to 2"),
])
def test_bad_knobs_become_readable_errors(tab, kw, match):
    with pytest.raises(gr.Error, match=match):
        generate(tab, **kw)


@pytest.mark.parametrize("prompt, model, match", [
    ("x", "all-MiniLM-L6-v2", "cannot do generation"), ("x", "gpt2", "unavailable"),
    ("x" * 60_000, SMOL, "limit is"), ("x", "", "Choose a model"),
])
def test_bad_prompts_and_models_become_readable_errors(tab, prompt, model, match):
    with pytest.raises(gr.Error, match=match):
        generate(tab, prompt=prompt, model=model)


def test_api_defaults_and_strategy(tab):
    api = tab["handlers"]["api"]
    data = api("It was a dark and stormy", max_new_tokens=3)
    assert data["model"] == SMOL and data["tokens"][0]["token"] == " night" and data["params"]["mode"] == "greedy"
    sampled = api("It was a dark and stormy", strategy="top-k sampling", top_k=5, max_new_tokens=4, seed=3)
    assert sampled["params"]["top_k"] == 5 and sampled["params"]["do_sample"] is True
    assert all(t["top"] and t["sampled_prob"] is not None for t in sampled["tokens"])
    notice = api("It was", strategy="sampling", temperature=0, max_new_tokens=2)
    assert notice["params"]["do_sample"] is False and "greedily" in notice["notices"][0]
    with pytest.raises(gr.Error, match="Unknown strategy"):
        api("x", strategy="nucleus")


def test_presets_cover_lessons_10_to_15_and_run_offline(tab):
    presets = load_presets("decoding")
    assert [p.lesson for p in presets] == [10, 11, 12, 13, 14, 15]
    for preset in presets:
        values = tab["presets"][preset.id]()
        prompt, model, strategy = values[:3]
        knob_values = dict(zip(KNOBS, values[3:3 + len(KNOBS)]))
        assert model == SMOL and prompt == preset.text and "Offline" in values[3 + len(KNOBS) + 2].value
        knob_values["max_new_tokens"] = min(knob_values["max_new_tokens"], 12)
        gen = list(tab["handlers"]["generate"](prompt, model, "auto", "auto", Request(preset.id), None,
                                               *[knob_values[k] for k in KNOBS]))[-1][0]
        assert gen.sequences[0].steps, preset.id
        assert gen.params.mode == {"greedy": "greedy", "beam search": "beam"}.get(strategy, gen.params.mode)


def test_two_sessions_generate_at_once(tab):
    results = {}

    def work(session):
        results[session] = generate(tab, session=session, max_new_tokens=8)[-1][0].sequences[0].ids

    threads = [threading.Thread(target=work, args=(s,)) for s in ("a", "b")]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert results["a"] == results["b"] and len(results["a"]) == 8
