"""Prompting: zero-shot label scoring, few-shot prompts, evaluation on labelled data. Pure, no UI.

A label is scored as log P(verbalizer | prompt), summed over the verbalizer's tokens (the chain rule):
  - causal LMs read the verbalizer after the prompt;
  - masked LMs read it at the [MASK] in the template (several masks, filled left to right, when the
    verbalizer is several tokens: an estimate, a masked LM has no single joint probability);
  - seq2seq models read it as the decoder's output for the prompt.
The label probabilities are those scores normalised over the labels (a softmax). Contextual calibration
(Zhao et al. 2021, "Calibrate before use") divides them by the label probabilities of a content-free
input ("N/A") and normalises again.

Causal prompts start with the document-start token of `probes._start` (<|endoftext|> for GPT-2 and
SmolLM2), as the bias probes do, so a log-probability here equals log P(verbalizer | start + prompt)
computed directly with transformers.
"""

from __future__ import annotations

import csv
import io
import math
import random
import re
from dataclasses import dataclass, field
from itertools import permutations as _permutations
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..presets import ASSETS
from .next_token import GENERIC_MASKS, context_length, token_label
from .probes import _start

DATASETS = ASSETS / "datasets"
MAX_LABELS = 12
MAX_DEMOS = 32
MAX_CSV_BYTES = 1_000_000  # an upload bigger than this is refused: the evaluation is for teaching, not benchmarks
MAX_EXAMPLES = 1000
MAX_TEXT_CHARS = 2000  # one example's text
BATCH_ROWS = 16
BATCH_TOKENS = 4096  # rows × padded length per forward pass
CONTENT_FREE = "N/A"
SENTIMENT_TEMPLATE = "Review: {text}\nSentiment:"
SENTIMENT_LABELS = "positive: positive\nnegative: negative"


# ---- labels and templates ----------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    name: str
    verbalizer: str  # the text scored, as the model reads it after the prompt (" positive")


def _mask_in(template: str) -> str | None:
    for m in GENERIC_MASKS:
        if m in template:
            return m
    return None


def check_template(template, family: str = "causal") -> str:
    """The template, checked: it must be text with one {text}; a masked LM needs a [MASK] for the label."""
    if not isinstance(template, str) or not template.strip():
        raise InputError("The template is empty. Write one with {text} where the input goes, e.g. "
                         f"{SENTIMENT_TEMPLATE!r}.")
    if "{text}" not in template:
        raise InputError("The template has no {text}: put {text} where the input goes, e.g. "
                         f"{SENTIMENT_TEMPLATE!r}.")
    if template.count("{text}") > 1:
        raise InputError("The template has {text} more than once: keep one.")
    if family == "masked" and _mask_in(template) is None:
        raise InputError("A masked LM scores the label at a mask: put [MASK] in the template where the label "
                         "word goes, e.g. \"Review: {text} Sentiment: [MASK].\"")
    if family == "masked" and sum(template.count(m) for m in GENERIC_MASKS) > 1:
        raise InputError("The template has more than one mask: keep one [MASK], where the label word goes.")
    return template


def fill(template: str, text: str) -> str:
    """The template with the input in place of {text} (plain replacement: braces in the text are kept)."""
    return template.replace("{text}", text)


def parse_labels(raw, template: str = "") -> tuple[Label, ...]:
    """Labels from "name: verbalizer" lines (or "name" alone), a list of names, [name, verbalizer] pairs,
    {"name": ..., "verbalizer": ...} dicts, or a {name: verbalizer} dict.

    A verbalizer left out is the name with a leading space (" positive": how the word follows a prompt
    in running text), or the bare name when the template ends in whitespace or at a mask."""
    items: list[tuple[str, str | None]] = []
    if isinstance(raw, dict):
        items = [(str(k), None if v is None else str(v)) for k, v in raw.items()]
    elif isinstance(raw, str):
        for line in raw.replace(",", "\n").splitlines() if ":" not in raw else raw.splitlines():
            line = line.strip()
            if not line:
                continue
            name, sep, verb = line.partition(":")
            items.append((name.strip(), verb.strip() if sep else None))
    elif isinstance(raw, (list, tuple)):
        for item in raw:
            if isinstance(item, str):
                items.append((item.strip(), None))
            elif isinstance(item, dict) and "label" in item or isinstance(item, dict) and "name" in item:
                verb = item.get("verbalizer")
                items.append((str(item.get("label", item.get("name", ""))).strip(), None if verb is None else str(verb)))
            elif isinstance(item, (list, tuple)) and 1 <= len(item) <= 2:
                items.append((str(item[0]).strip(), str(item[1]) if len(item) == 2 and item[1] is not None else None))
            else:
                raise InputError(f"Could not read the label {item!r}: give a name, or a name and a verbalizer.")
    elif raw is None:
        items = []
    else:
        raise InputError("Labels must be text (one \"label: verbalizer\" per line) or a list.")
    if not items:
        raise InputError("No labels. Give at least two, one per line as \"label: verbalizer\", e.g.\n"
                         f"{SENTIMENT_LABELS}")
    bare = (not template) or template != template.rstrip() or template.rstrip().endswith(tuple(GENERIC_MASKS)) \
        or _mask_in(template) is not None
    labels, seen = [], set()
    for name, verb in items:
        if not name:
            raise InputError("A label has no name: write \"name: verbalizer\", e.g. \"positive: great\".")
        if name.lower() in seen:
            raise InputError(f"The label {name!r} appears twice: each label once.")
        seen.add(name.lower())
        if verb is None or not verb.strip():
            verb = name if bare else " " + name
        elif not bare and not verb.startswith((" ", "\n")):
            verb = " " + verb  # "positive: great" means the word " great" after the prompt
        labels.append(Label(name, verb))
    if len(labels) < 2:
        raise InputError("Give at least two labels to choose between (one per line, e.g. \"positive: positive\").")
    if len(labels) > MAX_LABELS:
        raise InputError(f"{len(labels)} labels is more than the {MAX_LABELS} this view compares; keep fewer.")
    return tuple(labels)


