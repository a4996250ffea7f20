"""Views of embeddings (lesson 22): a token's row as a heatmap and its neighbours, position tables and
rotary curves, what the first layer reads, sentence similarity, the FAQ's answers, contextual
similarity layer by layer and the projector's map.

Pure: compute dataclasses in, plotly figures / HTML strings out; no torch, no gradio. Every model
string is escaped (plotly reads a little HTML in labels, and tokens can hold '<script>'). 18 px fonts,
labelled axes and titles, so the charts read from the back of a lecture hall.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from ..compute.embeddings import (
    Analogy, Contextual, FaqResult, FirstLayer, LearnedPositions, Projection, RotaryPositions, SentenceEmbeddings,
    TokenEmbedding,
)
from ..i18n import EN, translator
from .common import chart_label, esc, layout, make_subplots

PALETTE = ("#4f6bed", "#e4572e", "#2a9d4b", "#b07aa1", "#e4a72e", "#17becf", "#8c564b", "#d62788", "#7f7f7f",
           "#bcbd22")
PART_COLOURS = {"token": "#4f6bed", "position": "#e4a72e", "token type": "#b07aa1", "sum": "#2a9d4b",
                "after LayerNorm": "#e4572e"}


def _short(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _cards(items, t=None) -> str:
    t = t or translator(EN)
    return '<div class="pg-cards">' + "".join(
        f'<div class="pg-card"><div class="pg-num pg-num-sm">{v}</div><div class="pg-lab">{esc(t(k))}</div></div>'
        for k, v in items) + "</div>"


def _warns(notes, t=None) -> str:
    t = t or translator(EN)
    return "".join(f'<div class="pg-warn">{esc(t(n))}</div>' for n in notes)


def _grid(n: int) -> tuple[int, int]:
    """Rows and columns to fold a vector of n numbers into a near-square picture (32 or so wide)."""
    for cols in (32, 24, 16, 48, 64):
        if n % cols == 0:
            return n // cols, cols
    cols = 32
    return math.ceil(n / cols), cols


# ---- token embeddings ------------------------------------------------------------------------------


def token_html(te: TokenEmbedding, lang: str = EN) -> str:
    t = translator(lang)
    items = [("token", f"<code>{esc(repr(te.token))}</code>"), ("id", f"{te.id:,}"),
             ("in the vocabulary", f"<code>{esc(te.piece)}</code>"), ("size (numbers per token)", f"{te.dim:,}"),
             ("length (L2 norm)", f"{te.norm:.3f}"), ("mean norm of all rows", f"{te.mean_norm:.3f}")]
    return (_cards(items, t) + '<div class="pg-detail">'
            + t("Row {id:,} of the {vocab:,} × {dim} input embedding matrix of <b>{model}</b>: the vector the model "
                "reads for this token before any layer. Its nearest rows (cosine similarity) are below.", id=te.id,
                vocab=te.vocab_size, dim=te.dim, model=esc(te.model)) + "</div>")


def token_heatmap_figure(te: TokenEmbedding, lang: str = EN) -> go.Figure:
    """The row's numbers folded into a grid (reading order), blue negative, red positive."""
    t = translator(lang)
    rows, cols = _grid(te.dim)
    values = np.full(rows * cols, np.nan)
    values[: te.dim] = te.vector
    grid = values.reshape(rows, cols)
    index = np.arange(rows * cols).reshape(rows, cols)
    top = float(np.nanmax(np.abs(te.vector))) or 1.0
    fig = go.Figure(go.Heatmap(z=grid, customdata=index, colorscale="RdBu", reversescale=True, zmid=0, zmin=-top,
                               zmax=top, colorbar=dict(title=t("value")),
                               hovertemplate=t("dimension %{customdata}: %{z:.4f}") + "<extra></extra>"))
    fig.update_yaxes(autorange="reversed", title=t("dimensions, {cols} per row", cols=cols))
    fig.update_xaxes(title=t("dimension within the row"))
    return layout(fig, t("{token}: its {dim} numbers (length {norm:.2f})", token=chart_label(te.token), dim=te.dim,
                         norm=te.norm), max(320, 120 + 22 * rows))


