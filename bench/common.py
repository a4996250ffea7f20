"""What the benchmarks share: statistics, machine info, result files, tables, subprocesses that die
with their process group, waiting for an HTTP 200, servers in their own processes and the two ways
to call them (Gradio's raw HTTP protocol and gradio_client).

Nothing here imports gradio, torch or transformers at module level (startup.py stays light).
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
SMOLLM2 = "SmolLM2-135M-Instruct"
MINILM = "all-MiniLM-L6-v2"


# ---- statistics ----------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty list."""
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summary(values: list[float]) -> dict:
    """median, p90, min, max and the raw samples (seconds)."""
    return {
        "median": statistics.median(values),
        "p90": percentile(values, 90),
        "min": min(values),
        "max": max(values),
        "n": len(values),
        "samples": list(values),
    }


def ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


# ---- machine info and result files ---------------------------------------------------------------

def _pkg_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> dict:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable,
        "cpu_model": _cpu_model(),
        "gpu": "nvidia-smi present" if shutil.which("nvidia-smi") else "none (no nvidia-smi)",
        "loadavg_1_5_15": [round(v, 2) for v in os.getloadavg()],
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "versions": {
            name: _pkg_version(name)
            for name in ("torch", "transformers", "tokenizers", "gradio", "gradio_client", "huggingface_hub")
        },
        "env": {k: os.environ.get(k, "") for k in ("HF_HUB_OFFLINE", "GRADIO_ANALYTICS_ENABLED",
                                                  "HF_HUB_DISABLE_TELEMETRY", "PLAYGROUND_CACHE_DIR",
                                                  "PYTHONDONTWRITEBYTECODE")},
    }


def process_ticks(pid: int | str = "self") -> int:
    """utime + stime of a process (all its threads), in clock ticks; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def cpu_ticks(pids: tuple = ()) -> tuple[int, int, int]:
    """(all ticks, busy ticks of every process, busy ticks of this process and of `pids`) from /proc (idle
    and iowait count as not busy)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    ours = process_ticks() + sum(process_ticks(p) for p in pids)
    return sum(fields), sum(fields) - fields[3] - fields[4], ours


class CpuWatch:
    """What other processes did to the CPU while a phase ran: the share of all cores they kept busy.
    `pids`: the benchmark's own subprocesses (servers, workers), which do not count as others."""

    def __init__(self, pids: tuple = ()):
        self.pids = tuple(pids)

    def __enter__(self):
        self.before, self.t = cpu_ticks(self.pids), time.perf_counter()
        return self

    def __exit__(self, *exc):
        after = cpu_ticks(self.pids)
        self.wall_s = time.perf_counter() - self.t
        total = after[0] - self.before[0]
        others = (after[1] - self.before[1]) - (after[2] - self.before[2])
        self.others = max(0.0, others / total) if total > 0 else None


def idle_cpu(seconds: float = 2.0) -> float:
    """CPU-seconds per second this process spends doing nothing for `seconds` (its servers' idle cost)."""
    before, t = cpu_ticks()[2], time.perf_counter()
    time.sleep(seconds)
    return (cpu_ticks()[2] - before) / os.sysconf("SC_CLK_TCK") / (time.perf_counter() - t)


class Elapsed(float):
    """What a call returns when it timed itself (a call run in another process, timed there):
    round_robin records this value instead of the wall time around the call."""


def round_robin(calls: dict, reps: int, warmup: int, settle: float = 0.0) -> dict[str, list[float]]:
    """Each call once per round; the order rotates by one every round, so that no layer always follows
    the same one, and `settle` seconds before each call let what the last one left running (the server
    closing its event, the client's threads) finish untimed. A call that returns an Elapsed is recorded
    with its own figure."""
    keys = list(calls)
    times: dict[str, list[float]] = {k: [] for k in keys}
    for i in range(warmup + reps):
        for key in keys[i % len(keys):] + keys[: i % len(keys)]:
            time.sleep(settle)
            t = time.perf_counter()
            out = calls[key]()
            dt = out if isinstance(out, Elapsed) else time.perf_counter() - t
            if i >= warmup:
                times[key].append(float(dt))
    return times