# ---- few-shot prompts --------------------------------------------------------------------------


@dataclass(frozen=True)
class FewShot:
    prompt: str  # exactly what the model reads (after the document-start token, for causal LMs)
    demos: tuple[tuple[str, str], ...]  # the demonstrations used, in the order used
    order: tuple[int, ...]  # their indices in the table as given
    notices: tuple[str, ...] = ()


def parse_demos(rows) -> tuple[tuple[str, str], ...]:
    """Demonstrations (input, output) from table rows; blank rows are skipped, half-filled ones refused."""
    demos = []
    for n, row in enumerate(rows or [], 1):
        cells = ["" if c is None or (isinstance(c, float) and math.isnan(c)) else str(c).strip() for c in list(row)[:2]]
        cells += [""] * (2 - len(cells))
        if not any(cells):
            continue
        if not all(cells):
            raise InputError(f"Demonstration {n} has an input but no output (or the other way round): fill both.")
        demos.append((cells[0], cells[1]))
    if len(demos) > MAX_DEMOS:
        raise InputError(f"{len(demos)} demonstrations is more than {MAX_DEMOS}; a few-shot prompt needs a handful.")
    return tuple(demos)


def _answer(template: str, output: str, labels: tuple[Label, ...]) -> str:
    """A demonstration's answer as it is written after the template: its label's verbalizer when the output
    names a label, else the output itself, spaced the way a verbalizer is."""
    for lab in labels:
        if output.strip().lower() == lab.name.lower():
            return lab.verbalizer
    if template != template.rstrip() or _mask_in(template):
        return output
    return " " + output.lstrip()


def demo_text(template: str, text: str, output: str, labels: tuple[Label, ...] = ()) -> str:
    """One solved demonstration: the template with its input, and its answer after it (or at the mask)."""
    filled = fill(template, text)
    mask = _mask_in(template)
    if mask:
        return filled.replace(mask, _answer(template, output, labels).strip(), 1)
    return filled + _answer(template, output, labels)


def build_prompt(template: str, query: str, demos=(), *, instruction: str = "", separator: str = "\n\n",
                 labels: tuple[Label, ...] = ()) -> str:
    """instruction, the solved demonstrations, then the query with its answer left for the model."""
    parts = [instruction.strip()] if instruction and instruction.strip() else []
    parts += [demo_text(template, i, o, labels) for i, o in demos]
    parts.append(fill(template, query))
    return separator.join(parts)


def choose_demos(demos, k: int | None = None, order: str = "as entered", seed: int = 0):
    """(the first k demonstrations, as entered or shuffled with a seed; their indices; notices)."""
    demos = tuple(demos)
    notices = []
    k = whole_number(len(demos) if k is None else k, "k (the number of demonstrations)", 0, MAX_DEMOS)
    if k > len(demos):
        notices.append(f"k = {k} but the table has {len(demos)} demonstration(s): using all {len(demos)}.")
        k = len(demos)
    idx = list(range(len(demos)))
    if order == "shuffled":
        random.Random(whole_number(seed, "The seed", 0, 2**31 - 1)).shuffle(idx)
    elif order != "as entered":
        raise InputError(f"Unknown order {order!r}: choose \"as entered\" or \"shuffled\".")
    idx = idx[:k]
    return tuple(demos[i] for i in idx), tuple(idx), tuple(notices)


def few_shot(template: str, query: str, demos, *, k: int | None = None, order: str = "as entered", seed: int = 0,
             instruction: str = "", separator: str = "\n\n", labels: tuple[Label, ...] = ()) -> FewShot:
    """The few-shot prompt for one query: the first k demonstrations, as entered or shuffled with a seed."""
    used, idx, notices = choose_demos(demos, k, order, seed)
    prompt = build_prompt(template, query, used, instruction=instruction, separator=separator, labels=labels)
    return FewShot(prompt, used, idx, notices)


def whole_number(value, what: str, lo: int, hi: int) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a whole number from {lo} to {hi}.") from None
    if not math.isfinite(number) or number != int(number) or not lo <= number <= hi:
        raise InputError(f"{what} must be a whole number from {lo} to {hi}; got {value!r}.")
    return int(number)


# ---- scoring -----------------------------------------------------------------------------------


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


def _need_lm(loaded) -> None:
    if loaded.spec.family not in ("causal", "masked", "seq2seq"):
        raise InputError(
            f"{loaded.spec.name} is a {loaded.spec.family} model with no language-model head, so it cannot score "
            "label words. Choose a causal, masked or seq2seq model (SmolLM2 offline); a fine-tuned classifier is "
            "compared under Evaluation."
        )


@dataclass(frozen=True)
class _Verb:
    ids: tuple[int, ...]
    tokens: tuple[str, ...]


def _verbalizers(loaded, labels: tuple[Label, ...]) -> tuple[list[_Verb], list[str]]:
    tok, notices = loaded.tokenizer, []
    out = []
    for lab in labels:
        text = lab.verbalizer.strip() if loaded.spec.family == "masked" else lab.verbalizer
        ids = tuple(tok(text, add_special_tokens=False)["input_ids"])
        if not ids:
            raise InputError(f"The verbalizer {lab.verbalizer!r} of {lab.name!r} has no tokens in "
                             f"{loaded.spec.name}'s vocabulary: choose another word.")
        toks = tuple(token_label(tok, t) for t in ids)
        if len(ids) > 1:
            how = ("filled left to right at that many masks (an estimate)" if loaded.spec.family == "masked"
                   else "scored whole by the chain rule: the sum of their log-probabilities")
            notices.append(f"{lab.name}: the verbalizer {lab.verbalizer!r} is {len(ids)} tokens "
                           f"({' + '.join(toks)}), {how}.")
        out.append(_Verb(ids, toks))
    firsts = [v.ids[0] for v in out]
    if len(set(firsts)) < len(firsts) and loaded.spec.family != "masked":
        notices.append("Two verbalizers start with the same token: only their later tokens tell them apart.")
    return out, notices


