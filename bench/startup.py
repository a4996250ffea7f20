"""Start-up time of the app against a bare Gradio hello-world, and the time from the first 200 to the first answers.

    python -m bench.startup [--repeats 5] [--warmup 1] [--timeout 180] [--no-answers] [--app-root DIR]
                            [--base-root DIR]

Start-up = from just before the subprocess is spawned until the first HTTP 200 on "/", for
(a) `python app.py` from the repo root and (b) a one-component gr.Interface hello-world written to a
temp file, each its own process on 127.0.0.1 (GRADIO_SERVER_PORT = a free port; common.ServedProcess).
The two alternate, `--repeats` times each, after `--warmup` untimed rounds (cold disk cache, .pyc files).

First answers = once the app has answered 200, the moment it does, over Gradio's raw HTTP protocol
(common.RawApi, a new session as curl makes): the first /tokenize ("It was a dark and stormy" with
SmolLM2-135M-Instruct, the default model's tokenizer) and then the first /next_token (the model itself
loads, and torch is imported), each timed from when it was sent; then a second /tokenize for comparison.
SmolLM2's tokenizer and weights are converted from GGUF into ~/.cache/playground on their very first use;
that cache is warmed once (in a subprocess) before anything is timed, so these are warm-cache starts.

--app-root runs app.py from another checkout (an older commit unpacked with `git archive`) to compare;
--base-root adds a third kind to the rotation, app.py from another checkout ("base", e.g. the code before a
change), so that before and after are timed in the same rounds.

One more run of each, in-process, splits start-up into phases (import gradio, import the app's modules,
build the Blocks, launch) and lists which heavy modules (torch, transformers) start-up imported.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.loopback_guard import install as install_loopback_guard

from .common import (
    REPO, SMOLLM2, RawApi, ServedProcess, free_port, guarded_env, ratio, refused_in_children, run_and_report, sec,
    summary, table, warm_smollm2_cache, x,
)

HELLO = '''"""A bare Gradio hello-world: the baseline the app's start-up is compared with."""
import gradio as gr

demo = gr.Interface(fn=lambda name: f"Hello, {name}!", inputs="text", outputs="text")

if __name__ == "__main__":
    demo.launch()
'''

TOKENIZE_ARGS = ("It was a dark and stormy", SMOLLM2)
NEXT_TOKEN_ARGS = ("It was a dark and stormy", SMOLLM2, 10, 1.0)
ANSWERS = ("first_tokenize", "first_next_token", "second_tokenize")

# Phases of start-up, measured inside one process. argv[1] is "app" or "hello", argv[2] the hello file.
# For the app it starts as app.py does (the collector paused first, where app.py does that), imports gradio and
# the app's modules, then `import app` builds the Blocks (and, where it has it, app.started() resumes the collector).
PHASES = r'''
import gc, json, os, sys, time
t0 = time.perf_counter()
if sys.argv[1] == "app" and "gc.disable()" in open("app.py").read():
    gc.disable()
import gradio as gr
t1 = time.perf_counter()
port = int(os.environ["GRADIO_SERVER_PORT"])
if sys.argv[1] == "app":
    sys.path.insert(0, os.getcwd())
    from playground.ui.shell import launch_options
    t2 = time.perf_counter()
    import app
    demo = app.demo
    t3 = time.perf_counter()
    demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port, quiet=True, **launch_options())
else:
    t2 = time.perf_counter()
    demo = gr.Interface(fn=lambda name: f"Hello, {name}!", inputs="text", outputs="text")
    t3 = time.perf_counter()
    demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port, quiet=True)
t4 = time.perf_counter()
heavy = sorted(m for m in ("torch", "transformers", "tokenizers", "numpy", "pandas", "plotly", "matplotlib")
               if m in sys.modules)
print("BENCH_JSON " + json.dumps({"import_gradio": t1 - t0, "import_app": t2 - t1, "build": t3 - t2,
                                  "launch": t4 - t3, "total_in_process": t4 - t0,
                                  "modules_loaded": len(sys.modules), "heavy_modules": heavy}))
