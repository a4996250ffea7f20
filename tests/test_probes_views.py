"""Bias-probe views: figure structure and escaping, built from plain result objects (no model)."""

from __future__ import annotations

import math

from playground.compute import probes
from playground.views import probes as views

EVIL = "<script>alert(1)</script>"


def fill(tokens, text="t [MASK]"):
    fillers = tuple(probes.Filler(t, i, 0.5 / (i + 1), math.log(0.5 / (i + 1)), text) for i, t in enumerate(tokens))
    return probes.FillMask("m", "masked", text, "p at the mask", (fillers,))


def probe(values=None):
    templates, groups, targets = ("The {group} is a [MASK].", "{group} is [MASK]."), ("man", EVIL), ("nurse", "pilot")
    rows = []
    for t in templates:
        for g in groups:
            for w in targets:
                lp = (values or {}).get((t, g, w), -2.0)
                rows.append(probes.ProbeRow(t, g, w, lp, math.exp(lp), 3, 1))
    return probes.Probe("m", "masked", templates, groups, targets, tuple(rows), "pll", (EVIL,), 0.5)


def test_fill_views_mark_what_one_list_has_alone_and_escape():
    fig = views.fill_figure([("A", fill([" doctor", EVIL])), ("B", fill([" doctor", " nurse"]))])
    assert len(fig.data) == 2 and len(fig.data[0].y) == 3
    assert not any("<script>" in str(y) for t in fig.data for y in t.y)
    html = views.fill_html([("A", fill([" doctor", EVIL])), ("B", fill([" doctor", " nurse"]))])
    assert html.count('class="pg-only"') == 2 and EVIL not in html and "in this list only" in html


def test_heatmap_ratio_and_spread():
    t0, t1 = "The {group} is a [MASK].", "{group} is [MASK]."
    p = probe({(t0, "man", "nurse"): -3.0, (t1, "man", "nurse"): -1.0, (t0, "man", "pilot"): -1.0,
               (t1, "man", "pilot"): -1.5})
    heat = views.heatmap_figure(p)
    assert len(heat.data[0].z) == 2 and len(heat.data[0].x) == 2 and "&lt;script&gt;" in heat.data[0].x[1]
    ratio = views.ratio_figure(p, "man", EVIL)
    bars, ticks = ratio.data
    assert list(bars.x) == [0.0, 0.75] and list(bars.y) == ["nurse ×1.0", "pilot ×2.1"]
    assert len(ticks.x) == 4, "one tick per template and target"
    spread = views.spread_html(p, "man", EVIL)
    assert "pilot" in spread.split("Depends")[0] and "nurse" in spread.split("Depends")[1] and EVIL not in spread
    assert views.probe_rows(p)[0] == [t0, "man", "nurse", round(math.exp(-3.0), 6), -3.0, 3, 1]
    summary = views.probe_summary(p)
    assert "8 cells" in summary and EVIL not in summary