def _limit(loaded, max_tokens: int) -> int:
    ctx = context_length(loaded.model)
    return min(max_tokens, ctx) if ctx else max_tokens


def _batches(lengths: list[int]):
    """Row indices grouped longest first, at most BATCH_ROWS rows and about BATCH_TOKENS padded tokens."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batch: list[int] = []
    for i in order:
        if batch and (len(batch) >= BATCH_ROWS or (len(batch) + 1) * lengths[batch[0]] > BATCH_TOKENS):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


def _keeps_logits(model) -> bool:
    import inspect

    try:
        return "logits_to_keep" in inspect.signature(model.forward).parameters
    except (TypeError, ValueError):
        return False


def _common_prefix(rows: list[list[int]]) -> int:
    """How many leading tokens every row shares, leaving each row at least two tokens of its own."""
    if len(rows) < 2:
        return 0
    first, n = rows[0], min(len(r) for r in rows) - 2
    for r in rows[1:]:
        i = 0
        while i < n and r[i] == first[i]:
            i += 1
        n = i
    return max(n, 0)


MIN_SHARED_PREFIX = 16  # below this, running the prefix once is not worth a cache copy per batch


def _row_logprobs(loaded, rows: list[list[int]], reads: list[list[tuple[int, int]]], report=None,
                  done: int = 0, total: int = 0, first_logits: int | None = None, share_prefix: bool = True):
    """For each row (a token sequence for a causal or masked LM), the log-probabilities of the (position,
    token) pairs in reads[row]: one batched, right-padded forward pass per batch. Only the positions read
    go through the output layer (logits_to_keep) where the model supports it.

    Rows of a causal LM that share a long prefix (a few-shot prompt's instruction and demonstrations)
    run it once: its key/value cache is copied into every batch, which then reads only its own tokens.

    Returns (list of per-row lists of log-probs, the full log-softmax row at (first_logits, its first
    read position) or None)."""
    import copy

    import torch

    model, tok = loaded.model, loaded.tokenizer
    pad = tok.pad_token_id if tok.pad_token_id is not None else 0
    keep = _keeps_logits(model)
    shared = _common_prefix(rows) if share_prefix and loaded.spec.family == "causal" else 0
    cache = None
    if shared >= MIN_SHARED_PREFIX:
        prefix = torch.tensor([rows[0][:shared]], device=model.device)
        with torch.inference_mode():
            cache = model(input_ids=prefix, attention_mask=torch.ones_like(prefix), use_cache=True,
                          logits_to_keep=1 if keep else 0).past_key_values
    else:
        shared = 0
    out: list[list[float]] = [[] for _ in rows]
    first = None
    for batch in _batches([len(r) - shared for r in rows]):
        if report is not None and total:
            report(done, total)
        longest = len(rows[batch[0]]) - shared
        own = [rows[i][shared:] for i in batch]
        ids = torch.tensor([r + [pad] * (longest - len(r)) for r in own], device=model.device)
        mask = torch.tensor([[1] * (shared + len(r)) + [0] * (longest - len(r)) for r in own], device=model.device)
        positions = sorted({p - shared for i in batch for p, _ in reads[i]})
        kwargs = {"input_ids": ids, "attention_mask": mask}
        if cache is not None:
            past = copy.deepcopy(cache)
            past.batch_repeat_interleave(len(batch))
            kwargs.update(past_key_values=past, use_cache=True)
        if keep:
            kwargs["logits_to_keep"] = torch.tensor(positions, device=model.device)
            where = {p: j for j, p in enumerate(positions)}
        else:
            where = {p: p for p in positions}
        with torch.inference_mode():
            logits = model(**kwargs).logits
        for b, i in enumerate(batch):
            cols = [where[p - shared] for p, _ in reads[i]]
            logp = torch.log_softmax(logits[b, cols].float(), dim=-1)
            out[i] = [float(logp[j, t]) for j, (_, t) in enumerate(reads[i])]
            if first_logits == i:
                first = logp[0].cpu()
        done += len(batch)
    return out, first


def _causal_scores(loaded, prompts: list[list[int]], verbs: list[_Verb], report, done, total, top_row):
    """log P(verbalizer | prompt) for every (prompt, label): one row per prompt when every verbalizer is one
    token, else one row per multi-token verbalizer (single-token labels read from its first position)."""
    rows, reads, owner = [], [], []
    multi = [j for j, v in enumerate(verbs) if len(v.ids) > 1]
    single = [j for j, v in enumerate(verbs) if len(v.ids) == 1]
    for p, ids in enumerate(prompts):
        at = len(ids) - 1
        groups = [[j] for j in multi] or [[]]
        groups[0] = groups[0] + single
        for g in groups:
            longest = max((len(verbs[j].ids) for j in g), default=1)
            full = next((verbs[j].ids for j in g if len(verbs[j].ids) == longest), ())
            rows.append(ids + list(full[:-1]))
            r = []
            for j in g:
                r += [(at + n, t) for n, t in enumerate(verbs[j].ids)]
            reads.append(r)
            owner.append((p, g))
    got, first = _row_logprobs(loaded, rows, reads, report, done, total,
                               first_logits=next((i for i, (p, _) in enumerate(owner) if p == top_row), None))
    scores = np.zeros((len(prompts), len(verbs)))
    for (p, g), lps in zip(owner, got):
        n = 0
        for j in g:
            scores[p, j] = sum(lps[n: n + len(verbs[j].ids)])
            n += len(verbs[j].ids)
    return scores, first


def _masked_scores(loaded, prompts: list[list[int]], verbs: list[_Verb], report, done, total, top_row):
    """A masked LM: the label at the mask. A verbalizer of n tokens gets n masks, filled left to right."""
    mask_id = loaded.tokenizer.mask_token_id
    scores = np.zeros((len(prompts), len(verbs)))
    first = None
    at = [ids.index(mask_id) for ids in prompts]
    single = [j for j, v in enumerate(verbs) if len(v.ids) == 1]
    if single:
        reads = [[(a, verbs[j].ids[0]) for j in single] for a in at]
        got, first = _row_logprobs(loaded, prompts, reads, report, done, total, first_logits=top_row)
        for p, lps in enumerate(got):
            for n, j in enumerate(single):
                scores[p, j] = lps[n]
    for j, v in enumerate(verbs):
        if len(v.ids) == 1:
            continue
        seqs = [ids[:a] + [mask_id] * len(v.ids) + ids[a + 1:] for ids, a in zip(prompts, at)]
        for n, t in enumerate(v.ids):
            got, f = _row_logprobs(loaded, seqs, [[(a + n, t)] for a in at],
                                   first_logits=top_row if first is None and n == 0 else None)
            first = first if first is not None else f
            for p, lps in enumerate(got):
                scores[p, j] += lps[0]
                seqs[p][at[p] + n] = t
    return scores, first


def _seq2seq_scores(loaded, prompts: list[list[int]], verbs: list[_Verb], report, done, total, top_row):
    """A seq2seq model: the verbalizer as the decoder's output, after the decoder start token."""
    import torch

    model, tok = loaded.model, loaded.tokenizer
    pad = tok.pad_token_id if tok.pad_token_id is not None else 0
    start = model.config.decoder_start_token_id
    start = start if start is not None else pad
    longest_v = max(len(v.ids) for v in verbs)
    dec = torch.tensor([[start, *v.ids] + [pad] * (longest_v - len(v.ids)) for v in verbs], device=model.device)
    dmask = torch.tensor([[1] * (len(v.ids) + 1) + [0] * (longest_v - len(v.ids)) for v in verbs], device=model.device)
    scores = np.zeros((len(prompts), len(verbs)))
    first = None
    for p, ids in enumerate(prompts):
        if report is not None and total and p % 8 == 0:
            report(done + p, total)
        enc = torch.tensor([ids] * len(verbs), device=model.device)
        with torch.inference_mode():
            logits = model(input_ids=enc, attention_mask=torch.ones_like(enc), decoder_input_ids=dec,
                           decoder_attention_mask=dmask, use_cache=False).logits.float()
        logp = torch.log_softmax(logits, -1)
        for j, v in enumerate(verbs):
            scores[p, j] = float(sum(logp[j, n, t] for n, t in enumerate(v.ids)))
        if p == top_row:
            first = logp[0, 0].cpu()
    return scores, first


def start_token(loaded) -> str:
    """The token a causal prompt starts with (`probes._start`), as text, or "" when there is none."""
    if loaded.spec.family != "causal":
        return ""
    ids = _start(loaded.tokenizer)
    return loaded.tokenizer.convert_ids_to_tokens(ids[0]) if ids else ""


def encode_prompt(loaded, prompt: str, max_tokens: int = 1024) -> list[int]:
    """The ids the model reads for a prompt: causal LMs after the document-start token; masked and seq2seq
    models with their tokenizer's special tokens. Too long a prompt is refused (cutting it would cut the
    demonstrations or the query, and change the task)."""
    tok, family = loaded.tokenizer, loaded.spec.family
    if family == "causal":
        ids = _start(tok) + list(tok(prompt, add_special_tokens=False)["input_ids"])
    else:
        text = prompt
        if family == "masked":
            for m in GENERIC_MASKS:
                if m != tok.mask_token:
                    text = text.replace(m, tok.mask_token)
        ids = list(tok(text, add_special_tokens=True)["input_ids"])
    limit = _limit(loaded, max_tokens)
    if len(ids) + 8 > limit:
        raise InputError(f"The prompt is {len(ids)} tokens, more than this view's limit of {limit - 8} "
                         f"({loaded.spec.name}'s context or PLAYGROUND_MAX_PROMPT_TOKENS). Use fewer or shorter "
                         "demonstrations, or a shorter text.")
    if family == "masked" and tok.mask_token_id not in ids:
        raise InputError(f"The prompt has no mask for the label: put {tok.mask_token} (or [MASK]) in the template.")
    return ids


def label_logprobs(loaded, prompts: list[str], labels: tuple[Label, ...], *, report=None, done: int = 0,
                   total: int = 0, max_tokens: int = 1024, top_row: int | None = None):
    """(N × L matrix of log P(verbalizer | prompt), the verbalizers, notices, the full log-softmax at the
    label's first token for prompts[top_row] or None), batched over every prompt and label."""
    _need_lm(loaded)
    verbs, notices = _verbalizers(loaded, labels)
    ids = [encode_prompt(loaded, p, max_tokens) for p in prompts]
    score = {"causal": _causal_scores, "masked": _masked_scores, "seq2seq": _seq2seq_scores}[loaded.spec.family]
    scores, first = score(loaded, ids, verbs, report, done, total or len(prompts), top_row)
    return scores, verbs, notices, first


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


def classify(loaded, text: str, template: str = SENTIMENT_TEMPLATE, labels=SENTIMENT_LABELS, *, demos=(),
             instruction: str = "", separator: str = "\n\n", calibrated: bool = False,
             length_normalised: bool = False, max_tokens: int = 1024) -> Classification:
    """Score every label for one input (zero-shot, or few-shot with demonstrations)."""
    _need_lm(loaded)
    if not isinstance(text, str) or not text.strip():
        raise InputError("The text to classify is empty: type a sentence, e.g. a short review.")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"The text is {len(text):,} characters; classify up to {MAX_TEXT_CHARS:,} at a time.")
    template = check_template(template, loaded.spec.family)
    labels = labels if isinstance(labels, tuple) and all(isinstance(x, Label) for x in labels) \
        else parse_labels(labels, template)
    prompts = [build_prompt(template, text, demos, instruction=instruction, separator=separator, labels=labels)]
    if calibrated:
        prompts.append(build_prompt(template, CONTENT_FREE, demos, instruction=instruction, separator=separator,
                                    labels=labels))
    scores, verbs, notices, first = label_logprobs(loaded, prompts, labels, max_tokens=max_tokens, top_row=0)
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
    top, mass = _next_tokens(loaded, first, verbs)
    if calibrated and cal_pred != pred:
        notices.append(f"Calibration changes the prediction from {pred} to {cal_pred}.")
    return Classification(loaded.spec.name, loaded.spec.family, prompts[0], out, pred, cal_pred,
                          tuple(float(x) for x in probs[1]) if calibrated else None, top, mass,
                          bool(length_normalised), tuple(notices))


