"""ui.gradio_queue: Gradio's queue loops wait for a push or a finished job instead of polling every 1 ms, and poll as
Gradio does while work is queued (or, for progress, while a job runs); every other sleep is asyncio's own. Checked
by what the loops do, never by how long anything took: each wait below is bounded by a timeout, not measured."""

from __future__ import annotations

import asyncio
import threading
import urllib.error
import urllib.request

import gradio as gr
import pytest
from gradio import queueing

from playground.ui import gradio_queue as Q
from tests.conftest import loopback_client

BOUND = 5.0  # s: how long a test waits for something before it fails (an hour-long sleep would hang it)


class FakeQueue:
    """The parts of gradio.queueing.Queue the waits read."""

    def __init__(self, queued=0, jobs=(None,)):
        self.queued, self.active_jobs = queued, list(jobs)

    def __len__(self):
        return self.queued


@pytest.fixture(autouse=True)
def _an_hour_idle(monkeypatch):
    monkeypatch.setattr(Q, "IDLE_WAIT", 3600.0)  # an idle wait that only a wake-up can end within the test


def waits(queue):
    """The queue's two polls as waiting_queue sets them (Gradio's Linux values)."""
    waker = Q._Waker(queue)
    return waker, Q._Wait(0.001, waker, "queue"), Q._Wait(0.01, waker, "progress")


LOOP_THREAD = "test-gradio-queue-loop"


def run(coro):
    """asyncio.run(coro), bounded by BOUND, in a thread of its own: in a worker that ran a browser test first, the
    session's Playwright keeps an event loop running in the main thread, where asyncio.run refuses to start."""
    out: dict = {}

    def main():
        try:
            out["value"] = asyncio.run(asyncio.wait_for(coro, BOUND))
        except BaseException as exc:  # handed to the test's thread
            out["error"] = exc

    thread = threading.Thread(target=main, name=LOOP_THREAD, daemon=True)
    thread.start()
    thread.join(BOUND + 5)
    if "error" in out:
        raise out["error"]
    assert "value" in out, "the event loop did not finish"
    return out["value"]


RECORD_BOUND = 1000  # sleeps one test may record: a loop that polls without end fails at this, not at the OOM killer


def record_sleeps(monkeypatch) -> list:
    """From now on, what asyncio.sleep is asked for in the test's event loop (run's thread), instead of sleeping.

    Only that thread's sleeps are recorded. A live app's server may run in this worker (the browser tests' session
    server does): a fake sleep there returns without yielding, so uvicorn's main loop spins (1.5 million calls in
    half a second, measured), and a list it fills made a CI worker reach 23 GB when pytest diffed it. The fake still
    yields to its event loop (a poll that never ends stays bounded by run's timeout), and fails past RECORD_BOUND."""
    seen, real = [], asyncio.sleep

    async def sleep(delay, result=None):
        if threading.current_thread().name != LOOP_THREAD:
            return await real(delay, result)
        if len(seen) >= RECORD_BOUND:
            raise AssertionError(f"over {RECORD_BOUND} sleeps in one test: a loop polls without end")
        seen.append(delay)
        await real(0)  # yield, as a sleep does
        return result

    monkeypatch.setattr(Q.asyncio, "sleep", sleep)
    return seen


@pytest.fixture
def slept(monkeypatch):
    return record_sleeps(monkeypatch)


def test_recorded_sleeps_are_the_test_loops_only_and_bounded(monkeypatch):
    """Another thread's event loop (a live app's server) keeps sleeping for real while the test records its own."""
    stop, ticks = threading.Event(), []

    async def server_loop():  # uvicorn's main loop, in short
        while not stop.is_set():
            ticks.append(1)
            await asyncio.sleep(0.01)

    server = threading.Thread(target=asyncio.run, args=(server_loop(),), daemon=True)
    server.start()
    try:
        seen = record_sleeps(monkeypatch)
        assert run(Q._sleep(0.05, "r")) == "r"
        started = len(ticks)
        stop.wait(0.1)
        assert seen == [0.05] and len(ticks) - started < 50  # ~10 real ticks in 0.1 s, not a spin

        async def endless_poll():
            while True:
                await asyncio.sleep(0.001)

        with pytest.raises(AssertionError, match="polls without end"):
            run(endless_poll())
        assert len(seen) == RECORD_BOUND
    finally:
        stop.set()
        server.join(BOUND)


