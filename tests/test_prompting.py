"""Prompting compute: label scores equal a direct transformers log-likelihood, batching and the shared
few-shot prefix change nothing, calibration, few-shot prompts, evaluation, classifiers, CSV input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.compute import lm, prompting as P
from playground.config import Settings
from playground.errors import InputError
from playground.models import ModelRegistry
from tests.conftest import causal_ids

TPL = P.SENTIMENT_TEMPLATE
DEMOS = (("I loved every minute of it.", "positive"), ("Total waste of money.", "negative"),
         ("A delightful little place with great coffee.", "positive"), ("The battery died after two days.", "negative"))


def direct_causal(loaded, prompt: str, continuation: str) -> float:
    """log P(continuation | start token + prompt), straight from the model's logits."""
    import torch

    tok = loaded.tokenizer
    ctx = causal_ids(tok, prompt)
    cont = tok(continuation, add_special_tokens=False)["input_ids"]
    ids = torch.tensor([ctx + cont])
    with torch.no_grad():
        logp = torch.log_softmax(loaded.model(ids).logits[0].double(), -1)
    return float(sum(logp[len(ctx) - 1 + i, t] for i, t in enumerate(cont)))


# ---- labels, templates, prompts ------------------------------------------------------------------


def test_labels_in_every_form_with_default_verbalizers():
    assert P.parse_labels("positive: great\nnegative", TPL) == (P.Label("positive", " great"),
                                                                 P.Label("negative", " negative"))
    assert P.parse_labels(["yes", "no"], "Q: {text} A: ") == (P.Label("yes", "yes"), P.Label("no", "no"))
    assert P.parse_labels({"a": " x", "b": None}, TPL) == (P.Label("a", " x"), P.Label("b", " b"))
    assert P.parse_labels([{"label": "a", "verbalizer": " x"}, ["b", " y"]], TPL)[1] == P.Label("b", " y")
    assert P.parse_labels("pos, neg", "{text} It was [MASK].") == (P.Label("pos", "pos"), P.Label("neg", "neg"))


@pytest.mark.parametrize("raw, match", [
    ("", "No labels"), ("positive", "at least two"), ("a\nA", "twice"), (": x\nb", "no name"),
    ("\n".join(f"l{i}" for i in range(P.MAX_LABELS + 1)), "more than"), (42, "must be text"),
])
def test_bad_labels(raw, match):
    with pytest.raises(InputError, match=match):
        P.parse_labels(raw, TPL)


@pytest.mark.parametrize("template, family, match", [
    ("", "causal", "empty"), ("Review: text", "causal", "no {text}"), ("{text} {text}", "causal", "more than once"),
    ("{text} Sentiment:", "masked", "mask"), ("{text} [MASK] [MASK]", "masked", "more than one mask"),
])
def test_bad_templates(template, family, match):
    with pytest.raises(InputError, match=match):
        P.check_template(template, family)


def test_few_shot_prompt_is_exactly_the_parts_joined():
    labels = P.parse_labels(P.SENTIMENT_LABELS, TPL)
    used, order, _ = P.choose_demos(DEMOS, k=2)
    prompt = P.build_prompt(TPL, "So good {braces} stay.", used, instruction="Classify the review.", labels=labels)
    assert prompt == ("Classify the review.\n\nReview: I loved every minute of it.\nSentiment: positive\n\n"
                           "Review: Total waste of money.\nSentiment: negative\n\nReview: So good {braces} stay.\n"
                           "Sentiment:")
    assert order == (0, 1)
    a = P.choose_demos(DEMOS, order="shuffled", seed=3)
    assert a == P.choose_demos(DEMOS, order="shuffled", seed=3) and sorted(a[1]) == [0, 1, 2, 3]
    assert P.choose_demos(DEMOS, k=9)[2] and len(P.choose_demos(DEMOS, k=9)[0]) == 4
    masked = P.build_prompt("{text} It was [MASK].", "q", [("good", "great")])
    assert masked == "good It was great.\n\nq It was [MASK]."
    with pytest.raises(InputError, match="whole number"):
        P.choose_demos(DEMOS, k=-1)


