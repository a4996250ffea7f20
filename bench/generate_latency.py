"""Generation speed of the Decoding tab's compute path against the bare model.generate(), with no server.

    python -m bench.generate_latency [--reps 10] [--warmup 2] [--new-tokens 64] [--quick]

What the app's own decoding code (decoding.stream: two recording logits processors, one Step per token,
a queue between the generate() thread and the caller) costs over model.generate(), in one process with no
server and no HTTP; bench/api_latency.py times the served /generate over HTTP against the bare call in a
process of its own. SmolLM2-135M-Instruct, float32 on the CPU, the prompt "It was a dark and stormy"
(6 tokens), exactly `--new-tokens` new tokens (64; --quick: 16 tokens, 3 reps, 1 warm-up round), two settings:

    greedy     do_sample=False
    sampling   do_sample=True, top_k=50, top_p=0.9, temperature=0.8, seed 0 (torch.manual_seed(0) before each call)

Two layers per setting, round-robin (the order rotating by one every round, 50 ms untimed before each
call), `--reps` times each after `--warmup` untimed rounds:

    bare      bench.bare.generate (model.generate(input_ids, attention_mask=..., max_new_tokens=N,
              min_new_tokens=N, do_sample=..., pad_token_id=2, streamer=...) under torch.inference_mode(); the
              streamer records the time to the first new token), run in a new thread, joined
    compute   playground.compute.decoding.stream(loaded, prompt, params) consumed to the end, prompt =
              decoding.encode_prompt(loaded, text, chat_template=False, ...), params =
              decoding.check(decoding.GenParams(max_new_tokens=N, ...), ...)[0] (both made once, untimed);
              stream() runs generate() in a new thread of its own; the time to the first token is from the call
              to the first Step it yields

Where torch runs (DESIGN.md §3): both layers run generate() in a new thread for every call, and the model is
loaded in a thread too, so the main thread of this process never runs torch: the two are timed alike, and as
the served app runs them. (An earlier version timed bare on the main thread and compute in a thread of the
same process; its "worker-thread penalty" of 0.80x was that design: a thread's forwards slow down once the
main thread has run torch.)

min_new_tokens forces the bare call to N tokens; the compute path cannot be forced, so the prompt and
settings are ones that do not reach end-of-text within N tokens, and every run is checked to have made
exactly N (greedy: the same ids as bare). Tokens per second = N / the call's seconds; the target under test
is compute tokens/s >= 0.9 x the bare tokens/s. Every call also records this process's CPU-seconds per
wall-second ("cores used").
"""

from __future__ import annotations

import argparse
import threading
import time

from . import bare as bare_calls
from .common import (
    SMOLLM2, CpuWatch, finish_report, load_smollm2, ms, ratio, round_robin, run_and_report, summary, table, x,
)

PROMPT = "It was a dark and stormy"
NEW_TOKENS, QUICK_TOKENS = 64, 16
TARGET = 0.9  # "the app generates at >= 0.9x the tokens per second of the bare model.generate()"
SETTINGS = {
    "greedy": {"do_sample": False},
    "sampling": {"do_sample": True, "top_k": 50, "top_p": 0.9, "temperature": 0.8, "seed": 0},
}
LAYERS = ("bare", "compute")
SETTLE_S = 0.05  # untimed pause before each call


def in_thread(fn):
    """fn() run in a new thread, joined: where decoding.stream() runs generate()."""
    out: list = []
    thread = threading.Thread(target=lambda: out.append(fn()), name="bench-generate")
    thread.start()
    thread.join()
    if not out:
        raise RuntimeError("the thread failed (its traceback is above)")
    return out[0]


def compute_generate(loaded, prompt, params) -> tuple[list[int], float]:
    """decoding.stream() consumed to the end: (the generated ids, seconds from the call to the first Step)."""
    from playground.compute import decoding

    start = time.perf_counter()
    first, ids = None, []
    for item in decoding.stream(loaded, prompt, params):
        if isinstance(item, decoding.Step):
            if first is None:
                first = time.perf_counter() - start
            ids.append(item.id)
    return ids, first


