"""What every view shares: escaping, visible whitespace, empty hints, token labels for charts,
percentages and the plotly layout. Pure: strings in, strings out (plotly only for the layout)."""

from __future__ import annotations

import html
import unicodedata

import plotly.graph_objects as go

FONT = dict(size=18)
_MARKS = {" ": "·", "\n": "↵", "\t": "→", "\r": "␍", "\u00a0": "⍽"}
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff"}


def esc(text: str) -> str:
    return html.escape(str(text), quote=True)


def visible(text: str) -> str:
    """Escaped HTML of `text` with whitespace and invisible characters drawn as markers."""
    out = []
    if text and unicodedata.combining(text[0]):
        out.append('<span class="pg-ws">◌</span>')  # a lone combining mark needs a base to sit on
    for ch in text:
        if ch in _MARKS:
            out.append(f'<span class="pg-ws">{_MARKS[ch]}</span>')
            if ch == "\n":
                out.append("<br>")
        elif ch in _INVISIBLE:
            out.append(f'<span class="pg-ws" title="U+{ord(ch):04X}">⌀</span>')
        else:
            out.append(esc(ch))
    return "".join(out)


def plain_visible(text: str) -> str:
    """The same markers in plain text, for tables."""
    return "".join(_MARKS.get(ch, "⌀" if ch in _INVISIBLE else ch) for ch in text)


def empty_hint(message: str) -> str:
    return f'<div class="pg-hint">{esc(message)}</div>'


def chart_label(token: str) -> str:
    """A token for a plotly label: whitespace made visible, then escaped."""
    return esc(plain_visible(token)) or "∅"


def pct(p: float | None) -> str:
    if p is None:
        return ""
    if p >= 0.001 or p == 0:
        return f"{100 * p:.1f} %"
    return f"{p:.1e}"


def layout(fig: go.Figure, title: str, height: int, **kw) -> go.Figure:
    kw.setdefault("margin", dict(l=20, r=30, t=70, b=50))
    fig.update_layout(title=title, font=FONT, height=height, template="plotly_white", **kw)
    return fig
