"""Decoding compute: every token, probability and stage against a direct model.generate() call."""

from __future__ import annotations

import json
import threading
from dataclasses import replace

import pytest
import torch

from playground.compute import decoding as d
from playground.compute.decoding import by_hand
from playground.errors import InputError
from tests.conftest import causal_ids

SMOL = "SmolLM2-135M-Instruct"
PROMPT = "It was a dark and stormy"
CAP = 256


def prompt_of(loaded, text=PROMPT, n=40, chat=False):
    return d.encode_prompt(loaded, text, chat_template=chat, max_tokens=1024, max_new_tokens=n)


def params(**kw) -> d.GenParams:
    return d.check(d.GenParams(**kw), max_new_tokens=CAP)[0]


def direct(loaded, prompt, p: d.GenParams, **extra):
    """model.generate() with the same knobs and seed: the reference every test compares with."""
    kw, _ = d.generate_kwargs(loaded, p)
    ids = torch.tensor([list(prompt.ids)])
    torch.manual_seed(p.seed)
    with torch.no_grad():
        return loaded.model.generate(ids, attention_mask=torch.ones_like(ids), **kw, **extra)


def new_ids(loaded, prompt, out) -> list[int]:
    skip = 1 if loaded.spec.family == "seq2seq" else len(prompt.ids)
    seq = out.sequences if hasattr(out, "sequences") else out
    return d.strip_eos(loaded, seq[0, skip:].tolist())


SETTINGS = [
    dict(),
    dict(repetition_penalty=1.3, no_repeat_ngram_size=2),
    dict(do_sample=True, seed=1),
    dict(do_sample=True, temperature=0.7, top_k=5, seed=2),
    dict(do_sample=True, top_p=0.9, seed=3, repetition_penalty=1.2),
    dict(do_sample=True, temperature=1.3, top_k=20, top_p=0.94, seed=4, bad_words=("the",)),
]


@pytest.mark.parametrize("knobs", SETTINGS, ids=lambda k: ",".join(f"{a}={b}" for a, b in k.items()) or "greedy")
@pytest.mark.parametrize("name", [SMOL, "local/tiny-gpt2", "local/tiny-t5"])
def test_streamed_tokens_and_probabilities_equal_generate(registry, name, knobs):
    loaded = registry.load(name)
    prompt = prompt_of(loaded, n=20)
    p = params(max_new_tokens=20, **knobs)
    steps = [x for x in d.stream(loaded, prompt, p) if isinstance(x, d.Step)]
    ref = direct(loaded, prompt, p, return_dict_in_generate=True, output_scores=True, output_logits=True)
    assert [s.id for s in steps] == new_ids(loaded, prompt, ref)
    for s, raw, processed in zip(steps, ref.logits, ref.scores):
        assert s.prob == pytest.approx(float(raw[0].double().softmax(-1)[s.id]), abs=1e-5)  # float64, as the app
        assert s.chosen_prob == pytest.approx(float(processed[0].double().softmax(-1)[s.id]), abs=1e-5)
        assert s.top[0].prob >= s.top[-1].prob and len(s.top) == d.TOP_N
        assert s.rank == int((raw[0] > raw[0][s.id]).sum()) + 1


@pytest.mark.parametrize("knobs", [dict(), dict(do_sample=True, seed=5), dict(do_sample=True, temperature=0.6, top_k=5,
                                                                                seed=6),
                                   dict(do_sample=True, top_p=0.8, seed=7),
                                   dict(do_sample=True, temperature=1.4, top_k=8, top_p=0.9, seed=8)])
@pytest.mark.parametrize("name", [SMOL, "local/tiny-gpt2"])
def test_by_hand_loop_gives_exactly_the_tokens_of_generate(registry, name, knobs):
    loaded = registry.load(name)
    result = by_hand.compare_with_generate(loaded, prompt_of(loaded, n=30), params(max_new_tokens=30, **knobs))
    assert result.identical, (result.hand_ids, result.generate_ids)
    assert len(result.hand_ids) >= 1 and result.hand_text == result.generate_text


