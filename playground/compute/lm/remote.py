"""A model behind an OpenAI-compatible server (vLLM, llama.cpp's server, ...) on the core's seam.

What such a server really gives, and so what a RemoteBackend offers:

    TOKENIZE   the model's tokenizer: a local copy the catalog checked against the server's tokenize
               endpoint (`remote_models.RemoteCatalog.local_tokenizer`), else that endpoint itself
    TOP_NEXT   the top N next tokens with their log-probabilities (N up to the server's limit), by text;
               ids are found by tokenizing each text alone
    SCORE      log-probabilities of given tokens after a prompt, only where the probe found that the
               server reads them from the right position (vLLM's prompt_logprobs; a correct echo)
    GENERATE   a streamed generation with each token's log-probability and its top alternatives

and not NEXT_TOKEN (the whole distribution), HIDDEN_STATES, ATTENTIONS, GRADIENTS, WEIGHTS or CLASSIFY:
a model behind a server sends tokens and log-probabilities, not its weights or attentions.

The same text is read the same way as a local model reads it. `encode` is the core's policy (a causal
LM reads its start token first: <|endoftext|> for SmolLM2), so the ids are the local path's ids.
What goes on the wire (`wire_prompt`) is those ids where the server takes token-id prompts (vLLM);
otherwise (llama.cpp, llama-cpp-python: HTTP 500 for a list of ids) their text, the special tokens
spelled out ("<|endoftext|>It was", which the server parses back into the special token). That it reads
exactly those ids is checked: with a local copy of the tokenizer that the catalog found reads as the
server's, and after `check_start` found the server parses the start token's text into the start token,
each prompt is checked locally (its text read back by that tokenizer, no request); otherwise with the
server's own tokenize endpoint (one request per new prompt text, remembered). Where it cannot read
them (a server that puts its own BOS in front of every text, no tokenize endpoint to check with, ids
whose text reads otherwise, as at a truncation cut), the result's notices say so.
"""

from __future__ import annotations

import html
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from ...errors import InputError, ModelUnavailable
from ...models import ModelSpec
from . import engine
from .backend import (
    ATTENTIONS, CLASSIFY, GENERATE, GRADIENTS, HIDDEN_STATES, NEXT_TOKEN, SCORE, TOKENIZE, TOP_NEXT, WEIGHTS,
    Backend, Limits, TopNext,
)
from .engine import ScoreRequest, Scored
from .remote_client import (
    Capabilities, Completion, RemoteError, Sampling, Server, StreamEnd, StreamToken, Token,
)

SERVER_SENDS = "a model behind a server sends tokens and log-probabilities, not its weights or attentions"
MAX_CHECKED = 256  # prompt texts whose reading by the server is remembered (per backend)
RANK_TOP = 20  # alternatives asked for when scoring, so that ranks and first ranks can be read


