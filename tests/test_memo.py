"""lm.remember: a deterministic result computed once per loaded model, keyed by every argument, copied in and out,
bounded, dropped with the model; and the handlers that use it (a lesson's evaluation, probe, attribution and a
deterministic side-by-side) give the same views from memory, while a sampled generation is never remembered."""

from __future__ import annotations

import gc
import threading
from types import SimpleNamespace

import pytest
import torch

from playground.compute import lm, prompting as P
from playground.compute.lm import memo as M
from playground.ui.decoding_tab import build_decoding_tab, compare_strategies
from playground.ui.prompting_tab import build_prompting_tab, evaluate_on_dataset
from tests.conftest import tab_context
from tests.test_decoding_tab import knobs
from tests.test_prompting_tab import fig_of

SMOL = "SmolLM2-135M-Instruct"
BOUND = 10.0  # s: how long a thread is waited for before the test fails (a bound, not a measurement)


class Calls:
    """A deterministic function that counts its runs and returns a fresh, editable result."""

    def __init__(self):
        self.runs = 0

    def __call__(self, backend, *args, report=None, **kwargs):
        self.runs += 1
        if report is not None:
            report(1, 1)
        return {"args": list(args), "kwargs": dict(kwargs)}


def fake_backend(limits=None):
    return SimpleNamespace(loaded=SimpleNamespace(model=torch.nn.Linear(1, 1)), limits=limits or lm.Limits())


def test_freeze_keeps_types_and_values_apart():
    f = M.freeze
    assert f([1, "a", (2.5, None)]) == f([1, "a", (2.5, None)])
    assert len({f(1), f(1.0), f(True), f("1")}) == 4
    assert f({"b": 1, "a": [1, 2]}) == f({"a": [1, 2], "b": 1})
    assert f(P.Example("ok", "positive")) != f(P.Example("ok", "negative"))
    assert f(float("nan")) == f(float("nan"))
    with pytest.raises(M._Unfrozen):
        f(object())


def test_once_per_model_and_arguments_and_the_progress_callback_is_not_a_key():
    fn, b = Calls(), fake_backend()
    reports = []
    first = lm.remember(fn, b, "x", k=2, report=lambda *a: reports.append(a))
    again = lm.remember(fn, b, "x", k=2, report=None)
    assert fn.runs == 1 and first == again and reports == [(1, 1)]  # from memory: the callback is not called
    lm.remember(fn, b, "x", k=3)
    lm.remember(fn, b, "y", k=2)
    lm.remember(fn, fake_backend(), "x", k=2)  # another model
    lm.remember(fn, b.__class__(loaded=b.loaded, limits=lm.Limits(work_tokens=7)), "x", k=2)  # another budget
    assert fn.runs == 5
    assert M.memo_of(b).hits == 1


def test_what_a_caller_edits_does_not_change_what_the_next_gets():
    fn, b = Calls(), fake_backend()
    got = lm.remember(fn, b, [1, 2])
    got["args"].append("edited")
    assert lm.remember(fn, b, [1, 2]) == {"args": [[1, 2]], "kwargs": {}} and fn.runs == 1


def test_bounded_least_recently_used():
    fn, b = Calls(), fake_backend()
    for i in range(M.MAX_ENTRIES + 5):
        lm.remember(fn, b, i)
    assert len(M.memo_of(b)) == M.MAX_ENTRIES
    lm.remember(fn, b, M.MAX_ENTRIES + 4)  # the newest is kept
    assert fn.runs == M.MAX_ENTRIES + 5
    lm.remember(fn, b, 0)  # the oldest was let go
    assert fn.runs == M.MAX_ENTRIES + 6


def test_no_memo_for_a_remote_backend_or_an_argument_that_cannot_be_keyed():
    fn = Calls()
    remote = SimpleNamespace(limits=lm.Limits())  # no loaded model in this process
    lm.remember(fn, remote, "x")
    lm.remember(fn, remote, "x")
    b = fake_backend()
    lm.remember(fn, b, object())
    lm.remember(fn, b, object())
    assert fn.runs == 4 and len(M.memo_of(b)) == 0