def test_by_hand_refuses_what_the_loop_does_not_do(smol):
    with pytest.raises(InputError, match="repetition_penalty"):
        by_hand.compare_with_generate(smol, prompt_of(smol), params(repetition_penalty=1.2))
    with pytest.raises(InputError, match="beam search"):
        by_hand.compare_with_generate(smol, prompt_of(smol), params(num_beams=3))


@pytest.mark.parametrize("name", [SMOL, "local/tiny-t5"])
def test_pipeline_stages_in_generate_order_end_in_the_distribution_drawn_from(registry, name):
    smol = registry.load(name)
    prompt = prompt_of(smol, n=12)
    p = params(max_new_tokens=12, do_sample=True, temperature=0.8, top_k=10, top_p=0.9, repetition_penalty=1.3,
               no_repeat_ngram_size=3, seed=11)
    ref = direct(smol, prompt, p, return_dict_in_generate=True, output_scores=True)
    gen = new_ids(smol, prompt, ref)
    assert len(gen) == 12
    for step in (0, 5, 11):
        pl = d.pipeline(smol, prompt, p, gen, step)
        assert [s.name for s in pl.stages] == [
            "raw logits", "RepetitionPenaltyLogitsProcessor", "NoRepeatNGramLogitsProcessor",
            "TemperatureLogitsWarper", "TopKLogitsWarper", "TopPLogitsWarper", "renormalised"]
        drawn = ref.scores[step][0].double().softmax(-1)
        final = pl.stages[-1]
        for i, _, prob in final.top:
            assert prob == pytest.approx(float(drawn[i]), abs=1e-5)
        assert final.chosen_prob == pytest.approx(float(drawn[gen[step]]), abs=1e-5)
        topk = pl.stages[4]
        assert topk.kept <= 10 and topk.removed_count == pl.stages[3].kept - topk.kept
        assert pl.stages[5].kept <= topk.kept and final.kept == pl.stages[5].kept
        assert all(s.chosen_rank is not None for s in pl.stages), "generate drew it, so no stage removed it"
        assert abs(sum(p for _, _, p in final.top) - 1) < 1e-4 or final.kept > d.TOP_N
    rep = d.pipeline(smol, prompt, p, gen, 5).stages[1]
    # the repetition penalty moves only tokens already in the text the model has read (after
    # renormalising, a penalised token's probability may still rise if others fell further)
    start = smol.model.generation_config.decoder_start_token_id
    seen = ({start} if smol.spec.family == "seq2seq" else set(prompt.ids)) | set(gen[:5])
    assert rep.changed and {i for i, *_ in rep.changed} <= seen


def test_pipeline_of_greedy_says_no_processor_and_bad_step_is_refused(smol):
    prompt = prompt_of(smol, n=5)
    gen = [s.id for s in d.stream(smol, prompt, params(max_new_tokens=5)) if isinstance(s, d.Step)]
    pl = d.pipeline(smol, prompt, params(max_new_tokens=5), gen, 0)
    assert [s.name for s in pl.stages] == ["raw logits", "final"] and pl.notices
    assert pl.chosen == " night" and pl.stages[0].chosen_rank == 1
    with pytest.raises(InputError, match="steps 1 to 5"):
        d.pipeline(smol, prompt, params(max_new_tokens=5), gen, 5)


