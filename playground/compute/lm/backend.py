"""The backend seam: one model behind the core's operations, and what it can and cannot do.

A backend is what every compute module talks to. It says which operations it supports
(`supports`), and why not (`require` raises an InputError that names the model and the reason), so a
tab asks the backend what it can offer instead of checking model families itself.

    TOKENIZE       text -> ids and back                         every backend
    NEXT_TOKEN     the whole next-token distribution            local LMs (a remote server sends a top-N only)
    TOP_NEXT       the top N next tokens with their log-probs    local LMs, servers that return log-probs
    SCORE          log-probabilities of given continuations     local LMs
    GENERATE       stream a generation with per-token log-probs local causal and seq2seq LMs
    HIDDEN_STATES  every layer's hidden states, one text or a batch  local models
    ATTENTIONS     every layer's attention weights              local models (loaded with eager attention)
    GRADIENTS      gradients with respect to the inputs         local models (input_embeddings, forward_embeds)
    WEIGHTS        the modules themselves (logit lens, logits pipeline, beam tree, by hand)  local models
    CLASSIFY       a fine-tuned classifier's class probabilities  local sequence classifiers

`LocalBackend` wraps a model loaded in this process (`models.LoadedModel`); `remote.RemoteBackend` a
model behind an OpenAI-compatible server. The text -> inputs policy (`inputs`) is shared; a backend adds
what its model gives. `open_backend` is the one place that decides which backend a catalog name opens as.
"""

from __future__ import annotations

import ctypes
import functools
import inspect
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Union

from ...errors import InputError
from ...models import LoadedModel, ModelSpec
from . import engine, generate, inputs, sentence
from .engine import ScoreRequest, Scored
from .inputs import Encoded
from .sentence import SentenceConfig

TOKENIZE = "tokenize"
NEXT_TOKEN = "next-token distribution"
TOP_NEXT = "the top next tokens"
SCORE = "scoring continuations"
GENERATE = "generation"
HIDDEN_STATES = "hidden states"
ATTENTIONS = "attention weights"
GRADIENTS = "gradients"
WEIGHTS = "the model's weights"
CLASSIFY = "classification"

_LM_OPS = frozenset({TOKENIZE, NEXT_TOKEN, TOP_NEXT, SCORE, HIDDEN_STATES, ATTENTIONS, GRADIENTS, WEIGHTS})
_LOCAL_OPS = {
    "causal": _LM_OPS | {GENERATE},
    "seq2seq": _LM_OPS | {GENERATE},
    "masked": _LM_OPS,
    "encoder": frozenset({TOKENIZE, HIDDEN_STATES, ATTENTIONS, GRADIENTS, WEIGHTS}),
}


@dataclass(frozen=True)
class Limits:
    """What one request may cost before any tensor exists (Settings: PLAYGROUND_MAX_PIECE_TOKENS,
    PLAYGROUND_MAX_WORK_TOKENS)."""

    piece_tokens: int = inputs.MAX_PIECE_TOKENS  # one label, target word, continuation or bad word
    work_tokens: int = 300_000  # token positions one request may run through the model (all its rows together)

    @classmethod
    def from_settings(cls, settings) -> "Limits":
        return cls(piece_tokens=settings.max_piece_tokens, work_tokens=settings.max_work_tokens)


@dataclass(frozen=True)
class TopNext:
    """The most probable next tokens after a prompt, most probable first, as far as the backend sends them.

    ids[i] is None where the token's id is unknown (a server names its tokens by their text, and a piece of
    a character has none on its own); logprobs are natural logs at T = 1 (exact); `cap` is the most this
    backend sends, `vocab` its vocabulary size (None when unknown); `notices` say what was not as asked."""

    ids: tuple[int | None, ...]
    texts: tuple[str, ...]
    logprobs: tuple[float, ...]
    cap: int
    vocab: int | None
    notices: tuple[str, ...] = ()