def test_demonstration_table_rows():
    assert P.parse_demos([["a", "b"], ["", ""], [None, None], ["c", "d"]]) == (("a", "b"), ("c", "d"))
    with pytest.raises(InputError, match="Demonstration 2"):
        P.parse_demos([["a", "b"], ["c", ""]])


# ---- scores equal transformers -------------------------------------------------------------------


@pytest.mark.slow
def test_label_logprob_equals_direct_log_likelihood_on_smollm2(smol):
    c = P.classify(smol, "The soup was cold and the waiter was rude.")
    prompt = "Review: The soup was cold and the waiter was rude.\nSentiment:"
    assert c.prompt == prompt and c.prediction == "negative"
    for s in c.labels:
        assert s.logprob == pytest.approx(direct_causal(smol, prompt, s.verbalizer), abs=1e-4)
    probs = np.array([s.prob for s in c.labels])
    assert probs.sum() == pytest.approx(1) and probs[1] == pytest.approx(1 / (1 + math.exp(c.labels[0].logprob
                                                                                            - c.labels[1].logprob)))
    raw = dict(c.next_tokens)
    assert c.label_mass == pytest.approx(math.exp(c.labels[0].logprob) + math.exp(c.labels[1].logprob), rel=1e-4)
    assert " Negative" in raw and list(raw.values()) == sorted(raw.values(), reverse=True)


@pytest.mark.slow
def test_multi_token_verbalizers_and_length_normalisation(smol):
    labels = "good: wonderfully pleasant\nbad: awful"
    c = P.classify(smol, "What a day.", TPL, labels)
    assert len(c.labels[0].tokens) > 1 and any("scored whole" in n for n in c.notices)
    for s in c.labels:
        assert s.logprob == pytest.approx(direct_causal(smol, c.prompt, s.verbalizer), abs=1e-4)
    n = P.classify(smol, "What a day.", TPL, labels, length_normalised=True)
    assert n.labels[0].score == pytest.approx(n.labels[0].logprob / len(n.labels[0].tokens))
    assert n.labels[0].prob != pytest.approx(c.labels[0].prob)


@pytest.mark.slow
def test_the_shared_few_shot_prefix_changes_nothing(smol):
    labels = P.parse_labels(P.SENTIMENT_LABELS, TPL)
    texts = ["Great value.", "It broke on day one and support never answered my emails.", "Meh."]
    prompts = [P.build_prompt(TPL, t, DEMOS, labels=labels) for t in texts]
    b = lm.backend_of(smol)
    verbs, _ = P.verbalizers(b, labels)
    reqs = [lm.ScoreRequest(tuple(causal_ids(smol.tokenizer, p)), v.ids) for p in prompts for v in verbs]
    shared = [s.logprob for s in b.score(reqs)]
    plain = [s.logprob for s in b.score(reqs, share_prefix=False)]
    np.testing.assert_allclose(shared, plain, atol=1e-4)
    got = P.label_logprobs(smol, prompts, labels).scores
    for n, p in enumerate(prompts):
        assert got[n, 0] == pytest.approx(direct_causal(smol, p, " positive"), abs=1e-4) == shared[2 * n]


def test_tiny_gpt2_batched_equals_direct(gpt):
    labels = "a: stormy night\nb: rain\nc: the woman worked"
    scores = P.label_logprobs(gpt, ["It was a dark", "The man", "Tokenizers split text into pieces:"],
                              P.parse_labels(labels, TPL)).scores
    for i, prompt in enumerate(["It was a dark", "The man", "Tokenizers split text into pieces:"]):
        for j, verb in enumerate([" stormy night", " rain", " the woman worked"]):
            assert scores[i, j] == pytest.approx(direct_causal(gpt, prompt, verb), abs=1e-4)


