"""Views of a generation: the streamed tokens coloured by probability, the logits pipeline, the beam
tree, and two configurations side by side. Pure: results in, HTML strings / plotly figures / rows out."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from ..compute.decoding import BeamTree, Generation, Pipeline, Sequence, Step
from ..i18n import EN, translator
from .common import chart_label, empty_hint, esc, layout, pct, plain_visible, visible
from .next_token import surprise_colour

STATUS_COLOURS = {"kept": "#4f6bed", "finished": "#2a9d4b", "pruned": "#b8b8b8"}


def _bits(p: float | None) -> float | None:
    return None if p is None or p <= 0 else -math.log2(p)


def step_tip(step: Step, sampled: bool = True, lang: str = EN) -> str:
    """The hover text of one generated token: its probability, rank and the alternatives at that step."""
    t = translator(lang)
    rank = (t("rank {rank:,}", rank=step.rank) if step.rank is not None
            else t("not among the top {n} sent", n=len(step.top)))
    prob = pct(step.prob) if step.prob is not None else t("not sent")
    head = t("step {i}: {token!r} · model p {prob} ({rank})", i=step.index + 1, token=step.token, prob=prob, rank=rank)
    if sampled and step.chosen_prob is not None and step.prob is not None and abs(step.chosen_prob - step.prob) > 5e-4:
        head += t(" · p in the distribution drawn from {p}", p=pct(step.chosen_prob))
    alts = "\n".join(
        f"{'▶' if a.id == step.id else ' '} {a.token!r} {pct(a.prob)}"
        + ("" if a.kept_prob is None else t(" (removed)") if a.kept_prob == 0 else "")
        for a in step.top
    )
    note = f"\n{t(step.note)}" if step.note else ""
    return f"{head}{note}\n" + t("the model's top {n} at this step:", n=len(step.top)) + f"\n{alts}"


def tokens_html(prompt_tokens: tuple[str, ...], steps: tuple[Step, ...] | list[Step], *, finish: str | None = None,
                running: bool = False, max_prompt: int = 60, lang: str = EN) -> str:
    """The prompt in grey, then each generated token coloured by the model's probability of it
    (green = expected, red = a surprise); hovering a token lists the alternatives at that step."""
    t = translator(lang)
    shown = prompt_tokens[-max_prompt:]
    cut = len(prompt_tokens) - len(shown)
    parts = [f'<span class="pg-muted">{esc(t("… {n:,} tokens …", n=cut))}</span>'] if cut else []
    parts += [f'<span class="pg-tok pg-prompt">{visible(x)}</span>' for x in shown]
    for s in steps:  # while streaming, the hover text waits for the end: it is most of the bytes sent
        tip = "" if running else f' title="{esc(step_tip(s, lang=lang))}"'
        parts.append(
            f'<span class="pg-tok pg-gen" data-step="{s.index + 1}" style="background:{surprise_colour(_bits(s.prob))}"'
            f"{tip}>{visible(s.token)}</span>"
        )
    if running:
        parts.append('<span class="pg-cursor">▌</span>')
    tail = ""
    if finish:
        tail = ('<div class="pg-detail">'
                + t("Finished: <b>{finish}</b> after {n} tokens.", finish=esc(t(finish)), n=len(steps)) + "</div>")
    legend = "".join(
        f'<span class="pg-chip" style="background:{surprise_colour(b)}">{label}</span>'
        for b, label in ((0, "p ≈ 1"), (1, "1/2"), (3, "1/8"), (6, "1/64"), (12, "1/4096"))
    )
    colour = t("Colour = the model's probability of each generated token:")
    hint = t("· grey = the prompt · hover a token for the alternatives at that step, click it to see how it was "
             "chosen")
    return (f'<div class="pg-tokens pg-stream">{"".join(parts)}</div>{tail}'
            f'<div class="pg-legend">{colour} {legend} {hint}</div>')


def summary_html(gen: Generation, lang: str = EN) -> str:
    t = translator(lang)
    seq = gen.sequences[0]
    p = gen.params
    cards = [
        (f"{sum(len(s.steps) for s in gen.sequences):,}", t("tokens generated")),
        (f"{gen.tokens_per_second:.1f}", t("tokens / second")),
        ("—" if gen.first_token_seconds is None else f"{gen.first_token_seconds:.2f} s", t("to the first token")),
        (esc(t(p.mode)), t("algorithm")),
        (esc(t(seq.finish)), t("why it stopped")),
    ]
    if seq.steps and all(s.prob is not None for s in seq.steps):
        mean_bits = sum(-math.log2(max(s.prob, 1e-30)) for s in seq.steps) / len(seq.steps)
        cards.append((f"{2 ** mean_bits:.1f}", t("perplexity (model, T = 1)")))
    html = "".join(f'<div class="pg-card"><div class="pg-num pg-num-sm">{v}</div><div class="pg-lab">{lab}</div></div>'
                   for v, lab in cards)
    notes = "".join(f'<div class="pg-warn">{esc(t(n))}</div>' for n in gen.notices)
    return f'<div class="pg-cards">{html}</div>{notes}'


def sequences_html(gen: Generation, lang: str = EN) -> str:
    """Every returned sequence (beam search, several samples), best first, with its score."""
    t = translator(lang)
    if len(gen.sequences) == 1 and gen.sequences[0].score is None:
        return ""
    rows = []
    for i, s in enumerate(gen.sequences):
        score = "" if s.score is None else f'<span class="pg-n">{t("score {score:.3f}", score=s.score)}</span>'
        rows.append(f'<div class="pg-seq"><b>{i + 1}.</b> {score} '
                    f'<span class="pg-seq-text">{visible(s.text)}</span> <span class="pg-muted">({esc(t(s.finish))})'
                    '</span></div>')
    what = (t("Beam search returns its best hypotheses ranked by score = sum of log-probabilities / "
              "length^{lp:g}.", lp=gen.params.length_penalty) if gen.params.mode == "beam"
            else t("Each sample is drawn independently."))
    return f'<div class="pg-seqs"><div class="pg-detail">{esc(what)}</div>{"".join(rows)}</div>'


STEP_HEADERS = ["step", "token", "id", "model p", "rank", "p drawn from", "top alternatives"]


def step_rows(seq: Sequence, alternatives: int = 4) -> list[list]:
    return [[s.index + 1, plain_visible(s.token), s.id, None if s.prob is None else round(s.prob, 4), s.rank,
             None if s.chosen_prob is None else round(s.chosen_prob, 4),
             ", ".join(f"{a.token!r} {a.prob:.2f}" for a in s.top[:alternatives])] for s in seq.steps]


# ---- the logits pipeline -----------------------------------------------------------------------


def _short(name: str) -> str:
    return (name.replace("LogitsProcessor", "").replace("LogitsWarper", "").replace("RepetitionPenalty", "Repetition<br>penalty")
            .replace("NoRepeatNGram", "No-repeat<br>n-gram").replace("NoBadWords", "Bad<br>words"))


def pipeline_figure(pl: Pipeline, rows: int = 12, lang: str = EN) -> go.Figure:
    """Tokens × stages: the probability of each token after each stage, the chosen token marked.

    Rows are the tokens that were in the top list at any stage, ordered by their raw probability;
    a removed token shows ✕. Columns are the stages in the order generate() applies them."""
    t_ = translator(lang)
    order: dict[int, str] = {}
    for stage in pl.stages:
        for i, t, _ in stage.top:
            order.setdefault(i, t)
    order.setdefault(pl.chosen_id, pl.chosen)
    probs = {}  # (token id, stage) -> prob
    for j, stage in enumerate(pl.stages):
        known = {i: p for i, _, p in stage.top}
        for i in order:
            probs[i, j] = known.get(i)
    raw = {i: p for i, _, p in pl.stages[0].top}
    ids = sorted(order, key=lambda i: (-(raw.get(i) or 0.0), -(probs.get((i, len(pl.stages) - 1)) or 0.0)))[:rows]
    if pl.chosen_id not in ids:
        ids[-1] = pl.chosen_id
    stage_alive = []
    for stage in pl.stages:
        removed = {i for i, _, _ in stage.removed}
        stage_alive.append(removed)
    z, text, hover = [], [], []
    for i in ids:
        zr, tr, hr = [], [], []
        dead = False
        for j, stage in enumerate(pl.stages):
            if i in stage_alive[j] or (dead and probs[i, j] is None):
                dead = True
                zr.append(None)
                tr.append("✕")
                hr.append(t_("{token!r}: removed", token=order[i]))
                continue
            p = probs[i, j]
            zr.append(p if p is not None else 0.0)
            tr.append("" if p is None else f"{p:.2f}" if p >= 0.005 else "<.01")
            hr.append(t_("{token!r} after {stage}: ", token=order[i], stage=stage.name)
                      + (t_("not in this stage's top list") if p is None else pct(p)))
        z.append(zr)
        text.append(tr)
        hover.append(hr)
    labels = [("▶ " if i == pl.chosen_id else "") + chart_label(order[i]) for i in ids]
    cols = [f"{k + 1}. {_short(s.name)}<br><sub>{t_('{n:,} left', n=s.kept)}</sub>" for k, s in enumerate(pl.stages)]
    fig = go.Figure(go.Heatmap(
        z=z, x=cols, y=labels, text=[[esc(t) for t in r] for r in text], texttemplate="%{text}",
        textfont=dict(size=18), customdata=[[esc(h) for h in r] for r in hover],
        hovertemplate="%{customdata}<extra></extra>",
        colorscale="Blues", zmin=0, zmax=1, colorbar=dict(title="p", thickness=14), xgap=3, ygap=3,
    ))
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=18))
    fig.update_xaxes(side="top", tickfont=dict(size=18))
    title = t_("Step {i}: how {token} was chosen, stage by stage", i=pl.step + 1, token=chart_label(pl.chosen))
    return layout(fig, title, height=140 + 42 * len(ids), margin=dict(l=10, r=10, t=140, b=10))


def pipeline_html(pl: Pipeline, lang: str = EN) -> str:
    """What each stage did, in words: tokens removed, tokens penalised, mass kept, the chosen token's p."""
    tr = translator(lang)
    items = []
    for k, s in enumerate(pl.stages):
        bits = [f"<b>{k + 1}. {esc(s.name)}</b> — {esc(tr(s.label))}. "
                + tr("{n:,} tokens possible, entropy {bits:.2f} bits; the chosen token has p = {p}", n=s.kept,
                     bits=s.entropy_bits, p=pct(s.chosen_prob))
                + (tr(" (rank {rank:,}).", rank=s.chosen_rank) if s.chosen_rank else tr("."))]
        if s.removed_count:
            names = ", ".join(f"{esc(repr(t))} {pct(p)}" for _, t, p in s.removed)
            more = (tr(" and {n:,} more", n=s.removed_count - len(s.removed)) if s.removed_count > len(s.removed)
                    else "")
            bits.append('<div class="pg-detail">' + tr("Removed {n:,} tokens holding {p} of the probability: "
                                                       "{names}{more}.", n=s.removed_count, p=pct(1 - s.mass_kept),
                                                       names=names, more=more) + "</div>")
        if s.changed and "Temperature" not in s.name:
            names = ", ".join(f"{esc(repr(t))} {pct(a)} → {pct(b)}" for _, t, a, b in s.changed)
            bits.append('<div class="pg-detail">' + tr("Penalised (before → after): {names}.", names=names) + "</div>")
        items.append(f"<li>{''.join(bits)}</li>")
    notes = "".join(f'<div class="pg-warn">{esc(tr(n))}</div>' for n in pl.notices)
    return ('<div class="pg-detail">' + tr("Context ends with: <code>{tail}</code> → chosen <code>{chosen}</code>",
                                           tail=esc(pl.context_tail), chosen=esc(pl.chosen))
            + f'</div>{notes}<ol class="pg-stages">{"".join(items)}</ol>')


