"""Entry point: `python app.py` serves the playground at http://127.0.0.1:7860 (a Space runs the same).

`demo` is built at import (Spaces and `gradio app.py` look for it); no model loads until it is used.
Once the server is up, a background thread loads the default model's tokenizer (under a second, and
without torch), so that the first tokenize does not wait for it, and then imports torch and the
transformers model classes (about 1.5 s), so that the first model load does not either.

Start-up runs with the garbage collector paused: importing Gradio and building the app's 400-odd blocks
make some 340,000 objects and little garbage (about 10,000 objects, which stay), and the collector's
passes over them took 0.55 s of 3.3 s here. Once the app is built (and served), those objects are frozen
(gc.freeze: later collections skip them, so no request pays for a pass over the whole start-up heap) and
collection resumes.
"""

import gc

gc.disable()

import logging  # noqa: E402
import threading  # noqa: E402

from playground.config import Settings  # noqa: E402
from playground.models import ModelRegistry  # noqa: E402
from playground.ui.shell import build_demo, launch_options  # noqa: E402

models = ModelRegistry(Settings.from_env())
demo = build_demo(models.settings, models)


def started() -> None:
    """Start-up is over: freeze what it made, collect again from here on."""
    gc.freeze()
    gc.enable()


def warm_up() -> None:
    name = models.default_name()
    if not name:
        return
    try:
        models.load_tokenizer(name)
        import torch  # noqa: F401  (what the first model load would otherwise import)
        from transformers import AutoModel  # noqa: F401
    except Exception as exc:  # the first real request reports it to the user
        logging.getLogger("playground").warning("warm-up of %s failed: %s", name, exc)


if __name__ == "__main__":
    demo.launch(prevent_thread_lock=True, **launch_options())
    started()
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    demo.block_thread()
else:  # imported (a Space, `gradio app.py`, a test): whoever imports it launches it
    started()
