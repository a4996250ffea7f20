"""bertviz's head, model and neuron views as self-contained documents for a sandboxed <iframe srcdoc>.

bertviz writes HTML that loads require.js, d3 and jQuery from cdnjs and embeds every attention
weight as JSON at full float precision. Here:

- the three libraries come from assets/vendor/ (npm copies, see its README), inlined into the
  document; bertviz's `require.config` pointing at the CDN is removed and the inlined copies are
  registered as the modules 'd3' and 'jquery'. Nothing is fetched; `offline_document` refuses a
  document that still names a remote script.
- bertviz's own JavaScript (head_view.js, model_view.js, neuron_view.js from the installed package)
  draws the views unchanged. Only its input is packed differently: for the head and model views each
  weight is quantised to one byte (0–255, a step of 0.004 in opacity, below what the eye can tell),
  the bytes are deflated and base64-encoded, and the browser inflates them (DecompressionStream)
  and builds each layer's nested arrays when bertviz first reads that layer (a lazy array).
- the model view draws every head of every layer it gets, one SVG line per (query, key) pair, so
  it takes a layer range (`layers`).

Pure: numpy arrays and strings in, HTML strings out. No torch, no gradio. Token strings are placed
in JSON inside <script> with '<', '>' and '&' escaped, and the whole document is HTML-escaped into
the srcdoc attribute; bertviz draws tokens with d3's .text(), never as HTML.
"""

from __future__ import annotations

import base64
import html
import importlib.util
import json
import re
import uuid
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..presets import ASSETS

VENDOR = ("d3-5.7.0.min.js", "jquery-2.1.0.min.js", "require-2.3.6.js")  # d3 and jQuery before require.js
_REQUIRE_CONFIG = re.compile(r"require\.config\(\{\s*paths:\s*\{[^}]*\}\s*\}\);")
_CDN_SCRIPT = re.compile(r'<script src="(https?:)?//[^"]*"></script>')  # bertviz's require.js tag, or any remote one
_REMOTE = re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//""", re.I)
FONT = "font-family:'Helvetica Neue', Helvetica, Arial, sans-serif;"


@lru_cache(maxsize=None)
def _bertviz_js(name: str) -> str:
    """head_view.js / model_view.js / neuron_view.js from the installed bertviz, without its CDN config."""
    found = importlib.util.find_spec("bertviz")
    if found is None or not found.submodule_search_locations:
        raise RuntimeError("bertviz is not installed: pip install bertviz==1.4.1 (requirements.txt has it)")
    js = (Path(list(found.submodule_search_locations)[0]) / name).read_text(encoding="utf-8")
    stripped, n = _REQUIRE_CONFIG.subn("", js, count=1)
    if n != 1:
        raise RuntimeError(f"bertviz's {name} no longer has the require.config block this app replaces")
    return stripped


@lru_cache(maxsize=None)
def _libraries() -> str:
    """The vendored scripts, then their registration as require.js modules."""
    parts = [f"<script>{(ASSETS / 'vendor' / name).read_text(encoding='utf-8')}</script>" for name in VENDOR]
    parts.append("<script>define('d3', [], function () { return window.d3; });"
                 "define('jquery', [], function () { return window.jQuery; });</script>")
    return "\n".join(parts)


def library_bytes() -> int:
    return len(_libraries().encode("utf-8"))


def _json(value) -> str:
    """JSON safe inside <script>: no '</script>', no HTML comment openers."""
    return json.dumps(value, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "&", "\\u0026")


def _page(body: str) -> str:
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>bertviz</title></head>'
            f'<body style="margin:0;background:white;{FONT}">{body}</body></html>')


def offline_document(bertviz_html: str) -> str:
    """A page for the HTML bertviz itself returns (html_action='return'), with the CDN script replaced
    by the vendored copies. Raises ValueError when anything remote is still referenced."""
    body, n = _CDN_SCRIPT.subn("", bertviz_html)
    body = _REQUIRE_CONFIG.sub("", body)
    doc = _page(_libraries() + body)
    if _REMOTE.search(body) or "cdnjs" in body:
        raise ValueError("the bertviz document still references a remote script")
    return doc


# ---- the packed attention ----------------------------------------------------------------------


