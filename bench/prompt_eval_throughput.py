"""Throughput of the Prompting evaluation (playground.compute.prompting.evaluate) against the same batched forward passes.

    python -m bench.prompt_eval_throughput [--reps 5] [--warmup 1] [--quick]

SmolLM2-135M-Instruct, float32 on the CPU, the bundled data set reviews.csv (120 examples,
prompting.load_dataset("reviews")), the template prompting.SENTIMENT_TEMPLATE ("Review: {text}\\nSentiment:")
and the labels prompting.SENTIMENT_LABELS (" positive" / " negative", one token each), two cases:

    zero-shot   the query alone
    4-shot      four demonstrations before it (DEMOS), the same for every example: the core's engine shares
                their prefix and runs it once, copying its key/value cache into every batch (lm.engine)

Two layers per case, all four calls in one round-robin rotation (the order rotating by one every round, 50 ms
untimed before each call), `--reps` times each after `--warmup` untimed rounds (--quick: 2 reps, 1 warm-up
round), with NO server running:

    ours   prompting.evaluate(loaded, examples, SENTIMENT_TEMPLATE, SENTIMENT_LABELS, demos=...) end to end:
           build the prompts, read them through the core (the start token, then the prompt), the
           verbalizers, the core's batch engine (up to 64 rows / 4,096 padded tokens a batch, longest
           first, only the read positions through the output layer; the shared prefix once for 4-shot),
           the label probabilities, the Predictions
    bare   exactly the same token ids (the core's encode of each prompting.build_prompt, made once,
           untimed), right-padded into batches of 16 in the data set's order and made tensors untimed; timed:
           per batch, under torch.inference_mode(), model(input_ids=..., attention_mask=...) with full logits,
           then log_softmax at each row's last real position and the two label ids read: what a direct
           transformers user would write, with no shared prefix

Examples per second = examples / the call's seconds. ours / bare is reported for examples/s (above 1: ours
is faster) as a ratio of medians and as the median of the per-round ratios. The check, on the last timed
call of each layer: the predictions (argmax over the two labels) must be equal for every example, ours'
label log-probs (prompting.label_logprobs on the same prompts, untimed, the code evaluate() runs) must equal
bare's within 1e-3 and evaluate()'s label probabilities the softmax of bare's within 1e-3 (asserted).
"""

from __future__ import annotations


from .common import (
    SMOLLM2, CpuWatch, finish_report, load_smollm2, ms, ratio, round_robin, summary, table,
    x, reps_main,
)

DATASET = "reviews"
DEMOS = (("I loved every minute of it.", "positive"), ("Total waste of money.", "negative"),
         ("A delightful little place with great coffee.", "positive"),
         ("The battery died after two days.", "negative"))
CASES = {"zero-shot": (), "4-shot": DEMOS}
LAYERS = ("ours", "bare")
BARE_BATCH = 16
REPS, QUICK_REPS, WARMUP = 5, 2, 1
TOLERANCE = 1e-3  # log-probs and label probabilities, ours against bare
SETTLE_S = 0.05  # untimed pause before each call


# ---- the case and its bare batches ----------------------------------------------------------------

def common_prefix(rows: list[list[int]]) -> int:
    """How many leading tokens every row shares (what the core's engine can run once)."""
    n = min(len(r) for r in rows) - 1
    for r in rows[1:]:
        i = 0
        while i < n and r[i] == rows[0][i]:
            i += 1
        n = i
    return max(n, 0)


class Case:
    """One prompt setting: the prompts and ids exactly as evaluate() builds them, batched and padded once."""

    def __init__(self, loaded, name: str, demos, examples):
        import torch

        from playground.compute import lm, prompting
        from playground.compute.lm import engine

        b = lm.backend_of(loaded)
        self.name, self.demos, self.examples = name, tuple(demos), list(examples)
        self.labels = prompting.parse_labels(prompting.SENTIMENT_LABELS, prompting.SENTIMENT_TEMPLATE)
        tok = loaded.tokenizer
        self.label_ids = []
        for lab in self.labels:
            ids = tok(lab.verbalizer, add_special_tokens=False)["input_ids"]
            if len(ids) != 1:
                raise RuntimeError(f"the verbalizer {lab.verbalizer!r} is {len(ids)} tokens; this benchmark "
                                   "reads single-token labels")
            self.label_ids.append(ids[0])
        self.prompts = [prompting.build_prompt(prompting.SENTIMENT_TEMPLATE, e.text, self.demos, labels=self.labels)
                        for e in self.examples]
        self.rows = [list(b.encode(p).ids) for p in self.prompts]  # what the core reads: start token + prompt
        self.tokens = sum(len(r) for r in self.rows)
        self.shared = common_prefix(self.rows)
        self.shared_used = self.shared if self.shared >= engine.MIN_SHARED_PREFIX else 0
        pad = b.pad_id()
        self.batches, self.padded_tokens = [], 0
        for lo in range(0, len(self.rows), BARE_BATCH):
            chunk = self.rows[lo: lo + BARE_BATCH]
            longest = max(len(r) for r in chunk)
            ids = torch.tensor([r + [pad] * (longest - len(r)) for r in chunk])
            mask = torch.tensor([[1] * len(r) + [0] * (longest - len(r)) for r in chunk])
            last = torch.tensor([len(r) - 1 for r in chunk])
            self.batches.append((ids, mask, last))
            self.padded_tokens += ids.numel()
        self.lab = torch.tensor(self.label_ids)

    @property
    def n(self) -> int:
        return len(self.rows)


