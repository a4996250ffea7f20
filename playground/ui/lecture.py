"""Lecture mode: the lesson player (the app's first view), the lecture bar (Previous, Next, projector mode),
deep links (`?lesson=13`, `?projector=1`), and the exports a lecture needs: each tab's current result as
one offline HTML file (with CSV and JSON for its tables) and a deck of the lessons shown so far.

The player drives the tabs' own lesson buttons (#lesson-<id>) from the browser: it selects the lesson's
tab, waits for the button and clicks it, so a lesson runs exactly as a click in its tab runs it (a tab
added later, such as Embeddings, is driven the same way as soon as its presets exist). Each tab hands its
result components to `export_bar` and its lesson events to `record_lessons`; the deck is a per-session
gr.State of plain slides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import gradio as gr

from .. import i18n
from .. import lessons as catalog
from ..views import export
from ..views.common import esc, is_empty_hint
from ..presets import resolve
from .common import AppContext, bind, keep_results, lesson, message_box
from .downloads import download_folder

from .lang import L, L_pair, language, plain
DECK_MAX_SLIDES = 60  # a lecture's worth; older slides go first past that


@dataclass
class Lecture:
    deck: gr.State  # list of slides (plain dicts), in the order the lessons were shown


# ---- what a tab showed, as plain items --------------------------------------------------------------


def _kind(component) -> str:
    if isinstance(component, gr.Plot):
        return export.PLOT
    if isinstance(component, gr.Dataframe):
        return export.TABLE
    if isinstance(component, gr.Markdown):
        return export.MARKDOWN
    if isinstance(component, gr.HTML):
        return export.HTML
    raise TypeError(f"cannot export a {type(component).__name__}")


def _spec(components) -> list[tuple[str, str]]:
    """(kind, label) per component; an unlabelled table is named by its elem_id (its file name in an export)."""
    def label(c):
        text = plain(getattr(c, "label", None))
        if not text and isinstance(c, gr.Dataframe):
            text = (getattr(c, "elem_id", None) or "table").replace("-", " ")
        return str(text)

    return [(_kind(c), label(c)) for c in components]


def _table(value) -> dict:
    """A gr.Dataframe value (a pandas DataFrame, a dict with headers and data, or rows) as headers and rows."""
    if value is None:
        return {"headers": [], "rows": []}
    if hasattr(value, "columns") and hasattr(value, "values"):
        return {"headers": [str(c) for c in value.columns], "rows": value.values.tolist()}
    if isinstance(value, dict):
        return {"headers": list(value.get("headers") or []), "rows": list(value.get("data") or [])}
    return {"headers": [], "rows": [list(r) for r in value]}


def _plot(value):
    if value is None:
        return None
    plot = getattr(value, "plot", None)
    if plot is None and isinstance(value, dict):
        plot = value.get("plot")
    return plot


def items_of(spec, values) -> list[dict]:
    """The shown values as plain items (JSON-friendly), empty outputs left out (a view's hint to run something
    first is no result either)."""
    out = []
    for (kind, label), value in zip(spec, values):
        if kind == export.HTML and is_empty_hint(value):
            continue
        if kind == export.PLOT:
            value = _plot(value)
        elif kind == export.TABLE:
            value = _table(value)
            if not value["rows"]:
                continue
        if not value:
            continue
        out.append({"kind": kind, "label": label, "value": value})
    return out


def slide_of(record: dict) -> export.Slide:
    items = tuple(export.Item(i["kind"], i["label"], i["value"]) for i in record.get("items", []))
    return export.Slide(title=record["title"], notice=record.get("notice", ""), items=items,
                        key=record.get("key", ""), tab=record.get("tab", ""), meta=dict(record.get("meta", {})))


# ---- handlers ------------------------------------------------------------------------------------


def export_result(tab: str, spec, notice, *values) -> list[str]:
    """The tab's current result: one offline HTML file, plus a CSV and a JSON file per table."""
    lang = language()
    items = items_of(spec, values)
    if not items:
        raise gr.Error(i18n.tr("Nothing to export yet: run something in this tab first.", lang),
                       print_exception=False)
    slide = slide_of({"title": tab, "notice": notice or "", "items": items, "tab": tab})
    folder = download_folder("export")
    stem = export.slug(tab)
    paths = [folder / f"{stem}.html"]
    paths[0].write_text(export.result_document(slide, lang=lang), encoding="utf-8")
    for name, text in export.table_files(slide):
        path = folder / f"{stem}-{name}"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return [str(p) for p in paths]


