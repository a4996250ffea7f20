"""Embeddings tab (lesson 22): token embeddings and their neighbours, position embeddings (learned or
rotary), what the first layer reads, sentence similarity, a 2-D projector, a FAQ matched by similarity
and contextual embeddings layer by layer.

Handlers are module-level functions `run_x(ctx, ...)`, wired with bind(run_x, ctx);
`build_embeddings_tab(ctx)` only lays out and wires. The APIs /embed and /similar_tokens are the
module-level `embed_api` and `similar_tokens_api`.
"""

from __future__ import annotations


import gradio as gr

from ..compute import embeddings as emb
from ..compute import lm
from .. import i18n
from ..errors import InputError
from ..models import EMBEDDINGS
from ..presets import first_available, load_presets, resolve
from ..views import embeddings as views
from ..views.common import empty_hint
from . import api
from .common import AppContext, bind, for_lesson, lesson_bar, lesson_model_state, user_errors
from .lang import L, L_html, language  # noqa: F401 (not every tab needs all three)
from .lecture import export_bar, record_lessons

SENTENCE_MODEL = "all-MiniLM-L6-v2"  # the packaged sentence encoder: /embed's default
POOLINGS = ["auto", *lm.POOLINGS]
SOURCES = ["the sentences above", "a token set"]
SECTIONS = ("tokens", "positions", "first_layer", "sentences", "projector", "faq", "contextual")
FAQ_HEADERS = ["question", "answer"]
DEFAULT_TOKENS = """# royalty
king, queen, prince, princess
# cities
Paris, London, Berlin, Rome
# animals
dog, cat, horse, cow"""
_LESSONS = {p.id: p for p in load_presets("embeddings")}
DEFAULT_SENTENCES = _LESSONS["sentence-similarity"].params["sentences"]  # the lessons' texts are the defaults
DEFAULT_CONTEXT = _LESSONS["contextual"].params["context"]


# ---- loading and checks ------------------------------------------------------------------------


def load_model(ctx: AppContext, model, device=None, dtype=None, progress=None) -> lm.Backend:
    """The backend of `model`, loaded once for every tab. Encoders load with PyTorch's SDPA attention, as
    sentence-transformers loads them (on a CPU about 30% faster than eager attention on texts of 100-250 tokens,
    bench/embeddings_throughput.py; the same numbers to float rounding; this tab needs no attention weights);
    causal LMs share the other tabs' eager copy."""
    attn = "sdpa" if model and ctx.models.spec(model).family in ("encoder", "masked") else "eager"
    return ctx.load(model, device, dtype, progress=progress, capability=EMBEDDINGS, attention=attn)


def check_text(ctx: AppContext, text, what: str = "The text") -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        raise InputError("{what} must be text; got {type}.", what=what, type=type(text).__name__)
    if len(text) > ctx.settings.max_text_chars:
        raise InputError("{what} has {n:,} characters; the limit is {limit:,}.", what=what, n=len(text),
                         limit=ctx.settings.max_text_chars)
    return text


def _count(value, default: int) -> int:
    return default if value in (None, "") else value


# ---- handlers ----------------------------------------------------------------------------------


def run_token(ctx: AppContext, token, k, model, device=None, dtype=None, progress=gr.Progress(track_tqdm=True)):
    """A token's row of the input embedding matrix: summary, heatmap, nearest tokens."""
    lang = language(ctx)
    with user_errors(lang):
        b = load_model(ctx, model, device, dtype, progress)
        te = emb.token_embedding(b, check_text(ctx, token, "The token"), _count(k, 10))
    return views.token_html(te, lang), views.token_heatmap_figure(te, lang), views.token_neighbours_figure(te, lang)


def run_analogy(ctx: AppContext, expression, k, model, device=None, dtype=None,
                progress=gr.Progress(track_tqdm=True)):
    lang = language(ctx)
    with user_errors(lang):
        b = load_model(ctx, model, device, dtype, progress)
        a = emb.analogy(b, check_text(ctx, expression, "The expression"), _count(k, 10))
    return views.analogy_html(a, lang), views.analogy_figure(a, lang)


def run_positions(ctx: AppContext, count, model, device=None, dtype=None, progress=gr.Progress(track_tqdm=True)):
    """The learned position table (and position-to-position similarity), or the rotary picture."""
    lang = language(ctx)
    with user_errors(lang):
        b = load_model(ctx, model, device, dtype, progress)
        p = emb.positions(b, _count(count, 64))
    return (views.positions_html(p, lang), *views.positions_figures(p, lang))


