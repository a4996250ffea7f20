"""Bias probes tab: fill-mask for masked and causal LMs, templates × groups × targets grids scored as
whole words, the log-ratio between two groups across templates, CSV/JSON export, two models side by
side (lesson 23)."""

from __future__ import annotations

import gradio as gr

from ..compute import lm, probes
from ..errors import InputError
from ..models import NEXT_TOKEN
from ..presets import load_presets, resolve
from ..views import probes as views
from ..views.common import empty_hint
from . import api
from .attribution_panel import build_why_panel
from .common import (
    AppContext, bind, for_lesson, keep_results, knob, lesson, lesson_bar, lesson_model_state, loadable_choices,
    message_box, user_errors,
)
from .downloads import download_folder
from .. import i18n
from .lang import L, L_html, language, table
from .lecture import export_bar, record_lessons


TOPK_GROUPS = 6  # groups whose top 10 is listed beside the probe


def _load(ctx: AppContext, model, device=None, dtype=None, progress=None):
    return ctx.load(model, device, dtype, progress=progress, capability=NEXT_TOKEN)


def _probe_of(ctx: AppContext, model, device, dtype, templates, groups, targets, progress=None):
    b = _load(ctx, model, device, dtype, progress)

    def report(done, total):
        if progress is not None:
            progress(done / max(total, 1), desc=i18n.tr("{model}: {done:,} of {total:,} sentences scored", language(ctx),
                                                        model=b.name, done=done, total=total))

    return lm.remember(probes.bias_probe, b, templates, groups, targets, report=report)  # once per model and input


def _export(probe) -> tuple[str, str]:
    """The probe as CSV and JSON files for the download buttons (in a fresh download folder, downloads.py)."""
    stem = "".join(c if c.isalnum() else "-" for c in probe.model)[:40]
    folder = download_folder("probe")
    csv_path, json_path = folder / f"probe-{stem}.csv", folder / f"probe-{stem}.json"
    csv_path.write_text(probe.to_csv(), encoding="utf-8")
    json_path.write_text(probe.to_json(), encoding="utf-8")
    return str(csv_path), str(json_path)


def _pair_of(probe, a, b) -> tuple[str, str]:
    groups = probe.groups
    a = a if a in groups else groups[0]
    b = b if b in groups and b != a else next((g for g in groups if g != a), a)
    return a, b


# ---- handlers ------------------------------------------------------------------------------------


def fill_blanks(ctx: AppContext, text_a, text_b, k, model, device, dtype, progress=gr.Progress(track_tqdm=True)):
    """The k best fillers of the blank in one sentence, or in two side by side."""
    lang = language(ctx)
    with user_errors(lang):
        b = _load(ctx, model, device, dtype, progress)
        texts = [text_a] + ([text_b] if text_b and text_b.strip() else [])  # the second is optional
        fills = [(text, probes.fill_mask(b, text, k)) for text in texts]
    return views.fill_figure(fills, lang), views.fill_html(fills, lang)


def run_bias_probe(ctx: AppContext, templates, groups, targets, group_a, group_b, scale, model, device, dtype,
                   progress=gr.Progress(track_tqdm=True)):
    """Every target in every template for every group: heatmap, A vs B per template, rows, files, top 10s."""
    lang = language(ctx)
    with user_errors(lang):
        probe = _probe_of(ctx, model, device, dtype, templates, groups, targets, progress)
        a, b = _pair_of(probe, group_a, group_b)
        csv_path, json_path = _export(probe)
        # the model's own top k in the first template, per group (the first TOPK_GROUPS groups)
        filler = _load(ctx, model, device, dtype)
        first_template = probe.templates[0]
        fills = [(probes.fill_group(first_template, g),
                  probes.fill_mask(filler, probes.fill_group(first_template, g), 10))
                 for g in probe.groups[:TOPK_GROUPS]]
    choices = list(probe.groups)
    return (probe, views.probe_summary(probe, lang), views.heatmap_figure(probe, scale, lang),
            views.ratio_figure(probe, a, b, lang), views.spread_html(probe, a, b, lang),
            table(views.probe_rows(probe), views.ROW_HEADERS, lang),
            gr.Dropdown(choices=choices, value=a), gr.Dropdown(choices=choices, value=b),
            gr.DownloadButton(value=csv_path, visible=True), gr.DownloadButton(value=json_path, visible=True),
            views.fill_html(fills, lang))


