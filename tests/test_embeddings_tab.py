"""The Embeddings tab: its module-level handlers called as functions, its lesson presets (what each one says
to notice is what the offline model shows), and the /embed and /similar_tokens APIs through gradio_client."""

from __future__ import annotations

import gradio as gr
import numpy as np
import pytest

from playground.compute import embeddings as emb
from playground.presets import load_presets, resolve
from playground.ui import embeddings_tab as tab
from playground.ui.common import AppContext

SMOL = "SmolLM2-135M-Instruct"
MINILM = "all-MiniLM-L6-v2"


@pytest.fixture(scope="module")
def ctx(registry, settings):
    with gr.Blocks():
        model = gr.Dropdown(choices=[SMOL, MINILM], value=MINILM)
        context = AppContext(settings=settings, models=registry, model=model, device=gr.Dropdown(), dtype=gr.Dropdown())
        built = tab.build_embeddings_tab(context)
    assert set(built["steps"]) == {"tokens", "analogy", "positions", "first_layer", "sentences", "projector", "faq",
                                   "contextual"}
    return context


def test_token_analogy_positions_and_first_layer_handlers(ctx):
    html, heat, near = tab.run_token(ctx, "king", 5, MINILM)
    assert "2,332" in html and np.asarray(heat.data[0].z).shape == (12, 32) and len(near.data[0].x) == 5
    html, fig = tab.run_analogy(ctx, "king - man + woman", 3, MINILM)
    assert "queen" in html and len(fig.data[0].x) == 3
    html, table, sim = tab.run_positions(ctx, 32, MINILM)
    assert "learned table" in html and np.asarray(table.data[0].z).shape == (32, 384)
    assert np.asarray(sim.data[0].z).shape == (32, 32)
    html, waves, dist = tab.run_positions(ctx, 32, SMOL)
    assert "no position matrix to show" in html and waves.layout.yaxis.type == "log" and len(dist.data[0].x) == 4096
    fl, html, fig, picker, vectors = tab.run_first_layer(ctx, "The cat sat.", "It was tired.", MINILM)
    assert "equal to what the model computed" in html and "NOT" not in html
    assert [t.name for t in fig.data] == ["token", "position", "token type", "sum", "after LayerNorm"]
    assert picker.value == 1 and len(picker.choices) == len(fl.tokens)
    assert list(vectors.data[0].y) == ["token", "position", "token type", "sum"] and vectors.data[1].y == ("after LayerNorm",)
    again = tab.run_first_layer_token(fl, 6)
    np.testing.assert_allclose(np.asarray(again.data[1].z)[0], fl.normed[6], atol=1e-7)
    assert "(position 6)" in again.layout.title.text and tab.run_first_layer_token(None, 1) == gr.skip()
    with pytest.raises(gr.Error, match="Choose a token"):
        tab.run_first_layer_token(fl, 99)


def test_sentences_projector_and_picking_a_point(ctx):
    html, fig = tab.run_sentences(ctx, tab.DEFAULT_SENTENCES, "auto", MINILM)
    assert np.asarray(fig.data[0].z).shape == (7, 7) and "sentence-transformers" in html
    one_html, none = tab.run_sentences(ctx, "just one sentence", "auto", MINILM)
    assert none is None and "nothing to compare" in one_html
    proj, fig, dropdown, html = tab.run_projector(ctx, tab.SOURCES[0], tab.DEFAULT_SENTENCES, "", "auto", 3, MINILM)
    assert proj.coords.shape == (7, 2) and dropdown.value == 0 and len(dropdown.choices) == 7
    assert [t.name for t in fig.data][:4] == ["guitar", "weather", "passwords", "other"]
    assert "Someone is strumming a guitar." in html.split("</tr>")[1]  # its paraphrase is the nearest point
    fig2, html2 = tab.run_pick(proj, 4, 1)
    assert "I forgot my login credentials." in html2 and fig2.data[-1].name.startswith("chosen")
    assert tab.run_pick(None, 0, 1) == (gr.skip(), gr.skip())
    proj, fig, _, _ = tab.run_projector(ctx, tab.SOURCES[1], "", tab.DEFAULT_TOKENS, "auto", 3, MINILM)
    assert proj.kind == "tokens" and len(proj.labels) == 12 and proj.groups[0] == "royalty"