def test_a_second_caller_at_the_same_moment_waits_for_the_first_result():
    b, gate, inside = fake_backend(), threading.Event(), threading.Event()
    runs = []

    def slow(backend, text):
        runs.append(text)
        inside.set()
        assert gate.wait(BOUND)  # held until the second caller waits
        return {"text": text}

    got = {}
    first = threading.Thread(target=lambda: got.setdefault("first", lm.remember(slow, b, "x")))
    first.start()
    assert inside.wait(BOUND)
    second = threading.Thread(target=lambda: got.setdefault("second", lm.remember(slow, b, "x")))
    second.start()
    memo = M.memo_of(b)
    for _ in range(int(BOUND / 0.01)):  # until the second caller is waiting (bounded)
        if memo.waiting == 1:
            break
        threading.Event().wait(0.01)
    assert memo.waiting == 1
    gate.set()
    first.join(BOUND), second.join(BOUND)
    assert runs == ["x"] and got == {"first": {"text": "x"}, "second": {"text": "x"}} and memo.waiting == 0


def test_a_failed_computation_is_not_remembered():
    b, runs = fake_backend(), []

    def flaky(backend, text):
        runs.append(text)
        if len(runs) == 1:
            raise RuntimeError("out of memory")
        return text

    with pytest.raises(RuntimeError, match="out of memory"):
        lm.remember(flaky, b, "x")
    assert lm.remember(flaky, b, "x") == "x" and lm.remember(flaky, b, "x") == "x" and runs == ["x", "x"]


def test_the_memo_goes_with_the_model():
    b = fake_backend()
    lm.remember(Calls(), b, "x")
    key = id(b.loaded.model)
    assert key in M._MEMOS
    del b
    gc.collect()
    assert key not in M._MEMOS


def test_a_remembered_evaluation_is_the_evaluation(smol):
    b = lm.backend_of(smol)
    examples = P.load_dataset("reviews")[:12]
    direct = P.evaluate(b, examples)
    hits = M.memo_of(b).hits
    first = lm.remember(P.evaluate, b, examples, P.SENTIMENT_TEMPLATE, P.SENTIMENT_LABELS)
    second = lm.remember(P.evaluate, b, examples, P.SENTIMENT_TEMPLATE, P.SENTIMENT_LABELS)
    assert M.memo_of(b).hits == hits + 1
    for got in (first, second):
        assert got.confusion == direct.confusion
        assert [x for p in got.predictions for x in p.probs] == pytest.approx(
            [x for p in direct.predictions for x in p.probs], abs=1e-6)


@pytest.fixture(scope="module")
def prompting_ctx(registry, settings):
    return tab_context(settings, registry, build_prompting_tab)


def test_a_lesson_evaluation_runs_once_for_a_class(prompting_ctx, registry):
    def evaluate():
        return evaluate_on_dataset(prompting_ctx, "reviews", None, 20, P.SENTIMENT_TEMPLATE, P.SENTIMENT_LABELS,
                                   False, False, "", [["", ""]], 0, "as entered", 0, ["zero-shot"], None, SMOL, None,
                                   None, None)

    memo = M.memo_of(lm.backend_of(registry.load(SMOL)))
    first = evaluate()
    hits = memo.hits
    second = evaluate()  # the next student
    assert memo.hits == hits + 1
    assert first[0] == second[0]  # the metrics, word for word
    assert fig_of(first[2]).data[0].z == fig_of(second[2]).data[0].z  # the confusion matrix
    assert sum(map(sum, fig_of(second[2]).data[0].z)) == 20


@pytest.fixture(scope="module")
def decoding_ctx(registry, settings):
    return tab_context(settings, registry, build_decoding_tab)


def test_greedy_and_beam_are_remembered_sampling_is_not(decoding_ctx, registry):
    memo = M.memo_of(lm.backend_of(registry.load(SMOL)))
    first = compare_strategies(decoding_ctx, "The sky", SMOL, "auto", "auto", "beam search", 1.0, None,
                               *knobs(max_new_tokens=6))
    hits = memo.hits
    assert compare_strategies(decoding_ctx, "The sky", SMOL, "auto", "auto", "beam search", 1.0, None,
                              *knobs(max_new_tokens=6)) == first
    assert memo.hits == hits + 2  # A (greedy) and B (beam)
    sampled = [compare_strategies(decoding_ctx, "The sky", SMOL, "auto", "auto", "sampling", 1.5, None,
                                  *knobs(max_new_tokens=12)) for _ in range(2)]
    assert memo.hits == hits + 2 + 1  # only A (greedy, 12 tokens: new the first time) came from memory again
    assert sampled[0] == sampled[1]  # B sampled twice, from the same seed: the same draw, computed each time