class ServerTokenizer:
    """The part of a transformers tokenizer the core's input policy uses (`inputs`), answered by the server's
    tokenize and detokenize endpoints: for a served model with no local copy of its tokenizer. Special
    tokens are known by their text: a text such as "<|endoftext|>" that tokenizes to one id is that token."""

    mask_token = mask_token_id = eos_token_id = pad_token_id = None
    chat_template = None

    def __init__(self, server: Server, model: str, caps: Capabilities):
        self.server, self.model, self.caps = server, model, caps
        self._specials: dict[int, str] = {}
        self._texts: dict[int, str] = {}
        self._lock = threading.Lock()
        self.bos_token_id = caps.added_ids[0] if caps.added_ids else None
        if caps.added_ids:
            pieces = server.tokenize(model, "", add_special=True).pieces
            for i, piece in zip(caps.added_ids, pieces or ()):
                self._specials[i] = piece

    def __call__(self, text: str, add_special_tokens: bool = True, **_):
        return {"input_ids": list(self.server.tokenize(self.model, text, add_special_tokens).ids)}

    def convert_tokens_to_ids(self, token: str) -> int | None:
        try:
            ids = self.server.tokenize(self.model, token, add_special=False).ids
        except RemoteError as exc:
            if exc.kind != "http":
                raise
            return None  # the server cannot spell it at all
        if len(ids) != 1:
            return None
        with self._lock:
            self._specials[ids[0]] = token
        return ids[0]

    def convert_ids_to_tokens(self, ids):
        if isinstance(ids, int):
            return self._specials.get(ids) or self._text(ids)
        return [self.convert_ids_to_tokens(int(i)) for i in ids]

    @property
    def all_special_ids(self) -> list[int]:
        return sorted(set(self._specials) | set(self.caps.added_ids))

    def _text(self, token_id: int) -> str:
        with self._lock:
            found = self._texts.get(token_id)
        if found is None:
            found = self.server.detokenize(self.model, [token_id])
            with self._lock:
                self._texts[token_id] = found
        return found

    def decode(self, ids, skip_special_tokens: bool = False, **_) -> str:
        """The text of `ids`: runs of ordinary ids decoded together by the server, special tokens spelled
        out (servers' detokenize endpoints drop them) unless skipped."""
        out, run = [], []
        special = set(self.all_special_ids)
        for i in (int(x) for x in ids):
            if i not in special:
                run.append(i)
                continue
            if run:
                out.append(self.server.detokenize(self.model, run) if len(run) > 1 else self._text(run[0]))
                run = []
            if not skip_special_tokens:
                out.append(self._specials.get(i) or self._text(i))
        if run:
            out.append(self.server.detokenize(self.model, run) if len(run) > 1 else self._text(run[0]))
        return "".join(out)


