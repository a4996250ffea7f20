"""The language-model core: the start-token policy built by hand, the batch engine against direct
forward passes, the one truncation policy, and what each backend says it can do."""

from __future__ import annotations

import pytest
import torch

from playground.compute import lm
from playground.compute.lm import engine, inputs
from playground.errors import InputError

PROMPT = "It was a dark and stormy"


def rank_ok(row, value: float, rank: int, tol: float = 1e-5) -> bool:
    """1 + how many entries beat `value`, allowing for near-ties that float32 batching may flip."""
    return int((row > value + tol).sum()) + 1 <= rank <= int((row > value - tol).sum()) + 1


def logp_of(loaded, ids, **kw):
    with torch.no_grad():
        return loaded.model(torch.tensor([ids]), **kw).logits[0].double().log_softmax(-1)


# ---- the start-token policy, checked without the core's own helper -------------------------------


def test_smollm2_reads_endoftext_first_not_its_chat_bos(smol):
    tok = smol.tokenizer
    eot = tok.get_vocab()["<|endoftext|>"]
    expected = [eot] + tok(PROMPT, add_special_tokens=False)["input_ids"]
    got = lm.backend_of(smol).encode(PROMPT)
    assert list(got.ids) == expected and got.lead == 1 and not got.notices
    assert tok.bos_token == "<|im_start|>" and eot != tok.bos_token_id


def test_tiny_gpt2_and_a_model_without_endoftext(gpt):
    tok = gpt.tokenizer
    assert list(lm.backend_of(gpt).encode("a b").ids) == [tok.get_vocab()["<|endoftext|>"]] + tok(
        "a b", add_special_tokens=False)["input_ids"]
    from tests.conftest import _unigram_tokenizer

    uni = _unigram_tokenizer()
    assert inputs.start_ids(uni) == ()  # no <|endoftext|>, no BOS: nothing in front
    uni.bos_token = "</s>"
    assert inputs.start_ids(uni) == (uni.get_vocab()["</s>"],)


def test_masked_and_seq2seq_keep_their_tokenizers_special_tokens(mlm, t5):
    tok = mlm.tokenizer
    got = lm.backend_of(mlm).encode("the man is a <mask>.")
    assert list(got.ids) == tok("the man is a [MASK].")["input_ids"] and got.ids[0] == tok.cls_token_id
    enc = lm.backend_of(t5).encode("sea otter")
    assert list(enc.ids) == t5.tokenizer("sea otter")["input_ids"] and enc.ids[-1] == t5.tokenizer.eos_token_id
    dec = lm.backend_of(t5).encode_decoder("loutre")
    assert dec.ids[0] == t5.model.generation_config.decoder_start_token_id


def test_empty_causal_prompt_is_the_start_token_alone(smol):
    got = lm.backend_of(smol).encode("")
    assert got.ids == (0,) and "start token" in got.notices[0]


def test_one_truncation_policy_keeps_the_start_token_and_the_end(gpt):
    text = " ".join(["stormy night"] * 200)
    body = gpt.tokenizer(text, add_special_tokens=False)["input_ids"]
    got = lm.backend_of(gpt).encode(text)
    assert len(got.ids) == 128 and list(got.ids) == [0] + body[-127:]
    assert "the model's context is 128 tokens" in got.notices[0] and "after the start token" in got.notices[0]
    capped = lm.backend_of(gpt).encode(text, max_tokens=40, reserve=0)
    assert len(capped.ids) == 40 and "PLAYGROUND_MAX_PROMPT_TOKENS" in capped.notices[0]
    room = lm.backend_of(gpt).encode(text, reserve=28)
    assert len(room.ids) == 100 and "28 are kept" in room.notices[0]


def test_pieces_are_refused_when_empty_or_too_long(smol):
    b = lm.backend_of(smol)
    assert b.pieces(" night", "The target") == (3163,)
    with pytest.raises(InputError, match="no tokens"):
        b.pieces("", "The target")
    with pytest.raises(InputError, match=r"over the limit of 64 tokens"):
        b.pieces("🙂" * 100, "The target")


# ---- the engine against direct forward passes -------------------------------------------------


def test_causal_rows_single_and_multi_token_targets(gpt):
    b = lm.backend_of(gpt)
    ctx = b.encode(PROMPT).ids
    targets = [b.pieces(w, "w") for w in (" night", " stormy night", " rain", " the woman worked")]
    got = b.score([lm.ScoreRequest(ctx, t, top=3) for t in targets])
    for t, s in zip(targets, got):
        logp = logp_of(gpt, list(ctx) + list(t))
        for i, tid in enumerate(t):
            row = logp[len(ctx) - 1 + i]
            assert s.logprobs[i] == pytest.approx(float(row[tid]), abs=1e-5)
            assert rank_ok(row, float(row[tid]), s.ranks[i])
            assert [v for _, v in s.top[i]] == pytest.approx(row.topk(3).values.tolist(), abs=1e-5)
        assert rank_ok(logp[len(ctx) - 1], s.logprob, s.first_rank)


