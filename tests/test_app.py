"""app.py builds `demo` at import without loading any model (not even importing torch)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_importing_app_loads_no_model():
    code = (
        "import json, sys, app; "
        "print(json.dumps({'torch': 'torch' in sys.modules, 'loaded': app.models.loaded(), "
        "'demo': type(app.demo).__name__}))"
    )
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    state = json.loads(out.stdout.strip().splitlines()[-1])
    assert state == {"torch": False, "loaded": [], "demo": "Blocks"}
