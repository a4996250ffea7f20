"""Entry point: `python app.py` serves the playground at http://127.0.0.1:7860 (a Space runs the same).

`demo` is built at import (Spaces and `gradio app.py` look for it); no model loads until it is used.
"""

from playground.ui.shell import build_demo, launch_options

demo = build_demo()

if __name__ == "__main__":
    demo.launch(**launch_options())
