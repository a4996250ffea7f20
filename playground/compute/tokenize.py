"""Tokenization as plain data: every token with its id, spelling, source span, bytes and group.

Works for any transformers tokenizer: byte-level BPE (GPT-2, SmolLM2, RoBERTa), WordPiece (BERT,
MiniLM), SentencePiece/Unigram (T5, Gemma). Pure: no gradio, no plotly.

Grouping: a byte-level tokenizer may split one character (a CJK ideograph, an emoji, a combining
accent) into several byte pieces. Those pieces share the character's span in the source text, so
tokens whose spans overlap form one *group*; a view draws a group as one span and never prints the
replacement character '\\ufffd' that decoding a lone byte piece gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import InputError

_BYTE_PIECE = re.compile(r"^<0x([0-9A-Fa-f]{2})>$")


@dataclass(frozen=True)
class Token:
    """One token. `start`/`end` index the tokenized text (characters); equal for added special tokens."""

    position: int
    id: int
    token: str  # as the tokenizer spells it: 'Ġstorm', '▁storm', '##y', '[CLS]'
    text: str  # the source text this token covers ('' for an added special token)
    decoded: str  # tokenizer.decode([id]); '' for a byte piece of a multi-byte character
    start: int
    end: int
    special: bool
    bytes: str  # the token's bytes as hex ('e6 bc a2'); '' for a special token
    group: int  # index into TokenizationResult.groups
    partial: bool  # one byte piece of a character split across several tokens (decodes to '\ufffd' alone)


@dataclass(frozen=True)
class Group:
    """Consecutive tokens covering one stretch of text: one token, or the byte pieces of one character."""

    start: int
    end: int
    tokens: tuple[int, ...]  # positions


@dataclass(frozen=True)
class Counts:
    characters: int  # Unicode code points
    bytes: int  # UTF-8 bytes
    words: int  # whitespace-separated words
    tokens: int  # all tokens, special ones included
    content_tokens: int  # tokens that are not special
    special_tokens: int
    unknown_tokens: int  # tokens equal to the unknown token (words the vocabulary cannot spell)
    tokens_per_word: float  # content tokens / words (0 when there are no words)
    chars_per_token: float  # characters / content tokens (0 when there are none)
    vocab_size: int  # len(tokenizer): the base vocabulary plus added tokens


@dataclass(frozen=True)
class TokenizationResult:
    """The tokens of `text` (which is the input, or the input wrapped in the chat template)."""

    model: str
    text: str
    tokens: tuple[Token, ...]
    groups: tuple[Group, ...]
    counts: Counts
    special_tokens: dict[str, str]  # role -> token string, e.g. {'bos_token': '<|im_start|>'}
    added_special: bool  # the tokenizer's own special tokens ([CLS] ... [SEP]) were added
    chat_template: bool  # the text was wrapped in the model's chat template
    offsets_exact: bool  # spans come from the tokenizer's offset mapping (else aligned by decoding)
    kind: str  # 'byte-level BPE' | 'WordPiece' | 'SentencePiece' | 'BPE' | ...

    def as_json(self) -> dict:
        """JSON-friendly: {model, text, tokens: [{position, id, token, text, start, end, special, ...}], counts}."""
        return {
            "model": self.model,
            "text": self.text,
            "kind": self.kind,
            "tokens": [t.__dict__.copy() for t in self.tokens],
            "counts": self.counts.__dict__.copy(),
            "special_tokens": dict(self.special_tokens),
            "added_special": self.added_special,
            "chat_template": self.chat_template,
        }


def tokenizer_kind(tokenizer) -> str:
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        return "SentencePiece" if hasattr(tokenizer, "sp_model") else type(tokenizer).__name__
    model = type(backend.model).__name__
    decoder = repr(backend.decoder)
    if model == "BPE" and "ByteLevel" in decoder:
        return "byte-level BPE"
    if model == "WordPiece":
        return "WordPiece"
    if model == "Unigram" or "Metaspace" in decoder or "▁" in decoder:
        return "SentencePiece"
    return model


def _byte_decoder() -> dict[str, int]:
    """GPT-2's printable-character alphabet for the 256 bytes, inverted (char -> byte)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(bs, cs)}


