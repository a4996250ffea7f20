"""Decoding on a model behind a server (a backend with GENERATE but no WEIGHTS): the server generates,
streamed token by token with each token's log-probability and its top alternatives, which is what an
OpenAI-compatible server sends.

Of the Decoding tab's knobs a server takes (`unsupported` says which not, and why): greedy decoding,
sampling with temperature and top_p, top_k and a repetition penalty where its dialect has them
(llama.cpp, llama-cpp-python, vLLM), a seed, stop strings, several sampled sequences where it takes `n`
(vLLM), beam search on vLLM only (use_beam_search, answered all at once). Not offered, because they run
on the model's own scores at every step, which a server does not hand over: no_repeat_ngram_size and
bad words (logits processors), contrastive search (hidden states), the logits pipeline, the beam tree
and generate() by hand.

Each Step's `prob` is the server's log-probability of the token (the model's distribution at T = 1, as
vLLM and llama.cpp report it), `rank` its place among the alternatives sent (None beyond them), and
`chosen_prob` is None: a server does not send the distribution it drew from.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator

from ...errors import InputError
from ..lm import GENERATE, LM, backend_of
from ..lm.remote import SERVER_SENDS
from ..lm.remote_client import Sampling, StreamEnd, StreamToken
from .params import GenParams
from .steps import TOP_N, Alt, Generation, Prompt, Sequence, Step

NEUTRAL = GenParams()


def unsupported(lm: LM) -> dict[str, str]:
    """knob -> why this server does not take it; the Decoding tab disables those knobs and says why."""
    b = backend_of(lm)
    url, knobs = b.url, set(b.caps.knobs)
    processor = f"it is a logits processor on the model's own scores at every step, and {SERVER_SENDS}"
    out = {
        "no_repeat_ngram_size": processor,
        "bad_words": processor,
        "penalty_alpha": f"contrastive search compares the model's hidden states at every step, and {SERVER_SENDS}",
    }
    if "top_k" not in knobs:
        out["top_k"] = f"{url} takes no top_k (the OpenAI protocol has none)"
    if "repetition_penalty" not in knobs:
        out["repetition_penalty"] = f"{url} takes no repetition penalty"
    if "n" not in knobs:
        out["num_return_sequences"] = f"{url} returns one sequence per request (it ignores n)"
    if b.caps.dialect != "vllm":
        out["num_beams"] = (f"beam search keeps several hypotheses on the model's own scores; {url} does not offer it "
                            "(vLLM does: use_beam_search)")
        out["length_penalty"] = out["num_beams"]
    if not getattr(b.tokenizer, "chat_template", None):
        out["chat_template"] = f"no chat template: {b.tokenizer_note}"
    return out


def sampling_of(lm: LM, params: GenParams) -> tuple[Sampling, tuple[str, ...]]:
    """The server's knobs for `params` (already checked by `check`), or an InputError naming a knob it
    does not take and why; notices where the server's sampler differs from transformers'."""
    b = backend_of(lm)
    missing = unsupported(b)
    for knob, reason in missing.items():
        value = getattr(params, knob)
        if value != getattr(NEUTRAL, knob) and (knob != "num_beams" or params.mode == "beam"):
            raise InputError("{knob} is not offered for {model}: {reason}. Set it back to "
                             "{neutral!r}, or choose a local model.", knob=knob, model=b.name,
                             reason=reason, neutral=getattr(NEUTRAL, knob))
    notes = []
    sample = params.do_sample
    if sample and b.caps.dialect in ("llama.cpp", "llama-cpp-python") and (params.top_k or params.top_p < 1):
        notes.append(f"{b.url} ({b.caps.dialect}) applies the temperature after top-k / top-p, transformers and "
                     "vLLM before: the same knobs can draw from a different set of tokens.")
    if params.repetition_penalty != 1 and b.caps.dialect in ("llama.cpp", "llama-cpp-python"):
        notes.append(f"{b.caps.dialect}'s repeat_penalty looks at the last 64 tokens only; transformers' at all of them.")
    beams = params.num_beams if params.mode == "beam" else 1
    return Sampling(
        max_tokens=params.max_new_tokens, temperature=params.temperature if sample else 0.0,
        top_p=params.top_p if sample else 1.0, top_k=params.top_k if sample else 0,
        repetition_penalty=params.repetition_penalty, seed=params.seed if sample else None,
        stop=params.stop_strings, n=params.num_return_sequences if sample else 1, beams=beams,
        length_penalty=params.length_penalty if beams > 1 else 1.0,
    ), tuple(notes)


def run(lm: LM, prompt: Prompt, params: GenParams, *, stop: threading.Event | None = None
        ) -> Iterator[Step | Generation]:
    """Generate on the server: Steps while one sequence streams, then the Generation. Several sequences
    (n, beam search) come at once."""
    b = backend_of(lm)
    b.require(GENERATE, "generating text")
    sampling, notes = sampling_of(b, params)
    notes = prompt.notices + notes + b.wire_prompt(prompt.ids)[1]
    if not b.caps.logprobs:
        notes += (f"{b.url} sends no log-probabilities, so the tokens have no probabilities here.",)
    start = time.perf_counter()
    if not params.streams:
        got = b.complete_tokens(prompt.ids, sampling, top=TOP_N)
        seqs = tuple(Sequence(c.text, tuple(_step(b, i, t, top) for i, (t, top) in
                                            enumerate(zip(c.tokens, c.tops or ((),) * len(c.tokens)))),
                              _finish(c.finish_reason, params, False), _score(c.tokens, params))
                     for c in got.choices[: max(params.num_return_sequences, 1)])
        yield Generation(b.name, prompt, params, seqs, notes, time.perf_counter() - start, None)
        return
    steps, first, end = [], None, None
    for event in b.stream_tokens(prompt.ids, sampling, top=TOP_N, stop=stop):
        if isinstance(event, StreamEnd):
            end = event
            break
        if isinstance(event, StreamToken) and event.choice == 0:
            first = first if first is not None else time.perf_counter() - start
            step = _step(b, len(steps), event.token, event.top)
            steps.append(step)
            yield step
    text = end.texts[0] if end else "".join(s.token for s in steps)
    stopped = end is None or end.stopped
    finish = _finish(None if end is None else end.finish_reasons[0], params, stopped)
    yield Generation(b.name, prompt, params, (Sequence(text, tuple(steps), finish),), notes,
                     time.perf_counter() - start, first)


def _step(b, index: int, token, top) -> Step:
    """One generated token as the server reported it (see the module docstring)."""
    def same(a) -> bool:
        return a.id == token.id if token.id is not None and a.id is not None else a.text == token.text

    label = b.label(token.id) if token.id is not None else token.text
    lp = token.logprob
    rank = next((r + 1 for r, a in enumerate(top) if same(a)), None)
    alts = tuple(Alt(a.id, b.label(a.id) if a.id is not None else a.text, math.exp(a.logprob), None)
                 for a in top[:TOP_N] if a.logprob is not None)
    note = "" if token.id is not None else "its id is not known: the server sent its text, which is not one token alone"
    return Step(index, token.id, label, None if lp is None else math.exp(lp), lp, rank, None, alts, note)


def _finish(reason: str | None, params: GenParams, stopped: bool) -> str:
    if stopped:
        return "stopped"
    if reason == "stop":
        return "end of text or a stop string" if params.stop_strings else "end of text"
    return reason or "length"  # "length", or a reason only this server gives (as it says it)


def _score(tokens, params: GenParams) -> float | None:
    """Beam search's score of a returned sequence: the sum of its log-probs / length ** length_penalty."""
    if params.mode != "beam" or not tokens or any(t.logprob is None for t in tokens):
        return None
    return sum(t.logprob for t in tokens) / len(tokens) ** params.length_penalty
