"""Next-token tab: logits and softmax, temperature, the best guess after every prefix, chosen
continuations, the logit lens, and two prompts side by side (lessons 5–9)."""

from __future__ import annotations

import gradio as gr
import numpy as np

from ..compute import lm
from ..compute import next_token as nt
from ..errors import InputError
from ..models import NEXT_TOKEN
from ..presets import load_presets, resolve
from ..views import next_token as views
from ..views.common import empty_hint
from .. import i18n
from . import api
from .attribution_panel import build_why_panel
from .common import (
    AppContext, bind, for_lesson, keep_results, knob, lesson, lesson_bar, lesson_model_state, message_box, user_errors,
)
from .lang import L, L_html, language, table
from .lecture import export_bar, record_lessons

CURVE_T = tuple(float(t) for t in np.round(np.linspace(0.05, 3.0, 60), 3))
LENS_POSITIONS = 48  # columns of the logit-lens heatmap; longer prompts show their end
ACCORDIONS = ("table", "prefix", "continuations", "lens", "compare")  # the keys a lesson's "open" list names


def _check(ctx: AppContext, prompt) -> str:
    prompt = prompt if isinstance(prompt, str) else ""
    limit = ctx.settings.max_text_chars
    if len(prompt) > limit:
        raise InputError("The prompt has {n:,} characters; the limit is {limit:,}. "
                         "Shorten it (only its last tokens would be read anyway).", n=len(prompt), limit=limit)
    return prompt


def _mask_index(mask_no) -> int:
    try:
        return int(mask_no or 1) - 1
    except (TypeError, ValueError):
        raise InputError("The mask number must be a whole number (1 = the first mask).") from None


def _predict(ctx: AppContext, prompt, model, device, dtype, mask_no, decoder_prefix, progress=None, reuse=None):
    b = ctx.load(model, device, dtype, progress=progress, capability=NEXT_TOKEN)
    return nt.next_token(b, _check(ctx, prompt), decoder_prefix=decoder_prefix or "", mask_index=_mask_index(mask_no),
                         max_tokens=ctx.settings.max_prompt_tokens, reuse=reuse)


def _views_of(result, k, temperature, scale, lang):
    dist = nt.distribution(result, temperature, k)
    now = {dist.temperature} if dist.temperature else set()
    curve = nt.entropy_curve(result, sorted(set(CURVE_T) | now))
    return (views.summary_html(result, dist, lang), views.topk_figure(result, dist, scale, lang),
            views.entropy_figure(curve, dist, lang), table(views.topk_rows(dist, lang), views.TOPK_HEADERS, lang))


# ---- handlers ------------------------------------------------------------------------------------


def predict_next_token(ctx: AppContext, prompt, model, device, dtype, k, temperature, scale, mask_no, decoder_prefix,
                       progress=gr.Progress(track_tqdm=True)):
    """One forward pass: the distribution after the prompt, every view of it, and the best guess per prefix."""
    lang = language(ctx)
    with user_errors(lang):
        nt.check_params(temperature, k)
        result = _predict(ctx, prompt, model, device, dtype, mask_no, decoder_prefix, progress)
        shown = _views_of(result, k, temperature, scale, lang)
    return (result, views.prompt_html(result, lang), *shown, views.prefix_html(result, lang),
            table(views.prefix_rows(result, lang=lang), views.PREFIX_HEADERS, lang))


def reshape_distribution(ctx: AppContext, result, k, temperature, scale):
    """Temperature, k or scale moved: re-shape the last run's logits, no forward pass."""
    if result is None:
        return (gr.skip(),) * 4
    lang = language(ctx)
    with user_errors(lang):
        return _views_of(result, k, temperature, scale, lang)


def score_continuations(ctx: AppContext, prompt, model, device, dtype, raw, leading_space, mask_no, decoder_prefix,
                        progress=gr.Progress(track_tqdm=True)):
    """How likely each of the user's words is after the prompt (whole words, by the chain rule)."""
    lang = language(ctx)
    with user_errors(lang):
        words = nt.parse_continuations(raw, leading_space=leading_space)
        b = ctx.load(model, device, dtype, progress=progress, capability=NEXT_TOKEN)
        scores = nt.score_continuations(b, _check(ctx, prompt), words, decoder_prefix=decoder_prefix or "",
                                        mask_index=_mask_index(mask_no), max_tokens=ctx.settings.max_prompt_tokens)
    return (views.continuation_figure(scores, lang),
            table(views.continuation_rows(scores, lang), views.CONT_HEADERS, lang))


