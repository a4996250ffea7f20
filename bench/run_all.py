"""Run every benchmark, print one readable report, write bench/results/*.json.

    python -m bench.run_all [--quick]
        [--only startup|api_latency|tokenize_latency|next_token_latency|generate_latency|probe_throughput|
                prompt_eval_throughput|attention_views]

(`make bench` runs this.) --quick: fewer repetitions, for a smoke run (the figures are noisier).
"""

from __future__ import annotations

import argparse
import sys
import time

from . import (
    api_latency, attention_views, generate_latency, next_token_latency, probe_throughput, prompt_eval_throughput,
    startup, tokenize_latency,
)
from .common import REPO, busy_warning, machine_info, table, write_results


def machine_table(info: dict) -> str:
    v = info["versions"]
    rows = [
        ["CPU", f"{info['cpu_model']} ({info['cpus_usable']} usable of {info['cpu_count']})"],
        ["GPU", info["gpu"]],
        ["platform", info["platform"]],
        ["load average (1, 5, 15 min)", ", ".join(map(str, info["loadavg_1_5_15"]))],
        ["python", info["python"]],
        ["torch / transformers / tokenizers", f"{v['torch']} / {v['transformers']} / {v['tokenizers']}"],
        ["gradio / gradio_client", f"{v['gradio']} / {v['gradio_client']}"],
    ]
    return table(["machine", ""], rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true",
                   help="1 start-up run each, 3 API reps (generation at 16 tokens only), 5 tokenize and next-token "
                        "reps, 3 generation reps of 16 tokens, 2 bias-probe and prompt-evaluation reps")
    p.add_argument("--only", choices=["startup", "api_latency", "tokenize_latency", "next_token_latency",
                                     "generate_latency", "probe_throughput", "prompt_eval_throughput",
                                     "attention_views"])
    a = p.parse_args(argv)

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    info = machine_info()
    print(machine_table(info), flush=True)
    warning = busy_warning()
    if warning:
        print(warning, flush=True)
    results, reports, files = {}, [], []
    t0 = time.perf_counter()
    runs = {  # name -> how run_all calls it (quick / full)
        "startup": lambda: startup.run(repeats=1 if a.quick else 5, warmup=0 if a.quick else 1, log=log),
        "api_latency": lambda: api_latency.run(reps=api_latency.QUICK_REPS if a.quick else api_latency.REPS,
                                               warmup=api_latency.WARMUP, quick=a.quick, log=log),
        "tokenize_latency": lambda: tokenize_latency.run(reps=5 if a.quick else 20, warmup=1 if a.quick else 3, log=log),
        "next_token_latency": lambda: next_token_latency.run(reps=5 if a.quick else 20, warmup=1 if a.quick else 3,
                                                             log=log),
        "generate_latency": lambda: generate_latency.run(
            reps=3 if a.quick else 10, warmup=1 if a.quick else 2,
            new_tokens=generate_latency.QUICK_TOKENS if a.quick else generate_latency.NEW_TOKENS, log=log),
        "probe_throughput": lambda: probe_throughput.run(
            reps=probe_throughput.QUICK_REPS if a.quick else probe_throughput.REPS, warmup=probe_throughput.WARMUP,
            log=log),
        "prompt_eval_throughput": lambda: prompt_eval_throughput.run(
            reps=prompt_eval_throughput.QUICK_REPS if a.quick else prompt_eval_throughput.REPS,
            warmup=prompt_eval_throughput.WARMUP, log=log),
        "attention_views": lambda: attention_views.run(tokens=128, reps=2 if a.quick else 5, log=log),
    }
    for name, call in runs.items():
        if a.only in (None, name):
            res = call()
            files.append(write_results(name, res))
            results[name] = res
            reports.append(globals()[name].report(res))  # the module of the same name
    summary = {"quick": a.quick, "busy_warning": warning, "wall_s": time.perf_counter() - t0, "headline": headline(results),
               "files": [str(f.relative_to(REPO)) for f in files]}
    files.append(write_results("run_all", summary))
    print()
    print("\n\n".join(reports))
    print("\n" + table(["headline", "value"], [[k, v] for k, v in summary["headline"].items()],
                       title="\nHeadline figures"))
    if warning:
        print("\n" + warning)
    print(f"\nwrote {', '.join(str(f.relative_to(REPO)) for f in files)} in {summary['wall_s']:.0f} s")
    return 0


