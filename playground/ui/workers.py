"""The threads the app's model work runs on: a few long-lived threads, the most recently idle one first.

Why not Gradio's own worker threads: Gradio runs each event on one of AnyIO's worker threads, and
successive calls land on different ones (seen with py-spy: two AnyIO threads took turns at the forward
passes of a loop of /classify calls). Every thread that runs torch on the CPU gets an OpenMP team of its
own, and two live teams taking turns on 2 cores make each forward pass slower: SmolLM2's /classify
forward took 85 ms on one thread and 137 ms alternating between two live threads (median of 16, the same
process). `ComputeThreads` keeps one thread busy while requests come one at a time, and adds threads only
while requests overlap (up to `max_threads`, then a request waits for one).

concurrent.futures.ThreadPoolExecutor is not enough: its idle threads wait on one shared queue and any of
them may take the next call, which is the turn-taking above. This is the small LIFO pool it lacks.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

MAX_THREADS = 8  # above Gradio's concurrency (4 per event): the pool is never what makes a request wait


class _Worker:
    def __init__(self, name: str):
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None:
                return
            future, fn, args, kwargs, done = job
            if not future.set_running_or_notify_cancel():
                done(self)
                continue
            try:
                result, error = fn(*args, **kwargs), None
            except BaseException as exc:  # handed to the caller through the future
                result, error = None, exc
            # Back on the idle stack before the caller hears: its next call then comes to this thread again.
            done(self)
            if error is None:
                future.set_result(result)
            else:
                future.set_exception(error)


class ComputeThreads:
    """`submit(fn, *args)` runs fn on the most recently idle thread (a new one while all are busy and fewer
    than `max_threads` exist; else it waits for one) and returns a Future; `run` waits for the result."""

    def __init__(self, max_threads: int = MAX_THREADS, name: str = "playground-compute"):
        self.max_threads, self.name = max_threads, name
        self._idle: list[_Worker] = []  # a stack: the last one back is the next one out
        self._workers: list[_Worker] = []
        self._cond = threading.Condition()

    @property
    def threads(self) -> tuple[threading.Thread, ...]:
        return tuple(w.thread for w in self._workers)

    def _take(self) -> _Worker:
        with self._cond:
            while not self._idle and len(self._workers) >= self.max_threads:
                self._cond.wait()
            if self._idle:
                return self._idle.pop()
            worker = _Worker(f"{self.name}-{len(self._workers)}")
            self._workers.append(worker)
            return worker

    def _back(self, worker: _Worker) -> None:
        with self._cond:
            self._idle.append(worker)
            self._cond.notify()

    def submit(self, fn: Callable, *args, **kwargs) -> Future:
        """fn runs in a copy of the caller's context (Gradio's progress and request context variables)."""
        future: Future = Future()
        context = contextvars.copy_context()
        self._take().jobs.put((future, context.run, (fn, *args), kwargs, self._back))
        return future

    def run(self, fn: Callable, *args, **kwargs) -> Any:
        if threading.current_thread() in self.threads:  # a call from inside the pool runs where it is
            return fn(*args, **kwargs)
        return self.submit(fn, *args, **kwargs).result()


COMPUTE = ComputeThreads()  # the app's one pool: every handler's model work runs here
