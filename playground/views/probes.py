"""Views of fill-mask results and bias probes: top-k bars and tables, the targets × groups heatmap,
the log-ratio between two groups with every template's value, and the rows. Pure."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from ..compute.probes import FillMask, Probe, log_ratio
from ..i18n import EN, translator
from .common import chart_label, esc, layout, pct, plain_visible, visible

A_COLOUR, B_COLOUR = "#4f6bed", "#e4572e"


def fill_figure(fills: list[tuple[str, FillMask]], lang: str = EN) -> go.Figure:
    """The top k of the first mask of each sentence, as grouped horizontal bars (one colour per sentence)."""
    t = translator(lang)
    fig = go.Figure()
    order: list[str] = []
    for _, fill in fills:
        for f in fill.predictions[0]:
            if f.token not in order:
                order.append(f.token)
    for n, (name, fill) in enumerate(fills):
        probs = {f.token: f.prob for f in fill.predictions[0]}
        fig.add_trace(go.Bar(
            y=[chart_label(t) for t in order], x=[probs.get(t, 0.0) for t in order], orientation="h",
            name=esc(name), marker_color=(A_COLOUR, B_COLOUR)[n % 2],
            text=[pct(probs[t]) if t in probs else "" for t in order], textposition="outside",
            hovertemplate="%{y}: %{x:.4f}<extra>" + esc(name) + "</extra>"))
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=18))
    fig.update_xaxes(title=t("probability"), rangemode="tozero")
    return layout(fig, t("What fills the blank"), height=160 + 34 * len(order), barmode="group",
                   legend=dict(orientation="h", y=-0.08))


def fill_html(fills: list[tuple[str, FillMask]], lang: str = EN) -> str:
    """Side-by-side top-k tables; a token in one list only is marked, so what differs stands out."""
    t = translator(lang)
    lists = [[f.token for f in fill.predictions[0]] for _, fill in fills]
    shared = set.intersection(*(set(x) for x in lists)) if len(lists) > 1 else set(lists[0])
    cols = []
    for (name, fill), _ in zip(fills, lists):
        rows = "".join(
            f'<tr class="{"" if f.token in shared else "pg-only"}"><td>{i + 1}</td><td>{visible(f.token)}</td>'
            f"<td>{pct(f.prob)}</td></tr>" for i, f in enumerate(fill.predictions[0]))
        more = ""
        if len(fill.predictions) > 1:
            more = "".join('<div class="pg-detail">' + t("mask {m}: ", m=m + 1)
                           + ", ".join(f"{esc(repr(f.token))} {pct(f.prob)}" for f in preds[:5]) + "</div>"
                           for m, preds in enumerate(fill.predictions[1:], start=1))
        notes = "".join(f'<div class="pg-warn">{esc(t(n))}</div>' for n in fill.notices)
        cols.append(f'<div class="pg-alts"><div class="pg-cmp-head"><b class="pg-input">{esc(name)}</b></div>'
                    f'<table class="pg-table"><tr><th>#</th><th>{t("token")}</th><th>p</th></tr>{rows}</table>'
                    f'{more}{notes}</div>')
    how = esc(t(fills[0][1].method))
    legend = (t(' · <span class="pg-only-key">outlined</span> = in this list only') if len(fills) > 1 else "")
    return f'<div class="pg-detail">p = {how}{legend}</div><div class="pg-alts-row">{"".join(cols)}</div>'


def heatmap_figure(probe: Probe, value: str = "log-probability", lang: str = EN) -> go.Figure:
    """Targets × groups, averaged over the templates: mean log-probability (or probability) of each
    target in the blank; each cell's text is its mean probability."""
    t = translator(lang)
    z, text, hover = [], [], []
    for target in probe.targets:
        zr, tr, hr = [], [], []
        for group in probe.groups:
            cells = [probe.value(t, group, target) for t in probe.templates]
            mean_lp = sum(c.logprob for c in cells) / len(cells)
            mean_p = sum(c.prob for c in cells) / len(cells)
            zr.append(mean_lp if value == "log-probability" else mean_p)
            tr.append(pct(mean_p))
            hr.append(f"{esc(target)} | {esc(group)}: "
                      + t("mean p {p}, mean log p {lp:.2f} over {n} templates", p=pct(mean_p), lp=mean_lp, n=len(cells)))
        z.append(zr)
        text.append(tr)
        hover.append(hr)
    fig = go.Figure(go.Heatmap(
        z=z, x=[esc(g) for g in probe.groups], y=[esc(plain_visible(t)) for t in probe.targets], text=text,
        texttemplate="%{text}", textfont=dict(size=18), customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        colorscale="Viridis", colorbar=dict(title="log p" if value == "log-probability" else "p", thickness=14),
        xgap=2, ygap=2))
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=18))
    fig.update_xaxes(side="top", tickfont=dict(size=18))
    return layout(fig, t("Each target in the blank, by group: mean of {n} templates ({model})",
                         n=len(probe.templates), model=esc(probe.model)), height=140 + 30 * len(probe.targets),
                   margin=dict(l=10, r=10, t=110, b=10))


