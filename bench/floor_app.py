"""The Gradio floor: a minimal app whose only endpoints are gr.api functions of the same names and
signatures as the app's APIs, each answering a tiny dict at once. Served like the app (`python -m
bench.floor_app`, GRADIO_SERVER_PORT from the environment, the app's queue settings), it is what any
Gradio API call costs on this machine, whatever the app does: queue, JSON, HTTP, the client.

The signatures are the app's own: build_demo() is called (it loads no model and imports no torch) and
every public API function is wrapped by a stub that keeps its name, parameters, type hints and
docstring, so the floor parses the same arguments the app does.
"""

from __future__ import annotations

import functools

QUEUE = {"default_concurrency_limit": 4, "max_size": 64}  # as playground.ui.shell.build_demo


def app_apis() -> dict:
    """api_name -> the app's registered function, for every public gr.api endpoint of build_demo()."""
    from playground.ui.shell import build_demo

    demo = build_demo()
    return {f.api_name: f.fn for f in demo.fns.values()
            if f.api_name and f.fn is not None and getattr(f, "api_visibility", "public") == "public"}


def floor_demo(apis: dict):
    import gradio as gr

    def stub_for(fn):
        @functools.wraps(fn)
        def stub(*args, **kwargs) -> dict:
            return {"model": "", "ok": True}

        return stub

    with gr.Blocks() as demo:
        for name, fn in apis.items():
            gr.api(stub_for(fn), api_name=name)
    demo.queue(**QUEUE)
    return demo


if __name__ == "__main__":
    floor_demo(app_apis()).launch(server_name="127.0.0.1")
