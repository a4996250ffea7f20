"""Self-attention by hand (lesson 19): one head recomputed from the layer's own input and weights — Q, K,
V, Q·Kᵀ·scale, the mask, the softmax and the weighted sum of V — and compared with what the model computed."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from ...errors import InputError
from ..lm import ATTENTIONS, LM, WEIGHTS, backend_of
from .weights import BY_HAND_MAX_TOKENS, check_attentions, token_labels, as_index, check_layer_head, encode


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


def by_hand(lm: LM, text: str, layer, head, *, max_tokens: int = BY_HAND_MAX_TOKENS) -> ByHand:
    """Recompute one head of one layer step by step and compare it with the model's own weights."""
    import torch

    b = backend_of(lm)
    b.require(ATTENTIONS, "self-attention by hand")
    b.require(WEIGHTS, "self-attention by hand")
    model, config = b.model, b.model.config
    arch = getattr(config, "model_type", "?")
    family = b.family
    if family == "seq2seq":
        raise InputError(
            f"Self-attention by hand covers decoders (GPT-2, SmolLM2) and encoders (BERT, MiniLM); {b.name} "
            "is an encoder-decoder (T5-style attention adds a learned relative position bias and no scaling). "
            "Choose SmolLM2-135M-Instruct or all-MiniLM-L6-v2."
        )
    modules = _attention_modules(model)
    num_layers = int(getattr(config, "num_hidden_layers", 0) or len(modules))
    if len(modules) != num_layers:
        raise InputError(f"Self-attention by hand does not know the attention layout of {arch} models "
                         f"({b.name}). It covers Llama-style (SmolLM2), BERT-style and GPT-2-style attention.")
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
        raise InputError(f"{b.name} adds {', '.join(unsupported)} to its attention, which the by-hand "
                         "steps leave out. Choose SmolLM2-135M-Instruct, all-MiniLM-L6-v2 or a GPT-2.")

    ids, types, _ = encode(b, text, max_tokens=max_tokens, what="the by-hand steps")
    store: dict = {}
    with capture_inputs(module, store):
        out = b.forward(ids, attentions=True)
    check_attentions(b, out.attentions)

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
    tokens, _ = token_labels(b, ids)
    np_ = lambda t: t.detach().float().cpu().numpy()  # noqa: E731
    return ByHand(
        model=b.name, arch=arch, layer=layer, head=head, kv_head=kv, tokens=tokens, x=np_(x[0]), q=np_(q),
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
