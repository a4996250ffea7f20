"""What the model expects next: one forward pass, the distribution at the predicted position,
re-shaped by temperature without another pass.

One forward pass gives a logit vector per position, shape (batch, positions, vocabulary). This
module turns it into plain data for every family:

- causal LMs (GPT-2, SmolLM2): the token after the prompt, which the model reads after its start
  token (the core's policy, `lm.inputs`); the best guess after every prefix is in `prefix`;
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

from ...errors import InputError
from ..lm import LM, NEXT_TOKEN, backend_of, has_mask

MAX_K = 50  # the largest top-k the views offer


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
    prefix: str  # the text of the tokens after the start token, up to this position ("" at the start token)
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


def prompt_tokens(b, ids) -> tuple[PromptToken, ...]:
    special = b.special_ids()
    return tuple(PromptToken(i, int(t), b.label(t), int(t) in special) for i, t in enumerate(ids))


# ---- preparing the inputs ----------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    """What one prediction reads: `ids` (the encoder's, for seq2seq), the decoder's ids (seq2seq), where
    the prediction is read (in `ids`, or in `decoder_ids` for seq2seq), and how many leading tokens
    the core put in front of the predicted sequence (the start token, the decoder start)."""

    ids: tuple[int, ...]
    decoder_ids: tuple[int, ...] | None
    position: int
    where: str
    notices: tuple[str, ...]
    lead: int


def prepare(lm: LM, prompt: str, *, decoder_prefix: str = "", mask_index: int = 0, max_tokens: int = 1024,
            reserve: int = 0) -> Inputs:
    """Token ids for one prediction, through the core (start token, mask spelling, truncation); `reserve`
    tokens are kept free for a continuation read after the prompt."""
    b = backend_of(lm)
    b.require(NEXT_TOKEN, "predicting the next token")
    if not isinstance(prompt, str):
        raise InputError("The prompt must be text.")
    family, name = b.family, b.name
    if family == "causal":
        enc = b.encode(prompt, max_tokens=max_tokens, reserve=reserve)
        notices = list(enc.notices)
        if has_mask(prompt):
            notices.insert(0, f"{name} is a causal model: it reads [MASK] as plain text and predicts what comes after "
                              "the whole prompt. Fill-in-the-blank needs a masked LM (e.g. bert-base-uncased).")
        return Inputs(enc.ids, None, len(enc.ids) - 1, "after the prompt", tuple(notices), enc.lead)
    if family == "masked":
        tok = b.tokenizer
        mask = tok.mask_token
        if mask is None or tok.mask_token_id is None:
            raise InputError(f"{name} has no mask token, so it cannot fill a blank.")
        enc = b.encode(prompt, max_tokens=max_tokens, reserve=reserve)
        notices = list(enc.notices)
        masks = [i for i, t in enumerate(enc.ids) if t == tok.mask_token_id]
        if not masks:
            raise InputError(
                f"No mask in the text. Put {mask} where the missing word goes, e.g. "
                f"\"The capital of France is {mask}.\" ({name} spells its mask token {mask}; "
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
        return Inputs(enc.ids, None, masks[mask_index], where, tuple(notices), enc.lead)
    if not prompt.strip():
        raise InputError("The encoder needs a text: type one (e.g. \"translate English to French: The house\").")
    enc = b.encode(prompt, max_tokens=max_tokens)
    dec = b.encode_decoder(decoder_prefix or "", max_tokens=max_tokens)
    return Inputs(enc.ids, dec.ids, len(dec.ids) - 1, "next decoder token", enc.notices, dec.lead)


# ---- next token --------------------------------------------------------------------------------


def next_token(
    lm: LM, prompt: str, *, decoder_prefix: str = "", mask_index: int = 0, max_tokens: int = 1024,
    reuse: NextTokenResult | None = None,
) -> NextTokenResult:
    """Run the model once on `prompt` and keep the distribution of the token it predicts next.
    `reuse`: an earlier result, returned as is when it came from the same model, device and inputs."""
    import torch

    from .prefix import prefix_rows

    b = backend_of(lm)
    request = (b.name, getattr(b, "device", None), getattr(b, "dtype", None), prompt, decoder_prefix, mask_index,
               max_tokens)
    if reuse is not None and reuse.request == request:
        return reuse
    inputs = prepare(b, prompt, decoder_prefix=decoder_prefix, mask_index=mask_index, max_tokens=max_tokens)
    out = b.forward(inputs.ids, decoder_ids=inputs.decoder_ids)
    logits = out.logits[0].float()  # (T, V)
    vector = logits[inputs.position]
    top = torch.topk(vector, min(MAX_K, vector.shape[0]))
    top_ids = tuple(int(i) for i in top.indices)
    seq = inputs.decoder_ids if inputs.decoder_ids is not None else inputs.ids
    prefix: tuple[PrefixRow, ...] = ()
    if b.family in ("causal", "seq2seq"):
        prefix = prefix_rows(b, seq, logits, inputs.lead)
    return NextTokenResult(
        model=b.name,
        family=b.family,
        tokens=prompt_tokens(b, inputs.ids),
        decoder_tokens=prompt_tokens(b, inputs.decoder_ids) if inputs.decoder_ids is not None else (),
        position=inputs.position,
        where=inputs.where,
        logits_shape=tuple(out.logits.shape),
        logits=vector.cpu().numpy().astype(np.float32),
        top_ids=top_ids,
        top_tokens=b.labels(top_ids),
        prefix=prefix,
        notices=inputs.notices,
        request=request,
    )


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

