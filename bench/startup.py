"""Start-up time of the app against a bare Gradio hello-world, and the first tokenize after start.

    python -m bench.startup [--repeats 3] [--warmup 1] [--timeout 180] [--no-tokenize]

Start-up = from just before the subprocess is spawned until the first HTTP 200 on "/", for
(a) `python app.py` from the repo root and (b) a one-component gr.Interface hello-world written to a
temp file, each its own process on 127.0.0.1 (GRADIO_SERVER_PORT = a free port). The two alternate,
`--repeats` times each, after `--warmup` untimed rounds (cold disk cache, .pyc compilation).

First tokenize = after the app has answered 200, the wall time of
`Client(url).predict("It was a dark and stormy", "SmolLM2-135M-Instruct", api_name="/tokenize")`:
connecting the client plus the first call, which imports transformers and loads the tokenizer.
SmolLM2's tokenizer is converted from GGUF into ~/.cache/playground on its very first use; that
cache is warmed once (in a subprocess) before anything is timed, so the figure is a warm-cache start.

One more run of each, in-process, splits start-up into phases (import gradio, import the app,
build the Blocks, launch) and lists which heavy modules (torch, transformers) start-up imported.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from tests.loopback_guard import LOG_ENV as GUARD_LOG_ENV
from tests.loopback_guard import install as install_loopback_guard
from tests.loopback_guard import sitecustomize_dir as guard_dir

from .common import (
    busy_warning,
    REPO, SMOLLM2, child_env, free_port, ratio, sec, start_process,
    stop_process, summary, table, wait_for_200, warm_smollm2_cache, write_results, x,
)

HELLO = '''"""A bare Gradio hello-world: the baseline the app's start-up is compared with."""
import gradio as gr

demo = gr.Interface(fn=lambda name: f"Hello, {name}!", inputs="text", outputs="text")

if __name__ == "__main__":
    demo.launch()
'''

TOKENIZE_ARGS = ("It was a dark and stormy", SMOLLM2)

# Phases of start-up, measured inside one process. argv[1] is "app" or "hello", argv[2] the hello file.
PHASES = r'''
import json, os, sys, time
t0 = time.perf_counter()
import gradio as gr
t1 = time.perf_counter()
port = int(os.environ["GRADIO_SERVER_PORT"])
if sys.argv[1] == "app":
    sys.path.insert(0, os.getcwd())
    from playground.ui.shell import build_demo, launch_options
    t2 = time.perf_counter()
    demo = build_demo()
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


def _env(tmp: Path, port: int) -> dict:
    extra = {"GRADIO_SERVER_PORT": str(port), GUARD_LOG_ENV: str(tmp / "outside.log")}
    if importlib.util.find_spec("sitecustomize") is None:  # never shadow a sitecustomize already there
        extra["PYTHONPATH"] = os.pathsep.join(p for p in (str(guard_dir(tmp)), str(REPO), os.environ.get("PYTHONPATH")) if p)
    return child_env(**extra)


def _tail(path: Path, n: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-n:]
    except OSError:
        return ""


def first_tokenize(url: str, timeout: float) -> dict:
    """Wall time of connecting a gradio_client and its first two /tokenize calls."""
    from gradio_client import Client

    def call():
        t0 = time.perf_counter()
        client = Client(url, verbose=False)
        t1 = time.perf_counter()
        out = client.predict(*TOKENIZE_ARGS, api_name="/tokenize")
        t2 = time.perf_counter()
        client.predict(*TOKENIZE_ARGS, api_name="/tokenize")
        t3 = time.perf_counter()
        if not isinstance(out, dict) or not out.get("tokens"):
            raise RuntimeError(f"unexpected /tokenize answer: {str(out)[:300]}")
        return {"client_connect": t1 - t0, "first_predict": t2 - t1, "first_total": t2 - t0,
                "second_predict": t3 - t2, "n_tokens": len(out["tokens"])}

    pool = ThreadPoolExecutor(1)
    try:
        return pool.submit(call).result(timeout=timeout)
    except FutureTimeout:
        raise TimeoutError(f"/tokenize did not answer within {timeout:.0f} s") from None
    finally:
        pool.shutdown(wait=False)


def run_once(kind: str, hello: Path, tmp: Path, timeout: float, tokenize: bool) -> dict:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    argv = [sys.executable, "app.py"] if kind == "app" else [sys.executable, str(hello)]
    log = tmp / f"{kind}-{port}.log"
    start = time.perf_counter()
    proc = start_process(argv, _env(tmp, port), log)
    try:
        try:
            result = {"startup": wait_for_200(url, start, timeout, proc)}
            if kind == "app" and tokenize:
                result.update(first_tokenize(url.rstrip("/"), timeout))
        except Exception as exc:
            raise RuntimeError(f"{kind} run failed: {exc}\n--- its output ---\n{_tail(log)}") from exc
        return result
    finally:
        stop_process(proc)


def phases(kind: str, hello: Path, tmp: Path, timeout: float) -> dict:
    env = _env(tmp, free_port())
    out = subprocess.run([sys.executable, "-c", PHASES, kind, str(hello)], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=timeout)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"phase run of {kind} failed:\n{out.stdout[-1500:]}\n{out.stderr[-3000:]}")
    return json.loads(line.split(" ", 1)[1])


