"""The Decoding tab's handlers, presets, stop flags and API called as plain functions."""

from __future__ import annotations

import threading

import gradio as gr
import pytest

from playground.presets import load_presets
from playground.ui.decoding_tab import (
    KNOBS, apply_lesson, apply_strategy, build_decoding_tab, compare_strategies, generate_api, generate_text,
    open_clicked_step, run_by_hand, show_pipeline_step, stop_generation,
)
from tests.conftest import final, tab_context

SMOL = "SmolLM2-135M-Instruct"


class Click:
    def __init__(self, **data):
        self.__dict__.update(data)


class Request:
    def __init__(self, session):
        self.session_hash = session


@pytest.fixture(scope="module")
def ctx(registry, settings):
    return tab_context(settings, registry, build_decoding_tab)


def knobs(**kw):
    values = dict(max_new_tokens=12, do_sample=False, temperature=1.0, top_k=0, top_p=1.0, num_beams=1,
                  num_return_sequences=1, repetition_penalty=1.0, no_repeat_ngram_size=0, length_penalty=1.0,
                  penalty_alpha=0.0, bad_words="", stop_strings="", seed=0, chat_template=False)
    values.update(kw)
    return [values[k] for k in KNOBS]


def generate(ctx, prompt="It was a dark and stormy", model=SMOL, session="s", **kw):
    return list(generate_text(ctx, prompt, model, "auto", "auto", Request(session), None, *knobs(**kw)))


def test_generate_streams_then_fills_every_view(ctx):
    outs = generate(ctx, max_new_tokens=30)
    assert len(outs) >= 2, "at least one streamed update before the final one"
    assert outs[0][1].count("pg-gen") >= 1 and "pg-cursor" in outs[0][1]
    gen, html, summary, seqs, rows, step, fig, note, tree, tree_note = outs[-1]
    assert gen.sequences[0].steps[0].token == " night" and html.count("pg-gen") == 30 and "Finished" in html
    assert "tokens / second" in summary and len(rows) == 30 and step.maximum == 30
    assert fig.data[0].type == "heatmap" and "raw logits" in note and tree is None


def test_beam_fills_the_tree_and_pipeline_moves_between_steps(ctx):
    gen, *_, tree, note = generate(ctx, num_beams=3, num_return_sequences=2, max_new_tokens=6)[-1]
    assert len(gen.sequences) == 2 and tree is not None and "kept" in note
    fig, html = show_pipeline_step(ctx, gen, 4, SMOL, "auto", "auto", progress=None)
    assert "log_softmax" in html and "Step 4" in fig.layout.title.text
    assert show_pipeline_step(ctx, None, 1, SMOL, "auto", "auto")[0] is None
    opened, slider, fig, _ = open_clicked_step(ctx, gen, SMOL, "auto", "auto", Click(step=3), None)
    assert opened.open is True and slider.value == 3 and "Step 3" in fig.layout.title.text
    skipped = open_clicked_step(ctx, gen, SMOL, "auto", "auto", Click(step=99), None)
    assert all(not isinstance(x, gr.Plot) and getattr(x, "data", None) is None for x in skipped)
    assert len(open_clicked_step(ctx, None, SMOL, "auto", "auto", Click(step=1), None)) == 4


def test_stop_ends_the_sessions_generation_only(ctx):
    running = ctx.running
    flags = {}
    other = running.start("other")
    original = running.start

    def spy(session):
        flags[session] = original(session)
        return flags[session]

    running.start = spy
    try:
        it = generate_text(ctx, "Once upon a time", SMOL, "auto", "auto", Request("me"), None,
                           *knobs(max_new_tokens=200, do_sample=True))
        next(it)
        assert stop_generation(ctx, Request("me")) is None and flags["me"].is_set()
        final = list(it)[-1]
    finally:
        running.start = original
    gen = final[0]
    assert gen.sequences[0].finish == "stopped" and len(gen.sequences[0].steps) < 200
    assert not other.is_set(), "another session's generation keeps running"
    running.done("other", other)


def test_compare_and_by_hand(ctx):
    html = compare_strategies(ctx, "The sky", SMOL, "auto", "auto", "beam search", 1.0, None, *knobs(max_new_tokens=10))
    assert "first differ at step 2" in html and "A: greedy" in html and "B: beam, 4 beams" in html
    hand = run_by_hand(ctx, "It was a dark and stormy", SMOL, "auto", "auto", None,
                       *knobs(do_sample=True, top_k=5, temperature=0.8, seed=42, max_new_tokens=10))
    assert "Identical" in hand


def test_strategy_sets_the_knobs(ctx):
    do_sample, top_k, top_p, beams, alpha, ret = apply_strategy(ctx, "top-p sampling", *knobs())
    assert (do_sample, top_k, top_p, beams, alpha) == (True, 0, 0.9, 1, 0.0)
    assert apply_strategy(ctx, "contrastive search", *knobs())[4] == 0.6


