"""Decoding: model.generate() with every knob, observed step by step.

What this module adds to a bare `model.generate()` call, without changing what it generates:

- `stream()` runs generate() in a worker thread and yields one `Step` per generated token: the
  model's own probability of the token and its top alternatives (from the raw logits), and the
  token's probability in the distribution it was actually drawn from (after the logits processors).
  It stops within one step when asked to.
- `pipeline()` re-runs one step through transformers' own LogitsProcessor objects, built by
  generate()'s own factory (`_get_logits_processor`) in the order generate() applies them, and
  records the distribution after each stage.
- `beam_search()` watches generate()'s own beam search (a recording processor and a recording
  stopping criterion, both pass-through) and returns the tree: every hypothesis kept, finished or
  pruned, with cumulative log-probabilities.
- `contrastive()` is contrastive search (Su et al., 2022). transformers 5 moved it to a hub repo that
  runs only when remote code is trusted, which this app never allows, so the loop is written here.

Results are frozen dataclasses of plain data. torch is imported only inside the functions that run
the model. The by-hand decoding loop of lesson 15 lives in `by_hand.py`.
"""

from __future__ import annotations

import copy
import math
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace

from ..errors import InputError
from .next_token import _fit, context_length, token_label

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
TREE_BEAMS, TREE_STEPS = 5, 12  # the beam tree is drawn up to this size
TOP_N = 10  # alternatives kept per step

# torch samples from one process-wide generator: two seeded sampling runs at once would interleave
# their draws and neither would be reproducible, so seeded sampling takes turns on this lock.
_RNG_LOCK = threading.Lock()


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
        raise InputError(f"Unknown strategy {name!r}; choose one of: {', '.join(STRATEGIES)}.")
    return replace(base or GenParams(), **STRATEGIES[name])


_NEUTRAL = {"num_beams": 1, "top_k": 0, "top_p": 1.0, "penalty_alpha": 0.0}


def with_strategy(name: str, params: GenParams) -> GenParams:
    """A named strategy on top of explicit knobs (the API): it sets do_sample, and fills in only the
    knobs still at their neutral value, so strategy="top-k sampling", top_k=5 means top-k with k = 5."""
    if not name:
        return params
    if name not in STRATEGIES:
        raise InputError(f"Unknown strategy {name!r}; choose one of: {', '.join(STRATEGIES)} (or leave it empty "
                         "to use the knobs as given).")
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
        raise InputError(f"{name} must be a {'whole ' if kind is int else ''}number; got {value!r}.") from None
    if kind is float and not math.isfinite(number):
        raise InputError(f"{name} must be a finite number; got {value!r}.")
    if kind is int and float(value) != number:
        raise InputError(f"{name} must be a whole number; got {value!r}.")
    return number


def check(params: GenParams, *, max_new_tokens: int) -> tuple[GenParams, tuple[str, ...]]:
    """Validate the knobs before any forward pass; returns the parameters generate() will really use.

    Knobs the chosen algorithm ignores are reset to neutral and listed in the notices, so the
    `params` a result reports are the ones that mattered.
    """
    p, notes = params, []
    n = _number(p.max_new_tokens, "max_new_tokens", int)
    if not 1 <= n <= max_new_tokens:
        raise InputError(f"max_new_tokens is {n}; this app allows 1 to {max_new_tokens} "
                         "(PLAYGROUND_MAX_NEW_TOKENS) so that one generation cannot hold the server.")
    t = _number(p.temperature, "temperature")
    if t < 0:
        raise InputError(f"temperature must be 0 or more; got {t}. Below 1 sharpens the distribution, above 1 "
                         "flattens it.")
    k = _number(p.top_k, "top_k", int)
    if k < 0:
        raise InputError(f"top_k must be 0 (off) or a positive number of tokens; got {k}.")
    top_p = _number(p.top_p, "top_p")
    if not 0 < top_p <= 1:
        raise InputError(
            f"top_p must be above 0 and at most 1; got {top_p}. top_p keeps the smallest set of tokens whose "
            "probabilities add up to top_p: 1 keeps every token (off), 0.9 is a common choice. top_p = 0 would "
            "keep only the most likely token, which is greedy decoding: choose the greedy strategy instead.")
    beams = _number(p.num_beams, "num_beams", int)
    if not 1 <= beams <= MAX_BEAMS:
        raise InputError(f"num_beams must be 1 to {MAX_BEAMS}; got {beams}.")
    ret = _number(p.num_return_sequences, "num_return_sequences", int)
    if not 1 <= ret <= MAX_RETURN:
        raise InputError(f"num_return_sequences must be 1 to {MAX_RETURN}; got {ret}.")
    rep = _number(p.repetition_penalty, "repetition_penalty")
    if rep <= 0:
        raise InputError(f"repetition_penalty must be above 0 (1 = off, 1.2 is typical); got {rep}.")
    ngram = _number(p.no_repeat_ngram_size, "no_repeat_ngram_size", int)
    if ngram < 0:
        raise InputError(f"no_repeat_ngram_size must be 0 (off) or more; got {ngram}.")
    lp = _number(p.length_penalty, "length_penalty")
    alpha = _number(p.penalty_alpha, "penalty_alpha")
    if not 0 <= alpha <= 1:
        raise InputError(f"penalty_alpha must be between 0 and 1 (0.6 is typical for contrastive search); got {alpha}.")
    seed = _number(p.seed, "seed", int)
    if not 0 <= seed < 2**32:
        raise InputError(f"seed must be between 0 and {2**32 - 1}; got {seed}.")
    bad, stops = split_list(p.bad_words), split_list(p.stop_strings, commas=False)
    if len(bad) > MAX_BAD_WORDS:
        raise InputError(f"{len(bad)} bad words; the limit is {MAX_BAD_WORDS}.")
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
                f"num_return_sequences ({p.num_return_sequences}) cannot be more than num_beams ({p.num_beams}) "
                "without sampling: greedy and beam search return their best num_beams hypotheses. Raise num_beams "
                "or tick 'Sample'.")
    if p.seed and not p.do_sample:
        p = replace(p, seed=0)  # nothing is drawn at random: the seed plays no part
    return p, tuple(notes)


