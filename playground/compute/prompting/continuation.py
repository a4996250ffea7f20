"""Greedy continuation of prompts, up to the first newline: what the model writes as its answer."""

from __future__ import annotations

from ...errors import InputError
from ..lm import GENERATE, LM, backend_of


def complete(lm: LM, prompt: str, *, max_new_tokens: int = 32, stop: str = "\n", max_tokens: int = 1024) -> str:
    """The model's greedy continuation of the prompt, up to the first `stop` (a newline) or max_new_tokens."""
    return complete_many(lm, [prompt], max_new_tokens=max_new_tokens, stop=stop, max_tokens=max_tokens)[0]


def complete_many(lm: LM, prompts: list[str], *, max_new_tokens: int = 32, stop: str = "\n",
                  max_tokens: int = 1024, report=None) -> list[str]:
    """Greedy continuations of several prompts, read as every tab reads them (the core), batched."""
    b = backend_of(lm)
    if b.family == "masked":
        raise InputError("{model} is a masked LM: it fills a [MASK] but does not continue a text. Use the label "
                         "scores, or a causal model for the continuation.", model=b.name)
    b.require(GENERATE, "a continuation")
    rows = [b.encode(p, max_tokens=max_tokens, reserve=max_new_tokens).ids for p in prompts]
    new = b.generate_many(rows, max_new_tokens=max_new_tokens, stop=stop, report=report)
    texts = [b.decode(ids) for ids in new]
    return [(t.split(stop)[0] if stop else t) or "" for t in texts]