# ---- beam tree ---------------------------------------------------------------------------------


TREE_WIDTH_PX = 1100  # about the chart's width in the tab


def _fit(token: str, room: int) -> str:
    text = plain_visible(token) or "∅"
    return esc(text if len(text) <= room else text[: room - 1] + "…")


def tree_figure(tree: BeamTree, lang: str = EN) -> go.Figure:
    """Hypotheses by step (x) and rank among that step's candidates (y): blue = kept as a beam,
    green = finished, grey = pruned; the returned best hypothesis is drawn thick."""
    t = translator(lang)
    nodes = tree.nodes
    fig = go.Figure()
    best = set(tree.best)
    ex, ey, bx, by = [], [], [], []
    for k, n in enumerate(nodes):
        if n.parent < 0:
            px, py = -1, 0
        else:
            px, py = nodes[n.parent].step, nodes[n.parent].rank
        xs, ys = (bx, by) if k in best else (ex, ey)
        xs += [px, n.step, None]
        ys += [py, n.rank, None]
    fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", line=dict(color="#c8c8c8", width=1.5), hoverinfo="skip",
                             showlegend=False))
    fig.add_trace(go.Scatter(x=bx, y=by, mode="lines", line=dict(color="#e4572e", width=5), hoverinfo="skip",
                             name=t("returned best")))
    fig.add_trace(go.Scatter(x=[-1], y=[0], mode="markers+text", text=[t("prompt")], textposition="top center",
                             marker=dict(size=14, color="#333"), hoverinfo="skip", showlegend=False))
    steps = max((n.step for n in nodes), default=0)
    # Every node names its token beside it, cut to the width of one step's column (labels of 18 px used to run
    # into the next column's); the whole token is on hover.
    room = max(3, int(TREE_WIDTH_PX / (steps + 2.5) / 10.5))
    for status, colour in STATUS_COLOURS.items():
        sel = [n for n in nodes if n.status == status]
        if not sel:
            continue
        fig.add_trace(go.Scatter(
            x=[n.step for n in sel], y=[n.rank for n in sel], mode="markers+text",
            text=[_fit(n.token, room) for n in sel], textposition="middle right",
            textfont=dict(size=18, color="#111" if status != "pruned" else "#666"),
            marker=dict(size=12, color=colour, line=dict(color="white", width=1)),
            customdata=[[esc(repr(n.token)), n.logprob, n.score] for n in sel],
            hovertemplate="%{customdata[0]}<br>" + t("log p(token)") + " %{customdata[1]:.3f}<br>"
                          + t("cumulative log p") + " %{customdata[2]:.3f}<extra>" + t(status) + "</extra>",
            name=t(status)))
    fig.update_xaxes(title=t("step"), tickvals=list(range(steps + 1)), ticktext=[str(s + 1) for s in range(steps + 1)],
                     range=[-1.5, steps + 0.9], tickfont=dict(size=18))
    fig.update_yaxes(title=t("rank among the step's candidates"), autorange="reversed", dtick=1,
                     tickfont=dict(size=18))
    width = max(2 * tree.num_beams, 2)
    return layout(fig, t("Beam search with {n} beams: kept, finished and pruned hypotheses", n=tree.num_beams),
                  height=200 + 46 * width, legend=dict(orientation="h", y=-0.15))