# ---- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alt:
    id: int
    token: str
    prob: float  # the model's probability (softmax of the raw logits)
    kept_prob: float | None  # its probability in the distribution drawn from (None when not recorded)


@dataclass(frozen=True)
class Step:
    """One generated token. `prob` is the model's own probability of it (raw logits, T = 1);
    `chosen_prob` its probability after the logits processors (what sampling drew from; None for beam
    search and contrastive search); `top` the model's TOP_N most likely tokens, most likely first."""

    index: int
    id: int
    token: str
    prob: float
    logprob: float
    rank: int  # 1 = the model's own first choice
    chosen_prob: float | None
    top: tuple[Alt, ...]
    note: str = ""

    def as_json(self) -> dict:
        return {"token": self.token, "id": self.id, "prob": self.prob, "logprob": self.logprob, "rank": self.rank,
                "sampled_prob": self.chosen_prob,
                "top": [{"token": a.token, "id": a.id, "prob": a.prob} for a in self.top],
                **({"note": self.note} if self.note else {})}


@dataclass(frozen=True)
class Sequence:
    text: str  # the generated text only (without the prompt)
    steps: tuple[Step, ...]
    finish: str  # "end of text" | "stop string" | "length" | "stopped"
    score: float | None = None  # beam search: sum of log-probs / length ** length_penalty

    @property
    def ids(self) -> list[int]:
        return [s.id for s in self.steps]


@dataclass(frozen=True)
class Prompt:
    ids: tuple[int, ...]
    tokens: tuple[str, ...]
    text: str  # what the model reads (with the chat template applied)
    notices: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Generation:
    model: str
    prompt: Prompt
    params: GenParams
    sequences: tuple[Sequence, ...]
    notices: tuple[str, ...]
    seconds: float
    first_token_seconds: float | None = None

    @property
    def tokens_per_second(self) -> float:
        n = sum(len(s.steps) for s in self.sequences)
        return n / self.seconds if self.seconds > 0 else 0.0

    def as_json(self) -> dict:
        first = self.sequences[0]
        used = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self.params).items()}
        used["mode"] = self.params.mode
        return {
            "model": self.model,
            "prompt": self.prompt.text,
            "text": first.text,
            "tokens": [s.as_json() for s in first.steps],
            "finish": first.finish,
            "sequences": [{"text": s.text, "finish": s.finish, "score": s.score, "ids": s.ids}
                          for s in self.sequences],
            "params": used,
            "notices": list(self.notices),
            "seconds": round(self.seconds, 4),
        }


def replace_notices(gen: Generation, notices: tuple[str, ...]) -> Generation:
    """The same generation with `notices` (duplicates dropped, order kept)."""
    return replace(gen, notices=tuple(dict.fromkeys(notices)))


# ---- inputs ------------------------------------------------------------------------------------


def encode_prompt(loaded, prompt: str, *, chat_template: bool, max_tokens: int, max_new_tokens: int) -> Prompt:
    """The prompt's ids: chat template when asked, BOS for an empty prompt, left-truncated to fit."""
    if not isinstance(prompt, str):
        raise InputError("The prompt must be text.")
    tok, family, name = loaded.tokenizer, loaded.spec.family, loaded.spec.name
    if family not in ("causal", "seq2seq"):
        raise InputError(f"{name} is a {family} model: it cannot generate text. Choose a causal or seq2seq model.")
    notices = []
    text = prompt
    if chat_template:
        if not getattr(tok, "chat_template", None):
            raise InputError(f"{name} has no chat template: untick 'Chat template'.")
        text = tok.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False,
                                       add_generation_prompt=True)
        ids = list(tok(text, add_special_tokens=False)["input_ids"])
    else:
        ids = list(tok(prompt, add_special_tokens=True)["input_ids"]) if prompt else []
    if family == "seq2seq" and not prompt.strip():
        raise InputError(f"The prompt is empty; {name} generates from an input text (e.g. 'translate English to "
                         "French: The house is small.'). Type one.")
    if not ids:
        if tok.bos_token_id is None:
            raise InputError(f"The prompt is empty and {name} has no beginning-of-sequence token to start from. "
                             "Type a few words.")
        ids = [tok.bos_token_id]
        notices.append(f"The prompt is empty, so generation starts from the beginning-of-sequence token "
                       f"{tok.bos_token!r}: the model writes whatever it thinks a text opens with.")
    limit, why = max_tokens, f"this app reads at most {max_tokens:,} prompt tokens (PLAYGROUND_MAX_PROMPT_TOKENS)"
    context = context_length(loaded.model) if family == "causal" else None
    if context is not None and context - max_new_tokens < limit:
        if context - max_new_tokens < 1:
            raise InputError(f"{name} reads at most {context} tokens in all: ask for fewer than {context} new tokens.")
        limit, why = context - max_new_tokens, (f"the model's context is {context:,} tokens and {max_new_tokens} "
                                                "are kept for the new ones")
    ids = _fit(ids, limit, why, notices)
    return Prompt(tuple(ids), tuple(token_label(tok, i) for i in ids), text, tuple(notices))


