"""Views of tokenization results: coloured spans, tables, counts and comparison charts.

Pure: result dataclasses in, HTML strings / row lists / plotly figures out. No torch, no gradio.
Every string that came from a model or a user is escaped before it enters HTML (tokens can
contain '<script>'). Whitespace is made visible: '·' for a space, '↵' for a newline, '→' for a tab.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ..compute.tokenize import Decoded, ThreeWays, TokenizationResult
from .common import empty_hint, esc, plain_visible, visible

N_COLOURS = 8  # pg-c0 … pg-c7 in assets/playground.css


def token_spans_html(result: TokenizationResult) -> str:
    """The text as coloured spans, one per token (or per character split into byte pieces).

    Hover shows the position, id and spelling. Text no token covers (the spaces WordPiece drops)
    is drawn faint; special tokens the tokenizer added are drawn as labelled chips.
    """
    if not result.tokens:
        return empty_hint("No tokens: the text is empty. Type something, or click a lesson above.")
    text, parts, cursor = result.text, [], 0
    for index, group in enumerate(result.groups):
        members = [result.tokens[p] for p in group.tokens]
        if group.end <= group.start:  # an added special token: no source text
            tok = members[0]
            parts.append(
                f'<span class="pg-tok pg-special" data-pos="{tok.position}" data-id="{tok.id}" '
                f'title="{esc(f"position {tok.position} · id {tok.id} · special token {tok.token}")}">'
                f"{esc(tok.token)}</span>"
            )
            continue
        if group.start > cursor:
            parts.append(f'<span class="pg-gap" title="not part of any token">{visible(text[cursor:group.start])}</span>')
        ids = ", ".join(str(t.id) for t in members)
        if len(members) == 1:
            tok = members[0]
            title = f"position {tok.position} · id {tok.id} · {tok.token}"
            label = f'data-pos="{tok.position}" data-id="{tok.id}"'
        else:
            what = (f"one character in {len(members)} byte pieces" if any(t.partial for t in members)
                    else f"{len(members)} tokens over the same text")
            title = (
                f"positions {members[0].position}–{members[-1].position} · ids {ids} · "
                f"{what} ({' '.join(t.token for t in members)})"
            )
            label = f'data-pos="{members[0].position}" data-id="{esc(ids)}"'
        special = " pg-special" if all(t.special for t in members) else ""
        unk = result.special_tokens.get("unk_token")
        is_unknown = bool(unk) and any(t.token == unk for t in members)
        unknown = " pg-unk" if is_unknown else ""
        multi = " pg-multi" if len(members) > 1 else ""
        parts.append(
            f'<span class="pg-tok pg-c{index % N_COLOURS}{special}{unknown}{multi}" {label} title="{esc(title)}">'
            f"{visible(text[group.start:group.end])}"
            + (f'<sub class="pg-n">{len(members)}</sub>' if len(members) > 1 else "")
            + (f'<span class="pg-unk-tag">{esc(unk)}</span>' if is_unknown else "")
            + "</span>"
        )
        cursor = max(cursor, group.end)
    if cursor < len(text):
        parts.append(f'<span class="pg-gap" title="not part of any token">{visible(text[cursor:])}</span>')
    return f'<div class="pg-tokens">{"".join(parts)}</div>'


TABLE_HEADERS = ["#", "id", "token (as spelled)", "text it covers", "decoded alone", "bytes (hex)", "special"]


def token_table(result: TokenizationResult) -> list[list]:
    """One row per token, in TABLE_HEADERS order. A byte piece says which character it is part of."""
    rows = []
    for tok in result.tokens:
        if tok.partial:
            group = result.groups[tok.group]
            i = group.tokens.index(tok.position) + 1
            decoded = f"byte piece {i}/{len(group.tokens)} of {result.text[group.start:group.end]!r}"
        else:
            decoded = plain_visible(tok.decoded)
        rows.append(
            [tok.position, tok.id, tok.token, plain_visible(tok.text), decoded, tok.bytes, "yes" if tok.special else ""]
        )
    return rows


_COUNT_CARDS = (
    ("characters", "characters"),
    ("words", "words"),
    ("tokens", "tokens"),
    ("tokens_per_word", "tokens / word"),
    ("chars_per_token", "characters / token"),
    ("vocab_size", "vocabulary"),
)


def _fmt(value) -> str:
    return f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"


def counts_html(result: TokenizationResult) -> str:
    """Big-number cards (readable from the back of a lecture hall) plus a line of detail."""
    c = result.counts
    cards = "".join(
        f'<div class="pg-card"><div class="pg-num">{_fmt(getattr(c, key))}</div><div class="pg-lab">{esc(label)}</div></div>'
        for key, label in _COUNT_CARDS
    )
    detail = [f"{esc(result.model)} · {esc(result.kind)}", f"{c.bytes:,} UTF-8 bytes"]
    if c.special_tokens:
        detail.append(f"{c.special_tokens} special token(s) added or typed")
    if c.unknown_tokens:
        detail.append(f"{c.unknown_tokens} unknown token(s): the vocabulary cannot spell that text")
    if result.chat_template:
        detail.append("wrapped in the model's chat template")
    if not result.offsets_exact:
        detail.append("spans aligned by decoding (this tokenizer gives no offsets)")
    return f'<div class="pg-cards">{cards}</div><div class="pg-detail">{" · ".join(detail)}</div>'


def special_tokens_html(result: TokenizationResult) -> str:
    if not result.special_tokens:
        return empty_hint(f"{result.model} defines no special tokens.")
    items = "".join(
        f'<li><span class="pg-role">{esc(role.replace("_", " "))}</span> <code>{esc(tok)}</code></li>'
        for role, tok in result.special_tokens.items()
    )
    return f'<div class="pg-specials"><b>Special tokens of {esc(result.model)}</b><ul>{items}</ul></div>'


def comparison_html(results: list[TokenizationResult]) -> str:
    """The same text through several tokenizers, one labelled block each."""
    if not results:
        return empty_hint("Choose two to four models to compare.")
    blocks = []
    for r in results:
        c = r.counts
        unknown = (f' · <span class="pg-unk-count"><b>{c.unknown_tokens}</b> unknown '
                   f'({esc(r.special_tokens.get("unk_token", "unknown"))})</span>' if c.unknown_tokens else "")
        head = (
            f'<div class="pg-cmp-head"><b>{esc(r.model)}</b> · {esc(r.kind)} · '
            f"<b>{c.tokens:,}</b> tokens · {c.tokens_per_word:.2f} per word · vocabulary {c.vocab_size:,}"
            f"{unknown}</div>"
        )
        blocks.append(f'<div class="pg-cmp">{head}{token_spans_html(r)}</div>')
    return "".join(blocks)


def comparison_figure(results: list[TokenizationResult]) -> go.Figure:
    """Token counts per tokenizer, each bar labelled with its count and tokens per word."""
    names = [r.model for r in results]
    counts = [r.counts.tokens for r in results]
    labels = [f"{r.counts.tokens:,} tokens<br>{r.counts.tokens_per_word:.2f} / word" for r in results]
    fig = go.Figure(
        go.Bar(
            x=names, y=counts, text=labels, textposition="auto", marker_color="#4f6bed",
            hovertemplate="%{x}<br>%{y} tokens<extra></extra>",
        )
    )
    fig.update_layout(
        title="Same text, different tokenizers: how many tokens?",
        yaxis_title="tokens",
        font=dict(size=18),
        height=380,
        margin=dict(l=60, r=20, t=60, b=60),
        template="plotly_white",
    )
    return fig


_SHOW_MAX = 400  # items per row in the three-ways view; the counts stay exact


def _chips(items: tuple[str, ...], cls: str) -> str:
    shown = "".join(f'<span class="pg-chip {cls}">{visible(item)}</span>' for item in items[:_SHOW_MAX])
    more = f'<span class="pg-more">… {len(items) - _SHOW_MAX:,} more</span>' if len(items) > _SHOW_MAX else ""
    return shown + more


def three_ways_html(tw: ThreeWays, model: str) -> str:
    """Lesson 3: characters vs words vs subwords, with each sequence's length, then words split apart."""
    grouped = len(tw.subwords) != tw.subword_tokens
    rows = [
        ("Characters", tw.characters, "pg-char", ""),
        ("Words and punctuation", tw.words, "pg-word", ""),
        (f"Subword tokens ({model})", tw.subwords, "pg-sub",
         f" (drawn as {len(tw.subwords):,} pieces: the byte pieces of one character are drawn as one)" if grouped
         else ""),
    ]
    counts = [len(tw.characters), len(tw.words), tw.subword_tokens]
    body = "".join(
        f'<div class="pg-way"><div class="pg-way-head">{esc(title)}: <b>{n:,}</b>{esc(note)}</div>'
        f"{_chips(items, cls)}</div>"
        for (title, items, cls, note), n in zip(rows, counts)
    )
    split = [w for w in tw.per_word if w.tokens > 1]
    if split:
        lines = "".join(
            f"<li><b>{esc(w.word)}</b> → {' | '.join(visible(p) for p in w.pieces)} "
            f'<span class="pg-muted">({w.tokens} tokens'
            + (f", in {len(w.pieces)} characters" if w.tokens != len(w.pieces) else "") + ")</span></li>"
            for w in split[:60]
        )
        whole = len(tw.per_word) - len(split)
        body += (
            f'<div class="pg-way"><div class="pg-way-head">Words the model splits: {len(split)} '
            f"of {len(tw.per_word)} ({whole} stay whole)</div><ul class=\"pg-split\">{lines}</ul></div>"
        )
    return f'<div class="pg-three">{body}</div>'


def decoded_html(decoded: Decoded, total: int | None = None) -> str:
    """The decoded text, then one row per id; a byte piece shows its bytes, never '\ufffd'.
    `total`: how many ids there were, when only the first ones are listed."""
    rows = "".join(
        f"<tr><td>{i}</td><td><code>{esc(p)}</code></td><td>"
        + (visible(t) if t or not b else f'<span class="pg-muted">byte piece {esc(b)}</span>')
        + "</td></tr>"
        for i, p, t, b in zip(decoded.ids, decoded.pieces, decoded.texts, decoded.bytes)
    )
    more = ""
    if total is not None and total > len(decoded.ids):
        more = f'<div class="pg-muted">The first {len(decoded.ids):,} of {total:,} ids are listed.</div>'
    return (
        f'<div class="pg-decoded"><div class="pg-way-head">Decoded text</div>'
        f'<div class="pg-tokens">{visible(decoded.text)}</div>'
        f'<table class="pg-table"><tr><th>id</th><th>token</th><th>decoded alone</th></tr>{rows}</table>{more}</div>'
    )
