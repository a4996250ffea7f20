"""The page's config: a new Gradio session builds none up front, and gives the same configs when asked
(playground/ui/gradio_sessions.py); each event shows its progress on one result (ui.common.progress_on_results).
Raw HTTP calls without a session, through the served app, are tests/test_api_fuzz.py's."""

from __future__ import annotations

import json

import gradio as gr
import pytest
from gradio import state_holder
from gradio.blocks import BlocksConfig

from playground.ui.common import is_result
from playground.ui.gradio_sessions import lazy_session_configs
from playground.ui.shell import build_demo


@pytest.fixture(scope="module")
def demo(settings, registry):
    return build_demo(settings, registry)


@pytest.fixture
def config_calls(monkeypatch):
    calls = []
    original = BlocksConfig.config_for_block

    def counting(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(BlocksConfig, "config_for_block", staticmethod(counting))
    return calls


def test_building_the_app_installs_the_lazy_configs(demo):
    assert lazy_session_configs() is True
    assert state_holder.SessionState.__init__ is not state_holder.SessionState._eager_init


def test_a_new_session_builds_no_config_and_the_deep_link_configs_are_the_eager_ones(demo, config_calls):
    assert len(demo.blocks) > 300  # the page this is for: hundreds of blocks
    lazy = state_holder.SessionState(demo)
    assert config_calls == []
    eager = state_holder.SessionState.__new__(state_holder.SessionState)
    state_holder.SessionState._eager_init(eager, demo)
    assert len(config_calls) == len(demo.blocks)
    assert json.dumps(list(lazy.components), default=str) == json.dumps(list(eager.components), default=str)


def test_updates_and_state_behave_as_before(demo, config_calls):
    session = state_holder.SessionState(demo)
    box = next(b for b in demo.blocks.values() if isinstance(b, gr.Textbox))
    state = next(b for b in demo.blocks.values() if isinstance(b, gr.State))
    session[box._id] = gr.Textbox(value="changed", label="changed")
    session._update_value_in_config(box._id, "typed")
    assert session.config_values[box._id]["props"]["value"] == "typed"
    assert session[state._id] == state.value and state._id in session
    session[state._id] = {"kept": 1}
    assert session[state._id] == {"kept": 1}
    assert len(config_calls) == 2  # the two writes, not the page
    by_id = {c["id"]: c for c in session.components}
    assert by_id[box._id]["props"]["value"] == "typed" and len(by_id) == len(demo.blocks)



def test_each_event_shows_its_progress_on_one_result_and_a_hidden_one_on_none(demo):
    events = list(demo.fns.values())
    assert len(events) > 150
    for fn in events:
        targets = fn.show_progress_on
        assert targets is not None and len(targets) <= 1, fn.name
        if fn.show_progress == "hidden" or not fn.outputs:
            assert targets == [], fn.name
            continue
        results = [c for c in fn.outputs if is_result(c)]
        assert targets == (results or fn.outputs)[:1], fn.name
    by_id = {d["id"]: d for d in demo.get_config_file()["dependencies"]}
    lessons = [fn for fn in events if (fn.api_name or "").startswith("apply_lesson")]
    # a lesson fills many boxes; its progress shows on its note, the one thing it writes that is not a box
    assert lessons and all(len(fn.outputs) >= 10 for fn in lessons)
    assert all(isinstance(fn.show_progress_on[0], gr.Markdown) for fn in lessons)
    assert all(by_id[fn._id]["show_progress_on"] == [c._id for c in fn.show_progress_on] for fn in events)