def test_no_repeat_ngram_stage_removes_the_repeated_city(smol):
    """Lesson 14: with no_repeat_ngram_size 2, ' York' cannot follow ' New' a second time."""
    prompt = prompt_of(smol, "I moved to New York last year. My favourite city is", n=20)
    p = params(max_new_tokens=20, no_repeat_ngram_size=2)
    gen, _ = d.generate(smol, prompt, p)
    steps = gen.sequences[0].steps
    assert "New York" not in gen.sequences[0].text
    free, _ = d.generate(smol, prompt, params(max_new_tokens=20))
    assert "New York" in free.sequences[0].text
    at = next(s.index for s in steps if s.rank > 1)
    stage = d.pipeline(smol, prompt, p, gen.sequences[0].ids, at).stages[1]
    assert stage.name == "NoRepeatNGramLogitsProcessor" and " York" in [t for _, t, _ in stage.removed]


@pytest.mark.parametrize("name", [SMOL, "local/tiny-gpt2", "local/tiny-t5"])
def test_beam_search_equals_generate_and_its_tree_is_consistent(registry, name):
    loaded = registry.load(name)
    prompt = prompt_of(loaded, "I enjoy walking with my cute dog", n=10)
    p = params(max_new_tokens=10, num_beams=3, num_return_sequences=2)
    gen, tree = d.generate_all(loaded, prompt, p)
    ref = direct(loaded, prompt, p)
    skip = 1 if loaded.spec.family == "seq2seq" else len(prompt.ids)
    assert [s.ids for s in gen.sequences] == [d.strip_eos(loaded, r[skip:].tolist()) for r in ref]
    assert gen.sequences[0].score >= gen.sequences[1].score
    by_step = {}
    for n in tree.nodes:
        by_step.setdefault(n.step, []).append(n)
        if n.parent >= 0:
            parent = tree.nodes[n.parent]
            assert parent.status == "kept" and parent.step == n.step - 1
            assert n.score == pytest.approx(parent.score + n.logprob, abs=1e-4)
    for nodes in by_step.values():
        assert len(nodes) <= 2 * p.num_beams
        assert sum(n.status == "kept" for n in nodes) <= p.num_beams
    best = [tree.nodes[i].token_id for i in tree.best]
    assert best == gen.sequences[0].ids[: len(best)] and len(best) == tree.steps


def test_beam_tree_scores_are_the_models_log_probabilities(smol):
    prompt = prompt_of(smol, n=6)
    gen, tree = d.generate_all(smol, prompt, params(max_new_tokens=6, num_beams=4))
    path = [tree.nodes[i] for i in tree.best]
    ids = torch.tensor([list(prompt.ids) + [n.token_id for n in path]])
    with torch.no_grad():
        logp = smol.model(ids).logits[0].double().log_softmax(-1)
    n = len(prompt.ids)
    expected = sum(float(logp[n - 1 + i, node.token_id]) for i, node in enumerate(path))
    assert path[-1].score == pytest.approx(expected, abs=1e-3)


def test_several_samples_are_returned_and_equal_generate(smol):
    prompt = prompt_of(smol, n=8)
    p = params(max_new_tokens=8, do_sample=True, num_return_sequences=3, seed=9)
    gen, tree = d.generate(smol, prompt, p)
    ref = direct(smol, prompt, p)
    assert tree is None and [s.ids for s in gen.sequences] == [d.strip_eos(smol, r[len(prompt.ids):].tolist()) for r in ref]


def test_contrastive_search(smol):
    prompt = prompt_of(smol, n=8)
    greedy = [s.id for s in d.stream(smol, prompt, params(max_new_tokens=8)) if isinstance(s, d.Step)]
    near_zero = params(max_new_tokens=8, penalty_alpha=1e-6, top_k=4)
    assert near_zero.mode == "contrastive"
    assert [s.id for s in d.contrastive(smol, prompt, near_zero) if isinstance(s, d.Step)] == greedy
    p = params(max_new_tokens=6, penalty_alpha=0.6, top_k=4)
    steps = [s for s in d.contrastive(smol, prompt, p) if isinstance(s, d.Step)]
    # A plain reference with no cache: every candidate appended and run through the whole model.
    ids = list(prompt.ids)
    with torch.no_grad():
        for step in steps:
            out = smol.model(torch.tensor([ids]), output_hidden_states=True)
            probs = out.logits[0, -1].double().softmax(-1)
            top_p, top_i = probs.topk(4)
            context = out.hidden_states[-1][0]
            scores = []
            for prob, cand in zip(top_p, top_i):
                h = smol.model(torch.tensor([ids + [int(cand)]]), output_hidden_states=True).hidden_states[-1][0, -1]
                sim = torch.nn.functional.cosine_similarity(h[None], context, dim=-1).max()
                scores.append(0.4 * float(prob) - 0.6 * float(sim))
            assert step.id == int(top_i[max(range(4), key=scores.__getitem__)])
            assert step.rank <= 4
            ids.append(step.id)