def test_shared_prefix_changes_nothing(smol):
    b = lm.backend_of(smol)
    demos = "Review: I loved every minute of it.\nSentiment: positive\n\nReview: Total waste.\nSentiment: negative\n\n"
    reqs = [lm.ScoreRequest(b.encode(demos + f"Review: {t}\nSentiment:").ids, b.pieces(v, "v"))
            for t in ("Great value.", "It broke on day one.", "Meh.") for v in (" positive", " negative")]
    rows = engine._rows("causal", reqs, None)
    assert engine._common_prefix(rows) >= engine.MIN_SHARED_PREFIX and len(rows) == 3, "one row per prompt"
    shared, plain = b.score(reqs), b.score(reqs, share_prefix=False)
    for a, c, r in zip(shared, plain, reqs):
        assert a.logprob == pytest.approx(c.logprob, abs=1e-4)
        assert a.logprob == pytest.approx(float(logp_of(smol, list(r.context))[-1, r.target[0]]), abs=1e-4)


def test_masked_words_are_filled_left_to_right(mlm):
    tok = mlm.tokenizer
    b = lm.backend_of(mlm)
    before = tok("the man worked as a", add_special_tokens=True)["input_ids"][:-1]
    after = tok(".", add_special_tokens=False)["input_ids"] + [tok.sep_token_id]
    word = tuple(tok("hairdresser", add_special_tokens=False)["input_ids"])
    assert len(word) > 1
    got = b.score([lm.ScoreRequest(tuple(before), word, after=tuple(after)),
                   lm.ScoreRequest(tuple(before), (tok.convert_tokens_to_ids("nurse"),), after=tuple(after))])
    expected = 0.0
    for j, t in enumerate(word):  # by hand: pieces before j in place, j and after it masked
        ids = before + list(word[:j]) + [tok.mask_token_id] * (len(word) - j) + after
        expected += float(logp_of(mlm, ids)[len(before) + j, t])
    assert got[0].logprob == pytest.approx(expected, abs=1e-5)
    one = logp_of(mlm, before + [tok.mask_token_id] + after)[len(before)]
    assert got[1].logprob == pytest.approx(float(one[tok.convert_tokens_to_ids("nurse")]), abs=1e-5)


def test_seq2seq_targets_are_the_decoder_output(t5):
    b = lm.backend_of(t5)
    enc = b.encode("translate English to French: sea otter").ids
    start = b.encode_decoder("").ids
    for word in (" loutre de mer", " mer"):
        t = b.pieces(word, "w")
        s = b.score([lm.ScoreRequest(enc, t, decoder=start)])[0]
        with torch.no_grad():
            logp = t5.model(input_ids=torch.tensor([enc]), decoder_input_ids=torch.tensor([list(start) + list(t)])
                            ).logits[0].double().log_softmax(-1)
        assert s.logprob == pytest.approx(sum(float(logp[i, x]) for i, x in enumerate(t)), abs=1e-5)


def test_batches_respect_the_row_and_token_budgets():
    rows = [engine._Row([1] * n) for n in (300, 10, 10, 200, *([5] * 100))]
    batches = list(engine._batches(rows))
    assert sum(len(b) for b in batches) == len(rows)
    for b in batches:
        assert len(b) <= engine.BATCH_ROWS and (len(b) == 1 or len(b) * b[0].size <= engine.BATCH_TOKENS)
        assert [r.size for r in b] == sorted((r.size for r in b), reverse=True)


# ---- what a backend can do ---------------------------------------------------------------------


def test_backends_say_what_they_cannot_do(registry, smol, mlm):
    enc = lm.backend_of(registry.load("local/tiny-bert"))
    assert enc.supports(lm.ATTENTIONS) and not enc.supports(lm.SCORE)
    with pytest.raises(InputError, match="Bias probes needs scoring continuations: .* encoder with no language"):
        enc.require(lm.SCORE, "bias probes")
    with pytest.raises(InputError, match="masked LM: it fills"):
        lm.backend_of(mlm).require(lm.GENERATE, "generation")
    assert lm.backend_of(smol).supports(lm.GENERATE) and lm.backend_of(smol).supports(lm.GRADIENTS)
    sdpa = lm.backend_of(registry.load("local/tiny-gpt2", attn_implementation="sdpa"))
    assert not sdpa.supports(lm.ATTENTIONS) and "eager" in sdpa.why_not(lm.ATTENTIONS)


def test_one_request_has_a_ceiling_on_its_work(gpt):
    b = lm.LocalBackend(gpt, lm.Limits(piece_tokens=64, work_tokens=100))
    ctx = b.encode(PROMPT).ids
    with pytest.raises(InputError, match=r"would run 2,000 tokens through the model, 1,900 over the limit of 100 "
                                         r"per request \(PLAYGROUND_MAX_WORK_TOKENS\)"):
        b.score([lm.ScoreRequest(ctx, b.pieces(" night", "w"))] * 200)
    assert b.score([lm.ScoreRequest(ctx, b.pieces(" night", "w"))])  # within the limit
    with pytest.raises(InputError, match="over the limit of 3 tokens"):
        lm.LocalBackend(gpt, lm.Limits(piece_tokens=3)).pieces(" the woman worked as a carpenter", "The target")


def test_memory_comes_back_after_a_big_request(smol):
    """Measured with the model loaded: after an evaluation of the 120 reviews the process returns to within a few
    hundred MB of its resident size before it (glibc keeps freed heap unless it is trimmed)."""
    from playground.compute import prompting as P

    def rss_mb() -> float:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * 4096 / 1e6

    P.classify(smol, "warm up")
    before = rss_mb()
    P.evaluate(smol, P.load_dataset("reviews"))
    assert rss_mb() - before < 200
    assert lm.backend.release_memory(10) is False, "a small request skips the trim"
    import platform

    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert lm.backend.release_memory(10 ** 6) is True
