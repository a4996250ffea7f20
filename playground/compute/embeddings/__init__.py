"""Embeddings (lesson 22): what a model turns tokens and sentences into, one concept per module.

    tokens       a token's row of the input embedding matrix, its nearest tokens, vector arithmetic
    positions    a learned position table, or what rotary position embeddings do
    first_layer  token + position (+ token type) and their sum (and LayerNorm): what the first layer reads
    sentences    sentence embeddings (sentence-transformers' recipe through the core) and their similarity
    faq          a small FAQ matched by similarity
    contextual   the same word in several sentences, layer by layer
    projector    many vectors on a 2-D PCA map, and the nearest neighbours of one

Pure: every function takes `lm` (a backend or a loaded model) and goes through the core
(`playground.compute.lm`) for tokens and hidden states. No gradio, no plotly.
"""

from .contextual import Contextual, contextual  # noqa: F401
from .faq import FAQ_FILE, MATCH_ON, THRESHOLD, FaqEntry, FaqMatch, FaqResult, load_faq, match_faq, parse_faq  # noqa: F401
from .first_layer import FirstLayer, first_layer  # noqa: F401
from .positions import MAX_POSITIONS, LearnedPositions, RotaryPositions, position_kind, positions  # noqa: F401
from .projector import Projection, pca_2d, project_sentences, project_tokens  # noqa: F401
from .sentences import (  # noqa: F401
    MAX_SENTENCES, SentenceEmbeddings, check_texts, embed, parse_groups, resolve_pooling,
)
from .tokens import MAX_K, Analogy, Neighbour, TokenEmbedding, analogy, find_token, token_embedding  # noqa: F401
