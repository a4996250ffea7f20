"""Models behind OpenAI-compatible servers: the catalog's remote part (PLAYGROUND_REMOTE_URLS).

Each server is asked for its models (GET /v1/models) and each model is probed once
(`remote_client.Server.probe`: what the server really does) at start-up, in the background, and on
page load; never at import. What a server said is kept:

- a server that answered is asked again, in the background, after RELIST_AFTER seconds, or at once when
  a call finds it changed (a model it no longer serves; a failure is recorded at once);
- a server that failed (down, slow, a wrong URL, a refused key) keeps its failure, and the reason shows
  in the catalog; page loads use that failure and ask again in the background after RETRY_AFTER
  seconds, so a dead server slows a page load by at most one timeout, once. A call on one of its
  models asks again at once (bounded by the timeout), so a server that came back works on the next call.

Every served model becomes a ModelSpec named `remote/<served model id>` (source_kind "remote", source
the server's URL); a second server serving the same id gets `remote/<id>@<host:port>`. A server that
never answered shows as one unavailable entry named after it, `remote/<host:port>`. The API key is never
part of a name, a reason or a repr (the client scrubs it).

URLs come from the settings only. A URL typed into the picker ("http://host:8000/v1", or that URL, a
space and a model id) is accepted only with PLAYGROUND_ALLOW_REMOTE_URLS=1, like typed hub ids.

This module is the catalog (which models, from where, available or why not). The backend that runs the
core's operations on such a model is `compute/lm/remote.py`; the protocol is `compute/lm/remote_client.py`
(imported when a server is first asked, so importing the catalog asks nobody anything).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import urlsplit

from .config import Settings, validate_remote_url
from .errors import InputError, ModelUnavailable

if TYPE_CHECKING:  # the client imports the core package, which imports models: no import at module level
    from .compute.lm.remote_client import Capabilities, Server
    from .models import Availability, ModelSpec

RELIST_AFTER = 300.0  # seconds after which a server that answered is asked again (in the background)
RETRY_AFTER = 20.0  # seconds after which a server that failed is asked again (in the background)
MAX_TYPED_SERVERS = 8  # typed URLs remembered at once (PLAYGROUND_ALLOW_REMOTE_URLS)
PREFIX = "remote/"


@dataclass
class Listing:
    """What one server said when it was last asked. `caps` has, per served model, its Capabilities or
    why probing it failed (a sentence). `error` is why the whole listing failed (the models of the last
    good listing are kept, shown as unavailable); `checked` is time.monotonic() of the answer."""

    models: tuple[str, ...] = ()
    cards: dict[str, dict] = field(default_factory=dict)
    caps: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    kind: str | None = None  # the RemoteError kind of `error`
    checked: float | None = None


@dataclass
class RemoteEntry:
    """One served model, ready for the core: the client, the model id on the server, its capabilities
    and /v1/models entry. `cache` holds what the core builds for it (its backend, its tokenizer) for as
    long as this listing holds; a new listing makes a new entry."""

    spec: "ModelSpec"
    server: "Server"
    model: str
    caps: "Capabilities"
    card: dict
    cache: dict = field(default_factory=dict)


class _Server:
    """One server: its client, what it last said, and the listing in flight (if any)."""

    def __init__(self, url: str, settings: Settings):
        from .compute.lm.remote_client import Server

        self.url = url
        self.client = Server(url, settings.remote_api_key, timeout=settings.remote_timeout,
                             connect_timeout=min(5.0, settings.remote_timeout))
        self.listing = Listing()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.entries: dict[str, RemoteEntry] = {}

    @property
    def netloc(self) -> str:
        return urlsplit(self.url).netloc

    def stale(self, now: float) -> bool:
        checked = self.listing.checked
        if checked is None:
            return True
        return now - checked > (RETRY_AFTER if self.listing.error else RELIST_AFTER)


class RemoteCatalog:
    """The remote models of the catalog (see the module docstring). `local_spec(name)` is the registry's
    lookup of a catalog name that is not remote (for a local copy of a served model's tokenizer)."""

    def __init__(self, settings: Settings, local_spec: Callable[[str], "ModelSpec | None"] | None = None):
        self.settings = settings
        self._local_spec = local_spec or (lambda name: None)
        self._servers: dict[str, _Server] = {}
        self._typed: OrderedDict[str, _Server] = OrderedDict()
        self._lock = threading.Lock()

    # ---- servers and listings ----------------------------------------------------------------------

    @property
    def configured(self) -> bool:
        return bool(self.settings.remote_urls)

    def _configured(self) -> list[_Server]:
        with self._lock:
            for url in self.settings.remote_urls:
                if url not in self._servers:
                    self._servers[url] = _Server(url, self.settings)
            return [self._servers[u] for u in self.settings.remote_urls]

    def _all(self) -> list[_Server]:
        servers = self._configured()
        with self._lock:
            return servers + [s for s in self._typed.values() if s not in servers]

    def _is_typed(self, server: _Server) -> bool:
        with self._lock:
            return server.url in self._typed and server.url not in self._servers

    def start(self) -> None:
        """Ask every configured server for its models, in the background (start-up)."""
        self.refresh(wait=0.0)

    def refresh(self, wait: float | None = None) -> None:
        """Ask again every server whose listing is stale, in the background; then wait up to `wait` seconds
        (default: the server timeout) for the servers that never answered yet (page load)."""
        wait = self.settings.remote_timeout if wait is None else wait
        now = time.monotonic()
        first = []
        for server in self._all():
            if server.stale(now):
                thread = self._start(server)
                if server.listing.checked is None:
                    first.append(thread)
        self._join(first, wait)

    def _start(self, server: _Server) -> threading.Thread:
        with server.lock:
            if server.thread is None or not server.thread.is_alive():
                server.thread = threading.Thread(target=self._list, args=(server,), daemon=True,
                                                 name=f"playground-list-{server.netloc}")
                server.thread.start()
            return server.thread

    @staticmethod
    def _join(threads: list[threading.Thread], wait: float) -> None:
        deadline = time.monotonic() + wait
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _list(self, server: _Server) -> None:
        """One listing: the models, then a probe of each. A failure of the server as a whole (down, a
        timeout, a refused key, a wrong URL) keeps the models of the last good listing."""
        from .compute.lm.remote_client import RemoteError

        client = server.client
        try:
            cards = client.model_cards()
            models = tuple(dict.fromkeys(str(c["id"]) for c in cards))
            caps: dict[str, Any] = {}
            for model in models:
                try:
                    caps[model] = client.probe(model)
                except RemoteError as exc:
                    if exc.kind in ("down", "timeout", "auth", "not_found"):
                        raise
                    caps[model] = str(exc)
            listing = Listing(models, {str(c["id"]): c for c in cards}, caps, None, None, time.monotonic())
        except RemoteError as exc:
            old = server.listing
            listing = Listing(old.models, old.cards, old.caps, str(exc), exc.kind, time.monotonic())
        with server.lock:
            server.listing = listing
            server.entries = {m: e for m, e in server.entries.items() if listing.caps.get(m) is e.caps}

    def failed(self, url: str, error) -> None:
        """A call on one of the server's models failed with `error` (a RemoteError). A model it no longer serves:
        the server is listed again now (waiting at most the timeout), so the next call sees what it serves. The
        server gone or too slow: the failure is recorded at once (the catalog shows it, and the next call on
        one of its models asks the server again)."""
        for server in self._all():
            if server.url != url:
                continue
            server.client.forget()
            if error.kind == "model":
                with server.lock:
                    old = server.listing
                    server.listing = Listing(old.models, old.cards, old.caps, old.error, old.kind, 0.0)
                self._join([self._start(server)], self.settings.remote_timeout)
            else:
                with server.lock:
                    old = server.listing
                    server.listing = Listing(old.models, old.cards, old.caps, str(error), error.kind, time.monotonic())

    def settle(self, timeout: float = 60.0) -> None:
        """Wait until no listing is in flight (for tests and benchmarks, which must not race a listing)."""
        self._join([s.thread for s in self._all() if s.thread is not None], timeout)

    def serving(self) -> str:
        """What every server serves now, in one sentence (for a name no server serves)."""
        parts = []
        for server in self._all():
            listing = server.listing
            if listing.error:
                parts.append(f"{server.url} is unavailable")
            elif listing.checked is None:
                parts.append(f"{server.url} has not answered yet")
            else:
                parts.append(f"{server.url} serves {', '.join(listing.models) or 'nothing'}")
        return "; ".join(parts) or "no server is set in PLAYGROUND_REMOTE_URLS"

    # ---- specs -------------------------------------------------------------------------------------

    def _named(self, typed: bool = True) -> list[tuple["ModelSpec", _Server, str | None]]:
        """(spec, server, served model id or None for a server that never answered), in server order; with
        `typed`, the servers typed into the picker too (their names end in @host:port)."""
        out, taken = [], set()
        for server in self._all():
            is_typed = self._is_typed(server)
            if is_typed and not typed:
                continue
            listing = server.listing
            if not listing.models:
                out.append((self._server_spec(server), server, None))
                continue
            for model in listing.models:
                name = PREFIX + model
                if name in taken or is_typed:
                    name = f"{PREFIX}{model}@{server.netloc}"
                taken.add(name)
                out.append((self._model_spec(name, server, model), server, model))
        return out

    def specs(self) -> list["ModelSpec"]:
        """Every remote entry of the configured servers as the cache has it now (never waits; stale listings are
        renewed in the background). Typed servers are not listed for everyone; their names still resolve."""
        if self._all():
            self.refresh(wait=0.0)
        return [spec for spec, _, _ in self._named(typed=False)]

    def spec(self, name: str) -> "ModelSpec | None":
        """The spec for a `remote/…` name, waiting (up to the timeout) for servers that never answered yet."""
        for spec, _, _ in self._named():
            if spec.name == name:
                return spec
        if any(s.listing.checked is None for s in self._all()):
            self.refresh()
            for spec, _, _ in self._named():
                if spec.name == name:
                    return spec
        return None

    def _model_spec(self, name: str, server: _Server, model: str) -> "ModelSpec":
        from .models import GENERATION, NEXT_TOKEN, TOKENIZER, ModelSpec

        caps = server.listing.caps.get(model)
        can = {GENERATION, TOKENIZER}
        if getattr(caps, "logprobs", False):
            can.add(NEXT_TOKEN)
        return ModelSpec(name=name, family="causal", source_kind="remote", source=server.url, served=model,
                         head="none", capabilities=frozenset(can),
                         description=f"{model!r} served by {server.url}, an OpenAI-compatible server. "
                                     "It sends tokens and log-probabilities, not weights or attentions.")

    def _server_spec(self, server: _Server) -> "ModelSpec":
        from .models import GENERATION, ModelSpec

        return ModelSpec(name=PREFIX + server.netloc, family="causal", source_kind="remote", source=server.url,
                         head="none", capabilities=frozenset({GENERATION}),
                         description=f"The OpenAI-compatible server {server.url}: its models are listed once it "
                                     "answers.")

    def _server_of(self, spec: "ModelSpec") -> _Server | None:
        for server in self._all():
            if server.url == spec.source:
                return server
        return None

    def availability(self, spec: "ModelSpec") -> "Availability":
        from .models import Availability

        server = self._server_of(spec)
        if server is None:
            return Availability(False, "its server is no longer in PLAYGROUND_REMOTE_URLS")
        listing = server.listing
        if listing.checked is None:
            return Availability(None, f"asking {server.url} for its models")
        if listing.error:
            return Availability(False, f"{server.url} is unavailable: {listing.error}")
        if spec.served is None:
            return Availability(False, f"{server.url} now serves {', '.join(listing.models) or 'nothing'}: "
                                       "pick one of those")
        caps = listing.caps.get(spec.served)
        if caps is None:
            return Availability(False, f"{server.url} no longer serves {spec.served!r}; it serves "
                                       f"{', '.join(listing.models) or 'nothing'}")
        if isinstance(caps, str):
            return Availability(False, f"{server.url} serves it, but probing it failed: {caps}")
        return Availability(True, f"served by {server.url}: {describe(caps)}")

    # ---- opening one model ---------------------------------------------------------------------------

    def entry(self, spec: "ModelSpec") -> RemoteEntry:
        """The served model behind `spec`, for the core. A server whose last listing failed (or that no
        longer served the model) is asked again first, bounded by the timeout: a server that came back
        works on the next call. ModelUnavailable with the reason otherwise."""
        server = self._server_of(spec)
        if server is None or spec.served is None:
            raise ModelUnavailable("{model} is unavailable: {reason}.", model=spec.name,
                                   reason=self.availability(spec).reason)
        self.recheck(spec)
        listing = server.listing
        status = self.availability(spec)
        if status.ok is not True:
            raise ModelUnavailable("{model} is unavailable: {reason}.", model=spec.name, reason=status.reason)
        caps = listing.caps[spec.served]
        with server.lock:
            found = server.entries.get(spec.served)
            if found is None or found.caps is not caps:
                found = server.entries[spec.served] = RemoteEntry(spec, server.client, spec.served, caps,
                                                                  listing.cards.get(spec.served, {}))
        return found

    def recheck(self, spec: "ModelSpec") -> None:
        """Before a call on `spec`: a server whose last listing failed, or that did not serve this model, is
        asked again now, waiting at most the timeout (so a server that came back works on this call)."""
        server = self._server_of(spec)
        if server is None:
            return
        listing = server.listing
        if listing.error or spec.served not in listing.caps or isinstance(listing.caps.get(spec.served), str):
            self._join([self._start(server)], self.settings.remote_timeout)

    def tokenizer_candidates(self, entry: RemoteEntry) -> list[str]:
        """Catalog names (not remote) that may hold a local copy of the served model's tokenizer: the
        served id itself (llama.cpp's --alias, vLLM's --served-model-name), the weights vLLM loaded
        ("root": a hub id), and a folder of that name under PLAYGROUND_MODEL_DIRS (local/<name>)."""
        names = [entry.model, str(entry.card.get("root") or "")]
        names += [f"local/{n.rstrip('/').rsplit('/', 1)[-1]}" for n in list(names) if n]
        out = []
        for name in dict.fromkeys(n for n in names if n):
            spec = self._local_spec(name)
            if spec is not None and spec.name not in out:
                out.append(spec.name)
        return out

    def local_tokenizer(self, entry: RemoteEntry, load: Callable[[str], Any]) -> tuple[Any, str]:
        """(a local copy of the served model's tokenizer, or None; what was found, in words), once per entry.
        A candidate (`tokenizer_candidates`, loaded with `load`) is used only if the server's tokenize
        endpoint reads CHECK_TEXTS, and each special token followed by text, into the same ids; a server
        without that endpoint cannot be checked, and the note says so."""
        if "tokenizer" in entry.cache:
            return entry.cache["tokenizer"]
        from .compute.lm.remote_client import RemoteError

        found: tuple[Any, str] = (None, "no local copy of its tokenizer: none of the catalog's models is named "
                                        f"{entry.model!r} (put one under PLAYGROUND_MODEL_DIRS as "
                                        f"local/{entry.model.rstrip('/').rsplit('/', 1)[-1]})")
        for name in self.tokenizer_candidates(entry):
            try:
                tokenizer = load(name)
            except (InputError, ModelUnavailable, OSError, ValueError):
                continue
            if not entry.caps.tokenize:
                found = (tokenizer, f"the local tokenizer of {name}, not checked against the server (it has no "
                                    "tokenize endpoint)")
                break
            try:
                differs = _first_difference(entry, tokenizer)
            except RemoteError as exc:
                found = (None, f"could not check the local tokenizer of {name} against the server: {exc}")
                break
            if differs is None:
                found = (tokenizer, f"the local tokenizer of {name}, checked against the server's")
                break
            found = (None, f"the local tokenizer of {name} differs from the server's ({differs})")
        entry.cache["tokenizer"] = found
        return found

    # ---- a typed URL ---------------------------------------------------------------------------------

    def typed(self, text: str) -> "ModelSpec":
        """A URL typed into the picker (allowed by PLAYGROUND_ALLOW_REMOTE_URLS): "URL" for a server that
        serves one model, or "URL model-id"."""
        if not self.settings.allow_remote_urls:
            raise InputError("Typed server URLs are off: ask the administrator to list the server in "
                             "PLAYGROUND_REMOTE_URLS (or to set PLAYGROUND_ALLOW_REMOTE_URLS=1), or pick a model "
                             "from the list.")
        url, _, model = text.strip().partition(" ")
        try:
            url = validate_remote_url(url)
        except ValueError as exc:
            raise InputError("{exc}.", exc=exc) from None
        with self._lock:
            server = self._servers.get(url) or self._typed.get(url)
            if server is None:
                server = self._typed[url] = _Server(url, self.settings)
                while len(self._typed) > MAX_TYPED_SERVERS:
                    self._typed.popitem(last=False)
            elif url in self._typed:
                self._typed.move_to_end(url)
        if server.stale(time.monotonic()):
            self._join([self._start(server)], self.settings.remote_timeout)
        listing = server.listing
        if listing.error:
            raise ModelUnavailable("{url} is unavailable: {error}.", url=url, error=listing.error)
        model = model.strip()
        if not model:
            if len(listing.models) != 1:
                raise InputError("{url} serves {n} models ({value}): type the URL, a space and one of them.",
                                 url=url, n=len(listing.models), value=', '.join(listing.models) or 'none')
            model = listing.models[0]
        for spec, owner, served in self._named():
            if owner is server and served == model:
                return spec
        raise InputError("{url} does not serve {model!r}; it serves: {value}.", url=url, model=model,
                         value=', '.join(listing.models) or 'nothing')


def describe(caps: "Capabilities") -> str:
    """A server's capabilities for one model, in a few words (the catalog's status column)."""
    parts = [caps.dialect if caps.dialect != "openai" else "OpenAI protocol"]
    parts.append(f"top {caps.max_logprobs} log-probs per token" if caps.logprobs else "no log-probs")
    parts.append("scores given tokens" if caps.scoring else "cannot score given tokens")
    parts.append("tokenize endpoint" if caps.tokenize else "no tokenize endpoint")
    return "; ".join(parts)


CHECK_TEXTS = ("It was a dark and stormy", "漢字 and emoji 🙂 café naïve", "  two  spaces\n\ttab, run/runs/running")


def _first_difference(entry: RemoteEntry, tokenizer) -> str | None:
    """Where the server's tokenizer and a local one first read a text differently (None: they agree on
    CHECK_TEXTS and on each of the first special tokens followed by text)."""
    specials = [t for t in (getattr(tokenizer, "all_special_tokens", None) or []) if t][:4]
    for text in (*CHECK_TEXTS, *(f"{t}It was" for t in specials)):
        local = tuple(tokenizer(text, add_special_tokens=False)["input_ids"])
        served = entry.server.tokenize(entry.model, text, add_special=False).ids
        if local != served:
            return f"{text!r}: {list(served)} on the server, {list(local)} here"
    return None
