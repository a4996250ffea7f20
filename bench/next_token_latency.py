"""Latency of the app's `next_token` and `logit_lens` APIs against the bare transformers forward + softmax.

    python -m bench.next_token_latency [--reps 20] [--warmup 3] [--apis next_token logit_lens]

SmolLM2-135M-Instruct, float32 on the CPU, one prompt of exactly 32 tokens (a paragraph cut to 32
token ids with the model's tokenizer and decoded back; it re-tokenizes to the same 32 ids). With
the app served, five layers are timed for each API in the same run, round-robin (the order rotating
by one every round, 50 ms untimed before each call), `--reps` times each after `--warmup` untimed
rounds:

    bare      next_token: tok(prompt) + model(ids).logits[0, -1] + softmax(logits / T) + topk(10)
              logit_lens: model(ids, output_hidden_states=True), then every hidden state through
              model.model.norm (all but the last, which transformers has normed) and model.lm_head,
              softmax and topk(5) at every position; both under torch.inference_mode(), use_cache=False
    compute   playground.compute.next_token: next_token + distribution(T=1, k=10) + as_json,
              or logit_lens(...).as_json()
    handler   the app's registered /next_token or /logit_lens function called in-process
    http      POST /gradio_api/call/<api> + GET its SSE stream, with httpx
    client    gradio_client Client(url).predict(..., api_name="/<api>")

The bare layer and the app share one ModelRegistry, so they run the very same model object; the
app is served in-process (build_demo(settings, registry) + demo.launch(prevent_thread_lock=True)
on 127.0.0.1), so server and client share this process and its GIL, as in tokenize_latency.

Two more phases, each with only its own server up (an idle Gradio server is not free: its queue
polls every millisecond, about a tenth of a core, which slows a CPU forward pass in its process):

    bare, no server   the bare calls before any server starts and again after the last one closes
    floor http/client the http and client calls on a minimal Blocks whose gr.api endpoints of the
                      same names and signatures return a tiny dict at once: Gradio's fixed cost

The target under test: the app adds at most 15% over the bare forward + softmax. The report gives
compute/bare, handler/bare, http/bare, client/bare and (http - floor http)/bare (the app once
Gradio's fixed cost per call is taken out), for medians and p90s, the median of the per-round
ratios ("paired", steadier when other processes come and go), and each layer against the bare
calls with no server running. The client is not taken less its floor: most of the floor client's
~90 ms is gradio_client polling every 50 ms, which a longer call hides.
"""

from __future__ import annotations

import argparse
import sys


from . import tokenize_latency
from .common import (
    REPO, SMOLLM2, CpuWatch, busy_warning, finish_report, idle_cpu, load_smollm2, ms, ratio, round_robin, summary,
    table, write_results, x,
)

PROMPT_TOKENS = 32
TARGET = 1.15  # "the app adds at most 15% over the bare forward + softmax"
TOP_K, TEMPERATURE, LENS_TOP = 10, 1.0, 5
APIS = ("next_token", "logit_lens")
LAYERS = ("bare", "compute", "handler", "http", "client")
FLOOR = ("floor http", "floor client")
SETTLE_S = 0.05  # untimed pause before each call


# ---- the prompt, and the bare calls ---------------------------------------------------------------

def make_prompt(tok, n: int = PROMPT_TOKENS) -> str:
    """tokenize_latency's paragraph cut to `n` token ids and decoded back; checked to re-tokenize to them."""
    ids = list(tok(tokenize_latency.PARAGRAPH * 2)["input_ids"])[:n]
    prompt = tok.decode(ids, skip_special_tokens=False, clean_up_tokenization_spaces=False)
    again = list(tok(prompt)["input_ids"])
    if again != ids:
        raise RuntimeError(f"the {n}-token prompt re-tokenizes to {len(again)} ids, not the same {n}: {prompt!r}")
    return prompt


def bare_next_token(model, tok, prompt: str, temperature: float = TEMPERATURE, k: int = TOP_K):
    """The bare transformers forward + softmax: (top probabilities, top ids) of the token after `prompt`."""
    import torch

    with torch.inference_mode():
        ids = tok(prompt, return_tensors="pt")["input_ids"]
        logits = model(ids, use_cache=False).logits[0, -1]
        probs = torch.softmax(logits / temperature, -1)
        return torch.topk(probs, k)


def bare_logit_lens(model, tok, prompt: str, k: int = LENS_TOP) -> list:
    """Every hidden state through the final norm and the unembedding: per layer, topk over (positions, vocab)."""
    import torch

    with torch.inference_mode():
        ids = tok(prompt, return_tensors="pt")["input_ids"]
        hidden = model(ids, output_hidden_states=True, use_cache=False).hidden_states
        last = len(hidden) - 1
        return [torch.topk(torch.softmax(model.lm_head(h[0] if i == last else model.model.norm(h[0])), -1), k)
                for i, h in enumerate(hidden)]


