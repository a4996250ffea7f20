"""The Attention tab's handlers, presets and API, called as plain functions and through gradio_client."""

from __future__ import annotations

import gradio as gr
import numpy as np
import pytest
import torch

from playground.compute import attention as att
from playground.presets import load_presets
from playground.ui.attention_tab import (
    apply_lesson, book_matrices, build_attention_tab, compare_families, draw_model_view, draw_neuron_view,
    redraw_attention, run_by_hand, run_textbook, show_attention,
)
from tests.conftest import causal_ids, tab_context

SMOL = "SmolLM2-135M-Instruct"
MINILM = "all-MiniLM-L6-v2"
TEXT = "It was a dark and stormy night."


@pytest.fixture(scope="module")
def ctx(registry, settings):
    return tab_context(settings, registry, build_attention_tab)


def test_presets_cover_lessons_19_to_21():
    presets = load_presets("attention")
    assert [p.lesson for p in presets] == [19, 20, 21]
    assert all(p.notice and p.text and p.model for p in presets)


def test_run_draws_heatmaps_rollout_and_the_head_view(ctx):
    out = show_attention(ctx, TEXT, "", "", SMOL, None, None, 3, 4, False, "self", False, None)
    result, summary, heat, heads, roll, head_view = out[:6]
    assert result.weights.shape[:2] == (30, 9) and "30" in summary
    n = len(result.tokens)
    np.testing.assert_allclose(np.asarray(heat.data[0].z), result.weights[3, 4], atol=1e-6)
    assert len(heads.data) == 9 and "kv 1" in " ".join(a.text for a in heads.layout.annotations)
    assert np.asarray(roll.data[0].z).shape == (n, n)
    assert head_view.startswith("<iframe") and 'sandbox="allow-scripts"' in head_view
    assert out[6].maximum == 29 and out[7].maximum == 8
    # moving the sliders redraws from the last run, without a forward pass
    heat2, _, _ = redraw_attention(ctx, result, 0, 0, True, "self", True)
    assert "mean over heads" in heat2.layout.title.text


def test_out_of_range_and_too_long_input_raise_gradio_errors(ctx):
    with pytest.raises(gr.Error, match="layers 0 to 29"):
        run_by_hand(ctx, TEXT, "", SMOL, None, None, 31, 0, "self", None)
    with pytest.raises(gr.Error, match=f"at most {att.MAX_TOKENS}"):
        show_attention(ctx, "word " * 300, "", "", SMOL, None, None, 0, 0, False, "self", False, None)
    long_text = "word " * 140  # under the heatmap cap, over the bertviz cap: the head view says why
    out = show_attention(ctx, long_text, "", "", SMOL, None, None, 0, 0, False, "self", False, None)
    assert "at most 128 tokens" in out[5]
    with pytest.raises(gr.Error, match="at most 128 tokens"):
        draw_model_view(ctx, out[0], 0, 1)
    medium = show_attention(ctx, "word " * 60, "", "", SMOL, None, None, 0, 0, False, "self", False, None)[0]
    with pytest.raises(gr.Error, match="layer\\(s\\) at a time"):
        draw_model_view(ctx, medium, 0, 29)
    with pytest.raises(gr.Error, match="rotary"):
        draw_neuron_view(ctx, TEXT, "", SMOL, None, None, None)


def test_model_view_and_neuron_view_draw_for_supported_models(ctx, registry):
    result = show_attention(ctx, TEXT, "", "", SMOL, None, None, 0, 0, False, "self", False, None)[0]
    frame = draw_model_view(ctx, result, 0, 2)
    assert frame.startswith("<iframe") and "model_view" not in frame[:50]
    neuron = draw_neuron_view(ctx, "The cat sat on the mat.", "It was tired.", MINILM, None, None, None)
    assert neuron.startswith("<iframe") and "Sentence A -&gt; Sentence B" in neuron


def test_lesson_19_runs_by_hand_and_matches_the_model(ctx):
    values = apply_lesson(ctx, "attention-by-hand")
    text, model, layer, head = values[0], values[3], values[4], values[5]
    assert model == SMOL and (layer, head) == (3, 4)
    html, fig = run_by_hand(ctx, text, "", model, None, None, layer, head, "self", None)
    assert "equal to what the model computed" in html and "NOT" not in html and len(fig.data) == 8
    assert "rotary" in html and "key/value head 1" in html


