"""Views of attention results: heatmaps per head, the mean over heads, every head of a layer,
rollout, the three families side by side, and self-attention by hand step by step.

Pure: compute dataclasses in, plotly figures / HTML strings out. No torch, no gradio. Tokens go on
numbered axes with their text as tick labels (two equal tokens stay two rows), escaped, because
plotly reads a little HTML in labels. Sizes are chosen to read from the back of a lecture hall.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from ..compute.attention import AttentionResult, ByHand, hide_tokens, rollout
from ..i18n import EN, translator
from .common import empty_hint, esc, make_subplots, plain_visible

FONT = dict(size=18)
KIND_TITLES = {"self": "self-attention", "encoder": "encoder self-attention", "decoder": "decoder self-attention",
               "cross": "cross-attention (decoder → encoder)"}
HIDE_NOTE = "special tokens and the first token hidden, rows renormalised"


def _label(token: str) -> str:
    return esc(plain_visible(token)) or "∅"


def _ticks(tokens, keep) -> tuple[list[int], list[str]]:
    return list(range(len(keep))), [f"{_label(tokens[i])}" for i in keep]


def _heatmap(matrix: np.ndarray, q_tokens, k_tokens, q_keep, k_keep, *, zmax: float | None = None,
             showscale: bool = True, colorscale: str = "Blues", named_hover: bool = True, t=None) -> go.Heatmap:
    """A (query, key) heatmap on numbered axes; hover names both tokens (up to 200 x 200 cells)."""
    t = t or translator(EN)
    hover = None
    if named_hover and len(q_keep) * len(k_keep) <= 40_000:
        pos = t("pos {i}")
        hover = np.array([[f"{_label(q_tokens[qi])} ({pos.format(i=qi)}) → {_label(k_tokens[kj])} ({pos.format(i=kj)})"
                           for kj in k_keep] for qi in q_keep], dtype=object)
    return go.Heatmap(
        z=matrix, x=list(range(len(k_keep))), y=list(range(len(q_keep))), colorscale=colorscale, zmin=0, zmax=zmax,
        showscale=showscale, xgap=1 if len(k_keep) <= 48 else 0, ygap=1 if len(q_keep) <= 48 else 0,
        customdata=hover,
        hovertemplate="%{customdata}: %{z:.4f}<extra></extra>" if hover is not None
        else t("query %{y} → key %{x}: %{z:.4f}") + "<extra></extra>",
    )


def _axes(fig, q_tokens, k_tokens, q_keep, k_keep, row=None, col=None, size=18):
    n = max(len(q_keep), len(k_keep))
    font = dict(size=size if n <= 24 else 12 if n <= 64 else 8)
    xv, xt = _ticks(k_tokens, k_keep)
    yv, yt = _ticks(q_tokens, q_keep)
    kw = {} if row is None else dict(row=row, col=col)
    fig.update_xaxes(tickvals=xv, ticktext=xt, tickangle=-60, tickfont=font, side="bottom", **kw)
    fig.update_yaxes(tickvals=yv, ticktext=yt, autorange="reversed", tickfont=font, **kw)


def _size(n: int) -> int:
    return int(min(1100, max(420, 180 + 22 * n)))


def heatmap_figure(result: AttentionResult, layer: int, head: int | None, kind: str = "self",
                   hide: bool = False, lang: str = EN) -> go.Figure:
    """One head (or the mean over heads, head=None): rows are queries, columns the keys they read."""
    t = translator(lang)
    q_tokens, k_tokens, q_special, k_special = result.axes(kind)
    matrix, q_keep, k_keep = hide_tokens(result.matrix(layer, head, kind), q_special, k_special, hide=hide)
    fig = go.Figure(_heatmap(matrix, q_tokens, k_tokens, q_keep, k_keep, zmax=float(matrix.max()) or 1.0, t=t))
    _axes(fig, q_tokens, k_tokens, q_keep, k_keep)
    who = t("mean over heads") if head is None else t("head {h}", h=head)
    if head is not None and result.grouped:
        who += t(" (shares key/value head {kv})", kv=result.kv_head(head))
    title = f"{esc(result.model)} · {t(KIND_TITLES[kind])} · {t('layer {i}', i=layer)} · {who}"
    if hide:
        title += f"<br><sup>{t(HIDE_NOTE)}</sup>"
    fig.update_layout(title=title, font=FONT, height=_size(len(q_keep)), template="plotly_white",
                      xaxis_title=t("key (attended to)"), yaxis_title=t("query (attending)"),
                      margin=dict(l=20, r=20, t=90, b=40))
    return fig


def heads_figure(result: AttentionResult, layer: int, kind: str = "self", hide: bool = False,
                 lang: str = EN) -> go.Figure:
    """Every head of one layer, small multiples; grouped-query heads titled with their key/value head."""
    t = translator(lang)
    q_tokens, k_tokens, q_special, k_special = result.axes(kind)
    stack = result.stack(kind)
    n = stack.shape[1]
    cols = min(n, 4 if n <= 8 else 6)
    rows = math.ceil(n / cols)
    titles = [t("head {h}", h=h) + (f" · kv {result.kv_head(h)}" if result.grouped and kind == "self" else "")
              for h in range(n)]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, horizontal_spacing=0.02, vertical_spacing=0.06)
    for h in range(n):
        m, q_keep, k_keep = hide_tokens(result.matrix(layer, h, kind), q_special, k_special, hide=hide)
        r, c = h // cols + 1, h % cols + 1
        fig.add_trace(_heatmap(m, q_tokens, k_tokens, q_keep, k_keep, zmax=1.0, showscale=h == 0,
                               named_hover=len(q_keep) <= 48, t=t), row=r, col=c)
        fig.update_xaxes(showticklabels=False, row=r, col=c)
        fig.update_yaxes(showticklabels=False, autorange="reversed", row=r, col=c)
    group = ""
    if result.grouped and kind == "self":
        group = "<br><sup>" + t("grouped-query attention: {n} query heads share {kv} key/value heads "
                                "({per} per group); each query head still has its own pattern", n=n,
                                kv=result.num_kv_heads, per=n // result.num_kv_heads) + "</sup>"
    fig.update_layout(title=f"{esc(result.model)} · {t('every head of layer {i}', i=layer)} · {t(KIND_TITLES[kind])}"
                            f"{group}",
                      font=FONT, height=80 + 230 * rows, template="plotly_white", margin=dict(l=10, r=10, t=110, b=10))
    return fig


def rollout_figure(result: AttentionResult, upto: int, hide: bool = False, lang: str = EN) -> go.Figure:
    """Attention rollout through layers 0..upto (self-attention, or the encoder's)."""
    t = translator(lang)
    tokens, special = result.tokens, result.special
    matrix, q_keep, k_keep = hide_tokens(rollout(result.weights, upto), special, special, hide=hide)
    fig = go.Figure(_heatmap(matrix, tokens, tokens, q_keep, k_keep, zmax=float(matrix.max()) or 1.0,
                             colorscale="Purples", t=t))
    _axes(fig, tokens, tokens, q_keep, k_keep)
    title = (f"{esc(result.model)} · " + t("attention rollout through layers 0–{upto}", upto=upto)
             + "<br><sup>" + t("mean over heads, ½·A + ½·I for the residual path, multiplied layer by layer") + "</sup>")
    if hide:
        title = title.replace("</sup>", f"; {t(HIDE_NOTE)}</sup>")
    fig.update_layout(title=title, font=FONT, height=_size(len(q_keep)), template="plotly_white",
                      xaxis_title=t("input token"), yaxis_title=t("position"), margin=dict(l=20, r=20, t=100, b=40))
    return fig


def entropy_figure(result: AttentionResult, entropy: np.ndarray, lang: str = EN) -> go.Figure:
    """(layers, heads) mean row entropy: where the focused heads are."""
    t = translator(lang)
    fig = go.Figure(go.Heatmap(z=entropy, x=list(range(entropy.shape[1])), y=list(range(entropy.shape[0])),
                               colorscale="Viridis", colorbar=dict(title=t("bits")),
                               hovertemplate=t("layer %{y}, head %{x}: %{z:.2f} bits") + "<extra></extra>"))
    fig.update_layout(title=f"{esc(result.model)} · " + t("how spread out each head reads (mean entropy of its rows)"),
                      font=FONT, height=max(320, 120 + 18 * entropy.shape[0]), template="plotly_white",
                      xaxis_title=t("head"), yaxis_title=t("layer"), yaxis_autorange="reversed",
                      margin=dict(l=20, r=20, t=70, b=40))
    return fig


def families_figure(results: list[AttentionResult], hide: bool = False, lang: str = EN) -> go.Figure:
    """Lesson 21: each model's last layer, mean over heads; an encoder-decoder shows its three kinds."""
    t = translator(lang)
    panels = []
    for r in results:
        for kind in r.kinds():
            panels.append((r, kind))
    titles = []
    for r, kind in panels:
        shape = {"causal": "decoder: causal, nothing above the diagonal",
                 "masked": "encoder: bidirectional", "encoder": "encoder: bidirectional"}.get(r.family, KIND_TITLES[kind])
        if r.family == "seq2seq":
            shape = {"encoder": "enc-dec: encoder, bidirectional", "decoder": "enc-dec: decoder, causal",
                     "cross": "enc-dec: cross, decoder → encoder"}[kind]
        titles.append(f"{esc(r.model)}<br>{t(shape)}")
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=titles, horizontal_spacing=0.06)
    for c, (r, kind) in enumerate(panels, start=1):
        q_tokens, k_tokens, q_special, k_special = r.axes(kind)
        m, q_keep, k_keep = hide_tokens(r.matrix(r.stack(kind).shape[0] - 1, None, kind), q_special, k_special,
                                        hide=hide)
        fig.add_trace(_heatmap(m, q_tokens, k_tokens, q_keep, k_keep, zmax=1.0, showscale=c == 1, t=t), row=1, col=c)
        _axes(fig, q_tokens, k_tokens, q_keep, k_keep, row=1, col=c, size=18 if len(panels) <= 3 else 14)
    fig.update_annotations(font_size=18)
    fig.update_layout(title=t("Three families side by side: the last layer of each, mean over heads"), font=FONT,
                      height=560, template="plotly_white", margin=dict(l=20, r=20, t=130, b=40))
    return fig


