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

`by_hand` recomputes one head from the layer's own input and weights: Q, K, V, Q·Kᵀ·scale, the
mask, the softmax and the weighted sum of V, and compares them with what the model computed.

Pure: no gradio, no plotly. torch is imported inside the functions that run the model.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from .next_token import token_label

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
        raise InputError(f"{self.model} ({self.family}) has no {kind} attention: choose one of {', '.join(self.kinds())}.")

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
        raise InputError(f"Layer {layer} is out of range: this model has layers 0 to {num_layers - 1}.")
    if head is not None and (not isinstance(head, (int, np.integer)) or not 0 <= head < num_heads):
        raise InputError(f"Head {head} is out of range: this model has heads 0 to {num_heads - 1} in each layer.")


def as_index(value, what: str) -> int:
    """A layer or head number from a widget or the API (floats from sliders, strings from clients)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"The {what} must be a whole number, counted from 0; got {value!r}.") from None
    if number != int(number):
        raise InputError(f"The {what} must be a whole number, counted from 0; got {value!r}.")
    return int(number)


# ---- running the model -------------------------------------------------------------------------


def _require_eager(loaded) -> None:
    impl = getattr(loaded.model.config, "_attn_implementation", None) or loaded.attn_implementation
    if impl != "eager":
        raise InputError(
            f"{loaded.spec.name} was loaded with {impl!r} attention, which does not return attention weights. "
            "Load it with eager attention: ModelRegistry.load(name, attn_implementation='eager') (the default; "
            "the Attention tab always does)."
        )


def _labels(tok, ids: list[int]) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    special = set(getattr(tok, "all_special_ids", []) or [])
    return tuple(token_label(tok, t) for t in ids), tuple(int(t) in special for t in ids)


def _cap(n: int, cap: int, what: str) -> None:
    if n > cap:
        raise InputError(
            f"The text has {n} tokens; {what} take at most {cap}. Shorten the text to {cap} tokens or fewer."
        )


def _num_kv_heads(config, num_heads: int) -> int:
    kv = getattr(config, "num_key_value_heads", None)
    return int(kv) if isinstance(kv, int) and 0 < kv <= num_heads and num_heads % kv == 0 else num_heads


def _stack(attentions) -> np.ndarray:
    import torch

    return torch.stack([a[0].float() for a in attentions]).cpu().numpy()  # (layers, heads, q, k)


def encode(loaded, text: str, text_b: str = "", *, max_tokens: int = MAX_TOKENS, what: str = "the attention views"):
    """Token ids (and token type ids for a BERT pair) for one self-attention input; checks the cap."""
    if not isinstance(text, str) or not text.strip():
        raise InputError("Type a text to look at (a sentence or two).")
    tok, family = loaded.tokenizer, loaded.spec.family
    text_b = (text_b or "").strip() if isinstance(text_b, str) else ""
    if text_b and family not in ("masked", "encoder"):
        raise InputError(
            f"Sentence B is for BERT-style encoders (sentence pairs with [SEP]); {loaded.spec.name} is {family}. "
            "Clear sentence B, or choose an encoder such as all-MiniLM-L6-v2 or bert-base-uncased."
        )
    enc = tok(text, text_b, add_special_tokens=True) if text_b else tok(text, add_special_tokens=True)
    ids = list(enc["input_ids"])
    if not ids:
        raise InputError("The text gave no tokens. Type a few words.")
    _cap(len(ids), max_tokens, what)
    b_start = None
    if text_b:
        types = enc.get("token_type_ids")
        if types and 1 in types:
            b_start = list(types).index(1)
        else:  # RoBERTa-style pairs have no token types: B starts after the first run of separators
            sep = tok.sep_token_id
            seps = [i for i, t in enumerate(ids) if t == sep]
            b_start = seps[0] + 1 if seps else None
            while b_start is not None and b_start < len(ids) and ids[b_start] == sep:
                b_start += 1
        return ids, list(types) if types else None, b_start
    return ids, None, None


def attention(loaded, text: str, text_b: str = "", decoder_text: str = "", *, max_tokens: int = MAX_TOKENS,
              what: str = "the attention views") -> AttentionResult:
    """Every layer's attention weights for `text` (and sentence B, or the decoder text), as numpy."""
    import torch

    _require_eager(loaded)
    model, tok, family = loaded.model, loaded.tokenizer, loaded.spec.family
    start = time.perf_counter()
    ids, types, b_start = encode(loaded, text, text_b, max_tokens=max_tokens, what=what)
    dev = loaded.device
    x = torch.tensor([ids], device=dev)
    kwargs = {"input_ids": x, "attention_mask": torch.ones_like(x)}
    if types is not None and "token_type_ids" in _forward_params(model):
        kwargs["token_type_ids"] = torch.tensor([types], device=dev)
    notices: list[str] = []
    tokens, special = _labels(tok, ids)
    config = model.config
    arch = getattr(config, "model_type", "?")

    if family == "seq2seq":
        decoder_ids = _decoder_ids(loaded, x, decoder_text, max_tokens, notices)
        kwargs["decoder_input_ids"] = torch.tensor([decoder_ids], device=dev)
        with torch.inference_mode():
            out = model(**kwargs, output_attentions=True, use_cache=False)
        _check_attentions(loaded, out.encoder_attentions)
        enc = _stack(out.encoder_attentions)
        dec_tokens, dec_special = _labels(tok, decoder_ids)
        return AttentionResult(
            model=loaded.spec.name, family=family, arch=arch, tokens=tokens, special=special, weights=enc,
            causal=False, num_kv_heads=enc.shape[1], decoder_tokens=dec_tokens, decoder_special=dec_special,
            decoder_weights=_stack(out.decoder_attentions), cross_weights=_stack(out.cross_attentions),
            notices=tuple(notices), seconds=time.perf_counter() - start,
        )

    with torch.inference_mode():
        out = model(**kwargs, output_attentions=True, **({"use_cache": False} if family == "causal" else {}))
    _check_attentions(loaded, out.attentions)
    weights = _stack(out.attentions)
    return AttentionResult(
        model=loaded.spec.name, family=family, arch=arch, tokens=tokens, special=special, weights=weights,
        causal=family == "causal", num_kv_heads=_num_kv_heads(config, weights.shape[1]), sentence_b_start=b_start,
        notices=tuple(notices), seconds=time.perf_counter() - start,
    )


