"""Views of prompting results: label probabilities beside the raw next-token distribution, the prompt as
the model reads it, the confusion matrix, accuracy side by side, the spread over demonstration orders.
Pure: compute dataclasses in, plotly figures / HTML strings / row lists out. Every text is escaped."""

from __future__ import annotations

import plotly.graph_objects as go

from ..compute.prompting import Classification, Evaluation, GenerationEvaluation, OrderSensitivity
from ..i18n import EN, translator
from .common import chart_label, esc, layout, make_subplots, pct

COLOURS = ("#4f6bed", "#e4572e", "#17a398", "#f3a712", "#8e44ad", "#7f8c8d")
RAW, CAL = "#4f6bed", "#17a398"


def label_figure(c: Classification, lang: str = EN) -> go.Figure:
    """Left: each label's probability, normalised over the labels (and after calibration when on).
    Right: the raw next-token distribution where the label's first token is read, label tokens marked."""
    t = translator(lang)
    fig = make_subplots(rows=1, cols=2, column_widths=[0.45, 0.55], horizontal_spacing=0.2,
                        subplot_titles=(t("label probabilities (over the labels)"),
                                        t("raw next-token probabilities (labels: {p})", p=pct(c.label_mass))))
    names = [esc(s.label) for s in c.labels]
    fig.add_trace(go.Bar(x=names, y=[s.prob for s in c.labels], name=t("as scored"), marker_color=RAW,
                         text=[pct(s.prob) for s in c.labels], textposition="outside", cliponaxis=False,
                         hovertemplate="%{x}: %{y:.4f}<extra>" + t("as scored") + "</extra>"), row=1, col=1)
    if c.content_free is not None:
        fig.add_trace(go.Bar(x=names, y=[s.calibrated for s in c.labels], name=t("calibrated"), marker_color=CAL,
                             text=[pct(s.calibrated) for s in c.labels], textposition="outside", cliponaxis=False,
                             hovertemplate="%{x}: %{y:.4f}<extra>" + t("calibrated") + "</extra>"), row=1, col=1)
        fig.add_trace(go.Scatter(x=names, y=list(c.content_free), mode="markers",
                                 name=t("content-free input ({na})", na=esc(repr('N/A'))),
                                 marker=dict(symbol="line-ew-open", size=38, color="#333", line=dict(width=3)),
                                 hovertemplate="%{x}: %{y:.4f}<extra>" + t("content-free") + "</extra>"),
                      row=1, col=1)
    firsts = {s.tokens[0] for s in c.labels if s.tokens}
    top = list(c.next_tokens)
    fig.add_trace(go.Bar(
        y=[chart_label(t) for t, _ in top], x=[p for _, p in top], orientation="h", showlegend=False,
        marker_color=["#e4572e" if t in firsts else "#b8c1d9" for t, _ in top],
        text=[pct(p) for _, p in top], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x:.4f}<extra>" + t("raw next token") + "</extra>"), row=1, col=2)
    fig.update_yaxes(range=[0, 1.15], title=t("probability"), row=1, col=1)
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=18), row=1, col=2)
    widest = max((p for _, p in top), default=1.0) or 1.0
    fig.update_xaxes(range=[0, widest * 1.35], row=1, col=2)  # room for the percentage after the longest bar
    fig.update_annotations(font_size=18)
    return layout(fig, t("Prediction: <b>{label}</b>", label=esc(c.calibrated_prediction or c.prediction))
                   + "  <span style='font-size:18px'>" + t("(orange bars: the labels' first tokens)") + "</span>",
                   height=460, barmode="group", legend=dict(orientation="h", y=-0.12))


def label_rows(c: Classification) -> list[list]:
    rows = []
    for s in c.labels:
        row = [s.label, repr(s.verbalizer), " + ".join(s.tokens), round(s.logprob, 4), round(s.score, 4),
               pct(s.prob)]
        if c.content_free is not None:
            row.append(pct(s.calibrated))
        rows.append(row)
    return rows


def label_headers(c: Classification | None, lang: str = EN) -> list[str]:
    t = translator(lang)
    head = ["label", "verbalizer", "tokens", "log P(verbalizer | prompt)", "score (per token)"
            if c is not None and c.length_normalised else "score", "P over labels"]
    if c is not None and c.content_free is not None:
        head.append("P calibrated")
    return [t(h) for h in head]


