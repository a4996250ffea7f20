"""Cross-check of the Prompting tab's label log-likelihoods against EleutherAI's lm-evaluation-harness.

    .venv-lmeval/bin/python -m checks.lm_eval        (from the repo root, PYTHONPATH=.; see checks/README.md)

lm-eval is not a dependency of the app: run this with a separate virtual environment that has the app's
requirements plus `lm-eval` (checks/README.md says how to make one).

SmolLM2-135M-Instruct is loaded once through the app's registry (float32, CPU). The app scores a label as
log P(verbalizer | prompt) summed over the verbalizer's tokens (prompting.label_logprobs), the prompt read after
the document-start token <|endoftext|> (the core's encode, playground.compute.lm). lm-eval's HFLM wraps the same model and
tokenizer objects (batch_size=8) and is asked `loglikelihood` for the same (context, continuation) pairs, the
context given as "<|endoftext|>" + prompt:

    zero-shot    the first 10 bundled reviews in SENTIMENT_TEMPLATE, continuations " positive" / " negative"
    multi-token  2 reviews, continuations " wonderfully pleasant" / " utterly disappointing" (2 tokens each:
                 the app's chain rule against lm-eval's sum over the continuation)
    few-shot     2 reviews after the same 4 demonstrations (prompting.build_prompt), " positive" / " negative"
                 (the app runs the shared demonstrations once and copies their key/value cache)

First the token ids are compared: lm-eval's `_encode_pair(context, continuation)` (it tokenizes context +
continuation together and splits) must give exactly the app's prompt ids and verbalizer ids, so that both
score the same sequence. Then the log-likelihoods: the table shows both and their difference. lm-eval's
is_greedy (every continuation token is the argmax over the vocabulary) is compared, for one-token labels, with
the app's own top next token (prompting.classify(...).next_tokens[0]); and lm-eval's best label by
log-likelihood with the app's prediction. Exits 1 when a token id differs, the largest |difference| exceeds
1e-3, or a greedy flag or a prediction disagrees.
"""

from __future__ import annotations

import argparse
import sys
import time

TOLERANCE = 1e-3
N_REVIEWS = 10
START = "<|endoftext|>"
DEMOS = (("I loved every minute of it.", "positive"), ("Total waste of money.", "negative"),
         ("A delightful little place with great coffee.", "positive"),
         ("The battery died after two days.", "negative"))


def _cases(prompting):
    """(case, prompts, labels, demos, texts): the groups of pairs the two sides score."""
    from playground.compute.prompting import Label

    reviews = [e.text for e in prompting.load_dataset("reviews")]
    template = prompting.SENTIMENT_TEMPLATE
    sentiment = prompting.parse_labels(prompting.SENTIMENT_LABELS, template)
    multi = (Label("pleasant", " wonderfully pleasant"), Label("disappointing", " utterly disappointing"))
    zero = reviews[:N_REVIEWS]
    two = reviews[N_REVIEWS:N_REVIEWS + 2]
    return [
        ("zero-shot", [prompting.build_prompt(template, t) for t in zero], sentiment, (), zero),
        ("multi-token", [prompting.build_prompt(template, t) for t in zero[:2]], multi, (), zero[:2]),
        ("4-shot", [prompting.build_prompt(template, t, DEMOS, labels=sentiment) for t in two], sentiment, DEMOS,
         two),
    ]