def _forward_params(model) -> set[str]:
    import inspect

    return set(inspect.signature(model.forward).parameters)


def _check_attentions(loaded, attentions) -> None:
    if not attentions or any(a is None for a in attentions):
        raise InputError(
            f"{loaded.spec.name} returned no attention weights. Load it with eager attention "
            "(attn_implementation='eager'): other implementations do not return them."
        )


def _decoder_ids(loaded, enc_ids, decoder_text: str, max_tokens: int, notices: list[str]) -> list[int]:
    """The decoder input: the start token plus the given text, or the model's own greedy output."""
    import torch

    model, tok = loaded.model, loaded.tokenizer
    start = model.config.decoder_start_token_id
    if start is None:
        start = tok.pad_token_id if tok.pad_token_id is not None else 0
    decoder_text = (decoder_text or "").strip() if isinstance(decoder_text, str) else ""
    if decoder_text:
        ids = [int(start)] + list(tok(decoder_text, add_special_tokens=False)["input_ids"])
        _cap(len(ids), max_tokens, "the decoder input of the attention views")
        return ids
    with torch.inference_mode():
        out = model.generate(enc_ids, attention_mask=torch.ones_like(enc_ids), max_new_tokens=DECODER_MAX_NEW_TOKENS,
                             do_sample=False, num_beams=1)
    ids = [int(t) for t in out[0].tolist()]
    eos = tok.eos_token_id
    if eos is not None and eos in ids[1:]:
        ids = ids[: ids.index(eos, 1) + 1]
    notices.append(
        "No decoder text given: the decoder reads the model's own greedy output "
        f"({len(ids) - 1} tokens, at most {DECODER_MAX_NEW_TOKENS}). Type a target text to see its attention instead."
    )
    return ids


