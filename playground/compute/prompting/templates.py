"""Label words and templates: what a prompt says and which words are scored as its answers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...errors import InputError
from ..lm import GENERIC_MASKS

MAX_LABELS = 12
SENTIMENT_TEMPLATE = "Review: {text}\nSentiment:"
SENTIMENT_LABELS = "positive: positive\nnegative: negative"


@dataclass(frozen=True)
class Label:
    name: str
    verbalizer: str  # the text scored, as the model reads it after the prompt (" positive")


# A template that ends in Chinese (a character or full-width punctuation, "情感：") is followed by its label with no
# space: Chinese writes none between words.
_CJK_END = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]$")


def mask_in(template: str) -> str | None:
    for m in GENERIC_MASKS:
        if m in template:
            return m
    return None


def check_template(template, family: str = "causal") -> str:
    """The template, checked: it must be text with one {text}; a masked LM needs a [MASK] for the label."""
    if not isinstance(template, str) or not template.strip():
        raise InputError("The template is empty. Write one with {{text}} where the input goes, e.g. "
                         "{sentiment_template!r}.", sentiment_template=SENTIMENT_TEMPLATE)
    if "{text}" not in template:
        raise InputError("The template has no {{text}}: put {{text}} where the input goes, e.g. "
                         "{sentiment_template!r}.", sentiment_template=SENTIMENT_TEMPLATE)
    if template.count("{text}") > 1:
        raise InputError("The template has {text} more than once: keep one.")
    if family == "masked" and mask_in(template) is None:
        raise InputError("A masked LM scores the label at a mask: put [MASK] in the template where the label "
                         "word goes, e.g. \"Review: {text} Sentiment: [MASK].\"")
    if family == "masked" and sum(template.count(m) for m in GENERIC_MASKS) > 1:
        raise InputError("The template has more than one mask: keep one [MASK], where the label word goes.")
    return template


def fill(template: str, text: str) -> str:
    """The template with the input in place of {text} (plain replacement: braces in the text are kept)."""
    return template.replace("{text}", text)


def parse_labels(raw, template: str = "") -> tuple[Label, ...]:
    """Labels from "name: verbalizer" lines (or "name" alone), a list of names, [name, verbalizer] pairs,
    {"name": ..., "verbalizer": ...} dicts, or a {name: verbalizer} dict.

    A verbalizer left out is the name with a leading space (" positive": how the word follows a prompt
    in running text), or the bare name when the template ends in whitespace or at a mask."""
    items: list[tuple[str, str | None]] = []
    if isinstance(raw, dict):
        items = [(str(k), None if v is None else str(v)) for k, v in raw.items()]
    elif isinstance(raw, str):
        for line in raw.replace(",", "\n").splitlines() if ":" not in raw else raw.splitlines():
            line = line.strip()
            if not line:
                continue
            name, sep, verb = line.partition(":")
            items.append((name.strip(), verb.strip() if sep else None))
    elif isinstance(raw, (list, tuple)):
        for item in raw:
            if isinstance(item, str):
                items.append((item.strip(), None))
            elif isinstance(item, dict) and "label" in item or isinstance(item, dict) and "name" in item:
                verb = item.get("verbalizer")
                items.append((str(item.get("label", item.get("name", ""))).strip(), None if verb is None else str(verb)))
            elif isinstance(item, (list, tuple)) and 1 <= len(item) <= 2:
                items.append((str(item[0]).strip(), str(item[1]) if len(item) == 2 and item[1] is not None else None))
            else:
                raise InputError("Could not read the label {item!r}: give a name, or a name and a verbalizer.",
                                 item=item)
    elif raw is None:
        items = []
    else:
        raise InputError("Labels must be text (one \"label: verbalizer\" per line) or a list.")
    if not items:
        raise InputError("No labels. Give at least two, one per line as \"label: verbalizer\", "
                         "e.g.\n{sentiment_labels}", sentiment_labels=SENTIMENT_LABELS)
    bare = (not template) or template != template.rstrip() or template.rstrip().endswith(tuple(GENERIC_MASKS)) \
        or mask_in(template) is not None or _CJK_END.search(template) is not None
    labels, seen = [], set()
    for name, verb in items:
        if not name:
            raise InputError("A label has no name: write \"name: verbalizer\", e.g. \"positive: great\".")
        if name.lower() in seen:
            raise InputError("The label {name!r} appears twice: each label once.", name=name)
        seen.add(name.lower())
        if verb is None or not verb.strip():
            verb = name if bare else " " + name
        elif not bare and not verb.startswith((" ", "\n")):
            verb = " " + verb  # "positive: great" means the word " great" after the prompt
        labels.append(Label(name, verb))
    if len(labels) < 2:
        raise InputError("Give at least two labels to choose between (one per line, e.g. \"positive: positive\").")
    if len(labels) > MAX_LABELS:
        raise InputError("{n} labels is more than the {max_labels} this view compares; keep fewer.",
                         n=len(labels), max_labels=MAX_LABELS)
    return tuple(labels)
