"""End to end: the real app served on 127.0.0.1, driven through gradio_client's public API."""

import urllib.request

import pytest
from gradio_client.exceptions import AppError

from conftest import PACKAGED, TINY


def test_home_page_serves(live_app):
    with urllib.request.urlopen(live_app + "/", timeout=30) as resp:
        assert resp.status == 200
        assert "Model playground" in resp.read().decode()


def test_api_lists_tokenize(client):
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert "/tokenize" in endpoints


@pytest.mark.parametrize("model", PACKAGED + TINY)
def test_tokenize_api_matches_the_tokenizer(client, registry, model):
    text = "It was a dark and stormy night 漢字 🙂 <b>"
    data = client.predict(text, model, api_name="/tokenize")
    tok = registry.load_tokenizer(model)
    enc = tok(text, return_offsets_mapping=True)
    assert data["model"] == model
    assert [t["id"] for t in data["tokens"]] == enc["input_ids"]
    assert [(t["start"], t["end"]) for t in data["tokens"]] == [tuple(o) for o in enc["offset_mapping"]]
    assert data["counts"]["tokens"] == len(enc["input_ids"])
    assert all({"id", "token", "text", "start", "end", "special"} <= set(t) for t in data["tokens"])


def test_tokenize_api_default_model(client):
    data = client.predict("Hello", api_name="/tokenize")
    assert data["model"] == "SmolLM2-135M-Instruct" and data["tokens"][0]["text"] == "Hello"


def test_tokenize_api_errors_are_readable_and_the_app_keeps_serving(client, settings):
    with pytest.raises(AppError, match="unavailable"):
        client.predict("x", "gpt2", api_name="/tokenize")
    with pytest.raises(AppError, match="limit is"):
        client.predict("x" * (settings.max_text_chars + 1), "SmolLM2-135M-Instruct", api_name="/tokenize")
    with pytest.raises(AppError, match="Unknown model"):
        client.predict("x", "not/a-model", api_name="/tokenize")
    assert client.predict("still here", "SmolLM2-135M-Instruct", api_name="/tokenize")["counts"]["words"] == 2
