"""Download folders (playground/ui/downloads.py): the newest are kept, older ones removed, and a file Gradio has
served stays downloadable after its folder is gone (Gradio serves its own copy)."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import gradio as gr

from playground.ui import downloads
from tests.conftest import loopback_client


def test_the_newest_folders_are_kept_and_older_ones_removed(monkeypatch):
    monkeypatch.setattr(downloads, "KEPT", 3)
    made = [downloads.download_folder("test") for _ in range(5)]
    assert all(f.name.startswith("playground-test-") for f in made)
    assert not made[0].exists() and not made[1].exists()  # the two oldest past 3
    assert all(f.is_dir() for f in made[2:])
    (made[-1] / "a.csv").write_text("x", encoding="utf-8")
    downloads.remove_all()
    assert not any(f.exists() for f in made)


def test_a_served_file_outlives_its_folder(monkeypatch):
    monkeypatch.setattr(downloads, "KEPT", 1)
    written: list[Path] = []

    def export(text: str) -> str:
        written.append(downloads.download_folder("test") / "result.csv")
        written[-1].write_text(text, encoding="utf-8")
        return str(written[-1])

    with gr.Blocks() as demo:
        box, out = gr.Textbox(), gr.File()
        gr.Button().click(export, box, out, api_name="export")
    _, url, _ = demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    try:
        served = loopback_client(url, download_files=False).predict("a,b\n1,2\n", api_name="/export")
        downloads.download_folder("test")  # the next export removes the first one's folder
        assert not written[0].parent.exists()
        with urllib.request.urlopen(served["url"], timeout=30) as r:  # noqa: S310 (127.0.0.1 only)
            assert r.status == 200 and r.read() == b"a,b\n1,2\n"
    finally:
        demo.close()
        downloads.remove_all()