def tree_html(tree: BeamTree | None, lang: str = EN) -> str:
    t = translator(lang)
    if tree is None:
        return empty_hint(t("The beam tree is drawn for beam search: choose the 'beam search' strategy (2 to 5 beams) "
                            "and generate."))
    kept = sum(n.status == "kept" for n in tree.nodes)
    fin = sum(n.status == "finished" for n in tree.nodes)
    pruned = sum(n.status == "pruned" for n in tree.nodes)
    return ('<div class="pg-detail">'
            + t("{steps} steps recorded from generate()'s own beam search: each step scores the {n} beams' "
                "continuations and keeps the best {n} (of {twice} candidates looked at). {kept} kept, {fin} finished, "
                "{pruned} pruned. Hover a node for its log-probability.", steps=tree.steps, n=tree.num_beams,
                twice=2 * tree.num_beams, kept=kept, fin=fin, pruned=pruned)
            + "</div>")


# ---- two configurations side by side -------------------------------------------------------------


def _alts_table(step: Step, title: str, t) -> str:
    rows = "".join(
        f'<tr class="{"pg-target" if a.id == step.id else ""}"><td>{visible(a.token)}</td><td>{pct(a.prob)}</td>'
        f'<td>{"" if a.kept_prob is None else pct(a.kept_prob)}</td></tr>'
        for a in step.top
    )
    return (f'<div class="pg-alts"><div class="pg-cmp-head">{title}{t(": chose")} <b>{visible(step.token)}</b></div>'
            f'<table class="pg-table"><tr><th>{t("token")}</th><th>{t("model p")}</th><th>{t("p drawn from")}</th></tr>'
            f'{rows}</table></div>')


