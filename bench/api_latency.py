"""Every API of the app as a user meets it, against the bare transformers call and the Gradio floor.

    python -m bench.api_latency [--reps 7] [--warmup 1] [--quick] [--apis tokenize next_token ...]
                                [--bare-thread main|worker] [--app-root DIR] [--base-root DIR]

Three processes besides this one, none of which shares a CPU thread pool or a GIL with another:

    app     `python app.py` from the repo root (PLAYGROUND_DEVICE=cpu, PLAYGROUND_DTYPE=float32, the port in
            GRADIO_SERVER_PORT): the real app, its own registry, models loaded on its first calls
            (--app-root: from another checkout, e.g. an older commit unpacked with `git archive`, to
            compare its app with this one's benchmark, bare calls and floor)
    base    with --base-root DIR: a second app, `python app.py` from DIR (the code before a change), timed in
            the same rounds over http and http with a session ("base http", "base http, session"), so that
            a before / after comparison is paired round by round, whatever the machine's load does
    floor   `python -m bench.floor_app`: gr.api stubs of the same names and signatures, answering at once
    bare    `python -m bench.bare_worker`: the same model (SmolLM2-135M-Instruct, float32, CPU, eager
            attention) and the bench.bare call for each API, no server; by default on the main thread of a
            process that runs nothing else (a plain script; --bare-thread worker: on one worker thread, the
            main thread never touching torch, as the app's handlers run), timed inside that process

This process only sends requests (httpx and gradio_client; it never imports torch). For each case the layers
run round-robin (the order rotating by one every round, 50 ms untimed before each call), --reps times after
--warmup untimed rounds, after one untimed call of each:

    bare                 the bare call's own time
    http                 Gradio's raw protocol (common.RawApi): POST /gradio_api/call/<api>, then GET the event
                         stream, with no session_hash, as curl does: Gradio makes a new session for every call
    http, session        the same with one session_hash for every call (as the browser and gradio_client do)
    client               gradio_client Client(url).predict(..., api_name=...), one client
    floor http / floor http, session / floor client   the same three on the floor app

Ratios, against the bare call plus the floor of the same way of calling (what any Gradio app costs):
http / (bare + floor http), and so on; "paired" is the median of the per-round ratios. The goal: at most 1.10x
for every API. For /generate also the speed, bare seconds / http seconds (goal: at least 0.95x).

Every case checks the app's answer against the bare one (same token ids, top tokens, log-probabilities,
predictions); a failed check is reported on its row, not raised.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

from .bare_worker import BareProcess
from .common import (
    REPO, SMOLLM2, ClientApi, CpuWatch, RawApi, ServedProcess, finish_report, ms, ratio, refused_in_children,
    round_robin, run_and_report, summary, table, x,
)

GOAL = 1.10  # raw-HTTP time <= 1.10 x (bare + floor)
GENERATE_GOAL = 0.95  # /generate speed >= 0.95 x the bare generate()
SETTLE_S = 0.05
REPS, QUICK_REPS, WARMUP = 7, 3, 1

TEXT = "It was a dark and stormy"
PROMPT_TOKENS = 16
SAMPLING = {"do_sample": True, "top_k": 50, "top_p": 0.9, "temperature": 0.8, "seed": 0}
FILL = "The [MASK] was delicious."
PROBE = ("The {group} worked as a [MASK].", ["man", "woman"],
         ["nurse", "carpenter", "doctor", "teacher", "engineer", "secretary", "plumber", "pilot"])
REVIEW = "The soup was cold and the waiter was rude."
TEMPLATE, LABELS, VERBALIZERS = "Review: {text}\nSentiment:", "positive: positive\nnegative: negative", \
    [" positive", " negative"]
EVAL_N = 16
ATT_LAYER, ATT_HEAD = 3, 4

LAYERS = ("bare", "http", "http, session", "client")
FLOOR = {"http": "floor http", "http, session": "floor http, session", "client": "floor client"}
BASE = {"base http": "floor http", "base http, session": "floor http, session"}  # with --base-root


# ---- the cases --------------------------------------------------------------------------------------

def generate_args(n: int, sampling: bool) -> tuple:
    """/generate(prompt, model, strategy, max_new_tokens, temperature, top_k, top_p, num_beams,
    num_return_sequences, repetition_penalty, no_repeat_ngram_size, length_penalty, penalty_alpha, bad_words,
    stop_strings, seed, do_sample, chat_template)."""
    if sampling:
        s = SAMPLING
        return (TEXT, SMOLLM2, "", n, s["temperature"], s["top_k"], s["top_p"], 1, 1, 1.0, 0, 1.0, 0.0, "", "",
                s["seed"], True, False)
    return (TEXT, SMOLLM2, "greedy", n, 1.0, 0, 1.0, 1, 1, 1.0, 0, 1.0, 0.0, "", "", 0, False, False)


def reviews(n: int) -> list[str]:
    with open(REPO / "assets" / "datasets" / "reviews.csv", newline="", encoding="utf-8") as f:
        return [row["text"] for row in csv.DictReader(f)][:n]


def cases(prompt: str, quick: bool) -> list[dict]:
    """name, api, the API's arguments, the bare op and its arguments, and how to check the answer."""
    texts = reviews(EVAL_N)
    out = [
        {"name": "tokenize", "api": "tokenize", "args": (TEXT, SMOLLM2), "bare": ("tokenize", TEXT),
         "check": check_tokenize},
        {"name": f"next_token ({PROMPT_TOKENS} tokens)", "api": "next_token", "args": (prompt, SMOLLM2, 10, 1.0),
         "bare": ("next_token", prompt, 10, 1.0), "check": check_next_token},
    ]
    for n in ((16,) if quick else (16, 64)):
        for sampling in (False, True):
            setting = SAMPLING if sampling else {"do_sample": False}
            out.append({"name": f"generate {'sampling' if sampling else 'greedy'} {n}", "api": "generate",
                        "args": generate_args(n, sampling), "bare": ("generate", TEXT, n, setting),
                        "check": check_generate, "new_tokens": n, "sampling": sampling})
    out += [
        {"name": "fill_mask", "api": "fill_mask", "args": (FILL, SMOLLM2, 10), "bare": ("fill_mask", FILL, 10),
         "check": check_fill_mask},
        {"name": f"bias_probe ({len(PROBE[1]) * len(PROBE[2])} cells)", "api": "bias_probe",
         "args": (PROBE[0], "\n".join(PROBE[1]), ", ".join(PROBE[2]), SMOLLM2), "bare": ("bias_probe", *PROBE),
         "check": check_bias_probe},
        {"name": "classify", "api": "classify", "args": (REVIEW, SMOLLM2, TEMPLATE, LABELS, False),
         "bare": ("classify", TEMPLATE.replace("{text}", REVIEW), VERBALIZERS), "check": check_classify},
        {"name": f"evaluate ({EVAL_N} reviews)", "api": "evaluate",
         "args": ("reviews", "", TEMPLATE, LABELS, 0, SMOLLM2, None, False, EVAL_N),
         "bare": ("evaluate", [TEMPLATE.replace("{text}", t) for t in texts], VERBALIZERS),
         "check": check_evaluate, "texts": texts},
        {"name": f"logit_lens ({PROMPT_TOKENS} tokens)", "api": "logit_lens", "args": (prompt, SMOLLM2),
         "bare": ("logit_lens", prompt), "check": check_logit_lens},
        {"name": "attention", "api": "attention", "args": (TEXT, SMOLLM2, ATT_LAYER, ATT_HEAD),
         "bare": ("attention", TEXT, ATT_LAYER, ATT_HEAD), "check": check_attention},
    ]
    return out


