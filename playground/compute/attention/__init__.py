"""Attention (lessons 19–21): the weights of every family, what is derived from them, self-attention by
hand, and the data of bertviz's neuron view.

    weights  AttentionResult, attention(): every layer's weights in one forward pass (through the core)
    derived  hide_tokens, rollout, entropy_by_head (numpy only)
    by_hand  one head recomputed step by step and compared with the model (any stack: encoder, decoder, cross)
    recipes  how each family computes a head: one table entry per attention layout
    textbook the textbook's own 3 × 3 example (no scaling, then ÷√d)
    neuron   bertviz's neuron view data (queries and keys)
"""

from .by_hand import ByHand, by_hand, capture_inputs  # noqa: F401
from .derived import entropy_by_head, hide_tokens, rollout  # noqa: F401
from .neuron import NEURON_ARCHS, neuron_params  # noqa: F401
from .recipes import STACKS  # noqa: F401
from .weights import (  # noqa: F401
    BERTVIZ_MAX_TOKENS, BY_HAND_MAX_TOKENS, DECODER_MAX_NEW_TOKENS, MAX_TOKENS, NEURON_MAX_TOKENS, AttentionResult,
    as_index, attention, check_layer_head, encode,
)