class Backend:
    """One model behind the core's operations (see the module docstring)."""

    kind = "backend"
    operations: frozenset[str] = frozenset()

    def __init__(self, spec: ModelSpec, tokenizer, limits: Limits | None = None):
        self.spec = spec
        self.tokenizer = tokenizer
        self.limits = limits or Limits()

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def family(self) -> str:
        return self.spec.family

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} ({self.family})>"

    # ---- what it can do ------------------------------------------------------------------------

    def supports(self, op: str) -> bool:
        return op in self.operations

    def why_not(self, op: str) -> str:
        """In words, why this backend lacks `op` (empty when it has it)."""
        return "" if self.supports(op) else f"{self.name} does not offer {op}"

    def require(self, op: str, feature: str) -> None:
        """Nothing, or an InputError: '<feature> needs <op>; <why not>.'"""
        if not self.supports(op):
            raise InputError("{what} needs {op}: {why}.", what=feature[:1].upper() + feature[1:],
                             op=op, why=self.why_not(op))

    # ---- text -> inputs (the one policy, shared by every backend) ----------------------------------

    def context_length(self) -> int | None:
        return None

    def limit(self, max_tokens: int, reserve: int = 0) -> tuple[int, str]:
        """How many tokens a prompt may have (the app's cap, the model's context, less `reserve`), and why."""
        context = self.context_length()
        if context is not None and reserve >= context:
            raise InputError("{model} reads at most {context:,} tokens in all, the prompt included: ask for "
                             "fewer than {context:,} new tokens (or a shorter continuation).", model=self.name,
                             context=context)
        return inputs.token_limit(context, max_tokens, reserve)

    def encode(self, text: str, *, max_tokens: int = 1024, reserve: int = 0, chat: bool = False,
               family: str | None = None) -> Encoded:
        """What the model reads for `text` (start token, special tokens, masks, truncation: `inputs`)."""
        limit, why = self.limit(max_tokens, reserve)
        return inputs.encode(self.tokenizer, family or self.family, text, limit=limit, why=why, chat=chat,
                             name=self.name)

    def sentence_config(self) -> SentenceConfig | None:
        """The model's sentence-transformers recipe (max_seq_length, pooling, normalize), or None."""
        return None

    def encode_sentence(self, text: str, *, max_tokens: int = 1024) -> Encoded:
        """What a sentence embedding reads for `text` (`inputs.encode_sentence`: a long text keeps its start),
        cut at the model's max_seq_length when it has a sentence-transformers config."""
        config = self.sentence_config()
        limit, why = self.limit(max_tokens)
        if config is not None and config.max_seq_length is not None and config.max_seq_length < limit:
            limit, why = config.max_seq_length, (f"{self.name} reads at most {config.max_seq_length:,} tokens per "
                                                 f"sentence (max_seq_length in {config.source})")
        return inputs.encode_sentence(self.tokenizer, self.family, text, limit=limit, why=why,
                                      lower=bool(config and config.do_lower_case), name=self.name)

    def pieces(self, text: str, what: str, *, cap: int | None = None) -> tuple[int, ...]:
        """A word's tokens as read inside a text (a label, a target, a continuation); refused when empty or
        longer than `cap` (default: the piece limit)."""
        return inputs.pieces(self.tokenizer, text, what, name=self.name, cap=cap or self.limits.piece_tokens)

    def check_work(self, tokens: int, what: str = "This request") -> None:
        """An InputError when `tokens` positions would go through the model, over the work limit."""
        cap = self.limits.work_tokens
        if tokens > cap:
            raise InputError("{what} would run {tokens:,} tokens through the model, {tokens_cap:,} over the "
                             "limit of {cap:,} per request (PLAYGROUND_MAX_WORK_TOKENS). Use fewer or shorter "
                             "texts, labels or examples.", what=what, tokens=tokens, tokens_cap=tokens - cap,
                             cap=cap)

    def encode_pair(self, text: str, text_b: str) -> "inputs.Pair":
        """A sentence pair with the tokenizer's own separators (BERT-style encoders; see `inputs.encode_pair`)."""
        if self.family not in ("masked", "encoder"):
            raise InputError("Sentence B is for BERT-style encoders (sentence pairs with [SEP]); {model} is "
                             "{family}. Clear sentence B, or choose an encoder such as all-MiniLM-L6-v2.",
                             model=self.name, family=self.family)
        return inputs.encode_pair(self.tokenizer, text, text_b)

    def slot(self, text: str, *, max_tokens: int = 1024, reserve: int = 0) -> "inputs.Slot":
        """A text with one [MASK]: the ids before and after the slot, as the model reads them (see
        `inputs.slot`); `reserve` tokens are kept free for the word put in the slot."""
        limit, why = self.limit(max_tokens, reserve)
        return inputs.slot(self.tokenizer, self.family, text, limit=limit, why=why, name=self.name)

    def start_ids(self) -> tuple[int, ...]:
        """What a causal text opens with (empty for other families)."""
        return inputs.start_ids(self.tokenizer) if self.family == "causal" else ()

    def label(self, token_id: int) -> str:
        return inputs.token_label(self.tokenizer, token_id)

    def labels(self, ids) -> tuple[str, ...]:
        return tuple(inputs.token_label(self.tokenizer, i) for i in ids)

    def special_ids(self) -> frozenset[int]:
        return inputs.special_ids(self.tokenizer)

    def pad_id(self) -> int:
        return inputs.pad_id(self.tokenizer)

    def decode(self, ids) -> str:
        """The text of generated ids (special tokens left out)."""
        return self.tokenizer.decode(list(ids), skip_special_tokens=True, clean_up_tokenization_spaces=False)


