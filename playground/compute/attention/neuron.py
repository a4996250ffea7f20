"""bertviz's neuron view: attention plus every query and key vector, from bertviz's own model classes
built from the loaded weights (no download), checked against the model's own attention."""

from __future__ import annotations

from ...errors import InputError
from ..lm import LM, WEIGHTS, backend_of, start_token
from .weights import NEURON_MAX_TOKENS, encode


NEURON_ARCHS = ("bert", "gpt2")  # bertviz's own model classes that this app builds from loaded weights


def neuron_params(lm: LM, text: str, text_b: str = "", *, decimals: int = 3) -> dict:
    """bertviz's neuron-view data (attention plus every query and key vector) for `text`.

    bertviz computes it with its own model classes, which return queries and keys; they are built
    here from the already loaded weights (no download) and checked against the model's own
    attention. Values are rounded to `decimals` places to keep the page small.
    """
    import torch

    b = backend_of(lm)
    b.require(WEIGHTS, "the neuron view")
    arch = getattr(b.model.config, "model_type", "?")
    if arch not in NEURON_ARCHS:
        raise InputError(
            "The neuron view needs bertviz's own copy of the model's code, which exists for BERT, GPT-2 and "
            "RoBERTa (this app builds BERT and GPT-2 from the loaded weights); {model} is {arch} (rotary position "
            "embeddings and grouped-query attention, which bertviz's classes do not have). Use the head view, the "
            "model view or the heatmaps, or choose all-MiniLM-L6-v2, BERT or GPT-2." if arch == "llama" else
            "The neuron view needs bertviz's own copy of the model's code, which exists for BERT, GPT-2 and "
            "RoBERTa (this app builds BERT and GPT-2 from the loaded weights); {model} is {arch}. Use the head "
            "view, the model view or the heatmaps, or choose all-MiniLM-L6-v2, BERT or GPT-2.", model=b.name,
            arch=arch
        )
    text_b = (text_b or "").strip() if isinstance(text_b, str) else ""
    if text_b and arch == "gpt2":
        raise InputError("bertviz's neuron view takes sentence pairs for BERT only: clear sentence B for GPT-2.")
    ids, _, _ = encode(b, text, text_b, max_tokens=NEURON_MAX_TOKENS, what="the neuron view")
    from bertviz.neuron_view import get_attention

    model = _bertviz_model(b)
    with torch.inference_mode():
        # bertviz tokenizes the text itself: a causal LM's start token goes in front as text, so that the
        # view reads what every other view reads (GPT-2's tokenizer turns "<|endoftext|>" into its id)
        data = get_attention(model, arch, b.tokenizer, start_token(b.tokenizer) + text if arch == "gpt2" else text, text_b or None, include_queries_and_keys=True)
    params = {"attention": _round(data, decimals), "default_filter": "all", "bidirectional": arch != "gpt2",
              "display_mode": "light", "layer": 0, "head": 0}
    return params


def _round(value, decimals: int):
    if isinstance(value, float):
        return round(value, decimals)
    if isinstance(value, list):
        return [_round(v, decimals) for v in value]
    if isinstance(value, dict):
        return {k: _round(v, decimals) for k, v in value.items()}
    return value


def _bertviz_model(b):
    """bertviz's BertModel / GPT2Model with the loaded model's weights (float32, CPU, eval)."""
    import torch
    from bertviz.transformers_neuron_view import BertConfig, BertModel, GPT2Config, GPT2Model

    config = b.model.config
    base = b.model.base_model
    if config.model_type == "bert":
        ours = BertModel(BertConfig(
            vocab_size_or_config_json_file=config.vocab_size, hidden_size=config.hidden_size,
            num_hidden_layers=config.num_hidden_layers, num_attention_heads=config.num_attention_heads,
            intermediate_size=config.intermediate_size, hidden_act=config.hidden_act,
            max_position_embeddings=config.max_position_embeddings, type_vocab_size=config.type_vocab_size,
            layer_norm_eps=config.layer_norm_eps, output_attentions=True))
        optional = ("pooler.",)
    else:
        ours = GPT2Model(GPT2Config(
            vocab_size_or_config_json_file=config.vocab_size, n_positions=config.n_positions,
            n_ctx=config.n_positions, n_embd=config.n_embd, n_layer=config.n_layer, n_head=config.n_head,
            layer_norm_epsilon=config.layer_norm_epsilon, output_attentions=True))
        optional = (".attn.bias", ".attn.masked_bias")
    state = {k: v.detach().to("cpu", torch.float32) for k, v in base.state_dict().items()}
    missing, _ = ours.load_state_dict(state, strict=False)
    missing = [k for k in missing if not any(o in k for o in optional)]
    if missing:
        raise InputError("bertviz's {model_type} model does not match {model}'s weights (missing {items}); the "
                         "neuron view cannot be built for it.", model_type=config.model_type, model=b.name,
                         items=', '.join(missing[:4]))
    return ours.eval()
