"""Attention tab: heatmaps per head and mean over heads, every head of a layer, rollout, bertviz's
head, model and neuron views offline, self-attention by hand, and the three families side by side
(lessons 19–21)."""

from __future__ import annotations

import gradio as gr

from ..compute import attention as att
from ..compute.attention import textbook as book
from ..errors import InputError, ModelUnavailable
from ..models import ATTENTION
from ..presets import first_available, load_presets, resolve
from ..views import attention as views
from ..views import bertviz
from ..views.common import empty_hint, esc
from .. import i18n
from . import api
from .common import (
    AppContext, bind, for_lesson, keep_results, knob, lesson, lesson_bar, lesson_model_state, loadable_choices,
    message_box, user_errors,
)
from .lang import L, L_html, language  # noqa: F401 (not every tab needs all three)
from .lecture import export_bar, record_lessons

MODEL_VIEW_MAX_LINES = 300_000  # SVG lines the model view may draw: layers x heads x tokens²
FAMILY_SLOTS = (("causal",), ("masked", "encoder"), ("seq2seq",))
FAMILY_LABELS = ("Decoder (causal)", "Encoder (bidirectional)", "Encoder-decoder")
KINDS = {"self": "self", "encoder self-attention": "encoder", "decoder self-attention": "decoder",
         "cross-attention": "cross"}
# the keys a lesson's "open" list names
ACCORDIONS = ("heads", "rollout", "head_view", "model_view", "neuron", "by_hand", "families")


def _load(ctx: AppContext, model, device=None, dtype=None, progress=None):
    # The registry loads with eager attention: sdpa and flash attention return no weights.
    return ctx.load(model, device, dtype, progress=progress, capability=ATTENTION)


def _check(ctx: AppContext, text) -> str:
    text = text if isinstance(text, str) else ""
    limit = ctx.settings.max_text_chars
    if len(text) > limit:
        raise InputError("The text has {n:,} characters; the limit is {limit:,}.", n=len(text), limit=limit)
    return text


def _kind_of(result, label) -> str:
    kind = KINDS.get(label or "self", "self")
    if result.family == "seq2seq" and kind == "self":
        return "encoder"
    if result.family != "seq2seq":
        return "self"
    return kind


def _pictures(result, layer, head, mean, kind_label, hide, lang=i18n.EN):
    """The pictures of one layer and head; a layer or head the model does not have is refused with its range
    (never clamped to the last one)."""
    kind = _kind_of(result, kind_label)
    layers_here, nheads = result.stack(kind).shape[:2]
    layer = att.as_index(layer, "layer")
    head = None if mean else att.as_index(head, "head")
    att.check_layer_head(layer, head, layers_here, nheads)
    return (views.heatmap_figure(result, layer, head, kind, bool(hide), lang),
            views.heads_figure(result, layer, kind, bool(hide), lang),
            views.rollout_figure(result, min(layer, result.num_layers - 1), bool(hide), lang))


def _head_view(result, layer, lang=i18n.EN) -> str:
    n = max(len(result.tokens), len(result.decoder_tokens))
    if n > att.BERTVIZ_MAX_TOKENS:
        return empty_hint(i18n.tr(
            "The bertviz views take at most {most} tokens (this text has {n}): they draw one "
            "line per pair of tokens and head, which stops being readable or quick beyond that. The heatmaps "
            "above work up to {heatmap} tokens.", lang, most=att.BERTVIZ_MAX_TOKENS, n=n, heatmap=att.MAX_TOKENS))
    doc = bertviz.head_view_document(result, layer=min(int(layer or 0), result.num_layers - 1))
    return bertviz.iframe(doc, bertviz.head_view_height(n), i18n.tr("bertviz head view of {model}", lang,
                                                                     model=result.model))


# ---- handlers ------------------------------------------------------------------------------------