# ---- derived views -----------------------------------------------------------------------------


def hide_tokens(matrix: np.ndarray, q_special, k_special, *, hide: bool = True):
    """Drop special tokens and the first position (the attention sink) from both axes.

    Returns (matrix, query indices kept, key indices kept). Each remaining row is renormalised to
    sum to 1 over the keys shown, so what the sink absorbed does not wash out the rest; a row with
    nothing left (a query that read only hidden tokens) stays all zero.
    """
    q_keep = [i for i, s in enumerate(q_special) if not (hide and (s or i == 0))]
    k_keep = [j for j, s in enumerate(k_special) if not (hide and (s or j == 0))]
    if not hide:
        return matrix, list(range(matrix.shape[0])), list(range(matrix.shape[1]))
    if not q_keep or not k_keep:
        raise InputError("Nothing is left once special tokens and the first token are hidden: type a longer text, "
                         "or switch off 'hide special tokens and the first-token sink'.")
    sub = matrix[np.ix_(q_keep, k_keep)].astype(np.float64)
    sums = sub.sum(axis=1, keepdims=True)
    sub = np.divide(sub, sums, out=np.zeros_like(sub), where=sums > 0)
    return sub.astype(np.float32), q_keep, k_keep


def rollout(weights: np.ndarray, upto: int | None = None) -> np.ndarray:
    """Attention rollout (Abnar & Zuidema, 2020) through layers 0..upto: how much each output
    position draws on each input token, counting the residual path.

    Each layer: mean over heads A, then Â = ½A + ½I (the residual stream), rows renormalised;
    rollout = Â_upto · … · Â_0. Rows sum to 1; for a decoder it stays lower-triangular.
    """
    layers = weights.shape[0] if upto is None else upto + 1
    check_layer_head(layers - 1, None, weights.shape[0], weights.shape[1])
    n = weights.shape[-1]
    eye = np.eye(n, dtype=np.float64)
    out = eye
    for layer in range(layers):
        a = 0.5 * weights[layer].mean(axis=0).astype(np.float64) + 0.5 * eye
        a /= a.sum(axis=1, keepdims=True)
        out = a @ out
    return out.astype(np.float32)


def entropy_by_head(weights: np.ndarray) -> np.ndarray:
    """(layers, heads): the mean entropy (bits) of each head's rows; low = focused, high = spread out."""
    p = weights.astype(np.float64)
    ent = -(p * np.log2(np.where(p > 0, p, 1.0))).sum(axis=-1)
    return ent.mean(axis=-1).astype(np.float32)


# ---- self-attention by hand (lesson 19) ---------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ByHand:
    """One head recomputed from the layer's input; arrays are float32 numpy, T = tokens.

    x (T, d_model): the attention block's input (after the layer's norm), captured with a hook.
    q, k, v (T, d_head): this head's query, key and value (q and k after rotary embeddings when the
    model uses them; k and v are the key/value head the query head shares in grouped-query models).
    scores = q·kᵀ·scale (T, T); masked = scores with −inf where the mask forbids (above the
    diagonal in a decoder); weights = softmax(masked) row by row; output = weights·v (T, d_head).
    model_weights / model_output: what the model itself computed for this head.
    """

    model: str
    arch: str
    layer: int
    head: int
    kv_head: int
    tokens: tuple[str, ...]
    x: np.ndarray
    q: np.ndarray
    k: np.ndarray
    v: np.ndarray
    scores: np.ndarray
    masked: np.ndarray
    weights: np.ndarray
    output: np.ndarray
    model_weights: np.ndarray
    model_output: np.ndarray
    scale: float
    causal: bool
    rotary: bool
    recipe: str  # which projection layout: "q_proj/k_proj/v_proj", "query/key/value", "c_attn"

    @property
    def max_abs_diff(self) -> float:
        return float(np.abs(self.weights.astype(np.float64) - self.model_weights).max())

    @property
    def max_abs_diff_output(self) -> float:
        return float(np.abs(self.output.astype(np.float64) - self.model_output).max())

    @property
    def row_sums(self) -> np.ndarray:
        return self.weights.sum(axis=1)


