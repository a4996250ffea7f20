"""Tiny stdlib HTTP servers on 127.0.0.1 that speak parts of the OpenAI-compatible protocol, for tests.

- StubServer(handler): serves `handler(request) -> Reply` on a free port in a thread; records requests.
- ToyVLLM: a twelve-token "model" answered in vLLM's documented schema (vllm/entrypoints/openai/
  protocol.py: CompletionResponse with `prompt_logprobs` as [None, {"<id>": {logprob, rank,
  decoded_token}}, ...], CompletionLogProbs, TokenizeResponse {count, max_model_len, tokens,
  token_strs}, DetokenizeResponse {prompt}, ErrorResponse {"error": {message, type, param, code}}, the
  "max allowed: 20" error for too many logprobs, SSE chunks then `data: [DONE]`). These are canned
  answers written from vLLM's schema; the client's vLLM paths were never run against a live vLLM.

The toy model's next-token log-probs depend on the previous token only (a fixed bigram table), so a
test can compute every number the client should report.
"""

from __future__ import annotations

import json
import math
import random
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: Any  # decoded JSON, or None
    headers: dict[str, str]


@dataclass(frozen=True)
class Reply:
    """status and a JSON body, or `events` (strings sent as SSE `data:` lines, then the connection closes)."""

    status: int = 200
    body: Any = None
    events: tuple[str, ...] | None = None


class StubServer:
    """Serves `handler` on 127.0.0.1:<port> (default: a free one) until close(); `requests` lists what it
    received. A stub closed and started again on the same port is a server restart."""

    def __init__(self, handler: Callable[[Request], Reply], port: int = 0):
        self.requests: list[Request] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _serve(self, method: str):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                request = Request(method, self.path, json.loads(raw) if raw else None, dict(self.headers))
                stub.requests.append(request)
                reply = handler(request)
                self.send_response(reply.status)
                if reply.events is not None:
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    for event in reply.events:
                        self.wfile.write(f"data: {event}\n\n".encode())
                        self.wfile.flush()
                    return
                data = json.dumps(reply.body).encode()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _answer(self, method: str):
                try:
                    self._serve(method)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (a timeout under test): nothing to answer

            def do_GET(self):
                self._answer("GET")

            def do_POST(self):
                self._answer("POST")

        self._http = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._http.daemon_threads = True
        self.port = self._http.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def posted(self, path: str) -> list[Any]:
        """The JSON bodies POSTed to `path`, in order."""
        return [r.body for r in self.requests if r.method == "POST" and r.path == path]

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def __enter__(self) -> "StubServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def not_found(request: Request) -> Reply:
    return Reply(404, {"detail": "Not Found"})


# ---- a toy model in vLLM's protocol ------------------------------------------------------------

VOCAB = ("<s>", "One", ",", " two", " three", " four", " five", " six", " and", " night", ".", "!")
BOS = 0


def toy_tokenize(text: str, add_special: bool = True) -> list[int]:
    """Greedy longest match over VOCAB ('<s>' in the text is the start token, as special tokens are
    parsed); BOS first when add_special. ValueError for text outside the vocabulary."""
    ids, i = ([BOS] if add_special else []), 0
    while i < len(text):
        matches = [j for j in range(len(VOCAB)) if text.startswith(VOCAB[j], i)]
        if not matches:
            raise ValueError(f"the toy vocabulary cannot spell {text[i:]!r}")
        best = max(matches, key=lambda j: len(VOCAB[j]))
        ids.append(best)
        i += len(VOCAB[best])
    return ids


def toy_logprobs(previous: int) -> list[float]:
    """log P(next = j | previous): a fixed bigram table; BOS is never predicted."""
    logits = [-30.0 if j == BOS else -((j * 7 + previous * 3) % 11) / 2.0 for j in range(len(VOCAB))]
    top = max(logits)
    log_z = top + math.log(sum(math.exp(v - top) for v in logits))
    return [v - log_z for v in logits]


def toy_top(previous: int, k: int) -> list[int]:
    """The k most probable next ids after `previous` (ties: lower id first)."""
    row = toy_logprobs(previous)
    return sorted(range(len(VOCAB)), key=lambda j: (-row[j], j))[:k]


def _text(ids: Iterable[int]) -> str:
    return "".join(VOCAB[i] for i in ids if i != BOS)