def show_attention(ctx: AppContext, text, text_b, decoder_text, model, device, dtype, layer, head, mean, kind_label,
                   hide, progress=gr.Progress(track_tqdm=True)):
    """One forward pass with attentions: the heatmaps, rollout and head view, and sliders fitted to the model."""
    lang = language(ctx)
    with user_errors(lang):
        b = _load(ctx, model, device, dtype, progress)
        result = att.attention(b, _check(ctx, text), text_b, decoder_text, max_tokens=att.MAX_TOKENS)
        kinds = (["encoder self-attention", "decoder self-attention", "cross-attention"]
                 if result.family == "seq2seq" else ["self"])
        label = kind_label if kind_label in kinds else kinds[0]
        shown = _pictures(result, layer, head, mean, label, hide, lang)
        hv = _head_view(result, layer, lang)
    n_layers, n_heads = result.num_layers, result.num_heads
    return (result, views.summary_html(result, lang), *shown, hv,
            gr.Slider(maximum=n_layers - 1, value=min(int(layer or 0), n_layers - 1)),
            gr.Slider(maximum=n_heads - 1, value=min(int(head or 0), n_heads - 1)),
            gr.Radio(choices=[(i18n.tr(k, lang), k) for k in kinds], value=label, visible=len(kinds) > 1),
            gr.Slider(maximum=n_layers - 1, value=0), gr.Slider(maximum=n_layers - 1, value=min(n_layers - 1, 1)))


def redraw_attention(ctx: AppContext, result, layer, head, mean, kind_label, hide):
    """Layer, head or toggles moved: redraw from the last run's weights, no forward pass."""
    if result is None:
        return (gr.skip(),) * 3
    lang = language(ctx)
    with user_errors(lang):
        return _pictures(result, layer, head, mean, kind_label, hide, lang)


