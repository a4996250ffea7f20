"""The language-model core: the only code that turns text into model inputs and token rows into
log-probabilities, behind one backend seam. Every tab goes through it, so the same quantity is the
same number everywhere.

    inputs         text -> ids: the start-token policy, masks, decoder start, pad, truncation, budgets
    engine         token rows -> log-probabilities (and batched hidden states): one batch engine
    sentence       a sentence-transformers model's own recipe (max_seq_length, pooling, normalize)
    generate       streaming a local generation through model.generate()
    backend        Backend (what a model can do, and why not), LocalBackend (a model in this process),
                   open_backend (a catalog name -> its backend)
    remote         RemoteBackend: a model behind an OpenAI-compatible server
    remote_client  the protocol of those servers (HTTP + JSON, no torch)
    memo           remember(fn, backend, ...): a deterministic result computed once per loaded model

Feature modules import what they need from here; they never pad, truncate, add a start token or
log-softmax a batch on their own.
"""

from .backend import (  # noqa: F401
    ATTENTIONS, CLASSIFY, GENERATE, GRADIENTS, HIDDEN_STATES, LM, NEXT_TOKEN, SCORE, TOKENIZE, TOP_NEXT, WEIGHTS,
    Backend, Limits, LocalBackend, TopNext, backend_of, open_backend,
)
from .engine import ScoreRequest, Scored, log_probs, probs  # noqa: F401
from .memo import remember  # noqa: F401
from .sentence import POOLINGS, SentenceConfig  # noqa: F401
from .remote import RemoteBackend  # noqa: F401
from .inputs import (  # noqa: F401
    GENERIC_MASKS, MAX_PIECE_TOKENS, Encoded, context_length, has_mask, spell_masks, start_ids, start_token,
    token_label,
)