def _attention_modules(model) -> list:
    """The self-attention modules of the layers, in order (one per layer)."""
    found = []
    for _, module in model.named_modules():
        if all(hasattr(module, a) for a in ("q_proj", "k_proj", "v_proj")) or \
                all(hasattr(module, a) for a in ("query", "key", "value")) or \
                (hasattr(module, "c_attn") and not getattr(module, "is_cross_attention", False)):
            found.append(module)
    return found


@contextmanager
def capture_inputs(module, store: dict):
    """Record the module's input hidden states and keyword arguments, and the input of its output
    projection (the heads' concatenated outputs), while the block runs; the hooks go in `finally`."""
    handles = [module.register_forward_pre_hook(
        lambda mod, args, kwargs: store.update(
            hidden=kwargs.get("hidden_states", args[0] if args else None), kwargs=dict(kwargs)),
        with_kwargs=True)]
    proj = getattr(module, "o_proj", None) or getattr(module, "c_proj", None)
    if proj is not None:
        handles.append(proj.register_forward_pre_hook(lambda mod, args: store.update(heads_out=args[0])))
    else:  # BERT: the self-attention module returns the heads' concatenated output itself
        handles.append(module.register_forward_hook(lambda mod, args, out: store.update(heads_out=out[0])))
    try:
        yield store
    finally:
        for handle in handles:
            handle.remove()


