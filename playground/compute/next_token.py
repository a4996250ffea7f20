"""What the model expects next: logits, probabilities, temperature, per-prefix guesses, logit lens.

One forward pass gives a logit vector per position, shape (batch, positions, vocabulary). This
module turns it into plain data for every family:

- causal LMs (GPT-2, SmolLM2): the token after the prompt, and the best guess after every prefix;
- masked LMs (BERT, RoBERTa): the token at the mask, whatever the model spells it ([MASK], <mask>);
- seq2seq models (T5, BART): the next decoder token after an optional decoder prefix.

`next_token` runs the model once and keeps the chosen position's whole logit vector, so that
`distribution` can re-shape it for any temperature and k without another forward pass (it needs
numpy only). Temperature never changes the order of the tokens, so the top MAX_K ids by logit are
the top MAX_K at every T > 0; their spellings are decoded once, in `next_token`.

Pure: no gradio, no plotly. torch is imported inside the functions that run the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError
from .tokenize import token_bytes, tokenizer_kind

MAX_K = 50  # the largest top-k the views offer
GENERIC_MASKS = ("[MASK]", "<mask>")  # accepted for any masked LM and rewritten to its own spelling


# ---- result types ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromptToken:
    position: int
    id: int
    token: str  # display text: the decoded token, or its bytes as <0xE6> when it is a lone byte piece
    special: bool


@dataclass(frozen=True)
class Candidate:
    """One vocabulary entry in a distribution. `prob`/`logprob` are at the distribution's temperature."""

    rank: int  # 1 = most likely
    id: int
    token: str
    logit: float  # the raw logit, before temperature
    prob: float
    logprob: float  # natural log
    prob_t1: float  # the probability at T = 1, for comparison


@dataclass(frozen=True)
class PrefixRow:
    """The model's guess after the tokens 0..position, and how it rated the token that really follows."""

    position: int
    prefix: str  # the text of the tokens 0..position
    best_id: int
    best_token: str
    best_prob: float
    next_id: int | None  # None at the last position: nothing follows yet
    next_token: str | None
    next_prob: float | None
    next_rank: int | None  # 1 = the model's best guess

    @property
    def surprise_bits(self) -> float | None:
        """-log2 p(actual next token): 0 = fully expected; 10 = a 1-in-1024 surprise."""
        if self.next_prob is None:
            return None
        return -math.log2(max(self.next_prob, 1e-45))


@dataclass(frozen=True, eq=False)
class NextTokenResult:
    """One forward pass. `logits` is the full float32 vector (vocabulary,) at the predicted position.

    `tokens` are the prompt's tokens (the encoder input for seq2seq models); `decoder_tokens` the
    decoder's so far (seq2seq only). `prefix` has one row per position of the predicted sequence
    (the prompt for causal LMs, the decoder tokens for seq2seq models; empty for masked LMs).
    """

    model: str
    family: str
    tokens: tuple[PromptToken, ...]
    decoder_tokens: tuple[PromptToken, ...]
    position: int  # index in `tokens` (causal, masked) or `decoder_tokens` (seq2seq) that is predicted from
    where: str  # in words: 'after the prompt', 'at [MASK] (1 of 2)', 'next decoder token'
    logits_shape: tuple[int, ...]  # the model's whole output: (batch, positions, vocabulary)
    logits: np.ndarray = field(repr=False)
    top_ids: tuple[int, ...] = ()  # the MAX_K highest logits, best first
    top_tokens: tuple[str, ...] = ()
    prefix: tuple[PrefixRow, ...] = ()
    notices: tuple[str, ...] = ()
    request: tuple = ()  # (model, device, dtype, prompt, decoder prefix, mask index, max tokens): what was run

    @property
    def vocab_size(self) -> int:
        return int(self.logits.shape[0])


@dataclass(frozen=True)
class Distribution:
    """The result's logits through softmax(logits / T). `top` is best first; T = 0 means argmax."""

    temperature: float
    top: tuple[Candidate, ...]
    top_mass: float  # the probability the top k hold together
    entropy: float  # nats, of the whole distribution at T
    total: float  # sum of every probability at T (1 up to rounding)
    notices: tuple[str, ...] = ()

    @property
    def entropy_bits(self) -> float:
        return self.entropy / math.log(2)

    @property
    def effective_choices(self) -> float:
        """exp(entropy): the number of equally likely tokens with the same uncertainty."""
        return math.exp(self.entropy)