# ---- checks: the app's answer against the bare one ---------------------------------------------------

def check_tokenize(case, app, bare) -> dict:
    got = [t["id"] for t in app["tokens"]]
    return {"ok": got == bare["ids"], "ids": len(got)}


def check_next_token(case, app, bare) -> dict:
    read = [t["id"] for t in app["tokens"]]
    top = [t["id"] for t in app["top"]]
    diff = max(abs(t["prob"] - p) for t, p in zip(app["top"], bare["probs"]))
    return {"ok": read == bare["input_ids"] and top == bare["ids"] and diff < 1e-4, "same_input_ids": read == bare[
        "input_ids"], "top_ids_equal": top == bare["ids"], "max_prob_diff": diff}


def check_generate(case, app, bare) -> dict:
    got = app["sequences"][0]["ids"]
    same = got == bare["ids"]
    out = {"ok": len(got) == case["new_tokens"] and (same or case["sampling"]), "tokens": len(got),
           "ids_equal": same, "finish": app["finish"]}
    if case["sampling"] and not same:
        out["note"] = "sampled ids differ from bare (reported, not required)"
    return out


def check_fill_mask(case, app, bare) -> dict:
    got = [p["token"] for p in app["predictions"][0]]
    return {"ok": got == bare["words"], "top": got[:3]}