def summary_html(result: AttentionResult, lang: str = EN) -> str:
    t = translator(lang)
    cards = [("tokens", len(result.tokens)), ("layers", result.num_layers), ("heads per layer", result.num_heads)]
    if result.grouped:
        cards.append(("key/value heads", result.num_kv_heads))
    if result.family == "seq2seq":
        cards.append(("decoder tokens", len(result.decoder_tokens)))
    cells = "".join(f'<div class="pg-card"><div class="pg-num">{v}</div><div class="pg-lab">{esc(t(k))}</div></div>'
                    for k, v in cards)
    kind = {"causal": "decoder (causal attention: each token reads only itself and what came before)",
            "masked": "encoder (bidirectional: every token reads every token)",
            "encoder": "encoder (bidirectional: every token reads every token)",
            "seq2seq": "encoder-decoder (encoder self-attention, causal decoder self-attention, cross-attention)"}
    notes = "".join(f'<div class="pg-warn">{esc(t(n))}</div>' for n in result.notices)
    pair = ""
    if result.sentence_b_start is not None:
        pair = t(" Sentence B starts at position {i}.", i=result.sentence_b_start)
    what = kind.get(result.family, result.family)
    article = "an" if what[:1] in "aeiou" else "a"
    if lang == EN:
        return (f'<div class="pg-cards">{cells}</div><div class="pg-detail"><b>{esc(result.model)}</b> is {article} '
                f"{esc(what)}.{esc(pair)} Forward pass with attentions: "
                f"{result.seconds * 1000:.0f} ms.</div>{notes}")
    return (f'<div class="pg-cards">{cells}</div><div class="pg-detail">'
            + t("<b>{model}</b> is {what}.{pair} Forward pass with attentions: {ms:.0f} ms.", model=esc(result.model),
                what=esc(t(what)), pair=esc(pair), ms=result.seconds * 1000) + f"</div>{notes}")


