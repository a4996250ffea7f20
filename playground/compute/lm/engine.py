"""Token rows -> log-probabilities: the one batch engine every score in the app goes through.

A `ScoreRequest` asks for log P(target | context), token by token, under one rule per family:

- causal LMs read context + target; target[i] is predicted at position len(context) − 1 + i (the
  chain rule). The context starts with the start token (see `inputs`).
- masked LMs read before + slot + after, the slot holding one [MASK] per target token, filled
  **left to right**: target[i] is read at its mask with target[:i] in place and target[i+1:] still
  masked (Kauf & Ivanova 2023, "PLL-word-l2r"). This is the one policy for a word of several
  tokens. The original pseudo-log-likelihood (Salazar et al. 2020) masks one piece at a time with
  the other pieces visible, and they give the masked one away: it inflates words the tokenizer
  splits ("hairdresser" scored as likely as "nurse"). Left to right is a chain rule inside the word,
  as a causal LM's is; the model still learns from the number of masks how many pieces the word has.
- seq2seq models read context in the encoder and decoder + target in the decoder (the decoder
  ids start with the decoder start token); target[i] is predicted at len(decoder) − 1 + i.

How the rows run (`score`):
- requests become rows; identical rows run once, and one-token targets after the same context are
  read from a row that is there anyway (prompting's labels, a probe's targets);
- rows are sorted by length and batched (at most BATCH_ROWS rows and about BATCH_TOKENS padded
  tokens), right-padded with an attention mask;
- only the positions read go through the output layer (`logits_to_keep` as a boolean mask, where
  the model supports it);
- rows of a causal LM that share a long prefix (a few-shot prompt's instruction and
  demonstrations) run it once: its key/value cache is copied into every batch.

Every log-probability is log_softmax over the vocabulary in float64, from the model's logits (`log_probs`,
`log_normalizers`): the next-token distribution takes its softmax in float64 too, so a token's log-probability is
the same number through every API. In float32 the normaliser over SmolLM2's 49,152 logits alone is off by
~1.4e-5 on an AVX2 CPU (measured), more than the consistency suite allows. torch is imported inside functions.
"""

from __future__ import annotations

import copy
import inspect
from dataclasses import dataclass, field

from ...errors import InputError

BATCH_ROWS = 64
BATCH_TOKENS = 4096  # rows × padded length per forward pass
MIN_SHARED_PREFIX = 16  # below this, running the prefix once is not worth a cache copy per batch


@dataclass(frozen=True)
class ScoreRequest:
    """One target to score after (or, for a masked LM, inside) a context; see the module docstring."""

    context: tuple[int, ...]  # causal: what precedes the target; masked: the ids before the slot; seq2seq: the encoder's
    target: tuple[int, ...]
    after: tuple[int, ...] = ()  # masked LMs: the ids after the slot
    decoder: tuple[int, ...] = ()  # seq2seq: the decoder's ids before the target, decoder start token first
    top: int = 0  # also keep the top `top` tokens at every position read


@dataclass(frozen=True)
class Scored:
    """The target's tokens as the model rated them, in order."""

    logprobs: tuple[float, ...]  # log P(target[i] | what the rule lets it see), natural log
    ranks: tuple[int, ...]  # 1 + how many tokens the model found likelier than target[i] at its position
    first_rank: int  # 1 + how many single tokens at the first position are likelier than the whole target
    top: tuple[tuple[tuple[int, float], ...], ...] = ()  # per target token: (id, logprob) of the top `top`

    @property
    def logprob(self) -> float:
        """The whole target: the sum of its tokens' log-probabilities."""
        return float(sum(self.logprobs))


@dataclass
class _Row:
    ids: list[int]  # what the model (the decoder, for seq2seq) reads
    encoder: tuple[int, ...] | None = None
    reads: list[tuple[int, int, int, int]] = field(default_factory=list)  # (position, token, request, piece)

    @property
    def size(self) -> int:
        return len(self.ids) + len(self.encoder or ())


# ---- requests -> rows --------------------------------------------------------------------------


def _rows(family: str, requests: list[ScoreRequest], mask_id: int | None) -> list[_Row]:
    rows: dict[tuple, _Row] = {}
    singles: list[tuple[tuple, int, int]] = []  # (group, position, request)
    first_row: dict[tuple, tuple] = {}  # group -> the key of a row every single of the group can read from

    def add(key, ids, encoder=None) -> _Row:
        row = rows.get(key)
        if row is None:
            row = rows[key] = _Row(list(ids), encoder)
        return row

    for r, req in enumerate(requests):
        if not req.target:
            raise InputError("Nothing to score: the continuation has no tokens.")
        if family == "masked":
            if mask_id is None:
                raise InputError("This model has no mask token, so it cannot score a word in a slot.")
            n, at = len(req.target), len(req.context)
            for j in range(n):
                ids = (*req.context, *req.target[:j], *([mask_id] * (n - j)), *req.after)
                add(("m", ids), ids).reads.append((at + j, req.target[j], r, j))
            continue
        if family == "seq2seq":
            if not req.decoder:
                raise InputError("A seq2seq score needs the decoder start token before the target.")
            group, prefix, encoder = ("s", req.context, req.decoder), list(req.decoder), tuple(req.context)
        else:
            if not req.context:
                raise InputError("The model has no start token, so the first token of a text cannot be scored: "
                                 "put a few words before it.")
            group, prefix, encoder = ("c", req.context), list(req.context), None
        at = len(prefix) - 1
        if len(req.target) == 1:
            singles.append((group, at, r))
            continue
        ids = prefix + list(req.target[:-1])
        key = (group, tuple(ids))
        row = add(key, ids, encoder)
        first_row.setdefault(group, key)
        row.reads.extend((at + j, t, r, j) for j, t in enumerate(req.target))
    for group, at, r in singles:
        key = first_row.get(group)
        if key is None:
            prefix = list(group[2] if group[0] == "s" else group[1])
            key = first_row[group] = (group, tuple(prefix))
            add(key, prefix, tuple(group[1]) if group[0] == "s" else None)
        rows[key].reads.append((at, requests[r].target[0], r, 0))
    return list(rows.values())


