"""Views of attributions: the input tokens coloured on a diverging scale (which way and how hard each one pushed
the target), a bar per token with the methods side by side, the target and the baseline named, and integrated
gradients' completeness card. Pure: compute dataclasses in, HTML strings / plotly figures / rows out; every token
string is escaped. Sized for a projector: 18 px and up, a legend and a title on every picture."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from ..compute.attribution import GXI, IG, OCCLUSION, Attribution
from ..i18n import EN, translator
from .common import chart_label, esc, layout, make_subplots, plain_visible, visible

UP, DOWN, HELD = (228, 87, 46), (46, 104, 228), "#d9d9d9"  # pushes the target up / down / held fixed
WHAT = {
    IG: "integrated gradients: (x − x′) · the mean gradient on the straight path from the baseline x′ to the input x",
    GXI: "gradient × input: x · ∂f/∂x at the input itself (a first-order, local view)",
    OCCLUSION: "occlusion: f(x) − f(x with this token replaced by the baseline token)",
}
ROW_HEADERS_FIXED = ["position", "token", "held fixed"]


def _scale(a: Attribution) -> float:
    """The colour scale of one method: the largest |score| of its tokens (1 when all are 0)."""
    top = max((abs(s) for s in a.scores if s is not None), default=0.0)
    return top if top > 0 else 1.0


def colour(score: float | None, scale: float) -> str:
    """A diverging colour: orange-red up, blue down, white at 0, saturation ∝ |score| / scale."""
    if score is None:
        return HELD
    t = min(abs(score) / scale, 1.0) ** 0.8
    r, g, b = UP if score > 0 else DOWN
    mix = [round(255 + (c - 255) * t) for c in (r, g, b)]
    return f"rgb({mix[0]},{mix[1]},{mix[2]})"


def _fmt(score: float | None) -> str:
    if score is None:
        return "fixed"
    return f"{score:+.2f}" if abs(score) >= 0.005 or score == 0 else f"{score:+.1e}"


def tokens_html(a: Attribution, title: str | None = None, lang: str = EN) -> str:
    """One method's tokens as chips, coloured by score, the score written under each; held tokens grey."""
    tr = translator(lang)
    scale = _scale(a)
    chips = []
    for t in a.tokens:
        if t.side == "slot":
            chips.append(f'<span class="pg-attr-tok pg-attr-slot" title="{esc(tr("the blank the target is scored in"))}">'
                         f'<span class="pg-attr-text">{esc(t.text)}</span>'
                         f'<span class="pg-attr-score">{esc(tr("target"))}</span></span>')
            continue
        light = t.score is None or abs(t.score) / scale < 0.6
        style = f"background:{colour(t.score, scale)};" + ("" if light else "color:#fff;")
        held = " pg-attr-held" if t.score is None else ""
        tip = (tr("{text!r} (id {id}) is held fixed: the reading policy put it there", text=t.text, id=t.id)
               if t.score is None else f"{t.text!r} (id {t.id}): {t.score:+.4f}")
        sep = (f'<span class="pg-attr-sep">{esc(tr("decoder →"))}</span>' if t.side == "decoder" and t.position and
               a.tokens[t.position - 1].side != "decoder" else "")
        chips.append(f'{sep}<span class="pg-attr-tok{held}" style="{style}" title="{esc(tip)}">'
                     f'<span class="pg-attr-text">{visible(t.text) or "∅"}</span>'
                     f'<span class="pg-attr-score">{esc(_fmt(t.score))}</span></span>')
    head = esc(title if title is not None else tr(a.method))
    return (f'<div class="pg-attr"><div class="pg-attr-head"><b>{head}</b> '
            f'<span class="pg-muted">{esc(tr("colour scale ±{s:.3g}", s=scale))}</span></div>'
            f'<div class="pg-attr-row">{"".join(chips)}</div></div>')