_BYTES_OF = _byte_decoder()


@lru_cache(maxsize=1 << 16)
def token_bytes(piece: str, kind: str) -> bytes:
    """The bytes a vocabulary piece stands for, undoing the tokenizer's spelling (Ġ, ▁, ##, <0xE6>)."""
    match = _BYTE_PIECE.match(piece)
    if match:
        return bytes([int(match.group(1), 16)])
    if kind == "byte-level BPE" and all(ch in _BYTES_OF for ch in piece):
        return bytes(_BYTES_OF[ch] for ch in piece)
    if kind == "WordPiece" and piece.startswith("##"):
        piece = piece[2:]
    return piece.replace("▁", " ").encode("utf-8")


def _bytes_hex(piece: str, tid: int, unk: int | None, kind: str, covered: str, special: bool) -> str:
    if special:
        return ""
    if tid == unk:  # the unknown token's own spelling is not the text: show the bytes it replaced
        return covered.encode("utf-8").hex(" ")
    return token_bytes(piece, kind).hex(" ")


def special_tokens_of(tokenizer) -> dict[str, str]:
    out: dict[str, str] = {}
    for role, value in (getattr(tokenizer, "special_tokens_map", None) or {}).items():
        out[role] = ", ".join(value) if isinstance(value, (list, tuple)) else str(value)
    return out


def _offsets(tokenizer, text: str, add_special: bool, kind: str) -> tuple[list[int], list[tuple[int, int]], bool]:
    try:
        enc = tokenizer(text, add_special_tokens=add_special, return_offsets_mapping=True)
        return list(enc["input_ids"]), [tuple(o) for o in enc["offset_mapping"]], True
    except (NotImplementedError, ValueError, TypeError):
        ids = list(tokenizer(text, add_special_tokens=add_special)["input_ids"])
        return ids, _align(tokenizer, text, ids, kind), False


def _align(tokenizer, text: str, ids: list[int], kind: str) -> list[tuple[int, int]]:
    """Offsets for a tokenizer without an offset mapping: find each piece's text in order.

    A piece's text is its spelling undone (Ġ, ▁, ##), searched case-insensitively too (uncased
    WordPiece lowercases). Added special tokens get (0, 0), as tokenizers with offsets give them.
    """
    folded = text.lower() if len(text.lower()) == len(text) else text
    special = set(tokenizer.all_special_ids)
    spans, cursor = [], 0
    for i, piece in zip(ids, tokenizer.convert_ids_to_tokens(ids)):
        needle = "" if i in special else token_bytes(str(piece), kind).decode("utf-8", "replace").strip()
        at = -1
        if needle and "\ufffd" not in needle:
            at = text.find(needle, cursor)
            if at < 0:
                at = folded.find(needle.lower(), cursor)
        if at < 0:
            spans.append((0, 0) if i in special else (cursor, cursor))
        else:
            spans.append((at, at + len(needle)))
            cursor = at + len(needle)
    return spans


def _group(spans: list[tuple[int, int]]) -> list[list[int]]:
    """Positions grouped so that tokens with overlapping source spans share a group."""
    groups: list[list[int]] = []
    last_end = -1
    for pos, (start, end) in enumerate(spans):
        if groups and end > start and start < last_end:
            groups[-1].append(pos)
            last_end = max(last_end, end)
        else:
            groups.append([pos])
            last_end = end if end > start else -1
    return groups


