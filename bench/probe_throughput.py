"""Throughput of the Bias probes compute (playground.compute.probes.bias_probe) against the same batched forward passes.

    python -m bench.probe_throughput [--reps 5] [--warmup 1] [--quick]

SmolLM2-135M-Instruct, float32 on the CPU (a causal LM: each cell of the grid is one row, the ids before
the blank followed by the target's pieces, scored by the chain rule), two bundled probe sets
(probes.load_probe_sets()):

    gender × occupations        5 templates × 2 groups × 16 targets = 160 cells
    first names × occupations   3 templates × 8 groups × 10 targets = 240 cells

Four layers per grid, timed round-robin (all eight calls in one rotation, the order rotating by one every
round, 50 ms untimed before each call), `--reps` times each after `--warmup` untimed rounds (--quick: 2 reps,
1 warm-up round), with NO server running:

    compute    probes.bias_probe(loaded, templates, groups, targets) end to end: parse the grid, fill the
               groups in, read each sentence through the core (probes.requests_for: the start token, the
               ids before the blank, the target's pieces), the core's batch engine (lm.engine: rows
               shared where targets of one token read the same sentence, up to 64 rows / 4,096 padded
               tokens, only the read positions through the output layer), ranks, the ProbeRows
    bare       one row per cell as a direct transformers user writes it (the same ids: context + target,
               built once, untimed, from probes.requests_for), right-padded with the core's pad id into
               batches of BATCH rows and turned into tensors untimed; timed: for each batch, under
               torch.inference_mode(), model(input_ids=..., attention_mask=...).logits.log_softmax(-1),
               nothing else
    unbatched  the same rows, one forward per cell (what a naive loop would do): model(input_ids=row)
               .logits.log_softmax(-1) under torch.inference_mode(), the one-row tensors made untimed
    tokenize   what compute does before the model: parse_probe + fill_group + requests_for (the Python and
               tokenizer part of compute, timed on its own)

Cells per second = cells / the call's seconds. compute / bare (time) is what the app's code costs over
the forward passes it cannot avoid; compute - bare - tokenize is what gathering the pieces' log-probs,
the ranks (one comparison over the 49,152-token vocabulary per cell) and the ProbeRows cost, as a
difference of medians; the gathering and ranks are also timed directly, once, outside the rounds (the
same per-row work as the engine's reads, on an untimed bare pass), since that difference is within
the noise. unbatched / bare is what batching buys. Both paths are checked to compute the same thing: the
log-prob of every cell from the last timed compute call must equal the sum of the pieces' log-probs
gathered from an untimed bare pass (and from the unbatched pass) within 1e-4; the ranks are compared
and reported.
"""

from __future__ import annotations

import time


from .common import (
    SMOLLM2, CpuWatch, finish_report, load_smollm2, ms, ratio, round_robin, summary, table,
    x, reps_main,
)

GRIDS = ("gender × occupations", "first names × occupations")
LAYERS = ("compute", "bare", "unbatched", "tokenize")
REPS, QUICK_REPS, WARMUP = 5, 2, 1
BATCH = 64  # rows per bare forward pass
TOLERANCE = 1e-4  # compute's log-probs against those gathered from the bare pass
SETTLE_S = 0.05  # untimed pause before each call


# ---- the grid and its rows ------------------------------------------------------------------------

class Grid:
    """One probe set: its cells' rows exactly as bias_probe builds them, batched and padded once, untimed."""

    def __init__(self, loaded, name: str, probe_set: dict):
        import torch

        from playground.compute import lm, probes

        b = lm.backend_of(loaded)
        self.name = name
        self.templates, self.groups, self.targets = probes.parse_probe(
            probe_set["templates"], probe_set["groups"], probe_set["targets"])
        sentences = [probes.fill_group(t, g) for t in self.templates for g in self.groups]
        self.slots = probes.requests_for(b, sentences, self.targets)
        self.rows = [list(s.context) + list(s.target) for s in self.slots]
        self.cells = len(self.rows)
        self.pad = b.pad_id()
        self.batches, self.padded_tokens = [], 0
        for lo in range(0, self.cells, BATCH):
            chunk = self.rows[lo: lo + BATCH]
            longest = max(len(r) for r in chunk)
            ids = torch.tensor([r + [self.pad] * (longest - len(r)) for r in chunk])
            mask = torch.tensor([[1] * len(r) + [0] * (longest - len(r)) for r in chunk])
            self.batches.append((ids, mask))
            self.padded_tokens += ids.numel()
        self.singles = [torch.tensor([r]) for r in self.rows]
        self.tokens = sum(len(r) for r in self.rows)

    def shape(self) -> str:
        return f"{len(self.templates)} × {len(self.groups)} × {len(self.targets)}"


def compute_call(loaded, grid: Grid):
    from playground.compute import probes

    return lambda: probes.bias_probe(loaded, grid.templates, grid.groups, grid.targets)


