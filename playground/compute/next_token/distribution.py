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

A backend that sends only the top N next tokens (a model behind a server: TOP_NEXT, not NEXT_TOKEN)
gives a *partial* result: the N log-probabilities at T = 1 are exact, the rest of the vocabulary was
not sent. Its distribution says so: no entropy (that needs every token), the mass of the rest shown as
what was not sent, and a temperature other than 1 re-shapes the N among themselves, labelled approximate.

Pure: no gradio, no plotly. torch is imported inside the functions that run the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ...errors import InputError
from ..lm import LM, NEXT_TOKEN, TOP_NEXT, backend_of, has_mask

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
    id: int | None  # None: a token a server named by a text that is not one token on its own
    token: str
    logit: float | None  # the raw logit, before temperature (None: a server sends log-probabilities, not logits)
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
    """One forward pass. `logits` is the full float32 vector (vocabulary,) at the predicted position;
    for a partial result (`sent` > 0: a server sent only its top `sent` tokens) it holds their log-probs
    at T = 1, most probable first, and `vocab` is the vocabulary size (0 when not known).

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
    sent: int = 0  # > 0: only the top `sent` tokens are known (the rest was not sent)
    vocab: int = 0  # the vocabulary size of a partial result (0: not known)

    @property
    def partial(self) -> bool:
        return self.sent > 0

    @property
    def vocab_size(self) -> int:
        return self.vocab if self.partial else int(self.logits.shape[0])


@dataclass(frozen=True)
class Distribution:
    """The result's logits through softmax(logits / T). `top` is best first; T = 0 means argmax."""

    temperature: float
    top: tuple[Candidate, ...]
    top_mass: float  # the probability the top k hold together
    entropy: float | None  # nats, of the whole distribution at T (None: partial, the rest was not sent)
    total: float  # sum of every probability at T (1 up to rounding); partial: of the tokens sent
    notices: tuple[str, ...] = ()
    sent: int = 0  # partial: how many tokens the server sent (0: the whole vocabulary is known)
    rest: float | None = None  # partial: the probability of the tokens not sent (known at T = 1 only)
    approximate: bool = False  # partial at T != 1: re-shaped over the tokens sent only

    @property
    def entropy_bits(self) -> float | None:
        return None if self.entropy is None else self.entropy / math.log(2)

    @property
    def effective_choices(self) -> float | None:
        """exp(entropy): the number of equally likely tokens with the same uncertainty."""
        return None if self.entropy is None else math.exp(self.entropy)


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
    if not b.supports(TOP_NEXT):
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
            raise InputError("{name} has no mask token, so it cannot fill a blank.", name=name)
        enc = b.encode(prompt, max_tokens=max_tokens, reserve=reserve)
        notices = list(enc.notices)
        masks = [i for i, t in enumerate(enc.ids) if t == tok.mask_token_id]
        if not masks:
            raise InputError(
                "No mask in the text. Put {mask} where the missing word goes, e.g. \"The capital of France is "
                "{mask}.\" ({name} spells its mask token {mask}; [MASK] and <mask> are accepted too).",
                mask=mask, name=name
            )
        if not 0 <= mask_index < len(masks):
            raise InputError("The text has {n} mask(s); choose a mask number from 1 to {n}.", n=len(masks))
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
    if not b.supports(NEXT_TOKEN):
        return _partial(b, inputs, request)
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


