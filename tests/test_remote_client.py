"""The OpenAI-compatible client (playground/compute/lm/remote_client.py and remote_wire.py).

Against a real server: llama-cpp-python 0.3.36 serving the packaged SmolLM2-135M-Instruct GGUF on
127.0.0.1 (tests/remote_engine.py; skipped without .venv-engine, failed on CI). Compared with the
same GGUF loaded locally through transformers (dequantized to float32).

The vLLM paths (prompt_logprobs, /tokenize with return_token_strs, the max-logprobs 400 error, token-id
prompts, n > 1) run against canned answers in vLLM's documented schema (tests/openai_stub.py), not a
live vLLM. The faults (down, slow, 404, 401, 500 with a body, no log-probs, restart) are real.
"""

from __future__ import annotations

import math
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import torch

from playground.compute.lm.remote_client import (
    ERROR_BODY_CHARS, Capabilities, RemoteError, Sampling, Server, StreamEnd, StreamToken,
    echoed_span, read_logprobs, sampling_payload,
)
from playground.config import Settings
from playground.models import ModelRegistry
from tests.openai_stub import Reply, StubServer, ToyVLLM, not_found, toy_logprobs, toy_tokenize, toy_top
from tests.remote_engine import free_port, raw_completion, start_engine, stop_engine

SMOL = "SmolLM2-135M-Instruct"
STORMY = "It was a dark and stormy"
# Server (llama.cpp: Q4_1 weights times activations quantized to 8 bits) against transformers
# (the same weights dequantized, float32): measured on 20 prompts, the top-5 log-probs differ by
# 0.075 nats (median) and 0.71 at most; a wrong token id would be off by ~10.
LOGPROB_TOLERANCE = 1.0
PROMPTS = ["It was a dark and stormy", "The capital of France is", "One, two, three, four,", "def fibonacci(n):",
           "I love", "The cat sat on the", "Water boils at", "Once upon a time"]


@pytest.fixture(scope="module")
def server(engine):
    with Server(engine.base_url, engine.api_key, timeout=60) as s:
        yield s


@pytest.fixture(scope="module")
def caps(server, engine) -> Capabilities:
    return server.probe(engine.model)


@pytest.fixture(scope="module")
def local_registry():
    return ModelRegistry(Settings.from_env())


@pytest.fixture(scope="module")
def local_tokenizer(local_registry):
    return local_registry.load_tokenizer(SMOL)


@pytest.fixture(scope="module")
def local_model(local_registry):
    return local_registry.load(SMOL)


def local_next_logprobs(loaded, text: str) -> torch.Tensor:
    """log P(next token | text) from the local transformers model, shape (vocab,)."""
    ids = loaded.tokenizer(text, return_tensors="pt")["input_ids"]
    with torch.inference_mode():
        return torch.log_softmax(loaded.model(ids).logits[0, -1].double(), dim=-1)


# ---- llama-cpp-python's server, live --------------------------------------------------------------

def test_models_lists_the_alias(server, engine):
    assert server.models() == (SMOL,)


def test_probe_finds_the_tokenizer_and_refuses_the_shifted_echo(server, caps, engine):
    assert (caps.tokenize, caps.dialect, caps.added_ids) == ("llama-cpp-python", "llama-cpp-python", ())
    assert caps.logprobs and caps.max_logprobs == 100 and caps.max_logprobs_source == "ceiling accepted"
    assert not caps.token_id_prompts  # its `prompt` is str | list[str]: a list of ids is a 500
    assert not caps.prompt_logprobs  # the field is silently ignored
    assert caps.echo_logprobs and caps.echo_correct is False
    assert caps.scoring is None and "wrong position" in caps.scoring_reason
    assert caps.knobs == ("top_k", "min_p", "repetition_penalty")
    assert server.probe(engine.model) is caps  # once per server


