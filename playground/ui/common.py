"""What every tab shares: the app context (registry, shared header widgets, loading), the binding of a
handler to it, and error translation."""

from __future__ import annotations

import functools
import inspect
import threading
import types
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from ..compute import lm
from .. import fields, i18n
from ..config import Settings
from ..errors import InputError, ModelUnavailable
from ..models import ModelRegistry
from ..presets import Preset, load_presets, title_in
from ..views.common import esc
from .lang import SESSIONS, L, L_pair, Languages, language, plain
from .workers import COMPUTE


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
    languages: Languages = field(default_factory=lambda: SESSIONS)  # what each session's page shows (ui/lang.py)
    lecture: Any = None  # the shell's ui.lecture.Lecture (the deck of lessons shown); None in a tab built alone

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
        return lm.open_backend(self.models, model, device=device or None, dtype=dtype or None,
                               progress=_progress_in(progress, language(self)),
                               capability=capability, limits=lm.Limits.from_settings(self.settings),
                               attention=attention)


def _progress_in(progress, lang: str):
    """The loader's progress texts ("Loading GPT-2 weights") in the page's language."""
    if progress is None or lang == i18n.EN:
        return progress

    def report(fraction, desc=None, *args, **kwargs):
        return progress(fraction, i18n.tr(desc, lang) if isinstance(desc, str) else desc, *args, **kwargs)

    return report


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
            return COMPUTE.run(handler, ctx, *leading, *args, **kwargs)  # see workers.py: one torch thread
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
    raise InputError("There is no lesson {lesson!r} in the {tab} tab.", lesson=lesson_id, tab=tab)


@contextmanager
def user_errors(lang: str | None = None):
    """Turn the project's input and availability errors into a gr.Error the user reads as is, in `lang` (default:
    the language of the event being handled)."""
    try:
        yield
    except (InputError, ModelUnavailable) as exc:
        raise gr.Error(i18n.error_message(exc, lang or language()), print_exception=False) from exc


def lesson_bar(presets) -> tuple[list[gr.Button], gr.Markdown]:
    """The row of lesson buttons (elem_id lesson-<id>) and the hidden "what to notice" box under it."""
    gr.Markdown(L("**Lessons** — click one to fill the inputs and run it:"), elem_classes=["pg-lessons-head"])
    with gr.Row(elem_classes=["pg-lesson-row"]):
        buttons = [gr.Button(L_pair(p.title, title_in(p.title, i18n.ZH)), size="md", elem_id=f"lesson-{p.id}", elem_classes=["pg-lesson-btn"])
                   for p in presets]
    notice = gr.Markdown(elem_classes=["pg-notice"], visible=False)
    return buttons, notice


# ---- lessons run on their own model; the picker stays as the user set it -----------------------
#
# A lesson names the model it needs (GPT-2, BERT, or the packaged stand-in) and runs on it, but it never
# moves the shared model picker: the lesson's model goes into the tab's own gr.State and the lesson's
# events read that instead of the picker. So after lesson 20 (MiniLM) a Generate in another tab still
# runs the picker's model, and no picker change event clears the lesson's result in the other tabs.


def lesson_model_state() -> gr.State:
    """The model the tab's last lesson ran on (the lesson's events read it in place of the picker)."""
    return gr.State()


def for_lesson(components, ctx: AppContext, lesson_model: gr.State) -> list:
    """The components with the shared picker replaced by the tab's lesson model."""
    return [lesson_model if c is ctx.model else c for c in components]


# ---- user errors next to the control, the last good result kept --------------------------------


@dataclass(frozen=True)
class Refused:
    """A widget value out of its range, as the handler receives it: keep_results reports it, fn never sees it."""

    message: str
    error: InputError | None = None


def _checked_preprocess(slider: gr.Slider, payload):
    whole = float(slider.step).is_integer() and float(slider.minimum).is_integer()
    try:
        value = fields.number(payload, plain(slider.label) or "This value", slider.minimum, slider.maximum, whole=whole)
    except InputError as exc:
        return Refused(str(exc), exc)
    return value if whole else gr.Number.round_to_precision(value, slider.precision)


def knob(*args, **kwargs) -> gr.Slider:
    """A gr.Slider whose typed value is never clamped: out of the slider's range (its current range, after a
    handler narrowed it to the model), it reaches keep_results as a Refused with the label and the allowed
    range (fields.number's words), and the handler does not run. Gradio's own check would fail the whole event
    with "Value 100000 is greater than maximum value 256" over every output; its page clamps a typed value
    silently when the box loses focus (lecture.LECTURE_JS keeps the typed value instead).

    A plain gr.Slider with its own preprocess, not a subclass: Gradio writes a .pyi stub next to the module of
    every Component subclass."""
    slider = gr.Slider(*args, **kwargs)
    slider.preprocess = types.MethodType(_checked_preprocess, slider)
    return slider