def neighbours_figure(neighbours, title: str, lang: str = EN) -> go.Figure:
    """Horizontal bars: cosine similarity of each neighbour, best on top."""
    labels = [f"{chart_label(n.token)}  (#{n.id})" for n in neighbours]
    sims = [n.similarity for n in neighbours]
    fig = go.Figure(go.Bar(x=sims, y=list(range(len(sims))), orientation="h", marker_color=PALETTE[0],
                           text=[f"{s:.3f}" for s in sims], textposition="outside",
                           customdata=[esc(n.piece) for n in neighbours],
                           hovertemplate="%{customdata}: " + translator(lang)("cosine") + " %{x:.4f}<extra></extra>"))
    fig.update_yaxes(tickvals=list(range(len(sims))), ticktext=labels, autorange="reversed")
    lo = min(0.0, min(sims, default=0.0))
    fig.update_xaxes(title=translator(lang)("cosine similarity"), range=[lo, 1.08])
    return layout(fig, title, max(320, 110 + 38 * len(sims)), margin=dict(l=20, r=30, t=70, b=60))


def token_neighbours_figure(te: TokenEmbedding, lang: str = EN) -> go.Figure:
    return neighbours_figure(te.neighbours, translator(lang)("the rows nearest to {token}", token=chart_label(te.token)),
                             lang)


def analogy_figure(a: Analogy, lang: str = EN) -> go.Figure:
    return neighbours_figure(a.neighbours, f"{esc(a.model)} · {esc(a.expression)} ≈ ?", lang)


def analogy_html(a: Analogy, lang: str = EN) -> str:
    t = translator(lang)
    best = a.neighbours[0] if a.neighbours else None
    head = t("<b>{expr}</b> lands nearest to <code>{token}</code> (cosine {sim:.3f}).", expr=esc(a.expression),
             token=esc(repr(best.token)), sim=best.similarity) if best else ""
    return (f'<div class="pg-detail">{head} '
            + t("Each row is scaled to length 1, added or subtracted, and the nearest rows "
                "are listed with the input tokens left out (as is usual for this probe). On a small model's input "
                "embeddings this is a probe, not a law: the famous <i>king − man + woman ≈ queen</i> was found with "
                "word2vec, and whether it holds here is for you to see.") + "</div>")


# ---- positions -------------------------------------------------------------------------------------


def positions_html(p, lang: str = EN) -> str:
    t = translator(lang)
    if isinstance(p, LearnedPositions):
        items = [("kind", "learned table"), ("rows (positions)", f"{p.total:,}"), ("size", f"{p.dim}"),
                 ("shown", f"0 – {p.matrix.shape[0] - 1}")]
        off = t(" Row {row} holds position 0 (RoBERTa-style offset).", row=p.offset) if p.offset else ""
        items = [(k, t(v) if k == "kind" else v) for k, v in items]
        return (_cards(items, t) + '<div class="pg-detail">'
                + t("<b>{model}</b> learned one vector per position (<code>{module}</code>) and adds it to each "
                    "token's vector before the first layer.{off} Left: the table itself; right: how similar each "
                    "position's vector is to every other's.", model=esc(p.model), module=esc(p.module), off=off)
                + "</div>")
    items = [("kind", t("rotary (RoPE)")), ("head size", f"{p.head_dim}"), ("dimension pairs", f"{p.head_dim // 2}"),
             ("base θ", f"{p.base:,.0f}" if p.base else "?"),
             ("shortest / longest wavelength", t("{lo:,.1f} / {hi:,.0f} tokens", lo=p.wavelengths.min(),
                                                 hi=p.wavelengths.max()))]
    return (_cards(items, t) + '<div class="pg-detail">'
            + t("<b>{model}</b> has <b>no position matrix to show</b>: it "
                "adds nothing to the token vectors. Inside every attention head it turns each pair of query and key "
                "dimensions by an angle of position × θ<sub>i</sub>, fast for the first pairs and slower and slower "
                "for the last (left). A query at position m and a key at n then meet through m − n alone, and for a "
                "query and key that point the same way their dot product fades, with ripples, as they move apart "
                "(right; through the model's own rotary module <code>{module}</code>, and from the formula "
                "mean<sub>i</sub> cos(Δ·θ<sub>i</sub>): they differ by at most {diff:.1e}).",
                model=esc(p.model), module=esc(p.module), diff=p.max_abs_diff) + "</div>")


