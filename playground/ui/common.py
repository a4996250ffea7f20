"""What every tab shares: the app context (registry, shared header widgets, loading), the binding of a
handler to it, and error translation."""

from __future__ import annotations

import functools
import inspect
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

import gradio as gr

from ..compute import lm
from ..config import Settings
from ..errors import InputError, ModelUnavailable
from ..models import ModelRegistry
from ..presets import Preset, load_presets


class Running:
    """The stop flags of the runs in progress, one per browser session (a Stop button sets it)."""

    def __init__(self):
        self._flags: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def start(self, session: str) -> threading.Event:
        flag = threading.Event()
        with self._lock:
            old = self._flags.get(session)
            if old is not None:
                old.set()  # one run per session: a new one ends the old one
            self._flags[session] = flag
        return flag

    def stop(self, session: str) -> bool:
        with self._lock:
            flag = self._flags.get(session)
        if flag is not None:
            flag.set()
        return flag is not None

    def done(self, session: str, flag: threading.Event) -> None:
        with self._lock:
            if self._flags.get(session) is flag:
                del self._flags[session]


@dataclass
class AppContext:
    """Handed to every build_<tab>_tab(ctx) and, as their first argument, to every handler. Components
    here are the shared header widgets."""

    settings: Settings
    models: ModelRegistry
    model: gr.Dropdown  # the shared model picker: its value is a catalog name
    device: gr.Dropdown
    dtype: gr.Dropdown
    running: Running = field(default_factory=Running)

    def load(self, model, device=None, dtype=None, *, progress=None, capability: str | None = None,
             attention: str = "eager") -> lm.Backend:
        """The chosen model (loaded once, shared by every tab and session, or on its server) as the core's
        backend (`lm.open_backend`). With
        `capability` (a catalog capability such as models.NEXT_TOKEN), a model the catalog says cannot do it
        is refused before any weights load; what the loaded model can do, ask the backend (`require`).
        `attention`: eager (the default: the attention views need its weights) or sdpa, for a tab that needs
        no attention weights and reads long texts (the Embeddings tab's encoders)."""
        if not model:
            raise InputError("Choose a model in the picker at the top.")
        return lm.open_backend(self.models, model, device=device or None, dtype=dtype or None, progress=progress,
                               capability=capability, limits=lm.Limits.from_settings(self.settings),
                               attention=attention)


def bind(handler, ctx: AppContext, *leading):
    """`handler(ctx, *leading, ...)` with the context (and any `leading` arguments, e.g. a lesson id) bound,
    as Gradio must see it: the handler's name, docstring, signature and type hints, less the bound parameters.

    functools.partial is not enough: Gradio finds a gr.Request or gr.EventData parameter by its type hint,
    and it reads no type hints through a partial (it would pass a widget's value there instead), and
    gr.api refuses a function without them. A gr.Progress parameter is found by its default value.

    Bind a handler once per tab and reuse the result for all its events: Gradio's default concurrency group
    is the function object, so the events of one bound handler share one queue."""
    if inspect.isgeneratorfunction(handler):
        def bound(*args, **kwargs):
            yield from handler(ctx, *leading, *args, **kwargs)
    else:
        def bound(*args, **kwargs):
            return handler(ctx, *leading, *args, **kwargs)
    functools.update_wrapper(bound, handler)  # name, docstring, module; __wrapped__ resolves the type hints
    signature = inspect.signature(handler)
    params = list(signature.parameters.values())
    taken = {p.name for p in params[: 1 + len(leading)]}
    bound.__signature__ = signature.replace(parameters=params[1 + len(leading):])
    bound.__annotations__ = {k: v for k, v in handler.__annotations__.items() if k not in taken}
    return bound


def lesson(tab: str, lesson_id: str) -> Preset:
    """The tab's lesson preset with this id (assets/presets/<tab>.json)."""
    for preset in load_presets(tab):
        if preset.id == lesson_id:
            return preset
    raise InputError(f"There is no lesson {lesson_id!r} in the {tab} tab.")


@contextmanager
def user_errors():
    """Turn the project's input and availability errors into a gr.Error the user reads as is."""
    try:
        yield
    except (InputError, ModelUnavailable) as exc:
        raise gr.Error(str(exc), print_exception=False) from exc


def lesson_bar(presets) -> tuple[list[gr.Button], gr.Markdown]:
    """The row of lesson buttons (elem_id lesson-<id>) and the hidden "what to notice" box under it."""
    gr.Markdown("**Lessons** — click one to fill the inputs and run it:")
    with gr.Row():
        buttons = [gr.Button(p.title, size="sm", elem_id=f"lesson-{p.id}") for p in presets]
    notice = gr.Markdown(elem_classes=["pg-notice"], visible=False)
    return buttons, notice