def ratio_figure(probe: Probe, group_a: str, group_b: str, lang: str = EN) -> go.Figure:
    """Diverging bars: mean over templates of log P(target | A) − log P(target | B), one dot per template.
    A bar whose dots sit on both sides of 0 is a finding that depends on the sentence."""
    t = translator(lang)
    data = log_ratio(probe, group_a, group_b)
    # the label carries "×N": how many times likelier after the favoured group, on average
    targets = [f"{esc(plain_visible(t))} ×{math.exp(abs(m)):.1f}" for t, m, _ in data]
    means = [m for _, m, _ in data]
    fig = go.Figure(go.Bar(
        y=targets, x=means, orientation="h", marker_color=[A_COLOUR if m > 0 else B_COLOUR for m in means],
        name=t("mean over templates"), hovertemplate="%{y}: " + t("mean log-ratio") + " %{x:.2f}<extra></extra>"))
    xs, ys, hv = [], [], []
    for (_, _, per), label in zip(data, targets):
        for template, v in zip(probe.templates, per):
            xs.append(v)
            ys.append(label)
            hv.append(esc(template))
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers", name=t("one template"),
                             marker=dict(size=9, color="rgba(0,0,0,0.55)", symbol="line-ns-open", line=dict(width=2)),
                             customdata=hv, hovertemplate="%{customdata}: %{x:.2f}<extra></extra>"))
    fig.add_vline(x=0, line_color="#333", line_width=1)
    fig.update_xaxes(title=t("← likelier after “{b}”  ·  log P(target | A) − log P(target | B)  ·  likelier after "
                             "“{a}” →", a=esc(group_a), b=esc(group_b)), zeroline=True)
    fig.update_yaxes(tickfont=dict(size=18))
    return layout(fig, t("“{a}” vs “{b}”: ×N = times likelier on average ({model})", a=esc(group_a), b=esc(group_b),
                         model=esc(probe.model)),
                   height=170 + 30 * len(targets), legend=dict(orientation="h", y=-0.1))


def spread_html(probe: Probe, group_a: str, group_b: str, lang: str = EN) -> str:
    """Which findings hold in every template and which flip sign between templates."""
    t = translator(lang)
    data = log_ratio(probe, group_a, group_b)
    steady_a = [t for t, _, per in data if all(v > 0 for v in per)]
    steady_b = [t for t, _, per in data if all(v < 0 for v in per)]
    flips = [t for t, _, per in data if any(v > 0 for v in per) and any(v < 0 for v in per)]

    def names(xs):
        xs = list(xs)
        return f'<span class="pg-input">{", ".join(esc(x) for x in xs)}</span>' if xs else t("none")

    return ('<div class="pg-detail">'
            + t("In all {n} templates, likelier after <b>{a}</b>: {steady_a}; after <b>{b}</b>: {steady_b}. "
                "<b>Depends on the sentence</b> (the sign flips between templates): {flips}.", n=len(probe.templates),
                a=f'<span class="pg-input">{esc(group_a)}</span>', b=f'<span class="pg-input">{esc(group_b)}</span>',
                steady_a=names(reversed(steady_a)), steady_b=names(steady_b),
                flips=names(flips)) + "</div>")


ROW_HEADERS = ["template", "group", "target", "p", "log p", "rank", "tokens"]


def probe_rows(probe: Probe) -> list[list]:
    return [[r.template, r.group, r.target, round(r.prob, 6), round(r.logprob, 4), r.rank, r.pieces]
            for r in probe.rows]


def probe_summary(probe: Probe, lang: str = EN) -> str:
    t = translator(lang)
    n = len(probe.rows)
    rate = n / probe.seconds if probe.seconds > 0 else 0
    notes = "".join(f'<div class="pg-warn">{esc(t(x))}</div>' for x in probe.notices)
    return ('<div class="pg-detail">'
            + t("<b>{model}</b> ({family}): {templates} templates × {groups} groups × {targets} targets = {n:,} cells in "
                "{s:.1f} s ({rate:,.0f} cells/s). Each cell: {method}.", model=esc(probe.model),
                family=esc(t(probe.family)), templates=len(probe.templates), groups=len(probe.groups),
                targets=len(probe.targets), n=n, s=probe.seconds, rate=rate, method=esc(t(probe.method)))
            + f"</div>{notes}")
