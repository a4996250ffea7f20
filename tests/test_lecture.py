"""The rough edges a teacher hit, each pinned down: a lesson never moves the shared picker; an error leaves the last
result and an escaped message; a slider value out of range is refused with its range, never clamped; the catalog
speaks plain words and the picker offers only what can load; small probabilities read as percentages; lesson 3's and
lesson 17's notes say what the offline models really show."""

from __future__ import annotations

import gradio as gr
import pytest

from playground.compute import lm, prompting
from playground.compute.prompting.fewshot import answer_text, build_prompt
from playground.compute.prompting.scoring import requests_for
from playground.compute.tokenize import three_ways, tokenize
from playground.errors import InputError
from playground.presets import load_presets, resolve
from playground.ui.common import Refused, error_html, keep_results, knob, loadable_choices
from playground.ui.shell import build_demo, catalog_rows
from playground.views.common import pct
from playground.views.tokens import comparison_html, three_ways_html

SMOL, MINILM = "SmolLM2-135M-Instruct", "all-MiniLM-L6-v2"


# ---- 1. the picker ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(settings, registry):
    return build_demo(settings, registry)


def test_no_lesson_event_writes_the_shared_picker(demo):
    picker = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "model-picker")
    lesson_fns = [f for f in demo.fns.values() if getattr(f, "name", "") == "apply_lesson"]
    assert len(lesson_fns) >= 22  # one per lesson button
    for fn in lesson_fns:
        assert picker._id not in [o._id for o in fn.outputs], "a lesson moved the model picker"
        assert picker._id in [i._id for i in fn.inputs]  # it reads it, to say when it runs on another model
    # the only events that write the picker are the page load (its choices) and nothing else
    writers = [f.name for f in demo.fns.values() if picker._id in [o._id for o in f.outputs]]
    assert writers == ["refresh"], writers


def test_a_lesson_on_another_model_says_so(registry):
    preset = next(p for p in load_presets("attention") if p.id == "syntax-heads")
    r = resolve(preset, registry)
    assert r.model == MINILM
    assert "runs on **all-MiniLM-L6-v2**" in r.notice_for(SMOL) and "stays on **SmolLM2" in r.notice_for(SMOL)
    assert r.notice_for(MINILM) == r.notice_markdown and r.notice_for(None) == r.notice_markdown
    assert "&lt;b&gt;" in r.notice_for("<b>typed</b>")


# ---- 2, 3. errors: the last result stays, the message is escaped text ---------------------------


def test_an_error_keeps_every_output_and_says_why_escaped():
    def handler(text):
        if not text:
            raise InputError("There is no mask in the text. Put [MASK] (or <mask>) where the word goes.")
        return "a", "b"

    guarded = keep_results(handler, 2)
    out = guarded("")
    assert len(out) == 3 and all(isinstance(o, type(gr.skip())) for o in out[:2])
    assert "Put [MASK] (or &lt;mask&gt;) where" in out[2] and "<mask>" not in out[2]
    assert guarded("x") == ("a", "b", "")  # a run that works empties the message


def test_gr_errors_and_generators_too():
    def streams(n):
        yield "one"
        raise gr.Error("stopped <here>")

    out = list(keep_results(streams, 1)(1))
    assert out[0] == ("one", "") and isinstance(out[1][0], type(gr.skip())) and "stopped &lt;here&gt;" in out[1][1]

    def bug():
        raise KeyError("a bug stays a bug")

    with pytest.raises(KeyError):
        keep_results(bug, 1)()


# ---- 10. out of range: refused with the range, never clamped -------------------------------------


def test_a_slider_value_out_of_range_is_refused_with_its_range():
    max_new = knob(1, 256, value=40, step=1, label="max_new_tokens")
    refused = max_new.preprocess(100000)
    assert isinstance(refused, Refused) and refused.message == "max_new_tokens must be from 1 to 256; got 100,000."
    assert max_new.preprocess(256) == 256 and max_new.preprocess(2.5).message.startswith("max_new_tokens must be a")
    temperature = knob(0, 5, value=1.0, step=0.05, label="Temperature T")
    assert temperature.preprocess(0.35) == 0.35 and isinstance(temperature.preprocess(float("nan")), Refused)
    ran = []
    guarded = keep_results(lambda n: ran.append(n) or "x", 1)
    out = guarded(refused)
    assert ran == [] and "from 1 to 256; got 100,000" in out[1]  # the handler never ran on a clamped value


def test_attention_refuses_a_layer_the_model_does_not_have(registry):
    from playground.compute import attention as att
    from playground.ui.attention_tab import _pictures

    result = att.attention(lm.backend_of(registry.load("local/tiny-bert")), "the cat sat")
    with pytest.raises(InputError, match=f"layers 0 to {result.num_layers - 1}"):
        _pictures(result, 99, 0, False, "self", False)
    with pytest.raises(InputError, match="heads 0 to"):
        _pictures(result, 0, 99, False, "self", False)
    assert len(_pictures(result, result.num_layers - 1, 0, False, "self", False)) == 3


# ---- 8. the catalog and the picker ----------------------------------------------------------------