def _next_tokens(loaded, logp_row, verbs: list[_Verb], k: int = 10):
    import torch

    if logp_row is None:
        return (), 0.0
    p = torch.exp(logp_row)
    vals, idx = torch.topk(p, k)
    top = tuple((token_label(loaded.tokenizer, int(i)), float(v)) for v, i in zip(vals, idx))
    mass = float(sum(p[t] for t in {v.ids[0] for v in verbs}))
    return top, mass


# ---- greedy continuation -----------------------------------------------------------------------


def complete(loaded, prompt: str, *, max_new_tokens: int = 32, stop: str = "\n", max_tokens: int = 1024) -> str:
    """The model's greedy continuation of the prompt, up to the first `stop` (a newline) or max_new_tokens."""
    return complete_many(loaded, [prompt], max_new_tokens=max_new_tokens, stop=stop, max_tokens=max_tokens)[0]


def _stop_at(tok, stop: str):
    """A stopping criterion: a row is done once its last token's text contains `stop`. (generate()'s own
    stop_strings scans the whole vocabulary on every call: seconds on a 49k vocabulary.)"""
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList

    class _Stop(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            done = [stop in tok.decode(row[-1:]) for row in input_ids.tolist()]
            return torch.tensor(done, dtype=torch.bool, device=input_ids.device)

    return StoppingCriteriaList([_Stop()] if stop else [])


def complete_many(loaded, prompts: list[str], *, max_new_tokens: int = 32, stop: str = "\n",
                  max_tokens: int = 1024, report=None) -> list[str]:
    """Greedy continuations of several prompts, BATCH_ROWS at a time (left-padded for causal LMs, so every
    row's next token is at the same column; generate() derives the positions from the attention mask)."""
    import torch

    _need_lm(loaded)
    if loaded.spec.family == "masked":
        raise InputError(f"{loaded.spec.name} is a masked LM: it fills a [MASK] but does not continue a text. "
                         "Use the label scores, or a causal model for the continuation.")
    model, tok = loaded.model, loaded.tokenizer
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    causal = loaded.spec.family == "causal"
    rows = [encode_prompt(loaded, p, max_tokens) for p in prompts]
    texts: list[str] = [""] * len(rows)
    for batch in _batches([len(r) for r in rows]):
        if report is not None:
            report(sum(1 for t in texts if t), len(rows))
        longest = max(len(rows[i]) for i in batch)
        if causal:
            ids = [[pad] * (longest - len(rows[i])) + rows[i] for i in batch]
            mask = [[0] * (longest - len(rows[i])) + [1] * len(rows[i]) for i in batch]
        else:
            ids = [rows[i] + [pad] * (longest - len(rows[i])) for i in batch]
            mask = [[1] * len(rows[i]) + [0] * (longest - len(rows[i])) for i in batch]
        with torch.inference_mode():
            out = model.generate(input_ids=torch.tensor(ids, device=model.device),
                                 attention_mask=torch.tensor(mask, device=model.device), do_sample=False,
                                 num_beams=1, max_new_tokens=max_new_tokens, pad_token_id=pad,
                                 stopping_criteria=_stop_at(tok, stop))
        for b, i in enumerate(batch):
            new = out[b, longest:] if causal else out[b]
            text = tok.decode(new, skip_special_tokens=True)
            texts[i] = (text.split(stop)[0] if stop else text) or ""
    return texts


# ---- data sets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    text: str
    label: str


def dataset_names() -> list[str]:
    return sorted(p.stem for p in DATASETS.glob("*.csv"))


def load_dataset(name: str) -> tuple[Example, ...]:
    """A data set shipped in assets/datasets, by name (reviews, en-fr)."""
    names = dataset_names()
    if name not in names:
        raise InputError(f"No data set {name!r}. Choose one of: {', '.join(names)}; or upload a CSV.")
    return parse_csv((DATASETS / f"{name}.csv").read_bytes(), source=f"{name}.csv")


def parse_csv(data: bytes | str | Path, *, source: str = "the CSV") -> tuple[Example, ...]:
    """Examples from a CSV with a header row text,label (other columns are ignored), UTF-8."""
    if isinstance(data, Path):
        if data.stat().st_size > MAX_CSV_BYTES:
            raise InputError(f"{source} is {data.stat().st_size / 1e6:.1f} MB; the limit is "
                             f"{MAX_CSV_BYTES / 1e6:.0f} MB ({MAX_EXAMPLES} examples). Upload a sample of it.")
        data = data.read_bytes()
    if isinstance(data, bytes):
        if len(data) > MAX_CSV_BYTES:
            raise InputError(f"{source} is {len(data) / 1e6:.1f} MB; the limit is {MAX_CSV_BYTES / 1e6:.0f} MB "
                             f"({MAX_EXAMPLES} examples). Upload a sample of it.")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{source} is not UTF-8 text (byte {exc.start}). Save it as CSV UTF-8 and upload "
                             "it again.") from None
    if "\x00" in data:
        raise InputError(f"{source} looks like a binary file, not a CSV: save it as CSV UTF-8.")
    try:
        reader = csv.DictReader(io.StringIO(data))
        fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise InputError(f"{source} could not be read as CSV: {exc}.") from None
    if "text" not in fields or "label" not in fields:
        raise InputError(f"{source} needs a header row with the columns text and label; it has "
                         f"{', '.join(repr(f) for f in fields) or 'no header'}. Example first line: text,label")
    reader.fieldnames = fields
    examples = []
    try:
        for n, row in enumerate(reader, 2):
            text, label = (row.get("text") or "").strip(), (row.get("label") or "").strip()
            if not text and not label:
                continue
            if not text or not label:
                raise InputError(f"{source}, line {n}: every row needs both a text and a label.")
            if len(text) > MAX_TEXT_CHARS:
                raise InputError(f"{source}, line {n}: the text is {len(text):,} characters; the limit per "
                                 f"example is {MAX_TEXT_CHARS:,}.")
            examples.append(Example(text, label))
            if len(examples) > MAX_EXAMPLES:
                raise InputError(f"{source} has more than {MAX_EXAMPLES} examples; upload a sample of it.")
    except csv.Error as exc:
        raise InputError(f"{source} could not be read as CSV: {exc}.") from None
    if not examples:
        raise InputError(f"{source} has a header but no examples.")
    return tuple(examples)


