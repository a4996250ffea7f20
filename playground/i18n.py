"""The app's one translation table, and how text is looked up in it: English and 简体中文.

Keys are the English texts themselves (gettext's msgid model): a template with `str.format` fields, such as
"Up to {limit:,} characters.". English needs no table (the key is the text, so English output is what the
code always wrote, byte for byte); Chinese is the `ZH_CN` table (playground/i18n_zh.py), English key ->
Chinese template with the same fields. A key missing from the table falls back to English.

Used on both sides:
- component text (labels, buttons, hints, tab names, Markdown) goes to Gradio's `gr.I18n` (playground/ui/lang.py
  builds it from this table and the formatted texts the UI registered), translated in the browser;
- text built on the server (messages, notices, figure titles, the views' HTML) is looked up here with `tr`,
  in the language the handler was given; views take `lang` as an argument and stay pure.

The compute layer stays language-free: its errors carry their English template and parameters
(errors.InputError("… {field} …", field=…)), and the UI boundary translates them (`error_message`).

Pure: no gradio, no torch.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from functools import lru_cache

EN = "en"
ZH = "zh-CN"
LANGUAGES = (EN, ZH)
NAMES = {EN: "English", ZH: "简体中文"}  # what the in-page switch shows: each language in its own words


def _table(lang: str) -> dict[str, str]:
    if lang == ZH:
        from .i18n_zh import ZH_CN
        return ZH_CN
    return {}


@lru_cache(maxsize=None)
def _patterns(lang: str) -> tuple[tuple[re.Pattern, str], ...]:
    """Texts the compute layer builds with numbers or names in them ("layer 3", "at [MASK] (1 of 2)"): a regular
    expression over the English and the translation, its named groups as fields (a group named t_… is itself
    looked up in the table)."""
    if lang != ZH:
        return ()
    from .i18n_zh import PATTERNS
    return tuple((re.compile(rx), template) for rx, template in PATTERNS)


def _by_pattern(text: str, lang: str) -> str | None:
    for rx, template in _patterns(lang):
        if (m := rx.fullmatch(text)) is not None:
            fields = {k: (tr(v, lang) if k.startswith("t_") else v) for k, v in m.groupdict().items()}
            return template.format(**fields)
    return None


def normalize(tag: str | None) -> str | None:
    """A language tag as the app knows it (zh, zh-cn, zh-Hans-CN, zh_TW… -> zh-CN; en, en-GB -> en), else None."""
    if not isinstance(tag, str):
        return None
    tag = tag.strip().replace("_", "-").lower()
    if tag.startswith("zh"):
        return ZH
    if tag == "en" or tag.startswith("en-"):
        return EN
    return None


def from_accept_language(header: str | None) -> str | None:
    """The best language of an Accept-Language header ("zh-CN,zh;q=0.9,en;q=0.8") the app has, or None."""
    if not header:
        return None
    ranked = []
    for n, part in enumerate(header.split(",")):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((-weight, n, tag))
    for _, _, tag in sorted(ranked):
        if (lang := normalize(tag)) is not None:
            return lang
    return None


class _Params(dict):
    """Format fields: a missing one stays as it was written (a template is never an error to show)."""

    def __missing__(self, key):
        return "{" + key + "}"


_FIELD = re.compile(r"\{(\w+)")


def fields_of(template: str) -> set[str]:
    return set(_FIELD.findall(template))


# Parameters that name a part of the UI (a field's label in an error, a tab, a kind of value): translated too.
# Every other parameter (a token, a model name, a number) is shown as it is.
NAMED = frozenset({"field", "tab", "kind", "what", "label", "mark", "got", "why", "family", "feature", "capability"})


def tr(text: str, lang: str = EN, /, **params) -> str:
    """`text` (an English key) in `lang`, its fields filled from `params` (those in NAMED translated too)."""
    if lang == EN:
        template = text
    elif text in _table(lang):
        template = _table(lang)[text]
    else:
        template = (_by_pattern(text, lang) if not params and isinstance(text, str) else None) or text
    if not params:
        return template
    if lang != EN:
        params = {k: (tr(v, lang) if k in NAMED and isinstance(v, str) else v) for k, v in params.items()}
    try:
        return string.Formatter().vformat(template, (), _Params(params))
    except (ValueError, IndexError, KeyError):
        return template


def translator(lang: str) -> Callable[..., str]:
    """`tr` with the language bound: what a view takes as `t`."""
    def t(text: str, /, **params) -> str:
        return tr(text, lang, **params)
    return t


def has(text: str, lang: str = ZH) -> bool:
    return text in _table(lang) or (lang != EN and _by_pattern(text, lang) is not None)


def error_message(exc: BaseException, lang: str = EN) -> str:
    """An InputError / ModelUnavailable (or any exception) as the user reads it in `lang`: its template and
    parameters translated when it has them (errors.py), else its whole English message looked up, else as is."""
    message = str(exc.message) if hasattr(exc, "message") else str(exc)  # gr.Error keeps its text in .message
    if lang == EN:
        return message
    template = getattr(exc, "template", None)
    if template and has(template, lang):
        return tr(template, lang, **getattr(exc, "params", {}))
    return tr(message, lang)