def test_echoed_prompt_logprobs_are_read_one_position_late(engine):
    """The measured server bug the probe detects: with echo, each prompt token's log-prob is read
    from the distribution that predicts the token after it."""
    generated = raw_completion(engine, prompt=STORMY, max_tokens=1, temperature=0, logprobs=1)["logprobs"]
    after_night = raw_completion(engine, prompt=STORMY + " night", max_tokens=1, temperature=0, logprobs=3)["logprobs"]
    echoed = raw_completion(engine, prompt=STORMY + " night", max_tokens=1, temperature=0, logprobs=3,
                            echo=True)["logprobs"]
    assert generated["tokens"] == [" night"] and generated["token_logprobs"][0] == pytest.approx(-0.0327, abs=0.01)
    night = echoed["tokens"].index(" night")
    assert echoed["token_logprobs"][night] == pytest.approx(-11.42, abs=0.1)  # not -0.03
    next_top = after_night["top_logprobs"][0]  # what follows " night": "," -0.63, "." -1.60, ...
    for text, value in next_top.items():
        assert echoed["top_logprobs"][night][text] == pytest.approx(value, abs=1e-3)
    assert len(echoed["tokens"]) == 7  # the prompt's 7 tokens only: the generated "," is dropped


def test_score_is_refused_with_the_reason(server, engine):
    with pytest.raises(RemoteError, match="cannot score prompt tokens correctly.*wrong position") as err:
        server.score(engine.model, STORMY, " night")
    assert err.value.kind == "unsupported"


@pytest.mark.parametrize("text", [STORMY, "漢字 and emoji 🙂 café naïve", "<|im_start|>user\nHi<|im_end|>",
                                  "  two  spaces\n\ttab", "Tokenizers split text: run, runs, running."])
def test_tokenize_equals_the_local_tokenizer(server, engine, local_tokenizer, text):
    assert server.tokenize(engine.model, text).ids == tuple(local_tokenizer(text)["input_ids"])


def test_neither_tokenizer_adds_a_start_token(server, caps, engine, local_tokenizer):
    assert caps.added_ids == () and server.tokenize(engine.model, "").ids == ()
    assert tuple(local_tokenizer("x")["input_ids"]) == server.tokenize(engine.model, "x").ids == (104,)
    assert server.tokenize(engine.model, "<|im_start|>").ids == (local_tokenizer.bos_token_id,)  # parsed, not added


def test_detokenize_round_trips(server, engine):
    ids = server.tokenize(engine.model, "漢字 and emoji 🙂").ids
    assert server.detokenize(engine.model, ids) == "漢字 and emoji 🙂"


def test_token_id_prompts_go_as_text_when_they_round_trip(server, engine):
    ids = server.tokenize(engine.model, STORMY).ids
    assert server.next_token(engine.model, list(ids), 3) == server.next_token(engine.model, STORMY, 3)
    split_night = list(ids) + list(server.tokenize(engine.model, " ").ids) + list(server.tokenize(engine.model, "night").ids)
    with pytest.raises(RemoteError, match="takes text prompts only") as err:
        server.next_token(engine.model, split_night, 3)  # " " + "night" would come back as " night"
    assert err.value.kind == "unsupported"


@pytest.mark.slow
def test_next_token_top5_agrees_with_the_local_model(server, engine, local_model, record_property):
    """Token strings mapped to ids through the server's tokenizer name the same tokens the local
    model ranks there, with log-probs equal up to llama.cpp's quantized arithmetic."""
    differences, same_first = [], 0
    for prompt in PROMPTS:
        result = server.next_token(engine.model, prompt, 5)
        local = local_next_logprobs(local_model, prompt)
        assert len(result.top) == 5 and result.notice is None and result.chosen == result.top[0]
        assert all(t.id is not None for t in result.top)
        differences += [abs(t.logprob - local[t.id].item()) for t in result.top]
        top2 = local.topk(2)
        if top2.values[0] - top2.values[1] > LOGPROB_TOLERANCE:  # a clear winner must be the same token
            assert result.chosen.id == top2.indices[0].item(), prompt
        same_first += result.chosen.id == top2.indices[0].item()
    record_property("max_logprob_difference", max(differences))
    record_property("top1_agreement", f"{same_first}/{len(PROMPTS)}")
    assert max(differences) < LOGPROB_TOLERANCE, differences
    assert same_first >= len(PROMPTS) - 1


def test_next_token_stormy_night(server, engine):
    result = server.next_token(engine.model, STORMY, 5)
    assert [t.text for t in result.top] == [" night", " evening", " day", " nights", " morning"]
    assert result.top[0].id == 3163 and result.top[0].logprob == pytest.approx(-0.0327, abs=0.01)
    assert math.fsum(math.exp(t.logprob) for t in result.top) < 1.0


