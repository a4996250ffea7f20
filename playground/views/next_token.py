"""Views of next-token results: the top-k chart, tables, surprise-coloured prefixes, the logit lens.

Pure: compute dataclasses in, plotly figures / HTML strings / row lists out. No torch, no gradio.
Plotly reads a little HTML in its text (<b>, <br>), so every token and prompt is escaped before it
goes into a figure, as into HTML. Sizes are chosen to read from the back of a lecture hall.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from ..compute.next_token import ContinuationScore, Distribution, LogitLens, NextTokenResult
from ..i18n import EN, translator
from .common import chart_label, empty_hint, esc, layout, pct, plain_visible, visible

SCALES = ("probability", "logit", "log-probability")
ACCENT = "#4f6bed"
SURPRISE_MAX = 12.0  # bits at which the surprise colour is fully red (a 1-in-4096 token)


# ---- the distribution --------------------------------------------------------------------------


def topk_figure(result: NextTokenResult, dist: Distribution, scale: str = "probability", lang: str = EN) -> go.Figure:
    """Horizontal bars, the most likely token on top. At T ≠ 1 the T = 1 values are drawn behind."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}")
    tr = translator(lang)
    top = dist.top
    names = [f"{c.rank}. {chart_label(c.token)}" for c in top]
    t = dist.temperature
    tempered = t != 1.0
    if scale == "probability":
        values, base = [c.prob for c in top], [c.prob_t1 for c in top]
        text = [pct(v) for v in values]
        axis = tr("probability at T = {t:g}", t=t) if tempered else tr("probability")
        if dist.approximate:
            axis += tr(" (approximate: over the tokens sent)")
    elif scale == "logit" and not dist.sent:
        values, base = [c.logit for c in top], None
        text = [f"{v:.2f}" for v in values]
        axis = (tr("logit (raw score before softmax; divided by T = {t:g} before it)", t=t) if tempered
                else tr("logit (raw score before softmax)"))
    elif scale == "logit":  # a server sends log-probabilities: the logits up to a constant, the same bars
        values, base = [math.log(c.prob_t1) if c.prob_t1 > 0 else None for c in top], None
        text = [f"{v:.2f}" if v is not None else "−∞" for v in values]
        axis = tr("log-probability at T = 1 (the server sends no logits; they differ from these by one constant)")
    else:
        values = [c.logprob if math.isfinite(c.logprob) else None for c in top]
        base = [math.log(c.prob_t1) if c.prob_t1 > 0 else None for c in top]
        text = [f"{v:.2f}" if v is not None else "−∞" for v in values]
        axis = (tr("log-probability (natural log) at T = {t:g}", t=t) if tempered
                else tr("log-probability (natural log)"))
    fig = go.Figure()
    fig.add_bar(
        y=names, x=values, orientation="h", name=f"T = {t:g}" if tempered else tr(scale), text=text,
        textposition="auto", marker=dict(color=ACCENT), cliponaxis=False,
        customdata=[[c.id if c.id is not None else "?", pct(c.prob), f"{c.logit:.3f}" if c.logit is not None else tr("not sent")]
                    for c in top],
        hovertemplate="%{y}<br>id %{customdata[0]}<br>logit %{customdata[2]}<br>p %{customdata[1]}<extra></extra>",
    )
    if tempered and base is not None:  # drawn on top as an outline, so it shows whether it is longer or shorter
        fig.add_bar(y=names, x=base, orientation="h", name=tr("T = 1 (outline)"),
                    marker=dict(color="rgba(0,0,0,0)", line=dict(color="#333", width=2)),
                    hovertemplate="%{y}<br>T = 1: %{x:.4g}<extra></extra>")
    if dist.sent:
        vocab = f"{result.vocab_size:,}" if result.vocab_size else tr("the vocabulary")
        title = (tr("Next token {where}: top {k} of {vocab}", where=esc(tr(result.where)), k=len(top), vocab=vocab)
                 + tr("<br><sup>the server sent {sent}; the rest is not sent</sup>", sent=dist.sent))
    else:
        title = tr("Next token {where}: top {k} of {vocab}", where=esc(tr(result.where)), k=len(top),
                   vocab=f"{result.vocab_size:,}")
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont=dict(size=18))
    fig.update_xaxes(title=axis, automargin=True)
    return layout(fig, title, 130 + 38 * len(top), barmode="overlay", showlegend=tempered and base is not None,
                   legend=dict(orientation="h", y=-0.12))


