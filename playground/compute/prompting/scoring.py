"""Label scoring: log P(verbalizer | prompt) for every label, through the core's engine.

A label is scored as log P(verbalizer | prompt), summed over the verbalizer's tokens (the chain rule):
  - causal LMs read the verbalizer after the prompt, which starts with the start token (the core's
    policy, as every tab reads a causal prompt);
  - masked LMs read it at the [MASK] in the template, one mask per token, filled left to right (the
    core's rule for a word of several tokens: an estimate, a masked LM has no single joint probability);
  - seq2seq models read it as the decoder's output for the prompt.
The label probabilities are those scores normalised over the labels (a softmax). Contextual calibration
(Zhao et al. 2021, "Calibrate before use") divides them by the label probabilities of a content-free
input ("N/A") and normalises again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...errors import InputError
from ..lm import LM, SCORE, ScoreRequest, backend_of
from .datasets import MAX_TEXT_CHARS
from .fewshot import build_prompt
from .templates import SENTIMENT_LABELS, SENTIMENT_TEMPLATE, Label, check_template, parse_labels

CONTENT_FREE = "N/A"
RAW_TOP = 10  # the raw next-token list shown beside the labels


@dataclass(frozen=True)
class LabelScore:
    label: str
    verbalizer: str
    tokens: tuple[str, ...]  # the verbalizer's tokens as the model sees them
    logprob: float  # log P(verbalizer | prompt), summed over its tokens
    score: float  # what is normalised over the labels: logprob, or logprob / tokens when length-normalised
    prob: float  # normalised over the labels
    calibrated: float | None = None  # after contextual calibration

    def as_json(self) -> dict:
        out = {"label": self.label, "verbalizer": self.verbalizer, "tokens": list(self.tokens),
               "logprob": self.logprob, "prob": self.prob}
        if self.calibrated is not None:
            out["calibrated_prob"] = self.calibrated
        return out


@dataclass(frozen=True)
class Classification:
    model: str
    family: str
    prompt: str
    labels: tuple[LabelScore, ...]
    prediction: str
    calibrated_prediction: str | None
    content_free: tuple[float, ...] | None  # label probabilities for the content-free input
    next_tokens: tuple[tuple[str, float], ...]  # the raw top 10 at the label's first token
    label_mass: float  # how much of that raw distribution the labels' first tokens hold
    length_normalised: bool
    notices: tuple[str, ...] = ()

    def as_json(self) -> dict:
        out = {
            "model": self.model, "prompt": self.prompt, "prediction": self.calibrated_prediction or self.prediction,
            "labels": [s.as_json() for s in self.labels], "length_normalised": self.length_normalised,
            "next_tokens": [{"token": t, "prob": p} for t, p in self.next_tokens], "label_mass": self.label_mass,
            "notices": list(self.notices),
        }
        if self.content_free is not None:
            out["uncalibrated_prediction"] = self.prediction
            out["content_free"] = {"input": CONTENT_FREE, "probs": list(self.content_free)}
        return out


def need_lm(lm: LM):
    """The backend, or an InputError when the model cannot score label words."""
    b = backend_of(lm)
    b.require(SCORE, "scoring label words")
    return b


def as_labels(labels, template: str = "") -> tuple[Label, ...]:
    """Labels as given (a tuple of Label) or parsed from text / lists (`parse_labels`)."""
    if isinstance(labels, tuple) and labels and all(isinstance(x, Label) for x in labels):
        return labels
    return parse_labels(labels, template)


@dataclass(frozen=True)
class Verbalizer:
    ids: tuple[int, ...]
    tokens: tuple[str, ...]


def verbalizers(b, labels: tuple[Label, ...]) -> tuple[list[Verbalizer], list[str]]:
    """Each label's verbalizer as tokens, with notices for the ones split into several tokens."""
    notices, out = [], []
    masked = b.family == "masked"
    for lab in labels:
        ids = b.pieces(lab.verbalizer.strip() if masked else lab.verbalizer, f"The verbalizer of {lab.name!r}")
        toks = b.labels(ids)
        if len(ids) > 1:
            how = ("filled left to right at that many masks (an estimate)" if masked
                   else "scored whole by the chain rule: the sum of their log-probabilities")
            notices.append(f"{lab.name}: the verbalizer {lab.verbalizer!r} is {len(ids)} tokens "
                           f"({' + '.join(toks)}), {how}.")
        out.append(Verbalizer(ids, toks))
    firsts = [v.ids[0] for v in out]
    if len(set(firsts)) < len(firsts) and not masked:
        notices.append("Two verbalizers start with the same token: only their later tokens tell them apart.")
    return out, notices


def requests_for(b, prompt: str, targets, *, max_tokens: int = 1024, top: int = 0) -> tuple[list[ScoreRequest], tuple]:
    """One ScoreRequest per target (token ids) after (or, for a masked LM, at the mask of) `prompt`, and the
    core's notices on how the prompt was read. The first request keeps the top `top` tokens."""
    longest = max(len(t) for t in targets)
    if b.family == "masked":
        if "[MASK]" not in prompt and "<mask>" not in prompt:
            raise InputError("The prompt has no mask for the label: put {mask_token} (or [MASK]) in the template.",
                             mask_token=b.tokenizer.mask_token)
        slot = b.slot(prompt, max_tokens=max_tokens, reserve=longest - 1)
        reqs = [ScoreRequest(slot.before, t, after=slot.after) for t in targets]
        notices = ()
    elif b.family == "seq2seq":
        enc = b.encode(prompt, max_tokens=max_tokens)
        start = (b.decoder_start(),)
        reqs = [ScoreRequest(enc.ids, t, decoder=start) for t in targets]
        notices = enc.notices
    else:
        enc = b.encode(prompt, max_tokens=max_tokens, reserve=longest)
        reqs = [ScoreRequest(enc.ids, t) for t in targets]
        notices = enc.notices
    if top and reqs:
        reqs[0] = ScoreRequest(reqs[0].context, reqs[0].target, reqs[0].after, reqs[0].decoder, top=top)
    return reqs, notices


