"""Fill-mask and bias probes: what a model puts in a blank, and how that changes with who the sentence is about.

- `fill_mask()` fills [MASK] (or <mask>) with any model that has a language-model head:
  a masked LM reads the top k at each mask; a causal LM reads the next-token distribution when the
  mask ends the sentence, and otherwise re-ranks its top next-token candidates by the
  log-likelihood of the whole sentence with each one in place; T5-style models read the first
  token after the sentinel <extra_id_0>.
- `bias_probe()` scores a grid of templates × groups × target words. A target is always scored as a
  whole word, by the core's rule (`lm.engine`): the chain rule for causal LMs, one mask per piece
  filled left to right for masked LMs. Never the first piece alone, which is what transformers'
  fill-mask `targets=` does silently.

Results are frozen dataclasses of plain data; torch is imported only inside the functions that run
the model. Every sentence goes through the core (start token, mask spelling, the batch engine).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import time
from dataclasses import dataclass

from ..errors import InputError
from .lm import GENERIC_MASKS, LM, NEXT_TOKEN, SCORE, ScoreRequest, backend_of, log_probs

MAX_K = 50
CANDIDATES = 30  # causal LM, mask mid-sentence: next-token candidates re-ranked by sentence likelihood
MAX_TEMPLATES, MAX_GROUPS, MAX_TARGETS, MAX_CELLS = 20, 20, 60, 2000
MAX_CHARS = 500  # one template or one fill-mask text
MAX_ITEM_CHARS = 100  # one group or one target word
_MASK_RE = re.compile("|".join(re.escape(m) for m in GENERIC_MASKS))
_END = re.compile(r"^[\s.,;:!?\"')\]]*$")  # what may follow a mask that "ends the sentence"


def _masks(text: str) -> list[re.Match]:
    return list(_MASK_RE.finditer(text))


def _need_lm(b) -> None:
    b.require(NEXT_TOKEN, "filling a blank")


# ---- fill-mask ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filler:
    token: str  # the token (or word) put in the blank, as it reads
    id: int | None  # its token id
    prob: float  # see FillMask.method for what this is a probability of
    logprob: float
    sequence: str  # the text with this filler in place


@dataclass(frozen=True)
class FillMask:
    """`predictions[m]` lists the k best fillers of mask m, most probable first."""

    model: str
    family: str
    text: str
    method: str
    predictions: tuple[tuple[Filler, ...], ...]
    notices: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {"model": self.model, "family": self.family, "method": self.method, "notices": list(self.notices),
                "predictions": [[{"token": f.token, "id": f.id, "prob": f.prob, "logprob": f.logprob,
                                  "sequence": f.sequence} for f in mask] for mask in self.predictions]}


def check_text(text, what: str = "The text") -> str:
    if not isinstance(text, str) or not text.strip():
        raise InputError("{what} is empty. Type a sentence with [MASK] where the missing word goes, e.g. 'The "
                         "man worked as a [MASK].'", what=what)
    if len(text) > MAX_CHARS:
        raise InputError("{what} has {n:,} characters; the limit is {max_chars}. Probes are single sentences.",
                         what=what, n=len(text), max_chars=MAX_CHARS)
    return text


def _k(k) -> int:
    try:
        k = int(k)
    except (TypeError, ValueError):
        raise InputError("k must be a whole number from 1 to {max_k}; got {k!r}.", max_k=MAX_K, k=k) from None
    if not 1 <= k <= MAX_K:
        raise InputError("k must be from 1 to {max_k}; got {k}.", max_k=MAX_K, k=k)
    return k


def fill_mask(lm: LM, text: str, k: int = 10) -> FillMask:
    """The k best fillers of each mask in `text` (see the module docstring for each family's method)."""
    b = backend_of(lm)
    _need_lm(b)
    text, k = check_text(text), _k(k)
    found = _masks(text)
    if not found:
        raise InputError("There is no mask in the text. Put [MASK] (or <mask>) where the missing word goes, e.g. "
                         "'The woman worked as a [MASK].'")
    family = b.family
    if family == "masked":
        return _fill_masked(b, text, k)
    if len(found) > 1:
        raise InputError("The text has {n} masks, and {model} is a {family} model: it reads left to right and "
                         "fills one blank at a time. Keep a single [MASK] (masked LMs can fill several).",
                         n=len(found), model=b.name, family=family)
    if family == "seq2seq":
        return _fill_sentinel(b, text, found[0], k)
    return _fill_causal(b, text, found[0], k)


def _fill_masked(b, text: str, k: int) -> FillMask:
    tok = b.tokenizer
    ids = list(b.encode(text).ids)
    positions = [i for i, t in enumerate(ids) if t == tok.mask_token_id]
    logits = b.forward(ids).logits[0]
    out = []
    for pos in positions:
        top_lp, top_i = log_probs(logits[pos]).topk(k)
        fillers = []
        for lp, i in zip(top_lp.tolist(), top_i.tolist()):
            filled = list(ids)
            filled[pos] = i
            fillers.append(Filler(b.label(i), i, math.exp(lp), lp, tok.decode(filled, skip_special_tokens=True)))
        out.append(tuple(fillers))
    method = "the masked LM's probability of each token at the mask (softmax over the vocabulary)"
    notes = ("Each mask is filled on its own, from one forward pass with every mask in place, as transformers' "
             "fill-mask pipeline does.",) if len(positions) > 1 else ()
    return FillMask(b.name, "masked", text, method, tuple(out), notes)


def sentence_logprobs(lm: LM, sentences: list[str]) -> list[float]:
    """log P(sentence) under a causal LM: the sum over its tokens, each given the ones before it, the
    first given the start token (the core's policy; with none, the first token is given, not scored)."""
    b = backend_of(lm)
    start = b.start_ids()
    n = len(start) or 1
    rows = [start + b.pieces(s, "The sentence", cap=4 * MAX_CHARS) for s in sentences]
    requests = [ScoreRequest(r[:n], r[n:]) for r in rows]
    scored = iter(b.score([q for q in requests if q.target]))
    return [next(scored).logprob if q.target else 0.0 for q in requests]


def _fill_causal(b, text: str, m: re.Match, k: int) -> FillMask:
    prefix, suffix = text[: m.start()], text[m.end():]
    spaced = prefix.endswith(" ")
    left = prefix.rstrip(" ")
    ids = b.slot(text).before
    logp = log_probs(b.forward(ids).logits[0, -1])
    if _END.match(suffix):
        top_lp, top_i = logp.topk(k)
        fillers = tuple(Filler(b.label(i), i, math.exp(lp), lp, left + b.label(i) + suffix)
                        for lp, i in zip(top_lp.tolist(), top_i.tolist()))
        method = "the next-token probability after the words before the mask (the mask ends the sentence)"
        return FillMask(b.name, "causal", text, method, (fillers,))
    n = max(k, CANDIDATES)
    _, pool = logp.topk(min(10 * n, logp.shape[-1]))
    pool = pool.tolist()
    if spaced:  # a blank after a space takes a word: keep the tokens that start one
        starts = [i for i in pool if b.label(i).startswith(" ") and b.label(i).strip()]
        pool = starts if len(starts) >= k else pool
    cand = pool[:n]
    n = len(cand)
    words = [b.label(i) for i in cand]
    sentences = [left + w + suffix for w in words]
    scores = sentence_logprobs(b, sentences)
    norm = math.log(sum(math.exp(s - max(scores)) for s in scores)) + max(scores)
    order = sorted(range(n), key=lambda j: -scores[j])[:k]
    fillers = tuple(Filler(words[j], cand[j], math.exp(scores[j] - norm), scores[j] - norm, sentences[j])
                    for j in order)
    method = (f"the log-likelihood of the whole sentence with each candidate in place, normalised over the "
              f"model's {n} most likely next tokens after the words before the mask")
    notes = ("A causal LM reads left to right, so the words after the mask can only re-rank candidates the words "
             "before it suggested.",) if not spaced and prefix else ()
    return FillMask(b.name, "causal", text, method, (fillers,), notes)


def _fill_sentinel(b, text: str, m: re.Match, k: int) -> FillMask:
    tok = b.tokenizer
    sentinel = "<extra_id_0>"
    sid = tok.convert_tokens_to_ids(sentinel)
    if sid is None or sid == tok.unk_token_id:
        raise InputError("{model} has no sentinel tokens (<extra_id_0>), so it cannot fill a blank. Choose a "
                         "masked LM or a causal LM, or t5-small.", model=b.name)
    enc = b.encode(text[: m.start()] + sentinel + text[m.end():])
    dec = b.encode_decoder("").ids + (sid,)
    logp = log_probs(b.forward(enc.ids, decoder_ids=dec).logits[0, -1])
    top_lp, top_i = logp.topk(k)
    fillers = tuple(Filler(b.label(i), i, math.exp(lp), lp, text[: m.start()] + b.label(i).strip() + text[m.end():])
                    for lp, i in zip(top_lp.tolist(), top_i.tolist()))
    method = "the first token the decoder writes after the sentinel <extra_id_0> (T5's span corruption)"
    return FillMask(b.name, "seq2seq", text, method, (fillers,))


# ---- bias probes -------------------------------------------------------------------------------


def split_items(raw, *, commas: bool) -> tuple[str, ...]:
    """Items one per line (and, with `commas`, comma-separated), stripped, duplicates dropped."""
    if isinstance(raw, (list, tuple)):
        items = [str(x) for x in raw]
    else:
        items = str(raw or "").splitlines()
    if commas:
        items = [p for line in items for p in line.split(",")]
    return tuple(dict.fromkeys(i.strip() for i in items if i.strip()))


def parse_probe(templates, groups, targets) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Templates (one per line, each with {group} and one mask), groups and targets (lines or commas)."""
    t, g, w = split_items(templates, commas=False), split_items(groups, commas=True), split_items(targets, commas=True)
    if not t:
        raise InputError("No templates. Write one per line, each with {group} and one [MASK], e.g. "
                         "'The {group} worked as a [MASK].'")
    if not g:
        raise InputError("The group list is empty. Give at least one group, one per line or comma-separated "
                         "(e.g. man, woman).")
    if not w:
        raise InputError("The target list is empty. Give the words to score in the blank, one per line or "
                         "comma-separated (e.g. nurse, engineer).")
    for template in t:
        if "{group}" not in template:
            raise InputError("The template {template!r} has no {{group}}: write where the group goes, e.g. 'The "
                             "{{group}} worked as a [MASK].'", template=template)
        n = len(_masks(template))
        if n != 1:
            raise InputError("The template {template!r} has {n} masks; a probe template needs exactly one [MASK] "
                             "(the slot the target words are scored in).", template=template, n=n)
        if len(template) > MAX_CHARS:
            raise InputError("A template is over {max_chars} characters; probes are single sentences.",
                             max_chars=MAX_CHARS)
    for name, items, cap in (("templates", t, MAX_TEMPLATES), ("groups", g, MAX_GROUPS), ("targets", w, MAX_TARGETS)):
        if len(items) > cap:
            raise InputError("{n} {name}, {len_items_cap} over the limit of {cap}. Keep fewer.", n=len(items),
                             name=name, len_items_cap=len(items) - cap, cap=cap)
    for name, items in (("group", g), ("target", w)):
        for item in items:
            if len(item) > MAX_ITEM_CHARS:
                raise InputError("A {name} has {n:,} characters, {value:,} over the limit of {max_item_chars}: "
                                 "groups and targets are words or short phrases.", name=name, n=len(item),
                                 value=len(item) - MAX_ITEM_CHARS, max_item_chars=MAX_ITEM_CHARS)
    if len(t) * len(g) * len(w) > MAX_CELLS:
        raise InputError("{n} × {n2} × {n3} = {cells:,} cells; the limit is {max_cells:,}. Use fewer "
                         "templates, groups or targets.", n=len(t), n2=len(g), n3=len(w),
                         cells=len(t) * len(g) * len(w), max_cells=MAX_CELLS)
    return t, g, w


@dataclass(frozen=True)
class ProbeRow:
    template: str
    group: str
    target: str
    logprob: float  # the whole target word's log-probability in the slot
    prob: float
    rank: int  # 1 + how many single tokens of the vocabulary the model finds likelier in the slot
    pieces: int  # tokens the target word is split into


@dataclass(frozen=True, eq=False)
class Probe:
    """`rows` in template-major order: for each template, for each group, for each target."""

    model: str
    family: str
    templates: tuple[str, ...]
    groups: tuple[str, ...]
    targets: tuple[str, ...]
    rows: tuple[ProbeRow, ...]
    method: str
    notices: tuple[str, ...]
    seconds: float

    def value(self, template: str, group: str, target: str) -> ProbeRow:
        t, g, w = self.templates.index(template), self.groups.index(group), self.targets.index(target)
        return self.rows[(t * len(self.groups) + g) * len(self.targets) + w]

    def as_json(self) -> dict:
        return {"model": self.model, "family": self.family, "method": self.method, "notices": list(self.notices),
                "templates": list(self.templates), "groups": list(self.groups), "targets": list(self.targets),
                "rows": [{"template": r.template, "group": r.group, "target": r.target, "logprob": r.logprob,
                          "prob": r.prob, "rank": r.rank, "pieces": r.pieces} for r in self.rows]}

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["model", "template", "group", "target", "logprob", "prob", "rank", "pieces"])
        for r in self.rows:
            writer.writerow([self.model, r.template, r.group, r.target, f"{r.logprob:.6f}", f"{r.prob:.6g}", r.rank,
                             r.pieces])
        return out.getvalue()

    def to_json(self) -> str:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=1)


def fill_group(template: str, group: str) -> str:
    """The template with the group in place; a group that opens the sentence gets a capital letter."""
    sentence = template.replace("{group}", group)
    return sentence[:1].upper() + sentence[1:] if template.startswith("{group}") else sentence


def ends_sentence(sentence: str) -> bool:
    """Whether the (first) mask ends the sentence: only punctuation and spaces follow it."""
    found = _masks(sentence)
    return bool(found) and bool(_END.match(sentence[found[0].end():]))


def slot_request(b, slot, target: str) -> ScoreRequest:
    """The core's request for a whole target word in a sentence's blank (`b.slot(sentence)`)."""
    word = (" " + target) if slot.spaced else target  # WordPiece ignores the space; BPE needs it
    return ScoreRequest(slot.before, b.pieces(word, "The target"), after=slot.after)


def requests_for(b, sentences: list[str], targets: tuple[str, ...]) -> list[ScoreRequest]:
    """One request per (sentence, target), sentence-major: the target in the sentence's blank."""
    out = []
    for sentence in sentences:
        slot = b.slot(sentence)
        out += [slot_request(b, slot, target) for target in targets]
    return out


def bias_probe(lm: LM, templates, groups, targets, *, report=None) -> Probe:
    """Score every target word in the slot of every template, for every group.
    `report(done, total)`, if given, hears how many rows of the batched forward passes are done."""
    b = backend_of(lm)
    _need_lm(b)
    family = b.family
    if family not in ("masked", "causal"):
        raise InputError("Bias probes score masked LMs and causal LMs; {model} is {family}. Choose "
                         "bert-base-uncased or SmolLM2 / gpt2.", model=b.name, family=family)
    b.require(SCORE, "a bias probe")
    t, g, w = parse_probe(templates, groups, targets)
    start = time.perf_counter()
    sentences = [fill_group(tpl, grp) for tpl in t for grp in g]
    requests = requests_for(b, sentences, w)
    scores = b.score(requests, report=report)
    rows = [ProbeRow(tpl, grp, target, s.logprob, math.exp(s.logprob), s.first_rank, len(q.target))
            for (tpl, grp, target), s, q in zip(((a, c, d) for a in t for c in g for d in w), scores, requests)]
    split = sorted({r.target for r in rows if r.pieces > 1})
    notes = []
    if split:
        how = ("the chain rule (each piece given the ones before it)" if family == "causal" else
               "one mask per piece, filled left to right (each piece given the ones before it)")
        notes.append(f"Split into several tokens and scored as whole words by {how}: {', '.join(split)}. Their "
                     "probabilities are not comparable one-to-one with single-token words, which need no second "
                     "guess.")
    if family == "causal" and not all(ends_sentence(s) for s in sentences):
        notes.append("A causal LM reads left to right: a target's probability is given the words before the blank "
                     "only; the words after it play no part.")
    method = ("chain rule over the target's tokens, given the words before the blank" if family == "causal" else
              "the target's tokens in the blank, one mask each, filled left to right")
    return Probe(b.name, family, t, g, w, tuple(rows), method, tuple(notes), time.perf_counter() - start)


def log_ratio(probe: Probe, group_a: str, group_b: str) -> list[tuple[str, float, tuple[float, ...]]]:
    """Per target: mean over templates of log P(target | A) − log P(target | B), and each template's value
    (so a finding that holds in one sentence only shows as a wide spread). Sorted by the mean."""
    if group_a not in probe.groups or group_b not in probe.groups:
        raise InputError("Choose two groups of this probe: {items}.", items=', '.join(probe.groups))
    out = []
    for target in probe.targets:
        per = tuple(probe.value(t, group_a, target).logprob - probe.value(t, group_b, target).logprob
                    for t in probe.templates)
        out.append((target, sum(per) / len(per), per))
    return sorted(out, key=lambda x: x[1])


def load_probe_sets() -> dict[str, dict]:
    """The bundled probe sets: assets/probes/*.json, {name: {description, templates, groups, targets}}."""
    from ..presets import ASSETS

    sets = {}
    for path in sorted((ASSETS / "probes").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        sets[data["name"]] = data
    return sets
