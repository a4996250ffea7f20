"""The lesson list: every lesson preset of every tab, in lecture order, grouped into the sections of the
classic introduction (Tokens, Next token, Decoding, Prompting, Inside the model, Bias).

This is what the lesson player shows, what a deep link (`?lesson=13`) resolves against, and what
docs/LESSONS.md is generated from (`python -m playground.lessons > docs/LESSONS.md`; a test checks
that the file matches). A tab whose preset file is not there (yet) is simply left out.

Pure: JSON presets in, records and text out. No torch, no gradio.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .i18n import EN, ZH, has, tr
from .presets import ASSETS, Preset, load_presets


@dataclass(frozen=True)
class Tab:
    presets: str  # assets/presets/<presets>.json
    id: str  # the gr.Tab id in the shell
    label: str


TABS = (
    Tab("tokenizer", "tokenizer", "Tokenizer"),
    Tab("next_token", "next-token", "Next token"),
    Tab("decoding", "decoding", "Decoding"),
    Tab("prompting", "prompting", "Prompting"),
    Tab("attention", "attention", "Attention"),
    Tab("embeddings", "embeddings", "Embeddings"),
    Tab("probes", "probes", "Bias probes"),
)

# (section, first lesson, last lesson), as in the lesson list the playground was written for
SECTIONS = (
    ("Tokens", 1, 4),
    ("Next token", 5, 9),
    ("Decoding", 10, 15),
    ("Prompting", 16, 18),
    ("Inside the model", 19, 22),
    ("Bias", 23, 23),
)


@dataclass(frozen=True)
class Lesson:
    """One lesson preset as the player lists it. `key` is what a deep link names: the lesson number, or
    number.part for a lesson with several presets (22.1, 22.2, …); `id` is the preset's own id (the tab's
    button is #lesson-<id>)."""

    number: int
    part: int  # 0 when the lesson has one preset, else 1, 2, …
    id: str
    tab: Tab
    title: str
    point: str
    notice: str
    section: str

    @property
    def key(self) -> str:
        return f"{self.number}.{self.part}" if self.part else str(self.number)

    def point_in(self, lang: str = EN) -> str:
        """The point in `lang`: its own translation, or (a point taken from the note) the translated note's first
        sentence."""
        if lang == EN or has(self.point, lang):
            return tr(self.point, lang)
        return first_sentence(tr(self.notice, lang))

    def as_json(self, lang: str = EN) -> dict:
        return {"key": self.key, "number": self.number, "id": self.id, "tab": self.tab.id,
                "tab_label": tr(self.tab.label, lang), "title": tr(self.title, lang), "point": self.point_in(lang),
                "section": tr(self.section, lang)}


def section_of(number: int) -> str:
    for name, first, last in SECTIONS:
        if first <= number <= last:
            return name
    return "More"


_MARKUP = re.compile(r"[*_`]")


def first_sentence(markdown: str, limit: int = 160) -> str:
    """A notice's first sentence, markup removed: the point of a preset that names none."""
    plain = _MARKUP.sub("", markdown).strip()
    match = re.match(r"(.+?(?:[.!?](?=\s|$)|[。！？]))", plain)
    sentence = match.group(1) if match else plain
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def _point(preset: Preset) -> str:
    return str(preset.params.get("point") or first_sentence(preset.notice))


def _title(preset: Preset) -> str:
    """The preset's title without its leading "13 · " (the player prints the number itself)."""
    return re.sub(r"^\s*\d+\s*·\s*", "", preset.title)


@lru_cache(maxsize=None)
def all_lessons() -> tuple[Lesson, ...]:
    """Every preset of every tab whose preset file exists, ordered by lesson number (then as in its file)."""
    found = []
    for order, tab in enumerate(TABS):
        if not (ASSETS / "presets" / f"{tab.presets}.json").exists():
            continue
        for n, preset in enumerate(load_presets(tab.presets)):
            found.append(((preset.lesson, order, n), tab, preset))
    found.sort(key=lambda item: item[0])
    counts: dict[int, int] = {}
    for _, _, preset in found:
        counts[preset.lesson] = counts.get(preset.lesson, 0) + 1
    lessons, seen = [], {}
    for _, tab, preset in found:
        seen[preset.lesson] = seen.get(preset.lesson, 0) + 1
        part = seen[preset.lesson] if counts[preset.lesson] > 1 else 0
        lessons.append(Lesson(number=preset.lesson, part=part, id=preset.id, tab=tab, title=_title(preset),
                              point=_point(preset), notice=preset.notice, section=section_of(preset.lesson)))
    return tuple(lessons)


