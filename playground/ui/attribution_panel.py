"""The "Why this?" panel: which input tokens made the model say this, inside the tab that asked, and /attribute.

`build_why_panel(ctx, kind, inputs)` lays the panel out inside the caller's tab and wires it to the module-level
handlers below (`bind(run_x, ctx)`). `kind` says what is explained and which of the tab's components
the panel reads (`inputs`, by name; a name left out reads its default):

    next_token  the next token after the prompt (or one the user names), or one token against another
                inputs: prompt, decoder_prefix
    prompting   the margin between two labels of the template (the likeliest and the runner-up by default)
                inputs: text, template, labels, instruction, demos, k, order, seed
    probes      a target word in the sentence's blank, scored whole, or against a second word
                inputs: sentence
    decoding    the token generated at the step shown in the logits pipeline ("Why this token?")
                inputs: last (the tab's Generation state), step, prompt

The Next-token panel also registers the /attribute API (next-token and contrastive targets). Each panel has
its own lesson presets (assets/presets/<tab>.json, "panel": "attribution").
"""

from __future__ import annotations


import gradio as gr

from .. import fields, i18n
from ..compute import attribution as at
from ..compute.lm import remember
from ..errors import InputError
from ..presets import load_presets, resolve
from ..views import attribution as views
from ..views.common import empty_hint, esc
from ..models import NEXT_TOKEN
from . import api
from .common import AppContext, bind, for_lesson, lesson_model_state, user_errors

from .lang import L, L_html, language  # noqa: F401 (not every tab needs all three)
TABS = {"next_token": "next_token", "prompting": "prompting", "probes": "probes", "decoding": "decoding"}
INPUTS = {
    "next_token": ("prompt", "decoder_prefix"),
    "prompting": ("text", "template", "labels", "instruction", "demos", "k", "order", "seed"),
    "probes": ("sentence",),
    "decoding": ("last", "step", "prompt"),
}
DEFAULTS = {"decoder_prefix": "", "instruction": "", "demos": None, "k": 0, "order": "as entered", "seed": 0,
            "step": 1, "prompt": ""}
TITLES = {
    "next_token": "Why this token? Which words of the prompt pushed the prediction",
    "prompting": "Why this label? Which words of the input moved the label",
    "probes": "Why this word? Which words of the sentence make the target likely",
    "decoding": "Why this token?",
}
INTRO = {
    "next_token": "Explains log P(token) after the prompt: the model's top token, or the token you type. With a "
                  "contrast token it explains log P(token) − log P(contrast): why one rather than the other.",
    "prompting": "Explains the margin log P(label A's word | prompt) − log P(label B's word | prompt), the prompt "
                 "built from the template, the labels and the demonstrations above. Empty boxes: the likeliest "
                 "label against the runner-up.",
    "probes": "Explains log P(target word) in the blank of the sentence above (the word scored whole, as the probe "
              "scores it); with a contrast word, log P(target) − log P(contrast).",
    "decoding": "Explains the token generated at the step above: its log-probability given the prompt and the tokens "
                "generated before it (the model's own probability, T = 1).",
}
GREEDY_TOKENS = 24  # the Decoding panel's lesson generates this many greedy tokens
# Attribution runs many forward and backward passes: at most two at once, every panel and the API together.
LIMITS = {"concurrency_limit": 2, "concurrency_id": "attribution"}


# ---- shared pieces of the handlers ----------------------------------------------------------------


def load(ctx: AppContext, model, device=None, dtype=None, progress=None):
    return ctx.load(model, device, dtype, progress=progress)


def text_of(ctx: AppContext, value, what: str) -> str:
    return fields.text(value, what, max_chars=ctx.settings.max_text_chars)


def steps_of(value) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError("Steps must be a whole number from {MIN_STEPS} to {MAX_STEPS}.", MIN_STEPS=at.MIN_STEPS,
                         MAX_STEPS=at.MAX_STEPS) from None
    return at.check_steps(int(number) if number.is_integer() else number)