# ---- self-attention by hand ---------------------------------------------------------------------


STACK_TITLES = {"encoder": "encoder self-attention", "decoder": "decoder self-attention",
                "cross": "cross-attention (decoder queries → encoder keys and values)"}


def by_hand_figure(bh: ByHand, columns: int = 4, lang: str = EN) -> go.Figure:
    """Every step's panels in order (Q, K, V, the scores, soft-cap / bias where the family has them, the
    mask, the softmax, the output), then the difference to the model."""
    t = translator(lang)
    panels = [(p.title, p.value, p.axes) for step in bh.steps for p in step.panels]
    softmax = {n for n, (title, _, _) in enumerate(panels) if "softmax" in title}
    panels = [(f"{n + 1}. {t(title)}", value, axes) for n, (title, value, axes) in enumerate(panels)]
    diff = np.abs(bh.weights.astype(np.float64) - bh.model_weights)
    panels.append((f"{len(panels) + 1}. " + t("|by hand − model|, max {d:.1e}", d=bh.max_abs_diff), diff, "diff"))
    rows = math.ceil(len(panels) / columns)
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=[p[0] for p in panels], horizontal_spacing=0.05,
                        vertical_spacing=0.3 / rows)
    q_ticks, k_ticks = [_label(tok) for tok in bh.tokens], [_label(tok) for tok in bh.key_tokens]
    n = max(len(q_ticks), len(k_ticks))
    font = dict(size=18 if n <= 14 else 12 if n <= 24 else 8)
    for i, (_, z, axes) in enumerate(panels):
        r, c = i // columns + 1, i % columns + 1
        z = np.where(np.isfinite(z), z, np.nan)  # −∞ (masked) draws as a blank cell
        probability = axes == "diff" or i in softmax
        scale = dict(zmin=0.0, zmax=max(1e-3, float(np.nanmax(z)))) if axes == "diff" else \
            dict(zmin=0.0) if probability else dict(zmid=0.0)  # no difference draws white
        fig.add_trace(go.Heatmap(z=z, colorscale="Greys" if axes == "diff" else "Blues" if probability else "RdBu",
                                 showscale=False, **scale,
                                 hovertemplate=t("row %{y}, col %{x}: %{z:.4f}") + "<extra></extra>"), row=r, col=c)
        rows_ticks = k_ticks if axes == "k" else q_ticks
        fig.update_yaxes(tickvals=list(range(len(rows_ticks))), ticktext=rows_ticks, autorange="reversed",
                         tickfont=font, showticklabels=c == 1 or axes == "k", row=r, col=c)
        if axes in ("qk", "diff"):
            fig.update_xaxes(tickvals=list(range(len(k_ticks))), ticktext=k_ticks, tickangle=-60, tickfont=font,
                             row=r, col=c)
        else:
            fig.update_xaxes(title_text=t("dimension"), title_font=dict(size=18), tickfont=dict(size=18), nticks=4,
                             row=r, col=c)
    fig.update_annotations(font_size=18)
    where = f" · {t(STACK_TITLES[bh.stack])}" if bh.stack == "cross" or bh.decoder_ids else ""
    fig.update_layout(title=t("Self-attention by hand") + f" · {esc(bh.model)}{where} · "
                      + t("layer {layer}, head {head}", layer=bh.layer, head=bh.head),
                      font=dict(size=18), height=min(2200, 100 + rows * (280 + 16 * n)), template="plotly_white",
                      margin=dict(l=20, r=20, t=90, b=40))
    return fig


