"""Fill-mask and bias probes: what a model puts in a blank, and how that changes with who the sentence is about.

- `fill_mask()` fills [MASK] (or <mask>) with any model that has a language-model head:
  a masked LM reads the top k at each mask; a causal LM reads the next-token distribution when the
  mask ends the sentence, and otherwise re-ranks its top next-token candidates by the
  log-likelihood of the whole sentence with each one in place; T5-style models read the first
  token after the sentinel <extra_id_0>.
- `bias_probe()` scores a grid of templates × groups × target words. A target is always scored as a
  whole word: the chain rule for causal LMs, the pseudo-log-likelihood (one piece masked at a time,
  the others in place) for masked LMs. Never the first piece alone, which is what transformers'
  fill-mask `targets=` does silently.

Results are frozen dataclasses of plain data; torch is imported only inside the functions that run
the model. All forward passes of a grid are batched.
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
from .next_token import GENERIC_MASKS, token_label

MAX_K = 50
CANDIDATES = 30  # causal LM, mask mid-sentence: next-token candidates re-ranked by sentence likelihood
MAX_TEMPLATES, MAX_GROUPS, MAX_TARGETS, MAX_CELLS = 20, 20, 60, 2000
MAX_CHARS = 500  # one template or one fill-mask text
BATCH = 64  # rows per forward pass
_MASK_RE = re.compile("|".join(re.escape(m) for m in GENERIC_MASKS))
_END = re.compile(r"^[\s.,;:!?\"')\]]*$")  # what may follow a mask that "ends the sentence"


def _masks(text: str) -> list[re.Match]:
    return list(_MASK_RE.finditer(text))


def _need_lm(loaded) -> None:
    if loaded.spec.family == "encoder":
        raise InputError(f"{loaded.spec.name} has no language-model head (it is an encoder for embeddings and "
                         "attention), so it cannot fill a mask. Choose a masked LM (bert-base-uncased, "
                         "distilroberta-base) or a causal LM (SmolLM2, gpt2).")


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


def _check_text(text, what: str = "The text") -> str:
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{what} is empty. Type a sentence with [MASK] where the missing word goes, e.g. "
                         "'The man worked as a [MASK].'")
    if len(text) > MAX_CHARS:
        raise InputError(f"{what} has {len(text):,} characters; the limit is {MAX_CHARS}. Probes are single sentences.")
    return text


def _k(k) -> int:
    try:
        k = int(k)
    except (TypeError, ValueError):
        raise InputError(f"k must be a whole number from 1 to {MAX_K}; got {k!r}.") from None
    if not 1 <= k <= MAX_K:
        raise InputError(f"k must be from 1 to {MAX_K}; got {k}.")
    return k


def fill_mask(loaded, text: str, k: int = 10) -> FillMask:
    """The k best fillers of each mask in `text` (see the module docstring for each family's method)."""
    _need_lm(loaded)
    text, k = _check_text(text), _k(k)
    found = _masks(text)
    if not found:
        raise InputError("There is no mask in the text. Put [MASK] (or <mask>) where the missing word goes, e.g. "
                         "'The woman worked as a [MASK].'")
    family = loaded.spec.family
    if family == "masked":
        return _fill_masked(loaded, text, k)
    if len(found) > 1:
        raise InputError(f"The text has {len(found)} masks, and {loaded.spec.name} is a {family} model: it reads "
                         "left to right and fills one blank at a time. Keep a single [MASK] (masked LMs can fill "
                         "several).")
    if family == "seq2seq":
        return _fill_sentinel(loaded, text, found[0], k)
    return _fill_causal(loaded, text, found[0], k)


def _fill_masked(loaded, text: str, k: int) -> FillMask:
    import torch

    tok = loaded.tokenizer
    spelled = _MASK_RE.sub(tok.mask_token, text)
    enc = tok(spelled, return_tensors="pt").to(loaded.model.device)
    ids = enc["input_ids"][0]
    positions = (ids == tok.mask_token_id).nonzero().flatten().tolist()
    with torch.inference_mode():
        logits = loaded.model(**enc).logits[0].float()
    out = []
    for pos in positions:
        logp = logits[pos].log_softmax(-1)
        top_lp, top_i = logp.topk(k)
        fillers = []
        for lp, i in zip(top_lp.tolist(), top_i.tolist()):
            filled = ids.clone()
            filled[pos] = i
            seq = tok.decode(filled, skip_special_tokens=True)
            fillers.append(Filler(token_label(tok, i), i, math.exp(lp), lp, seq))
        out.append(tuple(fillers))
    method = "the masked LM's probability of each token at the mask (softmax over the vocabulary)"
    notes = ("Each mask is filled on its own, from one forward pass with every mask in place, as transformers' "
             "fill-mask pipeline does.",) if len(positions) > 1 else ()
    return FillMask(loaded.spec.name, "masked", text, method, tuple(out), notes)


def _start(tok) -> list[int]:
    """The token a plain document starts with, put before every causal sentence: <|endoftext|> where the
    vocabulary has it (GPT-2; SmolLM2, whose BOS <|im_start|> opens a chat turn and makes "The man …"
    read as a role name), else the BOS token, else nothing. Without it a causal LM sees a sentence's
    first word out of context: SmolLM2 then rates "The and worked as a nurse." above "The man …"."""
    eot = tok.convert_tokens_to_ids("<|endoftext|>")
    if isinstance(eot, int) and tok.convert_ids_to_tokens(eot) == "<|endoftext|>":
        return [eot]
    return [tok.bos_token_id] if tok.bos_token_id is not None else []


def _encode(tok, text: str) -> list[int]:
    return list(tok(text, add_special_tokens=False)["input_ids"])


def sentence_logprobs(loaded, sentences: list[str]) -> list[float]:
    """log P(sentence) under a causal LM: the sum over its tokens, each given the ones before it, the
    first given the document-start token (`_start`; with none, the first token is not scored).
    Batched, right-padded."""
    tok = loaded.tokenizer
    rows = [_start(tok) + _encode(tok, s) for s in sentences]
    scores = [0.0] * len(rows)
    for i, logits in _forward_rows(loaded, rows):
        r = rows[i]
        logp = logits[: len(r) - 1].log_softmax(-1)  # position i - 1 predicts token i
        scores[i] = sum(float(logp[i - 1, r[i]]) for i in range(1, len(r)))
    return scores


def _fill_causal(loaded, text: str, m: re.Match, k: int) -> FillMask:
    import torch

    tok, model = loaded.tokenizer, loaded.model
    prefix, suffix = text[: m.start()], text[m.end():]
    spaced = prefix.endswith(" ")
    left = prefix.rstrip(" ")
    ids = _start(tok) + _encode(tok, left)
    if not ids:
        raise InputError(f"The mask opens the text and {loaded.spec.name} has no beginning-of-sequence token to "
                         "predict from. Put a few words before the mask.")
    with torch.inference_mode():
        logits = model(input_ids=torch.tensor([ids], device=model.device)).logits[0, -1].float()
    logp = logits.log_softmax(-1)
    if _END.match(suffix):
        top_lp, top_i = logp.topk(k)
        fillers = tuple(Filler(token_label(tok, i), i, math.exp(lp), lp, left + token_label(tok, i) + suffix)
                        for lp, i in zip(top_lp.tolist(), top_i.tolist()))
        method = "the next-token probability after the words before the mask (the mask ends the sentence)"
        return FillMask(loaded.spec.name, "causal", text, method, (fillers,))
    n = max(k, CANDIDATES)
    _, pool = logp.topk(min(10 * n, logp.shape[-1]))
    pool = pool.tolist()
    if spaced:  # a blank after a space takes a word: keep the tokens that start one
        starts = [i for i in pool if token_label(tok, i).startswith(" ") and token_label(tok, i).strip()]
        pool = starts if len(starts) >= k else pool
    cand = pool[:n]
    n = len(cand)
    words = [token_label(tok, i) for i in cand]
    sentences = [left + w + suffix for w in words]
    scores = sentence_logprobs(loaded, sentences)
    norm = math.log(sum(math.exp(s - max(scores)) for s in scores)) + max(scores)
    order = sorted(range(n), key=lambda j: -scores[j])[:k]
    fillers = tuple(Filler(words[j], cand[j], math.exp(scores[j] - norm), scores[j] - norm, sentences[j])
                    for j in order)
    method = (f"the log-likelihood of the whole sentence with each candidate in place, normalised over the "
              f"model's {n} most likely next tokens after the words before the mask")
    notes = ("A causal LM reads left to right, so the words after the mask can only re-rank candidates the words "
             "before it suggested.",) if not spaced and prefix else ()
    return FillMask(loaded.spec.name, "causal", text, method, (fillers,), notes)


def _fill_sentinel(loaded, text: str, m: re.Match, k: int) -> FillMask:
    import torch

    tok, model = loaded.tokenizer, loaded.model
    sentinel = "<extra_id_0>"
    sid = tok.convert_tokens_to_ids(sentinel)
    if sid is None or sid == tok.unk_token_id:
        raise InputError(f"{loaded.spec.name} has no sentinel tokens (<extra_id_0>), so it cannot fill a blank. "
                         "Choose a masked LM or a causal LM, or t5-small.")
    enc = tok(text[: m.start()] + sentinel + text[m.end():], return_tensors="pt").to(model.device)
    dec = torch.tensor([[model.generation_config.decoder_start_token_id, sid]], device=model.device)
    with torch.inference_mode():
        logp = model(**enc, decoder_input_ids=dec).logits[0, -1].float().log_softmax(-1)
    top_lp, top_i = logp.topk(k)
    fillers = tuple(Filler(token_label(tok, i), i, math.exp(lp), lp,
                           text[: m.start()] + token_label(tok, i).strip() + text[m.end():])
                    for lp, i in zip(top_lp.tolist(), top_i.tolist()))
    method = "the first token the decoder writes after the sentinel <extra_id_0> (T5's span corruption)"
    return FillMask(loaded.spec.name, "seq2seq", text, method, (fillers,))


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
            raise InputError(f"The template {template!r} has no {{group}}: write where the group goes, e.g. "
                             "'The {group} worked as a [MASK].'")
        n = len(_masks(template))
        if n != 1:
            raise InputError(f"The template {template!r} has {n} masks; a probe template needs exactly one [MASK] "
                             "(the slot the target words are scored in).")
        if len(template) > MAX_CHARS:
            raise InputError(f"A template is over {MAX_CHARS} characters; probes are single sentences.")
    for name, items, cap in (("templates", t, MAX_TEMPLATES), ("groups", g, MAX_GROUPS), ("targets", w, MAX_TARGETS)):
        if len(items) > cap:
            raise InputError(f"{len(items)} {name}; the limit is {cap}.")
    if len(t) * len(g) * len(w) > MAX_CELLS:
        raise InputError(f"{len(t)} × {len(g)} × {len(w)} = {len(t) * len(g) * len(w):,} cells; the limit is "
                         f"{MAX_CELLS:,}. Use fewer templates, groups or targets.")
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


@dataclass
class _Slot:
    """One sentence with its blank: the ids before and after the slot, and the target's pieces."""

    before: list[int]
    after: list[int]
    pieces: list[int]


def _slots(loaded, sentences: list[str], targets: tuple[str, ...]) -> list[_Slot]:
    tok = loaded.tokenizer
    masked = loaded.spec.family == "masked"
    slots = []
    for sentence in sentences:
        m = _masks(sentence)[0]
        prefix, suffix = sentence[: m.start()], sentence[m.end():]
        spaced = prefix.endswith(" ")
        if masked:
            cls = tok(prefix.rstrip(" "), add_special_tokens=True)["input_ids"]
            sep_free = tok(suffix, add_special_tokens=False)["input_ids"] if suffix else []
            before = cls[:-1] if cls and cls[-1] == tok.sep_token_id else cls
            end = [tok.sep_token_id] if tok.sep_token_id is not None else []
            after = list(sep_free) + end
        else:
            before = _start(tok) + _encode(tok, prefix.rstrip(" "))
            after = []
        for target in targets:
            word = (" " + target) if spaced else target  # WordPiece ignores the space; BPE needs it
            pieces = _encode(tok, word)
            if not pieces:
                raise InputError(f"The target {target!r} turns into no tokens in {loaded.spec.name}'s vocabulary. "
                                 "Remove it or spell it differently.")
            if not before:
                raise InputError(f"The mask opens the sentence and {loaded.spec.name} has no beginning-of-sequence "
                                 "token to predict from. Put words before the mask.")
            slots.append(_Slot(list(before), list(after), pieces))
    return slots


def _forward_rows(loaded, rows: list[list[int]], report=None):
    """Logits for every row (right-padded), in batches: yields (row index, (len, V) float32 logits).
    Callers take the log-softmax of the few positions they read only: over a whole batch it would be
    most of the memory traffic. `report(done, total)` is called before each batch."""
    import torch

    tok, model = loaded.tokenizer, loaded.model
    pad = tok.pad_token_id if tok.pad_token_id is not None else 0
    for lo in range(0, len(rows), BATCH):
        if report is not None:
            report(lo, len(rows))
        chunk = rows[lo: lo + BATCH]
        longest = max(len(r) for r in chunk)
        ids = torch.tensor([r + [pad] * (longest - len(r)) for r in chunk], device=model.device)
        mask = torch.tensor([[1] * len(r) + [0] * (longest - len(r)) for r in chunk], device=model.device)
        with torch.inference_mode():
            logits = model(input_ids=ids, attention_mask=mask).logits.float()
        for b in range(len(chunk)):
            yield lo + b, logits[b]


def _rank(logp_row, logprob: float) -> int:
    return int((logp_row > logprob).sum()) + 1


def _score_causal(loaded, slots: list[_Slot], report=None) -> list[tuple[float, int]]:
    """Chain rule: log P(piece_1 | before) + log P(piece_2 | before, piece_1) + …, one batched pass."""
    rows = [s.before + s.pieces for s in slots]
    out: list[tuple[float, int]] = [(0.0, 0)] * len(slots)
    for i, logits in _forward_rows(loaded, rows, report):
        s = slots[i]
        n = len(s.before)
        logp = logits[n - 1: n - 1 + len(s.pieces)].log_softmax(-1)  # the positions that predict the pieces
        lp = sum(float(logp[j, t]) for j, t in enumerate(s.pieces))
        out[i] = (lp, _rank(logp[0], lp))
    return out


def _score_masked(loaded, slots: list[_Slot], report=None) -> list[tuple[float, int]]:
    """Pseudo-log-likelihood: for each piece, the sentence with that piece masked and the others in place."""
    mask_id = loaded.tokenizer.mask_token_id
    rows, owner = [], []
    for i, s in enumerate(slots):
        for j in range(len(s.pieces)):
            filled = list(s.pieces)
            filled[j] = mask_id
            rows.append(s.before + filled + s.after)
            owner.append((i, j))
    total = [0.0] * len(slots)
    first_rank = [0] * len(slots)
    first_row: dict[int, object] = {}
    for r, logits in _forward_rows(loaded, rows, report):
        i, j = owner[r]
        s = slots[i]
        logp = logits[len(s.before) + j].log_softmax(-1)  # the masked piece's position only
        total[i] += float(logp[s.pieces[j]])
        if j == 0:
            first_row[i] = logp
    for i in range(len(slots)):
        first_rank[i] = _rank(first_row[i], total[i])
    return list(zip(total, first_rank))


def bias_probe(loaded, templates, groups, targets, *, report=None) -> Probe:
    """Score every target word in the slot of every template, for every group.
    `report(done, total)`, if given, hears how many rows of the batched forward passes are done."""
    _need_lm(loaded)
    family = loaded.spec.family
    if family not in ("masked", "causal"):
        raise InputError(f"Bias probes score masked LMs and causal LMs; {loaded.spec.name} is {family}. Choose "
                         "bert-base-uncased or SmolLM2 / gpt2.")
    t, g, w = parse_probe(templates, groups, targets)
    start = time.perf_counter()
    sentences = [fill_group(tpl, grp) for tpl in t for grp in g]
    slots = _slots(loaded, sentences, w)
    scores = (_score_masked if family == "masked" else _score_causal)(loaded, slots, report)
    rows, k = [], 0
    for tpl in t:
        for grp in g:
            for target in w:
                lp, rank = scores[k]
                rows.append(ProbeRow(tpl, grp, target, lp, math.exp(lp), rank, len(slots[k].pieces)))
                k += 1
    split = sorted({r.target for r in rows if r.pieces > 1})
    notes = []
    if split:
        how = ("the chain rule (each piece given the ones before it)" if family == "causal" else
               "the pseudo-log-likelihood (each piece masked in turn, the others in place)")
        notes.append(f"Split into several tokens and scored as whole words by {how}: {', '.join(split)}. Their "
                     "probabilities are not comparable one-to-one with single-token words, which need no second "
                     "guess.")
    if family == "causal" and any(not _END.match(s[_masks(s)[0].end():]) for s in sentences):
        notes.append("A causal LM reads left to right: a target's probability is given the words before the blank "
                     "only; the words after it play no part.")
    method = ("chain rule over the target's tokens, given the words before the blank" if family == "causal" else
              "pseudo-log-likelihood of the target's tokens in the blank")
    return Probe(loaded.spec.name, family, t, g, w, tuple(rows), method, tuple(notes), time.perf_counter() - start)


def log_ratio(probe: Probe, group_a: str, group_b: str) -> list[tuple[str, float, tuple[float, ...]]]:
    """Per target: mean over templates of log P(target | A) − log P(target | B), and each template's value
    (so a finding that holds in one sentence only shows as a wide spread). Sorted by the mean."""
    if group_a not in probe.groups or group_b not in probe.groups:
        raise InputError(f"Choose two groups of this probe: {', '.join(probe.groups)}.")
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