def run_logit_lens(ctx: AppContext, prompt, model, device, dtype, progress=gr.Progress(track_tqdm=True)):
    """The prediction read off every layer's hidden state."""
    t = i18n.translator(lang := language(ctx))
    with user_errors(lang):
        b = ctx.load(model, device, dtype, progress=progress, capability=NEXT_TOKEN)
        if not b.supports(lm.HIDDEN_STATES):
            return None, empty_hint(t("The logit lens reads every layer's hidden state: {why}.",
                                      why=t(b.why_not(lm.HIDDEN_STATES))))
        lens = nt.logit_lens(b, _check(ctx, prompt), max_positions=LENS_POSITIONS,
                             max_tokens=ctx.settings.max_prompt_tokens)
    return views.lens_figure(lens, lang), views.lens_html(lens, lang)


def compare_prompts(ctx: AppContext, last, prompt, prompt_b, model, device, dtype, k, temperature, mask_no,
                    decoder_prefix, progress=gr.Progress(track_tqdm=True)):
    """Prompt A is usually what Predict just ran: its result (`last`) is reused, not run again."""
    lang = language(ctx)
    with user_errors(lang):
        nt.check_params(temperature, k)
        pair = []
        for text in (prompt, prompt_b):
            result = _predict(ctx, text, model, device, dtype, mask_no, decoder_prefix, progress, reuse=last)
            pair.append((result, nt.distribution(result, temperature, k)))
    return (views.compare_html(pair[0], pair[1], (prompt, prompt_b), lang),
            views.compare_figure(pair[0], pair[1], lang=lang))


def apply_lesson(ctx: AppContext, lesson_id: str, picker=None):
    """Fill the inputs from a lesson preset; the click then predicts (and compares or scores, if the lesson does)
    on the lesson's model (returned second, for the tab's lesson-model state: the picker is not moved)."""
    preset = lesson("next_token", lesson_id)
    params = preset.params
    r = resolve(preset, ctx.models)
    opened = [gr.Accordion(open=key in preset.open) for key in ACCORDIONS]
    return [
        preset.text, r.model, params.get("top_k", 10), params.get("temperature", 1.0),
        params.get("scale", "probability"), params.get("prompt_b", gr.skip()),
        params.get("continuations", gr.skip()), gr.Markdown(r.notice_for(picker, language(ctx)), visible=True), *opened,
    ]


# ---- API -----------------------------------------------------------------------------------------


NEXT_TOKEN_FIELDS = {"prompt": api.Text(api.prompt_chars), "model": api.Model(), "top_k": api.Int(1, nt.MAX_K),
                     "temperature": api.Float(0, 100)}
LOGIT_LENS_FIELDS = {"prompt": api.Text(api.prompt_chars), "model": api.Model()}


def next_token_api(ctx: AppContext, prompt: str, model: str = "", top_k: int = 10, temperature: float = 1.0) -> dict:
    """The distribution of the next token (the mask for masked LMs) after `prompt`, softmax(logits / T).

    Returns {model, tokens, top: [{token, id, logit, prob, logprob, rank}], top_k_mass, entropy
    (nats), entropy_bits, prefix_table: [{position, prefix, best_token, best_prob, next_token,
    next_prob, next_rank}], notices}.
    """
    with user_errors():
        nt.check_params(temperature, top_k)
        name = model or ctx.models.default_name(NEXT_TOKEN)
        result = _predict(ctx, prompt, name, None, None, 1, "")
        return nt.as_json(result, nt.distribution(result, temperature, top_k))


def logit_lens_api(ctx: AppContext, prompt: str, model: str = "") -> dict:
    """The logit lens of a causal LM: per layer and position, the top 5 tokens and their probabilities."""
    with user_errors():
        b = ctx.load(model or ctx.models.default_name(NEXT_TOKEN), capability=NEXT_TOKEN)
        return nt.logit_lens(b, _check(ctx, prompt), max_positions=LENS_POSITIONS,
                             max_tokens=ctx.settings.max_prompt_tokens).as_json()


