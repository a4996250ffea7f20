"""End to end: the real app served on 127.0.0.1, driven through gradio_client's public API."""

import time
import urllib.request

import pytest
from gradio_client.exceptions import AppError

from conftest import PACKAGED, TINY, causal_ids


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
    with pytest.raises(AppError, match="over the limit of"):
        client.predict("x" * (settings.max_text_chars + 1), "SmolLM2-135M-Instruct", api_name="/tokenize")
    with pytest.raises(AppError, match="Unknown model"):
        client.predict("x", "not/a-model", api_name="/tokenize")
    assert client.predict("still here", "SmolLM2-135M-Instruct", api_name="/tokenize")["counts"]["words"] == 2


# ---- next token ------------------------------------------------------------------------------


def test_api_lists_next_token_and_logit_lens(client):
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert "/next_token" in endpoints and "/logit_lens" in endpoints


def test_next_token_api_equals_a_direct_call(client, registry):
    import torch

    data = client.predict("It was a dark and stormy", "SmolLM2-135M-Instruct", 5, 0.7, api_name="/next_token")
    loaded = registry.load("SmolLM2-135M-Instruct")
    ids = torch.tensor([causal_ids(loaded.tokenizer, "It was a dark and stormy")])
    with torch.no_grad():
        probs = torch.softmax(loaded.model(ids).logits[0, -1].double() / 0.7, -1)  # float64, as the app
    top = torch.topk(probs, 5)
    assert [t["id"] for t in data["top"]] == top.indices.tolist()
    assert all(abs(t["prob"] - p) < 1e-5 for t, p in zip(data["top"], top.values.tolist()))
    assert data["top"][0]["token"] == " night" and data["temperature"] == 0.7
    assert [t["id"] for t in data["tokens"]] == ids[0].tolist() and len(data["prefix_table"]) == ids.shape[1]
    assert data["entropy"] > 0


def test_next_token_api_defaults_and_errors(client):
    data = client.predict("The capital of France is", api_name="/next_token")
    assert data["model"] == "SmolLM2-135M-Instruct" and data["top"][0]["token"] == " Paris" and len(data["top"]) == 10
    with pytest.raises(AppError, match="No mask"):
        client.predict("no mask here", "local/tiny-bert-mlm", 5, 1.0, api_name="/next_token")
    with pytest.raises(AppError, match="cannot do next-token"):
        client.predict("x", "all-MiniLM-L6-v2", 5, 1.0, api_name="/next_token")
    masked = client.predict("the man worked as a [MASK].", "local/tiny-bert-mlm", 3, 0, api_name="/next_token")
    assert masked["where"] == "at [MASK]" and masked["top"][0]["prob"] == 1.0


def test_logit_lens_api(client):
    data = client.predict("It was a dark and stormy", "SmolLM2-135M-Instruct", api_name="/logit_lens")
    assert len(data["layers"]) == 31 and len(data["cells"]) == 31 and len(data["cells"][0]) == 7
    assert data["cells"][-1][-1]["top"][0]["token"] == " night" and data["final_max_abs_diff"] < 1e-4


# ---- decoding ----------------------------------------------------------------------------------


def test_generate_api_equals_model_generate(client, registry):
    import torch

    loaded = registry.load("SmolLM2-135M-Instruct")
    data = client.predict("It was a dark and stormy", "SmolLM2-135M-Instruct", "top-k sampling", 12,
                          api_name="/generate")  # the rest: defaults (top_k filled in by the strategy, seed 0)
    ids = torch.tensor([causal_ids(loaded.tokenizer, "It was a dark and stormy")])
    torch.manual_seed(0)
    with torch.no_grad():
        ref = loaded.model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=12, do_sample=True,
                                    top_k=50, pad_token_id=2)
    assert [t["id"] for t in data["tokens"]] == ref[0, ids.shape[1]:].tolist()
    assert data["text"] == loaded.tokenizer.decode(ref[0, ids.shape[1]:])
    assert data["params"]["top_k"] == 50 and data["params"]["do_sample"] is True and data["params"]["seed"] == 0
    first = data["tokens"][0]
    assert first["top"][0]["token"] == " night" and 0.8 < first["top"][0]["prob"] <= 1  # the draw (seed 0) took " day"


def test_generate_api_beam_and_errors_keep_the_app_serving(client):
    beams = client.predict("I enjoy walking with my cute dog", "SmolLM2-135M-Instruct", "beam search", 6, 1.0, 0, 1.0,
                           3, 2, api_name="/generate")
    assert len(beams["sequences"]) == 2 and beams["sequences"][0]["score"] >= beams["sequences"][1]["score"]
    with pytest.raises(AppError, match="top_p must be above 0"):
        client.predict("x", "SmolLM2-135M-Instruct", "sampling", 5, 1.0, 0, 0.0, api_name="/generate")
    with pytest.raises(AppError, match="cannot be more than num_beams"):
        client.predict("x", "SmolLM2-135M-Instruct", "beam search", 5, 1.0, 0, 1.0, 2, 4, api_name="/generate")
    with pytest.raises(AppError, match="cannot do generation"):
        client.predict("x", "all-MiniLM-L6-v2", api_name="/generate")
    assert client.predict("Hello", "SmolLM2-135M-Instruct", "", 2, api_name="/generate")["tokens"]


def test_a_long_generation_does_not_hold_up_other_users(client):
    """Generation has its own concurrency group: a tokenize call is served while a generation runs."""
    job = client.submit("Once upon a time", "SmolLM2-135M-Instruct", "greedy", 120, api_name="/generate")
    while job.status().code.name in ("STARTING", "JOINING_QUEUE", "QUEUE_FULL", "IN_QUEUE", "SENDING_DATA"):
        time.sleep(0.02)  # until the generation is processing
    assert client.predict("hello world", "SmolLM2-135M-Instruct", api_name="/tokenize")["counts"]["tokens"] >= 2
    assert not job.done(), "the tokenize call came back while the generation was still running"
    assert len(job.result()["tokens"]) >= 1


# ---- bias probes ---------------------------------------------------------------------------------


def test_fill_mask_api_equals_the_pipeline_on_a_masked_lm(client, registry):
    from transformers import pipeline

    loaded = registry.load("local/tiny-bert-mlm")
    data = client.predict("the woman worked as a [MASK].", "local/tiny-bert-mlm", 5, api_name="/fill_mask")
    expected = pipeline("fill-mask", model=loaded.model, tokenizer=loaded.tokenizer, top_k=5)(
        "the woman worked as a [MASK].")
    assert [p["id"] for p in data["predictions"][0]] == [e["token"] for e in expected]
    assert all(abs(p["prob"] - e["score"]) < 1e-6 for p, e in zip(data["predictions"][0], expected))


def test_bias_probe_api_and_errors(client):
    data = client.predict("The {group} worked as a [MASK].\n{group} was hired as a [MASK].", "man, woman",
                          "nurse\nengineer", "SmolLM2-135M-Instruct", api_name="/bias_probe")
    assert len(data["rows"]) == 8 and data["rows"][0]["template"] == "The {group} worked as a [MASK]."
    assert all(0 < r["prob"] < 1 and r["rank"] >= 1 for r in data["rows"])
    with pytest.raises(AppError, match="all-MiniLM-L6-v2 \\(encoder\\) cannot do next-token"):
        client.predict("x [MASK]", "all-MiniLM-L6-v2", 5, api_name="/fill_mask")
    with pytest.raises(AppError, match="has no \\{group\\}"):
        client.predict("The man is [MASK].", "a", "b", "SmolLM2-135M-Instruct", api_name="/bias_probe")
