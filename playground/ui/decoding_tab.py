"""Decoding tab: every generate() knob, streaming with per-token probabilities, the logits pipeline,
the beam tree, two configurations side by side, and generate() by hand (lessons 10–15)."""

from __future__ import annotations

import dataclasses
import inspect
import time
from collections.abc import Iterator
from contextlib import contextmanager

import gradio as gr

from ..compute import decoding, lm
from ..compute.decoding import by_hand
from ..errors import InputError, ModelUnavailable
from ..models import GENERATION
from ..presets import load_presets, resolve
from ..views import decoding as views
from .. import i18n
from . import api
from .attribution_panel import build_why_panel
from ..views.common import empty_hint, esc
from .common import (
    AppContext, bind, for_lesson, keep_results, knob, lesson, lesson_bar, lesson_model_state, message_box, user_errors,
)
from .lang import L, L_html, L_pair, language, table as table_in
from .lecture import export_bar, record_lessons

REFRESH_SECONDS = 0.08  # the streamed text is redrawn at most this often
# A click on a generated token opens that step in the logits pipeline (one listener, delegated).
CLICK_TOKEN = ("element.addEventListener('click', (e) => { const t = e.target.closest('.pg-gen');"
               " if (t && t.dataset.step) trigger('click', {step: Number(t.dataset.step)}); });")
KNOBS = ("max_new_tokens", "do_sample", "temperature", "top_k", "top_p", "num_beams", "num_return_sequences",
         "repetition_penalty", "no_repeat_ngram_size", "length_penalty", "penalty_alpha", "bad_words", "stop_strings",
         "seed", "chat_template")
ACCORDIONS = ("pipeline", "table", "tree", "compare", "byhand")  # the keys a lesson's "open" list names
# Knobs a server may lack (decoding.remote.unsupported), with the info line they show when they are on.
SERVER_KNOBS = {"top_k": "0 = off", "num_beams": None, "num_return_sequences": None,
                "length_penalty": "beam search only", "penalty_alpha": "> 0 with top_k ≥ 2: contrastive search",
                "repetition_penalty": "1 = off", "no_repeat_ngram_size": "0 = off",
                "bad_words": "Turned into bad_words_ids (with and without a leading space).",
                "chat_template": "Wrap the prompt as a user message (instruct models)."}


def _session(request: gr.Request | None) -> str:
    return getattr(request, "session_hash", None) or "api"


def _params_of(ctx: AppContext, values) -> tuple[decoding.GenParams, tuple[str, ...]]:
    raw = decoding.GenParams(**dict(zip(KNOBS, values)))
    return decoding.check(raw, max_new_tokens=ctx.settings.max_new_tokens)


def _load(ctx: AppContext, model, device=None, dtype=None, progress=None):
    return ctx.load(model, device, dtype, progress=progress, capability=GENERATION)


def _prompt_of(ctx: AppContext, b, prompt, params):
    limit = ctx.settings.max_text_chars
    if isinstance(prompt, str) and len(prompt) > limit:
        raise InputError("The prompt has {n:,} characters; the limit is {limit:,}.", n=len(prompt), limit=limit)
    return decoding.encode_prompt(b, prompt, chat_template=params.chat_template,
                                  max_tokens=ctx.settings.max_prompt_tokens, max_new_tokens=params.max_new_tokens)


def _default_step(gen) -> int:
    """The first step where the token was not the model's own first choice (1 if there is none)."""
    for s in gen.sequences[0].steps:
        if s.rank > 1:
            return s.index + 1
    return 1


def _pipeline_views(b, gen, step: int, lang: str = i18n.EN):
    t = i18n.translator(lang)
    seq = gen.sequences[0]
    if not b.supports(lm.WEIGHTS):
        return None, empty_hint(t("The logits pipeline re-runs a step through generate()'s processors on the model's "
                                  "own scores: {why}.", why=t(b.why_not(lm.WEIGHTS))))
    if not seq.steps:
        return None, empty_hint(t("Nothing was generated, so there is no step to show."))
    pl = decoding.pipeline(b, gen.prompt, gen.params, seq.ids, int(step) - 1)
    return views.pipeline_figure(pl, lang=lang), views.pipeline_html(pl, lang)


