"""The logits pipeline: one step of a generation re-run through generate()'s own LogitsProcessor
objects, built by generate()'s own factory in the order generate() applies them, with the
distribution after each stage."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from ...errors import InputError
from ..lm import LM, WEIGHTS, backend_of, probs
from ..lm.generate import processors
from .params import GenParams
from .steps import TOP_N, Prompt, generate_kwargs, model_inputs


@dataclass(frozen=True)
class Stage:
    """The next-token distribution after one stage. `top` holds the TOP_N most likely tokens
    (id, token, prob); `removed` tokens this stage set to -inf and `changed` tokens whose score it moved
    (id, token, prob before, prob after), most probable first; `mass_kept` is how much of the previous
    stage's probability the surviving tokens held."""

    name: str  # the transformers class, or "raw logits" / "renormalised"
    label: str  # what it does, in words
    top: tuple[tuple[int, str, float], ...]
    kept: int  # tokens still possible
    removed: tuple[tuple[int, str, float], ...]
    removed_count: int
    changed: tuple[tuple[int, str, float, float], ...]
    chosen_prob: float
    chosen_rank: int | None  # None when the stage removed the chosen token (it cannot be: generate drew it)
    mass_kept: float
    entropy_bits: float


@dataclass(frozen=True)
class Pipeline:
    step: int
    chosen_id: int
    chosen: str
    context_tail: str  # the last tokens before this step, for the caption
    stages: tuple[Stage, ...]
    mode: str
    notices: tuple[str, ...] = field(default_factory=tuple)

    def as_json(self) -> dict:
        return {"step": self.step, "chosen": {"id": self.chosen_id, "token": self.chosen},
                "stages": [{"name": s.name, "label": s.label, "kept": s.kept, "removed_count": s.removed_count,
                            "chosen_prob": s.chosen_prob, "mass_kept": s.mass_kept,
                            "top": [{"id": i, "token": t, "prob": p} for i, t, p in s.top]} for s in self.stages]}


_LABELS = {
    "RepetitionPenaltyLogitsProcessor": "repetition penalty: logits of tokens already in the text are divided "
                                        "(if positive) or multiplied (if negative) by {repetition_penalty}",
    "NoRepeatNGramLogitsProcessor": "no_repeat_ngram_size {no_repeat_ngram_size}: a token that would repeat an "
                                    "n-gram already in the text is banned",
    "NoBadWordsLogitsProcessor": "bad words: the banned tokens are set to -inf",
    "TemperatureLogitsWarper": "temperature {temperature}: logits divided by T",
    "TopKLogitsWarper": "top_k {top_k}: only the {top_k} most likely tokens stay",
    "TopPLogitsWarper": "top_p {top_p}: the smallest set of tokens holding {top_p} of the probability stays",
}


def _stage(b, name: str, label: str, before, after, chosen: int, n: int = TOP_N) -> Stage:
    import torch

    p_before, p_after = probs(before), probs(after)  # float64, as every tab (on the CPU for MPS: so are the masks)
    before, after = before.to(p_before.device), after.to(p_before.device)
    finite_b, finite_a = torch.isfinite(before), torch.isfinite(after)
    gone = finite_b & ~finite_a
    moved = finite_a & finite_b & (after != before)
    top_p, top_i = p_after.topk(n)
    removed_idx = torch.nonzero(gone).flatten()
    removed_idx = removed_idx[p_before[removed_idx].argsort(descending=True)][:n]
    moved_idx = torch.nonzero(moved).flatten()
    moved_idx = moved_idx[p_before[moved_idx].argsort(descending=True)][:n]
    lab = b.label
    ent = p_after[finite_a]
    entropy = float(-(ent * ent.clamp_min(1e-30).log2()).sum())
    alive = bool(finite_a[chosen])
    return Stage(
        name, label,
        tuple((int(i), lab(i), float(p)) for p, i in zip(top_p, top_i) if p > 0),
        int(finite_a.sum()),
        tuple((int(i), lab(i), float(p_before[i])) for i in removed_idx),
        int(gone.sum()),
        tuple((int(i), lab(i), float(p_before[i]), float(p_after[i])) for i in moved_idx),
        float(p_after[chosen]),
        int((after > after[chosen]).sum()) + 1 if alive else None,
        float(p_before[finite_a].sum()),
        entropy,
    )


def pipeline(lm: LM, prompt: Prompt, params: GenParams, generated: list[int], step: int) -> Pipeline:
    """Step `step` of a generation, re-run through generate()'s own LogitsProcessorList one stage at a time.

    The forward pass reads the prompt and the first `step` generated tokens; the chosen token is
    generated[step]. Beam search applies its processors to log-softmax scores, as generate() does.
    """
    import torch

    if not generated:
        raise InputError("Generate some text first: the pipeline shows one step of a generation.")
    if not 0 <= step < len(generated):
        raise InputError("Step {step_1} does not exist: this generation has steps 1 to {n}.", step_1=step + 1,
                         n=len(generated))
    b = backend_of(lm)
    b.require(WEIGHTS, "the logits pipeline")
    inputs = model_inputs(b, prompt)
    knobs = replace(params, penalty_alpha=0.0) if params.mode == "contrastive" else params
    procs = processors(b.model, generate_kwargs(b, knobs)[0], len(prompt.ids), inputs)
    prefix = list(generated[:step])
    if b.family == "seq2seq":
        seen_ids = [b.decoder_start()] + prefix
        logits = b.forward(prompt.ids, decoder_ids=seen_ids).logits[0, -1].float()
    else:
        seen_ids = list(prompt.ids) + prefix
        logits = b.forward(seen_ids).logits[0, -1].float()
    seen = torch.tensor([seen_ids], device=b.device)
    chosen = int(generated[step])
    scores = logits[None]
    stages = [_stage(b, "raw logits", "the model's output: softmax(logits) at T = 1", scores[0], scores[0], chosen)]
    if params.mode == "beam":
        after = scores.log_softmax(-1)
        stages.append(_stage(b, "log_softmax", "beam search works on log-probabilities", scores[0], after[0], chosen))
        scores = after
    values = {k: v for k, v in asdict(params).items()}
    for proc in procs:
        name = type(proc).__name__
        after = proc(seen, scores.clone())
        label = _LABELS.get(name, name).format(**values)
        stages.append(_stage(b, name, label, scores[0], after[0], chosen))
        scores = after
    final = {"sample": "renormalised: softmax over the tokens left, the distribution the token is drawn from",
             "greedy": "greedy: the most likely token left is taken",
             "beam": "beam search: these log-probabilities are added to the beam's score",
             "contrastive": "contrastive search then re-ranks the top_k by similarity to the context"}[params.mode]
    stages.append(_stage(b, "renormalised" if params.mode == "sample" else "final", final, scores[0], scores[0],
                         chosen))
    notes = ()
    if len(procs) == 0:
        notes = ("These settings add no logits processor: the token comes straight from the model's distribution.",)
    tail = "".join(b.labels((list(prompt.ids) + prefix)[-8:]))
    return Pipeline(step, chosen, b.label(chosen), tail, tuple(stages), params.mode, notes)

