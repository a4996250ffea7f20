"""What the model expects next (lessons 5–9): the distribution and temperature, the best guess after
every prefix, chosen continuations, the logit lens. Every number comes through the core (`lm`)."""

from .continuations import ContinuationScore, PieceScore, parse_continuations, score_continuations  # noqa: F401
from .distribution import (  # noqa: F401
    MAX_K, Candidate, Distribution, Inputs, NextTokenResult, PrefixRow, PromptToken, as_json, check_params,
    distribution, entropy_curve, next_token, prepare,
)
from .lens import LensCell, LogitLens, logit_lens  # noqa: F401
