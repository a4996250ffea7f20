"""The Prompting tab's views, handlers, presets and APIs (plain calls and over HTTP with gradio_client)."""

from __future__ import annotations

import gradio as gr
import pytest

from playground.compute import prompting as P
from playground.presets import load_presets
from playground.ui.prompting_tab import (
    UPLOADED, apply_lesson, build_prompting_tab, classify_api, evaluate_api, evaluate_on_dataset, run_order_sensitivity,
    run_prompt,
)
from playground.views import prompting as views
from tests.conftest import final, tab_context

SMOL = "SmolLM2-135M-Instruct"
GPT = "local/tiny-gpt2"


@pytest.fixture(scope="module")
def ctx(registry, settings):
    return tab_context(settings, registry, build_prompting_tab)


def fig_of(plot):
    """The figure inside a gr.Plot update (None when the plot is hidden)."""
    import json

    import plotly.graph_objects as go

    if not plot.visible or not plot.value:
        return None
    return go.Figure(json.loads(plot.value["plot"]))


def one(ctx, text, template=P.SENTIMENT_TEMPLATE, labels=P.SENTIMENT_LABELS, *, calibrated=False, norm=False,
        instruction="", table=None, k=0, order="as entered", seed=0, cont=True, model=SMOL):
    return run_prompt(ctx, text, template, labels, calibrated, norm, instruction, table or [["", ""]], k, order, seed,
                      cont, model, None, None, None)


def evaluate(ctx, dataset="reviews", upload=None, limit=1000, template=P.SENTIMENT_TEMPLATE,
             labels=P.SENTIMENT_LABELS, *, table=None, k=0, methods=("zero-shot",), classifier=None, model=SMOL,
             calibrated=False):
    return evaluate_on_dataset(ctx, dataset, upload, limit, template, labels, calibrated, False, "",
                               table or [["", ""]], k, "as entered", 0, list(methods), classifier, model, None, None,
                               None)


# ---- views ---------------------------------------------------------------------------------------


def test_views_escape_model_text(gpt):
    c = P.classify(gpt, "<script>alert(1)</script>", "{text} <b>is</b>", "<i>a</i>: x\nb: y")
    html = views.prompt_html(c.prompt) + views.classification_html(c)
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>is</b>" not in html
    fig = views.label_figure(c)
    assert "<i>a</i>" not in fig.to_json() and len(fig.data) == 2
    e = P.Evaluation("m<x>", "zero-shot", ("<p>", "q"), (P.Prediction("<img>", "<p>", "q", (0.4, 0.6)),), 1.0)
    assert "<p>" not in views.metrics_html([e])
    assert "&lt;p&gt;" in views.metrics_html([e]) and "m&lt;x&gt;" in views.confusion_figure(e).layout.title.text


def test_confusion_figure_counts_and_mistakes_order():
    preds = (P.Prediction("a", "pos", "pos", (0.9, 0.1)), P.Prediction("b", "pos", "neg", (0.2, 0.8)),
             P.Prediction("c", "neg", "pos", (0.6, 0.4)), P.Prediction("d", "neg", "neg", (0.3, 0.7)))
    e = P.Evaluation("m", "zero-shot", ("pos", "neg"), preds, 2.0)
    fig = views.confusion_figure(e)
    assert [list(r) for r in fig.data[0].z] == [[1, 1], [1, 1]] and "50.0 %" in fig.layout.title.text
    assert [r[0] for r in views.mistakes_rows(e)] == ["b", "c"]  # the most confidently wrong first
    acc = views.accuracy_figure([e])
    assert acc.data[0].y == (0.5,) and acc.layout.shapes  # the majority-class line


# ---- handlers ------------------------------------------------------------------------------------


def test_presets_fill_every_input_and_run_offline(ctx):
    assert [p.lesson for p in load_presets("prompting")] == [16, 16, 17, 18]  # 16 in English, then in Chinese
    v = apply_lesson(ctx, "zero-shot-sentiment")
    assert v[6] == SMOL and "{text}" in v[1] and "Offline" in v[10].value and v[8] == ["zero-shot"]
    prompt, fig, summary, table = one(ctx, v[0], v[1], v[2])
    assert "Review: The soup was cold" in prompt and "negative" in summary and len(fig.data) == 2
    assert "&lt;|endoftext|&gt;</span>Review:" in prompt  # the document-start token the model reads first
    assert len(table.value["data"]) == 2
    metrics, acc, c0, c1, c2, mistakes = evaluate(ctx)
    assert "zero-shot" in metrics and fig_of(c0) is not None and fig_of(c1) is None and fig_of(c2) is None
    assert sum(map(sum, fig_of(c0).data[0].z)) == 120 and all(r[0] == "zero-shot" for r in mistakes.value["data"])

    v = apply_lesson(ctx, "zero-shot-sentiment-chinese")  # offline: SmolLM2, and the note says it knows no Chinese
    assert v[6] == SMOL and "Offline" in v[10].value and "does not know Chinese" in v[10].value
    prompt, fig, summary, table = one(ctx, v[0], v[1], v[2])
    assert "评论：汤是凉的" in prompt and "情感：" in prompt and len(fig.data) == 2
    assert {row[0] for row in table.value["data"]} == {"positive", "negative"}

    v = apply_lesson(ctx, "few-shot-translation")
    assert v[2] == "" and v[5] == 4 and len(v[4]) == 4 and v[11].open is True
    prompt, fig, summary, table = one(ctx, v[0], v[1], v[2], instruction=v[3], table=v[4], k=v[5])
    assert "Where is the station? =&gt; Où est la gare ?" in prompt and "Greedy continuation" in prompt
    assert fig is None and "No labels" in summary

    v = apply_lesson(ctx, "fine-tuned-vs-zero-shot")
    assert v[8] == ["zero-shot", "few-shot"]  # the classifier needs the hub: left out offline, and said so
    assert "classifier" in v[10].value


