"""Decoding knobs: every generate() argument the Decoding tab exposes, the named strategies, and the
check that runs before any forward pass and says which knobs this run really uses."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ...errors import InputError


STRATEGIES: dict[str, dict] = {
    # name -> the knobs it sets; every other knob keeps its value
    "greedy": {"do_sample": False, "num_beams": 1, "penalty_alpha": 0.0, "num_return_sequences": 1},
    "beam search": {"do_sample": False, "num_beams": 4, "penalty_alpha": 0.0},
    "sampling": {"do_sample": True, "num_beams": 1, "top_k": 0, "top_p": 1.0, "penalty_alpha": 0.0},
    "top-k sampling": {"do_sample": True, "num_beams": 1, "top_k": 50, "top_p": 1.0, "penalty_alpha": 0.0},
    "top-p sampling": {"do_sample": True, "num_beams": 1, "top_k": 0, "top_p": 0.9, "penalty_alpha": 0.0},
    "contrastive search": {"do_sample": False, "num_beams": 1, "top_k": 4, "penalty_alpha": 0.6,
                           "num_return_sequences": 1},
}
MAX_BEAMS = 8
MAX_RETURN = 5
MAX_BAD_WORDS = 50
MAX_STOP_STRINGS = 8  # generate() builds a table over the whole vocabulary per stop string
MAX_WORD_CHARS = 64  # one bad word or stop string
TREE_BEAMS, TREE_STEPS = 5, 12  # the beam tree is drawn up to this size



@dataclass(frozen=True)
class GenParams:
    """Every generate() knob the Decoding tab exposes, with generate()'s own meaning.

    top_k = 0 and top_p = 1.0 switch those filters off; temperature only matters when sampling;
    length_penalty only in beam search; penalty_alpha > 0 with top_k > 1 (no sampling) is contrastive
    search. bad_words and stop_strings are plain strings.
    """

    max_new_tokens: int = 40
    do_sample: bool = False
    temperature: float = 1.0
    top_k: int = 0
    top_p: float = 1.0
    num_beams: int = 1
    num_return_sequences: int = 1
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    length_penalty: float = 1.0
    penalty_alpha: float = 0.0
    bad_words: tuple[str, ...] = ()
    stop_strings: tuple[str, ...] = ()
    seed: int = 0
    chat_template: bool = False

    @property
    def mode(self) -> str:
        """greedy | sample | beam | contrastive: which algorithm generate() (or this module) runs."""
        if self.penalty_alpha > 0 and not self.do_sample and self.num_beams == 1:
            return "contrastive"
        if self.num_beams > 1:
            return "beam"
        return "sample" if self.do_sample else "greedy"

    @property
    def streams(self) -> bool:
        """One sequence, token by token (beam search and several sequences come all at once)."""
        return self.num_beams == 1 and self.num_return_sequences == 1


def strategy_params(name: str, base: GenParams | None = None) -> GenParams:
    if name not in STRATEGIES:
        raise InputError("Unknown strategy {name!r}; choose one of: {items}.", name=name,
                         items=', '.join(STRATEGIES))
    return replace(base or GenParams(), **STRATEGIES[name])


_NEUTRAL = {"num_beams": 1, "top_k": 0, "top_p": 1.0, "penalty_alpha": 0.0}


def with_strategy(name: str, params: GenParams) -> GenParams:
    """A named strategy on top of explicit knobs (the API): it sets do_sample, and fills in only the
    knobs still at their neutral value, so strategy="top-k sampling", top_k=5 means top-k with k = 5."""
    if not name:
        return params
    if name not in STRATEGIES:
        raise InputError("Unknown strategy {name!r}; choose one of: {items} (or leave it empty to use the knobs "
                         "as given).", name=name, items=', '.join(STRATEGIES))
    changes = {}
    for key, value in STRATEGIES[name].items():
        if key == "do_sample" or (key in _NEUTRAL and getattr(params, key) == _NEUTRAL[key]):
            changes[key] = value
    return replace(params, **changes)


def split_list(raw, *, commas: bool = True) -> tuple[str, ...]:
    """Items from text (one per line; with `commas`, also separated by commas) or from a list."""
    if raw is None:
        return ()
    if isinstance(raw, (list, tuple)):
        items = [str(x) for x in raw]
    else:
        items = str(raw).splitlines()
        if commas:
            items = [part for line in items for part in line.split(",")]
    return tuple(dict.fromkeys(i.strip() for i in items if i.strip()))


def _number(value, name: str, kind=float):
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise InputError("{name} must be a whole number; got {value!r}." if kind is int
                         else "{name} must be a number; got {value!r}.", name=name, value=value) from None
    if kind is float and not math.isfinite(number):
        raise InputError("{name} must be a finite number; got {value!r}.", name=name, value=value)
    if kind is int and float(value) != number:
        raise InputError("{name} must be a whole number; got {value!r}.", name=name, value=value)
    return number


def check(params: GenParams, *, max_new_tokens: int) -> tuple[GenParams, tuple[str, ...]]:
    """Validate the knobs before any forward pass; returns the parameters generate() will really use.

    Knobs the chosen algorithm ignores are reset to neutral and listed in the notices, so the
    `params` a result reports are the ones that mattered.
    """
    p, notes = params, []
    n = _number(p.max_new_tokens, "max_new_tokens", int)
    if not 1 <= n <= max_new_tokens:
        raise InputError("max_new_tokens is {n}; this app allows 1 to {max_new_tokens} "
                         "(PLAYGROUND_MAX_NEW_TOKENS) so that one generation cannot hold the server.", n=n,
                         max_new_tokens=max_new_tokens)
    t = _number(p.temperature, "temperature")
    if t < 0:
        raise InputError("temperature must be 0 or more; got {t}. Below 1 sharpens the distribution, above 1 "
                         "flattens it.", t=t)
    k = _number(p.top_k, "top_k", int)
    if k < 0:
        raise InputError("top_k must be 0 (off) or a positive number of tokens; got {k}.", k=k)
    top_p = _number(p.top_p, "top_p")
    if not 0 < top_p <= 1:
        raise InputError(
            "top_p must be above 0 and at most 1; got {top_p}. top_p keeps the smallest set of tokens whose "
            "probabilities add up to top_p: 1 keeps every token (off), 0.9 is a common choice. top_p = 0 would "
            "keep only the most likely token, which is greedy decoding: choose the greedy strategy instead.",
            top_p=top_p)
    beams = _number(p.num_beams, "num_beams", int)
    if not 1 <= beams <= MAX_BEAMS:
        raise InputError("num_beams must be 1 to {max_beams}; got {beams}.", max_beams=MAX_BEAMS, beams=beams)
    ret = _number(p.num_return_sequences, "num_return_sequences", int)
    if not 1 <= ret <= MAX_RETURN:
        raise InputError("num_return_sequences must be 1 to {max_return}; got {ret}.", max_return=MAX_RETURN,
                         ret=ret)
    rep = _number(p.repetition_penalty, "repetition_penalty")
    if rep <= 0:
        raise InputError("repetition_penalty must be above 0 (1 = off, 1.2 is typical); got {rep}.", rep=rep)
    ngram = _number(p.no_repeat_ngram_size, "no_repeat_ngram_size", int)
    if ngram < 0:
        raise InputError("no_repeat_ngram_size must be 0 (off) or more; got {ngram}.", ngram=ngram)
    lp = _number(p.length_penalty, "length_penalty")
    alpha = _number(p.penalty_alpha, "penalty_alpha")
    if not 0 <= alpha <= 1:
        raise InputError("penalty_alpha must be between 0 and 1 (0.6 is typical for contrastive search); got "
                         "{alpha}.", alpha=alpha)
    seed = _number(p.seed, "seed", int)
    if not 0 <= seed < 2**32:
        raise InputError("seed must be between 0 and {top}; got {seed}.", top=2**32 - 1, seed=seed)
    bad, stops = split_list(p.bad_words), split_list(p.stop_strings, commas=False)
    if len(bad) > MAX_BAD_WORDS:
        raise InputError("{n} bad words, {value} over the limit of {max_bad_words}. Keep fewer.", n=len(bad),
                         value=len(bad) - MAX_BAD_WORDS, max_bad_words=MAX_BAD_WORDS)
    if len(stops) > MAX_STOP_STRINGS:
        raise InputError("{n} stop strings, {value} over the limit of {max_stop_strings} (one per line). Keep "
                         "fewer.", n=len(stops), value=len(stops) - MAX_STOP_STRINGS,
                         max_stop_strings=MAX_STOP_STRINGS)
    for what, items in (("bad word", bad), ("stop string", stops)):
        for item in items:
            if len(item) > MAX_WORD_CHARS:
                raise InputError("A {what} has {n:,} characters, {value:,} over the limit of {max_word_chars}. "
                                 "Shorten it.", what=what, n=len(item), value=len(item) - MAX_WORD_CHARS,
                                 max_word_chars=MAX_WORD_CHARS)
    p = replace(p, max_new_tokens=n, temperature=t, top_k=k, top_p=top_p, num_beams=beams, num_return_sequences=ret,
                repetition_penalty=rep, no_repeat_ngram_size=ngram, length_penalty=lp, penalty_alpha=alpha,
                seed=seed, bad_words=bad, stop_strings=stops, do_sample=bool(p.do_sample),
                chat_template=bool(p.chat_template))

    if p.do_sample and t == 0:
        notes.append("Temperature 0 with sampling would divide the logits by zero; its limit is always picking "
                     "the most likely token, so this run decodes greedily.")
        p = replace(p, do_sample=False, temperature=1.0)
    if p.penalty_alpha > 0 and p.do_sample:
        notes.append("penalty_alpha is used by contrastive search only, which does not sample: ignored.")
        p = replace(p, penalty_alpha=0.0)
    if p.penalty_alpha > 0 and p.num_beams > 1:
        notes.append("penalty_alpha is used by contrastive search only, which keeps one hypothesis: ignored "
                     "with beam search.")
        p = replace(p, penalty_alpha=0.0)
    if p.mode == "contrastive" and p.top_k < 2:
        raise InputError("Contrastive search picks among the top_k most likely tokens: set top_k to 2 or more "
                         "(4 is typical), or set penalty_alpha to 0.")
    if not p.do_sample:
        ignored = [f"{name} {value}" for name, value, neutral in
                   (("temperature", p.temperature, 1.0), ("top_p", p.top_p, 1.0)) if value != neutral]
        if p.top_k and p.mode != "contrastive":
            ignored.append(f"top_k {p.top_k}")
        if ignored:
            notes.append(f"{' and '.join(ignored)} only matter when sampling; this run does not sample, so "
                         "they are ignored (tick 'Sample' to use them).")
        p = replace(p, temperature=1.0, top_p=1.0, top_k=p.top_k if p.mode == "contrastive" else 0)
    if p.num_beams == 1 and p.length_penalty != 1.0:
        notes.append("length_penalty only changes how beam search ranks finished hypotheses: ignored with one beam.")
        p = replace(p, length_penalty=1.0)
    if p.num_return_sequences > 1:
        if not p.do_sample and p.num_return_sequences > p.num_beams:
            raise InputError(
                "num_return_sequences ({num_return_sequences}) cannot be more than num_beams ({num_beams}) "
                "without sampling: greedy and beam search return their best num_beams hypotheses. Raise "
                "num_beams or tick 'Sample'.", num_return_sequences=p.num_return_sequences,
                num_beams=p.num_beams)
    if p.seed and not p.do_sample:
        p = replace(p, seed=0)  # nothing is drawn at random: the seed plays no part
    return p, tuple(notes)