def run_first_layer(ctx: AppContext, text, text_b, model, device=None, dtype=None,
                    progress=gr.Progress(track_tqdm=True)):
    lang = language(ctx)
    with user_errors(lang):
        b = load_model(ctx, model, device, dtype, progress)
        fl = emb.first_layer(b, check_text(ctx, text), check_text(ctx, text_b, "Sentence B"))
    first = 1 if len(fl.tokens) > 1 else 0  # the first token after [CLS] or the start token
    return (fl, views.first_layer_html(fl, lang), views.first_layer_figure(fl, lang),
            gr.Dropdown(choices=views.token_choices(fl), value=first), views.first_layer_vectors_figure(fl, first, lang))


def run_first_layer_token(fl, index):
    """Another token of the last first-layer view: its vectors (no model call)."""
    if fl is None or index is None:
        return gr.skip()
    lang = language()
    with user_errors(lang):
        if not 0 <= int(index) < len(fl.tokens):
            raise InputError("Choose a token from 0 to {last}.", last=len(fl.tokens) - 1)
        return views.first_layer_vectors_figure(fl, int(index), lang)


def run_sentences(ctx: AppContext, sentences, pooling, model, device=None, dtype=None,
                  progress=gr.Progress(track_tqdm=True)):
    """Sentence embeddings and their similarity heatmap (one sentence: the summary says there is nothing to
    compare, and no heatmap is drawn)."""
    lang = language(ctx)
    with user_errors(lang):
        texts, groups = emb.parse_groups(check_text(ctx, sentences, "The sentences"))
        b = load_model(ctx, model, device, dtype, progress)
        result = emb.embed(b, texts, pooling, max_tokens=ctx.settings.max_prompt_tokens)
    figure = views.similarity_figure(result, groups, lang) if len(result.texts) > 1 else None
    return views.sentences_html(result, lang), figure


def run_projector(ctx: AppContext, source, sentences, tokens, pooling, k, model, device=None, dtype=None,
                  progress=gr.Progress(track_tqdm=True)):
    """The map of the sentences (or of a token set), its first point chosen with its nearest neighbours."""
    lang = language(ctx)
    with user_errors(lang):
        b = load_model(ctx, model, device, dtype, progress)
        if source == SOURCES[1]:
            words, groups = [], []
            for line_words, group in zip(*emb.parse_groups(check_text(ctx, tokens, "The token set"))):
                for w in line_words.split(","):
                    if w.strip():
                        words.append(w.strip())
                        groups.append(group)
            proj = emb.project_tokens(b, words, groups)
        else:
            texts, groups = emb.parse_groups(check_text(ctx, sentences, "The sentences"))
            proj = emb.project_sentences(emb.embed(b, texts, pooling, max_tokens=ctx.settings.max_prompt_tokens),
                                         groups)
        figure, html = _picked(proj, 0, k, lang)
    return proj, figure, gr.Dropdown(choices=views.point_choices(proj), value=0), html


def _picked(proj, point, k, lang: str = i18n.EN):
    k = min(int(_count(k, 5)), len(proj.labels) - 1)
    near = proj.neighbours(point, k)
    return views.projector_figure(proj, point, near, lang), views.neighbours_html(proj, point, near, lang)


def run_pick(proj, point, k):
    """Another point chosen on the last map: redraw it with that point's neighbours (no model call)."""
    if proj is None:
        return gr.skip(), gr.skip()
    lang = language()
    with user_errors(lang):
        if point is None:
            raise InputError("Choose a point from the list.")
        return _picked(proj, int(point), k, lang)


def run_faq(ctx: AppContext, question, rows, match_on, k, threshold, model, device=None, dtype=None,
            progress=gr.Progress(track_tqdm=True)):
    lang = language(ctx)
    with user_errors(lang):
        entries = emb.parse_faq(rows)
        b = load_model(ctx, model, device, dtype, progress)
        result = emb.match_faq(b, check_text(ctx, question, "The question"), entries, k=_count(k, 3),
                               threshold=emb.THRESHOLD if threshold is None else threshold, match_on=match_on or "question")
    return views.faq_html(result, lang)


def faq_rows() -> list[list[str]]:
    """The FAQ shipped with the app, as table rows."""
    return [[e.question, e.answer] for e in emb.load_faq()]


def run_contextual(ctx: AppContext, word, sentences, model, device=None, dtype=None,
                   progress=gr.Progress(track_tqdm=True)):
    lang = language(ctx)
    with user_errors(lang):
        texts, groups = emb.parse_groups(check_text(ctx, sentences, "The sentences"))
        b = load_model(ctx, model, device, dtype, progress)
        c = emb.contextual(b, check_text(ctx, word, "The word"), texts)
    return views.contextual_html(c, groups, lang), views.contextual_figure(c, groups, lang)