def entropy_figure(curve: list[tuple[float, float]], dist: Distribution, lang: str = EN) -> go.Figure:
    """Entropy (bits) against temperature, with the current T marked: T < 1 sharpens, T > 1 flattens. A partial
    distribution (the top N a server sent) has no entropy: the figure says why instead."""
    tr = translator(lang)
    if dist.entropy is None:
        fig = go.Figure()
        fig.add_annotation(text=tr("The entropy needs every token's probability;<br>the server sent its top {sent} "
                                   "only.", sent=dist.sent), showarrow=False, font=dict(size=18), x=0.5, y=0.5, xref="paper", yref="paper")
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return layout(fig, tr("Entropy: not known"), 360, showlegend=False)
    fig = go.Figure(go.Scatter(x=[t for t, _ in curve], y=[h for _, h in curve], mode="lines",
                               line=dict(color=ACCENT, width=3), name=tr("entropy"),
                               hovertemplate="T = %{x:.2f}<br>%{y:.2f} " + tr("bits") + "<extra></extra>"))
    fig.add_scatter(x=[dist.temperature], y=[dist.entropy_bits], mode="markers", name=tr("now"),
                    marker=dict(size=16, color="#e4572e"),
                    hovertemplate="T = %{x:.2f}<br>%{y:.2f} " + tr("bits") + "<extra></extra>")
    fig.add_vline(x=1.0, line_dash="dot", line_color="#888")
    fig.update_xaxes(title=tr("temperature T"))
    fig.update_yaxes(title=tr("entropy (bits)"), rangemode="tozero")
    return layout(fig, tr("Uncertainty vs temperature"), 360, showlegend=False)


TOPK_HEADERS = ["rank", "token", "id", "logit", "probability", "cumulative", "p at T = 1"]


def headers(names: list[str], lang: str = EN) -> list[str]:
    """A table's column names in `lang`."""
    t = translator(lang)
    return [t(h) for h in names]


def topk_rows(dist: Distribution, lang: str = EN) -> list[list]:
    t = translator(lang)
    rows, cum = [], 0.0
    for c in dist.top:
        cum += c.prob
        rows.append([c.rank, plain_visible(c.token), c.id if c.id is not None else "?",
                     round(c.logit, 4) if c.logit is not None else t("not sent"), pct(c.prob), pct(cum),
                     pct(c.prob_t1)])
    if dist.sent and dist.rest is not None and len(dist.top) == dist.sent:
        rows.append(["", t("(the rest: not sent)"), "", "", pct(dist.rest), pct(cum + dist.rest), ""])
    return rows


def summary_html(result: NextTokenResult, dist: Distribution, lang: str = EN) -> str:
    """Cards: the top token, the top-k mass, the entropy, the logits' shape; then any notices."""
    tr = translator(lang)
    best = dist.top[0]
    small = ""
    if dist.sent:
        cards = _partial_cards(result, dist, tr)
    else:
        b, t, v = result.logits_shape if len(result.logits_shape) == 3 else (1, 0, result.vocab_size)
        small = tr("shape of the logits: (batch, positions, vocabulary)")
        cards = [
            (visible(best.token) or "∅", tr("top token, {p}", p=pct(best.prob))),
            (pct(dist.top_mass), tr("held by the top {k}", k=len(dist.top))),
            (f"{dist.entropy_bits:.2f}", tr("entropy (bits)")),
            (f"{dist.effective_choices:,.1f}", tr("as uncertain as this many equally likely tokens")),
            (f"({b}, {t}, {v})", small),
            (f"{dist.total:.6f}", tr("Σ p over all {vocab:,} tokens", vocab=result.vocab_size)),
        ]
    body = "".join(
        f'<div class="pg-card"><div class="pg-num{" pg-num-sm" if lab == small else ""}">{n}</div>'
        f'<div class="pg-lab">{esc(lab)}</div></div>'
        for n, lab in cards
    )
    notes = list(result.notices) + list(dist.notices)
    notices = "".join(f'<div class="pg-warn">{esc(tr(n))}</div>' for n in notes)
    return f'<div class="pg-cards pg-nt-cards">{body}</div>{notices}'


