"""A model behind a server as a backend of the core (compute/lm/remote.py), its catalog entries
(remote_models.py) and the tabs that use it.

Against a real engine: llama-cpp-python 0.3.36 serving the packaged SmolLM2-135M-Instruct GGUF on
127.0.0.1 (tests/remote_engine.py; skipped without .venv-engine, failed on CI), compared with the
same GGUF in transformers (float32) through the local path, and with the server's own raw answers.

The vLLM paths (token-id prompts, prompt_logprobs scoring, /tokenize with token strings, n, beam search)
run against canned answers in vLLM's documented schema (tests/openai_stub.py), never a live vLLM. The
faults (down, slow, a wrong URL, a model no longer served, no log-probs, an HTTP error with a body, a
restart) are real servers on 127.0.0.1 that misbehave.
"""

from __future__ import annotations

import math
import time

import gradio as gr
import pytest

from playground.compute import decoding, lm, prompting
from playground.compute import next_token as nt
from playground.compute.lm.remote import RemoteBackend, ServerTokenizer
from playground.errors import InputError, ModelUnavailable
from playground.models import ATTENTION, ModelRegistry
from playground.ui.decoding_tab import KNOBS, SERVER_KNOBS, build_decoding_tab, run_by_hand, server_knobs
from playground.ui.next_token_tab import build_next_token_tab, run_logit_lens
from playground.ui.prompting_tab import build_prompting_tab, run_prompt
from playground.ui.shell import catalog_rows
from tests.conftest import causal_ids, loopback_client, tab_context
from tests.openai_stub import Reply, StubServer, ToyVLLM, not_found, toy_logprobs, toy_tokenize, toy_top
from tests.remote_engine import NEUTRAL, free_port, raw_completion

SMOL = "SmolLM2-135M-Instruct"
REMOTE = "remote/SmolLM2-135M-Instruct"
STORMY = "It was a dark and stormy"
# llama.cpp (Q4_1 weights, 8-bit activations) against transformers (float32) on the same GGUF: the top-5
# log-probs differ by 0.71 nats at most (20 prompts, measured). Where two neighbours in the local top
# list are further apart than this, their order must be the same on the server.
CLEAR_MARGIN = 1.5
PROMPTS = ["It was a dark and stormy", "The capital of France is", "One, two, three, four,", "def fibonacci(n):",
           "I love", "The cat sat on the", "Water boils at", "Once upon a time"]
WORDS = "the server sends tokens and log-probabilities, not its weights or attentions"


@pytest.fixture(scope="module")
def remote_registry(remote_settings):
    registry = ModelRegistry(remote_settings)
    registry.refresh_remote()
    return registry


@pytest.fixture(scope="module")
def rb(remote_registry) -> RemoteBackend:
    return lm.open_backend(remote_registry, REMOTE, limits=lm.Limits())


@pytest.fixture(scope="module")
def tok(remote_registry):
    return remote_registry.load_tokenizer(SMOL)


def greedy(max_new_tokens: int, **kw) -> decoding.GenParams:
    return decoding.check(decoding.GenParams(max_new_tokens=max_new_tokens, **kw), max_new_tokens=256)[0]


# ---- the catalog ---------------------------------------------------------------------------------------

def test_each_served_model_is_in_the_catalog_with_its_server_and_capabilities(remote_registry, engine):
    spec = remote_registry.spec(REMOTE)
    assert (spec.source_kind, spec.source, spec.served, spec.family) == ("remote", engine.base_url, SMOL, "causal")
    assert spec.capabilities == {"next-token", "generation", "tokenizer"}
    status = remote_registry.availability(spec)
    assert status.ok and engine.base_url in status.reason and "llama-cpp-python" in status.reason
    assert "top 100 log-probs" in status.reason and "cannot score given tokens" in status.reason
    assert (REMOTE, REMOTE) in remote_registry.choices("next-token")
    assert REMOTE not in [name for _, name in remote_registry.choices(ATTENTION)]
    rows = [r for r in catalog_rows(remote_registry, probe_hub=False) if r[0] == REMOTE]
    assert rows and rows[0][2] == f"remote: {engine.base_url}" and rows[0][4].startswith("available: served by")
    shown = repr(remote_registry.specs()) + repr(catalog_rows(remote_registry, probe_hub=False))
    assert engine.api_key not in shown


