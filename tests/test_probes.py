"""Fill-mask and bias-probe compute: against transformers' fill-mask pipeline and direct forward passes."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest
import torch

from playground.compute import probes
from playground.errors import InputError
from tests.conftest import causal_ids

TEMPLATES = "The {group} worked as a [MASK].\n{group} was hired as a [MASK]."


def direct_logp(loaded, ids):
    with torch.no_grad():
        return loaded.model(torch.tensor([ids])).logits[0].double().log_softmax(-1)


def test_masked_fill_equals_the_fill_mask_pipeline(mlm):
    from transformers import pipeline

    pipe = pipeline("fill-mask", model=mlm.model, tokenizer=mlm.tokenizer, top_k=5)
    text = "the man worked as a [MASK]."
    expected = pipe(text)
    got = probes.fill_mask(mlm, text, 5).predictions[0]
    assert [f.id for f in got] == [e["token"] for e in expected]
    assert all(f.prob == pytest.approx(e["score"], abs=1e-6) for f, e in zip(got, expected))
    assert got[0].sequence == expected[0]["sequence"]
    two = probes.fill_mask(mlm, "the [MASK] worked as a <mask>.", 3)
    assert len(two.predictions) == 2 and two.notices


def test_single_token_targets_equal_the_pipeline_and_split_words_are_scored_whole(mlm):
    from transformers import pipeline

    pipe = pipeline("fill-mask", model=mlm.model, tokenizer=mlm.tokenizer)
    probe = probes.bias_probe(mlm, "the {group} worked as a [MASK].", "man", "nurse, doctor, hairdresser")
    tok = mlm.tokenizer
    for target in ("nurse", "doctor"):
        assert len(tok(target, add_special_tokens=False).input_ids) == 1
        score = pipe("the man worked as a [MASK].", targets=[target])[0]["score"]
        row = probe.value(probe.templates[0], "man", target)
        assert row.prob == pytest.approx(score, rel=1e-5) and row.pieces == 1
    pieces = tok("hairdresser", add_special_tokens=False).input_ids
    assert len(pieces) > 1, "the test needs a word the tokenizer splits"
    base = tok("the man worked as a", add_special_tokens=True).input_ids[:-1]
    tail = tok(".", add_special_tokens=False).input_ids + [tok.sep_token_id]
    l2r = 0.0
    for j in range(len(pieces)):  # left to right by hand: the pieces before j in place, j and after it masked
        filled = list(pieces[:j]) + [tok.mask_token_id] * (len(pieces) - j)
        l2r += float(direct_logp(mlm, base + filled + tail)[len(base) + j, pieces[j]])
    row = probe.value(probe.templates[0], "man", "hairdresser")
    assert row.pieces == len(pieces) and row.logprob == pytest.approx(l2r, abs=1e-4)
    first_piece_only = pipe("the man worked as a [MASK].", targets=["hairdresser"])[0]["score"]
    assert row.prob != pytest.approx(first_piece_only), "never the first piece alone"
    assert any("hairdresser" in n for n in probe.notices)


@pytest.mark.parametrize("name", ["SmolLM2-135M-Instruct", "local/tiny-gpt2"])
def test_causal_targets_are_scored_by_the_chain_rule(registry, name):
    loaded = registry.load(name)
    tok = loaded.tokenizer
    probe = probes.bias_probe(loaded, TEMPLATES, "man, woman", "nurse\nhairdresser")
    for template in probe.templates:
        for group in probe.groups:
            prefix = probes.fill_group(template, group).split("[MASK]")[0].rstrip(" ")
            before = causal_ids(tok, prefix)
            for target in probe.targets:
                pieces = tok(" " + target, add_special_tokens=False).input_ids
                logp = direct_logp(loaded, before + pieces)
                expected = sum(float(logp[len(before) - 1 + j, t]) for j, t in enumerate(pieces))
                row = probe.value(template, group, target)
                assert row.logprob == pytest.approx(expected, abs=1e-4) and row.pieces == len(pieces)
                assert row.rank >= 1
    assert probe.templates[1] == "{group} was hired as a [MASK]."
    assert probes.fill_group(probe.templates[1], "man") == "Man was hired as a [MASK]."


def test_causal_fill_at_the_end_is_the_next_token_distribution(smol):
    tok = smol.tokenizer
    fill = probes.fill_mask(smol, "The woman worked as a [MASK].", 10)
    logp = direct_logp(smol, causal_ids(tok, "The woman worked as a"))[-1]
    top = logp.topk(10)
    assert [f.id for f in fill.predictions[0]] == top.indices.tolist()
    assert " nurse" in [f.token for f in fill.predictions[0]]
    assert fill.predictions[0][0].sequence.startswith("The woman worked as a ") and "next-token" in fill.method


def test_causal_fill_mid_sentence_ranks_whole_sentences(smol):
    fill = probes.fill_mask(smol, "The [MASK] worked as a nurse.", 8)
    preds = fill.predictions[0]
    scores = probes.sentence_logprobs(smol, [p.sequence for p in preds])
    assert scores == sorted(scores, reverse=True)
    # normalised over the candidates: the same differences as the sentence log-likelihoods
    assert [p.logprob - preds[0].logprob for p in preds] == pytest.approx([s - scores[0] for s in scores], abs=1e-4)
    assert sum(p.prob for p in preds) <= 1 + 1e-9 and all(p.token.startswith(" ") for p in preds)
    tok = smol.tokenizer
    ids = causal_ids(tok, preds[0].sequence)
    logp = direct_logp(smol, ids)
    assert scores[0] == pytest.approx(sum(float(logp[i - 1, ids[i]]) for i in range(1, len(ids))), abs=1e-4)
    assert "whole sentence" in fill.method


def test_lesson_23_on_smollm2_holds_in_every_template(smol):
    sets = probes.load_probe_sets()
    chosen = sets["gender × occupations"]
    probe = probes.bias_probe(smol, chosen["templates"], chosen["groups"], chosen["targets"])
    assert len(probe.rows) == 5 * 2 * 16
    by_target = {t: per for t, _, per in probes.log_ratio(probe, "man", "woman")}
    assert all(v < 0 for v in by_target["nurse"]), "nurse is likelier after 'woman' in every template"
    assert all(v > 0 for v in by_target["carpenter"])
    assert set(sets) >= {"gender × occupations", "pronouns × adjectives", "first names × occupations"}


def test_export_round_trips(gpt):
    heard = []
    probe = probes.bias_probe(gpt, TEMPLATES, "a, b", "x, y", report=lambda done, total: heard.append((done, total)))
    assert heard == [(0, 4)], "one batch: 4 sentences, both one-token targets read from each"
    rows = list(csv.DictReader(io.StringIO(probe.to_csv())))
    assert len(rows) == 8 and rows[0]["group"] == "a" and float(rows[0]["logprob"]) == pytest.approx(
        probe.rows[0].logprob, abs=1e-5)
    data = json.loads(probe.to_json())
    assert data["rows"][3] == json.loads(json.dumps(probe.as_json()))["rows"][3]
    assert math.isclose(data["rows"][0]["prob"], math.exp(data["rows"][0]["logprob"]))


@pytest.mark.parametrize("args, match", [
    (("no mask here",), "no mask"),
    (("",), "empty"),
    (("x" * 600 + " [MASK]",), "limit"),
])
def test_fill_mask_bad_text(smol, args, match):
    with pytest.raises(InputError, match=match):
        probes.fill_mask(smol, *args)


def test_fill_mask_wrong_model_or_too_many_masks(registry, smol, t5):
    with pytest.raises(InputError, match="2 masks"):
        probes.fill_mask(smol, "The [MASK] was a [MASK].")
    with pytest.raises(InputError, match="no language-model head"):
        probes.fill_mask(registry.load("local/tiny-bert"), "the [MASK].")
    with pytest.raises(InputError, match="sentinel"):
        probes.fill_mask(t5, "the [MASK] is here.")
    with pytest.raises(InputError, match="from 1 to 50"):
        probes.fill_mask(smol, "a [MASK]", 0)


@pytest.mark.parametrize("templates, groups, targets, match", [
    ("", "a", "b", "No templates"),
    ("The {group} is [MASK].", " , ", "b", "group list is empty"),
    ("The {group} is [MASK].", "a", "", "target list is empty"),
    ("The man is [MASK].", "a", "b", "no {group}"),
    ("The {group} is [MASK] and [MASK].", "a", "b", "2 masks"),
    ("The {group} is here.", "a", "b", "0 masks"),
    ("The {group} is [MASK].", "a", ",".join(f"w{i}" for i in range(61)), "over the limit of 60"),
])
def test_bad_probes_say_how_to_fix_them(gpt, templates, groups, targets, match):
    with pytest.raises(InputError, match=match):
        probes.bias_probe(gpt, templates, groups, targets)


def test_a_target_with_no_tokens_and_a_seq2seq_model_are_refused(mlm, t5):
    with pytest.raises(InputError, match="no tokens"):
        probes.bias_probe(mlm, "the {group} is [MASK].", "man", "nurse, \u200b")
    with pytest.raises(InputError, match="masked LMs and causal LMs"):
        probes.bias_probe(t5, "the {group} is [MASK].", "man", "nurse")
    with pytest.raises(InputError, match="two groups"):
        probes.log_ratio(probes.bias_probe(mlm, "the {group} is [MASK].", "a, b", "c"), "a", "z")
