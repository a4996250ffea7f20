"""What every strategy shares: the result types (a Step per token, Sequences, the Generation), the
prompt as the model reads it (through the core), generate()'s keyword arguments, the teacher-forced
probabilities of generated tokens (through the core's engine), and how a sequence finished."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

from ...errors import InputError
from ..lm import GENERATE, LM, ScoreRequest, backend_of
from .params import GenParams

TOP_N = 10  # alternatives kept per step


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
    search and contrastive search); `top` the model's TOP_N most likely tokens, most likely first.
    A model behind a server (`remote`) may leave `id` None (a token named by a text that is not one token
    alone), `prob` and `logprob` None (a server that sends no log-probs), `rank` None (beyond the
    alternatives it sent)."""

    index: int
    id: int | None
    token: str
    prob: float | None
    logprob: float | None
    rank: int | None  # 1 = the model's own first choice
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


def encode_prompt(lm: LM, prompt: str, *, chat_template: bool, max_tokens: int, max_new_tokens: int) -> Prompt:
    """The prompt as the model reads it (the core's policy: the start token of a causal LM, or the chat
    template when asked), truncated to leave room for the new tokens."""
    b = backend_of(lm)
    b.require(GENERATE, "generating text")
    if not isinstance(prompt, str):
        raise InputError("The prompt must be text.")
    if b.family == "seq2seq" and not prompt.strip():
        raise InputError("The prompt is empty; {model} generates from an input text (e.g. 'translate English to "
                         "French: The house is small.'). Type one.", model=b.name)
    reserve = max_new_tokens if b.family == "causal" else 0
    enc = b.encode(prompt, max_tokens=max_tokens, reserve=reserve, chat=bool(chat_template))
    return Prompt(enc.ids, b.labels(enc.ids), enc.text if chat_template else prompt, enc.notices)


def bad_words_ids(b, words: tuple[str, ...]) -> tuple[list[list[int]], tuple[str, ...]]:
    """generate()'s bad_words_ids for each word, spelled with and without a leading space.

    A word that is not one token in the vocabulary is banned as its token sequence: generate() then
    blocks only its last piece, and only right after the other pieces. The notices say so.
    """
    out, notes = [], []
    for word in words:
        variants = []
        for spelling in (word, " " + word.lstrip()):
            ids = list(b.pieces(spelling, "The bad word"))
            if ids not in variants:
                variants.append(ids)
        split = [v for v in variants if len(v) > 1]
        if len(split) == len(variants):
            pieces = " | ".join(b.labels(split[0]))
            notes.append(f"{word!r} is not a single token in this vocabulary ({pieces}): generate() bans its last "
                         "piece only right after the others, so the pieces on their own can still appear.")
        out.extend(variants)
    return out, tuple(notes)


def generate_kwargs(lm: LM, params: GenParams) -> tuple[dict, tuple[str, ...]]:
    """Keyword arguments for model.generate() that reproduce `params` exactly."""
    b = backend_of(lm)
    p, tok = params, b.tokenizer
    kw = {"max_new_tokens": p.max_new_tokens, "do_sample": p.do_sample, "num_beams": p.num_beams,
          "num_return_sequences": p.num_return_sequences, "repetition_penalty": p.repetition_penalty,
          "no_repeat_ngram_size": p.no_repeat_ngram_size}
    if p.do_sample:
        kw.update(temperature=p.temperature, top_k=p.top_k, top_p=p.top_p)
    if p.num_beams > 1:
        kw.update(length_penalty=p.length_penalty, early_stopping=False)
    notes: tuple[str, ...] = ()
    if p.bad_words:
        kw["bad_words_ids"], notes = bad_words_ids(b, p.bad_words)
    if p.stop_strings:
        kw.update(stop_strings=list(p.stop_strings), tokenizer=tok)
    kw["pad_token_id"] = b.pad_id()
    return kw, notes


