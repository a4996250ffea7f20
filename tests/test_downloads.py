"""Download folders (playground/ui/downloads.py): the newest are kept, older ones removed, and a file Gradio has
served stays downloadable after its folder is gone (Gradio serves its own copy)."""

from __future__ import annotations

import json

import gradio as gr
import httpx

from playground.ui import downloads


def test_the_newest_folders_are_kept_and_older_ones_removed(monkeypatch):
    monkeypatch.setattr(downloads, "KEPT", 3)
    made = [downloads.download_folder("test") for _ in range(5)]
    assert all(f.name.startswith("playground-test-") for f in made)
    assert not made[0].exists() and not made[1].exists()  # the two oldest past 3
    assert all(f.is_dir() for f in made[2:]) and downloads.kept()[-3:] == made[2:]
    (made[-1] / "a.csv").write_text("x", encoding="utf-8")
    downloads.remove_all()
    assert not any(f.exists() for f in made) and downloads.kept() == []


def test_a_served_file_outlives_its_folder(monkeypatch):
    monkeypatch.setattr(downloads, "KEPT", 1)

    def export(text: str) -> str:
        path = downloads.download_folder("test") / "result.csv"
        path.write_text(text, encoding="utf-8")
        return str(path)

    with gr.Blocks() as demo:
        box, out = gr.Textbox(), gr.File()
        gr.Button().click(export, box, out, api_name="export")
    _, url, _ = demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    try:
        with httpx.Client(base_url=url.rstrip("/"), timeout=30, trust_env=False) as http:
            event = http.post("/gradio_api/call/export", json={"data": ["a,b\n1,2\n"]}).json()["event_id"]
            stream = http.get(f"/gradio_api/call/export/{event}").text
            data = json.loads(next(line[6:] for line in stream.splitlines() if line.startswith("data: [")))
            written = downloads.kept()[-1]
            downloads.download_folder("test")  # the next export removes the first one's folder
            assert not written.exists()
            served = http.get(data[0]["url"])
            assert served.status_code == 200 and served.text == "a,b\n1,2\n"
    finally:
        demo.close()
        downloads.remove_all()