def _raised_in_transformers(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and str(tb.tb_frame.f_globals.get("__name__", "")).startswith("transformers.")


@contextmanager
def generate_refusals():
    """generate() refusing a setting, as a gr.Error that says so. transformers raises a plain ValueError for
    that (GenerationConfig.validate, a logits processor's __init__); everything else passes untouched: the
    app's InputError (a ValueError, as gr.Error is) keeps its own message, and a bug stays a bug."""
    try:
        yield
    except ValueError as exc:
        if type(exc) is not ValueError or not _raised_in_transformers(exc):
            raise
        raise gr.Error(i18n.tr("generate() refused these settings: {error}", language(), error=exc),
                       print_exception=False) from exc


# ---- handlers ------------------------------------------------------------------------------------
# Gradio injects `request` and `progress` only into parameters before *knobs: hence their place.


def generate_text(ctx: AppContext, prompt, model, device, dtype, request: gr.Request = None,
                  progress=gr.Progress(track_tqdm=True), *knobs):
    """Stream the tokens while they come, then fill in the summary, tables, pipeline and tree."""
    lang = language(ctx)
    t = i18n.translator(lang)
    with user_errors(lang):
        params, notes = _params_of(ctx, knobs)
        b = _load(ctx, model, device, dtype, progress)
        prompt_ids = _prompt_of(ctx, b, prompt, params)
    session = _session(request)
    flag = ctx.running.start(session)
    steps, gen, tree, last = [], None, None, 0.0
    if not params.streams:
        what = (t("Beam search keeps {n} hypotheses until the end", n=params.num_beams) if params.mode == "beam" else
                t("{n} sequences are drawn together", n=params.num_return_sequences))
        yield (gr.skip(), empty_hint(t("{what}, so the text comes all at once (no streaming) …", what=what)),
               *(gr.skip(),) * 8)
    try:
        with user_errors(lang), generate_refusals():
            for item in decoding.run(b, prompt_ids, params, stop=flag):
                if isinstance(item, decoding.Step):
                    steps.append(item)
                    if time.perf_counter() - last >= REFRESH_SECONDS:
                        last = time.perf_counter()
                        yield (gr.skip(), views.tokens_html(prompt_ids.tokens, steps, running=True, lang=lang),
                               *(gr.skip(),) * 8)
                elif isinstance(item, decoding.Generation):
                    gen = decoding.replace_notices(item, notes + item.notices)
                elif isinstance(item, decoding.BeamTree):
                    tree = item
    finally:
        ctx.running.done(session, flag)
    seq = gen.sequences[0]
    step = _default_step(gen)
    with user_errors(lang):
        fig, pl_html = _pipeline_views(b, gen, step, lang)
    n = max(len(seq.steps), 1)
    yield (gen, views.tokens_html(prompt_ids.tokens, seq.steps, finish=seq.finish, lang=lang),
           views.summary_html(gen, lang), views.sequences_html(gen, lang),
           table_in(views.step_rows(seq), views.STEP_HEADERS, lang),
           gr.Slider(minimum=1, maximum=max(n, 2), value=min(step, n), step=1, interactive=n > 1),
           fig, pl_html, views.tree_figure(tree, lang) if tree else None, views.tree_html(tree, lang))


def stop_generation(ctx: AppContext, request: gr.Request = None):
    """The Stop button: end this session's generation after the current token."""
    ctx.running.stop(_session(request))


def show_pipeline_step(ctx: AppContext, last, step, model, device, dtype, progress=gr.Progress(track_tqdm=True)):
    """One step of the last generation through generate()'s logits processors, stage by stage."""
    lang = language(ctx)
    if last is None:
        return None, empty_hint(i18n.tr("Generate first: the pipeline shows one step of the last generation.", lang))
    with user_errors(lang):
        b = _load(ctx, last.model, device, dtype, progress)
        return _pipeline_views(b, last, step, lang)


def open_clicked_step(ctx: AppContext, last, model, device, dtype, evt: gr.EventData,
                      progress=gr.Progress(track_tqdm=True)):
    """A generated token was clicked: show its step in the pipeline."""
    step = getattr(evt, "step", None) if evt is not None else None
    if last is None or not isinstance(step, (int, float)) or not 1 <= step <= len(last.sequences[0].steps):
        return gr.skip(), gr.skip(), gr.skip(), gr.skip()
    fig, note = show_pipeline_step(ctx, last, int(step), model, device, dtype, progress)
    return gr.Accordion(open=True), gr.Slider(value=int(step)), fig, note


def _generated(b, prompt_ids, params):
    """The whole generation; a deterministic one (no sampling) remembered per model (lm.remember)."""
    if params.do_sample:
        return decoding.generate(b, prompt_ids, params)[0]
    return lm.remember(decoding.generate, b, prompt_ids, params)[0]


def compare_strategies(ctx: AppContext, prompt, model, device, dtype, strategy_b, temperature_b,
                       progress=gr.Progress(track_tqdm=True), *knobs):
    """The knobs above (A) against the same knobs with strategy B on the same prompt."""
    with user_errors():
        params_a, notes = _params_of(ctx, knobs)
        raw_b = decoding.strategy_params(strategy_b, params_a)
        if raw_b.do_sample and temperature_b is not None:
            raw_b = dataclasses.replace(raw_b, temperature=float(temperature_b))
        params_b, _ = decoding.check(raw_b, max_new_tokens=ctx.settings.max_new_tokens)
        b = _load(ctx, model, device, dtype, progress)
        prompt_ids = _prompt_of(ctx, b, prompt, params_a)
        with generate_refusals():
            gen_a, gen_b = (_generated(b, prompt_ids, params) for params in (params_a, params_b))
    lang = language(ctx)
    names = (f"A: {views.describe(params_a, lang)}", f"B: {views.describe(params_b, lang)}")
    div = decoding.divergence(gen_a.sequences[0], gen_b.sequences[0])
    return views.compare_html(gen_a, gen_b, names, div, lang)


def run_by_hand(ctx: AppContext, prompt, model, device, dtype, progress=gr.Progress(track_tqdm=True), *knobs):
    """Lesson 15: the decoding loop written out, next to model.generate() with the same knobs and seed."""
    with user_errors():
        params, _ = _params_of(ctx, knobs)
        b = _load(ctx, model, device, dtype, progress)
        prompt_ids = _prompt_of(ctx, b, prompt, params)
        result = by_hand.compare_with_generate(b, prompt_ids, params)
    return views.by_hand_html(result, language(ctx))


def server_knobs(ctx: AppContext, model):
    """The model changed: for a model behind a server, switch off the knobs (and the panels needing the weights)
    the server lacks, each saying why; for any other model, switch them back on."""
    off, note = {}, ""
    try:
        remote = bool(model) and ctx.models.spec(model).source_kind == "remote"
        if remote:
            b = ctx.load(model)
            off = decoding.remote.unsupported(b)
            note = i18n.tr("**{model}** runs on {url}: the knobs it lacks are off (their notes say why). The logits "
                           "pipeline, the beam tree and generate() by hand need the weights: {why}.", language(ctx),
                           model=esc(b.name), url=esc(b.url), why=esc(i18n.tr(b.why_not(lm.WEIGHTS), language(ctx))))
    except (InputError, ModelUnavailable) as exc:
        remote, note = True, f"⚠️ {esc(i18n.error_message(exc, language(ctx)))}"
    knobs = [gr.update(interactive=name not in off, info=off.get(name, info)) for name, info in SERVER_KNOBS.items()]
    return (*knobs, gr.update(interactive=not remote), gr.update(interactive=not remote),
            gr.Markdown(note, visible=bool(note)))


def apply_strategy(ctx: AppContext, name, *values):
    """A strategy was chosen: set the knobs it names, keep the others."""
    current = decoding.GenParams(**dict(zip(KNOBS, values)))
    p = decoding.strategy_params(name, current)
    return p.do_sample, p.top_k, p.top_p, p.num_beams, p.penalty_alpha, p.num_return_sequences


def apply_lesson(ctx: AppContext, lesson_id: str, picker=None):
    """Fill the prompt, strategy and knobs from a lesson preset; the click then generates (and compares) on the
    lesson's model (returned second, for the tab's lesson-model state: the picker is not moved)."""
    preset = lesson("decoding", lesson_id)
    params = preset.params
    r = resolve(preset, ctx.models)
    base = decoding.strategy_params(params.get("strategy", "greedy"))
    base = dataclasses.replace(base, **{k: params[k] for k in KNOBS if k in params})
    opened = [gr.Accordion(open=key in preset.open) for key in ACCORDIONS]
    return [preset.text, r.model, params.get("strategy", "greedy"),
            *[getattr(base, k) if k not in ("bad_words", "stop_strings") else "" for k in KNOBS],
            params.get("compare_strategy", gr.skip()), params.get("compare_temperature", 1.0),
            gr.Markdown(r.notice_for(picker, language(ctx)), visible=True), *opened]


# ---- API -----------------------------------------------------------------------------------------


GENERATE_FIELDS = {
    "prompt": api.Text(api.prompt_chars), "model": api.Model(), "strategy": api.Choice(("", *decoding.STRATEGIES)),
    "max_new_tokens": api.Int(1, lambda settings: settings.max_new_tokens), "temperature": api.Float(0, 100),
    "top_k": api.Int(0, 100_000), "top_p": api.Float(0, 1), "num_beams": api.Int(1, decoding.MAX_BEAMS),
    "num_return_sequences": api.Int(1, decoding.MAX_RETURN), "repetition_penalty": api.Float(0.01, 100),
    "no_repeat_ngram_size": api.Int(0, 100), "length_penalty": api.Float(-100, 100), "penalty_alpha": api.Float(0, 1),
    "bad_words": api.Text(decoding.MAX_BAD_WORDS * (decoding.MAX_WORD_CHARS + 2)),
    "stop_strings": api.Text(decoding.MAX_STOP_STRINGS * (decoding.MAX_WORD_CHARS + 2)), "seed": api.Int(0, 2**32 - 1),
    "do_sample": api.Bool(), "chat_template": api.Bool(),
}


def generate_api(ctx: AppContext, prompt: str, model: str = "", strategy: str = "", max_new_tokens: int = 40,
                 temperature: float = 1.0, top_k: int = 0, top_p: float = 1.0, num_beams: int = 1,
                 num_return_sequences: int = 1, repetition_penalty: float = 1.0, no_repeat_ngram_size: int = 0,
                 length_penalty: float = 1.0, penalty_alpha: float = 0.0, bad_words: str = "",
                 stop_strings: str = "", seed: int = 0, do_sample: bool = False,
                 chat_template: bool = False) -> Iterator[dict]:
    """Generate a continuation of `prompt` with model.generate() and these knobs.

    `strategy` (greedy, beam search, sampling, top-k sampling, top-p sampling, contrastive search)
    fills in the knobs left at their neutral value; empty uses the knobs as given. Returns {text,
    tokens: [{token, id, prob, logprob, rank, sampled_prob, top: [{token, id, prob}]}], finish,
    sequences, params (what was actually used), notices}. While it runs, the endpoint streams
    {partial: true, text, tokens: n} about twice a second (gradio_client's predict returns the final
    answer); a caller that disconnects stops the generation within one step.
    """
    values = dict(max_new_tokens=max_new_tokens, do_sample=do_sample, temperature=temperature, top_k=top_k,
                  top_p=top_p, num_beams=num_beams, num_return_sequences=num_return_sequences,
                  repetition_penalty=repetition_penalty, no_repeat_ngram_size=no_repeat_ngram_size,
                  length_penalty=length_penalty, penalty_alpha=penalty_alpha, bad_words=bad_words or "",
                  stop_strings=stop_strings or "", seed=seed, chat_template=chat_template)
    with user_errors():
        raw = decoding.with_strategy(strategy or "", decoding.GenParams(**values))
        params, notes = decoding.check(raw, max_new_tokens=ctx.settings.max_new_tokens)
        b = _load(ctx, model or ctx.models.default_name(GENERATION))
        prompt_ids = _prompt_of(ctx, b, prompt, params)
    steps: list = []

    def run(stop):
        with generate_refusals():
            gen = None
            for item in decoding.run(b, prompt_ids, params, stop=stop):
                if isinstance(item, decoding.Step):
                    steps.append(item)
                elif isinstance(item, decoding.Generation):
                    gen = item
            return gen

    def partial() -> dict:
        return {"partial": True, "model": b.name, "text": "".join(s.token for s in steps), "tokens": len(steps)}

    with user_errors():
        for item in api.cancellable(run, progress=partial):
            if "result" in item:
                gen = item["result"]
                yield decoding.replace_notices(gen, notes + gen.notices).as_json()
            else:
                yield item


# ---- layout and wiring ---------------------------------------------------------------------------


def build_decoding_tab(ctx: AppContext) -> dict:
    presets = load_presets("decoding")
    settings = ctx.settings

    # ---- layout --------------------------------------------------------------------------------
    lesson_buttons, notice = lesson_bar(presets)
    with gr.Row():
        prompt = gr.Textbox(label=L("Prompt"), value=presets[0].text, lines=2, max_lines=8, scale=4, elem_id="dec-prompt",
                            placeholder=L("The start of a text for the model to continue."))
        with gr.Column(scale=1, min_width=220):
            run = gr.Button(L("Generate"), variant="primary", elem_id="dec-run")
            stop = gr.Button(L("Stop"), variant="stop", elem_id="dec-stop")
            chat = gr.Checkbox(False, label=L("Chat template"), info=L("Wrap the prompt as a user message (instruct models)."))
    with gr.Row():
        strategy = gr.Dropdown([(L(s), s) for s in decoding.STRATEGIES], value="greedy", label=L("Strategy"), scale=2,
                               elem_id="dec-strategy", info=L("Sets the knobs below; every knob stays editable."))
        max_new = knob(1, settings.max_new_tokens, value=40, step=1, label=L("max_new_tokens"), scale=2,
                            elem_id="dec-max-new")
        seed = gr.Number(0, precision=0, minimum=0, label=L("seed"), scale=1, info=L("Same seed, same sample."))
    with gr.Accordion(L("Knobs (generate() arguments)"), open=True):
        with gr.Row():
            do_sample = gr.Checkbox(False, label=L("Sample (do_sample)"), info=L("Off = greedy / beam search."),
                                    elem_id="dec-sample")
            temperature = knob(0, 3, value=1.0, step=0.05, label=L("temperature"), elem_id="dec-temperature")
            top_k = knob(0, 200, value=0, step=1, label=L("top_k"), info=L("0 = off"), elem_id="dec-top-k")
            top_p = knob(0, 1, value=1.0, step=0.01, label=L("top_p"), info=L("1 = off"), elem_id="dec-top-p")
        with gr.Row():
            num_beams = knob(1, decoding.MAX_BEAMS, value=1, step=1, label=L("num_beams"), elem_id="dec-beams")
            num_return = knob(1, decoding.MAX_RETURN, value=1, step=1, label=L("num_return_sequences"))
            length_penalty = knob(-2, 3, value=1.0, step=0.1, label=L("length_penalty"), info=L("beam search only"))
            penalty_alpha = knob(0, 1, value=0.0, step=0.05, label=L("penalty_alpha"),
                                      info=L("> 0 with top_k ≥ 2: contrastive search"))
        with gr.Row():
            repetition = knob(0.5, 2.0, value=1.0, step=0.05, label=L("repetition_penalty"), info=L("1 = off"),
                                   elem_id="dec-repetition")
            no_repeat = knob(0, 6, value=0, step=1, label=L("no_repeat_ngram_size"), info=L("0 = off"))
            bad_words = gr.Textbox(label=L("Bad words"), placeholder=L("one per line or comma-separated"), lines=1,
                                   info=L("Turned into bad_words_ids (with and without a leading space)."))
            stop_strings = gr.Textbox(label=L("Stop strings"), placeholder=L("one per line, e.g. a full stop"), lines=1)
        server_note = gr.Markdown(visible=False, elem_id="dec-server-note")
    message = message_box("dec-message")
    output = gr.HTML(L_html(empty_hint, "Press Generate: the text appears token by token, coloured by probability."),
                     elem_id="dec-output", js_on_load=CLICK_TOKEN)
    summary = gr.HTML(elem_id="dec-summary")
    sequences = gr.HTML(elem_id="dec-sequences")
    with gr.Accordion(L("The logits pipeline: how one token was chosen"), open=False) as pipe_acc:
        gr.Markdown(L("One step re-run through generate()'s own logits processors, in the order generate() applies "
                    "them. The step first shown is the first one where the model's favourite was not taken."))
        with gr.Row():
            step = knob(1, 40, value=1, step=1, label=L("Step"), interactive=False, elem_id="dec-step", scale=4)
            step_btn = gr.Button(L("Show this step"), scale=1, elem_id="dec-step-run")
        step_message = message_box("dec-step-message")
        pipe_chart = gr.Plot(label=L("Probability after each stage"), elem_id="dec-pipeline")
        pipe_note = gr.HTML(elem_id="dec-pipeline-note")
    with gr.Accordion(L("Every step: probability, rank and alternatives"), open=False) as table_acc:
        table = gr.Dataframe(headers=views.STEP_HEADERS, interactive=False, wrap=True, elem_id="dec-table")
    with gr.Accordion(L("Beam tree"), open=False) as tree_acc:
        tree_chart = gr.Plot(label=L("Beam search hypotheses"), elem_id="dec-tree")
        tree_note = gr.HTML(L_pair(views.tree_html(None), views.tree_html(None, i18n.ZH)))
    with gr.Accordion(L("Side by side: two configurations on the same prompt"), open=False) as cmp_acc:
        with gr.Row():
            strategy_b = gr.Dropdown([(L(s), s) for s in decoding.STRATEGIES], value="beam search", label=L("B: strategy"), scale=2,
                                     elem_id="dec-strategy-b", info=L("A is the knobs above; B is A with this strategy."))
            temperature_b = knob(0, 3, value=1.0, step=0.05, label=L("B: temperature (when B samples)"), scale=2)
            cmp_btn = gr.Button(L("Run A and B"), scale=1, elem_id="dec-compare")
        cmp_message = message_box("dec-compare-message")
        compare_view = gr.HTML(elem_id="dec-compare-view")
    with gr.Accordion(L("generate() by hand (lesson 15)"), open=False) as hand_acc:
        hand_btn = gr.Button(L("Run the loop and model.generate(), and compare"), elem_id="dec-by-hand")
        hand_message = message_box("dec-by-hand-message")
        hand_view = gr.HTML(elem_id="dec-by-hand-view")
        gr.Code(inspect.getsource(by_hand.generate_by_hand), language="python",
                label=L("playground/compute/decoding/by_hand.py"), interactive=False, elem_id="dec-code",
                elem_classes=["pg-code"])
    last = gr.State()  # the last Generation: prompt ids, parameters and the generated steps
    with pipe_acc:  # "Why this token?" under the logits pipeline of the step shown
        build_why_panel(ctx, "decoding", {"last": last, "step": step, "prompt": prompt})
    shown = [output, summary, sequences, table, pipe_chart, pipe_note, tree_chart, tree_note, compare_view, hand_view]
    export_bar(ctx, "Decoding", notice, shown, "dec")

    # ---- events --------------------------------------------------------------------------------
    # An error leaves the last result in place and stays in the box under its control (keep_results).
    header = [ctx.model, ctx.device, ctx.dtype]
    knobs = [max_new, do_sample, temperature, top_k, top_p, num_beams, num_return, repetition, no_repeat,
             length_penalty, penalty_alpha, bad_words, stop_strings, seed, chat]
    gen_outputs = [last, output, summary, sequences, table, step, pipe_chart, pipe_note, tree_chart, tree_note]
    generate = keep_results(bind(generate_text, ctx), len(gen_outputs))
    compare, hand = keep_results(bind(compare_strategies, ctx), 1), keep_results(bind(run_by_hand, ctx), 1)
    limits = {"concurrency_limit": settings.max_generations, "concurrency_id": "generate"}
    gr.on([run.click, prompt.submit], generate, [prompt, *header, *knobs], [*gen_outputs, message],
          api_visibility="private", **limits)
    stop.click(bind(stop_generation, ctx), None, None, api_visibility="private", queue=False)
    strategy.input(bind(apply_strategy, ctx), [strategy, *knobs],
                   [do_sample, top_k, top_p, num_beams, penalty_alpha, num_return], api_visibility="private",
                   queue=False)
    gr.on([step_btn.click, step.release], keep_results(bind(show_pipeline_step, ctx), 2), [last, step, *header],
          [pipe_chart, pipe_note, step_message], api_visibility="private", **limits)
    output.click(keep_results(bind(open_clicked_step, ctx), 4), [last, *header],
                 [pipe_acc, step, pipe_chart, pipe_note, step_message], api_visibility="private", **limits)
    cmp_event_inputs = [prompt, *header, strategy_b, temperature_b, *knobs]
    cmp_btn.click(compare, cmp_event_inputs, [compare_view, cmp_message], api_visibility="private", **limits)
    hand_btn.click(hand, [prompt, *header, *knobs], [hand_view, hand_message], api_visibility="private", **limits)

    accordions = dict(zip(ACCORDIONS, (pipe_acc, table_acc, tree_acc, cmp_acc, hand_acc)))
    lesson_model, lessons = lesson_model_state(), []
    for preset, button in zip(presets, lesson_buttons):
        event = button.click(bind(apply_lesson, ctx, preset.id), ctx.model,
                             [prompt, lesson_model, strategy, *knobs, strategy_b, temperature_b, notice,
                              *accordions.values()], api_visibility="private")
        event = event.then(generate, for_lesson([prompt, *header, *knobs], ctx, lesson_model), [*gen_outputs, message],
                           api_visibility="private", **limits)
        if "compare_strategy" in preset.params:
            event = event.then(compare, for_lesson(cmp_event_inputs, ctx, lesson_model), [compare_view, cmp_message],
                               api_visibility="private", **limits)
        if "byhand" in preset.open:
            event = event.then(hand, for_lesson([prompt, *header, *knobs], ctx, lesson_model),
                               [hand_view, hand_message],
                               api_visibility="private", **limits)
        lessons.append((preset.id, event))
    record_lessons(ctx, "Decoding", lessons, notice, shown)
    ctx.model.change(lambda: None, None, last, api_visibility="private")
    ctx.model.change(bind(server_knobs, ctx), ctx.model,
                     [top_k, num_beams, num_return, length_penalty, penalty_alpha, repetition, no_repeat, bad_words,
                      chat, step_btn, hand_btn, server_note], api_visibility="private")

    gr.api(api.bind_api(generate_api, ctx, GENERATE_FIELDS), api_name="generate", **limits)
    return {"prompt": prompt, "run": run, "stop": stop, "output": output, "strategy": strategy, "last": last}