def test_contrastive_needs_a_causal_model(t5):
    with pytest.raises(InputError, match="causal"):
        list(d.contrastive(t5, prompt_of(t5, "translate: hello"), params(penalty_alpha=0.6, top_k=4)))


def test_stop_flag_ends_generation_after_the_current_step(smol):
    flag = threading.Event()
    prompt = prompt_of(smol, "Once upon a time", n=200)
    seen = 0
    for item in d.stream(smol, prompt, params(max_new_tokens=200, do_sample=True), stop=flag):
        if isinstance(item, d.Step):
            seen += 1
            if seen == 3:
                flag.set()
        else:
            gen = item
    assert gen.sequences[0].finish == "stopped" and 3 <= len(gen.sequences[0].steps) <= 4


def test_closing_the_stream_stops_the_worker(smol):
    prompt = prompt_of(smol, "Once upon a time", n=200)
    it = d.stream(smol, prompt, params(max_new_tokens=200))
    next(it)
    before = {t.name for t in threading.enumerate()}
    assert "playground-generate" in before
    it.close()  # what a closed browser tab does: the worker must not keep generating 200 tokens
    assert "playground-generate" not in {t.name for t in threading.enumerate()}


def test_stop_strings_and_end_of_text(smol):
    gen, _ = d.generate(smol, prompt_of(smol, n=40), params(max_new_tokens=40, stop_strings=(".",)))
    seq = gen.sequences[0]
    assert seq.finish == "stop string" and seq.text.endswith(".") and seq.text.count(".") == 1
    chat = prompt_of(smol, "Say hi in three words.", chat=True, n=60)
    assert "<|im_start|>assistant" in chat.text
    gen, _ = d.generate(smol, chat, params(max_new_tokens=60))
    assert gen.sequences[0].finish == "end of text" and gen.sequences[0].ids[-1] == smol.tokenizer.eos_token_id


def test_bad_words_are_banned_and_split_words_explained(smol):
    p = params(max_new_tokens=3, bad_words=("night", "thunderstormz"))
    kw, notes = d.generate_kwargs(smol, p)
    assert [smol.tokenizer(" night", add_special_tokens=False).input_ids[0]] in kw["bad_words_ids"]
    assert any("thunderstormz" in n and "not a single token" in n for n in notes)
    gen, _ = d.generate(smol, prompt_of(smol), p)
    assert gen.sequences[0].steps[0].token != " night" and gen.sequences[0].steps[0].rank > 1
    assert any("thunderstormz" in n for n in gen.notices)


def test_seeded_sampling_is_reproducible_when_two_run_at_once(smol):
    prompt = prompt_of(smol, "Once upon a time", n=15)
    runs = {seed: params(max_new_tokens=15, do_sample=True, seed=seed) for seed in (1, 2)}
    alone = {seed: d.generate(smol, prompt, p)[0].sequences[0].ids for seed, p in runs.items()}
    together = {}

    def work(seed):
        together[seed] = d.generate(smol, prompt, runs[seed])[0].sequences[0].ids

    threads = [threading.Thread(target=work, args=(s,)) for s in runs]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert together == alone


