"""Position: a learned position embedding matrix (GPT-2, BERT, MiniLM), or what rotary position
embeddings do (SmolLM2, Llama), or the reason a model has neither to show.

Learned: the first `count` rows of the model's position table (P, d) and the cosine similarity
between positions (P, P). Rotary (Su et al. 2021, RoFormer): no table; each attention head turns
every pair of query/key dimensions i by the angle position × θ_i, with θ_i from the model's own
`inv_freq` buffer. Then a query at position m and a key at position n meet through m − n only, and
for a query and a key that point the same way their dot product swings and fades with the distance
(RoFormer §3.4.3, "long-term decay"). The curve is computed twice: through the model's own rotary
module (its cos/sin, scaling included) and from the formula mean_i cos(Δ·θ_i); they must agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...errors import InputError
from ..lm import LM, WEIGHTS, backend_of
from .checks import check_count

MAX_POSITIONS = 512  # rows of a learned table shown at once
MAX_DISTANCE = 4096  # distances of the rotary curve


@dataclass(frozen=True, eq=False)
class LearnedPositions:
    """matrix (P, d): rows offset .. offset + P − 1 of the table, position 0 first; similarity (P, P) cosine;
    total: rows in the table (the most positions the model reads)."""

    model: str
    module: str  # where the table lives, e.g. embeddings.position_embeddings, wpe
    matrix: np.ndarray
    similarity: np.ndarray
    total: int
    offset: int  # RoBERTa-style tables start at padding_idx + 1

    kind = "learned"

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])

    @property
    def norms(self) -> np.ndarray:
        return np.linalg.norm(self.matrix, axis=1)


@dataclass(frozen=True, eq=False)
class RotaryPositions:
    """inv_freq (d_head/2,): θ_i, radians per position for dimension pair i; wavelengths 2π/θ_i in tokens.
    distances (D,) 0..D−1; dot (D,): q·k / |q||k| for a query and key equal before rotation (all ones), the
    key at position 0 and the query at each distance, through the model's rotary module; formula (D,):
    mean_i cos(Δ·θ_i), the same curve from θ alone."""

    model: str
    module: str
    inv_freq: np.ndarray
    head_dim: int
    distances: np.ndarray
    dot: np.ndarray
    formula: np.ndarray
    base: float | None  # rope_theta, when the config says
    context: int | None

    kind = "rotary"

    @property
    def wavelengths(self) -> np.ndarray:
        return 2 * math.pi / self.inv_freq

    @property
    def max_abs_diff(self) -> float:
        return float(np.abs(self.dot - self.formula).max())


def _learned_table(model):
    """(name, nn.Embedding, offset) of a learned absolute-position table, or None."""
    base = getattr(model, "base_model", model)
    emb = getattr(base, "embeddings", None)
    for name, owner, attr in (("embeddings.position_embeddings", emb, "position_embeddings"), ("wpe", base, "wpe"),
                              ("embed_positions", base, "embed_positions")):
        table = getattr(owner, attr, None) if owner is not None else None
        if table is not None and getattr(table, "weight", None) is not None and table.weight.ndim == 2:
            offset = getattr(table, "offset", None)
            if not isinstance(offset, int):
                pad = getattr(table, "padding_idx", None)
                offset = pad + 1 if isinstance(pad, int) else 0  # RoBERTa, XLM-R: positions from padding_idx + 1
            return name, table, offset
    return None


def _rotary_module(model):
    for name, module in model.named_modules():
        inv = getattr(module, "inv_freq", None)
        if inv is not None and getattr(inv, "ndim", 0) == 1:
            return name, module
    return None


def position_kind(lm: LM) -> str:
    """'learned', 'rotary' or 'none'."""
    b = backend_of(lm)
    b.require(WEIGHTS, "the position view")
    if _learned_table(b.model) is not None:
        return "learned"
    return "rotary" if _rotary_module(b.model) is not None else "none"


def learned_positions(lm: LM, count=64) -> LearnedPositions:
    import torch

    b = backend_of(lm)
    b.require(WEIGHTS, "the position view")
    found = _learned_table(b.model)
    if found is None:
        raise _none_reason(b)
    name, table, offset = found
    total = int(table.weight.shape[0]) - offset
    count = check_count(count, "The number of positions", 2, min(MAX_POSITIONS, total))
    with torch.inference_mode():
        rows = table.weight.detach()[offset: offset + count].float()
        unit = rows / rows.norm(dim=1, keepdim=True).clamp_min(1e-12)
        sim = (unit @ unit.T).clamp(-1, 1)
    return LearnedPositions(b.name, name, rows.cpu().numpy(), sim.cpu().numpy(), total, offset)


def _rotate_half(x):
    import torch

    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rotary_positions(lm: LM, max_distance=None) -> RotaryPositions:
    import torch

    b = backend_of(lm)
    b.require(WEIGHTS, "the position view")
    found = _rotary_module(b.model)
    if found is None:
        raise _none_reason(b)
    name, module = found
    inv = module.inv_freq.detach().float().cpu()
    head_dim = 2 * inv.shape[0]
    context = b.context_length()
    top = min(MAX_DISTANCE, context or MAX_DISTANCE)
    count = check_count(max_distance if max_distance is not None else top, "The largest distance", 2, MAX_DISTANCE)
    positions = torch.arange(count)
    with torch.inference_mode():
        dummy = torch.zeros(1, count, head_dim, dtype=torch.float32, device=module.inv_freq.device)
        try:
            cos, sin = module(dummy, positions[None].to(dummy.device))
            cos, sin = cos[0].float().cpu(), sin[0].float().cpu()  # (D, head_dim)
        except Exception:  # a rotary module with another signature: the standard recipe from inv_freq
            angles = positions[:, None].float() * inv[None]
            cos, sin = torch.cat([angles.cos()] * 2, -1), torch.cat([angles.sin()] * 2, -1)
        ones = torch.ones(head_dim)
        q = ones * cos + _rotate_half(ones) * sin  # (D, head_dim): the query rotated to each position
        k = ones * cos[0] + _rotate_half(ones) * sin[0]  # the key at position 0
        dot = (q @ k) / (q.norm(dim=1) * k.norm()).clamp_min(1e-12)
        formula = torch.cos(positions[:, None].double() * inv[None].double()).mean(1)
    config = b.model.config
    params = getattr(config, "rope_parameters", None) or {}
    base = params.get("rope_theta") if isinstance(params, dict) else None
    base = base if base is not None else getattr(config, "rope_theta", None)
    return RotaryPositions(b.name, name, inv.numpy(), head_dim, positions.numpy(), dot.numpy(),
                           formula.float().numpy(), float(base) if base is not None else None, context)


def _none_reason(b) -> InputError:
    kind = "an encoder-decoder" if b.family == "seq2seq" else f"a {b.family} model"
    return InputError("{model} ({kind}) has no learned position embedding matrix and no rotary frequencies to "
                      "show: it marks position some other way (T5, for instance, adds a learned bias per distance "
                      "inside attention). Choose GPT-2 or BERT (a learned table; all-MiniLM-L6-v2 offline) or "
                      "SmolLM2 (rotary).", model=b.name, kind=kind)


def positions(lm: LM, count=64, max_distance=None):
    """The model's position picture: LearnedPositions, RotaryPositions, or an InputError saying it has neither."""
    kind = position_kind(lm)
    if kind == "learned":
        return learned_positions(lm, count)
    if kind == "rotary":
        return rotary_positions(lm, max_distance)
    raise _none_reason(backend_of(lm))