def model_inputs(b, prompt: Prompt):
    """The prompt as tensors for model.generate() / model(): one row, no padding."""
    import torch

    ids = torch.tensor([list(prompt.ids)], device=b.device)
    return {"input_ids": ids, "attention_mask": torch.ones_like(ids)}


def eos_ids(b) -> set[int]:
    eos = b.model.generation_config.eos_token_id
    if eos is None:
        eos = b.tokenizer.eos_token_id
    return set(eos if isinstance(eos, list) else [eos] if eos is not None else [])


def finish(b, params: GenParams, ids: list[int], text: str, stopped: bool) -> str:
    if ids and ids[-1] in eos_ids(b):
        return "end of text"
    if params.stop_strings and any(s in text for s in params.stop_strings):
        return "stop string"
    if stopped and len(ids) < params.max_new_tokens:
        return "stopped"
    return "length"


def decode(tokenizer, ids) -> str:
    return tokenizer.decode(list(ids), skip_special_tokens=True, clean_up_tokenization_spaces=False)


def _vector(x):
    """A (V,) float vector as numpy: a torch tensor is moved to the CPU first."""
    import numpy as np

    return np.asarray(x.detach().cpu() if hasattr(x, "detach") else x, dtype=np.float32)


def make_step(b, index: int, token_id: int, logp, kept=None, note: str = "") -> Step:
    """A Step from the raw log-softmax vector (V,) and, when known, the processed distribution (V,) (numpy
    arrays or torch tensors). Done in numpy: a stream's consumer then runs no torch op, so generate()'s
    thread is the only one using torch's CPU threads while it runs (see ui/workers.py on two OpenMP teams)."""
    import numpy as np

    logp = _vector(logp)
    kept = None if kept is None else _vector(kept)
    n = min(TOP_N, logp.shape[0])
    top_ids = np.argpartition(-logp, n - 1)[:n]
    top_ids = top_ids[np.lexsort((top_ids, -logp[top_ids]))]  # likeliest first, ties by id
    top_lp = logp[top_ids]
    lp = float(logp[token_id])
    rank = int((logp > logp[token_id]).sum()) + 1
    alts = tuple(Alt(int(i), b.label(int(i)), math.exp(float(v)), None if kept is None else float(kept[i]))
                 for v, i in zip(top_lp.tolist(), top_ids.tolist()))
    return Step(index, int(token_id), b.label(token_id), math.exp(lp), lp, rank,
                None if kept is None else float(kept[token_id]), alts, note)

def teacher_forced(b, prompt: Prompt, sequences: list[list[int]]) -> list[list[Step]]:
    """The model's probability of each generated token, its rank and its top alternatives, read back by
    the core's engine (one batched pass: the prompt, then the generated tokens)."""
    decoder = (b.decoder_start(),) if b.family == "seq2seq" else ()
    requests = [ScoreRequest(prompt.ids, tuple(s), decoder=decoder, top=TOP_N) for s in sequences if s]
    scored = iter(b.score(requests))
    out = []
    for seq in sequences:
        if not seq:
            out.append([])
            continue
        s = next(scored)
        out.append([Step(i, int(t), b.label(t), math.exp(lp), lp, rank, None,
                         tuple(Alt(a, b.label(a), math.exp(v), None) for a, v in top))
                    for i, (t, lp, rank, top) in enumerate(zip(seq, s.logprobs, s.ranks, s.top))])
    return out


def strip_eos(b, ids: list[int]) -> list[int]:
    """Generated ids up to and including the first end-of-text (padding after it removed)."""
    eos = eos_ids(b)
    for i, t in enumerate(ids):
        if t in eos:
            return ids[: i + 1]
    return ids


def divergence(a: Sequence, b: Sequence) -> int | None:
    """The first step where the two token sequences differ (one ending counts), or None if they are equal."""
    for i, (x, y) in enumerate(zip(a.ids, b.ids)):
        if x != y:
            return i
    return None if len(a.ids) == len(b.ids) else min(len(a.ids), len(b.ids))