@dataclass(frozen=True)
class LabelLogprobs:
    """scores[n, j] = log P(verbalizer j | prompt n); `top`: the raw top tokens (id, logprob) where the first
    label's first token is read, for the prompt asked for."""

    scores: np.ndarray
    verbalizers: tuple[Verbalizer, ...]
    notices: tuple[str, ...]
    top: tuple[tuple[int, float], ...] = ()
    first: np.ndarray | None = None  # first[n, j]: log P(first token of verbalizer j | prompt n)


def label_logprobs(lm: LM, prompts: list[str], labels: tuple[Label, ...], *, report=None, max_tokens: int = 1024,
                   top_row: int | None = None) -> LabelLogprobs:
    """Every prompt × label in one batched pass of the core's engine."""
    b = need_lm(lm)
    verbs, notices = verbalizers(b, labels)
    targets = [v.ids for v in verbs]
    requests, read = [], []
    for n, prompt in enumerate(prompts):
        reqs, how = requests_for(b, prompt, targets, max_tokens=max_tokens, top=RAW_TOP if n == top_row else 0)
        requests += reqs
        read += how
    scored = b.score(requests, report=report)
    L = len(verbs)
    scores = np.array([s.logprob for s in scored], dtype=float).reshape(len(prompts), L)
    first = np.array([s.logprobs[0] for s in scored], dtype=float).reshape(len(prompts), L)
    top = scored[top_row * L].top[0] if top_row is not None else ()
    return LabelLogprobs(scores, tuple(verbs), tuple(dict.fromkeys(notices + list(read))), top, first)


def normalise(scores: np.ndarray, lengths: list[int], length_normalised: bool) -> np.ndarray:
    """Label probabilities: a softmax over the labels of the summed (or per-token mean) log-probabilities."""
    s = scores / np.asarray(lengths, dtype=float) if length_normalised else scores
    s = s - s.max(axis=-1, keepdims=True)
    p = np.exp(s)
    return p / p.sum(axis=-1, keepdims=True)


def calibrate(probs: np.ndarray, content_free: np.ndarray) -> np.ndarray:
    """Contextual calibration: p(label) / p_content_free(label), normalised over the labels again."""
    q = probs / np.maximum(content_free, 1e-12)
    return q / q.sum(axis=-1, keepdims=True)


def classify(lm: LM, text: str, template: str = SENTIMENT_TEMPLATE, labels=SENTIMENT_LABELS, *, demos=(),
             instruction: str = "", separator: str = "\n\n", calibrated: bool = False,
             length_normalised: bool = False, max_tokens: int = 1024) -> Classification:
    """Score every label for one input (zero-shot, or few-shot with demonstrations)."""
    b = need_lm(lm)
    if not isinstance(text, str) or not text.strip():
        raise InputError("The text to classify is empty: type a sentence, e.g. a short review.")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError("The text is {n:,} characters; classify up to {max_text_chars:,} at a time.",
                         n=len(text), max_text_chars=MAX_TEXT_CHARS)
    template = check_template(template, b.family)
    labels = as_labels(labels, template)
    prompts = [build_prompt(template, text, demos, instruction=instruction, separator=separator, labels=labels)]
    if calibrated:
        prompts.append(build_prompt(template, CONTENT_FREE, demos, instruction=instruction, separator=separator,
                                    labels=labels))
    got = label_logprobs(b, prompts, labels, max_tokens=max_tokens, top_row=0)
    scores, verbs, notices = got.scores, got.verbalizers, list(got.notices)
    lengths = [len(v.ids) for v in verbs]
    probs = normalise(scores, lengths, length_normalised)
    cal = calibrate(probs[:1], probs[1]) if calibrated else None
    norm = scores[0] / np.asarray(lengths) if length_normalised else scores[0]
    out = tuple(
        LabelScore(lab.name, lab.verbalizer, v.tokens, float(scores[0, j]), float(norm[j]), float(probs[0, j]),
                   None if cal is None else float(cal[0, j]))
        for j, (lab, v) in enumerate(zip(labels, verbs))
    )
    pred = labels[int(np.argmax(probs[0]))].name
    cal_pred = labels[int(np.argmax(cal[0]))].name if cal is not None else None
    if calibrated and cal_pred != pred:
        notices.append(f"Calibration changes the prediction from {pred} to {cal_pred}.")
    raw = tuple((b.label(i), math.exp(lp)) for i, lp in got.top)
    firsts = {v.ids[0]: got.first[0, j] for j, v in enumerate(verbs)}
    mass = float(sum(math.exp(lp) for lp in firsts.values()))
    return Classification(b.name, b.family, prompts[0], out, pred, cal_pred,
                          tuple(float(x) for x in probs[1]) if calibrated else None, raw, mass,
                          bool(length_normalised), tuple(notices))


def start_token(lm: LM) -> str:
    """The token a causal prompt starts with (the core's policy), as text, or "" for other families."""
    b = backend_of(lm)
    ids = b.start_ids()
    return b.tokenizer.convert_ids_to_tokens(ids[0]) if ids else ""