def bad_words_ids(tokenizer, words: tuple[str, ...]) -> tuple[list[list[int]], tuple[str, ...]]:
    """generate()'s bad_words_ids for each word, spelled with and without a leading space.

    A word that is not one token in the vocabulary is banned as its token sequence: generate() then
    blocks only its last piece, and only right after the other pieces. The notices say so.
    """
    out, notes = [], []
    for word in words:
        variants = []
        for spelling in (word, " " + word.lstrip()):
            ids = list(tokenizer(spelling, add_special_tokens=False)["input_ids"])
            if ids and ids not in variants:
                variants.append(ids)
        if not variants:
            raise InputError(f"The bad word {word!r} turns into no tokens at all, so it cannot be banned. Remove it.")
        split = [v for v in variants if len(v) > 1]
        if len(split) == len(variants):
            pieces = " | ".join(token_label(tokenizer, i) for i in split[0])
            notes.append(f"{word!r} is not a single token in this vocabulary ({pieces}): generate() bans its last "
                         "piece only right after the others, so the pieces on their own can still appear.")
        out.extend(variants)
    return out, tuple(notes)


def generate_kwargs(loaded, params: GenParams) -> tuple[dict, tuple[str, ...]]:
    """Keyword arguments for model.generate() that reproduce `params` exactly."""
    p, tok = params, loaded.tokenizer
    kw = {"max_new_tokens": p.max_new_tokens, "do_sample": p.do_sample, "num_beams": p.num_beams,
          "num_return_sequences": p.num_return_sequences, "repetition_penalty": p.repetition_penalty,
          "no_repeat_ngram_size": p.no_repeat_ngram_size}
    if p.do_sample:
        kw.update(temperature=p.temperature, top_k=p.top_k, top_p=p.top_p)
    if p.num_beams > 1:
        kw.update(length_penalty=p.length_penalty, early_stopping=False)
    notes: tuple[str, ...] = ()
    if p.bad_words:
        kw["bad_words_ids"], notes = bad_words_ids(tok, p.bad_words)
    if p.stop_strings:
        kw.update(stop_strings=list(p.stop_strings), tokenizer=tok)
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    if pad is not None:
        kw["pad_token_id"] = pad
    return kw, notes


def _model_inputs(loaded, prompt: Prompt):
    import torch

    ids = torch.tensor([list(prompt.ids)], device=loaded.model.device)
    return {"input_ids": ids, "attention_mask": torch.ones_like(ids)}


def _eos_ids(loaded) -> set[int]:
    eos = loaded.model.generation_config.eos_token_id
    if eos is None:
        eos = loaded.tokenizer.eos_token_id
    return set(eos if isinstance(eos, list) else [eos] if eos is not None else [])


def _finish(loaded, params: GenParams, ids: list[int], text: str, stopped: bool) -> str:
    if ids and ids[-1] in _eos_ids(loaded):
        return "end of text"
    if params.stop_strings and any(s in text for s in params.stop_strings):
        return "stop string"
    if stopped and len(ids) < params.max_new_tokens:
        return "stopped"
    return "length"


def _decode(tokenizer, ids) -> str:
    return tokenizer.decode(list(ids), skip_special_tokens=True, clean_up_tokenization_spaces=False)


def _step(tokenizer, index: int, token_id: int, logp, kept=None, note: str = "") -> Step:
    """A Step from the raw log-softmax vector (V,) and, when known, the processed distribution (V,)."""
    import torch

    top_lp, top_ids = torch.topk(logp, TOP_N)
    lp = float(logp[token_id])
    rank = int((logp > logp[token_id]).sum()) + 1
    alts = tuple(Alt(int(i), token_label(tokenizer, int(i)), math.exp(float(v)),
                     None if kept is None else float(kept[int(i)])) for v, i in zip(top_lp, top_ids))
    return Step(index, int(token_id), token_label(tokenizer, token_id), math.exp(lp), lp, rank,
                None if kept is None else float(kept[token_id]), alts, note)


