"""Tiny random models of every attention layout the by-hand recipes cover, for the test suite.

Each is built from its transformers config class with 2 layers and a hidden size of 32 (4 heads of 8
dims; 2 key/value heads where the family has grouped-query attention), weights drawn wide enough
that scores reach ±1..3, and the settings that make its layout visible at a dozen tokens: sliding and
local windows of 3, partial rotary, a soft-cap of 1, T5 buckets that reach the logarithmic range.
Saved with save_pretrained (and a tokenizer) into one folder, which a test allow-lists and loads back
through the real loader (ModelRegistry).
"""

from __future__ import annotations

from pathlib import Path

# name -> (config class, model class, tokenizer kind, config kwargs)
H = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64)
GQA = dict(H, num_key_value_heads=2, head_dim=8, max_position_embeddings=128, bos_token_id=0, eos_token_id=0,
           pad_token_id=0)
INIT = 0.2  # weights' spread: scores of about ±1..3, so that every step (a soft-cap of 1, a slope, a scale) shows
WINDOW = 3  # sliding / local window: at a dozen tokens the band below the diagonal is plain to see

ZOO: dict[str, tuple[str, str, str, dict]] = {
    "gpt2": ("GPT2Config", "GPT2LMHeadModel", "bpe",
             dict(n_layer=2, n_head=4, n_embd=32, n_positions=128, bos_token_id=0, eos_token_id=0,
                  scale_attn_by_inverse_layer_idx=True)),
    "gpt_neo": ("GPTNeoConfig", "GPTNeoForCausalLM", "bpe",
                dict(hidden_size=32, num_layers=2, num_heads=4, attention_types=[[["global", "local"], 1]],
                     window_size=WINDOW, max_position_embeddings=128, bos_token_id=0, eos_token_id=0)),
    "gptj": ("GPTJConfig", "GPTJForCausalLM", "bpe",
             dict(n_embd=32, n_layer=2, n_head=4, rotary_dim=4, n_positions=128, bos_token_id=0, eos_token_id=0)),
    "gpt_neox": ("GPTNeoXConfig", "GPTNeoXForCausalLM", "bpe",
                 dict(H, rotary_pct=0.5, attention_bias=True, max_position_embeddings=128, bos_token_id=0,
                      eos_token_id=0)),
    "llama": ("LlamaConfig", "LlamaForCausalLM", "bpe", dict(GQA)),
    "mistral": ("MistralConfig", "MistralForCausalLM", "bpe", dict(GQA, sliding_window=WINDOW)),
    "qwen2": ("Qwen2Config", "Qwen2ForCausalLM", "bpe",
              dict(GQA, use_sliding_window=True, sliding_window=WINDOW, max_window_layers=1)),
    "phi3": ("Phi3Config", "Phi3ForCausalLM", "bpe",
             dict(GQA, partial_rotary_factor=0.5, original_max_position_embeddings=128)),
    "gemma2": ("Gemma2Config", "Gemma2ForCausalLM", "bpe",
               dict(GQA, sliding_window=WINDOW, attn_logit_softcapping=1.0, query_pre_attn_scalar=16)),
    "gemma3": ("Gemma3TextConfig", "Gemma3ForCausalLM", "bpe",
               dict(GQA, sliding_window=WINDOW, layer_types=["sliding_attention", "full_attention"],
                    query_pre_attn_scalar=16)),
    "bloom": ("BloomConfig", "BloomForCausalLM", "bpe",
              dict(hidden_size=32, n_layer=2, n_head=4, bos_token_id=0, eos_token_id=0)),
    "opt": ("OPTConfig", "OPTForCausalLM", "bpe",
            dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, ffn_dim=64, word_embed_proj_dim=32,
                 max_position_embeddings=128, bos_token_id=0, eos_token_id=0, pad_token_id=1)),
    "bert": ("BertConfig", "BertForMaskedLM", "wordpiece",
             dict(H, max_position_embeddings=128)),
    "distilbert": ("DistilBertConfig", "DistilBertForMaskedLM", "wordpiece",
                   dict(dim=32, n_layers=2, n_heads=4, hidden_dim=64, max_position_embeddings=128)),
    "roberta": ("RobertaConfig", "RobertaForMaskedLM", "roberta",
                dict(H, max_position_embeddings=130, pad_token_id=1, bos_token_id=0, eos_token_id=2)),
    "t5": ("T5Config", "T5ForConditionalGeneration", "unigram",
           dict(d_model=32, d_ff=64, d_kv=8, num_layers=2, num_heads=4, relative_attention_num_buckets=8,
                relative_attention_max_distance=16, decoder_start_token_id=0, pad_token_id=0, eos_token_id=1)),
    "bart": ("BartConfig", "BartForConditionalGeneration", "roberta",
             dict(d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
                  decoder_attention_heads=4, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=128,
                  bos_token_id=0, eos_token_id=2, pad_token_id=1, decoder_start_token_id=2,
                  forced_eos_token_id=None)),
}


def roberta_tokenizer(corpus):
    """A byte-level BPE with RoBERTa's (and BART's) special tokens: <s> text </s>, <pad>, <mask>."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    tk = Tokenizer(models.BPE())
    tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tk.decoder = decoders.ByteLevel()
    tk.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=400, special_tokens=specials,
                                                       initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tk.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0), trim_offsets=False)
    return PreTrainedTokenizerFast(tokenizer_object=tk, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                                   unk_token="<unk>", mask_token="<mask>")


def build_zoo(root: Path, tokenizers: dict) -> dict[str, Path]:
    """Save every tiny model of ZOO (with its tokenizer from `tokenizers`) under root; name -> folder."""
    import torch
    import transformers

    folders = {}
    for name, (config_cls, model_cls, tok_kind, kwargs) in ZOO.items():
        torch.manual_seed(0)
        tok = tokenizers[tok_kind]
        init = {"t5": {}, "bart": {"init_std": INIT}, "opt": {"init_std": INIT}}.get(name, {"initializer_range": INIT})
        config = getattr(transformers, config_cls)(vocab_size=len(tok), **init, **kwargs)
        model = getattr(transformers, model_cls)(config)
        folder = root / f"zoo-{name}"
        model.save_pretrained(folder)
        tok.save_pretrained(folder)
        folders[name] = folder
    return folders
