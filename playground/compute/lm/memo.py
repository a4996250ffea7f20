"""Results remembered per loaded model: a lesson's evaluation is computed once, not once per student.

A lecture is thirty students clicking the same lesson within a minute, and a teacher clicking it again: the
120-review evaluation of lesson 16 takes ~9 s of the one compute thread on two cores each time, the same
numbers every time. `remember(fn, backend, *args, **kwargs)` returns `fn(backend, *args, **kwargs)`, from memory
when the same model (the same weights in this process: the memo goes with the loaded model, and is dropped
with it) ran the same function on the same arguments before.

- Only deterministic functions are remembered: the callers pass a scoring or evaluation function, a greedy or
  beam generation, never a sampled one without a seed.
- The key is everything the function reads: the function itself, every argument (frozen: lists, dicts, dataclasses and
  numbers, exactly as given), and the backend's limits (the truncation budget). The arguments named in
  `ignore` (a progress callback) are passed on, never keyed. An argument that cannot be frozen (an open file)
  means no memo: the function just runs.
- A remote backend is never remembered (the server's model can change under the same name).
- Bounded: the last MAX_ENTRIES results per model (least recently used out). Each result is copied in and out
  (copy.deepcopy), so a caller that edits what it got cannot change what the next one gets.
- Thread-safe, and once per key even at the same moment: the app's compute threads (ui/workers.py) run
  overlapping requests side by side, so a request whose key is being computed waits for that result instead
  of computing it again (a failed computation is not remembered: a waiter then computes it itself).
"""

from __future__ import annotations

import copy
import dataclasses
import math
import threading
import weakref
from collections import OrderedDict
from typing import Any, Callable

MAX_ENTRIES = 32


class _Unfrozen(Exception):
    pass


def freeze(value) -> Any:
    """A hashable value equal for equal inputs (types kept apart: 1 and 1.0 and True differ)."""
    if value is None or isinstance(value, (str, bytes, bool)):
        return (type(value).__name__, value)
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else value)
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(freeze(v) for v in value))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted((freeze(v) for v in value), key=repr)))
    if isinstance(value, dict):
        return ("dict", tuple(sorted(((freeze(k), freeze(v)) for k, v in value.items()), key=repr)))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__,
                tuple((f.name, freeze(getattr(value, f.name))) for f in dataclasses.fields(value)))
    raise _Unfrozen(type(value).__name__)


class Memo:
    """The remembered results of one loaded model, and the keys being computed right now."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self._results: OrderedDict = OrderedDict()
        self._running: dict = {}  # key -> threading.Event, set when its computation ends (with a result or not)
        self._lock = threading.Lock()
        self.hits = 0
        self.waiting = 0  # callers waiting for a computation of their key that another caller runs

    def claim(self, key) -> tuple[bool, Any]:
        """(True, result) when the key is remembered. Else (False, None), and the caller computes it and then
        calls done(key): a caller that finds its key being computed waits for that first (a class clicking the
        same lesson at once runs it once), and computes it itself only if that one ended without a result."""
        while True:
            with self._lock:
                if key in self._results:
                    self._results.move_to_end(key)
                    self.hits += 1
                    return True, self._results[key]
                running = self._running.get(key)
                if running is None:
                    self._running[key] = threading.Event()
                    return False, None
                self.waiting += 1
            running.wait()
            with self._lock:
                self.waiting -= 1

    def done(self, key, result=None, *, ok: bool = False) -> None:
        """The claimed computation of `key` ended: remember its result when `ok`, and wake whoever waits for it."""
        with self._lock:
            if ok:
                self._results[key] = result
                self._results.move_to_end(key)
                while len(self._results) > self.max_entries:
                    self._results.popitem(last=False)
            running = self._running.pop(key, None)
        if running is not None:
            running.set()

    def __len__(self) -> int:
        with self._lock:
            return len(self._results)


_MEMOS: dict[int, Memo] = {}
_MEMOS_LOCK = threading.Lock()


def memo_of(backend) -> Memo | None:
    """The memo of a local backend's loaded model (made on first use, dropped when the model is freed)."""
    loaded = getattr(backend, "loaded", None)
    model = getattr(loaded, "model", None)
    if model is None:
        return None
    key = id(model)
    with _MEMOS_LOCK:
        memo = _MEMOS.get(key)
        if memo is None:
            memo = _MEMOS[key] = Memo()
            try:
                weakref.finalize(model, _MEMOS.pop, key, None)
            except TypeError:  # not weak-referenceable: keep no memo rather than one that could outlive it
                del _MEMOS[key]
                return None
    return memo


def remember(fn: Callable, backend, *args, ignore: tuple[str, ...] = ("report",), **kwargs):
    """`fn(backend, *args, **kwargs)`, remembered for this loaded model (see the module docstring)."""
    memo = memo_of(backend)
    if memo is None:
        return fn(backend, *args, **kwargs)
    try:
        key = (fn, freeze(getattr(backend, "limits", None)), freeze(args),
               freeze({k: v for k, v in kwargs.items() if k not in ignore}))
    except _Unfrozen:
        return fn(backend, *args, **kwargs)
    found, result = memo.claim(key)
    if found:
        return copy.deepcopy(result)
    ok = False
    try:
        result = fn(backend, *args, **kwargs)
        kept, ok = copy.deepcopy(result), True
    finally:
        memo.done(key, kept if ok else None, ok=ok)
    return result
