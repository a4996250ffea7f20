"""Tokenizer tab: tokens, ids, byte/whitespace markers, counts, several tokenizers side by side."""

from __future__ import annotations

import gradio as gr

from ..compute.tokenize import decode_ids, decoded_of, parse_ids, three_ways, tokenize
from ..presets import load_presets, resolve
from ..views import tokens as views
from .. import i18n
from . import api
from .common import (
    AppContext, bind, for_lesson, keep_results, lesson, lesson_bar, lesson_model_state, loadable_choices, message_box,
    user_errors,
)
from .lang import L, L_html, language, table as table_in
from .lecture import export_bar, record_lessons

MAX_COMPARE = 4
MAX_DECODE = 4096  # ids listed one by one in the Ids -> text panel (the decoded text is always whole)
ACCORDIONS = ("table", "three", "compare", "ids")  # the keys a lesson's "open" list names


# ---- handlers ------------------------------------------------------------------------------------


def tokenize_text(ctx: AppContext, text, model, add_special, chat, progress=gr.Progress(track_tqdm=True)):
    """Every view of one text through the chosen model's tokenizer."""
    limit, lang = ctx.settings.max_text_chars, language(ctx)
    with user_errors(lang):
        tok = ctx.models.load_tokenizer(model, progress=progress)
        result = tokenize(
            tok, text, model=model, add_special_tokens=add_special, chat_template=chat, max_chars=limit
        )
        ids = [t.id for t in result.tokens]
        decoded = (
            views.decoded_html(decoded_of(tok, result, limit=MAX_DECODE), total=len(ids), lang=lang)
            if ids else views.empty_hint(i18n.tr("No ids yet.", lang))
        )
    return (
        views.counts_html(result, lang),
        views.token_spans_html(result, lang),
        table_in(views.token_table(result, lang), views.TABLE_HEADERS, lang),
        views.special_tokens_html(result, lang),
        views.three_ways_html(three_ways(result), model, lang),
        ", ".join(map(str, ids)),
        decoded,
    )


def compare_tokenizers(ctx: AppContext, text, names, add_special, progress=gr.Progress(track_tqdm=True)):
    """The same text through one to MAX_COMPARE tokenizers."""
    names, lang = [n for n in (names or []) if n], language(ctx)
    if not 1 <= len(names) <= MAX_COMPARE:
        raise gr.Error(i18n.tr("Choose one to {most} models to compare (you chose {n}).", lang, most=MAX_COMPARE,
                               n=len(names)))
    with user_errors(lang):
        results = [
            tokenize(ctx.models.load_tokenizer(n, progress=progress), text, model=n,
                     add_special_tokens=add_special, max_chars=ctx.settings.max_text_chars)
            for n in names
        ]
    return views.comparison_figure(results, lang), views.comparison_html(results, lang)


def decode_token_ids(ctx: AppContext, raw_ids, model):
    """Typed ids back to text, one by one."""
    lang = language(ctx)
    with user_errors(lang):
        tok = ctx.models.load_tokenizer(model)
        return views.decoded_html(decode_ids(tok, parse_ids(raw_ids)), lang=lang)


def apply_lesson(ctx: AppContext, lesson_id: str, picker=None):
    """Fill the inputs from a lesson preset; the click then runs tokenize_text (and compare_tokenizers) on the
    lesson's model (returned second, for the tab's lesson-model state: the picker is not moved)."""
    preset = lesson("tokenizer", lesson_id)
    r = resolve(preset, ctx.models)
    opened = [gr.Accordion(open=key in preset.open) for key in ACCORDIONS]
    return [
        preset.text, r.model, preset.add_special_tokens, preset.chat_template,
        gr.Dropdown(value=list(r.compare)) if r.compare else gr.skip(),
        gr.Markdown(r.notice_for(picker, language(ctx)), visible=True), *opened,
    ]


TOKENIZE_FIELDS = {"text": api.Text(api.prompt_chars), "model": api.Model()}


def tokenize_api(ctx: AppContext, text: str, model: str = "") -> dict:
    """Tokenize `text` with `model` (default: the default model). Returns {model, tokens, counts, ...}."""
    with user_errors():
        name = model or ctx.models.default_name()
        tok = ctx.models.load_tokenizer(name)
        return tokenize(tok, text, model=name, max_chars=ctx.settings.max_text_chars).as_json()


# ---- layout and wiring ---------------------------------------------------------------------------