# ---- evaluation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prediction:
    text: str
    gold: str
    predicted: str
    probs: tuple[float, ...]  # over the labels, after calibration when it is on

    @property
    def correct(self) -> bool:
        return self.gold == self.predicted


@dataclass(frozen=True)
class Evaluation:
    model: str
    method: str  # "zero-shot", "4-shot", "fine-tuned classifier"
    labels: tuple[str, ...]
    predictions: tuple[Prediction, ...]
    seconds: float
    calibrated: bool = False
    notices: tuple[str, ...] = ()
    template: str = ""

    @property
    def accuracy(self) -> float:
        return sum(p.correct for p in self.predictions) / len(self.predictions)

    @property
    def confusion(self) -> list[list[int]]:
        """confusion[gold][predicted], in the order of `labels`."""
        at = {lab: i for i, lab in enumerate(self.labels)}
        m = [[0] * len(self.labels) for _ in self.labels]
        for p in self.predictions:
            m[at[p.gold]][at[p.predicted]] += 1
        return m

    def per_class(self) -> list[dict]:
        m = self.confusion
        rows = []
        for i, lab in enumerate(self.labels):
            tp = m[i][i]
            predicted = sum(m[g][i] for g in range(len(self.labels)))
            support = sum(m[i])
            rows.append({"label": lab, "precision": tp / predicted if predicted else None,
                         "recall": tp / support if support else None, "support": support, "predicted": predicted})
        return rows

    @property
    def examples_per_second(self) -> float:
        return len(self.predictions) / self.seconds if self.seconds > 0 else float("inf")

    def as_json(self) -> dict:
        return {
            "model": self.model, "method": self.method, "labels": list(self.labels), "accuracy": self.accuracy,
            "confusion": self.confusion, "per_class": self.per_class(), "calibrated": self.calibrated,
            "examples": [{"text": p.text, "label": p.gold, "prediction": p.predicted,
                          "probs": dict(zip(self.labels, p.probs))} for p in self.predictions],
            "seconds": self.seconds, "notices": list(self.notices),
        }


