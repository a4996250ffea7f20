"""The bare transformers calls the app's APIs are compared with: what a person using transformers directly
would write to get the same answer from the same model and the same inputs. No playground code runs here.

Each function takes the model and its tokenizer first and returns a small dict the benchmark checks the
app's answer against (top ids, log-probabilities, predictions). All run under torch.inference_mode().
Every causal prompt the app reads after the document-start token (every API, README "API") is read after it
here too: `start_ids(tok)` is <|endoftext|> where the
vocabulary has it (SmolLM2: id 0), else the BOS token; written here, not imported, since the reference
must not share the app's helper (DESIGN.md §6: check start-token rules independently).
"""

from __future__ import annotations

import time

MASK = "[MASK]"


def start_ids(tok) -> list[int]:
    eot = tok.convert_tokens_to_ids("<|endoftext|>")
    if isinstance(eot, int) and tok.convert_ids_to_tokens(eot) == "<|endoftext|>":
        return [eot]
    return [tok.bos_token_id] if tok.bos_token_id is not None else []


def encode(tok, text: str) -> list[int]:
    return list(tok(text, add_special_tokens=False)["input_ids"])


def pad_id(tok) -> int:
    return tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id


def padded(tok, rows: list[list[int]], device):
    """Right-padded input_ids and attention_mask for a batch of rows."""
    import torch

    longest = max(len(r) for r in rows)
    ids = torch.tensor([r + [pad_id(tok)] * (longest - len(r)) for r in rows], device=device)
    mask = torch.tensor([[1] * len(r) + [0] * (longest - len(r)) for r in rows], device=device)
    return ids, mask


def last_logits(model, tok, rows: list[list[int]]):
    """Logits at each row's last real position, in one right-padded batch: the decoder's hidden states,
    then the output layer at those positions only (what `logits_to_keep` does for one unpadded row)."""
    import torch

    ids, mask = padded(tok, rows, model.device)
    hidden = model.model(input_ids=ids, attention_mask=mask).last_hidden_state  # (B, T, d)
    last = torch.tensor([len(r) - 1 for r in rows], device=model.device)
    return model.lm_head(hidden[torch.arange(len(rows), device=model.device), last]).float()  # (B, V)


# ---- one call per API ------------------------------------------------------------------------------

def tokenize(model, tok, text: str) -> dict:
    """/tokenize: the tokenizer with offsets."""
    return {"ids": list(tok(text, return_offsets_mapping=True)["input_ids"])}


def next_token(model, tok, prompt: str, k: int = 10, temperature: float = 1.0) -> dict:
    """/next_token: the forward, softmax(logits / T) at the last position, top k."""
    import torch

    with torch.inference_mode():
        ids = torch.tensor([start_ids(tok) + encode(tok, prompt)])
        logits = model(ids, use_cache=False).logits[0, -1]
        probs, top = torch.topk(torch.softmax(logits / temperature, -1), k)
    return {"input_ids": ids[0].tolist(), "ids": top.tolist(), "probs": probs.tolist()}


def logit_lens(model, tok, prompt: str, k: int = 5) -> dict:
    """/logit_lens: every hidden state through the final norm (all but the last, which transformers has
    normed) and the unembedding; softmax and top k at every position."""
    import torch

    with torch.inference_mode():
        ids = torch.tensor([start_ids(tok) + encode(tok, prompt)])
        hidden = model(ids, output_hidden_states=True, use_cache=False).hidden_states
        last = len(hidden) - 1
        tops = [torch.topk(torch.softmax(model.lm_head(h[0] if i == last else model.model.norm(h[0])), -1), k)
                for i, h in enumerate(hidden)]
    return {"top1": [t.indices[:, 0].tolist() for t in tops], "last_layer": tops[-1].indices.tolist()}


def attention(model, tok, text: str, layer: int, head: int) -> dict:
    """/attention: one forward with output_attentions=True; the weights of one head."""
    import torch

    with torch.inference_mode():
        ids = torch.tensor([start_ids(tok) + encode(tok, text)])
        att = model(ids, output_attentions=True, use_cache=False).attentions
        weights = att[layer][0, head].tolist()
    return {"weights": weights}


def generate(model, tok, prompt: str, n: int, setting: dict) -> dict:
    """/generate: model.generate() forced to exactly `n` new tokens (min_new_tokens), greedy or sampling;
    `setting` holds do_sample, the sampling knobs and a seed (torch.manual_seed before the call). Also the
    time to the first new token, from a streamer whose first put() is the prompt."""
    import torch
    from transformers.generation.streamers import BaseStreamer

    class FirstToken(BaseStreamer):
        def __init__(self):
            self.puts, self.at = 0, None

        def put(self, value):
            self.puts += 1
            if self.puts == 2:
                self.at = time.perf_counter()

        def end(self):
            pass

    knobs = {k: v for k, v in setting.items() if k != "seed"}
    streamer = FirstToken()
    with torch.inference_mode():
        ids = torch.tensor([start_ids(tok) + encode(tok, prompt)])
        if setting.get("do_sample"):
            torch.manual_seed(setting["seed"])
        start = time.perf_counter()
        out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=n, min_new_tokens=n,
                             pad_token_id=pad_id(tok), streamer=streamer, **knobs)
    return {"ids": out[0, ids.shape[1]:].tolist(), "first_token_s": streamer.at - start}