def cpu_busy(seconds: float = 1.0) -> float | None:
    """The share of all cores busy over `seconds` (from /proc/stat), or None where unreadable."""
    try:
        total0, busy0, _ = cpu_ticks()
        time.sleep(seconds)
        total1, busy1, _ = cpu_ticks()
    except (OSError, ValueError, IndexError):
        return None
    total = total1 - total0
    return (busy1 - busy0) / total if total > 0 else None


def busy_warning() -> str:
    """A line to print when something else is using the CPU right before a run ('' when quiet)."""
    busy = cpu_busy()
    if busy is None or busy < 0.2:
        return ""
    return (f"WARNING: {busy:.0%} of the {os.cpu_count()} cores were busy just before the run: something "
            "else is using the CPU, so these figures are noisy.")


def write_results(name: str, payload: dict) -> Path:
    """bench/results/<name>-<UTC stamp>.json and a copy as <name>-latest.json; returns the first."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc)
    doc = {"benchmark": name, "when": now.isoformat(timespec="seconds"), "machine": machine_info(), **payload}
    text = json.dumps(doc, indent=2, default=str)
    path = RESULTS / f"{name}-{now:%Y%m%d-%H%M%S}.json"
    path.write_text(text)
    (RESULTS / f"{name}-latest.json").write_text(text)
    return path


def table(headers: list[str], rows: list[list], title: str = "") -> str:
    """A plain-text table, numbers right-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row):
        return "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths)))

    out = [title] if title else []
    out += [line(cells[0]), "  ".join("-" * w for w in widths)] + [line(r) for r in cells[1:]]
    return "\n".join(out)


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f}"


def sec(seconds: float) -> str:
    return f"{seconds:.2f}"


def x(value: float) -> str:
    return f"{value:.2f}x"


# ---- ports, HTTP, subprocesses -------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """The status of a GET, or None when nothing answers yet."""
    try:
        with _NO_PROXY.open(url, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, ConnectionError, socket.timeout, OSError):
        return None


def wait_for_200(url: str, start: float, timeout: float, proc: subprocess.Popen | None = None,
                 interval: float = 0.02) -> float:
    """Seconds from `start` (a perf_counter) until GET `url` answers 200. Raises on timeout or exit."""
    while True:
        if http_status(url) == 200:
            return time.perf_counter() - start
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the process exited with code {proc.returncode} before {url} answered 200")
        if time.perf_counter() - start > timeout:
            raise TimeoutError(f"{url} did not answer 200 within {timeout:.0f} s")
        time.sleep(interval)


