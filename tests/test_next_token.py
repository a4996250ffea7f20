"""Next-token compute: every number against a direct transformers call on the same model."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from playground.compute import next_token as nt
from playground.errors import InputError
from playground.models import NEXT_TOKEN
from tests.conftest import causal_ids

SMOL = "SmolLM2-135M-Instruct"
PROMPT = "It was a dark and stormy"


def direct_last(loaded, text):
    ids = causal_ids(loaded.tokenizer, text)
    with torch.no_grad():
        return loaded.model(torch.tensor([ids])).logits[0, -1].float(), ids


@pytest.mark.parametrize("name", [SMOL, "local/tiny-gpt2"])
@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.0])
def test_probabilities_equal_softmax_of_a_direct_call(registry, name, temperature):
    loaded = registry.load(name)
    result = nt.next_token(loaded, PROMPT)
    dist = nt.distribution(result, temperature, nt.MAX_K)
    logits, ids = direct_last(loaded, PROMPT)
    # the reference softmax in float64, as the app takes it: a float32 softmax over SmolLM2's 49,152 logits is itself
    # off by 1.2e-5 in its top probability (0.86) on an AVX2 CPU (measured: the rounding of its sum)
    expected = torch.softmax(logits.double() / temperature, -1)
    top = torch.topk(expected, nt.MAX_K)
    assert [c.id for c in dist.top] == top.indices.tolist()
    assert np.allclose([c.prob for c in dist.top], top.values.numpy(), atol=1e-5)
    assert np.allclose([c.logit for c in dist.top], logits[top.indices].numpy(), atol=1e-5)
    assert abs(dist.total - 1) < 1e-9
    probs = [c.prob for c in dist.top]
    assert probs == sorted(probs, reverse=True)
    assert [t.id for t in result.tokens] == ids and result.logits_shape == (1, len(ids), len(logits))
    expected_entropy = -(expected * torch.log(expected.clamp_min(1e-45))).sum().item()
    assert dist.entropy == pytest.approx(expected_entropy, abs=1e-4)
    assert dist.top_mass == pytest.approx(sum(probs))
    assert all(math.isclose(c.prob_t1, torch.softmax(logits.double(), -1)[c.id].item(), abs_tol=1e-5) for c in dist.top)


def test_an_earlier_result_is_reused_only_for_the_same_request(gpt, registry):
    first = nt.next_token(gpt, PROMPT)
    assert nt.next_token(gpt, PROMPT, reuse=first) is first
    others = (
        nt.next_token(gpt, PROMPT + " night", reuse=first),
        nt.next_token(gpt, PROMPT, reuse=first, max_tokens=4),
        nt.next_token(registry.load("local/tiny-gpt2", dtype="bfloat16"), PROMPT, reuse=first),
    )
    for other in others:
        assert other is not first


def test_smollm2_expects_night_after_a_dark_and_stormy(smol):
    dist = nt.distribution(nt.next_token(smol, PROMPT), 1.0, 5)
    assert dist.top[0].token == " night" and dist.top[0].prob > 0.8  # 0.86 after the start token (0.97 without)


def test_temperature_zero_is_argmax_and_bad_values_are_refused(gpt):
    result = nt.next_token(gpt, PROMPT)
    zero = nt.distribution(result, 0, 5)
    assert zero.top[0].prob == 1.0 and all(c.prob == 0 for c in zero.top[1:]) and zero.entropy == 0.0
    assert zero.top[0].id == int(np.argmax(result.logits)) and "argmax" in zero.notices[0]
    assert nt.distribution(result, 0.01, 5).top[0].prob > nt.distribution(result, 5.0, 5).top[0].prob
    with pytest.raises(InputError, match="0 or more"):
        nt.distribution(result, -1, 5)
    with pytest.raises(InputError, match="0 or more"):
        nt.distribution(result, float("nan"), 5)
    for k in (0, 51, 2.5):
        with pytest.raises(InputError, match="from 1 to 50"):
            nt.distribution(result, 1.0, k)


def test_check_params_reads_numbers_and_refuses_the_rest():
    assert nt.check_params("0.7", "10") == (0.7, 10) and nt.check_params(0, 50.0) == (0.0, 50)
    for t, k, match in ((None, 5, "0 or more"), ("hot", 5, "0 or more"), (float("inf"), 5, "0 or more"),
                        (1, None, "whole number"), (1, "ten", "whole number"), (1, float("nan"), "whole number")):
        with pytest.raises(InputError, match=match):
            nt.check_params(t, k)


def test_entropy_curve_rises_with_temperature(gpt):
    curve = nt.entropy_curve(nt.next_token(gpt, PROMPT), [0.1, 0.5, 1, 2, 4])
    values = [h for _, h in curve]
    assert values == sorted(values) and values[-1] <= math.log2(len(gpt.tokenizer)) + 1e-9


def test_prefix_table_matches_argmax_and_ranks(gpt):
    result = nt.next_token(gpt, PROMPT)
    ids = [t.id for t in result.tokens]
    with torch.no_grad():
        logits = gpt.model(torch.tensor([ids])).logits[0]
    probs = torch.softmax(logits, -1)
    assert len(result.prefix) == len(ids)
    for row in result.prefix:
        assert row.best_id == int(probs[row.position].argmax())
        assert row.best_prob == pytest.approx(probs[row.position].max().item(), abs=1e-6)
        if row.position < len(ids) - 1:
            nxt = ids[row.position + 1]
            assert row.next_id == nxt and row.next_prob == pytest.approx(probs[row.position, nxt].item(), abs=1e-6)
            assert row.next_rank == int((logits[row.position] > logits[row.position, nxt]).sum()) + 1
            assert (row.next_rank == 1) == (row.best_id == nxt)
            assert row.surprise_bits == pytest.approx(-math.log2(row.next_prob))
        else:
            assert row.next_id is None and row.surprise_bits is None
    assert gpt.tokenizer.decode(ids[1:]) == result.prefix[-1].prefix and result.prefix[0].prefix == ""


@pytest.mark.parametrize("name", [SMOL, "local/tiny-gpt2", "local/tiny-t5"])
def test_prefix_texts_equal_the_tokenizers_decode(registry, name):
    loaded = registry.load(name)
    result = nt.next_token(loaded, "It was a dark 漢字 night", decoder_prefix="la mer")
    seq = [t.id for t in (result.decoder_tokens or result.tokens)]
    assert [r.prefix for r in result.prefix] == [  # after the start token (causal) or decoder start (seq2seq)
        loaded.tokenizer.decode(seq[1: p + 1], skip_special_tokens=False, clean_up_tokenization_spaces=False)
        for p in range(len(seq))
    ]


def test_smollm2_prefix_guesses_match_the_lesson(smol):
    rows = nt.next_token(smol, "It was a dark and stormy night").prefix
    assert rows[0].prefix == "" and rows[0].next_token == "It", "the start token predicts the first word"
    assert rows[2].prefix == "It was" and rows[2].best_token == " a" and rows[2].next_rank == 1
    assert rows[6].best_token == " night" and rows[6].next_rank == 1 and rows[6].next_prob > 0.8


def test_masked_lm_reads_the_mask_whatever_it_is_spelled(mlm):
    tok = mlm.tokenizer
    for text in ("the man worked as a [MASK].", "the man worked as a <mask>."):
        result = nt.next_token(mlm, text)
        enc = tok("the man worked as a [MASK].", return_tensors="pt")
        pos = enc.input_ids[0].tolist().index(tok.mask_token_id)
        with torch.no_grad():
            expected = torch.softmax(mlm.model(**enc).logits[0, pos], -1)
        dist = nt.distribution(result, 1.0, 10)
        assert result.position == pos and result.where == "at [MASK]" and not result.prefix
        assert np.allclose([c.prob for c in dist.top], torch.topk(expected, 10).values.numpy(), atol=1e-5)


def test_masked_lm_with_several_masks_says_which_and_without_one_says_how(mlm):
    result = nt.next_token(mlm, "[MASK] went to the [MASK].", mask_index=1)
    assert result.where == "at [MASK] (2 of 2)" and "Showing mask 2" in result.notices[0]
    assert result.position == [t.id for t in result.tokens].index(mlm.tokenizer.mask_token_id, 2)
    with pytest.raises(InputError, match=r"No mask.*\[MASK\]"):
        nt.next_token(mlm, "no blank here")
    with pytest.raises(InputError, match="from 1 to 2"):
        nt.next_token(mlm, "[MASK] and [MASK]", mask_index=2)


def test_seq2seq_predicts_the_next_decoder_token(t5):
    tok = t5.tokenizer
    result = nt.next_token(t5, "translate English to French: sea otter", decoder_prefix="loutre de")
    enc = tok("translate English to French: sea otter", return_tensors="pt")
    dec = [t5.model.config.decoder_start_token_id] + tok("loutre de", add_special_tokens=False).input_ids
    with torch.no_grad():
        expected = torch.softmax(t5.model(**enc, decoder_input_ids=torch.tensor([dec])).logits[0, -1], -1)
    dist = nt.distribution(result, 1.0, 5)
    assert [t.id for t in result.decoder_tokens] == dec and result.position == len(dec) - 1
    assert np.allclose([c.prob for c in dist.top], torch.topk(expected, 5).values.numpy(), atol=1e-5)
    assert len(result.prefix) == len(dec)
    with pytest.raises(InputError, match="encoder needs a text"):
        nt.next_token(t5, "  ")


def test_empty_prompt_is_the_start_token_or_says_why_not(smol, gpt):
    result = nt.next_token(smol, "")
    assert [t.id for t in result.tokens] == causal_ids(smol.tokenizer, "") and "start token" in result.notices[0]
    assert result.tokens[0].token == "<|endoftext|>" and result.tokens[0].special
    from playground.compute.lm import inputs
    from tests.conftest import _unigram_tokenizer

    with pytest.raises(InputError, match="no start token"):  # no <|endoftext|>, no BOS
        inputs.encode(_unigram_tokenizer(), "causal", "", limit=10, why="")


def test_long_prompt_is_truncated_from_the_left_and_said(gpt):
    text = " ".join(["stormy night"] * 200)
    result = nt.next_token(gpt, text)
    ids = causal_ids(gpt.tokenizer, text)
    kept = ids[:1] + ids[-127:]  # the start token stays, then the end of the text
    assert len(result.tokens) == 128 and [t.id for t in result.tokens] == kept
    assert "the model's context is 128 tokens" in result.notices[0]
    with torch.no_grad():
        expected = torch.softmax(gpt.model(torch.tensor([kept])).logits[0, -1], -1)
    assert nt.distribution(result, 1.0, 1).top[0].prob == pytest.approx(expected.max().item(), abs=1e-5)
    capped = nt.next_token(gpt, text, max_tokens=40)
    assert len(capped.tokens) == 40 and "PLAYGROUND_MAX_PROMPT_TOKENS" in capped.notices[0]


def test_mask_in_a_causal_prompt_is_explained(gpt):
    assert "causal model" in nt.next_token(gpt, "The [MASK] worked").notices[0]


def test_encoder_only_models_cannot_predict_tokens(registry):
    with pytest.raises(InputError, match="cannot do next-token.*Models that can"):
        registry.load("all-MiniLM-L6-v2", capability=NEXT_TOKEN)
    with pytest.raises(InputError, match="no language-model head"):
        nt.prepare(registry.load("local/tiny-bert"), "hello")


def test_byte_pieces_read_as_bytes_not_replacement_characters(smol):
    result = nt.next_token(smol, "漢字")
    assert [t.token for t in result.tokens[1:4]] == ["<0xE6>", "<0xBC>", "<0xA2>"]
    assert all("\ufffd" not in t.token for t in result.tokens)


def test_api_json_is_plain_and_complete(smol):
    result = nt.next_token(smol, PROMPT)
    for t in (0.0, 1.0):
        data = nt.as_json(result, nt.distribution(result, t, 10))
        json.dumps(data, allow_nan=False)
        assert [d["token"] for d in data["tokens"]] == ["<|endoftext|>", "It", " was", " a", " dark", " and", " stormy"]
        assert len(data["top"]) == 10 and len(data["prefix_table"]) == 7
        assert set(data["top"][0]) >= {"token", "id", "logit", "prob"} and "entropy" in data


# ---- continuations ---------------------------------------------------------------------------


def test_parse_continuations():
    assert nt.parse_continuations("night, day") == [" night", " day"]
    assert nt.parse_continuations("night\nday, dusk\n\n") == [" night", " day, dusk"]
    assert nt.parse_continuations("night,,night", leading_space=True) == [" night"]
    assert nt.parse_continuations(" night", leading_space=False) == [" night"]
    for raw in ("", "  ", ", ,"):
        with pytest.raises(InputError):
            nt.parse_continuations(raw)
    with pytest.raises(InputError, match="At most"):
        nt.parse_continuations(",".join(f"w{i}" for i in range(20)))


def test_one_token_continuation_equals_the_distribution(smol):
    result = nt.next_token(smol, PROMPT)
    scores = nt.score_continuations(smol, PROMPT, [" night", " day"])
    probs = {c.id: c.prob for c in nt.distribution(result, 1.0, nt.MAX_K).top}
    for s in scores:
        assert not s.multi_token and s.method == "one token"
        assert s.prob == pytest.approx(probs[s.pieces[0].id], abs=1e-5)
    assert scores[0].pieces[0].rank == 1


def test_several_token_continuation_uses_the_chain_rule(gpt):
    word = " runner stormy"
    scores = nt.score_continuations(gpt, PROMPT, [word, " night"])
    ids = causal_ids(gpt.tokenizer, PROMPT)
    w = gpt.tokenizer(word, add_special_tokens=False).input_ids
    assert len(w) > 1 and scores[0].multi_token and scores[0].method == f"chain rule over {len(w)} tokens"
    with torch.no_grad():
        logp = torch.log_softmax(gpt.model(torch.tensor([ids + w])).logits[0], -1)
    expected = sum(logp[len(ids) - 1 + i, t].item() for i, t in enumerate(w))
    assert scores[0].logprob == pytest.approx(expected, abs=1e-4)  # padded in a batch, same numbers


def test_masked_and_seq2seq_continuations(mlm, t5):
    one = nt.score_continuations(mlm, "the man worked as a [MASK].", [" doctor"])[0]
    logits = torch.from_numpy(nt.next_token(mlm, "the man worked as a [MASK].").logits)
    assert one.method == "one token"
    assert one.prob == pytest.approx(torch.softmax(logits, -1)[one.pieces[0].id].item(), abs=1e-6)
    many = nt.score_continuations(mlm, "the man worked as a [MASK].", [" carpenter stormy"])[0]
    assert many.multi_token and "masks" in many.method
    seq = nt.score_continuations(t5, "translate English to French: sea otter", [" loutre de mer"])[0]
    enc = t5.tokenizer("translate English to French: sea otter", return_tensors="pt")
    w = t5.tokenizer(" loutre de mer", add_special_tokens=False).input_ids
    dec = [t5.model.config.decoder_start_token_id] + w
    with torch.no_grad():
        logp = torch.log_softmax(t5.model(**enc, decoder_input_ids=torch.tensor([dec])).logits[0], -1)
    assert seq.logprob == pytest.approx(sum(logp[i, t].item() for i, t in enumerate(w)), abs=1e-4)


# ---- logit lens ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [SMOL, "local/tiny-gpt2"])
def test_logit_lens_last_layer_is_the_models_output(registry, name):
    loaded = registry.load(name)
    lens = nt.logit_lens(loaded, PROMPT)
    layers = loaded.model.config.num_hidden_layers
    assert lens.layers[0] == "embeddings" and len(lens.layers) == layers + 1 == len(lens.cells)
    assert all(len(row) == len(lens.tokens) for row in lens.cells)
    assert lens.final_max_abs_diff < 1e-4
    logits, _ = direct_last(loaded, PROMPT)
    top = torch.topk(torch.softmax(logits, -1), 5)
    last = lens.cells[-1][-1]
    assert list(last.ids) == top.indices.tolist()
    assert np.allclose(last.probs, top.values.numpy(), atol=1e-5)
    for row in lens.cells:
        for cell in row:
            assert list(cell.probs) == sorted(cell.probs, reverse=True) and 0 <= cell.probs[-1] <= cell.probs[0] <= 1
    json.dumps(lens.as_json(), allow_nan=False)


def test_logit_lens_by_hand_on_a_middle_layer(gpt):
    lens = nt.logit_lens(gpt, PROMPT)
    ids = torch.tensor([causal_ids(gpt.tokenizer, PROMPT)])
    with torch.no_grad():
        hidden = gpt.model(ids, output_hidden_states=True).hidden_states
        probs = torch.softmax(gpt.model.lm_head(gpt.model.transformer.ln_f(hidden[1][0])), -1)
    assert list(lens.cells[1][2].ids) == torch.topk(probs[2], 5).indices.tolist()


def test_logit_lens_shows_the_end_of_long_prompts_and_refuses_other_families(smol, mlm):
    lens = nt.logit_lens(smol, " ".join(["word"] * 60), max_positions=16)
    assert len(lens.tokens) == 16 and lens.tokens[-1].position == 60 and "last 16" in lens.notices[0]
    with pytest.raises(InputError, match="causal"):
        nt.logit_lens(mlm, "the [MASK] sat")
