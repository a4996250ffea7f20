"""The projector: many vectors drawn as points on a 2-D map, and the nearest neighbours of one of them.

The map is PCA (numpy's SVD of the centred vectors): exact, deterministic and instant for the few
hundred points a lesson has, and its two axes mean something (the directions of the largest spread;
`explained` says how much of the spread they keep). The neighbours are measured in the full
space (cosine similarity), not on the map: two points can look close in 2-D and not be.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...errors import InputError
from ..lm import LM, backend_of
from .sentences import SentenceEmbeddings
from .tokens import _matrix, check_k, find_token

MAX_POINTS = 512


@dataclass(frozen=True, eq=False)
class Projection:
    """coords (N, 2): the points on the map; explained (2,): the share of the spread each axis keeps;
    vectors (N, d) unit length, for the neighbours; labels, groups, hover: one per point."""

    model: str
    kind: str  # "sentences" | "tokens"
    labels: tuple[str, ...]
    groups: tuple[str, ...]
    hover: tuple[str, ...]
    coords: np.ndarray
    explained: np.ndarray
    vectors: np.ndarray

    def neighbours(self, index, k=5) -> list[tuple[int, float]]:
        """(point, cosine similarity) of the k points nearest to point `index` in the full space."""
        if not isinstance(index, int) or not 0 <= index < len(self.labels):
            raise InputError("Choose a point from 0 to {last}; got {index!r}.",
                             last=len(self.labels) - 1, index=index)
        k = check_k(k, max(1, len(self.labels) - 1))
        sims = self.vectors @ self.vectors[index]
        order = [int(i) for i in np.argsort(-sims, kind="stable") if i != index][:k]
        return [(i, float(np.clip(sims[i], -1, 1))) for i in order]


def pca_2d(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(coords (N, 2), explained (2,)) of the centred vectors; signs fixed so that each axis's largest
    loading is positive (as scikit-learn's svd_flip), so the same input always draws the same map."""
    x = np.asarray(vectors, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 3:
        raise InputError("The map needs at least 3 points.")
    centred = x - x.mean(0)
    u, s, vt = np.linalg.svd(centred, full_matrices=False)
    signs = np.sign(vt[np.arange(vt.shape[0]), np.abs(vt).argmax(1)])
    signs[signs == 0] = 1
    u, vt = u * signs, vt * signs[:, None]
    spread = float((s ** 2).sum())
    k = min(2, s.shape[0])
    coords = np.zeros((x.shape[0], 2))
    coords[:, :k] = u[:, :k] * s[:k]
    explained = np.zeros(2)
    if spread > 0:
        explained[:k] = s[:k] ** 2 / spread
    return coords, explained


def project_sentences(emb: SentenceEmbeddings, groups=None) -> Projection:
    """The sentence embeddings on a PCA map, coloured by group."""
    n = len(emb.texts)
    if n < 3:
        raise InputError("The map needs at least 3 sentences; there is {n}." if n == 1
                         else "The map needs at least 3 sentences; there are {n}.", n=n)
    if n > MAX_POINTS:
        raise InputError("The map shows at most {max_points} points; there are {n} sentences.",
                         max_points=MAX_POINTS, n=n)
    groups = tuple(groups) if groups else ("",) * n
    if len(groups) != n:
        raise InputError("{n} groups for {n2} sentences: give one group per sentence.", n=len(groups), n2=n)
    coords, explained = pca_2d(emb.vectors)
    labels = tuple(t if len(t) <= 32 else t[:31] + "…" for t in emb.texts)
    hover = tuple(f"{t}" + (f" · {g}" if g else "") for t, g in zip(emb.texts, groups))
    return Projection(emb.model, "sentences", labels, groups, hover, coords, explained, emb.vectors)


def project_tokens(lm: LM, tokens, groups=None) -> Projection:
    """A chosen set of tokens' input embedding rows on a PCA map (each token as find_token reads it)."""
    b = backend_of(lm)
    if isinstance(tokens, str):
        tokens = [t for t in tokens.replace("\n", ",").split(",") if t.strip()]
    tokens = list(tokens or [])
    if len(tokens) < 3:
        raise InputError("The map needs at least 3 tokens; got {n}. Separate them with commas.", n=len(tokens))
    if len(tokens) > MAX_POINTS:
        raise InputError("The map shows at most {max_points} tokens; got {n}.", max_points=MAX_POINTS,
                         n=len(tokens))
    groups = tuple(groups) if groups else ("",) * len(tokens)
    if len(groups) != len(tokens):
        raise InputError("{n} groups for {n2} tokens: give one group per token.", n=len(groups), n2=len(tokens))
    ids = []
    for t in tokens:
        t = t.strip()
        try:  # a word in running text: ' king' in byte-level BPE; WordPiece ignores the space
            ids.append(find_token(b, " " + t))
        except InputError:
            ids.append(find_token(b, t))
    weight = _matrix(b)
    rows = weight[ids].detach().float().cpu().numpy()
    unit = rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
    coords, explained = pca_2d(unit)  # the map and the neighbours both on unit vectors (cosine)
    labels = b.labels(ids)
    hover = tuple(f"{lab!r} (id {i})" + (f" · {g}" if g else "") for lab, i, g in zip(labels, ids, groups))
    return Projection(b.name, "tokens", labels, groups, hover, coords, explained, unit.astype(np.float32))