@dataclass(frozen=True)
class PieceScore:
    id: int
    token: str
    prob: float
    logprob: float
    rank: int


@dataclass(frozen=True)
class ContinuationScore:
    """A chosen continuation scored in the predicted slot (at T = 1)."""

    text: str
    pieces: tuple[PieceScore, ...]
    logprob: float  # the sum of the pieces' log-probabilities (the chain rule)
    method: str  # 'one token' | 'chain rule over 3 tokens' | ...

    @property
    def prob(self) -> float:
        return math.exp(self.logprob)

    @property
    def multi_token(self) -> bool:
        return len(self.pieces) > 1


@dataclass(frozen=True)
class LensCell:
    ids: tuple[int, ...]  # the top tokens at this layer and position, best first
    tokens: tuple[str, ...]
    probs: tuple[float, ...]


@dataclass(frozen=True)
class LogitLens:
    """The final norm and unembedding applied to every layer's hidden state (nostalgebraist's logit lens).

    `cells[l][p]` is layer `layers[l]` at prompt position `tokens[p].position`; the last layer is
    the model's own output, which `final_max_abs_diff` checks (it should be 0 or about 1e-6).
    """

    model: str
    tokens: tuple[PromptToken, ...]  # the positions shown (the last `max_positions` of the prompt)
    layers: tuple[str, ...]  # 'embeddings', 'layer 1', …, 'layer L'
    cells: tuple[tuple[LensCell, ...], ...]
    final_max_abs_diff: float
    notices: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {
            "model": self.model,
            "tokens": [t.__dict__.copy() for t in self.tokens],
            "layers": list(self.layers),
            "cells": [
                [{"top": [{"token": t, "id": i, "prob": p} for t, i, p in zip(c.tokens, c.ids, c.probs)]}
                 for c in row]
                for row in self.cells
            ],
            "final_max_abs_diff": self.final_max_abs_diff,
            "notices": list(self.notices),
        }


# ---- token spelling ----------------------------------------------------------------------------


def token_label(tokenizer, token_id: int) -> str:
    """How a token reads: its decoded text, or its bytes (<0xE6>) when it is a lone byte piece."""
    text = tokenizer.decode([int(token_id)], skip_special_tokens=False, clean_up_tokenization_spaces=False)
    if "\ufffd" not in text:
        return text
    piece = tokenizer.convert_ids_to_tokens(int(token_id))
    raw = token_bytes(piece, tokenizer_kind(tokenizer)) if isinstance(piece, str) else b""
    return "".join(f"<0x{b:02X}>" for b in raw) or text


def _prompt_tokens(tokenizer, ids: list[int]) -> tuple[PromptToken, ...]:
    special = set(getattr(tokenizer, "all_special_ids", []) or [])
    return tuple(PromptToken(i, int(t), token_label(tokenizer, t), int(t) in special) for i, t in enumerate(ids))


# ---- preparing the inputs ----------------------------------------------------------------------


@dataclass
class _Inputs:
    ids: list[int]  # the prompt (the encoder input for seq2seq)
    decoder_ids: list[int] | None  # seq2seq only
    position: int  # where the prediction is read, in ids (causal, masked) or decoder_ids (seq2seq)
    where: str
    notices: list[str]


def context_length(model) -> int | None:
    """The most positions the model accepts, or None when it has no fixed limit (T5's relative positions)."""
    config = model.config
    for attr in ("max_position_embeddings", "n_positions", "n_ctx"):
        value = getattr(config, attr, None)
        if isinstance(value, int) and value > 0:
            return value
    return None


def _fit(ids: list[int], limit: int, why: str, notices: list[str], keep_first: bool = False) -> list[int]:
    """At most `limit` ids, keeping the end (and with `keep_first` the [CLS] / <s> in front); says so."""
    if len(ids) <= limit:
        return ids
    notices.append(f"The text has {len(ids):,} tokens and {why}: only the last {limit:,} are read.")
    if keep_first:
        return ids[:1] + ids[len(ids) - limit + 1:]
    return ids[len(ids) - limit:]


def _limit(loaded, max_tokens: int) -> tuple[int, str]:
    context = context_length(loaded.model)
    if context is not None and context <= max_tokens:
        return context, f"the model's context is {context:,} tokens"
    return max_tokens, f"this app reads at most {max_tokens:,} tokens (PLAYGROUND_MAX_PROMPT_TOKENS)"


