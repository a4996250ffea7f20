"""Views of embeddings: figure structure (traces, shapes, labelled axes, 18 px fonts) and escaped HTML,
on results built by hand (no model)."""

from __future__ import annotations

import numpy as np

from playground.compute.embeddings import (
    Analogy, Contextual, FaqMatch, FaqResult, FirstLayer, LearnedPositions, Neighbour, Projection, RotaryPositions,
    SentenceEmbeddings, TokenEmbedding,
)
from playground.views import embeddings as views

EVIL = "<script>alert(1)</script>"
rng = np.random.default_rng(0)


def unit(n, d):
    x = rng.normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def token(dim=384):
    neighbours = tuple(Neighbour(i, f"tok{i}" if i else EVIL, f"piece{i}", 0.9 - 0.1 * i) for i in range(5))
    v = rng.normal(size=dim).astype(np.float32)
    return TokenEmbedding("m<b>", 7, EVIL, "Ġ" + EVIL, v, float(np.linalg.norm(v)), 1.0, 1000, neighbours)


def read_all(fig) -> str:
    return fig.to_json()


def test_token_heatmap_folds_the_row_and_escapes_the_token():
    te = token()
    fig = views.token_heatmap_figure(te)
    z = np.asarray(fig.data[0].z, dtype=float)
    assert z.shape == (12, 32) and np.allclose(z.ravel(), te.vector)
    assert fig.layout.font.size == 18 and fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert "<script>" not in read_all(fig) and "&lt;script&gt;" in fig.layout.title.text
    odd = views.token_heatmap_figure(token(dim=50))  # no divisor: padded with blanks
    assert np.isnan(np.asarray(odd.data[0].z, dtype=float)).sum() == 64 - 50
    html = views.token_html(te)
    assert "<script>" not in html and "1,000 × 384" in html


def test_neighbour_and_analogy_bars():
    te = token()
    fig = views.token_neighbours_figure(te)
    assert list(fig.data[0].x) == [n.similarity for n in te.neighbours]
    assert fig.layout.xaxis.title.text == "cosine similarity" and "<script>" not in read_all(fig)
    a = Analogy("m", ((1, "king", 1), (-1, "man", 2), (1, "woman", 3)), te.neighbours)
    assert a.expression == "'king' − 'man' + 'woman'"
    assert "probe, not a law" in views.analogy_html(a) and len(views.analogy_figure(a).data[0].x) == 5


def test_learned_and_rotary_position_figures():
    m = rng.normal(size=(16, 8)).astype(np.float32)
    p = LearnedPositions("m", "wpe", m, np.eye(16, dtype=np.float32), 1024, 0)
    m[0] *= 50  # one long row (position 0 in BERT) must not wash the others out
    table, sim = views.positions_figures(p)
    assert np.asarray(table.data[0].z).shape == (16, 8) and np.asarray(sim.data[0].z).shape == (16, 16)
    assert table.data[0].zmax < np.abs(m).max() and table.data[0].zmax == -table.data[0].zmin
    assert table.layout.xaxis.title.text == "dimension" and sim.layout.xaxis.title.text == "position"
    assert table.layout.font.size == sim.layout.font.size == 18 and "learned table" in views.positions_html(p)
    inv = 1.0 / (10000 ** (np.arange(0, 8, 2) / 8))
    d = np.arange(100)
    curve = np.cos(d[:, None] * inv[None]).mean(1)
    r = RotaryPositions("m", "rotary_emb", inv.astype(np.float32), 8, d, curve, curve, 10000.0, 2048)
    waves, dist = views.positions_figures(r)
    assert waves.layout.yaxis.type == "log" and "no position matrix" in waves.layout.title.text
    assert "context (2,048 tokens)" in [t.name for t in waves.data]
    assert [t.name for t in dist.data][0] == "through the model's rotary module" and dist.layout.xaxis.type == "log"
    assert "no position matrix to show" in views.positions_html(r)


