"""Token embeddings: a token's row of the input embedding matrix, its nearest tokens by cosine
similarity, and the vector-arithmetic probe (king − man + woman).

The matrix is the model's own (`get_input_embeddings().weight`, (V, d)); only the rows of tokens the
tokenizer can produce are searched (some models pad the matrix with unused rows). The row norms are
computed once per model and remembered.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

import numpy as np

from ...errors import InputError
from ..lm import LM, WEIGHTS, backend_of
from .checks import check_count

MAX_K = 50
MAX_TOKEN_CHARS = 100
MAX_TERMS = 6

_NORMS: "weakref.WeakKeyDictionary[object, object]" = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Neighbour:
    id: int
    token: str  # how it reads (the core's label)
    piece: str  # its spelling in the vocabulary (Ġking, ##ing)
    similarity: float  # cosine similarity with the query vector, −1 to 1


@dataclass(frozen=True, eq=False)
class TokenEmbedding:
    """One token's row of the input embedding matrix and its nearest rows.

    vector (d,) float32: the row itself. norm: its L2 norm; mean_norm: the mean norm of all V rows (for
    scale). neighbours: the k rows with the highest cosine similarity, the token itself left out."""

    model: str
    id: int
    token: str
    piece: str
    vector: np.ndarray
    norm: float
    mean_norm: float
    vocab_size: int
    neighbours: tuple[Neighbour, ...]

    @property
    def dim(self) -> int:
        return int(self.vector.shape[0])

    def as_json(self) -> dict:
        return {"model": self.model, "token": self.token, "id": self.id, "piece": self.piece, "dim": self.dim,
                "norm": self.norm, "mean_norm": self.mean_norm, "vocab_size": self.vocab_size,
                "neighbours": [{"rank": i + 1, "token": n.token, "id": n.id, "piece": n.piece,
                                "similarity": n.similarity} for i, n in enumerate(self.neighbours)]}


@dataclass(frozen=True)
class Analogy:
    """Σ sign · row/|row| over the terms, and the rows nearest to it (the terms themselves left out)."""

    model: str
    terms: tuple[tuple[int, str, int], ...]  # (sign +1/−1, token label, id)
    neighbours: tuple[Neighbour, ...]

    @property
    def expression(self) -> str:
        out = ""
        for i, (sign, label, _) in enumerate(self.terms):
            out += ("" if i == 0 and sign > 0 else " + " if sign > 0 else " − " if i else "−") + repr(label)
        return out


def check_k(k, most: int = MAX_K) -> int:
    return check_count(k, "The number of neighbours", 1, most)


def _matrix(b):
    """The model's input embedding matrix, cut to the rows the tokenizer can produce: (V, d)."""
    b.require(WEIGHTS, "token embeddings")
    emb = b.model.get_input_embeddings()
    weight = getattr(emb, "weight", None)
    if weight is None:
        raise InputError("{model} has no input embedding matrix to read.", model=b.name)
    return weight.detach()[: min(weight.shape[0], len(b.tokenizer))]


def _norms(b, weight):
    norms = _NORMS.get(b.model)
    if norms is None or norms.shape[0] != weight.shape[0]:
        import torch

        with torch.inference_mode():
            norms = weight.float().norm(dim=1)
        _NORMS[b.model] = norms
    return norms


def find_token(lm: LM, text) -> int:
    """The id of one token, typed as it reads (' king', 'king') or as the vocabulary spells it ('##ing',
    'Ġking'). A text of several tokens, or one the vocabulary does not have, is refused with the pieces."""
    b = backend_of(lm)
    if not isinstance(text, str):
        raise InputError("The token must be text; got {type}.", type=type(text).__name__)
    if not text.strip():
        raise InputError("Type a token, for example 'king' (or ' king' with its leading space for GPT-style "
                         "byte-level BPE).")
    if len(text) > MAX_TOKEN_CHARS:
        raise InputError("A token is short; this is {n:,} characters. Type one word or word piece.", n=len(text))
    tok = b.tokenizer
    unk = tok.unk_token_id
    exact = tok.convert_tokens_to_ids(text)
    if isinstance(exact, int) and exact != unk and tok.convert_ids_to_tokens(exact) == text:
        return exact
    ids = b.pieces(text, "The token")
    if len(ids) > 1:
        shown = " + ".join(repr(b.label(i)) for i in ids)
        raise InputError("{text!r} is {n} tokens in {model}: {shown}. The embedding matrix has one row per "
                         "token: type one of the pieces (as it reads, or as the vocabulary spells it).",
                         text=text, n=len(ids), model=b.name, shown=shown)
    if ids[0] == unk and text != tok.unk_token:
        raise InputError("{text!r} is not in {model}'s vocabulary (it becomes the unknown token {unk_token!r}). "
                         "Try another spelling.", text=text, model=b.name, unk_token=tok.unk_token)
    return ids[0]