class RemoteBackend(Backend):
    """One model on one OpenAI-compatible server (see the module docstring)."""

    kind = "remote"

    def __init__(self, spec: ModelSpec, server: Server, model: str, caps: Capabilities, tokenizer, *,
                 local_tokenizer: bool, tokenizer_note: str = "", context: int | None = None,
                 limits: Limits | None = None, on_failure=None):
        super().__init__(spec, tokenizer, limits)
        self.server, self.served, self.caps = server, model, caps
        self.local_tokenizer = local_tokenizer
        self.tokenizer_note = tokenizer_note
        self.vocab = len(tokenizer) if local_tokenizer else None
        self._context = context
        self._on_failure = on_failure
        # True once `check_start` found that the server reads a text with the start token as the local
        # tokenizer does: wire_prompt then checks a prompt's reading locally, not with a request to the server.
        self.reads_like_local = False
        self._read: OrderedDict[str, tuple[int, ...]] = OrderedDict()
        self._lock = threading.Lock()
        ops = {TOKENIZE, GENERATE}
        if caps.logprobs:
            ops.add(TOP_NEXT)
        if caps.scoring:
            ops.add(SCORE)
        self.operations = frozenset(ops)

    @property
    def url(self) -> str:
        return self.server.base_url

    def __repr__(self) -> str:
        return f"<RemoteBackend {self.name} on {self.url} ({self.caps.dialect})>"

    def why_not(self, op: str) -> str:
        if self.supports(op):
            return ""
        where = f"{self.name} runs on a server ({self.url})"
        if op in (HIDDEN_STATES, ATTENTIONS, GRADIENTS, WEIGHTS):
            return f"{where}, and {SERVER_SENDS}"
        if op == NEXT_TOKEN:
            if not self.caps.logprobs:
                return f"{where}, which returns no log-probabilities for it"
            return (f"{where}, which sends the top {self.caps.max_logprobs} next tokens with their log-probabilities, "
                    "not the whole distribution over the vocabulary")
        if op == TOP_NEXT:
            return f"{where}, which returns no log-probabilities for it (it can still generate text)"
        if op == SCORE:
            return f"{self.url} cannot score given tokens correctly: {self.caps.scoring_reason}"
        if op == CLASSIFY:
            return f"{where}, and it is a language model, not a fine-tuned classifier"
        return super().why_not(op)

    def context_length(self) -> int | None:
        return self._context

    # ---- errors ------------------------------------------------------------------------------------

    @contextmanager
    def errors(self, what: str):
        """A RemoteError as the app's errors: the server's refusal of this request (bad knobs, a prompt over
        its context) as an InputError, anything else as ModelUnavailable; the server's text escaped (it can
        hold HTML), the API key already scrubbed by the client. A server that changed is listed again."""
        try:
            yield
        except RemoteError as exc:
            with self._lock:
                self._read.clear()
            if exc.kind in ("model", "down", "timeout", "not_found") and self._on_failure is not None:
                self._on_failure(exc)
            message = html.escape(str(exc), quote=False)
            if exc.kind == "unsupported" or (exc.kind == "http" and exc.status in (400, 413, 422)):
                raise InputError("{what} on {model}: {message}.", what=what[:1].upper() + what[1:], model=self.name,
                                 message=message) from None
            raise ModelUnavailable("{model} is unavailable ({what}): {message}.", model=self.name, what=what,
                                   message=message) from None

    # ---- what goes on the wire ---------------------------------------------------------------------

    def wire_prompt(self, ids) -> tuple[str | list[int], tuple[str, ...]]:
        """What to send as `prompt` so that the server reads exactly `ids`, and notices where it cannot."""
        ids = [int(i) for i in ids]
        if self.caps.token_id_prompts:
            return ids, ()
        added = list(self.caps.added_ids)
        notices = []
        body = ids
        if added:
            if ids[: len(added)] == added:
                body = ids[len(added):]
            else:
                notices.append(f"{self.url} puts {''.join(self.labels(added))!r} in front of every text prompt and "
                               f"takes no token ids, so it reads {len(added)} token(s) before what a local model "
                               "would read.")
        text = self.tokenizer.decode(body, skip_special_tokens=False, clean_up_tokenization_spaces=False)
        if not self.caps.tokenize:
            notices.append(f"{self.url} has no tokenize endpoint, so it could not be checked that it reads the "
                           f"{len(ids)} tokens shown.")
        if self.reads_like_local or not self.caps.tokenize:  # read locally: checked to agree, or not checkable
            read = tuple(added) + tuple(self.tokenizer(text, add_special_tokens=False)["input_ids"])
        else:
            read = self._reading(text)
        expected = tuple(added + body) if added else tuple(ids)
        if read != expected:
            notices.append(f"{self.url} reads this prompt as {len(read)} tokens where the local tokenizer makes "
                           f"{len(expected)} (they part at token {_first_diff(read, expected) + 1}); its numbers are "
                           "for its own reading.")
        return text, tuple(notices)

    def check_start(self) -> str:
        """Whether the server reads the start token's text as the start token, with text after it, the way the
        local tokenizer reads it (the catalog checked the rest of the tokenizer); after a yes, wire_prompt
        checks each prompt locally. Returns what was found, in words."""
        if not (self.local_tokenizer and self.caps.tokenize and not self.caps.token_id_prompts):
            return ""
        ids = self.encode("It was").ids
        text = self.tokenizer.decode(list(ids), skip_special_tokens=False, clean_up_tokenization_spaces=False)
        read = self._reading(text)
        self.reads_like_local = read == tuple(self.caps.added_ids) + tuple(ids)
        if self.reads_like_local:
            return f"it reads {text!r} as {list(ids)}, as the local path does"
        return (f"it reads {text!r} as {list(read)}, the local path as {list(ids)}: each prompt is checked with its "
                "tokenize endpoint")

    def _reading(self, text: str) -> tuple[int, ...]:
        with self._lock:
            if text in self._read:
                self._read.move_to_end(text)
                return self._read[text]
        with self.errors("reading the prompt"):
            read = self.server.tokenize(self.served, text, add_special=True).ids
        with self._lock:
            self._read[text] = read
            while len(self._read) > MAX_CHECKED:
                self._read.popitem(last=False)
        return read

    def ids_of(self, texts) -> tuple[int | None, ...]:
        """The id of each token text as the server names its tokens: tokenized alone, an id where it is one
        token, None where it is not (a piece of a character)."""
        if not self.local_tokenizer:
            with self.errors("finding token ids"):
                return self.server.token_ids(self.served, list(texts))
        texts = list(texts)
        if not texts:
            return ()
        rows = self.tokenizer([t or " " for t in texts], add_special_tokens=False)["input_ids"]  # one call, not one each
        return tuple(int(ids[0]) if text and len(ids) == 1 else None for text, ids in zip(texts, rows))

    def _with_ids(self, tokens) -> tuple[Token, ...]:
        ids = self.ids_of([t.text for t in tokens])
        return tuple(Token(t.text, i, t.logprob) for t, i in zip(tokens, ids))

    # ---- the operations ----------------------------------------------------------------------------

    def top_next(self, ids, n: int) -> TopNext:
        """The top n next tokens after `ids` (n capped by the server), at T = 1, with their log-probs."""
        self.require(TOP_NEXT, "the top next tokens")
        prompt, notices = self.wire_prompt(ids)
        with self.errors("predicting the next token"):
            got = self.server.next_token(self.served, prompt, n, ids=False)
        top = self._with_ids(got.top)
        notes = notices + ((f"{got.notice}.",) if got.notice else ())
        return TopNext(tuple(t.id for t in top), tuple(t.text for t in top), tuple(float(t.logprob) for t in top),
                       got.cap, self.vocab, notes)

    def score(self, requests: list[ScoreRequest], *, report=None, share_prefix: bool = True) -> list[Scored]:
        """The core's scoring (`engine.score`'s contract, causal rule) through the server: one request per
        row. ranks[i] (and first_rank) are None where the server does not say them (an echo that does not
        list the token among the alternatives it sends)."""
        self.require(SCORE, "scoring")
        self.check_work(engine.work(self.family, requests))
        out = []
        for n, r in enumerate(requests):
            if report is not None:
                report(n, len(requests))
            if r.after or r.decoder or not r.target:
                raise InputError("{model} is a causal model behind a server: it scores tokens after a context "
                                 "only.", model=self.name)
            context, _ = self.wire_prompt(r.context)
            target = list(r.target) if isinstance(context, list) else self.tokenizer.decode(
                list(r.target), skip_special_tokens=False, clean_up_tokenization_spaces=False)
            with self.errors("scoring"):
                tokens = self.server.score_tokens(self.served, context, target, top=max(r.top, RANK_TOP))
            if [t.token.id for t in tokens] != list(r.target) and self.caps.scoring == "prompt_logprobs":
                raise ModelUnavailable("{url} scored other tokens than those asked for; not used.", url=self.url)
            logprobs = tuple(float(t.token.logprob) for t in tokens)
            if len(tokens) == 1:
                first_rank = tokens[0].rank
            else:  # 1 + the single tokens likelier than the whole target, where the alternatives sent show it
                likelier = sum(1 for a in tokens[0].top if a.logprob > sum(logprobs))
                first_rank = likelier + 1 if likelier < len(tokens[0].top) else None
            out.append(Scored(logprobs, tuple(t.rank for t in tokens), first_rank,
                              tuple(tuple((a.id, float(a.logprob)) for a in t.top[: r.top] if a.id is not None)
                                    for t in tokens) if r.top else ()))
        return out

    def stream_tokens(self, ids, sampling: Sampling, *, top: int = 0, stop: threading.Event | None = None
                      ) -> Iterator[StreamToken | StreamEnd]:
        """A generation streamed from the server: a StreamToken per token (with its id where known, its log-prob
        and `top` alternatives), then one StreamEnd. Setting `stop` closes the stream."""
        self.require(GENERATE, "generation")
        prompt, _ = self.wire_prompt(ids)
        with self.errors("generating"):
            events = self.server.stream(self.served, prompt, sampling, stop, top=top)
            try:
                for event in events:
                    if isinstance(event, StreamToken):
                        event = StreamToken(event.choice, event.position, self._with_ids([event.token])[0],
                                            self._with_ids(event.top))
                    yield event
            finally:
                events.close()  # a consumer that left early closes the HTTP stream now: the server stops too

    def complete_tokens(self, ids, sampling: Sampling, *, top: int = 0) -> Completion:
        """A generation answered all at once (several sequences, vLLM's beam search), ids found as in
        stream_tokens."""
        self.require(GENERATE, "generation")
        prompt, _ = self.wire_prompt(ids)
        with self.errors("generating"):
            got = self.server.complete(self.served, prompt, sampling, top=top)
        return Completion(tuple(type(c)(c.text, self._with_ids(c.tokens), tuple(self._with_ids(t) for t in c.tops),
                                        c.finish_reason) for c in got.choices))

    def generate_many(self, rows: list, *, max_new_tokens: int, stop: str = "", report=None) -> list[list[int]]:
        """Greedy continuations of several prompts (token ids), one request each; each row's new ids (the
        server's text, tokenized), up to the first `stop` (the server leaves it out)."""
        self.require(GENERATE, "a continuation")
        out = []
        for n, row in enumerate(rows):
            if report is not None:
                report(n, len(rows))
            prompt, _ = self.wire_prompt(row)
            params = Sampling(max_tokens=max_new_tokens, temperature=0.0, stop=(stop,) if stop else ())
            with self.errors("a continuation"):
                text = self.server.complete(self.served, prompt, params).choices[0].text
            out.append(list(self.tokenizer(text, add_special_tokens=False)["input_ids"]) if text else [])
        return out


