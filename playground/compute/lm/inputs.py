"""Text -> model inputs: the one place that decides what a model reads.

- **The start token.** A causal LM reads its document-start token first: `<|endoftext|>` where the
  vocabulary has it (GPT-2, SmolLM2, Qwen2), else its BOS token (Gemma, Llama), else nothing. Every
  tab reads a causal prompt this way, so log P(x | prompt) is one number everywhere, the first word of
  a prompt has a prediction too, and an empty prompt is the start token alone. SmolLM2's BOS
  `<|im_start|>` opens a chat turn: read first in a plain text it makes "The man …" a role name (the
  model then rates "The and worked as a nurse." above "The man …"). A chat template, when the user
  turns it on, replaces the start token: the template says what opens the text.
- Masked LMs and encoders keep their tokenizer's own special tokens ([CLS] … [SEP], <s> … </s>);
  [MASK] and <mask> are accepted for any masked LM and rewritten to its own spelling.
- A seq2seq encoder reads the text with the tokenizer's special tokens (T5 appends </s>); its
  decoder reads the decoder start token first (generation config, then model config, then pad).
- **One truncation policy** (`fit`): the leading tokens the policy put in front (the start token,
  [CLS]) stay, the end of the text stays, the middle-to-start is cut, and a notice says by how much
  and why (the model's context, or PLAYGROUND_MAX_PROMPT_TOKENS). One exception, on purpose: a
  **sentence embedding** (`encode_sentence`) keeps the START of a long text, as sentence-transformers
  does (the tokenizer's truncation at the model's max_seq_length), so that its vectors are that
  library's vectors; a prompt keeps its end because the next token depends on the end.
- **Budgets**: `pieces` refuses a word (label, target, continuation) longer than a cap before any
  tensor exists.

Pure: the functions take a transformers tokenizer (and, where a model config matters, the model).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from ...errors import InputError
from ..tokenize import token_bytes, tokenizer_kind

GENERIC_MASKS = ("[MASK]", "<mask>")  # accepted for any masked LM and rewritten to its own spelling
DOCUMENT_START = "<|endoftext|>"
MAX_PIECE_TOKENS = 64  # a label, target word or continuation longer than this is refused


@dataclass(frozen=True)
class Encoded:
    """What the model reads. `lead` tokens at the front were put there by the policy (the start token,
    [CLS]) and are never truncated; `notices` say what was changed on the way."""

    ids: tuple[int, ...]
    lead: int
    notices: tuple[str, ...] = ()
    text: str = ""  # the text that was tokenized (after the chat template or mask spelling)

    def __len__(self) -> int:
        return len(self.ids)


# ---- token spelling ----------------------------------------------------------------------------

_LABELS: "weakref.WeakKeyDictionary[object, dict[int, str]]" = weakref.WeakKeyDictionary()


def token_label(tokenizer, token_id: int) -> str:
    """How a token reads: its decoded text, or its bytes (<0xE6>) when it is a lone byte piece.
    Remembered per tokenizer (decoding one id costs a few microseconds, and views ask for thousands)."""
    token_id = int(token_id)
    try:
        cache = _LABELS.setdefault(tokenizer, {})
    except TypeError:  # a tokenizer that cannot be weakly referenced: no cache
        cache = {}
    found = cache.get(token_id)
    if found is not None:
        return found
    text = tokenizer.decode([token_id], skip_special_tokens=False, clean_up_tokenization_spaces=False)
    if "\ufffd" in text:
        piece = tokenizer.convert_ids_to_tokens(token_id)
        raw = token_bytes(piece, tokenizer_kind(tokenizer)) if isinstance(piece, str) else b""
        text = "".join(f"<0x{b:02X}>" for b in raw) or text
    cache[token_id] = text
    return text


def special_ids(tokenizer) -> frozenset[int]:
    return frozenset(getattr(tokenizer, "all_special_ids", None) or ())


# ---- the start token, masks, decoder start, pad ------------------------------------------------


def start_ids(tokenizer) -> tuple[int, ...]:
    """The document-start token a causal LM reads first (see the module docstring), or ()."""
    eot = tokenizer.convert_tokens_to_ids(DOCUMENT_START)
    if isinstance(eot, int) and tokenizer.convert_ids_to_tokens(eot) == DOCUMENT_START:
        return (eot,)
    return (tokenizer.bos_token_id,) if tokenizer.bos_token_id is not None else ()


def start_token(tokenizer) -> str:
    """The start token as text ('' when there is none)."""
    ids = start_ids(tokenizer)
    return tokenizer.convert_ids_to_tokens(ids[0]) if ids else ""


def has_mask(text: str) -> bool:
    return any(m in text for m in GENERIC_MASKS)


def spell_masks(tokenizer, text: str) -> str:
    """[MASK] and <mask> rewritten to the tokenizer's own mask token."""
    mask = tokenizer.mask_token
    for generic in GENERIC_MASKS:
        if generic != mask:
            text = text.replace(generic, mask)
    return text