def test_calibration_and_few_shot_in_the_handler(ctx):
    table = [list(d) for d in (("Loved it.", "positive"), ("Hated it.", "negative"))]
    prompt, fig, summary, rows = one(ctx, "It was fine, I guess.", calibrated=True, table=table, k=2, cont=False)
    assert "Review: Loved it." in prompt and "Sentiment: positive" in prompt and "Greedy" not in prompt
    assert len(fig.data) == 4  # as scored, calibrated, the content-free marks, the raw next tokens
    assert rows.headers[-1] == "P calibrated"


def test_few_shot_evaluation_and_generation_evaluation(ctx):
    table = [["I loved every minute of it.", "positive"], ["Total waste of money.", "negative"]]
    metrics, acc, c0, c1, c2, mistakes = evaluate(ctx, limit=20, table=table, k=2, methods=("zero-shot", "few-shot"))
    assert "2-shot" in metrics and fig_of(c1) is not None and len(fig_of(acc).data[0].y) == 2
    html, *_, rows = evaluate(ctx, "en-fr", limit=4, template="English: {text}\nFrench:", labels="",
                              table=[["cheese", "fromage"]], k=1, methods=("zero-shot", "few-shot"))
    assert "exact match" in html and len(rows.value["data"]) == 8


def test_order_sensitivity_handler(ctx):
    table = [["Loved it.", "positive"], ["Hated it.", "negative"], ["Great.", "positive"]]
    fig, note, rows = run_order_sensitivity(ctx, "Not bad.", P.SENTIMENT_TEMPLATE, P.SENTIMENT_LABELS, False, False,
                                            "", table, 3, 10, "reviews", None, SMOL, None, None, None)
    assert len(rows.value["data"]) == 3 and "accuracy from" in note and len(fig.data) == 3


def test_uploaded_csv(ctx, tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("text,label\nWonderful!,positive\nAwful.,negative\nSuperb food.,positive\n", encoding="utf-8")
    metrics, *_ = evaluate(ctx, UPLOADED, str(path))
    assert ">3<" in metrics
    bad = tmp_path / "bad.csv"
    bad.write_text("review,stars\nx,1\n", encoding="utf-8")
    with pytest.raises(gr.Error, match="text and label"):
        evaluate(ctx, UPLOADED, str(bad))


@pytest.mark.parametrize("call, match", [
    (lambda c: one(c, "x", "Review:"), "no {text}"),
    (lambda c: one(c, "x", labels="positive\npositive"), "twice"),
    (lambda c: one(c, "   "), "empty"),
    (lambda c: one(c, "x", model="all-MiniLM-L6-v2"), "encoder"),
    (lambda c: one(c, "x", table=[["a", ""]], k=1), "Demonstration 1"),
    (lambda c: evaluate(c, methods=()), "Tick at least one"),
    (lambda c: evaluate(c, methods=("few-shot",)), "demonstrations"),
    (lambda c: evaluate(c, methods=("classifier",)), "Choose a fine-tuned classifier"),
    (lambda c: evaluate(c, UPLOADED, None), "Upload a CSV"),
    (lambda c: evaluate(c, labels="good\nbad"), "not among the labels"),
])
def test_bad_inputs_become_readable_errors(ctx, call, match):
    with pytest.raises(gr.Error, match=match):
        call(ctx)


def test_apis_as_functions(ctx):
    out = classify_api(ctx, "A wonderful, moving film.", SMOL)
    assert out["prediction"] == "positive" and {x["label"] for x in out["labels"]} == {"positive", "negative"}
    assert sum(x["prob"] for x in out["labels"]) == pytest.approx(1)
    ev = final(evaluate_api(ctx, "reviews", "", model=SMOL, k=2, limit=12))
    assert len(ev["examples"]) == 10 and ev["method"] == "2-shot"  # the first 2 examples became the demonstrations
    csv_ev = final(evaluate_api(ctx, csv_text="text,label\nGreat!,positive\nBad.,negative\n", model=SMOL))
    assert csv_ev["confusion"] and len(csv_ev["examples"]) == 2


# ---- over HTTP -----------------------------------------------------------------------------------


def test_classify_and_evaluate_over_http(client, smol):
    out = client.predict("The plot dragged and the jokes fell flat.", SMOL, api_name="/classify")
    direct = P.classify(smol, "The plot dragged and the jokes fell flat.")
    assert out["prediction"] == direct.prediction
    assert [x["logprob"] for x in out["labels"]] == pytest.approx([s.logprob for s in direct.labels], abs=1e-5)
    ev = client.predict("reviews", "", P.SENTIMENT_TEMPLATE, P.SENTIMENT_LABELS, 0, SMOL, None, True, 20,
                        api_name="/evaluate")
    assert ev["calibrated"] is True and len(ev["examples"]) == 20 and 0 <= ev["accuracy"] <= 1
    with pytest.raises(Exception, match="no \\{text\\}"):
        client.predict("x", SMOL, "no placeholder", api_name="/classify")
    assert client.predict("Fine.", SMOL, api_name="/classify")["prediction"] in ("positive", "negative")