def by_hand(loaded, text: str, layer, head, *, max_tokens: int = BY_HAND_MAX_TOKENS) -> ByHand:
    """Recompute one head of one layer step by step and compare it with the model's own weights."""
    import torch

    _require_eager(loaded)
    model, tok, config = loaded.model, loaded.tokenizer, loaded.model.config
    arch = getattr(config, "model_type", "?")
    family = loaded.spec.family
    if family == "seq2seq":
        raise InputError(
            f"Self-attention by hand covers decoders (GPT-2, SmolLM2) and encoders (BERT, MiniLM); {loaded.spec.name} "
            "is an encoder-decoder (T5-style attention adds a learned relative position bias and no scaling). "
            "Choose SmolLM2-135M-Instruct or all-MiniLM-L6-v2."
        )
    modules = _attention_modules(model)
    num_layers = int(getattr(config, "num_hidden_layers", 0) or len(modules))
    if len(modules) != num_layers:
        raise InputError(f"Self-attention by hand does not know the attention layout of {arch} models "
                         f"({loaded.spec.name}). It covers Llama-style (SmolLM2), BERT-style and GPT-2-style attention.")
    layer, head = as_index(layer, "layer"), as_index(head, "head")
    num_heads = int(getattr(config, "num_attention_heads", 0) or getattr(config, "n_head", 0))
    check_layer_head(layer, head, num_layers, num_heads)
    module = modules[layer]
    unsupported = [name for name in ("q_norm", "k_norm") if getattr(module, name, None) is not None]
    if getattr(config, "attn_logit_softcapping", None) or getattr(config, "sliding_window", None) and \
            getattr(module, "sliding_window", None):
        unsupported.append("soft-capping / sliding window")
    if getattr(config, "position_embedding_type", "absolute") not in ("absolute", None):
        unsupported.append(f"{config.position_embedding_type} position embeddings")
    if unsupported:
        raise InputError(f"{loaded.spec.name} adds {', '.join(unsupported)} to its attention, which the by-hand "
                         "steps leave out. Choose SmolLM2-135M-Instruct, all-MiniLM-L6-v2 or a GPT-2.")

    ids, types, _ = encode(loaded, text, max_tokens=max_tokens, what="the by-hand steps")
    x_ids = torch.tensor([ids], device=loaded.device)
    kwargs = {"input_ids": x_ids, "attention_mask": torch.ones_like(x_ids)}
    store: dict = {}
    with torch.inference_mode(), capture_inputs(module, store):
        out = model(**kwargs, output_attentions=True, **({"use_cache": False} if family == "causal" else {}))
    _check_attentions(loaded, out.attentions)

    with torch.inference_mode():
        x = store["hidden"].float()  # (1, T, d_model)
        T = x.shape[1]
        rotary = False
        if hasattr(module, "q_proj"):
            recipe = "q_proj/k_proj/v_proj"
            d = module.head_dim
            q_all = module.q_proj(x).view(1, T, -1, d).transpose(1, 2)  # (1, heads, T, d)
            k_all = module.k_proj(x).view(1, T, -1, d).transpose(1, 2)  # (1, kv_heads, T, d)
            v_all = module.v_proj(x).view(1, T, -1, d).transpose(1, 2)
            pos = store["kwargs"].get("position_embeddings")
            if pos is not None:  # rotary: the (cos, sin) the model computed for these positions
                cos, sin = pos
                q_all, k_all = _rope(module)(q_all, k_all, cos.float(), sin.float())
                rotary = True
        elif hasattr(module, "query"):
            recipe = "query/key/value"
            d = module.attention_head_size
            q_all, k_all, v_all = (lin(x).view(1, T, -1, d).transpose(1, 2)
                                   for lin in (module.query, module.key, module.value))
        else:
            recipe = "c_attn"
            d = module.head_dim
            q_all, k_all, v_all = (t.view(1, T, -1, d).transpose(1, 2)
                                   for t in module.c_attn(x).split(module.split_size, dim=2))
        group = q_all.shape[1] // k_all.shape[1]  # query heads per key/value head (1 unless grouped-query)
        kv = head // group
        q, k, v = q_all[0, head], k_all[0, kv], v_all[0, kv]  # (T, d)
        scale = float(getattr(module, "scaling", d ** -0.5))
        scores = (q @ k.T) * scale  # (T, T)
        causal = family == "causal"
        masked = scores.masked_fill(torch.ones(T, T, dtype=torch.bool, device=scores.device).triu(1), float("-inf")) \
            if causal else scores
        weights = torch.softmax(masked, dim=-1)  # each row sums to 1
        output = weights @ v  # (T, d): what this head passes on from each position
        model_output = store["heads_out"][0].float().view(T, -1, d)[:, head]
    tokens, _ = _labels(tok, ids)
    np_ = lambda t: t.detach().float().cpu().numpy()  # noqa: E731
    return ByHand(
        model=loaded.spec.name, arch=arch, layer=layer, head=head, kv_head=kv, tokens=tokens, x=np_(x[0]), q=np_(q),
        k=np_(k), v=np_(v), scores=np_(scores), masked=np_(masked), weights=np_(weights), output=np_(output),
        model_weights=out.attentions[layer][0, head].float().cpu().numpy().astype(np.float64),
        model_output=np_(model_output).astype(np.float64), scale=scale, causal=causal, rotary=rotary, recipe=recipe,
    )


def _rope(module):
    """The model's own apply_rotary_pos_emb (from its modeling file), else the same formula here."""
    import sys

    own = getattr(sys.modules.get(type(module).__module__), "apply_rotary_pos_emb", None)
    if own is not None:
        return own

    def apply(q, k, cos, sin):
        cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
        return q * cos + _rotate_half(q) * sin, k * cos + _rotate_half(k) * sin

    return apply


def _rotate_half(x):
    """Rotary embeddings' partner: (x1, x2) -> (−x2, x1) over the two halves of the head dimension."""
    import torch

    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


# ---- bertviz's neuron view ---------------------------------------------------------------------

