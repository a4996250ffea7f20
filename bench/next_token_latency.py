"""The Next-token tab's compute for `next_token` and `logit_lens` against the bare transformers forward + softmax.

    python -m bench.next_token_latency [--reps 20] [--warmup 3] [--apis next_token logit_lens]

What the app's own code adds to the forward pass, with no server and no HTTP (bench/api_latency.py times
the served app over HTTP, in its own process). SmolLM2-135M-Instruct, float32 on the CPU, one prompt of
exactly 32 tokens (bare_worker.make_prompt). Three layers per API, all on the main thread of this process,
which runs nothing else (no server, no client: DESIGN.md §3), round-robin (the order rotating by one every
round, 50 ms untimed before each call), `--reps` times each after `--warmup` untimed rounds:

    bare      bench.bare.next_token: tok(prompt) + model(ids).logits[0, -1] + softmax(logits / T) + topk(10)
              bench.bare.logit_lens: model(ids, output_hidden_states=True), every hidden state through
              model.model.norm (all but the last, which transformers has normed) and model.lm_head,
              softmax and topk(5) at every position; both under torch.inference_mode(), use_cache=False
    compute   playground.compute.next_token: next_token + distribution(T=1, k=10) + as_json,
              or logit_lens(...).as_json()
    handler   the app's registered /next_token or /logit_lens function (build_demo(settings, registry), not
              launched), called directly: the registry lookup and input checks on top of compute

All three run the very same model object (one ModelRegistry). The report gives compute / bare and
handler / bare for medians and p90s, and the median of the per-round ratios ("paired"). The answers are
checked: the compute and handler top 10 equal the bare topk ids (probabilities within 2e-6); the lens's
top token equals the bare lens's in at least 99% of the cells, and its last layer's top 5 are the same.
"""

from __future__ import annotations

import argparse

from . import bare as bare_calls
from .bare_worker import make_prompt
from .common import (
    SMOLLM2, CpuWatch, finish_report, load_smollm2, ms, ratio, reps_main, round_robin, summary, table, x,
)

PROMPT_TOKENS = 32
TARGET = 1.15  # "the app adds at most 15% over the bare forward + softmax"
TOP_K, TEMPERATURE, LENS_TOP = 10, 1.0, 5
APIS = ("next_token", "logit_lens")
LAYERS = ("bare", "compute", "handler")
SETTLE_S = 0.05  # untimed pause before each call


def check_next_token(bare: dict, *answers: dict) -> dict:
    for got in answers:
        if [c["id"] for c in got["top"]] != bare["ids"]:
            raise AssertionError(f"next_token: an answer's top {TOP_K} differ from the bare topk")
    diff = max(abs(c["prob"] - p) for got in answers for c, p in zip(got["top"], bare["probs"]))
    return {"top_ids_equal": True, "max_prob_diff": diff}


def check_logit_lens(bare: dict, *answers: dict) -> dict:
    agree = total = 0
    for got in answers:
        cells = [[[t["id"] for t in cell["top"]] for cell in layer] for layer in got["cells"]]
        if cells[-1] != bare["last_layer"]:
            raise AssertionError("logit_lens: an answer's last layer differs from the bare one")
        for a, b in zip(cells, bare["top1"]):
            for ca, cb in zip(a, b):
                agree += ca[0] == cb
                total += 1
    share = agree / total
    if share < 0.99:  # float noise may swap near-ties, nothing more
        raise AssertionError(f"logit_lens: the top-1 tokens agree with the bare lens in only {share:.1%} of cells")
    return {"top1_agreement": share, "layers": len(bare["top1"]), "positions": len(bare["top1"][0]),
            "final_max_abs_diff": answers[0]["final_max_abs_diff"]}


def api_args(api: str, prompt: str) -> tuple:
    return (prompt, SMOLLM2, TOP_K, TEMPERATURE) if api == "next_token" else (prompt, SMOLLM2)


def layer_calls(api: str, loaded, prompt: str, handlers: dict) -> dict:
    from playground.compute import next_token as nt

    model, tok = loaded.model, loaded.tokenizer
    if api == "next_token":
        def compute():
            result = nt.next_token(loaded, prompt)
            return nt.as_json(result, nt.distribution(result, TEMPERATURE, TOP_K))

        bare = lambda: bare_calls.next_token(model, tok, prompt, TOP_K, TEMPERATURE)  # noqa: E731
    else:
        compute = lambda: nt.logit_lens(loaded, prompt).as_json()  # noqa: E731
        bare = lambda: bare_calls.logit_lens(model, tok, prompt, LENS_TOP)  # noqa: E731
    return {"bare": bare, "compute": compute, "handler": lambda: handlers[api](*api_args(api, prompt))}


