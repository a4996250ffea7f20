"""The compute threads (playground/ui/workers.py): one thread while calls come one at a time, more only while
they overlap, bounded; results, errors and context variables reach the caller."""

from __future__ import annotations

import contextvars
import threading

import pytest

from playground.ui.workers import ComputeThreads


def test_calls_one_at_a_time_run_on_one_thread():
    pool = ComputeThreads(max_threads=4)
    names = {pool.run(lambda: threading.current_thread().name) for _ in range(50)}
    assert len(names) == 1 and len(pool.threads) == 1 and threading.current_thread().name not in names


def test_overlapping_calls_get_threads_up_to_the_bound_then_wait():
    pool = ComputeThreads(max_threads=3)
    release, started = threading.Event(), threading.Semaphore(0)

    def hold():
        started.release()
        release.wait(10)
        return threading.current_thread().name

    futures = [pool.submit(hold) for _ in range(3)]
    for _ in range(3):
        assert started.acquire(timeout=10)
    assert len(pool.threads) == 3
    waiting = threading.Thread(target=lambda: futures.append(pool.submit(hold)))
    waiting.start()
    waiting.join(0.2)
    assert waiting.is_alive()  # a fourth call waits for a thread: no fourth thread
    release.set()
    waiting.join(10)
    assert len({f.result(10) for f in futures}) == 3 and len(pool.threads) == 3


def test_errors_and_context_variables_reach_the_caller():
    pool = ComputeThreads(max_threads=2)
    var = contextvars.ContextVar("var", default="unset")
    var.set("caller's")
    assert pool.run(var.get) == "caller's"
    with pytest.raises(ValueError, match="boom"):
        pool.run(lambda: (_ for _ in ()).throw(ValueError("boom")))
    assert pool.run(lambda: pool.run(lambda: threading.current_thread().name)) == pool.threads[0].name
    assert len(pool.threads) == 1  # the failed call and the nested one gave their thread back / used none