def _partial_cards(result: NextTokenResult, dist: Distribution, tr) -> list[tuple[str, str]]:
    """The cards of a partial distribution: what was sent, and that the rest was not."""
    best = dist.top[0]
    vocab = f"{result.vocab_size:,}" if result.vocab_size else tr("an unknown number of")
    approx = tr(" (approximate)") if dist.approximate else ""
    rest = pct(dist.rest) if dist.rest is not None else tr("not known")
    return [
        (visible(best.token) or "∅", tr("top token, {p}", p=pct(best.prob)) + approx),
        (pct(dist.top_mass), tr("held by the top {k}", k=len(dist.top)) + approx),
        (tr("{sent} of {vocab}", sent=dist.sent, vocab=vocab), tr("tokens the server sent; the rest is not sent")),
        (rest, tr("held by the tokens not sent") + (tr(" (known at T = 1 only)") if dist.rest is None else "")),
        (tr("not known"), tr("entropy: it needs every token's probability")),
        (f"{dist.total:.6f}", tr("Σ p over the {sent} tokens sent", sent=dist.sent)),
    ]


def prompt_html(result: NextTokenResult, lang: str = EN) -> str:
    """The input as token chips; the predicted slot (the mask, or the end) is highlighted."""
    tr = translator(lang)

    def chips(tokens, mark: int | None):
        out = []
        for tok in tokens:
            cls = "pg-chip pg-special-chip" if tok.special else "pg-chip"
            if tok.position == mark:
                cls += " pg-target"
            tip = esc(tr("position {position}, id {id}", position=tok.position, id=tok.id))
            out.append(f'<span class="{cls}" title="{tip}">{visible(tok.token)}</span>')
        return "".join(out)

    seq2seq = bool(result.decoder_tokens)
    head = '<div class="pg-way-head">' + tr("{model} reads {n} tokens", model=esc(result.model), n=len(result.tokens))
    if seq2seq:
        body = (f'{head}{tr(" (encoder):")}</div><div>{chips(result.tokens, None)}</div>'
                f'<div class="pg-way-head">{tr("decoder so far, predicting the next decoder token:")}</div>'
                f'<div>{chips(result.decoder_tokens, result.position)}<span class="pg-chip pg-target">?</span></div>')
    elif result.family == "masked":
        body = (head + tr("; predicting {where}:", where=esc(tr(result.where)))
                + f'</div><div>{chips(result.tokens, result.position)}</div>')
    else:
        body = (head + tr(", predicting the next:")
                + f'</div><div>{chips(result.tokens, None)}<span class="pg-chip pg-target">?</span></div>')
    return f'<div class="pg-prompt">{body}</div>'


# ---- best guess after every prefix -------------------------------------------------------------


def surprise_colour(bits: float | None) -> str:
    """Green for an expected token, through yellow, to red for a 1-in-4096 surprise."""
    if bits is None:
        return "#e0e0e0"
    hue = 120 * (1 - min(max(bits, 0.0), SURPRISE_MAX) / SURPRISE_MAX)
    return f"hsl({hue:.0f}, 75%, 78%)"


def prefix_html(result: NextTokenResult, lang: str = EN) -> str:
    """Each token coloured by how surprised the model was to see it after the tokens before it."""
    tr = translator(lang)
    rows = result.prefix
    if not rows and result.partial:
        return empty_hint(tr("The best guess after every prefix needs the model's distribution at every position; a "
                             "server sends the next token's top tokens only."))
    if not rows:
        return empty_hint(tr(
            "The best guess after every prefix is for models that read left to right (causal LMs, and the "
            "decoder of seq2seq models). A masked LM sees the whole sentence at once."
        ))
    tokens = result.decoder_tokens or result.tokens
    first = tr("the start token: the model reads it first, so it predicts the first word too"
               if tokens[0].special else "position 0: the model sees no token before it")
    spans = [f'<span class="pg-tok pg-first" title="{esc(first)}">{visible(tokens[0].token)}</span>']
    for row, tok in zip(rows[:-1], tokens[1:]):
        bits = row.surprise_bits
        after = repr(row.prefix) if row.prefix else tr("the start token")
        tip = tr("after {after}: the model expected {best!r} ({best_p}); {token!r} had {p}, rank {rank:,} "
                 "({bits:.1f} bits of surprise)", after=after, best=row.best_token, best_p=pct(row.best_prob),
                 token=tok.token, p=pct(row.next_prob), rank=row.next_rank, bits=bits)
        spans.append(f'<span class="pg-tok" style="background:{surprise_colour(bits)}" title="{esc(tip)}">'
                     f'{visible(tok.token)}</span>')
    last = rows[-1]
    guess = tr("the model's guess for the next token")
    spans.append(f'<span class="pg-tok pg-guess" title="{guess}">'
                 f'{visible(last.best_token)}<span class="pg-n">{pct(last.best_prob)}</span></span>')
    legend = "".join(
        f'<span class="pg-chip" style="background:{surprise_colour(b)}">{tr(label)}</span>'
        for b, label in ((0, "expected (p ≈ 1)"), (3, "1 in 8"), (6, "1 in 64"), (12, "1 in 4096 or rarer"))
    )
    return (f'<div class="pg-tokens pg-prefix">{"".join(spans)}</div>'
            f'<div class="pg-legend">{tr("Colour = surprise of each token given the ones before it:")} {legend} '
            f'<span class="pg-chip pg-guess">{tr("next guess")}</span></div>')


