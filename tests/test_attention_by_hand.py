"""Self-attention by hand on every layout (lesson 19): a tiny model of each family, loaded through the real
loader, recomputed step by step and compared with a plain transformers call's output_attentions; each
family's own step matters (leave it out and the weights differ); the textbook's example; the API."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest
import torch

from playground.compute import attention as att
from playground.compute.attention import recipes, textbook
from playground.config import Settings
from playground.errors import InputError
from playground.models import LoadedModel, ModelRegistry, ModelSpec
from playground.views import attention as views
from tests.attention_zoo import ZOO, build_zoo, roberta_tokenizer
from tests.conftest import CORPUS, _byte_bpe_tokenizer, _unigram_tokenizer, _wordpiece_tokenizer, causal_ids

TEXT = "The cat sat on the mat because it was tired."
TARGET = "loutre de mer"
SEQ2SEQ = {"t5", "bart"}


@pytest.fixture(scope="session")
def zoo(tmp_path_factory) -> ModelRegistry:
    root = tmp_path_factory.mktemp("attention_zoo")
    tokenizers = {"bpe": _byte_bpe_tokenizer(), "unigram": _unigram_tokenizer(), "wordpiece": _wordpiece_tokenizer(),
                  "roberta": roberta_tokenizer(CORPUS)}
    build_zoo(root, tokenizers)
    settings = Settings.from_env().with_(model_dirs=(root.resolve(),), hub_offline=True, max_models=len(ZOO))
    return ModelRegistry(settings)


def load(zoo, name):
    return zoo.load(f"local/zoo-{name}")


def direct(loaded, bh):
    """output_attentions of one plain transformers call on the ids the by-hand run read."""
    ids = torch.tensor([list(bh.input_ids)])
    kwargs = {"input_ids": ids, "attention_mask": torch.ones_like(ids), "output_attentions": True}
    if bh.decoder_ids:
        kwargs["decoder_input_ids"] = torch.tensor([list(bh.decoder_ids)])
    with torch.inference_mode():
        out = loaded.model(**kwargs)
    stack = {"encoder": "encoder_attentions", "decoder": "decoder_attentions", "cross": "cross_attentions"}
    return getattr(out, stack[bh.stack]) if bh.decoder_ids else out.attentions


CASES = [(name, stack) for name in ZOO for stack in (("encoder", "decoder", "cross") if name in SEQ2SEQ else ("",))]


@pytest.mark.parametrize("name,stack", CASES, ids=[f"{n}-{s}" if s else n for n, s in CASES])
def test_by_hand_equals_output_attentions_on_every_layout(zoo, name, stack):
    loaded = load(zoo, name)
    for layer, head in ((0, 0), (1, 3)):
        bh = att.by_hand(loaded, TEXT, layer, head, stack=stack, decoder_text=TARGET if stack else "")
        ref = direct(loaded, bh)[layer][0, head].numpy()
        assert bh.max_abs_diff <= 1e-5 and bh.max_abs_diff_output <= 1e-5, (name, layer, bh)
        np.testing.assert_allclose(bh.weights, ref, atol=1e-5)
        np.testing.assert_allclose(bh.weights.sum(1), 1.0, atol=1e-5)
        assert bh.weights.shape == (len(bh.tokens), len(bh.key_tokens))
        if loaded.spec.family == "causal":  # the core's start token, checked against one built by hand
            assert list(bh.input_ids) == causal_ids(loaded.tokenizer, TEXT)
        if bh.causal:
            above = np.triu_indices(len(bh.tokens), 1)
            assert np.triu(bh.weights, 1).max() == 0.0 and np.isneginf(bh.masked[above]).all()
        if stack == "cross":
            assert bh.key_tokens != bh.tokens and len(bh.key_tokens) == len(bh.input_ids)
        assert views.by_hand_figure(bh).data and "equal to what the model computed" in views.by_hand_html(bh)
        api = bh.as_json()
        assert set(api) == {"model", "layer", "head", "kv_head", "stack", "steps", "max_abs_diff",
                            "max_abs_diff_output", "recipe"}
        assert api["steps"][:2] == ["x", "Q, K, V"] and api["steps"][-3:] == ["mask", "softmax", "output"]


def half_split_pairs_on_gptj(site, q, k):
    """GPT-J's own angles, but paired the Llama way (dims i and i + r/2) instead of neighbours (2i, 2i + 1)."""
    sin, cos = site.module.embed_positions[site.kwargs["position_ids"][0]].float().chunk(2, dim=-1)
    sin, cos = torch.cat([sin, sin], dim=-1), torch.cat([cos, cos], dim=-1)
    r = sin.shape[-1]
    rot = lambda t: torch.cat([t[..., :r] * cos + recipes.rotate_half(t[..., :r]) * sin, t[..., r:]], -1)  # noqa: E731
    return rot(q), rot(k), "half-split"