NEURON_ARCHS = ("bert", "gpt2")  # bertviz's own model classes that this app builds from loaded weights


def neuron_params(loaded, text: str, text_b: str = "", *, decimals: int = 3) -> dict:
    """bertviz's neuron-view data (attention plus every query and key vector) for `text`.

    bertviz computes it with its own model classes, which return queries and keys; they are built
    here from the already loaded weights (no download) and checked against the model's own
    attention. Values are rounded to `decimals` places to keep the page small.
    """
    import torch

    arch = getattr(loaded.model.config, "model_type", "?")
    if arch not in NEURON_ARCHS:
        raise InputError(
            f"The neuron view needs bertviz's own copy of the model's code, which exists for BERT, GPT-2 and "
            f"RoBERTa (this app builds BERT and GPT-2 from the loaded weights); {loaded.spec.name} is {arch}"
            + (" (rotary position embeddings and grouped-query attention, which bertviz's classes do not have)"
               if arch == "llama" else "")
            + ". Use the head view, the model view or the heatmaps, or choose all-MiniLM-L6-v2, BERT or GPT-2."
        )
    text_b = (text_b or "").strip() if isinstance(text_b, str) else ""
    if text_b and arch == "gpt2":
        raise InputError("bertviz's neuron view takes sentence pairs for BERT only: clear sentence B for GPT-2.")
    ids, _, _ = encode(loaded, text, text_b, max_tokens=NEURON_MAX_TOKENS, what="the neuron view")
    from bertviz.neuron_view import get_attention

    model = _bertviz_model(loaded)
    with torch.inference_mode():
        data = get_attention(model, arch, loaded.tokenizer, text, text_b or None, include_queries_and_keys=True)
    params = {"attention": _round(data, decimals), "default_filter": "all", "bidirectional": arch != "gpt2",
              "display_mode": "light", "layer": 0, "head": 0}
    return params


def _round(value, decimals: int):
    if isinstance(value, float):
        return round(value, decimals)
    if isinstance(value, list):
        return [_round(v, decimals) for v in value]
    if isinstance(value, dict):
        return {k: _round(v, decimals) for k, v in value.items()}
    return value


def _bertviz_model(loaded):
    """bertviz's BertModel / GPT2Model with the loaded model's weights (float32, CPU, eval)."""
    import torch
    from bertviz.transformers_neuron_view import BertConfig, BertModel, GPT2Config, GPT2Model

    config = loaded.model.config
    base = loaded.model.base_model
    if config.model_type == "bert":
        ours = BertModel(BertConfig(
            vocab_size_or_config_json_file=config.vocab_size, hidden_size=config.hidden_size,
            num_hidden_layers=config.num_hidden_layers, num_attention_heads=config.num_attention_heads,
            intermediate_size=config.intermediate_size, hidden_act=config.hidden_act,
            max_position_embeddings=config.max_position_embeddings, type_vocab_size=config.type_vocab_size,
            layer_norm_eps=config.layer_norm_eps, output_attentions=True))
        optional = ("pooler.",)
    else:
        ours = GPT2Model(GPT2Config(
            vocab_size_or_config_json_file=config.vocab_size, n_positions=config.n_positions,
            n_ctx=config.n_positions, n_embd=config.n_embd, n_layer=config.n_layer, n_head=config.n_head,
            layer_norm_epsilon=config.layer_norm_epsilon, output_attentions=True))
        optional = (".attn.bias", ".attn.masked_bias")
    state = {k: v.detach().to("cpu", torch.float32) for k, v in base.state_dict().items()}
    missing, _ = ours.load_state_dict(state, strict=False)
    missing = [k for k in missing if not any(o in k for o in optional)]
    if missing:
        raise InputError(f"bertviz's {config.model_type} model does not match {loaded.spec.name}'s weights "
                         f"(missing {', '.join(missing[:4])}); the neuron view cannot be built for it.")
    return ours.eval()