def test_the_local_tokenizer_is_used_after_the_server_agrees(rb, tok):
    assert rb.local_tokenizer and rb.tokenizer is tok and "checked against the server" in rb.tokenizer_note
    assert rb.reads_like_local and "reads '<|endoftext|>It was' as [0, 1589, 436]" in rb.tokenizer_note
    assert rb.vocab == 49152


def test_what_a_server_offers_and_why_not(rb):
    assert rb.operations == {lm.TOKENIZE, lm.TOP_NEXT, lm.GENERATE}
    for op in (lm.HIDDEN_STATES, lm.ATTENTIONS, lm.GRADIENTS, lm.WEIGHTS):
        assert "a model behind a server sends tokens and log-probabilities, not its weights or attentions" in rb.why_not(op)
    assert "top 100 next tokens" in rb.why_not(lm.NEXT_TOKEN) and "not the whole distribution" in rb.why_not(lm.NEXT_TOKEN)
    assert "wrong position" in rb.why_not(lm.SCORE)
    with pytest.raises(InputError, match="The logit lens needs the model's weights: .* not its weights"):
        rb.require(lm.WEIGHTS, "the logit lens")


# ---- the same text is read the same way --------------------------------------------------------------

@pytest.mark.parametrize("text", [STORMY, "漢字 and emoji 🙂 café naïve", "<|im_start|>user\nHi<|im_end|>", "",
                                  "  two  spaces\n\ttab"])
def test_the_server_reads_exactly_the_local_ids(rb, smol, tok, text):
    """The core's policy puts <|endoftext|> first; llama-cpp-python takes no id prompts (HTTP 500), so the
    text goes with the special token spelled out, and the server's tokenize endpoint confirms it reads
    the start token as the special token, not as the 7 pieces of its spelling."""
    ids = rb.encode(text).ids
    assert list(ids) == causal_ids(tok, text) == list(lm.backend_of(smol).encode(text).ids)
    prompt, notices = rb.wire_prompt(ids)
    assert isinstance(prompt, str) and prompt.startswith("<|endoftext|>") and notices == ()
    assert rb.server.tokenize(rb.served, prompt).ids == ids


def test_a_text_that_reads_otherwise_on_the_server_says_so(rb, tok):
    """" " + "night" sent as text comes back as one token " night": the notice says the server read it otherwise."""
    ids = rb.encode(STORMY).ids + tuple(tok(" ", add_special_tokens=False)["input_ids"]) + tuple(
        tok("night", add_special_tokens=False)["input_ids"])
    _, notices = rb.wire_prompt(ids)
    assert len(notices) == 1 and f"where the local tokenizer makes {len(ids)}" in notices[0]


def test_the_server_tokenizer_gives_the_same_ids_without_a_local_copy(rb, tok):
    """With no local copy of the tokenizer, the core's policy runs on the server's tokenize endpoint."""
    server_tok = ServerTokenizer(rb.server, rb.served, rb.caps)
    b = RemoteBackend(rb.spec, rb.server, rb.served, rb.caps, server_tok, local_tokenizer=False)
    assert not b.reads_like_local  # each prompt is checked with the server's tokenize endpoint
    for text in (STORMY, "漢字 and emoji 🙂", ""):
        assert b.encode(text).ids == rb.encode(text).ids
        assert b.wire_prompt(b.encode(text).ids)[1] == ()
    assert b.labels(b.encode(STORMY).ids) == rb.labels(rb.encode(STORMY).ids)
    assert b.start_ids() == rb.start_ids() == (0,)
    got = b.top_next(b.encode(STORMY).ids, 5)
    assert got.ids == rb.top_next(rb.encode(STORMY).ids, 5).ids and got.vocab is None


