"""Lesson presets load from assets/, resolve offline to packaged models, and say so."""

from playground.compute.tokenize import tokenize
from playground.presets import load_presets, resolve


def test_tokenizer_presets_cover_lessons_1_to_4():
    presets = load_presets("tokenizer")
    assert [p.lesson for p in presets] == [1, 2, 3, 4]
    assert all(p.notice and p.text and p.model for p in presets)


def test_offline_presets_fall_back_and_say_so(registry):
    for preset in load_presets("tokenizer"):
        r = resolve(preset, registry)
        assert registry.availability(r.model).ok
        assert all(registry.availability(n).ok for n in r.compare)
        if preset.model[0] == "gpt2":
            assert r.model == "SmolLM2-135M-Instruct" and r.fell_back and "Offline" in r.notice_markdown
    lesson4 = resolve(load_presets("tokenizer")[3], registry)
    assert lesson4.compare == ("all-MiniLM-L6-v2", "SmolLM2-135M-Instruct")


def test_lesson_texts_show_their_point_offline(registry):
    tok = registry.load_tokenizer("SmolLM2-135M-Instruct")
    lesson1, lesson2 = load_presets("tokenizer")[:2]
    r1 = tokenize(tok, lesson1.text)
    assert any(t.token.startswith("Ġ") for t in r1.tokens)  # the space belongs to the token
    assert any(len(g.tokens) == 1 and not r1.tokens[g.tokens[0]].text.startswith(" ") and g.start > 0
               and r1.text[g.start - 1].isalpha() for g in r1.groups)  # a word split into pieces
    r2 = tokenize(tok, lesson2.text, add_special_tokens=False)
    assert 1.1 <= r2.counts.tokens_per_word <= 1.5  # about 1.3 tokens per English word
