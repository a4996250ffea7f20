"""Sentence embeddings: one unit vector per sentence, and the cosine similarity between them.

sentence-transformers' recipe, through the core (for all-MiniLM-L6-v2 the vectors equal
`SentenceTransformer(folder).encode(texts, normalize_embeddings=True)` within 1e-5):

    1. tokenize with the special tokens, cut at the model's max_seq_length (256 for MiniLM, from its
       sentence_bert_config.json), keeping the start      -> backend.encode_sentence
    2. the last layer's hidden states, batched            -> backend.hidden_states
    3. pool them over the attention mask (mean for MiniLM, as its 1_Pooling/config.json says)
    4. L2-normalise, so the similarity of two sentences is their dot product (the cosine)

Poolings: `mean` (every token the model read, [CLS] and [SEP] included, as sentence-transformers does),
`cls` (the first token's state), `max` (per dimension), `last` (the last token's state). A causal LM
is no sentence encoder, but it can stand in, roughly: `mean` over the text's tokens (its start token
left out: its state is the same for every text and would pull all of them together) or `last` (the
state that has read the whole text, the only one that has). The result says it is a stand-in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...errors import InputError
from ..lm import HIDDEN_STATES, LM, POOLINGS, backend_of
from .checks import no_encoder_decoder

MAX_SENTENCES = 512
MAX_SENTENCE_CHARS = 5000


@dataclass(frozen=True, eq=False)
class SentenceEmbeddings:
    """vectors (N, d) float32, unit length, in the order of `texts`; similarity (N, N) = vectors · vectorsᵀ."""

    model: str
    family: str
    pooling: str
    recipe: str  # in words, what was done
    texts: tuple[str, ...]
    vectors: np.ndarray
    tokens_read: tuple[int, ...]
    stand_in: bool  # a causal LM's hidden states standing in for a sentence encoder
    notices: tuple[str, ...] = ()

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    @property
    def similarity(self) -> np.ndarray:
        return np.clip(self.vectors @ self.vectors.T, -1.0, 1.0)

    def as_json(self) -> dict:
        """{model, pooling, dim, vectors, similarity, texts, tokens, recipe, stand_in, notices}: plain lists."""
        return {"model": self.model, "pooling": self.pooling, "dim": self.dim,
                "vectors": [[float(v) for v in row] for row in self.vectors],
                "similarity": [[round(float(v), 6) for v in row] for row in self.similarity],
                "texts": list(self.texts), "tokens": list(self.tokens_read), "recipe": self.recipe,
                "stand_in": self.stand_in, "notices": list(self.notices)}


def check_texts(texts, *, low: int = 1, high: int = MAX_SENTENCES, what: str = "sentence") -> list[str]:
    """A list of non-empty texts (a string is split into lines, blank lines skipped)."""
    if isinstance(texts, str):
        texts = [line for line in texts.splitlines() if line.strip()]
    if not isinstance(texts, (list, tuple)):
        raise InputError("Give the {what}s as a list of texts (or one per line); got {type}.", what=what,
                         type=type(texts).__name__)
    out = []
    for i, t in enumerate(texts, 1):
        if not isinstance(t, str):
            raise InputError("{what} {i} must be text; got {type}.",
                             what=what.capitalize(), i=i, type=type(t).__name__)
        if not t.strip():
            raise InputError("{what} {i} is empty: remove it or type a few words.",
                             what=what.capitalize(), i=i)
        if len(t) > MAX_SENTENCE_CHARS:
            raise InputError("{what} {i} has {n:,} characters; the limit is {max_sentence_chars:,}. "
                             "Shorten it.", what=what.capitalize(), i=i, n=len(t),
                             max_sentence_chars=MAX_SENTENCE_CHARS)
        out.append(t)
    if len(out) < low:
        raise InputError("Type at least {low} {what}s, one per line." if low > 1 else "Type at least one {what}.",
                         low=low, what=what)
    if len(out) > high:
        raise InputError("That is {n:,} {what}s; the limit is {high:,}. Remove some.", n=len(out), what=what,
                         high=high)
    return out


def resolve_pooling(lm: LM, pooling: str | None) -> tuple[str, str]:
    """(pooling, recipe in words) for this model; '' or 'auto' picks the model's own (its sentence-transformers
    config) or, without one, mean pooling (for a causal LM over the text tokens, its start token left out)."""
    b = backend_of(lm)
    pooling = (pooling or "auto").strip().lower()
    no_encoder_decoder(b, "a sentence embedding")
    if pooling not in ("auto", *POOLINGS):
        raise InputError("Unknown pooling {pooling!r}: choose auto, {items}.", pooling=pooling,
                         items=', '.join(POOLINGS))
    config = b.sentence_config()
    causal = b.family == "causal"
    if pooling == "auto":
        pooling = config.pooling if config is not None else "mean"
    if causal and pooling in ("cls", "max"):
        raise InputError("{pooling} pooling is for encoders ([CLS] is BERT's first token); for a causal LM "
                         "choose mean or last.", pooling=pooling)
    if config is not None:
        recipe = (f"sentence-transformers' recipe from the model's own config: up to {config.max_seq_length} tokens, "
                  f"{pooling} pooling over the attention mask, L2-normalised")
    elif causal:
        recipe = (f"a causal LM standing in for a sentence encoder (rough): the last layer's "
                  f"{'mean over the text tokens' if pooling == 'mean' else 'state at the last token'}, L2-normalised")
    else:
        recipe = (f"{b.name} has no sentence-transformers config: the last layer's {pooling} pooling over the "
                  "attention mask, L2-normalised (not trained for this, so a rough embedding)")
    return pooling, recipe


def _pool(h: np.ndarray, pooling: str, lead: int) -> np.ndarray:
    """h (T, d) of one row -> (d,)."""
    if pooling == "mean":
        return h[lead:].mean(0) if h.shape[0] > lead else h.mean(0)
    if pooling == "cls":
        return h[0]
    if pooling == "max":
        return h.max(0)
    return h[-1]


def embed(lm: LM, texts, pooling: str | None = "auto", *, max_tokens: int = 1024, report=None) -> SentenceEmbeddings:
    """Unit-length sentence embeddings for `texts` (see the module docstring), batched."""
    b = backend_of(lm)
    texts = check_texts(texts)
    pooling, recipe = resolve_pooling(b, pooling)
    b.require(HIDDEN_STATES, "sentence embeddings")
    encoded = [b.encode_sentence(t, max_tokens=max_tokens) for t in texts]
    hidden = b.hidden_states([e.ids for e in encoded], report=report)
    causal = b.family == "causal"
    vectors = np.stack([_pool(h, pooling, e.lead if causal else 0) for h, e in zip(hidden, encoded)])
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)  # as torch.nn.functional.normalize
    notices = []
    for i, e in enumerate(encoded, 1):
        notices += [f"Sentence {i}: {n}" for n in e.notices]
    return SentenceEmbeddings(b.name, b.family, pooling, recipe, tuple(texts), vectors,
                              tuple(len(e.ids) for e in encoded), causal, tuple(notices))


def parse_groups(text) -> tuple[list[str], list[str]]:
    """Sentences one per line, with optional '# group' lines that name the group of the lines after them:
    (sentences, group of each; '' before the first header)."""
    if not isinstance(text, str):
        raise InputError("The sentences must be text; got {type}.", type=type(text).__name__)
    sentences, groups, group = [], [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            group = stripped.lstrip("#").strip()
            continue
        sentences.append(stripped)
        groups.append(group)
    return sentences, groups
