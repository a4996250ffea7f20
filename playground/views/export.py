"""Results as self-contained offline HTML files, for a lecture: one tab's result, or a deck of the lessons
shown so far, each with its note.

A file opens on a machine with no network and no app: plotly's JavaScript is inlined from the installed
plotly package (never a CDN link), the playground's CSS is inlined, bertviz views are already
self-contained iframes (views/bertviz.py), and every table can be saved as CSV or JSON from a link
inside the file (data: URLs). Notes are Markdown rendered with HTML switched off, so a token that spells
`<script>` stays text.

Pure: plain values in (figure JSON, HTML strings, rows), strings out. No torch, no gradio.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote

from ..i18n import EN, translator
from ..presets import ASSETS
from .common import esc

PLOT, HTML, TABLE, MARKDOWN = "plot", "html", "table", "markdown"
_REMOTE_SCRIPT = re.compile(r"""<script[^>]+src\s*=\s*["']?(https?:)?//""", re.I)


@dataclass(frozen=True)
class Item:
    """One shown output. plot: a plotly figure as JSON text (what gr.Plot holds) or a dict; html: an HTML
    string the app drew; table: {"headers": [...], "rows": [[...], ...]}; markdown: Markdown text."""

    kind: str
    label: str
    value: object


@dataclass(frozen=True)
class Slide:
    """One lesson (or one tab's result): a title, its note and what it showed, in order."""

    title: str
    notice: str = ""  # Markdown
    items: tuple[Item, ...] = ()
    key: str = ""  # the lesson's key ("13", "22.2"), for the deep link and the anchor
    tab: str = ""
    meta: dict = field(default_factory=dict)


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js from the installed plotly package (the same file plotly's own write_html inlines)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@lru_cache(maxsize=1)
def _css() -> str:
    return (ASSETS / "playground.css").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _markdown():
    """The lesson notes' Markdown renderer, made on the first export (markdown_it is not a start-up import)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False})


def markdown_html(text: str) -> str:
    return _markdown().render(str(text or ""))


def slug(text: str, limit: int = 48) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "-", str(text)).strip("-").lower()
    return s[:limit] or "result"


# ---- tables -------------------------------------------------------------------------------------


def _cell(value) -> object:
    if isinstance(value, float) and value != value:  # NaN: an empty cell, as in strict JSON a null
        return None
    return value


def table_csv(table: dict) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(table.get("headers") or [])
    for row in table.get("rows") or []:
        writer.writerow(["" if _cell(v) is None else v for v in row])
    return buf.getvalue()


def table_json(table: dict) -> str:
    """One record per row, keyed by the headers (a header given twice gets its position appended)."""
    headers = [str(h) for h in table.get("headers") or []]
    keys = [h if headers.count(h) == 1 else f"{h} ({i + 1})" for i, h in enumerate(headers)]
    rows = table.get("rows") or []
    if not keys and rows:
        keys = [f"column {i + 1}" for i in range(len(rows[0]))]
    records = [{k: _cell(v) for k, v in zip(keys, row)} for row in rows]
    return json.dumps(records, ensure_ascii=False, indent=1, default=str)


def _table_html(item: Item, n: int, t=None) -> str:
    t = t or translator(EN)
    table = item.value if isinstance(item.value, dict) else {}
    head = "".join(f"<th>{esc(h)}</th>" for h in table.get("headers") or [])
    body = "".join("<tr>" + "".join(f"<td>{esc('' if _cell(v) is None else v)}</td>" for v in row) + "</tr>"
                   for row in table.get("rows") or [])
    name = slug(item.label)
    links = (f'<a download="{name}.csv" href="data:text/csv;charset=utf-8,{quote(table_csv(table))}">CSV</a> · '
             f'<a download="{name}.json" href="data:application/json;charset=utf-8,{quote(table_json(table))}">'
             "JSON</a>")
    return (f'<div class="pgx-table"><div class="pgx-links">{esc(t("Save this table:"))} {links}</div>'
            f'<div class="pgx-scroll"><table class="pg-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div></div>")


# ---- items and pages ----------------------------------------------------------------------------


def _figure(value) -> dict:
    fig = json.loads(value) if isinstance(value, str) else dict(value or {})
    return {"data": fig.get("data", []), "layout": fig.get("layout", {})}


def _json_script(value) -> str:
    """JSON safe inside <script>: no '</script>', no HTML comment openers."""
    return json.dumps(value, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "&", "\\u0026")


def item_html(item: Item, anchor: str, lang: str = EN) -> str:
    t = translator(lang)
    label = f'<div class="pgx-label">{esc(t(item.label))}</div>' if item.label else ""
    if item.kind == PLOT:
        fig = _figure(item.value)
        if not fig["data"]:
            return ""
        return (f'<figure class="pgx-plot">{label}<div class="pgx-chart" id="{anchor}"></div>'
                f'<script>pgPlot("{anchor}", {_json_script(fig)});</script></figure>')
    if item.kind == TABLE:
        return f'<div class="pgx-item">{label}{_table_html(item, 0, t)}</div>' if (item.value or {}).get("rows") else ""
    if item.kind == MARKDOWN:
        return f'<div class="pgx-item pgx-md">{label}{markdown_html(str(item.value))}</div>' if item.value else ""
    if item.kind == HTML:
        # The app's own HTML: every model string in it was escaped when it was drawn (views/*).
        return f'<div class="pgx-item">{label}{item.value}</div>' if str(item.value or "").strip() else ""
    raise ValueError(f"unknown item kind {item.kind!r}")


def slide_html(slide: Slide, index: int, lang: str = EN) -> str:
    anchor = f"slide-{index + 1}"
    meta = esc(_subtitle(slide, lang))
    parts = [f'<section class="pgx-slide" id="{anchor}"><h2>{esc(slide.title)}</h2>']
    if meta:
        parts.append(f'<div class="pgx-meta">{meta}</div>')
    if slide.notice:
        parts.append(f'<div class="pg-notice pgx-notice">{markdown_html(slide.notice)}</div>')
    parts += [item_html(item, f"{anchor}-item-{n + 1}", lang) for n, item in enumerate(slide.items)]
    parts.append("</section>")
    return "".join(parts)


_PAGE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; color: #111;
       background: #fff; margin: 0; font-size: 20px; line-height: 1.45; }
main { max-width: 1200px; margin: 0 auto; padding: 12px 28px 80px; }
h1 { font-size: 2rem; margin: 16px 0 4px; } h2 { font-size: 1.6rem; margin: 0 0 8px; }
.pgx-sub { color: #333; margin-bottom: 16px; }
.pgx-slide { border-top: 3px solid #4f6bed; padding: 18px 0 28px; }
.pgx-meta { color: #333; margin-bottom: 8px; font-size: 1rem; }
.pgx-label { font-weight: 700; margin: 14px 0 4px; font-size: 1.05rem; }
.pgx-item, .pgx-plot { margin: 10px 0; }
.pgx-chart { width: 100%; }
.pgx-scroll { max-height: 520px; overflow: auto; }
.pgx-links { font-size: 1rem; margin: 2px 0; }
.pgx-toc ol { columns: 2; font-size: 1.05rem; }
.pgx-nav { position: fixed; right: 14px; bottom: 14px; display: flex; gap: 8px; }
.pgx-nav button { font-size: 1.1rem; padding: 6px 14px; border-radius: 8px; border: 2px solid #4f6bed;
                  background: #fff; color: #111; cursor: pointer; }
@media print { .pgx-nav { display: none; } .pgx-slide { page-break-before: always; } }
"""

_PAGE_JS = """
function pgPlot(id, fig) {
  const draw = () => Plotly.newPlot(id, fig.data, fig.layout, {responsive: true, displaylogo: false})
    .then(() => { document.getElementById(id).dataset.drawn = '1'; });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', draw); else draw();
}
function pgGo(step) {
  const slides = [...document.querySelectorAll('.pgx-slide')];
  if (!slides.length) return;
  const y = window.scrollY + 10;
  let i = -1;
  slides.forEach((s, n) => { if (s.offsetTop <= y) i = n; });
  slides[Math.max(0, Math.min(slides.length - 1, i + step))].scrollIntoView({block: 'start'});
}
document.addEventListener('keydown', e => {
  if (e.target.closest && e.target.closest('input, textarea, select')) return;
  if (e.key === 'ArrowRight' || e.key === 'PageDown') { pgGo(1); e.preventDefault(); }
  if (e.key === 'ArrowLeft' || e.key === 'PageUp') { pgGo(-1); e.preventDefault(); }
});
"""


def page(title: str, body: str, *, subtitle: str = "", nav: bool = False, lang: str = EN) -> str:
    """A whole HTML document: plotly.js, the app's CSS and the body; nothing is fetched."""
    t = translator(lang)
    doc = (
        f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_css()}{_PAGE_CSS}</style>"
        f"<script>{plotly_js()}</script><script>{_PAGE_JS}</script></head><body><main>"
        f"<h1>{esc(title)}</h1>" + (f'<div class="pgx-sub">{esc(subtitle)}</div>' if subtitle else "")
        + body + "</main>"
        + (f'<div class="pgx-nav"><button onclick="pgGo(-1)" title="{esc(t("previous (←)"))}">◀</button>'
           f'<button onclick="pgGo(1)" title="{esc(t("next (→)"))}">▶</button></div>' if nav else "")
        + "</body></html>"
    )
    return doc


