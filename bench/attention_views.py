"""Attention tab: bertviz head-view payload and time until drawn (ours vs unmodified bertviz) at several
sizes, and the attention API's compute against the bare forward pass with output_attentions=True.

    python -m bench.attention_views [--tokens 16 32 64 128] [--reps 3] [--api-tokens 32 128]
                                    [--api-reps 7] [--timeout 120]

Payload: the bytes of the HTML each one hands the browser for SmolLM2 (30 layers x 9 heads) at each of
`--tokens` tokens. Unmodified bertviz is head_view(..., html_action='return'); its three CDN scripts
are answered from assets/vendor/ by Playwright (no network), so both draw with the same libraries
(bertviz asks for jQuery 2.0.0 and gets the vendored 2.1.0, as ours does).
Time until drawn: the same init script runs in both pages and polls (setTimeout, 20 ms) for an SVG
in the bertviz div holding a line, rect or text; bertviz's renderVis draws the whole SVG in one
synchronous call, so the first poll that sees it runs after the head view is completely drawn. It
then stores performance.now() (ms since navigation start) on body[data-bench-drawn-ms]: the same
condition and clock as ours' own body[data-drawn-ms]. Median of `--reps` loads per page and size,
alternating, after one untimed warm-up load. An unmodified load that has not drawn within `--timeout`
seconds is recorded as not drawn, Chromium is restarted, and no further unmodified load is tried at
that size. API: attention.attention() + as_json(layer, head) (what /attention runs, without HTTP)
against model(ids, output_attentions=True) on the same ids, interleaved, median of `--api-reps` at each
of `--api-tokens`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, load_smollm2, ratio, round_robin, table, write_results

VENDOR = REPO / "assets" / "vendor"
CDN = {"require.min.js": "require-2.3.6.js", "d3.min.js": "d3-5.7.0.min.js", "jquery.min.js": "jquery-2.1.0.min.js"}
TOKENS = (16, 32, 64, 128)
API_TOKENS = (32, 128)
UNMODIFIED, OURS = "unmodified bertviz", "ours"

# Runs in every document before its own scripts: the same "drawn" marker for both pages.
_MARK_JS = """
(function () {
  function check() {
    const svg = document.querySelector('div[id^="bertviz-"] svg');
    if (document.body && svg && svg.querySelector('line, rect, text')) {
      document.body.dataset.benchDrawnMs = String(performance.now());
    } else { setTimeout(check, 20); }
  }
  setTimeout(check, 0);
})();
"""


def _text(tokenizer, n: int) -> str:
    words = ("The quick brown fox jumps over the lazy dog while the cat sleeps on a warm mat near the door "
             "and rain falls softly on the roof of the old house by the river. ").split()
    out = []
    while len(tokenizer(" ".join(out))["input_ids"]) < n:
        out.append(words[len(out) % len(words)])
    while len(tokenizer(" ".join(out))["input_ids"]) > n:
        out.pop()
    return " ".join(out)


class _Browser:
    """Chromium with the CDN scripts answered from assets/vendor/ and everything else refused."""

    def __init__(self, playwright):
        self.pw, self.outside, self.served, self.errors, self.browser = playwright, [], [], [], None
        self.start()

    def start(self):
        self.browser = self.pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--host-resolver-rules=MAP * ~NOTFOUND"])  # no DNS either, should a request slip past
        self.page = self.browser.new_page(viewport={"width": 1200, "height": 900})
        self.page.add_init_script(_MARK_JS)
        # a predicate, not the glob "http*://**": Playwright 1.65's glob never matched, so the CDN scripts
        # went unanswered and the unmodified page never drew (require is not defined)
        self.page.route(lambda url: url.startswith(("http://", "https://")), self._route)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, r):
        name = r.request.url.rsplit("/", 1)[-1]
        if name in CDN:
            self.served.append(name)
            r.fulfill(body=(VENDOR / CDN[name]).read_bytes(), content_type="application/javascript")
        else:
            self.outside.append(r.request.url)
            r.abort()

    def restart(self):
        try:
            self.browser.close()
        except Exception:  # noqa: BLE001 - a renderer still busy with a huge page
            pass
        self.start()

    def load(self, path: Path, timeout_s: float) -> dict | None:
        """{'drawn_ms' (navigation start -> drawn, in the page), 'wall_s', 'own_drawn_ms'}, or None on timeout."""
        self.page.goto("about:blank")
        t = time.perf_counter()
        try:
            self.page.goto(path.as_uri(), wait_until="commit", timeout=timeout_s * 1000)
            self.page.wait_for_function("document.body && document.body.dataset.benchDrawnMs", polling=20,
                                        timeout=max(1.0, timeout_s - (time.perf_counter() - t)) * 1000)
        except Exception as exc:  # noqa: BLE001 - playwright's TimeoutError
            if "Timeout" not in type(exc).__name__ and "imeout" not in str(exc):
                raise
            return None
        wall = time.perf_counter() - t
        marks = self.page.evaluate("[document.body.dataset.benchDrawnMs, document.body.dataset.drawnMs || null]")
        return {"drawn_ms": float(marks[0]), "wall_s": wall,
                "own_drawn_ms": float(marks[1]) if marks[1] is not None else None}


def _draw_times(files: dict[int, dict[str, Path]], reps: int, timeout_s: float, log) -> dict:
    from playwright.sync_api import sync_playwright

    out = {n: {k: {"loads": [], "timed_out_after_s": None} for k in pages} for n, pages in files.items()}
    with sync_playwright() as p:
        b = _Browser(p)
        first = min(files)
        b.load(files[first][OURS], timeout_s)  # warms Chromium up, untimed
        b.load(files[first][UNMODIFIED], timeout_s)
        for n, pages in files.items():
            for i in range(reps):
                for key in (pages if i % 2 == 0 else list(pages)[::-1]):
                    rec = out[n][key]
                    if rec["timed_out_after_s"] is not None:
                        continue
                    got = b.load(pages[key], timeout_s)
                    if got is None:
                        rec["timed_out_after_s"] = timeout_s
                        log(f"  {n} tokens, {key}: not drawn within {timeout_s:.0f} s; restarting Chromium")
                        b.restart()
                        continue
                    rec["loads"].append(got)
                    log(f"  {n} tokens, {key}: drawn at {got['drawn_ms']:,.0f} ms (wall {got['wall_s']:.2f} s)")
        outside, served, errors = list(b.outside), sorted(set(b.served)), list(b.errors)
        b.browser.close()
    if outside:
        raise RuntimeError(f"requests that were not the CDN scripts: {outside}")
    if errors:
        raise RuntimeError(f"errors in the pages: {errors[:5]}")
    if served != sorted(CDN):
        raise RuntimeError(f"the unmodified page's CDN scripts were not all answered locally: {served}")
    for pages in out.values():
        for rec in pages.values():
            ms = [ld["drawn_ms"] for ld in rec["loads"]]
            rec["median_ms"] = statistics.median(ms) if ms else None
            rec["drawn"] = rec["timed_out_after_s"] is None and bool(ms)
    return out


def run(tokens=TOKENS, reps: int = 3, log=print, api_tokens=API_TOKENS, api_reps: int | None = None,
        timeout_s: float = 120.0) -> dict:
    """tokens: one size or several. run_all calls run(tokens=128, reps=2 or 5, log=log)."""
    import torch
    from bertviz import head_view

    from playground.compute import attention as att
    from playground.views import bertviz

    sizes = [tokens] if isinstance(tokens, int) else list(tokens)
    api_sizes = [api_tokens] if isinstance(api_tokens, int) else list(api_tokens)
    api_reps = max(5, reps) if api_reps is None else api_reps
    outside, _, _, _, smol = load_smollm2("attention", log)
    folder = Path(tempfile.mkdtemp(prefix="pg-bench-attention-"))
    views, files, shape = {}, {}, None
    for n in sizes:
        text = _text(smol.tokenizer, n)
        result = att.attention(smol, text, max_tokens=att.MAX_TOKENS)
        shape = (result.num_layers, result.num_heads)
        t = time.perf_counter()
        original = head_view([torch.from_numpy(result.weights[i])[None] for i in range(result.num_layers)],
                             list(result.tokens), html_action="return").data
        original_build = time.perf_counter() - t
        t = time.perf_counter()
        ours = bertviz.head_view_document(result, layer=0)
        ours_build = time.perf_counter() - t
        pages = {UNMODIFIED: f"<!doctype html><html><body>{original}</body></html>", OURS: ours}
        files[len(result.tokens)] = {}
        for key, doc in pages.items():  # big pages load from a file: set_content chokes on 90 MB
            path = folder / f"{len(result.tokens)}-{'ours' if key == OURS else 'unmodified'}.html"
            path.write_text(doc, encoding="utf-8")
            files[len(result.tokens)][key] = path
        views[len(result.tokens)] = {
            "payload_bytes": {UNMODIFIED: len(original.encode()), OURS: len(ours.encode())},
            "build_s": {UNMODIFIED: original_build, OURS: ours_build},
        }
        log(f"attention: {len(result.tokens)} tokens, {shape[0]} layers x {shape[1]} heads; payload "
            f"{len(original.encode()) / 1e6:,.2f} MB unmodified, {len(ours.encode()) / 1e6:,.2f} MB ours")
    try:
        draw = _draw_times(files, reps, timeout_s, log)
    finally:
        for pages in files.values():
            for path in pages.values():
                path.unlink(missing_ok=True)
        folder.rmdir()
    for n, v in views.items():
        v["draw"] = draw[n]
        u, o = draw[n][UNMODIFIED]["median_ms"], draw[n][OURS]["median_ms"]
        v["draw_ratio"] = ratio(u, o) if draw[n][UNMODIFIED]["drawn"] and o else None

    api = {}
    for n in api_sizes:
        text = _text(smol.tokenizer, n)
        ids = torch.tensor([smol.tokenizer(text)["input_ids"]])

        def bare(ids=ids):
            with torch.inference_mode():
                smol.model(input_ids=ids, attention_mask=torch.ones_like(ids), output_attentions=True,
                           use_cache=False)

        def call(text=text):
            att.attention(smol, text, max_tokens=att.MAX_TOKENS).as_json(3, 4)

        lat = round_robin({"bare forward": bare, "attention API": call}, reps=api_reps, warmup=1)
        med = {k: statistics.median(v) for k, v in lat.items()}
        api[int(ids.shape[1])] = {"median_s": med, "samples_s": lat,
                                  "ratio": ratio(med["attention API"], med["bare forward"])}
        log(f"  API {ids.shape[1]} tokens: " + ", ".join(f"{k} {v * 1e3:.0f} ms" for k, v in med.items()))
    return {
        "layers": shape[0], "heads": shape[1], "reps": reps, "api_reps": api_reps, "timeout_s": timeout_s,
        "ours_libraries_inlined_bytes": bertviz.library_bytes(), "views": views, "api": api,
        "loadavg_after": [round(v, 2) for v in os.getloadavg()], "outside_connections": list(outside),
    }


def _ms(rec: dict) -> str:
    if not rec["drawn"]:
        done = f" ({len(rec['loads'])} drawn before)" if rec["loads"] else ""
        return f"not drawn within {rec['timed_out_after_s']:.0f} s{done}"
    return f"{rec['median_ms']:,.0f}"


def report(res: dict) -> str:
    rows = []
    for n, v in sorted(res["views"].items(), key=lambda kv: int(kv[0])):
        p, d = v["payload_bytes"], v["draw"]
        rows.append([n, f"{p[OURS] / 1e6:,.2f}", f"{p[UNMODIFIED] / 1e6:,.2f}", f"{p[UNMODIFIED] / p[OURS]:.1f}x",
                     _ms(d[OURS]), _ms(d[UNMODIFIED]),
                     f"{v['draw_ratio']:.1f}x" if v["draw_ratio"] else "-"])
    out = [table(["tokens", "MB ours", "MB unmodified", "bytes unmod./ours", "drawn ms ours",
                  "drawn ms unmodified", "drawn unmod./ours"], rows,
                 title=f"\nbertviz head view, SmolLM2 {res['layers']} layers x {res['heads']} heads "
                       f"(median of {res['reps']} loads; ms from navigation start)")]
    out.append(f"(ours includes {res['ours_libraries_inlined_bytes'] / 1e3:,.0f} kB of inlined d3, jQuery and "
               "require.js; unmodified bertviz loads them from cdnjs, answered locally here)")
    rows = [[n, f"{a['median_s']['bare forward'] * 1e3:,.0f}", f"{a['median_s']['attention API'] * 1e3:,.0f}",
             f"{a['ratio']:.2f}x"] for n, a in sorted(res["api"].items(), key=lambda kv: int(kv[0]))]
    out.append(table(["tokens", "bare forward ms", "attention() + as_json ms", "API / bare"], rows,
                     title=f"\n/attention compute vs model(ids, output_attentions=True), median of "
                           f"{res['api_reps']}, interleaved"))
    return "\n".join(out)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tokens", type=int, nargs="+", default=list(TOKENS))
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--api-tokens", type=int, nargs="+", default=list(API_TOKENS))
    p.add_argument("--api-reps", type=int, default=None, help="default: max(5, --reps)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds an unmodified load may take to draw")
    a = p.parse_args(argv)
    print(f"load average at start: {os.getloadavg()[0]:.2f}", file=sys.stderr, flush=True)
    res = run(a.tokens, a.reps, log=lambda m: print(m, file=sys.stderr, flush=True), api_tokens=a.api_tokens,
              api_reps=a.api_reps, timeout_s=a.timeout)
    write_results("attention_views", res)
    print(report(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