@pytest.mark.parametrize("knobs, message", [
    (dict(top_p=0), "greedy"), (dict(top_k=-1), "top_k"), (dict(temperature=-1), "temperature"),
    (dict(temperature=float("nan")), "finite"), (dict(max_new_tokens=CAP + 1), "PLAYGROUND_MAX_NEW_TOKENS"),
    (dict(max_new_tokens=0), "max_new_tokens"), (dict(num_beams=2, num_return_sequences=3), "num_beams"),
    (dict(num_return_sequences=2), "Sample"), (dict(penalty_alpha=0.6, top_k=1), "top_k to 2"),
    (dict(repetition_penalty=0), "repetition_penalty"), (dict(num_beams=99), "num_beams"),
    (dict(penalty_alpha=1.5), "penalty_alpha"), (dict(seed=-1), "seed"), (dict(top_k="many"), "whole number"),
])
def test_bad_knobs_are_refused_before_any_forward_pass(knobs, message):
    with pytest.raises(InputError, match=message):
        d.check(d.GenParams(**knobs), max_new_tokens=CAP)


def test_knobs_the_algorithm_ignores_are_reset_and_explained():
    p, notes = d.check(d.GenParams(do_sample=True, temperature=0), max_new_tokens=CAP)
    assert p.mode == "greedy" and "greedily" in notes[0]
    p, notes = d.check(d.GenParams(temperature=0.5, top_k=10, length_penalty=2.0), max_new_tokens=CAP)
    assert (p.temperature, p.top_k, p.length_penalty) == (1.0, 0, 1.0) and len(notes) == 2
    assert d.with_strategy("top-k sampling", d.GenParams(top_k=5)).top_k == 5
    assert d.with_strategy("top-k sampling", d.GenParams()).top_k == 50
    assert d.with_strategy("contrastive search", d.GenParams()).mode == "contrastive"
    with pytest.raises(InputError, match="Unknown strategy"):
        d.with_strategy("nucleus", d.GenParams())
    assert d.split_list("a, b\nc\n\n a") == ("a", "b", "c")
    assert d.split_list("Hello, world\n.", commas=False) == ("Hello, world", ".")


def test_prompts_empty_long_and_wrong_family(registry, smol, gpt, t5):
    empty = prompt_of(smol, "")
    assert list(empty.ids) == causal_ids(smol.tokenizer, "") and "start token" in empty.notices[0]
    with pytest.raises(InputError, match="input text"):
        prompt_of(t5, "  ")
    with pytest.raises(InputError, match="does not continue a text"):
        prompt_of(registry.load("local/tiny-bert-mlm"), "a [MASK]")
    long = prompt_of(gpt, "word " * 400, n=28)
    assert len(long.ids) == 100 and "context is 128" in long.notices[0]
    with pytest.raises(InputError, match="fewer than 128"):
        prompt_of(gpt, "hi", n=128)


def test_generation_json_is_plain_and_complete(smol):
    gen, _ = d.generate(smol, prompt_of(smol, n=5), params(max_new_tokens=5, do_sample=True, top_k=5, seed=1))
    data = json.loads(json.dumps(gen.as_json()))
    assert data["text"] == gen.sequences[0].text and len(data["tokens"]) == 5
    tok = data["tokens"][0]
    assert {"token", "id", "prob", "top", "sampled_prob"} <= set(tok) and len(tok["top"]) == d.TOP_N
    assert data["params"]["mode"] == "sample" and data["params"]["top_k"] == 5


def test_divergence():
    def seq(ids):
        return d.Sequence("", tuple(d.Step(i, t, str(t), 1.0, 0.0, 1, None, ()) for i, t in enumerate(ids)), "length")

    assert d.divergence(seq([1, 2, 3]), seq([1, 2, 3])) is None
    assert d.divergence(seq([1, 2, 3]), seq([1, 5, 3])) == 1
    assert d.divergence(seq([1, 2]), seq([1, 2, 3])) == 2
    assert replace(d.GenParams(), num_beams=2).mode == "beam"