# ---- next token: the top N, against the local path and the server's own answer -------------------------

def test_next_token_top5_equals_the_local_path_where_the_margin_is_clear(rb, smol, engine):
    compared = 0
    for prompt in PROMPTS:
        remote, local = nt.next_token(rb, prompt), nt.next_token(smol, prompt)
        assert [t.id for t in remote.tokens] == [t.id for t in local.tokens]
        r, l5 = nt.distribution(remote, 1.0, 5).top, nt.distribution(local, 1.0, 6).top
        assert {c.id for c in r} <= {c.id for c in nt.distribution(local, 1.0, 10).top}, prompt  # the same tokens
        for i in range(5):
            clear = (i == 0 or l5[i - 1].logprob - l5[i].logprob > CLEAR_MARGIN) and \
                l5[i].logprob - l5[i + 1].logprob > CLEAR_MARGIN
            if clear:
                assert r[i].id == l5[i].id, (prompt, i)
                compared += 1
        # and the numbers are the server's own: the same request sent by hand (the text with its start token)
        raw = raw_completion(engine, prompt="<|endoftext|>" + prompt, max_tokens=1, temperature=0, logprobs=5,
                             **NEUTRAL)["logprobs"]["top_logprobs"][0]
        expected = sorted(raw.items(), key=lambda kv: -kv[1])[:5]
        assert [c.token for c in r] == [text for text, _ in expected]
        assert [math.log(c.prob) for c in r] == pytest.approx([v for _, v in expected], abs=1e-9)
    assert compared >= 5  # measured: 5 places of these 8 prompts' top 5 are that clear (4 first places, 1 second)


def test_a_partial_distribution_is_honest_about_what_was_not_sent(rb):
    result = nt.next_token(rb, STORMY)
    assert result.partial and result.sent == 50 and result.vocab_size == 49152 and result.prefix == ()
    assert any("the rest is not sent" in n for n in result.notices)
    one = nt.distribution(result, 1.0, 50)
    assert one.entropy is None and one.entropy_bits is None and not one.approximate
    assert one.rest == pytest.approx(1 - sum(c.prob for c in one.top)) and 0 < one.rest < 0.1
    assert [c.prob for c in one.top] == [c.prob_t1 for c in one.top] and all(c.logit is None for c in one.top)
    half = nt.distribution(result, 0.5, 5)
    assert half.approximate and half.rest is None and "Approximate" in half.notices[0]
    assert half.top[0].prob > one.top[0].prob and [c.id for c in half.top] == [c.id for c in one.top[:5]]
    zero = nt.distribution(result, 0, 3)
    assert [c.prob for c in zero.top] == [1.0, 0.0, 0.0] and zero.rest == 0.0 and not zero.approximate
    assert nt.entropy_curve(result, [0.5, 1.0]) == []
    data = nt.as_json(result, one)
    assert (data["partial"], data["sent"], data["entropy"], data["logits_shape"]) == (True, 50, None, None)
    assert data["rest_mass"] == pytest.approx(one.rest) and data["top"][0]["logit"] is None


def test_the_views_say_top_n_of_v_and_the_rest_not_sent(rb):
    from playground.views import next_token as views

    result = nt.next_token(rb, STORMY)
    dist = nt.distribution(result, 1.0, 10)
    title = views.topk_figure(result, dist).layout.title.text
    assert "top 10 of 49,152" in title and "the server sent 50; the rest is not sent" in title
    html = views.summary_html(result, dist)
    assert "50 of 49,152" in html and "tokens the server sent; the rest is not sent" in html and "entropy" in html
    assert views.topk_rows(nt.distribution(result, 1.0, 50))[-1][1] == "(the rest: not sent)"
    assert "needs every token" in views.entropy_figure([], dist).layout.annotations[0].text
    assert "log-probability at T = 1" in views.topk_figure(result, dist, "logit").layout.xaxis.title.text
    assert "a server sends the next token" in views.prefix_html(result)