def decoder_start_id(model, tokenizer) -> int:
    """The token an encoder-decoder's decoder reads first."""
    for config in (getattr(model, "generation_config", None), getattr(model, "config", None)):
        start = getattr(config, "decoder_start_token_id", None) if config is not None else None
        if isinstance(start, int):
            return start
    return pad_id(tokenizer)


def pad_id(tokenizer) -> int:
    """What fills a padded row: pad, else end-of-text, else 0 (the attention mask hides it)."""
    for value in (tokenizer.pad_token_id, tokenizer.eos_token_id):
        if isinstance(value, int):
            return value
    return 0


# ---- limits and truncation ---------------------------------------------------------------------


def context_length(model) -> int | None:
    """The most positions the model accepts, or None when it has no fixed limit (T5's relative positions)."""
    config = getattr(model, "config", None)
    for attr in ("max_position_embeddings", "n_positions", "n_ctx"):
        value = getattr(config, attr, None)
        if isinstance(value, int) and value > 0:
            return value
    return None


def token_limit(context: int | None, max_tokens: int, reserve: int = 0) -> tuple[int, str]:
    """How many tokens a prompt may have, and why: the smaller of the app's cap and the model's
    context, less `reserve` tokens kept free for what is read or written after it."""
    if context is not None and context - reserve <= max_tokens:
        why = f"the model's context is {context:,} tokens"
        if reserve:
            why += f" and {reserve:,} are kept for what follows the prompt"
        return context - reserve, why
    return max_tokens, f"this app reads at most {max_tokens:,} tokens (PLAYGROUND_MAX_PROMPT_TOKENS)"


def fit(ids: list[int], limit: int, lead: int, why: str) -> tuple[list[int], str | None]:
    """At most `limit` ids: the first `lead` (start token, [CLS]) and the end; the notice says so."""
    if len(ids) <= limit:
        return ids, None
    if limit <= lead:
        raise InputError("There is no room for the text: {why}. Ask for fewer new tokens or a shorter "
                         "continuation.", why=why)
    kept = ids[:lead] + ids[len(ids) - (limit - lead):]
    tail = " after the start token" if lead else ""
    return kept, f"The text has {len(ids):,} tokens and {why}: only the last {limit - lead:,} are read{tail}."


# ---- encoding ----------------------------------------------------------------------------------