def record_slide(lesson_id: str, tab: str, spec, deck, notice, *values, own_notice: str = "",
                 lang: str = i18n.EN) -> list[dict]:
    """A lesson's result, once it ran, into the session's deck (a lesson shown again replaces its slide).

    `own_notice` is the lesson's own note: when Next was pressed before this lesson's last step finished, the
    note box already shows the next lesson's note, so the box is used only while it still shows this lesson's."""
    lesson = catalog.find(lesson_id)
    key = lesson.key if lesson else lesson_id
    title = i18n.tr("Lesson {key} · {title}", lang, key=key, title=i18n.tr(lesson.title, lang)) if lesson else lesson_id
    if own_notice and lesson and not str(notice or "").startswith(i18n.tr("**Lesson {n}.", lang, n=lesson.number)):
        notice = own_notice
    slide = {"key": key, "id": lesson_id, "title": title, "notice": notice or "", "tab": tab,
             "items": items_of(spec, values), "meta": {"tab": tab}}
    deck = [s for s in (deck or [])]
    for n, old in enumerate(deck):
        if old.get("id") == lesson_id:
            deck[n] = slide
            break
    else:
        deck.append(slide)
    return deck[-DECK_MAX_SLIDES:]


def deck_summary(deck, lang: str = i18n.EN) -> str:
    deck = deck or []
    if not deck:
        return ('<div class="pg-deck-count">' + esc(i18n.tr("No lesson shown yet. Each lesson you open is added to "
                                                            "the deck, in the order shown.", lang)) + "</div>")
    names = " · ".join(esc(s.get("key", "")) for s in deck)
    return ('<div class="pg-deck-count">'
            + i18n.tr("<b>{n}</b> lesson(s) in the deck so far: {names}", lang, n=len(deck), names=names) + "</div>")


def show_deck(ctx: AppContext, deck) -> str:
    return deck_summary(deck, language(ctx))


def export_deck(deck) -> str:
    """The lessons shown so far, in order, with their notes: one HTML file that needs no network and no app."""
    lang = language()
    slides = [slide_of(s) for s in (deck or [])]
    if not slides:
        raise gr.Error(i18n.tr("The deck is empty: open a lesson first (each lesson shown is added to it).", lang),
                       print_exception=False)
    path = download_folder("deck") / "playground-lessons.html"
    path.write_text(export.deck_document(slides, lang=lang), encoding="utf-8")
    return str(path)


# ---- wiring a tab ----------------------------------------------------------------------------------


def export_bar(ctx: AppContext, tab: str, notice, components, elem_id: str) -> None:
    """A row at the foot of a tab: export its current result (what `components` show, and the lesson note)."""
    spec = _spec(components)
    with gr.Row(elem_classes=["pg-export-row"]):
        button = gr.Button(L("Export this result (HTML for offline use, CSV and JSON of its tables)"), size="md",
                           elem_id=f"{elem_id}-export", scale=3)
        files = gr.File(label=L("Exported files"), file_count="multiple", visible=False, elem_id=f"{elem_id}-files",
                        scale=2, interactive=False)
    message = message_box(f"{elem_id}-export-message")

    def export_this(notice_value, *values):
        return gr.File(value=export_result(tab, spec, notice_value, *values), visible=True)

    button.click(keep_results(export_this, 1), [notice, *components], [files, message], api_visibility="private")


