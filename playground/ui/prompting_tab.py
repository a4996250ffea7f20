"""Prompting tab: zero-shot label scoring, a few-shot prompt builder with order sensitivity, evaluation
on labelled data (accuracy, per-class precision and recall, confusion matrix, mistakes) with zero-shot,
few-shot and a fine-tuned classifier side by side (lessons 16–18)."""

from __future__ import annotations

from collections.abc import Iterator

import gradio as gr

from ..compute import lm, prompting
from ..errors import InputError
from ..models import CLASSIFICATION, NEXT_TOKEN
from ..presets import load_presets, resolve
from ..views import prompting as views
from ..views.common import empty_hint
from .. import i18n
from . import api
from .attribution_panel import build_why_panel
from .common import (
    AppContext, bind, for_lesson, keep_results, knob, lesson, lesson_bar, lesson_model_state, loadable_choices,
    message_box, user_errors,
)
from .lang import L, L_html, language  # noqa: F401 (L_html: not every tab needs it)
from .lecture import export_bar, record_lessons

UPLOADED = "uploaded CSV"
ORDERS = ("as entered", "shuffled")


def _demos_of(table, k, order, seed):
    demos = prompting.parse_demos(_rows(table))
    if not demos:
        return (), ()
    used, _, notices = prompting.choose_demos(demos, k, order, seed)
    return used, notices


def _labels_of(raw, template, required=True):
    if not required and (raw is None or not str(raw).strip()):
        return ()
    return prompting.parse_labels(raw, template)


def _reporter(progress, what: str, part: int = 0, parts: int = 1):
    """A compute function's report(done, total) on the progress bar, as part `part` (from 0) of `parts`;
    `what` may name {done}, {next} (done + 1) and {total}."""
    def report(done, total):
        if progress is not None:
            progress((part + done / max(total, 1)) / parts, desc=what.format(done=done, next=done + 1, total=total))

    return report


# ---- handlers ------------------------------------------------------------------------------------


def run_prompt(ctx: AppContext, text, template, labels_raw, calibrated, length_norm, instruction, table, k, order,
               seed, cont, model, device, dtype, progress=gr.Progress(track_tqdm=True)):
    """One input: the prompt as the model reads it, the label scores, and the greedy continuation."""
    lang = language(ctx)
    t = i18n.translator(lang)
    with user_errors(lang):
        b = ctx.load(model, device, dtype, progress=progress, capability=NEXT_TOKEN)
        template = prompting.check_template(template, b.family)
        if not isinstance(text, str) or not text.strip():
            raise InputError("The input is empty: type a sentence to classify or translate.")
        labels = _labels_of(labels_raw, template, required=False)
        demos, notes = _demos_of(table, k, order, seed)
        prompt = prompting.build_prompt(template, text, demos, instruction=instruction, labels=labels)
        head = views.prompt_html(prompt, b.family, labels=bool(labels), start=prompting.start_token(b), lang=lang)
        if notes:
            head += "".join(f'<div class="pg-warn">{views.esc(t(n))}</div>' for n in notes)
        answer = ""
        if cont and b.supports(lm.GENERATE):
            out = prompting.complete(b, prompt, max_tokens=ctx.settings.max_prompt_tokens)
            answer = ('<div class="pg-ok">' + t("<b>Greedy continuation</b> (up to the first newline): ")
                      + f"<code>{views.esc(out) or t('∅ (it ended the line at once)')}</code></div>")
        if not labels:
            return (head + answer, None, empty_hint(t("No labels: the prompt was only continued. Give labels "
                    "(one \"label: verbalizer\" per line) to score them.")),
                    gr.Dataframe(value=[], headers=views.label_headers(None, lang)))
        if not b.supports(lm.SCORE):  # a server that cannot score given tokens: no number, the reason instead
            return (head + answer, None, empty_hint(t("No label scores: scoring label words needs {what}, and "
                                                      "{why}. The greedy continuation above still works.",
                                                      what=lm.SCORE, why=t(b.why_not(lm.SCORE)))),
                    gr.Dataframe(value=[], headers=views.label_headers(None, lang)))
        c = prompting.classify(b, text, template, labels, demos=demos, instruction=instruction,
                               calibrated=calibrated, length_normalised=length_norm,
                               max_tokens=ctx.settings.max_prompt_tokens)
    return (head + answer, views.label_figure(c, lang), views.classification_html(c, lang),
            gr.Dataframe(value=views.label_rows(c), headers=views.label_headers(c, lang)))