# ---- streaming greedy and sampling through generate() ------------------------------------------


def _processors(loaded, kw: dict, prompt_len: int, inputs: dict):
    """The LogitsProcessorList that generate() builds for these generate() kwargs (`generate_kwargs`),
    from generate()'s own factory."""
    model = loaded.model
    kw = {k: v for k, v in kw.items() if k not in ("tokenizer", "stop_strings")}
    config, _ = model._prepare_generation_config(None, **kw)
    model._prepare_special_tokens(config, True, device=model.device)
    return model._get_logits_processor(generation_config=config, input_ids_seq_length=prompt_len,
                                       encoder_input_ids=inputs["input_ids"], device=model.device,
                                       model_kwargs={"attention_mask": inputs["attention_mask"]})


def _neutral_kwargs(kw: dict) -> dict:
    """The same call with every processor knob neutral, so that generate() builds no processors itself
    and runs exactly the list it is handed."""
    out = dict(kw)
    out.update(repetition_penalty=1.0, no_repeat_ngram_size=0, bad_words_ids=None)
    if out.get("do_sample"):
        out.update(temperature=1.0, top_k=0, top_p=1.0)
    return out


class _Watch:
    """Pass-through processors and streamer that record each step for `stream()` (runs in generate's thread)."""

    def __init__(self, loaded, out: queue.Queue, stop: threading.Event):
        from transformers import LogitsProcessor, StoppingCriteria
        from transformers.generation.streamers import BaseStreamer

        watch = self

        class Raw(LogitsProcessor):
            def __call__(self, input_ids, scores):
                watch.logp = scores[0].float().log_softmax(-1)
                return scores

        class Kept(LogitsProcessor):
            def __call__(self, input_ids, scores):
                watch.kept = scores[0].float().softmax(-1)
                return scores

        class Stop(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs):
                import torch

                return torch.full((input_ids.shape[0],), stop.is_set(), dtype=torch.bool, device=input_ids.device)

        class Streamer(BaseStreamer):
            def put(self, value):
                if not watch.started:  # generate() first pushes the prompt (or the decoder start)
                    watch.started = True
                    return
                token = int(value.reshape(-1)[0])
                out.put(_step(loaded.tokenizer, watch.index, token, watch.logp, watch.kept))
                watch.index += 1

            def end(self):
                pass

        self.raw, self.kept_proc, self.stop, self.streamer = Raw(), Kept(), Stop(), Streamer()
        self.logp = self.kept = None
        self.started, self.index = False, 0


_END = object()


def stream(loaded, prompt: Prompt, params: GenParams, *, stop: threading.Event | None = None
           ) -> Iterator[Step | Generation]:
    """Greedy or sampling decoding by model.generate(), yielding each Step as it is made, then the Generation.

    generate() runs exactly the LogitsProcessorList it would build itself for these knobs, with a
    pass-through recorder before it (raw logits) and after it (the distribution drawn from). Setting
    `stop`, or closing this iterator, ends the generation after the current step.
    """
    import torch
    from transformers import LogitsProcessorList, StoppingCriteriaList

    if not params.streams or params.mode not in ("greedy", "sample"):
        raise InputError("Only one greedy or sampled sequence streams; beam search and several sequences come "
                         "all at once.")
    stop = stop or threading.Event()
    out: queue.Queue = queue.Queue()
    watch = _Watch(loaded, out, stop)
    inputs = _model_inputs(loaded, prompt)
    kw, notes = generate_kwargs(loaded, params)
    pipeline = _processors(loaded, kw, len(prompt.ids), inputs)
    errors: list[BaseException] = []

    def work():
        try:
            with torch.inference_mode(), (_RNG_LOCK if params.do_sample else _nolock()):
                if params.do_sample:
                    torch.manual_seed(params.seed)
                loaded.model.generate(
                    **inputs, **_neutral_kwargs(kw), streamer=watch.streamer,
                    logits_processor=LogitsProcessorList([watch.raw, *pipeline, watch.kept_proc]),
                    stopping_criteria=StoppingCriteriaList([watch.stop]))
        except BaseException as exc:  # reported to the consumer, not lost in the thread
            errors.append(exc)
        finally:
            out.put(_END)

    start = time.perf_counter()
    first = None
    steps: list[Step] = []
    thread = threading.Thread(target=work, name="playground-generate", daemon=True)
    thread.start()
    try:
        while (item := out.get()) is not _END:
            if first is None:
                first = time.perf_counter() - start
            steps.append(item)
            yield item
    finally:
        if thread.is_alive():
            stop.set()  # the consumer left early (Stop button, closed page): end generate() after this step
        thread.join()
    if errors:
        raise errors[0]
    ids = [s.id for s in steps]
    text = _decode(loaded.tokenizer, ids)
    seq = Sequence(text, tuple(steps), _finish(loaded, params, ids, text, stop.is_set()))
    yield Generation(loaded.spec.name, prompt, params, (seq,), prompt.notices + notes,
                     time.perf_counter() - start, first)


class _nolock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


# ---- all at once: beam search and several sequences --------------------------------------------