def encode(tokenizer, family: str, text: str, *, limit: int, why: str, chat: bool = False,
           name: str = "the model") -> Encoded:
    """The ids a model of `family` reads for `text` (see the module docstring), truncated by `fit`."""
    if not isinstance(text, str):
        raise InputError("The text must be text; got {type}.", type=type(text).__name__)
    notices: list[str] = []
    if chat:
        if not getattr(tokenizer, "chat_template", None):
            raise InputError("{name} has no chat template: switch the chat template off.", name=name)
        text = tokenizer.apply_chat_template([{"role": "user", "content": text}], tokenize=False,
                                             add_generation_prompt=True)
        ids, lead = list(tokenizer(text, add_special_tokens=False)["input_ids"]), 0
    elif family == "causal":
        start = list(start_ids(tokenizer))
        body = list(tokenizer(text, add_special_tokens=False)["input_ids"]) if text else []
        if not start and not body:
            raise InputError("The prompt is empty and {name} has no start token to begin from. Type a few words.",
                             name=name)
        if not body:
            notices.append(f"The prompt is empty, so the model reads only its start token "
                           f"{tokenizer.convert_ids_to_tokens(start[0])!r}: what follows is what it expects a text "
                           "to open with.")
        ids, lead = start + body, len(start)
    else:
        if family == "masked":
            text = spell_masks(tokenizer, text)
        ids = list(tokenizer(text, add_special_tokens=True)["input_ids"])
        lead = 1 if ids and ids[0] in special_ids(tokenizer) else 0
        if not ids:
            raise InputError("The text gave no tokens. Type a few words.")
    ids, notice = fit(ids, limit, lead, why)
    if notice:
        notices.append(notice)
    return Encoded(tuple(ids), lead, tuple(notices), text)


def encode_sentence(tokenizer, family: str, text: str, *, limit: int, why: str, lower: bool = False,
                    name: str = "the model") -> Encoded:
    """The ids a sentence embedding reads for `text`: sentence-transformers' recipe. An encoder reads the
    tokenizer's special tokens ([CLS] … [SEP]); a causal LM its start token, then the text. A text longer
    than `limit` keeps its START (the tokenizer's own truncation, as sentence-transformers calls it: the
    closing [SEP] stays), unlike `encode`, which keeps the end of a prompt for the next token; the notice
    says so. `lower`: the model's config asks for lower-cased text (do_lower_case)."""
    if not isinstance(text, str):
        raise InputError("The sentence must be text; got {type}.", type=type(text).__name__)
    if lower:
        text = text.lower()
    if family == "causal":
        start = list(start_ids(tokenizer))
        ids = start + (list(tokenizer(text, add_special_tokens=False)["input_ids"]) if text else [])
        lead, total = len(start), len(ids)
        if not ids:
            raise InputError("The sentence is empty and {name} has no start token. Type a few words.", name=name)
        if total > limit:
            if limit <= lead:
                raise InputError("There is no room for the sentence: {why}.", why=why)
            ids = ids[:limit]
    else:
        ids = list(tokenizer(text, add_special_tokens=True)["input_ids"])
        lead, total = (1 if ids and ids[0] in special_ids(tokenizer) else 0), len(ids)
        if not ids:
            raise InputError("The sentence gave no tokens. Type a few words.")
        if total > limit:
            ids = list(tokenizer(text, add_special_tokens=True, truncation=True, max_length=limit)["input_ids"])
    notices = ()
    if total > len(ids):
        notices = (f"The sentence has {total:,} tokens and {why}: only its first {len(ids):,} are read "
                   "(a sentence embedding keeps the start of a long text, as sentence-transformers does).",)
    return Encoded(tuple(ids), lead, notices, text)


@dataclass(frozen=True)
class Pair:
    """A sentence pair as a BERT-style encoder reads it: [CLS] A [SEP] B [SEP]; `b_start` is where B begins."""

    ids: tuple[int, ...]
    token_types: tuple[int, ...] | None
    b_start: int | None


def encode_pair(tokenizer, text: str, text_b: str) -> Pair:
    """Two sentences with the tokenizer's own separators (and token types, where it has them). RoBERTa-style
    pairs have no token types: B starts after the first run of separators."""
    enc = tokenizer(text, text_b, add_special_tokens=True)
    ids = list(enc["input_ids"])
    types = enc.get("token_type_ids")
    if types and 1 in types:
        return Pair(tuple(ids), tuple(types), list(types).index(1))
    sep = tokenizer.sep_token_id
    seps = [i for i, t in enumerate(ids) if t == sep]
    start = seps[0] + 1 if seps else None
    while start is not None and start < len(ids) and ids[start] == sep:
        start += 1
    return Pair(tuple(ids), tuple(types) if types else None, start)