def pack(weights: np.ndarray) -> dict:
    """(layers, heads, q, k) weights in [0, 1] -> {'shape', 'data'}: uint8, deflated, base64."""
    q = np.clip(np.rint(np.asarray(weights, dtype=np.float32) * 255.0), 0, 255).astype(np.uint8)
    return {"shape": list(q.shape), "data": base64.b64encode(zlib.compress(q.tobytes(), 6)).decode("ascii")}


def unpack(packed: dict) -> np.ndarray:
    """The inverse of pack (to within 1/510): what the browser reconstructs."""
    raw = zlib.decompress(base64.b64decode(packed["data"]))
    return np.frombuffer(raw, dtype=np.uint8).reshape(packed["shape"]).astype(np.float32) / 255.0


# Inflates every entry, then hands bertviz nested arrays built one layer at a time on first access.
_UNPACK_JS = """
async function pgInflate(b64) {
  const bin = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  const stream = new Blob([bin]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
function pgLazy(bytes, shape) {
  const [L, H, Q, K] = shape;
  const layers = new Array(L);
  return new Proxy(layers, {get(target, prop) {
    if (typeof prop === 'string' && /^[0-9]+$/.test(prop)) {
      const l = +prop;
      if (l >= L) return undefined;
      if (!target[l]) {
        const heads = [];
        for (let h = 0; h < H; h++) {
          const rows = [];
          for (let i = 0; i < Q; i++) {
            const off = ((l * H + h) * Q + i) * K;
            rows.push(Array.from(bytes.subarray(off, off + K), b => b / 255));
          }
          heads.push(rows);
        }
        target[l] = heads;
      }
      return target[l];
    }
    return Reflect.get(target, prop);
  }});
}
function pgDrawn(root) {
  // Marks the body once bertviz has drawn (tests and the benchmark wait for it). Polled with
  // setTimeout: Chromium pauses requestAnimationFrame in iframes scrolled out of view.
  const t0 = performance.now();
  (function check() {
    const svg = document.querySelector('#' + root + ' svg');
    if (svg && svg.querySelector('line, rect, text')) {
      document.body.dataset.drawnMs = String(performance.now());
    } else if (performance.now() - t0 < 120000) { setTimeout(check, 20); }
  })();
}
"""


def _packed_document(vis_html: str, js_name: str, params: dict, entries: list[dict]) -> str:
    """bertviz's view with params['attention'] filled in the browser from the packed entries."""
    js = _bertviz_js(js_name).replace("PYTHON_PARAMS", "window.pgParams")
    script = (
        f"<script>{_UNPACK_JS}\n(async function () {{\n"
        f"  const params = {_json(params)};\n  const entries = {_json(entries)};\n"
        "  params.attention = [];\n"
        "  for (const e of entries) {\n"
        "    params.attention.push({name: e.name, left_text: e.left_text, right_text: e.right_text,\n"
        "                           attn: pgLazy(await pgInflate(e.data), e.shape)});\n"
        "  }\n  window.pgParams = params;\n"
        f"  pgDrawn({_json(params['root_div_id'])});\n"
        f"{js}\n}})();</script>"
    )
    return _page(_libraries() + vis_html + script)


def _tokens(tokens) -> list[str]:
    """bertviz's prettify: the BPE space markers read as spaces."""
    return [str(t).replace("Ġ", " ").replace("▁", " ") for t in tokens]


def _entries(result, kinds, layers: list[int]) -> list[dict]:
    """bertviz's attention entries: one per kind for encoder-decoders, the A/B slices for a pair."""
    names = {"self": None, "encoder": "Encoder", "decoder": "Decoder", "cross": "Cross"}
    out = []
    for kind in kinds:
        left, right, _, _ = result.axes(kind)
        stack = result.stack(kind)[layers]
        out.append({"name": names[kind], "left_text": _tokens(left), "right_text": _tokens(right), **pack(stack)})
    b = result.sentence_b_start
    if kinds == ("self",) and b is not None:
        a_, b_ = slice(0, b), slice(b, len(result.tokens))
        toks = _tokens(result.tokens)
        stack = result.weights[layers]
        out[0]["name"] = "All"
        for name, s1, s2 in (("Sentence A -> Sentence A", a_, a_), ("Sentence B -> Sentence B", b_, b_),
                             ("Sentence A -> Sentence B", a_, b_), ("Sentence B -> Sentence A", b_, a_)):
            out.append({"name": name, "left_text": toks[s1], "right_text": toks[s2], **pack(stack[:, :, s1, s2])})
    return out