def _teacher_forced(loaded, prompt: Prompt, sequences: list[list[int]]) -> list[list[Step]]:
    """The model's probability of each generated token and its top alternatives, in one batched forward."""
    import torch

    model, tok = loaded.model, loaded.tokenizer
    n = len(prompt.ids)
    longest = max((len(s) for s in sequences), default=0)
    if longest == 0:
        return [[] for _ in sequences]
    pad = tok.pad_token_id if tok.pad_token_id is not None else 0
    rows = [list(prompt.ids) + s + [pad] * (longest - len(s)) for s in sequences]
    ids = torch.tensor(rows, device=model.device)
    mask = torch.tensor([[1] * (n + len(s)) + [0] * (longest - len(s)) for s in sequences], device=model.device)
    with torch.inference_mode():
        if loaded.spec.family == "seq2seq":
            start = model.generation_config.decoder_start_token_id
            enc = torch.tensor([list(prompt.ids)] * len(sequences), device=model.device)
            dec = torch.tensor([[start] + s + [pad] * (longest - len(s)) for s in sequences], device=model.device)
            logits = model(input_ids=enc, decoder_input_ids=dec[:, :-1]).logits.float()
            offset = 0
        else:
            logits = model(input_ids=ids, attention_mask=mask).logits.float()
            offset = n - 1
    logp = logits.log_softmax(-1)
    return [[_step(tok, i, t, logp[b, offset + i]) for i, t in enumerate(seq)] for b, seq in enumerate(sequences)]


def _strip(loaded, ids: list[int]) -> list[int]:
    """Generated ids up to and including the first end-of-text (padding after it removed)."""
    eos = _eos_ids(loaded)
    for i, t in enumerate(ids):
        if t in eos:
            return ids[: i + 1]
    return ids


@dataclass(frozen=True)
class TreeNode:
    """One hypothesis in the beam tree: `parent` is the index of its prefix in `BeamTree.nodes` (-1 = the prompt)."""

    step: int
    token_id: int
    token: str
    logprob: float  # log-probability of this token given its prefix (after the processors)
    score: float  # cumulative log-probability of the hypothesis
    parent: int
    status: str  # "kept" (one of the beams at the next step) | "finished" | "pruned"
    rank: int  # rank among this step's candidates (0 = best)


@dataclass(frozen=True)
class BeamTree:
    num_beams: int
    steps: int  # steps recorded (at most TREE_STEPS)
    nodes: tuple[TreeNode, ...]
    best: tuple[int, ...]  # node indices of the returned best hypothesis, root first
    truncated: bool  # the search ran for more steps than were recorded


class _BeamWatch:
    """Pass-through processor + stopping criterion that record generate()'s beam search.

    At each step the processor sees the running beams and their log-probabilities; the criterion
    then sees the candidates generate() picked (best first). Only each candidate's own log-prob is
    kept, so the memory is a few numbers per step, not a vocabulary-sized vector per beam."""

    def __init__(self):
        from transformers import LogitsProcessor, StoppingCriteria

        watch = self
        self.latest: dict[tuple, object] = {}  # prefix -> processed log-prob vector (V,), this step only
        self.running: list[set[tuple]] = []  # per step: the beams' prefixes
        self.candidates: list[list[tuple[tuple, float]]] = []  # per step: (candidate sequence, its log-prob)

        class Proc(LogitsProcessor):
            def __call__(self, input_ids, scores):
                if len(watch.running) < TREE_STEPS:
                    watch.latest = {tuple(r.tolist()): scores[i] for i, r in enumerate(input_ids)}
                    watch.running.append(set(watch.latest))
                return scores

        class Crit(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs):
                import torch

                if len(watch.candidates) < len(watch.running):
                    rows = [tuple(r.tolist()) for r in input_ids]
                    watch.candidates.append([(c, float(watch.latest[c[:-1]][c[-1]])) for c in rows
                                             if c[:-1] in watch.latest])
                    watch.latest = {}
                return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)

        self.proc, self.crit = Proc(), Crit()


def _tree(loaded, watch: _BeamWatch, prompt_len: int, num_beams: int, best_ids: list[int], total_steps: int
          ) -> BeamTree:
    eos = _eos_ids(loaded)
    tok = loaded.tokenizer
    score_of: dict[tuple, float] = {}
    node_of: dict[tuple, int] = {}
    nodes: list[TreeNode] = []
    root: tuple | None = None
    steps = min(len(watch.running), len(watch.candidates))
    for t in range(steps):
        running = watch.running[t]
        if root is None:
            root = next(iter(running))[:prompt_len]
            score_of[root] = 0.0
        nxt = watch.running[t + 1] if t + 1 < len(watch.running) else set()
        seen = set()
        for rank, (cand, lp) in enumerate(watch.candidates[t]):
            parent, token = cand[:-1], cand[-1]
            if cand in seen or parent not in running or parent not in score_of:
                continue
            seen.add(cand)
            score = score_of[parent] + lp
            last = t == total_steps - 1
            if cand in nxt:
                status = "kept"
            elif rank < num_beams and (token in eos or last):
                status = "finished"
            else:
                status = "pruned"
            score_of[cand] = score
            node_of[cand] = len(nodes)
            nodes.append(TreeNode(t, int(token), token_label(tok, int(token)), lp, score,
                                  node_of.get(parent, -1), status, rank))
    path, seq = [], tuple(root or ()) + tuple(best_ids)
    for end in range(len(root or ()) + 1, len(seq) + 1):
        if seq[:end] in node_of:
            path.append(node_of[seq[:end]])
    return BeamTree(num_beams, steps, tuple(nodes), tuple(path), total_steps > steps)


