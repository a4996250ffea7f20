"""The logit lens (nostalgebraist, 2020): the prediction layer by layer.

Each layer's hidden state is read through the model's final norm and unembedding, as if the model
stopped there. Causal LMs only; the prompt is read as every tab reads it (the core's start token).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import InputError
from ..lm import HIDDEN_STATES, LM, WEIGHTS, backend_of
from .distribution import PromptToken, prepare, prompt_tokens


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



_NORM_NAMES = ("norm", "ln_f", "final_layer_norm", "final_layernorm", "final_norm")


def _final_norm(model):
    base = getattr(model, "base_model", model)
    for owner in (base, getattr(base, "decoder", None)):
        for name in _NORM_NAMES:
            module = getattr(owner, name, None) if owner is not None else None
            if module is not None and callable(module):
                return module
    return None


def logit_lens(lm: LM, prompt: str, *, max_positions: int = 48, top: int = 5, max_tokens: int = 1024) -> LogitLens:
    """Each layer's hidden state read through the model's final norm and unembedding, at every position.

    transformers returns L + 1 hidden states: the embeddings, then each layer's output, the last one
    already passed through the final norm. So layers 0..L-1 get the norm here and the last is read
    as is; which convention the architecture uses is checked against the model's own logits.
    """
    import torch

    b = backend_of(lm)
    if b.family != "causal":
        raise InputError(
            "The logit lens reads a causal LM's layers through its unembedding; {model} is a {family} model. "
            "Choose a causal model (SmolLM2, GPT-2).", model=b.name, family=b.family
        )
    b.require(WEIGHTS, "the logit lens")
    if not 1 <= max_positions <= 256:
        raise InputError("max_positions must be from 1 to 256.")
    model = b.model
    inputs = prepare(b, prompt, max_tokens=max_tokens)
    b.require(HIDDEN_STATES, "the logit lens")
    out = b.forward(inputs.ids, hidden_states=True)
    hidden = out.hidden_states
    if hidden is None or len(hidden) < 2:
        raise InputError("{model} does not return its hidden states, so the logit lens cannot read them.",
                         model=b.name)
    unembed = model.get_output_embeddings()
    norm = _final_norm(model)
    if unembed is None or norm is None:
        raise InputError("The logit lens does not know where {type} keeps its final norm.",
                         type=type(model).__name__)
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
                "The logit lens could not reproduce {model}'s output from its last hidden state (off by "
                "{diff:.3g}); this architecture applies something after the final norm that the lens does not "
                "know.", model=b.name, diff=diff
            )
        rows = []
        for layer, h in enumerate(hidden):
            final = layer == len(hidden) - 1
            logits = read(h[0, first:], normed=final and last_is_normed)
            if final:  # the row the lens shows last must be the model's own output, at every position
                diff = (logits - model_logits).abs().max().item()
            probs = torch.softmax(logits, dim=-1)
            values, ids = torch.topk(probs, top, dim=-1)
            row = []
            for tids, vals in zip(ids.tolist(), values.tolist()):
                row.append(LensCell(tuple(tids), b.labels(tids), tuple(vals)))
            rows.append(tuple(row))
    layers = ("embeddings",) + tuple(f"layer {i}" for i in range(1, len(hidden)))
    return LogitLens(
        model=b.name,
        tokens=prompt_tokens(b, inputs.ids)[first:],
        layers=layers,
        cells=tuple(rows),
        final_max_abs_diff=float(diff),
        notices=tuple(notices),
    )