# ---- APIs --------------------------------------------------------------------------------------


EMBED_FIELDS = {"texts": api.TextList(emb.MAX_SENTENCES, 2_000), "model": api.Model(),
                "pooling": api.Choice(("", "auto", *lm.POOLINGS))}
SIMILAR_TOKENS_FIELDS = {"token": api.Text(200), "model": api.Model(), "k": api.Int(1, 50)}


def embed_api(ctx: AppContext, texts: list[str], model: str = "", pooling: str = "auto") -> dict:
    """Sentence embeddings: {model, pooling, dim, vectors (one unit-length vector per text), similarity (the
    texts × texts cosine matrix), texts, tokens, recipe, stand_in, notices}. `texts`: a list of sentences (or
    one string, one sentence per line); `model`: default all-MiniLM-L6-v2; `pooling`: auto (the model's own:
    mean for MiniLM), mean, cls, max or last."""
    with user_errors():
        b = load_model(ctx, model or first_available([SENTENCE_MODEL], ctx.models) or ctx.models.default_name(EMBEDDINGS))
        return emb.embed(b, texts, pooling, max_tokens=ctx.settings.max_prompt_tokens).as_json()


def similar_tokens_api(ctx: AppContext, token: str, model: str = "", k: int = 10) -> dict:
    """A token's row of the input embedding matrix and its k nearest tokens by cosine similarity: {model, token,
    id, piece, dim, norm, mean_norm, vocab_size, neighbours: [{rank, token, id, piece, similarity}]}. Type the
    token as it reads (' king' with its space for byte-level BPE) or as the vocabulary spells it ('##ing')."""
    with user_errors():
        b = load_model(ctx, model or ctx.models.default_name(EMBEDDINGS))
        return emb.token_embedding(b, check_text(ctx, token, "The token"), k).as_json()


# ---- presets -----------------------------------------------------------------------------------


PRESET_FIELDS = ("token", "expression", "text", "text_b", "sentences", "pooling", "source", "tokens", "question",
                 "word", "context")


def preset_values(ctx: AppContext, preset, picker=None) -> list:
    """What a lesson button puts in the tab: the fields of PRESET_FIELDS (a field the preset leaves out is left
    as it is), then the lesson's model (for the tab's lesson-model state: the picker is not moved), the notice
    and each section's accordion (open if the preset opens it)."""
    p = preset.params
    r = resolve(preset, ctx.models)
    values = {"text": preset.text, **{f: p[f] for f in PRESET_FIELDS if f in p}}
    return ([values.get(f, gr.skip()) for f in PRESET_FIELDS]
            + [r.model, gr.Markdown(r.notice_for(picker, language(ctx)), visible=True)]
            + [gr.Accordion(open=s in preset.open) for s in SECTIONS])


# ---- layout and wiring -------------------------------------------------------------------------


