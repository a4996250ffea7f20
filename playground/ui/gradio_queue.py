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
intervals (a float subclass, _Wait, that carries its queue's wake-ups, so one app's work never makes another
poll) and passes every other sleep to asyncio. Applied by `shell.build_demo`; a Gradio whose Queue differs is
left alone (False).

`no_monitoring_summary(queue)`: after every event Gradio's queue rebuilds the summary its /monitoring page shows
(a pandas DataFrame of the last 10,000 events, grouped by function, with percentiles): 20-37 ms of CPU an event
here, from 100 to 10,000 events, off the reply's path but on the cores the next request needs. The app serves no
monitoring page (launch_options: enable_monitoring=False), so nothing reads that summary and it is not built.
"""

from __future__ import annotations

import asyncio
import weakref

from gradio import queueing

IDLE_WAIT = 0.25  # s: the longest a loop with nothing to poll for sleeps with nothing to wake it
_PATCHED = "_playground_waiting"


class _Waker:
    """One queue's wake-ups: an asyncio.Event per loop kind, in the event loop the queue runs in."""

    KINDS = ("queue", "progress")

    def __init__(self, queue):
        self.queue = weakref.ref(queue)
        self._events: dict[str, tuple[asyncio.AbstractEventLoop, asyncio.Event]] = {}

    def event(self, kind: str) -> asyncio.Event:
        loop = asyncio.get_running_loop()
        got = self._events.get(kind)
        if got is None or got[0] is not loop:  # a queue started again in a new loop gets new events
            got = self._events[kind] = (loop, asyncio.Event())
        return got[1]

    def wake(self) -> None:
        """Something the loops poll for happened: an event joined, a job started or ended (in the queue's loop)."""
        for kind in self.KINDS:
            self.event(kind).set()

    def something_to_poll(self, kind: str) -> bool:
        """Queue loop: events queued and a slot free (their group may be full). Progress loop: a job running."""
        q = self.queue()
        if q is None:
            return False
        if kind == "queue":
            return len(q) > 0 and None in q.active_jobs
        return any(job is not None for job in q.active_jobs)


class _Wait(float):
    """A poll interval of one queue's (Gradio's own value), which the proxy's `sleep` turns into a wait."""

    def __new__(cls, seconds: float, waker: _Waker, kind: str):
        wait = float.__new__(cls, seconds)
        wait.waker, wait.kind = waker, kind
        return wait


async def _sleep(delay, result=None):
    if not isinstance(delay, _Wait) or delay.waker.something_to_poll(delay.kind):
        return await asyncio.sleep(float(delay), result)  # Gradio's own sleep, and its own poll while there is work
    event = delay.waker.event(delay.kind)
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
    """Make `queue` (a gradio.queueing.Queue, not started yet) wait for pushes and jobs (idempotent)."""
    needed = ("push", "process_events", "active_jobs", "sleep_when_free", "progress_update_sleep_when_free",
              "start_processing")
    if not all(hasattr(queue, name) for name in needed) or not isinstance(getattr(queueing, "asyncio", None),
                                                                          (type(asyncio), _Asyncio)):
        return False
    if getattr(queue, _PATCHED, False):
        return True
    if not isinstance(queueing.asyncio, _Asyncio):
        queueing.asyncio = _Asyncio()
    waker = _Waker(queue)
    push, process_events = queue.push, queue.process_events

    async def pushed(*args, **kwargs):
        try:
            return await push(*args, **kwargs)
        finally:
            waker.wake()

    async def processed(*args, **kwargs):
        waker.wake()  # a job started: the progress loop polls while it runs
        try:
            return await process_events(*args, **kwargs)
        finally:
            waker.wake()

    queue.push, queue.process_events = pushed, processed
    queue.sleep_when_free = _Wait(queue.sleep_when_free, waker, "queue")
    queue.progress_update_sleep_when_free = _Wait(queue.progress_update_sleep_when_free, waker, "progress")
    setattr(queue, _PATCHED, True)
    return True


def no_monitoring_summary(queue) -> bool:
    """Stop `queue` rebuilding the /monitoring summary after every event (see the module's docstring); False if
    this Gradio's Queue has no such step."""
    compute = getattr(queue, "compute_analytics_summary", None)
    if compute is None or not hasattr(queue, "cached_event_analytics_summary"):
        return False

    def cached(records):  # what Gradio returns between rebuilds
        return queue.cached_event_analytics_summary

    queue.compute_analytics_summary = cached
    return True