def redraw_probe(ctx: AppContext, probe, group_a, group_b, scale):
    """New groups to compare, or another scale: re-drawn from the last probe, no forward pass."""
    if probe is None:
        return gr.skip(), gr.skip(), gr.skip()
    lang = language(ctx)
    with user_errors(lang):
        a, b = _pair_of(probe, group_a, group_b)
        return (views.heatmap_figure(probe, scale, lang), views.ratio_figure(probe, a, b, lang),
                views.spread_html(probe, a, b, lang))


def probe_both_models(ctx: AppContext, templates, groups, targets, group_a, group_b, model, model_b, device, dtype,
                      progress=gr.Progress(track_tqdm=True)):
    """The same probe on the picker's model (A) and model B."""
    with user_errors():
        if not model_b or model_b == model:
            raise InputError("Choose a second model (B), different from the one in the picker at the top.")
        pair = [_probe_of(ctx, name, device, dtype, templates, groups, targets, progress) for name in (model, model_b)]
        a, b = _pair_of(pair[0], group_a, group_b)
    return (views.ratio_figure(pair[0], a, b), views.spread_html(pair[0], a, b),
            views.ratio_figure(pair[1], a, b), views.spread_html(pair[1], a, b))


def choose_probe_set(ctx: AppContext, name):
    """A bundled probe set was chosen: fill its templates, groups and targets."""
    chosen = probes.load_probe_sets().get(name)
    if chosen is None:
        return gr.skip(), gr.skip(), gr.skip(), gr.skip()
    return ("\n".join(chosen["templates"]), "\n".join(chosen["groups"]), "\n".join(chosen["targets"]),
            i18n.tr(chosen.get("description", ""), language(ctx)))


def apply_lesson(ctx: AppContext, lesson_id: str, picker=None):
    """Fill both sentences, the probe set and model B from a lesson preset; the click then fills and probes on the
    lesson's model (returned third, for the tab's lesson-model state: the picker is not moved)."""
    preset = lesson("probes", lesson_id)
    params = preset.params
    r = resolve(preset, ctx.models)
    sets = probes.load_probe_sets()
    chosen = sets[params.get("probe_set", next(iter(sets)))]
    groups_ = chosen["groups"]
    b_model = r.compare[0] if r.compare and r.compare[0] != r.model else gr.skip()
    return [preset.text, params.get("text_b", ""), r.model, chosen["name"], "\n".join(chosen["templates"]),
            "\n".join(groups_), "\n".join(chosen["targets"]), gr.Dropdown(choices=groups_, value=groups_[0]),
            gr.Dropdown(choices=groups_, value=groups_[1]), b_model,
            gr.Markdown(r.notice_for(picker, language(ctx)), visible=True), gr.Accordion(open="both" in preset.open)]


# ---- API -----------------------------------------------------------------------------------------


FILL_MASK_FIELDS = {"text": api.Text(probes.MAX_CHARS), "model": api.Model(), "k": api.Int(1, probes.MAX_K)}
BIAS_PROBE_FIELDS = {"templates": api.Text(probes.MAX_TEMPLATES * (probes.MAX_CHARS + 1)),
                     "groups": api.Text(probes.MAX_GROUPS * (probes.MAX_ITEM_CHARS + 2)),
                     "targets": api.Text(probes.MAX_TARGETS * (probes.MAX_ITEM_CHARS + 2)), "model": api.Model()}


def fill_mask_api(ctx: AppContext, text: str, model: str = "", k: int = 10) -> dict:
    """The k best fillers of each [MASK] (or <mask>) in `text`.

    Returns {model, family, method, predictions: [[{token, id, prob, logprob, sequence}] per mask], notices}.
    """
    with user_errors():
        b = _load(ctx, model or ctx.models.default_name(NEXT_TOKEN))
        return probes.fill_mask(b, text, k).as_json()


