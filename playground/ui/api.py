"""The API edge: every field of every API checked against a declared type before anything runs, answers
as strict JSON, and long runs that stop when their caller goes away.

Each API declares its fields (`Text`, `Model`, `Int`, `Float`, `Bool`, `Choice`, `Rows`) next to its
function; `bind_api(fn, ctx, fields)` is what `gr.api` gets: it checks every value with
`playground.fields` (a wrong type or an out-of-range value is an error naming the field and what is
allowed, never clamped), calls the function, and makes the answer strict JSON. The fuzz suite
(tests/test_api_fuzz.py) generates its bad calls from the same declarations.

`cancellable` runs a long computation (a generation, an evaluation) in a worker thread and yields a
heartbeat while it runs: Gradio closes a generator whose client has disconnected, and the close sets
the stop flag the computation checks at every step, so an abandoned run ends within one step and
frees its concurrency slot.
"""

from __future__ import annotations

import functools
import inspect
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .. import fields as F
from ..errors import InputError
from .common import AppContext, bind, user_errors
from .workers import COMPUTE

HEARTBEAT_SECONDS = 0.5


# ---- field types ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Text of at most `max_chars` characters (an int, or a function of the settings)."""

    max_chars: int | Callable = 50_000
    required: bool = False

    def check(self, value, name: str, settings) -> str:
        cap = self.max_chars(settings) if callable(self.max_chars) else self.max_chars
        return F.text(value, name, max_chars=cap, required=self.required)


@dataclass(frozen=True)
class TextList:
    """A list of texts, or one text with one item per line."""

    max_items: int
    max_chars: int

    def check(self, value, name: str, settings):
        if isinstance(value, str):
            return F.text(value, name, max_chars=self.max_items * (self.max_chars + 1))
        if not isinstance(value, list):
            raise InputError("{name} must be a list of texts (or one text, one per line); got {F__kind_value}.",
                             name=name, F__kind_value=F._kind(value))
        if len(value) > self.max_items:
            raise InputError("{name} has {n} texts, {value} over the limit of {max_items}.", name=name,
                             n=len(value), value=len(value) - self.max_items, max_items=self.max_items)
        return [F.text(v, f"{name}, item {n + 1}", max_chars=self.max_chars) for n, v in enumerate(value)]


@dataclass(frozen=True)
class Model:
    """A model name: text, or empty for the default model."""

    def check(self, value, name: str, settings) -> str:
        return F.text(value, name, max_chars=300)


@dataclass(frozen=True)
class Int:
    lo: int
    hi: int | Callable

    def check(self, value, name: str, settings) -> int:
        hi = self.hi(settings) if callable(self.hi) else self.hi
        return F.number(value, name, self.lo, hi, whole=True)


@dataclass(frozen=True)
class Float:
    lo: float
    hi: float

    def check(self, value, name: str, settings) -> float:
        return F.number(value, name, self.lo, self.hi)


@dataclass(frozen=True)
class Bool:
    def check(self, value, name: str, settings) -> bool:
        return F.boolean(value, name)


@dataclass(frozen=True)
class Choice:
    options: tuple[str, ...] | Callable

    def check(self, value, name: str, settings) -> str:
        options = self.options() if callable(self.options) else self.options
        return F.choice(value, name, options)


@dataclass(frozen=True)
class Rows:
    """A table of text cells ([[input, output], …]) or null."""

    max_rows: int
    max_chars: int

    def check(self, value, name: str, settings):
        return F.rows(value, name, max_rows=self.max_rows, max_chars=self.max_chars) if value is not None else None


def prompt_chars(settings) -> int:
    return settings.max_text_chars


# ---- binding ---------------------------------------------------------------------------------------


def bind_api(handler, ctx: AppContext, fields: dict[str, Any]):
    """`handler` bound to `ctx` for gr.api (see common.bind), with every argument checked against `fields`
    first and the answer made strict JSON. Every parameter of the API must be declared."""
    bound = bind(handler, ctx)
    signature = inspect.signature(bound)
    missing = set(signature.parameters) - set(fields)
    if missing:
        raise TypeError(f"{handler.__name__}: no field type declared for {', '.join(sorted(missing))}")

    def checked(args, kwargs) -> dict:
        values = signature.bind(*args, **kwargs)
        values.apply_defaults()
        with user_errors():
            return {name: fields[name].check(value, f"The field {name!r}", ctx.settings)
                    for name, value in values.arguments.items()}

    if inspect.isgeneratorfunction(handler):
        def endpoint(*args, **kwargs):
            for item in bound(**checked(args, kwargs)):
                yield F.json_safe(item)
    else:
        def endpoint(*args, **kwargs):
            return F.json_safe(bound(**checked(args, kwargs)))
    functools.update_wrapper(endpoint, bound)
    endpoint.__signature__ = signature
    endpoint.fields = fields  # read by the fuzz suite
    return endpoint


# ---- long runs that end with their caller ---------------------------------------------------------------


class Cancelled(Exception):
    """The caller went away: the run was stopped between two steps."""


def cancellable(run: Callable[[threading.Event], Any], *, progress: Callable[[], dict] | None = None
                ) -> Iterator[dict]:
    """Run `run(stop)` in a worker thread; yield `progress()` (or {"working": true}) every HEARTBEAT_SECONDS
    while it runs, then {"result": its result}. Closing this iterator (Gradio does when the client
    disconnects) sets `stop`, which the run checks at every step. An InputError in the run is re-raised here."""
    stop = threading.Event()
    out: queue.Queue = queue.Queue(maxsize=1)

    def work():
        try:
            out.put(("ok", run(stop)))
        except BaseException as exc:  # handed to the caller's thread
            out.put(("error", exc))

    COMPUTE.submit(work)  # the app's compute threads (workers.py), not a new one per call
    try:
        while True:
            try:
                kind, value = out.get(timeout=HEARTBEAT_SECONDS)
            except queue.Empty:
                yield progress() if progress is not None else {"working": True}
                continue
            if kind == "error":
                raise value
            yield {"result": value}
            return
    finally:
        stop.set()  # finished, failed, or the client left: the run stops at its next step


def stop_check(stop: threading.Event):
    """A `report(done, total)` callback for the core's batch loops that ends the run once `stop` is set."""
    def report(done, total):
        if stop.is_set():
            raise Cancelled("the caller went away")
    return report


def no_result(what: str) -> InputError:
    return InputError("{what} ended without a result.", what=what)