def by_hand_html(bh: ByHand, lang: str = EN) -> str:
    t = translator(lang)
    ok = bh.max_abs_diff < 1e-4
    verdict = t("equal to what the model computed" if ok else "NOT equal to what the model computed")
    items = "".join(f"<li>{esc(t(s.text))}</li>" for s in bh.steps)  # each text starts with its step's name
    rounding = (t("float32 rounding is about 1e-7") if bh.dtype == "float32" else
                t("the model ran in {dtype}, whose rounding is about 1e-2: choose float32 for an exact match",
                  dtype=esc(bh.dtype)))
    notes = "".join(f'<div class="pg-warn">{esc(t(n))}</div>' for n in bh.notices)
    return (f'<div class="pg-cards"><div class="pg-card"><div class="pg-num">{bh.max_abs_diff:.1e}</div>'
            f'<div class="pg-lab">{t("max |weights by hand − model|")}</div></div>'
            f'<div class="pg-card"><div class="pg-num">{bh.max_abs_diff_output:.1e}</div>'
            f'<div class="pg-lab">{t("max |output by hand − model|")}</div></div></div>'
            f'<div class="pg-detail">'
            + t("Recipe: <b>{recipe}</b> · {stack}, layer {layer}, head {head}", recipe=esc(bh.recipe),
                stack=esc(t(STACK_TITLES[bh.stack])), layer=bh.layer, head=bh.head)
            + f"<ol>{items}</ol><b>{esc(verdict)}</b>" + t(" ({rounding}).", rounding=rounding) + f"</div>{notes}")


