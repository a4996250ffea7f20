"""Generation speed of the Decoding tab's compute path and its `/generate` API against the bare model.generate().

    python -m bench.generate_latency [--reps 10] [--warmup 2] [--new-tokens 64] [--quick]

SmolLM2-135M-Instruct, float32 on the CPU, the prompt "It was a dark and stormy" (6 tokens), exactly
`--new-tokens` new tokens (64; --quick: 16 tokens, 3 reps, 1 warm-up round), two settings:

    greedy     do_sample=False
    sampling   do_sample=True, top_k=50, top_p=0.9, temperature=0.8, seed 0 (torch.manual_seed(0) before each call)

Three layers per setting, timed round-robin (the order rotating by one every round, 50 ms untimed before
each call), `--reps` times each after `--warmup` untimed rounds, with NO server running:

    bare      model.generate(input_ids, attention_mask=..., max_new_tokens=N, min_new_tokens=N,
              do_sample=..., [temperature, top_k, top_p,] pad_token_id=2, streamer=FirstToken())
              under torch.inference_mode(), as the app runs it; FirstToken is a transformers BaseStreamer
              whose put() records the time of its second call (the first put is the prompt): the bare
              time to the first token. It costs one perf_counter() per token.
    compute   playground.compute.decoding.stream(loaded, prompt, params) consumed to the end, prompt =
              decoding.encode_prompt(loaded, text, chat_template=False, ...), params =
              decoding.check(decoding.GenParams(max_new_tokens=N, ...), ...)[0] (both made once, untimed);
              the time to the first token is from the call to the first Step it yields
    bare, thread  the bare call run in a new threading.Thread (joined), as stream() runs generate(): on this
              2-core machine a generate() in a Python thread runs on about one core (CPU-seconds per
              wall-second ~1.0) where the main thread's uses ~1.8, so this layer separates what the app's
              code costs (compute vs bare, thread) from where it runs (bare, thread vs bare)

min_new_tokens forces the bare call to N tokens; the compute path cannot be forced, so the prompt and
settings are ones that do not reach end-of-text within N tokens, and every run is checked to have
made exactly N (greedy: the same ids as bare). Tokens per second = N / the call's seconds; the target
under test is compute tokens/s >= 0.9 x the bare tokens/s. Every call also records this process's
CPU-seconds per wall-second ("cores used").

Then the app is served in-process (build_demo(settings, registry) + launch on 127.0.0.1, as in
next_token_latency, on the same registry, so the same model object) and its `/generate` gr.api
endpoint is called over HTTP (POST /gradio_api/call/generate + its SSE stream, httpx) with the greedy
setting, round-robin with the bare greedy call and the bare call in a thread (now with the server up).
An idle Gradio server in the process slows CPU forwards (about 1.3x on 2 cores, see bench/README.md),
which is why bare and compute are measured before any server starts; http is reported against the
no-server bare and against both bare calls timed beside it.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time


from .common import (
    REPO, SMOLLM2, CpuWatch, busy_warning, finish_report, idle_cpu, load_smollm2, ms, ratio, round_robin, summary,
    table, write_results, x,
)

PROMPT = "It was a dark and stormy"
NEW_TOKENS, QUICK_TOKENS = 64, 16
TARGET = 0.9  # "the app generates at >= 0.9x the tokens per second of the bare model.generate()"
SETTINGS = {
    "greedy": {"do_sample": False},
    "sampling": {"do_sample": True, "top_k": 50, "top_p": 0.9, "temperature": 0.8, "seed": 0},
}
LAYERS = ("bare", "bare, thread", "compute")
SETTLE_S = 0.05  # untimed pause before each call


# ---- the bare call --------------------------------------------------------------------------------

@functools.cache
def _first_token_class():
    from transformers.generation.streamers import BaseStreamer

    class FirstToken(BaseStreamer):
        """Records when generate() pushes its first new token: its first put() is the prompt."""

        def __init__(self):
            self.puts, self.at = 0, None

        def put(self, value):
            self.puts += 1
            if self.puts == 2:
                self.at = time.perf_counter()

        def end(self):
            pass

    return FirstToken


def bare_generate(model, ids, n: int, setting: dict, pad: int) -> tuple[list[int], float]:
    """model.generate() forced to exactly `n` new tokens: (the new ids, seconds to the first one)."""
    import torch

    knobs = {k: v for k, v in setting.items() if k != "seed"}
    streamer = _first_token_class()()
    with torch.inference_mode():
        if setting["do_sample"]:
            torch.manual_seed(setting["seed"])
        start = time.perf_counter()
        out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=n, min_new_tokens=n,
                             pad_token_id=pad, streamer=streamer, **knobs)
    return out[0, ids.shape[1]:].tolist(), streamer.at - start


def in_thread(fn):
    """fn() run in a new thread, joined: where decoding.stream() runs generate()."""
    import threading

    out: list = []
    thread = threading.Thread(target=lambda: out.append(fn()), name="bench-generate")
    thread.start()
    thread.join()
    if not out:
        raise RuntimeError("the generate() thread failed (its traceback is above)")
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


def api_args(n: int) -> tuple:
    """/generate(prompt, model, strategy, max_new_tokens, temperature, top_k, top_p, num_beams,
    num_return_sequences, repetition_penalty, no_repeat_ngram_size, length_penalty, penalty_alpha, bad_words,
    stop_strings, seed, do_sample, chat_template), greedy."""
    return (PROMPT, SMOLLM2, "greedy", n, 1.0, 0, 1.0, 1, 1, 1.0, 0, 1.0, 0.0, "", "", 0, False, False)


# ---- timing ---------------------------------------------------------------------------------------

class Recorder:
    """Calls that keep every time to the first token and the cores used (round_robin keeps only totals) and
    check every run:
    exactly `n` new tokens, and the same ids as the previous run of the same call (greedy, and sampling from
    a fixed seed, are reproducible)."""

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


def tokens_per_s(n: int, stats: dict) -> dict:
    return {q: ratio(n, stats[q]) for q in ("median", "p90")}


def run(reps: int = 10, warmup: int = 2, new_tokens: int = NEW_TOKENS, log=print) -> dict:
    outside, cache, settings, registry, loaded = load_smollm2("generate_latency", log)
    import torch

    from playground.compute import decoding

    from .next_token_latency import App  # the app on our registry, served in-process with tokenize_latency.Served

    model, tok, n = loaded.model, loaded.tokenizer, new_tokens
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id  # as the app: 2 for SmolLM2
    prompt = decoding.encode_prompt(loaded, PROMPT, chat_template=False, max_tokens=settings.max_prompt_tokens,
                                    max_new_tokens=n)
    ids = tok(PROMPT, return_tensors="pt")["input_ids"]
    if ids[0].tolist() != list(prompt.ids):
        raise RuntimeError(f"the app's prompt ids {list(prompt.ids)} differ from the bare tokenizer's "
                           f"{ids[0].tolist()}")
    params = {name: decoding.check(decoding.GenParams(max_new_tokens=n, **s), max_new_tokens=settings.max_new_tokens)[0]
              for name, s in SETTINGS.items()}
    rec = Recorder(n)
    calls = {}
    for name, s in SETTINGS.items():
        calls[f"{name} bare"] = rec.wrap(f"{name} bare", lambda s=s: bare_generate(model, ids, n, s, pad))
        calls[f"{name} bare, thread"] = rec.wrap(
            f"{name} bare, thread", lambda s=s: in_thread(lambda: bare_generate(model, ids, n, s, pad)))
        calls[f"{name} compute"] = rec.wrap(f"{name} compute",
                                            lambda p=params[name]: compute_generate(loaded, prompt, p))
    idle = {"no server": idle_cpu()}

    log(f"generate_latency: bare, bare in a thread and compute, {n} new tokens, greedy and sampling, no server "
        f"running, {warmup} + {reps} rounds...")
    with CpuWatch() as w_alone:
        times = round_robin(calls, reps, warmup, SETTLE_S)
    if not rec.ids["greedy compute"] == rec.ids["greedy bare, thread"] == rec.ids["greedy bare"]:
        raise AssertionError("greedy: the compute path generated other tokens than the bare generate()")

    app = App(settings, registry)
    try:
        log("generate_latency: the app served in-process; one untimed /generate call...")
        answer = app.post("generate", *api_args(n))
        if registry.loaded() != [(SMOLLM2, "cpu", "float32", "eager")]:
            raise RuntimeError(f"the app loaded a model of its own: {registry.loaded()}")
        idle["app served"] = idle_cpu()
        answers = []

        def http():
            cpu, wall = time.process_time(), time.perf_counter()
            answers.append(app.post("generate", *api_args(n)))
            rec.cores.setdefault("http", []).append((time.process_time() - cpu) / (time.perf_counter() - wall))

        def bare():
            return bare_generate(model, ids, n, SETTINGS["greedy"], pad)

        served = {"http": http, "bare, server up": rec.wrap("bare, server up", bare),
                  "bare, thread, server up": rec.wrap("bare, thread, server up", lambda: in_thread(bare))}
        log(f"generate_latency: /generate over HTTP (greedy), the bare call and the bare call in a thread, app "
            f"served, {warmup} + {reps} rounds...")
        with CpuWatch() as w_served:
            served_times = round_robin(served, reps, warmup, SETTLE_S)
        response_bytes = app.last_http_bytes
    finally:
        app.close()
    for a in [answer, *answers]:
        got = a["sequences"][0]["ids"]
        if got != rec.ids["greedy bare"]:
            raise AssertionError(f"/generate made {len(got)} tokens ({a['finish']}), not the bare greedy {n}")

    cases = []
    for name in SETTINGS:
        t = {k: times[f"{name} {k}"] for k in LAYERS}
        stats = {k: summary(v) for k, v in t.items()}
        first = {k: summary(rec.first[f"{name} {k}"][warmup:]) for k in LAYERS}
        tps = {k: tokens_per_s(n, stats[k]) for k in LAYERS}
        cores = {k: summary(rec.cores[f"{name} {k}"][warmup:])["median"] for k in LAYERS}
        diff = first_difference(rec.ids[f"{name} compute"], rec.ids[f"{name} bare"])
        cases.append({
            "setting": name,
            "params": SETTINGS[name],
            "seconds": stats,
            "first_token_s": first,
            "tokens_per_s": tps,
            "cores_used_median": cores,
            "ratio_tokens_per_s_app_over_bare": {q: ratio(tps["compute"][q], tps["bare"][q])
                                                 for q in ("median", "p90")},
            "ratio_tokens_per_s_app_over_bare_thread": {q: ratio(tps["compute"][q], tps["bare, thread"][q])
                                                        for q in ("median", "p90")},
            "ratio_tokens_per_s_bare_thread_over_bare": {q: ratio(tps["bare, thread"][q], tps["bare"][q])
                                                         for q in ("median", "p90")},
            "paired_median_ratio": summary([b / c for b, c in zip(t["bare"], t["compute"])])["median"],
            "paired_median_ratio_vs_bare_thread": summary(
                [b / c for b, c in zip(t["bare, thread"], t["compute"])])["median"],
            "first_token_compute_minus_bare_s": first["compute"]["median"] - first["bare"]["median"],
            "check": {"tokens": n, "ids_equal": diff is None, "first_difference": diff,
                      "text": tok.decode(rec.ids[f"{name} compute"], skip_special_tokens=True)},
        })
    greedy = cases[0]
    stats = {k: summary(v) for k, v in served_times.items()}
    in_app = summary([a["seconds"] for a in answers[warmup:]])
    alone = greedy["seconds"]["bare"]
    tps = {k: tokens_per_s(n, stats[k]) for k in stats}
    http = {
        "setting": "greedy",
        "seconds": stats,
        "app_generate_s": in_app,  # the answer's own `seconds`: decoding.generate() inside the handler
        "tokens_per_s": {**tps, "bare, no server": tokens_per_s(n, alone)},
        "ratio_tokens_per_s": {
            "http / bare, no server": {q: ratio(alone[q], stats["http"][q]) for q in ("median", "p90")},
            "http / bare, server up": {q: ratio(stats["bare, server up"][q], stats["http"][q])
                                       for q in ("median", "p90")},
            "http / bare, thread, server up": {q: ratio(stats["bare, thread, server up"][q], stats["http"][q])
                                               for q in ("median", "p90")},
            "bare, server up / bare, no server": {q: ratio(alone[q], stats["bare, server up"][q])
                                                  for q in ("median", "p90")},
        },
        "cores_used_median": {k: summary(rec.cores[k][warmup:])["median"] for k in stats},
        "paired_median_ratio_vs_bare_server_up": summary(
            [b / h for b, h in zip(served_times["bare, server up"], served_times["http"])])["median"],
        "first_token_bare_server_up_s": summary(rec.first["bare, server up"][warmup:]),
        "gradio_s": stats["http"]["median"] - in_app["median"],
        "response_bytes": response_bytes,
    }
    return {
        "config": {"reps": reps, "warmup": warmup, "model": SMOLLM2, "device": loaded.device, "dtype": loaded.dtype,
                   "attn_implementation": loaded.attn_implementation, "torch_threads": torch.get_num_threads(),
                   "prompt": PROMPT, "prompt_tokens": len(prompt.ids), "new_tokens": n, "pad_token_id": pad,
                   "settings": SETTINGS, "target_ratio": TARGET,
                   "order": "round-robin, rotating by one every round", "settle_s": SETTLE_S,
                   "phases": "1. bare, bare in a thread, compute, no server running; 2. app served in-process "
                             "(127.0.0.1): /generate over HTTP, bare greedy, bare greedy in a thread; one registry "
                             "shared by the bare calls and the app"},
        "smollm2_cache": cache,
        "model_load_s": loaded.load_seconds,
        "idle_cpu_s_per_s": idle,
        "other_cpu_share": {"no server": w_alone.others, "app served": w_served.others},
        "cases": cases,
        "http": http,
        "outside_connections": list(outside),
    }


# ---- report ---------------------------------------------------------------------------------------

def verdict(value: float) -> str:
    return "met" if value >= TARGET else "not met"


def report(res: dict) -> str:
    cfg = res["config"]
    n, reps = cfg["new_tokens"], cfg["reps"]
    rows = []
    for c in res["cases"]:
        s, f, tps, cores = c["seconds"], c["first_token_s"], c["tokens_per_s"], c["cores_used_median"]
        r, rt = c["ratio_tokens_per_s_app_over_bare"], c["ratio_tokens_per_s_app_over_bare_thread"]
        for layer in LAYERS:
            if layer == "compute":
                ratios = [x(r["median"]), x(c["paired_median_ratio"]), x(rt["median"]),
                          f"{verdict(r['median'])} / {verdict(r['p90'])}"]
            elif layer == "bare, thread":
                ratios = [x(c["ratio_tokens_per_s_bare_thread_over_bare"]["median"]), "", "1.00x", ""]
            else:
                ratios = ["1.00x", "", "", ""]
            rows.append([c["setting"], layer, ms(s[layer]["median"]), ms(s[layer]["p90"]),
                         f"{tps[layer]['median']:.1f}", ms(s[layer]["median"] / n), ms(f[layer]["median"]),
                         ms(f[layer]["p90"]), f"{cores[layer]:.2f}", *ratios])
    out = [table(["setting", "layer", "median ms", "p90 ms", "tokens/s", "ms/token", "1st token ms", "1st p90 ms",
                  "cores used", "tokens/s vs bare", "paired", "vs bare, thread", f">= {TARGET:.2f}x (median / p90)"],
                 rows,
                 title=f"Generation: {cfg['model']} float32 CPU, {cfg['prompt']!r} ({cfg['prompt_tokens']} tokens) + "
                       f"exactly {n} new tokens, {reps} runs each, NO server running (tokens/s = {n} / median; "
                       "paired: median of per-round bare / compute; cores used: CPU-s per wall-s, median)")]
    h = res["http"]
    s, tps, r, cores = h["seconds"], h["tokens_per_s"], h["ratio_tokens_per_s"], h["cores_used_median"]
    g = res["cases"][0]
    alone = g["seconds"]["bare"]
    rows = [
        ["bare, no server (phase 1)", ms(alone["median"]), ms(alone["p90"]), f"{tps['bare, no server']['median']:.1f}",
         f"{g['cores_used_median']['bare']:.2f}", "1.00x"],
        *[[k, ms(s[k]["median"]), ms(s[k]["p90"]), f"{tps[k]['median']:.1f}", f"{cores[k]:.2f}",
           x(ratio(alone["median"], s[k]["median"]))] for k in ("bare, server up", "bare, thread, server up", "http")],
    ]
    out.append(table(["greedy, app served", "median ms", "p90 ms", "tokens/s", "cores used",
                      "tokens/s vs no-server bare"], rows,
                     title=f"\nThrough HTTP: the app served in-process, /generate (greedy, {n} tokens) round-robin "
                           f"with the bare call and the bare call in a thread, {reps} runs each"))
    notes = [
        "Bare, bare in a thread and compute were timed with no server running; the HTTP phase with the app served "
        "in-process, which slows CPU forwards in this process (bench/README.md).",
        f"/generate tokens/s: {x(r['http / bare, no server']['median'])} the no-server bare, "
        f"{x(r['http / bare, server up']['median'])} the bare with the server up, "
        f"{x(r['http / bare, thread, server up']['median'])} the bare in a thread with the server up (paired vs "
        f"bare, server up {x(h['paired_median_ratio_vs_bare_server_up'])}).",
        f"/generate: the handler's own generate() took {ms(h['app_generate_s']['median'])} ms (median, the answer's "
        f"`seconds`); Gradio's queue + JSON + HTTP {ms(h['gradio_s'])} ms; response "
        f"{(h['response_bytes'] or 0) / 1024:,.1f} KiB.",
    ]
    for c in res["cases"]:
        ck = c["check"]
        same = "the same ids as bare" if ck["ids_equal"] else f"ids differ from bare from step {ck['first_difference']}"
        notes.append(f"{c['setting']}: every run made exactly {ck['tokens']} tokens, the same in every run; compute "
                     f"made {same}; first token compute - bare {c['first_token_compute_minus_bare_s'] * 1e3:+,.1f} ms. "
                     f"Text: {ck['text'][:80]!r}...")
    idle = res["idle_cpu_s_per_s"]
    notes.append("This process, idle: " + ", ".join(f"{k} {v:.0%} of a core" for k, v in idle.items()) + ".")
    return finish_report(out, notes, res, noisy="these figures are unreliable (a 2-thread generate() on the main "
                         "thread slows down several-fold when another process holds a core; one in a thread does not).")


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
    warning = busy_warning()
    if warning:
        print(warning, file=sys.stderr)
    res = run(reps, warmup, new_tokens, log=lambda m: print(m, file=sys.stderr))
    print(report(res))
    path = write_results("generate_latency", res)
    print(f"\nwrote {path.relative_to(REPO)}")
    return res


if __name__ == "__main__":
    main()
