"""The OpenAI-compatible protocol's data as this app reads it: what a server answers (Capabilities, tokens,
next-token lists, scores, stream events), the sampling knobs in each dialect's spelling, and the helpers that
read an answer's log-probabilities and error bodies. `remote_client.Server` speaks to the server with them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Sequence

ERROR_BODY_CHARS = 400  # the most characters of a server's error body quoted in a message

DIALECTS = ("vllm", "llama.cpp", "llama-cpp-python", "openai")
# knob -> (its name on the wire, its neutral value as that dialect spells it)
_KNOBS: dict[str, dict[str, tuple[str, Any]]] = {
    "vllm": {"top_k": ("top_k", -1), "min_p": ("min_p", 0.0),
             "repetition_penalty": ("repetition_penalty", 1.0), "n": ("n", 1)},
    "llama.cpp": {"top_k": ("top_k", 0), "min_p": ("min_p", 0.0), "repetition_penalty": ("repeat_penalty", 1.0)},
    "llama-cpp-python": {"top_k": ("top_k", 0), "min_p": ("min_p", 0.0),
                         "repetition_penalty": ("repeat_penalty", 1.0)},
    "openai": {"n": ("n", 1)},
}


class RemoteError(Exception):
    """Anything that went wrong talking to a server, as one plain sentence (API key scrubbed).

    kind: "down" (connection refused / unreachable), "timeout", "not_found" (wrong URL: 404),
    "model" (the server does not serve that model), "auth" (401/403), "http" (another HTTP error;
    the message quotes the body, truncated), "protocol" (an answer this client cannot read),
    "no_logprobs" (the server returns none), "unsupported" (the server cannot do what was asked).
    status: the HTTP status when there was one.
    """

    def __init__(self, kind: str, message: str, status: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.status = status


# ---- results -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Capabilities:
    """What one server can do for one model, measured by `Server.probe`.

    tokenize: the tokenize endpoint that answered ("vllm", "llama.cpp", "llama-cpp-python") or None.
    dialect: how to spell extra knobs (see the module docstring); the tokenize kind, else "openai".
    added_ids: ids the server adds to any text it tokenizes for a prompt (a start token), () if none.
    token_id_prompts: whether `prompt` may be a list of ids on the wire (otherwise ids are sent as
        their text, after checking that the text tokenizes back to the same ids).
    logprobs: whether completions return log-probs at all.
    max_logprobs: the most alternatives per position this client will ask for (the server's
        limit, or PROBE_LOGPROBS_CEILING where the server allowed that many).
    max_logprobs_source: "server limit" (from its 400 error), "ceiling accepted", or "fallback".
    prompt_logprobs: whether vLLM's `prompt_logprobs` extension answered, and agreed with generation.
    echo_logprobs: whether `echo` + `logprobs` returned prompt-token log-probs.
    echo_correct: whether those agreed with the generated-token log-prob (None: not measurable).
    echo_check: what the agreement check measured, in words.
    scoring: how `score` reads prompt log-probs: "prompt_logprobs", "echo", or None (refused).
    scoring_reason: why, in words (shown to users when scoring is refused).
    knobs: the extra sampling knobs this dialect accepts (names as in Sampling).
    """

    model: str
    tokenize: str | None
    dialect: str
    added_ids: tuple[int, ...]
    token_id_prompts: bool
    logprobs: bool
    max_logprobs: int
    max_logprobs_source: str
    prompt_logprobs: bool
    echo_logprobs: bool
    echo_correct: bool | None
    echo_check: str
    scoring: str | None
    scoring_reason: str
    knobs: tuple[str, ...]


@dataclass(frozen=True)
class Token:
    """One token as a server reports it. text: its decoded text (servers decode each token alone, so
    a piece of a multi-byte character can read as '' or U+FFFD); id: its vocabulary id where known;
    logprob: natural log-probability where the server gave one."""

    text: str
    id: int | None
    logprob: float | None


@dataclass(frozen=True)
class Tokenized:
    """ids: the token ids, in order. pieces: one string per id where the endpoint gives them (vLLM:
    vocabulary pieces such as 'Ġnight'; llama.cpp: decoded text), else None (llama-cpp-python)."""

    ids: tuple[int, ...]
    pieces: tuple[str, ...] | None


@dataclass(frozen=True)
class NextToken:
    """The next-token distribution after a prompt, as far as the server shows it.

    chosen: the most probable token (temperature 0). top: the alternatives, most probable first,
    len(top) <= returned <= min(requested, cap). requested: the n asked for; cap: the server's limit;
    notice: a sentence when fewer than requested came back (None otherwise).
    """

    chosen: Token
    top: tuple[Token, ...]
    requested: int
    cap: int
    notice: str | None


@dataclass(frozen=True)
class Scored:
    """Log-probabilities of a continuation after a prompt: tokens[i].logprob = log P(token i | prompt,
    tokens before i), one entry per continuation token; total = their sum (nats); method: how."""

    tokens: tuple[Token, ...]
    total: float
    method: str


@dataclass(frozen=True)
class ScoredToken:
    """One continuation token as `score_tokens` reads it: the token (id, log-prob), its rank among all
    tokens at its position (1 = the most probable) where the server says it (vLLM's prompt_logprobs),
    else its place among the alternatives sent (None when it is not among them), and those alternatives,
    most probable first."""

    token: Token
    rank: int | None
    top: tuple[Token, ...]


@dataclass(frozen=True)
class StreamToken:
    """One generated token of a stream. choice: which of the n sequences (0-based); position: its
    place in that sequence (0-based); token: the token with its log-prob (None where the server gave
    none); top: the most probable alternatives at that step, most probable first (() unless asked)."""

    choice: int
    position: int
    token: Token
    top: tuple[Token, ...]


@dataclass(frozen=True)
class StreamEnd:
    """The last record of a stream. texts / finish_reasons: per choice ("stop", "length", or None
    when the client stopped first); stopped: True when the stop event or the client ended it."""

    texts: tuple[str, ...]
    finish_reasons: tuple[str | None, ...]
    stopped: bool


@dataclass(frozen=True)
class Choice:
    """One sequence of a non-streamed completion: its text, its tokens (with log-probs), the
    alternatives at each step (() per step unless asked), and why it ended."""

    text: str
    tokens: tuple[Token, ...]
    tops: tuple[tuple[Token, ...], ...]
    finish_reason: str | None


@dataclass(frozen=True)
class Completion:
    """A non-streamed completion: one Choice per requested sequence, in order."""

    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Sampling:
    """Decoding knobs. Neutral values (the defaults) leave the distribution unchanged; temperature 0
    is greedy. top_k 0 = off, top_p 1 = off, min_p 0 = off, repetition_penalty 1 = off. stop: strings
    that end a sequence (not included in it). n: sequences per prompt. Checked here, with the fix."""

    max_tokens: int = 16
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0
    min_p: float = 0.0
    repetition_penalty: float = 1.0
    seed: int | None = None
    stop: tuple[str, ...] = ()
    n: int = 1
    beams: int = 1  # > 1: beam search with that many beams (vLLM's use_beam_search; it returns `beams` sequences)
    length_penalty: float = 1.0  # beam search only

    def __post_init__(self) -> None:
        if self.max_tokens < 1:
            raise ValueError(f"max_tokens must be at least 1; got {self.max_tokens}")
        if self.temperature < 0:
            raise ValueError(f"temperature must be >= 0 (0 = greedy); got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise ValueError(f"top_p must be in (0, 1] (1 = off); got {self.top_p}")
        if self.top_k < 0:
            raise ValueError(f"top_k must be >= 0 (0 = off); got {self.top_k}")
        if not 0 <= self.min_p < 1:
            raise ValueError(f"min_p must be in [0, 1) (0 = off); got {self.min_p}")
        if self.repetition_penalty <= 0:
            raise ValueError(f"repetition_penalty must be > 0 (1 = off); got {self.repetition_penalty}")
        if self.n < 1:
            raise ValueError(f"n must be at least 1; got {self.n}")
        if self.beams < 1:
            raise ValueError(f"beams must be at least 1 (1 = no beam search); got {self.beams}")
        object.__setattr__(self, "stop", tuple(self.stop))

    def neutral(self, knob: str) -> bool:
        return getattr(self, knob) == getattr(Sampling, knob)


GREEDY_ONE = Sampling(max_tokens=1, temperature=0.0)


def sampling_payload(params: Sampling, dialect: str) -> dict[str, Any]:
    """The request fields for `params` in a dialect: the OpenAI ones, plus every extra knob the
    dialect has (neutral ones too: servers' defaults are not neutral). RemoteError("unsupported")
    for a non-neutral knob the dialect lacks."""
    payload: dict[str, Any] = {"max_tokens": params.max_tokens, "temperature": params.temperature,
                               "top_p": params.top_p}
    if params.stop:
        payload["stop"] = list(params.stop)
    if params.seed is not None:
        payload["seed"] = params.seed
    names = _KNOBS[dialect]
    for knob in ("top_k", "min_p", "repetition_penalty", "n"):
        if knob in names:
            wire, neutral = names[knob]
            payload[wire] = neutral if params.neutral(knob) else getattr(params, knob)
        elif not params.neutral(knob):
            raise RemoteError("unsupported", f"a {dialect} server has no {knob}; leave it at "
                                             f"{getattr(Sampling, knob)} for this server")
    if params.beams > 1:  # vLLM's beam search: n is the beam width, and it returns n sequences
        if dialect != "vllm":
            raise RemoteError("unsupported", f"a {dialect} server has no beam search (vLLM has: use_beam_search)")
        payload.update(use_beam_search=True, n=params.beams, length_penalty=params.length_penalty)
    elif not params.neutral("length_penalty"):
        raise RemoteError("unsupported", "length_penalty is for beam search only; leave it at 1.0")
    return payload


# ---- reading answers ---------------------------------------------------------------------------

def server_message(body: str) -> str:
    """The human part of an error body: OpenAI/vLLM {"error": {"message"}} or {"message"}, FastAPI
    {"detail"}; else the body itself. Not truncated or scrubbed (the caller does both)."""
    try:
        data = json.loads(body)
    except ValueError:
        return body.strip()
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        for key in ("message", "detail", "error"):
            if data.get(key):
                value = data[key]
                return value if isinstance(value, str) else json.dumps(value)
    return body.strip()


def _logprob_cap(message: str) -> int | None:
    """vLLM: 'Requested sample logprobs of 21, which is greater than max allowed: 20' -> 20."""
    found = re.search(r"max(?:imum)? allowed:?\s*(\d+)", message)
    return int(found.group(1)) if found else None


def _first_choice(data: Any) -> dict:
    choices = data.get("choices") if isinstance(data, dict) else None
    if not choices or not isinstance(choices[0], dict):
        raise RemoteError("protocol", "the server's completion has no choices")
    return choices[0]


def _ranked(top: dict[str, float] | None) -> list[tuple[str, float]]:
    """A top_logprobs dict ({text: logprob}) as (text, logprob) pairs, most probable first."""
    return sorted((top or {}).items(), key=lambda kv: -kv[1])


def read_logprobs(logprobs: dict | None, top: int | None = None) -> list[tuple[Token, tuple[Token, ...]]]:
    """The OpenAI completions `logprobs` block ({tokens, token_logprobs, top_logprobs, text_offset},
    parallel lists) as (token, at most `top` alternatives, most probable first) per position; ids are
    None (the block carries text only). [] for a missing block. Servers may add the chosen token to
    the alternatives (llama-cpp-python does), which is why they are cut to `top`."""
    if not logprobs:
        return []
    texts = logprobs.get("tokens") or []
    values = logprobs.get("token_logprobs") or [None] * len(texts)
    tops = logprobs.get("top_logprobs") or [None] * len(texts)
    return [(Token(text, None, value), tuple(Token(t, None, lp) for t, lp in _ranked(alternatives)[:top]))
            for text, value, alternatives in zip(texts, values, tops)]


def echoed_span(logprobs: dict | None, before: str, span: str) -> list[Token] | None:
    """The echoed tokens that spell `span` right after the tokens that spell `before`, or None when
    no run of whole tokens does (the two merge into one token at their boundary). Found by text, not
    by text_offset: servers differ in whether the echo starts with a start token's text (vLLM may
    echo '<s>'), drops it (llama-cpp-python), or ends with the generated tokens (vLLM) or not."""
    tokens = [token for token, _ in read_logprobs(logprobs)]
    found = _span_at(tokens, before, span)
    return None if found is None else tokens[found[0]: found[1]]


def _span_at(tokens: Sequence[Token], before: str, span: str) -> tuple[int, int] | None:
    """(start, end) of the run of whole tokens that spells `span` right after those that spell `before`."""
    text, start = "", None
    for i, token in enumerate(tokens):
        if start is None and len(text) >= len(before) and text.endswith(before):
            start = i
        text += token.text
        if start is not None and text.endswith(before + span) and len(text) >= len(before + span):
            return (start, i + 1) if "".join(t.text for t in tokens[start: i + 1]) == span else None
    return None



def _sse_data(line: str) -> str | None:
    """The payload of an SSE `data:` line; None for comments (pings), other fields and blank lines."""
    if not line.startswith("data:"):
        return None
    return line[5:].strip()


def _shortfall(requested: int, asked: int, returned: int, cap: int) -> str | None:
    if returned >= requested:
        return None
    if asked < requested:
        return f"the server gives at most {cap} alternatives per token (vLLM: --max-logprobs); showing {returned}"
    return (f"the server returned {returned} of {asked} alternatives (tokens with the same text, or pieces of "
            "one character, share an entry)")


def _scoring_choice(prompt_ok: bool, prompt_note: str, echo_ok: bool | None, echo_note: str) -> tuple[str | None, str]:
    if prompt_ok:
        return "prompt_logprobs", f"prompt_logprobs agrees with generation ({prompt_note})"
    if echo_ok:
        return "echo", f"echoed prompt log-probs agree with generation ({echo_note})"
    if echo_ok is False:
        return None, f"its echoed prompt log-probs disagree with its own generation ({echo_note}): they are read from the wrong position"
    return None, f"it returns no prompt log-probs ({prompt_note}; {echo_note})"
