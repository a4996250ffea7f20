"""A new Gradio session that does not build the whole page's config.

Gradio 6's `SessionState.__init__` (gradio/state_holder.py) builds `config_for_block` for every block of
the app the moment a session appears, "so we can recreate the state for deep links" (Gradio's
`/gradio_api/deep_link` route, which this app does not offer in its page). A raw HTTP call without a
`session_hash` (curl, any script that follows Gradio's documented two-step protocol) is a new session
every time. With this app's 686 blocks that cost ~50 ms of CPU per call (profiled: the tokenize API
answered in 66 ms over raw HTTP against 9 ms with a session), and each of those sessions then kept every
block's config in memory, up to Gradio's 10,000 sessions.

`lazy_session_configs()` replaces that eager snapshot with the same values built on demand: a block's
config is built when the session first needs it (an update, or the deep-link route asking for them all),
from the block the session holds then. Blocks a session never updates are Gradio's default blocks, which
no session mutates (an update puts a new component in the session's own copy of the blocks), so the
configs are the ones the eager code would have built. Everything else Gradio does with a session is
untouched. Applied once, by `shell.build_demo`; a Gradio whose SessionState differs is left alone.
"""

from __future__ import annotations

import os
from copy import copy

from gradio import state_holder

_PATCHED = "_playground_lazy_configs"


class _Configs(dict):
    """`SessionState.config_values`, filled per block on first use instead of all at session start."""

    def __init__(self, session: state_holder.SessionState, block_ids: frozenset[int]):
        super().__init__()
        self._session, self._block_ids = session, block_ids

    def _build(self, key: int) -> dict:
        cfg = self._session.blocks_config
        return cfg.config_for_block(key, [], cfg.blocks[key])

    def __missing__(self, key: int) -> dict:
        if key not in self._block_ids or key not in self._session.blocks_config.blocks:
            raise KeyError(key)
        value = self[key] = self._build(key)
        return value

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or key in self._block_ids

    def items(self):
        """Every block's config, in the order of the app's blocks (what the eager snapshot held)."""
        for key in self._session.blocks_config.blocks:
            if key in self._block_ids:
                yield key, self[key]
        for key, value in list(dict.items(self)):
            if key not in self._block_ids:
                yield key, value


def _lazy_init(self: state_holder.SessionState, blocks) -> None:
    self.blocks_config = copy(blocks.default_config)
    self.config_values = _Configs(self, frozenset(blocks.blocks))
    self.state_data = {}
    self._state_ttl = {}
    self.is_closed = False
    self.STATE_TTL_WHEN_CLOSED = 1 if os.getenv("GRADIO_IS_E2E_TEST", None) else 3600  # as Gradio's


def lazy_session_configs() -> bool:
    """Install the lazy configs on Gradio's SessionState (idempotent). False when this Gradio's
    SessionState is not the one described above (then nothing is changed)."""
    cls = state_holder.SessionState
    if getattr(cls, _PATCHED, False):
        return True
    needed = ("__getitem__", "__setitem__", "_update_config", "_update_value_in_config", "components")
    if not all(hasattr(cls, name) for name in needed):
        return False
    cls._eager_init = cls.__init__
    cls.__init__ = _lazy_init
    setattr(cls, _PATCHED, True)
    return True