def run_order_sensitivity(ctx: AppContext, text, template, labels_raw, calibrated, length_norm, instruction, table, n,
                          with_acc, dataset, upload, model, device, dtype, progress=gr.Progress(track_tqdm=True)):
    """The same demonstrations in several orders: how much the label scores (and the accuracy) move."""
    lang = language(ctx)
    t = i18n.translator(lang)
    with user_errors(lang):
        b = ctx.load(model, device, dtype, progress=progress, capability=NEXT_TOKEN)
        template = prompting.check_template(template, b.family)
        labels = _labels_of(labels_raw, template)
        demos = prompting.parse_demos(_rows(table))
        examples = _examples(dataset, upload)[: int(with_acc)] if with_acc else ()
        o = prompting.order_sensitivity(b, template, text, demos, labels, permutations=n, examples=examples,
                                        instruction=instruction, calibrated=calibrated, length_normalised=length_norm,
                                        report=_reporter(progress, t("order {next} of {total}")),
                                        max_tokens=ctx.settings.max_prompt_tokens)
    return (views.order_figure(o, lang), views.order_summary(o, lang),
            gr.Dataframe(value=views.order_rows(o), headers=views.order_headers(o, lang)))


def evaluate_on_dataset(ctx: AppContext, dataset, upload, limit, template, labels_raw, calibrated, length_norm,
                        instruction, table, k, order, seed, methods, classifier, model, device, dtype,
                        progress=gr.Progress(track_tqdm=True)):
    """Zero-shot, few-shot and a fine-tuned classifier on the same labelled examples, side by side."""
    lang = language(ctx)
    t = i18n.translator(lang)
    with user_errors(lang):
        examples = list(_examples(dataset, upload))[: int(limit)]
        methods = list(methods or [])
        if not methods:
            raise InputError("Tick at least one way to evaluate: zero-shot, few-shot or the fine-tuned classifier.")
        demos, _ = _demos_of(table, k, order, seed)
        distinct = {e.label.lower() for e in examples}
        free_text = not str(labels_raw or "").strip() or len(distinct) > prompting.MAX_LABELS
        wanted = [m for m in ("zero-shot", "few-shot") if m in methods]
        if "few-shot" in wanted and not demos:
            raise InputError("Few-shot needs demonstrations: fill the table under Few-shot (input, output), "
                             "and k above 0.")
        parts = len(wanted) + ("classifier" in methods)
        b = ctx.load(model, device, dtype, progress=progress, capability=NEXT_TOKEN) if wanted else None
        runs = []
        for n, how in enumerate(wanted):
            shots = demos if how == "few-shot" else ()
            report = _reporter(progress, t("zero-shot: {done:,} of {total:,} examples" if how == "zero-shot"
                                           else "few-shot: {done:,} of {total:,} examples"), n, parts)
            # remembered per model (lm.remember): a class running the lesson's evaluation computes it once
            if free_text:
                runs.append(lm.remember(prompting.evaluate_generation, b, examples, template, demos=shots,
                                        instruction=instruction, report=report,
                                        max_tokens=ctx.settings.max_prompt_tokens))
            else:
                runs.append(lm.remember(
                    prompting.evaluate, b, examples, template, labels_raw, demos=shots, instruction=instruction,
                    calibrated=calibrated, length_normalised=length_norm, report=report,
                    max_tokens=ctx.settings.max_prompt_tokens))
        if "classifier" in methods:
            if free_text:
                raise InputError("A fine-tuned classifier needs a data set with a few fixed labels (reviews), "
                                 "and the labels filled in.")
            if not classifier:
                raise InputError("Choose a fine-tuned classifier in the box next to the methods (it needs the "
                                 "hub: e.g. distilbert-base-uncased-finetuned-sst-2-english).")
            clf = ctx.load(classifier, device, dtype, progress=progress, capability=CLASSIFICATION)
            runs.append(lm.remember(
                prompting.evaluate_classifier, clf, examples, prompting.parse_labels(labels_raw, template),
                report=_reporter(progress, t("classifier: {done:,} of {total:,} examples"), len(wanted),
                                 parts)))
    return _evaluation_views(runs, free_text, lang)


