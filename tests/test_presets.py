"""Lesson presets load from assets/, resolve offline to packaged models, and say so."""

from types import SimpleNamespace

from playground import i18n
from playground.compute.tokenize import three_ways, tokenize
from playground.presets import load_presets, resolve
from playground.views import tokens as token_views

QWEN = "Qwen/Qwen2.5-0.5B-Instruct"


def test_tokenizer_presets_cover_lessons_1_to_4():
    presets = load_presets("tokenizer")
    assert [p.lesson for p in presets] == [1, 2, 3, 3, 4]  # lesson 3 in English, then in Chinese
    assert all(p.notice and p.text and p.model for p in presets)


def test_offline_presets_fall_back_and_say_so(registry):
    for preset in load_presets("tokenizer"):
        r = resolve(preset, registry)
        assert registry.availability(r.model).ok
        assert all(registry.availability(n).ok for n in r.compare)
        if preset.model[0] == "gpt2":
            assert r.model == "SmolLM2-135M-Instruct" and r.fell_back and "Offline" in r.notice_markdown
    lesson4 = resolve(next(p for p in load_presets("tokenizer") if p.lesson == 4), registry)
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


# ---- the Chinese examples (issue 18): beside the English lessons, each says when its model is not here ----------


def _preset(tab, preset_id):
    return next(p for p in load_presets(tab) if p.id == preset_id)


def test_the_chinese_tokenizer_lesson_splits_a_chinese_sentence_offline(registry):
    preset = _preset("tokenizer", "three-ways-chinese")
    r = resolve(preset, registry)
    assert r.model == "SmolLM2-135M-Instruct" and r.fell_back  # Qwen2.5's tokenizer needs the hub
    assert set(r.compare) == {"SmolLM2-135M-Instruct", "all-MiniLM-L6-v2"}
    tok = registry.load_tokenizer(r.model)
    result = tokenize(tok, preset.text, model=r.model, add_special_tokens=preset.add_special_tokens)
    tw = three_ways(result)
    # characters vs words vs subwords: 17 characters; no spaces, so the "words" are the two clauses and their 。
    assert len(tw.characters) == 17 and tw.words == ("我喜欢学习新的语言", "。", "今天天气很好", "。")
    assert tw.subword_tokens == 33 and len(tw.subwords) == 17  # 33 byte-level tokens, drawn as 17 chips
    # the byte pieces of one character: 喜 is three tokens, one UTF-8 byte each, that decode to it only together
    xi = preset.text.index("喜")
    pieces = [t for t in result.tokens if t.start <= xi < t.end or (t.start == xi and t.partial)]
    assert [t.bytes for t in pieces] == ["e5", "96", "9c"] and all(t.partial for t in pieces)
    assert "喜".encode("utf-8").hex(" ") == "e5 96 9c"
    # shown: the table's rows of 喜 (its bytes, "piece k of 3"), and one chip for the three pieces
    rows = [row for row in token_views.token_table(result, i18n.ZH) if row[3] == "喜"]
    assert [row[5] for row in rows] == ["e5", "96", "9c"] and "'喜' 的第 3/3 个字节片段" in rows[2][4]
    spans = token_views.token_spans_html(result, i18n.ZH)
    assert "一个字符拆成 3 个字节片段" in spans and '喜<sub class="pg-n">3</sub>' in spans
    assert "<b>17</b>" in token_views.three_ways_html(tw, r.model, i18n.ZH)
    # the note says what stands in, in both languages, with the facts it states
    en, zh = r.notice_in(i18n.EN), r.notice_in(i18n.ZH)
    assert "*Offline:*" in en and "33 tokens" in en and "e5 96 9c" in en
    assert "离线" in zh and "33 个词元" in zh and "e5 96 9c" in zh
    minilm = tokenize(registry.load_tokenizer("all-MiniLM-L6-v2"), preset.text, model="all-MiniLM-L6-v2",
                      add_special_tokens=False)
    assert len(minilm.tokens) == 17 and sum(t.token == "[UNK]" for t in minilm.tokens) == 9


def test_the_chinese_next_token_lesson_says_its_model_is_not_here(registry):
    preset = _preset("next_token", "every-prefix-chinese")
    assert preset.lesson == 6 and preset.text == "今天天气很" and preset.model[0] == QWEN
    r = resolve(preset, registry)
    assert r.model == "SmolLM2-135M-Instruct" and r.fell_back
    en, zh = r.notice_in(i18n.EN), r.notice_in(i18n.ZH)
    assert QWEN in en and "not reachable here" in en and "does not know Chinese" in en
    assert QWEN in zh and "连不上" in zh and "不懂中文" in zh


def test_a_chinese_lesson_runs_on_qwen_where_it_can_load():
    ok = SimpleNamespace(ok=True)
    online = SimpleNamespace(availability=lambda name, probe_hub=True: ok, default_name=lambda: "SmolLM2-135M-Instruct")
    for tab, preset_id in (("tokenizer", "three-ways-chinese"), ("next_token", "every-prefix-chinese"),
                           ("prompting", "zero-shot-sentiment-chinese")):
        r = resolve(_preset(tab, preset_id), online)
        assert r.model == QWEN and not r.fell_back and "Offline" not in r.notice_in(i18n.EN)


def test_the_chinese_sentiment_lesson_says_its_model_is_not_here(registry):
    from playground.compute.prompting.templates import parse_labels

    preset = _preset("prompting", "zero-shot-sentiment-chinese")
    assert preset.lesson == 16 and not preset.params.get("evaluate")  # the 120 reviews are English
    labels = parse_labels(preset.params["labels"], preset.params["template"])  # no space before a Chinese label
    assert [(lab.name, lab.verbalizer) for lab in labels] == [("positive", "正面"), ("negative", "负面")]
    r = resolve(preset, registry)
    assert r.model == "SmolLM2-135M-Instruct" and r.fell_back
    en, zh = r.notice_in(i18n.EN), r.notice_in(i18n.ZH)
    assert QWEN in en and "not reachable here" in en and "does not know Chinese" in en
    assert QWEN in zh and "连不上" in zh and "不懂中文" in zh