PREFIX_HEADERS = ["pos", "prefix (end)", "best guess", "p(best)", "actual next", "p(actual)", "rank", "surprise (bits)"]


def prefix_rows(result: NextTokenResult, prefix_chars: int = 40, lang: str = EN) -> list[list]:
    t = translator(lang)
    out = []
    for r in result.prefix:
        prefix = plain_visible(r.prefix) if r.prefix else t("(start)")
        if len(prefix) > prefix_chars:
            prefix = "…" + prefix[-prefix_chars:]
        bits = r.surprise_bits
        out.append([r.position, prefix, plain_visible(r.best_token), pct(r.best_prob),
                    plain_visible(r.next_token) if r.next_token is not None else t("(end of prompt)"),
                    pct(r.next_prob), r.next_rank if r.next_rank is not None else "",
                    round(bits, 2) if bits is not None else ""])
    return out


# ---- chosen continuations ----------------------------------------------------------------------

CONT_HEADERS = ["continuation", "tokens", "probability", "log-prob", "scored as", "rank of first token"]


def continuation_rows(scores: tuple[ContinuationScore, ...], lang: str = EN) -> list[list]:
    t = translator(lang)
    rows = []
    for s in sorted(scores, key=lambda s: -s.logprob):
        pieces = " + ".join(f"{plain_visible(p.token)} ({pct(p.prob)})" for p in s.pieces)
        rows.append([plain_visible(s.text), pieces, pct(s.prob), round(s.logprob, 3), t(s.method), s.pieces[0].rank])
    return rows