def message_box(elem_id: str) -> gr.HTML:
    """Where a control's error stays (escaped text) until its next run; empty and out of the way otherwise."""
    return gr.HTML("", elem_id=elem_id, elem_classes=["pg-message"], padding=False)


def error_html(message: str, lang: str = i18n.EN) -> str:
    return f'<div class="pg-error" role="alert"><b>{esc(i18n.tr("Could not run:", lang))}</b> {esc(message)}</div>'


def _user_message(exc: BaseException, lang: str = i18n.EN) -> str | None:
    if isinstance(exc, (InputError, ModelUnavailable, gr.Error)):
        return i18n.error_message(exc, lang)
    return None


def keep_results(fn, n_outputs: int):
    """`fn` for a UI event whose outputs are followed by one message box (message_box).

    A user error (gr.Error, InputError, ModelUnavailable) leaves every output as it was, so the last good
    result stays on screen instead of red "Error" pills, and writes the message, escaped, into the box,
    where it stays until the next run; a short toast (escaped too: Gradio renders a toast as HTML) says it
    once more. A run that works empties the box. Anything else is a bug and is raised as it is. The
    signature is fn's own, so Gradio still injects gr.Request, gr.Progress and gr.EventData."""
    keep = (gr.skip(),) * n_outputs

    def failed(exc):
        lang = language()
        message = _user_message(exc, lang)
        if message is None:
            return None
        gr.Warning(esc(message), title=i18n.tr("Could not run", lang))
        return (*keep, error_html(message, lang))

    def ok(value):
        values = (value,) if n_outputs == 1 else tuple(value)
        return (*values, "")

    def refused(args):
        return next((a for a in args if isinstance(a, Refused)), None)

    if inspect.isgeneratorfunction(fn):
        def guarded(*args, **kwargs):
            if (r := refused(args)) is not None:
                yield failed(r.error or InputError(r.message))
                return
            try:
                for value in fn(*args, **kwargs):
                    yield ok(value)
            except (gr.Error, InputError, ModelUnavailable) as exc:
                yield failed(exc)
    else:
        def guarded(*args, **kwargs):
            if (r := refused(args)) is not None:
                return failed(r.error or InputError(r.message))
            try:
                value = fn(*args, **kwargs)
            except (gr.Error, InputError, ModelUnavailable) as exc:
                return failed(exc)
            return ok(value)
    functools.update_wrapper(guarded, fn)
    return guarded


# ---- model choices: only what can load here --------------------------------------------------------


def loadable_choices(models: ModelRegistry, capability: str | None = None, *, probe_hub: bool = True) -> list:
    """(label, name) pairs of the models that can load here (or whose hub access is not checked yet). The
    others are not offered; the catalog lists them with the reason."""
    return [(_choice_label(label, name), name) for label, name in models.choices(capability, probe_hub=probe_hub)
            if models.availability(name, probe_hub=probe_hub).ok is not False]


# the pickers' marks after a model's name (ModelRegistry.choices), as component text in the page's language
_MARKS = {" (hub)": "{name} (hub)", " (checking)": "{name} (checking)", " (unavailable)": "{name} (unavailable)"}


def _choice_label(label: str, name: str):
    mark = label[len(name):] if label.startswith(name) else ""
    return L(_MARKS[mark], name=name) if mark in _MARKS else label


# Outputs that are a form control or state: an event that writes one brings no result to look at there.
CONTROLS = (gr.Textbox, gr.Slider, gr.Dropdown, gr.Checkbox, gr.CheckboxGroup, gr.Radio, gr.Number, gr.Button,
            gr.State)


def progress_on_results(demo: gr.Blocks) -> None:
    """Each event shows its progress on the one result the user waits for, not on every output; a hidden one on
    none.

    Why: Gradio's page keeps a loading status for every progress target of every event run in the session (by
    default, every output), and on each status message of any event (pending, queued, started, progress, done) it
    updates all of them, each through a search of the whole component tree (691 components here). A lesson that
    fills 26 boxes so made every later event of the session update 26 more components, and the spinners covered
    every box it filled. Measured on one lesson per tab (the language test's walk) in headless Chromium, four
    walks each: the page's main thread was busy 18.3-27.7 s a walk before, 15.8-23.1 s after (a fifth less).
    Set after the tabs are built, on every event that does not name its own targets: its first output that is a
    result (is_result: not a form control or a state, such as a lesson's filled-in boxes or a stored deck), else
    its first output."""
    for fn in demo.fns.values():
        if fn.show_progress_on is not None:
            continue
        if fn.show_progress == "hidden":
            fn.show_progress_on = []
            continue
        results = [c for c in fn.outputs if is_result(c)]
        fn.show_progress_on = (results or list(fn.outputs))[:1]


def is_result(component) -> bool:
    """Whether an output is something to look at: not a form control (an editable table is one) or a state."""
    if isinstance(component, gr.Dataframe):
        return not component.interactive
    return not isinstance(component, CONTROLS)
