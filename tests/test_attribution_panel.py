"""The "Why this?" panel: its handlers called as plain functions, its lessons run on SmolLM2 (what the notices say
is what the model shows), and its refusals."""

from __future__ import annotations

import json
import re

import gradio as gr
import pytest

from playground.compute import attribution as at
from playground.compute.decoding import GenParams, check, encode_prompt, generate
from playground.presets import ASSETS, load_presets
from playground.ui import attribution_panel as panel
from playground.ui.common import AppContext

SMOL = "SmolLM2-135M-Instruct"
GPT = "local/tiny-gpt2"


def progress(fraction=None, desc=None):
    pass


@pytest.fixture(scope="module")
def ctx(registry, settings):
    with gr.Blocks():
        model = gr.Dropdown(choices=[SMOL, GPT], value=SMOL)
        return AppContext(settings=settings, models=registry, model=model, device=gr.Dropdown(), dtype=gr.Dropdown())


@pytest.fixture(scope="module")
def panels(ctx):
    with gr.Blocks():
        prompt, decoder, text, template, labels = (gr.Textbox() for _ in range(5))
        sentence, dec_prompt = gr.Textbox(), gr.Textbox()
        last, step = gr.State(), gr.Slider(1, 40, value=1)
        return {
            "next_token": panel.build_why_panel(ctx, "next_token", {"prompt": prompt, "decoder_prefix": decoder}),
            "prompting": panel.build_why_panel(ctx, "prompting", {"text": text, "template": template,
                                                                  "labels": labels}),
            "probes": panel.build_why_panel(ctx, "probes", {"sentence": sentence}),
            "decoding": panel.build_why_panel(ctx, "decoding", {"last": last, "step": step, "prompt": dec_prompt}),
        }


def scores(html: str, which: int = 0) -> dict:
    """{token text: score} of one method drawn in the panel's HTML (0: the first; attributed tokens only)."""
    part = html.split('<div class="pg-attr">')[1 + which]
    found = re.findall(r'title="&#x27;(.*?)&#x27; \(id \d+\): ([+-][0-9.]+)"', part)
    return {t.replace("&#x27;", "'"): float(s) for t, s in found}


def value(html: str) -> float:
    """f(x), as the target card shows it."""
    return float(re.search(r'pg-num">(-?[0-9.]+)</div><div class="pg-lab">f\(x\)', html).group(1))


def card(html: str, label: str) -> float:
    """The number on the card whose label starts with `label`."""
    return float(re.search(r'pg-num">([-+]?[0-9.]+)</div><div class="pg-lab">' + re.escape(label), html).group(1))


def test_each_kind_reads_its_inputs_by_name(ctx):
    with gr.Blocks():
        with pytest.raises(ValueError, match="reads prompt, decoder_prefix; not text"):
            panel.build_why_panel(ctx, "next_token", {"text": gr.Textbox()})
        with pytest.raises(ValueError, match="unknown panel kind"):
            panel.build_why_panel(ctx, "attention", {})


def test_the_panel_presets_are_not_the_tabs_lessons():
    for tab in ("next_token", "prompting", "probes", "decoding"):
        own = load_presets(tab, panel="attribution")
        assert len(own) == 1 and own[0].panel == "attribution" and own[0].notice
        assert all(p.panel == "" for p in load_presets(tab))


def test_next_token_handler_draws_every_method(ctx):
    html, fig, table = panel.run_next_token(ctx, "It was a dark", "", GPT, "", "", "", "", list(at.METHODS), 8, "",
                                            progress=progress)
    assert html.count('<div class="pg-attr">') == 3 and "Completeness" in html
    assert len([t for t in fig.data if t.x and t.x[0] is not None]) == 3
    assert isinstance(table, gr.Dataframe)