def record_lessons(ctx: AppContext, tab: str, lesson_events, notice, components) -> None:
    """After each lesson's last event, its result goes into the deck. lesson_events: (preset id, event)."""
    if ctx.lecture is None:
        return
    spec = _spec(components)
    deck = ctx.lecture.deck
    presets_file = next((t.presets for t in catalog.TABS if t.label == tab), None)
    for lesson_id, event in lesson_events:
        def record(deck_value, notice_value, *values, _id=lesson_id):
            own = resolve(lesson(presets_file, _id), ctx.models).notice_in(language(ctx)) if presets_file else ""
            return record_slide(_id, tab, spec, deck_value, notice_value, *values, own_notice=own, lang=language(ctx))

        event.then(record, [deck, notice, *components], deck, api_visibility="private", show_progress="hidden")


# ---- the player, the lecture bar and the browser side ------------------------------------------------


def player_html(lang: str = i18n.EN) -> str:
    """Every lesson in order, grouped by section, each with its point and an Open button."""
    t = i18n.translator(lang)
    lessons = catalog.all_lessons()
    data = esc(json.dumps([lesson.as_json(lang) for lesson in lessons], ensure_ascii=False))
    groups = []
    for section, items in catalog.grouped(lessons):
        rows = "".join(
            f'<li class="pg-player-item"><button class="pg-player-open" data-pg-lesson="{esc(lesson.key)}" '
            f'id="player-{esc(lesson.id)}"><span class="pg-player-num">{esc(lesson.key)}</span> '
            f'<span class="pg-player-title">{esc(t(lesson.title))}</span></button>'
            f'<span class="pg-player-point">{esc(lesson.point_in(lang))}</span>'
            f'<span class="pg-player-tab">{esc(t(lesson.tab.label))}</span></li>'
            for lesson in items)
        groups.append(f'<section class="pg-player-group"><h3>{esc(t(section))}</h3><ol>{rows}</ol></section>')
    return (f'<div id="pg-lessons-data" data-lessons="{data}" hidden></div>'
            f'<div class="pg-player">{"".join(groups)}</div>')


def lecture_bar(lang: str = i18n.EN) -> str:
    t = i18n.translator(lang)
    return (
        '<div id="pg-lecture-bar" class="pg-lecture-bar">'
        f'<button data-pg-go="-1" id="pg-prev" title="{esc(t("the previous lesson (Alt+←)"))}">{esc(t("◀ Previous"))}</button>'
        f'<span id="pg-now" class="pg-now" aria-live="polite">{esc(t(BAR_IDLE))}</span>'
        f'<button data-pg-go="1" id="pg-next" title="{esc(t("the next lesson (Alt+→)"))}">{esc(t("Next ▶"))}</button>'
        f'<button data-pg-go="list" id="pg-all">{esc(t("All lessons"))}</button>'
        f'<label class="pg-projector-toggle"><input type="checkbox" id="pg-projector"> {esc(t("Projector mode"))}</label>'
        "</div>"
    )


BAR_IDLE = "Lessons: pick one in the list, or press Next"
LECTURE_BAR = lecture_bar()
# The lecture bar's words the page writes itself (it follows the page's language: <html lang>)
BAR_WORDS = {lang: {"idle": i18n.tr(BAR_IDLE, lang), "none": i18n.tr("There is no lesson {key}.", lang),
                    "now": i18n.tr("Lesson {key} · {title}  ({n} of {total}, {tab})", lang)}
             for lang in i18n.LANGUAGES}