def bare_pass(model, grid: Grid) -> None:
    """The batched forward passes and log-softmax, nothing else (each batch's result is dropped)."""
    import torch

    with torch.inference_mode():
        for ids, mask in grid.batches:
            model(input_ids=ids, attention_mask=mask).logits.log_softmax(-1)


def unbatched_pass(model, grid: Grid) -> None:
    """One forward + log-softmax per cell."""
    import torch

    with torch.inference_mode():
        for ids in grid.singles:
            model(input_ids=ids).logits.log_softmax(-1)


def tokenize_call(loaded, grid: Grid):
    from playground.compute import lm, probes

    def tokenize():
        t, g, w = probes.parse_probe(grid.templates, grid.groups, grid.targets)
        probes.requests_for(lm.backend_of(loaded), [probes.fill_group(a, b) for a in t for b in g], w)

    return tokenize


# ---- the check ------------------------------------------------------------------------------------

def _gather(slot, logp) -> tuple[float, int]:
    """A row's chain-rule log-prob and its rank, from its (len, V) log-probs."""
    n = len(slot.context)
    lp = sum(float(logp[n - 1 + j, t]) for j, t in enumerate(slot.target))
    return lp, int((logp[n - 1] > lp).sum()) + 1


def gathered(model, grid: Grid) -> tuple[dict[str, list[tuple[float, int]]], float]:
    """Outside the rounds: the bare batched pass and the unbatched pass again, each row's log-prob and rank
    gathered; and the seconds the gathering took over the batched pass (the same per-row work as
    the engine's reads: the pieces' log-probs and one comparison over the vocabulary), timed once."""
    import torch

    out: dict[str, list[tuple[float, int]]] = {"bare": [], "unbatched": []}
    gather_s = 0.0
    with torch.inference_mode():
        k = 0
        for ids, mask in grid.batches:
            logp = model(input_ids=ids, attention_mask=mask).logits.log_softmax(-1)
            t = time.perf_counter()
            for b in range(ids.shape[0]):
                out["bare"].append(_gather(grid.slots[k], logp[b]))
                k += 1
            gather_s += time.perf_counter() - t
        for slot, ids in zip(grid.slots, grid.singles):
            out["unbatched"].append(_gather(slot, model(input_ids=ids).logits.log_softmax(-1)[0]))
    return out, gather_s


def check(probe, grid: Grid, model) -> dict:
    if len(probe.rows) != grid.cells or [r.pieces for r in probe.rows] != [len(s.target) for s in grid.slots]:
        raise AssertionError(f"{grid.name}: the compute rows do not match the bare rows one to one")
    got = [(r.logprob, r.rank) for r in probe.rows]
    rows, gather_s = gathered(model, grid)
    out = {"gather_ranks_s_once": gather_s}
    for layer, want in rows.items():
        diff = max(abs(a[0] - b[0]) for a, b in zip(got, want))
        ranks = sum(a[1] == b[1] for a, b in zip(got, want))
        if diff > TOLERANCE:
            raise AssertionError(f"{grid.name}: compute log-probs differ from the {layer} pass by up to {diff:.1e} "
                                 f"(> {TOLERANCE:.0e})")
        out[layer] = {"max_abs_logprob_diff": diff, "ranks_equal": ranks, "cells": grid.cells}
    return out


# ---- timing ---------------------------------------------------------------------------------------