def generate_all(loaded, prompt: Prompt, params: GenParams, *, with_tree: bool = True
                 ) -> tuple[Generation, BeamTree | None]:
    """Beam search, or several sampled sequences, in one model.generate() call; then one teacher-forced
    forward for each token's probability. Beam search also returns its tree (first TREE_STEPS steps)."""
    import torch
    from transformers import LogitsProcessorList, StoppingCriteriaList

    kw, notes = generate_kwargs(loaded, params)
    inputs = _model_inputs(loaded, prompt)
    watch = _BeamWatch() if params.mode == "beam" and with_tree else None
    extra = {}
    if watch is not None:
        extra = {"logits_processor": LogitsProcessorList([watch.proc]),
                 "stopping_criteria": StoppingCriteriaList([watch.crit])}
    start = time.perf_counter()
    with torch.inference_mode(), (_RNG_LOCK if params.do_sample else _nolock()):
        if params.do_sample:
            torch.manual_seed(params.seed)
        out = loaded.model.generate(**inputs, **kw, **extra, return_dict_in_generate=True,
                                    output_scores=params.mode == "beam")
    seconds = time.perf_counter() - start
    n = 0 if loaded.spec.family == "seq2seq" else len(prompt.ids)
    skip = 1 if loaded.spec.family == "seq2seq" else 0  # the decoder start token
    gen = [_strip(loaded, row[n + skip:].tolist()) for row in out.sequences]
    scores = getattr(out, "sequences_scores", None)
    steps = _teacher_forced(loaded, prompt, gen)
    seqs = []
    for i, ids in enumerate(gen):
        text = _decode(loaded.tokenizer, ids)
        seqs.append(Sequence(text, tuple(steps[i]), _finish(loaded, params, ids, text, False),
                             None if scores is None else float(scores[i])))
    tree = None
    if watch is not None:
        total = max((len(g) for g in gen), default=0)
        tree = _tree(loaded, watch, n if n else 1, params.num_beams, gen[0] if gen else [], total)
    gen_notes = prompt.notices + notes
    if tree is not None and tree.truncated:
        gen_notes += (f"The beam tree shows the first {tree.steps} steps of {max(len(g) for g in gen)}.",)
    if params.mode == "beam" and params.num_beams > TREE_BEAMS:
        gen_notes += (f"With more than {TREE_BEAMS} beams the tree is too crowded to read; it is drawn anyway.",)
    return Generation(loaded.spec.name, prompt, params, tuple(seqs), gen_notes, seconds), tree


# ---- contrastive search ------------------------------------------------------------------------