def test_next_token_says_when_the_server_caps_n(server, caps, engine):
    result = server.next_token(engine.model, STORMY, caps.max_logprobs + 20, ids=False)
    assert result.requested == caps.max_logprobs + 20 and len(result.top) <= caps.max_logprobs
    assert result.cap == caps.max_logprobs and "at most 100" in result.notice


def test_streamed_greedy_text_equals_the_completion(server, engine):
    params = Sampling(max_tokens=24, temperature=0)
    complete = server.complete(engine.model, "Once upon a time", params, top=2).choices[0]
    events = list(server.stream(engine.model, "Once upon a time", params, top=2))
    tokens, end = events[:-1], events[-1]
    assert all(isinstance(e, StreamToken) for e in tokens) and isinstance(end, StreamEnd)
    assert "".join(e.token.text for e in tokens) == end.texts[0] == complete.text
    assert [e.position for e in tokens] == list(range(24)) and len(complete.tokens) == 24
    assert end.finish_reasons == ("length",) == (complete.finish_reason,) and not end.stopped
    assert [e.token.logprob for e in tokens] == pytest.approx([t.logprob for t in complete.tokens], abs=1e-4)
    assert all(len(e.top) == 2 and e.top[0].logprob >= e.top[1].logprob for e in tokens)


def test_a_stop_string_ends_the_stream(server, engine):
    events = list(server.stream(engine.model, "One, two, three,", Sampling(max_tokens=30, temperature=0, stop=(" six",))))
    assert events[-1].finish_reasons == ("stop",) and events[-1].texts[0] == " four, five,"


def test_stop_event_closes_the_stream(server, engine):
    stop, tokens = threading.Event(), []
    for event in server.stream(engine.model, "Once upon a time", Sampling(max_tokens=200, temperature=0), stop):
        if isinstance(event, StreamToken):
            tokens.append(event)
            if len(tokens) == 3:
                stop.set()
        else:
            end = event
    assert len(tokens) == 3 and end.stopped and end.finish_reasons == (None,)
    assert _log_says(engine, "Disconnected from client"), "the server did not notice the closed stream"
    assert server.next_token(engine.model, STORMY, 1).chosen.text == " night"  # and it serves the next call


def test_closing_the_iterator_closes_the_stream(server, engine):
    before = engine.log.read_text().count("Disconnected from client")
    events = server.stream(engine.model, "Once upon a time", Sampling(max_tokens=200, temperature=0))
    assert isinstance(next(events), StreamToken)
    events.close()
    assert _log_says(engine, "Disconnected from client", more_than=before)


