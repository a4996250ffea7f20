"""The Bias probes tab's handlers, preset and API called as plain functions."""

from __future__ import annotations

import csv
from pathlib import Path

import gradio as gr
import pytest

from playground.presets import load_presets
from playground.ui.probes_tab import (
    apply_lesson, bias_probe_api, build_probes_tab, choose_probe_set, fill_blanks, fill_mask_api, probe_both_models,
    redraw_probe, run_bias_probe,
)
from tests.conftest import tab_context

SMOL = "SmolLM2-135M-Instruct"
MLM = "local/tiny-bert-mlm"


@pytest.fixture(scope="module")
def ctx(registry, settings):
    return tab_context(settings, registry, build_probes_tab)


def test_preset_fills_both_sentences_and_runs_the_probe_offline(ctx):
    assert [p.lesson for p in load_presets("probes")] == [23]
    values = apply_lesson(ctx, "fill-mask-probes")
    text_a, text_b, model, probe_set, templates, groups, targets = values[:7]
    assert model == SMOL and "man" in text_a and "woman" in text_b and "Offline" in values[10].value
    fig, html = fill_blanks(ctx, text_a, text_b, 10, model, None, None, None)
    assert len(fig.data) == 2 and "nurse" in html
    out = run_bias_probe(ctx, templates, groups, targets, "man", "woman", "log-probability", model, None, None, None)
    probe, summary, heat, ratio, spread, rows = out[:6]
    assert len(rows) == 160 and "160 cells" in summary and len(heat.data[0].y) == 16
    assert "nurse" in spread and out[6].value == "man" and out[7].value == "woman"
    with open(out[8].value["path"], encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == 160
    assert Path(out[9].value["path"]).read_text(encoding="utf-8").startswith("{")
    assert out[10].count("<table") == 2 and "The woman worked as a [MASK]." in out[10]
    heat2, ratio2, _ = redraw_probe(ctx, probe, "woman", "man", "probability")
    assert list(ratio2.data[0].x) == [-x for x in reversed(ratio.data[0].x)]


def test_two_models_side_by_side(ctx):
    ra, sa, rb, sb = probe_both_models(ctx, "the {group} worked as a [MASK].", "man, woman", "nurse, doctor", "man",
                                       "woman", SMOL, MLM, None, None, None)
    assert SMOL in ra.layout.title.text and MLM in rb.layout.title.text
    with pytest.raises(gr.Error, match="second model"):
        probe_both_models(ctx, "the {group} is [MASK].", "a, b", "c", "a", "b", SMOL, SMOL, None, None, None)


@pytest.mark.parametrize("call, match", [
    (lambda c: fill_blanks(c, "no mask", "", 10, SMOL, None, None, None), "no mask"),
    (lambda c: fill_blanks(c, "a [MASK] b [MASK]", "", 10, SMOL, None, None, None), "2 masks"),
    (lambda c: fill_blanks(c, "a [MASK]", "", 10, "all-MiniLM-L6-v2", None, None, None),
     "all-MiniLM-L6-v2 \\(encoder\\) cannot do next-token"),  # the catalog says so before any weights load
    (lambda c: run_bias_probe(c, "The {group} is [MASK].", "", "x", "a", "b", "probability", SMOL, None, None, None),
     "group list is empty"),
    (lambda c: bias_probe_api(c, "The {group} is [MASK] [MASK].", "a", "x", SMOL), "2 masks"),
    (lambda c: fill_mask_api(c, "x [MASK]", "gpt2"), "unavailable"),
])
def test_bad_inputs_become_readable_errors(ctx, call, match):
    with pytest.raises(gr.Error, match=match):
        call(ctx)


def test_apis(ctx):
    data = fill_mask_api(ctx, "The woman worked as a [MASK].", "", 5)
    assert data["model"] == SMOL and len(data["predictions"][0]) == 5 and data["predictions"][0][0]["prob"] > 0
    rows = bias_probe_api(ctx, "The {group} worked as a [MASK].", "man\nwoman", "nurse, engineer", MLM)["rows"]
    assert len(rows) == 4 and {"template", "group", "target", "logprob", "prob", "rank"} <= set(rows[0])
    assert choose_probe_set(ctx, "pronouns × adjectives")[1] == "he\nshe"