def prepare(loaded, prompt: str, *, decoder_prefix: str = "", mask_index: int = 0, max_tokens: int = 1024) -> _Inputs:
    """Token ids for one prediction, with what was changed on the way (truncation, BOS, mask spelling)."""
    if not isinstance(prompt, str):
        raise InputError("The prompt must be text.")
    tok, family = loaded.tokenizer, loaded.spec.family
    notices: list[str] = []
    limit, why = _limit(loaded, max_tokens)

    if family == "causal":
        if any(m in prompt for m in GENERIC_MASKS):
            notices.append(
                f"{loaded.spec.name} is a causal model: it reads [MASK] as plain text and predicts what comes "
                "after the whole prompt. Fill-in-the-blank needs a masked LM (e.g. bert-base-uncased)."
            )
        ids = list(tok(prompt, add_special_tokens=True)["input_ids"]) if prompt else []
        if not ids:
            if tok.bos_token_id is None:
                raise InputError(
                    f"The prompt is empty and {loaded.spec.name} has no beginning-of-sequence token to start "
                    "from. Type a few words."
                )
            ids = [tok.bos_token_id]
            notices.append(
                f"The prompt is empty, so the model starts from its beginning-of-sequence token "
                f"{tok.bos_token!r}: this is what it expects to open a text."
            )
        ids = _fit(ids, limit, why, notices)
        return _Inputs(ids, None, len(ids) - 1, "after the prompt", notices)

    if family == "masked":
        mask = tok.mask_token
        if mask is None or tok.mask_token_id is None:
            raise InputError(f"{loaded.spec.name} has no mask token, so it cannot fill a blank.")
        text = prompt
        for generic in GENERIC_MASKS:
            if generic != mask:
                text = text.replace(generic, mask)
        ids = list(tok(text, add_special_tokens=True)["input_ids"])
        ids = _fit(ids, limit, why, notices, keep_first=True)
        masks = [i for i, t in enumerate(ids) if t == tok.mask_token_id]
        if not masks:
            raise InputError(
                f"No mask in the text. Put {mask} where the missing word goes, e.g. "
                f"\"The capital of France is {mask}.\" ({loaded.spec.name} spells its mask token {mask}; "
                "[MASK] and <mask> are accepted too)."
            )
        if not 0 <= mask_index < len(masks):
            raise InputError(f"The text has {len(masks)} mask(s); choose a mask number from 1 to {len(masks)}.")
        where = f"at {mask}"
        if len(masks) > 1:
            where += f" ({mask_index + 1} of {len(masks)})"
            notices.append(
                f"The text has {len(masks)} masks. Showing mask {mask_index + 1} (position {masks[mask_index]}); "
                "the others stay masked while it is predicted. Choose another mask under Options."
            )
        return _Inputs(ids, None, masks[mask_index], where, notices)

    if family == "seq2seq":
        if not prompt.strip():
            raise InputError("The encoder needs a text: type one (e.g. \"translate English to French: The house\").")
        ids = list(tok(prompt, add_special_tokens=True)["input_ids"])
        ids = _fit(ids, limit, why, notices)
        start = loaded.model.config.decoder_start_token_id
        if start is None:
            start = tok.pad_token_id if tok.pad_token_id is not None else 0
        decoder = [start] + list(tok(decoder_prefix or "", add_special_tokens=False)["input_ids"])
        if len(decoder) > limit:
            raise InputError(f"The decoder prefix is too long: {why}. Shorten it.")
        return _Inputs(ids, decoder, len(decoder) - 1, "next decoder token", notices)

    raise InputError(
        f"{loaded.spec.name} is a {family} model with no language-model head: it cannot predict tokens. "
        "Choose a causal, masked or seq2seq model."
    )


def _forward(loaded, inputs: _Inputs, *, hidden_states: bool = False):
    import torch

    dev = loaded.device
    ids = torch.tensor([inputs.ids], device=dev)
    kwargs = {"input_ids": ids, "attention_mask": torch.ones_like(ids)}
    if inputs.decoder_ids is not None:
        kwargs["decoder_input_ids"] = torch.tensor([inputs.decoder_ids], device=dev)
    with torch.inference_mode():
        return loaded.model(**kwargs, output_hidden_states=hidden_states, use_cache=False)


# ---- next token --------------------------------------------------------------------------------


