"""Fuzz the API edge: hundreds of bad calls generated from each API's declared field types, over HTTP.

Every bad call must come back as an error with a clear message (never null, never Gradio's generic
"the upstream app has raised an exception", and naming the field it is about), and the server must
keep answering good calls in between and at the end.
"""

from __future__ import annotations

import inspect
import json
import math
import urllib.request

import pytest

from playground.ui import (
    api, attention_tab, attribution_panel, decoding_tab, embeddings_tab, next_token_tab, probes_tab, prompting_tab,
    tokenizer_tab,
)

GPT, MLM = "local/tiny-gpt2", "local/tiny-bert-mlm"

# Each API: its function (for the parameter order), its declared fields and a good call (the base every bad
# value is put into; the other parameters keep their defaults).
APIS = {
    "tokenize": (tokenizer_tab.tokenize_api, tokenizer_tab.TOKENIZE_FIELDS, {"text": "hi there", "model": GPT}),
    "next_token": (next_token_tab.next_token_api, next_token_tab.NEXT_TOKEN_FIELDS,
                   {"prompt": "It was", "model": GPT, "top_k": 5}),
    "logit_lens": (next_token_tab.logit_lens_api, next_token_tab.LOGIT_LENS_FIELDS, {"prompt": "It was", "model": GPT}),
    "generate": (decoding_tab.generate_api, decoding_tab.GENERATE_FIELDS,
                 {"prompt": "It was", "model": GPT, "max_new_tokens": 2}),
    "fill_mask": (probes_tab.fill_mask_api, probes_tab.FILL_MASK_FIELDS,
                  {"text": "the man worked as a [MASK].", "model": MLM, "k": 3}),
    "bias_probe": (probes_tab.bias_probe_api, probes_tab.BIAS_PROBE_FIELDS,
                   {"templates": "The {group} is a [MASK].", "groups": "man, woman", "targets": "nurse", "model": GPT}),
    "classify": (prompting_tab.classify_api, prompting_tab.CLASSIFY_FIELDS, {"text": "Great film.", "model": GPT}),
    "evaluate": (prompting_tab.evaluate_api, prompting_tab.EVALUATE_FIELDS,
                 {"dataset": "reviews", "model": GPT, "limit": 2}),
    "attention": (attention_tab.attention_api, attention_tab.ATTENTION_FIELDS, {"text": "It was dark.", "model": GPT}),
    "attention_by_hand": (attention_tab.attention_by_hand_api, attention_tab.BY_HAND_FIELDS,
                          {"text": "It was dark.", "model": GPT}),
    "embed": (embeddings_tab.embed_api, embeddings_tab.EMBED_FIELDS,
              {"texts": ["A cat sat.", "A dog ran."], "model": "local/tiny-bert"}),
    "similar_tokens": (embeddings_tab.similar_tokens_api, embeddings_tab.SIMILAR_TOKENS_FIELDS,
                       {"token": " the", "model": GPT, "k": 3}),
    "attribute": (attribution_panel.attribute_api, attribution_panel.ATTRIBUTE_FIELDS,
                  {"text": "It was a dark", "model": GPT, "steps": 4}),
}
GENERIC = ("upstream gradio app has raised an exception", "none")


def bad_values(kind) -> list:
    """Wrong values for a field of this type: wrong types, non-finite numbers, out of range, bad text."""
    wrong_types = [["a list"], {"an": "object"}]
    if isinstance(kind, api.Text):
        cap = kind.max_chars if isinstance(kind.max_chars, int) else 50_000
        too_long = ["x" * (cap + 1)] if cap <= 60_000 else []
        return [123, 4.5, True, *wrong_types, "ok \ud83d then", *too_long]
    if isinstance(kind, api.Model):
        return [123, *wrong_types, "not/a-model", "../../etc", "/etc", "gpt2", "x" * 301]
    if isinstance(kind, api.Int):
        hi = kind.hi if isinstance(kind.hi, int) else 256
        return ["3", 2.5, math.nan, math.inf, -math.inf, True, None, *wrong_types, kind.lo - 1, hi + 1, 10 ** 18]
    if isinstance(kind, api.Float):
        return ["0.5", math.nan, math.inf, -math.inf, True, None, *wrong_types, kind.lo - 1, kind.hi * 10 + 1]
    if isinstance(kind, api.Bool):
        return ["false", "true", "no", 0, 1, None, *wrong_types]
    if isinstance(kind, api.Choice):
        return [123, None, "no such choice", *wrong_types]
    if isinstance(kind, api.TextList):
        return [123, None, {"an": "object"}, [1, 2], ["ok", "x \ud83d"], ["x"] * (kind.max_items + 1)]
    if isinstance(kind, api.Rows):
        return [123, "a,b", [1, 2], [["a", 5]], [["a", "b"]] * (kind.max_rows + 1)]
    raise AssertionError(f"no bad values for {kind!r}")


