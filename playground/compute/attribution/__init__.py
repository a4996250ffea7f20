"""Attribution: which input tokens made the model say this.

Every target is a weighted sum of log-probabilities the core scores (`lm.engine`'s rules):

    f(x) = Σ_k w_k · log P(target_k | x)

    next token      log P(t | text): the model's top next token, or a token the user names
    contrast        log P(A | text) − log P(B | text): why A rather than B
    label margin    log P(verbalizer A | prompt) − log P(verbalizer B | prompt): the Prompting tab's template,
                    labels and demonstrations (prompting.requests_for: the prompt read exactly as /classify reads it)
    probe word      log P(word | sentence with a blank), the word scored whole (probes.slot_request: the chain
                    rule for causal LMs, one mask per piece filled left to right for masked LMs), minus an
                    optional contrast word
    generated       log P(the token generated at step s | prompt + the tokens generated before it), the model's own
                    probability (T = 1, before the decoding knobs), as the Decoding tab shows it

Methods (a score per input token; positive = the token pushes f up):

    gradient × input      Σ_d x_d · ∂f/∂x_d at the token's input embedding x (Captum's InputXGradient)
    integrated gradients  Σ_d (x − x')_d · ∫₀¹ ∂f/∂x_d (x' + α (x − x')) dα, the integral a Riemann midpoint sum
                          over `steps` points (Captum's IntegratedGradients, method "riemann_middle"). Completeness:
                          the scores sum to f(x) − f(x'), up to the sum's error, which is reported (the gap).
    occlusion             f(x) − f(x with token i replaced by the baseline token): one row per token, every row
                          scored in one call to the core's batch engine (`b.score`). Needs no gradients, so it works
                          on any backend that scores.

The baseline x' is one token put in place of every attributed token (its input embedding for the gradient
methods): "left out" means **replaced by the baseline token**, not removed, so every other token keeps its
position and the text its length (removing a token shifts every later position and asks a different question).
The same baseline serves integrated gradients and occlusion, so both answer "compared with that token here".
The default is [MASK] for a masked LM (its own "a word is missing here") and ' the' for causal and seq2seq
models (where it is one token; else the unknown token, else pad). ' the' was measured, not assumed: integrated
gradients needs a path from x' to x along which the model's output changes smoothly, and on SmolLM2 most
candidate baselines give a rough one. Over four prompts, the relative completeness gap at 64 / 128 steps was
0–24 % / 0–0.7 % for ' the', against 44–72 % / 1–368 % for <|endoftext|> (the unknown token, which is also the
start token the model's attention sinks on), 11–441 % / 5–18 % for the zero embedding, and worse for ' ', '.',
a newline and <|im_end|> (what bench/attribution_speed.py --baselines measures). Its cost: replacing a
determiner by ' the' changes little, so occlusion with ' the' barely sees determiners; type <|endoftext|> as the
baseline to blank a word out.

What is attributed: the tokens of the text. The tokens the core's reading policy puts around it are held fixed,
in the input and the baseline alike: a causal LM's start token, [CLS] and [SEP], T5's closing </s>, a seq2seq
decoder's start token. They are the same in every text, so the baseline is "the same frame with no words in it";
and a causal LM's start token is its attention sink: replacing it changes what every position reads, which is a
fact about the model's plumbing rather than about the words.

Pure: no gradio, no plotly. torch and captum are imported inside the functions that run the model; captum
imports matplotlib (its visualisation module) when it loads, so it is imported on the first gradient attribution,
not when the app starts.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from ...errors import InputError
from ..lm import GRADIENTS, LM
from ..lm.backend import release_memory
from .problems import (  # noqa: F401  (the problems are part of this module's API)
    MAX_TOKENS, Problem, Term, _need, _single_token, frame, generated_problem, label_problem, next_token_problem,
    probe_problem, problem_of,
)

IG, GXI, OCCLUSION = "integrated gradients", "gradient × input", "occlusion"
METHODS = (IG, GXI, OCCLUSION)
ALIASES = {"ig": IG, "integrated_gradients": IG, "integrated-gradients": IG, "gradient x input": GXI,
           "gradient_x_input": GXI, "input x gradient": GXI, "input_x_gradient": GXI, "gxi": GXI,
           "leave-one-out": OCCLUSION, "leave one out": OCCLUSION}
RULE = "riemann_middle"  # Captum's name for the midpoint rule: weights 1/n at α = (k + ½)/n
MIN_STEPS, MAX_STEPS, DEFAULT_STEPS = 4, 256, 64
CHUNK_TOKENS = 1024  # token positions per forward + backward pass (SmolLM2: about 1 MB of activations each)
FILLER = " the"  # the default baseline word of causal and seq2seq models (module docstring: measured)
GAP_BOUND = 0.05  # at 64 steps the gap stays under 5 % of |f(x) − f(x')| + 0.05 nats (measured; see the tests)


def method_of(name) -> str:
    """A method's canonical name (METHODS, or an ASCII alias), or an InputError listing them."""
    if isinstance(name, str):
        key = name.strip().lower()
        for m in METHODS:
            if key == m:
                return m
        if key in ALIASES:
            return ALIASES[key]
    raise InputError("Unknown attribution method {name!r}: choose one of {items} (or 'ig', 'gradient x input', "
                     "'leave-one-out').", name=name, items=', '.join(repr(m) for m in METHODS))


