"""`python scripts/install.py PYTHON ARGS…`: `pip install ARGS…` into PYTHON's environment, through uv.

uv (requirements-setup.txt, installed into the environment by its own pip first) installs a warm cache in
seconds: pip unpacks and copies every wheel again (the app's ~110 packages: about 50 s on 2 cores), uv
links them from its cache. uv reads no pip configuration, so the indexes, find-links and constraints pip is
configured with (`pip config list`: pip.conf and PIP_* variables) are handed to it, with pip's rule for several
indexes (the best version among all of them); with none, both use PyPI. Where uv cannot be installed (no
registry and no cache) or fails, pip installs, with the same pins; PLAYGROUND_INSTALLER=pip asks for pip (the
Makefile's test engine does: its llama-cpp-python wheel was built once into pip's cache, and uv would build it
again).
Neither byte-compiles: Python compiles the ~4,000 modules that are imported, on first import (see Makefile).
"""

from __future__ import annotations

import ast
import os
import shlex
import subprocess
import sys
from pathlib import Path

SETUP = Path(__file__).resolve().parents[1] / "requirements-setup.txt"
PIP = ["-m", "pip", "--disable-pip-version-check"]
# pip's configuration key -> uv's flag (each value of pip's may list several, whitespace-separated)
FLAGS = {"index-url": "--index-url", "extra-index-url": "--extra-index-url", "find-links": "--find-links",
         "constraint": "--constraint"}


def pip_config(python: str) -> dict[str, list[str]]:
    """pip's index settings from every scope it reads (`global.`, `install.`, `:env:.`)."""
    out = subprocess.run([python, *PIP, "config", "list"], capture_output=True, text=True).stdout
    found: dict[str, list[str]] = {}
    for line in out.splitlines():
        key, sep, value = line.partition("=")
        name = key.rsplit(".", 1)[-1]
        if not sep or name not in FLAGS:
            continue
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            pass
        for item in str(value).split():
            if item not in found.setdefault(name, []):
                found[name].append(item)
    return found


def uv_args(python: str) -> list[str]:
    config = pip_config(python)
    args = ["--index-strategy", "unsafe-best-match"]
    for name, values in config.items():
        values = values[-1:] if name == "index-url" else values  # one main index, as in pip
        for value in values:
            args += [FLAGS[name], value]
    return args


def uv_of(python: str) -> Path | None:
    uv = Path(python).parent / "uv"
    if not uv.exists():
        got = subprocess.run([python, *PIP, "install", "-q", "--no-compile", "-r", str(SETUP)],
                             capture_output=True, text=True)
        if got.returncode != 0:
            print("install: uv is not to be had here; pip installs instead", file=sys.stderr)
            return None
    return uv if uv.exists() else None


def main(argv: list[str]) -> int:
    python, args = argv[0], argv[1:]
    uv = None if os.environ.get("PLAYGROUND_INSTALLER") == "pip" else uv_of(python)
    if uv is not None:
        command = [str(uv), "pip", "install", "--quiet", "--python", python, *uv_args(python), *args]
        if subprocess.run(command).returncode == 0:
            return 0
        print(f"install: uv failed ({shlex.join(command)}); pip installs instead", file=sys.stderr)
    return subprocess.run([python, *PIP, "install", "-q", "--no-compile", *args]).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