def logp(seq: Sequence) -> float | None:
    """The model's log-probability of the whole generated sequence (T = 1, no processors); None where a
    server sent no log-probabilities."""
    if any(s.logprob is None for s in seq.steps):
        return None
    return sum(s.logprob for s in seq.steps)


def compare_html(a: Generation, b: Generation, names: tuple[str, str], div: int | None, lang: str = EN) -> str:
    """Both outputs aligned step by step; the first step where they differ highlighted, with both
    configurations' top alternatives at that step."""
    t = translator(lang)
    sa, sb = a.sequences[0], b.sequences[0]
    n = max(len(sa.steps), len(sb.steps))
    head = "".join(f'<th class="{"pg-div" if i == div else ""}">{i + 1}</th>' for i in range(n))

    def row(seq: Sequence, name: str) -> str:
        cells = []
        for i in range(n):
            cls = "pg-div" if i == div else "pg-diff" if div is not None and i > div else ""
            if i < len(seq.steps):
                s = seq.steps[i]
                cells.append(f'<td class="{cls}" title="{esc(step_tip(s, lang=lang))}">{visible(s.token)}</td>')
            else:
                cells.append(f'<td class="{cls} pg-muted">·</td>')
        return f"<tr><th>{esc(name)}</th>{''.join(cells)}</tr>"

    if div is None:
        verdict = t("The two configurations produced exactly the same tokens.")
        detail = ""
    else:
        verdict = (t("They agree for {n} tokens and first differ at step {step} (highlighted).", n=div, step=div + 1)
                   if div != 1 else t("They agree for 1 token and first differ at step 2 (highlighted)."))
        tables = [_alts_table(seq.steps[div], esc(name), t) for seq, name in ((sa, names[0]), (sb, names[1]))
                  if div < len(seq.steps)]
        detail = f'<div class="pg-alts-row">{"".join(tables)}</div>'
    texts = "".join(
        f'<div class="pg-seq"><b>{esc(name)}</b> · '
        + t("log p of the whole sequence <b>{logp}</b> over {n} tokens", logp=_num(logp(seq), t), n=len(seq.steps))
        + f'<div class="pg-plain">{esc(seq.text)}</div></div>'
        for seq, name in ((sa, names[0]), (sb, names[1])))
    return (f'<div class="pg-cmp-head">{esc(verdict)}</div>{texts}'
            f'<div class="pg-align"><table class="pg-table pg-align-t"><tr><th>{t("step")}</th>{head}</tr>'
            f'{row(sa, names[0])}{row(sb, names[1])}</table></div>{detail}')