def show(lm, problem, methods, steps, baseline, lead: str = "", ctx: AppContext | None = None):
    """Run the methods ticked and draw them: (HTML, bar figure, table), in the language of the event."""
    lang = language(ctx)
    methods = tuple(methods or ())
    steps = steps_of(steps) if at.IG in methods else at.DEFAULT_STEPS
    # remembered per model (lm.remember): integrated gradients on a lesson's sentence is computed once for a class
    results = remember(at.compare, lm, problem, methods, steps=steps, baseline=(baseline or "").strip("\n"))
    return (lead + views.results_html(results, lang), views.bars_figure(results, lang),
            gr.Dataframe(value=views.rows(results), headers=views.headers(results, lang)))


def idle(message: str, ctx: AppContext | None = None):
    lang = language(ctx)
    return (empty_hint(i18n.tr(message, lang)), None,
            gr.Dataframe(value=[], headers=views.headers((), lang)))


# ---- the handlers, one per kind ------------------------------------------------------------------


def run_next_token(ctx: AppContext, prompt, decoder_prefix, model, device, dtype, target, contrast, methods, steps,
                   baseline, progress=gr.Progress(track_tqdm=True)):
    with user_errors():
        loaded = load(ctx, model, device, dtype, progress)
        problem = at.next_token_problem(loaded, text_of(ctx, prompt, "The prompt"), target=target or "",
                                        contrast=contrast or "", decoder_prefix=decoder_prefix or "",
                                        max_tokens=ctx.settings.max_prompt_tokens)
        return show(loaded, problem, methods, steps, baseline, ctx=ctx)


def run_prompting(ctx: AppContext, text, template, labels, instruction, demos, k, order, seed, model, device, dtype,
                  label_a, label_b, methods, steps, baseline, progress=gr.Progress(track_tqdm=True)):
    from ..compute import prompting

    with user_errors():
        loaded = load(ctx, model, device, dtype, progress)
        shots = ()
        rows = _table_rows(demos)
        if rows and k:
            shots, _, _ = prompting.choose_demos(prompting.parse_demos(rows), k, order or "as entered", seed or 0)
        problem = at.label_problem(loaded, text_of(ctx, text, "The input"), template, labels,
                                   label=(label_a or "").strip(), other=(label_b or "").strip(), demos=shots,
                                   instruction=instruction or "", max_tokens=ctx.settings.max_prompt_tokens)
        return show(loaded, problem, methods, steps, baseline, ctx=ctx)


def run_probe(ctx: AppContext, sentence, model, device, dtype, word, contrast, methods, steps, baseline,
              progress=gr.Progress(track_tqdm=True)):
    with user_errors():
        loaded = load(ctx, model, device, dtype, progress)
        problem = at.probe_problem(loaded, text_of(ctx, sentence, "The sentence"), word or "", contrast or "")
        return show(loaded, problem, methods, steps, baseline, ctx=ctx)


def run_generated(ctx: AppContext, last, step, prompt, model, device, dtype, methods, steps, baseline,
                  progress=gr.Progress(track_tqdm=True)):
    """The token at `step` (from 1) of the tab's last generation (its first sequence)."""
    if last is None:
        return idle("Generate first, then choose a step (or click a generated token): this explains that token.", ctx)
    with user_errors():
        loaded = load(ctx, last.model, device, dtype, progress)
        seq = last.sequences[0]
        problem = at.generated_problem(loaded, last.prompt.ids, seq.ids, _step(step) - 1)
        return show(loaded, problem, methods, steps, baseline, ctx=ctx)


def run_generated_lesson(ctx: AppContext, last, step, prompt, model, device, dtype, methods, steps, baseline,
                         progress=gr.Progress(track_tqdm=True)):
    """The Decoding panel's lesson: a greedy continuation of the prompt (GREEDY_TOKENS tokens), then the token at
    `step` explained, so one click shows it without touching the tab's own generation."""
    from ..compute import decoding

    with user_errors():
        loaded = load(ctx, model, device, dtype, progress)
        params, _ = decoding.check(decoding.GenParams(max_new_tokens=GREEDY_TOKENS),
                                   max_new_tokens=ctx.settings.max_new_tokens)
        ids = decoding.encode_prompt(loaded, text_of(ctx, prompt, "The prompt"), chat_template=False,
                                     max_tokens=ctx.settings.max_prompt_tokens, max_new_tokens=GREEDY_TOKENS)
        gen, _ = decoding.generate(loaded, ids, params)
        seq = gen.sequences[0]
        problem = at.generated_problem(loaded, gen.prompt.ids, seq.ids, _step(step) - 1)
        lead = (f'<div class="pg-ok">Greedy continuation ({len(seq.steps)} tokens): <code>{esc(seq.text)}</code>'
                f"</div>")
        return show(loaded, problem, methods, steps, baseline, lead=lead, ctx=ctx)


