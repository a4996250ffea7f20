"""The best guess after every prefix (lesson 6): one forward pass read at every position.

For a causal LM (and a seq2seq decoder) the logits at position p are the model's guess for token
p + 1 given tokens 0..p. With the start token in front, position 0 is the guess for the first word.
"""

from __future__ import annotations

from .distribution import PrefixRow


def prefix_rows(b, seq, logits, lead: int = 0) -> tuple[PrefixRow, ...]:
    """For every position: the argmax after the prefix, and the actual next token's probability and rank.
    `logits` (T, V) float32; `lead` tokens at the front (the start token) are not part of the prefix text."""
    import torch

    seq = list(seq)
    logp = torch.log_softmax(logits, dim=-1)  # (T, V)
    best_lp, best = logp.max(dim=-1)
    n = len(seq) - 1
    nxt = torch.tensor(seq[1:], device=logits.device)
    rows_lp = logp[torch.arange(n, device=logits.device), nxt] if n else best_lp[:0]
    # rank = 1 + how many tokens the model liked strictly more than the one that follows
    actual = logits[torch.arange(n, device=logits.device), nxt].unsqueeze(-1) if n else None
    ranks = ((logits[:n] > actual).sum(-1, dtype=torch.int32) + 1).tolist() if n else []  # int32: twice as fast
    best_ids, best_p = best.tolist(), best_lp.exp().tolist()
    next_p = rows_lp.exp().tolist()
    rows = []
    for p, prefix in enumerate(decode_prefixes(b.tokenizer, seq, lead)):
        has_next = p < n
        rows.append(PrefixRow(
            position=p,
            prefix=prefix,
            best_id=int(best_ids[p]),
            best_token=b.label(best_ids[p]),
            best_prob=float(best_p[p]),
            next_id=int(seq[p + 1]) if has_next else None,
            next_token=b.label(seq[p + 1]) if has_next else None,
            next_prob=float(next_p[p]) if has_next else None,
            next_rank=int(ranks[p]) if has_next else None,
        ))
    return tuple(rows)


def decode_prefixes(tok, seq: list[int], lead: int = 0) -> list[str]:
    """The text of seq[lead:1], seq[lead:2], …: one batched call into the Rust tokenizer where there is
    one (tokenizer.decode converts every prefix list in Python first: quadratic, ~0.3 s at 1,024 tokens)."""
    prefixes = [seq[lead: p + 1] for p in range(len(seq))]
    backend = getattr(tok, "backend_tokenizer", None)
    if backend is not None:
        return backend.decode_batch(prefixes, skip_special_tokens=False)
    return [tok.decode(ids, skip_special_tokens=False, clean_up_tokenization_spaces=False) for ids in prefixes]