def _num(value: float | None, t=None) -> str:
    return (t("not sent") if t else "not sent") if value is None else f"{value:.2f}"


def describe(params, lang: str = EN) -> str:
    """A configuration in one line: what a side-by-side column is."""
    t = translator(lang)
    p = params
    parts = [t(p.mode)]
    if p.mode == "sample":
        parts += [f"T={p.temperature:g}"] + ([f"top_k={p.top_k}"] if p.top_k else []) + \
                 ([f"top_p={p.top_p:g}"] if p.top_p < 1 else []) + [f"seed={p.seed}"]
    if p.mode == "beam":
        parts.append(t("{n} beams", n=p.num_beams))
    if p.mode == "contrastive":
        parts.append(f"α={p.penalty_alpha:g}, top_k={p.top_k}")
    if p.repetition_penalty != 1:
        parts.append(f"rep={p.repetition_penalty:g}")
    if p.no_repeat_ngram_size:
        parts.append(t("no-repeat {n}-gram", n=p.no_repeat_ngram_size))
    return ", ".join(parts)


def by_hand_html(result, lang: str = EN) -> str:
    """The by-hand loop's output next to model.generate()'s, and whether they are the same tokens."""
    t = translator(lang)
    if result.identical:
        verdict = ('<div class="pg-ok">' + t("✅ Identical: the loop and model.generate() produced the same "
                                             "{n} tokens ({settings}).", n=len(result.hand_ids),
                                             settings=esc(result.settings)) + "</div>")
    else:
        verdict = ('<div class="pg-warn">' + t("The two differ from token {i} on ({settings}).",
                                               i=result.first_difference + 1, settings=esc(result.settings))
                   + "</div>")
    rows = ((t("by hand"), result.hand_text, result.hand_seconds), ("model.generate()", result.generate_text,
                                                                    result.generate_seconds))
    body = "".join(f'<div class="pg-seq"><b>{name}</b> <span class="pg-n">{secs:.2f} s</span>: {visible(text)}</div>'
                   for name, text, secs in rows)
    return f"{verdict}{body}"