def headline(results: dict) -> dict:
    out = {}
    if "startup" in results:
        s = results["startup"]
        out["startup app / hello (median s)"] = (
            f"{s['app_startup_s']['median']:.2f} / {s['hello_startup_s']['median']:.2f} = "
            f"{s['ratio_app_over_hello']:.2f}x")
        if "answers_after_200_s" in s:
            a = s["answers_after_200_s"]
            out["first /tokenize, then first /next_token, after the first 200 (median s)"] = (
                f"{a['first_tokenize']['median']:.2f}, {a['first_next_token']['median']:.2f}")
    for c in results.get("api_latency", {}).get("cases", []):
        s, r = c["seconds"], c["ratio_vs_bare_plus_floor"]
        line = (f"{s['http']['median'] * 1e3:,.1f} / ({s['bare']['median'] * 1e3:,.1f} + "
                f"{s['floor http']['median'] * 1e3:,.1f}) = {r['http']['median']:.2f}x; one session "
                f"{r['http, session']['median']:.2f}x; client {r['client']['median']:.2f}x "
                f"(goal <= {api_latency.GOAL:.2f}x)")
        if c["api"] == "generate":
            line += f"; speed {c['speed_vs_bare']['http']:.2f}x bare (goal >= {api_latency.GENERATE_GOAL:.2f}x)"
        out[f"{c['name']}: http / (bare + floor) (median ms)"] = line
    for c in results.get("tokenize_latency", {}).get("cases", []):
        out[f"tokenize {c['model']} {c['text']}: client / bare (median ms)"] = (
            f"{c['seconds']['client']['median'] * 1e3:.1f} / {c['seconds']['bare']['median'] * 1e3:.2f} = "
            f"{c['ratio_vs_bare']['client']:.0f}x (compute {c['ratio_vs_bare']['compute']:.1f}x)")
    for c in results.get("next_token_latency", {}).get("cases", []):
        s, r = c["seconds"], c["ratio_vs_bare"]["median"]
        out[f"{c['api']} SmolLM2 32 tokens, no server: handler / compute / bare (median ms)"] = (
            " / ".join(f"{s[k]['median'] * 1e3:,.0f}" for k in ("handler", "compute", "bare"))
            + f"; compute {r['compute']:.2f}x, handler {r['handler']:.2f}x (target <= {next_token_latency.TARGET:.2f}x)")
    gen = results.get("generate_latency")
    for c in (gen or {}).get("cases", []):
        tps, f = c["tokens_per_s"], c["first_token_s"]
        out[f"generate {c['setting']} SmolLM2 {gen['config']['new_tokens']} tokens, no server: compute / bare "
            "(tokens/s; first token ms)"] = (
            f"{tps['compute']['median']:.1f} / {tps['bare']['median']:.1f} = "
            f"{c['ratio_tokens_per_s_app_over_bare']['median']:.2f}x (target >= {generate_latency.TARGET:.2f}x); "
            f"{f['compute']['median'] * 1e3:,.0f} / {f['bare']['median'] * 1e3:,.0f}")
    for c in results.get("probe_throughput", {}).get("cases", []):
        cps, r = c["cells_per_s"], c["ratio_time_vs_bare"]
        out[f"bias probe {c['grid']} SmolLM2 {c['cells']} cells, no server: compute / bare / unbatched (cells/s)"] = (
            " / ".join(f"{cps[k]['median']:,.1f}" for k in ("compute", "bare", "unbatched"))
            + f"; compute / bare time {r['compute']['median']:.2f}x, unbatched / bare {r['unbatched']['median']:.2f}x")
    for c in results.get("prompt_eval_throughput", {}).get("cases", []):
        eps, r = c["examples_per_s"], c["ratio_examples_per_s_ours_over_bare"]
        out[f"prompt evaluation {c['case']} SmolLM2 {c['examples']} examples, no server: evaluate() / bare "
            "(examples/s)"] = (
            f"{eps['ours']['median']:,.1f} / {eps['bare']['median']:,.1f} = {r['median']:.2f}x "
            f"(paired {r['paired_median']:.2f}x); predictions equal {c['check']['predictions_equal']} / "
            f"{c['check']['examples']}")
    return out


if __name__ == "__main__":
    sys.exit(main())
