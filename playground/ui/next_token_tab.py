"""Next-token tab: logits and softmax, temperature, the best guess after every prefix, chosen
continuations, the logit lens, and two prompts side by side (lessons 5–9)."""

from __future__ import annotations

import gradio as gr
import numpy as np

from ..compute import next_token as nt
from ..errors import InputError
from ..models import NEXT_TOKEN
from ..presets import load_presets, resolve
from ..views import next_token as views
from ..views.common import empty_hint
from .attribution_panel import build_why_panel
from .common import AppContext, lesson_bar, user_errors

CURVE_T = tuple(float(t) for t in np.round(np.linspace(0.05, 3.0, 60), 3))
LENS_POSITIONS = 48  # columns of the logit-lens heatmap; longer prompts show their end


def build_next_token_tab(ctx: AppContext) -> dict:
    presets = load_presets("next_token")
    settings, models = ctx.settings, ctx.models

    def check(prompt: str) -> str:
        prompt = prompt if isinstance(prompt, str) else ""
        if len(prompt) > settings.max_text_chars:
            raise InputError(
                f"The prompt has {len(prompt):,} characters; the limit is {settings.max_text_chars:,}. "
                "Shorten it (only its last tokens would be read anyway)."
            )
        return prompt

    def load(model, device, dtype, progress=None):
        if not model:
            raise InputError("Choose a model in the picker at the top.")
        return models.load(model, device=device or None, dtype=dtype or None, progress=progress, capability=NEXT_TOKEN)

    def mask_index(mask_no) -> int:
        try:
            return int(mask_no or 1) - 1
        except (TypeError, ValueError):
            raise InputError("The mask number must be a whole number (1 = the first mask).") from None

    def predict(prompt, model, device, dtype, mask_no, decoder_prefix, progress=None, reuse=None):
        loaded = load(model, device, dtype, progress)
        return nt.next_token(loaded, check(prompt), decoder_prefix=decoder_prefix or "",
                             mask_index=mask_index(mask_no), max_tokens=settings.max_prompt_tokens, reuse=reuse)

    def views_of(result, k, temperature, scale):
        dist = nt.distribution(result, temperature, k)
        now = {dist.temperature} if dist.temperature else set()
        curve = nt.entropy_curve(result, sorted(set(CURVE_T) | now))
        return (views.summary_html(result, dist), views.topk_figure(result, dist, scale),
                views.entropy_figure(curve, dist), views.topk_rows(dist))

    def run_predict(prompt, model, device, dtype, k, temperature, scale, mask_no, decoder_prefix,
                    progress=gr.Progress(track_tqdm=True)):
        with user_errors():
            nt.check_params(temperature, k)
            result = predict(prompt, model, device, dtype, mask_no, decoder_prefix, progress)
            shown = views_of(result, k, temperature, scale)
        return (result, views.prompt_html(result), *shown, views.prefix_html(result), views.prefix_rows(result))

    def run_reshape(result, k, temperature, scale):
        """Temperature, k or scale moved: re-shape the last run's logits, no forward pass."""
        if result is None:
            return (gr.skip(),) * 4
        with user_errors():
            return views_of(result, k, temperature, scale)

    def run_continuations(prompt, model, device, dtype, raw, leading_space, mask_no, decoder_prefix,
                          progress=gr.Progress(track_tqdm=True)):
        with user_errors():
            words = nt.parse_continuations(raw, leading_space=leading_space)
            loaded = load(model, device, dtype, progress)
            scores = nt.score_continuations(loaded, check(prompt), words, decoder_prefix=decoder_prefix or "",
                                            mask_index=mask_index(mask_no), max_tokens=settings.max_prompt_tokens)
        return views.continuation_figure(scores), views.continuation_rows(scores)

    def run_lens(prompt, model, device, dtype, progress=gr.Progress(track_tqdm=True)):
        with user_errors():
            loaded = load(model, device, dtype, progress)
            lens = nt.logit_lens(loaded, check(prompt), max_positions=LENS_POSITIONS,
                                 max_tokens=settings.max_prompt_tokens)
        return views.lens_figure(lens), views.lens_html(lens)

    def run_compare(last, prompt, prompt_b, model, device, dtype, k, temperature, mask_no, decoder_prefix,
                    progress=gr.Progress(track_tqdm=True)):
        """Prompt A is usually what Predict just ran: its result (`last`) is reused, not run again."""
        with user_errors():
            nt.check_params(temperature, k)
            pair = []
            for text in (prompt, prompt_b):
                result = predict(text, model, device, dtype, mask_no, decoder_prefix, progress, reuse=last)
                pair.append((result, nt.distribution(result, temperature, k)))
        return views.compare_html(pair[0], pair[1], (prompt, prompt_b)), views.compare_figure(pair[0], pair[1])

    # ---- layout --------------------------------------------------------------------------------
    lesson_buttons, notice = lesson_bar(presets)
    with gr.Row():
        prompt = gr.Textbox(
            label="Prompt", value=presets[0].text, lines=2, max_lines=8, scale=4, elem_id="nt-prompt",
            placeholder="Type the start of a text. For a masked LM, put [MASK] where the missing word goes.",
            info="Causal LMs predict the token after it; masked LMs the token at [MASK]; seq2seq models the "
                 "next decoder token.",
        )
        with gr.Column(scale=1, min_width=220):
            run = gr.Button("Predict the next token", variant="primary", elem_id="nt-run")
            scale = gr.Radio(list(views.SCALES), value="probability", label="Chart shows")
    with gr.Row():
        k = gr.Slider(1, nt.MAX_K, value=10, step=1, label="Top k", info="How many tokens to list.")
        temperature = gr.Slider(0, 5, value=1.0, step=0.05, label="Temperature T",
                                info="softmax(logits / T), re-shaped live; 0 = argmax.", elem_id="nt-temperature")
    with gr.Accordion("Options: which mask, decoder prefix", open=False):
        with gr.Row():
            mask_no = gr.Number(1, label="Mask number (masked LMs with several masks)", precision=0, minimum=1)
            decoder_prefix = gr.Textbox(label="Decoder prefix (encoder-decoder models such as T5)",
                                        placeholder="e.g. La maison", scale=2)
    prompt_view = gr.HTML(elem_id="nt-prompt-view")
    summary = gr.HTML(empty_hint("Click Predict or a lesson to see what the model expects next."), elem_id="nt-summary")
    with gr.Row(equal_height=False):
        chart = gr.Plot(label="Top k", elem_id="nt-chart", scale=3)
        curve = gr.Plot(label="Entropy vs temperature", elem_id="nt-curve", scale=2)
    with gr.Accordion("Top-k table", open=False) as table_acc:
        table = gr.Dataframe(headers=views.TOPK_HEADERS, interactive=False, wrap=True, elem_id="nt-table")
    with gr.Accordion("Best guess after every prefix (lesson 6)", open=False) as prefix_acc:
        prefix_view = gr.HTML(elem_id="nt-prefix")
        prefix_table = gr.Dataframe(headers=views.PREFIX_HEADERS, interactive=False, wrap=True, max_height=420,
                                    elem_id="nt-prefix-table")
    with gr.Accordion("Your continuations: how likely is each word here?", open=False) as cont_acc:
        with gr.Row():
            continuations = gr.Textbox(
                label="Continuations", value="night, day", scale=4,
                info="One per line, or separated by commas. A word of several tokens is scored by the chain rule.",
            )
            with gr.Column(scale=1, min_width=200):
                leading_space = gr.Checkbox(True, label="Start each with a space")
                score_btn = gr.Button("Score them", elem_id="nt-score")
        cont_chart = gr.Plot(label="Continuations", elem_id="nt-cont-chart")
        cont_table = gr.Dataframe(headers=views.CONT_HEADERS, interactive=False, wrap=True)
    with gr.Accordion("Logit lens: the prediction layer by layer (causal models)", open=False) as lens_acc:
        gr.Markdown("Each row applies the model's final norm and unembedding to one layer's hidden state: what the "
                    f"model would predict if it stopped there. Up to the last {LENS_POSITIONS} positions.")
        lens_btn = gr.Button("Run the logit lens", elem_id="nt-lens-run")
        lens_chart = gr.Plot(label="Logit lens", elem_id="nt-lens")
        lens_note = gr.HTML()
    with gr.Accordion("Two prompts side by side (lesson 8)", open=False) as cmp_acc:
        with gr.Row():
            prompt_b = gr.Textbox(label="Prompt B", value="It was a bright and sunny", scale=4, elem_id="nt-prompt-b")
            compare_btn = gr.Button("Compare A and B", scale=1, elem_id="nt-compare")
        compare_view = gr.HTML()
        compare_chart = gr.Plot(label="A vs B", elem_id="nt-compare-chart")
    build_why_panel(ctx, "next_token", {"prompt": prompt, "decoder_prefix": decoder_prefix})
    last = gr.State()  # the last run's NextTokenResult: one vocabulary-sized float32 vector

    # ---- events --------------------------------------------------------------------------------
    header = [ctx.model, ctx.device, ctx.dtype]
    main_inputs = [prompt, *header, k, temperature, scale, mask_no, decoder_prefix]
    main_outputs = [last, prompt_view, summary, chart, curve, table, prefix_view, prefix_table]
    gr.on([run.click, prompt.submit], run_predict, main_inputs, main_outputs, api_visibility="private")
    gr.on([k.input, temperature.input, scale.input], run_reshape, [last, k, temperature, scale],
          [summary, chart, curve, table], trigger_mode="always_last", show_progress="hidden",
          api_visibility="private")
    cont_inputs = [prompt, *header, continuations, leading_space, mask_no, decoder_prefix]
    gr.on([score_btn.click, continuations.submit], run_continuations, cont_inputs, [cont_chart, cont_table],
          api_visibility="private")
    # A new model makes the last run's logits stale: the sliders wait for the next Predict.
    ctx.model.change(lambda: None, None, last, api_visibility="private")
    lens_btn.click(run_lens, [prompt, *header], [lens_chart, lens_note], api_visibility="private")
    cmp_inputs = [last, prompt, prompt_b, *header, k, temperature, mask_no, decoder_prefix]
    gr.on([compare_btn.click, prompt_b.submit], run_compare, cmp_inputs, [compare_view, compare_chart],
          api_visibility="private")

    accordions = {"table": table_acc, "prefix": prefix_acc, "continuations": cont_acc, "lens": lens_acc,
                  "compare": cmp_acc}
    preset_handlers = []
    for preset, button in zip(presets, lesson_buttons):
        params = preset.params

        def apply(preset=preset, params=params):
            r = resolve(preset, models)
            opened = [gr.Accordion(open=key in preset.open) for key in accordions]
            return [
                preset.text, r.model, params.get("top_k", 10), params.get("temperature", 1.0),
                params.get("scale", "probability"), params.get("prompt_b", gr.skip()),
                params.get("continuations", gr.skip()), gr.Markdown(r.notice_markdown, visible=True), *opened,
            ]

        preset_handlers.append(apply)
        event = button.click(
            apply, None, [prompt, ctx.model, k, temperature, scale, prompt_b, continuations, notice,
                          *accordions.values()],
            api_visibility="private",
        ).then(run_predict, main_inputs, main_outputs, api_visibility="private")
        if "prompt_b" in params:
            event = event.then(run_compare, cmp_inputs, [compare_view, compare_chart], api_visibility="private")
        if "continuations" in params:
            event.then(run_continuations, cont_inputs, [cont_chart, cont_table], api_visibility="private")

    # ---- API -----------------------------------------------------------------------------------
    def next_token_api(prompt: str, model: str = "", top_k: int = 10, temperature: float = 1.0) -> dict:
        """The distribution of the next token (the mask for masked LMs) after `prompt`, softmax(logits / T).

        Returns {model, tokens, top: [{token, id, logit, prob, logprob, rank}], top_k_mass, entropy
        (nats), entropy_bits, prefix_table: [{position, prefix, best_token, best_prob, next_token,
        next_prob, next_rank}], notices}.
        """
        with user_errors():
            nt.check_params(temperature, top_k)
            name = model or models.default_name(NEXT_TOKEN)
            result = predict(prompt, name, None, None, 1, "")
            return nt.as_json(result, nt.distribution(result, temperature, top_k))

    def logit_lens_api(prompt: str, model: str = "") -> dict:
        """The logit lens of a causal LM: per layer and position, the top 5 tokens and their probabilities."""
        with user_errors():
            name = model or models.default_name(NEXT_TOKEN)
            loaded = load(name, None, None)
            return nt.logit_lens(loaded, check(prompt), max_positions=LENS_POSITIONS,
                                 max_tokens=settings.max_prompt_tokens).as_json()

    gr.api(next_token_api, api_name="next_token")
    gr.api(logit_lens_api, api_name="logit_lens")
    return {
        "components": {"prompt": prompt, "run": run, "chart": chart, "temperature": temperature, "k": k,
                       "last": last},
        "handlers": {"predict": run_predict, "reshape": run_reshape, "continuations": run_continuations,
                     "lens": run_lens, "compare": run_compare, "api": next_token_api, "lens_api": logit_lens_api},
        "presets": {p.id: apply for p, apply in zip(presets, preset_handlers)},
    }