def positions_figures(p, lang: str = EN) -> tuple[go.Figure, go.Figure]:
    """Two pictures: a learned table and the similarity between its positions, or rotary's wavelengths and its
    query·key curve."""
    if isinstance(p, RotaryPositions):
        return rotary_wavelengths_figure(p, lang), rotary_distance_figure(p, lang)
    t = translator(lang)
    n = p.matrix.shape[0]
    # a robust colour range: a few large values (position 0's) would wash every other row out
    top = float(np.quantile(np.abs(p.matrix), 0.99)) or 1.0
    table = go.Figure(go.Heatmap(z=p.matrix, colorscale="RdBu", reversescale=True, zmid=0, zmin=-top, zmax=top,
                                 colorbar=dict(title=t("value")),
                                 hovertemplate=t("position %{y}, dimension %{x}: %{z:.4f}") + "<extra></extra>"))
    table.update_yaxes(autorange="reversed", title=t("position"))
    table.update_xaxes(title=t("dimension"))
    layout(table, t("the position table: {n} positions × {dim}", n=n, dim=p.dim), 460)
    sim = go.Figure(go.Heatmap(z=p.similarity, colorscale="Viridis", zmin=-1, zmax=1,
                               colorbar=dict(title=t("cosine")),
                               hovertemplate=t("positions %{y} and %{x}: cosine %{z:.3f}") + "<extra></extra>"))
    sim.update_yaxes(autorange="reversed", title=t("position"), scaleanchor="x")
    sim.update_xaxes(title=t("position"))
    layout(sim, t("cosine similarity between positions"), 460)
    return table, sim


def rotary_wavelengths_figure(p: RotaryPositions, lang: str = EN) -> go.Figure:
    t = translator(lang)
    pairs = list(range(len(p.inv_freq)))
    fig = go.Figure(go.Scatter(x=pairs, y=p.wavelengths, mode="lines+markers", name=t("wavelength"),
                               marker_color=PALETTE[0],
                               hovertemplate=t("pair %{x}: a full turn every %{y:,.1f} tokens") + "<extra></extra>"))
    if p.context:
        fig.add_trace(go.Scatter(x=[pairs[0], pairs[-1]], y=[p.context, p.context], mode="lines",
                                 line=dict(dash="dot", color="#7f7f7f"),
                                 name=t("context ({n:,} tokens)", n=p.context)))
    fig.update_yaxes(type="log", title=t("tokens per full turn (log scale)"))
    fig.update_xaxes(title=t("dimension pair i of a head"))
    return layout(fig, t("rotary: no position matrix") + "<br><sup>"
                  + t("each pair of dimensions turns at its own speed as the position grows") + "</sup>", 460,
                  legend=dict(orientation="h", y=-0.25))


def rotary_distance_figure(p: RotaryPositions, lang: str = EN) -> go.Figure:
    t = translator(lang)
    fig = go.Figure(go.Scatter(x=p.distances, y=p.dot, mode="lines", name=t("through the model's rotary module"),
                               line=dict(color=PALETTE[1], width=3),
                               hovertemplate=t("distance %{x}: %{y:.3f}") + "<extra></extra>"))
    fig.add_trace(go.Scatter(x=p.distances, y=p.formula, mode="lines", name=t("mean cos(Δ·θᵢ)"),
                             line=dict(color="#222", width=1.5, dash="dash"), hoverinfo="skip"))
    fig.update_xaxes(type="log", title=t("distance m − n (tokens, log scale)"))
    fig.update_yaxes(title=t("cosine of rotated q and k"))
    return layout(fig, t("q · k by distance") + "<br><sup>"
                  + t("a query and a key that point the same way before rotation") + "</sup>",
                  460, legend=dict(orientation="h", y=-0.25))


# ---- what the first layer reads --------------------------------------------------------------------