def _nearest(b, weight, norms, query, k: int, exclude: set[int]) -> tuple[Neighbour, ...]:
    import torch

    with torch.inference_mode():
        q = query.float()
        sims = (weight.float() @ q) / (norms * q.norm()).clamp_min(1e-12)
        values, ids = torch.topk(sims, min(k + len(exclude), sims.shape[0]))
    out = []
    for i, s in zip(ids.tolist(), values.tolist()):
        if i in exclude:
            continue
        out.append(Neighbour(i, b.label(i), str(b.tokenizer.convert_ids_to_tokens(i)), float(s)))
        if len(out) == k:
            break
    return tuple(out)


def token_embedding(lm: LM, token, k=10) -> TokenEmbedding:
    """A token's row (size, norm, values) and its k nearest tokens by cosine similarity."""
    b = backend_of(lm)
    k = check_k(k)
    token_id = find_token(b, token)
    weight = _matrix(b)
    norms = _norms(b, weight)
    row = weight[token_id]
    return TokenEmbedding(
        model=b.name, id=token_id, token=b.label(token_id), piece=str(b.tokenizer.convert_ids_to_tokens(token_id)),
        vector=row.detach().float().cpu().numpy(), norm=float(norms[token_id]), mean_norm=float(norms.mean()),
        vocab_size=int(weight.shape[0]), neighbours=_nearest(b, weight, norms, row.detach(), k, {token_id}),
    )


_TERM = re.compile(r"\s*([+\-−])\s*")


def parse_expression(expression) -> list[tuple[int, str]]:
    """'king - man + woman' -> [(+1, 'king'), (-1, 'man'), (+1, 'woman')]; tokens keep no spaces."""
    if not isinstance(expression, str) or not expression.strip():
        raise InputError("Type an expression such as: king - man + woman")
    parts = _TERM.split(" + " + expression.strip() if expression.strip()[0] not in "+-−" else expression.strip())
    terms, sign = [], 1
    for part in parts:
        if part in ("+", "-", "−"):
            sign = 1 if part == "+" else -1
        elif part.strip():
            terms.append((sign, part.strip()))
    if len(terms) < 2:
        raise InputError("The expression needs at least two tokens joined by + or -, e.g. king - man + woman.")
    if len(terms) > MAX_TERMS:
        raise InputError("The expression has {n} tokens; use at most {max_terms}.", n=len(terms),
                         max_terms=MAX_TERMS)
    return terms


def analogy(lm: LM, expression, k=10) -> Analogy:
    """Vector arithmetic on unit-length input embeddings (3CosAdd), the input tokens left out of the answer.
    A probe of a small model's input layer, not a law: the famous results are on word2vec."""
    import torch

    b = backend_of(lm)
    k = check_k(k)
    terms = parse_expression(expression)
    weight = _matrix(b)
    norms = _norms(b, weight)
    found = []
    for sign, text in terms:
        try:  # byte-level BPE: a word inside running text carries its space (' king'); WordPiece drops it
            found.append((sign, find_token(b, " " + text)))
        except InputError:
            found.append((sign, find_token(b, text)))
    with torch.inference_mode():
        query = sum(sign * weight[i].float() / norms[i].clamp_min(1e-12) for sign, i in found)
    return Analogy(b.name, tuple((s, b.label(i), i) for s, i in found),
                   _nearest(b, weight, norms, query, k, {i for _, i in found}))
