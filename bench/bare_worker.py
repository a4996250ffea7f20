"""The bare transformers calls in a process of their own, with no server: `python -m bench.bare_worker`.

A benchmark starts this as a subprocess and talks to it by lines of JSON: on stdin a request
{"op": name, "args": [...]}, on stdout the answer {"seconds": ..., "result": ...} (or {"error": ...}), where
`seconds` is the call's own time, taken here around the call, so it holds no pipe or JSON cost. The ops are
bench.bare.CALLS (model and tokenizer passed first), plus "prompt" (a text that tokenizes to exactly n ids)
and "info" (threads, model, versions).

The model is SmolLM2-135M-Instruct, float32 on the CPU, loaded through the app's own registry, so it is the
very model the app runs (the same converted weights, eager attention, eval mode, torch's default threads).

Where torch runs (DESIGN.md §3): with --thread main (the default) every torch call, the load included, runs
on the main thread of this process, which runs nothing else: a plain script. With --thread worker all of them
run on one worker thread and the main thread never touches torch, as in the served app, where Gradio runs
handlers in worker threads.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import bare
from .common import REPO, SMOLLM2, Elapsed, guarded_env, log_tail, stop_process

PARAGRAPH = (
    "It was a dark and stormy night; the rain fell in torrents, except at occasional intervals, when it "
    "was checked by a violent gust of wind which swept up the streets (for it is in London that our scene "
    "lies), rattling along the housetops, and fiercely agitating the scanty flame of the lamps that "
    "struggled against the darkness. Tokenizers split such text into pieces: run, runs, running, runner. "
)


def make_prompt(tok, n: int) -> str:
    """PARAGRAPH cut to `n` token ids and decoded back; checked to re-tokenize to the same ids."""
    ids = list(tok(PARAGRAPH * 2)["input_ids"])[:n]
    prompt = tok.decode(ids, skip_special_tokens=False, clean_up_tokenization_spaces=False)
    if list(tok(prompt)["input_ids"]) != ids:
        raise RuntimeError(f"the {n}-token prompt does not re-tokenize to the same {n} ids: {prompt!r}")
    return prompt


def load():
    from playground.config import Settings
    from playground.models import ModelRegistry

    registry = ModelRegistry(Settings.from_env().with_(device="cpu", dtype="float32"))
    return registry.load(SMOLLM2)


def serve(run, stdin=sys.stdin, stdout=sys.stdout) -> None:
    """Answer requests until stdin closes; `run(fn)` runs fn where torch is to run and returns its value."""
    import threading
    import time

    import torch

    loaded = run(load)
    model, tok = loaded.model, loaded.tokenizer
    ops = {
        "prompt": lambda n: make_prompt(tok, n),
        "info": lambda: {"torch_threads": torch.get_num_threads(), "device": loaded.device, "dtype": loaded.dtype,
                         "attn_implementation": loaded.attn_implementation, "model": SMOLLM2,
                         "thread": threading.current_thread().name},
    }
    ops.update({name: (lambda f: lambda *a: f(model, tok, *a))(f) for name, f in bare.CALLS.items()})
    print(json.dumps({"ready": True}), file=stdout, flush=True)
    for line in stdin:
        request = json.loads(line)

        def call(request=request):
            t = time.perf_counter()
            result = ops[request["op"]](*request.get("args", []))
            return time.perf_counter() - t, result

        try:
            seconds, result = run(call)
            answer = {"seconds": seconds, "result": result}
        except Exception as exc:  # the benchmark reports it
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(answer), file=stdout, flush=True)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--thread", choices=["main", "worker"], default="main",
                   help="where torch runs: this process's main thread, or one worker thread")
    a = p.parse_args(argv)
    answers = os.fdopen(os.dup(1), "w")  # the protocol's own copy of stdout ...
    os.dup2(2, 1)  # ... and whatever a library prints goes to stderr
    sys.stdout = sys.stderr
    if a.thread == "main":
        serve(lambda fn: fn(), stdout=answers)
    else:
        pool = ThreadPoolExecutor(1, thread_name_prefix="bare")
        serve(lambda fn: pool.submit(fn).result(), stdout=answers)


class BareProcess:
    """The driver's end: starts `python -m bench.bare_worker` (loopback guard on, output logged in tmp) and
    waits until the model is loaded. `call(op, *args)` returns (Elapsed seconds, result)."""

    def __init__(self, tmp: Path, thread: str = "main", timeout: float = 600.0):
        self.log = Path(tmp) / f"bare-worker-{thread}.log"
        with open(self.log, "wb") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "bench.bare_worker", "--thread", thread], cwd=REPO,
                                         env=guarded_env(tmp), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=err, text=True, start_new_session=True)
        self.thread = thread
        first = self.proc.stdout.readline()
        if not first or not json.loads(first).get("ready"):
            self.close()
            raise RuntimeError(f"the bare worker did not start:\n{log_tail(self.log)}")
        self.info = self.call("info")[1]

    def call(self, op: str, *args):
        self.proc.stdin.write(json.dumps({"op": op, "args": list(args)}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the bare worker died:\n{log_tail(self.log)}")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"bare {op} failed: {answer['error']}")
        return Elapsed(answer["seconds"]), answer["result"]

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except Exception:
            pass
        stop_process(self.proc)


if __name__ == "__main__":
    main()