def bias_probe_api(ctx: AppContext, templates: str, groups: str, targets: str, model: str = "") -> dict:
    """Score every target word in the [MASK] slot of every template, for every group.

    templates: one per line, each with {group} and one [MASK]; groups and targets: one per line or
    comma-separated. Returns {model, family, method, rows: [{template, group, target, logprob, prob,
    rank, pieces}], notices}; logprob is the whole target word's log-probability in the slot.
    """
    with user_errors():
        b = _load(ctx, model or ctx.models.default_name(NEXT_TOKEN))
        return probes.bias_probe(b, templates, groups, targets).as_json()


# ---- layout and wiring ---------------------------------------------------------------------------


def build_probes_tab(ctx: AppContext) -> dict:
    presets = load_presets("probes")
    sets = probes.load_probe_sets()
    first = next(iter(sets.values()))
    models = ctx.models

    # ---- layout --------------------------------------------------------------------------------
    lesson_buttons, notice = lesson_bar(presets)
    gr.Markdown(L("### Fill the blank"))
    with gr.Row():
        fill_a = gr.Textbox(label=L("Sentence with [MASK]"), value=presets[0].text, scale=3, elem_id="bp-fill-a",
                            info=L("Masked LMs fill every mask; causal LMs one (the next token when it ends the "
                                 "sentence, else whole sentences compared)."))
        fill_b = gr.Textbox(label=L("Second sentence (optional)"), value=presets[0].params.get("text_b", ""), scale=3,
                            elem_id="bp-fill-b", info=L("Its top list is shown beside the first."))
        with gr.Column(scale=1, min_width=180):
            k = knob(1, probes.MAX_K, value=10, step=1, label=L("k"))
            fill_btn = gr.Button(L("Fill"), variant="primary", elem_id="bp-fill")
    fill_message = message_box("bp-fill-message")
    fill_chart = gr.Plot(label=L("Top k"), elem_id="bp-fill-chart")
    fill_view = gr.HTML(elem_id="bp-fill-view")
    build_why_panel(ctx, "probes", {"sentence": fill_a})

    gr.Markdown(L("### Probe: templates × groups × target words"))
    with gr.Row():
        probe_set = gr.Dropdown(list(sets), value=first["name"], label=L("Probe set"), scale=2, elem_id="bp-set",
                                info=L("Bundled sets (assets/probes/); every box below is editable."))
        set_note = gr.Markdown(L(first.get("description", "")))
    with gr.Row():
        templates = gr.Textbox("\n".join(first["templates"]), label=L("Templates (one per line, {group} and [MASK])"),
                               lines=5, scale=3, elem_id="bp-templates")
        groups = gr.Textbox("\n".join(first["groups"]), label=L("Groups (lines or commas)"), lines=5, scale=1,
                            elem_id="bp-groups")
        targets = gr.Textbox("\n".join(first["targets"]), label=L("Target words (lines or commas)"), lines=5, scale=1,
                             elem_id="bp-targets")
    with gr.Row():
        probe_btn = gr.Button(L("Run the probe"), variant="primary", elem_id="bp-run", scale=2)
        group_a = gr.Dropdown(list(first["groups"]), value=first["groups"][0], label=L("Group A"), scale=1)
        group_b = gr.Dropdown(list(first["groups"]), value=first["groups"][1], label=L("Group B"), scale=1)
        scale = gr.Radio([(L("log-probability"), "log-probability"), (L("probability"), "probability")],
                         value="log-probability", label=L("Heatmap colour"), scale=1)
    probe_message = message_box("bp-probe-message")
    summary = gr.HTML(elem_id="bp-summary")
    with gr.Accordion(L("The model's own top 10 per group (first template)"), open=True):
        topk = gr.HTML(elem_id="bp-topk")
    ratio = gr.Plot(label=L("A vs B, template by template"), elem_id="bp-ratio")
    spread = gr.HTML(elem_id="bp-spread")
    heatmap = gr.Plot(label=L("Targets × groups"), elem_id="bp-heatmap")
    with gr.Row():
        csv_btn = gr.DownloadButton(L("Download CSV"), visible=False, elem_id="bp-csv")
        json_btn = gr.DownloadButton(L("Download JSON"), visible=False, elem_id="bp-json")
    with gr.Accordion(L("Every cell"), open=False):
        rows = gr.Dataframe(headers=views.ROW_HEADERS, interactive=False, wrap=True, elem_id="bp-rows")
    with gr.Accordion(L("Two models side by side (the picker's model is A)"), open=False) as both_acc:
        with gr.Row():
            model_b = gr.Dropdown(choices=[c for c in loadable_choices(models, NEXT_TOKEN, probe_hub=False)
                                           if models.spec(c[1]).family in ("masked", "causal")],
                                  value=None, label=L("Model B"), scale=3, elem_id="bp-model-b")
            both_btn = gr.Button(L("Run the probe on both"), scale=1, elem_id="bp-both")
        both_message = message_box("bp-both-message")
        with gr.Row():
            with gr.Column():
                ratio_a = gr.Plot(label=L("Model A"), elem_id="bp-ratio-a")
                spread_a = gr.HTML()
            with gr.Column():
                ratio_b = gr.Plot(label=L("Model B"), elem_id="bp-ratio-b")
                spread_b = gr.HTML(L_html(empty_hint, "Choose model B and run the probe on both."))
    last = gr.State()  # the last Probe (plain rows), so groups and scale re-draw without a forward pass
    shown = [fill_chart, fill_view, summary, topk, ratio, spread, heatmap, rows, ratio_a, spread_a, ratio_b, spread_b]
    export_bar(ctx, "Bias probes", notice, shown, "bp")

    # ---- events --------------------------------------------------------------------------------
    # An error leaves the last result in place and stays in the box under its control (keep_results).
    header = [ctx.model, ctx.device, ctx.dtype]
    probe_inputs = [templates, groups, targets, group_a, group_b, scale, *header]
    probe_outputs = [last, summary, heatmap, ratio, spread, rows, group_a, group_b, csv_btn, json_btn, topk]
    fill, probe = keep_results(bind(fill_blanks, ctx), 2), keep_results(bind(run_bias_probe, ctx), len(probe_outputs))
    fill_inputs = [fill_a, fill_b, k, *header]
    gr.on([fill_btn.click, fill_a.submit, fill_b.submit], fill, fill_inputs, [fill_chart, fill_view, fill_message],
          api_visibility="private")
    probe_btn.click(probe, probe_inputs, [*probe_outputs, probe_message], api_visibility="private")
    gr.on([group_a.input, group_b.input, scale.input], keep_results(bind(redraw_probe, ctx), 3),
          [last, group_a, group_b, scale], [heatmap, ratio, spread, probe_message], api_visibility="private")
    probe_set.input(bind(choose_probe_set, ctx), probe_set, [templates, groups, targets, set_note],
                    api_visibility="private")
    both_btn.click(keep_results(bind(probe_both_models, ctx), 4),
                   [templates, groups, targets, group_a, group_b, ctx.model, model_b, ctx.device, ctx.dtype],
                   [ratio_a, spread_a, ratio_b, spread_b, both_message], api_visibility="private")
    ctx.model.change(lambda: None, None, last, api_visibility="private")

    lesson_model, lessons = lesson_model_state(), []
    for preset, button in zip(presets, lesson_buttons):
        event = button.click(bind(apply_lesson, ctx, preset.id), ctx.model,
                             [fill_a, fill_b, lesson_model, probe_set, templates, groups, targets, group_a, group_b,
                              model_b, notice, both_acc], api_visibility="private") \
            .then(fill, for_lesson(fill_inputs, ctx, lesson_model), [fill_chart, fill_view, fill_message],
                  api_visibility="private") \
            .then(probe, for_lesson(probe_inputs, ctx, lesson_model), [*probe_outputs, probe_message],
                  api_visibility="private")
        lessons.append((preset.id, event))
    record_lessons(ctx, "Bias probes", lessons, notice, shown)

    gr.api(api.bind_api(fill_mask_api, ctx, FILL_MASK_FIELDS), api_name="fill_mask")
    gr.api(api.bind_api(bias_probe_api, ctx, BIAS_PROBE_FIELDS), api_name="bias_probe")
    return {"fill_a": fill_a, "templates": templates, "last": last}