def test_catalog_reasons_in_plain_words_first_and_only_loadable_models_offered(registry):
    rows = {r[0]: r[4] for r in catalog_rows(registry, probe_hub=False)}
    assert rows["gpt2"].startswith("unavailable: the model hub cannot be reached from here")
    assert rows["gpt2"].index("cannot be reached") < rows["gpt2"].index("HF_HUB_OFFLINE")  # the setting second
    offered = [name for _, name in loadable_choices(registry, probe_hub=False)]
    assert SMOL in offered and MINILM in offered and "gpt2" not in offered
    assert all(registry.availability(n, probe_hub=False).ok is not False for n in offered)


# ---- 7. small values ------------------------------------------------------------------------------


def test_small_probabilities_read_as_percentages():
    assert pct(0.867) == "86.7 %" and pct(0.00081) == "0.081 %" and pct(1.2e-5) == "0.0012 %"
    assert pct(3e-9) == "< 0.0001 %" and pct(0) == "0.0 %" and "e-" not in pct(0.00081)


# ---- 5. lesson 3: the note matches the view -------------------------------------------------------


def test_lesson_3_note_matches_what_the_views_show(registry):
    preset = next(p for p in load_presets("tokenizer") if p.id == "three-ways")
    smol = tokenize(registry.load_tokenizer(SMOL), preset.text, model=SMOL, add_special_tokens=False)
    mini = tokenize(registry.load_tokenizer(MINILM), preset.text, model=MINILM, add_special_tokens=False)
    tw = three_ways(smol)
    note = preset.fallback_note
    assert f"{smol.counts.tokens} tokens, drawn as {len(tw.subwords)} chips" in note  # 38 and 28
    view = three_ways_html(tw, SMOL)
    assert f"<b>{smol.counts.tokens:,}</b> (drawn as {len(tw.subwords)} pieces" in view  # the card's count
    assert f"{mini.counts.tokens} tokens, {mini.counts.unknown_tokens} of them [UNK]" in note
    unknown = [preset.text[t.start:t.end] for t in mini.tokens if t.token == "[UNK]"]
    assert unknown == ["喜", "欢", "习", "语", "言"] and all(ch in note for ch in unknown)
    side = comparison_html([smol, mini])
    assert side.count('class="pg-unk-tag">[UNK]</span>') == 5 and "<b>5</b> unknown ([UNK])" in side


# ---- 6. lesson 17: the note tells the truth, the lesson makes its point ---------------------------


def test_lesson_17_demonstrations_fix_the_format_and_move_the_probabilities(smol):
    preset = next(p for p in load_presets("prompting") if p.id == "few-shot-translation")
    p, b = preset.params, lm.backend_of(smol)
    demos = tuple(tuple(d) for d in p["demos"])
    examples = prompting.load_dataset(p["dataset"])
    assert not {d[0] for d in demos} & {e.text for e in examples}  # the examples are not evaluated on

    def mean_per_token(shots):
        reqs = []
        for e in examples:
            prompt = build_prompt(p["template"], e.text, shots, instruction=p["instruction"])
            reqs += requests_for(b, prompt, [b.pieces(answer_text(p["template"], e.label, ()), "ref")])[0]
        scored = b.score(reqs)
        return sum(s.logprob / len(q.target) for s, q in zip(scored, reqs)) / len(reqs)

    zero, four = mean_per_token(()), mean_per_token(demos)
    assert zero == pytest.approx(-4.5, abs=0.1) and four == pytest.approx(-2.4, abs=0.1)  # as the note says
    query = preset.text
    alone = prompting.complete(b, build_prompt(p["template"], query, ()))
    shown = prompting.complete(b, build_prompt(p["template"], query, demos))
    assert alone.strip() == query and shown.strip() == "Je suis bon."  # the echo, then a French answer
    assert f"*{query} => {query}*" in preset.fallback_note and "*Je suis bon.*" in preset.fallback_note
    assert "−4.5" in preset.fallback_note and "−2.4" in preset.fallback_note


def test_error_html_is_text():
    assert error_html("<img src=x onerror=alert(1)>") == (
        '<div class="pg-error" role="alert"><b>Could not run:</b> &lt;img src=x onerror=alert(1)&gt;</div>')


# ---- 7. the beam tree's labels fit their column -----------------------------------------------------


def test_beam_tree_labels_fit_one_step_each():
    from playground.compute.decoding.beam import BeamTree, TreeNode
    from playground.views.decoding import TREE_WIDTH_PX, tree_figure

    nodes, parent = [], -1
    for step in range(12):
        for rank in range(4):
            nodes.append(TreeNode(step, rank, " Labrador Retriever" if rank else " <b>x</b>", -1.0, -step, parent,
                                  "kept" if rank < 2 else "pruned", rank))
        parent = len(nodes) - 4
    fig = tree_figure(BeamTree(2, 12, tuple(nodes), tuple(range(0, len(nodes), 4)), False))
    labels = [t for trace in fig.data if trace.mode == "markers+text" and trace.text for t in trace.text[:]]
    column_px = TREE_WIDTH_PX / (12 + 2.5)
    assert labels and all(len(t.replace("&lt;", "<").replace("&gt;", ">")) * 10.5 <= column_px for t in labels
                          if t != "prompt")
    assert any(t.endswith("…") for t in labels) and "·&lt;b&gt;x" in " ".join(labels)  # cut, escaped
    assert all(trace.textfont.size >= 18 for trace in fig.data if trace.mode == "markers+text" and trace.name)