def legend_html(lang: str = EN) -> str:
    t = translator(lang)
    up = "rgb({},{},{})".format(*UP)
    down = "rgb({},{},{})".format(*DOWN)
    return ('<div class="pg-attr-legend">'
            f'<span class="pg-attr-key" style="background:{up};color:#fff">{t("▲ pushes the target up")}</span>'
            f'<span class="pg-attr-key" style="background:{down};color:#fff">{t("▼ pushes it down")}</span>'
            f'<span class="pg-attr-key" style="background:{HELD}">{t("held fixed (start token, [CLS] / [SEP], …)")}</span>'
            f"<span>{t('the deeper the colour, the bigger |score| (each method on its own scale)')}</span></div>")


def target_html(a: Attribution, lang: str = EN) -> str:
    """What is explained (the target in words, its value at the input) and the baseline, named."""
    t = translator(lang)
    terms = "".join(
        f'<div class="pg-card"><div class="pg-num">{esc(f"{lp:.3f}")}</div><div class="pg-lab">'
        f"{'+' if w > 0 else '−'} log P({esc(repr(lab))}) · {t('probability')} {esc(_prob(lp))}</div></div>"
        for lab, w, lp in a.terms)
    value = (f'<div class="pg-card"><div class="pg-num">{esc(f"{a.value:.3f}")}</div>'
             f'<div class="pg-lab">{t("f(x): the target at the input (nats)")}</div></div>')
    base = ""
    if a.baseline_value is not None:
        base = (f'<div class="pg-card"><div class="pg-num">{esc(f"{a.baseline_value:.3f}")}</div>'
                f'<div class="pg-lab">{t("f(x′): every word replaced by {b}", b=esc(repr(a.baseline)))}</div></div>')
    notes = "".join(f'<div class="pg-warn">{esc(t(n))}</div>' for n in a.notices)
    return ('<div class="pg-attr-target">' + t("Explaining <b>{what}</b> · {model}", what=esc(t(a.description)),
                                               model=esc(a.model)) + "</div>"
            f'<div class="pg-cards pg-attr-cards">{value}{base}{terms if len(a.terms) > 1 else ""}</div>'
            '<div class="pg-attr-baseline">' + t("<b>Baseline:</b> {b}. Replaced, not removed: every other token keeps "
                                                 "its position.", b=esc(t(a.baseline_words()))) + f"</div>{notes}")


def _prob(lp: float) -> str:
    p = math.exp(lp)
    return f"{100 * p:.1f} %" if p >= 0.001 else f"{p:.1e}"


def completeness_html(a: Attribution | None, lang: str = EN) -> str:
    """Integrated gradients' completeness card: Σ scores against f(x) − f(x′), the gap, the steps and the bound."""
    t = translator(lang)
    if a is None or a.completeness is None:
        return ""
    c = a.completeness
    ok = abs(c.gap) <= c.bound
    cards = [(f"{c.total:.3f}", t("Σ scores")), (f"{c.difference:.3f}", "f(x) − f(x′)"),
             (f"{c.gap:+.3f}", t("gap ({p:.1f} % of the difference)", p=100 * c.relative)), (str(c.steps), t("steps"))]
    body = "".join(f'<div class="pg-card"><div class="pg-num">{esc(n)}</div><div class="pg-lab">{esc(lab)}</div></div>'
                   for n, lab in cards)
    if ok:
        verdict = ('<div class="pg-ok">' + t("Complete: the scores add up to the change in the target, within the "
                                             "bound of {bound:.3f} ({rule}, {steps} steps). Each score is that token's "
                                             "share of the change from the baseline to the input.", bound=c.bound,
                                             rule=c.rule, steps=c.steps) + "</div>")
    else:
        verdict = ('<div class="pg-warn">' + t("The sum misses f(x) − f(x′) by {gap:.3f}, over the bound of "
                                               "{bound:.3f}: the path from the baseline to the input is too rough for "
                                               "{steps} steps (the model's output jumps somewhere along it). Run more "
                                               "steps, or another baseline token; until the gap is small, read the "
                                               "colours as rough.", gap=abs(c.gap), bound=c.bound, steps=c.steps)
                   + "</div>")
    return ('<div class="pg-attr-complete"><div class="pg-attr-head">'
            + t("<b>Completeness</b> (integrated gradients): the scores should sum to f(x) − f(x′)")
            + f'</div><div class="pg-cards">{body}</div>{verdict}</div>')


