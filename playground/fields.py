"""Strict values at the API edge: what a caller sends is checked field by field before anything runs.

An API caller (gradio_client, raw HTTP) can send any JSON: a string where a number goes, NaN, a list
where text goes, a lone UTF-16 surrogate. Each function here returns the value in the type the
compute layer expects, or raises an InputError that names the field, says what is wrong and what is
allowed. Nothing is clamped: an out-of-range value is an error with the range. `json_safe` makes an
answer strict JSON (NaN and ±inf become null), so a strict parser never rejects it.

Pure: no torch, no gradio.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

from .errors import InputError

_TYPE_NAMES = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "an object",
               type(None): "nothing (null)"}


def _kind(value) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _shown(value) -> str:
    """A wrong value as the caller sent it, in JSON's words: true, null, the text '3', a list."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, (list, dict)):
        return _kind(value)
    return repr(value)[:40]


def text(value, field: str, *, max_chars: int, required: bool = False, default: str = "") -> str:
    """Text, checked: a string (null means `default`), valid Unicode, at most `max_chars` characters."""
    if value is None:
        value = default
    if not isinstance(value, str):
        raise InputError("{field} must be text; got {kind}.", field=field, kind=_kind(value))
    for i, ch in enumerate(value):
        if "\ud800" <= ch <= "\udfff":
            raise InputError("{field} has an invalid character at position {i} (a lone surrogate, U+{code}, "
                             "half of an emoji or a symbol that was cut): remove it or paste the text again.",
                             field=field, i=i, code=f"{ord(ch):04X}")
    if len(value) > max_chars:
        raise InputError("{field} has {n:,} characters, {over:,} over the limit of {limit:,}. Shorten it.",
                         field=field, n=len(value), over=len(value) - max_chars, limit=max_chars)
    if required and not value.strip():
        raise InputError("{field} is empty: type something.", field=field)
    return value


def boolean(value, field: str) -> bool:
    """true or false, nothing else (the string "false" is not false, so it is refused)."""
    if isinstance(value, bool):
        return value
    raise InputError("{field} must be true or false; got {got}.", field=field, got=_shown(value))


def number(value, field: str, lo: float, hi: float, *, whole: bool = False) -> float | int:
    """A finite number from lo to hi (a whole number with `whole`); strings, lists, NaN and ±inf are refused."""
    span = dict(field=field, lo=_fmt(lo), hi=_fmt(hi))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if whole:
            raise InputError("{field} must be a whole number from {lo} to {hi}; got {got}.", **span, got=_shown(value))
        raise InputError("{field} must be a number from {lo} to {hi}; got {got}.", **span, got=_shown(value))
    if not math.isfinite(value):
        raise InputError("{field} must be a finite number from {lo} to {hi}; got {got}.", **span, got=str(value))
    if whole and value != int(value):
        raise InputError("{field} must be a whole number from {lo} to {hi}; got {got}.", **span, got=str(value))
    if not lo <= value <= hi:
        raise InputError("{field} must be from {lo} to {hi}; got {got}.", **span, got=_fmt(value))
    return int(value) if whole else float(value)


def choice(value, field: str, options: Iterable[str]) -> str:
    options = list(options)
    if not isinstance(value, str) or value not in options:
        raise InputError("{field} must be one of: {items}; got {shown_value}.", field=field,
                         items=', '.join(repr(o) for o in options), shown_value=_shown(value))
    return value


def rows(value, field: str, *, max_rows: int, max_chars: int) -> list[list[str]]:
    """A table of text cells ([[input, output], …]); null is no rows."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(r, list) for r in value):
        raise InputError("{field} must be a list of rows, each a list of text cells, e.g. [[\"input\", \"output\"]]; "
                         "got {kind_value}.", field=field, kind_value=_kind(value))
    if len(value) > max_rows:
        raise InputError("{field} has {n} rows, {len_value_max_rows} over the limit of {max_rows}.", field=field,
                         n=len(value), len_value_max_rows=len(value) - max_rows, max_rows=max_rows)
    return [[text(cell, f"{field}, row {n + 1}", max_chars=max_chars) for cell in row] for n, row in enumerate(value)]


def json_safe(value: Any) -> Any:
    """The same data with every NaN and ±inf replaced by null, so the answer is strict JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def _fmt(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"
