"""Contextual embeddings: the same word in several sentences, its hidden state at every layer, and how
similar its occurrences are layer by layer.

At layer 0 (the embeddings) "bank" is the same row of the embedding matrix in every sentence (plus a
position vector where the model has a learned one); each layer mixes in the words around it, so a
river bank and a savings bank drift apart. A word of several tokens is the mean of its pieces' states.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...errors import InputError
from ..lm import HIDDEN_STATES, LM, backend_of
from .checks import no_encoder_decoder
from .sentences import check_texts

MAX_SENTENCES = 12
MAX_TOKENS = 128


@dataclass(frozen=True, eq=False)
class Contextual:
    """vectors (L + 1, N, d): the word's state in each sentence at the embeddings (0) and after each layer;
    similarity (L + 1, N, N): their cosine similarity; spans: the word's token positions in each sentence."""

    model: str
    word: str
    sentences: tuple[str, ...]
    tokens: tuple[tuple[str, ...], ...]
    spans: tuple[tuple[int, int], ...]  # [start, end) token positions of the word, per sentence
    vectors: np.ndarray

    @property
    def layers(self) -> tuple[str, ...]:
        return ("embeddings",) + tuple(f"layer {i}" for i in range(1, self.vectors.shape[0]))

    @property
    def similarity(self) -> np.ndarray:
        unit = self.vectors / np.maximum(np.linalg.norm(self.vectors, axis=-1, keepdims=True), 1e-12)
        return np.clip(np.einsum("lnd,lmd->lnm", unit, unit), -1.0, 1.0)

    def pairs(self) -> list[tuple[int, int]]:
        n = len(self.sentences)
        return [(i, j) for i in range(n) for j in range(i + 1, n)]


def _find(ids: tuple[int, ...], lead: int, spellings: list[tuple[int, ...]]) -> tuple[int, int] | None:
    for spelling in spellings:
        n = len(spelling)
        for start in range(lead, len(ids) - n + 1):
            if ids[start: start + n] == spelling:
                return start, start + n
    return None


def contextual(lm: LM, word, sentences) -> Contextual:
    """The word's hidden states at every layer in each sentence (each must contain it)."""
    b = backend_of(lm)
    b.require(HIDDEN_STATES, "contextual embeddings")
    no_encoder_decoder(b, "comparing contextual embeddings")
    if not isinstance(word, str) or not word.strip():
        raise InputError("Type the word to follow through the sentences, e.g. bank.")
    word = word.strip()
    sentences = check_texts(sentences, low=2, high=MAX_SENTENCES)
    # The word inside a sentence may carry a space (byte-level BPE: ' bank') or a capital at the start.
    spellings = []
    for form in (" " + word, word, " " + word.capitalize(), word.capitalize()):
        try:
            ids = b.pieces(form, "The word")
        except InputError:
            continue
        if ids not in spellings:
            spellings.append(ids)
    if not spellings:
        raise InputError("The word {word!r} has no tokens in {model}'s vocabulary.", word=word, model=b.name)
    rows, spans = [], []
    for i, s in enumerate(sentences, 1):
        enc = b.encode(s, max_tokens=MAX_TOKENS)
        if enc.notices:
            raise InputError("Sentence {i} is over {max_tokens} tokens: shorten it.", i=i, max_tokens=MAX_TOKENS)
        span = _find(enc.ids, enc.lead, spellings)
        if span is None:
            shown = s if len(s) <= 60 else s[:57] + "…"
            raise InputError("Sentence {i} ({shown!r}) does not contain the word {word!r} as {model} tokenizes "
                             "it ({items}). Put the word in every sentence.", i=i, shown=shown, word=word,
                             model=b.name,
                             items=' or '.join(' + '.join(repr(b.label(t)) for t in sp) for sp in spellings))
        rows.append(enc.ids)
        spans.append(span)
    hidden = b.hidden_states(rows, all_layers=True)  # per row (L + 1, T, d)
    vectors = np.stack([h[:, a:z].mean(1) for h, (a, z) in zip(hidden, spans)], axis=1)  # (L + 1, N, d)
    return Contextual(b.name, word, tuple(sentences), tuple(b.labels(r) for r in rows), tuple(spans),
                      vectors.astype(np.float32))