def results_html(results: tuple[Attribution, ...], lang: str = EN) -> str:
    """The target, the legend, every method's coloured tokens one under the other, and the completeness card."""
    t = translator(lang)
    if not results:
        return ""
    first = results[0]
    rows = "".join(tokens_html(a, t(a.method) + (t(" ({n} steps)", n=a.steps) if a.steps else ""), lang)
                   for a in results)
    explain = "".join(f"<li>{esc(t(WHAT[a.method]))}</li>" for a in results)
    ig = next((a for a in results if a.completeness is not None), None)
    secs = " · ".join(f"{esc(t(a.method))} {a.seconds:.1f} s" for a in results)
    return (f'<div class="pg-attr-all">{target_html(first, lang)}{legend_html(lang)}{rows}'
            f'<ul class="pg-attr-what">{explain}</ul>{completeness_html(ig, lang)}'
            f'<div class="pg-muted pg-attr-time">{secs}</div></div>')


def bars_figure(results: tuple[Attribution, ...], lang: str = EN) -> go.Figure:
    """A bar per attributed token, one panel per method side by side; tokens top to bottom in reading order."""
    tr = translator(lang)
    n = max(len(results), 1)
    fig = make_subplots(rows=1, cols=n, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=[esc(tr(a.method)) for a in results] or [""])
    height = 300
    for col, a in enumerate(results, 1):
        shown = [t for t in a.tokens if t.score is not None]
        labels = [f"{chart_label(t.text)} <span style='font-size:13px'>#{t.position}</span>" for t in shown]
        scores = [t.score for t in shown]
        fig.add_trace(go.Bar(
            y=labels, x=scores, orientation="h", showlegend=False,
            marker_color=["rgb({},{},{})".format(*(UP if s > 0 else DOWN)) for s in scores],
            text=[_fmt(s) for s in scores], textposition="outside", cliponaxis=False,
            hovertemplate="%{y}: %{x:.4f}<extra>" + esc(tr(a.method)) + "</extra>"), row=1, col=col)
        top = max((abs(s) for s in scores), default=1.0) or 1.0
        fig.update_xaxes(range=[-1.35 * top, 1.35 * top], zeroline=True, zerolinewidth=2, zerolinecolor="#555",
                         title=tr("score (nats)"), row=1, col=col)
        height = max(height, 200 + 34 * len(shown))
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=18))
    fig.update_annotations(font_size=19)
    # a two-entry legend of what the colours mean (invisible points, so the legend shows)
    for name, rgb in (("▲ pushes the target up", UP), ("▼ pushes it down", DOWN)):
        fig.add_trace(go.Bar(x=[None], y=[None], name=tr(name), marker_color="rgb({},{},{})".format(*rgb),
                             showlegend=True), row=1, col=1)
    title = tr("Why? {what}", what=esc(tr(results[0].description))) if results else tr("Attribution")
    return layout(fig, title, height=min(height, 1400),
                  legend=dict(orientation="h", yanchor="top", y=-92 / (min(height, 1400) - 240), x=0),
                  margin=dict(l=20, r=40, t=110, b=130))  # the legend under the axis titles


def rows(results: tuple[Attribution, ...]) -> list[list]:
    """A table: position, token, then one column per method (blank where a token is held fixed)."""
    if not results:
        return []
    out = []
    for i, t in enumerate(results[0].tokens):
        if t.side == "slot":
            continue
        out.append([t.position, plain_visible(t.text) or "∅", *[_cell(a.tokens[i].score) for a in results]])
    return out


def headers(results: tuple[Attribution, ...], lang: str = EN) -> list[str]:
    t = translator(lang)
    return [t(h) for h in (["position", "token", *[a.method for a in results]] if results else ROW_HEADERS_FIXED)]


def _cell(score: float | None):
    return "held fixed" if score is None else round(score, 4)
