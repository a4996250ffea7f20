"""The same quantity through every API that can give it is the same number (|Δ| ≤ 1e-5): every tab reads
a text through the one core, so a log-probability does not depend on which tab a teacher shows."""

from __future__ import annotations

import math

import pytest

TOL = 1e-5


def _logprob_in(top: list[dict], token_id: int) -> float:
    found = [t for t in top if t["id"] == token_id]
    assert found, "the word must be in the list"
    return found[0]["logprob"] if found[0].get("logprob") is not None else math.log(found[0]["prob"])


def _word(top: list[dict], tokenizer, *, spaced: bool) -> dict:
    """A listed token that is a whole word (a leading space for BPE, no ## for WordPiece) and one token alone."""
    for t in top:
        text = t["token"]
        core = text[1:] if spaced else text
        if (not spaced or text.startswith(" ")) and core.isalpha() and \
                tokenizer(text, add_special_tokens=False)["input_ids"] == [t["id"]]:
            return t
    pytest.skip("no whole-word token in the list")


@pytest.mark.parametrize("model, prompt", [("SmolLM2-135M-Instruct", "It was a dark and stormy"),
                                           ("local/tiny-gpt2", "It was a dark and stormy")])
def test_a_causal_continuation_is_one_number_in_every_tab(client, registry, model, prompt):
    tok = registry.load_tokenizer(model)
    nt = client.predict(prompt, model, 50, 1.0, api_name="/next_token")
    word = _word(nt["top"], tok, spaced=True)
    expected = _logprob_in(nt["top"], word["id"])
    values = {"/next_token": expected}
    labels = f"w: {word['token'].strip()}\nz: zzzz"
    values["/classify"] = client.predict(prompt, model, "{text}", labels, False, api_name="/classify")["labels"][0][
        "logprob"]
    head, last = prompt.rsplit(" ", 1)
    probe = client.predict(head + " {group} [MASK]", last, word["token"].strip(), model, api_name="/bias_probe")
    values["/bias_probe"] = probe["rows"][0]["logprob"]
    fill = client.predict(prompt + " [MASK]", model, 50, api_name="/fill_mask")["predictions"][0]
    values["/fill_mask"] = _logprob_in(fill, word["id"])
    for api, value in values.items():
        assert value == pytest.approx(expected, abs=TOL), api
    greedy = client.predict(prompt, model, "greedy", 1, api_name="/generate")["tokens"][0]
    assert greedy["id"] == nt["top"][0]["id"]
    assert greedy["logprob"] == pytest.approx(nt["top"][0]["logprob"], abs=TOL), "/generate, first step"


def test_a_masked_word_is_one_number_in_every_tab(client, registry):
    model, text = "local/tiny-bert-mlm", "the man worked as a [MASK]."
    tok = registry.load_tokenizer(model)
    fill = client.predict(text, model, 50, api_name="/fill_mask")["predictions"][0]
    word = _word(fill, tok, spaced=False)
    expected = word["logprob"]
    nt = client.predict(text, model, 50, 1.0, api_name="/next_token")
    probe = client.predict("the {group} worked as a [MASK].", "man", word["token"], model, api_name="/bias_probe")
    c = client.predict("the man", model, "{text} worked as a [MASK].", f"w: {word['token']}\nz: zzzz", False,
                       api_name="/classify")
    for api, value in (("/next_token", _logprob_in(nt["top"], word["id"])), ("/bias_probe", probe["rows"][0]["logprob"]),
                       ("/classify", c["labels"][0]["logprob"])):
        assert value == pytest.approx(expected, abs=TOL), api


def test_a_seq2seq_first_decoder_token_is_one_number_in_every_tab(client):
    model, prompt = "local/tiny-t5", "translate English to French: sea otter"
    nt = client.predict(prompt, model, 50, 1.0, api_name="/next_token")
    greedy = client.predict(prompt, model, "greedy", 1, api_name="/generate")["tokens"][0]
    assert greedy["id"] == nt["top"][0]["id"] and greedy["logprob"] == pytest.approx(nt["top"][0]["logprob"], abs=TOL)
    spaced = next((t for t in nt["top"] if t["token"].startswith(" ") and t["token"][1:].isalpha()), None)
    if spaced is not None:
        c = client.predict(prompt, model, "{text}", f"w: {spaced['token'].strip()}\nz: zzzz", False,
                           api_name="/classify")
        assert c["labels"][0]["logprob"] == pytest.approx(_logprob_in(nt["top"], spaced["id"]), abs=TOL)
