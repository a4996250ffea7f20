"""A client for OpenAI-compatible inference servers: the protocol layer of the remote backend.

The playground talks to big models through a server (vLLM for real users; llama.cpp's server or
llama-cpp-python's server on a laptop; here and on CI llama-cpp-python's serves the packaged SmolLM2).
This module is only the protocol: HTTP + JSON through httpx, no torch, no gradio, no model code.
Every result is a frozen dataclass; every failure is one exception type, RemoteError, whose message
is plain and never contains the API key.

    server = Server("http://gpu-box:8000/v1", api_key=..., timeout=30)
    server.models()                          # ('Qwen/Qwen2.5-7B-Instruct',)
    caps = server.probe(model)               # what this server can do, measured once (Capabilities)
    server.tokenize(model, "It was a dark")  # Tokenized(ids=(...), pieces=(...))
    server.next_token(model, prompt, n=10)   # NextToken: the top-n of the next token with log-probs
    server.score(model, prompt, continuation)  # Scored: log P(each continuation token | everything before)
    for event in server.stream(model, prompt, Sampling(max_tokens=40), stop_event):
        ...                                  # StreamToken per generated token, then one StreamEnd

Prompts are text or a sequence of token ids. Log-probabilities are natural logs (nats).

Dialects. What a server accepts beyond the OpenAI completions API differs, so `probe` names the
server's dialect from the tokenize endpoint it answers on:

    dialect            tokenize endpoint                         extra knobs (their names on the wire)
    vllm               POST /tokenize {prompt, return_token_strs} top_k, min_p, repetition_penalty, n
    llama.cpp          POST /tokenize {content, with_pieces}      top_k, min_p, repeat_penalty
    llama-cpp-python   POST /extras/tokenize {input}              top_k, min_p, repeat_penalty
    openai             (none)                                     n

Every knob a dialect has is always sent, neutral values included, because servers' own defaults are
not neutral: llama-cpp-python samples with top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.1 and
temperature 0.8 unless told otherwise, and vLLM applies the model's generation_config.json defaults.
A knob a dialect lacks is refused (RemoteError) unless it is neutral, never silently dropped.
llama-cpp-python ignores `n`; its sampler chain applies temperature last (after top-k/top-p/min-p),
where vLLM and transformers apply it first, so the same knobs can sample from different distributions.

What was verified against a live server: the llama-cpp-python paths (tests/test_remote_client.py runs
them against llama-cpp-python 0.3.36 serving SmolLM2-135M-Instruct Q4_1). The vLLM paths
(prompt_logprobs, /tokenize with return_token_strs, /detokenize, the max-logprobs 400 error, token-id
prompts) follow vLLM's documented schema (vllm/entrypoints/openai/protocol.py) and were tested on
canned responses only, never against a live vLLM. The llama.cpp-server paths follow its README and
were not run at all.
"""

from __future__ import annotations

import json
import math
import threading
import time
from typing import Any, Iterator, Sequence

import httpx

from playground.config import validate_remote_url

from .remote_wire import (  # noqa: F401  (the protocol's types are part of this module's API)
    DIALECTS, ERROR_BODY_CHARS, GREEDY_ONE, _KNOBS, Capabilities, Choice, Completion, NextToken, RemoteError,
    Sampling, Scored, ScoredToken, StreamEnd, StreamToken, Token, Tokenized, _first_choice, _logprob_cap,
    _scoring_choice, _shortfall, _span_at, _sse_data, echoed_span, read_logprobs, sampling_payload, server_message,
)

Prompt = str | Sequence[int]

# The probe's prompt: any language model continues it the same way, with a confident next token.
PROBE_PREFIX = "One, two, three, four,"
# Echoed prompt log-probs agree with generated ones within this (nats) on a correct server; the
# one-position shift seen on llama-cpp-python is off by about 11 nats.
ECHO_TOLERANCE = 0.1
# The probe first asks for this many alternatives; a server that allows them all is used up to this.
PROBE_LOGPROBS_CEILING = 100
# Tried in turn when a server refuses the ceiling without saying its limit.
FALLBACK_LOGPROBS = (20, 10, 5, 1)
MAX_BODY_BYTES = 64 * 1024 * 1024  # a larger response is refused rather than read
MAX_CACHED_PIECES = 100_000  # piece -> id cache entries per server before the cache starts afresh
# ---- the client --------------------------------------------------------------------------------

