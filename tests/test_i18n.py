"""The interface in English and 简体中文 (issue 18): the translation table, how the language reaches a handler
(the request's Accept-Language, the page's switch), what Gradio's gr.I18n is given, and that every text the
code looks up has its Chinese.

A handler runs inside Gradio's event context, which holds the event's request (gradio.context.LocalContext);
these tests set that context as Gradio does, with a gr.Request carrying the headers and the session."""

from __future__ import annotations

import re
from contextlib import contextmanager

import gradio as gr
import pytest
from gradio.context import LocalContext

from playground import fields, i18n
from playground.errors import InputError
from playground.ui.common import keep_results
from playground.ui.lang import GRADIO_MISSING, L, gradio_i18n, language, registered, request_language, set_language
from playground.ui.tokenizer_tab import build_tokenizer_tab, compare_tokenizers, tokenize_text
from tests.conftest import tab_context
from tests.i18n_keys import literal_keys

SMOL = "SmolLM2-135M-Instruct"
CJK = re.compile(r"[\u4e00-\u9fff]")


def progress(fraction, desc=None):
    pass


@contextmanager
def event(accept_language: str | None = None, session: str = "s-test"):
    """What Gradio sets around a handler call: the event's request."""
    headers = {"accept-language": accept_language} if accept_language else {}
    token = LocalContext.request.set(gr.Request(headers=headers, session_hash=session))
    try:
        yield
    finally:
        LocalContext.request.reset(token)


@pytest.fixture(scope="module")
def ctx(registry, settings):
    return tab_context(settings, registry, build_tokenizer_tab)


# ---- the language of a request ---------------------------------------------------------------------


@pytest.mark.parametrize("header, lang", [
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"), ("zh", "zh-CN"), ("zh-TW", "zh-CN"), ("en-US,en;q=0.9", "en"),
    ("fr-FR,fr;q=0.9,zh-CN;q=0.8,en;q=0.5", "zh-CN"), ("fr-FR,en;q=0.3,zh;q=0.5", "zh-CN"), ("de", None), ("", None),
    ("en;q=bad,zh", "zh-CN"),
])
def test_accept_language_picks_the_best_language_the_app_has(header, lang):
    assert i18n.from_accept_language(header) == lang


def test_the_pages_choice_wins_over_the_header(ctx):
    request = gr.Request(headers={"accept-language": "en-US"}, session_hash="s-switch")
    assert request_language(request, ctx.languages) == "en"
    assert set_language(ctx, "zh-CN", request) == "zh-CN"
    assert request_language(request, ctx.languages) == "zh-CN"
    other = gr.Request(headers={"accept-language": "en-US"}, session_hash="s-other")
    assert request_language(other, ctx.languages) == "en"  # per session
    assert set_language(ctx, "en", request) == "en" and request_language(request, ctx.languages) == "en"
    assert language(ctx) == "en"  # no event: English (an API call with no header, a test)


# ---- a server-built message in the request's language, both directions ------------------------------


def test_a_handlers_error_comes_back_in_the_requests_language(ctx, settings):
    too_long = "x" * (settings.max_text_chars + 1)
    with event("zh-CN,zh;q=0.9"), pytest.raises(gr.Error) as zh:
        compare_tokenizers(ctx, "x", [], True, progress=progress)
    assert zh.value.message == "请选择 1 到 4 个模型进行对比（你选了 0 个）。"
    with event("en-US,en;q=0.9"), pytest.raises(gr.Error) as en:
        compare_tokenizers(ctx, "x", [], True, progress=progress)
    assert en.value.message == "Choose one to 4 models to compare (you chose 0)."
    # an error raised in the compute layer (an InputError with its template) is translated at the UI boundary
    with event("zh-CN"), pytest.raises(gr.Error) as zh:
        tokenize_text(ctx, too_long, SMOL, True, False, progress=progress)
    assert CJK.search(zh.value.message), zh.value.message
    with event("en"), pytest.raises(gr.Error) as en:
        tokenize_text(ctx, too_long, SMOL, True, False, progress=progress)
    assert not CJK.search(en.value.message) and "limit" in en.value.message


def test_a_handlers_views_follow_the_request_and_the_switch(ctx):
    with event("zh-CN"):
        counts, spans, table, specials, three, ids, decoded = tokenize_text(
            ctx, "It was a dark and stormy", SMOL, True, False, progress=progress)
    assert "词元 / 词" in counts and "字符" in three and "解码后的文本" in decoded
    assert list(table.columns)[2] == "词元（原始写法）"  # the table's headers too
    with event("en-US"):
        counts, spans, table, *_ = tokenize_text(ctx, "It was a dark and stormy", SMOL, True, False,
                                                 progress=progress)
    assert "tokens / word" in counts and not CJK.search(counts + spans) and isinstance(table, list)
    # the in-page switch: an en-US browser that chose 简体中文 gets Chinese from then on
    with event("en-US", session="s-page"):
        set_language(ctx, "zh-CN", gr.Request(headers={}, session_hash="s-page"))
        counts, *_ = tokenize_text(ctx, "It was", SMOL, True, False, progress=progress)
    assert "词元 / 词" in counts


