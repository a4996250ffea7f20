"""Latency of the app's `tokenize` API against the bare tokenizer call, split layer by layer.

    python -m bench.tokenize_latency [--reps 20] [--warmup 3] [--models ...] [--texts ...]

For each tokenizer (SmolLM2-135M-Instruct: byte-level BPE; all-MiniLM-L6-v2: WordPiece) and each
text (a tiny 24-character one, which shows the fixed cost per call; English-like ~1,000 and
~10,000 characters, made by repeating a paragraph; mixed CJK/emoji ~1,000 characters), five
layers are timed in the same run, round-robin (the order rotating by one every round), `--reps` times
each after `--warmup` untimed rounds:

    bare      tok(text, return_offsets_mapping=True), the tokenizer from ModelRegistry().load_tokenizer
    compute   playground.compute.tokenize.tokenize(tok, text): every token described, no HTTP
    handler   the app's registered /tokenize function called in-process (registry lookup, compute, as_json)
    http      POST /gradio_api/call/tokenize + GET its SSE stream, with httpx (Gradio's queue, JSON, HTTP)
    client    gradio_client Client(url).predict(text, model, api_name="/tokenize")

The app is served in-process (build_demo() + demo.launch(prevent_thread_lock=True) on 127.0.0.1),
so the server and the client share this process and its GIL, as in tests/conftest.py `live_app`.
Ratios are against `bare`; the differences between adjacent layers say where the time goes.

A Gradio floor is measured too: a minimal Blocks with only a gr.api /tokenize that returns at once,
called with the tiny text over HTTP and with gradio_client, next to the app. What the app costs
above that floor is the app's; the floor is Gradio's (and gradio_client's).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys

from tests.loopback_guard import install as install_loopback_guard

from .common import (
    busy_warning,
    MINILM, REPO, SMOLLM2, ms, ratio, round_robin, summary, table, warm_smollm2_cache,
    write_results, x,
)

PARAGRAPH = (
    "It was a dark and stormy night; the rain fell in torrents, except at occasional intervals, when it "
    "was checked by a violent gust of wind which swept up the streets (for it is in London that our scene "
    "lies), rattling along the housetops, and fiercely agitating the scanty flame of the lamps that "
    "struggled against the darkness. Tokenizers split such text into pieces: run, runs, running, runner. "
)
MIXED = (
    "漢字とかなが混じった日本語の文章、中文句子，한국어 문장도 있습니다。 Emoji 🙂🚀👩‍💻🇫🇷 and accents: "
    "café, naïve, Ångström. 東京は雨です。Tokenizer は byte を分ける。 "
)
LAYERS = ("bare", "compute", "handler", "http", "client")


def make_text(paragraph: str, chars: int) -> str:
    """`paragraph` repeated to about `chars` characters, cut at a space."""
    text = paragraph * (chars // len(paragraph) + 1)
    cut = text.rfind(" ", 0, chars + 1)
    return text[: cut if cut > chars * 0.9 else chars].rstrip()


TEXTS = {
    "tiny": lambda: "It was a dark and stormy",
    "english-1k": lambda: make_text(PARAGRAPH, 1_000),
    "english-10k": lambda: make_text(PARAGRAPH, 10_000),
    "mixed-1k": lambda: make_text(MIXED, 1_000),
    "mixed-10k": lambda: make_text(MIXED, 10_000),
}
DEFAULT_TEXTS = ("tiny", "english-1k", "english-10k", "mixed-1k")


class Served:
    """A Blocks served in-process on 127.0.0.1, with two ways to call its /tokenize over HTTP."""

    def __init__(self, demo, **launch):
        import httpx
        from gradio_client import Client

        self.demo = demo
        _, url, _ = demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True, **launch)
        self.url = url.rstrip("/")
        self.client = Client(self.url, verbose=False)
        self.http = httpx.Client(base_url=self.url, trust_env=False, timeout=120)

    def post(self, api: str, *data) -> dict:
        """Gradio's documented REST route: POST returns an event id; GET streams its result as SSE."""
        r = self.http.post(f"/gradio_api/call/{api}", json={"data": list(data)})
        r.raise_for_status()
        event_id = r.json()["event_id"]
        event = None
        with self.http.stream("GET", f"/gradio_api/call/{api}/{event_id}") as resp:
            for line in resp.iter_lines():
                if line.startswith("event: "):
                    event = line[7:].strip()
                elif line.startswith("data: ") and event in ("complete", "error"):
                    if event == "error":
                        raise RuntimeError(f"/{api} error: {line[6:300]}")
                    self.last_http_bytes = len(line) - 6
                    return json.loads(line[6:])[0]
        raise RuntimeError(f"the /{api} stream ended with no result")

    def predict(self, api: str, *data) -> dict:
        return self.client.predict(*data, api_name=f"/{api}")

    def call_http(self, text: str, model: str) -> dict:
        return self.post("tokenize", text, model)

    def call_client(self, text: str, model: str) -> dict:
        return self.predict("tokenize", text, model)

    def close(self):
        self.http.close()
        try:
            self.client.close()
        except Exception:
            pass
        with contextlib.redirect_stdout(io.StringIO()):  # "Closing server running on port ..."
            self.demo.close()