def test_faq_and_contextual_handlers(ctx):
    html = tab.run_faq(ctx, "Will this run on a plane with no wifi?", tab.faq_rows(), "question", 2, 0.4, MINILM)
    assert "Best answer" in html and "without an internet connection" in html
    low = tab.run_faq(ctx, "What is the capital of France?", tab.faq_rows(), "question", 2, 0.4, MINILM)
    assert "No entry is similar enough" in low
    edited = [["Where is the coffee machine?", "On the second floor."], ["", ""]]
    assert "second floor" in tab.run_faq(ctx, "I need a coffee", edited, "question", 1, 0.0, MINILM)
    html, fig = tab.run_contextual(ctx, "bank", tab.DEFAULT_CONTEXT, MINILM)
    assert "(river)" in html and "same group (mean)" in [t.name for t in fig.data]


def test_bad_input_becomes_a_gradio_error_with_the_fix(ctx, settings):
    cases = [
        (tab.run_token, (ctx, "paris", 5, SMOL), "2 tokens"),
        (tab.run_token, (ctx, "king", 5, ""), "Choose a model"),
        (tab.run_token, (ctx, "king", 5, "local/tiny-t5"), "cannot do embeddings"),
        (tab.run_positions, (ctx, 64, "local/tiny-t5"), "cannot do embeddings"),
        (tab.run_sentences, (ctx, "", "auto", MINILM), "at least one"),
        (tab.run_sentences, (ctx, "x\n" * 600, "auto", MINILM), "the limit is 512"),
        (tab.run_sentences, (ctx, "a\nb", "cls", SMOL), "for encoders"),
        (tab.run_sentences, (ctx, "x" * (settings.max_text_chars + 1), "auto", MINILM), "characters; the limit"),
        (tab.run_projector, (ctx, tab.SOURCES[0], "a\nb", "", "auto", 3, MINILM), "at least 3 sentences"),
        (tab.run_faq, (ctx, "q", [["", "an answer"]], "question", 1, 0.4, MINILM), "no question"),
        (tab.run_contextual, (ctx, "bank", "The bank.\nThe river.", MINILM), "does not contain"),
        (tab.run_first_layer, (ctx, "a", "b", SMOL), "Sentence B is for BERT-style"),
    ]
    for fn, args, message in cases:
        with pytest.raises(gr.Error, match=message):
            fn(*args)


def test_presets_cover_lesson_22_offline_on_minilm_and_smollm2(ctx, registry):
    presets = load_presets("embeddings")
    assert {p.lesson for p in presets} == {22} and len(presets) >= 3
    assert {"token-position", "sentence-similarity", "faq"} <= {p.id for p in presets}
    assert {resolve(p, registry).model for p in presets} == {MINILM, SMOL}
    for p in presets:
        assert p.notice and set(p.params["run"]) <= set(tab.SECTIONS) | {"analogy"} and set(p.open) <= set(tab.SECTIONS)
        values = tab.preset_values(ctx, p)
        assert len(values) == len(tab.PRESET_FIELDS) + 2 + len(tab.SECTIONS)
        assert values[len(tab.PRESET_FIELDS)] == resolve(p, registry).model


