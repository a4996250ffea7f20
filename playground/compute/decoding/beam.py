"""Beam search (and several sampled sequences) in one generate() call, and the beam tree: every
hypothesis kept, finished or pruned, recorded by pass-through watchers of generate()'s own search."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from ..lm import LM, WEIGHTS, backend_of
from ..lm.generate import seeded
from .params import TREE_BEAMS, TREE_STEPS, GenParams
from .steps import Generation, Prompt, Sequence, decode, eos_ids, finish, generate_kwargs, model_inputs, strip_eos
from .steps import teacher_forced


@dataclass(frozen=True)
class TreeNode:
    """One hypothesis in the beam tree: `parent` is the index of its prefix in `BeamTree.nodes` (-1 = the prompt)."""

    step: int
    token_id: int
    token: str
    logprob: float  # log-probability of this token given its prefix (after the processors)
    score: float  # cumulative log-probability of the hypothesis
    parent: int
    status: str  # "kept" (one of the beams at the next step) | "finished" | "pruned"
    rank: int  # rank among this step's candidates (0 = best)


@dataclass(frozen=True)
class BeamTree:
    num_beams: int
    steps: int  # steps recorded (at most TREE_STEPS)
    nodes: tuple[TreeNode, ...]
    best: tuple[int, ...]  # node indices of the returned best hypothesis, root first
    truncated: bool  # the search ran for more steps than were recorded


class _BeamWatch:
    """Pass-through processor + stopping criterion that record generate()'s beam search.

    At each step the processor sees the running beams and their log-probabilities; the criterion
    then sees the candidates generate() picked (best first). Only each candidate's own log-prob is
    kept, so the memory is a few numbers per step, not a vocabulary-sized vector per beam."""

    def __init__(self):
        from transformers import LogitsProcessor, StoppingCriteria

        watch = self
        self.latest: dict[tuple, object] = {}  # prefix -> processed log-prob vector (V,), this step only
        self.running: list[set[tuple]] = []  # per step: the beams' prefixes
        self.candidates: list[list[tuple[tuple, float]]] = []  # per step: (candidate sequence, its log-prob)

        class Proc(LogitsProcessor):
            def __call__(self, input_ids, scores):
                if len(watch.running) < TREE_STEPS:
                    watch.latest = {tuple(r.tolist()): scores[i] for i, r in enumerate(input_ids)}
                    watch.running.append(set(watch.latest))
                return scores

        class Crit(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs):
                import torch

                if len(watch.candidates) < len(watch.running):
                    rows = [tuple(r.tolist()) for r in input_ids]
                    watch.candidates.append([(c, float(watch.latest[c[:-1]][c[-1]])) for c in rows
                                             if c[:-1] in watch.latest])
                    watch.latest = {}
                return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)

        self.proc, self.crit = Proc(), Crit()


def _tree(b, watch: _BeamWatch, prompt_len: int, num_beams: int, best_ids: list[int], total_steps: int
          ) -> BeamTree:
    eos = eos_ids(b)
    score_of: dict[tuple, float] = {}
    node_of: dict[tuple, int] = {}
    nodes: list[TreeNode] = []
    root: tuple | None = None
    steps = min(len(watch.running), len(watch.candidates))
    for t in range(steps):
        running = watch.running[t]
        if root is None:
            root = next(iter(running))[:prompt_len]
            score_of[root] = 0.0
        nxt = watch.running[t + 1] if t + 1 < len(watch.running) else set()
        seen = set()
        for rank, (cand, lp) in enumerate(watch.candidates[t]):
            parent, token = cand[:-1], cand[-1]
            if cand in seen or parent not in running or parent not in score_of:
                continue
            seen.add(cand)
            score = score_of[parent] + lp
            last = t == total_steps - 1
            if cand in nxt:
                status = "kept"
            elif rank < num_beams and (token in eos or last):
                status = "finished"
            else:
                status = "pruned"
            score_of[cand] = score
            node_of[cand] = len(nodes)
            nodes.append(TreeNode(t, int(token), b.label(token), lp, score,
                                  node_of.get(parent, -1), status, rank))
    path, seq = [], tuple(root or ()) + tuple(best_ids)
    for end in range(len(root or ()) + 1, len(seq) + 1):
        if seq[:end] in node_of:
            path.append(node_of[seq[:end]])
    return BeamTree(num_beams, steps, tuple(nodes), tuple(path), total_steps > steps)


class _StopWhenSet:
    """A stopping criterion: every hypothesis stops once `flag` is set (the caller went away)."""

    def __init__(self, flag: threading.Event):
        self.flag = flag

    def __call__(self, input_ids, scores, **kwargs):
        import torch

        return torch.full((input_ids.shape[0],), self.flag.is_set(), dtype=torch.bool, device=input_ids.device)


def generate_all(lm: LM, prompt: Prompt, params: GenParams, *, with_tree: bool = True,
                 stop: threading.Event | None = None) -> tuple[Generation, BeamTree | None]:
    """Beam search, or several sampled sequences, in one model.generate() call; then one teacher-forced
    forward for each token's probability. Beam search also returns its tree (first TREE_STEPS steps)."""
    import torch
    from transformers import LogitsProcessorList, StoppingCriteriaList

    b = backend_of(lm)
    if params.mode == "beam" and with_tree:
        b.require(WEIGHTS, "the beam tree")
    kw, notes = generate_kwargs(b, params)
    inputs = model_inputs(b, prompt)
    watch = _BeamWatch() if params.mode == "beam" and with_tree else None
    criteria = [watch.crit] if watch is not None else []
    if stop is not None:
        criteria.append(_StopWhenSet(stop))
    extra = {"stopping_criteria": StoppingCriteriaList(criteria)} if criteria else {}
    if watch is not None:
        extra["logits_processor"] = LogitsProcessorList([watch.proc])
    start = time.perf_counter()
    with torch.inference_mode(), seeded(params.do_sample, params.seed):
        out = b.model.generate(**inputs, **kw, **extra, return_dict_in_generate=True,
                                    output_scores=params.mode == "beam")
    seconds = time.perf_counter() - start
    n = 0 if b.family == "seq2seq" else len(prompt.ids)
    skip = 1 if b.family == "seq2seq" else 0  # the decoder start token
    gen = [strip_eos(b, row[n + skip:].tolist()) for row in out.sequences]
    scores = getattr(out, "sequences_scores", None)
    steps = teacher_forced(b, prompt, gen)
    seqs = []
    for i, ids in enumerate(gen):
        text = decode(b.tokenizer, ids)
        seqs.append(Sequence(text, tuple(steps[i]), finish(b, params, ids, text, False),
                             None if scores is None else float(scores[i])))
    tree = None
    if watch is not None:
        total = max((len(g) for g in gen), default=0)
        tree = _tree(b, watch, n if n else 1, params.num_beams, gen[0] if gen else [], total)
    gen_notes = prompt.notices + notes
    if tree is not None and tree.truncated:
        gen_notes += (f"The beam tree shows the first {tree.steps} steps of {max(len(g) for g in gen)}.",)
    if params.mode == "beam" and params.num_beams > TREE_BEAMS:
        gen_notes += (f"With more than {TREE_BEAMS} beams the tree is too crowded to read; it is drawn anyway.",)
    return Generation(b.name, prompt, params, tuple(seqs), gen_notes, seconds), tree

