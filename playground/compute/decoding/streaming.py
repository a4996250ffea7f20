"""Greedy and sampled decoding streamed token by token: model.generate() through the core's stream.

generate() runs exactly the LogitsProcessorList it would build itself for these knobs, with a
pass-through recorder before it (raw logits) and after it (the distribution drawn from): see
`lm.generate`. Each token becomes a Step with the model's own probability and the one it was drawn with.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from ...errors import InputError
from ..lm import LM, backend_of
from .params import GenParams
from .steps import Generation, Prompt, Sequence, Step, decode, finish, generate_kwargs, make_step


def stream(lm: LM, prompt: Prompt, params: GenParams, *, stop: threading.Event | None = None
           ) -> Iterator[Step | Generation]:
    """Greedy or sampling decoding by model.generate(), yielding each Step as it is made, then the Generation.
    Setting `stop`, or closing this iterator, ends the generation after the current step."""
    b = backend_of(lm)
    if not params.streams or params.mode not in ("greedy", "sample"):
        raise InputError("Only one greedy or sampled sequence streams; beam search and several sequences come "
                         "all at once.")
    stop = stop or threading.Event()
    kw, notes = generate_kwargs(b, params)
    start = time.perf_counter()
    first = None
    steps: list[Step] = []
    for raw in b.stream(prompt.ids, kw, seed=params.seed, stop=stop):
        if first is None:
            first = time.perf_counter() - start
        step = make_step(b, len(steps), raw.token, raw.logp, raw.kept)
        steps.append(step)
        yield step
    ids = [s.id for s in steps]
    text = decode(b.tokenizer, ids)
    seq = Sequence(text, tuple(steps), finish(b, params, ids, text, stop.is_set()))
    yield Generation(b.name, prompt, params, (seq,), prompt.notices + notes, time.perf_counter() - start, first)