def find(query, lessons: tuple[Lesson, ...] | None = None) -> Lesson | None:
    """The lesson a deep link names: "13", "22.2" or a preset id ("top-k-top-p"); None when there is none."""
    lessons = all_lessons() if lessons is None else lessons
    q = str(query or "").strip().lower()
    if not q:
        return None
    for lesson in lessons:
        if q in (lesson.key, lesson.id):
            return lesson
    if q.isdigit():  # a lesson of several parts: its first
        return next((lesson for lesson in lessons if lesson.number == int(q)), None)
    return None


def grouped(lessons: tuple[Lesson, ...] | None = None) -> list[tuple[str, list[Lesson]]]:
    """(section, its lessons) in order; sections with no lesson here are left out."""
    lessons = all_lessons() if lessons is None else lessons
    out: list[tuple[str, list[Lesson]]] = []
    for lesson in lessons:
        if not out or out[-1][0] != lesson.section:
            out.append((lesson.section, []))
        out[-1][1].append(lesson)
    return out


def markdown(lessons: tuple[Lesson, ...] | None = None) -> str:
    """docs/LESSONS.md: the lesson list with each lesson's point, tab and deep link."""
    lessons = all_lessons() if lessons is None else lessons
    lines = [
        "# Lessons",
        "",
        "<!-- Generated from assets/presets/*.json by `python -m playground.lessons > docs/LESSONS.md`;",
        "     tests/test_lessons.py fails when this file and the presets disagree. -->",
        "",
        "Every lesson is one click: the **Lessons** view (the app's first tab) lists them in this order, its",
        "Previous and Next buttons walk a lecture through them, and each opens its tab with the inputs",
        "filled and run. A deep link opens one lesson and runs it: `http://127.0.0.1:7860/?lesson=13`",
        "(a lesson of several parts: `?lesson=22.2`; a preset id works too). Add `&projector=1` for",
        "projector mode. Where a lesson names a model this machine cannot load (GPT-2, BERT offline), it",
        "runs on the packaged model of the same family and its note says so.",
        "",
    ]
    for section, items in grouped(lessons):
        lines += [f"## {section}", "", "| lesson | tab | what it shows | link |", "|---|---|---|---|"]
        for lesson in items:
            point = lesson.point.replace("|", "\\|")
            lines.append(f"| {lesson.key} · {lesson.title} | {lesson.tab.label} | {point} | `?lesson={lesson.key}` |")
        lines.append("")
    return "\n".join(lines)


def markdown_zh(lessons: tuple[Lesson, ...] | None = None) -> str:
    """docs/LESSONS.zh-CN.md: the same list in Chinese, each lesson with its whole "what to notice" note."""
    lessons = all_lessons() if lessons is None else lessons
    lines = [
        "# 课程",
        "",
        "<!-- 由 assets/presets/*.json 和翻译表（playground/i18n_zh*.py）生成：",
        "     `python -m playground.lessons --lang zh-CN > docs/LESSONS.zh-CN.md`；本文件与它们不一致时 tests/test_lessons.py 会失败。 -->",
        "",
        "每一课都只需点一下：**课程** 视图（应用的第一个标签页）按这个顺序列出它们，“上一课”和“下一课”按钮带着一堂课",
        "依次讲下去，每一课都会打开对应的标签页、填好输入并运行。深度链接可以直接打开并运行某一课：",
        "`http://127.0.0.1:7860/?lesson=13&lang=zh-CN`（分几部分的课：`?lesson=22.2`；也可以用预设的 id）。",
        "加上 `&projector=1` 进入投影模式。如果某一课指定的模型在本机无法加载（离线时的 GPT-2、BERT），",
        "它会改用同一类别中随应用打包的模型，并在说明中注明。",
        "",
    ]
    for section, items in grouped(lessons):
        lines += [f"## {tr(section, ZH)}", ""]
        for lesson in items:
            lines += [f"### {lesson.key} · {tr(lesson.title, ZH)}（{tr(lesson.tab.label, ZH)}，`?lesson={lesson.key}`）",
                      "", f"**要点：** {lesson.point_in(ZH)}", "", f"**留意：** {tr(lesson.notice, ZH)}", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(markdown_zh() if sys.argv[1:] == ["--lang", ZH] else markdown(), end="")