def ours_call(loaded, case: Case):
    from playground.compute import prompting

    return lambda: prompting.evaluate(loaded, case.examples, prompting.SENTIMENT_TEMPLATE,
                                      prompting.SENTIMENT_LABELS, demos=case.demos)


def bare_pass(model, case: Case):
    """The batched forward passes with full logits, the log-softmax at each row's last real position, the two
    label ids read: an (examples, 2) tensor of log-probs."""
    import torch

    out = []
    with torch.inference_mode():
        for ids, mask, last in case.batches:
            logits = model(input_ids=ids, attention_mask=mask).logits
            logp = torch.log_softmax(logits[torch.arange(ids.shape[0]), last].float(), dim=-1)
            out.append(logp[:, case.lab])
    return torch.cat(out)


# ---- the check ------------------------------------------------------------------------------------

def check(loaded, case: Case, evaluation, bare) -> dict:
    """The last timed evaluate() against the last timed bare pass."""
    import numpy as np

    from playground.compute import prompting

    preds = evaluation.predictions
    if len(preds) != case.n or [p.text for p in preds] != [e.text for e in case.examples]:
        raise AssertionError(f"{case.name}: evaluate() kept {len(preds)} of {case.n} examples, or reordered them")
    bare = bare.numpy().astype(float)
    names = [lab.name for lab in case.labels]
    bare_pred = [names[int(i)] for i in bare.argmax(-1)]
    equal = sum(p.predicted == b for p, b in zip(preds, bare_pred))
    if equal != case.n:
        raise AssertionError(f"{case.name}: ours and bare predict differently for {case.n - equal} of {case.n} "
                             "examples")
    ours_lp = prompting.label_logprobs(loaded, case.prompts, case.labels).scores  # evaluate()'s scores, untimed
    lp_diff = float(np.abs(ours_lp - bare).max())
    bare_p = prompting.normalise(bare, [1] * len(names), False)
    p_diff = float(np.abs(np.array([p.probs for p in preds]) - bare_p).max())
    for what, diff in (("log-probs", lp_diff), ("label probabilities", p_diff)):
        if diff > TOLERANCE:
            raise AssertionError(f"{case.name}: ours' {what} differ from bare's by up to {diff:.1e} "
                                 f"(> {TOLERANCE:.0e})")
    return {"predictions_equal": equal, "examples": case.n, "max_abs_logprob_diff": lp_diff,
            "max_abs_prob_diff": p_diff, "accuracy": evaluation.accuracy,
            "accuracy_bare": sum(b == e.label for b, e in zip(bare_pred, case.examples)) / case.n}


# ---- timing ---------------------------------------------------------------------------------------