def _select(entries: list[dict]) -> str:
    if len(entries) < 2:
        return ""
    options = "".join(f'<option value="{i}">{html.escape(e["name"])}</option>' for i, e in enumerate(entries))
    return f'Attention: <select id="filter">{options}</select>'


def head_view_document(result, *, layer: int = 0, heads: list[int] | None = None) -> str:
    """bertviz's head view of every layer (one at a time, chosen in its Layer menu) and head."""
    kinds = ("encoder", "decoder", "cross") if result.family == "seq2seq" else ("self",)
    layers = list(range(result.num_layers))
    entries = _entries(result, kinds, layers)
    vis_id = f"bertviz-{uuid.uuid4().hex}"
    vis_html = (f'<div id="{vis_id}" style="{FONT}"><span style="user-select:none">Layer: <select id="layer"></select> '
                f"{_select(entries)}</span><div id='vis'></div></div>")
    params = {"attention": None, "default_filter": "0", "root_div_id": vis_id, "layer": int(layer),
              "heads": heads, "include_layers": layers}
    return _packed_document(vis_html, "head_view.js", params, entries)


def model_view_document(result, layers: list[int]) -> str:
    """bertviz's model view (every head of each chosen layer as a thumbnail; click one to enlarge)."""
    kinds = ("encoder", "decoder", "cross") if result.family == "seq2seq" else ("self",)
    entries = _entries(result, kinds, list(layers))
    vis_id = f"bertviz-{uuid.uuid4().hex}"
    vis_html = (f'<div id="{vis_id}" style="{FONT}"><span style="user-select:none">{_select(entries)}</span>'
                f"<div id='vis'></div></div>")
    params = {"attention": None, "default_filter": "0", "display_mode": "light", "root_div_id": vis_id,
              "include_layers": [int(x) for x in layers], "include_heads": list(range(result.num_heads)),
              "total_heads": result.num_heads}
    return _packed_document(vis_html, "model_view.js", params, entries)


def neuron_view_document(params: dict, pair: bool) -> str:
    """bertviz's neuron view for what compute.attention.neuron_params returned (queries and keys included)."""
    vis_id = f"bertviz-{uuid.uuid4().hex}"
    dropdown = ""
    if pair:
        dropdown = ('<span class="dropdown-label">Attention: </span><select id="filter">'
                    '<option value="all">All</option><option value="aa">Sentence A -> Sentence A</option>'
                    '<option value="ab">Sentence A -> Sentence B</option><option value="ba">Sentence B -> Sentence A'
                    '</option><option value="bb">Sentence B -> Sentence B</option></select>')
    vis_html = (f'<div id="{vis_id}" style="padding:8px;{FONT}"><span style="user-select:none">'
                '<span class="dropdown-label">Layer: </span><select id="layer"></select> '
                '<span class="dropdown-label">Head: </span> <select id="att_head"></select> '
                f"{dropdown}</span><div id='vis'></div></div>")
    full = dict(params, root_div_id=vis_id)
    script = (f"<script>{_UNPACK_JS}\nwindow.bertviz_params = {_json(full)};\npgDrawn({_json(vis_id)});</script>"
              f"<script>{_bertviz_js('neuron_view.js')}</script>")
    return _page(_libraries() + vis_html + script)


def head_view_height(n_tokens: int) -> int:
    return int(max(n_tokens, 1) * 22.5 + 110)


def model_view_height(n_tokens: int, n_layers: int, n_heads: int) -> int:
    thumb = max(n_tokens, 1) * 7 * (12 / max(n_heads, 1)) + 10
    return int(max(n_layers * thumb + 40, n_tokens * 18 + 70) + 60)


def iframe(document: str, height: int, title: str, elem_class: str = "pg-bertviz") -> str:
    """The document in a sandboxed iframe: scripts run, but with an opaque origin (no access to the app)."""
    height = max(200, min(int(height), 4000))
    return (f'<iframe class="{elem_class}" title="{html.escape(title)}" sandbox="allow-scripts" '
            f'style="width:100%;height:{height}px;border:1px solid #ddd;border-radius:8px;background:white" '
            f'srcdoc="{html.escape(document, quote=True)}"></iframe>')
