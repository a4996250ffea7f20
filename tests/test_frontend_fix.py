"""The status tracker's frame-loop fix (playground/ui/frontend_fix.py): it matches the pinned Gradio's asset, the app
serves the fixed text, and on another build nothing is changed. The browser side (an idle page requests no
animation frames; a running event's timer still ticks) is in tests/browser/test_idle_page_browser.py."""

from __future__ import annotations

import asyncio
import logging
import threading
import urllib.request

from playground.ui.frontend_fix import FIXED, LOOP, StatusTrackerFix, fixed_assets, gradio_assets


def test_the_fix_matches_the_pinned_gradio_build():
    """If this fails after a Gradio upgrade: look at the new statustracker-*.js. If its elapsed-time loop now stops
    when the tracker is destroyed, delete frontend_fix.py; if not, write LOOP/FIXED for the new build."""
    fixed = fixed_assets()
    assert len(fixed) == 1, f"expected one status-tracker asset holding the loop in {gradio_assets()}: {list(fixed)}"
    (name, body), = fixed.items()
    original = (gradio_assets() / name).read_text(encoding="utf-8")
    text = body.decode("utf-8")
    assert text.count(FIXED) == 1 and LOOP not in text
    # one condition added, nothing else touched
    assert len(text) == len(original) + len("U&&") and text.replace(FIXED, LOOP) == original


def test_another_build_is_served_unchanged_with_a_warning(tmp_path, caplog):
    (tmp_path / "statustracker-XXXX.js").write_text("function ze(){me(()=>{W&&ze()})}", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="playground"):
        assert fixed_assets(tmp_path) == {}
    assert "does not match this Gradio build" in caplog.text


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as r:  # noqa: S310 (127.0.0.1 only)
        return r.read()


def test_the_app_serves_the_fixed_asset_and_the_others_untouched(live_app):
    (name, body), = fixed_assets().items()
    assert _get(f"{live_app}/assets/{name}") == body
    other = next(p for p in sorted(gradio_assets().glob("*.js")) if not p.name.startswith("statustracker-"))
    assert _get(f"{live_app}/assets/{other.name}") == other.read_bytes()


def test_the_middleware_passes_every_other_request_through():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["path"])

    fix = StatusTrackerFix(app, assets={"statustracker-X.js": b"fixed"})
    sent = []

    async def send(message):
        sent.append(message)

    async def run():
        for path, method in [("/assets/other.js", "GET"), ("/statustracker-X.js", "GET"),
                             ("/assets/statustracker-X.js", "POST"), ("/gradio_api/assets/statustracker-X.js", "GET")]:
            await fix({"type": "http", "method": method, "path": path}, None, send)

    # in a thread of its own: a worker that ran the app's tests before may have an event loop running in this one
    worker = threading.Thread(target=asyncio.run, args=(run(),))
    worker.start()
    worker.join(timeout=30)
    assert seen == ["/assets/other.js", "/statustracker-X.js", "/assets/statustracker-X.js"]
    assert [m.get("body") for m in sent if m["type"] == "http.response.body"] == [b"fixed"]