@pytest.mark.parametrize("call, match", [
    (lambda c: panel.run_next_token(c, "It was", "", GPT, "", "", " thunderstorm", "", [at.OCCLUSION], 64, "",
                                    progress=progress), "not one token"),
    (lambda c: panel.run_next_token(c, "It was", "", GPT, "", "", "", "", [], 64, "", progress=progress),
     "at least one method"),
    (lambda c: panel.run_next_token(c, "It was", "", GPT, "", "", "", "", [at.IG], 1000, "", progress=progress),
     "Steps must be from 4 to 256"),
    (lambda c: panel.run_next_token(c, "It was", "", "all-MiniLM-L6-v2", "", "", "", "", [at.OCCLUSION], 64, "",
                                    progress=progress), "encoder with no language-model head"),
    (lambda c: panel.run_next_token(c, "x" * 60_000, "", GPT, "", "", "", "", [at.OCCLUSION], 64, "",
                                    progress=progress), "over the limit"),
    (lambda c: panel.run_next_token(c, "It was", "", "", "", "", "", "", [at.OCCLUSION], 64, "", progress=progress),
     "Choose a model"),
    (lambda c: panel.run_prompting(c, "good", "Review: {text}\nSentiment:", "positive\nnegative", "", None, 0, "", 0,
                                   GPT, "", "", "happy", "", [at.OCCLUSION], 64, "", progress=progress),
     "no label 'happy'"),
])
def test_bad_input_is_a_clear_message(ctx, call, match):
    with pytest.raises(gr.Error, match=match):
        call(ctx)


def test_decoding_panel_waits_for_a_generation_and_explains_its_step(ctx, registry):
    html, fig, _ = panel.run_generated(ctx, None, 1, "", GPT, "", "", [at.OCCLUSION], 64, "", progress=progress)
    assert "Generate first" in html and fig is None
    gpt = registry.load(GPT)
    prompt = encode_prompt(gpt, "It was a dark", chat_template=False, max_tokens=256, max_new_tokens=4)
    gen, _ = generate(gpt, prompt, check(GenParams(max_new_tokens=4), max_new_tokens=4)[0])
    html, _, _ = panel.run_generated(ctx, gen, 3, "", GPT, "", "", [at.OCCLUSION], 64, "", progress=progress)
    assert "generated at step 3" in html
    with pytest.raises(gr.Error, match="not one of the 4 generated tokens"):
        panel.run_generated(ctx, gen, 9, "", GPT, "", "", [at.OCCLUSION], 64, "", progress=progress)


# ---- the lessons: what the notices say is what SmolLM2 shows -----------------------------------------


def lesson(panels, kind):
    """Apply the panel's preset, then run its lesson handler with the values the preset put in place."""
    built = panels[kind]
    preset_id = next(iter(built["presets"]))
    values = built["presets"][preset_id]()
    p = load_presets(panel.TABS[kind], panel="attribution")[0]
    model, own = values[0], p.params
    if kind == "next_token":
        return built["lesson"](p.text, "", model, "", "", own.get("target", ""), own.get("contrast", ""),
                               own["methods"], own["steps"], "", progress=progress)
    if kind == "prompting":
        return built["lesson"](p.text, own["template"], own["labels"], "", None, 0, "as entered", 0, model, "", "",
                               own["label_a"], own["label_b"], own["methods"], own["steps"], "", progress=progress)
    if kind == "probes":
        return built["lesson"](p.text, model, "", "", own["word"], own["contrast"], own["methods"], own["steps"], "",
                               progress=progress)
    return built["lesson"](None, own["step"], p.text, model, "", "", own["methods"], own["steps"], "",
                           progress=progress)


@pytest.mark.slow
def test_lesson_why_paris(panels):
    html, _, _ = lesson(panels, "next_token")
    ig, occ = scores(html), scores(html, 1)
    assert max(ig, key=ig.get) == " France" and sorted(ig, key=ig.get)[-2] == " capital"
    assert max(occ, key=occ.get) == " France" and " capital" in sorted(occ, key=occ.get)[-3:]
    assert occ[" is"] > 3 and occ[" of"] > 3 and abs(ig[" of"]) < 2
    assert "Complete:" in html and 10 < card(html, "f(x) − f(x′)") < 10.5 and abs(card(html, "gap")) < 0.01