def _partial(b, inputs: Inputs, request: tuple) -> NextTokenResult:
    """The top MAX_K next tokens as the backend sends them (TOP_NEXT), with no forward pass here."""
    got = b.top_next(inputs.ids, MAX_K)
    if not got.logprobs:
        raise InputError("{model} sent no next tokens for this prompt; try another prompt.", model=b.name)
    vocab = got.vocab or 0
    of = f" of {vocab:,}" if vocab else ""
    notices = list(inputs.notices) + list(got.notices)
    notices.append(f"{b.name} sent its top {len(got.logprobs)}{of} next tokens with their log-probabilities; the rest "
                   "is not sent, so the entropy, the logits and the best guess after every prefix are not known here.")
    return NextTokenResult(
        model=b.name, family=b.family, tokens=prompt_tokens(b, inputs.ids), decoder_tokens=(),
        position=inputs.position, where=inputs.where, logits_shape=(),
        logits=np.asarray(got.logprobs, dtype=np.float64), top_ids=tuple(got.ids), top_tokens=tuple(
            b.label(i) if i is not None else text for i, text in zip(got.ids, got.texts)),
        prefix=(), notices=tuple(notices), request=request, sent=len(got.logprobs), vocab=vocab,
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
        raise InputError("Choose a temperature 0 or more (0 means always the top token); got {temperature!r}.",
                         temperature=temperature)
    if not (k.is_integer() and 1 <= k <= MAX_K):
        raise InputError("k must be a whole number from 1 to {max_k}; got {top_k!r}.", max_k=MAX_K, top_k=top_k)
    return t, int(k)



def distribution(result: NextTokenResult, temperature: float = 1.0, top_k: int = 10) -> Distribution:
    """softmax(logits / T) over the whole vocabulary, its top k, their mass and the entropy. No forward pass.
    A partial result (the top N a server sent) is re-shaped over those N (see `partial_distribution`)."""
    temperature, top_k = check_params(temperature, top_k)
    if result.partial:
        return partial_distribution(result, temperature, top_k)
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


def partial_distribution(result: NextTokenResult, temperature: float, top_k: int) -> Distribution:
    """The top N a server sent. At T = 1 their probabilities are exact and the rest, 1 - their sum, is the
    probability of the tokens not sent. T = 0 is exact too (all of it on the top token). At any other T the
    true re-shaped distribution needs every token's log-prob; softmax(logprobs / T) over the N sent is what
    can be shown, and it is labelled approximate: their share of the rest is not known."""
    lp = result.logits.astype(np.float64)  # (N,) log-probs at T = 1, most probable first
    p1 = np.exp(lp)
    n, of = result.sent, f" of {result.vocab:,}" if result.vocab else ""
    rest, approximate, notices = max(0.0, 1.0 - float(p1.sum())), False, []
    if temperature == 0:
        p = np.zeros_like(p1)
        p[0] = 1.0
        rest = 0.0
        notices.append("T = 0 is the limit of ever smaller temperatures: all the probability goes to the top "
                       "token (argmax, what greedy decoding picks).")
    elif temperature == 1:
        p = p1
    else:
        z = lp / temperature
        p = np.exp(z - z.max())
        p /= p.sum()
        rest, approximate = None, True
        notices.append(f"Approximate: T = {temperature:g} is applied to the top {n}{of} tokens the server sent, "
                       "as if they were all; how much of the probability the tokens not sent would take at this "
                       "temperature is not known (at T = 1 they hold "
                       f"{max(0.0, 1.0 - float(p1.sum())):.1%}).")
    with np.errstate(divide="ignore"):
        logp = np.log(p)
    top = tuple(Candidate(rank=r + 1, id=result.top_ids[r], token=result.top_tokens[r], logit=None,
                          prob=float(p[r]), logprob=float(logp[r]), prob_t1=float(p1[r]))
                for r in range(min(top_k, n)))
    return Distribution(temperature=float(temperature), top=top, top_mass=float(sum(c.prob for c in top)),
                        entropy=None, total=float(p.sum()), notices=tuple(notices), sent=n, rest=rest,
                        approximate=approximate)


def _softmax(logits: np.ndarray, temperature: float) -> np.ndarray:
    z = (logits - logits.max()) / temperature
    e = np.exp(z)
    return e / e.sum()


def entropy_curve(result: NextTokenResult, temperatures) -> list[tuple[float, float]]:
    """(T, entropy in bits) for each T > 0: how temperature flattens or sharpens the distribution. Empty for a
    partial result: the entropy needs every token's probability."""
    if result.partial:
        return []
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
        "logits_shape": list(result.logits_shape) if result.logits_shape else None,
        "temperature": dist.temperature,
        "top": [{"rank": c.rank, "token": c.token, "id": c.id, "logit": c.logit, "prob": c.prob,
                 "logprob": c.logprob if math.isfinite(c.logprob) else None} for c in dist.top],
        "top_k_mass": dist.top_mass,
        "entropy": dist.entropy,
        "entropy_bits": dist.entropy_bits,
        "partial": result.partial,  # True: only the top `sent` tokens were sent (a model behind a server)
        "sent": result.sent or None,
        "vocab_size": result.vocab_size or None,
        "rest_mass": dist.rest,  # partial: the probability of the tokens not sent (None where not known)
        "approximate": dist.approximate,
        "prefix_table": [
            {"position": r.position, "prefix": r.prefix, "best_token": r.best_token, "best_id": r.best_id,
             "best_prob": r.best_prob, "next_token": r.next_token, "next_id": r.next_id, "next_prob": r.next_prob,
             "next_rank": r.next_rank}
            for r in result.prefix
        ],
        "notices": list(result.notices) + list(dist.notices),
    }

