"""The app shell: header with the shared model picker, device and dtype, the model catalog, the tabs.

build_demo() is the factory app.py calls; it loads no model (models load lazily on first use).
"""

from __future__ import annotations


import gradio as gr
from starlette.middleware import Middleware

from .. import i18n
from ..compute import lm
from ..config import DTYPES, Settings
from ..errors import InputError, ModelUnavailable
from ..models import ModelRegistry, available_devices
from ..presets import ASSETS
from ..views.common import esc
from .attention_tab import build_attention_tab
from .common import AppContext, bind, loadable_choices, progress_on_results, user_errors
from .lang import LANGUAGE_JS, L, L_pair, build_switch, gradio_i18n, language, set_language
from .decoding_tab import build_decoding_tab
from .embeddings_tab import build_embeddings_tab
from .frontend_fix import StatusTrackerFix
from .gradio_queue import no_monitoring_summary, waiting_queue
from .gradio_sessions import lazy_session_configs
from .lecture import LECTURE_JS, Lecture, build_lecture_bar, build_player
from .next_token_tab import build_next_token_tab
from .probes_tab import build_probes_tab
from .prompting_tab import build_prompting_tab
from .tokenizer_tab import build_tokenizer_tab

TITLE = "Model playground"
TAGLINE = (
    "Look inside real transformer language models: how text becomes tokens, and what the model "
    "does with them. Pick a model once; every tab uses it."
)
CATALOG_HEADERS = ["model", "family", "source", "can do", "status"]
CATALOG_WIDTHS = ["17%", "8%", "8%", "22%", "45%"]


def _caps(spec, lang: str) -> str:
    sep = "、" if lang == i18n.ZH else ", "
    return sep.join(i18n.tr(c, lang) for c in sorted(spec.capabilities))


def catalog_headers(lang: str = i18n.EN) -> list[str]:
    return [i18n.tr(h, lang) for h in CATALOG_HEADERS]


def catalog_rows(models: ModelRegistry, probe_hub: bool = True, lang: str = i18n.EN) -> list[list[str]]:
    t = i18n.translator(lang)
    rows = []
    for spec in models.specs():
        status = models.availability(spec, probe_hub=probe_hub)
        mark = t({True: "available", False: "unavailable", None: "not checked"}[status.ok])
        source = t("remote: {source}", source=spec.source) if spec.source_kind == "remote" else t(spec.source_kind)
        rows.append([spec.name, t(spec.family), source, _caps(spec, lang), t("{mark}: {reason}", mark=mark,
                                                                          reason=t(status.reason))])
    return rows


def model_status(models: ModelRegistry, name: str, probe_hub: bool = True, lang: str = i18n.EN) -> str:
    """One markdown line on the chosen model: family, what it can do, whether it can load and why."""
    t = i18n.translator(lang)
    try:
        spec = models.spec(name)
    except (InputError, ModelUnavailable) as exc:
        return f"⚠️ {esc(i18n.error_message(exc, lang))}"
    status = models.availability(spec, probe_hub=probe_hub)
    icon = {True: "✅", False: "⛔", None: "🌐"}[status.ok]
    return (f"{icon} **{esc(spec.name)}** · {t(spec.family)} · {t('can do: {caps}', caps=_caps(spec, lang))} · "
            f"{esc(t(status.reason))}  \n{esc(t(spec.description))}")


def header_html(lang: str) -> str:
    return f'<div class="pg-header"><h1>{esc(i18n.tr(TITLE, lang))}</h1><p>{esc(i18n.tr(TAGLINE, lang))}</p></div>'


# ---- handlers ------------------------------------------------------------------------------------


def refresh(ctx: AppContext, name):
    """On page load: check the hub once, so hub models show as available or say why not, and the remote
    servers (a server that never answered yet is waited for, at most its timeout, once)."""
    models, lang = ctx.models, language(ctx)
    models.refresh_remote()
    return (gr.Dropdown(choices=loadable_choices(models), value=name),
            gr.Dataframe(value=catalog_rows(models, lang=lang), headers=catalog_headers(lang)),
            model_status(models, name, lang=lang), gr.Dropdown(choices=available_devices()))