def contrastive(loaded, prompt: Prompt, params: GenParams, *, stop: threading.Event | None = None
                ) -> Iterator[Step | Generation]:
    """Contrastive search (Su et al., 2022): among the top_k tokens, pick the one that maximises
    (1 - α) · p(token) − α · max cosine similarity of its hidden state to every earlier hidden state.

    α = penalty_alpha; α = 0 is greedy. The logits processors that generate() would apply (repetition
    penalty, n-gram bans, bad words) are applied first, from generate()'s own factory. Causal LMs only.
    """
    import torch

    if loaded.spec.family != "causal":
        raise InputError(f"Contrastive search here needs a causal LM; {loaded.spec.name} is {loaded.spec.family}. "
                         "Choose another strategy or a causal model (SmolLM2, gpt2).")
    model, tok, p = loaded.model, loaded.tokenizer, params
    stop = stop or threading.Event()
    inputs = _model_inputs(loaded, prompt)
    kw, notes = generate_kwargs(loaded, replace(p, penalty_alpha=0.0, top_k=0))
    procs = _processors(loaded, kw, len(prompt.ids), inputs)
    eos = _eos_ids(loaded)
    start, first, steps = time.perf_counter(), None, []
    with torch.inference_mode():
        ids = inputs["input_ids"]  # (1, T)
        out = model(**inputs, use_cache=True, output_hidden_states=True)
        past, context = out.past_key_values, out.hidden_states[-1][0]  # context: (T, d)
        logits = out.logits[0, -1].float()
        for i in range(p.max_new_tokens):
            if stop.is_set():
                break
            scores = procs(ids, logits[None])[0]
            probs = scores.softmax(-1)
            top_p, top_ids = probs.topk(p.top_k)  # (k,)
            cache = copy.deepcopy(past)
            cache.batch_repeat_interleave(p.top_k)
            mask = torch.ones(p.top_k, ids.shape[1] + 1, dtype=torch.long, device=ids.device)
            cand = model(input_ids=top_ids[:, None], attention_mask=mask, past_key_values=cache, use_cache=True,
                         output_hidden_states=True)
            h = cand.hidden_states[-1][:, -1]  # (k, d)
            sim = torch.nn.functional.cosine_similarity(h[:, None, :], context[None], dim=-1)  # (k, T)
            penalty = sim.max(dim=-1).values  # (k,)
            score = (1 - p.penalty_alpha) * top_p - p.penalty_alpha * penalty
            best = int(score.argmax())
            token = int(top_ids[best])
            cache.batch_select_indices(torch.tensor([best], device=ids.device))
            past, logits = cache, cand.logits[best, -1].float()
            context = torch.cat([context, h[best: best + 1]], dim=0)
            ids = torch.cat([ids, top_ids[best].view(1, 1)], dim=1)
            note = (f"p {float(top_p[best]):.3f} · max similarity to the context {float(penalty[best]):.3f} · "
                    f"score {float(score[best]):.3f} (best by p: {token_label(tok, int(top_ids[0]))!r})")
            step = _step(tok, i, token, scores.log_softmax(-1), note=note)
            if first is None:
                first = time.perf_counter() - start
            steps.append(step)
            yield step
            text = _decode(tok, [s.id for s in steps])
            if token in eos or (p.stop_strings and any(s in text for s in p.stop_strings)):
                break
    ids_out = [s.id for s in steps]
    text = _decode(tok, ids_out)
    seq = Sequence(text, tuple(steps), _finish(loaded, p, ids_out, text, stop.is_set()))
    yield Generation(loaded.spec.name, prompt, p, (seq,), prompt.notices + notes + (
        "Contrastive search runs in this app's own loop (transformers 5 moved it to a hub repo that needs "
        "trust_remote_code, which this app never enables); the repetition penalty, n-gram and bad-word "
        "processors come from generate()'s own factory.",), time.perf_counter() - start, first)


# ---- one entry point ---------------------------------------------------------------------------


def run(loaded, prompt: Prompt, params: GenParams, *, stop: threading.Event | None = None
        ) -> Iterator[Step | Generation | BeamTree]:
    """Every strategy through one iterator: Steps while they stream, then the Generation (and, for beam
    search, the BeamTree last)."""
    if params.mode == "contrastive":
        yield from contrastive(loaded, prompt, params, stop=stop)
    elif params.streams:
        yield from stream(loaded, prompt, params, stop=stop)
    else:
        generation, tree = generate_all(loaded, prompt, params)
        yield generation
        if tree is not None:
            yield tree


def generate(loaded, prompt: Prompt, params: GenParams) -> tuple[Generation, BeamTree | None]:
    """run() to the end: the Generation and the beam tree (None unless beam search)."""
    generation = tree = None
    for item in run(loaded, prompt, params):
        if isinstance(item, Generation):
            generation = item
        elif isinstance(item, BeamTree):
            tree = item
    return generation, tree


# ---- the logits pipeline -----------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """The next-token distribution after one stage. `top` holds the TOP_N most likely tokens
    (id, token, prob); `removed` tokens this stage set to -inf and `changed` tokens whose score it moved
    (id, token, prob before, prob after), most probable first; `mass_kept` is how much of the previous
    stage's probability the surviving tokens held."""

    name: str  # the transformers class, or "raw logits" / "renormalised"
    label: str  # what it does, in words
    top: tuple[tuple[int, str, float], ...]
    kept: int  # tokens still possible
    removed: tuple[tuple[int, str, float], ...]
    removed_count: int
    changed: tuple[tuple[int, str, float, float], ...]
    chosen_prob: float
    chosen_rank: int | None  # None when the stage removed the chosen token (it cannot be: generate drew it)
    mass_kept: float
    entropy_bits: float


@dataclass(frozen=True)
class Pipeline:
    step: int
    chosen_id: int
    chosen: str
    context_tail: str  # the last tokens before this step, for the caption
    stages: tuple[Stage, ...]
    mode: str
    notices: tuple[str, ...] = field(default_factory=tuple)

    def as_json(self) -> dict:
        return {"step": self.step, "chosen": {"id": self.chosen_id, "token": self.chosen},
                "stages": [{"name": s.name, "label": s.label, "kept": s.kept, "removed_count": s.removed_count,
                            "chosen_prob": s.chosen_prob, "mass_kept": s.mass_kept,
                            "top": [{"id": i, "token": t, "prob": p} for i, t, p in s.top]} for s in self.stages]}


_LABELS = {
    "RepetitionPenaltyLogitsProcessor": "repetition penalty: logits of tokens already in the text are divided "
                                        "(if positive) or multiplied (if negative) by {repetition_penalty}",
    "NoRepeatNGramLogitsProcessor": "no_repeat_ngram_size {no_repeat_ngram_size}: a token that would repeat an "
                                    "n-gram already in the text is banned",
    "NoBadWordsLogitsProcessor": "bad words: the banned tokens are set to -inf",
    "TemperatureLogitsWarper": "temperature {temperature}: logits divided by T",
    "TopKLogitsWarper": "top_k {top_k}: only the {top_k} most likely tokens stay",
    "TopPLogitsWarper": "top_p {top_p}: the smallest set of tokens holding {top_p} of the probability stays",
}


