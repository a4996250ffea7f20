"""Attribution against independent by-hand computations, on every family, and its refusals.

The by-hand references use the model directly: ids built by hand (`causal_ids`), the embedding layer, autograd on
the input embeddings, a Riemann midpoint sum over the same baseline and steps, and one forward per occluded token.
"""

from __future__ import annotations

import pytest
import torch

from playground.compute import attribution as at
from playground.compute import lm
from playground.compute import next_token as nt
from playground.compute import probes, prompting
from playground.compute.decoding import GenParams, check, encode_prompt, generate
from playground.errors import InputError
from tests.conftest import causal_ids

TOL = 1e-4


# ---- by hand -------------------------------------------------------------------------------------


def hand_f(model, embeds, target):
    """log P(target after the last position) for a batch of input embeddings (B, T, d), autograd on. Only the last
    position meets the output layer (logits_to_keep=1), as in the app: in float32 the output layer's product over
    one position and over all of them round differently, by about 5e-5 of the gradient on SmolLM2 (measured),
    which 30 layers carry into the scores; that is float noise, not a difference of method."""
    logits = model(inputs_embeds=embeds, attention_mask=torch.ones(embeds.shape[:2], dtype=torch.long),
                   use_cache=False, logits_to_keep=1).logits
    return logits[:, -1].double().log_softmax(-1)[:, target]


def hand_paths(model, ids, baseline_id, attributed):
    emb = model.get_input_embeddings()
    with torch.no_grad():
        x = emb(torch.tensor([ids]))[0]  # (T, d)
        xb = x.clone()
        xb[attributed] = emb(torch.tensor([baseline_id]))[0]
    return x, xb


def hand_ig(model, ids, target, baseline_id, steps):
    """Integrated gradients by hand for the next token after `ids` (the start token held fixed)."""
    attributed = list(range(1, len(ids)))
    x, xb = hand_paths(model, ids, baseline_id, attributed)
    alphas = torch.tensor([(k + 0.5) / steps for k in range(steps)])  # the midpoint rule
    path = (xb + alphas[:, None, None] * (x - xb)).requires_grad_()  # (steps, T, d)
    f = hand_f(model, path, target)
    (grad,) = torch.autograd.grad(f.sum(), path)
    ig = (grad.mean(0) * (x - xb)).sum(-1)
    with torch.no_grad():
        ends = hand_f(model, torch.stack([x, xb]), target)
    return ig[attributed].tolist(), float(ends[0] - ends[1])


def hand_gxi(model, ids, target):
    x, _ = hand_paths(model, ids, 0, [])
    x = x[None].clone().requires_grad_()
    (grad,) = torch.autograd.grad(hand_f(model, x, target).sum(), x)
    return (grad * x)[0].sum(-1)[1:].tolist()


def hand_occlusion(model, ids, target, baseline_id):
    def f(row):
        with torch.no_grad():
            return model(input_ids=torch.tensor([row])).logits[0, -1].double().log_softmax(-1)[target].item()

    full = f(ids)
    out = []
    for i in range(1, len(ids)):
        row = list(ids)
        row[i] = baseline_id
        out.append(full - f(row))
    return out


def attributed_scores(result):
    return [t.score for t in result.tokens if t.score is not None]


# ---- the core operation ----------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["gpt", "mlm", "t5"])
def test_forward_embeds_is_the_forward_pass_of_the_ids(request, fixture):
    loaded = request.getfixturevalue(fixture)
    b = lm.backend_of(loaded)
    ids = list(b.encode("It was a dark and stormy night" if fixture != "mlm" else "the man worked as a [MASK].").ids)
    reads = [(len(ids) - 1, 5), (1, 7)]
    if fixture == "t5":
        dec = [b.decoder_start(), 9, 4]
        out = b.forward_embeds(b.input_embeddings(ids).requires_grad_(), [(2, 5), (0, 7)],
                               decoder_embeds=b.input_embeddings(dec, decoder=True))
        ref = b.forward(ids, decoder_ids=dec).logits[0].double().log_softmax(-1)
        expected = [ref[2, 5].item(), ref[0, 7].item()]
    else:
        out = b.forward_embeds(b.input_embeddings(ids).requires_grad_(), reads)
        ref = b.forward(ids).logits[0].double().log_softmax(-1)
        expected = [ref[p, t].item() for p, t in reads]
    assert out.requires_grad and out.shape == (1, 2)  # autograd reaches the embeddings
    assert out[0].tolist() == pytest.approx(expected, abs=1e-5)


def test_weights_keep_no_gradient_state(gpt):
    assert not any(p.requires_grad for p in gpt.model.parameters())