# ---- generation ----------------------------------------------------------------------------------------

def test_streamed_greedy_text_equals_the_servers_own_completion(rb, engine):
    prompt = decoding.encode_prompt(rb, "Once upon a time", chat_template=False, max_tokens=1024, max_new_tokens=10)
    items = list(decoding.run(rb, prompt, greedy(10)))
    steps, gen = items[:-1], items[-1]
    assert all(isinstance(s, decoding.Step) for s in steps) and isinstance(gen, decoding.Generation)
    raw = raw_completion(engine, prompt="<|endoftext|>Once upon a time", max_tokens=10, temperature=0, logprobs=1,
                         **NEUTRAL)
    seq = gen.sequences[0]
    assert seq.text == raw["text"] and seq.finish == "length" and len(seq.steps) == 10
    assert [s.logprob for s in seq.steps] == pytest.approx(raw["logprobs"]["token_logprobs"], abs=1e-4)
    assert rb.decode(seq.ids) == seq.text and all(s.rank == 1 and s.chosen_prob is None for s in seq.steps)
    assert all(len(s.top) == decoding.TOP_N and s.top[0].prob >= s.top[1].prob for s in seq.steps)
    assert gen.as_json()["tokens"][0]["sampled_prob"] is None


def test_a_seeded_sample_repeats_and_the_knobs_reach_the_server(rb):
    prompt = decoding.encode_prompt(rb, "Once upon a time", chat_template=False, max_tokens=1024, max_new_tokens=6)
    params = greedy(6, do_sample=True, temperature=0.9, top_k=20, top_p=0.9, seed=5)
    a, b = decoding.generate(rb, prompt, params)[0], decoding.generate(rb, prompt, params)[0]
    assert a.sequences[0].text == b.sequences[0].text
    assert any("applies the temperature after top-k" in n for n in a.notices)


@pytest.mark.parametrize("knob,value,match", [
    ("num_beams", 3, "beam search .* does not offer it"), ("no_repeat_ngram_size", 2, "it is a logits processor"),
    ("penalty_alpha", 0.6, "contrastive search compares the model's hidden states"), ("bad_words", "night", "it is a logits processor"),
])
def test_knobs_the_server_lacks_are_refused_with_the_reason(rb, knob, value, match):
    kw = {knob: value} | ({"top_k": 4} if knob == "penalty_alpha" else {})
    prompt = decoding.encode_prompt(rb, STORMY, chat_template=False, max_tokens=1024, max_new_tokens=4)
    with pytest.raises(InputError, match=f"{knob} is not offered for {REMOTE}: {match}"):
        decoding.generate(rb, prompt, greedy(4, **kw))


def test_the_decoding_tab_switches_off_what_the_server_lacks(remote_settings, remote_registry):
    ctx = tab_context(remote_settings, remote_registry, build_decoding_tab)
    *knobs, step_btn, hand_btn, note = server_knobs(ctx, REMOTE)
    state = dict(zip(SERVER_KNOBS, knobs))
    off = {k for k, u in state.items() if u["interactive"] is False}
    assert off == {"num_beams", "num_return_sequences", "length_penalty", "penalty_alpha", "no_repeat_ngram_size",
                   "bad_words"}
    assert "does not offer it" in state["num_beams"]["info"] and state["top_k"]["info"] == "0 = off"
    assert step_btn["interactive"] is False and hand_btn["interactive"] is False and "need the weights" in note.value
    *knobs, step_btn, hand_btn, note = server_knobs(ctx, SMOL)  # back on for a local model
    assert all(u["interactive"] for u in knobs) and step_btn["interactive"] and not note.visible
    knob_values = dict(max_new_tokens=8, do_sample=False, temperature=1.0, top_k=0, top_p=1.0, num_beams=1,
                       num_return_sequences=1, repetition_penalty=1.0, no_repeat_ngram_size=0, length_penalty=1.0,
                       penalty_alpha=0.0, bad_words="", stop_strings="", seed=0, chat_template=False)
    with pytest.raises(gr.Error, match="Generate\\(\\) by hand needs the model's weights: .* not its weights"):
        run_by_hand(ctx, STORMY, REMOTE, None, None, None, *[knob_values[k] for k in KNOBS])