def test_lesson_20_falls_back_to_minilm_with_its_own_head_and_says_so(ctx):
    values = apply_lesson(ctx, "syntax-heads")
    assert values[3] == MINILM and (values[4], values[5]) == (0, 2)
    notice = values[11].value
    assert "Offline" in notice and "MiniLM" in notice
    out = show_attention(ctx, values[0], "", "", MINILM, None, None, values[4], values[5], False, "self", False,
                         None)
    r = out[0]
    ball, the = r.tokens.index("ball"), r.tokens.index("ball") - 1
    assert r.weights[0, 2, ball, the] > 0.5  # the previous-token head the notice describes


def test_lesson_21_puts_the_families_side_by_side_and_says_what_is_missing(ctx):
    values = apply_lesson(ctx, "three-families")
    assert values[8] == SMOL and values[9] == MINILM and "Offline" in values[11].value
    fig, html = compare_families(ctx, values[0], values[7], values[2], SMOL, MINILM, None, None, None, False,
                                 None)
    assert len(fig.data) == 2 and "no encoder-decoder ships as an offline package" in html
    fig, html = compare_families(ctx, values[0], values[7], values[2], "local/tiny-gpt2", "local/tiny-bert",
                                 "local/tiny-t5", None, None, True, None)
    assert len(fig.data) == 5


def test_api_returns_one_heads_matrix_equal_to_transformers(client, registry):
    r = client.predict(TEXT, SMOL, 2, 5, api_name="/attention")
    assert set(r) >= {"tokens", "layer", "head", "weights"} and (r["layer"], r["head"]) == (2, 5)
    smol = registry.load(SMOL)
    ids = torch.tensor([causal_ids(smol.tokenizer, TEXT)])  # the start token first, built by hand
    with torch.inference_mode():
        ref = smol.model(input_ids=ids, output_attentions=True).attentions[2][0, 5].numpy()
    np.testing.assert_allclose(np.array(r["weights"]), ref, atol=1e-6)
    assert len(r["tokens"]) == ref.shape[0] and r["kv_head"] == 1
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="heads 0 to 8"):
        client.predict(TEXT, SMOL, 2, 9, api_name="/attention")


def test_the_textbooks_example_in_the_panel():
    html = run_textbook(*book_matrices())
    assert "1.5752" in html and "0.8668" in html and "110.1 %" in html and "86.7 %" in html  # output and weights
    assert html.count("<th>row sum</th>") == 4  # weights and output, without and with ÷√d
    q, k, v = book_matrices()
    with pytest.raises(gr.Error, match="Q has 3 columns and K has 2"):
        run_textbook(q, [row[:2] for row in k], v)


def test_by_hand_follows_the_attention_choice_for_encoder_decoders(ctx):
    html, fig = run_by_hand(ctx, TEXT, "Das Haus", "local/tiny-t5", None, None, 1, 1, "cross-attention", None)
    assert "cross-attention" in html and "equal to what the model computed" in html and "NOT" not in html
    assert "cross-attention" in fig.layout.title.text


def test_attention_by_hand_api(client):
    r = client.predict(TEXT, SMOL, 3, 4, api_name="/attention_by_hand")  # stack and decoder text: the defaults
    assert set(r) == {"model", "layer", "head", "kv_head", "stack", "steps", "max_abs_diff", "max_abs_diff_output",
                      "recipe"}
    assert (r["stack"], r["kv_head"]) == ("decoder", 1) and r["max_abs_diff"] < 1e-5 and r["max_abs_diff_output"] < 1e-5
    assert r["steps"] == ["x", "Q, K, V", "rotary", "scores", "mask", "softmax", "output"]
    cross = client.predict(TEXT, "local/tiny-t5", 1, 0, "cross", "Das Haus", api_name="/attention_by_hand")
    assert cross["stack"] == "cross" and cross["max_abs_diff"] < 1e-5 and "relative position bias" not in cross["steps"]
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="its one stack is the decoder"):
        client.predict(TEXT, SMOL, 0, 0, "cross", "", api_name="/attention_by_hand")
