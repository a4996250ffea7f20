"""Evaluation on a labelled data set: accuracy, the confusion matrix, per-class precision and recall,
zero-shot and few-shot prompts and a fine-tuned classifier on the same examples."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ...errors import InputError
from ..lm import CLASSIFY, LM, backend_of
from .datasets import Example
from .fewshot import build_prompt
from .scoring import CONTENT_FREE, as_labels, calibrate, label_logprobs, need_lm, normalise
from .templates import SENTIMENT_LABELS, SENTIMENT_TEMPLATE, check_template


@dataclass(frozen=True)
class Prediction:
    text: str
    gold: str
    predicted: str
    probs: tuple[float, ...]  # over the labels, after calibration when it is on

    @property
    def correct(self) -> bool:
        return self.gold == self.predicted


@dataclass(frozen=True)
class Evaluation:
    model: str
    method: str  # "zero-shot", "4-shot", "fine-tuned classifier"
    labels: tuple[str, ...]
    predictions: tuple[Prediction, ...]
    seconds: float
    calibrated: bool = False
    notices: tuple[str, ...] = ()
    template: str = ""

    @property
    def accuracy(self) -> float:
        return sum(p.correct for p in self.predictions) / len(self.predictions)

    @property
    def confusion(self) -> list[list[int]]:
        """confusion[gold][predicted], in the order of `labels`."""
        at = {lab: i for i, lab in enumerate(self.labels)}
        m = [[0] * len(self.labels) for _ in self.labels]
        for p in self.predictions:
            m[at[p.gold]][at[p.predicted]] += 1
        return m

    def per_class(self) -> list[dict]:
        m = self.confusion
        rows = []
        for i, lab in enumerate(self.labels):
            tp = m[i][i]
            predicted = sum(m[g][i] for g in range(len(self.labels)))
            support = sum(m[i])
            rows.append({"label": lab, "precision": tp / predicted if predicted else None,
                         "recall": tp / support if support else None, "support": support, "predicted": predicted})
        return rows

    @property
    def examples_per_second(self) -> float:
        return len(self.predictions) / self.seconds if self.seconds > 0 else float("inf")

    def as_json(self) -> dict:
        return {
            "model": self.model, "method": self.method, "labels": list(self.labels), "accuracy": self.accuracy,
            "confusion": self.confusion, "per_class": self.per_class(), "calibrated": self.calibrated,
            "examples": [{"text": p.text, "label": p.gold, "prediction": p.predicted,
                          "probs": dict(zip(self.labels, p.probs))} for p in self.predictions],
            "seconds": self.seconds, "notices": list(self.notices),
        }


def check_gold(examples, labels: tuple[str, ...]) -> None:
    names = {lab.lower(): lab for lab in labels}
    unknown = sorted({e.label for e in examples if e.label.lower() not in names})
    if unknown:
        raise InputError("The data set's label(s) {items} are not among the labels ({items2}). Give every label "
                         "that occurs in the data, or pick a data set with these labels.",
                         items=', '.join(map(repr, unknown[:5])), items2=', '.join(labels))


def canonical(examples, labels: tuple[str, ...]) -> list[Example]:
    names = {lab.lower(): lab for lab in labels}
    return [Example(e.text, names[e.label.lower()]) for e in examples]


def without_demos(examples, demos) -> tuple[list, list[str]]:
    """The examples that are not also demonstrations (those would be answered by copying), and a notice."""
    shown = {d[0].strip().lower() for d in demos}
    kept = [e for e in examples if e.text.strip().lower() not in shown]
    notices = [f"{len(examples) - len(kept)} example(s) are also demonstrations and were left out."] \
        if len(kept) < len(examples) else []
    return kept, notices


def evaluate(lm: LM, examples, template: str = SENTIMENT_TEMPLATE, labels=SENTIMENT_LABELS, *, demos=(),
             instruction: str = "", separator: str = "\n\n", calibrated: bool = False,
             length_normalised: bool = False, report=None, max_tokens: int = 1024) -> Evaluation:
    """Classify every example with the prompt (zero-shot, or few-shot with `demos`), in one batched pass.

    An example whose text is one of the demonstrations is left out (it would be answered by copying)."""
    b = need_lm(lm)
    template = check_template(template, b.family)
    labels = as_labels(labels, template)
    names = tuple(lab.name for lab in labels)
    examples = list(examples)
    if not examples:
        raise InputError("No examples to evaluate: choose a data set or upload a CSV (text,label).")
    check_gold(examples, names)
    kept, notices = without_demos(examples, demos)
    if not kept:
        raise InputError("Every example is also a demonstration: nothing is left to evaluate.")
    kept = canonical(kept, names)
    t0 = time.perf_counter()
    prompts = [build_prompt(template, e.text, demos, instruction=instruction, separator=separator, labels=labels)
               for e in kept]
    if calibrated:
        prompts.append(build_prompt(template, CONTENT_FREE, demos, instruction=instruction, separator=separator,
                                    labels=labels))
    got = label_logprobs(b, prompts, labels, report=report, max_tokens=max_tokens)
    probs = normalise(got.scores, [len(v.ids) for v in got.verbalizers], length_normalised)
    if calibrated:
        probs = calibrate(probs[:-1], probs[-1])
    preds = tuple(Prediction(e.text, e.label, names[int(np.argmax(p))], tuple(float(x) for x in p))
                  for e, p in zip(kept, probs))
    method = f"{len(demos)}-shot" if demos else "zero-shot"
    return Evaluation(b.name, method, names, preds, time.perf_counter() - t0, bool(calibrated),
                      tuple(notices + list(got.notices)), template)


def _classifier_labels(b, names: tuple[str, ...]) -> dict[int, str]:
    """The classifier's output ids mapped to our labels by name (POSITIVE → positive)."""
    id2label = getattr(b.model.config, "id2label", None) or {}
    ours = {n.lower(): n for n in names}
    mapping = {int(i): ours.get(str(lab).lower()) for i, lab in id2label.items()}
    if not any(mapping.values()):
        raise InputError("{model} predicts {items}, none of which is one of the labels ({items2}). Name the "
                         "labels as the classifier does.", model=b.name,
                         items=', '.join(map(str, id2label.values())), items2=', '.join(names))
    return mapping


def evaluate_classifier(lm: LM, examples, labels=SENTIMENT_LABELS, *, report=None) -> Evaluation:
    """A fine-tuned sequence classifier on the same examples, its classes mapped to the labels by name."""
    b = backend_of(lm)
    b.require(CLASSIFY, "the fine-tuned classifier run")
    names = tuple(lab.name for lab in as_labels(labels))
    examples = list(examples)
    check_gold(examples, names)
    examples = canonical(examples, names)
    mapping = _classifier_labels(b, names)
    notices = []
    unmapped = [str(b.model.config.id2label[i]) for i, v in mapping.items() if v is None]
    if unmapped:
        notices.append(f"The classifier's class(es) {', '.join(unmapped)} match no label and are never predicted.")
    t0 = time.perf_counter()
    probs = b.classify([e.text for e in examples], report=report)
    preds = []
    for e, p in zip(examples, probs):
        by_label = {n: 0.0 for n in names}
        for i, name in mapping.items():
            if name is not None:
                by_label[name] += float(p[i])
        best = max(names, key=lambda n: by_label[n])
        preds.append(Prediction(e.text, e.label, best, tuple(by_label[n] for n in names)))
    return Evaluation(b.name, "fine-tuned classifier", names, tuple(preds), time.perf_counter() - t0,
                      False, tuple(notices))