sys.stdout.flush()
demo.close()
os._exit(0)
'''


def first_answers(url: str) -> dict:
    """Seconds each call took from being sent: /tokenize at once, then /next_token, then /tokenize again."""
    raw = RawApi(url)
    out = {}
    try:
        for key, api, args in (("first_tokenize", "tokenize", TOKENIZE_ARGS),
                               ("first_next_token", "next_token", NEXT_TOKEN_ARGS),
                               ("second_tokenize", "tokenize", TOKENIZE_ARGS)):
            t = time.perf_counter()
            answer = raw(api, *args)
            out[key] = time.perf_counter() - t
            if not isinstance(answer, dict) or not answer.get("tokens"):
                raise RuntimeError(f"unexpected /{api} answer: {str(answer)[:300]}")
    finally:
        raw.close()
    return out


def run_once(kind: str, hello: Path, tmp: Path, timeout: float, answers: bool, root: Path = REPO) -> dict:
    """One start of `kind` ("hello", or an app: "app" or "base", app.py run from `root`)."""
    argv = [sys.executable, str(hello)] if kind == "hello" else [sys.executable, "app.py"]
    with ServedProcess(kind, argv, tmp, timeout, cwd=root) as srv:
        result = {"startup": srv.startup_s}
        if kind != "hello" and answers:
            result.update(first_answers(srv.url))
    return result


def phases(kind: str, hello: Path, tmp: Path, timeout: float, app_root: Path = REPO) -> dict:
    env = guarded_env(tmp, GRADIO_SERVER_PORT=str(free_port()))
    out = subprocess.run([sys.executable, "-c", PHASES, kind, str(hello)], cwd=app_root, env=env,
                         capture_output=True, text=True, timeout=timeout)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"phase run of {kind} failed:\n{out.stdout[-1500:]}\n{out.stderr[-3000:]}")
    return json.loads(line.split(" ", 1)[1])


def run(repeats: int = 5, warmup: int = 1, timeout: float = 180.0, answers: bool = True, app_root: Path = REPO,
        base_root: Path | None = None, log=print) -> dict:
    outside = install_loopback_guard()
    log("startup: warming the SmolLM2 cache (GGUF -> ~/.cache/playground, once per machine)...")
    cache = warm_smollm2_cache(model=answers)
    log(f"startup: cache {'was already warm' if cache['was_warm'] else 'was cold: converted now'} "
        f"({cache['seconds']:.1f} s to load) at {cache['cache_dir']}")
    roots = {"app": app_root, "hello": REPO, **({"base": base_root} if base_root else {})}
    kinds = list(roots)
    samples: dict[str, list[dict]] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as name:
        tmp = Path(name)
        hello = tmp / "hello_app.py"
        hello.write_text(HELLO)
        for i in range(warmup + repeats):
            for kind in kinds[i % len(kinds):] + kinds[: i % len(kinds)]:  # the order rotates every round
                r = run_once(kind, hello, tmp, timeout, answers, roots[kind])
                timed = i >= warmup
                if timed:
                    samples[kind].append(r)
                extra = "".join(f", {k.replace('_', ' ')} {r[k]:.2f} s" for k in ANSWERS if k in r)
                log(f"startup: {'run' if timed else 'warm-up'} {i + 1 - warmup if timed else i + 1} "
                    f"{kind:5s} {r['startup']:.2f} s{extra}")
        log("startup: one in-process phase run of each...")
        split = {kind: phases("hello" if kind == "hello" else "app", hello, tmp, timeout, roots[kind]) for kind in kinds}
        child_outside = refused_in_children(tmp)

    app = summary([r["startup"] for r in samples["app"]])
    hello_s = summary([r["startup"] for r in samples["hello"]])
    result = {
        "config": {"repeats": repeats, "warmup": warmup, "timeout_s": timeout, "app_root": str(app_root),
                   "base_root": str(base_root) if base_root else None,
                   "tokenize_args": TOKENIZE_ARGS,
                   "next_token_args": NEXT_TOKEN_ARGS, "answers_over": "raw HTTP (common.RawApi), a new session"},
        "smollm2_cache": cache,
        "app_startup_s": app,
        "hello_startup_s": hello_s,
        "ratio_app_over_hello": ratio(app["median"], hello_s["median"]),
        "phases_s": split,
        "outside_connections": {"bench_process": list(outside), "subprocesses": child_outside},
    }
    if answers:
        result["answers_after_200_s"] = {key: summary([r[key] for r in samples["app"]]) for key in ANSWERS}
    if base_root:
        base = summary([r["startup"] for r in samples["base"]])
        result["base_startup_s"] = base
        result["ratio_base_over_hello"] = ratio(base["median"], hello_s["median"])
        if answers:
            result["base_answers_after_200_s"] = {key: summary([r[key] for r in samples["base"]]) for key in ANSWERS}
    return result


def report(res: dict) -> str:
    app, hello = res["app_startup_s"], res["hello_startup_s"]
    rows = [
        ["bare Gradio hello-world", sec(hello["median"]), sec(hello["min"]), sec(hello["max"]), "1.00x"],
        ["app (python app.py)", sec(app["median"]), sec(app["min"]), sec(app["max"]), x(res["ratio_app_over_hello"])],
    ]
    if "base_startup_s" in res:
        b = res["base_startup_s"]
        rows.append([f"base app ({res['config']['base_root']})", sec(b["median"]), sec(b["min"]), sec(b["max"]),
                     x(res["ratio_base_over_hello"])])
    out = [table(["start until first 200 on /", "median s", "min s", "max s", "vs hello"], rows,
                 title=f"Start-up ({app['n']} runs each, alternating, after {res['config']['warmup']} warm-up round)")]
    if "answers_after_200_s" in res:
        a = res["answers_after_200_s"]
        labels = {"first_tokenize": "first /tokenize, sent at the first 200 (waits for the warm-up's tokenizer)",
                  "first_next_token": "then the first /next_token (imports torch, loads the model)",
                  "second_tokenize": "then a second /tokenize (warm)"}
        b = res.get("base_answers_after_200_s")
        rows = [[labels[k], sec(a[k]["median"]), sec(a[k]["max"]), *([sec(b[k]["median"])] if b else [])]
                for k in ANSWERS]
        warm = "warm" if res["smollm2_cache"]["was_warm"] else "warmed before timing"
        out.append(table(["raw HTTP, from the call being sent", "median s", "max s", *(["base app, median s"] if b else [])],
                         rows,
                         title=f"\nThe first answers after the app answered 200 (SmolLM2 cache {warm})"))
    ph = res["phases_s"]
    kinds = [k for k in ("hello", "app", "base") if k in ph]
    rows = [[k, *(sec(ph[kind][k]) for kind in kinds)]
            for k in ("import_gradio", "import_app", "build", "launch", "total_in_process")]
    rows.append(["heavy modules after start", *(",".join(ph[kind]["heavy_modules"]) or "-" for kind in kinds)])
    out.append(table(["phase (one in-process run)", *(f"{kind} s" for kind in kinds)], rows,
                     title="\nStart-up phases"))
    oc = res["outside_connections"]
    if oc["bench_process"] or oc["subprocesses"]:
        out.append(f"\nRefused connections beyond 127.0.0.1: {oc}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--timeout", type=float, default=180.0, help="seconds per start-up and per call")
    p.add_argument("--no-answers", action="store_true", help="skip the first answers after the first 200")
    p.add_argument("--app-root", type=Path, default=REPO, help="run app.py from this checkout (default: this one)")
    p.add_argument("--base-root", type=Path, help="also start app.py from this checkout, in the same rounds")
    a = p.parse_args(argv)
    return run_and_report("startup", lambda log: run(a.repeats, a.warmup, a.timeout, not a.no_answers,
                                                     a.app_root.resolve(),
                                                     a.base_root.resolve() if a.base_root else None, log=log), report)


if __name__ == "__main__":
    main()