# ---- prompting and the other tabs ------------------------------------------------------------------------

def test_a_prompting_label_is_refused_with_the_reason_and_the_continuation_still_runs(remote_settings,
                                                                                      remote_registry, rb):
    with pytest.raises(InputError, match="Scoring label words needs scoring continuations: .* wrong position"):
        prompting.classify(rb, "The soup was cold.")
    ctx = tab_context(remote_settings, remote_registry, build_prompting_tab)
    head, figure, scores, table = run_prompt(ctx, "The soup was cold.", prompting.SENTIMENT_TEMPLATE,
                                             prompting.SENTIMENT_LABELS, False, False, "", [["", ""]], 0,
                                             "as entered", 0, True, REMOTE, None, None, None)
    assert "Greedy continuation" in head and figure is None
    assert "No label scores" in scores and "wrong position" in scores and "continuation above still works" in scores
    assert "&lt;|endoftext|&gt;" in head  # the prompt as the model reads it, with its start token


def test_attention_lens_and_probes_are_not_offered_with_the_reason(remote_settings, remote_registry, rb):
    from playground.compute import probes

    ctx = tab_context(remote_settings, remote_registry, build_next_token_tab)
    with pytest.raises(InputError, match="cannot do attention. It runs on a server .* not its weights or attentions"):
        ctx.load(REMOTE, capability=ATTENTION)
    figure, note = run_logit_lens(ctx, STORMY, REMOTE, None, None, None)
    assert figure is None and "every layer&#x27;s hidden state" in note and "not its weights or attentions" in note
    with pytest.raises(InputError, match="Filling a blank needs next-token distribution: .* not the whole distribution"):
        probes.fill_mask(rb, "The man worked as a [MASK].")
    with pytest.raises(InputError, match="Filling a blank needs next-token distribution: .* not the whole distribution"):
        probes.bias_probe(rb, "The {group} worked as a [MASK].", "man, woman", "nurse")
    with pytest.raises(InputError, match="Scoring your continuations needs scoring continuations"):
        nt.score_continuations(rb, STORMY, [" night"])


# ---- through the app's APIs (a live app whose settings point at the engine) ---------------------------------

@pytest.fixture(scope="module")
def remote_client(remote_app):
    return loopback_client(remote_app)


def test_the_apis_work_with_a_remote_model(remote_client, rb, engine, client):
    from gradio_client.exceptions import AppError

    got = remote_client.predict(STORMY, REMOTE, 5, 1.0, api_name="/next_token")
    assert got["partial"] and got["sent"] == 50 and got["entropy"] is None and got["vocab_size"] == 49152
    assert [t["id"] for t in got["top"]] == list(rb.top_next(rb.encode(STORMY).ids, 5).ids)
    assert [t["id"] for t in got["tokens"]] == list(rb.encode(STORMY).ids)
    gen = remote_client.predict("Once upon a time", REMOTE, "greedy", 6, api_name="/generate")
    raw = raw_completion(engine, prompt="<|endoftext|>Once upon a time", max_tokens=6, temperature=0, **NEUTRAL)
    assert gen["text"] == raw["text"] and len(gen["tokens"]) == 6 and gen["tokens"][0]["rank"] == 1
    with pytest.raises(AppError, match="Scoring label words needs scoring continuations: .*wrong position"):
        remote_client.predict("The soup was cold.", REMOTE, api_name="/classify")
    with pytest.raises(AppError, match="cannot do attention. It runs on a server"):
        remote_client.predict(STORMY, REMOTE, 0, 0, api_name="/attention")
    assert remote_client.predict(STORMY, REMOTE, api_name="/tokenize")["tokens"] == \
        client.predict(STORMY, SMOL, api_name="/tokenize")["tokens"]


