"""Lesson presets: ready examples stored as JSON in assets/presets/, resolved against what can load here.

A preset names models in order of preference (the lesson's model first, then the packaged stand-in
of the same family). Resolving picks the first one available and says when it fell back.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from .errors import InputError
from .i18n import EN, tr

ASSETS = Path(__file__).resolve().parent.parent / "assets"


@dataclass(frozen=True)
class Preset:
    id: str
    lesson: int
    title: str
    text: str
    model: tuple[str, ...]
    compare: tuple[tuple[str, ...], ...]
    notice: str
    fallback_note: str = ""
    add_special_tokens: bool = True
    chat_template: bool = False
    open: tuple[str, ...] = ()
    panel: str = ""  # "" for the tab's own lesson bar; "attribution" for the tab's "Why this?" panel
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))  # the tab's own inputs


@dataclass(frozen=True)
class ResolvedPreset:
    preset: Preset
    model: str | None
    compare: tuple[str, ...]
    fell_back: bool  # a model the lesson names could not load here and a stand-in was used

    @property
    def notice_markdown(self) -> str:
        return self.notice_in(EN)

    def notice_in(self, lang: str = EN) -> str:
        """The lesson's "what to notice" note (and its offline note when a stand-in runs), in `lang`."""
        text = tr("**Lesson {n}. What to notice:** {notice}", lang, n=self.preset.lesson,
                  notice=tr(self.preset.notice, lang))
        if self.fell_back and self.preset.fallback_note:
            text += tr("\n\n*Offline:* {note}", lang, note=tr(self.preset.fallback_note, lang))
        return text

    def notice_for(self, picker: str | None, lang: str = EN) -> str:
        """The notice, and, when the lesson runs on another model than the picker's, a line that says so (a
        lesson never moves the shared picker: the next run of your own uses the picker's model again)."""
        text = self.notice_in(lang)
        if isinstance(picker, str) and picker and self.model and picker != self.model:
            mine, yours = html.escape(self.model), html.escape(picker)
            text += tr("\n\n*Model:* this lesson runs on **{mine}**; the model picker at the top stays on "
                       "**{yours}**, which your own runs use. Choose {mine} there to go on with the lesson's model.",
                       lang, mine=mine, yours=yours)
        return text


def title_in(title: str, lang: str = EN) -> str:
    """A lesson button's title ("13 · Top-k and top-p") in `lang`: the number kept, the words looked up."""
    number, sep, words = title.partition(" · ")
    return f"{number}{sep}{tr(words, lang)}" if sep and number.strip().isdigit() else tr(title, lang)


_COMMON = {f.name for f in fields(Preset)} - {"params"}


@lru_cache(maxsize=None)
def load_presets(tab: str, panel: str = "") -> tuple[Preset, ...]:
    """The tab's presets (with `panel`: those of that panel of the tab only). Keys other than Preset's own fields
    go to `params` (read-only)."""
    data = json.loads((ASSETS / "presets" / f"{tab}.json").read_text(encoding="utf-8"))
    presets = []
    for p in data["presets"]:
        common = {k: v for k, v in p.items() if k in _COMMON}
        common.update(
            model=tuple(p["model"]),
            compare=tuple(tuple(c) for c in p.get("compare", [])),
            open=tuple(p.get("open", [])),
        )
        params = {k: v for k, v in p.items() if k not in _COMMON}
        preset = Preset(**common, params=MappingProxyType(params))
        if preset.panel == panel:
            presets.append(preset)
    return tuple(presets)


def first_available(names, registry, *, probe_hub: bool = True) -> str | None:
    """The first of `names` that can load here (an unknown name is skipped), or None."""
    for name in names:
        try:
            if registry.availability(name, probe_hub=probe_hub).ok:
                return name
        except InputError:  # a name the catalog does not know is not available here
            continue
    return None


def resolve(preset: Preset, registry) -> ResolvedPreset:
    """Pick the first loadable model of each preference list; a list with none loadable is dropped."""
    model = first_available(preset.model, registry) or registry.default_name()
    compare = []
    for names in preset.compare:
        name = first_available(names, registry)
        if name and name not in compare:
            compare.append(name)
    fell_back = model != preset.model[0] or any(first_available(c, registry) != c[0] for c in preset.compare)
    return ResolvedPreset(preset=preset, model=model, compare=tuple(compare), fell_back=fell_back)