def _batches(rows: list[_Row]):
    """Rows longest first, at most BATCH_ROWS a batch and about BATCH_TOKENS padded tokens."""
    order = sorted(rows, key=lambda row: -row.size)
    batch: list[_Row] = []
    for row in order:
        if batch and (len(batch) >= BATCH_ROWS or (len(batch) + 1) * batch[0].size > BATCH_TOKENS):
            yield batch
            batch = []
        batch.append(row)
    if batch:
        yield batch


def _common_prefix(rows: list[_Row]) -> int:
    """How many leading tokens every row shares, before the first position any row reads."""
    if len(rows) < 2:
        return 0
    first = rows[0].ids
    n = min(min(len(r.ids) for r in rows) - 1, min(p for r in rows for p, *_ in r.reads))
    for r in rows[1:]:
        i = 0
        while i < n and r.ids[i] == first[i]:
            i += 1
        n = i
    return max(n, 0)


LSE_CHUNK = 64  # positions whose logits are copied to float64 at a time (64 x 49,152 x 8 bytes = 25 MB)


def _float64(logits):
    """`logits` in float64 (on the CPU where the device has no float64: Apple's MPS)."""
    return (logits.cpu() if logits.device.type == "mps" else logits).double()


def log_probs(logits):
    """log_softmax over the last axis, in float64: the log-probabilities of one position's tokens (or a few). On
    MPS the result is on the CPU: index it with tensors from its own `.device`."""
    return _float64(logits).log_softmax(-1)


def probs(logits):
    """softmax over the last axis, in float64 (see `log_probs`)."""
    return _float64(logits).softmax(-1)


def log_normalizers(logits):
    """log Σ exp(logits) over the last axis, in float64 on the CPU, for (N, V) logits: chunked, so that a batch that
    reads thousands of positions never holds a float64 copy of all their logits at once."""
    import torch

    out = torch.empty(logits.shape[0], dtype=torch.float64)
    for i in range(0, logits.shape[0], LSE_CHUNK):
        out[i:i + LSE_CHUNK] = torch.logsumexp(_float64(logits[i:i + LSE_CHUNK]), -1).cpu()
    return out


def keeps_logits(model) -> bool:
    """Whether the model's forward takes logits_to_keep (then only the positions read meet the output layer)."""
    try:
        return "logits_to_keep" in inspect.signature(model.forward).parameters
    except (TypeError, ValueError):
        return False


def work(family: str, requests: list[ScoreRequest]) -> int:
    """How many token positions scoring `requests` reads (before rows are shared): the work limit's measure,
    counted without building a row. A masked word of n pieces reads its sentence n times (left to right)."""
    total = 0
    for q in requests:
        n = len(q.target)
        if family == "masked":
            total += n * (len(q.context) + n + len(q.after))
        else:
            total += len(q.context) + len(q.decoder) + n
    return total


# ---- the forward passes ------------------------------------------------------------------------