# ---- vLLM's protocol, on canned answers (tests/openai_stub.py; not a live vLLM) ------------------------------

@pytest.fixture
def toy(settings):
    model = ToyVLLM()
    with StubServer(model) as stub:
        registry = ModelRegistry(settings.with_(remote_urls=(stub.base_url,), remote_timeout=10.0))
        yield model, stub, registry


def test_vllm_a_model_with_no_local_tokenizer_reads_through_the_servers(toy):
    model, stub, registry = toy
    b = lm.open_backend(registry, "remote/toy/vllm-model", limits=lm.Limits())
    assert not b.local_tokenizer and isinstance(b.tokenizer, ServerTokenizer) and "tokenize endpoint" in b.tokenizer_note
    assert b.operations == {lm.TOKENIZE, lm.TOP_NEXT, lm.SCORE, lm.GENERATE} and b.context_length() == 64
    enc = b.encode("One, two")  # no <|endoftext|> in its vocabulary: the start token is its BOS, <s>
    assert enc.ids == tuple(toy_tokenize("One, two")) and b.labels(enc.ids) == ("<s>", "One", ",", " two")
    assert b.wire_prompt(enc.ids) == (list(enc.ids), ())  # vLLM takes token ids: sent as they are
    result = nt.next_token(b, "One, two")
    assert list(result.top_ids) == toy_top(3, 12) and result.vocab_size == 0
    dist = nt.distribution(result, 1.0, 3)
    assert [math.log(c.prob) for c in dist.top] == pytest.approx([toy_logprobs(3)[j] for j in toy_top(3, 3)])


def test_vllm_label_scores_through_prompt_logprobs(toy):
    model, stub, registry = toy
    b = lm.open_backend(registry, "remote/toy/vllm-model", limits=lm.Limits())
    c = prompting.classify(b, "One", "{text},", "two, three")
    expected = [toy_logprobs(2)[3], toy_logprobs(2)[4]]  # after ",": " two", " three"
    assert [lab.logprob for lab in c.labels] == pytest.approx(expected)
    assert c.labels[0].prob == pytest.approx(1 / (1 + math.exp(expected[1] - expected[0])))
    scored = b.score([lm.ScoreRequest((0, 1, 2), (3, 4), top=2)])[0]
    assert scored.ranks == (toy_top(2, 12).index(3) + 1, toy_top(3, 12).index(4) + 1)
    assert [i for i, _ in scored.top[0]] == toy_top(2, 2)
    assert all(body.get("prompt_logprobs") for body in stub.posted("/v1/completions")[-2:])


def test_vllm_several_samples_and_beam_search(toy):
    model, stub, registry = toy
    b = lm.open_backend(registry, "remote/toy/vllm-model", limits=lm.Limits())
    prompt = decoding.encode_prompt(b, "One,", chat_template=False, max_tokens=64, max_new_tokens=3)
    gen, _ = decoding.generate(b, prompt, greedy(3, do_sample=True, num_return_sequences=2, seed=1))
    assert len(gen.sequences) == 2 and stub.posted("/v1/completions")[-1]["n"] == 2
    gen, _ = decoding.generate(b, prompt, greedy(3, num_beams=2, length_penalty=0.5))
    sent = stub.posted("/v1/completions")[-1]
    assert (sent["use_beam_search"], sent["n"], sent["length_penalty"], sent.get("stream")) == (True, 2, 0.5, None)
    assert gen.sequences[0].score == pytest.approx(sum(s.logprob for s in gen.sequences[0].steps) / 3 ** 0.5)