class LocalBackend(Backend):
    """A model loaded in this process by `models.ModelRegistry.load`."""

    kind = "local"

    def __init__(self, loaded: LoadedModel, limits: Limits | None = None):
        super().__init__(loaded.spec, loaded.tokenizer, limits)
        self.loaded = loaded
        self.model = loaded.model
        self.device = loaded.device
        self.dtype = loaded.dtype
        ops = _LOCAL_OPS[loaded.spec.family]
        if loaded.spec.head == "sequence-classification":
            ops = _LOCAL_OPS["encoder"] | {CLASSIFY}
        if loaded.attn_implementation != "eager":
            ops = ops - {ATTENTIONS}
        self.operations = frozenset(ops)

    def why_not(self, op: str) -> str:
        if self.supports(op):
            return ""
        name, family = self.name, self.family
        if op == ATTENTIONS:
            return (f"{name} was loaded with {self.loaded.attn_implementation!r} attention, which returns no "
                    "attention weights; load it with eager attention (the default)")
        if op == CLASSIFY:
            return (f"{name} is not a fine-tuned classifier; choose one such as "
                    "distilbert-base-uncased-finetuned-sst-2-english (needs the hub)")
        if family == "encoder":
            return (f"{name} is an encoder with no language-model head (it is for embeddings and attention); "
                    "choose a causal, masked or seq2seq model (SmolLM2-135M-Instruct works offline)")
        if op == GENERATE and family == "masked":
            return (f"{name} is a masked LM: it fills a [MASK] but does not continue a text; choose a causal or "
                    "seq2seq model (SmolLM2-135M-Instruct works offline)")
        return super().why_not(op)

    def context_length(self) -> int | None:
        return inputs.context_length(self.model)

    def decoder_start(self) -> int:
        return inputs.decoder_start_id(self.model, self.tokenizer)

    def encode_decoder(self, text: str, *, max_tokens: int = 1024) -> Encoded:
        """The decoder input of an encoder-decoder: its start token, then `text` (no special tokens)."""
        ids = [self.decoder_start()] + (list(self.tokenizer(text, add_special_tokens=False)["input_ids"])
                                        if text else [])
        limit, why = self.limit(max_tokens)
        if len(ids) > limit:
            raise InputError("The decoder text is {n:,} tokens and {why}. Shorten it.", n=len(ids), why=why)
        return Encoded(tuple(ids), 1, (), text)

    def sentence_config(self) -> SentenceConfig | None:
        return sentence.sentence_config(self.model)

    def hidden_states(self, rows: list, *, all_layers: bool = False, report=None) -> list:
        """Hidden states of several token rows in batches (`engine.hidden_states`): per row a (T, d) float32
        numpy array from the last layer, or (L + 1, T, d) with the embeddings first when `all_layers`."""
        self.require(HIDDEN_STATES, "hidden states")
        return engine.hidden_states(self.model, self.family, [list(r) for r in rows], pad=self.pad_id(),
                                    all_layers=all_layers, report=report)

    def score(self, requests: list[ScoreRequest], *, report=None, share_prefix: bool = True) -> list[Scored]:
        self.require(SCORE, "scoring")
        work = engine.work(self.family, requests)
        self.check_work(work)
        try:
            return engine.score(self.model, self.family, requests, pad=self.pad_id(),
                                mask_id=self.tokenizer.mask_token_id, report=report, share_prefix=share_prefix)
        finally:
            release_memory(work)

    def forward(self, ids, *, decoder_ids=None, token_type_ids=None, hidden_states: bool = False,
                attentions: bool = False):
        """One unpadded forward pass on one sequence (batch 1), under inference mode; the model's output."""
        import torch

        if hidden_states:
            self.require(HIDDEN_STATES, "this view")
        if attentions:
            self.require(ATTENTIONS, "this view")
        x = torch.tensor([list(ids)], device=self.device)
        kwargs = {"input_ids": x, "attention_mask": torch.ones_like(x)}
        if decoder_ids is not None:
            kwargs["decoder_input_ids"] = torch.tensor([list(decoder_ids)], device=self.device)
        if token_type_ids is not None and "token_type_ids" in inspect.signature(self.model.forward).parameters:
            kwargs["token_type_ids"] = torch.tensor([list(token_type_ids)], device=self.device)
        if self.family in ("causal", "seq2seq"):
            kwargs["use_cache"] = False
        with torch.inference_mode():
            return self.model(**kwargs, output_hidden_states=hidden_states, output_attentions=attentions)

    def top_next(self, ids, n: int) -> TopNext:
        """The n most probable next tokens after `ids` (one forward pass), for code that needs only those."""
        import torch

        self.require(TOP_NEXT, "the top next tokens")
        logp = engine.log_probs(self.forward(ids).logits[0, -1])
        top = torch.topk(logp, min(n, logp.shape[0]))
        chosen = tuple(int(i) for i in top.indices)
        return TopNext(chosen, self.labels(chosen), tuple(float(v) for v in top.values), int(logp.shape[0]),
                       int(logp.shape[0]))

    # ---- gradients with respect to the inputs (attribution) ---------------------------------------

    def input_embeddings(self, ids, *, decoder: bool = False):
        """What the model's input layer gives `ids` (one sequence): a (1, T, d) tensor in the model's dtype with
        no autograd history; `decoder`: the decoder's input layer (seq2seq). Feeding it to `forward_embeds` is
        the same forward pass as reading the ids (embedding scales, such as Gemma's, live in the layer)."""
        import torch

        self.require(GRADIENTS, "input embeddings")
        layer = (self.model.get_decoder() if decoder else self.model).get_input_embeddings()
        with torch.inference_mode(False), torch.no_grad():
            return layer(torch.tensor([list(ids)], device=self.device)).detach()

    def forward_embeds(self, embeds, reads, *, decoder_embeds=None):
        """log P(token at position) for each (position, token) of `reads`, from input embeddings, with autograd
        on: what gradient attribution differentiates. `embeds` (B, T, d) replaces the token embeddings of what the
        model (a seq2seq encoder) reads, B rows of the same length, unpadded; a seq2seq model also takes
        `decoder_embeds` (B, T', d), and `reads` then names decoder positions. Returns (B, len(reads)) float32:
        the log-softmax of the logits, its normaliser in float64 as the engine computes every score."""
        import torch

        self.require(GRADIENTS, "attribution by gradients")
        self.require(SCORE, "attribution by gradients")
        dev = self.device
        rows, length = embeds.shape[0], embeds.shape[1]
        kwargs: dict = {"inputs_embeds": embeds, "attention_mask": torch.ones(rows, length, dtype=torch.long,
                                                                              device=dev)}
        if self.family == "seq2seq":
            if decoder_embeds is None:
                raise ValueError("a seq2seq model needs decoder_embeds")
            length = decoder_embeds.shape[1]
            kwargs.update(decoder_inputs_embeds=decoder_embeds, use_cache=False,
                          decoder_attention_mask=torch.ones(rows, length, dtype=torch.long, device=dev))
        elif self.family == "causal":
            kwargs["use_cache"] = False
        positions = [int(p) for p, _ in reads]
        if not positions or min(positions) < 0 or max(positions) >= length:
            raise ValueError(f"reads {positions} outside the {length} positions")
        first = 0
        if self.family != "seq2seq" and engine.keeps_logits(self.model):
            first = min(positions)
            kwargs["logits_to_keep"] = length - first  # only the positions read meet the output layer
        at = torch.tensor([p - first for p in positions], device=dev)
        tokens = torch.tensor([int(t) for _, t in reads], device=dev)
        with torch.inference_mode(False), torch.enable_grad():
            logits = self.model(**kwargs).logits  # (B, kept, V)
            logp = engine.log_probs(logits[:, at])  # (B, R, V), float64 as every score (autograd goes through)
            picked = tokens.to(logp.device).view(1, -1, 1).expand(rows, -1, 1)
            return logp.gather(-1, picked)[..., 0].float().to(logits.device)

    def generate_many(self, rows: list, *, max_new_tokens: int, stop: str = "", report=None) -> list[list[int]]:
        """Greedy continuations of several prompts (token ids), batched longest first; each row's new ids, up to
        its first end-of-text or the first token whose text holds `stop`. Causal rows are left-padded, so
        every row's next token is at the same column (generate() derives positions from the mask)."""
        self.require(GENERATE, "a continuation")
        work = sum(len(r) + max_new_tokens for r in rows)
        self.check_work(work, "These continuations")
        try:
            return generate.greedy_many(self.model, self.tokenizer, self.family, [list(r) for r in rows],
                                        max_new_tokens=max_new_tokens, stop=stop, pad=self.pad_id(), report=report)
        finally:
            release_memory(work)

    def classify(self, texts: list[str], *, report=None):
        """A fine-tuned sequence classifier's class probabilities for each text: (N, classes) numpy, batched,
        each text cut at the model's context (at most 512 tokens)."""
        import numpy as np
        import torch

        self.require(CLASSIFY, "classification")
        limit = min(512, self.context_length() or 512)
        out = []
        for lo in range(0, len(texts), engine.BATCH_ROWS):
            if report is not None:
                report(lo, len(texts))
            enc = self.tokenizer(list(texts[lo: lo + engine.BATCH_ROWS]), padding=True, truncation=True,
                                 max_length=limit, return_tensors="pt").to(self.device)
            with torch.inference_mode():
                out.append(torch.softmax(self.model(**enc).logits.float(), -1).cpu().numpy())
        return np.concatenate(out) if out else np.zeros((0, 0))

    def stream(self, ids, generate_kwargs: dict, *, seed: int = 0, stop: threading.Event | None = None
               ) -> Iterator[generate.RawStep]:
        """model.generate() on `ids`, one RawStep per new token (`generate.stream`)."""
        import torch

        self.require(GENERATE, "generation")
        x = torch.tensor([list(ids)], device=self.device)
        yield from generate.stream(self.model, {"input_ids": x, "attention_mask": torch.ones_like(x)},
                                   generate_kwargs, seed=seed, stop=stop)