def next_token(
    loaded, prompt: str, *, decoder_prefix: str = "", mask_index: int = 0, max_tokens: int = 1024,
    reuse: NextTokenResult | None = None,
) -> NextTokenResult:
    """Run the model once on `prompt` and keep the distribution of the token it predicts next.
    `reuse`: an earlier result, returned as is when it came from the same model, device and inputs."""
    import torch

    request = (loaded.spec.name, loaded.device, loaded.dtype, prompt, decoder_prefix, mask_index, max_tokens)
    if reuse is not None and reuse.request == request:
        return reuse
    tok = loaded.tokenizer
    inputs = prepare(loaded, prompt, decoder_prefix=decoder_prefix, mask_index=mask_index, max_tokens=max_tokens)
    out = _forward(loaded, inputs)
    logits = out.logits[0].float()  # (T, V)
    vector = logits[inputs.position]
    top = torch.topk(vector, min(MAX_K, vector.shape[0]))
    top_ids = tuple(int(i) for i in top.indices)

    seq = inputs.decoder_ids if inputs.decoder_ids is not None else inputs.ids
    prefix: tuple[PrefixRow, ...] = ()
    if loaded.spec.family in ("causal", "seq2seq"):
        prefix = _prefix_rows(tok, seq, logits)
    return NextTokenResult(
        model=loaded.spec.name,
        family=loaded.spec.family,
        tokens=_prompt_tokens(tok, inputs.ids),
        decoder_tokens=_prompt_tokens(tok, inputs.decoder_ids) if inputs.decoder_ids is not None else (),
        position=inputs.position,
        where=inputs.where,
        logits_shape=tuple(out.logits.shape),
        logits=vector.cpu().numpy().astype(np.float32),
        top_ids=top_ids,
        top_tokens=tuple(token_label(tok, i) for i in top_ids),
        prefix=prefix,
        notices=tuple(inputs.notices),
        request=request,
    )


def _prefix_rows(tok, seq: list[int], logits) -> tuple[PrefixRow, ...]:
    """For every position: the argmax after the prefix, and the actual next token's probability and rank."""
    import torch

    logp = torch.log_softmax(logits, dim=-1)  # (T, V)
    best_lp, best = logp.max(dim=-1)
    nxt = torch.tensor(seq[1:], device=logits.device)
    n = len(seq) - 1
    rows_lp = logp[torch.arange(n, device=logits.device), nxt] if n else best_lp[:0]
    # rank = 1 + how many tokens the model liked strictly more than the one that follows
    actual = logits[torch.arange(n, device=logits.device), nxt].unsqueeze(-1) if n else None
    ranks = (logits[:n] > actual).sum(-1, dtype=torch.int32) + 1 if n else []  # int32: twice as fast as bool.sum
    labels: dict[int, str] = {}

    def label(i: int) -> str:
        if i not in labels:
            labels[i] = token_label(tok, i)
        return labels[i]

    rows = []
    for p, prefix in enumerate(_decode_prefixes(tok, seq)):
        has_next = p < n
        rows.append(PrefixRow(
            position=p,
            prefix=prefix,
            best_id=int(best[p]),
            best_token=label(int(best[p])),
            best_prob=float(best_lp[p].exp()),
            next_id=int(seq[p + 1]) if has_next else None,
            next_token=label(int(seq[p + 1])) if has_next else None,
            next_prob=float(rows_lp[p].exp()) if has_next else None,
            next_rank=int(ranks[p]) if has_next else None,
        ))
    return tuple(rows)


def check_params(temperature, top_k) -> tuple[float, int]:
    """(T, k) as numbers, or an InputError saying what is allowed. Call it before a forward pass, so a
    bad value costs nothing; numbers given as text (an API call) are accepted."""

    def number(value) -> float:
        try:
            return float(value)
        except (TypeError, ValueError):
            return math.nan

    t, k = number(temperature), number(top_k)
    if not (math.isfinite(t) and t >= 0):
        raise InputError(f"Choose a temperature 0 or more (0 means always the top token); got {temperature!r}.")
    if not (k.is_integer() and 1 <= k <= MAX_K):
        raise InputError(f"k must be a whole number from 1 to {MAX_K}; got {top_k!r}.")
    return t, int(k)