# ---- faults --------------------------------------------------------------------------------------------------

def test_a_server_that_is_down_is_one_unavailable_entry_naming_it(settings):
    key = "sk-secret-" + "k" * 30
    url = f"http://127.0.0.1:{free_port()}/v1"
    registry = ModelRegistry(settings.with_(remote_urls=(url,), remote_api_key=key, remote_timeout=5.0))
    registry.refresh_remote()
    (spec,) = [s for s in registry.specs() if s.source_kind == "remote"]
    status = registry.availability(spec)
    assert spec.name == f"remote/{url[7:-3]}" and status.ok is False and "cannot connect" in status.reason
    assert key not in repr(registry.specs()) + repr(catalog_rows(registry, probe_hub=False)) + status.reason
    with pytest.raises(ModelUnavailable, match="cannot connect"):
        lm.open_backend(registry, spec.name)


def test_a_slow_server_is_a_timeout_with_a_message_asked_once(settings):
    def slow(request):
        time.sleep(2)
        return Reply(200, {"data": []})

    with StubServer(slow) as stub:
        registry = ModelRegistry(settings.with_(remote_urls=(stub.base_url,), remote_timeout=0.5))
        registry.refresh_remote()
        registry.remote.settle()
        (spec,) = [s for s in registry.specs() if s.source_kind == "remote"]
        assert "did not answer in time" in registry.availability(spec).reason
        asked = len(stub.requests)
        registry.refresh_remote()  # a page load: the failure is remembered, not asked again at once
        registry.choices()
        assert len(stub.requests) == asked


def test_a_server_slow_inside_a_call_times_out_with_a_message(settings):
    class Slow(ToyVLLM):
        slow = False

        def completions(self, request):
            if self.slow:
                time.sleep(3)
            return super().completions(request)

    model = Slow()
    with StubServer(model) as stub:
        registry = ModelRegistry(settings.with_(remote_urls=(stub.base_url,), remote_timeout=1.0))
        b = lm.open_backend(registry, "remote/toy/vllm-model")
        model.slow = True
        with pytest.raises(ModelUnavailable, match="did not answer in time .*the limit is 1 s"):
            b.top_next(b.encode("One").ids, 3)


def test_a_wrong_url_says_how_to_fix_it(settings):
    with StubServer(ToyVLLM()) as stub:
        wrong = stub.base_url[:-3] + "/api/v1"
        registry = ModelRegistry(settings.with_(remote_urls=(wrong,), remote_timeout=5.0))
        registry.refresh_remote()
        (spec,) = [s for s in registry.specs() if s.source_kind == "remote"]
        assert "404" in registry.availability(spec).reason and "must be the API root" in registry.availability(spec).reason


def test_a_model_the_server_no_longer_serves(toy):
    model, stub, registry = toy
    b = lm.open_backend(registry, "remote/toy/vllm-model")
    model.model = "toy/another-model"  # restarted with another model
    with pytest.raises(ModelUnavailable, match="does not exist"):
        b.top_next(b.encode("One").ids, 3)
    with pytest.raises(InputError, match="no server serves it now .* serves toy/another-model"):
        lm.open_backend(registry, "remote/toy/vllm-model")
    assert registry.availability("remote/toy/another-model").ok


