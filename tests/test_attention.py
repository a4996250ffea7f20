"""Attention compute and views: the same weights as a direct transformers call, rows that sum to 1,
the causal triangle, self-attention by hand equal to the model, bertviz documents with nothing remote."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from playground.compute import attention as att
from playground.errors import InputError
from playground.views import attention as views
from playground.views import bertviz
from tests.conftest import causal_ids

TEXT = "The cat sat on the mat because it was tired."


def direct(loaded, text, **extra):
    """output_attentions from a plain transformers call on the ids the model reads (a causal LM's start
    token first, built by hand)."""
    if loaded.spec.family == "causal":
        ids = torch.tensor([causal_ids(loaded.tokenizer, text)])
        enc = {"input_ids": ids, "attention_mask": torch.ones_like(ids)}
    else:
        enc = loaded.tokenizer(text, return_tensors="pt")
    with torch.inference_mode():
        out = loaded.model(**enc, output_attentions=True, **extra)
    return out


@pytest.mark.parametrize("name", ["gpt", "mlm", "smol"])
def test_weights_equal_a_direct_transformers_call_and_rows_sum_to_one(name, request):
    loaded = request.getfixturevalue(name)
    r = att.attention(loaded, TEXT)
    ref = torch.stack([a[0] for a in direct(loaded, TEXT).attentions]).numpy()
    assert r.weights.shape == ref.shape
    np.testing.assert_allclose(r.weights, ref, atol=1e-6)
    np.testing.assert_allclose(r.weights.sum(-1), 1.0, atol=1e-5)
    assert len(r.tokens) == r.weights.shape[-1]


@pytest.mark.parametrize("name", ["gpt", "smol"])
def test_decoders_are_zero_above_the_diagonal_and_encoders_are_not(name, request, mlm):
    r = att.attention(request.getfixturevalue(name), TEXT)
    assert r.causal and np.triu(r.weights, 1).max() == 0.0
    enc = att.attention(mlm, TEXT)
    assert not enc.causal and np.triu(enc.weights, 1).max() > 0.0


def test_encoder_decoder_has_three_kinds_that_match_transformers(t5):
    text, target = "translate English to French: sea otter", "loutre de mer"
    r = att.attention(t5, text, decoder_text=target)
    enc = t5.tokenizer(text, return_tensors="pt")
    dec = torch.tensor([[t5.model.config.decoder_start_token_id]
                        + t5.tokenizer(target, add_special_tokens=False)["input_ids"]])
    with torch.inference_mode():
        out = t5.model(**enc, decoder_input_ids=dec, output_attentions=True)
    for mine, theirs in ((r.weights, out.encoder_attentions), (r.decoder_weights, out.decoder_attentions),
                         (r.cross_weights, out.cross_attentions)):
        np.testing.assert_allclose(mine, torch.stack([a[0] for a in theirs]).numpy(), atol=1e-6)
        np.testing.assert_allclose(mine.sum(-1), 1.0, atol=1e-5)
    assert r.cross_weights.shape[-2:] == (len(r.decoder_tokens), len(r.tokens))
    assert np.triu(r.decoder_weights, 1).max() == 0.0
    auto = att.attention(t5, text)  # no decoder text: the model's own greedy output, and a notice says so
    assert len(auto.decoder_tokens) >= 2 and any("greedy" in n for n in auto.notices)


def test_grouped_query_heads_are_shown_per_query_head(smol):
    r = att.attention(smol, TEXT)
    assert (r.num_layers, r.num_heads, r.num_kv_heads) == (30, 9, 3) and r.grouped
    assert [r.kv_head(h) for h in range(9)] == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    # heads that share keys and values still differ: each has its own queries
    assert not np.allclose(r.weights[5, 3], r.weights[5, 4])
    fig = views.heads_figure(r, 5)
    assert len(fig.data) == 9 and "3 key/value heads" in fig.layout.title.text


def test_sentence_pair_marks_where_b_starts(registry):
    minilm = registry.load("all-MiniLM-L6-v2")
    r = att.attention(minilm, "The cat sat on the mat.", "It was tired.")
    assert r.tokens[r.sentence_b_start] == "it" and r.tokens[r.sentence_b_start - 1] == "[SEP]"
    enc = minilm.tokenizer("The cat sat on the mat.", "It was tired.", return_tensors="pt")
    with torch.inference_mode():
        ref = minilm.model(**enc, output_attentions=True).attentions
    np.testing.assert_allclose(r.weights, torch.stack([a[0] for a in ref]).numpy(), atol=1e-6)


@pytest.mark.parametrize("name,layer,head", [("smol", 0, 0), ("smol", 7, 4), ("smol", 29, 8), ("gpt", 1, 1),
                                             ("mlm", 1, 0)])
def test_self_attention_by_hand_equals_the_model(name, layer, head, request):
    loaded = request.getfixturevalue(name)
    bh = att.by_hand(loaded, TEXT, layer, head)
    assert bh.max_abs_diff < 1e-5 and bh.max_abs_diff_output < 1e-4
    np.testing.assert_allclose(bh.weights.sum(1), 1.0, atol=1e-5)
    if name == "smol":
        assert bh.rotary and bh.kv_head == head // 3 and bh.causal
    if bh.causal:
        assert np.isneginf(bh.masked[np.triu_indices(len(bh.tokens), 1)]).all()
        assert np.triu(bh.weights, 1).max() == 0.0
    else:
        assert np.isfinite(bh.masked).all()
    fig = views.by_hand_figure(bh)
    assert len(fig.data) == 8
    assert "max |weights by hand − model|" in views.by_hand_html(bh)


def test_by_hand_on_minilm_and_the_hooks_are_removed(registry):
    minilm = registry.load("all-MiniLM-L6-v2")
    hooks = lambda: [(len(m._forward_pre_hooks), len(m._forward_hooks)) for m in minilm.model.modules()]  # noqa: E731
    before = hooks()
    bh = att.by_hand(minilm, TEXT, 3, 11)
    assert bh.max_abs_diff < 1e-5 and bh.recipe.startswith("BERT-style") and not bh.causal
    assert hooks() == before  # transformers' own output-capturing hooks stay; ours are gone


def test_bad_input_gets_a_message_that_says_how_to_fix_it(registry, smol, t5):
    with pytest.raises(InputError, match="layers 0 to 29"):
        att.by_hand(smol, TEXT, 30, 0)
    with pytest.raises(InputError, match="heads 0 to 8"):
        att.attention(smol, TEXT).as_json(0, 9)
    with pytest.raises(InputError, match="whole number"):
        att.as_index("two", "layer")
    with pytest.raises(InputError, match="at most 128"):
        att.attention(smol, "word " * 200, max_tokens=att.BERTVIZ_MAX_TOKENS, what="the bertviz views")
    with pytest.raises(InputError, match="stack must be encoder, decoder or cross"):
        att.by_hand(t5, TEXT, 0, 0, stack="middle")
    with pytest.raises(InputError, match="decoder-only model: its one stack is the decoder"):
        att.by_hand(smol, TEXT, 0, 0, stack="cross")
    with pytest.raises(InputError, match="Sentence B is for BERT-style encoders"):
        att.attention(smol, TEXT, "A second sentence.")
    with pytest.raises(InputError, match="rotary"):
        att.neuron_params(smol, TEXT)
    sdpa = registry.load("local/tiny-gpt2", attn_implementation="sdpa")
    with pytest.raises(InputError, match="eager"):
        att.attention(sdpa, TEXT)


def test_hiding_special_tokens_and_the_sink_renormalises_rows(registry):
    minilm = registry.load("all-MiniLM-L6-v2")
    r = att.attention(minilm, TEXT)
    m, q_keep, k_keep = att.hide_tokens(r.matrix(2, 3), r.special, r.special)
    assert 0 not in k_keep and len(r.tokens) - 1 not in k_keep  # [CLS] and [SEP] are gone
    np.testing.assert_allclose(m.sum(1), 1.0, atol=1e-5)
    fig = views.heatmap_figure(r, 2, 3, hide=True)
    assert "[CLS]" not in fig.layout.xaxis.ticktext and "renormalised" in fig.layout.title.text


def test_rollout_rows_sum_to_one_and_stay_causal(smol):
    r = att.attention(smol, TEXT)
    roll = att.rollout(r.weights)
    np.testing.assert_allclose(roll.sum(1), 1.0, atol=1e-5)
    assert np.triu(roll, 1).max() < 1e-7
    one = att.rollout(r.weights, 0)  # one layer: ½ mean + ½ I, renormalised
    expected = 0.5 * r.weights[0].mean(0) + 0.5 * np.eye(len(r.tokens))
    np.testing.assert_allclose(one, expected / expected.sum(1, keepdims=True), atol=1e-6)


def test_neuron_view_data_comes_from_bertvizs_models_built_from_the_loaded_weights(registry, gpt, mlm):
    for loaded in (gpt, mlm, registry.load("all-MiniLM-L6-v2")):
        params = att.neuron_params(loaded, "The cat sat on the mat.", decimals=6)
        mine = np.array(params["attention"]["all"]["attn"])
        ref = att.attention(loaded, "The cat sat on the mat.").weights
        np.testing.assert_allclose(mine, ref, atol=1e-5)
        assert len(params["attention"]["all"]["queries"]) == ref.shape[0]
        doc = bertviz.neuron_view_document(params, pair=False)
        assert "cdnjs" not in doc and "window.bertviz_params" in doc


# ---- views ----------------------------------------------------------------------------------------


def test_heatmap_has_tokens_on_both_axes_escaped(gpt):
    r = att.attention(gpt, "<script>alert(1)</script> it was")
    fig = views.heatmap_figure(r, 1, 0)
    n = len(r.tokens)
    assert np.asarray(fig.data[0].z).shape == (n, n)
    labels = " ".join(fig.layout.xaxis.ticktext)
    assert "<script" not in labels and "&lt;" in labels
    assert "head 0" in fig.layout.title.text
    mean = views.heatmap_figure(r, 1, None)
    np.testing.assert_allclose(np.asarray(mean.data[0].z), r.weights[1].mean(0), atol=1e-6)


def test_families_figure_puts_three_families_side_by_side(gpt, mlm, t5):
    results = [att.attention(gpt, TEXT), att.attention(mlm, TEXT),
               att.attention(t5, "translate English to French: sea otter", decoder_text="loutre de mer")]
    fig = views.families_figure(results)
    assert len(fig.data) == 5  # decoder, encoder, and the encoder-decoder's encoder, decoder and cross
    titles = " ".join(a.text for a in fig.layout.annotations)
    assert "causal" in titles and "bidirectional" in titles and "cross" in titles
    says = [views.summary_html(r) for r in results]
    assert "is a decoder" in says[0] and "is an encoder (" in says[1] and "is an encoder-decoder" in says[2]


def test_pack_round_trips_within_one_byte():
    w = np.random.default_rng(0).dirichlet(np.ones(7), size=(2, 3, 7)).astype(np.float32)
    back = bertviz.unpack(bertviz.pack(w))
    assert back.shape == w.shape and np.abs(back - w).max() <= 1 / 510 + 1e-7


def test_bertviz_documents_load_nothing_remote_and_escape_tokens(gpt):
    r = att.attention(gpt, "<script>alert(1)</script> it was")
    for doc in (bertviz.head_view_document(r, layer=1), bertviz.model_view_document(r, [0, 1])):
        assert not re.search(r"""src\s*=\s*["']?https?:""", doc) and "cdnjs" not in doc
        assert doc.count("</script>") == 5  # d3, jQuery, require.js, the module names, the view: none cut short
        assert "alert(1)</script>" not in doc  # the token sits in JSON with < escaped
        frame = bertviz.iframe(doc, 400, "x")
        assert frame.startswith('<iframe class="pg-bertviz"') and 'sandbox="allow-scripts"' in frame
        assert "<script" not in frame  # the whole document is escaped into srcdoc


def test_unmodified_bertviz_html_is_made_offline(gpt):
    from bertviz import head_view

    r = att.attention(gpt, TEXT)
    original = head_view([torch.tensor(r.weights[i])[None] for i in range(r.num_layers)], list(r.tokens),
                         html_action="return").data
    assert "cdnjs.cloudflare.com" in original
    doc = bertviz.offline_document(original)
    assert "cdnjs" not in doc and "define('d3'" in doc