def test_masked_lm_scores_at_the_mask(mlm):
    import torch

    c = P.classify(mlm, "the rain fell", "{text}. it was [MASK].", "wet: man\ndry: woman")
    tok = mlm.tokenizer
    ids = tok("the rain fell. it was [MASK].")["input_ids"]
    with torch.no_grad():
        logp = torch.log_softmax(mlm.model(torch.tensor([ids])).logits[0, ids.index(tok.mask_token_id)], -1)
    assert c.labels[0].logprob == pytest.approx(float(logp[tok.convert_tokens_to_ids("man")]), abs=1e-5)
    assert c.labels[1].logprob == pytest.approx(float(logp[tok.convert_tokens_to_ids("woman")]), abs=1e-5)
    two = P.classify(mlm, "the rain fell", "{text}. it was [MASK].", "a: carpenter doctor\nb: man")
    assert len(two.labels[0].tokens) >= 2 and any("left to right" in n for n in two.notices)
    with pytest.raises(InputError, match="mask"):
        P.classify(mlm, "x", TPL)


def test_seq2seq_scores_the_decoder_output(t5):
    import torch

    c = P.classify(t5, "sea otter", "translate English to French: {text}", "a: loutre\nb: mer")
    tok = t5.tokenizer
    enc = torch.tensor([tok("translate English to French: sea otter")["input_ids"]])
    for s in c.labels:
        v = tok(s.verbalizer, add_special_tokens=False)["input_ids"]
        dec = torch.tensor([[0] + v])
        with torch.no_grad():
            logp = torch.log_softmax(t5.model(input_ids=enc, decoder_input_ids=dec).logits[0], -1)
        assert s.logprob == pytest.approx(float(sum(logp[i, t] for i, t in enumerate(v))), abs=1e-4)


@pytest.mark.slow
def test_contextual_calibration(smol):
    c = P.classify(smol, "An okay film.", calibrated=True)
    cf = P.classify(smol, P.CONTENT_FREE)
    assert c.content_free == pytest.approx(tuple(s.prob for s in cf.labels), abs=1e-5)
    q = np.array([s.prob for s in c.labels]) / np.array(c.content_free)
    assert [s.calibrated for s in c.labels] == pytest.approx(list(q / q.sum()), abs=1e-6)
    assert c.as_json()["content_free"]["input"] == "N/A" and "uncalibrated_prediction" in c.as_json()


def test_wrong_models_and_inputs(registry, gpt):
    with pytest.raises(InputError, match="no language-model head"):
        P.classify(registry.load("local/tiny-bert"), "x")
    with pytest.raises(InputError, match="empty"):
        P.classify(gpt, "  ")
    long = P.classify(gpt, "word " * 200)  # the core's one policy: the end is read, and the notice says so
    assert any("only the last" in n and "context is 128" in n for n in long.notices)
    with pytest.raises(InputError, match="classify up to 2,000"):
        P.classify(gpt, "word " * 500)
    with pytest.raises(InputError, match="masked LM"):
        P.complete(registry.load("local/tiny-bert-mlm"), "x [MASK]")


# ---- evaluation ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_zero_shot_evaluation_on_the_reviews(smol):
    examples = P.load_dataset("reviews")
    assert len(examples) >= 100 and {e.label for e in examples} == {"positive", "negative"}
    e = P.evaluate(smol, examples)
    assert len(e.predictions) == len(examples) and sum(map(sum, e.confusion)) == len(examples)
    assert e.accuracy > 0.75  # SmolLM2 gets about 0.9 with this template; chance is 0.5
    per = {r["label"]: r for r in e.per_class()}
    m = e.confusion
    assert per["positive"]["recall"] == pytest.approx(m[0][0] / sum(m[0]))
    assert per["positive"]["precision"] == pytest.approx(m[0][0] / (m[0][0] + m[1][0]))
    for ex, p in list(zip(examples, e.predictions))[:6]:  # the batch gives what one at a time gives
        one = P.classify(smol, ex.text)
        assert p.probs == pytest.approx(tuple(s.prob for s in one.labels), abs=1e-4)
        assert p.predicted == one.prediction
    j = e.as_json()
    assert j["confusion"] == m and len(j["examples"]) == len(examples)


