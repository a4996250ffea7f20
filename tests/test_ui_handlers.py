"""The tab's handlers called as plain functions, with the real registry and tiny + packaged models."""

import gradio as gr
import pytest

from playground.ui.common import AppContext
from playground.ui.tokenizer_tab import build_tokenizer_tab


def progress(fraction, desc=None):
    pass


@pytest.fixture(scope="module")
def tab(registry, settings):
    with gr.Blocks():
        model = gr.Dropdown(choices=["SmolLM2-135M-Instruct"], value="SmolLM2-135M-Instruct")
        ctx = AppContext(settings=settings, models=registry, model=model, device=gr.Dropdown(), dtype=gr.Dropdown())
        return build_tokenizer_tab(ctx)


def test_tokenize_handler_fills_every_view(tab):
    counts, spans, table, specials, three, ids, decoded = tab["handlers"]["tokenize"](
        "It was a dark and stormy", "SmolLM2-135M-Instruct", True, False, progress=progress)
    assert spans.count('class="pg-tok ') == 6 and len(table) == 6
    assert ids == "1589, 436, 253, 3605, 284, 43471"
    assert "It was a dark and stormy" in decoded.replace('<span class="pg-ws">·</span>', " ")
    assert "pg-card" in counts and "Characters" in three and "bos token" in specials


@pytest.mark.parametrize("model", ["local/tiny-gpt2", "local/tiny-bert-mlm", "local/tiny-t5", "all-MiniLM-L6-v2"])
def test_tokenize_handler_on_every_family(tab, model):
    out = tab["handlers"]["tokenize"]("dark night 漢", model, True, False, progress=progress)
    assert "pg-tok" in out[1] and "\ufffd" not in out[1]


def test_bad_inputs_raise_readable_errors(tab, settings):
    h = tab["handlers"]
    with pytest.raises(gr.Error, match="unavailable"):
        h["tokenize"]("x", "gpt2", True, False, progress=progress)
    with pytest.raises(gr.Error, match="limit is"):
        h["tokenize"]("x" * (settings.max_text_chars + 1), "SmolLM2-135M-Instruct", True, False, progress=progress)
    with pytest.raises(gr.Error, match="No model chosen"):
        h["tokenize"]("x", None, True, False, progress=progress)
    with pytest.raises(gr.Error, match="no chat template"):
        h["tokenize"]("x", "all-MiniLM-L6-v2", True, True, progress=progress)
    with pytest.raises(gr.Error, match="Choose one to 4"):
        h["compare"]("x", [], True, progress=progress)
    with pytest.raises(gr.Error, match="not a token id"):
        h["decode"]("1, two", "SmolLM2-135M-Instruct")


def test_empty_text_gives_a_hint(tab):
    out = tab["handlers"]["tokenize"]("", "SmolLM2-135M-Instruct", True, False, progress=progress)
    assert "empty" in out[1] and out[5] == ""


def test_compare_handler(tab):
    fig, html = tab["handlers"]["compare"]("It was a dark and stormy", ["SmolLM2-135M-Instruct", "all-MiniLM-L6-v2"],
                                           True, progress=progress)
    assert list(fig.data[0].x) == ["SmolLM2-135M-Instruct", "all-MiniLM-L6-v2"]
    assert "[CLS]" in html


def test_presets_fill_the_inputs(tab):
    out = tab["presets"]["subwords"]()
    assert out[0].startswith("It was a dark and stormy") and out[1] == "SmolLM2-135M-Instruct"


def test_api_handler_returns_plain_json(tab):
    data = tab["handlers"]["api"]("It was", "")
    assert data["model"] == "SmolLM2-135M-Instruct" and [t["id"] for t in data["tokens"]] == [1589, 436]


def test_long_text_at_the_limit_still_tokenizes(tab, settings):
    text = ("It was a dark and stormy night; the rain fell in torrents. " * 2000)[: settings.max_text_chars]
    counts, spans, table, *_, ids, decoded = tab["handlers"]["tokenize"](
        text, "SmolLM2-135M-Instruct", True, False, progress=progress)
    assert len(table) > 4096 and len(ids.split(",")) == len(table)
    assert f"The first 4,096 of {len(table):,} ids are listed" in decoded and decoded.count("<tr>") == 4096 + 1
