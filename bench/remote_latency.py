"""Latency of a model behind a server, through the app's HTTP API, against the bare HTTP call to that server.

    python -m bench.remote_latency [--reps 6] [--warmup 2] [--new-tokens 8]

Three processes besides this one, each on 127.0.0.1: the inference engine (llama-cpp-python's server from
.venv-engine, serving the packaged SmolLM2-135M-Instruct GGUF, as tests/remote_engine.py starts it), the app
(`python app.py` with PLAYGROUND_REMOTE_URLS pointing at the engine) and a Gradio floor (a minimal Blocks
whose gr.api endpoints /next_token and /generate, of the same signatures, return a tiny dict at once).
Everything is called over raw HTTP with httpx (POST /gradio_api/call/<api>, then its SSE stream), not
gradio_client, whose polling alone adds about 70 ms a call.

    next token  bare   POST /v1/completions: the prompt's text with its start token, max_tokens 1,
                       temperature 0, logprobs 50 and every llama.cpp knob neutral: what the app sends
                app    the app's /next_token with remote/SmolLM2-135M-Instruct, k = 10, T = 1
    generation  bare   the same completion streamed (stream true, logprobs 10, --new-tokens tokens, greedy),
                       read to its [DONE]: what the app's Decoding tab and /generate send
                app    the app's /generate with remote/SmolLM2-135M-Instruct, strategy greedy
    both        handler  the app's own API function (next_token_api, generate_api) called in this process, with
                       its own registry pointed at the engine: the app's code without Gradio
                floor  the floor app's endpoint of the same name: Gradio's fixed cost per call
                app /tokenize  the app's /tokenize of the same prompt (the local copy of the tokenizer: under a
                       millisecond of work): what any call to the app's Blocks costs Gradio

Every call gets a prompt of its own, all of the same length ("NNN It was a dark
and stormy"), so neither the engine's reuse of the previous prompt's cache nor the app's memory of a
prompt it checked favours one layer: each app call pays the tokenize request that checks the server reads
the prompt's ids (see compute/lm/remote.py). The layers run round-robin, the order rotating by one every
round, 50 ms untimed before each call. The target: the app's code within 1.1x the bare call (handler / bare),
reported beside the app over HTTP less the Gradio floor ((app - floor) / bare; medians, and the median of the
per-round ratios) and less the app's own /tokenize ((app - app /tokenize) / bare): the floor is a Blocks with
two endpoints, and any call to the app's Blocks costs Gradio more than that (a session state with a config per
component of the app, the output walked twice), which the app's /tokenize measures. The
answers are checked once, untimed: the app's top 10 ids and log-probs are the server's own, its greedy text
the server's text.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

from .common import RawApi
from tests.remote_engine import NEUTRAL, engine_missing_reason, free_port, start_engine, stop_engine
from tests.loopback_guard import LOG_ENV, install, sitecustomize_dir

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
MODEL = "remote/SmolLM2-135M-Instruct"
BASE_PROMPT = "It was a dark and stormy"
NEXT_LOGPROBS = 50  # what compute/next_token asks a server for (MAX_K)
GEN_LOGPROBS = 10  # what compute/decoding asks per step (TOP_N)
TARGET = 1.1
# /generate's 14 knobs after (prompt, model, strategy, max_new_tokens), at their defaults: raw HTTP sends every input
GENERATE_DEFAULTS = (1.0, 0, 1.0, 1, 1, 1.0, 0, 1.0, 0.0, "", "", 0, False, False)
SETTLE_S = 0.05
START_TIMEOUT = 180.0

FLOOR_APP = textwrap.dedent('''
    import gradio as gr

    def next_token(prompt: str, model: str = "", top_k: int = 10, temperature: float = 1.0) -> dict:
        return {"top": []}

    def generate(prompt: str, model: str = "", strategy: str = "", max_new_tokens: int = 40,
                 temperature: float = 1.0, top_k: int = 0, top_p: float = 1.0, num_beams: int = 1,
                 num_return_sequences: int = 1, repetition_penalty: float = 1.0, no_repeat_ngram_size: int = 0,
                 length_penalty: float = 1.0, penalty_alpha: float = 0.0, bad_words: str = "",
                 stop_strings: str = "", seed: int = 0, do_sample: bool = False,
                 chat_template: bool = False) -> dict:
        return {"text": ""}

    with gr.Blocks() as demo:
        gr.api(next_token, api_name="next_token")
        gr.api(generate, api_name="generate")
    demo.queue(default_concurrency_limit=4, max_size=64)
    demo.launch()
''')


# ---- processes ---------------------------------------------------------------------------------------

def _env(folder: Path, port: int, **extra: str) -> dict[str, str]:
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               HF_HUB_DISABLE_TELEMETRY="1", GRADIO_SERVER_NAME="127.0.0.1", GRADIO_SERVER_PORT=str(port),
               PYTHONPATH=os.pathsep.join([str(sitecustomize_dir(folder)), str(REPO)]),
               **{LOG_ENV: str(folder / "guard.log")})
    env.update(extra)
    return env


def _spawn(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(args, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(15)


def _wait_http(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2.0, trust_env=False).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer within {START_TIMEOUT:g} s:\n{log.read_text()[-3000:]}")


# ---- calls -------------------------------------------------------------------------------------------

def gradio_call(apis: dict, base: str, api: str, *data) -> dict:
    """Gradio's raw protocol (bench.common.RawApi: POST /gradio_api/call/<api>, then its event stream), one
    client per server."""
    if base not in apis:
        apis[base] = RawApi(base)
    return apis[base](api, *data)


class Calls:
    def __init__(self, engine, app: str, floor: str, new_tokens: int):
        from playground.config import Settings
        from playground.models import ModelRegistry
        from playground.ui.common import AppContext

        self.engine, self.app, self.floor, self.new_tokens = engine, app, floor, new_tokens
        settings = Settings.from_env({"PLAYGROUND_REMOTE_URLS": engine.base_url,
                                      "PLAYGROUND_REMOTE_API_KEY": engine.api_key, "HF_HUB_OFFLINE": "1"})
        registry = ModelRegistry(settings)
        registry.refresh_remote()
        self.ctx = AppContext(settings=settings, models=registry, model=None, device=None, dtype=None)
        self.apis: dict[str, RawApi] = {}  # one raw-protocol client per Gradio server
        self.bare = httpx.Client(timeout=120.0, trust_env=False, headers={"Authorization": f"Bearer {engine.api_key}"})

    def _completion(self, prompt: str, **body) -> dict:
        payload = {"model": self.engine.model, "prompt": "<|endoftext|>" + prompt, "temperature": 0.0, **NEUTRAL, **body}
        return payload

    def bare_next(self, prompt: str) -> dict:
        r = self.bare.post(self.engine.base_url + "/completions",
                           json=self._completion(prompt, max_tokens=1, logprobs=NEXT_LOGPROBS))
        r.raise_for_status()
        return r.json()["choices"][0]

    def bare_generate(self, prompt: str) -> str:
        body = self._completion(prompt, max_tokens=self.new_tokens, logprobs=GEN_LOGPROBS, stream=True)
        text = []
        with self.bare.stream("POST", self.engine.base_url + "/completions", json=body) as resp:
            resp.raise_for_status()
            for line in resp.iter_lines():
                if line.startswith("data:"):
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    text += [c.get("text") or "" for c in json.loads(data).get("choices") or []]
        return "".join(text)

    def app_next(self, prompt: str) -> dict:
        return gradio_call(self.apis, self.app, "next_token", prompt, MODEL, 10, 1.0)

    def app_generate(self, prompt: str) -> dict:
        return gradio_call(self.apis, self.app, "generate", prompt, MODEL, "greedy", self.new_tokens,
                           *GENERATE_DEFAULTS)

    def handler_next(self, prompt: str) -> dict:
        from playground.ui.next_token_tab import next_token_api

        return next_token_api(self.ctx, prompt, MODEL, 10, 1.0)

    def handler_generate(self, prompt: str) -> dict:
        from playground.ui.decoding_tab import generate_api

        last = None
        for last in generate_api(self.ctx, prompt, MODEL, "greedy", self.new_tokens):  # progress, then the answer
            pass
        return last

    def app_tokenize(self, prompt: str) -> dict:
        return gradio_call(self.apis, self.app, "tokenize", prompt, MODEL)

    def floor_next(self, prompt: str) -> dict:
        return gradio_call(self.apis, self.floor, "next_token", prompt, MODEL, 10, 1.0)

    def floor_generate(self, prompt: str) -> dict:
        return gradio_call(self.apis, self.floor, "generate", prompt, MODEL, "greedy", self.new_tokens,
                           *GENERATE_DEFAULTS)


def check(calls: Calls) -> dict:
    """The app's answers are the server's own (untimed)."""
    prompt = f"999 {BASE_PROMPT}"
    app, bare = calls.app_next(prompt), calls.bare_next(prompt)
    expected = sorted(bare["logprobs"]["top_logprobs"][0].items(), key=lambda kv: -kv[1])[:10]
    assert [t["token"] for t in app["top"]] == [text for text, _ in expected], (app["top"], expected)
    assert max(abs(t["logprob"] - v) for t, (_, v) in zip(app["top"], expected)) < 1e-9
    assert [t["id"] for t in calls.handler_next(prompt)["top"]] == [t["id"] for t in app["top"]]
    text = calls.app_generate(prompt)["text"]
    assert text == calls.bare_generate(prompt) == calls.handler_generate(prompt)["text"], "not the server's greedy text"
    return {"top10_equal": True, "greedy_text_equal": True, "greedy_text": text}


# ---- statistics and report --------------------------------------------------------------------------------

def stats(values: list[float]) -> dict:
    xs = sorted(values)
    pos = (len(xs) - 1) * 0.9
    lo, hi = int(pos), min(int(pos) + 1, len(xs) - 1)
    return {"median": statistics.median(xs), "p90": xs[lo] + (xs[hi] - xs[lo]) * (pos - lo), "n": len(xs),
            "samples": values}


def measure(calls: Calls, reps: int, warmup: int) -> dict:
    layers = {"next token": {"bare": calls.bare_next, "handler": calls.handler_next, "app": calls.app_next,
                             "floor": calls.floor_next, "app /tokenize": calls.app_tokenize},
              "generation": {"bare": calls.bare_generate, "handler": calls.handler_generate, "app": calls.app_generate,
                             "floor": calls.floor_generate, "app /tokenize": calls.app_tokenize}}
    times = {task: {layer: [] for layer in fns} for task, fns in layers.items()}
    order = [(task, layer) for task, fns in layers.items() for layer in fns]
    n = 0
    for rnd in range(warmup + reps):
        for task, layer in order[rnd % len(order):] + order[: rnd % len(order)]:
            n += 1
            prompt = f"{n % 1000:03d} {BASE_PROMPT}"  # a prompt of its own, the same length (see the docstring)
            time.sleep(SETTLE_S)
            start = time.perf_counter()
            layers[task][layer](prompt)
            if rnd >= warmup:
                times[task][layer].append(time.perf_counter() - start)
    out = {}
    for task, by in times.items():
        paired = [(a - f) / b for a, f, b in zip(by["app"], by["floor"], by["bare"])]
        med = {layer: statistics.median(v) for layer, v in by.items()}
        out[task] = {"layers": {layer: stats(v) for layer, v in by.items()},
                     "handler / bare": med["handler"] / med["bare"],
                     "handler / bare, paired": statistics.median(h / b for h, b in zip(by["handler"], by["bare"])),
                     "app / bare": med["app"] / med["bare"],
                     "(app - floor) / bare": (med["app"] - med["floor"]) / med["bare"],
                     "(app - floor) / bare, paired": statistics.median(paired),
                     "(app - app /tokenize) / bare": (med["app"] - med["app /tokenize"]) / med["bare"],
                     "within target": med["handler"] / med["bare"] <= TARGET}
    return out


def report(results: dict, new_tokens: int) -> str:
    lines = [f"{'task':<12} {'layer':<14} {'median ms':>10} {'p90 ms':>8}"]
    for task, r in results.items():
        for layer, s in r["layers"].items():
            lines.append(f"{task:<12} {layer:<14} {1000 * s['median']:>10.1f} {1000 * s['p90']:>8.1f}")
        lines.append(f"{task:<12} handler / bare {r['handler / bare']:.3f}x (paired {r['handler / bare, paired']:.3f}x; "
                     f"target {TARGET}x: {'met' if r['within target'] else 'NOT met'}) · app / bare "
                     f"{r['app / bare']:.3f}x · (app - floor) / bare {r['(app - floor) / bare']:.3f}x "
                     f"(paired {r['(app - floor) / bare, paired']:.3f}x) · (app - app /tokenize) / bare "
                     f"{r['(app - app /tokenize) / bare']:.3f}x")
    lines.append(f"(generation: {new_tokens} new tokens, greedy, streamed with {GEN_LOGPROBS} alternatives a step)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=6)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--new-tokens", type=int, default=8)
    args = parser.parse_args(argv)
    missing = engine_missing_reason()
    if missing:
        print(f"remote_latency: cannot run: {missing}", file=sys.stderr)
        return 2
    install()
    folder = Path(tempfile.mkdtemp(prefix="remote-latency-"))
    engine = start_engine(folder / "engine")
    processes = []
    try:
        app_port, floor_port = free_port(), free_port()
        app = _spawn([sys.executable, "app.py"], _env(folder, app_port, PLAYGROUND_REMOTE_URLS=engine.base_url,
                                                      PLAYGROUND_REMOTE_API_KEY=engine.api_key), folder / "app.log")
        processes.append(app)
        (folder / "floor.py").write_text(FLOOR_APP)
        floor = _spawn([sys.executable, str(folder / "floor.py")], _env(folder, floor_port), folder / "floor.log")
        processes.append(floor)
        app_url, floor_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{floor_port}"
        _wait_http(app_url + "/", app, folder / "app.log")
        _wait_http(floor_url + "/", floor, folder / "floor.log")
        calls = Calls(engine, app_url, floor_url, args.new_tokens)
        checked = check(calls)
        started = datetime.now(timezone.utc)
        results = measure(calls, args.reps, args.warmup)
    finally:
        for process in processes:
            _stop(process)
        stop_engine(engine)
    guard = folder / "guard.log"
    outside = guard.read_text() if guard.exists() else ""
    if outside:
        raise RuntimeError(f"a process tried to connect beyond 127.0.0.1: {outside}")
    print(report(results, args.new_tokens))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    data = {"benchmark": "remote_latency", "started": started.isoformat(), "args": vars(args), "check": checked,
            "target": TARGET, "results": results,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()}}
    for name in (f"remote_latency-{stamp}.json", "remote_latency-latest.json"):
        (RESULTS / name).write_text(json.dumps(data, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