# ---- serving --------------------------------------------------------------------------------------

# tokenize_latency.Served: the in-process server with post(api, *data) over HTTP and predict(api, *data)
# through gradio_client, for any gr.api endpoint.
Served = tokenize_latency.Served


class App(Served):
    """The real app on a given registry (so it shares the bench's model), plus its registered API functions."""

    def __init__(self, settings, registry):
        from playground.ui.shell import build_demo, launch_options

        super().__init__(build_demo(settings, registry), **launch_options())
        self.handlers = {f.api_name: f.fn for f in self.demo.fns.values() if f.api_name in APIS}


def floor_app() -> Served:
    """The Gradio floor: a minimal Blocks with gr.api /next_token and /logit_lens of the app's signatures,
    returning a tiny dict at once, queued like the app."""
    import gradio as gr

    with gr.Blocks() as demo:
        def next_token(prompt: str, model: str = "", top_k: int = 10, temperature: float = 1.0) -> dict:
            """Returns an almost empty answer."""
            return {"model": model, "top": [{"id": 0, "prob": 1.0}]}

        def logit_lens(prompt: str, model: str = "") -> dict:
            """Returns an almost empty answer."""
            return {"model": model, "cells": [[{"top": [{"id": 0, "prob": 1.0}]}]]}

        gr.api(next_token, api_name="next_token")
        gr.api(logit_lens, api_name="logit_lens")
    demo.queue(default_concurrency_limit=4, max_size=64)
    return Served(demo)


# ---- timing ---------------------------------------------------------------------------------------

def ratios(stats: dict) -> dict:
    """Against bare, for the median and the p90: each layer, http less the Gradio floor, and each layer
    against the bare calls with no server running."""
    out = {}
    for q in ("median", "p90"):
        bare, alone = stats["bare"][q], stats["bare, no server"][q]
        r = {k: ratio(stats[k][q], bare) for k in LAYERS}
        r["http - floor"] = ratio(stats["http"][q] - stats["floor http"][q], bare)
        r["bare, no server"] = ratio(alone, bare)
        r["vs no server"] = {k: ratio(stats[k][q], alone) for k in LAYERS}
        r["vs no server"]["http - floor"] = ratio(stats["http"][q] - stats["floor http"][q], alone)
        out[q] = r
    return out


def paired(times: dict[str, list[float]], floor_http: float) -> dict:
    """The median over rounds of each round's layer / bare: less sensitive to load that comes and goes."""
    out = {k: summary([a / b for a, b in zip(times[k], times["bare"])])["median"] for k in LAYERS}
    out["http - floor"] = summary([(h - floor_http) / b for h, b in zip(times["http"], times["bare"])])["median"]
    return out


def check_next_token(bare, compute: dict, api: dict) -> dict:
    probs, ids = bare
    want = [int(i) for i in ids]
    for name, got in (("compute", compute), ("API", api)):
        if [c["id"] for c in got["top"]] != want:
            raise AssertionError(f"next_token: the {name} top {TOP_K} differ from the bare topk")
    diff = max(abs(c["prob"] - float(p)) for c, p in zip(api["top"], probs))
    return {"top_ids_equal": True, "max_prob_diff": diff}


def check_logit_lens(bare: list, compute: dict, api: dict) -> dict:
    want = [[[int(i) for i in row] for row in ids] for _, ids in bare]
    agree = total = 0
    for name, got in (("compute", compute), ("API", api)):
        cells = [[[t["id"] for t in cell["top"]] for cell in layer] for layer in got["cells"]]
        if len(cells) != len(want) or cells[-1] != want[-1]:
            raise AssertionError(f"logit_lens: the {name} last layer differs from the bare one")
        for a, b in zip(cells, want):
            for ca, cb in zip(a, b):
                agree += ca[0] == cb[0]
                total += 1
    share = agree / total
    if share < 0.99:  # float noise may swap near-ties, nothing more
        raise AssertionError(f"logit_lens: the top-1 tokens agree with the bare lens in only {share:.1%} of cells")
    return {"top1_agreement": share, "layers": len(want), "positions": len(want[0]),
            "final_max_abs_diff": compute["final_max_abs_diff"]}


def api_args(api: str, prompt: str) -> tuple:
    return (prompt, SMOLLM2, TOP_K, TEMPERATURE) if api == "next_token" else (prompt, SMOLLM2)


def bare_call(api: str, loaded, prompt: str):
    fn = bare_next_token if api == "next_token" else bare_logit_lens
    return lambda: fn(loaded.model, loaded.tokenizer, prompt)