def _check_gold(examples, labels: tuple[str, ...]) -> None:
    names = {lab.lower(): lab for lab in labels}
    unknown = sorted({e.label for e in examples if e.label.lower() not in names})
    if unknown:
        raise InputError(f"The data set's label(s) {', '.join(map(repr, unknown[:5]))} are not among the labels "
                         f"({', '.join(labels)}). Give every label that occurs in the data, or pick a data set "
                         "with these labels.")


def _canonical(examples, labels: tuple[str, ...]) -> list[Example]:
    names = {lab.lower(): lab for lab in labels}
    return [Example(e.text, names[e.label.lower()]) for e in examples]


def evaluate(loaded, examples, template: str = SENTIMENT_TEMPLATE, labels=SENTIMENT_LABELS, *, demos=(),
             instruction: str = "", separator: str = "\n\n", calibrated: bool = False,
             length_normalised: bool = False, report=None, max_tokens: int = 1024) -> Evaluation:
    """Classify every example with the prompt (zero-shot, or few-shot with `demos`), batched.

    An example whose text is one of the demonstrations is left out (it would be answered by copying)."""
    import time

    _need_lm(loaded)
    template = check_template(template, loaded.spec.family)
    labels = labels if isinstance(labels, tuple) and all(isinstance(x, Label) for x in labels) \
        else parse_labels(labels, template)
    names = tuple(lab.name for lab in labels)
    examples = list(examples)
    if not examples:
        raise InputError("No examples to evaluate: choose a data set or upload a CSV (text,label).")
    _check_gold(examples, names)
    notices = []
    shown = {d[0].strip().lower() for d in demos}
    kept = [e for e in examples if e.text.strip().lower() not in shown]
    if len(kept) < len(examples):
        notices.append(f"{len(examples) - len(kept)} example(s) are also demonstrations and were left out.")
    if not kept:
        raise InputError("Every example is also a demonstration: nothing is left to evaluate.")
    kept = _canonical(kept, names)
    t0 = time.perf_counter()
    prompts = [build_prompt(template, e.text, demos, instruction=instruction, separator=separator, labels=labels)
               for e in kept]
    if calibrated:
        prompts.append(build_prompt(template, CONTENT_FREE, demos, instruction=instruction, separator=separator,
                                    labels=labels))
    scores, verbs, vnotes, _ = label_logprobs(loaded, prompts, labels, report=report, total=len(prompts),
                                              max_tokens=max_tokens)
    probs = normalise(scores, [len(v.ids) for v in verbs], length_normalised)
    if calibrated:
        probs = calibrate(probs[:-1], probs[-1])
    preds = tuple(Prediction(e.text, e.label, names[int(np.argmax(p))], tuple(float(x) for x in p))
                  for e, p in zip(kept, probs))
    method = f"{len(demos)}-shot" if demos else "zero-shot"
    return Evaluation(loaded.spec.name, method, names, preds, time.perf_counter() - t0, bool(calibrated),
                      tuple(notices + vnotes), template)