def score(model, family: str, requests: list[ScoreRequest], *, pad: int, mask_id: int | None = None,
          report=None, share_prefix: bool = True) -> list[Scored]:
    """Score every request (see the module docstring), batched. `report(done, total)` hears the rows done."""
    import torch

    requests = list(requests)
    rows = _rows(family, requests, mask_id)
    dev = model.device
    keep = keeps_logits(model) and family != "seq2seq"
    shared = _common_prefix(rows) if share_prefix and family == "causal" else 0
    cache = None
    if shared >= MIN_SHARED_PREFIX:
        prefix = torch.tensor([rows[0].ids[:shared]], device=dev)
        with torch.inference_mode():
            cache = model(input_ids=prefix, attention_mask=torch.ones_like(prefix), use_cache=True,
                          **({"logits_to_keep": 1} if keep else {})).past_key_values
    else:
        shared = 0
    found: list[list] = [[None] * len(q.target) for q in requests]  # (logprob, rank, top) per piece
    pending: dict[int, object] = {}  # request -> its first position's log-probabilities, until the sum is known
    first_rank = [0] * len(requests)
    done = 0
    for batch in _batches(rows):
        if report is not None:
            report(done, len(rows))
        longest = max(len(r.ids) for r in batch) - shared
        own = [r.ids[shared:] for r in batch]
        ids = torch.tensor([r + [pad] * (longest - len(r)) for r in own], device=dev)
        mask = torch.tensor([[1] * (shared + len(r)) + [0] * (longest - len(r)) for r in own], device=dev)
        kwargs: dict = {"input_ids": ids, "attention_mask": mask}
        if family == "seq2seq":
            enc_len = max(len(r.encoder) for r in batch)
            kwargs = {"input_ids": torch.tensor([list(r.encoder) + [pad] * (enc_len - len(r.encoder)) for r in batch],
                                                device=dev),
                      "attention_mask": torch.tensor([[1] * len(r.encoder) + [0] * (enc_len - len(r.encoder))
                                                     for r in batch], device=dev),
                      "decoder_input_ids": ids, "decoder_attention_mask": mask, "use_cache": False}
        elif cache is not None:
            past = copy.deepcopy(cache)
            past.batch_repeat_interleave(len(batch))
            kwargs.update(past_key_values=past, use_cache=True)
        elif family == "causal":
            kwargs["use_cache"] = False
        wanted = torch.zeros(len(batch), longest, dtype=torch.bool)
        for b, row in enumerate(batch):
            for p, *_ in row.reads:
                wanted[b, p - shared] = True
        if keep:
            kwargs["logits_to_keep"] = wanted.to(dev)
        with torch.inference_mode():
            logits = model(**kwargs).logits
            flat = logits if keep else logits[wanted.to(dev)]  # (positions read, V), row by row
            lse = log_normalizers(flat)  # float64 (positions read,)
            where = {}
            for b, p in wanted.nonzero().tolist():
                where[(b, p)] = len(where)
            index, tokens, owners = [], [], []
            for b, row in enumerate(batch):
                for p, t, r, j in row.reads:
                    index.append(where[(b, p - shared)])
                    tokens.append(t)
                    owners.append((r, j))
            at = torch.tensor(index, device=flat.device)
            rows_logits = flat[at]  # (reads, V), the model's dtype
            chosen = rows_logits.gather(1, torch.tensor(tokens, device=flat.device)[:, None])  # (reads, 1)
            # a rank compares logits: log-softmax subtracts the same number from a whole row
            ranks = ((rows_logits > chosen).sum(-1, dtype=torch.int32) + 1).tolist()
            values = (chosen[:, 0].double().cpu() - lse[at.cpu()]).tolist()
            for n, (r, j) in enumerate(owners):
                k = requests[r].top
                top = ()
                if k:
                    tv, ti = rows_logits[n].topk(min(k, rows_logits.shape[-1]))
                    top = tuple(zip(ti.tolist(), (tv.double().cpu() - lse[index[n]]).tolist()))
                found[r][j] = (values[n], ranks[n], top)
                if len(found[r]) == 1:
                    first_rank[r] = ranks[n]
                    continue
                if j == 0:
                    pending[r] = log_probs(rows_logits[n])
                if r in pending and all(x is not None for x in found[r]):
                    total = sum(x[0] for x in found[r])
                    first_rank[r] = int((pending.pop(r) > total).sum()) + 1
        done += len(batch)
    return [Scored(tuple(x[0] for x in f), tuple(x[1] for x in f), first_rank[r],
                   tuple(x[2] for x in f) if requests[r].top else ())
            for r, f in enumerate(found)]


# ---- hidden states -----------------------------------------------------------------------------


def hidden_states(model, family: str, rows: list, *, pad: int, all_layers: bool = False, report=None) -> list:
    """Each row's hidden states, batched like the scores (longest first, right-padded, with an attention
    mask, so a real token's position is what it is unpadded): (T, d) float32 numpy per row from the last
    layer, or (L + 1, T, d) with the embeddings and every layer when `all_layers`. The model's body runs
    without its head (no logits are computed); a seq2seq model's encoder runs."""
    import torch

    body = model.get_encoder() if family == "seq2seq" else model.base_model
    order = [_Row(list(r)) for r in rows]
    if any(not r.ids for r in order):
        raise InputError("A row to embed has no tokens.")
    where = {id(r): i for i, r in enumerate(order)}
    out: list = [None] * len(order)
    dev, done = model.device, 0
    for batch in _batches(order):
        if report is not None:
            report(done, len(order))
        longest = len(batch[0].ids)
        ids = torch.tensor([r.ids + [pad] * (longest - len(r.ids)) for r in batch], device=dev)
        mask = torch.tensor([[1] * len(r.ids) + [0] * (longest - len(r.ids)) for r in batch], device=dev)
        kwargs = {"use_cache": False} if family == "causal" else {}
        with torch.inference_mode():
            result = body(input_ids=ids, attention_mask=mask, output_hidden_states=all_layers, **kwargs)
            h = torch.stack(result.hidden_states, 1) if all_layers else result.last_hidden_state  # (B, [L+1,] T, d)
            h = h.float().cpu().numpy()
        for b, row in enumerate(batch):
            out[where[id(row)]] = h[b, ..., : len(row.ids), :]
        done += len(batch)
    return out