def result_document(slide: Slide, app_title: str = "Model playground", lang: str = EN) -> str:
    """One tab's current result as a file (its title, the tab's name and the outputs' labels in `lang`)."""
    t = translator(lang)
    return page(t("{app}: {title}", app=t(app_title), title=t(slide.title)), slide_html(slide, 0, lang),
                subtitle=_subtitle(slide, lang), lang=lang)


def deck_document(slides: list[Slide], title: str = "Model playground: the lessons shown", lang: str = EN) -> str:
    """The lessons shown so far, in order, with their notes: one file to open with no network and no app."""
    t = translator(lang)
    title = t(title)
    if not slides:
        body = ('<p class="pg-hint">' + esc(t("No lesson has been shown yet: open one in the Lessons view first."))
                + "</p>")
        return page(title, body, lang=lang)
    toc = "".join(f'<li><a href="#slide-{i + 1}">{esc(s.title)}</a></li>' for i, s in enumerate(slides))
    body = (f'<nav class="pgx-toc"><ol>{toc}</ol></nav>'
            + "".join(slide_html(s, i, lang) for i, s in enumerate(slides)))
    return page(title, body, subtitle=t("{n} lesson(s), in the order they were shown. ← and → move from one to the "
                                        "next.", n=len(slides)), nav=True, lang=lang)


def _subtitle(slide: Slide, lang: str = EN) -> str:
    t = translator(lang)
    return " · ".join(t("{key}: {value}", key=t(k), value=t(v)) for k, v in slide.meta.items() if v)


def offline(document: str) -> bool:
    """True when the document loads no script from the network."""
    return not _REMOTE_SCRIPT.search(document)


def table_files(slide: Slide) -> list[tuple[str, str]]:
    """(file name, text) for each table of the slide: a CSV and a JSON file each."""
    out, used = [], set()
    for item in slide.items:
        if item.kind != TABLE or not (item.value or {}).get("rows"):
            continue
        stem = name = slug(item.label or "table")
        n = 1
        while name in used:
            n += 1
            name = f"{stem}-{n}"
        used.add(name)
        out += [(f"{name}.csv", table_csv(item.value)), (f"{name}.json", table_json(item.value))]
    return out