def relabel(ctx: AppContext, name):
    """The language changed: the catalog and the model's status line in the new one (the picker is not touched)."""
    lang = language(ctx)
    return (gr.Dataframe(value=catalog_rows(ctx.models, probe_hub=False, lang=lang), headers=catalog_headers(lang)),
            model_status(ctx.models, name, probe_hub=False, lang=lang))


def table_headers(ctx: AppContext, tables: list, lang: str | None = None):
    """Every table's column names in the page's language (a table's headers are not translated by gr.I18n):
    on page load and when the switch changes. In English they stay as built."""
    lang = i18n.normalize(lang) or language(ctx)
    if lang == i18n.EN:
        return [gr.skip()] * len(tables)
    headers = [list(getattr(t, "headers", None) or []) for t in tables]
    return [gr.Dataframe(headers=[i18n.tr(h, lang) for h in hs]) if hs else gr.skip() for hs in headers]


def show_status(ctx: AppContext, name):
    return model_status(ctx.models, name, lang=language(ctx))


def load_model(ctx: AppContext, name, dev, dt, progress=gr.Progress(track_tqdm=True)):
    t = i18n.translator(language(ctx))
    with user_errors():
        b = ctx.load(name, dev, dt, progress=progress)
    if isinstance(b, lm.RemoteBackend):
        return t("✅ **{name}** is served by **{url}** ({dialect}): nothing to load here. Tokenizer: {note}.",
                 name=esc(b.name), url=esc(b.url), dialect=esc(b.caps.dialect), note=esc(t(b.tokenizer_note)))
    loaded = b.loaded
    return t("✅ **{name}** loaded on **{device}** ({dtype}), {params:,.1f} M parameters, in {seconds:.1f} s.",
             name=esc(loaded.spec.name), device=loaded.device, dtype=loaded.dtype,
             params=loaded.num_parameters / 1e6, seconds=loaded.load_seconds)


def launch_options() -> dict:
    """Keyword arguments for demo.launch() that every launcher (app.py, tests, benchmarks) shares.
    show_error: an error Gradio raises itself (a raw HTTP call with too few inputs, say) reaches the caller
    with its message instead of {"error": null}; stack traces stay in the server's log. enable_monitoring=False: no
    /monitoring dashboard, whose summary the queue would rebuild after every event (gradio_queue.py). The middleware
    serves Gradio's status tracker with its endless frame loop stopped (frontend_fix.py)."""
    return {"app_kwargs": {"middleware": [Middleware(StatusTrackerFix)]},
            "css_paths": [ASSETS / "playground.css"], "theme": gr.themes.Soft(), "footer_links": ["api", "settings"],
            "head": LANGUAGE_JS + LECTURE_JS, "show_error": True, "i18n": gradio_i18n(), "enable_monitoring": False}


