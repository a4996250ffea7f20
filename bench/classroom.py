"""A classroom on one server: N students (default 48) each looping over a mix of tab calls for T seconds.

    .venv/bin/python -m bench.classroom --students 48 --seconds 60
    .venv/bin/python -m bench.classroom --students 16 --seconds 30 --quick

The app runs as users meet it: `python app.py` in its own process on 127.0.0.1 (its own settings, the
packaged SmolLM2), each student a thread with its own raw HTTP calls (POST /gradio_api/call/<api>, then
the event stream), a random start and think time. Reported: successes, errors (by message), queue
rejections (HTTP 503 "queue is full"), p50 / p95 latency per endpoint, and the server's resident memory
every second. A load test, not a speed benchmark: its figures depend on the mix and on the machine.
"""

from __future__ import annotations

import argparse
import inspect
import json
import random
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict

from . import common

# (api, values): the calls a student makes; the rest of each API's parameters keep their defaults
MIX = [
    ("tokenize", {"text": "Tokenizers split text into pieces: run, runs, running.", "model": common.SMOLLM2}),
    ("next_token", {"prompt": "It was a dark and stormy", "model": common.SMOLLM2, "top_k": 10}),
    ("next_token", {"prompt": "The capital of France is", "model": common.SMOLLM2, "top_k": 5}),
    ("generate", {"prompt": "Once upon a time", "model": common.SMOLLM2, "strategy": "greedy", "max_new_tokens": 16}),
    ("generate", {"prompt": "My dog is", "model": common.SMOLLM2, "strategy": "top-k sampling",
                  "max_new_tokens": 16, "seed": 3}),
    ("classify", {"text": "The soup was cold and the waiter was rude.", "model": common.SMOLLM2}),
    ("fill_mask", {"text": "The woman worked as a [MASK].", "model": common.SMOLLM2, "k": 10}),
    ("attention", {"text": "The cat sat on the mat because it was tired.", "model": common.SMOLLM2, "layer": 3,
                   "head": 1}),
]


def api_parameters() -> dict[str, list]:
    """Each API's parameters in order, with their defaults, from the app's own functions."""
    from playground.ui import attention_tab, decoding_tab, next_token_tab, probes_tab, prompting_tab, tokenizer_tab

    fns = {"tokenize": tokenizer_tab.tokenize_api, "next_token": next_token_tab.next_token_api,
           "generate": decoding_tab.generate_api, "classify": prompting_tab.classify_api,
           "fill_mask": probes_tab.fill_mask_api, "attention": attention_tab.attention_api}
    return {name: list(inspect.signature(fn).parameters.values())[1:] for name, fn in fns.items()}


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.rejected = 0

    def ok(self, api: str, seconds: float) -> None:
        with self.lock:
            self.latency[api].append(seconds)

    def error(self, api: str, message: str) -> None:
        with self.lock:
            self.errors[f"{api}: {message[:100]}"] += 1

    def reject(self) -> None:
        with self.lock:
            self.rejected += 1


def call(url: str, api: str, data: list, timeout: float = 300.0) -> tuple[str, str]:
    """("ok", "") or ("error", message) or ("rejected", message) for one raw HTTP call."""
    body = json.dumps({"data": data}).encode()
    req = urllib.request.Request(f"{url}/gradio_api/call/{api}", data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            event_id = json.load(resp)["event_id"]
        with urllib.request.urlopen(f"{url}/gradio_api/call/{api}/{event_id}", timeout=timeout) as resp:
            event = None
            for raw in resp:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event in ("complete", "error"):
                    return ("ok", "") if event == "complete" else ("error", line[6:])
    except urllib.error.HTTPError as exc:
        return ("rejected", f"HTTP {exc.code}") if exc.code == 503 else ("error", f"HTTP {exc.code}")
    except OSError as exc:
        return "error", f"{type(exc).__name__}: {exc}"
    return "error", "the stream ended without an answer"


def student(url: str, params: dict, tally: Tally, until: float, seed: int) -> None:
    rng = random.Random(seed)
    time.sleep(rng.uniform(0, 3))  # students do not all click at the same moment
    while time.perf_counter() < until:
        api, values = rng.choice(MIX)
        data = [values.get(p.name, p.default) for p in params[api]]
        start = time.perf_counter()
        kind, message = call(url, api, data)
        if kind == "ok":
            tally.ok(api, time.perf_counter() - start)
        elif kind == "rejected":
            tally.reject()
        else:
            tally.error(api, message)
        time.sleep(rng.uniform(0.5, 2.0))  # reading the answer


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * 4096 / 1e6
    except OSError:
        return float("nan")


def run(students: int, seconds: float) -> dict:
    port = common.free_port()
    url = f"http://127.0.0.1:{port}"
    log = common.RESULTS / "classroom-server.log"
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    proc = common.start_process([sys.executable, "app.py"], common.child_env(GRADIO_SERVER_PORT=str(port)), log)
    try:
        common.wait_for_200(url + "/", time.perf_counter(), 180, proc)
        params = api_parameters()
        for api, values in {a: v for a, v in MIX}.items():  # load the model and warm every path, untimed
            kind, message = call(url, api, [values.get(p.name, p.default) for p in params[api]])
            if kind != "ok":
                raise RuntimeError(f"warm-up of /{api} failed: {message}")
        tally, memory = Tally(), [(0.0, rss_mb(proc.pid))]
        start = time.perf_counter()
        until = start + seconds
        threads = [threading.Thread(target=student, args=(url, params, tally, until, n), daemon=True)
                   for n in range(students)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            time.sleep(1.0)
            memory.append((time.perf_counter() - start, rss_mb(proc.pid)))
        alive = common.http_status(url + "/") == 200
    finally:
        common.stop_process(proc)
    per = {api: {"n": len(v), "p50": common.percentile(v, 50), "p95": common.percentile(v, 95)}
           for api, v in sorted(tally.latency.items())}
    return {"students": students, "seconds": seconds, "successes": sum(len(v) for v in tally.latency.values()),
            "errors": dict(tally.errors), "rejected": tally.rejected, "per_endpoint": per, "memory_mb": memory,
            "alive_after": alive, "machine": common.machine_info()}


def report(res: dict) -> str:
    rows = [[f"/{api}", p["n"], common.ms(p["p50"]), common.ms(p["p95"])] for api, p in res["per_endpoint"].items()]
    mem = [m for _, m in res["memory_mb"]]
    out = [common.table(["endpoint", "answers", "p50", "p95"], rows,
                        f"{res['students']} students for {res['seconds']:.0f} s"),
           f"successes {res['successes']:,} · errors {sum(res['errors'].values()):,} · queue rejections "
           f"{res['rejected']:,} · server alive after: {res['alive_after']}",
           f"resident memory: {mem[0]:,.0f} MB at the start, {max(mem):,.0f} MB at most, {mem[-1]:,.0f} MB at the end"]
    out += [f"  error ×{n}: {message}" for message, n in sorted(res["errors"].items(), key=lambda x: -x[1])[:10]]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=[48])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--quick", action="store_true", help="16 students for 20 s")
    args = parser.parse_args()
    runs = [(16, 20.0)] if args.quick else [(n, args.seconds) for n in args.students]
    results = []
    for students, seconds in runs:
        res = run(students, seconds)
        print(report(res), flush=True)
        results.append(res)
    print(f"results: {common.write_results('classroom', {'runs': results})}")


if __name__ == "__main__":
    main()