def main(argv=None) -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    from tests.loopback_guard import install as install_loopback_guard

    outside = install_loopback_guard()  # importing the checks package has set the offline environment
    from importlib.metadata import version

    import numpy as np

    from playground.compute import lm, prompting
    from playground.compute.lm import token_label
    from playground.config import Settings
    from playground.models import ModelRegistry

    from bench.common import SMOLLM2, table

    t0 = time.perf_counter()
    loaded = ModelRegistry(Settings.from_env().with_(device="cpu", dtype="float32")).load(SMOLLM2)
    model, tok = loaded.model, loaded.tokenizer
    print(f"{SMOLLM2} loaded through the app's registry in {time.perf_counter() - t0:.1f} s "
          f"({next(model.parameters()).dtype}, {model.device}); lm-eval {version('lm_eval')}, "
          f"transformers {version('transformers')}, torch {version('torch')}")

    # ---- the app's side first, before HFLM touches the model or the tokenizer ----
    cases = _cases(prompting)
    pairs = []  # dicts: case, text, label, context, continuation, app logprob, app ids
    for case, prompts, labels, demos, texts in cases:
        got = prompting.label_logprobs(loaded, prompts, labels)
        scores, verbs = got.scores, got.verbalizers
        for p, (prompt, text) in enumerate(zip(prompts, texts)):
            app_greedy, pred = None, None
            if all(len(v.ids) == 1 for v in verbs):
                c = prompting.classify(loaded, text, prompting.SENTIMENT_TEMPLATE, labels, demos=demos)
                top = c.next_tokens[0][0]
                app_greedy = [top == token_label(tok, v.ids[0]) for v in verbs]
                pred = c.prediction
            for j, (lab, v) in enumerate(zip(labels, verbs)):
                pairs.append({
                    "case": case, "text": text, "label": lab.name, "context": START + prompt,
                    "continuation": lab.verbalizer, "app": float(scores[p, j]),
                    "app_ids": (list(lm.backend_of(loaded).encode(prompt).ids), list(v.ids)),
                    "app_greedy": None if app_greedy is None else app_greedy[j], "app_pred": pred,
                })

    # ---- lm-eval's side ----
    from lm_eval.api.instance import Instance
    from lm_eval.models.huggingface import HFLM

    pad_before = (tok.pad_token, tok.pad_token_id)
    lm = HFLM(pretrained=model, tokenizer=tok, batch_size=8)
    notes = [f"HFLM: backend {lm.backend}, device {lm.device}, batch size {lm.batch_size}, max length "
             f"{lm.max_length}, prefix_token_id {lm.prefix_token_id} ({tok.convert_ids_to_tokens(lm.prefix_token_id)}),"
             f" add_bos_token {lm.add_bos_token}; the tokenizer's pad token {pad_before} -> "
             f"{(tok.pad_token, tok.pad_token_id)}"]

    id_mismatch = 0
    for pr in pairs:
        ctx_ids, cont_ids = lm._encode_pair(pr["context"], pr["continuation"])
        pr["lm_ids"] = (list(ctx_ids), list(cont_ids))
        if pr["lm_ids"] != pr["app_ids"]:
            id_mismatch += 1
            print(f"TOKEN IDS DIFFER for {pr['case']} {pr['label']!r}: lm-eval {pr['lm_ids']} vs app {pr['app_ids']}")
    first = pairs[0]
    notes.append(f"Token ids: lm-eval's (context, continuation) ids equal the app's (prompt ids, verbalizer ids) "
                 f"for {len(pairs) - id_mismatch} / {len(pairs)} pairs; e.g. the context starts "
                 f"{first['lm_ids'][0][:4]} (the app: {first['app_ids'][0][:4]}), no BOS added by lm-eval.")

    requests = [Instance(request_type="loglikelihood", doc={}, arguments=(pr["context"], pr["continuation"]), idx=i)
                for i, pr in enumerate(pairs)]
    t1 = time.perf_counter()
    results = lm.loglikelihood(requests, disable_tqdm=True)
    seconds = time.perf_counter() - t1
    for pr, (ll, greedy) in zip(pairs, results):
        pr["lm"], pr["lm_greedy"] = float(ll), bool(greedy)
        pr["diff"] = abs(pr["lm"] - pr["app"])

    # ---- compare ----
    rows = []
    for pr in pairs:
        agree = "-" if pr["app_greedy"] is None else ("yes" if pr["app_greedy"] == pr["lm_greedy"] else "NO")
        rows.append([pr["case"], pr["text"][:34], repr(pr["continuation"]), len(pr["lm_ids"][1]),
                     f"{pr['app']:.5f}", f"{pr['lm']:.5f}", f"{pr['diff']:.1e}",
                     "-" if pr["app_greedy"] is None else str(pr["app_greedy"]), str(pr["lm_greedy"]), agree])
    print()
    print(table(["case", "text", "continuation", "tokens", "app logprob", "lm-eval", "|diff|", "app top",
                 "lm greedy", "agree"], rows, f"{len(pairs)} (context, continuation) pairs"))

    greedy_cmp = [pr for pr in pairs if pr["app_greedy"] is not None]
    greedy_bad = sum(pr["app_greedy"] != pr["lm_greedy"] for pr in greedy_cmp)
    pred_bad, n_prompts = 0, 0
    for key in dict.fromkeys((pr["case"], pr["text"]) for pr in pairs):
        group = [pr for pr in pairs if (pr["case"], pr["text"]) == key]
        n_prompts += 1
        lm_best = max(group, key=lambda pr: pr["lm"])["label"]
        app_best = group[0]["app_pred"] or max(group, key=lambda pr: pr["app"])["label"]
        pred_bad += lm_best != app_best
    diffs = np.array([pr["diff"] for pr in pairs])
    worst = max(pairs, key=lambda pr: pr["diff"])
    print()
    print(table(["check", "result"], [
        ["pairs", f"{len(pairs)} ({sum(len(pr['lm_ids'][1]) > 1 for pr in pairs)} multi-token)"],
        ["token ids equal", f"{len(pairs) - id_mismatch} / {len(pairs)}"],
        ["max |lm-eval - app|", f"{diffs.max():.2e} ({worst['case']}, {worst['continuation']!r})"],
        ["mean |lm-eval - app|", f"{diffs.mean():.2e}"],
        ["is_greedy = app's top token", f"{len(greedy_cmp) - greedy_bad} / {len(greedy_cmp)} (one-token labels)"],
        ["best label equal", f"{n_prompts - pred_bad} / {n_prompts} prompts"],
        ["lm-eval loglikelihood time", f"{seconds:.2f} s"],
        ["connections refused beyond 127.0.0.1", str(len(outside))],
    ]))
    print("\n" + "\n".join(notes))
    failed = []
    if id_mismatch:
        failed.append(f"{id_mismatch} pair(s) tokenized differently")
    if diffs.max() > TOLERANCE:
        failed.append(f"max |difference| {diffs.max():.2e} > {TOLERANCE:g}")
    if greedy_bad or pred_bad:
        failed.append(f"{greedy_bad} greedy flag(s) and {pred_bad} prediction(s) disagree")
    print("\nFAILED: " + "; ".join(failed) if failed else f"\nOK: every difference is within {TOLERANCE:g}.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
