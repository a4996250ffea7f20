"""The Tokenizer tab's handlers called as plain functions, with the real registry and tiny + packaged models."""

import gradio as gr
import pytest

from playground.ui.tokenizer_tab import (
    apply_lesson, build_tokenizer_tab, compare_tokenizers, decode_token_ids, tokenize_api, tokenize_text,
)
from tests.conftest import tab_context


def progress(fraction, desc=None):
    pass


@pytest.fixture(scope="module")
def ctx(registry, settings):
    return tab_context(settings, registry, build_tokenizer_tab)


def test_tokenize_handler_fills_every_view(ctx):
    counts, spans, table, specials, three, ids, decoded = tokenize_text(
        ctx, "It was a dark and stormy", "SmolLM2-135M-Instruct", True, False, progress=progress)
    assert spans.count('class="pg-tok ') == 6 and len(table) == 6
    assert ids == "1589, 436, 253, 3605, 284, 43471"
    assert "It was a dark and stormy" in decoded.replace('<span class="pg-ws">·</span>', " ")
    assert "pg-card" in counts and "Characters" in three and "bos token" in specials


@pytest.mark.parametrize("model", ["local/tiny-gpt2", "local/tiny-bert-mlm", "local/tiny-t5", "all-MiniLM-L6-v2"])
def test_tokenize_handler_on_every_family(ctx, model):
    out = tokenize_text(ctx, "dark night 漢", model, True, False, progress=progress)
    assert "pg-tok" in out[1] and "\ufffd" not in out[1]


def test_bad_inputs_raise_readable_errors(ctx, settings):
    with pytest.raises(gr.Error, match="unavailable"):
        tokenize_text(ctx, "x", "gpt2", True, False, progress=progress)
    with pytest.raises(gr.Error, match="limit is"):
        tokenize_text(ctx, "x" * (settings.max_text_chars + 1), "SmolLM2-135M-Instruct", True, False,
                      progress=progress)
    with pytest.raises(gr.Error, match="No model chosen"):
        tokenize_text(ctx, "x", None, True, False, progress=progress)
    with pytest.raises(gr.Error, match="no chat template"):
        tokenize_text(ctx, "x", "all-MiniLM-L6-v2", True, True, progress=progress)
    with pytest.raises(gr.Error, match="Choose one to 4"):
        compare_tokenizers(ctx, "x", [], True, progress=progress)
    with pytest.raises(gr.Error, match="not a token id"):
        decode_token_ids(ctx, "1, two", "SmolLM2-135M-Instruct")


def test_empty_text_gives_a_hint(ctx):
    out = tokenize_text(ctx, "", "SmolLM2-135M-Instruct", True, False, progress=progress)
    assert "empty" in out[1] and out[5] == ""


def test_compare_handler(ctx):
    fig, html = compare_tokenizers(ctx, "It was a dark and stormy", ["SmolLM2-135M-Instruct", "all-MiniLM-L6-v2"],
                                   True, progress=progress)
    assert list(fig.data[0].x) == ["SmolLM2-135M-Instruct", "all-MiniLM-L6-v2"]
    assert "[CLS]" in html


def test_presets_fill_the_inputs(ctx):
    out = apply_lesson(ctx, "subwords")
    assert out[0].startswith("It was a dark and stormy") and out[1] == "SmolLM2-135M-Instruct"


def test_api_handler_returns_plain_json(ctx):
    data = tokenize_api(ctx, "It was", "")
    assert data["model"] == "SmolLM2-135M-Instruct" and [t["id"] for t in data["tokens"]] == [1589, 436]


def test_long_text_at_the_limit_still_tokenizes(ctx, settings):
    text = ("It was a dark and stormy night; the rain fell in torrents. " * 2000)[: settings.max_text_chars]
    counts, spans, table, *_, ids, decoded = tokenize_text(
        ctx, text, "SmolLM2-135M-Instruct", True, False, progress=progress)
    assert len(table) > 4096 and len(ids.split(",")) == len(table)
    assert f"The first 4,096 of {len(table):,} ids are listed" in decoded and decoded.count("<tr>") == 4096 + 1


# ---- the app context and the binding of handlers to it --------------------------------------------


def test_ctx_load_refuses_an_empty_name_and_returns_the_backend(ctx, registry):
    from playground.compute import lm
    from playground.errors import InputError
    from playground.models import NEXT_TOKEN

    for empty in ("", None):
        with pytest.raises(InputError, match="^Choose a model in the picker at the top.$"):
            ctx.load(empty)
    b = ctx.load("SmolLM2-135M-Instruct", "auto", "auto", capability=NEXT_TOKEN)
    assert isinstance(b, lm.LocalBackend) and b.name == "SmolLM2-135M-Instruct" and b.supports(lm.GENERATE)
    assert b.loaded is registry.load("SmolLM2-135M-Instruct")  # the registry's one shared copy
    before = set(registry.loaded())
    with pytest.raises(InputError, match="all-MiniLM-L6-v2 \\(encoder\\) cannot do next-token"):
        ctx.load("all-MiniLM-L6-v2", capability=NEXT_TOKEN)
    assert set(registry.loaded()) == before, "refused by the catalog before any weights load"


def test_bound_handlers_get_what_gradio_injects(ctx):
    """Gradio fills gr.Request and gr.EventData parameters by type hint, gr.Progress by default value; gr.api reads
    the API's parameters from the signature and type hints. bind() keeps all of them, less the context."""
    from gradio import helpers, utils

    from playground.ui.common import bind
    from playground.ui.decoding_tab import generate_text, open_clicked_step

    request, event = object(), gr.EventData(None, {"step": 2})
    values, progress_at, event_at, _ = helpers.special_args(bind(generate_text, ctx), ["p", "m", "d", "t", 40, True],
                                                            request=request)
    assert values[4] is request and isinstance(values[5], gr.Progress) and values[6:] == [40, True]
    assert progress_at == 5 and event_at is None
    values, progress_at, event_at, _ = helpers.special_args(bind(open_clicked_step, ctx), [None, "m", "d", "t"],
                                                            event_data=event)
    assert isinstance(values[4], gr.EventData) and values[4]._data == {"step": 2} and (event_at, progress_at) == (4, 5)
    api = bind(tokenize_api, ctx)
    assert api.__name__ == "tokenize_api" and api.__doc__ == tokenize_api.__doc__
    assert utils.get_function_params(api) == [("text", False, None, str), ("model", True, "", str)]
    assert api("It was", "") == tokenize_api(ctx, "It was", "")