def _evaluation_views(runs, free_text: bool, lang: str = i18n.EN):
    t = i18n.translator(lang)
    if free_text:
        return (views.generation_html(runs, lang), gr.Plot(value=None, visible=False),
                *[gr.Plot(value=None, visible=False)] * 3,
                gr.Dataframe(value=views.answer_rows(runs, lang), headers=[t(h) for h in views.ANSWER_HEADERS]))
    plots = [gr.Plot(value=views.confusion_figure(e, lang), visible=True) for e in runs]
    plots += [gr.Plot(value=None, visible=False)] * (3 - len(runs))
    mistakes = [[t(e.method), *row] for e in runs for row in views.mistakes_rows(e)]
    return (views.metrics_html(runs, lang), gr.Plot(value=views.accuracy_figure(runs, lang), visible=True),
            *plots[:3], gr.Dataframe(value=mistakes, headers=[t(h) for h in ["run", *views.MISTAKES_HEADERS]]))


def clear_evaluation(ctx: AppContext):
    """Every lesson first empties the evaluation, so no earlier lesson's numbers stay under its data set (while its
    own evaluation runs, or when it has none)."""
    t = i18n.translator(language(ctx))
    return (empty_hint(t("Click Evaluate to score this prompt on the data set chosen above.")),
            gr.Plot(value=None, visible=False), *[gr.Plot(value=None, visible=False)] * 3,
            gr.Dataframe(value=[], headers=[t(h) for h in views.MISTAKES_HEADERS]))


def apply_lesson(ctx: AppContext, lesson_id: str, picker=None):
    """Fill the template, labels, demonstrations and evaluation from a lesson preset; the click then runs them on
    the lesson's model (returned seventh, for the tab's lesson-model state: the picker is not moved)."""
    preset = lesson("prompting", lesson_id)
    p = preset.params
    r = resolve(preset, ctx.models)
    clf = next((c for c in r.compare if ctx.models.spec(c).head == "sequence-classification"), None)
    return [preset.text, p["template"], p.get("labels", ""), p.get("instruction", ""),
            [list(d) for d in p.get("demos", [])] or [["", ""]], p.get("k", 0), r.model,
            p.get("dataset", prompting.dataset_names()[0]),
            [m for m in p.get("methods", ["zero-shot"]) if m != "classifier" or clf], clf or gr.skip(),
            gr.Markdown(r.notice_for(picker, language(ctx)), visible=True), gr.Accordion(open="few-shot" in preset.open),
            False, "as entered"]


# ---- API -----------------------------------------------------------------------------------------


CLASSIFY_FIELDS = {"text": api.Text(prompting.MAX_TEXT_CHARS), "model": api.Model(), "template": api.Text(20_000),
                   "labels": api.Text(4_000), "calibrate": api.Bool()}
EVALUATE_FIELDS = {"dataset": api.Choice(lambda: ("", *prompting.dataset_names())),
                   "csv_text": api.Text(prompting.MAX_CSV_BYTES), "template": api.Text(20_000),
                   "labels": api.Text(4_000), "k": api.Int(0, prompting.MAX_DEMOS), "model": api.Model(),
                   "demos": api.Rows(prompting.MAX_DEMOS, prompting.MAX_TEXT_CHARS), "calibrate": api.Bool(),
                   "limit": api.Int(1, prompting.MAX_EXAMPLES)}