def first_layer_html(fl: FirstLayer, lang: str = EN) -> str:
    t = translator(lang)
    names = " + ".join(t(name) for name, _ in fl.parts)
    if fl.arch == "bert":
        recipe = t("{names}, summed, then LayerNorm (by hand: subtract the mean, divide by √(variance + {eps:g}), "
                   "scale and shift by the learned γ and β)", names=names, eps=fl.eps)
    elif fl.arch == "gpt2":
        recipe = t("{names}, summed (GPT-2's first LayerNorm sits inside the first block)", names=names)
    else:
        recipe = t("the token embedding alone")
    ok = fl.equal
    verdict = (f'<div class="{"pg-ok" if ok else "pg-warn"}">{"✅" if ok else "⚠️"} '
               + t("{recipe}: {equal} what the model computed (its hidden state 0), largest difference {diff:.1e} "
                   "over {n} tokens × {dim} numbers.", recipe=recipe, equal=t("equal to" if ok else "NOT equal to"),
                   diff=fl.max_abs_diff, n=len(fl.ids), dim=fl.total.shape[1]) + "</div>")
    return verdict + _warns(fl.notices, t)


def first_layer_figure(fl: FirstLayer, lang: str = EN) -> go.Figure:
    """The length of each part, of the sum and (BERT) of the normed sum, token by token."""
    tr = translator(lang)
    norms = fl.norms()
    x = list(range(len(fl.tokens)))
    fig = go.Figure()
    for name, values in norms.items():
        fig.add_trace(go.Bar(x=x, y=values, name=tr(name), marker_color=PART_COLOURS.get(name, PALETTE[-1]),
                             hovertemplate=tr("{name}: length", name=esc(tr(name))) + " %{y:.3f}<extra>%{x}</extra>"))
    ticks = [f"{chart_label(t)}" + ("<br><sub>" + tr("pos {p}", p=p) + (tr(" · type {tt}", tt=tt) if fl.token_types else "")
                                    + "</sub>")
             for t, p, tt in zip(fl.tokens, fl.positions, fl.token_types or [0] * len(fl.tokens))]
    fig.update_xaxes(tickvals=x, ticktext=ticks, title=tr("token (as the model reads it)"))
    fig.update_yaxes(title=tr("length of the vector (L2 norm)"))
    return layout(fig, tr("{model} · what the first layer reads, token by token", model=esc(fl.model)), 520,
                  barmode="group", legend=dict(orientation="h", y=1.08, x=0))


def first_layer_vectors_figure(fl: FirstLayer, index: int, lang: str = EN) -> go.Figure:
    """One token's vectors, number by number: its parts and their sum on one colour scale (the sum's row is the
    column-wise sum of the rows above it) and, for BERT-style models, the sum after LayerNorm on its own scale."""
    t = translator(lang)
    rows = [(name, v[index]) for name, v in fl.parts] + [("sum", fl.total[index])]
    panels = [rows] + ([[("after LayerNorm", fl.normed[index])]] if fl.normed is not None else [])
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        row_heights=[len(p) for p in panels])
    for r, panel in enumerate(panels, 1):
        z = np.stack([v for _, v in panel])
        top = float(np.quantile(np.abs(z), 0.99)) or 1.0  # a few outlier dimensions would wash the rest out
        fig.add_trace(go.Heatmap(z=z, y=[t(name) for name, _ in panel], zmid=0, zmin=-top, zmax=top,
                                 colorscale="RdBu", reversescale=True, ygap=3,
                                 colorbar=dict(title=t("value"), len=0.9 / len(panels),
                                               y=1 - (r - 0.5) / len(panels)),
                                 hovertemplate=t("%{y}, dimension %{x}: %{z:.4f}") + "<extra></extra>"), r, 1)
        fig.update_yaxes(autorange="reversed", row=r, col=1)
    fig.update_xaxes(title=t("dimension"), row=len(panels), col=1)
    token = chart_label(fl.tokens[index])
    return layout(fig, t("{token} (position {p}): the vectors the first layer adds up", token=token,
                         p=fl.positions[index]), 200 + 60 * sum(len(p) for p in panels))


def token_choices(fl: FirstLayer) -> list[tuple[str, int]]:
    """(label, index) pairs for a token picker (plain text)."""
    return [(f"{i}. {fl.tokens[i]!r}", i) for i in range(len(fl.tokens))]


# ---- sentence embeddings ---------------------------------------------------------------------------


