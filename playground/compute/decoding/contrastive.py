"""Contrastive search (Su et al., 2022), written here: transformers 5 moved it to a hub repo that runs
only when remote code is trusted, which this app never allows."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

from ...errors import InputError
from ..lm import LM, WEIGHTS, backend_of, log_probs
from ..lm.generate import processors
from .params import GenParams
from .steps import Generation, Prompt, Sequence, Step, decode, eos_ids, finish, generate_kwargs, make_step
from .steps import model_inputs


def contrastive(lm: LM, prompt: Prompt, params: GenParams, *, stop: threading.Event | None = None
                ) -> Iterator[Step | Generation]:
    """Contrastive search (Su et al., 2022): among the top_k tokens, pick the one that maximises
    (1 - α) · p(token) − α · max cosine similarity of its hidden state to every earlier hidden state.

    α = penalty_alpha; α = 0 is greedy. The logits processors that generate() would apply (repetition
    penalty, n-gram bans, bad words) are applied first, from generate()'s own factory. Causal LMs only.
    """
    import torch

    b = backend_of(lm)
    if b.family != "causal":
        raise InputError("Contrastive search here needs a causal LM; {model} is {family}. Choose another "
                         "strategy or a causal model (SmolLM2, gpt2).", model=b.name, family=b.family)
    b.require(WEIGHTS, "contrastive search")
    model, tok, p = b.model, b.tokenizer, params
    stop = stop or threading.Event()
    inputs = model_inputs(b, prompt)
    kw, notes = generate_kwargs(b, replace(p, penalty_alpha=0.0, top_k=0))
    procs = processors(model, kw, len(prompt.ids), inputs)
    eos = eos_ids(b)
    start, first, steps = time.perf_counter(), None, []
    with torch.inference_mode():
        ids = inputs["input_ids"]  # (1, T)
        out = model(**inputs, use_cache=True, output_hidden_states=True)
        past, context = out.past_key_values, out.hidden_states[-1][0]  # context: (T, d)
        logits = out.logits[0, -1].float()
        for i in range(p.max_new_tokens):
            if stop.is_set():
                break
            scores = procs(ids, logits[None])[0]
            probs = scores.softmax(-1)
            top_p, top_ids = probs.topk(p.top_k)  # (k,)
            cache = copy.deepcopy(past)
            cache.batch_repeat_interleave(p.top_k)
            mask = torch.ones(p.top_k, ids.shape[1] + 1, dtype=torch.long, device=ids.device)
            cand = model(input_ids=top_ids[:, None], attention_mask=mask, past_key_values=cache, use_cache=True,
                         output_hidden_states=True)
            h = cand.hidden_states[-1][:, -1]  # (k, d)
            sim = torch.nn.functional.cosine_similarity(h[:, None, :], context[None], dim=-1)  # (k, T)
            penalty = sim.max(dim=-1).values  # (k,)
            score = (1 - p.penalty_alpha) * top_p - p.penalty_alpha * penalty
            best = int(score.argmax())
            token = int(top_ids[best])
            cache.batch_select_indices(torch.tensor([best], device=ids.device))
            past, logits = cache, cand.logits[best, -1].float()
            context = torch.cat([context, h[best: best + 1]], dim=0)
            ids = torch.cat([ids, top_ids[best].view(1, 1)], dim=1)
            note = (f"p {float(top_p[best]):.3f} · max similarity to the context {float(penalty[best]):.3f} · "
                    f"score {float(score[best]):.3f} (best by p: {b.label(top_ids[0])!r})")
            step = make_step(b, i, token, log_probs(scores), note=note)
            if first is None:
                first = time.perf_counter() - start
            steps.append(step)
            yield step
            text = decode(tok, [s.id for s in steps])
            if token in eos or (p.stop_strings and any(s in text for s in p.stop_strings)):
                break
    ids_out = [s.id for s in steps]
    text = decode(tok, ids_out)
    seq = Sequence(text, tuple(steps), finish(b, p, ids_out, text, stop.is_set()))
    yield Generation(b.name, prompt, p, (seq,), prompt.notices + notes + (
        "Contrastive search runs in this app's own loop (transformers 5 moved it to a hub repo that needs "
        "trust_remote_code, which this app never enables); the repetition penalty, n-gram and bad-word "
        "processors come from generate()'s own factory.",), time.perf_counter() - start, first)