def prompt_html(prompt: str, family: str = "causal", title: str = "The prompt, exactly as the model reads it",
                labels: bool = True, start: str = "", lang: str = EN) -> str:
    """The assembled prompt in a box, newlines marked ↵, with where the label is read (or the answer written)."""
    t = translator(lang)
    body = esc(prompt).replace("\n", '<span class="pg-ws">↵</span>\n')
    where = {"causal": "the label is scored as the next words after the last character",
             "masked": "the label is scored at the mask",
             "seq2seq": "the label is scored as the decoder's output"}.get(family, "")
    if not labels:
        where = "the model writes its answer after the last character"
    cursor = (f'<span class="pg-chip pg-target">{t("label?") if labels else t("answer?")}</span>'
              if family != "masked" else "")
    first = (f'<span class="pg-chip pg-special-chip" title="{esc(t("the document-start token, put before every prompt"))}">'
             f"{esc(start)}</span>" if start else "")
    return (f'<div class="pg-way-head">{esc(t(title))} <span class="pg-muted">('
            + esc(t("{where}; {n:,} characters", where=t(where), n=len(prompt)))
            + f')</span></div><pre class="pg-fewshot">{first}{body}{cursor}</pre>')


def classification_html(c: Classification, lang: str = EN) -> str:
    t = translator(lang)
    pred = c.calibrated_prediction or c.prediction
    best = max(c.labels, key=lambda s: s.calibrated if c.content_free is not None else s.prob)
    p = best.calibrated if c.content_free is not None else best.prob
    cards = [(_input(pred), t("prediction") + (t(" (calibrated)") if c.content_free is not None else "")),
             (pct(p), t("its probability over the labels")),
             (pct(c.label_mass), t("raw probability on the labels' first tokens"))]
    body = "".join(f'<div class="pg-card"><div class="pg-num">{n}</div><div class="pg-lab">{esc(lab)}</div></div>'
                   for n, lab in cards)
    notes = "".join(f'<div class="pg-warn">{esc(t(n))}</div>' for n in c.notices)
    low = ""
    if c.label_mass < 0.05 and c.family != "seq2seq":
        low = ('<div class="pg-detail">'
               + t("The labels hold little of the raw next-token probability: the model expects "
                   "other words here. Normalising over the labels still picks the likelier one, but a template that "
                   "makes the label words likely (or calibration) is more reliable.") + "</div>")
    return f'<div class="pg-cards">{body}</div>{low}{notes}'


# ---- evaluation --------------------------------------------------------------------------------


def confusion_figure(e: Evaluation, lang: str = EN) -> go.Figure:
    """Counts (and the share of each true label's row) with true labels down and predictions across."""
    t = translator(lang)
    m = e.confusion
    names = [esc(x) for x in e.labels]
    text = [[f"<b>{v}</b><br>{pct(v / sum(row)) if sum(row) else ''}" for v in row] for row in m]
    fig = go.Figure(go.Heatmap(
        z=m, x=names, y=names, text=text, texttemplate="%{text}", textfont=dict(size=22), colorscale="Blues",
        showscale=False, hovertemplate=t("true %{y}, predicted %{x}: %{z}") + "<extra></extra>"))
    fig.update_xaxes(title=t("predicted"), side="top", tickfont=dict(size=18), automargin=True)
    fig.update_yaxes(title=t("true label"), autorange="reversed", tickfont=dict(size=18), automargin=True)
    size = 140 + 110 * len(e.labels)
    method = esc(t(e.method) + (t(" + calibration") if e.calibrated else ""))
    # three short lines: the matrices stand three abreast, and a long title would be cut at the chart's edge
    return layout(fig, f"<b>{method}</b><br>" + t("accuracy <b>{acc:.1f} %</b>", acc=100 * e.accuracy)
                  + f"<br>{esc(e.model)}",
                  height=size + 120, margin=dict(l=20, r=20, t=170, b=20))


def _input(label: str) -> str:
    """A label's name (the user's input) as a view echoes it: marked as input, not UI text."""
    return f'<span class="pg-input">{esc(label)}</span>'


