"""generate() by hand (lesson 15): the decoding loop of a causal LM, short enough to read in one go.

With the same seed it gives exactly the tokens `model.generate()` gives for greedy decoding and for
sampling with temperature, top-k and top-p (tests/test_decoding.py proves it). The filters are the
same few tensor operations as transformers' TemperatureLogitsWarper, TopKLogitsWarper and
TopPLogitsWarper, applied in the same order.
"""

from __future__ import annotations

import time
from dataclasses import dataclass


def generate_by_hand(model, input_ids, max_new_tokens: int, *, do_sample: bool = False, temperature: float = 1.0,
                     top_k: int = 0, top_p: float = 1.0, eos_token_id: int | None = None, seed: int | None = None):
    """input_ids (1, T) -> (1, T + n) with n <= max_new_tokens new tokens."""
    import torch

    if seed is not None:
        torch.manual_seed(seed)  # the same draws as generate() after the same seed
    ids, past = input_ids, None
    with torch.inference_mode():
        for _ in range(max_new_tokens):
            # 1. run the model on what it has not seen yet; the key/value cache remembers the rest
            out = model(input_ids=ids if past is None else ids[:, -1:], past_key_values=past, use_cache=True)
            past = out.past_key_values
            logits = out.logits[:, -1, :].float()  # (1, V): a score for every token in the vocabulary
            if not do_sample:
                next_id = logits.argmax(dim=-1)  # 2a. greedy: take the most likely token
            else:
                if temperature != 1.0:
                    logits = logits / temperature  # 2b. T < 1 sharpens the distribution, T > 1 flattens it
                if top_k:  # 2c. top-k: keep the k highest scores
                    kth = torch.topk(logits, min(top_k, logits.shape[-1])).values[..., -1, None]
                    logits = logits.masked_fill(logits < kth, float("-inf"))
                if top_p < 1.0:  # 2d. top-p: keep the most likely tokens until they hold top_p of the mass
                    sorted_logits, order = torch.sort(logits, descending=False)
                    cumulative = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
                    drop = cumulative <= 1 - top_p
                    drop[..., -1:] = False  # always keep the most likely token
                    logits = logits.masked_fill(drop.scatter(1, order, drop), float("-inf"))
                probs = logits.softmax(dim=-1)  # 3. scores -> probabilities over what is left
                next_id = torch.multinomial(probs, num_samples=1).squeeze(1)  # 4. draw one token
            ids = torch.cat([ids, next_id[:, None]], dim=-1)  # 5. append it and go round again
            if eos_token_id is not None and int(next_id) == eos_token_id:
                break  # the model wrote end-of-text
    return ids


# ---- the check shown under the loop in the Decoding tab ----------------------------------------


@dataclass(frozen=True)
class ByHand:
    """The loop's tokens next to model.generate()'s for the same prompt, knobs and seed."""

    hand_ids: tuple[int, ...]
    generate_ids: tuple[int, ...]
    hand_text: str
    generate_text: str
    first_difference: int | None  # None: identical
    hand_seconds: float
    generate_seconds: float
    settings: str

    @property
    def identical(self) -> bool:
        return self.first_difference is None


def compare_with_generate(lm, prompt, params) -> ByHand:
    """Run generate_by_hand() and model.generate() with the same knobs and seed, token for token.

    `prompt` is a decoding.Prompt and `params` checked decoding.GenParams. The loop covers greedy
    decoding and sampling with temperature, top-k and top-p on causal LMs; other knobs are refused.
    """
    import torch

    from ...errors import InputError
    from ..lm import WEIGHTS, backend_of
    from ..lm.generate import RNG_LOCK  # the same turn-taking on torch's global generator as generate()

    lm = backend_of(lm)
    if lm.family != "causal":
        raise InputError("The by-hand loop is written for causal LMs; {model} is {family}.", model=lm.name,
                         family=lm.family)
    lm.require(WEIGHTS, "generate() by hand")
    unsupported = [name for name, on in (
        ("beam search", params.num_beams > 1), ("contrastive search", params.mode == "contrastive"),
        ("repetition_penalty", params.repetition_penalty != 1.0), ("no_repeat_ngram_size", params.no_repeat_ngram_size),
        ("bad words", bool(params.bad_words)), ("stop strings", bool(params.stop_strings)),
        ("num_return_sequences", params.num_return_sequences > 1)) if on]
    if unsupported:
        raise InputError("The by-hand loop covers greedy decoding and sampling with temperature, top-k and "
                         "top-p; switch off: {items}.", items=', '.join(unsupported))
    model, tok = lm.model, lm.tokenizer
    ids = torch.tensor([list(prompt.ids)], device=model.device)
    eos = tok.eos_token_id
    knobs = dict(do_sample=params.do_sample, temperature=params.temperature, top_k=params.top_k, top_p=params.top_p)
    with RNG_LOCK:
        start = time.perf_counter()
        hand = generate_by_hand(model, ids, params.max_new_tokens, eos_token_id=eos, seed=params.seed, **knobs)
        middle = time.perf_counter()
        torch.manual_seed(params.seed)
        with torch.inference_mode():
            ref = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=params.max_new_tokens,
                                 pad_token_id=lm.pad_id(),
                                 **(knobs if params.do_sample else {"do_sample": False}))
        end = time.perf_counter()
    a, b = hand[0, ids.shape[1]:].tolist(), ref[0, ids.shape[1]:].tolist()
    if eos is not None and eos in b:
        b = b[: b.index(eos) + 1]  # generate() pads finished rows; the loop stops at end-of-text
    diff = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), None)
    if diff is None and len(a) != len(b):
        diff = min(len(a), len(b))
    what = "greedy" if not params.do_sample else ", ".join(
        [f"sampling, T={params.temperature:g}"] + ([f"top_k={params.top_k}"] if params.top_k else [])
        + ([f"top_p={params.top_p:g}"] if params.top_p < 1 else []) + [f"seed={params.seed}"])
    decode = lambda t: tok.decode(t, skip_special_tokens=True, clean_up_tokenization_spaces=False)  # noqa: E731
    return ByHand(tuple(a), tuple(b), decode(a), decode(b), diff, middle - start, end - middle, what)
