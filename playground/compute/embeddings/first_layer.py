"""What the first layer reads: the input vectors, built by hand from the model's embedding tables and
compared with the embeddings the model computed itself (its hidden state 0).

    BERT, MiniLM (BERT-style)  token + position + token type, summed, then LayerNorm
                               ((x − mean) / √(var + ε) · γ + β, by hand here)
    GPT-2                      token + position (the first block's own LayerNorm comes later, inside it)
    SmolLM2, Llama (rotary)    the token embedding alone: position enters inside attention

Every part is (T, d) float32, one row per token; `max_abs_diff` is the largest difference between the
sum (after the norm, where there is one) and what the model computed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...errors import InputError
from ..lm import HIDDEN_STATES, LM, WEIGHTS, backend_of
from .checks import no_encoder_decoder

MAX_TOKENS = 128
TOLERANCE = 1e-4


@dataclass(frozen=True, eq=False)
class FirstLayer:
    """parts: (name, (T, d)) in the order they are added; total: their sum (T, d); normed: the LayerNorm of the
    sum (BERT-style) or None; model_output: the model's own hidden state 0 (T, d)."""

    model: str
    arch: str  # "bert" | "gpt2" | "token-only"
    tokens: tuple[str, ...]
    ids: tuple[int, ...]
    positions: tuple[int, ...]
    token_types: tuple[int, ...] | None
    parts: tuple[tuple[str, np.ndarray], ...]
    total: np.ndarray
    normed: np.ndarray | None
    model_output: np.ndarray
    eps: float | None
    notices: tuple[str, ...] = ()

    @property
    def result(self) -> np.ndarray:
        """What the first layer reads, as built here."""
        return self.normed if self.normed is not None else self.total

    @property
    def max_abs_diff(self) -> float:
        return float(np.abs(self.result.astype(np.float64) - self.model_output).max())

    @property
    def equal(self) -> bool:
        return self.max_abs_diff <= TOLERANCE * max(1.0, float(np.abs(self.model_output).max()))

    def norms(self) -> dict[str, np.ndarray]:
        """Each part's, the sum's and the normed sum's L2 norm per token."""
        out = {name: np.linalg.norm(v, axis=1) for name, v in self.parts}
        out["sum"] = np.linalg.norm(self.total, axis=1)
        if self.normed is not None:
            out["after LayerNorm"] = np.linalg.norm(self.normed, axis=1)
        return out


def _layout(model):
    """('bert', embeddings module) | ('gpt2', base) | ('token-only', base)."""
    base = getattr(model, "base_model", model)
    emb = getattr(base, "embeddings", None)
    if emb is not None and hasattr(emb, "word_embeddings") and hasattr(emb, "position_embeddings"):
        return "bert", emb
    if hasattr(base, "wte") and hasattr(base, "wpe"):
        return "gpt2", base
    return "token-only", base


def first_layer(lm: LM, text, text_b: str = "", *, max_tokens: int = MAX_TOKENS) -> FirstLayer:
    """The first layer's input for `text` (and sentence B for a BERT-style pair), built by hand."""
    import torch

    b = backend_of(lm)
    b.require(WEIGHTS, "the first-layer view")
    b.require(HIDDEN_STATES, "the first-layer view")
    no_encoder_decoder(b, "the first-layer view")
    if not isinstance(text, str) or not text.strip():
        raise InputError("Type a sentence to see what the first layer reads.")
    types = None
    notices: list[str] = []
    if text_b and text_b.strip():
        pair = b.encode_pair(text, text_b)
        ids, types = list(pair.ids), list(pair.token_types) if pair.token_types else None
    else:
        enc = b.encode(text, max_tokens=max_tokens)
        ids, notices = list(enc.ids), list(enc.notices)
    if len(ids) > max_tokens:
        raise InputError("The text is {n} tokens; the first-layer view takes at most {max_tokens}. Shorten it.",
                         n=len(ids), max_tokens=max_tokens)
    arch, owner = _layout(b.model)
    dev = b.device
    x = torch.tensor([ids], device=dev)
    positions = list(range(len(ids)))
    eps = None
    with torch.inference_mode():
        if arch == "bert":
            offset = getattr(owner.position_embeddings, "padding_idx", None)
            offset = offset + 1 if isinstance(offset, int) else 0  # RoBERTa-style positions start after padding
            positions = [offset + p for p in positions]
            parts = [("token", owner.word_embeddings(x)[0]),
                     ("position", owner.position_embeddings(torch.tensor([positions], device=dev))[0])]
            if getattr(owner, "token_type_embeddings", None) is not None:
                types = types or [0] * len(ids)
                parts.append(("token type", owner.token_type_embeddings(torch.tensor([types], device=dev))[0]))
            else:
                types = None
        elif arch == "gpt2":
            parts = [("token", owner.wte(x)[0]), ("position", owner.wpe(torch.tensor([positions], device=dev))[0])]
        else:
            parts = [("token", b.model.get_input_embeddings()(x)[0])]
            notices.append(f"{b.name} has no position table: position enters inside attention (rotary embeddings turn "
                           "each query and key by an angle that grows with the position), so the first layer reads "
                           "the token embeddings alone.")
        total = sum(p.float() for _, p in parts)
        normed = None
        if arch == "bert":
            norm = owner.LayerNorm
            eps = float(norm.eps)
            mean = total.mean(-1, keepdim=True)
            var = ((total - mean) ** 2).mean(-1, keepdim=True)
            normed = (total - mean) / torch.sqrt(var + eps) * norm.weight.float() + norm.bias.float()
    out = b.forward(ids, token_type_ids=types, hidden_states=True).hidden_states[0][0].float()
    as_np = [(name, p.float().cpu().numpy()) for name, p in parts]
    return FirstLayer(
        model=b.name, arch=arch, tokens=b.labels(ids), ids=tuple(ids), positions=tuple(positions),
        token_types=tuple(types) if types else None, parts=tuple(as_np), total=total.cpu().numpy(),
        normed=normed.cpu().numpy() if normed is not None else None, model_output=out.cpu().numpy(), eps=eps,
        notices=tuple(notices),
    )
