"""Gradio's event queue waits for work instead of looking for it a thousand times a second.

Gradio 6's `Queue.start_processing` (gradio/queueing.py) polls: with nothing queued, or every worker slot busy, it
sleeps `sleep_when_free` and looks again, and that is 1 ms on Linux. An idle app's server thread so wakes ~1,700
times a second (strace: epoll_wait) and spends 6 % of a core doing it (/proc: 63 ticks in 10 s, no page open):
on a free 2-core Space that is CPU taken from every forward pass, and in the test suite two idle apps' worth.

`waiting_queue(queue)` makes those sleeps wait for the thing they poll for: a push (an event joined the queue) or
a finished job (a slot came free) wakes the loop at once, and with neither it looks again after IDLE_WAIT anyway.
While events are queued and a slot is free (their concurrency group may be full), it polls as Gradio does (1 ms),
so no event waits longer than it did. The progress loop (Gradio: every 10 ms, jobs or not) polls as before while a
job runs and waits for the next job otherwise. Both loops re-check the queue after every sleep, so an early wake
is harmless. Only these two polls change: gradio.queueing's `asyncio` is a proxy whose `sleep` recognises their
intervals (a float subclass, _Wait) and passes every other sleep to asyncio. Applied by `shell.build_demo`; a
Gradio whose Queue differs is left alone (False).
"""

from __future__ import annotations

import asyncio
import weakref

from gradio import queueing

class _Wait(float):
    """A poll interval of the queue's that the proxy's `sleep` recognises; `kind` says what ends its wait."""

    def __new__(cls, seconds: float, kind: str):
        wait = float.__new__(cls, seconds)
        wait.kind = kind
        return wait


IDLE_WAIT = 0.25  # s: the longest an idle loop sleeps with nothing to wake it (an event wakes it at once)
POLL = 0.001  # s: Gradio's own poll, kept while work is queued and a slot is free
PROGRESS_POLL = 0.01  # s: Gradio's progress poll, kept while a job runs
QUEUE, PROGRESS = _Wait(IDLE_WAIT, "queue"), _Wait(PROGRESS_POLL, "progress")

_QUEUES: weakref.WeakSet = weakref.WeakSet()
_EVENTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # event loop -> {kind: its wake-up}
_PATCHED = "_playground_waiting"


def _event(kind: str) -> asyncio.Event:
    events = _EVENTS.setdefault(asyncio.get_running_loop(), {})
    if kind not in events:
        events[kind] = asyncio.Event()
    return events[kind]


def wake() -> None:
    """Something the loops poll for happened: an event joined, a job started or ended (in the server's loop)."""
    for kind in (QUEUE.kind, PROGRESS.kind):
        _event(kind).set()


def _work_waiting() -> bool:
    return any(len(q) > 0 and None in q.active_jobs for q in list(_QUEUES))


def _jobs_running() -> bool:
    return any(job is not None for q in list(_QUEUES) for job in q.active_jobs)


async def _sleep(delay, result=None):
    if not isinstance(delay, _Wait):
        return await asyncio.sleep(delay, result)
    if delay.kind == QUEUE.kind and _work_waiting():
        return await asyncio.sleep(POLL, result)
    if delay.kind == PROGRESS.kind and _jobs_running():
        return await asyncio.sleep(PROGRESS_POLL, result)
    event = _event(delay.kind)
    if not event.is_set():
        try:
            await asyncio.wait_for(event.wait(), IDLE_WAIT)
        except asyncio.TimeoutError:
            pass
    event.clear()
    return result


class _Asyncio:
    """gradio.queueing's view of asyncio: the module itself, but for `sleep`."""

    sleep = staticmethod(_sleep)

    def __getattr__(self, name):
        return getattr(asyncio, name)


def waiting_queue(queue) -> bool:
    """Make `queue` (a gradio.queueing.Queue, not started yet) wait for pushes and finished jobs (idempotent)."""
    needed = ("push", "process_events", "active_jobs", "sleep_when_free", "progress_update_sleep_when_free",
              "start_processing")
    if not all(hasattr(queue, name) for name in needed) or not isinstance(getattr(queueing, "asyncio", None),
                                                                          (type(asyncio), _Asyncio)):
        return False
    if getattr(queue, _PATCHED, False):
        return True
    if not isinstance(queueing.asyncio, _Asyncio):
        queueing.asyncio = _Asyncio()
    push, process_events = queue.push, queue.process_events

    async def pushed(*args, **kwargs):
        try:
            return await push(*args, **kwargs)
        finally:
            wake()

    async def processed(*args, **kwargs):
        wake()  # a job started: the progress loop polls while it runs
        try:
            return await process_events(*args, **kwargs)
        finally:
            wake()

    queue.push, queue.process_events = pushed, processed
    queue.sleep_when_free, queue.progress_update_sleep_when_free = QUEUE, PROGRESS
    _QUEUES.add(queue)
    setattr(queue, _PATCHED, True)
    return True