def run(reps: int = REPS, warmup: int = WARMUP, log=print) -> dict:
    outside, cache, settings, registry, loaded = load_smollm2("probe_throughput", log)
    import torch

    from playground.compute import probes

    if loaded.spec.family != "causal":
        raise RuntimeError(f"{SMOLLM2} loaded as a {loaded.spec.family} model; this benchmark times the causal path")
    sets = probes.load_probe_sets()
    model = loaded.model
    grids = [Grid(loaded, name, sets[name]) for name in GRIDS]
    results: dict[str, object] = {}

    def keep(name, fn):
        def call():
            results[name] = fn()
        return call

    calls = {}
    for g in grids:
        calls[f"{g.name} compute"] = keep(g.name, compute_call(loaded, g))
        calls[f"{g.name} bare"] = lambda g=g: bare_pass(model, g)
        calls[f"{g.name} unbatched"] = lambda g=g: unbatched_pass(model, g)
        calls[f"{g.name} tokenize"] = tokenize_call(loaded, g)
    log(f"probe_throughput: compute, bare (batched {BATCH}), unbatched and tokenize on "
        f"{' and '.join(f'{g.name} ({g.cells} cells)' for g in grids)}, no server running, "
        f"{warmup} + {reps} rounds...")
    with CpuWatch() as watch:
        times = round_robin(calls, reps, warmup, SETTLE_S)
    log("probe_throughput: checking the compute rows against the bare and unbatched passes (untimed)...")
    cases = []
    for g in grids:
        t = {k: times[f"{g.name} {k}"] for k in LAYERS}
        stats = {k: summary(v) for k, v in t.items()}
        med = {k: v["median"] for k, v in stats.items()}
        cases.append({
            "grid": g.name,
            "shape": g.shape(),
            "cells": g.cells,
            "tokens": g.tokens,
            "padded_tokens": g.padded_tokens,
            "batches": len(g.batches),
            "row_tokens": {"min": min(len(r) for r in g.rows), "max": max(len(r) for r in g.rows)},
            "multi_piece_targets": sorted({g.targets[i % len(g.targets)] for i, s in enumerate(g.slots)
                                           if len(s.target) > 1}),
            "seconds": stats,
            "cells_per_s": {k: {q: ratio(g.cells, stats[k][q]) for q in ("median", "p90")} for k in LAYERS},
            "ratio_time_vs_bare": {k: {q: ratio(stats[k][q], stats["bare"][q]) for q in ("median", "p90")}
                                   for k in LAYERS},
            "paired_median_ratio_vs_bare": {k: summary([a / b for a, b in zip(t[k], t["bare"])])["median"]
                                            for k in LAYERS},
            "split_s": {
                "forward + log_softmax (bare)": med["bare"],
                "tokenize (parse + requests_for)": med["tokenize"],
                "gather + ranks + rows (compute - bare - tokenize)": med["compute"] - med["bare"] - med["tokenize"],
            },
            "probe_seconds_last": results[g.name].seconds,  # bias_probe's own clock, the last timed call
            "check": check(results[g.name], g, model),
        })
    return {
        "config": {"reps": reps, "warmup": warmup, "model": SMOLLM2, "device": loaded.device, "dtype": loaded.dtype,
                   "attn_implementation": loaded.attn_implementation, "torch_threads": torch.get_num_threads(),
                   "batch_rows": BATCH, "grids": list(GRIDS), "tolerance": TOLERANCE,
                   "order": "round-robin over all grids and layers, rotating by one every round",
                   "settle_s": SETTLE_S, "server": "none"},
        "smollm2_cache": cache,
        "model_load_s": loaded.load_seconds,
        "other_cpu_share": {"all rounds": watch.others},
        "wall_s": watch.wall_s,
        "cases": cases,
        "outside_connections": list(outside),
    }


# ---- report ---------------------------------------------------------------------------------------

def report(res: dict) -> str:
    cfg = res["config"]
    rows = []
    for c in res["cases"]:
        s, cps, r, pr = c["seconds"], c["cells_per_s"], c["ratio_time_vs_bare"], c["paired_median_ratio_vs_bare"]
        for layer in LAYERS:
            rows.append([c["grid"], c["cells"], layer, ms(s[layer]["median"]), ms(s[layer]["p90"]),
                         f"{cps[layer]['median']:,.1f}" if layer != "tokenize" else "",
                         ms(s[layer]["median"] / c["cells"]), x(r[layer]["median"]), x(r[layer]["p90"]),
                         x(pr[layer])])
    out = [table(["grid", "cells", "layer", "median ms", "p90 ms", "cells/s", "ms/cell", "time / bare",
                  "p90 / bare", "paired"], rows,
                 title=f"Bias probes: {cfg['model']} float32 CPU ({cfg['torch_threads']} threads), batches of "
                       f"{cfg['batch_rows']} rows, {cfg['reps']} runs each, NO server running (cells/s = cells / "
                       "median; paired: median of per-round layer / bare)")]
    rows = []
    for c in res["cases"]:
        total = c["seconds"]["compute"]["median"]
        once = c["check"]["gather_ranks_s_once"]
        rows.append([c["grid"], *(f"{ms(v)} ({v / total:.0%})" for v in c["split_s"].values()),
                     f"{ms(once)} ({once / total:.0%})", ms(total), x(c["ratio_time_vs_bare"]["unbatched"]["median"])])
    out.append(table(["grid", "forward+log_softmax", "tokenize", "gather+ranks+rows", "gather+ranks, timed once",
                      "compute", "unbatched / bare"], rows,
                     title="\nWhere compute's time goes (ms, share of the compute median) and what batching buys"))
    notes = []
    for c in res["cases"]:
        ck = c["check"]
        notes.append(
            f"{c['grid']} ({c['shape']} = {c['cells']} cells, {c['row_tokens']['min']}-{c['row_tokens']['max']} "
            f"tokens a row, {c['tokens']:,} tokens, {c['padded_tokens']:,} with padding in {c['batches']} batches): "
            f"compute log-probs equal the bare pass's within {ck['bare']['max_abs_logprob_diff']:.1e} and the "
            f"unbatched pass's within {ck['unbatched']['max_abs_logprob_diff']:.1e}; ranks equal in "
            f"{ck['bare']['ranks_equal']} / {ck['unbatched']['ranks_equal']} of {c['cells']} cells (bare / "
            f"unbatched). Targets in several pieces: {', '.join(c['multi_piece_targets']) or 'none'}.")
    return finish_report(out, notes, res)


def main(argv: list[str] | None = None) -> dict:
    return reps_main("probe_throughput", __doc__, run, report, reps=REPS, quick_reps=QUICK_REPS, warmup=WARMUP,
                     argv=argv)


if __name__ == "__main__":
    main()