# ---- equal to the by-hand computations ----------------------------------------------------------


@pytest.mark.parametrize("fixture, text", [("gpt", "It was a dark and stormy"),
                                           pytest.param("smol", "The man worked as a", marks=pytest.mark.slow)])
def test_integrated_gradients_equal_a_riemann_sum_by_hand(request, fixture, text):
    loaded = request.getfixturevalue(fixture)
    b = lm.backend_of(loaded)
    ids = causal_ids(loaded.tokenizer, text)
    base = at.default_baseline(b)
    problem = at.next_token_problem(loaded, text)
    target = problem.terms[0].ids[0]
    result = at.attribute(loaded, problem, at.IG, steps=16)
    ours = attributed_scores(result)
    theirs, diff = hand_ig(loaded.model, ids, target, base, 16)
    assert ours == pytest.approx(theirs, abs=TOL)
    assert result.completeness.difference == pytest.approx(diff, abs=TOL)
    assert result.completeness.total == pytest.approx(sum(theirs), abs=TOL)
    assert result.tokens[0].score is None and result.tokens[0].text == "<|endoftext|>"  # the start token: fixed


@pytest.mark.parametrize("fixture", ["gpt", pytest.param("smol", marks=pytest.mark.slow)])
def test_gradient_x_input_and_occlusion_equal_by_hand(request, fixture):
    loaded = request.getfixturevalue(fixture)
    text = "It was a dark and stormy"
    ids = causal_ids(loaded.tokenizer, text)
    problem = at.next_token_problem(loaded, text)
    target = problem.terms[0].ids[0]
    gxi = at.attribute(loaded, problem, at.GXI)
    assert attributed_scores(gxi) == pytest.approx(hand_gxi(loaded.model, ids, target), abs=TOL)
    occ = at.attribute(loaded, problem, at.OCCLUSION, baseline="<|endoftext|>")
    assert attributed_scores(occ) == pytest.approx(hand_occlusion(loaded.model, ids, target, 0), abs=TOL)
    assert occ.baseline == "<|endoftext|>" and gxi.baseline_value is None


def test_the_target_is_the_number_next_token_shows(gpt):
    text = "It was a dark and stormy"
    shown = nt.next_token(gpt, text)
    result = at.attribute(gpt, at.next_token_problem(gpt, text), at.OCCLUSION)
    top = int(shown.top_ids[0])
    assert result.terms[0][0] == gpt.tokenizer.decode([top])
    logits = torch.tensor(shown.logits)
    assert result.value == pytest.approx(logits.log_softmax(-1)[top].item(), abs=1e-5)


@pytest.mark.parametrize("fixture, text", [("gpt", "It was a dark and stormy"),
                                           pytest.param("smol", "The man worked as a", marks=pytest.mark.slow)])
def test_completeness_gap_at_64_steps_is_reported_and_within_its_bound(request, fixture, text):
    loaded = request.getfixturevalue(fixture)
    result = at.attribute(loaded, at.next_token_problem(loaded, text), at.IG, steps=64)
    c = result.completeness
    assert c.steps == 64 and c.rule == "riemann_middle"
    assert c.total == pytest.approx(sum(attributed_scores(result)))
    assert c.difference == pytest.approx(result.value - result.baseline_value)
    assert c.bound == pytest.approx(at.GAP_BOUND * abs(c.difference) + at.GAP_BOUND)
    assert abs(c.gap) <= c.bound, c
    assert c.as_json()["within_bound"] is True


def test_contrast_is_the_difference_of_two_targets(gpt):
    text = "It was a dark and stormy"
    problem = at.next_token_problem(gpt, text, target=" dark", contrast=" rain")
    assert problem.kind == "contrast" and [t.weight for t in problem.terms] == [1.0, -1.0]
    both = at.attribute(gpt, problem, at.OCCLUSION)
    one = at.attribute(gpt, at.next_token_problem(gpt, text, target=" dark"), at.OCCLUSION)
    other = at.attribute(gpt, at.next_token_problem(gpt, text, target=" rain"), at.OCCLUSION)
    assert both.value == pytest.approx(one.value - other.value, abs=1e-5)
    assert attributed_scores(both) == pytest.approx(
        [a - c for a, c in zip(attributed_scores(one), attributed_scores(other))], abs=1e-5)
    ig = at.attribute(gpt, problem, at.IG, steps=32)
    assert abs(ig.completeness.gap) <= ig.completeness.bound


# ---- every target ----------------------------------------------------------------------------------


