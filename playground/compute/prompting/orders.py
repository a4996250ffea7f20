"""Order sensitivity: the same demonstrations in several orders, and how much the answer moves."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from itertools import permutations as _permutations

import numpy as np

from ...errors import InputError
from ..lm import LM
from .fewshot import whole_number
from .metrics import evaluate
from .scoring import as_labels, classify, need_lm
from .templates import check_template


@dataclass(frozen=True)
class OrderRun:
    order: tuple[int, ...]  # demonstration indices, as used
    probs: tuple[float, ...]  # the query's label probabilities
    prediction: str
    accuracy: float | None  # on the evaluation examples, when given


@dataclass(frozen=True)
class OrderSensitivity:
    labels: tuple[str, ...]
    runs: tuple[OrderRun, ...]
    query: str
    notices: tuple[str, ...] = field(default=())

    def spread(self) -> dict:
        p = np.array([r.probs for r in self.runs])
        out = {"min": p.min(0).tolist(), "max": p.max(0).tolist(), "mean": p.mean(0).tolist()}
        acc = [r.accuracy for r in self.runs if r.accuracy is not None]
        if acc:
            out["accuracy_min"], out["accuracy_max"] = min(acc), max(acc)
        return out


MAX_PERMUTATIONS = 24


def order_sensitivity(lm: LM, template: str, query: str, demos, labels, *, permutations: int = 6, seed: int = 0,
                      examples=(), instruction: str = "", separator: str = "\n\n", calibrated: bool = False,
                      length_normalised: bool = False, report=None, max_tokens: int = 1024) -> OrderSensitivity:
    """The same demonstrations in several orders: the query's label probabilities (and, with examples, the
    accuracy) under each. The orders are the first permutations of a seeded shuffle, the entered order first."""
    b = need_lm(lm)
    template = check_template(template, b.family)
    labels = as_labels(labels, template)
    demos = tuple(demos)
    if len(demos) < 2:
        raise InputError("Order sensitivity needs at least two demonstrations to reorder: add rows to the table.")
    n = whole_number(permutations, "The number of orders", 2, MAX_PERMUTATIONS)
    notices = []
    total = math.factorial(len(demos))
    if n > total:
        notices.append(f"{len(demos)} demonstrations have only {total} orders: running all of them.")
        n = total
    if total <= 720:
        pool = list(_permutations(range(len(demos))))
        first = pool.pop(0)
        random.Random(seed).shuffle(pool)
        orders = [first] + pool[: n - 1]
    else:
        rng, orders = random.Random(seed), [tuple(range(len(demos)))]
        while len(orders) < n:
            o = tuple(rng.sample(range(len(demos)), len(demos)))
            if o not in orders:
                orders.append(o)
    runs = []
    for r, order in enumerate(orders):
        used = [demos[i] for i in order]
        if report is not None:
            report(r, len(orders))
        c = classify(b, query, template, labels, demos=used, instruction=instruction, separator=separator,
                     calibrated=calibrated, length_normalised=length_normalised, max_tokens=max_tokens)
        probs = tuple((s.calibrated if calibrated else s.prob) for s in c.labels)
        acc = None
        if examples:
            acc = evaluate(b, examples, template, labels, demos=used, instruction=instruction,
                           separator=separator, calibrated=calibrated, length_normalised=length_normalised,
                           max_tokens=max_tokens).accuracy
        runs.append(OrderRun(tuple(order), probs, c.calibrated_prediction or c.prediction, acc))
    return OrderSensitivity(tuple(lab.name for lab in labels), tuple(runs), query, tuple(notices))
