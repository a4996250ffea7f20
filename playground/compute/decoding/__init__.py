"""Decoding (lessons 10–15): model.generate() with every knob, observed step by step.

What this package adds to a bare `model.generate()` call, without changing what it generates:

    params       every knob, the named strategies, the check before any forward pass
    steps        the result types, the prompt as the model reads it (the core), teacher-forced probabilities
    streaming    greedy and sampled decoding, one Step per token as it is made (the core's stream)
    beam         beam search and several sequences at once, and the beam tree
    contrastive  contrastive search, written here (transformers 5 needs remote code for it)
    pipeline     one step re-run through generate()'s own logits processors, stage by stage
    by_hand      generate() by hand (lesson 15): the decoding loop, equal to generate()
    remote       decoding on a model behind a server: the server generates, streamed with log-probs

Results are frozen dataclasses of plain data. torch is imported only inside the functions that run
the model.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from ..lm import GENERATE, LM, WEIGHTS, backend_of
from . import remote
from .beam import BeamTree, TreeNode, generate_all  # noqa: F401
from .contrastive import contrastive
from .params import (  # noqa: F401
    MAX_BAD_WORDS, MAX_BEAMS, MAX_RETURN, MAX_STOP_STRINGS, MAX_WORD_CHARS, STRATEGIES, TREE_BEAMS, TREE_STEPS,
    GenParams, check, split_list, strategy_params, with_strategy,
)
from .pipeline import Pipeline, Stage, pipeline  # noqa: F401
from .steps import (  # noqa: F401
    TOP_N, Alt, Generation, Prompt, Sequence, Step, bad_words_ids, divergence, encode_prompt, generate_kwargs,
    replace_notices, strip_eos,
)
from .streaming import stream


def run(lm: LM, prompt: Prompt, params: GenParams, *, stop: threading.Event | None = None
        ) -> Iterator[Step | Generation | BeamTree]:
    """Every strategy through one iterator: Steps while they stream, then the Generation (and, for beam
    search, the BeamTree last). A backend without weights that generates (a model behind a server)
    generates on its server (`remote`)."""
    b = backend_of(lm)
    if not b.supports(WEIGHTS) and b.supports(GENERATE):
        yield from remote.run(b, prompt, params, stop=stop)
    elif params.mode == "contrastive":
        yield from contrastive(lm, prompt, params, stop=stop)
    elif params.streams:
        yield from stream(lm, prompt, params, stop=stop)
    else:
        generation, tree = generate_all(lm, prompt, params, stop=stop)
        yield generation
        if tree is not None:
            yield tree


def generate(lm: LM, prompt: Prompt, params: GenParams, *, stop: threading.Event | None = None
             ) -> tuple[Generation, BeamTree | None]:
    """run() to the end (or until `stop` is set): the Generation and the beam tree (None unless beam search)."""
    generation = tree = None
    for item in run(lm, prompt, params, stop=stop):
        if isinstance(item, Generation):
            generation = item
        elif isinstance(item, BeamTree):
            tree = item
    return generation, tree
