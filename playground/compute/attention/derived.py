"""What is computed from attention weights without the model: hiding special tokens and the first-token
sink, attention rollout across layers, the entropy of each head. numpy only."""

from __future__ import annotations

import numpy as np

from ...errors import InputError
from .weights import check_layer_head


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