def _decode_prefixes(tok, seq: list[int]) -> list[str]:
    """The text of seq[:1], seq[:2], …: one batched call into the Rust tokenizer where there is one
    (tokenizer.decode converts every prefix list in Python first: quadratic, ~0.3 s at 1,024 tokens)."""
    prefixes = [seq[: p + 1] for p in range(len(seq))]
    backend = getattr(tok, "backend_tokenizer", None)
    if backend is not None:
        return backend.decode_batch(prefixes, skip_special_tokens=False)
    return [tok.decode(ids, skip_special_tokens=False, clean_up_tokenization_spaces=False) for ids in prefixes]


def distribution(result: NextTokenResult, temperature: float = 1.0, top_k: int = 10) -> Distribution:
    """softmax(logits / T) over the whole vocabulary, its top k, their mass and the entropy. No forward pass."""
    temperature, top_k = check_params(temperature, top_k)
    k = min(top_k, len(result.top_ids))
    logits = result.logits.astype(np.float64)
    p1 = _softmax(logits, 1.0)
    notices = []
    if temperature == 0:
        p = np.zeros_like(p1)
        p[result.top_ids[0]] = 1.0
        notices.append("T = 0 is the limit of ever smaller temperatures: all the probability goes to the top "
                       "token (argmax, what greedy decoding picks).")
    else:
        p = _softmax(logits, temperature)
    with np.errstate(divide="ignore"):
        logp = np.log(p)
    nz = p > 0
    entropy = float(-(p[nz] * logp[nz]).sum())
    top = tuple(
        Candidate(rank=r + 1, id=i, token=result.top_tokens[r], logit=float(logits[i]), prob=float(p[i]),
                  logprob=float(logp[i]), prob_t1=float(p1[i]))
        for r, i in enumerate(result.top_ids[:k])
    )
    return Distribution(
        temperature=float(temperature), top=top, top_mass=float(sum(c.prob for c in top)),
        entropy=max(entropy, 0.0) + 0.0, total=float(p.sum()), notices=tuple(notices),
    )


def _softmax(logits: np.ndarray, temperature: float) -> np.ndarray:
    z = (logits - logits.max()) / temperature
    e = np.exp(z)
    return e / e.sum()


def entropy_curve(result: NextTokenResult, temperatures) -> list[tuple[float, float]]:
    """(T, entropy in bits) for each T > 0: how temperature flattens or sharpens the distribution."""
    logits = result.logits.astype(np.float64)
    out = []
    for t in temperatures:
        p = _softmax(logits, float(t))
        nz = p > 0
        out.append((float(t), float(-(p[nz] * np.log2(p[nz])).sum())))
    return out


def as_json(result: NextTokenResult, dist: Distribution) -> dict:
    """The API's answer: tokens, the top k (logit, prob), entropy and the per-prefix table."""
    return {
        "model": result.model,
        "family": result.family,
        "where": result.where,
        "tokens": [t.__dict__.copy() for t in result.tokens],
        "decoder_tokens": [t.__dict__.copy() for t in result.decoder_tokens],
        "position": result.position,
        "logits_shape": list(result.logits_shape),
        "temperature": dist.temperature,
        "top": [{"rank": c.rank, "token": c.token, "id": c.id, "logit": c.logit, "prob": c.prob,
                 "logprob": c.logprob if math.isfinite(c.logprob) else None} for c in dist.top],
        "top_k_mass": dist.top_mass,
        "entropy": dist.entropy,
        "entropy_bits": dist.entropy_bits,
        "prefix_table": [
            {"position": r.position, "prefix": r.prefix, "best_token": r.best_token, "best_id": r.best_id,
             "best_prob": r.best_prob, "next_token": r.next_token, "next_id": r.next_id, "next_prob": r.next_prob,
             "next_rank": r.next_rank}
            for r in result.prefix
        ],
        "notices": list(result.notices) + list(dist.notices),
    }


# ---- chosen continuations ----------------------------------------------------------------------


def parse_continuations(raw: str, *, leading_space: bool = True, max_items: int = 12) -> list[str]:
    """One continuation per line (or comma-separated on one line). With `leading_space`, 'night' → ' night'."""
    if not raw or not raw.strip():
        raise InputError("Type at least one continuation, e.g. night, day (one per line or separated by commas).")
    lines = raw.splitlines()
    items = lines if len(lines) > 1 else raw.split(",")
    words = []
    for item in items:
        word = item.strip() if leading_space else item.strip("\r\n")
        if not word.strip():
            continue
        if leading_space and not word[0].isspace():
            word = " " + word
        if word not in words:
            words.append(word)
    if not words:
        raise InputError("Every continuation is empty. Type words such as night, day.")
    if len(words) > max_items:
        raise InputError(f"At most {max_items} continuations at once (you typed {len(words)}).")
    return words


