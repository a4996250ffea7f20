from conftest import TINY


def test_tiny_models_are_in_the_catalog(registry):
    names = {s.name: s for s in registry.specs()}
    assert {n: names[n].family for n in TINY} == {
        "local/tiny-gpt2": "causal", "local/tiny-bert-mlm": "masked", "local/tiny-bert": "encoder",
        "local/tiny-t5": "seq2seq",
    }