# ---- layout and wiring ---------------------------------------------------------------------------


def build_next_token_tab(ctx: AppContext) -> dict:
    presets = load_presets("next_token")

    # ---- layout --------------------------------------------------------------------------------
    lesson_buttons, notice = lesson_bar(presets)
    with gr.Row():
        prompt = gr.Textbox(
            label=L("Prompt"), value=presets[0].text, lines=2, max_lines=8, scale=4, elem_id="nt-prompt",
            placeholder=L("Type the start of a text. For a masked LM, put [MASK] where the missing word goes."),
            info=L("Causal LMs predict the token after it; masked LMs the token at [MASK]; seq2seq models the "
                   "next decoder token."),
        )
        with gr.Column(scale=1, min_width=220):
            run = gr.Button(L("Predict the next token"), variant="primary", elem_id="nt-run")
            scale = gr.Radio([(L(s), s) for s in views.SCALES], value="probability", label=L("Chart shows"))
    with gr.Row():
        k = knob(1, nt.MAX_K, value=10, step=1, label=L("Top k"), info=L("How many tokens to list."), elem_id="nt-k")
        temperature = knob(0, 5, value=1.0, step=0.05, label=L("Temperature T"),
                           info=L("softmax(logits / T), re-shaped live; 0 = argmax."), elem_id="nt-temperature")
    message = message_box("nt-message")
    with gr.Accordion(L("Options: which mask, decoder prefix"), open=False, elem_classes=["pg-advanced"]):
        with gr.Row():
            mask_no = gr.Number(1, label=L("Mask number (masked LMs with several masks)"), precision=0, minimum=1)
            decoder_prefix = gr.Textbox(label=L("Decoder prefix (encoder-decoder models such as T5)"),
                                        placeholder=L("e.g. La maison"), scale=2)
    prompt_view = gr.HTML(elem_id="nt-prompt-view")
    summary = gr.HTML(L_html(empty_hint, "Click Predict or a lesson to see what the model expects next."),
                      elem_id="nt-summary")
    with gr.Row(equal_height=False):
        # min_width: on a narrow page (a projector at 150 %) the two charts stack instead of cutting their titles
        chart = gr.Plot(label=L("Top k"), elem_id="nt-chart", scale=3, min_width=440)
        curve = gr.Plot(label=L("Entropy vs temperature"), elem_id="nt-curve", scale=2, min_width=440)
    with gr.Accordion(L("Top-k table"), open=False) as table_acc:
        topk_table = gr.Dataframe(headers=views.TOPK_HEADERS, interactive=False, wrap=True, elem_id="nt-table")
    with gr.Accordion(L("Best guess after every prefix (lesson 6)"), open=False) as prefix_acc:
        prefix_view = gr.HTML(elem_id="nt-prefix")
        prefix_table = gr.Dataframe(headers=views.PREFIX_HEADERS, interactive=False, wrap=True, max_height=420,
                                    elem_id="nt-prefix-table")
    with gr.Accordion(L("Your continuations: how likely is each word here?"), open=False) as cont_acc:
        with gr.Row():
            continuations = gr.Textbox(
                label=L("Continuations"), value="night, day", scale=4,
                info=L("One per line, or separated by commas. A word of several tokens is scored by the chain rule."),
            )
            with gr.Column(scale=1, min_width=200):
                leading_space = gr.Checkbox(True, label=L("Start each with a space"))
                score_btn = gr.Button(L("Score them"), elem_id="nt-score")
        cont_message = message_box("nt-cont-message")
        cont_chart = gr.Plot(label=L("Continuations"), elem_id="nt-cont-chart")
        cont_table = gr.Dataframe(headers=views.CONT_HEADERS, interactive=False, wrap=True)
    with gr.Accordion(L("Logit lens: the prediction layer by layer (causal models)"), open=False) as lens_acc:
        gr.Markdown(L("Each row applies the model's final norm and unembedding to one layer's hidden state: what the "
                      "model would predict if it stopped there. Up to the last {n} positions.", n=LENS_POSITIONS))
        lens_btn = gr.Button(L("Run the logit lens"), elem_id="nt-lens-run")
        lens_message = message_box("nt-lens-message")
        lens_chart = gr.Plot(label=L("Logit lens"), elem_id="nt-lens")
        lens_note = gr.HTML()
    with gr.Accordion(L("Two prompts side by side (lesson 8)"), open=False) as cmp_acc:
        with gr.Row():
            prompt_b = gr.Textbox(label=L("Prompt B"), value="It was a bright and sunny", scale=4, elem_id="nt-prompt-b")
            compare_btn = gr.Button(L("Compare A and B"), scale=1, elem_id="nt-compare")
        compare_message = message_box("nt-compare-message")
        compare_view = gr.HTML()
        compare_chart = gr.Plot(label=L("A vs B"), elem_id="nt-compare-chart")
    build_why_panel(ctx, "next_token", {"prompt": prompt, "decoder_prefix": decoder_prefix})
    last = gr.State()  # the last run's NextTokenResult: one vocabulary-sized float32 vector
    shown = [prompt_view, summary, chart, curve, topk_table, prefix_view, prefix_table, cont_chart, cont_table,
             lens_chart, compare_view, compare_chart]
    export_bar(ctx, "Next token", notice, shown, "nt")

    # ---- events --------------------------------------------------------------------------------
    # An error leaves the last result in place and stays in the box under its control (keep_results).
    header = [ctx.model, ctx.device, ctx.dtype]
    main_inputs = [prompt, *header, k, temperature, scale, mask_no, decoder_prefix]
    main_outputs = [last, prompt_view, summary, chart, curve, topk_table, prefix_view, prefix_table]
    predict = keep_results(bind(predict_next_token, ctx), len(main_outputs))
    compare, score = keep_results(bind(compare_prompts, ctx), 2), keep_results(bind(score_continuations, ctx), 2)
    gr.on([run.click, prompt.submit], predict, main_inputs, [*main_outputs, message], api_visibility="private")
    gr.on([k.input, temperature.input, scale.input], keep_results(bind(reshape_distribution, ctx), 4),
          [last, k, temperature, scale], [summary, chart, curve, topk_table, message], trigger_mode="always_last",
          show_progress="hidden", api_visibility="private")
    cont_inputs = [prompt, *header, continuations, leading_space, mask_no, decoder_prefix]
    gr.on([score_btn.click, continuations.submit], score, cont_inputs, [cont_chart, cont_table, cont_message],
          api_visibility="private")
    # A new model makes the last run's logits stale: the sliders wait for the next Predict.
    ctx.model.change(lambda: None, None, last, api_visibility="private")
    lens_btn.click(keep_results(bind(run_logit_lens, ctx), 2), [prompt, *header], [lens_chart, lens_note, lens_message],
                   api_visibility="private")
    cmp_inputs = [last, prompt, prompt_b, *header, k, temperature, mask_no, decoder_prefix]
    gr.on([compare_btn.click, prompt_b.submit], compare, cmp_inputs, [compare_view, compare_chart, compare_message],
          api_visibility="private")

    accordions = dict(zip(ACCORDIONS, (table_acc, prefix_acc, cont_acc, lens_acc, cmp_acc)))
    lesson_model, lessons = lesson_model_state(), []
    for preset, button in zip(presets, lesson_buttons):
        event = button.click(
            bind(apply_lesson, ctx, preset.id), ctx.model,
            [prompt, lesson_model, k, temperature, scale, prompt_b, continuations, notice, *accordions.values()],
            api_visibility="private",
        ).then(predict, for_lesson(main_inputs, ctx, lesson_model), [*main_outputs, message], api_visibility="private")
        if "prompt_b" in preset.params:
            event = event.then(compare, for_lesson(cmp_inputs, ctx, lesson_model),
                               [compare_view, compare_chart, compare_message], api_visibility="private")
        if "continuations" in preset.params:
            event = event.then(score, for_lesson(cont_inputs, ctx, lesson_model),
                               [cont_chart, cont_table, cont_message],
                               api_visibility="private")
        lessons.append((preset.id, event))
    record_lessons(ctx, "Next token", lessons, notice, shown)

    gr.api(api.bind_api(next_token_api, ctx, NEXT_TOKEN_FIELDS), api_name="next_token")
    gr.api(api.bind_api(logit_lens_api, ctx, LOGIT_LENS_FIELDS), api_name="logit_lens")
    return {"prompt": prompt, "run": run, "chart": chart, "temperature": temperature, "k": k, "last": last}
