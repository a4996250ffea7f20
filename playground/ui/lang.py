"""The UI's language: component text through Gradio's gr.I18n, and the language every handler builds its text in.

- Component text: `L("Text")` (or `L("Up to {limit:,} characters.", limit=…)`) returns Gradio's I18nData for
  the formatted English text and registers its Chinese (playground/i18n.py's table, same fields); `gradio_i18n()`,
  passed to demo.launch(i18n=…), hands every registered pair to the page, which shows them in its locale.
  A whole static HTML block built in both languages is registered with `L_pair(en, zh)`.
- The page's locale: Gradio's own (the browser's language). LANGUAGE_JS, in the page's head, makes `?lang=zh-CN`
  / `?lang=en` and the in-page switch (a radio in the header) win over it, and makes any zh-* locale Simplified
  Chinese (Gradio itself knows only zh-CN and zh-TW).
- Server-built text: `language(ctx)` is the language of the event being handled: what the page said it shows
  (the load event and the switch record it per browser session, `Languages`), else the request's
  Accept-Language, else English. It reads the event's request from Gradio's event context, so handlers take no
  extra parameter; an API call (gradio_client sends no Accept-Language) gets English.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import gradio as gr
from gradio.i18n import I18nData
from gradio.context import LocalContext

from .. import i18n

_REGISTERED: dict[str, str] = {}  # formatted English -> formatted Chinese, for every L() the UI built
_LOCK = threading.Lock()


def L(text: str, /, **params) -> I18nData:  # noqa: N802 (reads like gettext's _)
    """Component text: the key is the English text formatted with `params`; its Chinese is registered for the page."""
    return L_pair(i18n.tr(text, i18n.EN, **params), i18n.tr(text, i18n.ZH, **params))


_ENGLISH: dict[str, str] = {}  # key -> English, for the keys that are not the English text itself


def L_pair(en: str, zh: str) -> I18nData:  # noqa: N802
    """A text built in both languages (a static HTML block): registered as it is. Gradio's page reads a key up to
    its first '}', so a text with one in it (the player's JSON) gets a short key of its own."""
    key = en if "}" not in en else "pg-" + hashlib.sha1(en.encode("utf-8")).hexdigest()[:16]
    with _LOCK:
        _REGISTERED[key] = zh
        if key != en:
            _ENGLISH[key] = en
    return I18nData(key)


def L_html(view, text: str, /, **params) -> I18nData:  # noqa: N802
    """A static view (view(text) -> HTML, e.g. views.common.empty_hint) in both languages, for a gr.HTML value."""
    return L_pair(view(i18n.tr(text, i18n.EN, **params)), view(i18n.tr(text, i18n.ZH, **params)))


def table(rows: list[list], headers: list[str], lang: str):
    """A table's value in `lang`: the rows as they are in English (the headers the component was built with);
    in another language a DataFrame, so its column names are the translated headers."""
    if lang == i18n.EN:
        return rows
    import pandas as pd

    return pd.DataFrame(rows, columns=[i18n.tr(h, lang) for h in headers])


def plain(text) -> str:
    """A component's text as the server reads it: the English key of an L() text, else the text itself."""
    if isinstance(text, I18nData):
        return text.key
    return "" if text is None else str(text)


def registered() -> dict[str, str]:
    with _LOCK:
        return dict(_REGISTERED)


# Keys Gradio's own page looks up but its locale files lack (it would show the key itself: the status tracker's
# screen-reader line reads "common.complete" when an event finishes).
GRADIO_MISSING = {"common.complete": {i18n.EN: "Complete", i18n.ZH: "完成"}}


def gradio_i18n() -> gr.I18n:
    """What demo.launch(i18n=…) takes: every component text the UI registered, in English and Chinese. The texts go
    as they are, braces and apostrophes too: Gradio's page looks a key up with no values, and svelte-i18n then
    returns the message unformatted (an ICU-quoted '{' would be shown with its quotes)."""
    pairs = registered()
    with _LOCK:
        english = dict(_ENGLISH)
    en = dict(english)  # the English of a key is the key itself, but for the short keys of L_pair
    zh = dict(pairs)
    for key, texts in GRADIO_MISSING.items():
        en.setdefault(key, texts[i18n.EN])
        zh.setdefault(key, texts[i18n.ZH])
    return gr.I18n(en=en, **{i18n.ZH: zh})


class Languages:
    """The language each browser session's page shows (set on page load and by the switch), bounded."""

    MAX = 10_000

    def __init__(self):
        self._by_session: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def set(self, session: str | None, lang: str) -> None:
        if not session:
            return
        with self._lock:
            self._by_session[session] = lang
            self._by_session.move_to_end(session)
            while len(self._by_session) > self.MAX:
                self._by_session.popitem(last=False)

    def get(self, session: str | None) -> str | None:
        with self._lock:
            return self._by_session.get(session) if session else None


# The sessions' languages, shared by every AppContext of the process (like the model cache): a handler wrapped
# without its context (keep_results' message box) reads the same choice as the handler itself.
SESSIONS = Languages()


def request_language(request, languages: Languages | None = None) -> str:
    """The language for this request: the session's page, else Accept-Language, else English."""
    if request is None:
        return i18n.EN
    chosen = languages.get(getattr(request, "session_hash", None)) if languages else None
    if chosen:
        return chosen
    headers = getattr(request, "headers", None) or {}
    try:
        header = headers.get("accept-language") or headers.get("Accept-Language")
    except AttributeError:
        header = None
    return i18n.from_accept_language(header) or i18n.EN


def language(ctx=None) -> str:
    """The language of the event being handled (see the module docstring)."""
    return request_language(LocalContext.request.get(None), getattr(ctx, "languages", None) or SESSIONS)


def set_language(ctx, choice, request: gr.Request = None):
    """The page says which language it shows (on load, and when the switch changes): remember it for the
    session, so the handlers build their messages, notes and charts in it."""
    lang = i18n.normalize(choice) or request_language(request, None)
    ctx.languages.set(getattr(request, "session_hash", None), lang)
    return lang


# The page side. Gradio picks its locale from the browser; this runs once in the page and (1) makes a zh-*
# locale zh-CN, (2) lets ?lang= win, (3) switches the locale when the header's radio changes, through
# Gradio's own changeLocale (the module the page already loaded, found among the loaded resources).
LANGUAGE_JS = """
<script>
(() => {
  const known = (tag) => {
    tag = String(tag || '').trim().toLowerCase().replace('_', '-');
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
    return null;
  };
  async function setLocale(lang) {
    const urls = performance.getEntriesByType('resource').map(e => e.name)
      .filter(n => /\\/assets\\/core-[^/]+\\.js$/.test(n));
    for (const url of urls) {
      try { const m = await import(url); if (m.changeLocale) { m.changeLocale(lang); break; } } catch (e) {}
    }
  }
  // The language the page should show: ?lang=…, else the browser's (as Gradio reads it).
  window.pgLanguage = async () => {
    const asked = known(new URLSearchParams(window.location.search).get('lang'));
    const lang = asked || known(navigator.language) || 'en';
    if ((document.documentElement.lang || 'en') !== lang) await setLocale(lang);
    return lang;
  };
  window.pgSwitchLanguage = async (lang) => {
    lang = known(lang) || 'en';
    await setLocale(lang);
    const p = new URLSearchParams(window.location.search);
    p.set('lang', lang);
    history.replaceState(null, '', window.location.pathname + '?' + p.toString() + window.location.hash);
    return lang;
  };
})();
</script>
"""


def build_switch() -> gr.Radio:
    """The in-page switch: each language in its own words (not translated)."""
    return gr.Radio(choices=[(i18n.NAMES[code], code) for code in i18n.LANGUAGES], value=None, label=L("Language"),
                    show_label=False,
                    container=False, elem_id="pg-lang", elem_classes=["pg-lang"], min_width=160, scale=0)