def sentences_html(emb: SentenceEmbeddings, lang: str = EN) -> str:
    t = translator(lang)
    items = [("sentences", f"{len(emb.texts)}"), ("size of each vector", f"{emb.dim}"), ("pooling", esc(emb.pooling)),
             ("tokens read", f"{min(emb.tokens_read)}–{max(emb.tokens_read)}")]
    note = ('<div class="pg-warn">' + t("A causal LM is not trained to make sentence embeddings: this is a rough "
                                        "stand-in. Its vectors all point much the same way, so every pair looks "
                                        "similar; compare with all-MiniLM-L6-v2.") + "</div>") if emb.stand_in else ""
    one = ('<div class="pg-hint">' + t("One sentence: its similarity with itself is 1, so there is nothing to "
                                       "compare. Add a second line.") + "</div>") if len(emb.texts) == 1 else ""
    return (_cards(items, t) + '<div class="pg-detail">'
            + t("<b>{model}</b>: {recipe}. Each vector has length 1, so the similarity of two sentences is their dot "
                "product, the cosine of the angle between them: 1 the same direction, 0 unrelated.",
                model=esc(emb.model), recipe=esc(t(emb.recipe)))
            + "</div>" + note + one + _warns(emb.notices, t))


def similarity_figure(emb: SentenceEmbeddings, groups=None, lang: str = EN) -> go.Figure:
    tr = translator(lang)
    n = len(emb.texts)
    sim = emb.similarity
    labels = [esc(_short(t)) for t in emb.texts]
    ticks = [f"{i + 1}. {lab}" for i, lab in enumerate(labels)]
    hover = np.array([[f"{i + 1}. {esc(_short(emb.texts[i], 60))}<br>{j + 1}. {esc(_short(emb.texts[j], 60))}"
                       for j in range(n)] for i in range(n)], dtype=object)
    text = [[f"{v:.2f}" for v in row] for row in sim] if n <= 16 else None
    fig = go.Figure(go.Heatmap(z=sim, x=list(range(n)), y=list(range(n)), zmin=-1, zmax=1, colorscale="RdBu",
                               reversescale=True, zmid=0, colorbar=dict(title=tr("cosine")), customdata=hover,
                               text=text, texttemplate="%{text}" if text else None, textfont=dict(size=16),
                               hovertemplate="%{customdata}<br>" + tr("cosine") + " %{z:.3f}<extra></extra>",
                               xgap=1, ygap=1))
    size = 16 if n <= 12 else 12 if n <= 30 else 9
    fig.update_xaxes(tickvals=list(range(n)), ticktext=[str(i + 1) for i in range(n)], title=tr("sentence"),
                     tickfont=dict(size=size))
    fig.update_yaxes(tickvals=list(range(n)), ticktext=ticks, autorange="reversed", tickfont=dict(size=size))
    return layout(fig, f"{esc(emb.model)} · " + tr("sentence similarity (cosine of the sentence vectors)"),
                  int(min(1100, max(460, 200 + 40 * n))), margin=dict(l=20, r=30, t=70, b=60))


