"""A loopback-only socket guard for tests and benchmarks (stdlib only; not part of the app).

install() patches socket.socket.connect / connect_ex so that any connection beyond the loopback
interface is refused with OSError and recorded in OUTSIDE_CONNECTIONS (and appended to a log file,
for subprocesses whose parent reads the record afterwards). Idempotent.

For a subprocess, put sitecustomize_dir(tmp) and the repository root first on its PYTHONPATH and
set PLAYGROUND_GUARD_LOG: its sitecustomize installs the same guard before anything else runs.
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

OUTSIDE_CONNECTIONS: list[str] = []
LOG_ENV = "PLAYGROUND_GUARD_LOG"


def is_local(address) -> bool:
    if not isinstance(address, tuple):  # an AF_UNIX path
        return True
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def install(log_path: str | None = None) -> list[str]:
    """Refuse and record connections beyond 127.0.0.1 in this process; returns the record."""
    if getattr(socket.socket.connect, "_loopback_guard", False):
        return OUTSIDE_CONNECTIONS

    def guarded(real):
        def connect(self, address):
            if not is_local(address):
                OUTSIDE_CONNECTIONS.append(repr(address))
                if log_path:
                    with open(log_path, "a") as fh:
                        fh.write(repr(address) + "\n")
                raise OSError(f"loopback guard: connection to {address!r} refused (only 127.0.0.1 allowed)")
            return real(self, address)

        connect._loopback_guard = True
        return connect

    socket.socket.connect = guarded(socket.socket.connect)
    socket.socket.connect_ex = guarded(socket.socket.connect_ex)
    return OUTSIDE_CONNECTIONS


def sitecustomize_dir(tmp: Path) -> Path:
    """A folder whose sitecustomize.py installs this guard in any Python started with it on PYTHONPATH."""
    folder = Path(tmp) / "guard"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(
        "import os\nfrom tests.loopback_guard import LOG_ENV, install\ninstall(os.environ.get(LOG_ENV))\n"
    )
    return folder