# ---- the textbook's example ---------------------------------------------------------------------


def _matrix_table(m: np.ndarray, caption: str, *, sums: bool = False, percent: bool = False,
                  row_names=None, t=None) -> str:
    t = t or translator(EN)
    head = "".join(f"<th>{j + 1}</th>" for j in range(m.shape[1])) + (f"<th>{t('row sum')}</th>" if sums else "")
    body = []
    for i, row in enumerate(m):
        cells = "".join(f"<td>{v * 100:.1f} %</td>" if percent else f"<td>{v:.4f}</td>" for v in row)
        if sums:
            total = row.sum()
            cells += f"<td><b>{total * 100:.1f} %</b></td>" if percent else f"<td><b>{total:.4f}</b></td>"
        name = row_names[i] if row_names else t("token {i}", i=i + 1)
        body.append(f"<tr><th>{esc(name)}</th>{cells}</tr>")
    return (f'<table class="pg-table pg-book"><caption>{esc(caption)}</caption><tr><th></th>{head}</tr>'
            f'{"".join(body)}</table>')


def _attention_block(a, title: str, d: int, t=None) -> str:
    t = t or translator(EN)
    rule = t("no scaling") if a.scale == 1.0 else f"× 1/√d = 1/√{d} = {a.scale:.4f}"
    return (f'<div class="pg-book-pass"><div class="pg-way-head"><b>{esc(t(title))}</b>: scores = Q·Kᵀ, '
            f"{esc(rule)}</div>"
            + '<div class="pg-book-row">'
            + _matrix_table(a.scores, "scores = Q·Kᵀ" + ("" if a.scale == 1.0 else " / √d"), t=t)
            + '<div class="pg-book-row">'  # the weights and the output stay side by side when the row wraps
            + _matrix_table(a.weights, t("weights = softmax(row): what each token reads"), sums=True, percent=True,
                            t=t)
            + _matrix_table(a.output, t("output = weights · V: a vector"), sums=True, t=t)
            + "</div></div></div>")


def textbook_html(tb, lang: str = EN) -> str:
    """The book's example: the two passes (no scaling, ÷√d), weights beside outputs, and what the book gets wrong."""
    t = translator(lang)
    book = (_attention_block(tb.book, "As in the book", tb.d, t)
            + _attention_block(tb.scaled, "As real models do", tb.d, t))
    if tb.is_books:
        w, o = tb.book.weights[1], tb.book.output[1]
        note = t(
            "The book prints the output rows and these numbers are right: token 2's output is "
            "[{o0:.4f}, {o1:.4f}, {o2:.4f}]. It then reads them as attention percentages (86.6 %, 14.9 % "
            "and 110.1 %), which they are not: a weight is never above 100 % and each row of weights sums to "
            "100 %, while this row sums to {osum:.4f}. Token 2's weights are {w0:.1f} %, "
            "{w1:.1f} % and {w2:.1f} %. That the first output number equals a weight "
            "({w1:.1f} %) is a coincidence of this V: its first column is (0, 1, 0), so it picks out the "
            "weight on token 2. With ÷√d (real models) the weights are softer: the same scores count less.",
            o0=o[0], o1=o[1], o2=o[2], osum=o.sum(), w0=w[0] * 100, w1=w[1] * 100, w2=w[2] * 100)
    else:
        note = t("Your own matrices: the weights (each row sums to 100 %) say how much each token reads every token; "
                 "the output is the weighted sum of V's rows, a vector like V's, whose numbers can be anything.")
    return (f'<div class="pg-book-all">{book}</div><div class="pg-warn">{esc(note)}</div>'
            '<div class="pg-detail">'
            + t("Then the real head, below: the same three steps on vectors the model computes "
                "from its own weights, with its mask and positions, and compared with what the model computed.")
            + "</div>")


def unavailable_html(message: str) -> str:
    return empty_hint(message)
