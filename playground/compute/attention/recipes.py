"""How each family computes one attention head, one table entry per layout (lesson 19).

Every entry was read off the family's modeling file in the installed transformers
(transformers/models/<family>/modeling_<family>.py, 5.x) and is checked against it by the tests,
which build a tiny model of every family and compare the by-hand weights with output_attentions.
A layout is a handful of small parts, each one step of the lesson:

    project    x -> Q, K, V per head: separate projections (with or without biases), or one fused
               projection split into thirds (GPT-2), per head (GPT-NeoX, BLOOM) or per block (Phi-3)
    qk_norm    an RMS norm of each query and key vector (Gemma-3)
    positions  rotary embeddings: half-split (Llama), interleaved pairs (GPT-J), partial (on the first
               dims only: GPT-NeoX, GPT-J, Phi-3); absolute positions are already in x (GPT-2, BERT)
    scale      Q·Kᵀ × 1/√d, none (GPT-Neo, T5), or a configured scale (Gemma's query_pre_attn_scalar,
               GPT-2's scale_attn_by_inverse_layer_idx)
    softcap    c·tanh(scores / c) (Gemma-2)
    bias       added to the scores: ALiBi (BLOOM), T5's learned relative position bias
    mask       causal, sliding window (Mistral, Qwen2, Phi-3, Gemma), GPT-Neo's local layers, none
               (encoders, cross-attention)
    out        the output projection, whose input is the heads' outputs (what the model computed)

The parts compute with the layer's own weights in float32 and the same operations, in the same
order, as the modeling file, so that the result equals the model's to float rounding. Rotary's
cos/sin tables are the model's own for these positions (they carry its rope scaling); T5's distance
buckets come from T5Attention's own bucket function (a piece of bookkeeping, not a lesson step).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Callable

import numpy as np

from ...errors import InputError

STACKS = ("encoder", "decoder", "cross")


@dataclass
class Site:
    """One attention module during one forward pass: what the parts of a layout read.

    x (T, d_model) is the module's input (query side), kv (S, d_model) the key/value side (x itself
    for self-attention, the encoder's output for cross-attention); kwargs are the module's keyword
    inputs as captured by the hook (position_embeddings, position_ids, ...)."""

    module: Any
    config: Any
    layer: int
    stack: str  # encoder | decoder | cross
    modules: list  # every attention module of this stack, in layer order
    kwargs: dict
    d: int  # head dimension
    x: Any = None
    kv: Any = None

    @property
    def T(self) -> int:
        return int(self.x.shape[0])

    @property
    def S(self) -> int:
        return int(self.kv.shape[0])


@dataclass(frozen=True)
class Scale:
    value: float
    text: str
    how: str = "scores"  # "scores": (Q·Kᵀ)·s; "divide": (Q·Kᵀ)/(1/s); "query": (Q·s)·Kᵀ, as the model does it

    @property
    def short(self) -> str:
        """The rule without its explanation, for a panel title."""
        return self.text.split(" (")[0]


# ---- projections ---------------------------------------------------------------------------------


def linear(mod, x):
    """x·Wᵀ + b with the layer's own weights, as the layer computes it (GPT-2's Conv1D stores W as (in, out))."""
    import torch
    import torch.nn.functional as F

    w = mod.weight.float()
    b = None if mod.bias is None else mod.bias.float()
    if type(mod).__name__ == "Conv1D":
        return torch.addmm(b, x.reshape(-1, x.shape[-1]), w).view(*x.shape[:-1], -1)
    return F.linear(x, w, b)


def split_heads(t, d: int):
    """(T, heads·d) -> (heads, T, d)."""
    return t.view(t.shape[0], -1, d).transpose(0, 1)


def _biased(*mods) -> str:
    return " + b" if all(getattr(m, "bias", None) is not None for m in mods) else ""


def separate(q_name: str, k_name: str, v_name: str) -> Callable:
    """Three projections: Q = x·W_Q (+ b_Q); K and V from the key/value side (the encoder's output in
    cross-attention)."""

    def project(site: Site):
        m = site.module
        wq, wk, wv = getattr(m, q_name), getattr(m, k_name), getattr(m, v_name)
        q, k, v = split_heads(linear(wq, site.x), site.d), split_heads(linear(wk, site.kv), site.d), \
            split_heads(linear(wv, site.kv), site.d)
        b = _biased(wq, wk, wv)
        return q, k, v, f"separate projections {q_name}, {k_name}, {v_name}: Q = x·W_Q{b}, K = x·W_K{b}, V = x·W_V{b}"

    return project


def fused_thirds(name: str) -> Callable:
    """GPT-2's c_attn: one projection to 3 × d_model numbers, read as [Q | K | V]."""

    def project(site: Site):
        mod = getattr(site.module, name)
        q, k, v = linear(mod, site.x).split(site.module.split_size, dim=-1)
        return split_heads(q, site.d), split_heads(k, site.d), split_heads(v, site.d), \
            f"one fused projection {name} (x·W{_biased(mod)}, 3 × {site.module.split_size} numbers per token), " \
            "split into thirds: [Q | K | V], then each third into heads"

    return project