def _step(step) -> int:
    try:
        return int(step)
    except (TypeError, ValueError):
        raise InputError("The step must be a whole number (1 = the first generated token).") from None


def _table_rows(table) -> list:
    if table is None:
        return []
    if hasattr(table, "values") and hasattr(table, "columns"):  # a pandas DataFrame from gr.Dataframe
        return table.values.tolist()
    return list(table)


HANDLERS = {"next_token": run_next_token, "prompting": run_prompting, "probes": run_probe, "decoding": run_generated}


# ---- the API ------------------------------------------------------------------------------------


ATTRIBUTE_FIELDS = {"text": api.Text(api.prompt_chars), "model": api.Model(), "target": api.Text(200),
                    "method": api.Text(40), "contrast": api.Text(200), "steps": api.Int(at.MIN_STEPS, at.MAX_STEPS),
                    "baseline": api.Text(200)}


def attribute_api(ctx: AppContext, text: str, model: str = "", target: str = "", method: str = at.IG,
                  contrast: str = "", steps: int = at.DEFAULT_STEPS, baseline: str = "") -> dict:
    """Which tokens of `text` made the model predict `target` next (empty: its top token), by `method`
    (integrated gradients, gradient × input, occlusion); with `contrast`, log P(target) − log P(contrast).

    Returns {tokens, ids, scores (null where a token is held fixed), attributed, method, baseline: {token,
    id, used, value}, target: {kind, description, value, terms}, completeness (integrated gradients:
    {sum, difference, gap, relative_gap, steps, rule, bound, within_bound}; else null), steps, notices}.
    """
    with user_errors():
        b = load(ctx, model or ctx.models.default_name(NEXT_TOKEN))
        return at.attribute_text(b, text, target=target, contrast=contrast, method=at.method_of(method or at.IG),
                                 steps=steps, baseline=baseline, max_tokens=ctx.settings.max_prompt_tokens).as_json()


# ---- the panel ----------------------------------------------------------------------------------