def score_continuations(
    loaded, prompt: str, words: list[str], *, decoder_prefix: str = "", mask_index: int = 0, max_tokens: int = 1024
) -> tuple[ContinuationScore, ...]:
    """log P(word | prompt) for each word, summed over its tokens (the chain rule), at T = 1.

    Causal and seq2seq models read each word after the prompt (decoder prefix) in one batched
    forward pass. A masked LM gets one mask per piece, filled left to right: an estimate, since a
    masked LM defines no single joint probability for several tokens.
    """
    tok = loaded.tokenizer
    inputs = prepare(loaded, prompt, decoder_prefix=decoder_prefix, mask_index=mask_index, max_tokens=max_tokens)
    pieces = []
    for word in words:
        ids = list(tok(word, add_special_tokens=False)["input_ids"])
        if not ids:
            raise InputError(f"The continuation {word!r} has no tokens in {loaded.spec.name}'s vocabulary.")
        pieces.append(ids)
    if loaded.spec.family == "masked":
        return tuple(_score_masked(loaded, inputs, w, ids) for w, ids in zip(words, pieces))
    return _score_batched(loaded, inputs, words, pieces, max_tokens)


def _method(n: int) -> str:
    return "one token" if n == 1 else f"chain rule over {n} tokens"


def _piece(tok, logp_row, logits_row, token_id: int) -> PieceScore:
    lp = float(logp_row[token_id])
    rank = int((logits_row > logits_row[token_id]).sum()) + 1
    return PieceScore(token_id, token_label(tok, token_id), math.exp(lp), lp, rank)


def _score_batched(loaded, inputs: _Inputs, words, pieces, max_tokens) -> tuple[ContinuationScore, ...]:
    import torch

    tok, dev = loaded.tokenizer, loaded.device
    seq2seq = inputs.decoder_ids is not None
    base = inputs.decoder_ids if seq2seq else inputs.ids
    limit, _ = _limit(loaded, max_tokens)
    longest = max(len(p) for p in pieces)
    if not seq2seq and len(base) + longest > limit:
        base = base[len(base) + longest - limit:]
    pad = tok.pad_token_id if tok.pad_token_id is not None else 0
    rows = [base + p + [pad] * (longest - len(p)) for p in pieces]
    mask = [[1] * (len(base) + len(p)) + [0] * (longest - len(p)) for p in pieces]
    batch = torch.tensor(rows, device=dev)
    with torch.inference_mode():
        if seq2seq:
            enc = torch.tensor([inputs.ids] * len(rows), device=dev)
            out = loaded.model(input_ids=enc, attention_mask=torch.ones_like(enc), decoder_input_ids=batch,
                               decoder_attention_mask=torch.tensor(mask, device=dev), use_cache=False)
        else:
            out = loaded.model(input_ids=batch, attention_mask=torch.tensor(mask, device=dev), use_cache=False)
        logits = out.logits.float()
        logp = torch.log_softmax(logits, dim=-1)
    scores = []
    for b, (word, ids) in enumerate(zip(words, pieces)):
        got = tuple(_piece(tok, logp[b, len(base) - 1 + i], logits[b, len(base) - 1 + i], t) for i, t in enumerate(ids))
        scores.append(ContinuationScore(word, got, sum(p.logprob for p in got), _method(len(ids))))
    return tuple(scores)


def _score_masked(loaded, inputs: _Inputs, word: str, ids: list[int]) -> ContinuationScore:
    import torch

    tok, dev = loaded.tokenizer, loaded.device
    at = inputs.position
    seq = inputs.ids[:at] + [tok.mask_token_id] * len(ids) + inputs.ids[at + 1:]
    got = []
    for i, t in enumerate(ids):  # fill the masks left to right, each piece seeing the ones before it
        batch = torch.tensor([seq], device=dev)
        with torch.inference_mode():
            logits = loaded.model(input_ids=batch, attention_mask=torch.ones_like(batch)).logits[0, at + i].float()
        got.append(_piece(tok, torch.log_softmax(logits, -1), logits, t))
        seq[at + i] = t
    method = "one token" if len(ids) == 1 else f"chain rule over {len(ids)} masks, filled left to right (an estimate)"
    return ContinuationScore(word, tuple(got), sum(p.logprob for p in got), method)