def classify_api(ctx: AppContext, text: str, model: str = "", template: str = prompting.SENTIMENT_TEMPLATE,
                 labels: str = prompting.SENTIMENT_LABELS, calibrate: bool = False) -> dict:
    """Score each label for `text`: log P(verbalizer | template with the text), normalised over the labels.

    labels: one "label: verbalizer" per line (the verbalizer defaults to " label"). The defaults are the
    sentiment lesson, so a text and a model are enough. Returns {labels: [{label, verbalizer, tokens,
    logprob, prob, calibrated_prob?}], prediction, prompt, next_tokens, label_mass, notices}.
    """
    with user_errors():
        b = ctx.load(model or ctx.models.default_name(NEXT_TOKEN), capability=NEXT_TOKEN)
        return prompting.classify(b, text, template, labels, calibrated=bool(calibrate),
                                  max_tokens=ctx.settings.max_prompt_tokens).as_json()


def evaluate_api(ctx: AppContext, dataset: str = "reviews", csv_text: str = "",
                 template: str = prompting.SENTIMENT_TEMPLATE, labels: str = prompting.SENTIMENT_LABELS, k: int = 0,
                 model: str = "", demos: list | None = None, calibrate: bool = False,
                 limit: int = prompting.MAX_EXAMPLES) -> Iterator[dict]:
    """Evaluate the prompt on a labelled set: a bundled data set by name (reviews) or CSV text (text,label).

    k > 0 uses the first k demonstrations: `demos` as [[input, output], …], or else the first k examples
    of the data set (which are then left out of the evaluation). Returns {accuracy, confusion
    (confusion[true][predicted] in the order of labels), per_class, examples: [{text, label, prediction,
    probs}], …}. While it runs, the endpoint streams {working: true, done, total} about twice a second
    (gradio_client's predict returns the final answer); a caller that disconnects stops it within a batch.
    """
    with user_errors():
        if not csv_text and not dataset:
            raise InputError("Choose a data set (reviews, en-fr) or send csv_text with a text,label header.")
        b = ctx.load(model or ctx.models.default_name(NEXT_TOKEN), capability=NEXT_TOKEN)
        examples = list(prompting.parse_csv(csv_text, source="csv_text") if csv_text
                        else prompting.load_dataset(dataset))[:limit]
        given = prompting.parse_demos(demos) if demos else tuple((e.text, e.label) for e in examples)
        shots, _, _ = prompting.choose_demos(given, min(k, len(given)))
    seen = {"done": 0, "total": 0}

    def run(stop):
        def report(done, total):
            seen.update(done=done, total=total)
            api.stop_check(stop)(done, total)

        return prompting.evaluate(b, examples, template, labels, demos=shots, calibrated=calibrate, report=report,
                                  max_tokens=ctx.settings.max_prompt_tokens)

    with user_errors():
        for item in api.cancellable(run, progress=lambda: {"working": True, **seen}):
            yield item["result"].as_json() if "result" in item else item


# ---- layout and wiring ---------------------------------------------------------------------------