def test_keep_results_writes_the_message_box_in_the_requests_language():
    def handler(x):
        raise InputError("{field} is empty: type something.", field="Prompt")

    guarded = keep_results(handler, 1)
    with event("zh-CN"):
        _, box = guarded("")
    assert "无法运行" in box and "“提示词”为空" in box
    with event("en"):
        _, box = guarded("")
    assert "Could not run:" in box and "Prompt is empty: type something." in box


def test_an_error_keeps_its_english_text_and_carries_its_template():
    with pytest.raises(InputError) as e:
        fields.number("x", "Temperature T", 0, 5)
    assert str(e.value) == "Temperature T must be a number from 0 to 5; got the text 'x'."
    assert i18n.error_message(e.value, "zh-CN") == "“温度 T”必须是 0 到 5 之间的数；收到的是 文本 'x'。"


# ---- the table, and what gr.I18n gets ----------------------------------------------------------------


def _code_identifier(key: str) -> bool:
    """A generate() argument, a file path or one letter: the same in both languages."""
    return bool(re.fullmatch(r"[a-z_./]+", key)) and ("_" in key or "/" in key or len(key) == 1)


def test_every_text_the_code_looks_up_has_its_chinese():
    missing = {k: where for k, where in literal_keys().items() if k.strip() and not _code_identifier(k)
               and not i18n.has(k)}
    assert not missing, "no Chinese for:\n" + "\n".join(f"{w}: {k!r}" for k, w in missing.items())


def test_chinese_templates_have_the_same_fields_and_no_english_left():
    from playground.i18n_zh import ZH_CN

    for en, zh in ZH_CN.items():
        assert i18n.fields_of(en) == i18n.fields_of(zh), (en, zh)
        if CJK.search(en):
            continue
        bare = re.sub(r"<[^>]+>|`[^`]*`|'[^']*'|\"[^\"]*\"|\{[^}]*\}|\*\*[^*]*\*\*|\*[^*]*\*|\b(head|model|neuron) view\b|\w*[_.\d-]\w+(\(\))?", " ", zh)
        words = re.findall(r"[A-Za-z]{4,}", bare)  # bertviz's views keep their names
        english = [w for w in words if w.lower() in _COMMON_ENGLISH]
        assert not english, (zh, english)


# Plain English words that would show an untranslated phrase (names, identifiers and examples are allowed).
_COMMON_ENGLISH = {"the", "with", "this", "that", "from", "which", "token", "tokens", "models", "click",
                   "layer", "heads", "shows", "show", "every", "each", "when", "here", "there", "what",
                   "words", "word", "their", "after", "before", "sentence", "probability", "score"}


def test_every_component_text_the_demo_registers_is_translated(registry, settings):
    from playground.ui.shell import build_demo

    build_demo(settings, registry)
    pairs = registered()
    from playground.ui.lang import _ENGLISH

    untranslated = [_ENGLISH.get(en, en) for en, zh in pairs.items() if zh == _ENGLISH.get(en, en) and not _code_identifier(en) and CJK.search(en) is None
                    and not re.fullmatch(r"[\d ·.,:;()\-+×/]+|[A-Z]\w*|.*\bvs\b.*|Top k|Logit lens|Rollout|logit", en)]
    assert not untranslated, untranslated
    translations = gradio_i18n().translations_dict
    assert set(translations) == {"en", "zh-CN"} and set(translations["zh-CN"]) == set(pairs) | set(GRADIO_MISSING)
    # English goes only where the key is not the English itself (an L_pair block's short key, Gradio's own keys):
    # the page shows a key it has no English for as it is, so the ~1,400 others would be 30 KB of every page twice
    assert translations["en"] == {**{k: en for k, en in _ENGLISH.items() if k in pairs},
                                  **{k: texts["en"] for k, texts in GRADIO_MISSING.items()}}
    assert all(k.startswith("pg-") for k in _ENGLISH)
    assert not [k for k in pairs if "}" in k]  # the page reads a key up to its first '}'


def test_component_text_goes_to_the_page_as_it_is():
    # Gradio looks a key up with no values, and svelte-i18n returns such a message unformatted: a brace or an
    # apostrophe is shown as written, so the table holds the text itself (no ICU quoting, which the page showed)
    label = L("Template ({text} is the input)")
    translations = gradio_i18n().translations_dict
    assert translations["zh-CN"][label.key] == "模板（{text} 是输入）"
    assert translations["en"][label.key] == "Template ({text} is the input)"
    # a key Gradio's own page uses but its locale files lack
    assert translations["zh-CN"]["common.complete"] == "完成" and translations["en"]["common.complete"] == "Complete"
    key = L("Up to {limit:,} characters.", limit=50000)
    assert key.key == "Up to 50,000 characters." and registered()[key.key] == "最多 50,000 个字符。"
