"""What every view shares: escaping, visible whitespace, empty hints, token labels for charts,
percentages and the plotly layout. Pure: strings in, strings out (plotly only for the layout)."""

from __future__ import annotations

import html
import re
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


def is_empty_hint(html) -> bool:
    """True for what empty_hint() draws (a view's "run something first" text), in either language: no result."""
    return isinstance(html, str) and re.fullmatch(r'\s*<div class="pg-hint">[^<]*</div>\s*', html) is not None


def chart_label(token: str) -> str:
    """A token for a plotly label: whitespace made visible, then escaped."""
    return esc(plain_visible(token)) or "∅"


def pct(p: float | None) -> str:
    """A probability as a percentage people read aloud: 86.7 %, then 0.081 % (two significant digits) below
    0.1 %, and "< 0.0001 %" below that (never 8.1e-04, which reads as neither a probability nor a percentage)."""
    if p is None:
        return ""
    if p >= 0.001 or p == 0:
        return f"{100 * p:.1f} %"
    if p >= 1e-6:
        return f"{100 * p:.2g} %"
    return "< 0.0001 %"


MAX_FORCED_TICKS = 40  # a categorical axis with up to this many labels shows every one of them


def _axis_key(ref: str | None, letter: str) -> str:
    """'x2' -> 'xaxis2', None -> 'xaxis'."""
    return f"{letter}axis{(ref or letter)[1:]}"


def show_every_category(fig: go.Figure) -> go.Figure:
    """Every label of a short categorical axis, always. Left to itself plotly drops every other label when
    the chart gets narrow (a projector at 150 %, a side-by-side column); with the labels given it turns
    them instead. An axis whose ticks a view chose itself is left alone."""
    wanted: dict[str, list] = {}
    for trace in fig.data:
        for letter in ("x", "y"):
            values = getattr(trace, letter, None)
            if values is None or not len(values) or not all(isinstance(v, str) for v in values):
                continue
            key = _axis_key(getattr(trace, f"{letter}axis", None), letter)
            wanted.setdefault(key, [])
            wanted[key] += [v for v in values if v not in wanted[key]]
    for key, cats in wanted.items():
        axis = fig.layout[key]
        if axis.tickvals is not None or axis.tickmode is not None or not 0 < len(cats) <= MAX_FORCED_TICKS:
            continue
        fig.layout[key].update(tickmode="array", tickvals=cats, ticktext=cats, automargin=True)
    return fig


def make_subplots(**kw) -> go.Figure:
    """plotly's make_subplots, imported on first use: plotly.subplots loads plotly's figure machinery (~35 ms
    here), which start-up does not need (go.Figure itself is imported lazily by plotly)."""
    from plotly.subplots import make_subplots as subplots

    return subplots(**kw)


def layout(fig: go.Figure, title: str, height: int, **kw) -> go.Figure:
    kw.setdefault("margin", dict(l=20, r=30, t=70, b=50))
    fig.update_layout(title=title, font=FONT, height=height, template="plotly_white", **kw)
    return show_every_category(fig)