class Server:
    """One OpenAI-compatible server. base_url ends in /v1 (http or https); api_key, if any, is sent
    as a bearer token and scrubbed from every message; timeout (s) bounds each request in all and the
    silence between streamed events; connect_timeout (s) bounds connecting. Thread-safe; capabilities
    are probed once per model and forgotten when the server goes away (so a restarted server, maybe
    serving something else, is probed again on the next call)."""

    def __init__(self, base_url: str, api_key: str | None = None, timeout: float = 30.0,
                 connect_timeout: float = 5.0):
        self.base_url = validate_remote_url(base_url)
        self.root = self.base_url[: -len("/v1")]
        self._key = api_key or None
        if timeout <= 0 or connect_timeout <= 0:
            raise ValueError("timeout and connect_timeout must be positive (seconds)")
        self.timeout = float(timeout)
        headers = {"Authorization": f"Bearer {self._key}"} if self._key else {}
        self._http = httpx.Client(headers=headers, timeout=httpx.Timeout(self.timeout, connect=connect_timeout),
                                  follow_redirects=False, trust_env=False)
        self._lock = threading.Lock()
        self._caps: dict[str, Capabilities] = {}
        self._piece_ids: dict[tuple[str, str], int | None] = {}

    def __repr__(self) -> str:
        return f"Server({self.base_url!r}, api_key={'***' if self._key else None}, timeout={self.timeout})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def forget(self) -> None:
        """Drop what was learned about the server (capabilities, token ids): the next call probes again."""
        with self._lock:
            self._caps.clear()
            self._piece_ids.clear()

    # ---- HTTP ------------------------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """text with the API key replaced by ***."""
        return text.replace(self._key, "***") if self._key else text

    def _error(self, kind: str, message: str, status: int | None = None) -> RemoteError:
        return RemoteError(kind, self.scrub(message), status)

    def _transport_error(self, exc: httpx.TransportError, url: str) -> RemoteError:
        self.forget()  # it may come back as another server
        if isinstance(exc, httpx.TimeoutException):
            what = "connecting" if isinstance(exc, httpx.ConnectTimeout) else "waiting for an answer"
            return self._error("timeout", f"{url} did not answer in time ({what}; the limit is {self.timeout:g} s)")
        if isinstance(exc, httpx.ConnectError):
            return self._error("down", f"cannot connect to {url}: {exc} (is the server running, and is the URL right?)")
        return self._error("down", f"the connection to {url} broke: {type(exc).__name__}: {exc}")

    def _status_error(self, status: int, body: str, url: str, what: str) -> RemoteError:
        message = server_message(body)
        quoted = message[:ERROR_BODY_CHARS] + ("…" if len(message) > ERROR_BODY_CHARS else "")
        if status in (401, 403):
            return self._error("auth", f"{url} refused the API key while {what} (HTTP {status}): {quoted}", status)
        if status == 404 and "model" in message.lower():
            self.forget()
            return self._error("model", f"{self.base_url} does not serve that model (while {what}): {quoted}", status)
        if status == 404:
            return self._error("not_found", f"{url} answered 404 Not Found while {what}: is the base URL right? "
                                             f"It must be the API root ending in /v1, e.g. http://host:8000/v1", status)
        return self._error("http", f"HTTP {status} from {url} while {what}: {quoted}", status)

    def _read_body(self, response: httpx.Response, url: str, deadline: float) -> str:
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise self._error("protocol", f"{url} sent more than {MAX_BODY_BYTES >> 20} MiB; refused")
            if time.monotonic() > deadline:
                raise self._error("timeout", f"{url} took longer than {self.timeout:g} s to send its answer")
            chunks.append(chunk)
        return b"".join(chunks).decode("utf-8", errors="replace")

    def _call(self, method: str, url: str, what: str, payload: dict | None = None) -> Any:
        """One request, its JSON answer decoded. Every failure becomes a RemoteError."""
        deadline = time.monotonic() + self.timeout
        try:
            with self._http.stream(method, url, json=payload) as response:
                body = self._read_body(response, url, deadline)
        except httpx.TransportError as exc:
            raise self._transport_error(exc, url) from None
        if response.status_code >= 400:
            raise self._status_error(response.status_code, body, url, what)
        try:
            return json.loads(body)
        except ValueError:
            raise self._error("protocol", f"{url} answered {what} with something that is not JSON: "
                                          f"{body[:ERROR_BODY_CHARS]!r}") from None

    def _post(self, path: str, payload: dict, what: str) -> Any:
        return self._call("POST", self.base_url + path, what, payload)

    # ---- models and capabilities ------------------------------------------------------------

    def models(self) -> tuple[str, ...]:
        """The ids of the models the server serves (GET /v1/models), in its order."""
        return tuple(str(card["id"]) for card in self.model_cards())

    def model_cards(self) -> tuple[dict, ...]:
        """The server's entry for each model it serves (GET /v1/models), in its order: at least "id"; vLLM
        adds "root" (the weights it loaded: a hub id or a path) and "max_model_len" (its context)."""
        data = self._call("GET", self.base_url + "/models", "listing models")
        entries = data.get("data") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise self._error("protocol", f"{self.base_url}/models did not list models: {str(data)[:200]!r}")
        return tuple(entry for entry in entries if isinstance(entry, dict) and "id" in entry)

    def probe(self, model: str) -> Capabilities:
        """The server's capabilities for `model`, measured once (about 6-9 small requests) and kept
        until the server goes away. RemoteError("model") when the server does not list `model`
        (llama-cpp-python would otherwise answer any name with its own model)."""
        with self._lock:
            if model in self._caps:
                return self._caps[model]
        caps = self._probe(model)
        with self._lock:
            self._caps[model] = caps
        return caps

    def _probe(self, model: str) -> Capabilities:
        served = self.models()
        if model not in served:
            raise self._error("model", f"{self.base_url} does not serve {model!r}; it serves: {', '.join(served) or 'nothing'}")
        kind = self._find_tokenizer(model)
        dialect = kind or "openai"
        added = self._tokenize_with(kind, model, "", True).ids if kind else ()
        cap, cap_source, first = self._probe_logprobs(model, dialect)
        id_prompts = self._probe_id_prompts(model, kind, dialect)
        common = dict(model=model, tokenize=kind, dialect=dialect, added_ids=added, token_id_prompts=id_prompts,
                      max_logprobs_source=cap_source,
                      knobs=tuple(k for k in ("top_k", "min_p", "repetition_penalty", "n") if k in _KNOBS[dialect]))
        if first is None or first.logprob is None:
            return Capabilities(**common, logprobs=False, max_logprobs=0, prompt_logprobs=False, echo_logprobs=False,
                                echo_correct=None, echo_check="no log-probs to compare", scoring=None,
                                scoring_reason="the server returns no log-probs")
        echo_lp, echo_note = self._probe_echo(model, dialect, first)
        prompt_lp, prompt_note = self._probe_prompt_logprobs(model, dialect, first)
        echo_ok = None if echo_lp is None else abs(echo_lp - first.logprob) <= ECHO_TOLERANCE
        prompt_ok = prompt_lp is not None and abs(prompt_lp - first.logprob) <= ECHO_TOLERANCE
        scoring, reason = _scoring_choice(prompt_ok and id_prompts, prompt_note, echo_ok, echo_note)
        return Capabilities(**common, logprobs=True, max_logprobs=cap, prompt_logprobs=prompt_ok,
                            echo_logprobs=echo_lp is not None, echo_correct=echo_ok, echo_check=echo_note,
                            scoring=scoring, scoring_reason=reason)

    def _find_tokenizer(self, model: str) -> str | None:
        for kind in ("vllm", "llama.cpp", "llama-cpp-python"):
            try:
                if self._tokenize_with(kind, model, PROBE_PREFIX, True).ids:
                    return kind
            except RemoteError as exc:
                if exc.kind in ("down", "timeout", "auth"):
                    raise
            except (KeyError, TypeError, AttributeError):
                continue  # answered, but not in that endpoint's shape
        return None

    def _probe_logprobs(self, model: str, dialect: str) -> tuple[int, str, Token | None]:
        """(the most alternatives to ask for, where that number came from, the greedy next token
        after PROBE_PREFIX with its log-prob)."""
        asks = [(PROBE_LOGPROBS_CEILING, "ceiling accepted")]
        tried: set[int] = set()
        while asks:
            n, source = asks.pop(0)
            tried.add(n)
            try:
                choice = self._complete_raw(model, PROBE_PREFIX, GREEDY_ONE, dialect, logprobs=n)
            except RemoteError as exc:
                if exc.status not in (400, 422):
                    raise
                said = _logprob_cap(str(exc))
                if said is not None and said not in tried and 0 < said < n:
                    asks = [(said, "server limit")]
                else:
                    asks = [(k, "fallback") for k in FALLBACK_LOGPROBS if k < n and k not in tried][:1]
                continue
            rows = read_logprobs(choice.get("logprobs"))
            if not rows:
                return 0, "no log-probs", Token(choice.get("text", ""), None, None)
            return n, source, rows[0][0]
        return 0, "refused every size", None

    def _probe_id_prompts(self, model: str, kind: str | None, dialect: str) -> bool:
        if kind is None:
            return False
        ids = list(self._tokenize_with(kind, model, PROBE_PREFIX, True).ids)
        try:
            self._complete_raw(model, ids, GREEDY_ONE, dialect)
            return True
        except RemoteError as exc:
            if exc.status in (400, 422, 500):
                return False
            raise

    def _probe_echo(self, model: str, dialect: str, first: Token) -> tuple[float | None, str]:
        """The echoed log-prob of `first` at the end of PROBE_PREFIX + first.text, and what was seen."""
        text = PROBE_PREFIX + first.text
        try:
            choice = self._complete_raw(model, text, GREEDY_ONE, dialect, logprobs=1, echo=True)
        except RemoteError as exc:
            if exc.status in (400, 422, 500):
                return None, f"echo with logprobs was refused: {exc}"
            raise
        echoed = echoed_span(choice.get("logprobs"), PROBE_PREFIX, first.text)
        if not echoed or len(echoed) != 1 or echoed[0].logprob is None:
            return None, f"echo returned no log-prob for the prompt's last token {first.text!r}"
        return echoed[0].logprob, (f"{first.text!r} after {PROBE_PREFIX!r}: echoed {echoed[0].logprob:.3f}, "
                                   f"generated {first.logprob:.3f} (tolerance {ECHO_TOLERANCE})")

    def _probe_prompt_logprobs(self, model: str, dialect: str, first: Token) -> tuple[float | None, str]:
        """vLLM's prompt_logprobs for `first` at the end of PROBE_PREFIX + first.text, and what was seen."""
        try:
            choice = self._complete_raw(model, PROBE_PREFIX + first.text, GREEDY_ONE, dialect, prompt_logprobs=1)
        except RemoteError as exc:
            if exc.status in (400, 422, 500):
                return None, f"prompt_logprobs was refused: {exc}"
            raise
        rows = choice.get("prompt_logprobs")
        if not rows or not isinstance(rows[-1], dict):
            return None, "the server ignores prompt_logprobs (a vLLM extension)"
        hits = [e for e in rows[-1].values() if isinstance(e, dict) and e.get("decoded_token") == first.text]
        if len(hits) != 1:
            return None, f"prompt_logprobs has no single entry for the prompt's last token {first.text!r}"
        value = float(hits[0]["logprob"])
        return value, f"{first.text!r}: prompt_logprobs {value:.3f}, generated {first.logprob:.3f}"

    # ---- tokens ------------------------------------------------------------------------------

    def tokenize(self, model: str, text: str, add_special: bool = True) -> Tokenized:
        """The server's tokens for `text`; add_special: with the start token(s) the server adds to a
        prompt (as a completion would read it), else without. RemoteError("unsupported") where the
        server has no tokenize endpoint (Ollama, OpenAI proper)."""
        kind = self._require_tokenizer(model)
        tokens = self._tokenize_with(kind, model, text, add_special)
        added = self.probe(model).added_ids
        if kind == "llama-cpp-python" and not add_special and added and tokens.ids[: len(added)] == added:
            return Tokenized(tokens.ids[len(added):], None)  # its endpoint always adds them
        return tokens

    def detokenize(self, model: str, ids: Sequence[int]) -> str:
        """The text of `ids`, as the server decodes them together."""
        kind = self._require_tokenizer(model)
        ids = [int(i) for i in ids]
        if kind == "vllm":
            return str(self._call("POST", self.root + "/detokenize", "detokenizing", {"model": model, "tokens": ids})["prompt"])
        if kind == "llama.cpp":
            return str(self._call("POST", self.root + "/detokenize", "detokenizing", {"tokens": ids})["content"])
        data = self._call("POST", self.root + "/extras/detokenize", "detokenizing", {"model": model, "tokens": ids})
        return str(data["text"])

    def _require_tokenizer(self, model: str) -> str:
        kind = self.probe(model).tokenize
        if kind is None:
            raise self._error("unsupported", f"{self.base_url} has no tokenize endpoint, so token ids are not available")
        return kind

    def _tokenize_with(self, kind: str, model: str, text: str, add_special: bool) -> Tokenized:
        if kind == "vllm":
            data = self._call("POST", self.root + "/tokenize", "tokenizing",
                              {"model": model, "prompt": text, "add_special_tokens": add_special, "return_token_strs": True})
            if "count" not in data:  # vLLM's TokenizeResponse always has it; another server's /tokenize may not
                raise self._error("protocol", "the /tokenize answer is not vLLM's (no count)")
            ids, pieces = data["tokens"], data.get("token_strs")
        elif kind == "llama.cpp":
            data = self._call("POST", self.root + "/tokenize", "tokenizing",
                              {"content": text, "add_special": add_special, "with_pieces": True})
            ids = [t["id"] if isinstance(t, dict) else t for t in data["tokens"]]
            pieces = [str(t.get("piece")) for t in data["tokens"]] if all(isinstance(t, dict) for t in data["tokens"]) else None
        else:
            data = self._call("POST", self.root + "/extras/tokenize", "tokenizing", {"model": model, "input": text})
            ids, pieces = data["tokens"], None
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            raise self._error("protocol", f"the {kind} tokenize endpoint did not return a list of ids")
        return Tokenized(tuple(ids), tuple(pieces) if pieces is not None else None)

    def token_ids(self, model: str, texts: Sequence[str]) -> tuple[int | None, ...]:
        """The id of each token text (as completions report them), found by tokenizing the text alone:
        an id where it comes back as exactly one token, else None (a piece of a character, or text
        that is not one token on its own). Cached per server; one request per new text."""
        return tuple(self._piece_id(model, text) for text in texts)

    def _piece_id(self, model: str, text: str) -> int | None:
        key = (model, text)
        if key not in self._piece_ids:
            ids = self.tokenize(model, text, add_special=False).ids if text else ()
            if len(self._piece_ids) >= MAX_CACHED_PIECES:
                self._piece_ids.clear()
            self._piece_ids[key] = ids[0] if len(ids) == 1 else None
        return self._piece_ids[key]

    def _with_ids(self, model: str, tokens: Sequence[Token]) -> tuple[Token, ...]:
        ids = self.token_ids(model, [t.text for t in tokens])
        return tuple(Token(t.text, i, t.logprob) for t, i in zip(tokens, ids))

    # ---- completions -------------------------------------------------------------------------

    def _prompt_field(self, model: str, prompt: Prompt) -> str | list[int]:
        """What goes in `prompt`: text as is; ids as a list where the server takes them, else as
        their text, after checking that the text tokenizes back to the same ids."""
        if isinstance(prompt, str):
            return prompt
        ids = [int(i) for i in prompt]
        caps = self.probe(model)
        if caps.token_id_prompts:
            return ids
        text = self.detokenize(model, ids)
        if list(self.tokenize(model, text).ids) != ids:
            raise self._error("unsupported", f"{self.base_url} takes text prompts only, and these token ids do not "
                                             "tokenize back to themselves from their text; send the text instead")
        return text

    def _completion_payload(self, model: str, prompt: str | list[int], params: Sampling, dialect: str,
                            **extra: Any) -> dict:
        payload = {"model": model, "prompt": prompt, **sampling_payload(params, dialect)}
        payload.update({k: v for k, v in extra.items() if v is not None})
        return payload

    def _complete_raw(self, model: str, prompt: str | list[int], params: Sampling, dialect: str,
                      **extra: Any) -> dict:
        payload = self._completion_payload(model, prompt, params, dialect, **extra)
        return _first_choice(self._post("/completions", payload, "completing"))

    def next_token(self, model: str, prompt: Prompt, n: int = 10, ids: bool = True) -> NextToken:
        """The top-n of the next token after `prompt` (temperature 0, max_tokens 1), with log-probs;
        n is capped by the server (vLLM: --max-logprobs, 20 by default). ids: find each token's id
        (one tokenize request per new token text; None where the text alone is not one token)."""
        if n < 1:
            raise ValueError(f"n must be at least 1; got {n}")
        caps = self._require_logprobs(model)
        k = min(n, caps.max_logprobs)
        choice = self._complete_raw(model, self._prompt_field(model, prompt), GREEDY_ONE, caps.dialect, logprobs=k)
        rows = read_logprobs(choice.get("logprobs"), k)
        if not rows:
            raise self._error("no_logprobs", f"{self.base_url} answered without log-probs for {model!r}")
        chosen, top = rows[0]
        if ids:
            chosen, top = self._with_ids(model, [chosen])[0], self._with_ids(model, top)
        return NextToken(chosen, top, n, caps.max_logprobs, _shortfall(n, k, len(top), caps.max_logprobs))

    def _require_logprobs(self, model: str) -> Capabilities:
        caps = self.probe(model)
        if not caps.logprobs:
            raise self._error("no_logprobs", f"{self.base_url} returns no log-probs for {model!r}, so it cannot show "
                                             "probabilities; it can still generate text")
        return caps

    def score(self, model: str, prompt: Prompt, continuation: Prompt) -> Scored:
        """log P(continuation token i | prompt, continuation tokens before i), for each continuation
        token, through vLLM's prompt_logprobs or echo, whichever the probe found correct. Text is
        tokenized by the server: the prompt with its start token, the continuation without.
        RemoteError("unsupported", reason) where the probe found no correct way (llama-cpp-python:
        its echoed log-probs are read one position off)."""
        tokens = self.score_tokens(model, prompt, continuation)
        method = self.probe(model).scoring or ""
        return Scored(tuple(t.token for t in tokens), math.fsum(t.token.logprob for t in tokens), method)

    def score_tokens(self, model: str, prompt: Prompt, continuation: Prompt, top: int = 0) -> tuple[ScoredToken, ...]:
        """score(), token by token, with each token's rank and, with top > 0, the `top` most probable
        tokens at its position (capped by the server). vLLM's prompt_logprobs gives the true rank; echo
        gives the place among the alternatives it sends (asked for at least 20), None beyond them."""
        caps = self._require_logprobs(model)
        if caps.scoring is None:
            raise self._error("unsupported", f"{self.base_url} cannot score prompt tokens correctly for {model!r}: "
                                             f"{caps.scoring_reason}")
        k = min(max(top, 1), caps.max_logprobs)
        if caps.scoring == "prompt_logprobs":
            return self._score_prompt_logprobs(model, caps, prompt, continuation, k, top)
        return self._score_echo(model, caps, prompt, continuation, min(max(top, 20), caps.max_logprobs), top)

    def _ids(self, model: str, part: Prompt, add_special: bool) -> list[int]:
        return list(self.tokenize(model, part, add_special).ids) if isinstance(part, str) else [int(i) for i in part]

    def _text(self, model: str, part: Prompt) -> str:
        return part if isinstance(part, str) else self.detokenize(model, part)

    def _score_prompt_logprobs(self, model: str, caps: Capabilities, prompt: Prompt, continuation: Prompt,
                               k: int, top: int) -> tuple[ScoredToken, ...]:
        context, target = self._ids(model, prompt, True), self._ids(model, continuation, False)
        if not context or not target:
            raise self._error("unsupported", "scoring needs a non-empty prompt (in tokens) and continuation")
        choice = self._complete_raw(model, context + target, GREEDY_ONE, caps.dialect, prompt_logprobs=k)
        rows = choice.get("prompt_logprobs") or []
        if len(rows) != len(context) + len(target):
            raise self._error("protocol", f"prompt_logprobs has {len(rows)} entries for {len(context) + len(target)} prompt tokens")
        tokens = []
        for position, token_id in enumerate(target, start=len(context)):
            row = rows[position] or {}
            entry = row.get(str(token_id))
            if not isinstance(entry, dict):
                raise self._error("protocol", f"prompt_logprobs has no entry for token {token_id} at position {position}")
            alternatives = sorted((Token(str(e.get("decoded_token", "")), int(i), float(e["logprob"]))
                                   for i, e in row.items() if isinstance(e, dict)), key=lambda t: -t.logprob)
            rank = entry.get("rank")
            tokens.append(ScoredToken(Token(str(entry.get("decoded_token", "")), token_id, float(entry["logprob"])),
                                      int(rank) if isinstance(rank, int) else None, tuple(alternatives[:top])))
        return tuple(tokens)

    def _score_echo(self, model: str, caps: Capabilities, prompt: Prompt, continuation: Prompt,
                    k: int, top: int) -> tuple[ScoredToken, ...]:
        context, target = self._text(model, prompt), self._text(model, continuation)
        if not context or not target:
            raise self._error("unsupported", "scoring needs a non-empty prompt and continuation")
        choice = self._complete_raw(model, context + target, GREEDY_ONE, caps.dialect, logprobs=k, echo=True)
        rows = read_logprobs(choice.get("logprobs"), k)
        found = _span_at([token for token, _ in rows], context, target)
        if found is None or any(token.logprob is None for token, _ in rows[found[0]: found[1]]):
            raise self._error("protocol", "the echoed tokens do not line up with the continuation (the prompt and "
                                          "continuation may merge into one token at their boundary)")
        out = []
        for token, alternatives in rows[found[0]: found[1]]:
            if caps.tokenize:
                token, alternatives = self._with_ids(model, [token])[0], self._with_ids(model, alternatives)
            texts = [a.text for a in alternatives]
            rank = texts.index(token.text) + 1 if token.text in texts else None
            out.append(ScoredToken(token, rank, tuple(alternatives[:top])))
        return tuple(out)

    def complete(self, model: str, prompt: Prompt, params: Sampling = Sampling(), top: int = 0,
                 ids: bool = False) -> Completion:
        """A non-streamed completion; every choice with its tokens' log-probs (where the server gives
        them) and, with top > 0, that many alternatives per step (capped by the server)."""
        caps = self.probe(model)
        payload = self._completion_payload(model, self._prompt_field(model, prompt), params, caps.dialect,
                                           logprobs=min(top, caps.max_logprobs) if caps.logprobs else None)
        data = self._post("/completions", payload, "completing")
        choices = sorted(data.get("choices") or [], key=lambda c: c.get("index", 0))
        if not choices:
            raise self._error("protocol", "the server's completion has no choices")
        return Completion(tuple(self._choice(model, c, top, ids) for c in choices))

    def _choice(self, model: str, choice: dict, top: int, ids: bool) -> Choice:
        rows = read_logprobs(choice.get("logprobs"), top)
        tokens = tuple(token for token, _ in rows)
        tops = tuple(alternatives for _, alternatives in rows)
        if ids:
            tokens, tops = self._with_ids(model, tokens), tuple(self._with_ids(model, t) for t in tops)
        return Choice(str(choice.get("text", "")), tokens, tops, choice.get("finish_reason"))

    def stream(self, model: str, prompt: Prompt, params: Sampling = Sampling(), stop_event: threading.Event | None = None,
               top: int = 0, ids: bool = False) -> Iterator[StreamToken | StreamEnd]:
        """Generate with `stream=true` (server-sent events): a StreamToken per generated token (with its
        log-prob, and with top > 0 that many alternatives, capped by the server), then one StreamEnd.
        Setting stop_event, or closing the iterator, closes the HTTP stream (the server stops too).
        The silence between events is bounded by the timeout; the number of events by max_tokens."""
        if params.beams > 1:
            raise self._error("unsupported", "beam search is not streamed (vLLM answers it all at once): use complete()")
        caps = self.probe(model)
        payload = self._completion_payload(model, self._prompt_field(model, prompt), params, caps.dialect,
                                           logprobs=min(top, caps.max_logprobs) if caps.logprobs else None, stream=True)
        return self._events(model, payload, params, stop_event, top, ids)

    def _events(self, model: str, payload: dict, params: Sampling, stop_event: threading.Event | None,
                top: int, ids: bool) -> Iterator[StreamToken | StreamEnd]:
        url = self.base_url + "/completions"
        texts, reasons, counts = [""] * params.n, [None] * params.n, [0] * params.n
        if stop_event is not None and stop_event.is_set():  # stopped before it started: no request
            yield StreamEnd(tuple(texts), tuple(reasons), True)
            return
        budget = 4 * (params.max_tokens + 8) * params.n  # SSE lines: data, blank, pings, a final chunk
        stopped = False
        try:
            with self._http.stream("POST", url, json=payload) as response:
                if response.status_code >= 400:
                    body = self._read_body(response, url, time.monotonic() + self.timeout)
                    raise self._status_error(response.status_code, body, url, "streaming")
                for line in response.iter_lines():
                    budget -= 1
                    if budget < 0:
                        raise self._error("protocol", f"{url} kept streaming past max_tokens={params.max_tokens}")
                    data = _sse_data(line)
                    if data == "[DONE]":
                        break
                    for event in self._chunk_events(model, data, texts, reasons, counts, top, ids) if data else ():
                        yield event
                        if stop_event is not None and stop_event.is_set():
                            break
                    if stop_event is not None and stop_event.is_set():
                        stopped = True
                        break
        except httpx.TransportError as exc:
            raise self._transport_error(exc, url) from None
        yield StreamEnd(tuple(texts), tuple(None if stopped else r for r in reasons), stopped)

    def _chunk_events(self, model: str, data: str, texts: list[str], reasons: list, counts: list[int],
                      top: int, ids: bool) -> Iterator[StreamToken]:
        try:
            chunk = json.loads(data)
        except ValueError:
            raise self._error("protocol", f"a streamed event is not JSON: {data[:200]!r}") from None
        if isinstance(chunk, dict) and "error" in chunk:
            raise self._error("http", f"the server reported an error mid-stream: {server_message(data)[:ERROR_BODY_CHARS]}")
        for choice in chunk.get("choices") or []:
            index = int(choice.get("index", 0))
            if not 0 <= index < len(texts):
                raise self._error("protocol", f"a streamed choice has index {index}; asked for {len(texts)}")
            texts[index] += str(choice.get("text") or "")
            reasons[index] = choice.get("finish_reason") or reasons[index]
            rows = read_logprobs(choice.get("logprobs"), top)
            if not rows and choice.get("text"):
                rows = [(Token(str(choice["text"]), None, None), ())]
            for token, alternatives in rows:
                if ids:
                    token, alternatives = self._with_ids(model, [token])[0], self._with_ids(model, alternatives)
                yield StreamToken(index, counts[index], token, alternatives)
                counts[index] += 1