def fused_per_head(name: str) -> Callable:
    """GPT-NeoX / BLOOM query_key_value: per head, [q | k | v] side by side (heads × 3 × d)."""

    def project(site: Site):
        mod = getattr(site.module, name)
        qkv = linear(mod, site.x).view(site.T, -1, 3, site.d)  # (T, heads, 3, d)
        q, k, v = (qkv[:, :, i].transpose(0, 1) for i in range(3))
        return q, k, v, f"one fused projection {name} (x·W{_biased(mod)}), read per head as [q | k | v] " \
                        f"({3 * site.d} numbers per head)"

    return project


def fused_blocks(name: str) -> Callable:
    """Phi-3's qkv_proj: [all query heads | all key heads | all value heads] (grouped-query sizes)."""

    def project(site: Site):
        mod, c = getattr(site.module, name), site.config
        nq, nkv = c.num_attention_heads * site.d, c.num_key_value_heads * site.d
        qkv = linear(mod, site.x)
        q, k, v = qkv[:, :nq], qkv[:, nq:nq + nkv], qkv[:, nq + nkv:]
        return split_heads(q, site.d), split_heads(k, site.d), split_heads(v, site.d), \
            f"one fused projection {name} (x·W{_biased(mod)}), split into blocks: {nq} query numbers, then " \
            f"{nkv} key and {nkv} value numbers per token"

    return project


# ---- q/k norms and rotary --------------------------------------------------------------------------


def gemma_rms_norm(site: Site, q, k):
    """Gemma-3's q_norm / k_norm: each head vector divided by its root mean square, times (1 + w)."""
    import torch

    def norm(t, mod):
        return t * torch.rsqrt(t.pow(2).mean(-1, keepdim=True) + mod.eps) * (1.0 + mod.weight.float())

    m = site.module
    return norm(q, m.q_norm), norm(k, m.k_norm), \
        "q_norm and k_norm: each query and key vector divided by its root mean square, times (1 + w) " \
        "(the layer's own weights), before the rotary step"


def rotate_half(x):
    """(x1, x2) -> (−x2, x1) over the two halves of the last dimension."""
    import torch

    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rotate_pairs(x):
    """GPT-J: (x0, x1, x2, x3, ...) -> (−x1, x0, −x3, x2, ...): neighbouring dims form the pairs."""
    import torch

    return torch.stack((-x[..., 1::2], x[..., ::2]), dim=-1).flatten(-2)


def _rotary_text(kind: str, r: int, d: int) -> str:
    where = f"all {d} dims" if r == d else \
        f"the first {r} of {d} dims (partial rotary: the other {d - r} pass as they are)"
    return (f"rotary position embeddings, {kind}: on {where}, each pair of dims turns by the token's position × "
            "its own frequency (cos and sin from the model's rotary table for these positions), in Q and K alike; "
            "so Q·Kᵀ depends on how far apart two tokens are")


def rotary_half(site: Site, q, k):
    """Llama, Mistral, Qwen2, Gemma, Phi-3, GPT-NeoX: dims i and i + r/2 form a pair (r = the rotary dims)."""
    import torch

    pos = site.kwargs.get("position_embeddings")
    if pos is None:
        raise InputError("The layer's rotary table (position_embeddings) was not among its inputs; by hand "
                         "cannot rotate Q and K for {type}.", type=type(site.module).__name__)
    cos, sin = (t[0].float() for t in pos)  # (T, r)
    r = cos.shape[-1]

    def rot(t):
        return torch.cat([t[..., :r] * cos + rotate_half(t[..., :r]) * sin, t[..., r:]], dim=-1)

    return rot(q), rot(k), _rotary_text("half-split (dims i and i + r/2 pair up)", r, site.d)


