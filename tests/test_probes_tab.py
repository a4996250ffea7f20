"""The Bias probes tab's handlers, preset and API called as plain functions."""

from __future__ import annotations

import csv
from pathlib import Path

import gradio as gr
import pytest

from playground.presets import load_presets
from playground.ui.common import AppContext
from playground.ui.probes_tab import build_probes_tab

SMOL = "SmolLM2-135M-Instruct"
MLM = "local/tiny-bert-mlm"


@pytest.fixture(scope="module")
def tab(registry, settings):
    with gr.Blocks():
        model = gr.Dropdown(choices=[SMOL], value=SMOL)
        ctx = AppContext(settings=settings, models=registry, model=model, device=gr.Dropdown(), dtype=gr.Dropdown())
        return build_probes_tab(ctx)


def test_preset_fills_both_sentences_and_runs_the_probe_offline(tab):
    assert [p.lesson for p in load_presets("probes")] == [23]
    values = tab["presets"]["fill-mask-probes"]()
    text_a, text_b, model, probe_set, templates, groups, targets = values[:7]
    assert model == SMOL and "man" in text_a and "woman" in text_b and "Offline" in values[10].value
    fig, html = tab["handlers"]["fill"](text_a, text_b, 10, model, None, None, None)
    assert len(fig.data) == 2 and "nurse" in html
    out = tab["handlers"]["probe"](templates, groups, targets, "man", "woman", "log-probability", model, None, None,
                                   None)
    probe, summary, heat, ratio, spread, rows = out[:6]
    assert len(rows) == 160 and "160 cells" in summary and len(heat.data[0].y) == 16
    assert "nurse" in spread and out[6].value == "man" and out[7].value == "woman"
    with open(out[8].value["path"], encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == 160
    assert Path(out[9].value["path"]).read_text(encoding="utf-8").startswith("{")
    assert out[10].count("<table") == 2 and "The woman worked as a [MASK]." in out[10]
    heat2, ratio2, _ = tab["handlers"]["regroup"](probe, "woman", "man", "probability")
    assert list(ratio2.data[0].x) == [-x for x in reversed(ratio.data[0].x)]


def test_two_models_side_by_side(tab):
    h = tab["handlers"]
    ra, sa, rb, sb = h["both"]("the {group} worked as a [MASK].", "man, woman", "nurse, doctor", "man", "woman", SMOL,
                               MLM, None, None, None)
    assert SMOL in ra.layout.title.text and MLM in rb.layout.title.text
    with pytest.raises(gr.Error, match="second model"):
        h["both"]("the {group} is [MASK].", "a, b", "c", "a", "b", SMOL, SMOL, None, None, None)


@pytest.mark.parametrize("call, match", [
    (lambda h: h["fill"]("no mask", "", 10, SMOL, None, None, None), "no mask"),
    (lambda h: h["fill"]("a [MASK] b [MASK]", "", 10, SMOL, None, None, None), "2 masks"),
    (lambda h: h["fill"]("a [MASK]", "", 10, "all-MiniLM-L6-v2", None, None, None), "no masked-LM head"),
    (lambda h: h["probe"]("The {group} is [MASK].", "", "x", "a", "b", "probability", SMOL, None, None, None),
     "group list is empty"),
    (lambda h: h["probe_api"]("The {group} is [MASK] [MASK].", "a", "x", SMOL), "2 masks"),
    (lambda h: h["fill_api"]("x [MASK]", "gpt2"), "unavailable"),
])
def test_bad_inputs_become_readable_errors(tab, call, match):
    with pytest.raises(gr.Error, match=match):
        call(tab["handlers"])


def test_apis(tab):
    data = tab["handlers"]["fill_api"]("The woman worked as a [MASK].", "", 5)
    assert data["model"] == SMOL and len(data["predictions"][0]) == 5 and data["predictions"][0][0]["prob"] > 0
    rows = tab["handlers"]["probe_api"]("The {group} worked as a [MASK].", "man\nwoman", "nurse, engineer", MLM)["rows"]
    assert len(rows) == 4 and {"template", "group", "target", "logprob", "prob", "rank"} <= set(rows[0])
    assert tab["handlers"]["choose_set"]("pronouns × adjectives")[1] == "he\nshe"