def compute_call(api: str, loaded, prompt: str):
    from playground.compute import next_token as nt

    if api == "logit_lens":
        return lambda: nt.logit_lens(loaded, prompt).as_json()

    def compute():
        result = nt.next_token(loaded, prompt)
        return nt.as_json(result, nt.distribution(result, TEMPERATURE, TOP_K))

    return compute


def floor_calls(floor: Served, apis, prompt: str) -> dict:
    calls = {}
    for api in apis:
        args = api_args(api, prompt)
        calls[f"{api} floor http"] = lambda api=api, args=args: floor.post(api, *args)
        calls[f"{api} floor client"] = lambda api=api, args=args: floor.predict(api, *args)
    return calls


def bench_api(api: str, loaded, prompt: str, app: App, reps: int, warmup: int) -> dict:
    """The five layers of one API, round-robin, with the app served; then the answers checked."""
    args = api_args(api, prompt)
    calls = {
        "bare": bare_call(api, loaded, prompt),
        "compute": compute_call(api, loaded, prompt),
        "handler": lambda: app.handlers[api](*args),
        "http": lambda: app.post(api, *args),
        "client": lambda: app.predict(api, *args),
    }
    with CpuWatch() as watch:
        times = round_robin(calls, reps, warmup, SETTLE_S)
    check = (check_next_token if api == "next_token" else check_logit_lens)(
        calls["bare"](), calls["compute"](), app.post(api, *args))
    return {"api": api, "times": times, "check": check, "response_bytes": app.last_http_bytes,
            "wall_s": watch.wall_s, "other_cpu_share": watch.others}


def finish_case(case: dict, alone: list[float], floor: dict) -> dict:
    """Statistics, ratios and the split of one API's times, with its no-server bare and floor samples."""
    times = case.pop("times")
    stats = {k: summary(v) for k, v in times.items()}
    stats["bare, no server"] = summary(alone)
    stats.update({k: summary(floor[k]) for k in FLOOR})
    med = {k: v["median"] for k, v in stats.items()}
    case.update({
        "seconds": stats,
        "ratio_vs_bare": ratios(stats),
        "paired_median_ratio": paired(times, med["floor http"]),
        "split_ms": {
            "forward + softmax (bare)": med["bare"] * 1e3,
            "app compute extras (compute - bare)": (med["compute"] - med["bare"]) * 1e3,
            "handler extras (handler - compute)": (med["handler"] - med["compute"]) * 1e3,
            "Gradio queue + JSON + HTTP (http - handler)": (med["http"] - med["handler"]) * 1e3,
            "gradio_client (client - http)": (med["client"] - med["http"]) * 1e3,
        },
    })
    return case


def run(reps: int = 20, warmup: int = 3, apis=APIS, log=print) -> dict:
    outside, cache, settings, registry, loaded = load_smollm2("next_token_latency", log)
    import torch
    prompt = make_prompt(loaded.tokenizer)
    bare = {api: bare_call(api, loaded, prompt) for api in apis}
    idle = {"no server": idle_cpu()}

    log(f"next_token_latency: bare calls with no server running, {warmup} + {reps} rounds...")
    with CpuWatch() as w_alone:
        alone = round_robin(bare, reps, warmup, SETTLE_S)

    log("next_token_latency: the Gradio floor (a minimal gr.api app, served alone)...")
    floor = floor_app()
    try:
        idle["floor served"] = idle_cpu()
        with CpuWatch() as w_floor:
            floor_times = round_robin(floor_calls(floor, apis, prompt), reps, warmup, SETTLE_S)
    finally:
        floor.close()

    app = App(settings, registry)
    cases = []
    try:
        for api in apis:  # untimed: the first calls import and allocate what the later ones reuse
            app.predict(api, *api_args(api, prompt))
        if registry.loaded() != [(SMOLLM2, "cpu", "float32", "eager")]:
            raise RuntimeError(f"the app loaded a model of its own: {registry.loaded()}")
        idle["app served"] = idle_cpu()
        for api in apis:
            log(f"next_token_latency: {api} with the app served, {PROMPT_TOKENS}-token prompt, "
                f"{warmup} + {reps} rounds...")
            case = bench_api(api, loaded, prompt, app, reps, warmup)
            cases.append(case)
            log("    " + "  ".join(f"{k} {summary(case['times'][k])['median'] * 1e3:.1f} ms" for k in LAYERS))
    finally:
        app.close()

    log(f"next_token_latency: bare calls with no server running again, {reps} rounds...")
    with CpuWatch() as w_after:
        after = round_robin(bare, reps, 1, SETTLE_S)
    for case in cases:
        api = case["api"]
        finish_case(case, alone[api] + after[api],
                    {k: floor_times[f"{api} {k}"] for k in FLOOR})
    return {
        "config": {"reps": reps, "warmup": warmup, "apis": list(apis), "model": SMOLLM2, "device": loaded.device,
                   "dtype": loaded.dtype, "attn_implementation": loaded.attn_implementation,
                   "torch_threads": torch.get_num_threads(), "prompt": prompt, "prompt_tokens": PROMPT_TOKENS,
                   "top_k": TOP_K, "temperature": TEMPERATURE, "lens_top": LENS_TOP, "target_ratio": TARGET,
                   "order": "round-robin, rotating by one every round", "settle_s": SETTLE_S,
                   "served": "in-process, 127.0.0.1, demo.queue(default_concurrency_limit=4); one server at a "
                             "time; one registry shared by the bare calls and the app"},
        "smollm2_cache": cache,
        "model_load_s": loaded.load_seconds,
        "idle_cpu_s_per_s": idle,
        "other_cpu_share": {"bare, no server (before)": w_alone.others, "floor": w_floor.others,
                            **{c["api"]: c["other_cpu_share"] for c in cases},
                            "bare, no server (after)": w_after.others},
        "cases": cases,
        "outside_connections": list(outside),
    }