def run(reps: int = REPS, warmup: int = WARMUP, log=print) -> dict:
    outside, cache, settings, registry, loaded = load_smollm2("prompt_eval_throughput", log)
    import torch

    from playground.compute import prompting
    from playground.compute.lm import engine

    if loaded.spec.family != "causal":
        raise RuntimeError(f"{SMOLLM2} loaded as a {loaded.spec.family} model; this benchmark times the causal path")
    examples = prompting.load_dataset(DATASET)
    model = loaded.model
    cases = [Case(loaded, name, demos, examples) for name, demos in CASES.items()]
    results: dict[str, object] = {}

    def keep(name, fn):
        def call():
            results[name] = fn()
        return call

    calls = {}
    for c in cases:
        calls[f"{c.name} ours"] = keep(f"{c.name} ours", ours_call(loaded, c))
        calls[f"{c.name} bare"] = keep(f"{c.name} bare", lambda c=c: bare_pass(model, c))
    log(f"prompt_eval_throughput: ours (evaluate) and bare (batches of {BARE_BATCH}) on {DATASET} "
        f"({len(examples)} examples), {' and '.join(CASES)}, no server running, {warmup} + {reps} rounds...")
    with CpuWatch() as watch:
        times = round_robin(calls, reps, warmup, SETTLE_S)
    log("prompt_eval_throughput: checking ours against bare (untimed)...")
    out = []
    for c in cases:
        t = {k: times[f"{c.name} {k}"] for k in LAYERS}
        stats = {k: summary(v) for k, v in t.items()}
        ev = results[f"{c.name} ours"]
        out.append({
            "case": c.name,
            "demos": [list(d) for d in c.demos],
            "examples": c.n,
            "tokens": c.tokens,
            "bare_padded_tokens": c.padded_tokens,
            "bare_batches": len(c.batches),
            "row_tokens": {"min": min(len(r) for r in c.rows), "max": max(len(r) for r in c.rows)},
            "shared_prefix_tokens": c.shared,
            "shared_prefix_used_by_ours": c.shared_used,
            "seconds": stats,
            "examples_per_s": {k: {q: ratio(c.n, stats[k][q]) for q in ("median", "p90")} for k in LAYERS},
            "ratio_examples_per_s_ours_over_bare": {
                "median": ratio(stats["bare"]["median"], stats["ours"]["median"]),
                "paired_median": summary([b / a for a, b in zip(t["ours"], t["bare"])])["median"],
            },
            "evaluate_seconds_last": ev.seconds,  # evaluate()'s own clock, the last timed call
            "check": check(loaded, c, ev, results[f"{c.name} bare"]),
        })
    return {
        "config": {"reps": reps, "warmup": warmup, "model": SMOLLM2, "device": loaded.device, "dtype": loaded.dtype,
                   "attn_implementation": loaded.attn_implementation, "torch_threads": torch.get_num_threads(),
                   "dataset": DATASET, "template": prompting.SENTIMENT_TEMPLATE,
                   "labels": prompting.SENTIMENT_LABELS, "bare_batch_rows": BARE_BATCH,
                   "ours_batch_rows": engine.BATCH_ROWS, "ours_batch_tokens": engine.BATCH_TOKENS,
                   "min_shared_prefix": engine.MIN_SHARED_PREFIX, "tolerance": TOLERANCE,
                   "order": "round-robin over both cases and layers, rotating by one every round",
                   "settle_s": SETTLE_S, "server": "none"},
        "smollm2_cache": cache,
        "model_load_s": loaded.load_seconds,
        "other_cpu_share": {"all rounds": watch.others},
        "wall_s": watch.wall_s,
        "cases": out,
        "outside_connections": list(outside),
    }


# ---- report ---------------------------------------------------------------------------------------

def report(res: dict) -> str:
    cfg = res["config"]
    rows = []
    for c in res["cases"]:
        s, eps, r = c["seconds"], c["examples_per_s"], c["ratio_examples_per_s_ours_over_bare"]
        for layer in LAYERS:
            rows.append([c["case"], c["examples"], layer, ms(s[layer]["median"]), ms(s[layer]["p90"]),
                         f"{eps[layer]['median']:,.1f}", ms(s[layer]["median"] / c["examples"]),
                         x(r["median"]) if layer == "ours" else x(1.0),
                         x(r["paired_median"]) if layer == "ours" else ""])
    out = [table(["case", "examples", "layer", "median ms", "p90 ms", "examples/s", "ms/example",
                  "ex/s vs bare", "paired"], rows,
                 title=f"Prompt evaluation: {cfg['model']} float32 CPU ({cfg['torch_threads']} threads), "
                       f"{cfg['dataset']}.csv, {cfg['reps']} runs each, NO server running (examples/s = examples / "
                       "median; ex/s vs bare above 1 = ours faster; paired: median of per-round bare / ours)")]
    notes = []
    for c in res["cases"]:
        ck = c["check"]
        notes.append(
            f"{c['case']} ({c['examples']} examples, {c['row_tokens']['min']}-{c['row_tokens']['max']} tokens a "
            f"prompt, {c['tokens']:,} tokens, {c['bare_padded_tokens']:,} with bare's padding in "
            f"{c['bare_batches']} batches; shared prefix {c['shared_prefix_tokens']} tokens, "
            f"{'run once by ours' if c['shared_prefix_used_by_ours'] else 'not shared by ours'}): predictions "
            f"equal in {ck['predictions_equal']} / {ck['examples']}; label log-probs within "
            f"{ck['max_abs_logprob_diff']:.1e}, label probabilities within {ck['max_abs_prob_diff']:.1e}; "
            f"accuracy {ck['accuracy']:.3f}.")
    return finish_report(out, notes, res)


def main(argv: list[str] | None = None) -> dict:
    return reps_main("prompt_eval_throughput", __doc__, run, report, reps=REPS, quick_reps=QUICK_REPS, warmup=WARMUP,
                     argv=argv)


if __name__ == "__main__":
    main()