def build_demo(settings: Settings | None = None, models: ModelRegistry | None = None) -> gr.Blocks:
    settings = settings or Settings.from_env()
    models = models or ModelRegistry(settings)
    models.refresh_remote(wait=0)  # ask the remote servers for their models in the background (never at import)
    lazy_session_configs()  # a new session (every raw HTTP call without a session) builds no page config
    default = models.default_name()

    with gr.Blocks(title=TITLE) as demo:
        # Configured first, while the Blocks is empty: queue() rebuilds Gradio's server app from the whole config
        # (0.1 s for this app's 400-odd blocks at start-up), and the event queues it makes are per event, at
        # its first call, so they get these settings just the same.
        demo.queue(default_concurrency_limit=4, max_size=64)
        waiting_queue(demo._queue)  # it waits for events instead of polling every 1 ms (gradio_queue.py)
        no_monitoring_summary(demo._queue)  # no /monitoring page, so no summary rebuilt after each event
        with gr.Row(elem_classes=["pg-header-row"]):
            gr.HTML(L_pair(header_html(i18n.EN), header_html(i18n.ZH)), padding=False)
            switch = build_switch()
        with gr.Row(equal_height=False):
            model = gr.Dropdown(
                choices=loadable_choices(models, probe_hub=False), value=default, label=L("Model"),
                allow_custom_value=settings.allow_hub_ids or settings.allow_remote_urls, scale=3, elem_id="model-picker",
                info=L("The models that can load here. The catalog below lists the others, and why they cannot."),
            )
            # The device list needs torch; it is filled in on page load so that start-up stays light.
            device = gr.Dropdown(choices=sorted({"auto", "cpu", settings.device}), value=settings.device,
                                 label=L("Device"), scale=1)
            dtype = gr.Dropdown(choices=list(DTYPES), value=settings.dtype, label=L("Precision"), scale=1,
                                info=L("auto = float32 (exact numbers)"))
            load = gr.Button(L("Load model"), scale=1)
        status = gr.Markdown(model_status(models, default, probe_hub=False) if default else L("No model can load here."),
                             elem_id="model-status")
        with gr.Accordion(L("Model catalog: what is here, what is not, and why"), open=False,
                          elem_id="model-catalog-accordion"):
            catalog = gr.Dataframe(headers=CATALOG_HEADERS, value=catalog_rows(models, probe_hub=False),
                                   interactive=False, wrap=True, column_widths=CATALOG_WIDTHS, elem_id="model-catalog")
            gr.Markdown(L(
                "Packaged models work with no network. Hub models load when the Hugging Face hub is "
                "reachable or they are in the local cache. To add your own, put a model folder under a "
                "directory listed in `PLAYGROUND_MODEL_DIRS` (see the README). `remote/…` models run on the "
                "OpenAI-compatible servers listed in `PLAYGROUND_REMOTE_URLS`: they send tokens and "
                "log-probabilities, not weights or attentions, so the Attention tab and the logit lens stay local."
            ))

        build_lecture_bar()
        lecture = Lecture(deck=gr.State([]))
        ctx = AppContext(settings=settings, models=models, model=model, device=device, dtype=dtype, lecture=lecture)
        with gr.Tabs():
            with gr.Tab(L("Lessons"), id="lessons"):
                build_player(ctx)
            with gr.Tab(L("Tokenizer"), id="tokenizer"):
                build_tokenizer_tab(ctx)
            with gr.Tab(L("Next token"), id="next-token"):
                build_next_token_tab(ctx)
            with gr.Tab(L("Decoding"), id="decoding"):
                build_decoding_tab(ctx)
            with gr.Tab(L("Prompting"), id="prompting"):
                build_prompting_tab(ctx)
            with gr.Tab(L("Attention"), id="attention"):
                build_attention_tab(ctx)
            with gr.Tab(L("Embeddings"), id="embeddings"):
                build_embeddings_tab(ctx)
            with gr.Tab(L("Bias probes"), id="probes"):
                build_probes_tab(ctx)

        # On page load the page first says which language it shows (?lang=, else the browser's; pgLanguage in
        # LANGUAGE_JS), so that what the server builds from then on (the catalog, notes, messages) is in it.
        # Once the page-load events are done, <body data-pg-ready> says so: the picker is no longer reset under
        # whoever drives the page (browser tests wait for it; a Gradio page never goes network-idle).
        # every table but the catalog (refresh writes its headers with its rows)
        tables = [blk for blk in demo.blocks.values() if isinstance(blk, gr.Dataframe) and blk is not catalog]
        relabel_tables = bind(table_headers, ctx, tables)
        remember = bind(set_language, ctx)
        demo.load(remember, switch, switch, js="(v) => window.pgLanguage ? window.pgLanguage() : v",
                  api_visibility="private", show_progress="hidden").then(
            bind(refresh, ctx), model, [model, catalog, status, device], api_visibility="private").then(
            relabel_tables, switch, tables, api_visibility="private", show_progress="hidden").then(
            None, js="() => { document.body.dataset.pgReady = '1'; }", api_visibility="private")
        switch.input(remember, switch, switch, js="(v) => window.pgSwitchLanguage(v)", api_visibility="private",
                     show_progress="hidden").then(
            bind(relabel, ctx), model, [catalog, status], api_visibility="private", show_progress="hidden").then(
            relabel_tables, switch, tables, api_visibility="private", show_progress="hidden")
        model.change(bind(show_status, ctx), model, status, api_visibility="private")
        load.click(bind(load_model, ctx), [model, device, dtype], status, api_visibility="private")
        progress_on_results(demo)  # spinners on the results, and a page that stays light (common.py)

    return demo
