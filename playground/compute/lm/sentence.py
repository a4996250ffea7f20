"""What a sentence-transformers model folder says about how it turns a text into one vector.

A model saved by sentence-transformers (all-MiniLM-L6-v2) carries, next to its transformers files:

    sentence_bert_config.json   {"max_seq_length": 256, "do_lower_case": false}
    modules.json                the pipeline: Transformer, then Pooling (1_Pooling/), then Normalize
    1_Pooling/config.json       which pooling: "pooling_mode_mean_tokens": true (older files) or
                                "pooling_mode": "mean" (newer ones)

`sentence_config(model)` reads them from the folder (or the Hugging Face cache) the model was loaded
from, and returns None for a model that has none (a plain BERT, a causal LM). Only what the recipe
needs is read; a pooling this app does not compute is refused with the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ...errors import InputError

POOLINGS = ("mean", "cls", "max", "last")  # what the embeddings compute can do
_OLD_KEYS = {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls",
             "pooling_mode_max_tokens": "max", "pooling_mode_lasttoken": "last"}
_NEW_NAMES = {"mean": "mean", "cls": "cls", "max": "max", "lasttoken": "last", "last": "last"}


@dataclass(frozen=True)
class SentenceConfig:
    """sentence-transformers' recipe for one model: truncate at `max_seq_length` tokens (keeping the
    start), lower-case first when `do_lower_case`, pool the last hidden states with `pooling` over the
    attention mask, then L2-normalise when `normalize` (the Normalize module is in modules.json)."""

    max_seq_length: int | None
    do_lower_case: bool
    pooling: str
    normalize: bool
    source: str  # where it was read from, for a notice


def _read(root: str, filename: str) -> dict | list | None:
    """A JSON file of the model's folder, or of its hub repository in the local HF cache; None when absent."""
    path = Path(root) / filename
    if not path.is_file():
        if Path(root).is_dir() or not root:
            return None
        try:
            from huggingface_hub import try_to_load_from_cache

            found = try_to_load_from_cache(root, filename)
        except Exception:  # not a repo id, or no cache
            return None
        if not isinstance(found, str):
            return None
        path = Path(found)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _pooling(config: dict) -> str:
    mode = config.get("pooling_mode")
    if isinstance(mode, str):
        if mode not in _NEW_NAMES:
            raise InputError("The model's sentence-transformers pooling is {mode!r}, which this app does not "
                             "compute; choose a pooling ({items}) explicitly.", mode=mode,
                             items=', '.join(POOLINGS))
        return _NEW_NAMES[mode]
    on = [name for key, name in _OLD_KEYS.items() if config.get(key)]
    others = [k for k, v in config.items() if k.startswith("pooling_mode") and v and k not in _OLD_KEYS]
    if len(on) != 1 or others:
        raise InputError("The model's sentence-transformers pooling ({value}) is not one this app computes; "
                         "choose a pooling ({items}) explicitly.", value=', '.join(on + others) or 'none',
                         items=', '.join(POOLINGS))
    return on[0]


@lru_cache(maxsize=32)
def read_sentence_config(root: str) -> SentenceConfig | None:
    """The recipe in the folder (or hub repo) `root`, or None when it is not a sentence-transformers model."""
    modules = _read(root, "modules.json")
    if not isinstance(modules, list):
        return None
    types = {str(m.get("type", "")).rsplit(".", 1)[-1]: m for m in modules if isinstance(m, dict)}
    if "Pooling" not in types:
        return None
    pool_dir = str(types["Pooling"].get("path") or "1_Pooling")
    pooling = _pooling(_read(root, f"{pool_dir}/config.json") or {})
    bert = _read(root, "sentence_bert_config.json") or {}
    length = bert.get("max_seq_length")
    return SentenceConfig(
        max_seq_length=int(length) if isinstance(length, int) and length > 0 else None,
        do_lower_case=bool(bert.get("do_lower_case", False)),
        pooling=pooling,
        normalize="Normalize" in types,
        source=f"{Path(root).name or root}/sentence_bert_config.json",
    )


def sentence_config(model) -> SentenceConfig | None:
    """The recipe of the folder a transformers model was loaded from (its name_or_path), or None."""
    root = str(getattr(model, "name_or_path", "") or getattr(getattr(model, "config", None), "_name_or_path", ""))
    return read_sentence_config(root) if root else None