class Recorder:
    """Calls that keep every time to the first token and the cores used (round_robin keeps only totals) and
    check every run: exactly `n` new tokens, and the same ids as the previous run of the same call (greedy,
    and sampling from a fixed seed, are reproducible)."""

    def __init__(self, n: int):
        self.n = n
        self.ids: dict[str, list[int]] = {}
        self.first: dict[str, list[float]] = {}
        self.cores: dict[str, list[float]] = {}  # this process's CPU-seconds per wall-second during the call

    def wrap(self, key: str, fn):
        def call():
            cpu, wall = time.process_time(), time.perf_counter()
            ids, first = fn()
            self.cores.setdefault(key, []).append((time.process_time() - cpu) / (time.perf_counter() - wall))
            if len(ids) != self.n:
                raise AssertionError(f"{key} made {len(ids)} tokens, not {self.n}: the runs are not comparable")
            if self.ids.setdefault(key, ids) != ids:
                raise AssertionError(f"{key} made other tokens than in its previous run")
            self.first.setdefault(key, []).append(first)

        return call


def first_difference(a: list[int], b: list[int]) -> int | None:
    for i, (p, q) in enumerate(zip(a, b)):
        if p != q:
            return i
    return None if len(a) == len(b) else min(len(a), len(b))


def run(reps: int = 10, warmup: int = 2, new_tokens: int = NEW_TOKENS, log=print) -> dict:
    outside, cache, settings, registry, loaded = in_thread(lambda: load_smollm2("generate_latency", log))
    import torch

    from playground.compute import decoding

    model, tok, n = loaded.model, loaded.tokenizer, new_tokens
    prompt = decoding.encode_prompt(loaded, PROMPT, chat_template=False, max_tokens=settings.max_prompt_tokens,
                                    max_new_tokens=n)
    if bare_calls.start_ids(tok) + bare_calls.encode(tok, PROMPT) != list(prompt.ids):  # the start token, then the text
        raise RuntimeError(f"the app's prompt ids {list(prompt.ids)} differ from the bare call's")
    params = {name: decoding.check(decoding.GenParams(max_new_tokens=n, **s), max_new_tokens=settings.max_new_tokens)[0]
              for name, s in SETTINGS.items()}

    def bare(s):
        out = in_thread(lambda: bare_calls.generate(model, tok, PROMPT, n, s))
        return out["ids"], out["first_token_s"]

    rec = Recorder(n)
    calls = {}
    for name, s in SETTINGS.items():
        calls[f"{name} bare"] = rec.wrap(f"{name} bare", lambda s=s: bare(s))
        calls[f"{name} compute"] = rec.wrap(f"{name} compute", lambda p=params[name]: compute_generate(loaded, prompt, p))
    log(f"generate_latency: bare and compute, {n} new tokens, greedy and sampling, no server, each generate() in a "
        f"new thread, {warmup} + {reps} rounds...")
    with CpuWatch() as watch:
        times = round_robin(calls, reps, warmup, SETTLE_S)
    if rec.ids["greedy compute"] != rec.ids["greedy bare"]:
        raise AssertionError("greedy: the compute path generated other tokens than the bare generate()")

    cases = []
    for name in SETTINGS:
        t = {k: times[f"{name} {k}"] for k in LAYERS}
        stats = {k: summary(v) for k, v in t.items()}
        tps = {k: {q: ratio(n, stats[k][q]) for q in ("median", "p90")} for k in LAYERS}
        diff = first_difference(rec.ids[f"{name} compute"], rec.ids[f"{name} bare"])
        cases.append({
            "setting": name,
            "params": SETTINGS[name],
            "seconds": stats,
            "first_token_s": {k: summary(rec.first[f"{name} {k}"][warmup:]) for k in LAYERS},
            "tokens_per_s": tps,
            "cores_used_median": {k: summary(rec.cores[f"{name} {k}"][warmup:])["median"] for k in LAYERS},
            "ratio_tokens_per_s_app_over_bare": {q: ratio(tps["compute"][q], tps["bare"][q]) for q in ("median", "p90")},
            "paired_median_ratio": summary([b / c for b, c in zip(t["bare"], t["compute"])])["median"],
            "check": {"tokens": n, "ids_equal": diff is None, "first_difference": diff,
                      "text": tok.decode(rec.ids[f"{name} compute"], skip_special_tokens=True)},
        })
    return {
        "config": {"reps": reps, "warmup": warmup, "model": SMOLLM2, "device": loaded.device, "dtype": loaded.dtype,
                   "attn_implementation": loaded.attn_implementation, "torch_threads": torch.get_num_threads(),
                   "prompt": PROMPT, "prompt_tokens": len(prompt.ids), "new_tokens": n, "settings": SETTINGS,
                   "target_ratio": TARGET, "order": "round-robin, rotating by one every round", "settle_s": SETTLE_S,
                   "where": "no server; every generate() in a new thread; the main thread never runs torch"},
        "smollm2_cache": cache,
        "model_load_s": loaded.load_seconds,
        "other_cpu_share": {"rounds": watch.others},
        "cases": cases,
        "outside_connections": list(outside),
    }