def build_why_panel(ctx: AppContext, kind: str, inputs: dict) -> dict:
    """Lay out the "Why this?" panel inside the current tab and wire it (see the module docstring)."""
    if kind not in HANDLERS:
        raise ValueError(f"unknown panel kind {kind!r}: one of {', '.join(HANDLERS)}")
    unknown = set(inputs) - set(INPUTS[kind])
    if unknown:
        raise ValueError(f"the {kind} panel reads {', '.join(INPUTS[kind])}; not {', '.join(sorted(unknown))}")
    presets = load_presets(TABS[kind], panel="attribution")
    models = ctx.models
    own: dict[str, gr.Component] = {}
    container = gr.Group() if kind == "decoding" else gr.Accordion(L(TITLES[kind]), open=False,
                                                                    elem_id=f"why-{kind}")
    with container:
        gr.Markdown(L(INTRO[kind]), elem_classes=["pg-attr-intro"])
        buttons = []
        if presets:
            with gr.Row():
                buttons = [gr.Button(L(p.title), size="sm", elem_id=f"why-lesson-{p.id}") for p in presets]
        notice = gr.Markdown(elem_classes=["pg-notice"], visible=False)
        with gr.Row(equal_height=False):
            if kind == "next_token":
                own["target"] = gr.Textbox(label=L("Token to explain"), placeholder=L("empty: the model's top token"),
                                           scale=2, elem_id="why-next_token-target",
                                           info=L("One token, with its leading space (' night')."))
                own["contrast"] = gr.Textbox(label=L("…rather than (optional)"), placeholder=L("e.g.  day"), scale=2,
                                             elem_id="why-next_token-contrast")
            elif kind == "prompting":
                own["label_a"] = gr.Textbox(label=L("Label A"), placeholder=L("empty: the likeliest label"), scale=2,
                                            elem_id="why-prompting-a")
                own["label_b"] = gr.Textbox(label=L("Label B"), placeholder=L("empty: the runner-up"), scale=2,
                                            elem_id="why-prompting-b")
            elif kind == "probes":
                own["word"] = gr.Textbox(label=L("Target word"), value="nurse", scale=2, elem_id="why-probes-word",
                                         info=L("Scored whole in the blank, however many tokens it is."))
                own["contrast"] = gr.Textbox(label=L("…rather than (optional)"), placeholder=L("e.g. mechanic"), scale=2,
                                             elem_id="why-probes-contrast")
            own["methods"] = gr.CheckboxGroup(list(at.METHODS), value=[at.IG, at.OCCLUSION], label=L("Methods"),
                                              scale=3, elem_id=f"why-{kind}-methods")
            own["steps"] = gr.Slider(at.MIN_STEPS, at.MAX_STEPS, value=at.DEFAULT_STEPS, step=1, scale=2,
                                     label=L("Integrated-gradients steps"), elem_id=f"why-{kind}-steps")
            own["baseline"] = gr.Textbox(label=L("Baseline token"), placeholder=L("empty: the model's default"), scale=1,
                                         elem_id=f"why-{kind}-baseline",
                                         info=L("Put in place of a word (occlusion) or all words (IG)."))
        run = gr.Button(L("Why this token?" if kind == "decoding" else "Why? Attribute"), variant="secondary",
                        elem_id=f"why-{kind}-run")
        html = gr.HTML(L_html(empty_hint, "Press the button: each input token gets a score, coloured by how hard it pushed."),
                       elem_id=f"why-{kind}-view")
        plot = gr.Plot(label=L("Scores per token, methods side by side"), elem_id=f"why-{kind}-plot")
        with gr.Accordion(L("Every score"), open=False):
            table = gr.Dataframe(headers=views.headers(()), interactive=False, wrap=True, elem_id=f"why-{kind}-table")

    header = [ctx.model, ctx.device, ctx.dtype]
    tab_in = [inputs.get(name) or gr.State(DEFAULTS.get(name)) for name in INPUTS[kind]]
    panel_in = [own[k] for k in own]
    outputs = [html, plot, table]
    handler = bind(HANDLERS[kind], ctx)
    run.click(handler, [*tab_in, *header, *panel_in], outputs, api_visibility="private", **LIMITS)

    lesson = bind(run_generated_lesson, ctx) if kind == "decoding" else handler
    settable = {**{name: c for name, c in inputs.items() if name not in ("last",)}, **own}
    first_input = INPUTS[kind][2] if kind == "decoding" else INPUTS[kind][0]
    appliers = {}
    lesson_model = lesson_model_state()  # a lesson runs on its own model and leaves the shared picker alone
    lesson_header = for_lesson(header, ctx, lesson_model)
    for preset, button in zip(presets, buttons):
        targets = [lesson_model, notice, *settable.values()]

        def apply(picker=None, preset=preset, keys=tuple(settable)):
            r = resolve(preset, models)
            values = {**preset.params, first_input: preset.text}
            return [r.model, gr.Markdown(r.notice_for(picker, language(ctx)), visible=True),
                    *[values[k] if k in values else gr.skip() for k in keys]]

        appliers[preset.id] = apply
        button.click(apply, ctx.model, targets, api_visibility="private") \
            .then(lesson, [*tab_in, *lesson_header, *panel_in], outputs, api_visibility="private", **LIMITS)
    if kind == "next_token":
        gr.api(api.bind_api(attribute_api, ctx, ATTRIBUTE_FIELDS), api_name="attribute", **LIMITS)
    return {"components": {**own, "run": run, "html": html, "plot": plot, "table": table, "notice": notice},
            "handler": handler, "lesson": lesson, "presets": appliers}