def _stage(tok, name: str, label: str, before, after, chosen: int, n: int = TOP_N) -> Stage:
    import torch

    p_before, p_after = before.softmax(-1), after.softmax(-1)
    finite_b, finite_a = torch.isfinite(before), torch.isfinite(after)
    gone = finite_b & ~finite_a
    moved = finite_a & finite_b & (after != before)
    top_p, top_i = p_after.topk(n)
    removed_idx = torch.nonzero(gone).flatten()
    removed_idx = removed_idx[p_before[removed_idx].argsort(descending=True)][:n]
    moved_idx = torch.nonzero(moved).flatten()
    moved_idx = moved_idx[p_before[moved_idx].argsort(descending=True)][:n]
    lab = lambda i: token_label(tok, int(i))  # noqa: E731
    ent = p_after[finite_a]
    entropy = float(-(ent * ent.clamp_min(1e-30).log2()).sum())
    alive = bool(finite_a[chosen])
    return Stage(
        name, label,
        tuple((int(i), lab(i), float(p)) for p, i in zip(top_p, top_i) if p > 0),
        int(finite_a.sum()),
        tuple((int(i), lab(i), float(p_before[i])) for i in removed_idx),
        int(gone.sum()),
        tuple((int(i), lab(i), float(p_before[i]), float(p_after[i])) for i in moved_idx),
        float(p_after[chosen]),
        int((after > after[chosen]).sum()) + 1 if alive else None,
        float(p_before[finite_a].sum()),
        entropy,
    )


def pipeline(loaded, prompt: Prompt, params: GenParams, generated: list[int], step: int) -> Pipeline:
    """Step `step` of a generation, re-run through generate()'s own LogitsProcessorList one stage at a time.

    The forward pass reads the prompt and the first `step` generated tokens; the chosen token is
    generated[step]. Beam search applies its processors to log-softmax scores, as generate() does.
    """
    import torch

    if not generated:
        raise InputError("Generate some text first: the pipeline shows one step of a generation.")
    if not 0 <= step < len(generated):
        raise InputError(f"Step {step + 1} does not exist: this generation has steps 1 to {len(generated)}.")
    model, tok = loaded.model, loaded.tokenizer
    inputs = _model_inputs(loaded, prompt)
    knobs = replace(params, penalty_alpha=0.0) if params.mode == "contrastive" else params
    procs = _processors(loaded, generate_kwargs(loaded, knobs)[0], len(prompt.ids), inputs)
    prefix = list(generated[:step])
    with torch.inference_mode():
        if loaded.spec.family == "seq2seq":
            start = model.generation_config.decoder_start_token_id
            dec = torch.tensor([[start] + prefix], device=model.device)
            logits = model(**inputs, decoder_input_ids=dec).logits[0, -1].float()
            seen = dec
        else:
            seen = torch.tensor([list(prompt.ids) + prefix], device=model.device)
            logits = model(input_ids=seen, attention_mask=torch.ones_like(seen)).logits[0, -1].float()
    chosen = int(generated[step])
    scores = logits[None]
    stages = [_stage(tok, "raw logits", "the model's output: softmax(logits) at T = 1", scores[0], scores[0], chosen)]
    if params.mode == "beam":
        after = scores.log_softmax(-1)
        stages.append(_stage(tok, "log_softmax", "beam search works on log-probabilities", scores[0], after[0], chosen))
        scores = after
    values = {k: v for k, v in asdict(params).items()}
    for proc in procs:
        name = type(proc).__name__
        after = proc(seen, scores.clone())
        label = _LABELS.get(name, name).format(**values)
        stages.append(_stage(tok, name, label, scores[0], after[0], chosen))
        scores = after
    final = {"sample": "renormalised: softmax over the tokens left, the distribution the token is drawn from",
             "greedy": "greedy: the most likely token left is taken",
             "beam": "beam search: these log-probabilities are added to the beam's score",
             "contrastive": "contrastive search then re-ranks the top_k by similarity to the context"}[params.mode]
    stages.append(_stage(tok, "renormalised" if params.mode == "sample" else "final", final, scores[0], scores[0],
                         chosen))
    notes = ()
    if len(procs) == 0:
        notes = ("These settings add no logits processor: the token comes straight from the model's distribution.",)
    tail = "".join(token_label(tok, t) for t in (list(prompt.ids) + prefix)[-8:])
    return Pipeline(step, chosen, token_label(tok, chosen), tail, tuple(stages), params.mode, notes)


# ---- two configurations side by side -------------------------------------------------------------


def divergence(a: Sequence, b: Sequence) -> int | None:
    """The first step where the two token sequences differ (one ending counts), or None if they are equal."""
    for i, (x, y) in enumerate(zip(a.ids, b.ids)):
        if x != y:
            return i
    return None if len(a.ids) == len(b.ids) else min(len(a.ids), len(b.ids))