def tokenize(
    tokenizer,
    text: str,
    *,
    model: str = "",
    add_special_tokens: bool = True,
    chat_template: bool = False,
    max_chars: int = 50_000,
) -> TokenizationResult:
    """Tokenize `text` and describe every token. Raises InputError for text over `max_chars`."""
    if text is None:
        text = ""
    if len(text) > max_chars:
        raise InputError("The text is {n:,} characters; the limit is {limit:,}. Shorten it (or raise "
                         "PLAYGROUND_MAX_TEXT_CHARS).", n=len(text), limit=max_chars)
    if chat_template:
        if not getattr(tokenizer, "chat_template", None):
            raise InputError("{value} has no chat template: untick 'Wrap in chat template'.",
                             value=model or 'This tokenizer')
        text = tokenizer.apply_chat_template(
            [{"role": "user", "content": text}], tokenize=False, add_generation_prompt=True
        )
        add_special_tokens = False  # the template already spells out its special tokens
    kind = tokenizer_kind(tokenizer)
    ids, spans, exact = _offsets(tokenizer, text, add_special_tokens, kind)
    pieces = tokenizer.convert_ids_to_tokens(ids)
    unk = getattr(tokenizer, "unk_token_id", None)
    special_ids = set(tokenizer.all_special_ids)
    groups = _group(spans)
    group_of = {pos: g for g, members in enumerate(groups) for pos in members}

    decoded: dict[int, str] = {}  # each distinct id decoded once
    tokens = []
    for pos, (tid, piece, (start, end)) in enumerate(zip(ids, pieces, spans)):
        # An unknown token that replaced real text ('字' -> [UNK]) is content, not a special token.
        special = tid in special_ids and not (tid == unk and text[start:end] not in ("", piece))
        if tid not in decoded:
            decoded[tid] = tokenizer.decode([tid])
        # A byte piece: shares its span with other tokens and is no whole character on its own.
        partial = len(groups[group_of[pos]]) > 1 and "\ufffd" in decoded[tid]
        tokens.append(
            Token(
                position=pos,
                id=int(tid),
                token=str(piece),
                text=text[start:end],
                decoded="" if partial else decoded[tid],
                start=int(start),
                end=int(end),
                special=special,
                bytes=_bytes_hex(str(piece), tid, unk, kind, text[start:end], special),
                group=group_of[pos],
                partial=partial,
            )
        )
    group_objs = tuple(
        Group(start=min(spans[p][0] for p in g), end=max(spans[p][1] for p in g), tokens=tuple(g)) for g in groups
    )
    n_special = sum(t.special for t in tokens)
    content = len(tokens) - n_special
    words = len(text.split())
    counts = Counts(
        characters=len(text),
        bytes=len(text.encode("utf-8")),
        words=words,
        tokens=len(tokens),
        content_tokens=content,
        special_tokens=n_special,
        unknown_tokens=sum(1 for t in tokens if t.id == unk and not t.special),
        tokens_per_word=round(content / words, 3) if words else 0.0,
        chars_per_token=round(len(text) / content, 3) if content else 0.0,
        vocab_size=len(tokenizer),
    )
    return TokenizationResult(
        model=model,
        text=text,
        tokens=tuple(tokens),
        groups=group_objs,
        counts=counts,
        special_tokens=special_tokens_of(tokenizer),
        added_special=add_special_tokens,
        chat_template=chat_template,
        offsets_exact=exact,
        kind=kind,
    )


@dataclass(frozen=True)
class WordPieces:
    word: str
    pieces: tuple[str, ...]  # the source text of each token (or character of byte pieces) inside the word
    tokens: int = 0  # the tokens inside the word (more than pieces when a character took several byte pieces)


@dataclass(frozen=True)
class ThreeWays:
    """Lesson 3: the same text split into characters, words and the model's subword tokens."""

    characters: tuple[str, ...]
    words: tuple[str, ...]  # words and punctuation marks, as a classic word tokenizer splits them
    subwords: tuple[str, ...]  # the source text of each group of content tokens
    per_word: tuple[WordPieces, ...]  # how many subword tokens each whitespace word became
    subword_tokens: int = 0  # the content tokens themselves (the same number as the token count)


_WORD = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]", re.UNICODE)


