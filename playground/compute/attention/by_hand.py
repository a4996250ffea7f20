"""Self-attention by hand (lesson 19): one head recomputed from the layer's own input and weights — Q, K,
V, Q·Kᵀ·scale, the mask, the softmax and the weighted sum of V — and compared with what the model computed.

Each family computes a head a little differently (fused projections, rotary in three forms, no scaling,
soft-capping, ALiBi, T5's relative bias, sliding and local windows); `recipes.LAYOUTS` holds one entry
per layout, and this module runs an entry's parts in the model's order, keeping every step:

    x -> [project] Q, K, V -> [q/k norm] -> [rotary] -> Q·Kᵀ·scale -> [soft-cap] -> [+ bias] -> mask
      -> softmax (the weights) -> weights·V (the head's output)

The layer's input is captured with a forward pre-hook during one ordinary forward pass, and the head's
output (the input of the output projection) with a second hook; both are removed in `finally`.
Encoder-decoders offer three stacks: the encoder's self-attention, the decoder's (causal) self-attention,
and cross-attention (the decoder's queries against the encoder's keys and values).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np

from ...errors import InputError
from ..lm import ATTENTIONS, LM, WEIGHTS, backend_of
from . import recipes
from .weights import BY_HAND_MAX_TOKENS, _decoder_ids, as_index, check_attentions, check_layer_head, encode, \
    token_labels


@dataclass(frozen=True)
class Panel:
    """What the view draws of a step. axes: "q" (query tokens × dims), "k" (key tokens × dims) or
    "qk" (query tokens × key tokens)."""

    title: str
    value: np.ndarray
    axes: str


@dataclass(frozen=True)
class Step:
    """One step of the recipe: its name (as the API lists it), one sentence, and what the view draws."""

    name: str
    text: str
    panels: tuple[Panel, ...] = ()


@dataclass(frozen=True, eq=False)
class ByHand:
    """One head recomputed from the layer's input; arrays are float32 numpy, T = query tokens, S = key tokens
    (S = T in self-attention; the encoder's tokens in cross-attention).

    x (T, d_model): the attention block's input (after the layer's norm where it has one), captured with a hook.
    q (T, d), k, v (S, d): this head's query, key and value, after q/k norms and rotary embeddings where the
    family has them (k and v are the key/value head the query head shares in grouped-query models).
    scores (T, S) = q·kᵀ·scale; masked = the scores after soft-capping, biases and the mask (−inf where the
    mask forbids); weights = softmax(masked) row by row; output = weights·v (T, d).
    model_weights / model_output: what the model itself computed for this head.
    steps: every step in order, with what the view shows of it.
    """

    model: str
    arch: str
    stack: str  # encoder | decoder | cross
    layer: int
    head: int
    kv_head: int
    input_ids: tuple[int, ...]  # what the model read (the encoder's input in an encoder-decoder)
    decoder_ids: tuple[int, ...]  # the decoder's input (encoder-decoders; () otherwise)
    tokens: tuple[str, ...]
    key_tokens: tuple[str, ...]
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
    windowed: bool  # the mask also hides keys too far back (sliding / local window)
    rotary: bool
    recipe: str
    steps: tuple[Step, ...]
    dtype: str = "float32"
    notices: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (f"<ByHand {self.model} {self.stack} layer {self.layer} head {self.head}: "
                f"max diff {self.max_abs_diff:.1e} (weights), {self.max_abs_diff_output:.1e} (output)>")

    @property
    def max_abs_diff(self) -> float:
        return float(np.abs(self.weights.astype(np.float64) - self.model_weights).max())

    @property
    def max_abs_diff_output(self) -> float:
        return float(np.abs(self.output.astype(np.float64) - self.model_output).max())

    @property
    def row_sums(self) -> np.ndarray:
        return self.weights.sum(axis=1)

    def as_json(self) -> dict:
        return {"model": self.model, "layer": self.layer, "head": self.head, "kv_head": self.kv_head,
                "stack": self.stack, "steps": [s.name for s in self.steps],
                "max_abs_diff": _finite(self.max_abs_diff), "max_abs_diff_output": _finite(self.max_abs_diff_output),
                "recipe": self.recipe}


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


@contextmanager
def capture_inputs(module, store: dict, out: str | None = "o_proj"):
    """Record the module's input hidden states and keyword arguments, and the heads' concatenated outputs
    (the input of its output projection `out`, or the module's own output when `out` is None), while the
    block runs; the hooks go in `finally`."""

    def before(mod, args, kwargs):
        store.update(hidden=kwargs.get("hidden_states", args[0] if args else None), kwargs=dict(kwargs))

    handles = [module.register_forward_pre_hook(before, with_kwargs=True)]
    proj = getattr(module, out, None) if out else None
    if proj is not None:
        handles.append(proj.register_forward_pre_hook(lambda mod, args: store.update(heads_out=args[0])))
    else:  # BERT: the self-attention module returns the heads' concatenated output itself
        handles.append(module.register_forward_hook(lambda mod, args, output: store.update(heads_out=output[0])))
    try:
        yield store
    finally:
        for handle in handles:
            handle.remove()


def default_stack(family: str) -> str:
    return {"causal": "decoder", "seq2seq": "encoder"}.get(family, "encoder")


def check_stack(b, stack) -> str:
    """encoder | decoder | cross: the stack asked for, or the family's own ('' or 'self')."""
    stack = (stack or "").strip().lower() if isinstance(stack, str) else stack
    if stack in ("", "self", None):
        return default_stack(b.family)
    if stack not in recipes.STACKS:
        raise InputError("The stack must be encoder, decoder or cross (or empty for the model's own); got "
                         "{stack!r}.", stack=stack)
    own = default_stack(b.family)
    if b.family != "seq2seq" and stack != own:
        kind = "a decoder-only model" if own == "decoder" else "an encoder"
        raise InputError("{model} is {kind}: its one stack is the {what}. Encoder, decoder and cross-attention "
                         "stacks are for encoder-decoders (T5, BART); leave the stack empty.", model=b.name,
                         kind=kind, what=own)
    return stack


def by_hand(lm: LM, text: str, layer, head, *, stack: str = "", decoder_text: str = "",
            max_tokens: int = BY_HAND_MAX_TOKENS, layout: recipes.Layout | None = None) -> ByHand:
    """Recompute one head of one layer step by step and compare it with the model's own weights.

    stack (encoder-decoders): "encoder", "decoder" or "cross"; decoder_text: the decoder's input after its
    start token (empty: the model's own greedy output, as the heatmaps use). layout: a recipe to follow
    instead of the family's own (to see what a step changes: GPT-Neo with a 1/√d it does not have)."""
    import torch

    b = backend_of(lm)
    b.require(ATTENTIONS, "self-attention by hand")
    b.require(WEIGHTS, "self-attention by hand")
    model = b.model
    arch = getattr(model.config, "model_type", "?")
    layout = layout or recipes.layout_for(arch, b.name)
    stack = check_stack(b, stack)
    seq2seq = b.family == "seq2seq"
    stack_modules = recipes.modules(model, layout, stack, seq2seq)
    layer, head = as_index(layer, "layer"), as_index(head, "head")
    if not stack_modules:
        raise InputError("No {stack} attention modules ({items}) were found in {model}.", stack=stack,
                         items=', '.join(layout.classes), model=b.name)
    check_layer_head(layer, None, len(stack_modules), 1)
    module = stack_modules[layer]
    check_layer_head(layer, head, len(stack_modules), recipes.num_heads(module, model.config))

    ids, _, _ = encode(b, text, max_tokens=max_tokens, what="the by-hand steps")
    notices: list[str] = []
    decoder_ids = None
    if seq2seq:
        wants_decoder = stack != "encoder" or (isinstance(decoder_text, str) and decoder_text.strip())
        decoder_ids = _decoder_ids(b, ids, decoder_text, max_tokens, notices) if wants_decoder else [b.decoder_start()]
    store: dict = {}
    with capture_inputs(module, store, layout.out):
        out = b.forward(ids, decoder_ids=decoder_ids, attentions=True)
    theirs = {"cross": getattr(out, "cross_attentions", None), "decoder": getattr(out, "decoder_attentions", None),
              "encoder": getattr(out, "encoder_attentions", None)}[stack] if seq2seq else out.attentions
    check_attentions(b, theirs)
    if store.get("hidden") is None or store.get("heads_out") is None:
        raise InputError("The hooks did not see layer {layer}'s attention input and output in {model} ({type}); "
                         "by hand cannot be compared with it.", layer=layer, model=b.name,
                         type=type(module).__name__)

    with torch.inference_mode():
        site = recipes.Site(module=module, config=getattr(module, "config", None) or model.config, layer=layer,
                            stack=stack, modules=stack_modules, kwargs=store["kwargs"], d=recipes.head_dim(module))
        site.x = store["hidden"][0].float()  # (T, d_model)
        kv = store["kwargs"].get("key_value_states", store["kwargs"].get("encoder_hidden_states"))
        site.kv = kv[0].float() if stack == "cross" and kv is not None else site.x
        run = _run(layout, site, head)
        T = site.T
        model_output = store["heads_out"][0].float().reshape(T, -1, site.d)[:, head]
        model_weights = theirs[layer][0, head].float().cpu().numpy().astype(np.float64)

    q_ids = list(decoder_ids) if stack != "encoder" and seq2seq else ids
    tokens, _ = token_labels(b, q_ids)
    key_tokens, _ = token_labels(b, ids) if stack == "cross" else (tokens, None)
    return ByHand(
        model=b.name, arch=arch, stack=stack, layer=layer, head=head, kv_head=run["kv_head"], input_ids=tuple(ids),
        decoder_ids=tuple(decoder_ids or ()),
        tokens=tokens, key_tokens=key_tokens, x=_np(site.x), q=_np(run["q"]), k=_np(run["k"]), v=_np(run["v"]),
        scores=_np(run["scores"]), masked=_np(run["masked"]), weights=_np(run["weights"]),
        output=_np(run["output"]), model_weights=model_weights, model_output=_np(model_output).astype(np.float64),
        scale=run["scale"], causal=run["causal"], windowed=run["windowed"], rotary=run["rotary"], recipe=layout.label,
        steps=tuple(run["steps"]), dtype=str(getattr(b, "dtype", "float32")), notices=tuple(notices),
    )


def _np(t) -> np.ndarray:
    return t.detach().float().cpu().numpy()


def _run(layout: recipes.Layout, site: recipes.Site, head: int) -> dict:
    """The layout's parts in the model's order, for one head; every step recorded."""
    import torch

    side = "the encoder's output (keys and values)" if site.stack == "cross" else "the same x (self-attention)"
    steps = [Step("x", f"x: the attention block's input, {site.T} tokens × {site.x.shape[1]} numbers"
                  + (f"; keys and values come from {side}, {site.S} tokens" if site.stack == "cross" else "")
                  + " (one sequence, no padding), captured with a forward hook that is removed as soon as the pass "
                  "ends")]
    q_all, k_all, v_all, how = layout.project(site)  # (heads, T, d), (kv heads, S, d)
    group = q_all.shape[0] // k_all.shape[0]  # query heads per key/value head (1 unless grouped-query)
    kv = head // group
    shared = f"; grouped-query: query head {head} reads key/value head {kv}" if group > 1 else ""
    steps.append(Step("Q, K, V", f"Q, K, V: {how}, with the layer's own weights; head {head}{shared}"))
    q, k, v = q_all[head], k_all[kv], v_all[kv]  # (T, d), (S, d)
    if layout.qk_norm is not None:
        q, k, text = layout.qk_norm(site, q, k)
        steps.append(Step("q/k norm", text))
    rotary = layout.positions is not None
    if rotary:
        q, k, text = layout.positions(site, q, k)
        steps.append(Step("rotary", text))
    after = " (after " + " and ".join(s.name for s in steps[2:]) + ")" if len(steps) > 2 else ""
    dims = min(site.d, 32)
    of = f", {dims} of {site.d} dims" if dims < site.d else ""
    kv_note = f", kv head {kv}" if kv != head else ""
    steps[-1] = replace(steps[-1], panels=(Panel(f"Q{after}{of}", _np(q[:, :dims]), "q"),
                                           Panel(f"K{after}{kv_note}{of}", _np(k[:, :dims]), "k"),
                                           Panel(f"V{kv_note}{of}", _np(v[:, :dims]), "k")))

    scale = layout.scale(site)
    if scale.how == "query":
        scores = (q * scale.value) @ k.T
    elif scale.how == "divide":
        scores = (q @ k.T) / (1.0 / scale.value)
    else:
        scores = (q @ k.T) * scale.value  # (T, S)
    steps.append(Step("scores", f"scores = Q·Kᵀ {scale.text}", (Panel(f"Q·Kᵀ {scale.short}", _np(scores), "qk"),)))
    logits = scores
    cap = layout.softcap(site) if layout.softcap is not None else None
    if cap:
        logits = torch.tanh(logits / cap) * cap
        steps.append(Step("soft-cap", f"soft-capping: scores → {cap:g}·tanh(scores/{cap:g}), so no score leaves "
                          f"±{cap:g}", (Panel(f"soft-cap: {cap:g}·tanh(s/{cap:g})", _np(logits), "qk"),)))
    bias = layout.bias(site, head) if layout.bias is not None else None
    if bias is not None:
        matrix, name, text = bias
        logits = logits + matrix
        steps.append(Step(name, text, (Panel(f"+ {name}", _np(matrix), "qk"),)))
    allowed, mask_text = layout.mask(site)
    masked = logits.masked_fill(~torch.as_tensor(allowed, device=logits.device), float("-inf"))
    steps.append(Step("mask", f"mask: {mask_text}", (Panel("mask: " + mask_text.split(":")[0], _np(masked), "qk"),)))
    weights = torch.softmax(masked, dim=-1)  # each row sums to 1
    sums = weights.sum(-1)
    steps.append(Step("softmax", f"softmax along each row: every row sums to 1 (here between {float(sums.min()):.6f} "
                      f"and {float(sums.max()):.6f}); these are the attention weights",
                      (Panel("softmax, row by row", _np(weights), "qk"),)))
    output = weights @ v  # (T, d): what this head passes on from each position
    steps.append(Step("output", "output = weights · V: each token's new vector is a weighted average of the value "
                      "vectors", (Panel(f"weights · V{of}", _np(output[:, :dims]), "q"),)))
    below = allowed[np.tril_indices(allowed.shape[0], -1, allowed.shape[1])]
    causal = site.stack != "cross" and site.T > 1 and not allowed[np.triu_indices(site.T, 1, site.S)].any()
    return {"q": q, "k": k, "v": v, "scores": scores, "masked": masked, "weights": weights, "output": output,
            "kv_head": kv, "scale": scale.value, "causal": bool(causal), "windowed": bool(not below.all()),
            "rotary": rotary, "steps": steps}
