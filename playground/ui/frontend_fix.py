"""One fix to Gradio's front end, served in place of its asset: the status tracker's never-ending frame loop.

Gradio's status tracker counts the seconds of a pending event in a requestAnimationFrame loop (the function that
sets the elapsed time and calls itself again while the tracker's timer flag is set, in assets/statustracker-*.js).
The flag is cleared only when the status leaves "pending". The tracker of the page's own loading goes "pending"
while the page loads and is destroyed still pending, so its loop never stops: it runs at the screen's frame rate
for as long as the tab stays open, on every Gradio 6.31 page (measured in headless Chromium, Chromium's CPU over
10 s of an idle tab of a bare gr.Blocks app with one textbox: 0.062 of a core; 0.005 with this middleware). On a lecture laptop with a few tabs open that is a steady share of a core, and a fan.

The fix adds one condition to the loop: it goes on only while the tracker's element is still in the page (Svelte
sets a bind:this variable to null when its component is destroyed). The timer of a running event, whose tracker is
mounted, ticks as before. It is a text substitution on the pinned Gradio's minified asset, so it is exact for that
build only: on any other build the asset is served unchanged and a warning says so at each launch, and
tests/test_frontend_fix.py fails, so an upgrade of Gradio re-checks it (and drops this module once upstream stops
the loop on destroy). The substituted asset is served by an ASGI middleware that every launcher gets through
shell.launch_options() (launch(app_kwargs=...)). Under Gradio's server-side rendering (GRADIO_SSR_MODE, off by
default) a Node server serves the assets and the fix does not apply.
"""

from __future__ import annotations

import logging
from pathlib import Path

# The loop as Gradio 6.31.0 builds it (statustracker-DQF-KcRT.js): `W` is the timer flag, `U` the bound element.
LOOP = "F(Pe,(performance.now()-w(de))/1e3),W&&ze()"
FIXED = "F(Pe,(performance.now()-w(de))/1e3),W&&U&&ze()"
ASSET_GLOB = "statustracker-*.js"

log = logging.getLogger("playground")


def gradio_assets() -> Path:
    from gradio.route_utils import BUILD_PATH_LIB

    return Path(BUILD_PATH_LIB)


def fixed_assets(folder: Path | None = None) -> dict[str, bytes]:
    """{asset file name: its fixed text} for every status-tracker asset that holds the loop exactly once; empty
    (and a warning) when none does, that is on a Gradio build this fix was not written for."""
    folder = folder or gradio_assets()
    fixed = {}
    for path in sorted(folder.glob(ASSET_GLOB)):
        text = path.read_text(encoding="utf-8")
        if text.count(LOOP) == 1:
            fixed[path.name] = text.replace(LOOP, FIXED).encode("utf-8")
    if not fixed:
        log.warning("the status-tracker frame-loop fix does not match this Gradio build (%s): served unchanged",
                    folder)
    return fixed


class StatusTrackerFix:
    """ASGI middleware: answers GET /assets/<a fixed asset> (under any root path) with the fixed text; every other
    request passes through untouched. The fixed texts are read once, when the app is built."""

    def __init__(self, app, assets: dict[str, bytes] | None = None) -> None:
        self.app = app
        self.assets = fixed_assets() if assets is None else assets

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD") and self.assets:
            head, _, name = scope.get("path", "").rpartition("/")
            body = self.assets.get(name) if head.endswith("/assets") else None
            if body is not None:
                await send({"type": "http.response.start", "status": 200, "headers": [
                    (b"content-type", b"text/javascript; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"cache-control", b"no-cache"),
                ]})
                await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
                return
        await self.app(scope, receive, send)