class App(Served):
    """The real app: build_demo() + launch_options(), plus its registered /tokenize function."""

    def __init__(self):
        from playground.ui.shell import build_demo, launch_options

        super().__init__(build_demo(), **launch_options())
        self.handler = next(f.fn for f in self.demo.fns.values() if f.api_name == "tokenize")

    def call_handler(self, text: str, model: str) -> dict:
        return self.handler(text, model)


def floor_app() -> Served:
    """The Gradio floor: a minimal Blocks whose only endpoint is a gr.api /tokenize returning a tiny
    dict at once, queued like the app. What any Gradio API call costs here, whatever the app does."""
    import gradio as gr

    with gr.Blocks() as demo:
        def tokenize(text: str, model: str = "") -> dict:
            """Returns an almost empty answer."""
            return {"model": model, "tokens": [{"id": 0}]}

        gr.api(tokenize, api_name="tokenize")
    demo.queue(default_concurrency_limit=4, max_size=64)
    return Served(demo)


def bench_floor(floor: Served, app: App, reps: int, warmup: int) -> dict:
    """The tiny text through the floor app and the real app, HTTP and client, round-robin."""
    text = TEXTS["tiny"]()
    calls = {
        "floor http": lambda: floor.call_http(text, SMOLLM2),
        "floor client": lambda: floor.call_client(text, SMOLLM2),
        "app http": lambda: app.call_http(text, SMOLLM2),
        "app client": lambda: app.call_client(text, SMOLLM2),
    }
    return {k: summary(v) for k, v in round_robin(calls, reps, warmup).items()}


def bench_case(app: App, tok, model: str, text: str, reps: int, warmup: int) -> dict:
    from playground.compute.tokenize import tokenize

    limit = 50_000
    calls = {
        "bare": lambda: tok(text, return_offsets_mapping=True),
        "compute": lambda: tokenize(tok, text, model=model, max_chars=limit),
        "handler": lambda: app.call_handler(text, model),
        "http": lambda: app.call_http(text, model),
        "client": lambda: app.call_client(text, model),
    }
    times = round_robin(calls, reps, warmup)
    bare_ids = tok(text, return_offsets_mapping=True)["input_ids"]
    api = app.call_client(text, model)
    assert [t["id"] for t in api["tokens"]] == list(bare_ids), "the API and the bare tokenizer disagree"
    stats = {k: summary(v) for k, v in times.items()}
    bare = stats["bare"]["median"]
    return {
        "model": model,
        "chars": len(text),
        "tokens": len(bare_ids),
        "response_bytes": getattr(app, "last_http_bytes", None),
        "seconds": stats,
        "ratio_vs_bare": {k: ratio(stats[k]["median"], bare) for k in LAYERS},
        "split_ms": {
            "tokenizer (bare)": bare * 1e3,
            "describe tokens (compute - bare)": (stats["compute"]["median"] - bare) * 1e3,
            "handler extras (handler - compute)": (stats["handler"]["median"] - stats["compute"]["median"]) * 1e3,
            "Gradio queue + JSON + HTTP (http - handler)": (stats["http"]["median"] - stats["handler"]["median"]) * 1e3,
            "gradio_client (client - http)": (stats["client"]["median"] - stats["http"]["median"]) * 1e3,
        },
    }