@pytest.mark.parametrize("kw, match", [
    (dict(top_p=0, do_sample=True), "greedy strategy"),
    (dict(num_beams=2, num_return_sequences=3), "num_beams"),
    (dict(max_new_tokens=10_000), "PLAYGROUND_MAX_NEW_TOKENS"),
    (dict(penalty_alpha=0.5, top_k=1), "top_k to 2"),
])
def test_bad_knobs_become_readable_errors(ctx, kw, match):
    with pytest.raises(gr.Error, match=match):
        generate(ctx, **kw)


@pytest.mark.parametrize("prompt, model, match", [
    ("x", "all-MiniLM-L6-v2", "cannot do generation"), ("x", "gpt2", "unavailable"),
    ("x" * 60_000, SMOL, "limit is"), ("x", "", "Choose a model"),
])
def test_bad_prompts_and_models_become_readable_errors(ctx, prompt, model, match):
    with pytest.raises(gr.Error, match=match):
        generate(ctx, prompt=prompt, model=model)


def _refuse(exc):
    def run(*args, **kwargs):
        raise exc
        yield  # a generator, as the functions it stands in for

    return run


@pytest.mark.parametrize("where", ["stream", "generate_all"])
def test_an_input_error_raised_inside_generation_keeps_its_own_message(ctx, monkeypatch, where):
    """InputError and gr.Error are ValueErrors too: they must not come out as 'generate() refused these settings'."""
    from playground.compute import decoding
    from playground.errors import InputError

    message = "The prompt and the new tokens do not fit in the context: shorten the prompt."
    monkeypatch.setattr(decoding, where, _refuse(InputError(message)))  # greedy streams; beam search does not
    knobs_of = {"stream": {}, "generate_all": {"num_beams": 2}}[where]
    calls = [lambda: generate(ctx, **knobs_of),
             lambda: compare_strategies(ctx, "The sky", SMOL, "auto", "auto", "greedy", 1.0, None, *knobs(**knobs_of)),
             lambda: final(generate_api(ctx, "The sky", SMOL, max_new_tokens=4, **knobs_of))]
    for call in calls:
        with pytest.raises(gr.Error) as info:
            call()
        assert info.value.message == message


def test_generate_refusing_a_setting_is_said_so_and_a_bug_stays_a_bug(ctx, monkeypatch):
    from playground.compute.decoding import beam

    real = beam.generate_kwargs

    def bad_setting(b, params):
        kw, notes = real(b, params)
        return {**kw, "early_stopping": "sometimes"}, notes  # transformers' GenerationConfig refuses it

    monkeypatch.setattr(beam, "generate_kwargs", bad_setting)
    with pytest.raises(gr.Error, match="generate\\(\\) refused these settings: `early_stopping` must be"):
        final(generate_api(ctx, "The sky", SMOL, strategy="beam search", max_new_tokens=4))
    from playground.compute import decoding

    monkeypatch.setattr(decoding, "stream", _refuse(ValueError("a bug in the app's own code")))
    with pytest.raises(ValueError, match="a bug") as info:
        generate(ctx)
    assert not isinstance(info.value, gr.Error)


def test_api_defaults_and_strategy(ctx):
    def api(*args, **kwargs):
        return final(generate_api(ctx, *args, **kwargs))

    data = api("It was a dark and stormy", max_new_tokens=3)
    assert data["model"] == SMOL and data["tokens"][0]["token"] == " night" and data["params"]["mode"] == "greedy"
    sampled = api("It was a dark and stormy", strategy="top-k sampling", top_k=5, max_new_tokens=4, seed=3)
    assert sampled["params"]["top_k"] == 5 and sampled["params"]["do_sample"] is True
    assert all(t["top"] and t["sampled_prob"] is not None for t in sampled["tokens"])
    notice = api("It was", strategy="sampling", temperature=0, max_new_tokens=2)
    assert notice["params"]["do_sample"] is False and "greedily" in notice["notices"][0]
    with pytest.raises(gr.Error, match="Unknown strategy"):
        api("x", strategy="nucleus")


def test_presets_cover_lessons_10_to_15_and_run_offline(ctx):
    presets = load_presets("decoding")
    assert [p.lesson for p in presets] == [10, 11, 12, 13, 14, 15]
    for preset in presets:
        values = apply_lesson(ctx, preset.id)
        prompt, model, strategy = values[:3]
        knob_values = dict(zip(KNOBS, values[3:3 + len(KNOBS)]))
        assert model == SMOL and prompt == preset.text and "Offline" in values[3 + len(KNOBS) + 2].value
        knob_values["max_new_tokens"] = min(knob_values["max_new_tokens"], 12)
        gen = list(generate_text(ctx, prompt, model, "auto", "auto", Request(preset.id), None,
                                 *[knob_values[k] for k in KNOBS]))[-1][0]
        assert gen.sequences[0].steps, preset.id
        assert gen.params.mode == {"greedy": "greedy", "beam search": "beam"}.get(strategy, gen.params.mode)


def test_two_sessions_generate_at_once(ctx):
    results = {}

    def work(session):
        results[session] = generate(ctx, session=session, max_new_tokens=8)[-1][0].sequences[0].ids

    threads = [threading.Thread(target=work, args=(s,)) for s in ("a", "b")]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert results["a"] == results["b"] and len(results["a"]) == 8