def build_embeddings_tab(ctx: AppContext) -> dict:
    presets = load_presets("embeddings")
    header = [ctx.model, ctx.device, ctx.dtype]
    private = dict(api_visibility="private")
    lesson_buttons, notice = lesson_bar(presets)
    acc = {}

    with gr.Accordion(L("Token embeddings: a token's row and its nearest tokens"), open=True) as acc["tokens"]:
        with gr.Row():
            token = gr.Textbox(label=L("Token"), value="king", scale=3, elem_id="emb-token",
                               info=L("As it reads (' king' with its space for GPT-style BPE) or as the vocabulary "
                                    "spells it ('##ing', 'Ġking')."))
            k = gr.Slider(1, emb.MAX_K, value=10, step=1, label=L("Neighbours"), scale=2)
            token_btn = gr.Button(L("Look it up"), variant="primary", scale=1, elem_id="emb-token-run")
        token_html = gr.HTML(L_html(empty_hint, "Type a token and click Look it up, or click a lesson."), elem_id="emb-token-info")
        with gr.Row():
            token_heat = gr.Plot(label=L("The row's numbers"), elem_id="emb-token-heatmap")
            token_near = gr.Plot(label=L("Nearest tokens"), elem_id="emb-token-neighbours")
        with gr.Row():
            expression = gr.Textbox(label=L("Vector arithmetic (a probe on a small model, not a law)"),
                                    value="king - man + woman", scale=4, elem_id="emb-expression")
            analogy_btn = gr.Button(L("Compute"), scale=1, elem_id="emb-analogy-run")
        analogy_html = gr.HTML()
        analogy_plot = gr.Plot(label=L("Nearest to the sum"), elem_id="emb-analogy")
    with gr.Accordion(L("Position embeddings (learned table or rotary)"), open=False) as acc["positions"]:
        with gr.Row():
            count = gr.Slider(2, emb.MAX_POSITIONS, value=64, step=1, label=L("Positions to show (learned)"),
                              scale=3)
            pos_btn = gr.Button(L("Show positions"), scale=1, elem_id="emb-positions-run")
        pos_html = gr.HTML(elem_id="emb-positions-summary")
        with gr.Row():
            pos_plot = gr.Plot(label=L("Positions"), elem_id="emb-positions")
            pos_plot2 = gr.Plot(label=L("Positions compared"), elem_id="emb-positions-2")
    with gr.Accordion(L("What the first layer reads: token + position (+ type), summed"), open=False) as acc["first_layer"]:
        with gr.Row():
            text = gr.Textbox(label=L("Sentence"), value="The cat sat on the mat.", scale=3, elem_id="emb-first-text")
            text_b = gr.Textbox(label=L("Sentence B (BERT-style pair: token type 1)"), scale=2, elem_id="emb-first-text-b")
            first_btn = gr.Button(L("Build it by hand"), scale=1, elem_id="emb-first-run")
        first_html = gr.HTML(elem_id="emb-first-summary")
        first_plot = gr.Plot(label=L("First layer input"), elem_id="emb-first")
        first_token = gr.Dropdown(label=L("One token's vectors, number by number"), choices=[], elem_id="emb-first-token")
        first_vectors = gr.Plot(label=L("The vectors added up"), elem_id="emb-first-vectors")
    with gr.Accordion(L("Sentence embeddings: sentences that mean the same land close"), open=True) as acc["sentences"]:
        with gr.Row():
            sentences = gr.Textbox(label=L("Sentences"), value=DEFAULT_SENTENCES, lines=8, max_lines=20, scale=4,
                                   elem_id="emb-sentences",
                                   info=L("One per line, up to {n}; a line '# name' starts a group (the projector "
                                          "colours by group).", n=emb.MAX_SENTENCES))
            with gr.Column(scale=1, min_width=220):
                pooling = gr.Radio(POOLINGS, value="auto", label=L("Pooling"),
                                   info=L("auto: the model's own recipe (MiniLM: mean)"))
                sent_btn = gr.Button(L("Compare the sentences"), variant="primary", elem_id="emb-sentences-run")
        sent_html = gr.HTML(elem_id="emb-sentences-summary")
        sent_plot = gr.Plot(label=L("Similarity"), elem_id="emb-similarity")
    with gr.Accordion(L("Projector: points on a 2-D map and their nearest neighbours"), open=True) as acc["projector"]:
        with gr.Row():
            source = gr.Radio(SOURCES, value=SOURCES[0], label=L("Points"), scale=2)
            tokens = gr.Textbox(label=L("Token set (commas; '# name' lines start a group)"), value=DEFAULT_TOKENS, lines=3,
                                scale=3, elem_id="emb-token-set")
            proj_btn = gr.Button(L("Draw the map"), scale=1, elem_id="emb-projector-run")
        with gr.Row():
            point = gr.Dropdown(label=L("Point (its nearest neighbours)"), choices=[], scale=3, elem_id="emb-point")
            proj_k = gr.Slider(1, 20, value=3, step=1, label=L("Neighbours"), scale=1)
        proj_plot = gr.Plot(label=L("Map"), elem_id="emb-projector")
        proj_html = gr.HTML(elem_id="emb-projector-neighbours")
    with gr.Accordion(L("A small FAQ matched by similarity"), open=False) as acc["faq"]:
        with gr.Row():
            question = gr.Textbox(label=L("Your question"), value="Can I use it without an internet connection?",
                                  scale=4, elem_id="emb-question")
            faq_btn = gr.Button(L("Find the answer"), variant="primary", scale=1, elem_id="emb-faq-run")
        with gr.Row():
            match_on = gr.Radio(list(emb.MATCH_ON), value="question", label=L("Match against"), scale=2)
            faq_k = gr.Slider(1, 10, value=3, step=1, label=L("Answers"), scale=1)
            threshold = gr.Slider(-1, 1, value=emb.THRESHOLD, step=0.01, label=L("Threshold: below it, no answer"), scale=2)
        faq_html = gr.HTML(elem_id="emb-faq-answers")
        with gr.Accordion(L("The FAQ (edit it: add rows, change answers)"), open=False):
            faq_table = gr.Dataframe(value=faq_rows(), headers=FAQ_HEADERS, datatype=["str", "str"], column_count=(2, "fixed"),
                                     interactive=True, wrap=True, max_height=360, elem_id="emb-faq-table")
            faq_reset = gr.Button(L("Restore the original FAQ"), size="sm")
        gr.Markdown(L("Where it fails (all-MiniLM-L6-v2): a **negation** barely moves a sentence vector (*Does the "
                    "playground NOT work without internet?* matches the offline answer at 0.96), and **shared keywords "
                    "without the meaning** score high (*How hot is the temperature outside today?* finds the "
                    "temperature setting at 0.45)."))
    with gr.Accordion(L("Contextual embeddings: the same word, sentence by sentence, layer by layer"),
                      open=False) as acc["contextual"]:
        with gr.Row():
            word = gr.Textbox(label=L("Word"), value="bank", scale=1, elem_id="emb-word")
            context = gr.Textbox(label=L("Sentences (each with the word; '# sense' lines group them)"),
                                 value=DEFAULT_CONTEXT, lines=6, scale=4, elem_id="emb-context")
            ctx_btn = gr.Button(L("Follow the word"), scale=1, elem_id="emb-context-run")
        ctx_html = gr.HTML(elem_id="emb-context-summary")
        ctx_plot = gr.Plot(label=L("Layer by layer"), elem_id="emb-context-plot")
    # The last Projection (numpy), for picking points without a model call. It is not cleared when the model
    # changes: the map names its model, and a lesson that sets the model would race its own map.
    last_map = gr.State()
    last_first = gr.State()  # the last FirstLayer (numpy), for picking a token without a model call

    # ---- events --------------------------------------------------------------------------------
    steps = {
        "tokens": (bind(run_token, ctx), [token, k, *header], [token_html, token_heat, token_near]),
        "analogy": (bind(run_analogy, ctx), [expression, k, *header], [analogy_html, analogy_plot]),
        "positions": (bind(run_positions, ctx), [count, *header], [pos_html, pos_plot, pos_plot2]),
        "first_layer": (bind(run_first_layer, ctx), [text, text_b, *header],
                        [last_first, first_html, first_plot, first_token, first_vectors]),
        "sentences": (bind(run_sentences, ctx), [sentences, pooling, *header], [sent_html, sent_plot]),
        "projector": (bind(run_projector, ctx), [source, sentences, tokens, pooling, proj_k, *header],
                      [last_map, proj_plot, point, proj_html]),
        "faq": (bind(run_faq, ctx), [question, faq_table, match_on, faq_k, threshold, *header], [faq_html]),
        "contextual": (bind(run_contextual, ctx), [word, context, *header], [ctx_html, ctx_plot]),
    }
    triggers = {"tokens": [token_btn.click, token.submit], "analogy": [analogy_btn.click, expression.submit],
                "positions": [pos_btn.click], "first_layer": [first_btn.click, text.submit],
                "sentences": [sent_btn.click], "projector": [proj_btn.click],
                "faq": [faq_btn.click, question.submit], "contextual": [ctx_btn.click, word.submit]}
    for name, (fn, inputs, outputs) in steps.items():
        gr.on(triggers[name], fn, inputs, outputs, **private)
    gr.on([point.input, proj_k.release], run_pick, [last_map, point, proj_k], [proj_plot, proj_html],
          trigger_mode="always_last", **private)
    first_token.input(run_first_layer_token, [last_first, first_token], first_vectors, **private)
    faq_reset.click(faq_rows, None, faq_table, **private)

    fields = [token, expression, text, text_b, sentences, pooling, source, tokens, question, word, context]
    lesson_model, lessons = lesson_model_state(), []
    for preset, button in zip(presets, lesson_buttons):
        event = button.click(bind(preset_values, ctx, preset), ctx.model,
                             [*fields, lesson_model, notice, *acc.values()], **private)
        for name in preset.params.get("run", []):
            fn, inputs, outputs = steps[name]
            event = event.then(fn, for_lesson(inputs, ctx, lesson_model), outputs, **private)
        lessons.append((preset.id, event))
    shown = [token_html, token_heat, token_near, analogy_html, analogy_plot, pos_html, pos_plot, pos_plot2,
             first_html, first_plot, sent_html, sent_plot, proj_plot, proj_html, faq_html, ctx_html, ctx_plot]
    record_lessons(ctx, "Embeddings", lessons, notice, shown)
    export_bar(ctx, "Embeddings", notice, shown, "emb")

    gr.api(api.bind_api(embed_api, ctx, EMBED_FIELDS), api_name="embed")
    gr.api(api.bind_api(similar_tokens_api, ctx, SIMILAR_TOKENS_FIELDS), api_name="similar_tokens")
    return {"components": {"sentences": sentences, "token": token, "map": last_map}, "steps": steps}
