"""Attention weights of every family, attention rollout, and self-attention by hand (lessons 19–21).

One forward pass with output_attentions=True gives, per layer, a (batch, heads, query, key) tensor
of softmax weights: row i says how much position i reads from every position j. This module turns
it into plain numpy data for each family:

- decoders (GPT-2, SmolLM2): causal self-attention, zero above the diagonal;
- encoders (BERT, MiniLM): bidirectional self-attention, optionally over a sentence pair A/B;
- encoder-decoders (T5, BART): encoder self-attention, decoder self-attention (causal) and
  cross-attention from every decoder position to every encoder position.

Grouped-query models (SmolLM2: 9 query heads share 3 key/value heads) are shown per query head,
as transformers' eager attention returns them (repeat_kv copies each key/value head to its group).

The text is read as every tab reads it (the core, `lm`): a causal LM sees its start token first,
which is where most heads park the attention they do not need (the "sink").

Pure: no gradio, no plotly. torch is imported inside the functions that run the model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ...errors import InputError
from ..lm import ATTENTIONS, LM, backend_of

MAX_TOKENS = 256  # heatmaps, rollout and the API: layers x heads x tokens² weights (SmolLM2: 71 MB at 256)
BERTVIZ_MAX_TOKENS = 128  # the head and model views draw one SVG line per (query, key) pair and head
NEURON_MAX_TOKENS = 40  # the neuron view also ships every query and key vector of every head
BY_HAND_MAX_TOKENS = 64  # the by-hand panel draws every step as a tokens x tokens heatmap
DECODER_MAX_NEW_TOKENS = 16  # an empty decoder text: the model's own greedy output, up to this many tokens


# ---- result types ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class AttentionResult:
    """Every attention weight of one forward pass, as float32 numpy arrays.

    weights          (layers, heads, T, T): self-attention (the encoder's, for encoder-decoders);
                     weights[l, h, i, j] = how much query position i reads from key position j.
    decoder_weights  (layers, heads, S, S): decoder self-attention (encoder-decoders only).
    cross_weights    (layers, heads, S, T): decoder position i reading encoder position j.
    Every row sums to 1. tokens / decoder_tokens: the tokens as they read (decoded), in order.
    """

    model: str
    family: str  # causal | masked | encoder | seq2seq
    arch: str  # config.model_type, e.g. llama, bert, gpt2, t5
    tokens: tuple[str, ...]
    special: tuple[bool, ...]
    weights: np.ndarray
    causal: bool
    num_kv_heads: int
    sentence_b_start: int | None = None
    decoder_tokens: tuple[str, ...] = ()
    decoder_special: tuple[bool, ...] = ()
    decoder_weights: np.ndarray | None = None
    cross_weights: np.ndarray | None = None
    notices: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def num_layers(self) -> int:
        return int(self.weights.shape[0])

    @property
    def num_heads(self) -> int:
        return int(self.weights.shape[1])

    @property
    def grouped(self) -> bool:
        return self.num_kv_heads < self.num_heads

    def kv_head(self, head: int) -> int:
        """The key/value head a query head reads (grouped-query attention); the head itself otherwise."""
        return head // (self.num_heads // self.num_kv_heads)

    def kinds(self) -> tuple[str, ...]:
        return ("encoder", "decoder", "cross") if self.family == "seq2seq" else ("self",)

    def stack(self, kind: str = "self") -> np.ndarray:
        if kind in ("self", "encoder"):
            return self.weights
        if kind == "decoder" and self.decoder_weights is not None:
            return self.decoder_weights
        if kind == "cross" and self.cross_weights is not None:
            return self.cross_weights
        raise InputError("{model} ({family}) has no {kind} attention: choose one of {items}.", model=self.model,
                         family=self.family, kind=kind, items=', '.join(self.kinds()))

    def axes(self, kind: str = "self") -> tuple[tuple[str, ...], tuple[str, ...], tuple[bool, ...], tuple[bool, ...]]:
        """(query tokens, key tokens, query special, key special) of an attention kind."""
        if kind in ("self", "encoder"):
            return self.tokens, self.tokens, self.special, self.special
        if kind == "decoder":
            return self.decoder_tokens, self.decoder_tokens, self.decoder_special, self.decoder_special
        return self.decoder_tokens, self.tokens, self.decoder_special, self.special

    def matrix(self, layer: int, head: int | None, kind: str = "self") -> np.ndarray:
        """One head's (query, key) matrix, or the mean over heads when head is None."""
        stack = self.stack(kind)
        check_layer_head(layer, head, stack.shape[0], stack.shape[1])
        return stack[layer].mean(axis=0) if head is None else stack[layer, head]

    def as_json(self, layer: int, head: int) -> dict:
        check_layer_head(layer, head, self.num_layers, self.num_heads)
        return {
            "model": self.model, "family": self.family, "tokens": list(self.tokens), "layer": int(layer),
            "head": int(head), "kv_head": self.kv_head(head), "num_layers": self.num_layers,
            "num_heads": self.num_heads, "num_kv_heads": self.num_kv_heads, "causal": self.causal,
            "weights": np.round(self.weights[layer, head].astype(np.float64), 7).tolist(),
            "notices": list(self.notices),
        }


def check_layer_head(layer, head, num_layers: int, num_heads: int) -> None:
    if not isinstance(layer, (int, np.integer)) or not 0 <= layer < num_layers:
        raise InputError("Layer {layer} is out of range: this model has layers 0 to {num_layers_1}.",
                         layer=layer, num_layers_1=num_layers - 1)
    if head is not None and (not isinstance(head, (int, np.integer)) or not 0 <= head < num_heads):
        raise InputError("Head {head} is out of range: this model has heads 0 to {num_heads_1} in each layer.",
                         head=head, num_heads_1=num_heads - 1)


def as_index(value, what: str) -> int:
    """A layer or head number from a widget or the API (floats from sliders, strings from clients)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError("The {what} must be a whole number, counted from 0; got {value!r}.", what=what,
                         value=value) from None
    if number != int(number):
        raise InputError("The {what} must be a whole number, counted from 0; got {value!r}.", what=what,
                         value=value)
    return int(number)



# ---- running the model -------------------------------------------------------------------------


def token_labels(b, ids) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    special = b.special_ids()
    return b.labels(ids), tuple(int(t) in special for t in ids)


def cap(n: int, limit: int, what: str) -> None:
    if n > limit:
        raise InputError(
            "The text has {n} tokens; {what} take at most {limit}. Shorten the text to {limit} tokens or fewer.",
            n=n, what=what, limit=limit
        )


def _num_kv_heads(config, num_heads: int) -> int:
    kv = getattr(config, "num_key_value_heads", None)
    return int(kv) if isinstance(kv, int) and 0 < kv <= num_heads and num_heads % kv == 0 else num_heads


def _stack(attentions) -> np.ndarray:
    import torch

    return torch.stack([a[0].float() for a in attentions]).cpu().numpy()  # (layers, heads, q, k)


def encode(lm: LM, text: str, text_b: str = "", *, max_tokens: int = MAX_TOKENS, what: str = "the attention views"):
    """(ids, token type ids or None, where sentence B starts or None) for one self-attention input, read
    through the core; over `max_tokens` is refused (the views draw tokens² cells)."""
    b = backend_of(lm)
    if not isinstance(text, str) or not text.strip():
        raise InputError("Type a text to look at (a sentence or two).")
    text_b = (text_b or "").strip() if isinstance(text_b, str) else ""
    if text_b:
        pair = b.encode_pair(text, text_b)
        cap(len(pair.ids), max_tokens, what)
        return list(pair.ids), list(pair.token_types) if pair.token_types else None, pair.b_start
    ids = list(b.encode(text, max_tokens=max(max_tokens * 4, 1024)).ids)
    cap(len(ids), max_tokens, what)
    return ids, None, None


def attention(lm: LM, text: str, text_b: str = "", decoder_text: str = "", *, max_tokens: int = MAX_TOKENS,
              what: str = "the attention views") -> AttentionResult:
    """Every layer's attention weights for `text` (and sentence B, or the decoder text), as numpy."""
    b = backend_of(lm)
    b.require(ATTENTIONS, "the attention views")
    family = b.family
    start = time.perf_counter()
    ids, types, b_start = encode(b, text, text_b, max_tokens=max_tokens, what=what)
    notices: list[str] = []
    tokens, special = token_labels(b, ids)
    config = b.model.config
    arch = getattr(config, "model_type", "?")

    if family == "seq2seq":
        decoder_ids = _decoder_ids(b, ids, decoder_text, max_tokens, notices)
        out = b.forward(ids, decoder_ids=decoder_ids, attentions=True)
        check_attentions(b, out.encoder_attentions)
        enc = _stack(out.encoder_attentions)
        dec_tokens, dec_special = token_labels(b, decoder_ids)
        return AttentionResult(
            model=b.name, family=family, arch=arch, tokens=tokens, special=special, weights=enc,
            causal=False, num_kv_heads=enc.shape[1], decoder_tokens=dec_tokens, decoder_special=dec_special,
            decoder_weights=_stack(out.decoder_attentions), cross_weights=_stack(out.cross_attentions),
            notices=tuple(notices), seconds=time.perf_counter() - start,
        )

    out = b.forward(ids, token_type_ids=types, attentions=True)
    check_attentions(b, out.attentions)
    weights = _stack(out.attentions)
    return AttentionResult(
        model=b.name, family=family, arch=arch, tokens=tokens, special=special, weights=weights,
        causal=family == "causal", num_kv_heads=_num_kv_heads(config, weights.shape[1]), sentence_b_start=b_start,
        notices=tuple(notices), seconds=time.perf_counter() - start,
    )


def check_attentions(b, attentions) -> None:
    if not attentions or any(a is None for a in attentions):
        raise InputError(
            "{model} returned no attention weights. Load it with eager attention (attn_implementation='eager'): "
            "other implementations do not return them.", model=b.name
        )


def _decoder_ids(b, enc_ids, decoder_text: str, max_tokens: int, notices: list[str]) -> list[int]:
    """The decoder input: the start token plus the given text, or the model's own greedy output."""
    decoder_text = (decoder_text or "").strip() if isinstance(decoder_text, str) else ""
    if decoder_text:
        ids = list(b.encode_decoder(decoder_text, max_tokens=max(max_tokens * 4, 1024)).ids)
        cap(len(ids), max_tokens, "the decoder input of the attention views")
        return ids
    new = b.generate_many([enc_ids], max_new_tokens=DECODER_MAX_NEW_TOKENS)[0]
    ids = [b.decoder_start()] + [int(t) for t in new]
    eos = b.tokenizer.eos_token_id
    if eos is not None and eos in ids[1:]:
        ids = ids[: ids.index(eos, 1) + 1]
    notices.append(
        "No decoder text given: the decoder reads the model's own greedy output "
        f"({len(ids) - 1} tokens, at most {DECODER_MAX_NEW_TOKENS}). Type a target text to see its attention instead."
    )
    return ids
