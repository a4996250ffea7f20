import os

import pytest

from playground.config import Settings


def test_from_env_reads_every_knob(tmp_path):
    env = {
        "PLAYGROUND_DEVICE": "cpu", "PLAYGROUND_DTYPE": "bfloat16", "PLAYGROUND_CACHE_DIR": str(tmp_path),
        "PLAYGROUND_MAX_MODELS": "2", "PLAYGROUND_MAX_TEXT_CHARS": "100",
        "PLAYGROUND_MODEL_DIRS": os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b")]),
        "PLAYGROUND_ALLOW_HUB_IDS": "1", "HF_HUB_OFFLINE": "1", "PLAYGROUND_MAX_PROMPT_TOKENS": "64",
        "PLAYGROUND_MAX_NEW_TOKENS": "32", "PLAYGROUND_MAX_GENERATIONS": "3",
    }
    s = Settings.from_env(env)
    assert (s.device, s.dtype, s.cache_dir, s.max_models, s.max_text_chars) == ("cpu", "bfloat16", tmp_path, 2, 100)
    assert s.model_dirs == ((tmp_path / "a").resolve(), (tmp_path / "b").resolve())
    assert s.allow_hub_ids and s.hub_offline
    assert (s.max_prompt_tokens, s.max_new_tokens, s.max_generations) == (64, 32, 3)


def test_defaults_are_safe():
    s = Settings.from_env({})
    assert s.device == "auto" and s.dtype == "auto"
    assert not s.allow_hub_ids and s.model_dirs == ()
    assert s.cache_dir.name == "playground"


@pytest.mark.parametrize("field,value,needle", [
    ("device", "tpu", "device must be one of"),
    ("dtype", "int4", "dtype must be one of"),
    ("max_models", 0, "max_models"),
    ("max_new_tokens", 0, "max_new_tokens"),
    ("max_generations", 0, "max_generations"),
])
def test_bad_settings_say_what_is_allowed(field, value, needle):
    with pytest.raises(ValueError, match=needle):
        Settings(**{field: value})
