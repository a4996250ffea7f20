"""Settings: device, dtype, limits and where models may come from, read from the environment.

Every knob has an environment variable so a Space, a lecture laptop and CI can differ without code:

    PLAYGROUND_DEVICE           auto | cpu | cuda | mps               (default auto)
    PLAYGROUND_DTYPE            auto | float32 | bfloat16 | float16   (default auto)
    PLAYGROUND_CACHE_DIR        converted-model cache  (default $XDG_CACHE_HOME/playground or ~/.cache/playground)
    PLAYGROUND_MAX_MODELS       models kept in memory at once, least recently used goes first (default 3)
    PLAYGROUND_MAX_TEXT_CHARS   longest text the tokenizer tab accepts (default 50000)
    PLAYGROUND_MAX_PIECE_TOKENS most tokens of one label, target word, continuation or bad word (default 64)
    PLAYGROUND_MAX_WORK_TOKENS  most token positions one request may run through the model, all its rows
                                together: grids, evaluations, continuations (default 300000)
    PLAYGROUND_MAX_PROMPT_TOKENS most prompt tokens a forward pass reads; longer prompts keep their end
                                (default 1024; the model's own context, when smaller, wins)
    PLAYGROUND_MODEL_DIRS       allow-list of local folders (os.pathsep-separated); every model folder
                                inside one (a folder with config.json) joins the catalog
    PLAYGROUND_ALLOW_HUB_IDS    1 to let users type any hub id into the model picker (default 0)
    PLAYGROUND_HUB_PROBE_TIMEOUT seconds to wait when checking whether the hub is reachable (default 1.5)
    HF_HUB_OFFLINE              1: never contact the hub (hub models then need the local HF cache)
    PLAYGROUND_REMOTE_URLS      OpenAI-compatible inference servers (vLLM, llama.cpp, ...), comma-separated
                                base URLs ending in /v1, e.g. http://gpu-box:8000/v1 (default: none)
    PLAYGROUND_REMOTE_API_KEY   bearer token sent to those servers (default: none); never shown in a repr
    PLAYGROUND_REMOTE_TIMEOUT   seconds one request to a remote server may take, and the longest silence
                                inside a streamed generation (default 30)
    PLAYGROUND_ALLOW_REMOTE_URLS 1 to let users type a server URL into the model picker (default 0: the app
                                then talks only to PLAYGROUND_REMOTE_URLS)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

DEVICES = ("auto", "cpu", "cuda", "mps")
DTYPES = ("auto", "float32", "bfloat16", "float16")


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def validate_remote_url(url: str) -> str:
    """A server's base URL, checked and without a trailing slash: http(s), a host, a path ending in /v1,
    no user:password@ (the key goes in PLAYGROUND_REMOTE_API_KEY), no query. ValueError says what to fix."""
    text = url.strip().rstrip("/")
    example = "e.g. http://gpu-box:8000/v1"
    parts = urlsplit(text)
    # Credentials and queries first, and without quoting the URL: they may hold a secret.
    if parts.username or parts.password:
        raise ValueError("remote server URLs must not carry user:password@; put the key in PLAYGROUND_REMOTE_API_KEY")
    if parts.query or parts.fragment:
        raise ValueError(f"remote server URLs must not have a query or fragment ({example}); "
                         "put a key in PLAYGROUND_REMOTE_API_KEY")
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"remote server URL {text!r} must start with http:// or https:// ({example})")
    if not parts.hostname:
        raise ValueError(f"remote server URL {text!r} has no host ({example})")
    if not parts.path.endswith("/v1"):
        raise ValueError(f"remote server URL {text!r} must end in /v1, the OpenAI-compatible API root ({example})")
    return text


def _remote_urls(value: str | None) -> tuple[str, ...]:
    return tuple(validate_remote_url(u) for u in (value or "").split(",") if u.strip())


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "playground"


@dataclass(frozen=True)
class Settings:
    device: str = "auto"
    dtype: str = "auto"
    cache_dir: Path = field(default_factory=_default_cache_dir)
    max_models: int = 3
    max_text_chars: int = 50_000
    max_prompt_tokens: int = 1024
    max_new_tokens: int = 256  # the most tokens one generation may produce (the Decoding tab and API)
    max_piece_tokens: int = 64  # one label, target word, continuation or bad word
    max_work_tokens: int = 300_000  # token positions one request may run through the model
    max_generations: int = 2  # generations running at once; more wait in the queue
    model_dirs: tuple[Path, ...] = ()
    allow_hub_ids: bool = False
    hub_offline: bool = False
    hub_probe_timeout: float = 1.5
    remote_urls: tuple[str, ...] = ()  # OpenAI-compatible servers, base URLs ending in /v1
    remote_api_key: str | None = field(default=None, repr=False)  # a secret: never in a repr
    remote_timeout: float = 30.0  # seconds per remote request; longest silence inside a stream
    allow_remote_urls: bool = False  # let users type a server URL into the picker

    def __post_init__(self) -> None:
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}; got {self.device!r}")
        if self.dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(DTYPES)}; got {self.dtype!r}")
        if self.max_models < 1:
            raise ValueError(f"max_models must be at least 1; got {self.max_models}")
        if self.max_text_chars < 1:
            raise ValueError(f"max_text_chars must be at least 1; got {self.max_text_chars}")
        if self.max_prompt_tokens < 1:
            raise ValueError(f"max_prompt_tokens must be at least 1; got {self.max_prompt_tokens}")
        if self.max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be at least 1; got {self.max_new_tokens}")
        if self.max_piece_tokens < 1:
            raise ValueError(f"max_piece_tokens must be at least 1; got {self.max_piece_tokens}")
        if self.max_work_tokens < 1:
            raise ValueError(f"max_work_tokens must be at least 1; got {self.max_work_tokens}")
        if self.max_generations < 1:
            raise ValueError(f"max_generations must be at least 1; got {self.max_generations}")
        object.__setattr__(self, "remote_urls", tuple(validate_remote_url(u) for u in self.remote_urls))
        if self.remote_timeout <= 0:
            raise ValueError(f"remote_timeout must be positive; got {self.remote_timeout}")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        dirs = tuple(
            Path(p).expanduser().resolve()
            for p in env.get("PLAYGROUND_MODEL_DIRS", "").split(os.pathsep)
            if p.strip()
        )
        cache = env.get("PLAYGROUND_CACHE_DIR")
        return cls(
            device=env.get("PLAYGROUND_DEVICE", "auto").strip().lower() or "auto",
            dtype=env.get("PLAYGROUND_DTYPE", "auto").strip().lower() or "auto",
            cache_dir=Path(cache).expanduser() if cache else _default_cache_dir(),
            max_models=int(env.get("PLAYGROUND_MAX_MODELS", "3")),
            max_text_chars=int(env.get("PLAYGROUND_MAX_TEXT_CHARS", "50000")),
            max_prompt_tokens=int(env.get("PLAYGROUND_MAX_PROMPT_TOKENS", "1024")),
            max_new_tokens=int(env.get("PLAYGROUND_MAX_NEW_TOKENS", "256")),
            max_piece_tokens=int(env.get("PLAYGROUND_MAX_PIECE_TOKENS", "64")),
            max_work_tokens=int(env.get("PLAYGROUND_MAX_WORK_TOKENS", "300000")),
            max_generations=int(env.get("PLAYGROUND_MAX_GENERATIONS", "2")),
            model_dirs=dirs,
            allow_hub_ids=_flag(env.get("PLAYGROUND_ALLOW_HUB_IDS")),
            hub_offline=_flag(env.get("HF_HUB_OFFLINE")) or _flag(env.get("TRANSFORMERS_OFFLINE")),
            hub_probe_timeout=float(env.get("PLAYGROUND_HUB_PROBE_TIMEOUT", "1.5")),
            remote_urls=_remote_urls(env.get("PLAYGROUND_REMOTE_URLS")),
            remote_api_key=env.get("PLAYGROUND_REMOTE_API_KEY", "").strip() or None,
            remote_timeout=float(env.get("PLAYGROUND_REMOTE_TIMEOUT", "30")),
            allow_remote_urls=_flag(env.get("PLAYGROUND_ALLOW_REMOTE_URLS")),
        )

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)