def test_first_layer_verdict_and_bars():
    t = rng.normal(size=(3, 4)).astype(np.float32)
    fl = FirstLayer("m", "gpt2", ("a", EVIL, "c"), (1, 2, 3), (0, 1, 2), None, (("token", t), ("position", t)),
                    2 * t, None, 2 * t, None)
    html = views.first_layer_html(fl)
    assert "equal to" in html and "NOT" not in html and "pg-ok" in html
    fig = views.first_layer_figure(fl)
    assert [tr.name for tr in fig.data] == ["token", "position", "sum"] and fig.layout.barmode == "group"
    assert "<script>" not in read_all(fig)
    vec = views.first_layer_vectors_figure(fl, 1)
    z = np.asarray(vec.data[0].z)
    assert len(vec.data) == 1 and list(vec.data[0].y) == ["token", "position", "sum"]  # no LayerNorm row for GPT-2
    np.testing.assert_allclose(z[2], z[0] + z[1], atol=1e-6)
    assert "&lt;script&gt;" in vec.layout.title.text and views.token_choices(fl)[0] == ("0. 'a'", 0)
    off = FirstLayer("m", "gpt2", ("a",), (1,), (0,), None, (("token", t[:1]),), t[:1], None, t[:1] + 1, None)
    assert "NOT equal" in views.first_layer_html(off)


def sentences(n=4, stand_in=False):
    texts = tuple([EVIL] + [f"sentence {i}" for i in range(1, n)])
    return SentenceEmbeddings("m", "encoder", "mean", "the recipe", texts, unit(n, 8), (5,) * n, stand_in)


def test_similarity_heatmap_and_summary():
    e = sentences()
    fig = views.similarity_figure(e)
    z = np.asarray(fig.data[0].z)
    assert z.shape == (4, 4) and np.allclose(np.diag(z), 1, atol=1e-6)
    assert fig.data[0].zmin == -1 and fig.data[0].zmax == 1 and fig.data[0].texttemplate
    assert "<script>" not in read_all(fig)
    assert "rough stand-in" in views.sentences_html(sentences(stand_in=True))
    assert "nothing to compare" in views.sentences_html(sentences(n=1))


def test_projector_map_colours_groups_and_rings_the_chosen_point():
    e = sentences(n=5)
    proj = Projection("m", "sentences", e.texts, ("a", "a", "b", "b", ""), e.texts, rng.normal(size=(5, 2)),
                      np.array([0.5, 0.25]), e.vectors)
    near = proj.neighbours(0, 2)
    fig = views.projector_figure(proj, 0, near)
    groups = [t.name for t in fig.data if t.mode in ("markers+text", "markers")]
    assert groups[:3] == ["a", "b", "sentences"]
    assert sum(1 for t in fig.data if t.mode == "lines") == 2 and fig.data[-1].name.startswith("chosen")
    assert fig.layout.xaxis.title.text == "PC 1 (50% of the spread)" and "<script>" not in read_all(fig)
    html = views.neighbours_html(proj, 0, near)
    assert "75% of the spread" in html and html.count("<tr>") == 3 and "<script>" not in html
    assert views.point_choices(proj)[1] == ("1. sentence 1", 1)


def test_faq_answers_and_the_threshold_message():
    match = FaqMatch(1, 0, EVIL, "an <b>answer</b>", 0.62)
    ok = views.faq_html(FaqResult("m", "q", (match,), 0.4, "question", "r", False))
    assert "Best answer" in ok and "<script>" not in ok and "&lt;b&gt;" in ok and "width:62%" in ok
    low = views.faq_html(FaqResult("m", "q", (FaqMatch(1, 0, "q", "a", 0.1),), 0.4, "question", "r", True))
    assert "No entry is similar enough" in low and "causal LM standing in" in low


def test_contextual_lines_per_pair_and_group_means():
    v = rng.normal(size=(3, 4, 6)).astype(np.float32)
    c = Contextual("m", "bank", tuple(f"s{i} bank" for i in range(4)), (("bank",),) * 4, ((0, 1),) * 4, v)
    fig = views.contextual_figure(c, ["river", "river", "money", "money"])
    names = [t.name for t in fig.data]
    assert len([n for n in names if "–" in n]) == 6 and "same group (mean)" in names and "different groups (mean)" in names
    assert list(fig.layout.xaxis.ticktext) == ["embeddings", "layer 1", "layer 2"]
    plain = views.contextual_figure(c)
    assert len(plain.data) == 6 and "(river)" in views.contextual_html(c, ["river"] * 4)