def _log_says(engine, needle: str, more_than: int = 0, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if engine.log.read_text().count(needle) > more_than:
            return True
        time.sleep(0.1)
    return False


def test_a_seed_makes_sampling_repeatable(server, engine):
    def sample(seed):
        params = Sampling(max_tokens=12, temperature=1.0, seed=seed)
        return server.complete(engine.model, "Once upon a time", params).choices[0].text

    assert sample(7) == sample(7)
    assert len({sample(7), sample(8), sample(9), sample(10)}) > 1


def test_the_servers_own_defaults_are_not_neutral(server, engine):
    """Why every knob is always sent: left out, llama-cpp-python applies repeat_penalty=1.1 (and
    top_k=40, top_p=0.95, min_p=0.05), so even its greedy text changes."""
    prompt = "one one one one one one"
    defaults = raw_completion(engine, prompt=prompt, max_tokens=16, temperature=0)["text"]
    neutral = raw_completion(engine, prompt=prompt, max_tokens=16, temperature=0, repeat_penalty=1.0)["text"]
    assert defaults != neutral
    assert server.complete(engine.model, prompt, Sampling(max_tokens=16, temperature=0)).choices[0].text == neutral


def test_knobs_this_server_lacks_are_refused(server, engine):
    with pytest.raises(RemoteError, match="no n") as err:
        server.complete(engine.model, STORMY, Sampling(n=2))
    assert err.value.kind == "unsupported"


def test_a_model_the_server_does_not_serve(server, engine):
    with pytest.raises(RemoteError, match=f"does not serve 'gpt-4'; it serves: {SMOL}") as err:
        server.next_token("gpt-4", STORMY)  # llama-cpp-python itself would answer with SmolLM2
    assert err.value.kind == "model"


# ---- faults --------------------------------------------------------------------------------------

def test_a_server_that_is_down():
    with Server(f"http://127.0.0.1:{free_port()}/v1", timeout=5) as s:
        started = time.monotonic()
        with pytest.raises(RemoteError, match="cannot connect to .*is the server running") as err:
            s.models()
    assert err.value.kind == "down" and time.monotonic() - started < 5


def test_a_slow_server_times_out_with_a_message():
    def slow(request):
        time.sleep(3)
        return Reply(200, {"data": []})

    with StubServer(slow) as stub, Server(stub.base_url, timeout=0.5) as s:
        started = time.monotonic()
        with pytest.raises(RemoteError, match="did not answer in time.*0.5 s") as err:
            s.models()
    assert err.value.kind == "timeout" and time.monotonic() - started < 2.5


def test_a_wrong_url_is_a_404_with_the_fix(engine):
    root = engine.base_url[: -len("/v1")]
    with Server(root + "/api/v1", engine.api_key) as s, pytest.raises(RemoteError, match="404.*must be the API root") as err:
        s.models()
    assert err.value.kind == "not_found" and err.value.status == 404


def test_a_wrong_key_is_refused_and_never_shown(engine):
    wrong = "sk-wrong-" + "x" * 24
    with Server(engine.base_url, wrong) as s, pytest.raises(RemoteError) as err:
        s.models()
    assert err.value.kind == "auth" and err.value.status == 401
    assert wrong not in str(err.value) and engine.api_key not in str(err.value)
    assert wrong not in repr(s) and "***" in repr(s)


def test_an_http_error_quotes_the_body_with_the_key_scrubbed():
    key = "sk-secret-" + "k" * 30

    def broken(request):
        echoed = request.headers.get("Authorization", "")
        return Reply(500, {"error": {"message": f"upstream failed; request had {echoed}; " + "x" * 2000}})

    with StubServer(broken) as stub, Server(stub.base_url, key) as s, pytest.raises(RemoteError) as err:
        s.models()
    message = str(err.value)
    assert err.value.kind == "http" and err.value.status == 500
    assert key not in message and "Bearer ***" in message and "upstream failed" in message
    assert len(message) < ERROR_BODY_CHARS + 200


def test_a_server_without_logprobs():
    def plain(request):
        if request.path == "/v1/models":
            return Reply(200, {"object": "list", "data": [{"id": "plain"}]})
        if request.path == "/v1/completions":
            return Reply(200, {"choices": [{"index": 0, "text": " five", "logprobs": None, "finish_reason": "length"}]})
        return not_found(request)

    with StubServer(plain) as stub, Server(stub.base_url) as s:
        caps = s.probe("plain")
        assert (caps.tokenize, caps.dialect, caps.logprobs, caps.max_logprobs, caps.scoring) == (None, "openai", False, 0, None)
        for call in (lambda: s.next_token("plain", "One"), lambda: s.score("plain", "One", " two")):
            with pytest.raises(RemoteError, match="returns no log-probs") as err:
                call()
            assert err.value.kind == "no_logprobs"
        with pytest.raises(RemoteError, match="no tokenize endpoint"):
            s.tokenize("plain", "One")
        assert s.complete("plain", "One").choices[0].text == " five"  # it can still generate


def test_a_restarted_server_answers_the_next_call(engine, tmp_path):  # engine: skipped where it cannot run
    port = free_port()
    first = start_engine(tmp_path / "first", port=port, api_key="k1")
    s = Server(first.base_url, "k1", timeout=30)
    try:
        assert s.next_token(first.model, STORMY, 1).chosen.text == " night"
        stop_engine(first)
        with pytest.raises(RemoteError) as err:
            s.next_token(first.model, STORMY, 1)
        assert err.value.kind == "down"
        second = start_engine(tmp_path / "second", port=port, api_key="k1")
        try:
            assert s.next_token(second.model, STORMY, 1).chosen.text == " night"
        finally:
            stop_engine(second)
    finally:
        stop_engine(first)
        s.close()


def test_the_app_process_never_imports_the_engine(server, engine):
    server.models()
    assert "llama_cpp" not in sys.modules


def test_the_client_imports_no_torch_and_no_gradio():
    code = ("import sys, playground.compute.lm.remote_client; "
            "print(sorted(m for m in ('torch', 'gradio', 'transformers', 'llama_cpp') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "[]"


# ---- vLLM's protocol, on canned answers (tests/openai_stub.py; not a live vLLM) ------------------------

@pytest.fixture
def toy():
    model = ToyVLLM()
    with StubServer(model) as stub, Server(stub.base_url) as s:
        yield model, stub, s


def test_vllm_probe(toy):
    model, stub, s = toy
    caps = s.probe(model.model)
    assert (caps.tokenize, caps.dialect, caps.added_ids, caps.token_id_prompts) == ("vllm", "vllm", (0,), True)
    assert (caps.max_logprobs, caps.max_logprobs_source) == (20, "server limit")  # from its 400 at 100
    assert caps.prompt_logprobs and caps.echo_correct and caps.scoring == "prompt_logprobs"
    assert caps.knobs == ("top_k", "min_p", "repetition_penalty", "n")
    asked = [body.get("logprobs") for body in stub.posted("/v1/completions")]
    assert asked[:2] == [100, 20]


def test_vllm_tokenize_returns_token_strs(toy):
    model, stub, s = toy
    tokens = s.tokenize(model.model, "One, two")
    assert tokens.ids == (0, 1, 2, 3) and tokens.pieces == ("<s>", "One", ",", "Ġtwo")
    assert s.tokenize(model.model, "One, two", add_special=False).ids == (1, 2, 3)
    assert stub.posted("/tokenize")[-1] == {"model": model.model, "prompt": "One, two", "add_special_tokens": False,
                                             "return_token_strs": True}
    assert s.detokenize(model.model, [1, 2, 3]) == "One, two"


def test_vllm_next_token_is_capped_by_max_logprobs(toy):
    model, stub, s = toy
    result = s.next_token(model.model, "One, two", 25)
    previous = toy_tokenize("One, two")[-1]
    assert [t.id for t in result.top] == toy_top(previous, 12)  # 20 asked; the toy's vocabulary has 12
    assert [t.logprob for t in result.top] == pytest.approx([toy_logprobs(previous)[j] for j in toy_top(previous, 12)])
    assert "at most 20" in result.notice and stub.posted("/v1/completions")[-1]["logprobs"] == 20


def test_vllm_score_through_prompt_logprobs(toy):
    model, stub, s = toy
    scored = s.score(model.model, "One, two", " three four")
    ids = toy_tokenize("One, two three four")
    expected = [toy_logprobs(ids[i - 1])[ids[i]] for i in (4, 5)]
    assert [t.id for t in scored.tokens] == [4, 5] and [t.text for t in scored.tokens] == [" three", " four"]
    assert [t.logprob for t in scored.tokens] == pytest.approx(expected) and scored.total == pytest.approx(sum(expected))
    request = stub.posted("/v1/completions")[-1]
    assert request["prompt"] == ids and request["prompt_logprobs"] == 1 and scored.method == "prompt_logprobs"


def test_vllm_score_tokens_gives_ranks_and_alternatives(toy):
    model, stub, s = toy
    tokens = s.score_tokens(model.model, "One, two", " three four", top=3)
    ids = toy_tokenize("One, two three four")
    for token, position in zip(tokens, (4, 5)):
        order = toy_top(ids[position - 1], 12)
        assert token.token.id == ids[position] and token.rank == order.index(ids[position]) + 1
        assert [a.id for a in token.top] == order[:3]
    assert stub.posted("/v1/completions")[-1]["prompt_logprobs"] == 3


def test_vllm_model_cards_carry_root_and_context(toy):
    model, stub, s = toy
    (card,) = s.model_cards()
    assert (card["id"], card["root"], card["max_model_len"]) == (model.model, model.model, 64)


def test_beam_search_is_spelled_for_vllm_only():
    assert sampling_payload(Sampling(beams=3, length_penalty=0.5), "vllm") == {
        "max_tokens": 16, "temperature": 1.0, "top_p": 1.0, "top_k": -1, "min_p": 0.0, "repetition_penalty": 1.0,
        "n": 3, "use_beam_search": True, "length_penalty": 0.5}
    with pytest.raises(RemoteError, match="no beam search"):
        sampling_payload(Sampling(beams=3), "llama-cpp-python")
    with pytest.raises(RemoteError, match="beam search only"):
        sampling_payload(Sampling(length_penalty=2.0), "vllm")


def test_vllm_score_through_echo_when_prompt_logprobs_is_missing():
    class EchoOnly(ToyVLLM):
        def _choice(self, body, ids, prompt_text, index):
            body = {k: v for k, v in body.items() if k != "prompt_logprobs"}
            return super()._choice(body, ids, prompt_text, index)

    model = EchoOnly()
    with StubServer(model) as stub, Server(stub.base_url) as s:
        caps = s.probe(model.model)
        assert not caps.prompt_logprobs and caps.echo_correct and caps.scoring == "echo"
        scored = s.score(model.model, "One, two", " three four")
    ids = toy_tokenize("One, two three four")
    assert [t.logprob for t in scored.tokens] == pytest.approx([toy_logprobs(ids[i - 1])[ids[i]] for i in (4, 5)])
    assert [t.id for t in scored.tokens] == [4, 5] and scored.method == "echo"


def test_vllm_stream_with_n_and_its_knob_names(toy):
    model, stub, s = toy
    params = Sampling(max_tokens=3, temperature=0.7, top_p=0.9, repetition_penalty=1.2, seed=3, n=2)
    events = list(s.stream(model.model, "One", params, top=2))
    end = events[-1]
    for choice in (0, 1):
        mine = [e for e in events[:-1] if e.choice == choice]
        assert [e.position for e in mine] == [0, 1, 2] and "".join(e.token.text for e in mine) == end.texts[choice]
    assert end.finish_reasons == ("length", "length")
    request = stub.posted("/v1/completions")[-1]
    assert {k: request[k] for k in ("top_k", "min_p", "repetition_penalty", "n", "seed", "top_p", "stream")} == {
        "top_k": -1, "min_p": 0.0, "repetition_penalty": 1.2, "n": 2, "seed": 3, "top_p": 0.9, "stream": True}


def test_vllm_token_id_prompts_are_sent_as_ids(toy):
    model, stub, s = toy
    s.next_token(model.model, [0, 1, 2], 3, ids=False)
    assert stub.posted("/v1/completions")[-1]["prompt"] == [0, 1, 2]


def test_vllm_a_model_no_longer_served(toy):
    model, stub, s = toy
    served = model.model
    s.probe(served)
    model.model = "toy/another-model"  # the server was restarted with another model
    with pytest.raises(RemoteError, match="does not exist") as err:
        s.next_token(served, "One", 2)  # its 404: "The model `toy/vllm-model` does not exist."
    assert err.value.kind == "model"
    with pytest.raises(RemoteError, match="it serves: toy/another-model"):
        s.next_token(served, "One", 2)  # probed afresh, not answered from the old capabilities


# ---- pure helpers ------------------------------------------------------------------------------------

def test_sampling_payload_spells_knobs_per_dialect():
    params = Sampling(max_tokens=5, temperature=0.5, top_k=0, min_p=0.1)
    assert sampling_payload(params, "llama-cpp-python") == {"max_tokens": 5, "temperature": 0.5, "top_p": 1.0,
                                                             "top_k": 0, "min_p": 0.1, "repeat_penalty": 1.0}
    assert sampling_payload(params, "vllm")["top_k"] == -1  # vLLM's "off" (0 is refused by older versions)
    assert sampling_payload(Sampling(), "openai") == {"max_tokens": 16, "temperature": 1.0, "top_p": 1.0, "n": 1}
    with pytest.raises(RemoteError, match="openai server has no top_k"):
        sampling_payload(Sampling(top_k=5), "openai")


@pytest.mark.parametrize("field,value", [("max_tokens", 0), ("temperature", -1), ("top_p", 0), ("top_k", -1),
                                         ("min_p", 1), ("repetition_penalty", 0), ("n", 0)])
def test_sampling_says_what_is_allowed(field, value):
    with pytest.raises(ValueError, match=field):
        Sampling(**{field: value})


def test_echoed_span_finds_tokens_by_text():
    block = {"tokens": ["<s>", "One", ",", " two", " three"], "token_logprobs": [None, None, -1.0, -2.0, -3.0],
             "top_logprobs": [None, None, {",": -1.0}, {" two": -2.0}, {" three": -3.0}]}
    assert [t.text for t in echoed_span(block, "One,", " two")] == [" two"]
    assert [t.logprob for t in echoed_span(block, "One", ", two")] == [-1.0, -2.0]
    assert echoed_span(block, "One, t", "wo") is None  # not a token boundary
    assert read_logprobs(block, 1)[2][1][0].text == ","
