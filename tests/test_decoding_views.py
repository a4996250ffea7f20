"""Decoding views: structure of the figures and HTML, escaping of model strings. No model needed."""

from __future__ import annotations

from playground.compute import decoding as d
from playground.compute.decoding.by_hand import ByHand
from playground.views import decoding as views

EVIL = "<script>alert(1)</script>"


def step(i, token, prob, tid=None, kept=None, rank=1):
    alts = (d.Alt(tid or i, token, prob, kept), d.Alt(999, EVIL, prob / 2, 0.0))
    return d.Step(i, tid or i, token, prob, -1.0, rank, kept, alts)


def generation(tokens, params=None, finish="length", score=None):
    steps = tuple(step(i, t, 0.5 / (i + 1), tid=100 + sum(map(ord, t))) for i, t in enumerate(tokens))
    seq = d.Sequence("".join(tokens), steps, finish, score)
    prompt = d.Prompt((1, 2), ("It", " was"), "It was", ())
    return d.Generation("m", prompt, params or d.GenParams(), (seq,), ("a <b>note</b>",), 2.0, 0.1)


def test_tokens_html_colours_escapes_and_explains_each_token():
    html = views.tokens_html(("It", EVIL), [step(0, EVIL, 0.9, kept=0.95), step(1, " night", 0.001)], finish="length")
    assert EVIL not in html and "&lt;script&gt;" in html
    assert html.count('class="pg-tok pg-gen"') == 2 and html.count("pg-prompt") == 2
    assert "hsl(" in html and "Finished: <b>length</b>" in html
    assert "model p" in html and "removed" in html, "the hover lists alternatives and what the filters removed"
    running = views.tokens_html(("It",), [step(0, " a", 0.5)], running=True)
    assert "pg-cursor" in running and "Finished" not in running and "title=" not in running


def test_summary_and_sequences():
    gen = generation([" a", " b"], finish="stopped")
    html = views.summary_html(gen)
    assert "tokens / second" in html and "stopped" in html and "&lt;b&gt;note" in html
    assert views.sequences_html(gen) == ""
    beam = generation([" a"], params=d.GenParams(num_beams=3), score=-0.5)
    assert "score -0.500" in views.sequences_html(beam)
    assert views.step_rows(gen.sequences[0])[0][:3] == [1, "·a", 100 + ord(" ") + ord("a")]


def pipeline():
    raw = ((5, " night", 0.6), (6, EVIL, 0.3), (7, " day", 0.1))
    stages = (
        d.Stage("raw logits", "raw", raw, 3, (), 0, (), 0.6, 1, 1.0, 1.3),
        d.Stage("TopKLogitsWarper", "top_k 2", ((5, " night", 0.66), (6, EVIL, 0.34)), 2, ((7, " day", 0.1),), 1, (),
                0.66, 1, 0.9, 0.9),
        d.Stage("renormalised", "drawn from", ((5, " night", 0.66), (6, EVIL, 0.34)), 2, (), 0, (), 0.66, 1, 1.0, 0.9),
    )
    return d.Pipeline(0, 5, " night", "It was", stages, "sample")


def test_pipeline_figure_has_a_column_per_stage_and_marks_the_choice():
    fig = views.pipeline_figure(pipeline())
    heat = fig.data[0]
    assert len(heat.x) == 3 and "TopK" in heat.x[1] and "2 left" in heat.x[1]
    assert heat.y[0].startswith("▶") and len(heat.y) == 3
    assert heat.text[2][1] == "✕" and heat.z[2][1] is None, "' day' removed by top-k"
    assert not any("<script>" in str(v) for v in (*heat.y, *sum(heat.text, []), *sum(heat.customdata, [])))
    html = views.pipeline_html(pipeline())
    assert "Removed 1 tokens" in html and EVIL not in html and "TopKLogitsWarper" in html


def test_tree_figure_draws_every_status_and_the_best_path():
    nodes = (d.TreeNode(0, 1, " a", -0.1, -0.1, -1, "kept", 0), d.TreeNode(0, 2, EVIL, -2.0, -2.0, -1, "pruned", 1),
             d.TreeNode(1, 3, " c", -0.2, -0.3, 0, "finished", 0))
    tree = d.BeamTree(1, 2, nodes, (0, 2), False)
    fig = views.tree_figure(tree)
    names = {t.name for t in fig.data}
    assert {"kept", "pruned", "finished", "returned best"} <= names
    best = next(t for t in fig.data if t.name == "returned best")
    assert [x for x in best.x if x is not None] == [-1, 0, 0, 1]
    assert all("<script>" not in str(t.text) for t in fig.data)
    assert "1 kept, 1 finished, 1 pruned" in views.tree_html(tree)
    assert "beam search" in views.tree_html(None)


def test_compare_marks_the_first_difference_with_both_tables():
    a, b = generation([" a", " b", " c"]), generation([" a", EVIL, " d"])
    html = views.compare_html(a, b, ("A: greedy", "B: beam"), d.divergence(a.sequences[0], b.sequences[0]))
    assert "first differ at step 2" in html and html.count('<th class="pg-div">') == 1
    assert html.count("pg-alts") >= 2 and EVIL not in html and "log p of the whole sequence" in html
    same = views.compare_html(a, a, ("A", "B"), None)
    assert "exactly the same tokens" in same


def test_by_hand_verdict_and_describe():
    ok = ByHand((1, 2), (1, 2), "ab", "ab", None, 0.1, 0.2, "greedy")
    assert "Identical" in views.by_hand_html(ok)
    bad = ByHand((1, 2), (1, 3), "ab", "a" + EVIL, 1, 0.1, 0.2, "greedy")
    html = views.by_hand_html(bad)
    assert "differ from token 2" in html and EVIL not in html
    assert views.describe(d.GenParams(do_sample=True, temperature=0.7, top_k=5, seed=3)) == \
        "sample, T=0.7, top_k=5, seed=3"