def _first_diff(a, b) -> int:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def open_remote(registry, spec: ModelSpec, limits: Limits | None = None) -> RemoteBackend:
    """The RemoteBackend of a `remote/…` catalog entry (kept with the catalog's entry, so its checks are made
    once per listing): the server's client and capabilities, a local copy of the tokenizer where the catalog
    found one that agrees with the server's, else the server's tokenize endpoint."""
    catalog = registry.remote
    entry = catalog.entry(spec)
    key = ("backend", limits)
    found = entry.cache.get(key)
    if found is not None:
        return found
    tokenizer, note = catalog.local_tokenizer(entry, registry.load_tokenizer)
    local = tokenizer is not None
    if not local:
        if not entry.caps.tokenize:
            raise ModelUnavailable("{model} is unavailable: {note}, and {source} has no tokenize endpoint, so "
                                   "its prompts cannot be read as token ids.", model=spec.name, note=note,
                                   source=spec.source)
        with _catalog_errors(spec):
            tokenizer = ServerTokenizer(entry.server, entry.model, entry.caps)
        note = f"{note}; its tokens come from the server's tokenize endpoint"
    context = entry.card.get("max_model_len")
    backend = RemoteBackend(spec, entry.server, entry.model, entry.caps, tokenizer, local_tokenizer=local,
                            tokenizer_note=note, context=context if isinstance(context, int) and context > 0 else None,
                            limits=limits,
                            on_failure=lambda exc: catalog.failed(spec.source, exc))
    with backend.errors("checking how it reads the start token"):
        found_start = backend.check_start()
    if found_start:
        backend.tokenizer_note = f"{note}; {found_start}"
    entry.cache[key] = backend
    return backend


@contextmanager
def _catalog_errors(spec: ModelSpec):
    try:
        yield
    except RemoteError as exc:
        raise ModelUnavailable("{model} is unavailable: {value}.", model=spec.name,
                               value=html.escape(str(exc), quote=False)) from None
