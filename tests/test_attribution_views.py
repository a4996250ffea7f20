"""Attribution views on hand-made results: colours by sign and size, escaping, the methods side by side, the
baseline named, the completeness card, sizes for a projector."""

from __future__ import annotations

from playground.compute.attribution import GXI, IG, OCCLUSION, Attribution, Completeness, Token
from playground.views import attribution as views

EVIL = "<script>alert(1)</script>"


def result(method=IG, scores=(None, 2.0, -1.0, 0.5), texts=("<|endoftext|>", " It", EVIL, " stormy"), gap=0.01):
    tokens = tuple(Token(i, i + 10, t, "context", s) for i, (t, s) in enumerate(zip(texts, scores)))
    total = sum(s for s in scores if s is not None)
    completeness = Completeness(total, total - gap, gap, 64, "riemann_middle", 0.05 * abs(total - gap) + 0.05) \
        if method == IG else None
    return Attribution("SmolLM2-135M-Instruct", "causal", method, "next token", f"log P({EVIL!r}) next",
                       ((" night", 1.0, -0.15),), -0.15, " the", 260, -2.0 if method != GXI else None, tokens,
                       completeness, ("a notice <b>",), 0.5, 64 if method == IG else None)


def test_colours_diverge_by_sign_and_grow_with_size():
    assert views.colour(None, 1.0) == views.HELD
    assert views.colour(0.0, 1.0) == "rgb(255,255,255)"
    up, down = views.colour(1.0, 1.0), views.colour(-1.0, 1.0)
    assert up == "rgb({},{},{})".format(*views.UP) and down == "rgb({},{},{})".format(*views.DOWN)
    half = views.colour(0.5, 1.0)
    assert half not in (up, "rgb(255,255,255)")  # between white and the full colour


def test_every_token_string_is_escaped():
    html = views.results_html((result(), result(OCCLUSION), result(GXI)))
    assert EVIL not in html and "&lt;script&gt;" in html  # in the chips, their tooltips and the target
    assert "a notice &lt;b&gt;" in html  # a notice's markup is shown as text
    fig = views.bars_figure((result(),))
    assert all(EVIL not in str(label) for trace in fig.data for label in (trace.y or ()))


def test_the_tokens_the_baseline_and_the_completeness_card_are_shown():
    html = views.results_html((result(), result(OCCLUSION)))
    assert html.count('class="pg-attr-tok') == 8  # 4 tokens per method
    assert "pg-attr-held" in html and "fixed" in html  # the start token is drawn as held fixed
    assert "&#x27; the&#x27;" in html or "' the'" in html  # the baseline, named
    assert "Completeness" in html and "Complete:" in html and "64" in html
    assert "pushes the target up" in html and "pushes it down" in html  # the legend
    rough = views.completeness_html(result(gap=3.0))
    assert "misses" in rough and "more steps" in rough
    assert views.completeness_html(result(OCCLUSION)) == ""
    assert "needs no baseline" in views.results_html((result(GXI),))


def test_the_methods_stand_side_by_side_in_one_figure():
    fig = views.bars_figure((result(), result(OCCLUSION), result(GXI)))
    bars = [t for t in fig.data if t.x and t.x[0] is not None]
    assert len(bars) == 3 and [len(t.y) for t in bars] == [3, 3, 3]  # the held start token has no bar
    assert [a.text for a in fig.layout.annotations] == [IG, OCCLUSION, GXI]
    assert fig.layout.font.size >= 18 and fig.layout.title.text and fig.layout.showlegend is not False
    assert bars[0].marker.color[0] == "rgb({},{},{})".format(*views.UP)
    assert bars[0].marker.color[1] == "rgb({},{},{})".format(*views.DOWN)


def test_rows_put_the_methods_in_columns():
    rows = views.rows((result(), result(OCCLUSION)))
    assert views.headers((result(), result(OCCLUSION))) == ["position", "token", IG, OCCLUSION]
    assert rows[0][2] == "held fixed" and rows[1][1] == "·It" and rows[1][2] == 2.0
    assert views.rows(()) == []
