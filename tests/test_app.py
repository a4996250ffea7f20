"""app.py builds `demo` at import without loading any model (not even importing torch) or going online."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.loopback_guard import OUTSIDE_CONNECTIONS, sitecustomize_dir

ROOT = Path(__file__).resolve().parents[1]


def test_importing_app_loads_no_model_and_connects_nowhere(tmp_path):
    code = (
        "import json, sys, app; "
        "print(json.dumps({'torch': 'torch' in sys.modules, 'loaded': app.models.loaded(), "
        "'demo': type(app.demo).__name__}))"
    )
    log = tmp_path / "outside.log"
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1",
           "PLAYGROUND_GUARD_LOG": str(log),
           "PYTHONPATH": os.pathsep.join([str(sitecustomize_dir(tmp_path)), str(ROOT)])}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    state = json.loads(out.stdout.strip().splitlines()[-1])
    assert state == {"torch": False, "loaded": [], "demo": "Blocks"}
    assert not log.exists(), log.read_text()


def test_the_guard_refuses_outside_addresses_and_allows_loopback():
    before = len(OUTSIDE_CONNECTIONS)
    with socket.socket() as s, pytest.raises(OSError, match="loopback guard"):
        s.connect(("192.0.2.1", 443))  # TEST-NET-1: refused before any packet leaves
    assert OUTSIDE_CONNECTIONS[before:] == ["('192.0.2.1', 443)"]
    del OUTSIDE_CONNECTIONS[before:]  # provoked on purpose; the session check must stay clean
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        with socket.socket() as s:
            s.connect(srv.getsockname())
