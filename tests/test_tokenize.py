"""compute.tokenize against each tokenizer's own results: ids, spellings, offsets, bytes, groups."""

import pytest

from conftest import PACKAGED, TINY
from playground.compute.tokenize import decode_ids, decoded_of, parse_ids, three_ways, token_bytes, tokenize
from playground.errors import InputError

ALL = TINY + PACKAGED
TEXTS = [
    "It was a dark and stormy night.",
    "漢字 and emoji 🙂👩‍👩‍👧 and e\u0301 combining, café.",
    "<script>alert('x')</script> & <b>bold</b>",
    "  two  spaces,\ttab and\nnewline  ",
    "ＦＵＬＬＷＩＤＴＨ and zero\u200bwidth",
]


@pytest.fixture(scope="module")
def toks(registry):
    return {name: registry.load_tokenizer(name) for name in ALL}


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("text", TEXTS)
def test_matches_the_tokenizer_itself(toks, name, text):
    tok = toks[name]
    result = tokenize(tok, text, model=name)
    enc = tok(text, return_offsets_mapping=True)
    assert [t.id for t in result.tokens] == enc["input_ids"]
    assert [t.token for t in result.tokens] == tok.convert_ids_to_tokens(enc["input_ids"])
    assert [(t.start, t.end) for t in result.tokens] == [tuple(o) for o in enc["offset_mapping"]]
    assert [t.position for t in result.tokens] == list(range(len(result.tokens)))
    assert result.counts.tokens == len(enc["input_ids"])
    assert result.counts.vocab_size == len(tok)
    assert result.counts.content_tokens + result.counts.special_tokens == result.counts.tokens
    # Groups partition the tokens in order, and no group's text is a replacement character.
    assert [p for g in result.groups for p in g.tokens] == list(range(len(result.tokens)))
    for g in result.groups:
        assert "\ufffd" not in text[g.start:g.end]
    for t in result.tokens:
        assert "\ufffd" not in t.decoded


@pytest.mark.parametrize("name", ["local/tiny-gpt2", "SmolLM2-135M-Instruct"])
def test_byte_level_pieces_join_into_whole_characters(toks, name):
    text = "漢字 🙂 e\u0301"
    result = tokenize(toks[name], text, model=name)
    assert result.kind == "byte-level BPE"
    for g in result.groups:
        joined = bytes.fromhex(" ".join(result.tokens[p].bytes for p in g.tokens))
        assert joined.decode("utf-8") == text[g.start:g.end]  # the bytes of a group spell its text exactly
    partial = [t for t in result.tokens if t.partial]
    assert partial and all(t.decoded == "" for t in partial)
    assert "".join(text[g.start:g.end] for g in result.groups) == text


def test_wordpiece_marks_unknown_and_special_tokens(toks):
    result = tokenize(toks["all-MiniLM-L6-v2"], "running 字 fine", model="mini")
    assert result.kind == "WordPiece"
    assert result.tokens[0].token == "[CLS]" and result.tokens[0].special and result.tokens[-1].token == "[SEP]"
    unk = [t for t in result.tokens if t.token == "[UNK]"]
    assert unk and not unk[0].special and unk[0].text == "字" and unk[0].bytes == "e5 ad 97"
    assert result.counts.unknown_tokens == 1 and result.counts.special_tokens == 2
    no_special = tokenize(toks["all-MiniLM-L6-v2"], "running", add_special_tokens=False)
    assert [t.token for t in no_special.tokens] == ["running"]


def test_sentencepiece_bytes_undo_the_word_marker(toks):
    result = tokenize(toks["local/tiny-t5"], "dark night", model="t5")
    assert result.kind == "SentencePiece"
    assert result.tokens[-1].token == "</s>" and result.tokens[-1].special
    assert bytes.fromhex(result.tokens[0].bytes).decode().startswith(" ")  # '▁dark' stands for ' dark'


def test_token_bytes_spellings():
    assert token_bytes("Ġstorm", "byte-level BPE") == b" storm"
    assert token_bytes("<0xE6>", "SentencePiece") == b"\xe6"
    assert token_bytes("##ing", "WordPiece") == b"ing"
    assert token_bytes("▁hello", "SentencePiece") == b" hello"


def test_counts(toks):
    r = tokenize(toks["SmolLM2-135M-Instruct"], "It was a dark and stormy", model="smol")
    c = r.counts
    assert (c.characters, c.words, c.tokens, c.vocab_size) == (24, 6, 6, 49152)
    assert c.tokens_per_word == 1.0 and c.chars_per_token == 4.0 and c.bytes == 24