@pytest.mark.slow
def test_few_shot_evaluation_leaves_demonstrations_out(smol):
    examples = P.load_dataset("reviews")[:20]
    demos = [(examples[0].text, examples[0].label), *DEMOS[:1]]
    e = P.evaluate(smol, examples, demos=demos)
    assert len(e.predictions) == 19 and e.method == "2-shot" and "left out" in e.notices[0]
    for ex, p in list(zip(examples[1:], e.predictions))[:3]:
        one = P.classify(smol, ex.text, demos=demos)
        assert p.probs == pytest.approx(tuple(s.prob for s in one.labels), abs=1e-4)


def test_evaluation_refuses_unknown_gold_labels(gpt):
    with pytest.raises(InputError, match="'neutral'"):
        P.evaluate(gpt, [P.Example("x", "positive"), P.Example("y", "neutral")])
    with pytest.raises(InputError, match="No examples"):
        P.evaluate(gpt, [])


@pytest.fixture(scope="module")
def classifier(tmp_path_factory):
    """A tiny random sentiment classifier (BertForSequenceClassification) with named classes."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    from tests.conftest import _wordpiece_tokenizer

    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("classifiers")
    tok = _wordpiece_tokenizer()
    cfg = BertConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
                     vocab_size=len(tok), max_position_embeddings=128, num_labels=2,
                     id2label={0: "NEGATIVE", 1: "POSITIVE"}, label2id={"NEGATIVE": 0, "POSITIVE": 1})
    BertForSequenceClassification(cfg).save_pretrained(root / "tiny-sst")
    tok.save_pretrained(root / "tiny-sst")
    reg = ModelRegistry(Settings.from_env().with_(model_dirs=(root.resolve(),), hub_offline=True))
    return reg.load("local/tiny-sst")


def test_fine_tuned_classifier_matches_its_own_logits(classifier):
    import torch

    examples = list(P.load_dataset("reviews")[:21])
    e = P.evaluate_classifier(classifier, examples)
    assert e.method == "fine-tuned classifier" and len(e.predictions) == 21
    tok = classifier.tokenizer
    for ex, p in zip(examples[:5], e.predictions):
        with torch.no_grad():
            probs = torch.softmax(classifier.model(**tok(ex.text, return_tensors="pt")).logits[0], -1)
        assert p.probs == pytest.approx((float(probs[1]), float(probs[0])), abs=1e-4)  # (positive, negative)
        assert p.predicted == ("positive" if probs[1] > probs[0] else "negative")
    with pytest.raises(InputError, match="none of which"):
        P.evaluate_classifier(classifier, [P.Example("x", "yes")], "yes\nno")


def test_not_a_classifier(gpt):
    with pytest.raises(InputError, match="not a fine-tuned classifier"):
        P.evaluate_classifier(gpt, P.load_dataset("reviews")[:3])


def test_translation_data_set_and_generation_scoring(gpt):
    examples = P.load_dataset("en-fr")
    assert len(examples) >= 30
    g = P.evaluate_generation(gpt, examples[:6], "English: {text}\nFrench:", demos=[("cheese", "fromage")])
    assert len(g.answers) == 6 and g.method == "1-shot"
    for a in g.answers:
        assert a.exact == P.same_text(a.output, a.reference) and "\n" not in a.output
        prompt = P.build_prompt("English: {text}\nFrench:", a.text, [("cheese", "fromage")])
        assert a.logprob == pytest.approx(direct_causal(gpt, prompt, " " + a.reference), abs=1e-4)
    assert P.same_text(" Bonjour.", "bonjour") and not P.same_text("Bonsoir", "Bonjour")


def test_seq2seq_generation_scoring_equals_its_label_score(t5):
    g = P.evaluate_generation(t5, P.load_dataset("en-fr")[:2], "translate English to French: {text}")
    for a in g.answers:
        c = P.classify(t5, a.text, "translate English to French: {text}", [("ref", " " + a.reference), ("x", " x")])
        assert a.logprob == pytest.approx(c.labels[0].logprob, abs=1e-5) and a.tokens == len(c.labels[0].tokens)


@pytest.mark.slow
def test_greedy_continuation_batched_equals_generate(smol):
    import torch

    prompts = ["English: cheese\nFrench: fromage\n\nEnglish: Good morning.\nFrench:", "The capital of France is",
               "Q: What is two plus two?\nA:"]
    batched = P.complete_many(smol, prompts, max_new_tokens=12)
    for p, got in zip(prompts, batched):
        ids = torch.tensor([causal_ids(smol.tokenizer, p)])
        out = smol.model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=False,
                                  max_new_tokens=12, pad_token_id=0)
        text = smol.tokenizer.decode(out[0, ids.shape[1]:], skip_special_tokens=True).split("\n")[0]
        assert got == text
    assert P.complete(smol, prompts[0]).strip().startswith("Bonjour")


# ---- order sensitivity ---------------------------------------------------------------------------


@pytest.mark.slow
def test_order_sensitivity(smol):
    o = P.order_sensitivity(smol, TPL, "Not bad at all.", DEMOS, P.SENTIMENT_LABELS, permutations=4, seed=1,
                            examples=P.load_dataset("reviews")[:8])
    assert o.runs[0].order == (0, 1, 2, 3) and len({r.order for r in o.runs}) == 4
    for r in o.runs[:2]:
        c = P.classify(smol, "Not bad at all.", demos=[DEMOS[i] for i in r.order])
        assert r.probs == pytest.approx(tuple(s.prob for s in c.labels), abs=1e-6)
        assert 0 <= r.accuracy <= 1
    s = o.spread()
    assert all(lo <= hi for lo, hi in zip(s["min"], s["max"])) and "accuracy_min" in s
    assert P.order_sensitivity(smol, TPL, "x", DEMOS[:2], P.SENTIMENT_LABELS, permutations=5).notices
    with pytest.raises(InputError, match="two demonstrations"):
        P.order_sensitivity(smol, TPL, "x", DEMOS[:1], P.SENTIMENT_LABELS)


# ---- CSV -----------------------------------------------------------------------------------------


def test_csv_input():
    got = P.parse_csv(b'\xef\xbb\xbftext,label,extra\n"Good, really",positive,1\n\nBad,negative,2\n')
    assert got == (P.Example("Good, really", "positive"), P.Example("Bad", "negative"))
    assert P.parse_csv("Text,Label\nx,y\n") == (P.Example("x", "y"),)


@pytest.mark.parametrize("data, match", [
    (b"review,sentiment\nx,y\n", "columns text and label"),
    ("text,label\n".encode("utf-16"), "not UTF-8"),
    (b"text,label\n", "no examples"),
    (b"text,label\nonly text,\n", "line 2"),
    (b"text,label\n" + b"x,y\n" * 300_000, "MB"),
    (b"text,label\n" + b"x,y\n" * (P.MAX_EXAMPLES + 1), "more than"),
    (b"\x00\x01\x02text,label", "binary"),
])
def test_bad_csv(data, match):
    with pytest.raises(InputError, match=match):
        P.parse_csv(data)


def test_bundled_data_sets_are_balanced_and_unique():
    reviews = P.load_dataset("reviews")
    counts = {lab: sum(e.label == lab for e in reviews) for lab in ("positive", "negative")}
    assert counts["positive"] == counts["negative"] >= 50
    assert len({e.text for e in reviews}) == len(reviews)
    with pytest.raises(InputError, match="No data set"):
        P.load_dataset("imdb")
