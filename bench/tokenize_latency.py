"""Latency of the app's `tokenize` API against the bare tokenizer call, split layer by layer.

    python -m bench.tokenize_latency [--reps 20] [--warmup 3] [--models ...] [--texts ...]

For each tokenizer (SmolLM2-135M-Instruct: byte-level BPE; all-MiniLM-L6-v2: WordPiece) and each
text (a tiny 24-character one, which shows the fixed cost per call; English-like ~1,000 and
~10,000 characters, made by repeating a paragraph; mixed CJK/emoji ~1,000 characters), six
layers are timed in the same run, round-robin (the order rotating by one every round), `--reps` times
each after `--warmup` untimed rounds:

    bare           tok(text, return_offsets_mapping=True), the tokenizer from ModelRegistry().load_tokenizer
    compute        playground.compute.tokenize.tokenize(tok, text): every token described, no HTTP
    handler        the app's registered /tokenize function (build_demo(), not launched), called directly
                   (registry lookup, compute, as_json)
    http           the app served in its own process (`python app.py`), Gradio's raw protocol
                   (common.RawApi: POST /gradio_api/call/tokenize + GET its event stream), a new session a call
    http, session  the same with one session_hash for every call
    client         gradio_client Client(url).predict(text, model, api_name="/tokenize") (one client)

bare, compute and handler run in this process, which serves nothing; the served app runs in its own.
Ratios are against `bare`; the differences between adjacent layers say where the time goes.

A Gradio floor is measured too: `python -m bench.floor_app` (gr.api stubs of the app's API signatures that
answer at once) in its own process, called with the tiny text in the same three ways, next to the app. What
the app costs above that floor is the app's; the floor is Gradio's (and gradio_client's).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.loopback_guard import install as install_loopback_guard

from .common import (
    MINILM, SMOLLM2, ClientApi, RawApi, ServedProcess, ms, ratio, refused_in_children, round_robin, run_and_report,
    summary, table, warm_smollm2_cache, x,
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
LAYERS = ("bare", "compute", "handler", "http", "http, session", "client")
SERVED = ("http", "http, session", "client")


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


def callers(url: str) -> dict:
    """The three ways of calling a served app, by layer name."""
    return {"http": RawApi(url), "http, session": RawApi(url, session=True), "client": ClientApi(url)}


def bench_floor(floor: dict, app: dict, reps: int, warmup: int) -> dict:
    """The tiny text through the floor app and the real app, in the three served ways, round-robin."""
    text = TEXTS["tiny"]()
    calls = {}
    for layer in SERVED:
        calls[f"floor {layer}"] = lambda c=floor[layer]: c("tokenize", text, SMOLLM2)
        calls[f"app {layer}"] = lambda c=app[layer]: c("tokenize", text, SMOLLM2)
    return {k: summary(v) for k, v in round_robin(calls, reps, warmup).items()}


def bench_case(app: dict, handler, tok, model: str, text: str, reps: int, warmup: int) -> dict:
    from playground.compute.tokenize import tokenize

    limit = 50_000
    calls = {
        "bare": lambda: tok(text, return_offsets_mapping=True),
        "compute": lambda: tokenize(tok, text, model=model, max_chars=limit),
        "handler": lambda: handler(text, model),
        **{layer: (lambda c=app[layer]: c("tokenize", text, model)) for layer in SERVED},
    }
    times = round_robin(calls, reps, warmup)
    bare_ids = tok(text, return_offsets_mapping=True)["input_ids"]
    api = app["http"]("tokenize", text, model)
    assert [t["id"] for t in api["tokens"]] == list(bare_ids), "the API and the bare tokenizer disagree"
    stats = {k: summary(v) for k, v in times.items()}
    bare = stats["bare"]["median"]
    med = {k: v["median"] for k, v in stats.items()}
    return {
        "model": model,
        "chars": len(text),
        "tokens": len(bare_ids),
        "response_bytes": app["http"].last_bytes,
        "seconds": stats,
        "ratio_vs_bare": {k: ratio(med[k], bare) for k in LAYERS},
        "split_ms": {
            "tokenizer (bare)": bare * 1e3,
            "describe tokens (compute - bare)": (med["compute"] - bare) * 1e3,
            "handler extras (handler - compute)": (med["handler"] - med["compute"]) * 1e3,
            "Gradio queue + JSON + HTTP, one session (http, session - handler)": (med["http, session"]
                                                                               - med["handler"]) * 1e3,
            "a new session a call (http - http, session)": (med["http"] - med["http, session"]) * 1e3,
            "gradio_client (client - http, session)": (med["client"] - med["http, session"]) * 1e3,
        },
    }


def run(reps: int = 20, warmup: int = 3, models=(SMOLLM2, MINILM), texts=DEFAULT_TEXTS, log=print) -> dict:
    outside = install_loopback_guard()
    log("tokenize_latency: warming the SmolLM2 tokenizer cache (GGUF -> ~/.cache/playground, once per machine)...")
    cache = warm_smollm2_cache()
    from playground.models import ModelRegistry
    from playground.ui.shell import build_demo

    bare_registry = ModelRegistry()  # its own tokenizer objects, from the same cache folders the app uses
    handler = next(f.fn for f in build_demo().fns.values() if f.api_name == "tokenize")  # not launched
    cases = []
    with tempfile.TemporaryDirectory(prefix="bench-tokenize-") as name:
        tmp = Path(name)
        log("tokenize_latency: starting the app (python app.py) and the floor (python -m bench.floor_app)...")
        with ServedProcess("app", [sys.executable, "app.py"], tmp) as app_srv, \
                ServedProcess("floor", [sys.executable, "-m", "bench.floor_app"], tmp) as floor_srv:
            app, floor = callers(app_srv.url), callers(floor_srv.url)
            try:
                app["client"]("tokenize", "warm up", SMOLLM2)
                log("tokenize_latency: Gradio floor (minimal gr.api app) vs the app, tiny text...")
                floor_s = bench_floor(floor, app, reps, warmup)
                for model in models:
                    tok = bare_registry.load_tokenizer(model)
                    app["client"]("tokenize", "warm up", model)  # the app loads its own copy of the tokenizer
                    handler("warm up", model)
                    for text_name in texts:
                        text = TEXTS[text_name]()
                        log(f"tokenize_latency: {model} / {text_name} ({len(text):,} chars)...")
                        case = bench_case(app, handler, tok, model, text, reps, warmup)
                        case["text"] = text_name
                        cases.append(case)
                        log("    " + "  ".join(f"{k} {case['seconds'][k]['median'] * 1e3:.1f} ms" for k in LAYERS))
            finally:
                for c in (*app.values(), *floor.values()):
                    c.close()
        child_outside = refused_in_children(tmp)
    return {
        "config": {"reps": reps, "warmup": warmup, "models": list(models), "texts": list(texts),
                   "served": "python app.py and python -m bench.floor_app, each in its own process, 127.0.0.1"},
        "smollm2_cache": cache,
        "floor_s": floor_s,
        "cases": cases,
        "outside_connections": list(outside) + child_outside,
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
    out.append(table(["model", "text", "tokenizer", "describe", "handler", "gradio+http (session)", "new session",
                      "client - session", "resp KiB"],
                     rows, title="\nWhere the client's time goes (ms, share of the client median)"))
    fl = res["floor_s"]
    rows = [[layer, ms(fl[f"floor {layer}"]["median"]), ms(fl[f"app {layer}"]["median"]),
             ms(fl[f"app {layer}"]["median"] - fl[f"floor {layer}"]["median"])] for layer in SERVED]
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
    return run_and_report("tokenize_latency", lambda log: run(a.reps, a.warmup, a.models, a.texts, log=log), report)


if __name__ == "__main__":
    main()
