"""Strict values at the API edge: every wrong type or value is named, nothing is clamped, answers are strict JSON."""

import json
import math

import pytest

from playground import fields as F
from playground.errors import InputError


@pytest.mark.parametrize("value, match", [
    (123, "must be text; got a number"), (["a"], "must be text; got a list"), ({"a": 1}, "got an object"),
    ("ab\ud83dcd", "invalid character at position 2 .*U\\+D83D"), ("x" * 11, "11 characters, 1 over the limit of 10"),
])
def test_text(value, match):
    with pytest.raises(InputError, match=match):
        F.text(value, "The prompt", max_chars=10)


def test_text_accepts_text_and_null_and_says_empty_when_required():
    assert F.text("héllo 漢字 🙂", "x", max_chars=10) == "héllo 漢字 🙂" and F.text(None, "x", max_chars=5) == ""
    with pytest.raises(InputError, match="is empty"):
        F.text("  ", "The text", max_chars=5, required=True)


@pytest.mark.parametrize("value", ["false", "no", 0, 1, None, [True]])
def test_booleans_are_true_or_false_only(value):
    with pytest.raises(InputError, match="calibrate must be true or false"):
        F.boolean(value, "calibrate")


@pytest.mark.parametrize("value, match", [
    (float("nan"), "finite"), (float("inf"), "finite"), ("3", "got the text .3."), ([3], "got a list"), (True, "got true"),
    (2.5, "whole number"), (0, "from 1 to 256; got 0"), (100000, "from 1 to 256; got 100,000"), (None, "got null"),
])
def test_numbers_are_finite_in_range_and_never_clamped(value, match):
    with pytest.raises(InputError, match=match):
        F.number(value, "max_new_tokens", 1, 256, whole=True)


def test_numbers_choices_and_rows_that_are_fine():
    assert F.number(3.0, "k", 1, 50, whole=True) == 3 and isinstance(F.number(3.0, "k", 1, 50, whole=True), int)
    assert F.number(0.5, "t", 0, 5) == 0.5
    assert F.choice("greedy", "strategy", ["greedy", "beam search"]) == "greedy"
    with pytest.raises(InputError, match="one of: 'greedy'"):
        F.choice("fast", "strategy", ["greedy"])
    assert F.rows([["a", "b"]], "demos", max_rows=4, max_chars=10) == [["a", "b"]] and F.rows(None, "d", max_rows=1,
                                                                                            max_chars=1) == []
    with pytest.raises(InputError, match="list of rows"):
        F.rows(123, "demos", max_rows=4, max_chars=10)


def test_json_safe_answers_are_strict_json():
    data = {"a": [1.0, float("nan"), {"b": float("-inf")}], "c": (math.inf, "x")}
    assert json.dumps(F.json_safe(data), allow_nan=False) == '{"a": [1.0, null, {"b": null}], "c": [null, "x"]}'
