"""Views of tokenization results: coloured spans, tables, counts and comparison charts.

Pure: result dataclasses in, HTML strings / row lists / plotly figures out. No torch, no gradio.
Every string that came from a model or a user is escaped before it enters HTML (tokens can
contain '<script>'). Whitespace is made visible: '·' for a space, '↵' for a newline, '→' for a tab.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ..compute.tokenize import Decoded, ThreeWays, TokenizationResult
from ..i18n import EN, translator
from .common import empty_hint, esc, plain_visible, visible

N_COLOURS = 8  # pg-c0 … pg-c7 in assets/playground.css


def token_spans_html(result: TokenizationResult, lang: str = EN) -> str:
    """The text as coloured spans, one per token (or per character split into byte pieces).

    Hover shows the position, id and spelling. Text no token covers (the spaces WordPiece drops)
    is drawn faint; special tokens the tokenizer added are drawn as labelled chips.
    """
    t = translator(lang)
    if not result.tokens:
        return empty_hint(t("No tokens: the text is empty. Type something, or click a lesson above."))
    gap = esc(t("not part of any token"))
    text, parts, cursor = result.text, [], 0
    for index, group in enumerate(result.groups):
        members = [result.tokens[p] for p in group.tokens]
        if group.end <= group.start:  # an added special token: no source text
            tok = members[0]
            parts.append(
                f'<span class="pg-tok pg-special" data-pos="{tok.position}" data-id="{tok.id}" '
                f'title="{esc(t("position {position} · id {id} · special token {token}", position=tok.position, id=tok.id, token=tok.token))}">'
                f"{esc(tok.token)}</span>"
            )
            continue
        if group.start > cursor:
            parts.append(f'<span class="pg-gap" title="{gap}">{visible(text[cursor:group.start])}</span>')
        ids = ", ".join(str(t.id) for t in members)
        if len(members) == 1:
            tok = members[0]
            title = t("position {position} · id {id} · {token}", position=tok.position, id=tok.id, token=tok.token)
            label = f'data-pos="{tok.position}" data-id="{tok.id}"'
        else:
            what = (t("one character in {n} byte pieces", n=len(members)) if any(m.partial for m in members)
                    else t("{n} tokens over the same text", n=len(members)))
            title = t("positions {first}–{last} · ids {ids} · {what} ({tokens})", first=members[0].position,
                      last=members[-1].position, ids=ids, what=what, tokens=" ".join(m.token for m in members))
            label = f'data-pos="{members[0].position}" data-id="{esc(ids)}"'
        special = " pg-special" if all(t.special for t in members) else ""
        unk = result.special_tokens.get("unk_token")
        is_unknown = bool(unk) and any(m.token == unk for m in members)
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
        parts.append(f'<span class="pg-gap" title="{gap}">{visible(text[cursor:])}</span>')
    return f'<div class="pg-tokens">{"".join(parts)}</div>'


TABLE_HEADERS = ["#", "id", "token (as spelled)", "text it covers", "decoded alone", "bytes (hex)", "special"]


def table_headers(lang: str = EN) -> list[str]:
    t = translator(lang)
    return [t(h) for h in TABLE_HEADERS]


def token_table(result: TokenizationResult, lang: str = EN) -> list[list]:
    """One row per token, in TABLE_HEADERS order. A byte piece says which character it is part of."""
    t = translator(lang)
    rows = []
    for tok in result.tokens:
        if tok.partial:
            group = result.groups[tok.group]
            i = group.tokens.index(tok.position) + 1
            decoded = t("byte piece {i}/{n} of {char!r}", i=i, n=len(group.tokens), char=result.text[group.start:group.end])
        else:
            decoded = plain_visible(tok.decoded)
        rows.append(
            [tok.position, tok.id, tok.token, plain_visible(tok.text), decoded, tok.bytes, t("yes") if tok.special else ""]
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


def counts_html(result: TokenizationResult, lang: str = EN) -> str:
    """Big-number cards (readable from the back of a lecture hall) plus a line of detail."""
    t = translator(lang)
    c = result.counts
    cards = "".join(
        f'<div class="pg-card"><div class="pg-num">{_fmt(getattr(c, key))}</div><div class="pg-lab">{esc(t(label))}</div></div>'
        for key, label in _COUNT_CARDS
    )
    detail = [f"{esc(result.model)} · {esc(t(result.kind))}", t("{n:,} UTF-8 bytes", n=c.bytes)]
    if c.special_tokens:
        detail.append(t("{n} special token(s) added or typed", n=c.special_tokens))
    if c.unknown_tokens:
        detail.append(t("{n} unknown token(s): the vocabulary cannot spell that text", n=c.unknown_tokens))
    if result.chat_template:
        detail.append(t("wrapped in the model's chat template"))
    if not result.offsets_exact:
        detail.append(t("spans aligned by decoding (this tokenizer gives no offsets)"))
    return f'<div class="pg-cards">{cards}</div><div class="pg-detail">{" · ".join(detail)}</div>'


def special_tokens_html(result: TokenizationResult, lang: str = EN) -> str:
    t = translator(lang)
    if not result.special_tokens:
        return empty_hint(t("{model} defines no special tokens.", model=result.model))
    items = "".join(
        f'<li><span class="pg-role">{esc(t(role.replace("_", " ")))}</span> <code>{esc(tok)}</code></li>'
        for role, tok in result.special_tokens.items()
    )
    head = esc(t("Special tokens of {model}", model=result.model))
    return f'<div class="pg-specials"><b>{head}</b><ul>{items}</ul></div>'


def comparison_html(results: list[TokenizationResult], lang: str = EN) -> str:
    """The same text through several tokenizers, one labelled block each."""
    t = translator(lang)
    if not results:
        return empty_hint(t("Choose two to four models to compare."))
    blocks = []
    for r in results:
        c = r.counts
        unknown = (t(' · <span class="pg-unk-count"><b>{n}</b> unknown ({unk})</span>', n=c.unknown_tokens,
                     unk=esc(r.special_tokens.get("unk_token", t("unknown")))) if c.unknown_tokens else "")
        head = (
            f'<div class="pg-cmp-head"><b>{esc(r.model)}</b> · {esc(t(r.kind))} · '
            + t("<b>{tokens:,}</b> tokens · {per_word:.2f} per word · vocabulary {vocab:,}", tokens=c.tokens,
                per_word=c.tokens_per_word, vocab=c.vocab_size)
            + f"{unknown}</div>"
        )
        blocks.append(f'<div class="pg-cmp">{head}{token_spans_html(r, lang)}</div>')
    return "".join(blocks)


def comparison_figure(results: list[TokenizationResult], lang: str = EN) -> go.Figure:
    """Token counts per tokenizer, each bar labelled with its count and tokens per word."""
    t = translator(lang)
    names = [r.model for r in results]
    counts = [r.counts.tokens for r in results]
    labels = [t("{tokens:,} tokens<br>{per_word:.2f} / word", tokens=r.counts.tokens, per_word=r.counts.tokens_per_word)
              for r in results]
    fig = go.Figure(
        go.Bar(
            x=names, y=counts, text=labels, textposition="auto", marker_color="#4f6bed",
            hovertemplate="%{x}<br>%{y} " + t("tokens") + "<extra></extra>",
        )
    )
    fig.update_layout(
        title=t("Same text, different tokenizers: how many tokens?"),
        yaxis_title=t("tokens"),
        font=dict(size=18),
        height=380,
        margin=dict(l=60, r=20, t=60, b=60),
        template="plotly_white",
    )
    return fig


_SHOW_MAX = 400  # items per row in the three-ways view; the counts stay exact


def _chips(items: tuple[str, ...], cls: str, t) -> str:
    shown = "".join(f'<span class="pg-chip {cls}">{visible(item)}</span>' for item in items[:_SHOW_MAX])
    more = (f'<span class="pg-more">{esc(t("… {n:,} more", n=len(items) - _SHOW_MAX))}</span>'
            if len(items) > _SHOW_MAX else "")
    return shown + more


def three_ways_html(tw: ThreeWays, model: str, lang: str = EN) -> str:
    """Lesson 3: characters vs words vs subwords, with each sequence's length, then words split apart."""
    t = translator(lang)
    grouped = len(tw.subwords) != tw.subword_tokens
    rows = [
        (t("Characters"), tw.characters, "pg-char", ""),
        (t("Words and punctuation"), tw.words, "pg-word", ""),
        (t("Subword tokens ({model})", model=model), tw.subwords, "pg-sub",
         t(" (drawn as {n:,} pieces: the byte pieces of one character are drawn as one)", n=len(tw.subwords))
         if grouped else ""),
    ]
    counts = [len(tw.characters), len(tw.words), tw.subword_tokens]
    body = "".join(
        f'<div class="pg-way"><div class="pg-way-head">{esc(title)}: <b>{n:,}</b>{esc(note)}</div>'
        f"{_chips(items, cls, t)}</div>"
        for (title, items, cls, note), n in zip(rows, counts)
    )
    split = [w for w in tw.per_word if w.tokens > 1]
    if split:
        lines = "".join(
            f"<li><b>{esc(w.word)}</b> → {' | '.join(visible(p) for p in w.pieces)} "
            f'<span class="pg-muted">('
            + (t("{n} tokens, in {chars} characters", n=w.tokens, chars=len(w.pieces)) if w.tokens != len(w.pieces)
               else t("{n} tokens", n=w.tokens)) + ")</span></li>"
            for w in split[:60]
        )
        whole = len(tw.per_word) - len(split)
        head = t("Words the model splits: {n} of {total} ({whole} stay whole)", n=len(split), total=len(tw.per_word),
                 whole=whole)
        body += f'<div class="pg-way"><div class="pg-way-head">{head}</div><ul class="pg-split">{lines}</ul></div>'
    return f'<div class="pg-three">{body}</div>'


def decoded_html(decoded: Decoded, total: int | None = None, lang: str = EN) -> str:
    """The decoded text, then one row per id; a byte piece shows its bytes, never '\ufffd'.
    `total`: how many ids there were, when only the first ones are listed."""
    t = translator(lang)
    rows = "".join(
        f"<tr><td>{i}</td><td><code>{esc(p)}</code></td><td>"
        + (visible(x) if x or not b else f'<span class="pg-muted">{esc(t("byte piece {bytes}", bytes=b))}</span>')
        + "</td></tr>"
        for i, p, x, b in zip(decoded.ids, decoded.pieces, decoded.texts, decoded.bytes)
    )
    more = ""
    if total is not None and total > len(decoded.ids):
        more = f'<div class="pg-muted">{esc(t("The first {n:,} of {total:,} ids are listed.", n=len(decoded.ids), total=total))}</div>'
    return (
        f'<div class="pg-decoded"><div class="pg-way-head">{esc(t("Decoded text"))}</div>'
        f'<div class="pg-tokens">{visible(decoded.text)}</div>'
        f'<table class="pg-table"><tr><th>id</th><th>{esc(t("token"))}</th><th>{esc(t("decoded alone"))}</th></tr>'
        f'{rows}</table>{more}</div>'
    )
