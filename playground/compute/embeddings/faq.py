"""A small FAQ matched by similarity (the textbook's closing challenge): embed the FAQ's questions and a
new question with the same sentence embedding, and answer with the entries whose questions are most
similar. Meaning, not shared words, decides; and what a sentence embedding cannot see, it cannot match:
a negation barely moves the vector, and a question that shares the keywords but asks something else can
still score high. A threshold says when no entry is close enough.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...errors import InputError
from ...presets import ASSETS
from ..lm import LM
from .sentences import MAX_SENTENCE_CHARS, embed
from .checks import check_count

FAQ_FILE = ASSETS / "faq" / "playground-faq.json"
MAX_ENTRIES = 200
MATCH_ON = ("question", "question and answer")
THRESHOLD = 0.4  # all-MiniLM-L6-v2: a paraphrase with no shared keyword scores about 0.44, an unrelated question 0.1-0.3


@dataclass(frozen=True)
class FaqEntry:
    question: str
    answer: str


@dataclass(frozen=True)
class FaqMatch:
    rank: int
    index: int  # the entry's row in the FAQ, from 0
    question: str
    answer: str
    similarity: float


@dataclass(frozen=True)
class FaqResult:
    model: str
    query: str
    matches: tuple[FaqMatch, ...]  # best first
    threshold: float
    match_on: str
    recipe: str
    stand_in: bool

    @property
    def confident(self) -> bool:
        return bool(self.matches) and self.matches[0].similarity >= self.threshold

    def as_json(self) -> dict:
        return {"model": self.model, "query": self.query, "threshold": self.threshold, "match_on": self.match_on,
                "confident": self.confident, "recipe": self.recipe,
                "matches": [{"rank": m.rank, "index": m.index, "question": m.question, "answer": m.answer,
                             "similarity": m.similarity} for m in self.matches]}


def load_faq(path: Path = FAQ_FILE) -> tuple[FaqEntry, ...]:
    """The FAQ shipped with the app (assets/faq/, written for this project)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return tuple(FaqEntry(e["question"], e["answer"]) for e in data["entries"])


def parse_faq(rows) -> tuple[FaqEntry, ...]:
    """Entries from table rows [question, answer] (a list of lists, or anything with .values.tolist(), such as
    the pandas DataFrame gr.Dataframe hands over). Fully empty rows are skipped; a row with an answer and no
    question, or a question and no answer, is refused."""
    if hasattr(rows, "values") and hasattr(rows.values, "tolist"):
        rows = rows.values.tolist()
    if not isinstance(rows, (list, tuple)):
        raise InputError("The FAQ must be a table of question and answer rows; got {type}.",
                         type=type(rows).__name__)
    entries = []
    for i, row in enumerate(rows, 1):
        if isinstance(row, dict):
            row = [row.get("question", ""), row.get("answer", "")]
        if not isinstance(row, (list, tuple)) or len(row) < 2:
            raise InputError("FAQ row {i} needs two cells: a question and its answer.", i=i)
        q, a = ("" if c is None or c != c else str(c).strip() for c in row[:2])  # c != c: a NaN cell
        if not q and not a:
            continue
        if not q or not a:
            raise InputError("FAQ row {i} has {value}: fill it in or clear the row.", i=i,
                             value='an answer but no question' if a else 'a question but no answer')
        if len(q) + len(a) > MAX_SENTENCE_CHARS:
            raise InputError("FAQ row {i} is over {max_sentence_chars:,} characters. Shorten it.", i=i,
                             max_sentence_chars=MAX_SENTENCE_CHARS)
        entries.append(FaqEntry(q, a))
    if not entries:
        raise InputError("The FAQ is empty: add at least one question with its answer.")
    if len(entries) > MAX_ENTRIES:
        raise InputError("The FAQ has {n:,} entries; the limit is {max_entries}.", n=len(entries),
                         max_entries=MAX_ENTRIES)
    return tuple(entries)


def match_faq(lm: LM, query, entries, *, k=3, threshold: float = THRESHOLD, match_on: str = "question",
              pooling: str = "auto") -> FaqResult:
    """The k entries whose question (or question and answer) is most similar to `query`, best first."""
    if not isinstance(query, str) or not query.strip():
        raise InputError("Type a question to match against the FAQ.")
    entries = parse_faq(entries) if not (entries and isinstance(entries[0], FaqEntry)) else tuple(entries)
    k = min(check_count(k, "The number of answers", 1, 10), len(entries))  # a short FAQ gives what it has
    if match_on not in MATCH_ON:
        raise InputError("Match on {items}; got {match_on!r}.", items=' or '.join(map(repr, MATCH_ON)),
                         match_on=match_on)
    try:
        threshold = float(threshold)
    except (TypeError, ValueError):
        raise InputError("The threshold must be a number from -1 to 1; got {threshold!r}.",
                         threshold=threshold) from None
    if not -1.0 <= threshold <= 1.0:
        raise InputError("The threshold must be from -1 to 1 (a cosine similarity); got {threshold}.",
                         threshold=threshold)
    sides = [e.question if match_on == "question" else f"{e.question} {e.answer}" for e in entries]
    result = embed(lm, [query.strip(), *sides], pooling)
    sims = result.similarity[0, 1:]
    order = np.argsort(-sims, kind="stable")[:k]
    matches = tuple(FaqMatch(r + 1, int(i), entries[i].question, entries[i].answer, float(sims[i]))
                    for r, i in enumerate(order))
    return FaqResult(result.model, query.strip(), matches, threshold, match_on, result.recipe, result.stand_in)