def check_steps(steps) -> int:
    if isinstance(steps, bool) or not isinstance(steps, (int, float)) or not math.isfinite(steps) \
            or steps != int(steps):
        raise InputError("Steps must be a whole number from {min_steps} to {max_steps}; got {steps!r:.40}.",
                         min_steps=MIN_STEPS, max_steps=MAX_STEPS, steps=steps)
    if not MIN_STEPS <= steps <= MAX_STEPS:
        raise InputError("Steps must be from {min_steps} to {max_steps}; got {int_steps}. More steps make the "
                         "integral more exact (the completeness gap shrinks) and cost one forward and backward "
                         "pass each.", min_steps=MIN_STEPS, max_steps=MAX_STEPS, int_steps=int(steps))
    return int(steps)



# ---- the result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Completeness:
    """Integrated gradients' check: the scores should sum to f(x) − f(x'); `gap` is how far the Riemann sum is."""

    total: float  # Σ scores
    difference: float  # f(x) − f(x')
    gap: float  # total − difference
    steps: int
    rule: str
    bound: float  # the documented bound on |gap| at this many steps, for this difference

    @property
    def relative(self) -> float:
        return abs(self.gap) / max(abs(self.difference), 1e-12)

    def as_json(self) -> dict:
        return {"sum": self.total, "difference": self.difference, "gap": self.gap, "relative_gap": self.relative,
                "steps": self.steps, "rule": self.rule, "bound": self.bound,
                "within_bound": abs(self.gap) <= self.bound}


@dataclass(frozen=True)
class Token:
    position: int  # in reading order over everything read (context, [the slot], after, decoder)
    id: int | None  # None for a masked LM's slot
    text: str
    side: str  # "context" | "slot" | "after" | "decoder"
    score: float | None  # None: held fixed (not attributed)


@dataclass(frozen=True, eq=False)
class Attribution:
    """One method's scores for one target: `tokens` in reading order, every token read (the held ones score None)."""

    model: str
    family: str
    method: str
    kind: str
    description: str
    terms: tuple[tuple[str, float, float], ...]  # (label, weight, log-probability at the input)
    value: float  # f(x)
    baseline: str  # the baseline token as it reads
    baseline_id: int
    baseline_value: float | None  # f(x'): the text with every attributed token replaced by the baseline
    tokens: tuple[Token, ...]
    completeness: Completeness | None
    notices: tuple[str, ...]
    seconds: float
    steps: int | None = None

    @property
    def scores(self) -> tuple[float | None, ...]:
        return tuple(t.score for t in self.tokens)

    def baseline_words(self) -> str:
        if self.method == GXI:
            return "none: gradient × input needs no baseline (the score is x · ∂f/∂x at the token itself)"
        return f"{self.baseline!r} in place of every word (the tokens held fixed stay)"

    def as_json(self) -> dict:
        return {
            "model": self.model, "method": self.method,
            "tokens": [t.text for t in self.tokens], "ids": [t.id for t in self.tokens],
            "scores": [t.score for t in self.tokens], "attributed": [t.score is not None for t in self.tokens],
            "baseline": {"token": self.baseline, "id": self.baseline_id, "used": self.method != GXI,
                         "value": self.baseline_value},
            "target": {"kind": self.kind, "description": self.description, "value": self.value,
                       "terms": [{"token": lab, "weight": w, "logprob": lp} for lab, w, lp in self.terms]},
            "completeness": self.completeness.as_json() if self.completeness else None,
            "steps": self.steps, "notices": list(self.notices), "seconds": self.seconds,
        }


def default_baseline(b) -> int:
    """The default baseline token (module docstring): [MASK] for a masked LM; else ' the' where it is one token;
    else the unknown token, else pad."""
    tok = b.tokenizer
    if b.family == "masked" and tok.mask_token_id is not None:
        return int(tok.mask_token_id)
    the = tok(FILLER, add_special_tokens=False)["input_ids"]
    if len(the) == 1:
        return int(the[0])
    for value in (tok.unk_token_id, tok.pad_token_id):
        if isinstance(value, int):
            return value
    return b.pad_id()