def verdict(value: float) -> str:
    return "met" if value >= TARGET else "not met"


def report(res: dict) -> str:
    cfg = res["config"]
    n, reps = cfg["new_tokens"], cfg["reps"]
    rows = []
    for c in res["cases"]:
        s, f, tps, cores = c["seconds"], c["first_token_s"], c["tokens_per_s"], c["cores_used_median"]
        r = c["ratio_tokens_per_s_app_over_bare"]
        for layer in LAYERS:
            ratios = ([x(r["median"]), x(c["paired_median_ratio"]), f"{verdict(r['median'])} / {verdict(r['p90'])}"]
                      if layer == "compute" else ["1.00x", "", ""])
            rows.append([c["setting"], layer, ms(s[layer]["median"]), ms(s[layer]["p90"]),
                         f"{tps[layer]['median']:.1f}", ms(s[layer]["median"] / n), ms(f[layer]["median"]),
                         ms(f[layer]["p90"]), f"{cores[layer]:.2f}", *ratios])
    out = [table(["setting", "layer", "median ms", "p90 ms", "tokens/s", "ms/token", "1st token ms", "1st p90 ms",
                  "cores used", "tokens/s vs bare", "paired", f">= {TARGET:.2f}x (median / p90)"], rows,
                 title=f"Generation: {cfg['model']} float32 CPU, {cfg['prompt']!r} ({cfg['prompt_tokens']} tokens) + "
                       f"exactly {n} new tokens, {reps} runs each, no server, every generate() in a new thread "
                       f"(tokens/s = {n} / median; paired: median of per-round bare / compute; cores used: CPU-s "
                       "per wall-s, median)")]
    notes = []
    for c in res["cases"]:
        ck = c["check"]
        same = "the same ids as bare" if ck["ids_equal"] else f"ids differ from bare from step {ck['first_difference']}"
        first = c["first_token_s"]
        notes.append(f"{c['setting']}: every run made exactly {ck['tokens']} tokens, the same in every run; compute "
                     f"made {same}; first token compute - bare "
                     f"{(first['compute']['median'] - first['bare']['median']) * 1e3:+,.1f} ms. "
                     f"Text: {ck['text'][:80]!r}...")
    return finish_report(out, notes, res)


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reps", type=int, default=None, help="timed rounds (default 10; --quick: 3)")
    p.add_argument("--warmup", type=int, default=None, help="untimed rounds first (default 2; --quick: 1)")
    p.add_argument("--new-tokens", type=int, default=None, help=f"default {NEW_TOKENS}; --quick: {QUICK_TOKENS}")
    p.add_argument("--quick", action="store_true", help=f"{QUICK_TOKENS} tokens, 3 reps, 1 warm-up round")
    a = p.parse_args(argv)
    reps = a.reps if a.reps is not None else 3 if a.quick else 10
    warmup = a.warmup if a.warmup is not None else 1 if a.quick else 2
    new_tokens = a.new_tokens if a.new_tokens is not None else QUICK_TOKENS if a.quick else NEW_TOKENS
    return run_and_report("generate_latency", lambda log: run(reps, warmup, new_tokens, log=log), report)


if __name__ == "__main__":
    main()