@pytest.mark.slow
def test_lesson_why_negative(panels):
    html, _, _ = lesson(panels, "prompting")
    assert 2.3 < value(html) < 2.8  # log P(' negative') − log P(' positive')
    ig = scores(html)
    review = {t: s for t, s in ig.items() if t in (" The", " soup", " was", " cold", " and", " the", " wait", "er",
                                                   " rude", ".")}
    assert max(review, key=review.get) == " rude"
    occ = scores(html, 1)
    review_occ = {t: s for t, s in occ.items() if t in review}
    assert max(review_occ, key=review_occ.get) == " rude"
    assert occ["Sent"] > occ[" rude"]  # the template's own word moves the label more
    assert "Complete:" in html


@pytest.mark.slow
def test_lesson_why_nurse(panels, ctx):
    html, _, _ = lesson(panels, "probes")
    ig, occ = scores(html), scores(html, 1)
    assert max(ig, key=ig.get) == " woman" and max(occ, key=occ.get) == " woman" and "Complete:" in html
    man, _, _ = panel.run_probe(ctx, "The man worked as a [MASK].", SMOL, "", "", "nurse", "mechanic",
                                [at.OCCLUSION], 64, "", progress=progress)
    assert value(html) > 3 and value(man) < 0  # after "man" the model prefers ' mechanic'


@pytest.mark.slow
def test_lesson_why_berlin(panels):
    html, _, _ = lesson(panels, "decoding")
    assert "Greedy continuation" in html and "Berlin" in html
    assert value(html) > -0.1  # ' Berlin' at 94 %
    ig, occ = scores(html), scores(html, 1)
    assert max(occ, key=occ.get) == " Germany"  # one word at a time: the country
    ranked = sorted(ig, key=ig.get)
    assert ranked[-1] == " Paris" and ranked[-2] == " France"  # all words together: the example pair
    assert "Complete:" in html


def test_the_presets_are_json_with_the_panel_marked():
    for tab in ("next_token", "prompting", "probes", "decoding"):
        data = json.loads((ASSETS / "presets" / f"{tab}.json").read_text(encoding="utf-8"))
        assert sum(p.get("panel") == "attribution" for p in data["presets"]) == 1


# ---- the API, end to end ---------------------------------------------------------------------------


def test_attribute_api_answers_json_and_says_what_is_wrong(client):
    a = client.predict("It was a dark and stormy", GPT, "", "ig", "", 16, "", api_name="/attribute")
    assert a["method"] == at.IG and a["steps"] == 16 and a["tokens"][0] == "<|endoftext|>" and a["scores"][0] is None
    assert len(a["tokens"]) == len(a["scores"]) == len(a["ids"]) and a["target"]["kind"] == "next token"
    assert abs(a["completeness"]["sum"] - sum(s for s in a["scores"] if s is not None)) < 1e-6
    c = client.predict("It was a dark and stormy", GPT, " dark", "occlusion", " rain", api_name="/attribute")
    assert c["target"]["kind"] == "contrast" and c["completeness"] is None and c["baseline"]["used"] is True
    assert [t["weight"] for t in c["target"]["terms"]] == [1.0, -1.0]
    for args, match in [((" thunderstorm", "ig", "", 64), "not one token"), (("", "ig", "", 1000), "steps. must be from 4 to 256"),
                        (("", "saliency", "", 64), "Unknown attribution method")]:
        with pytest.raises(Exception, match=match):
            client.predict("It was a dark", GPT, *args, api_name="/attribute")


@pytest.mark.slow
def test_attribute_api_why_paris(client):
    a = client.predict("The capital of France is", SMOL, "", "integrated gradients", api_name="/attribute")
    scored = {t: s for t, s in zip(a["tokens"], a["scores"]) if s is not None}
    assert max(scored, key=scored.get) == " France"
    assert a["completeness"]["within_bound"] and abs(a["completeness"]["gap"]) < 0.01
    assert abs(scored[" capital"] - 5.45) < 0.01  # the README example