def metrics_html(evals: list[Evaluation], lang: str = EN) -> str:
    """One row per run: accuracy, precision and recall per label, examples, speed."""
    t = translator(lang)
    if not evals:
        return ""
    labels = evals[0].labels
    head = "".join(f"<th>{t('{label} precision', label=_input(lab))}</th>"
                   f"<th>{t('{label} recall', label=_input(lab))}</th>" for lab in labels)
    rows = []
    for e in evals:
        per = {r["label"]: r for r in e.per_class()}
        cells = "".join(
            f"<td>{pct(per[lab]['precision']) if lab in per and per[lab]['precision'] is not None else '–'}</td>"
            f"<td>{pct(per[lab]['recall']) if lab in per and per[lab]['recall'] is not None else '–'}</td>"
            for lab in labels)
        rows.append(f"<tr><td><b>{esc(t(e.method))}</b>{t(' + calibration') if e.calibrated else ''}<br>"
                    f'<span class="pg-muted">{esc(e.model)}</span></td><td class="pg-big">{100 * e.accuracy:.1f} %</td>'
                    f"{cells}<td>{len(e.predictions)}</td><td>{e.examples_per_second:.1f}</td></tr>")
    notes = "".join(f'<div class="pg-warn">{esc(t(n))}</div>' for e in evals for n in e.notices)
    return (f'<table class="pg-table pg-metrics"><tr><th>{t("run")}</th><th>{t("accuracy")}</th>{head}'
            f'<th>{t("examples")}</th><th>{t("examples / s")}</th></tr>{"".join(rows)}</table>{notes}')


def accuracy_figure(evals: list[Evaluation], lang: str = EN) -> go.Figure:
    t = translator(lang)
    names = [esc(t(e.method) + (t(" + calibration") if e.calibrated else "")) for e in evals]
    fig = go.Figure(go.Bar(x=names, y=[e.accuracy for e in evals], marker_color=list(COLOURS[: len(evals)]),
                           text=[f"{100 * e.accuracy:.1f} %" for e in evals], textposition="outside",
                           cliponaxis=False, hovertemplate="%{x}: %{y:.3f}<extra></extra>"))
    chance = max(sum(1 for p in evals[0].predictions if p.gold == lab) for lab in evals[0].labels) / len(
        evals[0].predictions)
    fig.add_hline(y=chance, line_dash="dot", line_color="#777",
                  annotation_text=t("always the commonest label: {p:.0f} %", p=100 * chance), annotation_font_size=18)
    fig.update_yaxes(range=[0, 1.1], title=t("accuracy"), tickformat=".0%")
    fig.update_traces(width=0.6)
    return layout(fig, t("Accuracy on the same {n} examples", n=len(evals[0].predictions)), height=460)


def mistakes_rows(e: Evaluation, limit: int = 200) -> list[list]:
    """The misclassified examples, the most confidently wrong first."""
    at = {lab: i for i, lab in enumerate(e.labels)}
    wrong = sorted((p for p in e.predictions if not p.correct), key=lambda p: -p.probs[at[p.predicted]])
    return [[p.text, p.gold, p.predicted, pct(p.probs[at[p.predicted]])] for p in wrong[:limit]]


MISTAKES_HEADERS = ["text", "true label", "predicted", "P(predicted)"]


# ---- order sensitivity -------------------------------------------------------------------------


def order_figure(o: OrderSensitivity, lang: str = EN) -> go.Figure:
    """Each order's label probabilities for the query (one dot per order), and its accuracy when measured."""
    t = translator(lang)
    has_acc = any(r.accuracy is not None for r in o.runs)
    fig = make_subplots(rows=1, cols=2 if has_acc else 1, horizontal_spacing=0.15,
                        subplot_titles=(t("the query's label probabilities, one dot per order"),)
                        + ((t("accuracy on the data set, one dot per order"),) if has_acc else ()))
    hover = [t("order {order}", order=" ".join(str(i + 1) for i in r.order)) for r in o.runs]
    for j, lab in enumerate(o.labels):
        ys = [r.probs[j] for r in o.runs]
        fig.add_trace(go.Box(y=ys, name=esc(lab), boxpoints="all", jitter=0.4, pointpos=0, marker_size=11,
                             marker_color=COLOURS[j % len(COLOURS)], line_color=COLOURS[j % len(COLOURS)],
                             text=hover, hovertemplate="%{text}: %{y:.3f}<extra>" + esc(lab) + "</extra>",
                             showlegend=False), row=1, col=1)
    fig.update_yaxes(range=[0, 1.05], title=t("probability"), row=1, col=1)
    if has_acc:
        acc = [r.accuracy for r in o.runs]
        fig.add_trace(go.Box(y=acc, name=t("accuracy"), boxpoints="all", jitter=0.4, pointpos=0, marker_size=11,
                             marker_color="#333", text=hover, hovertemplate="%{text}: %{y:.3f}<extra></extra>",
                             showlegend=False), row=1, col=2)
        fig.update_yaxes(title=t("accuracy"), tickformat=".0%", row=1, col=2)
    fig.update_annotations(font_size=18)
    return layout(fig, t("{n} orders of the same demonstrations", n=len(o.runs)), height=460)