def test_chat_template_wraps_the_text(toks):
    r = tokenize(toks["SmolLM2-135M-Instruct"], "hi", model="smol", chat_template=True)
    assert r.chat_template and "<|im_start|>user" in r.text and "hi" in r.text
    assert any(t.special and t.token == "<|im_start|>" for t in r.tokens)
    with pytest.raises(InputError, match="no chat template"):
        tokenize(toks["all-MiniLM-L6-v2"], "hi", model="mini", chat_template=True)


def test_empty_and_over_the_limit(toks):
    empty = tokenize(toks["SmolLM2-135M-Instruct"], "", model="smol")
    assert empty.tokens == () and empty.counts.words == 0 and empty.counts.tokens_per_word == 0.0
    assert tokenize(toks["SmolLM2-135M-Instruct"], None).tokens == ()
    with pytest.raises(InputError, match="limit is 10"):
        tokenize(toks["SmolLM2-135M-Instruct"], "x" * 11, max_chars=10)


def test_as_json_is_plain_data(toks):
    import json

    data = tokenize(toks["local/tiny-bert"], "dark night", model="m").as_json()
    assert json.loads(json.dumps(data)) == data
    assert set(data["tokens"][0]) >= {"id", "token", "text", "start", "end", "special"}
    assert data["counts"]["tokens"] == len(data["tokens"])


def test_three_ways(toks):
    tw = three_ways(tokenize(toks["SmolLM2-135M-Instruct"], "run running unbelievably.", model="smol"))
    assert len(tw.characters) == 25
    assert tw.words == ("run", "running", "unbelievably", ".")
    assert "".join(tw.subwords) == "run running unbelievably."
    split = {w.word: w.pieces for w in tw.per_word}
    assert split["run"] == ("run",) and len(split["unbelievably."]) > 1


def test_parse_and_decode_ids(toks):
    tok = toks["SmolLM2-135M-Instruct"]
    ids = parse_ids("[1589, 436 253]")
    assert ids == [1589, 436, 253]
    d = decode_ids(tok, ids)
    assert d.text == "It was a" and d.pieces == ("It", "Ġwas", "Ġa") and d.texts[1] == " was"
    with pytest.raises(InputError, match="not a token id"):
        parse_ids("12, abc")
    with pytest.raises(InputError, match="No ids"):
        parse_ids("  ")
    with pytest.raises(InputError, match="outside this vocabulary"):
        decode_ids(tok, [49152])
    with pytest.raises(InputError, match="outside this vocabulary"):
        decode_ids(tok, [-1])


@pytest.mark.parametrize("name", ALL)
def test_decoded_of_a_result_equals_decoding_its_ids(toks, name):
    tok = toks[name]
    result = tokenize(tok, TEXTS[1], model=name)
    ids = [t.id for t in result.tokens]
    reused, fresh = decoded_of(tok, result), decode_ids(tok, ids)
    assert (reused.ids, reused.pieces, reused.texts, reused.text) == (fresh.ids, fresh.pieces, fresh.texts, fresh.text)
    for token, got, typed in zip(result.tokens, reused.bytes, fresh.bytes):
        if token.token == tok.unk_token and not token.special:  # the result knows what [UNK] replaced
            assert typed == "" and got == token.text.encode().hex(" ")
        else:
            assert got == typed
    assert decoded_of(tok, result, limit=3).ids == tuple(ids[:3])
    assert decoded_of(tok, result, limit=3).text == tok.decode(ids)


class _NoOffsets:
    """A tokenizer without an offset mapping (as some slow SentencePiece tokenizers are)."""

    def __init__(self, tok):
        self._tok = tok

    def __call__(self, text, **kw):
        if kw.get("return_offsets_mapping"):
            raise NotImplementedError("no offsets")
        return self._tok(text, **kw)

    def __getattr__(self, name):
        return getattr(self._tok, name)

    def __len__(self):
        return len(self._tok)


def test_tokenizers_without_offsets_are_aligned_by_decoding(toks):
    tok = toks["all-MiniLM-L6-v2"]
    text = "It was a dark and stormy night"
    aligned = tokenize(_NoOffsets(tok), text, model="m")
    exact = tokenize(tok, text, model="m")
    assert not aligned.offsets_exact and exact.offsets_exact
    assert [t.id for t in aligned.tokens] == [t.id for t in exact.tokens]
    assert [(t.start, t.end) for t in aligned.tokens] == [(t.start, t.end) for t in exact.tokens]


def test_a_metaspace_marker_sharing_a_span_is_not_a_byte_piece(toks):
    # SentencePiece may emit a lone '▁' whose span overlaps the next character: one display group,
    # but the character is whole and keeps its decoded text.
    result = tokenize(toks["local/tiny-t5"], "漢字", model="t5")
    han = next(t for t in result.tokens if t.text == "漢" and t.token != "▁")
    assert not han.partial and han.decoded == "漢"
    assert not any(t.partial for t in result.tokens)