def rotary_interleaved(site: Site, q, k):
    """GPT-J: neighbouring dims (2i, 2i+1) form a pair; sin and cos from its sinusoid table at the positions."""
    import torch

    m = site.module
    positions = site.kwargs["position_ids"][0]
    sincos = m.embed_positions.to(positions.device)[positions].float()  # (T, r): [sin | cos]
    sin, cos = torch.split(sincos, sincos.shape[-1] // 2, dim=-1)
    sin, cos = sin.repeat_interleave(2, dim=-1), cos.repeat_interleave(2, dim=-1)
    r = sin.shape[-1]

    def rot(t):
        return torch.cat([t[..., :r] * cos + rotate_pairs(t[..., :r]) * sin, t[..., r:]], dim=-1)

    return rot(q), rot(k), _rotary_text("interleaved (dims 2i and 2i + 1 pair up)", r, site.d)


# ---- scale, soft-cap and biases ---------------------------------------------------------------------


def inv_sqrt_d(site: Site) -> Scale:
    return Scale(site.d ** -0.5, f"× 1/√d = 1/√{site.d}")


def divide_sqrt_d(site: Site) -> Scale:
    return Scale(1.0 / math.sqrt(site.d), f"÷ √d = ÷ √{site.d}", "divide")


def no_scale(why: str) -> Callable:
    return lambda site: Scale(1.0, f"no scaling ({why})")


def query_scale(site: Site) -> Scale:
    return Scale(site.d ** -0.5, f"× 1/√d = 1/√{site.d} (applied to Q before the product, as OPT does)", "query")


def gpt2_scale(site: Site) -> Scale:
    c, s, parts = site.config, 1.0, []
    if c.scale_attn_weights:
        s, parts = site.d ** -0.5, [f"1/√d = 1/√{site.d}"]
    if c.scale_attn_by_inverse_layer_idx:
        s /= float(site.layer + 1)
        parts.append(f"1/(layer + 1) = 1/{site.layer + 1} (scale_attn_by_inverse_layer_idx)")
    return Scale(s, "× " + " × ".join(parts) if parts else "no scaling (scale_attn_weights is off)")


def query_pre_attn_scale(site: Site) -> Scale:
    n = site.config.query_pre_attn_scalar
    return Scale(n ** -0.5, f"× 1/√{n:g} (the configured query_pre_attn_scalar, not the head size {site.d})")


def gemma2_softcap(site: Site):
    return getattr(site.module, "attn_logit_softcapping", None)


def alibi(site: Site, head: int):
    """BLOOM's ALiBi: + m_h · j, the key's position times the head's fixed slope; the same for every query,
    so after the softmax it is a penalty of m_h per token of distance i − j."""
    import torch

    n = site.module.num_heads
    p = 2 ** math.floor(math.log2(n))  # the slopes of the nearest power of two, then the odd ones between
    slopes = torch.pow(torch.tensor(2 ** (-(2 ** -(math.log2(p) - 3))), dtype=torch.float32),
                       torch.arange(1, 1 + p, dtype=torch.int32))
    if p != n:
        extra = torch.pow(torch.tensor(2 ** (-(2 ** -(math.log2(2 * p) - 3))), dtype=torch.float32),
                          torch.arange(1, 1 + 2 * min(p, n - p), 2, dtype=torch.int32))
        slopes = torch.cat([slopes, extra])
    slope = slopes[head]
    bias = (slope * torch.arange(site.S, dtype=torch.float32))[None, :].expand(site.T, site.S).to(site.x.device)
    return bias, "ALiBi", (f"ALiBi: + m·j, the key's position j times this head's fixed slope m = {float(slope):.4g}; "
                           "the same for every query, so after the softmax it costs m per token of distance")


def t5_relative_bias(site: Site, head: int):
    """T5: + b_h[bucket(j − i)], a learned number per head and distance bucket, from the stack's first layer."""
    import torch

    if site.stack == "cross":
        return None
    first = site.modules[0]
    table = first.relative_attention_bias.weight.float()  # (buckets, heads)
    i, j = (torch.arange(n, device=table.device) for n in (site.T, site.S))
    rel = j[None, :] - i[:, None]  # j − i: how far the key is from the query
    buckets = type(first)._relative_position_bucket(
        rel, bidirectional=site.stack == "encoder", num_buckets=first.relative_attention_num_buckets,
        max_distance=first.relative_attention_max_distance)
    n = first.relative_attention_num_buckets // (2 if site.stack == "encoder" else 1)
    way = "each direction" if site.stack == "encoder" else "looking back"
    return table[buckets, head], "relative position bias", (
        f"T5's relative position bias: + b[bucket(j − i)] for this head, a learned number per distance bucket "
        f"({n} buckets {way}: exact for short distances, logarithmic up to {first.relative_attention_max_distance}); "
        "the table lives in layer 0 and every layer of the stack adds the same one")


# ---- masks ------------------------------------------------------------------------------------------


def _tril(site: Site):
    return np.tril(np.ones((site.T, site.S), dtype=bool))


def no_mask(why: str) -> Callable:
    """(allowed (T, S), "short name: what it does") for every mask below; the short name titles the panel."""
    return lambda site: (np.ones((site.T, site.S), dtype=bool), f"none: {why}")


def causal(site: Site):
    return _tril(site), "causal: −∞ above the diagonal (a token may not read later tokens)"


def _window(site: Site, w: int | None, name: str, why: str = ""):
    allowed = _tril(site)
    if not w:
        return allowed, "causal: −∞ above the diagonal (a token may not read later tokens)"
    i, j = np.indices(allowed.shape)
    allowed &= j > i - w
    return allowed, (f"{name} of {w}: −∞ above the diagonal and for keys {w} or more tokens back "
                     f"(each token reads itself and the {w - 1} before it{why})")


def neo_mask(site: Site):
    kind = site.config.attention_layers[site.layer]
    if kind == "local":
        return _window(site, site.config.window_size, "causal, local window", f"; layer {site.layer} is a local layer")
    return _tril(site), f"causal: −∞ above the diagonal (layer {site.layer} is a global layer)"


def config_window(site: Site):
    return _window(site, getattr(site.config, "sliding_window", None), "causal, sliding window")


def module_window(site: Site):
    w = getattr(site.module, "sliding_window", None)
    return _window(site, w, "causal, sliding window", f"; layer {site.layer} is a sliding layer")


def gemma3_mask(site: Site):
    w = getattr(site.module, "sliding_window", None)
    if not getattr(site.config, "use_bidirectional_attention", False):
        return module_window(site)
    i, j = np.indices((site.T, site.S))
    if not w:
        return np.ones((site.T, site.S), dtype=bool), "none: bidirectional (use_bidirectional_attention)"
    return np.abs(i - j) < w, f"bidirectional window of {w}: −∞ where |i − j| ≥ {w} (use_bidirectional_attention)"


def by_stack(site: Site):
    if site.stack == "decoder":
        return causal(site)
    if site.stack == "cross":
        return no_mask("every decoder token reads every encoder token")(site)
    return no_mask("an encoder: every token reads every token")(site)


ENCODER = no_mask("an encoder: every token reads every token")


@dataclass(frozen=True)
class Layout:
    """One family's attention, as parts (see the module docstring). `classes`: the attention module's
    class names in the modeling file; `cross`: the attribute that holds a decoder layer's cross-attention."""

    label: str
    classes: tuple[str, ...]
    project: Callable
    out: str | None  # None: the module itself returns the heads' concatenated outputs (BERT)
    mask: Callable
    scale: Callable = inv_sqrt_d
    positions: Callable | None = None
    qk_norm: Callable | None = None
    softcap: Callable | None = None
    bias: Callable | None = None
    cross: str | None = None


# ---- the table --------------------------------------------------------------------------------------

LLAMA = Layout("Llama-style: separate q_proj/k_proj/v_proj, rotary (half-split), causal",
               ("LlamaAttention",), separate("q_proj", "k_proj", "v_proj"), "o_proj", causal, positions=rotary_half)
BERT = Layout("BERT-style: separate query/key/value (with biases), no mask", ("BertSelfAttention",),
              separate("query", "key", "value"), None, ENCODER)
GEMMA2 = replace(LLAMA, label="Gemma-2: rotary, a configured scale, soft-capped scores, sliding layers",
                 classes=("Gemma2Attention",), scale=query_pre_attn_scale, softcap=gemma2_softcap, mask=module_window)

LAYOUTS: dict[str, Layout] = {
    "gpt2": Layout("GPT-2: one fused c_attn split into Q|K|V, positions already in x, causal", ("GPT2Attention",),
                   fused_thirds("c_attn"), "c_proj", causal, scale=gpt2_scale),
    "gpt_neo": Layout("GPT-Neo: separate projections, no scaling, global and local (windowed) layers",
                      ("GPTNeoSelfAttention",), separate("q_proj", "k_proj", "v_proj"), "out_proj", neo_mask,
                      scale=no_scale("GPT-Neo does not divide by √d")),
    "gptj": Layout("GPT-J: separate projections, interleaved partial rotary, causal", ("GPTJAttention",),
                   separate("q_proj", "k_proj", "v_proj"), "out_proj", causal, scale=divide_sqrt_d,
                   positions=rotary_interleaved),
    "gpt_neox": Layout("GPT-NeoX: fused query_key_value per head, partial rotary (half-split), causal",
                       ("GPTNeoXAttention",), fused_per_head("query_key_value"), "dense", causal,
                       positions=rotary_half),
    "llama": LLAMA,
    "mistral": replace(LLAMA, label="Mistral: Llama-style with a sliding window", classes=("MistralAttention",),
                       mask=config_window),
    "qwen2": replace(LLAMA, label="Qwen2: Llama-style with q/k/v biases and sliding layers",
                     classes=("Qwen2Attention",), mask=module_window),
    "phi3": Layout("Phi-3: fused qkv_proj in blocks, rotary (half-split, partial), causal or sliding",
                   ("Phi3Attention",), fused_blocks("qkv_proj"), "o_proj", config_window, positions=rotary_half),
    "gemma2": GEMMA2,
    "gemma3_text": replace(GEMMA2, label="Gemma-3: q/k norms, rotary, a configured scale, sliding layers",
                           classes=("Gemma3Attention",), softcap=None, qk_norm=gemma_rms_norm, mask=gemma3_mask),
    "bloom": Layout("BLOOM: fused query_key_value per head, ALiBi instead of positions, causal",
                    ("BloomAttention",), fused_per_head("query_key_value"), "dense", causal, bias=alibi),
    "opt": Layout("OPT: separate projections, Q scaled first, causal", ("OPTAttention",),
                  separate("q_proj", "k_proj", "v_proj"), "out_proj", causal, scale=query_scale),
    "bert": BERT,
    "roberta": replace(BERT, label="RoBERTa: BERT-style attention", classes=("RobertaSelfAttention",)),
    "distilbert": Layout("DistilBERT: separate q_lin/k_lin/v_lin (with biases), no mask",
                         ("DistilBertSelfAttention",), separate("q_lin", "k_lin", "v_lin"), "out_lin", ENCODER),
    "t5": Layout("T5: separate q/k/v, no scaling, a learned relative position bias; encoder, decoder and "
                 "cross-attention", ("T5Attention",), separate("q", "k", "v"), "o", by_stack,
                 scale=no_scale("T5 folds the scale into its weights"), bias=t5_relative_bias,
                 cross="EncDecAttention"),
    "bart": Layout("BART: separate projections (with biases), 1/√d, learned positions in x; encoder, decoder and "
                   "cross-attention", ("BartAttention",), separate("q_proj", "k_proj", "v_proj"), "out_proj",
                   by_stack, cross="encoder_attn"),
}

NAMES = {"gpt2": "GPT-2", "gpt_neo": "GPT-Neo", "gptj": "GPT-J", "gpt_neox": "GPT-NeoX", "llama": "Llama (SmolLM2)",
         "mistral": "Mistral", "qwen2": "Qwen2", "phi3": "Phi-3", "gemma2": "Gemma-2", "gemma3_text": "Gemma-3",
         "bloom": "BLOOM", "opt": "OPT", "bert": "BERT (MiniLM)", "roberta": "RoBERTa", "distilbert": "DistilBERT",
         "t5": "T5", "bart": "BART"}


def layout_for(arch: str, model_name: str) -> Layout:
    """The layout of a config.model_type, or an InputError that names the family and lists the known ones."""
    layout = LAYOUTS.get(arch)
    if layout is None:
        raise InputError(
            "Self-attention by hand has no recipe for {arch} models ({model_name}): its attention has not been "
            "written out step by step here. Recipes exist for {items}. The heatmaps above work for every model.",
            arch=arch, model_name=model_name, items=', '.join(NAMES.values()))
    return layout


def head_dim(module) -> int:
    for name in ("head_dim", "attention_head_size", "key_value_proj_dim", "head_size"):
        value = getattr(module, name, None)
        if isinstance(value, int) and value > 0:
            return value
    raise InputError("{type} does not say its head size; by hand cannot split it into heads.",
                     type=type(module).__name__)


def num_heads(module, config) -> int:
    for name in ("num_heads", "n_heads", "num_attention_heads"):
        value = getattr(module, name, None)
        if isinstance(value, int) and value > 0:
            return value
    return int(getattr(getattr(module, "config", None), "num_attention_heads", 0) or config.num_attention_heads)


def modules(model, layout: Layout, stack: str, seq2seq: bool) -> list:
    """The attention modules of one stack, in layer order (named_modules walks the layers in order)."""
    found = []
    for name, module in model.named_modules():
        if type(module).__name__ not in layout.classes:
            continue
        parts = name.split(".")
        if not seq2seq:
            found.append(module)
        elif stack == "cross" and parts[-1] == layout.cross:
            found.append(module)
        elif stack != "cross" and parts[-1] != layout.cross and (("encoder" in parts) == (stack == "encoder")):
            found.append(module)
    return found