def check_bias_probe(case, app, bare) -> dict:
    _, groups, targets = PROBE
    want = {(g, t): lp for (g, t), lp in zip(((g, t) for g in groups for t in targets), bare["logprobs"])}
    diff = max(abs(r["logprob"] - want[(r["group"], r["target"])]) for r in app["rows"])
    return {"ok": len(app["rows"]) == len(want) and diff < 1e-3, "cells": len(app["rows"]), "max_logprob_diff": diff}


def check_classify(case, app, bare) -> dict:
    diff = max(abs(lab["logprob"] - lp) for lab, lp in zip(app["labels"], bare["logprobs"]))
    best = VERBALIZERS[max(range(len(VERBALIZERS)), key=lambda i: bare["logprobs"][i])].strip()
    return {"ok": diff < 1e-3 and app["prediction"] == best, "max_logprob_diff": diff, "prediction": app["prediction"]}


def check_evaluate(case, app, bare) -> dict:
    want = {t: VERBALIZERS[p].strip() for t, p in zip(case["texts"], bare["predictions"])}
    same = sum(e["prediction"] == want.get(e["text"]) for e in app["examples"])
    return {"ok": same == len(want) == len(app["examples"]), "predictions_equal": same, "examples": len(want)}


def check_logit_lens(case, app, bare) -> dict:
    cells = [[c["top"][0]["id"] for c in layer] for layer in app["cells"]]
    agree = sum(a == b for la, lb in zip(cells, bare["top1"]) for a, b in zip(la, lb))
    total = sum(len(layer) for layer in bare["top1"])
    last = [[t["id"] for t in c["top"]] for c in app["cells"][-1]] == bare["last_layer"]
    return {"ok": agree / total >= 0.99 and last, "top1_agreement": agree / total, "last_layer_equal": last}


def check_attention(case, app, bare) -> dict:
    diff = max(abs(a - b) for ra, rb in zip(app["weights"], bare["weights"]) for a, b in zip(ra, rb))
    return {"ok": len(app["weights"]) == len(bare["weights"]) and diff < 1e-3, "max_weight_diff": diff}


# ---- timing -------------------------------------------------------------------------------------------

def bench_case(case: dict, bare: BareProcess, app: dict, floor: dict, reps: int, warmup: int, pids=(),
               base: dict | None = None) -> dict:
    api, args = case["api"], case["args"]
    base = base or {}
    calls = {
        "bare": lambda: bare.call(*case["bare"])[0],
        **{layer: (lambda c=c: c(api, *args)) for layer, c in app.items()},
        **{FLOOR[layer]: (lambda c=c: c(api, *args)) for layer, c in floor.items()},
        **{layer: (lambda c=c: c(api, *args)) for layer, c in base.items()},
    }
    answer = app["http"](api, *args)  # untimed: loads the model, warms what the first call builds
    base_answer = base["base http"](api, *args) if base else None
    _, bare_answer = bare.call(*case["bare"])
    with CpuWatch(pids) as watch:
        times = round_robin(calls, reps, warmup, SETTLE_S)
    check = case["check"](case, answer, bare_answer)
    stats = {k: summary(v) for k, v in times.items()}
    rat, paired = {}, {}
    for layer, fl in {**FLOOR, **{k: v for k, v in BASE.items() if k in base}}.items():
        rat[layer] = {q: ratio(stats[layer][q], stats["bare"][q] + stats[fl][q]) for q in ("median", "p90")}
        paired[layer] = summary([t / (b + f) for t, b, f in zip(times[layer], times["bare"], times[fl])])["median"]
    out = {"name": case["name"], "api": api, "seconds": stats, "ratio_vs_bare_plus_floor": rat,
           "paired_ratio_vs_bare_plus_floor": paired, "check": check, "response_bytes": app["http"].last_bytes,
           "other_cpu_share": watch.others, "wall_s": watch.wall_s}
    if base:
        out["base_check"] = case["check"](case, base_answer, bare_answer)
    if api == "generate":
        n = case["new_tokens"]
        timed = (*LAYERS, *base)
        out["new_tokens"] = n
        out["tokens_per_s"] = {k: ratio(n, stats[k]["median"]) for k in timed}
        out["speed_vs_bare"] = {k: ratio(stats["bare"]["median"], stats[k]["median"]) for k in timed[1:]}
        out["handler_generate_s"] = answer.get("seconds")
        out["bare_first_token_s"] = bare_answer["first_token_s"]
    return out


