"""Attribution speed against the bare calls, and (--baselines) how complete integrated gradients is per baseline.

    python -m bench.attribution_speed [--reps 5] [--warmup 1] [--quick] [--baselines]

SmolLM2-135M-Instruct, float32 on the CPU, one process, the main thread. The text is cut so that the model reads
exactly 32 tokens (its start token and 31 of a paragraph). Layers, timed round-robin (the order rotating by one
every round), `--reps` times each after `--warmup` untimed rounds (--quick: 2 reps, 1 warm-up round):

    ig_app        attribution.attribute(b, problem, "integrated gradients", steps=64): Captum's IntegratedGradients
                  through the core (b.input_embeddings, b.forward_embeds), plus f(x), f(x') and the completeness
                  card (the problem, with its top-token forward, is built once, untimed)
    ig_captum     Captum's bare call on the same model: IntegratedGradients(f).attribute(x, baselines=x', n_steps=64,
                  method="riemann_middle", internal_batch_size=the same), f written directly against the model
                  (model(inputs_embeds=start + e, logits_to_keep=1), log-softmax, the target's column)
    occ_app       attribution.attribute(b, problem, "occlusion"): the 33 rows (the text, one per token replaced by
                  the baseline, all replaced) in one b.score call, which the engine batches
    occ_loop      the same 33 rows, one model(input_ids=row) forward each, log-softmax at the last position

Goals: ig_app / ig_captum ≤ 1.1; occ_loop / occ_app is what batching buys. Both pairs are checked to give the same
scores (integrated gradients within 1e-4, occlusion within 1e-4).

--baselines: for four prompts, integrated gradients' relative completeness gap |Σ scores − (f(x) − f(x'))| /
|f(x) − f(x')| at 64 and 128 steps, for the token baselines ' the' (the default), <|endoftext|>, ' ', '.', a newline
and <|im_end|>, and for the zero embedding (Captum on the same target function). This is what chose the default
(playground/compute/attribution/__init__.py's docstring); it takes several minutes on 2 cores.

Writes bench/results/attribution_speed-<UTC stamp>.json and attribution_speed-latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import bench  # noqa: F401  (the offline environment, before transformers loads)

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
MODEL = "SmolLM2-135M-Instruct"
TOKENS, STEPS = 32, 64
REPS, QUICK_REPS, WARMUP = 5, 2, 1
TOLERANCE = 1e-4
PARAGRAPH = ("The old lighthouse keeper climbed the narrow stairs every evening, lit the great lamp, and watched the "
             "ships pass the rocks until morning, when he wrote everything down in his book.")
PROMPTS = ("It was a dark and stormy", "The man worked as a", "The capital of France is",
           "Review: The soup was cold and the waiter was rude.\nSentiment:")
BASELINES = (" the", "<|endoftext|>", " ", ".", "\n", "<|im_end|>")


def load():
    from playground.compute import lm
    from playground.config import Settings
    from playground.models import ModelRegistry

    registry = ModelRegistry(Settings.from_env().with_(device="cpu", dtype="float32"))
    loaded = registry.load(MODEL)
    return loaded, lm.backend_of(loaded)


def text_of(b, n: int = TOKENS) -> str:
    """A prefix of PARAGRAPH that the model reads as exactly n tokens (the start token included)."""
    body = list(b.tokenizer(PARAGRAPH, add_special_tokens=False)["input_ids"])
    for cut in range(n - 1, len(body)):
        text = b.tokenizer.decode(body[:cut])
        if len(b.encode(text).ids) == n:
            return text
    raise SystemExit(f"no prefix of the paragraph reads as {n} tokens")


class Layers:
    """The four layers, their inputs prepared once, untimed."""

    def __init__(self, loaded, b):
        import torch

        from playground.compute import attribution as at

        self.at, self.b, self.model = at, b, loaded.model
        self.text = text_of(b)
        self.problem = at.next_token_problem(b, self.text)
        self.ids = list(self.problem.context)
        self.target = self.problem.terms[0].ids[0]
        self.base_id = at.default_baseline(b)
        emb = self.model.get_input_embeddings()
        with torch.no_grad():
            full = emb(torch.tensor([self.ids]))
            self.start = full[:, :1]
            self.x = full[:, 1:].clone()
            self.xb = emb(torch.tensor([[self.base_id]])).expand_as(self.x).contiguous()
        self.chunk = max(1, at.CHUNK_TOKENS // len(self.ids))  # the app's internal batch size
        self.rows = [self.ids] + [self.ids[:i] + [self.base_id] + self.ids[i + 1:] for i in range(1, len(self.ids))]
        self.rows.append(self.ids[:1] + [self.base_id] * (len(self.ids) - 1))
        self.row_tensors = [torch.tensor([r]) for r in self.rows]

    def bare_f(self, e):
        start = self.start.expand(e.shape[0], -1, -1)
        logits = self.model(inputs_embeds=torch_cat(start, e), use_cache=False, logits_to_keep=1).logits
        return logits[:, -1].float().log_softmax(-1)[:, self.target]

    def ig_app(self):
        return self.at.attribute(self.b, self.problem, self.at.IG, steps=STEPS)

    def ig_captum(self):
        from captum.attr import IntegratedGradients

        return IntegratedGradients(self.bare_f).attribute(self.x, baselines=self.xb, n_steps=STEPS,
                                                          method=self.at.RULE, internal_batch_size=self.chunk)

    def occ_app(self):
        return self.at.attribute(self.b, self.problem, self.at.OCCLUSION)

    def occ_loop(self):
        import torch

        out = []
        with torch.inference_mode():
            for row in self.row_tensors:
                out.append(self.model(input_ids=row, use_cache=False).logits[0, -1].float().log_softmax(-1)
                           [self.target].item())
        return out

    def check(self) -> dict:
        """Both pairs compute the same scores."""
        app = [t.score for t in self.ig_app().tokens if t.score is not None]
        bare = self.ig_captum()[0].float().sum(-1).tolist()
        occ = [t.score for t in self.occ_app().tokens if t.score is not None]
        loop = self.occ_loop()
        occ_loop = [loop[0] - v for v in loop[1:-1]]
        ig_diff = max(abs(a - c) for a, c in zip(app, bare))
        occ_diff = max(abs(a - c) for a, c in zip(occ, occ_loop))
        return {"ig_max_abs_diff": ig_diff, "occlusion_max_abs_diff": occ_diff,
                "same": ig_diff <= TOLERANCE and occ_diff <= TOLERANCE}


def torch_cat(a, b):
    import torch

    return torch.cat([a, b], dim=1)


def timed(layers: Layers, reps: int, warmup: int) -> dict:
    names = ("ig_app", "ig_captum", "occ_app", "occ_loop")
    samples: dict[str, list[float]] = {n: [] for n in names}
    for rnd in range(warmup + reps):
        order = names[rnd % len(names):] + names[:rnd % len(names)]
        for name in order:
            time.sleep(0.05)
            start = time.perf_counter()
            getattr(layers, name)()
            took = time.perf_counter() - start
            if rnd >= warmup:
                samples[name].append(took)
        print(f"round {rnd + 1}/{warmup + reps}" + (" (warm-up)" if rnd < warmup else ""), flush=True)
    return {n: {"median": statistics.median(v), "min": min(v), "max": max(v), "samples": v}
            for n, v in samples.items()}


def baselines(loaded, b) -> list[dict]:
    """The relative completeness gap per baseline, prompt and step count (see the module docstring)."""
    import torch
    from captum.attr import IntegratedGradients

    from playground.compute import attribution as at

    out = []
    for prompt in PROMPTS:
        problem = at.next_token_problem(b, prompt)
        f, x, _ = at.target_function(b, problem)
        for steps in (64, 128):
            for base in BASELINES:
                c = at.attribute(b, problem, at.IG, steps=steps, baseline=base).completeness
                out.append({"prompt": prompt, "baseline": base, "steps": steps, "relative_gap": c.relative})
            zero = torch.zeros_like(x)
            attr = IntegratedGradients(f).attribute(x, baselines=zero, n_steps=steps, method=at.RULE,
                                                    internal_batch_size=max(1, at.CHUNK_TOKENS // x.shape[1]))
            with torch.no_grad():
                diff = (f(x) - f(zero)).item()
            out.append({"prompt": prompt, "baseline": "zero embedding", "steps": steps,
                        "relative_gap": abs(attr.sum().item() - diff) / max(abs(diff), 1e-12)})
            print(f"{prompt[:24]!r} {steps} steps: " + ", ".join(
                f"{r['baseline']!r} {100 * r['relative_gap']:.1f} %" for r in out[-len(BASELINES) - 1:]), flush=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=REPS)
    ap.add_argument("--warmup", type=int, default=WARMUP)
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_REPS} reps, 1 warm-up round")
    ap.add_argument("--baselines", action="store_true", help="also the completeness gap per baseline (minutes)")
    args = ap.parse_args(argv)
    reps, warmup = (QUICK_REPS, 1) if args.quick else (args.reps, args.warmup)
    import torch
    import transformers

    load_before = os.getloadavg()
    loaded, b = load()
    layers = Layers(loaded, b)
    print(f"{MODEL}: {len(layers.ids)} tokens read, {STEPS} steps, internal batch {layers.chunk}; "
          f"load average {load_before[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    same = layers.check()
    times = timed(layers, reps, warmup)
    med = {k: v["median"] for k, v in times.items()}
    low = {k: v["min"] for k, v in times.items()}
    ratios = {"ig_app / ig_captum": med["ig_app"] / med["ig_captum"],
              "occ_loop / occ_app": med["occ_loop"] / med["occ_app"],
              "ig_app / ig_captum (fastest runs)": low["ig_app"] / low["ig_captum"],
              "occ_loop / occ_app (fastest runs)": low["occ_loop"] / low["occ_app"]}
    print(f"\n{'layer':12s} {'median s':>9s} {'min s':>8s}")
    for name, t in times.items():
        print(f"{name:12s} {t['median']:9.3f} {t['min']:8.3f}")
    for name, r in ratios.items():
        print(f"{name:36s} {r:.3f}" + ("   (goal ≤ 1.1)" if name.startswith("ig_app") else ""))
    if load_before[0] > 0.2 * (os.cpu_count() or 1):
        print(f"warning: the load average was {load_before[0]:.1f} before the run: other work shared the CPU, so "
              "these times are noisy (the fastest runs are the better guide)")
    print(f"same scores: {same}")
    report = {"benchmark": "attribution_speed", "model": MODEL, "tokens": len(layers.ids), "steps": STEPS,
              "internal_batch_size": layers.chunk, "reps": reps, "warmup": warmup, "times": times,
              "ratios": ratios, "check": same, "text": layers.text,
              "machine": {"cpus": os.cpu_count(), "load_average_before": load_before,
                          "load_average_after": os.getloadavg(), "python": sys.version.split()[0],
                          "platform": platform.platform(), "torch": torch.__version__,
                          "transformers": transformers.__version__, "threads": torch.get_num_threads()}}
    if args.baselines:
        report["baselines"] = baselines(loaded, b)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(report, indent=1, ensure_ascii=False)
    (RESULTS / f"attribution_speed-{stamp}.json").write_text(text, encoding="utf-8")
    (RESULTS / "attribution_speed-latest.json").write_text(text, encoding="utf-8")
    return 0 if same["same"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