# ---- logit lens --------------------------------------------------------------------------------

_NORM_NAMES = ("norm", "ln_f", "final_layer_norm", "final_layernorm", "final_norm")


def _final_norm(model):
    base = getattr(model, "base_model", model)
    for owner in (base, getattr(base, "decoder", None)):
        for name in _NORM_NAMES:
            module = getattr(owner, name, None) if owner is not None else None
            if module is not None and callable(module):
                return module
    return None


def logit_lens(loaded, prompt: str, *, max_positions: int = 48, top: int = 5, max_tokens: int = 1024) -> LogitLens:
    """Each layer's hidden state read through the model's final norm and unembedding, at every position.

    transformers returns L + 1 hidden states: the embeddings, then each layer's output, the last one
    already passed through the final norm. So layers 0..L-1 get the norm here and the last is read
    as is; which convention the architecture uses is checked against the model's own logits.
    """
    import torch

    if loaded.spec.family != "causal":
        raise InputError(
            f"The logit lens reads a causal LM's layers through its unembedding; {loaded.spec.name} is a "
            f"{loaded.spec.family} model. Choose a causal model (SmolLM2, GPT-2)."
        )
    if not 1 <= max_positions <= 256:
        raise InputError("max_positions must be from 1 to 256.")
    model, tok = loaded.model, loaded.tokenizer
    inputs = prepare(loaded, prompt, max_tokens=max_tokens)
    out = _forward(loaded, inputs, hidden_states=True)
    hidden = out.hidden_states
    if hidden is None or len(hidden) < 2:
        raise InputError(f"{loaded.spec.name} does not return its hidden states, so the logit lens cannot read them.")
    unembed = model.get_output_embeddings()
    norm = _final_norm(model)
    if unembed is None or norm is None:
        raise InputError(f"The logit lens does not know where {type(model).__name__} keeps its final norm.")
    cap = getattr(model.config, "final_logit_softcapping", None)
    scale = getattr(model.config, "logit_scale", None)  # Cohere-style models multiply the logits

    def read(h, normed: bool):
        x = h if normed else norm(h)
        y = unembed(x).float()
        if scale:
            y = y * scale
        if cap:
            y = torch.tanh(y / cap) * cap
        return y

    notices = list(inputs.notices)
    n = len(inputs.ids)
    first = max(0, n - max_positions)
    if first:
        notices.append(f"The prompt has {n} tokens; the lens shows the last {max_positions}.")
    model_logits = out.logits[0, first:].float()
    with torch.inference_mode():
        # Which convention? Read the last position both ways (one vector each, not the whole prompt).
        last = hidden[-1][0, -1:]
        as_is = (read(last, True) - model_logits[-1:]).abs().max().item()
        renormed = (read(last, False) - model_logits[-1:]).abs().max().item()
        last_is_normed = as_is <= renormed
        diff = min(as_is, renormed)
        tolerance = 1e-3 * max(1.0, model_logits.abs().max().item())
        if diff > tolerance:
            raise InputError(
                f"The logit lens could not reproduce {loaded.spec.name}'s output from its last hidden state "
                f"(off by {diff:.3g}); this architecture applies something after the final norm that the lens "
                "does not know."
            )
        rows = []
        labels: dict[int, str] = {}
        for layer, h in enumerate(hidden):
            final = layer == len(hidden) - 1
            logits = read(h[0, first:], normed=final and last_is_normed)
            if final:  # the row the lens shows last must be the model's own output, at every position
                diff = (logits - model_logits).abs().max().item()
            probs = torch.softmax(logits, dim=-1)
            values, ids = torch.topk(probs, top, dim=-1)
            row = []
            for pos in range(ids.shape[0]):
                tids = tuple(int(i) for i in ids[pos])
                for t in tids:
                    if t not in labels:
                        labels[t] = token_label(tok, t)
                row.append(LensCell(tids, tuple(labels[t] for t in tids), tuple(float(v) for v in values[pos])))
            rows.append(tuple(row))
    layers = ("embeddings",) + tuple(f"layer {i}" for i in range(1, len(hidden)))
    return LogitLens(
        model=loaded.spec.name,
        tokens=_prompt_tokens(tok, inputs.ids)[first:],
        layers=layers,
        cells=tuple(rows),
        final_max_abs_diff=float(diff),
        notices=tuple(notices),
    )