def projector_figure(proj: Projection, selected: int | None = None, neighbours=(), lang: str = EN) -> go.Figure:
    """The map: one colour per group, a label on every point (up to 60), the chosen point ringed and joined to
    its nearest neighbours (measured in the full space)."""
    t = translator(lang)
    fig = go.Figure()
    groups = list(dict.fromkeys(proj.groups))
    many = len(proj.labels) > 60
    label = chart_label if proj.kind == "tokens" else esc  # a token's spaces matter; a sentence's do not
    for g, group in enumerate(groups):
        idx = [i for i, x in enumerate(proj.groups) if x == group]
        fig.add_trace(go.Scatter(
            x=proj.coords[idx, 0], y=proj.coords[idx, 1], mode="markers" if many else "markers+text",
            name=esc(group) or t("sentences" if proj.kind == "sentences" else "tokens"),
            text=[label(proj.labels[i]) for i in idx], textfont=dict(size=15),
            textposition=["top center" if n % 2 == 0 else "bottom center" for n in range(len(idx))],
            marker=dict(size=13, color=PALETTE[g % len(PALETTE)], line=dict(width=1, color="#fff")),
            customdata=[f"{i}. {esc(proj.hover[i])}" for i in idx], hovertemplate="%{customdata}<extra></extra>"))
    if selected is not None:
        sx, sy = proj.coords[selected]
        for j, sim in neighbours:
            fig.add_trace(go.Scatter(x=[sx, proj.coords[j, 0]], y=[sy, proj.coords[j, 1]], mode="lines",
                                     line=dict(color="#555", width=1.5, dash="dot"), hoverinfo="skip",
                                     showlegend=False))
        fig.add_trace(go.Scatter(x=[sx], y=[sy], mode="markers", name=t("chosen: {point}", point=label(_short(proj.labels[selected]))),
                                 marker=dict(size=26, color="rgba(0,0,0,0)", line=dict(width=3, color="#111")),
                                 hoverinfo="skip"))
    ex = proj.explained
    lo, hi = proj.coords.min(0), proj.coords.max(0)
    pad = np.maximum(hi - lo, 1e-6) * np.array([0.25, 0.15])  # room for the labels beside and above the points
    fig.update_xaxes(title=t("PC {i} ({share:.0%} of the spread)", i=1, share=ex[0]), zeroline=False,
                     range=[lo[0] - pad[0], hi[0] + pad[0]])
    fig.update_yaxes(title=t("PC {i} ({share:.0%} of the spread)", i=2, share=ex[1]), zeroline=False,
                     range=[lo[1] - pad[1], hi[1] + pad[1]])
    what = t("sentence embeddings" if proj.kind == "sentences" else "token embeddings (input matrix rows)")
    return layout(fig, t("{model} · {what} on a 2-D map (PCA)", model=esc(proj.model), what=what), 640,
                  legend=dict(orientation="h", y=-0.18))


def neighbours_html(proj: Projection, selected: int, neighbours, lang: str = EN) -> str:
    t = translator(lang)
    rows = "".join(f"<tr><td>{r + 1}</td><td>{esc(proj.hover[j])}</td><td>{s:.3f}</td>"
                   f"<td>{np.linalg.norm(proj.coords[j] - proj.coords[selected]):.2f}</td></tr>"
                   for r, (j, s) in enumerate(neighbours))
    return ('<div class="pg-detail">'
            + t("Nearest to <b>{point}</b>, by cosine similarity in all {dim} dimensions (the map keeps {share:.0%} "
                "of the spread, so a short distance on the map can mislead):", point=esc(proj.hover[selected]),
                dim=proj.vectors.shape[1], share=proj.explained.sum()) + "</div>"
            f'<table class="pg-table"><tr><th>#</th><th>{t("point")}</th><th>{t("cosine")}</th>'
            f'<th>{t("distance on the map")}</th></tr>{rows}</table>')


def point_choices(proj: Projection) -> list[tuple[str, int]]:
    """(label, index) pairs for a point picker (plain text: a dropdown shows it as is)."""
    return [(f"{i}. {_short(h, 70)}", i) for i, h in enumerate(proj.hover)]


# ---- FAQ -------------------------------------------------------------------------------------------


def faq_html(res: FaqResult, lang: str = EN) -> str:
    t = translator(lang)
    head = ('<div class="pg-ok">' + t("Best answer, similarity {sim:.3f} (≥ the threshold {th:.2f}):",
                                      sim=res.matches[0].similarity, th=res.threshold) + "</div>" if res.confident else
            '<div class="pg-warn">' + t("No entry is similar enough: the best scores {sim:.3f}, under the threshold "
                                        "{th:.2f}. A real FAQ bot would say it does not know; the closest entries are "
                                        "listed anyway.", sim=res.matches[0].similarity, th=res.threshold) + "</div>")
    cards = []
    for m in res.matches:
        width = max(0.0, m.similarity) * 100
        cards.append(
            f'<div class="pg-faq"><div class="pg-faq-q">{m.rank}. {esc(m.question)}</div>'
            f'<div class="pg-faq-a">{esc(m.answer)}</div>'
            f'<div class="pg-faq-bar"><span style="width:{width:.0f}%"></span></div>'
            '<div class="pg-lab">' + t("cosine similarity {sim:.3f} · FAQ row {row}", sim=m.similarity, row=m.index + 1)
            + "</div></div>")
    stand_in = ('<div class="pg-warn">' + t("This model is a causal LM standing in for a sentence encoder: expect "
                                            "poor matches. all-MiniLM-L6-v2 is made for this.") + "</div>"
                ) if res.stand_in else ""
    return (head + "".join(cards) + stand_in + '<div class="pg-detail">'
            + t("Matched on the {what}s with {model} ({recipe}).", what=esc(res.match_on), model=esc(res.model),
                recipe=esc(t(res.recipe))) + "</div>")