def run(reps: int = 20, warmup: int = 3, models=(SMOLLM2, MINILM), texts=DEFAULT_TEXTS, log=print) -> dict:
    outside = install_loopback_guard()
    log("tokenize_latency: warming the SmolLM2 tokenizer cache (GGUF -> ~/.cache/playground, once per machine)...")
    cache = warm_smollm2_cache()
    from playground.models import ModelRegistry

    bare_registry = ModelRegistry()  # its own tokenizer objects, from the same cache folders the app uses
    app = App()
    floor = floor_app()
    cases = []
    try:
        app.call_client("warm up", SMOLLM2)
        log("tokenize_latency: Gradio floor (minimal gr.api app) vs the app, tiny text...")
        floor_s = bench_floor(floor, app, reps, warmup)
        for model in models:
            tok = bare_registry.load_tokenizer(model)
            app.call_client("warm up", model)  # the app loads its own copy of the tokenizer
            for name in texts:
                text = TEXTS[name]()
                log(f"tokenize_latency: {model} / {name} ({len(text):,} chars)...")
                case = bench_case(app, tok, model, text, reps, warmup)
                case["text"] = name
                cases.append(case)
                log("    " + "  ".join(f"{k} {case['seconds'][k]['median'] * 1e3:.1f} ms" for k in LAYERS))
    finally:
        floor.close()
        app.close()
    return {
        "config": {"reps": reps, "warmup": warmup, "models": list(models), "texts": list(texts),
                   "served": "in-process, 127.0.0.1, demo.queue(default_concurrency_limit=4)"},
        "smollm2_cache": cache,
        "floor_s": floor_s,
        "cases": cases,
        "outside_connections": list(outside),
    }


def report(res: dict) -> str:
    rows = []
    for c in res["cases"]:
        s, r = c["seconds"], c["ratio_vs_bare"]
        rows.append([c["model"], c["text"], f"{c['chars']:,}", f"{c['tokens']:,}",
                     *(ms(s[k]["median"]) for k in LAYERS),
                     ms(s["client"]["p90"]), x(r["compute"]), x(r["client"])])
    n = res["config"]["reps"]
    out = [table(["model", "text", "chars", "tokens", *(f"{k} ms" for k in LAYERS), "client p90",
                  "compute/bare", "client/bare"], rows,
                 title=f"Tokenize latency: medians of {n} runs (ms), ratios of medians")]
    rows = []
    for c in res["cases"]:
        sp = c["split_ms"]
        total = c["seconds"]["client"]["median"] * 1e3
        rows.append([c["model"], c["text"], *(f"{v:,.1f} ({v / total:.0%})" for v in sp.values()),
                     f"{(c['response_bytes'] or 0) / 1024:,.0f}"])
    out.append(table(["model", "text", "tokenizer", "describe", "handler", "gradio+http", "client", "resp KiB"],
                     rows, title="\nWhere the client's time goes (ms, share of the client median)"))
    fl = res["floor_s"]
    rows = [[layer, ms(fl[f"floor {layer}"]["median"]), ms(fl[f"app {layer}"]["median"]),
             ms(fl[f"app {layer}"]["median"] - fl[f"floor {layer}"]["median"])] for layer in ("http", "client")]
    out.append(table(["tiny text, per call", "floor ms", "app ms", "app - floor"], rows,
                     title="\nFixed cost per call: a minimal gr.api app (the Gradio floor) vs the app (medians)"))
    if res["outside_connections"]:
        out.append(f"\nRefused connections beyond 127.0.0.1: {res['outside_connections']}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--models", nargs="+", default=[SMOLLM2, MINILM])
    p.add_argument("--texts", nargs="+", default=list(DEFAULT_TEXTS), choices=list(TEXTS))
    a = p.parse_args(argv)
    warning = busy_warning()
    if warning:
        print(warning, file=sys.stderr)
    res = run(a.reps, a.warmup, a.models, a.texts, log=lambda m: print(m, file=sys.stderr))
    print(report(res))
    path = write_results("tokenize_latency", res)
    print(f"\nwrote {path.relative_to(REPO)}")
    return res


if __name__ == "__main__":
    main()