def test_what_to_notice_matches_what_the_offline_models_show(registry):
    """The numbers each preset's notice quotes, computed again on the offline models."""
    presets = {p.id: p for p in load_presets("embeddings")}
    minilm = registry.load(MINILM, attn_implementation="sdpa")
    smol = registry.load(SMOL)
    p = presets["token-position"]
    te = emb.token_embedding(minilm, p.params["token"], 5)
    assert f"row {te.id:,}" in p.notice and [n.token for n in te.neighbours[:2]] == ["kings", "queen"]
    assert f"({te.neighbours[0].similarity:.2f})" in p.notice
    a = emb.analogy(minilm, p.params["expression"], 1).neighbours[0]
    assert a.token == "queen" and f"({a.similarity:.2f})" in p.notice
    fl = emb.first_layer(minilm, p.text)
    assert fl.equal and fl.max_abs_diff < 1e-6

    p = presets["sentence-similarity"]
    texts, groups = emb.parse_groups(p.params["sentences"])
    sim = emb.embed(minilm, texts).similarity
    for (i, j) in ((0, 1), (4, 5), (2, 3)):
        assert f"**{sim[i, j]:.2f}**" in p.notice
    proj = emb.project_sentences(emb.embed(minilm, texts), groups)
    assert f"{proj.explained.sum():.0%} of the spread" in p.notice
    off = emb.embed(smol, texts).similarity[~np.eye(len(texts), dtype=bool)]
    assert f"{off.min():.2f} to {off.max():.2f}" in p.notice

    p = presets["faq"]
    faq = emb.load_faq()
    for query in (p.params["question"], "Does the playground NOT work without internet?",
                  "How hot is the temperature outside today?", "What is the capital of France?"):
        assert f"{emb.match_faq(minilm, query, faq, k=1).matches[0].similarity:.3f}" in p.notice

    p = presets["rotary"]
    te = emb.token_embedding(smol, p.params["token"], 3)
    assert f"row {te.id:,}" in p.notice and f"({te.neighbours[0].similarity:.2f})" in p.notice
    r = emb.positions(smol)
    for d in (1, 10, 100, 500):
        assert f"{r.dot[d]:.2f}" in p.notice
    assert emb.first_layer(smol, p.text).max_abs_diff == 0.0

    p = presets["contextual"]
    texts, groups = emb.parse_groups(p.params["context"])
    c = emb.contextual(minilm, p.params["word"], texts)
    within = [np.mean([c.similarity[layer, 0, 1], c.similarity[layer, 2, 3]]) for layer in (1, -1)]
    across = [np.mean([c.similarity[layer, i, j] for i in (0, 1) for j in (2, 3)]) for layer in (1, -1)]
    assert f"({within[0]:.2f} on average) than across senses ({across[0]:.2f})" in p.notice
    assert f"{within[1]:.2f} against {across[1]:.2f}" in p.notice
    assert f"(cosine {c.similarity[0, 0, 1]:.2f}" in p.notice


# ---- the APIs, through gradio_client ---------------------------------------------------------------


def test_api_lists_embed_and_similar_tokens(client):
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert "/embed" in endpoints and "/similar_tokens" in endpoints


def test_embed_api_equals_the_compute_and_defaults_to_minilm(client, registry):
    texts = ["A man is playing a guitar.", "Someone is strumming a guitar.", "The stock market fell."]
    data = client.predict(texts, api_name="/embed")
    assert data["model"] == MINILM and data["pooling"] == "mean" and data["dim"] == 384
    direct = emb.embed(registry.load(MINILM, attn_implementation="sdpa"), texts)
    assert np.abs(np.array(data["vectors"]) - direct.vectors).max() < 1e-6
    assert np.abs(np.array(data["similarity"]) - direct.similarity).max() < 1e-5
    causal = client.predict(texts, SMOL, "last", api_name="/embed")
    assert causal["stand_in"] and causal["pooling"] == "last" and causal["dim"] == 576


def test_similar_tokens_api_and_errors_keep_the_app_serving(client):
    data = client.predict("king", MINILM, 3, api_name="/similar_tokens")
    assert data["id"] == 2332 and [n["token"] for n in data["neighbours"]][:2] == ["kings", "queen"]
    assert client.predict(" king", api_name="/similar_tokens")["model"] == SMOL  # the default model
    with pytest.raises(Exception, match="2 tokens"):
        client.predict("paris", SMOL, 3, api_name="/similar_tokens")
    with pytest.raises(Exception, match="at least one"):
        client.predict([], MINILM, api_name="/embed")
    with pytest.raises(Exception, match="cannot do embeddings"):
        client.predict(["a"], "local/tiny-t5", api_name="/embed")
    assert client.predict(["still here"], MINILM, api_name="/embed")["dim"] == 384