def _classifier_labels(loaded, names: tuple[str, ...]) -> dict[int, str]:
    """The classifier's output ids mapped to our labels by name (POSITIVE → positive)."""
    id2label = getattr(loaded.model.config, "id2label", None) or {}
    ours = {n.lower(): n for n in names}
    mapping = {int(i): ours.get(str(lab).lower()) for i, lab in id2label.items()}
    if not any(mapping.values()):
        raise InputError(f"{loaded.spec.name} predicts {', '.join(map(str, id2label.values()))}, none of which is "
                         f"one of the labels ({', '.join(names)}). Name the labels as the classifier does.")
    return mapping


def evaluate_classifier(loaded, examples, labels=SENTIMENT_LABELS, *, report=None) -> Evaluation:
    """A fine-tuned sequence classifier on the same examples, its classes mapped to the labels by name."""
    import time

    import torch

    if loaded.spec.head != "sequence-classification":
        raise InputError(f"{loaded.spec.name} is not a fine-tuned classifier. Choose one such as "
                         "distilbert-base-uncased-finetuned-sst-2-english (needs the hub).")
    names = tuple(lab.name for lab in (labels if isinstance(labels, tuple) and all(isinstance(x, Label)
                                                                                    for x in labels)
                                       else parse_labels(labels)))
    examples = list(examples)
    _check_gold(examples, names)
    examples = _canonical(examples, names)
    mapping = _classifier_labels(loaded, names)
    notices = []
    unmapped = [str(loaded.model.config.id2label[i]) for i, v in mapping.items() if v is None]
    if unmapped:
        notices.append(f"The classifier's class(es) {', '.join(unmapped)} match no label and are never predicted.")
    tok, model = loaded.tokenizer, loaded.model
    order = [i for i, v in sorted(mapping.items()) if v is not None]
    t0 = time.perf_counter()
    preds: list[Prediction | None] = [None] * len(examples)
    for lo in range(0, len(examples), BATCH_ROWS):
        if report is not None:
            report(lo, len(examples))
        chunk = examples[lo: lo + BATCH_ROWS]
        enc = tok([e.text for e in chunk], padding=True, truncation=True, max_length=_limit(loaded, 512),
                  return_tensors="pt").to(model.device)
        with torch.inference_mode():
            p = torch.softmax(model(**enc).logits.float(), -1)
        for b, e in enumerate(chunk):
            by_label = {n: 0.0 for n in names}
            for i in order:
                by_label[mapping[i]] += float(p[b, i])
            best = max(names, key=lambda n: by_label[n])
            preds[lo + b] = Prediction(e.text, e.label, best, tuple(by_label[n] for n in names))
    return Evaluation(loaded.spec.name, "fine-tuned classifier", names, tuple(preds), time.perf_counter() - t0,
                      False, tuple(notices))


# ---- order sensitivity -------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderRun:
    order: tuple[int, ...]  # demonstration indices, as used
    probs: tuple[float, ...]  # the query's label probabilities
    prediction: str
    accuracy: float | None  # on the evaluation examples, when given


@dataclass(frozen=True)
class OrderSensitivity:
    labels: tuple[str, ...]
    runs: tuple[OrderRun, ...]
    query: str
    notices: tuple[str, ...] = field(default=())

    def spread(self) -> dict:
        p = np.array([r.probs for r in self.runs])
        out = {"min": p.min(0).tolist(), "max": p.max(0).tolist(), "mean": p.mean(0).tolist()}
        acc = [r.accuracy for r in self.runs if r.accuracy is not None]
        if acc:
            out["accuracy_min"], out["accuracy_max"] = min(acc), max(acc)
        return out


MAX_PERMUTATIONS = 24