def cases():
    for name, (_, fields, base) in APIS.items():
        for field, kind in fields.items():
            for value in bad_values(kind):
                yield name, field, value


CASES = list(cases())


def call(url: str, name: str, values: dict) -> tuple[str, object]:
    """One raw HTTP call (as a careful tester makes it: any JSON, a lone surrogate escaped as \\ud83d):
    ("complete", the answer) or ("error", the message)."""
    fn = APIS[name][0]
    params = list(inspect.signature(fn).parameters.values())[1:]  # less ctx
    data = [values.get(p.name, p.default) for p in params]
    body = json.dumps({"data": data}, ensure_ascii=True).encode()
    req = urllib.request.Request(f"{url}/gradio_api/call/{name}", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        event_id = json.load(resp)["event_id"]
    with urllib.request.urlopen(f"{url}/gradio_api/call/{name}/{event_id}", timeout=120) as resp:
        event, last = None, None
        for raw in resp:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                last = line[6:]
                if event in ("complete", "error"):
                    break
    payload = json.loads(last) if last not in (None, "null") else None
    if event == "complete":
        return "complete", payload[0]
    return "error", payload


def test_the_fuzz_table_covers_every_api_and_is_big_enough(client):
    for fn, fields, _ in APIS.values():
        assert list(inspect.signature(fn).parameters)[1:] == list(fields), f"{fn.__name__}: fields out of order"
    endpoints = {e.lstrip("/") for e in client.view_api(return_format="dict", print_info=False)["named_endpoints"]}
    assert endpoints <= set(APIS), f"APIs without fuzz entries: {endpoints - set(APIS)}"
    assert len(CASES) >= 200


@pytest.mark.parametrize("chunk", range(4))
def test_every_bad_call_gets_a_clear_message_and_the_server_keeps_serving(live_app, chunk):
    vague = []
    for name, field, value in CASES[chunk::4]:
        kind, message = call(live_app, name, {**APIS[name][2], field: value})
        text = str(message or "")
        lowered = text.lower().strip()
        if kind != "error" or not lowered or lowered in GENERIC or GENERIC[0] in lowered or (
                field not in text and "model" not in lowered):
            vague.append((name, field, repr(value)[:40], kind, text[:120]))
    assert not vague, vague
    for name in ("tokenize", "next_token"):  # still serving, and right
        kind, answer = call(live_app, name, APIS[name][2])
        assert kind == "complete" and answer["model"] == GPT


def test_a_raw_call_with_too_few_inputs_says_so(live_app):
    body = json.dumps({"data": ["hi"]}).encode()
    req = urllib.request.Request(f"{live_app}/gradio_api/call/next_token", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        event_id = json.load(resp)["event_id"]
    with urllib.request.urlopen(f"{live_app}/gradio_api/call/next_token/{event_id}", timeout=60) as resp:
        stream = resp.read().decode()
    assert "event: error" in stream and "didn't receive enough input values (needed: 4, got: 1)" in stream


def test_good_calls_of_every_api_answer_strict_json(live_app):
    for name, (_, _, base) in APIS.items():
        kind, answer = call(live_app, name, base)
        assert kind == "complete", (name, answer)
        json.dumps(answer, allow_nan=False)


def test_a_caller_that_disconnects_stops_its_generation(live_app, monkeypatch):
    """Raw HTTP: start a long generation, read one progress event, hang up. The generation must stop
    within a step, long before its 200 tokens (the run is watched in-process, no clock is read)."""
    import socket
    import threading

    from playground.compute import decoding

    runs, real = [], decoding.run

    def watched(lm, prompt, params, *, stop=None):
        record = {"steps": 0, "stop": stop, "done": threading.Event()}
        runs.append(record)
        try:
            for item in real(lm, prompt, params, stop=stop):
                record["steps"] += isinstance(item, decoding.Step)
                yield item
        finally:
            record["done"].set()

    monkeypatch.setattr(decoding, "run", watched)
    params = list(inspect.signature(decoding_tab.generate_api).parameters.values())[1:]
    values = {"prompt": "Once upon a time", "model": "SmolLM2-135M-Instruct", "max_new_tokens": 200}
    body = json.dumps({"data": [values.get(p.name, p.default) for p in params]}).encode()
    req = urllib.request.Request(f"{live_app}/gradio_api/call/generate", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        event_id = json.load(resp)["event_id"]
    host, port = live_app.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        sock.sendall(f"GET /gradio_api/call/generate/{event_id} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        seen = b""
        while b'"partial"' not in seen:  # a progress event: the generation is running
            chunk = sock.recv(4096)
            assert chunk, f"the server closed the stream: {seen[-300:]!r}"
            seen += chunk
    assert runs and runs[-1]["done"].wait(120), "the generation did not end after its caller left"
    assert runs[-1]["stop"].is_set() and 0 < runs[-1]["steps"] < 200
