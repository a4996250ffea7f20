"""Entry point: `python app.py` serves the playground at http://127.0.0.1:7860 (a Space runs the same).

`demo` is built at import (Spaces and `gradio app.py` look for it); no model loads until it is used.
Once the server is up, the default model's tokenizer is loaded in the background, so the first
click does not wait for transformers and torch to import (about 5 s on a small machine).
"""

import logging
import threading

from playground.config import Settings
from playground.models import ModelRegistry
from playground.ui.shell import build_demo, launch_options

models = ModelRegistry(Settings.from_env())
demo = build_demo(models.settings, models)


def warm_up() -> None:
    name = models.default_name()
    if not name:
        return
    try:
        models.load_tokenizer(name)
    except Exception as exc:  # the first real request reports it to the user
        logging.getLogger("playground").warning("warm-up of %s failed: %s", name, exc)


if __name__ == "__main__":
    demo.launch(prevent_thread_lock=True, **launch_options())
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    demo.block_thread()