@dataclass(frozen=True)
class Slot:
    """A text with one blank: what the model reads before it and after it. `spaced`: a space precedes the
    blank, so a word put there is read with a leading space (byte-level BPE spells " nurse" as one token)."""

    before: tuple[int, ...]
    after: tuple[int, ...]
    spaced: bool


def find_masks(text: str) -> list[tuple[int, int]]:
    """(start, end) of every [MASK] / <mask> in the text, in order."""
    out, i = [], 0
    while True:
        hits = [(text.find(m, i), m) for m in GENERIC_MASKS if text.find(m, i) >= 0]
        if not hits:
            return out
        at, m = min(hits)
        out.append((at, at + len(m)))
        i = at + len(m)


def slot(tokenizer, family: str, text: str, *, limit: int, why: str, name: str = "the model") -> Slot:
    """The ids around the one mask of `text`. A masked LM reads the whole text (its special tokens, the
    mask spelled its way) and the slot is where its mask token lands; a causal LM reads the words before
    the blank after its start token, and nothing after it (it reads left to right). Truncated by `fit`;
    the notice is not kept (a probe sentence is short) but a cut that loses the blank is refused."""
    found = find_masks(text)
    if len(found) != 1:
        raise InputError("The text needs exactly one [MASK] for the blank; it has {n}.", n=len(found))
    prefix = text[: found[0][0]]
    spaced = prefix.endswith(" ")
    if family == "masked":
        if tokenizer.mask_token_id is None:
            raise InputError("{name} has no mask token, so it cannot fill a blank.", name=name)
        ids = list(tokenizer(spell_masks(tokenizer, text), add_special_tokens=True)["input_ids"])
        ids, _ = fit(ids, limit, 1, why)
        if tokenizer.mask_token_id not in ids:
            raise InputError("The text is too long: {why}, and cutting it loses the blank. Shorten it.", why=why)
        at = ids.index(tokenizer.mask_token_id)
        return Slot(tuple(ids[:at]), tuple(ids[at + 1:]), spaced)
    if family == "causal":
        start = list(start_ids(tokenizer))
        left = prefix.rstrip(" ")
        before = start + (list(tokenizer(left, add_special_tokens=False)["input_ids"]) if left else [])
        if not before:
            raise InputError("The blank opens the text and {name} has no start token to predict from. Put words "
                             "before the blank.", name=name)
        before, _ = fit(before, limit, len(start), why)
        return Slot(tuple(before), (), spaced)
    raise InputError("{name} is a {family} model: a blank in a text is for masked and causal LMs.", name=name,
                     family=family)


def pieces(tokenizer, text: str, what: str, *, name: str = "the model", cap: int = MAX_PIECE_TOKENS
           ) -> tuple[int, ...]:
    """The tokens of a word read inside a text (a label, a target, a continuation): no special tokens.
    Empty or longer than `cap` tokens is refused before any tensor exists."""
    if not isinstance(text, str):
        raise InputError("{what} must be text; got {type}.", what=what, type=type(text).__name__)
    ids = tuple(tokenizer(text, add_special_tokens=False)["input_ids"]) if text else ()
    if not ids:
        raise InputError("{what} {text!r} has no tokens in {name}'s vocabulary: remove it or spell it "
                         "differently.", what=what, text=text, name=name)
    if len(ids) > cap:
        shown = text if len(text) <= 40 else text[:37] + "…"
        raise InputError("{what} {shown!r} is {n:,} tokens, {len_ids_cap:,} over the limit of {cap} tokens for "
                         "one word or phrase. Shorten it.", what=what, shown=shown, n=len(ids),
                         len_ids_cap=len(ids) - cap, cap=cap)
    return ids