def three_ways(result: TokenizationResult) -> ThreeWays:
    text = result.text
    content_groups = [g for g in result.groups if not all(result.tokens[p].special for p in g.tokens)]
    subwords = tuple(text[g.start : g.end] for g in content_groups)
    spanned = [g for g in content_groups if g.end > g.start]  # in text order
    per_word, j = [], 0
    for match in re.finditer(r"\S+", text):  # one sweep: words and groups both run left to right
        while j < len(spanned) and spanned[j].end <= match.start():
            j += 1
        k, inside, n = j, [], 0
        while k < len(spanned) and spanned[k].start < match.end():
            inside.append(text[spanned[k].start : spanned[k].end])
            n += len(spanned[k].tokens)
            k += 1
        per_word.append(WordPieces(word=match.group(0), pieces=tuple(inside), tokens=n))
    return ThreeWays(
        characters=tuple(text),
        words=tuple(_WORD.findall(text)),
        subwords=subwords,
        per_word=tuple(per_word),
        subword_tokens=sum(len(g.tokens) for g in content_groups),
    )


@dataclass(frozen=True)
class Decoded:
    """Ids turned back into text: each id's piece, its text alone and its bytes, and the whole sequence.

    `texts[i]` is '' where decoding the id alone gives no whole character (a byte piece of a
    multi-byte character); `bytes[i]` then says which bytes it holds.
    """

    ids: tuple[int, ...]
    pieces: tuple[str, ...]
    texts: tuple[str, ...]
    bytes: tuple[str, ...]  # hex, '' for special tokens
    text: str


def parse_ids(raw: str) -> list[int]:
    """'[1589, 436 253]' -> [1589, 436, 253]. Raises InputError naming the first bad item."""
    items = [s for s in re.split(r"[\s,;\[\]()]+", raw or "") if s]
    if not items:
        raise InputError("No ids to decode: type token ids separated by commas or spaces, e.g. 1589, 436, 253.")
    ids = []
    for item in items:
        if not re.fullmatch(r"-?\d+", item):
            raise InputError("{item_40!r} is not a token id: ids are whole numbers such as 1589.",
                             item_40=item[:40])
        ids.append(int(item))
    return ids


def decode_ids(tokenizer, ids: list[int], *, max_ids: int = 4096) -> Decoded:
    """Decode typed ids, each alone and all together. Raises InputError for ids outside the vocabulary."""
    if len(ids) > max_ids:
        raise InputError("{n:,} ids is too many to decode here; the limit is {max_ids:,}.", n=len(ids),
                         max_ids=max_ids)
    size = len(tokenizer)
    bad = [i for i in ids if not 0 <= i < size]
    if bad:
        raise InputError("Id {bad_0} is outside this vocabulary: ids run from 0 to {size_1:,}.", bad_0=bad[0],
                         size_1=size - 1)
    kind = tokenizer_kind(tokenizer)
    special = set(tokenizer.all_special_ids)
    pieces = [str(p) for p in tokenizer.convert_ids_to_tokens(ids)]
    alone = [tokenizer.decode([i]) for i in ids]
    return Decoded(
        ids=tuple(ids),
        pieces=tuple(pieces),
        texts=tuple("" if "\ufffd" in t else t for t in alone),
        bytes=tuple("" if i in special else token_bytes(p, kind).hex(" ") for i, p in zip(ids, pieces)),
        text=tokenizer.decode(ids),
    )


def decoded_of(tokenizer, result: TokenizationResult, *, limit: int | None = None) -> Decoded:
    """The ids of a tokenization decoded back, reusing what tokenize() already worked out per token
    (only the whole sequence is decoded again). `limit` keeps the first ids only."""
    tokens = result.tokens[:limit]
    return Decoded(
        ids=tuple(t.id for t in tokens),
        pieces=tuple(t.token for t in tokens),
        texts=tuple(t.decoded for t in tokens),
        bytes=tuple(t.bytes for t in tokens),
        text=tokenizer.decode([t.id for t in result.tokens]),
    )
