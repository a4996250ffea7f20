"""Streaming a local generation: model.generate() in a worker thread, observed token by token.

generate() runs exactly the LogitsProcessorList it would build itself for the given generate()
keyword arguments (from its own factory, `processors`), with a pass-through recorder before it (the
raw log-probabilities) and after it (the distribution the token was drawn from). Setting `stop`, or
closing the iterator, ends the generation after the current step.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass

from .engine import log_probs, probs

# torch samples from one process-wide generator: two seeded sampling runs at once would interleave
# their draws and neither would be reproducible, so seeded sampling takes turns on this lock.
RNG_LOCK = threading.Lock()


@dataclass(frozen=True, eq=False)
class RawStep:
    """One generated token: its id, the raw log-softmax (V,) and the processed distribution (V,)."""

    token: int
    logp: object  # numpy (V,), float32, made on generate()'s thread
    kept: object  # numpy (V,), float32: the probabilities after the logits processors


def processors(model, kw: dict, prompt_len: int, inputs: dict):
    """The LogitsProcessorList that generate() builds for these generate() kwargs, from its own factory."""
    kw = {k: v for k, v in kw.items() if k not in ("tokenizer", "stop_strings")}
    config, _ = model._prepare_generation_config(None, **kw)
    model._prepare_special_tokens(config, True, device=model.device)
    return model._get_logits_processor(generation_config=config, input_ids_seq_length=prompt_len,
                                       encoder_input_ids=inputs["input_ids"], device=model.device,
                                       model_kwargs={"attention_mask": inputs["attention_mask"]})


def _neutral(kw: dict) -> dict:
    """The same call with every processor knob neutral, so that generate() builds no processors itself
    and runs exactly the list it is handed."""
    out = dict(kw)
    out.update(repetition_penalty=1.0, no_repeat_ngram_size=0, bad_words_ids=None)
    if out.get("do_sample"):
        out.update(temperature=1.0, top_k=0, top_p=1.0)
    return out


def seeded(sample: bool, seed: int):
    """A context in which torch's generator starts from `seed` (sampling only), one run at a time."""
    import torch

    if not sample:
        return nullcontext()

    class _Seeded:
        def __enter__(self):
            RNG_LOCK.acquire()
            torch.manual_seed(seed)

        def __exit__(self, *exc):
            RNG_LOCK.release()
            return False

    return _Seeded()


_END = object()


def stream(model, inputs: dict, kw: dict, *, seed: int = 0, stop: threading.Event | None = None
           ) -> Iterator[RawStep]:
    """model.generate(**inputs, **kw), one RawStep per generated token as it is made."""
    import torch
    from transformers import LogitsProcessor, LogitsProcessorList, StoppingCriteria, StoppingCriteriaList
    from transformers.generation.streamers import BaseStreamer

    stop = stop or threading.Event()
    out: queue.Queue = queue.Queue()
    seen = {"logp": None, "kept": None, "started": False}

    class Raw(LogitsProcessor):
        def __call__(self, input_ids, scores):
            seen["logp"] = log_probs(scores[0]).cpu().numpy()  # numpy: the consumer runs no torch
            return scores

    class Kept(LogitsProcessor):
        def __call__(self, input_ids, scores):
            seen["kept"] = probs(scores[0]).cpu().numpy()
            return scores

    class Stop(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            return torch.full((input_ids.shape[0],), stop.is_set(), dtype=torch.bool, device=input_ids.device)

    class Streamer(BaseStreamer):
        def put(self, value):
            if not seen["started"]:  # generate() first pushes the prompt (or the decoder start)
                seen["started"] = True
                return
            out.put(RawStep(int(value.reshape(-1)[0]), seen["logp"], seen["kept"]))

        def end(self):
            pass

    chain = processors(model, kw, inputs["input_ids"].shape[1], inputs)
    errors: list[BaseException] = []

    def work():
        try:
            with torch.inference_mode(), seeded(bool(kw.get("do_sample")), seed):
                model.generate(**inputs, **_neutral(kw), streamer=Streamer(),
                               logits_processor=LogitsProcessorList([Raw(), *chain, Kept()]),
                               stopping_criteria=StoppingCriteriaList([Stop()]))
        except BaseException as exc:  # reported to the consumer, not lost in the thread
            errors.append(exc)
        finally:
            out.put(_END)

    thread = threading.Thread(target=work, name="playground-generate", daemon=True)
    thread.start()
    try:
        while (item := out.get()) is not _END:
            yield item
    finally:
        if thread.is_alive():
            stop.set()  # the consumer left early (Stop button, closed page): end generate() after this step
        thread.join()
    if errors:
        raise errors[0]


def greedy_many(model, tokenizer, family: str, rows: list[list[int]], *, max_new_tokens: int, stop: str, pad: int,
                report=None) -> list[list[int]]:
    """Greedy generate() for many prompts, in length-sorted batches (see LocalBackend.generate_many)."""
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList

    from .engine import BATCH_TOKENS

    class Stop(StoppingCriteria):
        """A row is done once its last token's text holds `stop`. (generate()'s own stop_strings scans the
        whole vocabulary on every call: seconds on a 49k vocabulary.)"""

        def __call__(self, input_ids, scores, **kwargs):
            done = [stop in tokenizer.decode(row[-1:]) for row in input_ids.tolist()]
            return torch.tensor(done, dtype=torch.bool, device=input_ids.device)

    causal = family == "causal"
    order = sorted(range(len(rows)), key=lambda i: -len(rows[i]))
    out: list[list[int]] = [[] for _ in rows]
    done, lo = 0, 0
    while lo < len(order):
        longest = len(rows[order[lo]])
        size = max(1, min(16, BATCH_TOKENS // max(longest + max_new_tokens, 1)))
        batch = order[lo: lo + size]
        lo += len(batch)
        if report is not None:
            report(done, len(rows))
        if causal:
            ids = [[pad] * (longest - len(rows[i])) + rows[i] for i in batch]
            mask = [[0] * (longest - len(rows[i])) + [1] * len(rows[i]) for i in batch]
        else:
            ids = [rows[i] + [pad] * (longest - len(rows[i])) for i in batch]
            mask = [[1] * len(rows[i]) + [0] * (longest - len(rows[i])) for i in batch]
        with torch.inference_mode():
            got = model.generate(input_ids=torch.tensor(ids, device=model.device),
                                 attention_mask=torch.tensor(mask, device=model.device), do_sample=False,
                                 num_beams=1, max_new_tokens=max_new_tokens, pad_token_id=pad,
                                 stopping_criteria=StoppingCriteriaList([Stop()] if stop else []))
        for b, i in enumerate(batch):
            out[i] = (got[b, longest:] if causal else got[b, 1:]).tolist()
        done += len(batch)
    return out