def test_an_idle_wait_ends_when_something_wakes_it():
    queue = FakeQueue(queued=0)
    waker, queue_wait, _ = waits(queue)

    async def main():
        sleeper = asyncio.ensure_future(Q._sleep(queue_wait, "woke"))
        await asyncio.sleep(0)
        assert not sleeper.done()  # nothing queued: it waits
        waker.wake()  # a push
        return await sleeper

    assert run(main()) == "woke"


def test_queued_work_with_a_free_slot_polls_as_gradio_does(slept):
    queue = FakeQueue(queued=2, jobs=(None, "busy"))  # held here: the waits hold their queue weakly
    _, queue_wait, _ = waits(queue)
    run(Q._sleep(queue_wait))
    assert slept == [0.001] and not isinstance(slept[0], Q._Wait)


def test_every_slot_busy_waits_for_a_job_to_end():
    queue = FakeQueue(queued=3, jobs=("busy", "busy"))
    waker, queue_wait, _ = waits(queue)

    async def main():
        sleeper = asyncio.ensure_future(Q._sleep(queue_wait))
        await asyncio.sleep(0)
        assert not sleeper.done()
        queue.active_jobs[0] = None
        waker.wake()  # process_events ended
        await sleeper

    run(main())


def test_progress_polls_while_a_job_runs_and_waits_otherwise(monkeypatch):
    queue = FakeQueue(jobs=(None,))
    waker, _, progress_wait = waits(queue)

    async def idle():
        sleeper = asyncio.ensure_future(Q._sleep(progress_wait))
        await asyncio.sleep(0)
        assert not sleeper.done()
        waker.wake()  # a job started
        await sleeper

    run(idle())
    queue.active_jobs[0] = ["an event"]
    seen = record_sleeps(monkeypatch)
    run(Q._sleep(progress_wait))
    assert seen == [0.01]


def test_one_queues_work_does_not_wake_another():
    busy, idle = FakeQueue(queued=1), FakeQueue(queued=0)
    _, busy_wait, _ = waits(busy)
    idle_waker, idle_wait, _ = waits(idle)

    async def main():
        sleeper = asyncio.ensure_future(Q._sleep(idle_wait))
        await Q._sleep(busy_wait)  # the busy queue polls (1 ms) ...
        assert not sleeper.done()  # ... and the idle one still waits
        idle_waker.wake()
        await sleeper

    run(main())


def test_other_sleeps_are_asyncios(slept):
    assert run(Q._sleep(0.01, "r")) == "r" and run(Q._sleep(1)) is None
    assert slept == [0.01, 1]


def upper(text: str) -> str:
    return text.upper()


def test_a_served_app_answers_through_the_waiting_queue_and_builds_no_monitoring_summary(monkeypatch):
    built = []
    monkeypatch.setattr(queueing.Queue, "_get_df", staticmethod(lambda records: built.append(len(records))))
    with gr.Blocks() as demo:
        demo.queue()
        assert Q.waiting_queue(demo._queue) and Q.waiting_queue(demo._queue)  # idempotent
        assert Q.no_monitoring_summary(demo._queue)
        box = gr.Textbox()
        gr.api(upper, api_name="upper")
        box.submit(lambda text: text, box, box)
    assert isinstance(queueing.asyncio, Q._Asyncio) and queueing.asyncio.Event is asyncio.Event
    waits = (demo._queue.sleep_when_free, demo._queue.progress_update_sleep_when_free)
    assert [(w.kind, float(w)) for w in waits] == [("queue", 0.001), ("progress", 0.01)]  # Gradio's values
    _, url, _ = demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True, enable_monitoring=False)
    try:
        client = loopback_client(url)
        answers = {}

        def call(i):
            answers[i] = client.predict(f"call {i}", api_name="/upper")

        threads = [threading.Thread(target=call, args=(i,)) for i in range(6)]  # more than one at a time
        [t.start() for t in threads]
        [t.join(60) for t in threads]
        assert answers == {i: f"CALL {i}" for i in range(6)}
        assert urllib.request.urlopen(url, timeout=30).status == 200
        # six events, and the queue never built the /monitoring summary's table, which nothing serves
        assert built == [] and demo._queue.events_recorded == 6
        assert demo._queue.cached_event_analytics_summary == {"functions": {}}
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url.rstrip("/") + "/monitoring/summary", timeout=30)
        assert refused.value.code == 403
    finally:
        demo.close()


def test_a_queue_that_is_not_gradios_is_left_alone():
    class Other:
        pass

    assert Q.waiting_queue(Other()) is False
    assert Q.no_monitoring_summary(Other()) is False