def baseline_of(b, baseline: str = "") -> int:
    if not baseline:
        return default_baseline(b)
    return _single_token(b, baseline, "The baseline token")


def _tokens(b, problem: Problem, scores: dict[tuple[str, int], float]) -> tuple[Token, ...]:
    out: list[Token] = []

    def add(side: str, ids):
        for i, t in enumerate(ids):
            out.append(Token(len(out), int(t), b.label(t), side, scores.get((side, i))))

    add("context", problem.context)
    if problem.family == "masked":
        out.append(Token(len(out), None, problem.slot, "slot", None))
    add("after", problem.after)
    add("decoder", problem.decoder)
    return tuple(out)


def _term_values(b, problem: Problem, replace=None) -> list[float]:
    return [s.logprob for s in b.score(problem.requests(replace))]


# ---- the methods -----------------------------------------------------------------------------------


def attribute(lm: LM, problem: Problem, method: str = IG, *, steps: int = DEFAULT_STEPS, baseline: str = ""
              ) -> Attribution:
    """Scores for every attributed token of `problem` by one method (see the module docstring)."""
    b = _need(lm)
    method = method_of(method)
    steps = check_steps(steps) if method == IG else None
    base_id = baseline_of(b, baseline)
    start = time.perf_counter()
    if method == OCCLUSION:
        scores, value, base_value, values = _occlusion(b, problem, base_id)
        completeness = None
    else:
        b.require(GRADIENTS, method)
        scores, value, base_value, values, completeness = _gradients(b, problem, method, steps, base_id)
    terms = tuple((t.label, t.weight, v) for t, v in zip(problem.terms, values))
    return Attribution(problem.model, problem.family, method, problem.kind, problem.description, terms, value,
                       b.label(base_id), base_id, base_value, _tokens(b, problem, scores), completeness,
                       problem.notices, time.perf_counter() - start, steps)


def compare(lm: LM, problem: Problem, methods=METHODS, *, steps: int = DEFAULT_STEPS, baseline: str = ""
            ) -> tuple[Attribution, ...]:
    """Several methods on the same problem, side by side (each checked before any runs)."""
    methods = tuple(dict.fromkeys(method_of(m) for m in (methods or ())))
    if not methods:
        raise InputError("Tick at least one method: {items}.", items=', '.join(METHODS))
    b = _need(lm)
    if IG in methods:
        check_steps(steps)
    for m in methods:
        if m != OCCLUSION:
            b.require(GRADIENTS, m)
    return tuple(attribute(b, problem, m, steps=steps, baseline=baseline) for m in methods)


def _occlusion(b, problem: Problem, base_id: int):
    """f(x) − f(x with one token replaced by the baseline), every row through one b.score call (the engine batches
    them); plus f(x') with every attributed token replaced."""
    n_terms = len(problem.terms)
    variants = [None] + [{where: base_id} for where in problem.attributed] + \
               [{where: base_id for where in problem.attributed}]
    requests = [q for v in variants for q in problem.requests(v)]
    b.check_work(sum(len(q.context) + len(q.after) + len(q.decoder) + len(q.target) for q in requests), "Occlusion")
    scored = b.score(requests)
    f = [sum(t.weight * s.logprob for t, s in zip(problem.terms, scored[k * n_terms:(k + 1) * n_terms]))
         for k in range(len(variants))]
    value = f[0]
    scores = {where: value - f[1 + j] for j, where in enumerate(problem.attributed)}
    return scores, value, f[-1], [s.logprob for s in scored[:n_terms]]


@dataclass
class _Row:
    """One forward pass of the target: what is read (and, seq2seq, decoded), where the attributed tokens sit."""

    main: list[int]
    dec: list[int] | None
    reads: list[tuple[int, int]]
    weight: float
    slots: list[tuple[int, int, int]] = field(default_factory=list)  # (attributed index, 0 main / 1 dec, position)