# ---- report ---------------------------------------------------------------------------------------

def verdict(value: float) -> str:
    return "met" if value <= TARGET else "not met"


def report(res: dict) -> str:
    n = res["config"]["reps"]
    rows = []
    for c in res["cases"]:
        s, r, pr = c["seconds"], c["ratio_vs_bare"], c["paired_median_ratio"]
        for layer in ("bare, no server",) + LAYERS + ("http - floor",) + FLOOR:
            if layer in FLOOR:
                rows.append([c["api"], layer, ms(s[layer]["median"]), ms(s[layer]["p90"]), "", "", "", "", ""])
                continue
            if layer == "http - floor":
                med, p90 = (s["http"][q] - s["floor http"][q] for q in ("median", "p90"))
            else:
                med, p90 = s[layer]["median"], s[layer]["p90"]
            if layer == "bare, no server":
                rows.append([c["api"], layer, ms(med), ms(p90), x(r["median"][layer]), x(r["p90"][layer]), "", "",
                             "1.00x"])
                continue
            rows.append([c["api"], layer, ms(med), ms(p90), x(r["median"][layer]), x(r["p90"][layer]), x(pr[layer]),
                         "" if layer == "bare" else f"{verdict(r['median'][layer])} / {verdict(r['p90'][layer])}",
                         x(r["median"]["vs no server"][layer])])
    out = [table(["api", "layer", "median ms", "p90 ms", "median / bare", "p90 / bare", "paired",
                  f"<= {TARGET:.2f}x (median / p90)", "median / no-server bare"], rows,
                 title=f"Next-token latency: {SMOLLM2} float32 CPU, {res['config']['prompt_tokens']}-token prompt, "
                       f"{n} runs each (ratios of medians, of p90s; paired: median of per-round ratios)")]
    rows = []
    for c in res["cases"]:
        sp = c["split_ms"]
        total = c["seconds"]["client"]["median"] * 1e3
        rows.append([c["api"], *(f"{v:,.1f} ({v / total:.0%})" for v in sp.values()),
                     ms(c["seconds"]["floor http"]["median"]), f"{(c['response_bytes'] or 0) / 1024:,.1f}"])
    out.append(table(["api", "forward+softmax", "compute extras", "handler", "gradio+http", "client",
                      "(floor http)", "resp KiB"], rows,
                     title="\nWhere the client's time goes (ms, share of the client median)"))
    notes = []
    for c in res["cases"]:
        ck = c["check"]
        if c["api"] == "next_token":
            notes.append(f"next_token: the compute and API top {TOP_K} equal the bare topk "
                         f"(largest probability difference {ck['max_prob_diff']:.1e}).")
        else:
            notes.append(f"logit_lens: {ck['layers']} layers x {ck['positions']} positions; top-1 tokens agree with "
                         f"the bare lens in {ck['top1_agreement']:.1%} of cells, the last layer exactly "
                         f"(final_max_abs_diff {ck['final_max_abs_diff']:.1e}).")
    idle = res["idle_cpu_s_per_s"]
    notes.append("This process, idle: " + ", ".join(f"{k} {v:.0%} of a core" for k, v in idle.items())
                 + " (an idle Gradio server's queue polls every millisecond).")
    return finish_report(out, notes, res)


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--apis", nargs="+", default=list(APIS), choices=list(APIS))
    a = p.parse_args(argv)
    warning = busy_warning()
    if warning:
        print(warning, file=sys.stderr)
    res = run(a.reps, a.warmup, a.apis, log=lambda m: print(m, file=sys.stderr))
    print(report(res))
    path = write_results("next_token_latency", res)
    print(f"\nwrote {path.relative_to(REPO)}")
    return res


if __name__ == "__main__":
    main()