def continuation_figure(scores: tuple[ContinuationScore, ...], lang: str = EN) -> go.Figure:
    t = translator(lang)
    ordered = sorted(scores, key=lambda s: -s.logprob)
    names = [chart_label(s.text) + (" *" if s.multi_token else "") for s in ordered]
    fig = go.Figure(go.Bar(
        y=names, x=[max(s.prob, 1e-300) for s in ordered], orientation="h", marker=dict(color=ACCENT),
        text=[pct(s.prob) for s in ordered], textposition="auto",
        customdata=[round(s.logprob, 3) for s in ordered],
        hovertemplate="%{y}<br>p = %{x:.3g}<br>log p = %{customdata}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title=t("probability (log scale)"), type="log", exponentformat="power")
    note = t(" (* = several tokens, chain rule)") if any(s.multi_token for s in ordered) else ""
    return layout(fig, t("Your continuations") + note, 130 + 42 * len(ordered))


# ---- two prompts side by side ------------------------------------------------------------------


def compare_figure(a: tuple[NextTokenResult, Distribution], b: tuple[NextTokenResult, Distribution],
                   labels: tuple[str, str] = ("A", "B"), limit: int = 12, lang: str = EN) -> go.Figure:
    """Grouped bars over the union of both top lists: the same token's probability after each prompt."""
    t = translator(lang)
    probs_a = {_key(c): c for c in a[1].top}
    probs_b = {_key(c): c for c in b[1].top}
    ids = sorted(set(probs_a) | set(probs_b), key=lambda i: -max(_p(probs_a, i), _p(probs_b, i)))[:limit]
    names = {i: (probs_a.get(i) or probs_b.get(i)).token for i in ids}
    ys = [chart_label(names[i]) for i in ids]
    fig = go.Figure()
    for lab, probs, colour in ((labels[0], probs_a, ACCENT), (labels[1], probs_b, "#e4572e")):
        fig.add_bar(y=ys, x=[_p(probs, i) for i in ids], orientation="h", name=esc(lab), marker=dict(color=colour),
                    text=[pct(_p(probs, i)) if i in probs else t("not in top") for i in ids], textposition="auto",
                    hovertemplate=esc(lab) + "<br>%{y}: %{x:.4f}<extra></extra>")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title=t("probability of the next token"))
    return layout(fig, t("The same tokens after each prompt"), 160 + 52 * len(ids), barmode="group",
                   legend=dict(orientation="h", y=-0.08))


def _key(c) -> int | str:
    """A candidate's id, or its text where a server sent a token whose id is not known."""
    return c.id if c.id is not None else c.token


def _p(probs: dict, i: int) -> float:
    c = probs.get(i)
    return c.prob if c is not None else 0.0


def compare_html(a: tuple[NextTokenResult, Distribution], b: tuple[NextTokenResult, Distribution],
                 prompts: tuple[str, str], lang: str = EN) -> str:
    """One line per prompt: its top token and probability, and the entropy."""
    t = translator(lang)
    lines = []
    for lab, (_, dist), prompt in zip("AB", (a, b), prompts):
        best = dist.top[0]
        entropy = (t("{bits:.2f} bits", bits=dist.entropy_bits) if dist.entropy is not None
                   else t("not known (top tokens only)"))
        lines.append(
            f'<div class="pg-cmp-head"><b>{lab}</b> <span class="pg-chip">{esc(prompt)}</span> → '
            f'<b>{visible(best.token)}</b> {pct(best.prob)} · {t("entropy {value}", value=entropy)}</div>'
        )
    same = a[1].top[0].id == b[1].top[0].id
    verdict = t("Both prompts lead to the same top token." if same
                else "The top prediction changed.")
    return f'<div class="pg-cmp">{"".join(lines)}<div class="pg-detail">{verdict}</div></div>'


# ---- logit lens --------------------------------------------------------------------------------


def lens_figure(lens: LogitLens, lang: str = EN) -> go.Figure:
    """Layers (bottom: embeddings, top: the output) × positions; each cell its top token and probability."""
    tr = translator(lang)
    x = [f"{chart_label(t.token)}<br>{t.position}" for t in lens.tokens]
    z = [[cell.probs[0] for cell in row] for row in lens.cells]
    text = [[chart_label(cell.tokens[0]) for cell in row] for row in lens.cells]
    hover = [
        [
            tr("<b>{layer}</b>, after {token} (position {position})<br>", layer=esc(tr(layer)),
               token=chart_label(tok.token), position=tok.position)
            + "<br>".join(f"{chart_label(t)}  {pct(p)}" for t, p in zip(cell.tokens, cell.probs))
            for cell, tok in zip(row, lens.tokens)
        ]
        for layer, row in zip(lens.layers, lens.cells)
    ]
    fig = go.Figure(go.Heatmap(
        z=z, x=x, y=[tr(layer) for layer in lens.layers], text=text, texttemplate="%{text}", textfont=dict(size=18),
        customdata=hover, hovertemplate="%{customdata}<extra></extra>", colorscale="Blues", zmin=0, zmax=1,
        colorbar=dict(title="p(top)"), xgap=1, ygap=1,
    ))
    fig.update_xaxes(side="top", tickangle=0 if len(x) <= 8 else -45, type="category", automargin=True)
    fig.update_yaxes(type="category", automargin=True, tickfont=dict(size=18))
    height = 160 + 24 * len(lens.layers)
    return layout(fig, tr("Logit lens: what {model} would predict after each layer", model=esc(lens.model)), height,
                   margin=dict(l=20, r=30, t=130, b=30))


def lens_html(lens: LogitLens, lang: str = EN) -> str:
    t = translator(lang)
    check = t("The last row is the model's own output: it differs from the model's logits by at most {diff:.1e}.",
              diff=lens.final_max_abs_diff)
    notes = "".join(f'<div class="pg-warn">{esc(t(n))}</div>' for n in lens.notices)
    return f'<div class="pg-detail">{esc(check)}</div>{notes}'