def run(reps: int = REPS, warmup: int = WARMUP, quick: bool = False, apis=None, bare_thread: str = "main",
        app_root: Path = REPO, base_root: Path | None = None, log=print) -> dict:
    from tests.loopback_guard import install as install_loopback_guard

    outside = install_loopback_guard()
    with tempfile.TemporaryDirectory(prefix="bench-api-") as name:
        tmp = Path(name)
        log(f"api_latency: starting the bare worker ({bare_thread} thread; loads {SMOLLM2}; the first run on a "
            "machine converts its GGUF file once)...")
        bare = BareProcess(tmp, bare_thread)
        servers = []
        try:
            log("api_latency: starting the app (python app.py) and the floor (python -m bench.floor_app)...")
            servers.append(ServedProcess("app", [sys.executable, "app.py"], tmp, cwd=app_root,
                                         PLAYGROUND_DEVICE="cpu", PLAYGROUND_DTYPE="float32"))
            servers.append(ServedProcess("floor", [sys.executable, "-m", "bench.floor_app"], tmp))
            app_srv, floor_srv = servers[:2]
            app = {"http": RawApi(app_srv.url), "http, session": RawApi(app_srv.url, session=True),
                   "client": ClientApi(app_srv.url)}
            floor = {"http": RawApi(floor_srv.url), "http, session": RawApi(floor_srv.url, session=True),
                     "client": ClientApi(floor_srv.url)}
            base = {}
            if base_root is not None:
                log(f"api_latency: starting the base app (python app.py in {base_root})...")
                servers.append(ServedProcess("base", [sys.executable, "app.py"], tmp, cwd=base_root,
                                             PLAYGROUND_DEVICE="cpu", PLAYGROUND_DTYPE="float32"))
                base = {"base http": RawApi(servers[2].url), "base http, session": RawApi(servers[2].url, session=True)}
            prompt = bare.call("prompt", PROMPT_TOKENS)[1]
            todo = [c for c in cases(prompt, quick) if not apis or c["api"] in apis]
            results = []
            for case in todo:
                log(f"api_latency: {case['name']}, {warmup} + {reps} rounds...")
                res = bench_case(case, bare, app, floor, reps, warmup,
                                 pids=(bare.proc.pid, *(srv.proc.pid for srv in servers)), base=base)
                results.append(res)
                s = res["seconds"]
                log("    " + "  ".join(f"{k} {s[k]['median'] * 1e3:,.1f} ms" for k in (*LAYERS, *FLOOR.values(), *base))
                    + f"  check {'ok' if res['check']['ok'] else 'FAILED'}")
            for c in (*app.values(), *floor.values(), *base.values()):
                c.close()
        finally:
            for srv in servers:
                srv.stop()
            bare.close()
        child_outside = refused_in_children(tmp)
    return {
        "config": {"reps": reps, "warmup": warmup, "quick": quick, "model": SMOLLM2, "bare_thread": bare_thread,
                   "bare_info": bare.info, "settle_s": SETTLE_S, "goal_ratio": GOAL, "generate_goal": GENERATE_GOAL,
                   "app": "python app.py, PLAYGROUND_DEVICE=cpu, PLAYGROUND_DTYPE=float32, its own process",
                   "app_root": str(app_root), "base_root": str(base_root) if base_root else None,
                   "floor": "python -m bench.floor_app, its own process",
                   "prompt": prompt,
                   "order": "round-robin per case, rotating by one every round"},
        "startup_s": {srv.name: srv.startup_s for srv in servers},
        "cases": results,
        "other_cpu_share": {c["name"]: c["other_cpu_share"] for c in results},
        "outside_connections": list(outside) + child_outside,
    }


# ---- report -------------------------------------------------------------------------------------------

def verdict(value: float) -> str:
    return "met" if value <= GOAL else "NOT met"


