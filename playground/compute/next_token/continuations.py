"""Chosen continuations: how likely is each word here? Scored whole, through the core's engine."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...errors import InputError
from ..lm import LM, SCORE, ScoreRequest, backend_of
from .distribution import prepare


@dataclass(frozen=True)
class PieceScore:
    id: int
    token: str
    prob: float
    logprob: float
    rank: int


@dataclass(frozen=True)
class ContinuationScore:
    """A chosen continuation scored in the predicted slot (at T = 1)."""

    text: str
    pieces: tuple[PieceScore, ...]
    logprob: float  # the sum of the pieces' log-probabilities (the chain rule)
    method: str  # 'one token' | 'chain rule over 3 tokens' | ...

    @property
    def prob(self) -> float:
        return math.exp(self.logprob)

    @property
    def multi_token(self) -> bool:
        return len(self.pieces) > 1


def parse_continuations(raw: str, *, leading_space: bool = True, max_items: int = 12) -> list[str]:
    """One continuation per line (or comma-separated on one line). With `leading_space`, 'night' → ' night'."""
    if not isinstance(raw, str) or not raw.strip():
        raise InputError("Type at least one continuation, e.g. night, day (one per line or separated by commas).")
    lines = raw.splitlines()
    items = lines if len(lines) > 1 else raw.split(",")
    words = []
    for item in items:
        word = item.strip() if leading_space else item.strip("\r\n")
        if not word.strip():
            continue
        if leading_space and not word[0].isspace():
            word = " " + word
        if word not in words:
            words.append(word)
    if not words:
        raise InputError("Every continuation is empty. Type words such as night, day.")
    if len(words) > max_items:
        raise InputError("At most {max_items} continuations at once (you typed {n}).", max_items=max_items,
                         n=len(words))
    return words


def _method(family: str, n: int) -> str:
    if n == 1:
        return "one token"
    if family == "masked":
        return f"chain rule over {n} masks, filled left to right (an estimate)"
    return f"chain rule over {n} tokens"


def score_continuations(
    lm: LM, prompt: str, words: list[str], *, decoder_prefix: str = "", mask_index: int = 0, max_tokens: int = 1024
) -> tuple[ContinuationScore, ...]:
    """log P(word | prompt) for each word, summed over its tokens (the chain rule), at T = 1, in one
    batched pass of the core's engine: causal and seq2seq models read each word after the prompt (the
    decoder prefix); a masked LM reads it at the mask, one mask per piece, filled left to right (an
    estimate: a masked LM defines no single joint probability for several tokens)."""
    b = backend_of(lm)
    b.require(SCORE, "scoring your continuations")
    pieces = [b.pieces(w, "The continuation") for w in words]
    longest = max(len(p) for p in pieces)
    inputs = prepare(b, prompt, decoder_prefix=decoder_prefix, mask_index=mask_index, max_tokens=max_tokens,
                     reserve=longest)
    ids, at = inputs.ids, inputs.position
    if b.family == "masked":
        requests = [ScoreRequest(ids[:at], p, after=ids[at + 1:]) for p in pieces]
    elif b.family == "seq2seq":
        requests = [ScoreRequest(ids, p, decoder=inputs.decoder_ids) for p in pieces]
    else:
        requests = [ScoreRequest(ids, p) for p in pieces]
    scored = b.score(requests)
    return tuple(
        ContinuationScore(word, tuple(PieceScore(t, b.label(t), math.exp(lp), lp, rank)
                                      for t, lp, rank in zip(p, s.logprobs, s.ranks)),
                          s.logprob, _method(b.family, len(p)))
        for word, p, s in zip(words, pieces, scored)
    )
