"""What every tab shares: the app context (registry + shared header widgets) and error translation."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import gradio as gr

from ..config import Settings
from ..errors import InputError, ModelUnavailable
from ..models import ModelRegistry


@dataclass
class AppContext:
    """Handed to every build_<tab>_tab(ctx). Components here are the shared header widgets."""

    settings: Settings
    models: ModelRegistry
    model: gr.Dropdown  # the shared model picker: its value is a catalog name
    device: gr.Dropdown
    dtype: gr.Dropdown


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