# Runs once in the page (launch(head=...)). It clicks the tabs' own lesson buttons; it never calls the server.
LECTURE_JS = """
<script>
(() => {
  let current = -1;
  const $ = (sel) => document.querySelector(sel);
  const WORDS = __WORDS__;
  const words = () => WORDS[(document.documentElement.lang || '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'];
  const fill = (s, v) => s.replace(/\{(\w+)\}/g, (m, k) => (k in v ? String(v[k]) : m));
  const lessons = () => { const d = $('#pg-lessons-data'); return d ? JSON.parse(d.dataset.lessons || '[]') : []; };
  const params = () => new URLSearchParams(window.location.search);
  function setQuery(name, value) {
    const p = params();
    if (value === null) p.delete(name); else p.set(name, value);
    const q = p.toString();
    history.replaceState(null, '', window.location.pathname + (q ? '?' + q : '') + window.location.hash);
  }
  function indexOf(key) {
    const list = lessons(), k = String(key || '').trim().toLowerCase();
    let i = list.findIndex(l => l.key === k || l.id === k);
    if (i < 0 && /^[0-9]+$/.test(k)) i = list.findIndex(l => l.number === Number(k));
    return i;
  }
  function showNow() {
    const list = lessons(), now = $('#pg-now');
    if (!now) return;
    if (current < 0 || current >= list.length) {
      now.textContent = words().idle;
    } else {
      const l = list[current];
      now.textContent = fill(words().now, {key: l.key, title: l.title, n: current + 1, total: list.length,
                                           tab: l.tab_label});
    }
    const prev = $('#pg-prev'), next = $('#pg-next');
    if (prev) prev.disabled = current <= 0;
    if (next) next.disabled = current >= list.length - 1;
    document.querySelectorAll('.pg-player-item').forEach((li, n) => li.classList.toggle('pg-current', n === current));
  }
  async function waitFor(sel, ms) {
    const t0 = performance.now();
    while (performance.now() - t0 < ms) {
      const el = $(sel);
      if (el) return el;
      await new Promise(r => setTimeout(r, 50));
    }
    return null;
  }
  function selectTab(id) {
    const tab = $(`button[role="tab"][data-tab-id="${id}"]`);
    if (tab && tab.getAttribute('aria-selected') !== 'true') tab.click();
    return !!tab;
  }
  async function openLesson(key) {
    const list = lessons(), i = indexOf(key);
    if (i < 0) { const now = $('#pg-now'); if (now) now.textContent = fill(words().none, {key}); return; }
    current = i;
    const l = list[i];
    showNow();
    setQuery('lesson', l.key);
    if (!selectTab(l.tab)) return;
    const button = await waitFor('#lesson-' + l.id, 20000);
    if (!button) return;
    button.click();  // the tab's own lesson button: fills the inputs and runs
    const bar = $('#pg-lecture-bar');
    if (bar) bar.scrollIntoView({block: 'start'});
  }
  function go(step) {
    const n = lessons().length;
    if (!n) return;
    const next = current < 0 ? (step > 0 ? 0 : n - 1) : Math.max(0, Math.min(n - 1, current + step));
    openLesson(lessons()[next].key);
  }
  function setProjector(on) {
    document.body.classList.toggle('pg-projector', on);
    const box = $('#pg-projector');
    if (box) box.checked = on;
    setQuery('projector', on ? '1' : null);
    window.dispatchEvent(new Event('resize'));  // charts re-lay out to their new width
  }
  document.addEventListener('click', (e) => {
    const open = e.target.closest('[data-pg-lesson]');
    if (open) { e.preventDefault(); openLesson(open.dataset.pgLesson); return; }
    const nav = e.target.closest('[data-pg-go]');
    if (nav) {
      e.preventDefault();
      if (nav.dataset.pgGo === 'list') { selectTab('lessons'); setQuery('lesson', null); }
      else go(Number(nav.dataset.pgGo));
      return;
    }
    const own = e.target.closest('button[id^="lesson-"]');  // a lesson button clicked in its tab
    if (own) {
      const i = indexOf(own.id.slice('lesson-'.length));
      if (i >= 0 && i !== current) { current = i; showNow(); setQuery('lesson', lessons()[i].key); }
    }
  });
  document.addEventListener('change', (e) => {
    if (e.target && e.target.id === 'pg-projector') setProjector(e.target.checked);
  });
  // The page's language changed (the switch, ?lang=): the bar's own words follow.
  new MutationObserver(() => showNow()).observe(document.documentElement, {attributes: true, attributeFilter: ['lang']});
  document.addEventListener('keydown', (e) => {
    if (!e.altKey) return;
    if (e.key === 'ArrowRight') { go(1); e.preventDefault(); }
    if (e.key === 'ArrowLeft') { go(-1); e.preventDefault(); }
  });
  // A slider's number box: Gradio clamps a typed value into the slider's range when the box loses focus,
  // silently. Keep what was typed, so the handler refuses it with the allowed range (never a clamp).
  window.addEventListener('blur', (e) => {
    const box = e.target;
    if (!(box instanceof HTMLInputElement) || box.type !== 'number' || !box.closest('.block')) return;
    const range = box.closest('.block').querySelector('input[type="range"]');
    if (!range || box.value === '') return;
    const v = Number(box.value), lo = Number(box.min), hi = Number(box.max);
    const out = !Number.isFinite(v) || v < lo || v > hi;
    box.classList.toggle('pg-out-of-range', out);
    if (out) e.stopImmediatePropagation();
  }, true);
  (async () => {
    if (!await waitFor('#pg-lessons-data', 60000)) return;
    await waitFor('#pg-lecture-bar', 10000);
    // the page-load events first: they record the page's language, so the lesson's note comes in it
    await waitFor('body[data-pg-ready]', 60000);
    const p = params();
    if (p.get('projector') === '1') setProjector(true);
    if (p.get('lesson')) openLesson(p.get('lesson')); else showNow();
    document.body.dataset.pgLecture = 'ready';
  })();
})();
</script>
"""