def bench_api(api: str, loaded, prompt: str, handlers: dict, reps: int, warmup: int) -> dict:
    calls = layer_calls(api, loaded, prompt, handlers)
    with CpuWatch() as watch:
        times = round_robin(calls, reps, warmup, SETTLE_S)
    check = (check_next_token if api == "next_token" else check_logit_lens)(
        calls["bare"](), calls["compute"](), calls["handler"]())
    stats = {k: summary(v) for k, v in times.items()}
    return {
        "api": api,
        "seconds": stats,
        "ratio_vs_bare": {q: {k: ratio(stats[k][q], stats["bare"][q]) for k in LAYERS} for q in ("median", "p90")},
        "paired_median_ratio": {k: summary([a / b for a, b in zip(times[k], times["bare"])])["median"] for k in LAYERS},
        "split_ms": {
            "forward + softmax (bare)": stats["bare"]["median"] * 1e3,
            "app compute extras (compute - bare)": (stats["compute"]["median"] - stats["bare"]["median"]) * 1e3,
            "handler extras (handler - compute)": (stats["handler"]["median"] - stats["compute"]["median"]) * 1e3,
        },
        "check": check,
        "wall_s": watch.wall_s,
        "other_cpu_share": watch.others,
    }


def run(reps: int = 20, warmup: int = 3, apis=APIS, log=print) -> dict:
    outside, cache, settings, registry, loaded = load_smollm2("next_token_latency", log)
    import torch

    from playground.ui.shell import build_demo

    demo = build_demo(settings, registry)  # not launched: its handlers are called directly
    handlers = {f.api_name: f.fn for f in demo.fns.values() if f.api_name in APIS}
    prompt = make_prompt(loaded.tokenizer, PROMPT_TOKENS)
    cases = []
    for api in apis:
        log(f"next_token_latency: {api}, {PROMPT_TOKENS}-token prompt, no server, {warmup} + {reps} rounds...")
        case = bench_api(api, loaded, prompt, handlers, reps, warmup)
        cases.append(case)
        log("    " + "  ".join(f"{k} {case['seconds'][k]['median'] * 1e3:.1f} ms" for k in LAYERS))
    if registry.loaded() != [(SMOLLM2, "cpu", "float32", "eager")]:
        raise RuntimeError(f"the handlers loaded a model of their own: {registry.loaded()}")
    return {
        "config": {"reps": reps, "warmup": warmup, "apis": list(apis), "model": SMOLLM2, "device": loaded.device,
                   "dtype": loaded.dtype, "attn_implementation": loaded.attn_implementation,
                   "torch_threads": torch.get_num_threads(), "prompt": prompt, "prompt_tokens": PROMPT_TOKENS,
                   "top_k": TOP_K, "temperature": TEMPERATURE, "lens_top": LENS_TOP, "target_ratio": TARGET,
                   "order": "round-robin, rotating by one every round", "settle_s": SETTLE_S,
                   "where": "the main thread of this process; no server; one registry for all three layers"},
        "smollm2_cache": cache,
        "model_load_s": loaded.load_seconds,
        "other_cpu_share": {c["api"]: c["other_cpu_share"] for c in cases},
        "cases": cases,
        "outside_connections": list(outside),
    }


def verdict(value: float) -> str:
    return "met" if value <= TARGET else "not met"


def report(res: dict) -> str:
    n = res["config"]["reps"]
    rows = []
    for c in res["cases"]:
        s, r, pr = c["seconds"], c["ratio_vs_bare"], c["paired_median_ratio"]
        for layer in LAYERS:
            rows.append([c["api"], layer, ms(s[layer]["median"]), ms(s[layer]["p90"]), x(r["median"][layer]),
                         x(r["p90"][layer]), x(pr[layer]),
                         "" if layer == "bare" else f"{verdict(r['median'][layer])} / {verdict(r['p90'][layer])}"])
    out = [table(["api", "layer", "median ms", "p90 ms", "median / bare", "p90 / bare", "paired",
                  f"<= {TARGET:.2f}x (median / p90)"], rows,
                 title=f"Next-token compute: {SMOLLM2} float32 CPU, {res['config']['prompt_tokens']}-token prompt, "
                       f"{n} runs each, no server (ratios of medians, of p90s; paired: median of per-round ratios)")]
    notes = []
    for c in res["cases"]:
        ck = c["check"]
        if c["api"] == "next_token":
            notes.append(f"next_token: the compute and handler top {TOP_K} equal the bare topk "
                         f"(largest probability difference {ck['max_prob_diff']:.1e}).")
        else:
            notes.append(f"logit_lens: {ck['layers']} layers x {ck['positions']} positions; top-1 tokens agree with "
                         f"the bare lens in {ck['top1_agreement']:.1%} of cells, the last layer exactly "
                         f"(final_max_abs_diff {ck['final_max_abs_diff']:.1e}).")
    return finish_report(out, notes, res)


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--apis", nargs="+", default=list(APIS), choices=list(APIS))
    a, rest = p.parse_known_args(argv)
    return reps_main("next_token_latency", __doc__, lambda reps, warmup, log: run(reps, warmup, a.apis, log),
                     report, reps=20, quick_reps=5, warmup=3, argv=rest)


if __name__ == "__main__":
    main()