def order_sensitivity(loaded, template: str, query: str, demos, labels, *, permutations: int = 6, seed: int = 0,
                      examples=(), instruction: str = "", separator: str = "\n\n", calibrated: bool = False,
                      length_normalised: bool = False, report=None, max_tokens: int = 1024) -> OrderSensitivity:
    """The same demonstrations in several orders: the query's label probabilities (and, with examples, the
    accuracy) under each. The orders are the first permutations of a seeded shuffle, the entered order first."""
    _need_lm(loaded)
    template = check_template(template, loaded.spec.family)
    labels = labels if isinstance(labels, tuple) and all(isinstance(x, Label) for x in labels) \
        else parse_labels(labels, template)
    demos = tuple(demos)
    if len(demos) < 2:
        raise InputError("Order sensitivity needs at least two demonstrations to reorder: add rows to the table.")
    n = whole_number(permutations, "The number of orders", 2, MAX_PERMUTATIONS)
    notices = []
    total = math.factorial(len(demos))
    if n > total:
        notices.append(f"{len(demos)} demonstrations have only {total} orders: running all of them.")
        n = total
    if total <= 720:
        pool = list(_permutations(range(len(demos))))
        first = pool.pop(0)
        random.Random(seed).shuffle(pool)
        orders = [first] + pool[: n - 1]
    else:
        rng, orders = random.Random(seed), [tuple(range(len(demos)))]
        while len(orders) < n:
            o = tuple(rng.sample(range(len(demos)), len(demos)))
            if o not in orders:
                orders.append(o)
    runs = []
    for r, order in enumerate(orders):
        used = [demos[i] for i in order]
        if report is not None:
            report(r, len(orders))
        c = classify(loaded, query, template, labels, demos=used, instruction=instruction, separator=separator,
                     calibrated=calibrated, length_normalised=length_normalised, max_tokens=max_tokens)
        probs = tuple((s.calibrated if calibrated else s.prob) for s in c.labels)
        acc = None
        if examples:
            acc = evaluate(loaded, examples, template, labels, demos=used, instruction=instruction,
                           separator=separator, calibrated=calibrated, length_normalised=length_normalised,
                           max_tokens=max_tokens).accuracy
        runs.append(OrderRun(tuple(order), probs, c.calibrated_prediction or c.prediction, acc))
    return OrderSensitivity(tuple(lab.name for lab in labels), tuple(runs), query, tuple(notices))


_WS = re.compile(r"\s+")


def same_text(a: str, b: str) -> bool:
    """A loose match for a generated answer against a reference: case, outer punctuation and spacing ignored."""
    def norm(s: str) -> str:
        return _WS.sub(" ", s.strip().strip(".!?;:,").strip().lower())
    return norm(a) == norm(b)


# ---- generation data sets (translation) ----------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    text: str
    reference: str
    output: str  # the greedy continuation, up to the first newline
    exact: bool  # equal to the reference, ignoring case, spacing and outer punctuation
    logprob: float  # log P(reference | prompt), summed over its tokens
    tokens: int

    @property
    def per_token(self) -> float:
        return self.logprob / self.tokens


@dataclass(frozen=True)
class GenerationEvaluation:
    model: str
    method: str
    answers: tuple[Answer, ...]
    seconds: float
    notices: tuple[str, ...] = ()

    @property
    def exact_match(self) -> float:
        return sum(a.exact for a in self.answers) / len(self.answers)

    @property
    def mean_logprob(self) -> float:
        """The mean per-token log-probability of the references: higher means the prompt makes the right
        answer likelier, even where greedy decoding misses it."""
        return sum(a.logprob for a in self.answers) / sum(a.tokens for a in self.answers)

    def as_json(self) -> dict:
        return {"model": self.model, "method": self.method, "exact_match": self.exact_match,
                "mean_reference_logprob_per_token": self.mean_logprob, "seconds": self.seconds,
                "examples": [{"text": a.text, "reference": a.reference, "output": a.output, "exact": a.exact,
                              "reference_logprob": a.logprob} for a in self.answers],
                "notices": list(self.notices)}


def evaluate_generation(loaded, examples, template: str, *, demos=(), instruction: str = "",
                        separator: str = "\n\n", report=None, max_new_tokens: int = 24,
                        max_tokens: int = 1024) -> GenerationEvaluation:
    """For data sets whose labels are free text (translations): the greedy answer against the reference
    (exact match), and log P(reference | prompt), batched."""
    import time

    _need_lm(loaded)
    if loaded.spec.family == "masked":
        raise InputError(f"{loaded.spec.name} is a masked LM: it cannot write a free-text answer. Choose a causal "
                         "or seq2seq model, or a data set with a few fixed labels.")
    template = check_template(template, loaded.spec.family)
    examples = list(examples)
    shown = {d[0].strip().lower() for d in demos}
    kept = [e for e in examples if e.text.strip().lower() not in shown]
    notices = [f"{len(examples) - len(kept)} example(s) are also demonstrations and were left out."] \
        if len(kept) < len(examples) else []
    if not kept:
        raise InputError("No examples to evaluate: choose a data set or upload a CSV (text,label).")
    t0 = time.perf_counter()
    prompts = [build_prompt(template, e.text, demos, instruction=instruction, separator=separator) for e in kept]
    refs = [_answer(template, e.label, ()) for e in kept]
    tok = loaded.tokenizer
    answers = []
    if loaded.spec.family == "causal":
        rows, reads = [], []
        for p, r in zip(prompts, refs):
            ids, rid = encode_prompt(loaded, p, max_tokens), list(tok(r, add_special_tokens=False)["input_ids"])
            rows.append(ids + rid[:-1])
            reads.append([(len(ids) - 1 + n, t) for n, t in enumerate(rid)])
        got, _ = _row_logprobs(loaded, rows, reads)
        ref_lp = [(sum(g), len(g)) for g in got]
    else:
        ref_lp = []
        for p, r in zip(prompts, refs):
            scores, verbs, _, _ = label_logprobs(loaded, [p], (Label("reference", r),),
                                                 max_tokens=max_tokens)
            ref_lp.append((float(scores[0, 0]), len(verbs[0].ids)))
    outs = complete_many(loaded, prompts, max_new_tokens=max_new_tokens, max_tokens=max_tokens, report=report)
    for n, (e, out) in enumerate(zip(kept, outs)):
        out = out.strip()
        answers.append(Answer(e.text, e.label, out, same_text(out, e.label), *ref_lp[n]))
    method = f"{len(demos)}-shot" if demos else "zero-shot"
    return GenerationEvaluation(loaded.spec.name, method, tuple(answers), time.perf_counter() - t0, tuple(notices))
