"""The textbook's own self-attention example (lesson 19), before the real head.

The chapter computes, in numpy,

    def self_attention(Q, K, V):
        scores = Q @ K.T                      # no scaling
        weights = softmax(scores, axis=1)     # row by row
        return weights @ V

with Q = K = [[1,0,1],[0,2,0],[1,1,0]] and V = [[0,2,0],[1,0,1],[0,1,2]], and prints
[[0.0900, 1.5752, 0.5795], [0.8668, 0.1491, 1.1014], [0.4223, 0.7330, 1.2670]]. Those numbers are right.
The book then reads the second row as attention percentages ("86.6 %, 14.9 % and 110.1 %"): they are
not. They are weighted sums of V's rows, a vector like any value vector (110.1 % is the giveaway); the
weights are the softmax rows, each of which sums to 1. Here both are kept, with and without the ÷√d
that real models add, so the view can put them side by side.

Pure numpy; a few milliseconds for any matrix the panel takes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...errors import InputError

BOOK_Q = ((1.0, 0.0, 1.0), (0.0, 2.0, 0.0), (1.0, 1.0, 0.0))
BOOK_K = BOOK_Q
BOOK_V = ((0.0, 2.0, 0.0), (1.0, 0.0, 1.0), (0.0, 1.0, 2.0))
BOOK_OUTPUT = ((0.0900, 1.5752, 0.5795), (0.8668, 0.1491, 1.1014), (0.4223, 0.7330, 1.2670))  # as printed
MAX_SIZE = 8  # rows and columns the editable matrices take (a blackboard example, not a model)
MAX_ABS = 1e4  # entries beyond this make exp() overflow-prone and the tables unreadable


@dataclass(frozen=True)
class Attention:
    """One pass of self_attention(Q, K, V): scores (n, m), weights (n, m; rows sum to 1), output (n, d_v)."""

    scale: float  # 1 (the book) or 1/√d
    scores: np.ndarray
    weights: np.ndarray
    output: np.ndarray


@dataclass(frozen=True)
class Textbook:
    """The example with the book's rule (no scaling) and with the real models' rule (÷√d)."""

    q: np.ndarray
    k: np.ndarray
    v: np.ndarray
    book: Attention
    scaled: Attention

    @property
    def d(self) -> int:
        return int(self.q.shape[1])

    @property
    def is_books(self) -> bool:
        """The book's own matrices (so its printed numbers apply)."""
        return (self.q.shape == (3, 3) and np.array_equal(self.q, BOOK_Q) and np.array_equal(self.k, BOOK_K)
                and np.array_equal(self.v, BOOK_V))


def softmax_rows(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def self_attention(Q, K, V, scale: float = 1.0) -> Attention:
    """The book's function: softmax(Q·Kᵀ × scale) row by row, then the weighted sum of V's rows."""
    Q, K, V = (np.asarray(m, dtype=np.float64) for m in (Q, K, V))
    scores = Q @ K.T * scale
    weights = softmax_rows(scores)
    return Attention(scale, scores, weights, weights @ V)


def matrix(value, name: str) -> np.ndarray:
    """A matrix typed into the panel (rows of numbers; blank rows and columns at the edges ignored)."""
    rows = value.values.tolist() if hasattr(value, "values") else value
    if rows is None:
        raise InputError("{name} is empty: type a matrix of numbers, one row per token.", name=name)
    parsed = []
    for r, row in enumerate(rows):
        cells = [c for c in (row if isinstance(row, (list, tuple)) else [row])]
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        try:
            parsed.append([float(c) if not isinstance(c, str) else float(c.strip().replace(",", ".")) for c in cells])
        except (TypeError, ValueError):
            raise InputError("{name}, row {r_1}: every cell must be a number; got {cells!r}.", name=name,
                             r_1=r + 1, cells=cells) from None
    if not parsed:
        raise InputError("{name} is empty: type a matrix of numbers, one row per token.", name=name)
    out = np.array(parsed, dtype=np.float64)
    if not np.isfinite(out).all() or np.abs(out).max() > MAX_ABS:
        raise InputError("{name} must hold finite numbers between −{max_abs:g} and {max_abs:g}.", name=name,
                         max_abs=MAX_ABS)
    if max(out.shape) > MAX_SIZE:
        raise InputError("{name} is {out_shape_0} × {out_shape_1}; the blackboard example takes up to {max_size} "
                         "× {max_size}. For a real model's head, use the by-hand run below.", name=name,
                         out_shape_0=out.shape[0], out_shape_1=out.shape[1], max_size=MAX_SIZE)
    return out


def textbook(Q=BOOK_Q, K=BOOK_K, V=BOOK_V) -> Textbook:
    """The example with the book's rule and with ÷√d; checks that the shapes fit together."""
    q, k, v = matrix(Q, "Q"), matrix(K, "K"), matrix(V, "V")
    if q.shape[1] != k.shape[1]:
        raise InputError("Q has {q_shape_1} columns and K has {k_shape_1}: a query and a key need the same "
                         "length d for their dot product.", q_shape_1=q.shape[1], k_shape_1=k.shape[1])
    if k.shape[0] != v.shape[0]:
        raise InputError("K has {k_shape_0} rows and V has {v_shape_0}: every key needs its value (one row each "
                         "per token).", k_shape_0=k.shape[0], v_shape_0=v.shape[0])
    return Textbook(q, k, v, self_attention(q, k, v), self_attention(q, k, v, 1.0 / math.sqrt(q.shape[1])))
