"""Folders for the files a handler hands out for download (an exported result, a lecture deck, a probe's tables).

A handler writes its files into a fresh folder and returns their paths; before the reply is sent Gradio copies
each returned file into its own cache (processing_utils.save_file_to_cache) and serves that copy. So a folder is
needed only until its handler's reply is built. They used to be plain `tempfile.mkdtemp()` folders that nothing
removed: a server that runs for weeks (a Space, a lecture laptop) kept one per export. Now the process keeps
the newest KEPT folders and removes older ones as new ones are made, and removes the rest when it exits.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from collections import deque
from pathlib import Path

# Far more than the downloads that can be in flight at once (the app's queue runs at most 4 events of one listener
# at a time): a folder is removed only after KEPT later ones have been made.
KEPT = 64

_lock = threading.Lock()
_folders: deque[Path] = deque()


def download_folder(kind: str) -> Path:
    """A fresh, empty folder named playground-<kind>-… in the system's temporary directory; the oldest folder
    past KEPT is removed."""
    folder = Path(tempfile.mkdtemp(prefix=f"playground-{kind}-"))
    with _lock:
        _folders.append(folder)
        old = [_folders.popleft() for _ in range(len(_folders) - KEPT)]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)
    return folder


@atexit.register
def remove_all() -> None:
    """Remove every download folder this process made (at exit)."""
    with _lock:
        folders = list(_folders)
        _folders.clear()
    for path in folders:
        shutil.rmtree(path, ignore_errors=True)
