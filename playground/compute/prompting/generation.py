"""Free-text data sets (translation): the greedy answer against the reference, and the reference's
log-probability given the prompt (it shows progress even where greedy decoding misses)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from ...errors import InputError
from ..lm import LM
from .continuation import complete_many
from .fewshot import answer_text, build_prompt
from .metrics import without_demos
from .scoring import need_lm, requests_for
from .templates import check_template

_WS = re.compile(r"\s+")


def same_text(a: str, b: str) -> bool:
    """A loose match for a generated answer against a reference: case, outer punctuation and spacing ignored."""
    def norm(s: str) -> str:
        return _WS.sub(" ", s.strip().strip(".!?;:,").strip().lower())
    return norm(a) == norm(b)


# ---- generation data sets (translation) ----------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    text: str
    reference: str
    output: str  # the greedy continuation, up to the first newline
    exact: bool  # equal to the reference, ignoring case, spacing and outer punctuation
    logprob: float  # log P(reference | prompt), summed over its tokens
    tokens: int

    @property
    def per_token(self) -> float:
        return self.logprob / self.tokens


@dataclass(frozen=True)
class GenerationEvaluation:
    model: str
    method: str
    answers: tuple[Answer, ...]
    seconds: float
    notices: tuple[str, ...] = ()

    @property
    def exact_match(self) -> float:
        return sum(a.exact for a in self.answers) / len(self.answers)

    @property
    def mean_logprob(self) -> float:
        """The mean per-token log-probability of the references: higher means the prompt makes the right
        answer likelier, even where greedy decoding misses it."""
        return sum(a.logprob for a in self.answers) / sum(a.tokens for a in self.answers)

    def as_json(self) -> dict:
        return {"model": self.model, "method": self.method, "exact_match": self.exact_match,
                "mean_reference_logprob_per_token": self.mean_logprob, "seconds": self.seconds,
                "examples": [{"text": a.text, "reference": a.reference, "output": a.output, "exact": a.exact,
                              "reference_logprob": a.logprob} for a in self.answers],
                "notices": list(self.notices)}


def evaluate_generation(lm: LM, examples, template: str, *, demos=(), instruction: str = "",
                        separator: str = "\n\n", report=None, max_new_tokens: int = 24,
                        max_tokens: int = 1024) -> GenerationEvaluation:
    """For data sets whose labels are free text (translations): the greedy answer against the reference
    (exact match), and log P(reference | prompt), batched."""
    b = need_lm(lm)
    if b.family == "masked":
        raise InputError("{model} is a masked LM: it cannot write a free-text answer. Choose a causal or seq2seq "
                         "model, or a data set with a few fixed labels.", model=b.name)
    template = check_template(template, b.family)
    kept, notices = without_demos(list(examples), demos)
    if not kept:
        raise InputError("No examples to evaluate: choose a data set or upload a CSV (text,label).")
    t0 = time.perf_counter()
    prompts = [build_prompt(template, e.text, demos, instruction=instruction, separator=separator) for e in kept]
    requests = []
    for p, e in zip(prompts, kept):
        reqs, _ = requests_for(b, p, [b.pieces(answer_text(template, e.label, ()), "The reference")],
                               max_tokens=max_tokens)
        requests += reqs
    scored = b.score(requests)
    outs = complete_many(b, prompts, max_new_tokens=max_new_tokens, max_tokens=max_tokens, report=report)
    answers = []
    for e, out, s, q in zip(kept, outs, scored, requests):
        out = out.strip()
        answers.append(Answer(e.text, e.label, out, same_text(out, e.label), s.logprob, len(q.target)))
    method = f"{len(demos)}-shot" if demos else "zero-shot"
    return GenerationEvaluation(b.name, method, tuple(answers), time.perf_counter() - t0, tuple(notices))