def build_tokenizer_tab(ctx: AppContext) -> dict:
    presets = load_presets("tokenizer")
    limit = ctx.settings.max_text_chars

    lesson_buttons, notice = lesson_bar(presets)
    with gr.Row():
        text = gr.Textbox(
            label=L("Text"), value=presets[0].text, lines=3, max_lines=12, scale=4,
            placeholder=L("Type or paste text (any language, emoji, code, HTML…)"),
            info=L("Up to {limit:,} characters.", limit=limit),
        )
        with gr.Column(scale=1, min_width=230):
            add_special = gr.Checkbox(True, label=L("Add the model's special tokens ([CLS], <s>, …)"))
            chat = gr.Checkbox(False, label=L("Wrap in the chat template (instruct models)"))
            run = gr.Button(L("Tokenize"), variant="primary", elem_id="tokenize-btn")
    message = message_box("tok-message")
    counts = gr.HTML(elem_id="tok-counts")
    spans = gr.HTML(L_html(views.empty_hint, "Click Tokenize or a lesson to see the tokens."), elem_id="tok-spans")
    with gr.Accordion(L("Token table: id, spelling, text, bytes"), open=True) as table_acc:
        table = gr.Dataframe(
            headers=views.TABLE_HEADERS, datatype=["number", "number", "str", "str", "str", "str", "str"],
            interactive=False, wrap=True, max_height=420, elem_id="tok-table",
        )
        specials = gr.HTML()
    with gr.Accordion(L("Characters vs words vs subwords (lesson 3)"), open=False) as three_acc:
        three = gr.HTML()
    with gr.Accordion(L("Side by side: the same text through up to four tokenizers (lesson 4)"), open=False) as cmp_acc:
        with gr.Row():
            compare_models = gr.Dropdown(
                choices=loadable_choices(ctx.models, probe_hub=False), multiselect=True, max_choices=MAX_COMPARE,
                value=[s.name for s in ctx.models.specs() if s.source_kind == "packaged"][:2],
                label=L("Tokenizers to compare"), scale=4,
            )
            compare_btn = gr.Button(L("Compare"), scale=1, elem_id="tok-compare-btn")
        compare_message = message_box("tok-compare-message")
        compare_plot = gr.Plot(label=L("Token counts"))
        compare_html = gr.HTML()
    with gr.Accordion(L("Ids → text"), open=False) as ids_acc:
        with gr.Row():
            ids_box = gr.Textbox(label=L("Token ids"), placeholder=L("e.g. 1589, 436, 253"), scale=4)
            decode_btn = gr.Button(L("Decode"), scale=1)
        decode_message = message_box("tok-decode-message")
        decoded = gr.HTML()
    shown = [counts, spans, table, three, compare_plot, compare_html]
    export_bar(ctx, "Tokenizer", notice, shown, "tok")

    main_inputs = [text, ctx.model, add_special, chat]
    main_outputs = [counts, spans, table, specials, three, ids_box, decoded]
    # bound once (see bind); an error leaves the last result in place and stays in the box under the control
    run_tokenize = keep_results(bind(tokenize_text, ctx), len(main_outputs))
    compare = keep_results(bind(compare_tokenizers, ctx), 2)
    gr.on([run.click, text.submit], run_tokenize, main_inputs, [*main_outputs, message], api_visibility="private")
    compare_btn.click(compare, [text, compare_models, add_special], [compare_plot, compare_html, compare_message],
                      api_visibility="private")
    gr.on([decode_btn.click, ids_box.submit], keep_results(bind(decode_token_ids, ctx), 1), [ids_box, ctx.model],
          [decoded, decode_message], api_visibility="private")

    accordions = dict(zip(ACCORDIONS, (table_acc, three_acc, cmp_acc, ids_acc)))
    lesson_model, lessons = lesson_model_state(), []
    for preset, button in zip(presets, lesson_buttons):
        event = button.click(
            bind(apply_lesson, ctx, preset.id), ctx.model,
            [text, lesson_model, add_special, chat, compare_models, notice, *accordions.values()],
            api_visibility="private",
        ).then(run_tokenize, for_lesson(main_inputs, ctx, lesson_model), [*main_outputs, message],
               api_visibility="private")
        if preset.compare:
            event = event.then(compare, [text, compare_models, add_special],
                               [compare_plot, compare_html, compare_message], api_visibility="private")
        lessons.append((preset.id, event))
    record_lessons(ctx, "Tokenizer", lessons, notice, shown)

    gr.api(api.bind_api(tokenize_api, ctx, TOKENIZE_FIELDS), api_name="tokenize")
    return {"text": text, "run": run, "spans": spans, "table": table, "compare_models": compare_models}