RELEASE_AFTER_TOKENS = 8192  # after a request this big, freed heap goes back to the system


def release_memory(work: int = RELEASE_AFTER_TOKENS) -> bool:
    """After a big request, hand the heap that its tensors freed back to the system (glibc's malloc_trim:
    CPU torch keeps no cache of its own, but glibc keeps freed small blocks; ~15 ms when there is something
    to return, 0.05 ms when not). Small requests skip it. True when it ran."""
    if work < RELEASE_AFTER_TOKENS:
        return False
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to do
        return None


LM = Union[Backend, LoadedModel]


def open_backend(registry, name: str, *, device: str | None = None, dtype: str | None = None, progress=None,
                 capability: str | None = None, limits: Limits | None = None, attention: str = "eager") -> Backend:
    """The backend for a catalog name: the one place that decides how a model is opened. A model served by a
    remote server (`remote/…`) opens as a RemoteBackend (no weights load here); any other loads in this
    process (once, shared by every tab and session) as a LocalBackend. With `capability` (a catalog
    capability such as models.NEXT_TOKEN) a model the catalog says cannot do it is refused first."""
    spec = registry.require(name, capability)
    if spec.source_kind == "remote":
        from .remote import open_remote

        return open_remote(registry, spec, limits)
    loaded = registry.load(name, device=device, dtype=dtype, progress=progress, capability=capability,
                           attn_implementation=attention)
    return LocalBackend(loaded, limits)


def backend_of(lm: LM, limits: Limits | None = None) -> Backend:
    """The backend for a loaded model (a backend is returned as it is)."""
    if isinstance(lm, Backend):
        return lm
    if isinstance(lm, LoadedModel):
        return LocalBackend(lm, limits)
    raise TypeError(f"expected a Backend or a LoadedModel, got {type(lm).__name__}")
