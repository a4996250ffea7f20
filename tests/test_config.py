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


def test_remote_servers_from_env():
    env = {"PLAYGROUND_REMOTE_URLS": " http://gpu-box:8000/v1/ , https://llm.example.org/api/v1",
           "PLAYGROUND_REMOTE_API_KEY": "sk-very-secret", "PLAYGROUND_REMOTE_TIMEOUT": "12.5"}
    s = Settings.from_env(env)
    assert s.remote_urls == ("http://gpu-box:8000/v1", "https://llm.example.org/api/v1")
    assert s.remote_api_key == "sk-very-secret" and s.remote_timeout == 12.5
    assert "sk-very-secret" not in repr(s) and "remote_api_key" not in repr(s)
    assert Settings.from_env({}).remote_urls == () and Settings.from_env({}).remote_api_key is None
    assert not Settings.from_env({}).allow_remote_urls  # typed server URLs are off unless allowed
    assert Settings.from_env({"PLAYGROUND_ALLOW_REMOTE_URLS": "1"}).allow_remote_urls


@pytest.mark.parametrize("url,needle", [
    ("ftp://gpu-box/v1", "must start with http:// or https://"),
    ("http://gpu-box:8000", "must end in /v1"),
    ("http://gpu-box:8000/v1/completions", "must end in /v1"),
    ("http:///v1", "has no host"),
    ("http://user:sk-key@gpu-box/v1", "PLAYGROUND_REMOTE_API_KEY"),
    ("ftp://user:sk-key@gpu-box/v1", "PLAYGROUND_REMOTE_API_KEY"),
    ("http://gpu-box/v1?key=sk-key", "query"),
])
def test_bad_remote_urls_say_what_to_fix(url, needle):
    with pytest.raises(ValueError, match=needle) as err:
        Settings.from_env({"PLAYGROUND_REMOTE_URLS": url})
    assert "sk-key" not in str(err.value)
    with pytest.raises(ValueError, match=needle):
        Settings(remote_urls=(url,))