LECTURE_JS = LECTURE_JS.replace("__WORDS__", json.dumps(BAR_WORDS, ensure_ascii=False))


def build_lecture_bar() -> gr.HTML:
    return gr.HTML(L_pair(lecture_bar(i18n.EN), lecture_bar(i18n.ZH)), elem_id="pg-lecture", padding=False)


def build_player(ctx: AppContext) -> dict:
    """The first view: every lesson, in order and grouped; the deck of the lessons shown so far."""
    gr.Markdown(L(
        "### Lessons\nEvery lesson opens its tab with the inputs filled in and runs. **Next** and **Previous** (in "
        "the bar above, or Alt+→ / Alt+←) walk a lecture through them in this order. A slide can link straight "
        "to one: add `?lesson=13` to this page's address (`&projector=1` for projector mode, `&lang=zh-CN` or "
        "`&lang=en` for the language)."),
        elem_classes=["pg-player-intro"])
    gr.HTML(L_pair(player_html(i18n.EN), player_html(i18n.ZH)), elem_id="pg-player", padding=False)
    gr.Markdown(L("### The deck: the lessons shown so far"), elem_classes=["pg-deck-head"])
    summary = gr.HTML(L_pair(deck_summary([], i18n.EN), deck_summary([], i18n.ZH)), elem_id="pg-deck-summary",
                      padding=False)
    with gr.Row():
        deck_btn = gr.Button(L("Export the deck (one HTML file: works with no network and no app)"),
                             elem_id="pg-deck-export", scale=3)
        deck_file = gr.File(label=L("Deck"), visible=False, elem_id="pg-deck-file", interactive=False, scale=2)
        clear_btn = gr.Button(L("Empty the deck"), elem_id="pg-deck-clear", scale=1)
    message = message_box("pg-deck-message")
    deck = ctx.lecture.deck
    deck.change(bind(show_deck, ctx), deck, summary, api_visibility="private", show_progress="hidden")

    def download(deck_value):
        return gr.File(value=export_deck(deck_value), visible=True)

    deck_btn.click(keep_results(download, 1), deck, [deck_file, message], api_visibility="private")
    clear_btn.click(lambda: [], None, deck, api_visibility="private")
    return {"deck_button": deck_btn, "deck_file": deck_file}