def _rows(b, problem: Problem) -> list[_Row]:
    """The forward passes f needs, by the core's rules (lm.engine): a causal target after the input; a masked
    word one mask per piece, filled left to right; a seq2seq target after the decoder's ids."""
    ctx, after, dec = list(problem.context), list(problem.after), list(problem.decoder)
    mask = b.tokenizer.mask_token_id
    rows = []
    for term in problem.terms:
        t = list(term.ids)
        if problem.family == "masked":
            for j in range(len(t)):
                ids = ctx + t[:j] + [mask] * (len(t) - j) + after
                row = _Row(ids, None, [(len(ctx) + j, t[j])], term.weight)
                shift = len(ctx) + len(t)
                row.slots = [(k, 0, i if side == "context" else shift + i)
                             for k, (side, i) in enumerate(problem.attributed)]
                rows.append(row)
        elif problem.family == "seq2seq":
            d = dec + t[:-1]
            row = _Row(ctx, d, [(len(dec) - 1 + j, x) for j, x in enumerate(t)], term.weight)
            row.slots = [(k, 0 if side == "context" else 1, i) for k, (side, i) in enumerate(problem.attributed)]
            rows.append(row)
        else:
            ids = ctx + t[:-1]
            row = _Row(ids, None, [(len(ctx) - 1 + j, x) for j, x in enumerate(t)], term.weight)
            row.slots = [(k, 0, i) for k, (_, i) in enumerate(problem.attributed)]
            rows.append(row)
    return rows


def target_function(b, problem: Problem):
    """f as a function of the attributed tokens' input embeddings: (B, n, d) -> (B,), with autograd; and the
    input's embeddings x (1, n, d). What Captum differentiates; the tests differentiate it by hand too."""
    import torch

    rows = _rows(b, problem)
    prepared = []
    for row in rows:
        main = b.input_embeddings(row.main)
        dec = b.input_embeddings(row.dec, decoder=True) if row.dec is not None else None
        idx = [[(k, p) for k, s, p in row.slots if s == side] for side in (0, 1)]
        prepared.append((row, main, dec, [(torch.tensor([k for k, _ in ix], dtype=torch.long),
                                           torch.tensor([p for _, p in ix], dtype=torch.long)) for ix in idx]))
    first = prepared[0]
    x = torch.zeros(1, len(problem.attributed), first[1].shape[-1], dtype=first[1].dtype, device=first[1].device)
    for row, main, dec, ((km, pm), (kd, pd)) in prepared:
        if len(km):
            x[0, km] = main[0, pm]
        if dec is not None and len(kd):
            x[0, kd] = dec[0, pd]

    def f(e):
        total = 0
        for row, main, dec, ((km, pm), (kd, pd)) in prepared:
            n = e.shape[0]
            m = main.expand(n, -1, -1).clone()
            if len(km):
                m[:, pm] = e[:, km]
            d = None
            if dec is not None:
                d = dec.expand(n, -1, -1).clone()
                if len(kd):
                    d[:, pd] = e[:, kd]
            total = total + row.weight * b.forward_embeds(m, row.reads, decoder_embeds=d).sum(-1)
        return total

    return f, x, sum(len(r.main) + len(r.dec or ()) for r in rows)


def _gradients(b, problem: Problem, method: str, steps: int | None, base_id: int):
    import torch
    from captum.attr import InputXGradient, IntegratedGradients  # imports matplotlib: only here, on first use

    f, x, row_tokens = target_function(b, problem)
    base = b.input_embeddings([base_id])[0, 0].expand_as(x).contiguous()
    n = steps or 1
    b.check_work(row_tokens * (n + 2), method[:1].upper() + method[1:])
    chunk = max(1, CHUNK_TOKENS // row_tokens)
    try:
        with torch.no_grad():
            ends = f(torch.cat([x, base])).tolist()  # f(x), f(x')
        value, base_value = ends
        if method == IG:
            attr = IntegratedGradients(f).attribute(x, baselines=base, n_steps=n, method=RULE,
                                                    internal_batch_size=chunk)
        else:
            attr = InputXGradient(f).attribute(x.clone().requires_grad_())
        per = attr[0].float().sum(-1).tolist()
    finally:
        release_memory(row_tokens * (n + 2))
    scores = {where: s for where, s in zip(problem.attributed, per)}
    values = _term_values(b, problem)
    completeness = None
    if method == IG:
        total, diff = sum(per), value - base_value
        completeness = Completeness(total, diff, total - diff, n, RULE, GAP_BOUND * abs(diff) + GAP_BOUND)
    return scores, value, (base_value if method == IG else None), values, completeness


# ---- one call for the API ----------------------------------------------------------------------------


def attribute_text(lm: LM, text: str, *, target: str = "", contrast: str = "", method: str = IG,
                   steps: int = DEFAULT_STEPS, baseline: str = "", decoder_prefix: str = "",
                   max_tokens: int = 1024) -> Attribution:
    """The next token (or `target`, or `target` against `contrast`) after `text`, attributed by `method`."""
    method = method_of(method)
    if method == IG:
        check_steps(steps)
    problem = next_token_problem(lm, text, target=target, contrast=contrast, decoder_prefix=decoder_prefix,
                                 max_tokens=max_tokens)
    return attribute(lm, problem, method, steps=steps, baseline=baseline)