def draw_model_view(ctx: AppContext, result, first, last):
    """bertviz's model view of the last run: every head of a range of layers, if it stays drawable."""
    with user_errors():
        if result is None:
            raise InputError("Click 'Show attention' first: the model view draws the last run's weights.")
        first, last = att.as_index(first, "first layer"), att.as_index(last, "last layer")
        if first > last:
            first, last = last, first
        att.check_layer_head(last, None, result.num_layers, result.num_heads)
        n = max(len(result.tokens), len(result.decoder_tokens))
        if n > att.BERTVIZ_MAX_TOKENS:
            raise InputError("The model view takes at most {BERTVIZ_MAX_TOKENS} tokens; this text has {n}. "
                             "Shorten it.", BERTVIZ_MAX_TOKENS=att.BERTVIZ_MAX_TOKENS, n=n)
        per_layer = result.num_heads * n * n * len(result.kinds())
        fit = max(1, MODEL_VIEW_MAX_LINES // per_layer)
        if last - first + 1 > fit:
            raise InputError(
                "Layers {first}–{last} would draw {value:,} lines; the model view stays interactive up to "
                "{model_view_max_lines:,}. At {n} tokens that is {fit} layer(s) at a time: narrow the range (or "
                "shorten the text).", first=first, last=last, value=(last - first + 1) * per_layer,
                model_view_max_lines=MODEL_VIEW_MAX_LINES, n=n, fit=fit)
        layers = list(range(first, last + 1))
        doc = bertviz.model_view_document(result, layers)
    height = bertviz.model_view_height(n, len(layers), result.num_heads)
    return bertviz.iframe(doc, height, i18n.tr("bertviz model view of {model}", language(ctx), model=result.model))


def draw_neuron_view(ctx: AppContext, text, text_b, model, device, dtype, progress=gr.Progress(track_tqdm=True)):
    """bertviz's neuron view: how each query vector meets each key vector."""
    with user_errors():
        b = _load(ctx, model, device, dtype, progress)
        params = att.neuron_params(b, _check(ctx, text), text_b)
        doc = bertviz.neuron_view_document(params, pair=bool((text_b or "").strip()))
        n = len(params["attention"]["all"]["left_text"])
    return bertviz.iframe(doc, 160 + 26 * n, i18n.tr("bertviz neuron view of {model}", language(ctx), model=b.name))


def compare_families(ctx: AppContext, text, s2s_text, decoder_text, dec_model, enc_model, s2s_model, device, dtype,
                     hide, progress=gr.Progress(track_tqdm=True)):
    """Lesson 21: a decoder, an encoder and an encoder-decoder side by side; a family that cannot load says why."""
    lang = language(ctx)
    with user_errors(lang):
        results, notes = [], []
        for label, name, source in ((FAMILY_LABELS[0], dec_model, text), (FAMILY_LABELS[1], enc_model, text),
                                    (FAMILY_LABELS[2], s2s_model, s2s_text)):
            if not name:
                notes.append(i18n.tr("{label}: no model of this family is available here (no encoder-decoder ships "
                                     "as an offline package; t5-small needs hub access)." if label == FAMILY_LABELS[2]
                                     else "{label}: no model of this family is available here.", lang, label=label))
                continue
            try:
                b = _load(ctx, name, device, dtype, progress)
                results.append(att.attention(b, _check(ctx, source), "",
                                             decoder_text if label == FAMILY_LABELS[2] else ""))
            except ModelUnavailable as exc:
                notes.append(i18n.tr("{label}: {reason}", lang, label=label, reason=i18n.error_message(exc, lang)))
        if not results:
            raise InputError("None of the three models can load here: {notes}", notes=" ".join(notes))
        notes += [f"{r.model}: {i18n.tr(n, lang)}" for r in results for n in r.notices]
    html = "".join(f'<div class="pg-warn">{esc(n)}</div>' for n in notes)
    return views.families_figure(results, bool(hide), lang), html


def run_by_hand(ctx: AppContext, text, decoder_text, model, device, dtype, layer, head, kind_label,
                progress=gr.Progress(track_tqdm=True)):
    """The chosen head recomputed step by step; the stack follows the Attention radio (encoder-decoders)."""
    lang = language(ctx)
    with user_errors(lang):
        b = _load(ctx, model, device, dtype, progress)
        stack = KINDS.get(kind_label or "self", "self")
        bh = att.by_hand(b, _check(ctx, text), layer, head, stack="" if stack == "self" else stack,
                         decoder_text=decoder_text or "")
    return views.by_hand_html(bh, lang), views.by_hand_figure(bh, lang=lang)


def run_textbook(q, k, v) -> str:
    """The book's self_attention(Q, K, V) on the matrices in the panel: no scaling, then ÷√d."""
    lang = language()
    with user_errors(lang):
        return views.textbook_html(book.textbook(q, k, v), lang)


def book_matrices():
    return [list(r) for r in book.BOOK_Q], [list(r) for r in book.BOOK_K], [list(r) for r in book.BOOK_V]


def apply_lesson(ctx: AppContext, lesson_id: str, picker=None):
    """Fill the text, model, layer, head and the family slots from a lesson preset; the click then runs it on the
    lesson's model (returned fourth, for the tab's lesson-model state: the picker is not moved)."""
    preset = lesson("attention", lesson_id)
    params = preset.params
    r = resolve(preset, ctx.models)
    chosen = dict(params.get("fallback", {})) if r.fell_back and r.model != preset.model[0] else {}
    slots = [first_available(names, ctx.models) for names in preset.compare] if preset.compare else []
    opened = [gr.Accordion(open=key in preset.open) for key in ACCORDIONS]
    fam = [s if s else gr.skip() for s in slots] + [gr.skip()] * (3 - len(slots))
    return [preset.text, params.get("text_b", ""), params.get("decoder_text", ""), r.model,
            chosen.get("layer", params.get("layer", 0)), chosen.get("head", params.get("head", 0)), False,
            params.get("seq2seq_text", gr.skip()), *fam, gr.Markdown(r.notice_for(picker, language(ctx)), visible=True),
            *opened]


# ---- API -----------------------------------------------------------------------------------------


ATTENTION_FIELDS = {"text": api.Text(api.prompt_chars), "model": api.Model(), "layer": api.Int(0, 1000),
                    "head": api.Int(0, 1000)}
BY_HAND_FIELDS = {**ATTENTION_FIELDS, "stack": api.Choice(("", *att.STACKS)), "decoder_text": api.Text(api.prompt_chars)}


def attention_api(ctx: AppContext, text: str, model: str = "", layer: int = 0, head: int = 0) -> dict:
    """One head's attention weights for `text`: {model, family, tokens, layer, head, kv_head,
    num_layers, num_heads, num_kv_heads, causal, weights (tokens x tokens; row i = what token i
    reads, each row sums to 1), notices}. Layers and heads count from 0."""
    with user_errors():
        layer_i, head_i = att.as_index(layer, "layer"), att.as_index(head, "head")
        b = _load(ctx, model or ctx.models.default_name(ATTENTION))
        result = att.attention(b, _check(ctx, text), max_tokens=att.MAX_TOKENS)
        return result.as_json(layer_i, head_i)


def attention_by_hand_api(ctx: AppContext, text: str, model: str = "", layer: int = 0, head: int = 0,
                          stack: str = "", decoder_text: str = "") -> dict:
    """One head recomputed by hand and compared with the model: {model, layer, head, kv_head, stack, steps
    (their names, in order), max_abs_diff (weights), max_abs_diff_output (the head's output), recipe}.
    stack: encoder, decoder or cross for encoder-decoders (empty: the model's own). Local models only."""
    with user_errors():
        b = _load(ctx, model or ctx.models.default_name(ATTENTION))
        return att.by_hand(b, _check(ctx, text), layer, head, stack=stack or "",
                           decoder_text=decoder_text or "").as_json()


# ---- layout and wiring ---------------------------------------------------------------------------


def build_attention_tab(ctx: AppContext) -> dict:
    presets = load_presets("attention")
    models = ctx.models

    def family_choices(families) -> list[tuple[str, str]]:
        return [(label, name) for label, name in loadable_choices(models, ATTENTION, probe_hub=False)
                if models.spec(name).family in families]

    # ---- layout --------------------------------------------------------------------------------
    lesson_buttons, notice = lesson_bar(presets)
    with gr.Row():
        text = gr.Textbox(label=L("Text"), value=presets[0].text, lines=2, max_lines=6, scale=4, elem_id="att-text",
                          info=L("Up to {n} tokens for the heatmaps, {m} for the bertviz views.", n=att.MAX_TOKENS,
                                 m=att.BERTVIZ_MAX_TOKENS))
        with gr.Column(scale=1, min_width=220):
            run_btn = gr.Button(L("Show attention"), variant="primary", elem_id="att-run")
            hide = gr.Checkbox(False, label=L("Hide special tokens and the first-token sink"), elem_id="att-hide")
    message = message_box("att-message")
    with gr.Accordion(L("Sentence B (encoders) and decoder text (encoder-decoders)"), open=False,
                      elem_classes=["pg-advanced"]):
        with gr.Row():
            text_b = gr.Textbox(label=L("Sentence B (BERT-style encoders: a sentence pair with [SEP])"),
                                placeholder=L("e.g. It was tired."), elem_id="att-text-b")
            decoder_text = gr.Textbox(label=L("Decoder text (T5, BART)"), placeholder=L("empty: the model's own output"),
                                      elem_id="att-decoder-text")
    with gr.Row():
        layer = knob(0, 29, value=0, step=1, label=L("Layer (from 0)"), elem_id="att-layer")
        head = knob(0, 8, value=0, step=1, label=L("Head (from 0)"), elem_id="att-head")
        mean = gr.Checkbox(False, label=L("Mean over heads"), elem_id="att-mean")
        kind = gr.Radio(["self"], value="self", label=L("Attention"), visible=False, elem_id="att-kind")
    summary = gr.HTML(L_html(empty_hint, "Click Show attention or a lesson to see who reads whom."), elem_id="att-summary")
    heatmap = gr.Plot(label=L("One head"), elem_id="att-heatmap")
    with gr.Accordion(L("Every head of the layer"), open=True) as heads_acc:
        heads = gr.Plot(label=L("Every head"), elem_id="att-heads")
    with gr.Accordion(L("Attention rollout across layers"), open=False) as rollout_acc:
        gr.Markdown(L("How much each position draws on each input token through layers 0 to the chosen layer, "
                    "counting the residual path (Abnar & Zuidema, 2020)."))
        roll = gr.Plot(label=L("Rollout"), elem_id="att-rollout")
    with gr.Accordion(L("bertviz head view (interactive: layer menu, click a head's colour, hover a token)"),
                      open=True) as head_view_acc:
        head_view_html = gr.HTML(elem_id="att-head-view")
    with gr.Accordion(L("bertviz model view (every head of a range of layers)"), open=False) as model_view_acc:
        with gr.Row():
            first = knob(0, 29, value=0, step=1, label=L("From layer"))
            last = knob(0, 29, value=1, step=1, label=L("To layer"))
            mv_btn = gr.Button(L("Draw the model view"), elem_id="att-model-view-run")
        mv_message = message_box("att-model-view-message")
        model_view_html = gr.HTML(elem_id="att-model-view")
    with gr.Accordion(L("bertviz neuron view (queries and keys; BERT and GPT-2)"), open=False) as neuron_acc:
        gr.Markdown(L("Shows how each query vector meets each key vector. It needs bertviz's own copy of the model "
                      "(BERT, GPT-2), built here from the loaded weights; up to {n} tokens.", n=att.NEURON_MAX_TOKENS))
        neuron_btn = gr.Button(L("Draw the neuron view"), elem_id="att-neuron-run")
        neuron_message = message_box("att-neuron-message")
        neuron_html = gr.HTML(elem_id="att-neuron-view")
    with gr.Accordion(L("Self-attention by hand (lesson 19)"), open=False) as by_hand_acc:
        gr.Markdown(L("**First the textbook's example**: `self_attention(Q, K, V)` on three tokens, as the chapter "
                    "computes it in numpy (edit the matrices: one row per token), then the same with ÷√d."))
        with gr.Row():
            book_q, book_k, book_v = (
                gr.Dataframe(value=m, label=L(label), datatype="number", type="array", interactive=True,
                             elem_id=f"att-book-{name.lower()}")
                for name, label, m in zip("QKV", ("Q (queries)", "K (keys)", "V (values)"), book_matrices()))
        with gr.Row():
            book_btn = gr.Button(L("Compute the book's example"), elem_id="att-book-run")
            book_reset = gr.Button(L("Back to the book's matrices"), size="sm", elem_id="att-book-reset")
        book_message = message_box("att-book-message")
        book_html = gr.HTML(elem_id="att-book")
        gr.Markdown(L("**Then the real head**: the chosen layer and head, recomputed step by step from the layer's "
                      "input and its own weights (up to {n} tokens), then compared with the model's attention weights. "
                      "Encoder-decoders: the *Attention* choice above picks the encoder, the decoder or "
                      "cross-attention.", n=att.BY_HAND_MAX_TOKENS))
        by_hand_btn = gr.Button(L("Compute it by hand"), elem_id="att-by-hand-run")
        by_hand_message = message_box("att-by-hand-message")
        by_hand_summary = gr.HTML(elem_id="att-by-hand-summary")
        by_hand_plot = gr.Plot(label=L("By hand"), elem_id="att-by-hand")
    def first_of(slot):
        return first_available([name for _, name in family_choices(slot)], models, probe_hub=False)

    with gr.Accordion(L("Three families side by side (lesson 21)"), open=False) as families_acc:
        with gr.Row():
            dec_model = gr.Dropdown(family_choices(FAMILY_SLOTS[0]), label=FAMILY_LABELS[0],
                                    value=first_of(FAMILY_SLOTS[0]))
            enc_model = gr.Dropdown(family_choices(FAMILY_SLOTS[1]), label=FAMILY_LABELS[1],
                                    value=first_of(FAMILY_SLOTS[1]))
            s2s_model = gr.Dropdown(family_choices(FAMILY_SLOTS[2]), label=FAMILY_LABELS[2],
                                    value=first_of(FAMILY_SLOTS[2]))
        with gr.Row():
            s2s_text = gr.Textbox(label=L("Encoder-decoder input"), value="translate English to German: The house is "
                                  "wonderful.", scale=3)
            fam_btn = gr.Button(L("Compare the families"), scale=1, elem_id="att-families-run")
        families_message = message_box("att-families-message")
        families_plot = gr.Plot(label=L("Families"), elem_id="att-families")
        families_html = gr.HTML()
    last_result = gr.State()  # the last run's AttentionResult (numpy weights), for redraws without a forward
    shown = [summary, heatmap, heads, roll, head_view_html, model_view_html, neuron_html, book_html, by_hand_summary,
             by_hand_plot, families_plot, families_html]
    export_bar(ctx, "Attention", notice, shown, "att")

    # ---- events --------------------------------------------------------------------------------
    # An error leaves the last result (and the sliders) in place and stays in the box under its control.
    header = [ctx.model, ctx.device, ctx.dtype]
    main_inputs = [text, text_b, decoder_text, *header, layer, head, mean, kind, hide]
    main_outputs = [last_result, summary, heatmap, heads, roll, head_view_html, layer, head, kind, first, last]
    show = keep_results(bind(show_attention, ctx), len(main_outputs))
    by_hand, families = keep_results(bind(run_by_hand, ctx), 2), keep_results(bind(compare_families, ctx), 2)
    textbook = keep_results(run_textbook, 1)
    gr.on([run_btn.click, text.submit], show, main_inputs, [*main_outputs, message], api_visibility="private")
    redraw = keep_results(bind(redraw_attention, ctx), 3)
    gr.on([layer.release, head.release, mean.input, kind.input, hide.input], redraw,
          [last_result, layer, head, mean, kind, hide], [heatmap, heads, roll, message], trigger_mode="always_last",
          api_visibility="private")
    ctx.model.change(lambda: None, None, last_result, api_visibility="private")
    mv_btn.click(keep_results(bind(draw_model_view, ctx), 1), [last_result, first, last], [model_view_html, mv_message],
                 api_visibility="private")
    neuron_btn.click(keep_results(bind(draw_neuron_view, ctx), 1), [text, text_b, *header],
                     [neuron_html, neuron_message],
                     api_visibility="private")
    by_hand_inputs = [text, decoder_text, *header, layer, head, kind]
    by_hand_btn.click(by_hand, by_hand_inputs, [by_hand_summary, by_hand_plot, by_hand_message],
                      api_visibility="private")
    book_btn.click(textbook, [book_q, book_k, book_v], [book_html, book_message], api_visibility="private")
    book_reset.click(book_matrices, None, [book_q, book_k, book_v], api_visibility="private").then(
        textbook, [book_q, book_k, book_v], [book_html, book_message], api_visibility="private")
    fam_inputs = [text, s2s_text, decoder_text, dec_model, enc_model, s2s_model, ctx.device, ctx.dtype, hide]
    fam_btn.click(families, fam_inputs, [families_plot, families_html, families_message], api_visibility="private")

    accordions = dict(zip(ACCORDIONS, (heads_acc, rollout_acc, head_view_acc, model_view_acc, neuron_acc, by_hand_acc,
                                       families_acc)))
    lesson_model, lessons = lesson_model_state(), []
    for preset, button in zip(presets, lesson_buttons):
        event = button.click(
            bind(apply_lesson, ctx, preset.id), ctx.model,
            [text, text_b, decoder_text, lesson_model, layer, head, mean, s2s_text, dec_model, enc_model, s2s_model,
             notice, *accordions.values()], api_visibility="private",
        ).then(show, for_lesson(main_inputs, ctx, lesson_model), [*main_outputs, message], api_visibility="private")
        if "by_hand" in preset.open:
            event = event.then(textbook, [book_q, book_k, book_v], [book_html, book_message], api_visibility="private")
            event = event.then(by_hand, for_lesson(by_hand_inputs, ctx, lesson_model),
                               [by_hand_summary, by_hand_plot, by_hand_message], api_visibility="private")
        if "families" in preset.open:
            event = event.then(families, fam_inputs, [families_plot, families_html, families_message],
                               api_visibility="private")
        lessons.append((preset.id, event))
    record_lessons(ctx, "Attention", lessons, notice, shown)

    gr.api(api.bind_api(attention_api, ctx, ATTENTION_FIELDS), api_name="attention")
    gr.api(api.bind_api(attention_by_hand_api, ctx, BY_HAND_FIELDS), api_name="attention_by_hand")
    return {"text": text, "run": run_btn, "layer": layer, "head": head, "last": last_result}