def fill_mask(model, tok, text: str, k: int = 10, candidates: int = 30) -> dict:
    """/fill_mask with a causal LM and the mask inside the sentence: the next-token distribution after the
    words before the mask gives the `candidates` likeliest word-starting tokens; each sentence with one of
    them in place is scored by its log-likelihood (one batched forward); the best k."""
    import torch

    at = text.index(MASK)
    left, suffix = text[:at].rstrip(" "), text[at + len(MASK):]
    start = start_ids(tok)
    with torch.inference_mode():
        logp = model(input_ids=torch.tensor([start + encode(tok, left)])).logits[0, -1].log_softmax(-1)
        pool = logp.topk(10 * candidates).indices.tolist()
        words = [w for w in (tok.decode([i]) for i in pool) if w.startswith(" ") and w.strip()][:candidates]
        rows = [start + encode(tok, left + w + suffix) for w in words]
        ids, mask = padded(tok, rows, model.device)
        logits = model(input_ids=ids, attention_mask=mask).logits
        scores = []
        for b, r in enumerate(rows):
            lp = logits[b, : len(r) - 1].log_softmax(-1)  # position i - 1 predicts token i
            scores.append(float(lp[torch.arange(len(r) - 1), torch.tensor(r[1:])].sum()))
    order = sorted(range(len(words)), key=lambda j: -scores[j])[:k]
    return {"words": [words[j] for j in order], "logprobs": [scores[j] for j in order]}


def bias_probe(model, tok, template: str, groups: list[str], targets: list[str]) -> dict:
    """/bias_probe with a causal LM: every (group, target) cell is one row, the words before the blank then
    the target's tokens; one right-padded batch; each cell's log-probability by the chain rule."""
    import torch

    rows, spans = [], []
    for group in groups:
        sentence = template.replace("{group}", group)
        prefix = sentence[: sentence.index(MASK)]
        before = start_ids(tok) + encode(tok, prefix.rstrip(" "))
        for target in targets:
            pieces = encode(tok, (" " + target) if prefix.endswith(" ") else target)
            rows.append(before + pieces)
            spans.append((len(before), pieces))
    with torch.inference_mode():
        ids, mask = padded(tok, rows, model.device)
        logits = model(input_ids=ids, attention_mask=mask).logits
        out = []
        for b, (n, pieces) in enumerate(spans):
            lp = logits[b, n - 1: n - 1 + len(pieces)].log_softmax(-1)
            out.append(float(sum(lp[j, t] for j, t in enumerate(pieces))))
    return {"logprobs": out}


def classify(model, tok, prompt: str, verbalizers: list[str], top: int = 10) -> dict:
    """/classify with a causal LM and one-token verbalizers: one forward on the prompt (read after the
    document-start token), log-softmax at its last position, each label's log-probability; the top next
    tokens."""
    import torch

    label_ids = []
    for v in verbalizers:
        ids = encode(tok, v)
        if len(ids) != 1:
            raise ValueError(f"the bare classify handles one-token verbalizers only; {v!r} is {len(ids)} tokens")
        label_ids.append(ids[0])
    with torch.inference_mode():
        ids = torch.tensor([start_ids(tok) + encode(tok, prompt)])
        logp = model(input_ids=ids, logits_to_keep=1).logits[0, -1].float().log_softmax(-1)
        lps = logp[label_ids].tolist()
        next_ids = logp.topk(top).indices.tolist()
    return {"logprobs": lps, "next_ids": next_ids}


def evaluate(model, tok, prompts: list[str], verbalizers: list[str], batch: int = 16) -> dict:
    """/evaluate, zero-shot, one-token verbalizers: the prompts (each read after the document-start token)
    in right-padded batches, the output layer at each row's last position, the likeliest label."""
    import torch

    label_ids = [encode(tok, v)[0] for v in verbalizers]
    rows = [start_ids(tok) + encode(tok, p) for p in prompts]
    predictions, logprobs = [], []
    with torch.inference_mode():
        for lo in range(0, len(rows), batch):
            logp = last_logits(model, tok, rows[lo: lo + batch]).log_softmax(-1)[:, label_ids]
            logprobs += logp.tolist()
            predictions += logp.argmax(-1).tolist()
    return {"predictions": predictions, "logprobs": logprobs}


CALLS = {f.__name__: f for f in (tokenize, next_token, logit_lens, attention, generate, fill_mask, bias_probe,
                                 classify, evaluate)}