def order_rows(o: OrderSensitivity) -> list[list]:
    return [[" → ".join(str(i + 1) for i in r.order), r.prediction, *[pct(p) for p in r.probs],
             "–" if r.accuracy is None else f"{100 * r.accuracy:.1f} %"] for r in o.runs]


def order_headers(o: OrderSensitivity | None, lang: str = EN) -> list[str]:
    t = translator(lang)
    labels = list(o.labels) if o is not None else [t("label")]
    return [t("order of the demonstrations"), t("prediction"), *[f"P({lab})" for lab in labels], t("accuracy")]


def order_summary(o: OrderSensitivity, lang: str = EN) -> str:
    t = translator(lang)
    s = o.spread()
    parts = [t("P({label}) from {lo} to {hi}", label=esc(lab), lo=pct(lo), hi=pct(hi))
             for lab, lo, hi in zip(o.labels, s["min"], s["max"])]
    preds = sorted({r.prediction for r in o.runs})
    acc = ""
    if "accuracy_min" in s:
        acc = t("; accuracy from {lo:.1f} % to {hi:.1f} %", lo=100 * s["accuracy_min"], hi=100 * s["accuracy_max"])
    flip = (t(" The prediction changes with the order ({preds}).", preds=", ".join(esc(p) for p in preds))
            if len(preds) > 1 else t(" The prediction is the same in every order."))
    notes = "".join(f'<div class="pg-warn">{esc(t(n))}</div>' for n in o.notices)
    return (f'<div class="pg-detail" style="font-size:1.05rem">{t("; ").join(parts)}{acc}{t(".")}{flip}</div>'
            f"{notes}")


# ---- free-text answers (translation) -----------------------------------------------------------


def generation_html(evals: list[GenerationEvaluation], lang: str = EN) -> str:
    t = translator(lang)
    rows = "".join(
        f"<tr><td><b>{esc(t(g.method))}</b><br><span class=\"pg-muted\">{esc(g.model)}</span></td>"
        f"<td class=\"pg-big\">{100 * g.exact_match:.1f} %</td><td>{g.mean_logprob:.3f}</td>"
        f"<td>{len(g.answers)}</td><td>{len(g.answers) / g.seconds if g.seconds else 0:.1f}</td></tr>"
        for g in evals)
    notes = "".join(f'<div class="pg-warn">{esc(t(n))}</div>' for g in evals for n in g.notices)
    return (f'<table class="pg-table pg-metrics"><tr><th>{t("run")}</th><th>{t("exact match")}</th>'
            f"<th>{t('mean log P(reference) per token')}</th><th>{t('examples')}</th><th>{t('examples / s')}</th></tr>"
            f"{rows}</table>"
            '<div class="pg-detail">'
            + t("Exact match ignores case, spacing and outer punctuation; many sentences have "
                "more than one right translation, so the reference's log-probability (higher is better) is the "
                "fairer measure.") + "</div>" + notes)


def answer_rows(evals: list[GenerationEvaluation], lang: str = EN) -> list[list]:
    t = translator(lang)
    return [[t(g.method), a.text, a.reference, a.output, "✓" if a.exact else "✗", round(a.per_token, 3)]
            for g in evals for a in g.answers]


ANSWER_HEADERS = ["run", "English", "reference", "the model's answer", "exact", "log P(reference) / token"]