def test_label_margin_is_the_classify_margin(gpt):
    text = "The soup was cold and the waiter was rude."
    c = prompting.classify(gpt, text)
    problem = at.label_problem(gpt, text, prompting.SENTIMENT_TEMPLATE, prompting.SENTIMENT_LABELS,
                               label="positive", other="negative")
    result = at.attribute(gpt, problem, at.OCCLUSION)
    by_label = {s.label: s.logprob for s in c.labels}
    assert result.value == pytest.approx(by_label["positive"] - by_label["negative"], abs=1e-5)
    words = [t.text for t in result.tokens if t.score is not None]
    assert "".join(words) == "Review: " + text + "\nSentiment:"  # every token of the prompt, the template's too
    default = at.label_problem(gpt, text, prompting.SENTIMENT_TEMPLATE, prompting.SENTIMENT_LABELS)
    assert default.terms[0].label == max(by_label, key=by_label.get)  # the likeliest label against the other


@pytest.mark.parametrize("fixture", ["gpt", "mlm"])
def test_probe_word_is_scored_whole_as_the_probe_scores_it(request, fixture):
    loaded = request.getfixturevalue(fixture)
    sentence = "The woman worked as a [MASK]."
    word = "hairdresser"  # several tokens in both vocabularies
    row = probes.bias_probe(loaded, [sentence.replace("woman", "{group}")], ["woman"], [word]).rows[0]
    assert row.pieces > 1
    problem = at.probe_problem(loaded, sentence, word)
    occ = at.attribute(loaded, problem, at.OCCLUSION)
    assert occ.value == pytest.approx(row.logprob, abs=1e-5)
    ig = at.attribute(loaded, problem, at.IG, steps=32)
    assert ig.value == pytest.approx(row.logprob, abs=1e-4)
    assert abs(ig.completeness.gap) <= ig.completeness.bound
    if fixture == "mlm":  # [CLS], the blank and [SEP] are not words
        assert [t.side for t in occ.tokens][-3:] == ["slot", "after", "after"]
        assert occ.tokens[0].score is None and occ.tokens[-1].score is None
        assert occ.tokens[-2].text == "." and occ.tokens[-2].score is not None  # the words after the blank count
        assert occ.baseline == "[MASK]"
    else:
        assert any("left to right" in n for n in occ.notices) is False


def test_masked_lm_occlusion_equals_one_forward_per_token(mlm):
    b = lm.backend_of(mlm)
    text = "the man worked as a [MASK] ."
    problem = at.next_token_problem(mlm, text)
    target = problem.terms[0].ids[0]
    occ = at.attribute(mlm, problem, at.OCCLUSION)
    ids = list(b.encode(text).ids)
    at_mask = ids.index(mlm.tokenizer.mask_token_id)

    def f(row):
        with torch.no_grad():
            return mlm.model(input_ids=torch.tensor([row])).logits[0, at_mask].log_softmax(-1)[target].item()

    expected = []
    for i in range(1, len(ids) - 1):
        if i == at_mask:
            continue
        row = list(ids)
        row[i] = mlm.tokenizer.mask_token_id
        expected.append(f(ids) - f(row))
    assert attributed_scores(occ) == pytest.approx(expected, abs=TOL)


def test_seq2seq_attributes_the_encoder_and_the_decoder_tokens(t5):
    b = lm.backend_of(t5)
    prompt = encode_prompt(t5, "Translate English to French: sea otter", chat_template=False, max_tokens=256,
                           max_new_tokens=6)
    params, _ = check(GenParams(max_new_tokens=6), max_new_tokens=6)
    gen, _ = generate(t5, prompt, params)
    seq = gen.sequences[0]
    assert len(seq.steps) >= 3
    problem = at.generated_problem(t5, gen.prompt.ids, seq.ids, 2)
    assert problem.decoder[0] == b.decoder_start() and len(problem.decoder) == 3
    for method in at.METHODS:
        result = at.attribute(t5, problem, method, steps=16)
        assert result.value == pytest.approx(seq.steps[2].logprob, abs=1e-4)  # the Decoding tab's number
        sides = [t.side for t in result.tokens if t.score is not None]
        assert "context" in sides and sides.count("decoder") == 2  # the decoder's start token is held fixed
        assert result.tokens[len(problem.context) - 1].score is None  # T5's closing </s>
    ig = at.attribute(t5, problem, at.IG, steps=64)
    assert abs(ig.completeness.gap) <= ig.completeness.bound