# (family, layer, stack, what its own recipe has, the recipe without it)
WITHOUT = [
    ("gpt_neo", 0, "", "no 1/√d", dict(scale=recipes.inv_sqrt_d)),
    ("gpt_neo", 1, "", "a local window", dict(mask=recipes.causal)),
    ("gpt2", 1, "", "1/(layer + 1)", dict(scale=recipes.inv_sqrt_d)),
    ("gptj", 0, "", "interleaved rotary", dict(positions=half_split_pairs_on_gptj)),
    ("gpt_neox", 0, "", "rotary", dict(positions=None)),
    ("phi3", 0, "", "rotary", dict(positions=None)),
    ("llama", 0, "", "rotary", dict(positions=None)),
    ("mistral", 0, "", "a sliding window", dict(mask=recipes.causal)),
    ("qwen2", 1, "", "a sliding layer", dict(mask=recipes.causal)),
    ("gemma2", 0, "", "soft-capping", dict(softcap=None)),
    ("gemma2", 1, "", "query_pre_attn_scalar", dict(scale=recipes.inv_sqrt_d)),
    ("gemma3", 0, "", "q/k norms", dict(qk_norm=None)),
    ("gemma3", 0, "", "a sliding layer", dict(mask=recipes.causal)),
    ("bloom", 0, "", "ALiBi", dict(bias=None)),
    ("t5", 1, "encoder", "the relative bias", dict(bias=None)),
    ("t5", 0, "decoder", "no 1/√d", dict(scale=recipes.inv_sqrt_d)),
    ("bart", 0, "decoder", "a causal mask", dict(mask=recipes.no_mask("none"))),
]


@pytest.mark.parametrize("name,layer,stack,what,change", WITHOUT, ids=[f"{w[0]}-{w[3]}" for w in WITHOUT])
def test_each_familys_own_step_matters(zoo, name, layer, stack, what, change):
    loaded = load(zoo, name)
    right = att.by_hand(loaded, TEXT, layer, 1, stack=stack, decoder_text=TARGET if stack else "")
    layout = replace(recipes.LAYOUTS[loaded.model.config.model_type], **change)
    wrong = att.by_hand(loaded, TEXT, layer, 1, stack=stack, decoder_text=TARGET if stack else "", layout=layout)
    assert right.max_abs_diff <= 1e-5 and wrong.max_abs_diff > 1e-3, (what, wrong.max_abs_diff)


def test_the_steps_each_layout_shows(zoo):
    steps = lambda name, layer=0, stack="": [s.name for s in att.by_hand(  # noqa: E731
        load(zoo, name), TEXT, layer, 0, stack=stack, decoder_text=TARGET if stack else "").steps]
    assert "soft-cap" in steps("gemma2") and "q/k norm" in steps("gemma3") and "ALiBi" in steps("bloom")
    assert "rotary" in steps("gptj") and "rotary" not in steps("gpt2") and "rotary" not in steps("bloom")
    assert "relative position bias" in steps("t5", 1, "decoder")
    assert "relative position bias" not in steps("t5", 0, "cross")
    windows = {(n, layer): att.by_hand(load(zoo, n), TEXT, layer, 0).windowed
               for n, layer in (("gpt_neo", 0), ("gpt_neo", 1), ("qwen2", 0), ("qwen2", 1), ("gemma2", 0),
                                ("gemma2", 1), ("mistral", 1), ("llama", 1))}
    assert windows == {("gpt_neo", 0): False, ("gpt_neo", 1): True, ("qwen2", 0): False, ("qwen2", 1): True,
                       ("gemma2", 0): True, ("gemma2", 1): False, ("mistral", 1): True, ("llama", 1): False}
    neo = att.by_hand(load(zoo, "gpt_neo"), TEXT, 1, 0)
    i, j = np.indices(neo.weights.shape)
    assert neo.weights[i - j >= 3].max() == 0.0  # a local layer reads itself and the 2 tokens before
    gj = att.by_hand(load(zoo, "gptj"), TEXT, 0, 0)
    assert "the first 4 of 8 dims" in gj.steps[2].text and "interleaved" in gj.steps[2].text
    assert att.by_hand(load(zoo, "gpt2"), TEXT, 1, 0).scale == pytest.approx(8 ** -0.5 / 2)
    smol_like = att.by_hand(load(zoo, "llama"), TEXT, 0, 3)
    assert smol_like.kv_head == 1 and "grouped-query" in smol_like.steps[1].text


def test_cross_attention_reads_the_encoder(zoo):
    t5 = load(zoo, "t5")
    bh = att.by_hand(t5, "translate English to French: sea otter", 1, 2, stack="cross", decoder_text=TARGET)
    assert len(bh.decoder_ids) == len(bh.tokens) and bh.key_tokens[-1] == "</s>"
    assert np.isfinite(bh.masked).all() and not bh.causal  # every decoder token reads every encoder token
    assert "encoder's output" in bh.steps[0].text
    auto = att.by_hand(t5, "translate English to French: sea otter", 0, 0, stack="decoder")
    assert any("greedy" in n for n in auto.notices) and auto.max_abs_diff <= 1e-5