@dataclass
class ToyVLLM:
    """Handler for StubServer: /v1/models, /v1/completions (with logprobs, echo, prompt_logprobs,
    stream, n, seed), /tokenize, /detokenize, in vLLM's schema; max logprobs 20 like vLLM's default."""

    model: str = "toy/vllm-model"
    max_logprobs: int = 20
    max_model_len: int = 64
    seen: list[dict] = field(default_factory=list)

    def __call__(self, request: Request) -> Reply:
        routes = {("GET", "/v1/models"): self.models, ("POST", "/v1/completions"): self.completions,
                  ("POST", "/tokenize"): self.tokenize, ("POST", "/detokenize"): self.detokenize}
        return routes.get((request.method, request.path), not_found)(request)

    @staticmethod
    def error(status: int, message: str, kind: str, param: str | None = None) -> Reply:
        return Reply(status, {"error": {"message": message, "type": kind, "param": param, "code": status}})

    def models(self, request: Request) -> Reply:
        return Reply(200, {"object": "list", "data": [{"id": self.model, "object": "model", "created": 0,
                                                       "owned_by": "vllm", "root": self.model,
                                                       "max_model_len": self.max_model_len}]})

    def tokenize(self, request: Request) -> Reply:
        body = request.body or {}
        if "prompt" not in body:
            return self.error(400, "Field required: prompt", "BadRequestError", "prompt")
        try:
            ids = toy_tokenize(body["prompt"], body.get("add_special_tokens", True))
        except ValueError as exc:
            return self.error(400, str(exc), "BadRequestError", "prompt")
        reply = {"count": len(ids), "max_model_len": self.max_model_len, "tokens": ids}
        if body.get("return_token_strs"):
            reply["token_strs"] = [VOCAB[i].replace(" ", "Ġ") for i in ids]
        return Reply(200, reply)

    def detokenize(self, request: Request) -> Reply:
        return Reply(200, {"prompt": _text(request.body["tokens"])})

    def _check(self, body: dict) -> Reply | None:
        if body.get("model") != self.model:
            return self.error(404, f"The model `{body.get('model')}` does not exist.", "NotFoundError", "model")
        for name, what in (("logprobs", "sample"), ("prompt_logprobs", "prompt")):
            if (body.get(name) or 0) > self.max_logprobs:
                return self.error(400, f"Requested {what} logprobs of {body[name]}, which is greater than max "
                                       f"allowed: {self.max_logprobs}", "BadRequestError", name)
        if body.get("stream") and body.get("prompt_logprobs"):
            return self.error(400, "`prompt_logprobs` are not available when `stream=True`.", "BadRequestError")
        return None

    def completions(self, request: Request) -> Reply:
        body = request.body
        self.seen.append(body)
        refused = self._check(body)
        if refused:
            return refused
        prompt = body["prompt"]
        ids = list(prompt) if isinstance(prompt, list) else toy_tokenize(prompt)
        prompt_text = prompt if isinstance(prompt, str) else _text(ids)
        choices = [self._choice(body, ids, prompt_text, index) for index in range(body.get("n", 1))]
        if body.get("stream"):
            return Reply(200, events=tuple(self._chunks(body, choices)) + ("[DONE]",))
        return Reply(200, {"id": "cmpl-toy", "object": "text_completion", "created": 0, "model": self.model,
                           "choices": [c["reply"] for c in choices],
                           "usage": {"prompt_tokens": len(ids), "total_tokens": len(ids) + body.get("max_tokens", 16),
                                     "completion_tokens": body.get("max_tokens", 16)}})

    def _generate(self, body: dict, ids: list[int], index: int) -> list[int]:
        rng = random.Random((body.get("seed") or 0) * 1000 + index)
        out, previous = [], ids[-1]
        for _ in range(body.get("max_tokens", 16)):
            row = toy_logprobs(previous)
            if body.get("temperature", 1.0) == 0:
                nxt = toy_top(previous, 1)[0]
            else:
                nxt = rng.choices(range(len(VOCAB)), weights=[math.exp(v) for v in row])[0]
            out.append(nxt)
            previous = nxt
            if VOCAB[nxt] in (body.get("stop") or []):
                out.pop()
                break
        return out

    def _logprob_block(self, positions: list[tuple[int, int | None]], k: int, start: int) -> dict:
        """CompletionLogProbs for (token, previous) pairs; previous None = the first prompt token."""
        block = {"text_offset": [], "token_logprobs": [], "tokens": [], "top_logprobs": []}
        offset = start
        for token, previous in positions:
            block["tokens"].append(VOCAB[token])
            block["text_offset"].append(offset)
            offset += len(VOCAB[token])
            if previous is None:
                block["token_logprobs"].append(None)
                block["top_logprobs"].append(None)
                continue
            row = toy_logprobs(previous)
            block["token_logprobs"].append(row[token])
            top = {VOCAB[j]: row[j] for j in toy_top(previous, k)}
            top[VOCAB[token]] = row[token]
            block["top_logprobs"].append(top)
        return block

    def _choice(self, body: dict, ids: list[int], prompt_text: str, index: int) -> dict:
        generated = self._generate(body, ids, index)
        k = body.get("logprobs")
        text = _text(generated)
        previous = [ids[-1]] + generated[:-1]
        positions = list(zip(generated, previous))
        if body.get("echo"):
            positions = list(zip(ids, [None] + ids[:-1])) + positions
            text = prompt_text + text
        reply = {"index": index, "text": text, "logprobs": None, "finish_reason": "length", "stop_reason": None}
        if k is not None:
            reply["logprobs"] = self._logprob_block(positions, k, 0 if body.get("echo") else len(prompt_text))
        if body.get("prompt_logprobs") is not None:
            reply["prompt_logprobs"] = [None] + [self._prompt_entry(ids[i - 1], ids[i], body["prompt_logprobs"])
                                                 for i in range(1, len(ids))]
        return {"reply": reply, "generated": generated, "previous": previous}

    def _prompt_entry(self, previous: int, token: int, k: int) -> dict:
        row = toy_logprobs(previous)
        ranks = toy_top(previous, len(VOCAB))
        chosen = set(ranks[:k]) | {token}
        return {str(j): {"logprob": row[j], "rank": ranks.index(j) + 1, "decoded_token": VOCAB[j]} for j in chosen}

    def _chunks(self, body: dict, choices: list[dict]) -> Iterable[str]:
        k = body.get("logprobs")
        longest = max(len(c["generated"]) for c in choices)
        for step in range(longest):
            for c in choices:
                if step >= len(c["generated"]):
                    continue
                token, last = c["generated"][step], step == len(c["generated"]) - 1
                choice = {"index": c["reply"]["index"], "text": VOCAB[token], "finish_reason": "length" if last else None,
                          "stop_reason": None, "logprobs": None}
                if k is not None:
                    choice["logprobs"] = self._logprob_block([(token, c["previous"][step])], k, 0)
                yield json.dumps({"id": "cmpl-toy", "object": "text_completion", "created": 0, "model": self.model,
                                  "choices": [choice]})