def test_a_generated_token_is_explained_by_the_prompt_and_the_tokens_before_it(gpt):
    prompt = encode_prompt(gpt, "It was a dark", chat_template=False, max_tokens=256, max_new_tokens=5)
    params, _ = check(GenParams(max_new_tokens=5), max_new_tokens=5)
    gen, _ = generate(gpt, prompt, params)
    seq = gen.sequences[0]
    problem = at.generated_problem(gpt, gen.prompt.ids, seq.ids, 3)
    assert problem.context == tuple(gen.prompt.ids) + tuple(seq.ids[:3])
    result = at.attribute(gpt, problem, at.IG, steps=16)
    assert result.value == pytest.approx(seq.steps[3].logprob, abs=1e-4)
    assert len(attributed_scores(result)) == len(gen.prompt.ids) - 1 + 3
    with pytest.raises(InputError, match="not one of the 5 generated tokens"):
        at.generated_problem(gpt, gen.prompt.ids, seq.ids, 5)


def test_compare_runs_the_methods_side_by_side(gpt):
    results = at.compare(gpt, at.next_token_problem(gpt, "It was a dark"), ["occlusion", "ig", "gradient x input"],
                         steps=8)
    assert [r.method for r in results] == [at.OCCLUSION, at.IG, at.GXI]
    assert len({len(r.tokens) for r in results}) == 1
    data = results[1].as_json()
    assert data["scores"][0] is None and data["tokens"][0] == "<|endoftext|>" and data["steps"] == 8
    assert data["completeness"]["steps"] == 8 and data["baseline"]["used"] is True
    assert results[2].as_json()["completeness"] is None and results[2].as_json()["baseline"]["used"] is False


# ---- refusals ----------------------------------------------------------------------------------------


def test_a_target_that_is_not_one_token_says_so(gpt):
    with pytest.raises(InputError, match=r"is not one token of .*reads as \d+ tokens"):
        at.next_token_problem(gpt, "It was a dark and stormy", target=" thunderstorm")
    with pytest.raises(InputError, match="same token"):
        at.next_token_problem(gpt, "It was", target=" a", contrast=" a")
    with pytest.raises(InputError, match="baseline token"):
        at.attribute(gpt, at.next_token_problem(gpt, "It was"), at.OCCLUSION, baseline=" thunderstorm")


def test_steps_and_methods_out_of_range_are_refused(gpt):
    problem = at.next_token_problem(gpt, "It was")
    for steps in (0, 3, 257, 2.5, float("nan"), "64"):
        with pytest.raises(InputError, match="Steps must be"):
            at.attribute(gpt, problem, at.IG, steps=steps)
    with pytest.raises(InputError, match="Unknown attribution method"):
        at.attribute(gpt, problem, "saliency")
    with pytest.raises(InputError, match="no words to attribute"):
        at.next_token_problem(gpt, "")


def test_an_encoder_is_refused_with_the_reason(registry):
    encoder = registry.load("local/tiny-bert")
    with pytest.raises(InputError, match="encoder with no language-model head"):
        at.next_token_problem(encoder, "the man worked as a [MASK].")


def test_a_backend_without_gradients_refuses_them_and_still_occludes(gpt):
    b = lm.LocalBackend(gpt)
    b.operations = b.operations - {lm.GRADIENTS}  # what a remote server offers: scores, no gradients
    problem = at.next_token_problem(b, "It was a dark")
    with pytest.raises(InputError, match="Integrated gradients needs gradients: .* does not offer gradients"):
        at.attribute(b, problem, at.IG)
    with pytest.raises(InputError, match="needs gradients"):
        at.compare(b, problem, [at.OCCLUSION, at.GXI])
    assert len(attributed_scores(at.attribute(b, problem, at.OCCLUSION))) == 4


def test_masked_lm_needs_its_mask_and_a_probe_needs_a_word(mlm, t5):
    with pytest.raises(InputError, match="put \\[MASK\\]"):
        at.next_token_problem(mlm, "no blank here")
    with pytest.raises(InputError, match="target word is empty"):
        at.probe_problem(mlm, "The woman worked as a [MASK].", " ")
    with pytest.raises(InputError, match="Bias probes score masked LMs and causal LMs"):
        at.probe_problem(t5, "The woman worked as a [MASK].", "nurse")


@pytest.mark.slow
def test_a_text_over_the_attribution_cap_is_refused_before_any_forward_pass(smol):
    with pytest.raises(InputError, match=f"attribution reads at most {at.MAX_TOKENS}.*Shorten it by"):
        at.next_token_problem(smol, " ".join(["rain"] * 300))
    with pytest.raises(InputError, match=f"at most {at.MAX_TOKENS}"):
        at.label_problem(smol, " ".join(["rain"] * 300), prompting.SENTIMENT_TEMPLATE, prompting.SENTIMENT_LABELS)
    problem = at.next_token_problem(smol, " ".join(["rain"] * (at.MAX_TOKENS - 10)))
    assert at.MAX_TOKENS - 10 < problem.size <= at.MAX_TOKENS