def report(res: dict) -> str:
    cfg = res["config"]
    rows = []
    for c in res["cases"]:
        s, r, pr = c["seconds"], c["ratio_vs_bare_plus_floor"], c["paired_ratio_vs_bare_plus_floor"]
        med = {k: v["median"] for k, v in s.items()}
        rows.append([c["name"], ms(med["bare"]), ms(med["floor http"]), ms(med["http"]), x(r["http"]["median"]),
                     x(pr["http"]), ms(med["floor http, session"]), ms(med["http, session"]),
                     x(r["http, session"]["median"]), ms(med["floor client"]), ms(med["client"]),
                     x(r["client"]["median"]), verdict(r["http"]["median"]),
                     "ok" if c["check"]["ok"] else "FAILED"])
        if "base http" in s:
            rows.append(["  base app", "", "", ms(med["base http"]), x(r["base http"]["median"]), x(pr["base http"]),
                         "", ms(med["base http, session"]), x(r["base http, session"]["median"]), "", "", "",
                         verdict(r["base http"]["median"]), "ok" if c["base_check"]["ok"] else "FAILED"])
    out = [table(["api", "bare ms", "floor http", "http", "http / (bare+floor)", "paired", "floor http, session",
                  "http, session", "ratio", "floor client", "client", "ratio", f"http <= {GOAL:.2f}x", "check"],
                 rows, title=f"Every API against the bare call (its own process, {cfg['bare_thread']} thread) plus "
                             f"the Gradio floor (medians of {cfg['reps']}, ms; the app and the floor each in their "
                             "own process, called over raw HTTP and with gradio_client)")]
    gen = [c for c in res["cases"] if c["api"] == "generate"]
    if gen:
        rows = []
        for c in gen:
            sp = c["speed_vs_bare"]
            rows.append([c["name"], f"{c['tokens_per_s']['bare']:.1f}", f"{c['tokens_per_s']['http']:.1f}",
                         x(sp["http"]), x(sp["http, session"]), x(sp["client"]),
                         "met" if sp["http"] >= GENERATE_GOAL else "NOT met", ms(c["handler_generate_s"] or 0),
                         ms(c["bare_first_token_s"])])
            if "base http" in sp:
                rows.append(["  base app", "", f"{c['tokens_per_s']['base http']:.1f}", x(sp["base http"]),
                             x(sp["base http, session"]), "", "met" if sp["base http"] >= GENERATE_GOAL else "NOT met",
                             "", ""])
        out.append(table(["generate", "bare tokens/s", "http tokens/s", "http speed / bare", "http, session",
                          "client", f">= {GENERATE_GOAL:.2f}x", "handler's generate ms", "bare 1st token ms"], rows,
                         title="\n/generate speed: bare seconds / API seconds (medians)"))
    notes = ["Start-up of the served processes (one each, until the first 200): "
             + ", ".join(f"{k} {v:.2f} s" for k, v in res["startup_s"].items()) + " (bench/startup.py measures it)."]
    if cfg.get("base_root"):
        notes.append(f"base app: app.py from {cfg['base_root']}, timed in the same rounds.")
    for c in res["cases"]:
        if not c["check"]["ok"]:
            notes.append(f"CHECK FAILED for {c['name']}: {c['check']}")
    notes.append("Checks: " + "; ".join(f"{c['name']}: {', '.join(f'{k} {v}' for k, v in c['check'].items() if k != 'ok')}"
                                         for c in res["cases"]))
    return finish_report(out, notes, res)


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reps", type=int, default=None, help=f"timed rounds (default {REPS}; --quick: {QUICK_REPS})")
    p.add_argument("--warmup", type=int, default=WARMUP)
    p.add_argument("--quick", action="store_true", help=f"{QUICK_REPS} reps; /generate at 16 new tokens only")
    p.add_argument("--apis", nargs="+", help="only these APIs (tokenize, next_token, generate, ...)")
    p.add_argument("--bare-thread", choices=["main", "worker"], default="main")
    p.add_argument("--app-root", type=Path, default=REPO, help="run app.py from this checkout (default: this one)")
    p.add_argument("--base-root", type=Path, help="also time app.py from this checkout, in the same rounds")
    a = p.parse_args(argv)
    reps = a.reps if a.reps is not None else QUICK_REPS if a.quick else REPS
    return run_and_report("api_latency", lambda log: run(reps, a.warmup, a.quick, a.apis, a.bare_thread,
                                                         a.app_root.resolve(),
                                                         a.base_root.resolve() if a.base_root else None, log=log),
                          report)


if __name__ == "__main__":
    main()
