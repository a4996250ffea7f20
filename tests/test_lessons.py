"""The lesson list: every preset in lecture order and grouped, deep-link keys, docs/LESSONS.md in step with the
presets, and a tab whose presets are not there yet (Embeddings) left out without failing, listed once they are."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from playground import i18n

from playground import lessons, presets

ROOT = Path(__file__).resolve().parents[1]


def test_every_preset_is_listed_in_lesson_order_and_grouped():
    listed = lessons.all_lessons()
    numbers = [lesson.number for lesson in listed]
    assert numbers == sorted(numbers) and len(listed) >= 22
    assert [s for s, _ in lessons.grouped()] == ["Tokens", "Next token", "Decoding", "Prompting", "Inside the model",
                                                 "Bias"]
    by_number = {lesson.number: lesson for lesson in listed}
    assert by_number[13].tab.id == "decoding" and by_number[13].id == "top-k-top-p"
    assert by_number[23].section == "Bias" and by_number[19].section == "Inside the model"
    assert all(lesson.point and len(lesson.point) < 200 for lesson in listed)  # one line each
    assert all(not lesson.title[0].isdigit() for lesson in listed)  # "13 · " is the player's, not the title's


def test_deep_link_keys():
    assert lessons.find("13").id == "top-k-top-p"
    assert lessons.find(" 7 ").number == 7
    assert lessons.find("top-k-top-p").number == 13
    assert lessons.find("99") is None and lessons.find("") is None and lessons.find("nonsense") is None


def test_the_lesson_list_in_the_repository_matches_the_presets():
    doc = (ROOT / "docs" / "LESSONS.md").read_text(encoding="utf-8")
    assert doc == lessons.markdown(), "docs/LESSONS.md is stale: python -m playground.lessons > docs/LESSONS.md"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/LESSONS.md)" in readme


def test_the_chinese_lesson_list_matches_the_presets_and_every_lesson_is_translated():
    doc = (ROOT / "docs" / "LESSONS.zh-CN.md").read_text(encoding="utf-8")
    assert doc == lessons.markdown_zh(), (
        "docs/LESSONS.zh-CN.md is stale: python -m playground.lessons --lang zh-CN > docs/LESSONS.zh-CN.md")
    for lesson in lessons.all_lessons():
        for text in (lesson.title, lesson.notice):
            assert i18n.has(text), f"lesson {lesson.key} has no Chinese for {text[:60]!r}"
        assert lesson.point_in(i18n.ZH) != lesson.point


def test_first_sentence_is_a_point():
    assert lessons.first_sentence("**king** is row 2,332. More.") == "king is row 2,332."
    assert len(lessons.first_sentence("word " * 100)) <= 160


@pytest.fixture
def assets_with_embeddings(tmp_path, monkeypatch):
    """A copy of assets/ with an Embeddings preset file of two parts of lesson 22, as the Embeddings tab adds."""
    folder = tmp_path / "assets"
    shutil.copytree(presets.ASSETS / "presets", folder / "presets")
    data = {"tab": "embeddings", "presets": [
        {"id": "token-position", "lesson": 22, "title": "22 · Token embedding plus position embedding",
         "text": "The cat sat on the mat.", "model": ["all-MiniLM-L6-v2"], "notice": "**king** is a row. More."},
        {"id": "faq", "lesson": 22, "title": "22 · A small FAQ matched by similarity", "text": "x",
         "model": ["all-MiniLM-L6-v2"], "notice": "The new question is embedded."},
    ]}
    (folder / "presets" / "embeddings.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(presets, "ASSETS", folder)
    monkeypatch.setattr(lessons, "ASSETS", folder)
    presets.load_presets.cache_clear()
    lessons.all_lessons.cache_clear()
    yield folder
    presets.load_presets.cache_clear()
    lessons.all_lessons.cache_clear()


def test_embeddings_lessons_are_listed_once_their_presets_exist(assets_with_embeddings):
    listed = lessons.all_lessons()
    twenty_two = [lesson for lesson in listed if lesson.number == 22]
    assert [lesson.key for lesson in twenty_two] == ["22.1", "22.2"]
    assert all(lesson.tab.id == "embeddings" and lesson.section == "Inside the model" for lesson in twenty_two)
    assert twenty_two[0].point == "king is a row."  # no point given: the notice's first sentence
    assert [lesson.number for lesson in listed] == sorted(lesson.number for lesson in listed)
    assert lessons.find("22").id == "token-position" and lessons.find("22.2").id == "faq"
    assert "| 22.2 · A small FAQ matched by similarity | Embeddings |" in lessons.markdown()


def test_without_embeddings_presets_nothing_fails(tmp_path, monkeypatch):
    folder = tmp_path / "assets"
    shutil.copytree(presets.ASSETS / "presets", folder / "presets")
    (folder / "presets" / "embeddings.json").unlink(missing_ok=True)
    monkeypatch.setattr(presets, "ASSETS", folder)
    monkeypatch.setattr(lessons, "ASSETS", folder)
    presets.load_presets.cache_clear()
    lessons.all_lessons.cache_clear()
    try:
        assert 22 not in {lesson.number for lesson in lessons.all_lessons()}
        assert lessons.find("22") is None
    finally:
        presets.load_presets.cache_clear()
        lessons.all_lessons.cache_clear()
