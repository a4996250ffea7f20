"""The app shell: header with the shared model picker, device and dtype, the model catalog, the tabs.

build_demo() is the factory app.py calls; it loads no model (models load lazily on first use).
"""

from __future__ import annotations


import gradio as gr

from ..compute import lm
from ..config import DTYPES, Settings
from ..errors import InputError, ModelUnavailable
from ..models import ModelRegistry, available_devices
from ..presets import ASSETS
from ..views.common import esc
from .attention_tab import build_attention_tab
from .common import AppContext, loadable_choices, user_errors
from .decoding_tab import build_decoding_tab
from .embeddings_tab import build_embeddings_tab
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


def catalog_rows(models: ModelRegistry, probe_hub: bool = True) -> list[list[str]]:
    rows = []
    for spec in models.specs():
        status = models.availability(spec, probe_hub=probe_hub)
        mark = {True: "available", False: "unavailable", None: "not checked"}[status.ok]
        source = f"remote: {spec.source}" if spec.source_kind == "remote" else spec.source_kind
        rows.append([spec.name, spec.family, source, ", ".join(sorted(spec.capabilities)),
                     f"{mark}: {status.reason}"])
    return rows


def model_status(models: ModelRegistry, name: str, probe_hub: bool = True) -> str:
    """One markdown line on the chosen model: family, what it can do, whether it can load and why."""
    try:
        spec = models.spec(name)
    except (InputError, ModelUnavailable) as exc:
        return f"⚠️ {esc(str(exc))}"
    status = models.availability(spec, probe_hub=probe_hub)
    icon = {True: "✅", False: "⛔", None: "🌐"}[status.ok]
    caps = ", ".join(sorted(spec.capabilities))
    return f"{icon} **{esc(spec.name)}** · {spec.family} · can do: {caps} · {esc(status.reason)}  \n{esc(spec.description)}"


def launch_options() -> dict:
    """Keyword arguments for demo.launch() that every launcher (app.py, tests, benchmarks) shares.
    show_error: an error Gradio raises itself (a raw HTTP call with too few inputs, say) reaches the caller
    with its message instead of {"error": null}; stack traces stay in the server's log."""
    return {"css_paths": [ASSETS / "playground.css"], "theme": gr.themes.Soft(), "footer_links": ["api", "settings"],
            "head": LECTURE_JS, "show_error": True}


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
        gr.HTML(f'<div class="pg-header"><h1>{TITLE}</h1><p>{esc(TAGLINE)}</p></div>')
        with gr.Row(equal_height=False):
            model = gr.Dropdown(
                choices=loadable_choices(models, probe_hub=False), value=default, label="Model",
                allow_custom_value=settings.allow_hub_ids or settings.allow_remote_urls, scale=3, elem_id="model-picker",
                info="The models that can load here. The catalog below lists the others, and why they cannot.",
            )
            # The device list needs torch; it is filled in on page load so that start-up stays light.
            device = gr.Dropdown(choices=sorted({"auto", "cpu", settings.device}), value=settings.device,
                                 label="Device", scale=1)
            dtype = gr.Dropdown(choices=list(DTYPES), value=settings.dtype, label="Precision", scale=1,
                                info="auto = float32 (exact numbers)")
            load = gr.Button("Load model", scale=1)
        status = gr.Markdown(model_status(models, default, probe_hub=False) if default else "No model can load here.",
                             elem_id="model-status")
        with gr.Accordion("Model catalog: what is here, what is not, and why", open=False,
                          elem_id="model-catalog-accordion"):
            catalog = gr.Dataframe(headers=CATALOG_HEADERS, value=catalog_rows(models, probe_hub=False),
                                   interactive=False, wrap=True, column_widths=CATALOG_WIDTHS, elem_id="model-catalog")
            gr.Markdown(
                "Packaged models work with no network. Hub models load when the Hugging Face hub is "
                "reachable or they are in the local cache. To add your own, put a model folder under a "
                "directory listed in `PLAYGROUND_MODEL_DIRS` (see the README). `remote/…` models run on the "
                "OpenAI-compatible servers listed in `PLAYGROUND_REMOTE_URLS`: they send tokens and "
                "log-probabilities, not weights or attentions, so the Attention tab and the logit lens stay local."
            )

        build_lecture_bar()
        lecture = Lecture(deck=gr.State([]))
        ctx = AppContext(settings=settings, models=models, model=model, device=device, dtype=dtype, lecture=lecture)
        with gr.Tabs():
            with gr.Tab("Lessons", id="lessons"):
                build_player(ctx)
            with gr.Tab("Tokenizer", id="tokenizer"):
                build_tokenizer_tab(ctx)
            with gr.Tab("Next token", id="next-token"):
                build_next_token_tab(ctx)
            with gr.Tab("Decoding", id="decoding"):
                build_decoding_tab(ctx)
            with gr.Tab("Prompting", id="prompting"):
                build_prompting_tab(ctx)
            with gr.Tab("Attention", id="attention"):
                build_attention_tab(ctx)
            with gr.Tab("Embeddings", id="embeddings"):
                build_embeddings_tab(ctx)
            with gr.Tab("Bias probes", id="probes"):
                build_probes_tab(ctx)

        def refresh(name):
            """On page load: check the hub once, so hub models show as available or say why not, and the remote
            servers (a server that never answered yet is waited for, at most its timeout, once)."""
            models.refresh_remote()
            return (gr.Dropdown(choices=loadable_choices(models), value=name), catalog_rows(models),
                    model_status(models, name), gr.Dropdown(choices=available_devices()))

        def load_model(name, dev, dt, progress=gr.Progress(track_tqdm=True)):
            with user_errors():
                b = ctx.load(name, dev, dt, progress=progress)
            if isinstance(b, lm.RemoteBackend):
                return (f"✅ **{esc(b.name)}** is served by **{esc(b.url)}** ({esc(b.caps.dialect)}): nothing to load "
                        f"here. Tokenizer: {esc(b.tokenizer_note)}.")
            loaded = b.loaded
            return (f"✅ **{esc(loaded.spec.name)}** loaded on **{loaded.device}** ({loaded.dtype}), "
                    f"{loaded.num_parameters / 1e6:,.1f} M parameters, in {loaded.load_seconds:.1f} s.")

        # Once the page-load event is done, <body data-pg-ready> says so: the picker is no longer reset under
        # whoever drives the page (browser tests wait for it; a Gradio page never goes network-idle).
        demo.load(refresh, model, [model, catalog, status, device], api_visibility="private").then(
            None, js="() => { document.body.dataset.pgReady = '1'; }", api_visibility="private")
        model.change(lambda n: model_status(models, n), model, status, api_visibility="private")
        load.click(load_model, [model, device, dtype], status, api_visibility="private")

    return demo