# ---- contextual embeddings -------------------------------------------------------------------------


def contextual_figure(c: Contextual, groups=None, lang: str = EN) -> go.Figure:
    """Cosine similarity of the word's occurrences, layer by layer: a thin line per pair of sentences and,
    when the sentences are grouped (one sense per group), the mean within a group and across groups."""
    tr = translator(lang)
    sim = c.similarity
    x = list(range(sim.shape[0]))
    fig = go.Figure()
    groups = list(groups) if groups and len(groups) == len(c.sentences) and any(groups) else None
    for i, j in c.pairs():
        same = groups is not None and groups[i] == groups[j]
        name = f"{i + 1}–{j + 1}"
        colour = "#9aa7f0" if same else "#f2a68f" if groups else PALETTE[(i * 3 + j) % len(PALETTE)]
        fig.add_trace(go.Scatter(x=x, y=sim[:, i, j], mode="lines", name=name, line=dict(width=1.5, color=colour),
                                 showlegend=groups is None,
                                 hovertemplate=tr("sentences {name}", name=name) + ": %{y:.3f}<extra>%{x}</extra>"))
    if groups:
        pairs = c.pairs()
        within = [p for p in pairs if groups[p[0]] == groups[p[1]]]
        across = [p for p in pairs if groups[p[0]] != groups[p[1]]]
        for label, chosen, colour in (("same group (mean)", within, PALETTE[0]), ("different groups (mean)", across,
                                                                                 PALETTE[1])):
            if chosen:
                mean = np.mean([sim[:, i, j] for i, j in chosen], axis=0)
                fig.add_trace(go.Scatter(x=x, y=mean, mode="lines+markers", name=tr(label),
                                         line=dict(width=4, color=colour),
                                         hovertemplate=tr(label) + ": %{y:.3f}<extra>%{x}</extra>"))
    fig.update_xaxes(tickvals=x, ticktext=[tr(layer) for layer in c.layers], title=tr("layer (0 = the embeddings)"),
                     tickangle=-45 if len(x) > 12 else 0)
    fig.update_yaxes(title=tr("cosine similarity of {word}", word=esc(repr(c.word))))
    return layout(fig, f"{esc(c.model)} · " + tr("{word} in {n} sentences, layer by layer", word=esc(repr(c.word)),
                                                    n=len(c.sentences)), 540,
                  legend=dict(orientation="h", y=-0.25))


def contextual_html(c: Contextual, groups=None, lang: str = EN) -> str:
    t = translator(lang)
    rows = []
    for i, (s, toks, (a, z)) in enumerate(zip(c.sentences, c.tokens, c.spans)):
        word = "".join(toks[a:z])
        g = f" <span class='pg-muted'>({esc(groups[i])})</span>" if groups and i < len(groups) and groups[i] else ""
        rows.append(f"<li>{i + 1}. {esc(s)}{g} — <code>{esc(word)}</code> " + t("at token {a}", a=a)
                    + (t("–{z} (mean of {n} pieces)", z=z - 1, n=z - a) if z - a > 1 else "") + "</li>")
    last = c.similarity[-1]
    return ('<div class="pg-detail">' + t("The hidden state of <b>{word}</b> after every layer of <b>{model}</b>, in "
                                          "each sentence:", word=esc(repr(c.word)), model=esc(c.model))
            + f"</div><ul class='pg-ctx'>{''.join(rows)}</ul><div class='pg-detail'>"
            + t("At layer 0 (the embeddings) every occurrence is the word's row of the matrix, plus its position's "
                "vector where the model has a table (cosines {first}); after the last layer, which has read the words "
                "around it: {last}.", first=_range(c.similarity[0], t), last=_range(last, t)) + "</div>")


def _range(sim: np.ndarray, t=None) -> str:
    n = sim.shape[0]
    vals = [float(sim[i, j]) for i in range(n) for j in range(i + 1, n)]
    t = t or translator(EN)
    return t("{lo:.3f} to {hi:.3f}", lo=min(vals), hi=max(vals)) if vals else "—"