def test_refusals_name_the_family_and_what_is_missing(zoo):
    from transformers import GPTBigCodeConfig, GPTBigCodeForCausalLM

    tok = load(zoo, "gpt2").tokenizer
    model = GPTBigCodeForCausalLM(GPTBigCodeConfig(n_layer=1, n_head=2, n_embd=16, vocab_size=len(tok),
                                                   attn_implementation="eager")).eval()
    spec = ModelSpec(name="tiny-bigcode", family="causal", source_kind="local", source="memory")
    bigcode = LoadedModel(spec, model, tok, "cpu", "float32", "eager", 0.0, 0)
    with pytest.raises(InputError, match="no recipe for gpt_bigcode models \\(tiny-bigcode\\).*GPT-Neo.*T5"):
        att.by_hand(bigcode, TEXT, 0, 0)
    with pytest.raises(InputError, match="an encoder: its one stack is the encoder"):
        att.by_hand(load(zoo, "bert"), TEXT, 0, 0, stack="decoder")
    with pytest.raises(InputError, match="heads 0 to 3"):
        att.by_hand(load(zoo, "t5"), TEXT, 0, 4, stack="cross")
    with pytest.raises(InputError, match="layers 0 to 1"):
        att.by_hand(load(zoo, "bart"), TEXT, 2, 0, stack="decoder")
    with pytest.raises(InputError, match="Type a text"):
        att.by_hand(load(zoo, "llama"), "   ", 0, 0)


def test_a_model_behind_a_server_is_refused_before_anything_runs(zoo):
    from playground.compute.lm import Backend

    loaded = load(zoo, "gpt2")
    served = Backend(loaded.spec, loaded.tokenizer)  # a backend with neither weights nor attentions (a server's)
    with pytest.raises(InputError, match="Self-attention by hand needs attention weights: .* does not offer"):
        att.by_hand(served, TEXT, 0, 0)


# ---- the textbook's example -------------------------------------------------------------------------


def test_the_textbooks_numbers_and_what_they_are():
    t = textbook.textbook()
    np.testing.assert_allclose(t.book.output, textbook.BOOK_OUTPUT, atol=5e-5)  # the rows the book prints
    np.testing.assert_allclose(t.book.weights.sum(1), 1.0)
    np.testing.assert_allclose(t.book.weights[1], [0.0159, 0.8668, 0.1173], atol=5e-5)  # token 2's real weights
    assert t.book.output[1].sum() > 2  # "86.6 %, 14.9 % and 110.1 %" are not percentages
    np.testing.assert_allclose(t.scaled.scores, t.book.scores / np.sqrt(3))
    assert t.scaled.weights.max() < t.book.weights.max()  # ÷√d: softer weights
    html = views.textbook_html(t)
    assert "110.1 %" in html and "86.7 %" in html and "2.1173" in html and "which they are not" in html
    mine = textbook.textbook([[1, 0], [0, 1]], [["1", "0"], [0, "1,5"]], [[1, 2], [3, 4]])
    assert mine.book.weights.shape == (2, 2) and not mine.is_books and "Your own matrices" in views.textbook_html(mine)


@pytest.mark.parametrize("q,k,v,match", [
    ([[1, 0]], [[1, 0, 0]], [[1]], "Q has 2 columns and K has 3"),
    ([[1, 0]], [[1, 0], [0, 1]], [[1]], "K has 2 rows and V has 1"),
    ([["a", 0]], [[1, 0]], [[1]], "every cell must be a number"),
    ([[float("nan"), 0]], [[1, 0]], [[1]], "finite numbers"),
    ([[1] * 9], [[1] * 9], [[1]], "up to 8 × 8"),
    ([[None, None]], [[1, 0]], [[1]], "Q is empty"),
])
def test_textbook_input_is_checked(q, k, v, match):
    with pytest.raises(InputError, match=match):
        textbook.textbook(q, k, v)


@pytest.mark.parametrize("name,stack", CASES, ids=[f"{n}-{s}" if s else n for n, s in CASES])
def test_every_layouts_steps_read_in_chinese(zoo, name, stack):
    """Each step's text, the recipe's name and every panel title (less the bare formulas) has its Chinese."""
    from playground import i18n

    bh = att.by_hand(load(zoo, name), TEXT, 1, 3, stack=stack, decoder_text=TARGET if stack else "")
    texts = [s.text for s in bh.steps] + [bh.recipe] + [p.title for s in bh.steps for p in s.panels]
    bare = re.compile(r"[QKV]|weights · V|\+ ALiBi|(scores = )?Q·Kᵀ [×÷] [\d/√d =÷×]+")
    left = [t for t in texts if not bare.fullmatch(t) and not re.search(r"[\u4e00-\u9fff]", i18n.tr(t, "zh-CN"))]
    assert not left, left