def test_a_server_without_logprobs_still_generates(settings):
    def plain(request):
        if request.path == "/v1/models":
            return Reply(200, {"object": "list", "data": [{"id": SMOL}]})
        if request.path == "/v1/completions" and request.body.get("stream"):
            return Reply(200, events=tuple(f'{{"choices": [{{"index": 0, "text": "{t}", "logprobs": null}}]}}'
                                           for t in (" a", " dark", " night")) + ("[DONE]",))
        if request.path == "/v1/completions":
            return Reply(200, {"choices": [{"index": 0, "text": " five", "logprobs": None, "finish_reason": "length"}]})
        return not_found(request)

    with StubServer(plain) as stub:
        registry = ModelRegistry(settings.with_(remote_urls=(stub.base_url,), remote_timeout=5.0))
        b = lm.open_backend(registry, REMOTE)
        assert b.operations == {lm.TOKENIZE, lm.GENERATE} and "not checked against the server" in b.tokenizer_note
        with pytest.raises(InputError, match="Predicting the next token needs next-token distribution: .*returns no "
                                             "log-probabilities"):
            nt.next_token(b, STORMY)
        prompt = decoding.encode_prompt(b, "It was", chat_template=False, max_tokens=64, max_new_tokens=3)
        gen, _ = decoding.generate(b, prompt, greedy(3))
        assert gen.sequences[0].text == " a dark night" and all(s.prob is None for s in gen.sequences[0].steps)
        assert any("sends no log-probabilities" in n for n in gen.notices)
        assert any("no tokenize endpoint" in n for n in gen.notices)


def test_an_http_error_with_a_body_is_shown_escaped_without_the_key(settings):
    key = "sk-secret-" + "k" * 30

    class Broken(ToyVLLM):
        broken = False

        def completions(self, request):
            if self.broken:
                echoed = request.headers.get("Authorization", "")
                return Reply(500, {"error": {"message": f"<script>alert(1)</script> upstream failed ({echoed})"}})
            return super().completions(request)

    model = Broken()
    with StubServer(model) as stub:
        registry = ModelRegistry(settings.with_(remote_urls=(stub.base_url,), remote_api_key=key, remote_timeout=5.0))
        b = lm.open_backend(registry, "remote/toy/vllm-model")
        model.broken = True
        with pytest.raises(ModelUnavailable) as err:
            b.top_next(b.encode("One").ids, 3)
    message = str(err.value)
    assert "HTTP 500" in message and "&lt;script&gt;alert(1)&lt;/script&gt; upstream failed" in message
    assert "<script>" not in message and key not in message and "Bearer ***" in message


def test_a_restarted_server_works_on_the_next_call(settings):
    port = free_port()
    stub = StubServer(ToyVLLM(), port=port)
    registry = ModelRegistry(settings.with_(remote_urls=(stub.base_url,), remote_timeout=5.0))
    try:
        b = lm.open_backend(registry, "remote/toy/vllm-model")
        ids = b.encode("One").ids
        assert b.top_next(ids, 2).ids == tuple(toy_top(1, 2))
        stub.close()
        with pytest.raises(ModelUnavailable, match="cannot connect"):
            b.top_next(ids, 2)
        with pytest.raises(ModelUnavailable, match="cannot connect"):
            lm.open_backend(registry, "remote/toy/vllm-model")
        stub = StubServer(ToyVLLM(), port=port)
        again = lm.open_backend(registry, "remote/toy/vllm-model")
        assert again.top_next(ids, 2).ids == tuple(toy_top(1, 2))
    finally:
        stub.close()


def test_a_typed_url_needs_the_setting(settings):
    with StubServer(ToyVLLM()) as stub:
        off = ModelRegistry(settings)
        with pytest.raises(InputError, match="Typed server URLs are off"):
            off.spec(stub.base_url)
        on = ModelRegistry(settings.with_(allow_remote_urls=True, remote_timeout=5.0))
        spec = on.spec(stub.base_url)
        assert spec.name == f"remote/toy/vllm-model@127.0.0.1:{stub.port}" and spec.source == stub.base_url
        assert on.spec(f"{stub.base_url} toy/vllm-model") == spec
        with pytest.raises(InputError, match="does not serve 'gpt-4'; it serves: toy/vllm-model"):
            on.spec(f"{stub.base_url} gpt-4")
        assert lm.open_backend(on, stub.base_url).top_next((0, 1), 1).ids == tuple(toy_top(1, 1))
