"""Attention tab: bertviz head-view payload and time until drawn (ours vs unmodified bertviz), and the
attention API's compute against the bare forward pass with output_attentions=True.

    python -m bench.attention_views [--tokens 128] [--reps 5]

Payload: the bytes of the HTML each one hands the browser for SmolLM2 (30 layers x 9 heads) at
`--tokens` tokens. Unmodified bertviz is head_view(..., html_action='return'); its three CDN scripts
are answered from assets/vendor/ by Playwright (no network), so both draw with the same libraries.
Time until drawn: from handing Chromium the page to the first SVG line of the head view, median of
`--reps` loads. API: attention.attention() + as_json() (what /attention runs, without HTTP) against
model(ids, output_attentions=True), median of `--reps`, interleaved.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from bench.common import REPO, load_smollm2, ratio, round_robin, table, write_results

VENDOR = REPO / "assets" / "vendor"
CDN = {"require.min.js": "require-2.3.6.js", "d3.min.js": "d3-5.7.0.min.js", "jquery.min.js": "jquery-2.1.0.min.js"}


def _text(tokenizer, n: int) -> str:
    words = ("The quick brown fox jumps over the lazy dog while the cat sleeps on a warm mat near the door "
             "and rain falls softly on the roof of the old house by the river. ").split()
    out = []
    while len(tokenizer(" ".join(out))["input_ids"]) < n:
        out.append(words[len(out) % len(words)])
    while len(tokenizer(" ".join(out))["input_ids"]) > n:
        out.pop()
    return " ".join(out)


def _draw_times(pages: dict[str, str], reps: int, log) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    import tempfile
    from pathlib import Path

    times = {k: [] for k in pages}
    folder = Path(tempfile.mkdtemp(prefix="pg-bench-attention-"))
    files = {}
    for i, (key, doc) in enumerate(pages.items()):  # big pages load from a file: set_content chokes on 90 MB
        files[key] = folder / f"page{i}.html"
        files[key].write_text(doc, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        outside = []

        def route(r):
            name = r.request.url.rsplit("/", 1)[-1]
            if name in CDN:
                r.fulfill(body=(VENDOR / CDN[name]).read_bytes(), content_type="application/javascript")
            else:
                outside.append(r.request.url)
                r.abort()

        page.route("http*://**", route)
        for i in range(reps + 1):
            for key in pages:
                page.goto("about:blank")
                t = time.perf_counter()
                page.goto(files[key].as_uri(), wait_until="commit", timeout=300_000)
                page.wait_for_function("document.querySelector('svg line') !== null", polling=10, timeout=300_000)
                dt = time.perf_counter() - t
                if i:  # the first round warms Chromium up
                    times[key].append(dt)
                log(f"  {key}: {dt:.2f} s")
        browser.close()
    if outside:
        raise RuntimeError(f"requests that were not the CDN scripts: {outside}")
    return times


def run(tokens: int = 128, reps: int = 5, log=print) -> dict:
    import torch
    from bertviz import head_view

    from playground.compute import attention as att
    from playground.views import bertviz

    outside, _, _, _, smol = load_smollm2("attention", log)
    text = _text(smol.tokenizer, tokens)
    result = att.attention(smol, text, max_tokens=att.MAX_TOKENS)
    n = len(result.tokens)
    log(f"attention: {n} tokens, {result.num_layers} layers x {result.num_heads} heads")
    ours = bertviz.head_view_document(result, layer=0)
    t = time.perf_counter()
    original = head_view([torch.from_numpy(result.weights[i])[None] for i in range(result.num_layers)],
                         list(result.tokens), html_action="return").data
    original_build = time.perf_counter() - t
    t = time.perf_counter()
    bertviz.head_view_document(result, layer=0)
    ours_build = time.perf_counter() - t
    pages = {"unmodified bertviz": f"<!doctype html><html><body>{original}</body></html>", "ours": ours}
    draw = _draw_times(pages, reps, log)

    ids = torch.tensor([smol.tokenizer(text)["input_ids"]])

    def bare():
        with torch.inference_mode():
            smol.model(input_ids=ids, attention_mask=torch.ones_like(ids), output_attentions=True, use_cache=False)

    def api():
        att.attention(smol, text, max_tokens=att.MAX_TOKENS).as_json(3, 4)

    lat = round_robin({"bare forward": bare, "attention API": api}, reps=reps, warmup=1)
    med = {k: statistics.median(v) for k, v in lat.items()}
    return {
        "tokens": n, "layers": result.num_layers, "heads": result.num_heads,
        "payload_bytes": {"unmodified bertviz": len(original.encode()), "ours": len(ours.encode()),
                          "ours_libraries_inlined": bertviz.library_bytes()},
        "build_s": {"unmodified bertviz": original_build, "ours": ours_build},
        "draw_s": {k: statistics.median(v) for k, v in draw.items()}, "draw_all_s": draw,
        "api_s": med, "api_ratio": ratio(med["attention API"], med["bare forward"]),
        "outside_connections": list(outside),
    }


def report(res: dict) -> str:
    p, d, b = res["payload_bytes"], res["draw_s"], res["build_s"]
    rows = [[k, f"{p[k] / 1e6:,.2f} MB", f"{b[k]:.2f} s", f"{d[k]:.2f} s"] for k in ("unmodified bertviz", "ours")]
    rows.append(["ratio unmodified / ours", f"{p['unmodified bertviz'] / p['ours']:.0f}x",
                 f"{b['unmodified bertviz'] / b['ours']:.1f}x", f"{d['unmodified bertviz'] / d['ours']:.1f}x"])
    out = [table(["head view, SmolLM2", "page bytes", "build (Python)", "until drawn (Chromium)"], rows,
                 title=f"\nbertviz head view at {res['tokens']} tokens, {res['layers']} layers x {res['heads']} heads")]
    out.append(f"(ours includes {p['ours_libraries_inlined'] / 1e3:,.0f} kB of inlined d3, jQuery and require.js; "
               "unmodified bertviz loads them from cdnjs, answered locally here)")
    a = res["api_s"]
    out.append(table(["", "median"], [[k, f"{v * 1000:.0f} ms"] for k, v in a.items()]
                     + [["attention API / bare forward", f"{res['api_ratio']:.2f}x"]],
                     title=f"\n/attention compute vs model(ids, output_attentions=True), {res['tokens']} tokens"))
    return "\n".join(out)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tokens", type=int, default=128)
    p.add_argument("--reps", type=int, default=5)
    a = p.parse_args(argv)
    res = run(a.tokens, a.reps, log=lambda m: print(m, file=sys.stderr, flush=True))
    write_results("attention_views", res)
    print(report(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