def run(repeats: int = 3, warmup: int = 1, timeout: float = 180.0, tokenize: bool = True,
        log=print) -> dict:
    outside = install_loopback_guard()
    log("startup: warming the SmolLM2 tokenizer cache (GGUF -> ~/.cache/playground, once per machine)...")
    cache = warm_smollm2_cache()
    log(f"startup: cache {'was already warm' if cache['was_warm'] else 'was cold: converted now'} "
        f"({cache['seconds']:.1f} s to load) at {cache['cache_dir']}")
    samples: dict[str, list[dict]] = {"app": [], "hello": []}
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as name:
        tmp = Path(name)
        hello = tmp / "hello_app.py"
        hello.write_text(HELLO)
        for i in range(warmup + repeats):
            order = ("app", "hello") if i % 2 == 0 else ("hello", "app")
            for kind in order:
                r = run_once(kind, hello, tmp, timeout, tokenize)
                timed = i >= warmup
                if timed:
                    samples[kind].append(r)
                extra = f", first tokenize {r['first_total']:.2f} s" if "first_total" in r else ""
                log(f"startup: {'run' if timed else 'warm-up'} {i + 1 - warmup if timed else i + 1} "
                    f"{kind:5s} {r['startup']:.2f} s{extra}")
        log("startup: one in-process phase run of each...")
        split = {kind: phases(kind, hello, tmp, timeout) for kind in ("app", "hello")}
        guard_log = tmp / "outside.log"
        child_outside = guard_log.read_text().splitlines() if guard_log.exists() else []

    app = summary([r["startup"] for r in samples["app"]])
    hello_s = summary([r["startup"] for r in samples["hello"]])
    result = {
        "config": {"repeats": repeats, "warmup": warmup, "timeout_s": timeout, "tokenize_args": TOKENIZE_ARGS},
        "smollm2_cache": cache,
        "app_startup_s": app,
        "hello_startup_s": hello_s,
        "ratio_app_over_hello": ratio(app["median"], hello_s["median"]),
        "phases_s": split,
        "outside_connections": {"bench_process": list(outside), "subprocesses": child_outside},
    }
    if tokenize:
        result["first_tokenize_s"] = {
            key: summary([r[key] for r in samples["app"]])
            for key in ("client_connect", "first_predict", "first_total", "second_predict")
        }
        result["first_tokenize_s"]["ratio_first_over_second_predict"] = ratio(
            result["first_tokenize_s"]["first_predict"]["median"],
            result["first_tokenize_s"]["second_predict"]["median"])
    return result


def report(res: dict) -> str:
    app, hello = res["app_startup_s"], res["hello_startup_s"]
    rows = [
        ["bare Gradio hello-world", sec(hello["median"]), sec(hello["min"]), sec(hello["max"]), "1.00x"],
        ["app (python app.py)", sec(app["median"]), sec(app["min"]), sec(app["max"]), x(res["ratio_app_over_hello"])],
    ]
    out = [table(["start until first 200 on /", "median s", "min s", "max s", "vs hello"], rows,
                 title=f"Start-up ({app['n']} runs each, alternating, after {res['config']['warmup']} warm-up round)")]
    if "first_tokenize_s" in res:
        ft = res["first_tokenize_s"]
        rows = [
            ["Client(url) connect", sec(ft["client_connect"]["median"]), sec(ft["client_connect"]["max"])],
            ["first predict /tokenize (imports transformers, loads tokenizer)", sec(ft["first_predict"]["median"]),
             sec(ft["first_predict"]["max"])],
            ["connect + first predict", sec(ft["first_total"]["median"]), sec(ft["first_total"]["max"])],
            ["second predict (warm)", sec(ft["second_predict"]["median"]), sec(ft["second_predict"]["max"])],
        ]
        warm = "warm" if res["smollm2_cache"]["was_warm"] else "warmed before timing"
        out.append(table(["first tokenize after start (SmolLM2)", "median s", "max s"], rows,
                         title=f"\nFirst tokenize after the app answered 200 (SmolLM2 tokenizer cache {warm})"))
    ph = res["phases_s"]
    rows = [[k, sec(ph["hello"][k]), sec(ph["app"][k])]
            for k in ("import_gradio", "import_app", "build", "launch", "total_in_process")]
    rows.append(["heavy modules after start", ",".join(ph["hello"]["heavy_modules"]) or "-",
                 ",".join(ph["app"]["heavy_modules"]) or "-"])
    out.append(table(["phase (one in-process run)", "hello s", "app s"], rows, title="\nStart-up phases"))
    oc = res["outside_connections"]
    if oc["bench_process"] or oc["subprocesses"]:
        out.append(f"\nRefused connections beyond 127.0.0.1: {oc}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--timeout", type=float, default=180.0, help="seconds per start-up and per tokenize call")
    p.add_argument("--no-tokenize", action="store_true", help="skip the first-tokenize measurement")
    a = p.parse_args(argv)
    warning = busy_warning()
    if warning:
        print(warning, file=sys.stderr)
    res = run(a.repeats, a.warmup, a.timeout, not a.no_tokenize, log=lambda m: print(m, file=sys.stderr))
    print(report(res))
    path = write_results("startup", res)
    print(f"\nwrote {path.relative_to(REPO)}")
    return res


if __name__ == "__main__":
    main()