def build_prompting_tab(ctx: AppContext) -> dict:
    presets = load_presets("prompting")
    models = ctx.models
    first = presets[0].params

    # ---- layout --------------------------------------------------------------------------------
    lesson_buttons, notice = lesson_bar(presets)
    gr.Markdown(L("### One input: the prompt, the label scores, the continuation"))
    with gr.Row():
        template = gr.Textbox(first["template"], label=L("Template ({text} is the input)"), lines=3, scale=3,
                              elem_id="pr-template",
                              info=L("Causal and seq2seq models score the label after it; masked LMs at its [MASK]."))
        labels = gr.Textbox(first["labels"], label=L("Labels (one \"label: verbalizer\" per line)"), lines=3, scale=2,
                            elem_id="pr-labels",
                            info=L("The verbalizer is the word scored, e.g. \"positive: great\". Empty: only continue."))
        with gr.Column(scale=1, min_width=220):
            calibrated = gr.Checkbox(False, label=L("Contextual calibration"), elem_id="pr-calibrate",
                                     info=L("Divide by the label probabilities of the input \"N/A\"."))
            length_norm = gr.Checkbox(False, label=L("Length-normalised"), elem_id="pr-lengthnorm",
                                      info=L("Mean log-probability per token, for verbalizers of several tokens."))
    with gr.Row():
        text = gr.Textbox(presets[0].text, label=L("Input"), lines=2, scale=4, elem_id="pr-text")
        with gr.Column(scale=1, min_width=180):
            cont = gr.Checkbox(True, label=L("Also write the greedy continuation"))
            run_btn = gr.Button(L("Run"), variant="primary", elem_id="pr-run")
    message = message_box("pr-message")
    with gr.Accordion(L("Few-shot: instruction and demonstrations"), open=False) as shot_acc:
        instruction = gr.Textbox(first.get("instruction", ""), label=L("Instruction (first line of the prompt)"),
                                 elem_id="pr-instruction")
        table = gr.Dataframe(value=[list(d) for d in first.get("demos", [])] or [["", ""]],
                             headers=["input", "output"], column_count=2, row_count=4,
                             interactive=True, wrap=True, label=L("Demonstrations (add rows at the bottom)"),
                             elem_id="pr-demos")
        with gr.Row():
            k = knob(0, prompting.MAX_DEMOS, value=first.get("k", 0), step=1, label=L("k (demonstrations used)"),
                          elem_id="pr-k")
            order = gr.Radio(list(ORDERS), value="as entered", label=L("Order"))
            seed = gr.Number(0, label=L("Seed (for shuffled)"), precision=0, minimum=0)
        gr.Markdown(L("**Order sensitivity**: the same demonstrations in several orders."))
        with gr.Row():
            n_orders = knob(2, prompting.MAX_PERMUTATIONS, value=6, step=1, label=L("Orders"), scale=2)
            with_acc = knob(0, 120, value=0, step=10, scale=2, elem_id="pr-order-acc",
                                 label=L("Also measure accuracy on this many examples of the data set below (0: off)"))
            orders_btn = gr.Button(L("Run the orders"), scale=1, elem_id="pr-orders")
        orders_message = message_box("pr-orders-message")
        order_plot = gr.Plot(label=L("Spread over orders"), elem_id="pr-order-plot")
        order_note = gr.HTML()
        order_table = gr.Dataframe(headers=views.order_headers(None), interactive=False, wrap=True)
    prompt_view = gr.HTML(L_html(empty_hint, "Click a lesson above, or Run."), elem_id="pr-prompt")
    summary = gr.HTML(elem_id="pr-summary")
    chart = gr.Plot(label=L("Labels"), elem_id="pr-chart")
    with gr.Accordion(L("Label scores"), open=False):
        label_table = gr.Dataframe(headers=views.label_headers(None), interactive=False, wrap=True,
                                   elem_id="pr-label-table")

    build_why_panel(ctx, "prompting", {"text": text, "template": template, "labels": labels, "instruction": instruction,
                                       "demos": table, "k": k, "order": order, "seed": seed})

    gr.Markdown(L("### Evaluation on a labelled data set"))
    names = prompting.dataset_names()
    with gr.Row():
        dataset = gr.Dropdown(names + [UPLOADED], value=first.get("dataset", names[0]), label=L("Data set"), scale=2,
                              elem_id="pr-dataset", info=L("Bundled in assets/datasets/, or upload your own."))
        upload = gr.File(label=L("CSV with columns text,label (UTF-8, up to 1 MB)"), file_types=[".csv"], scale=2,
                         elem_id="pr-upload")
        limit = knob(10, prompting.MAX_EXAMPLES, value=prompting.MAX_EXAMPLES, step=10, scale=1,
                          label=L("At most this many examples"))
    with gr.Row():
        methods = gr.CheckboxGroup([(L("zero-shot"), "zero-shot"), (L("few-shot"), "few-shot"),
                                    (L("classifier"), "classifier")], value=first.get("methods", ["zero-shot"]),
                                   label=L("Compare"), scale=2, elem_id="pr-methods",
                                   info=L("Few-shot uses the demonstrations above; classifier: a fine-tuned model."))
        classifier = gr.Dropdown(loadable_choices(models, CLASSIFICATION, probe_hub=False), value=None, scale=2,
                                 label=L("Fine-tuned classifier"), elem_id="pr-classifier",
                                 info=L("Its classes are matched to the labels by name (POSITIVE → positive)."))
        eval_btn = gr.Button(L("Evaluate"), variant="primary", scale=1, elem_id="pr-evaluate")
    eval_message = message_box("pr-eval-message")
    metrics = gr.HTML(elem_id="pr-metrics")
    acc_plot = gr.Plot(label=L("Accuracy"), elem_id="pr-accuracy", visible=False)
    with gr.Row(equal_height=True):  # the matrices in a row of their own: side by side with the accuracy chart,
        conf = [gr.Plot(label=L("Confusion matrix"), elem_id=f"pr-confusion-{i}", visible=False, scale=1,
                        min_width=280) for i in range(3)]  # four charts were too narrow for their labels
    with gr.Accordion(L("Misclassified examples (most confident first) / answers"), open=True):
        mistakes = gr.Dataframe(interactive=False, wrap=True, elem_id="pr-mistakes")
    shown = [prompt_view, summary, chart, label_table, order_plot, order_note, order_table, metrics, acc_plot, *conf,
             mistakes]
    export_bar(ctx, "Prompting", notice, shown, "pr")

    # ---- events --------------------------------------------------------------------------------
    # An error leaves the last result in place and stays in the box under its control (keep_results).
    header = [ctx.model, ctx.device, ctx.dtype]
    one_inputs = [text, template, labels, calibrated, length_norm, instruction, table, k, order, seed, cont, *header]
    one_outputs = [prompt_view, chart, summary, label_table]
    eval_outputs = [metrics, acc_plot, *conf, mistakes]
    run_one = keep_results(bind(run_prompt, ctx), len(one_outputs))
    evaluate = keep_results(bind(evaluate_on_dataset, ctx), len(eval_outputs))
    gr.on([run_btn.click, text.submit], run_one, one_inputs, [*one_outputs, message], api_visibility="private")
    orders_btn.click(keep_results(bind(run_order_sensitivity, ctx), 3),
                     [text, template, labels, calibrated, length_norm, instruction, table, n_orders, with_acc, dataset,
                      upload, *header], [order_plot, order_note, order_table, orders_message], api_visibility="private")
    eval_inputs = [dataset, upload, limit, template, labels, calibrated, length_norm, instruction, table, k, order,
                   seed, methods, classifier, *header]
    eval_btn.click(evaluate, eval_inputs, [*eval_outputs, eval_message], api_visibility="private")
    upload.upload(lambda: UPLOADED, None, dataset, api_visibility="private")

    lesson_model, lessons = lesson_model_state(), []
    for preset, button in zip(presets, lesson_buttons):
        ev = button.click(bind(apply_lesson, ctx, preset.id), ctx.model,
                          [text, template, labels, instruction, table, k, lesson_model, dataset, methods, classifier,
                           notice, shot_acc, calibrated, order], api_visibility="private") \
            .then(bind(clear_evaluation, ctx), None, eval_outputs, api_visibility="private") \
            .then(run_one, for_lesson(one_inputs, ctx, lesson_model), [*one_outputs, message], api_visibility="private")
        if preset.params.get("evaluate"):
            ev = ev.then(evaluate, for_lesson(eval_inputs, ctx, lesson_model), [*eval_outputs, eval_message],
                         api_visibility="private")
        lessons.append((preset.id, ev))
    record_lessons(ctx, "Prompting", lessons, notice, shown)

    gr.api(api.bind_api(classify_api, ctx, CLASSIFY_FIELDS), api_name="classify")
    gr.api(api.bind_api(evaluate_api, ctx, EVALUATE_FIELDS), api_name="evaluate")
    return {"text": text, "template": template, "labels": labels, "table": table}


def _rows(table) -> list:
    """Rows of a gr.Dataframe value: a pandas DataFrame, a dict with "data", or a list of lists."""
    if table is None:
        return []
    if hasattr(table, "values") and hasattr(table, "columns"):
        return table.values.tolist()
    if isinstance(table, dict):
        return table.get("data") or []
    return list(table)


def _examples(dataset, upload):
    if dataset == UPLOADED or upload is not None and not dataset:
        if upload is None:
            raise InputError("Upload a CSV file (columns text,label), or choose a bundled data set.")
        from pathlib import Path

        path = Path(upload if isinstance(upload, str) else getattr(upload, "name", upload))
        return prompting.parse_csv(path, source=path.name)
    return prompting.load_dataset(dataset)