def start_process(argv: list[str], env: dict, log: Path, cwd: Path = REPO) -> subprocess.Popen:
    """Start `argv` in its own process group (so stop_process can end it and all its children)."""
    fh = open(log, "wb")
    try:
        return subprocess.Popen(argv, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    finally:
        fh.close()  # the child holds its own copy


def stop_process(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM the process group, then SIGKILL it after `grace` seconds."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    try:  # children may outlive the leader
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass


def child_env(**extra: str) -> dict:
    env = dict(os.environ)
    env.update({"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
                "TRANSFORMERS_OFFLINE": "1", "GRADIO_SERVER_NAME": "127.0.0.1", "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


def guarded_env(tmp: Path, **extra: str) -> dict:
    """child_env() for a Python subprocess that installs the loopback guard before anything else runs
    (a sitecustomize.py on its PYTHONPATH); it appends any refused address to tmp/outside.log."""
    from tests.loopback_guard import LOG_ENV, sitecustomize_dir

    extra = {LOG_ENV: str(Path(tmp) / "outside.log"), **extra}
    if importlib.util.find_spec("sitecustomize") is None:  # never shadow a sitecustomize already there
        extra["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(sitecustomize_dir(tmp)), str(REPO), os.environ.get("PYTHONPATH")) if p)
    return child_env(**extra)


def refused_in_children(tmp: Path) -> list[str]:
    """The addresses beyond 127.0.0.1 that subprocesses started with guarded_env(tmp) tried to reach."""
    log = Path(tmp) / "outside.log"
    return log.read_text().splitlines() if log.exists() else []


def log_tail(path: Path, n: int = 3000) -> str:
    try:
        return Path(path).read_text(errors="replace")[-n:]
    except OSError:
        return ""


# ---- servers in their own processes, and two ways to call them ------------------------------------

class ServedProcess:
    """A Gradio server in its own process on 127.0.0.1 (argv run from `cwd`, the repo root by default;
    GRADIO_SERVER_PORT a free port), started at once; `startup_s` is the time from just before the spawn
    until GET / answered 200. Used as a context manager, it is stopped (its whole process group) on exit."""

    def __init__(self, name: str, argv: list[str], tmp: Path, timeout: float = 180.0, cwd: Path = REPO, **env: str):
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(tmp) / f"{name}-{self.port}.log"
        start = time.perf_counter()
        self.proc = start_process(argv, guarded_env(tmp, GRADIO_SERVER_PORT=str(self.port), **env), self.log, cwd)
        try:
            self.startup_s = wait_for_200(self.url + "/", start, timeout, self.proc)
        except Exception as exc:
            self.stop()
            raise RuntimeError(f"{name} did not start: {exc}\n--- its output ---\n{log_tail(self.log)}") from exc
        self.started = start

    def stop(self) -> None:
        stop_process(self.proc)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class RawApi:
    """Gradio 6's documented REST protocol, as curl speaks it: POST /gradio_api/call/<api> with
    {"data": [...]} answers {"event_id": ...}; GET /gradio_api/call/<api>/<event_id> streams server-sent
    events until `event: complete` (its `data:` line is the list of outputs) or `event: error`.

    session=False (curl's way): no session_hash, so Gradio makes a new session for every call.
    session=True: one session_hash for every call, as gradio_client and the browser do."""

    def __init__(self, url: str, session: bool = False, timeout: float = 600.0):
        import httpx

        self.http = httpx.Client(base_url=url, trust_env=False, timeout=timeout)
        self.session_hash = secrets.token_hex(6) if session else None
        self.last_bytes = 0

    def __call__(self, api: str, *data):
        body = {"data": list(data)}
        if self.session_hash:
            body["session_hash"] = self.session_hash
        r = self.http.post(f"/gradio_api/call/{api}", json=body)
        r.raise_for_status()
        event_id = r.json()["event_id"]
        event = None
        with self.http.stream("GET", f"/gradio_api/call/{api}/{event_id}") as resp:
            for line in resp.iter_lines():
                if line.startswith("event: "):
                    event = line[7:].strip()
                elif line.startswith("data: ") and event in ("complete", "error"):
                    if event == "error":
                        raise RuntimeError(f"/{api} answered an error: {line[6:500]}")
                    self.last_bytes = len(line) - 6
                    return json.loads(line[6:])[0]
        raise RuntimeError(f"the /{api} stream ended with no result")

    def close(self) -> None:
        self.http.close()


class ClientApi:
    """gradio_client.Client(url), one client (one session) for every call."""

    def __init__(self, url: str):
        from gradio_client import Client

        self.client = Client(url, verbose=False)

    def __call__(self, api: str, *data):
        return self.client.predict(*data, api_name=f"/{api}")

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:
            pass


# ---- the SmolLM2 tokenizer cache -----------------------------------------------------------------

def warm_smollm2_cache(timeout: float = 600.0, model: bool = False) -> dict:
    """Make sure SmolLM2's tokenizer (and with `model`, its weights) has been converted from GGUF into the
    playground cache (~/.cache/playground, or PLAYGROUND_CACHE_DIR), in a subprocess, before anything is
    timed. Returns {was_warm, seconds, cache_dir}."""
    part = "model" if model else "tokenizer"
    code = (
        "import json, time\n"
        "from playground.models import ModelRegistry\n"
        "r = ModelRegistry()\n"
        f"spec = r.spec({SMOLLM2!r})\n"
        f"folder = r.gguf_cache_dir(spec) / {part!r}\n"
        "was_warm = (folder / '.complete').exists()\n"
        "t = time.perf_counter()\n"
        f"r.{'load' if model else 'load_tokenizer'}({SMOLLM2!r})\n"
        "print('BENCH_JSON', json.dumps({'was_warm': was_warm, 'seconds': time.perf_counter() - t,"
        " 'cache_dir': str(folder)}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=child_env(), capture_output=True,
                         text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"warming the SmolLM2 tokenizer cache failed:\n{out.stderr[-3000:]}")
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("BENCH_JSON "))
    return json.loads(line.split(" ", 1)[1])


def load_smollm2(tag: str, log=print):
    """How every in-process latency benchmark starts: the loopback guard on, SmolLM2's tokenizer cache
    warm (in a subprocess), then SmolLM2 loaded float32 on the CPU through the app's own registry.
    Returns (outside, cache, settings, registry, loaded)."""
    from tests.loopback_guard import install as install_loopback_guard

    outside = install_loopback_guard()
    log(f"{tag}: warming the SmolLM2 tokenizer cache (GGUF -> ~/.cache/playground, once per machine)...")
    cache = warm_smollm2_cache()
    from playground.config import Settings
    from playground.models import ModelRegistry

    settings = Settings.from_env().with_(device="cpu", dtype="float32")
    registry = ModelRegistry(settings)
    log(f"{tag}: loading {SMOLLM2} (float32, CPU; converted from GGUF once per machine)...")
    return outside, cache, settings, registry, registry.load(SMOLLM2)


def finish_report(out: list[str], notes: list[str], res: dict, noisy: str = "these figures are noisy.") -> str:
    """The end every latency report shares: a warning for each phase in which other processes kept
    more than a tenth of the CPU busy, the notes, and any refused connection beyond 127.0.0.1."""
    for phase, other in res["other_cpu_share"].items():
        if other is not None and other > 0.1:
            notes.append(f"WARNING: other processes kept {other:.0%} of the CPU busy during '{phase}': {noisy}")
    out.append("\n" + "\n".join(notes))
    if res["outside_connections"]:
        out.append(f"\nRefused connections beyond 127.0.0.1: {res['outside_connections']}")
    return "\n".join(out)


def reps_main(name: str, doc: str, run, report, *, reps: int, quick_reps: int, warmup: int,
              argv: list[str] | None = None) -> dict:
    """The command line every reps-and-warm-up benchmark shares: --reps, --warmup, --quick; warns when
    the CPU is busy, runs, prints the report and writes results/<name>-<time>.json."""
    import argparse

    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("--reps", type=int, default=None, help=f"timed rounds (default {reps}; --quick: {quick_reps})")
    p.add_argument("--warmup", type=int, default=None, help=f"untimed rounds first (default {warmup})")
    p.add_argument("--quick", action="store_true", help=f"{quick_reps} reps, {warmup} warm-up round")
    a = p.parse_args(argv)
    return run_and_report(name, lambda log: run(a.reps if a.reps is not None else quick_reps if a.quick else reps,
                                                a.warmup if a.warmup is not None else warmup, log=log), report)


def run_and_report(name: str, run, report) -> dict:
    """How every benchmark's main() ends: a warning when the CPU is busy, run(log) (log lines go to stderr), the
    report printed, results/<name>-<time>.json written."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops the servers it started
    warning = busy_warning()
    if warning:
        print(warning, file=sys.stderr)
    res = run(lambda m: print(m, file=sys.stderr))
    print(report(res))
    path = write_results(name, res)
    print(f"\nwrote {path.relative_to(REPO)}")
    return res
