"""Labelled data sets: the bundled ones (assets/datasets) and CSV uploads (text,label), checked."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError
from ...presets import ASSETS

DATASETS = ASSETS / "datasets"
MAX_CSV_BYTES = 1_000_000  # an upload bigger than this is refused: the evaluation is for teaching, not benchmarks
MAX_EXAMPLES = 1000
MAX_TEXT_CHARS = 2000  # one example's text


@dataclass(frozen=True)
class Example:
    text: str
    label: str


def dataset_names() -> list[str]:
    return sorted(p.stem for p in DATASETS.glob("*.csv"))


def load_dataset(name: str) -> tuple[Example, ...]:
    """A data set shipped in assets/datasets, by name (reviews, en-fr)."""
    names = dataset_names()
    if name not in names:
        raise InputError("No data set {name!r}. Choose one of: {items}; or upload a CSV.", name=name,
                         items=', '.join(names))
    return parse_csv((DATASETS / f"{name}.csv").read_bytes(), source=f"{name}.csv")


def parse_csv(data: bytes | str | Path, *, source: str = "the CSV") -> tuple[Example, ...]:
    """Examples from a CSV with a header row text,label (other columns are ignored), UTF-8."""
    if isinstance(data, Path):
        if data.stat().st_size > MAX_CSV_BYTES:
            raise InputError("{source} is {value:.1f} MB; the limit is {limit_mb:.0f} MB "
                             "({max_examples} examples). Upload a sample of it.", source=source,
                             value=data.stat().st_size / 1e6, limit_mb=MAX_CSV_BYTES / 1e6,
                             max_examples=MAX_EXAMPLES)
        data = data.read_bytes()
    if isinstance(data, str) and len(data) > MAX_CSV_BYTES // 4 and len(data.encode("utf-8", "replace")) > MAX_CSV_BYTES:
        raise InputError("{source} is {value:.1f} MB; the limit is {limit_mb:.0f} MB ({max_examples} "
                         "examples). Send a sample of it.", source=source,
                         value=len(data.encode('utf-8', 'replace')) / 1e6, limit_mb=MAX_CSV_BYTES / 1e6,
                         max_examples=MAX_EXAMPLES)
    if isinstance(data, bytes):
        if len(data) > MAX_CSV_BYTES:
            raise InputError("{source} is {len_data_1e6:.1f} MB; the limit is {limit_mb:.0f} MB "
                             "({max_examples} examples). Upload a sample of it.", source=source,
                             len_data_1e6=len(data) / 1e6, limit_mb=MAX_CSV_BYTES / 1e6,
                             max_examples=MAX_EXAMPLES)
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError("{source} is not UTF-8 text (byte {start}). Save it as CSV UTF-8 and upload it "
                             "again.", source=source, start=exc.start) from None
    if "\x00" in data:
        raise InputError("{source} looks like a binary file, not a CSV: save it as CSV UTF-8.", source=source)
    try:
        reader = csv.DictReader(io.StringIO(data))
        fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise InputError("{source} could not be read as CSV: {exc}.", source=source, exc=exc) from None
    if "text" not in fields or "label" not in fields:
        raise InputError("{source} needs a header row with the columns text and label; it has {value}. Example "
                         "first line: text,label", source=source,
                         value=', '.join(repr(f) for f in fields) or 'no header')
    reader.fieldnames = fields
    examples = []
    try:
        for n, row in enumerate(reader, 2):
            text, label = (row.get("text") or "").strip(), (row.get("label") or "").strip()
            if not text and not label:
                continue
            if not text or not label:
                raise InputError("{source}, line {n}: every row needs both a text and a label.", source=source,
                                 n=n)
            if len(text) > MAX_TEXT_CHARS:
                raise InputError("{source}, line {n}: the text is {n2:,} characters; the limit per example is "
                                 "{max_text_chars:,}.", source=source, n=n, n2=len(text),
                                 max_text_chars=MAX_TEXT_CHARS)
            examples.append(Example(text, label))
            if len(examples) > MAX_EXAMPLES:
                raise InputError("{source} has more than {max_examples} examples; upload a sample of it.",
                                 source=source, max_examples=MAX_EXAMPLES)
    except csv.Error as exc:
        raise InputError("{source} could not be read as CSV: {exc}.", source=source, exc=exc) from None
    if not examples:
        raise InputError("{source} has a header but no examples.", source=source)
    return tuple(examples)
