"""Checks the embeddings modules share: whole numbers in a range, and the model families they serve."""

from __future__ import annotations

from ...errors import InputError


def check_count(value, what: str, low: int, high: int) -> int:
    """A whole number from low to high (an integral float such as 5.0 from a slider is accepted)."""
    ok = isinstance(value, int) and not isinstance(value, bool) or isinstance(value, float) and value.is_integer()
    if not ok or not low <= value <= high:
        raise InputError("{what} must be a whole number from {low} to {high}; got {value!r}.", what=what,
                         low=low, high=high, value=value)
    return int(value)


def no_encoder_decoder(b, feature: str) -> None:
    """Embeddings here come from encoders and decoder-only LMs; an encoder-decoder is refused, with the way out."""
    if b.family == "seq2seq":
        raise InputError("{model} is an encoder-decoder; {feature} works on encoders (all-MiniLM-L6-v2, BERT) "
                         "and decoder-only LMs (SmolLM2, GPT-2).", model=b.name, feature=feature)
