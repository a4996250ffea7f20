"""Few-shot prompts: demonstrations, the instruction and the query, joined exactly as the model reads them."""

from __future__ import annotations

import math
import random

from ...errors import InputError
from .templates import Label, fill, mask_in

MAX_DEMOS = 32


def parse_demos(rows) -> tuple[tuple[str, str], ...]:
    """Demonstrations (input, output) from table rows; blank rows are skipped, half-filled ones refused."""
    demos = []
    for n, row in enumerate(rows or [], 1):
        cells = ["" if c is None or (isinstance(c, float) and math.isnan(c)) else str(c).strip() for c in list(row)[:2]]
        cells += [""] * (2 - len(cells))
        if not any(cells):
            continue
        if not all(cells):
            raise InputError("Demonstration {n} has an input but no output (or the other way round): fill both.",
                             n=n)
        demos.append((cells[0], cells[1]))
    if len(demos) > MAX_DEMOS:
        raise InputError("{n} demonstrations is more than {max_demos}; a few-shot prompt needs a handful.",
                         n=len(demos), max_demos=MAX_DEMOS)
    return tuple(demos)


def answer_text(template: str, output: str, labels: tuple[Label, ...]) -> str:
    """A demonstration's answer as it is written after the template: its label's verbalizer when the output
    names a label, else the output itself, spaced the way a verbalizer is."""
    for lab in labels:
        if output.strip().lower() == lab.name.lower():
            return lab.verbalizer
    if template != template.rstrip() or mask_in(template):
        return output
    return " " + output.lstrip()


def demo_text(template: str, text: str, output: str, labels: tuple[Label, ...] = ()) -> str:
    """One solved demonstration: the template with its input, and its answer after it (or at the mask)."""
    filled = fill(template, text)
    mask = mask_in(template)
    if mask:
        return filled.replace(mask, answer_text(template, output, labels).strip(), 1)
    return filled + answer_text(template, output, labels)


def build_prompt(template: str, query: str, demos=(), *, instruction: str = "", separator: str = "\n\n",
                 labels: tuple[Label, ...] = ()) -> str:
    """instruction, the solved demonstrations, then the query with its answer left for the model."""
    parts = [instruction.strip()] if instruction and instruction.strip() else []
    parts += [demo_text(template, i, o, labels) for i, o in demos]
    parts.append(fill(template, query))
    return separator.join(parts)


def choose_demos(demos, k: int | None = None, order: str = "as entered", seed: int = 0):
    """(the first k demonstrations, as entered or shuffled with a seed; their indices; notices)."""
    demos = tuple(demos)
    notices = []
    k = whole_number(len(demos) if k is None else k, "k (the number of demonstrations)", 0, MAX_DEMOS)
    if k > len(demos):
        notices.append(f"k = {k} but the table has {len(demos)} demonstration(s): using all {len(demos)}.")
        k = len(demos)
    idx = list(range(len(demos)))
    if order == "shuffled":
        random.Random(whole_number(seed, "The seed", 0, 2**31 - 1)).shuffle(idx)
    elif order != "as entered":
        raise InputError("Unknown order {order!r}: choose \"as entered\" or \"shuffled\".", order=order)
    idx = idx[:k]
    return tuple(demos[i] for i in idx), tuple(idx), tuple(notices)


def whole_number(value, what: str, lo: int, hi: int) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError("{what} must be a whole number from {lo} to {hi}.", what=what, lo=lo, hi=hi) from None
    if not math.isfinite(number) or number != int(number) or not lo <= number <= hi:
        raise InputError("{what} must be a whole number from {lo} to {hi}; got {value!r}.", what=what, lo=lo,
                         hi=hi, value=value)
    return int(number)
