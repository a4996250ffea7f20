"""Views: structure of the HTML and figures, escaping of every model/user string, visible whitespace."""

import re

import plotly.graph_objects as go

from playground.compute.tokenize import Counts, Decoded, Group, Token, TokenizationResult, three_ways, tokenize
from playground.views import common as C, tokens as V


def _result(text, pieces, model="m<odel>", special_tokens=None):
    """A hand-made result: pieces are (token spelling, start, end, special)."""
    toks, groups = [], []
    for pos, (piece, start, end, special) in enumerate(pieces):
        toks.append(Token(pos, 100 + pos, piece, text[start:end], text[start:end], start, end, special,
                          "" if special else text[start:end].encode().hex(" "), pos, False))
        groups.append(Group(start, end, (pos,)))
    counts = Counts(len(text), len(text.encode()), len(text.split()), len(toks), len(toks), 0, 0, 1.0, 1.0, 999)
    return TokenizationResult(model, text, tuple(toks), tuple(groups), counts, special_tokens or {}, True, False,
                              True, "byte-level BPE")


def test_spans_escape_text_and_token_spellings():
    text = "<script>alert(1)</script>"
    r = _result(text, [("<script>", 0, 8, False), ("alert(1)", 8, 16, False), ("</script>", 16, 25, False),
                       ("<img src=x onerror=alert(2)>", 25, 25, True)])
    html = V.token_spans_html(r)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert html.count('class="pg-tok ') == 4
    for out in (V.counts_html(r), V.comparison_html([r]), V.special_tokens_html(r),
                V.three_ways_html(three_ways(r), "<b>m</b>")):
        assert "<script>" not in out and "<b>m</b>" not in out


def test_titles_carry_position_and_id():
    r = _result("ab cd", [("ab", 0, 2, False), ("Ġcd", 2, 5, False)])
    html = V.token_spans_html(r)
    assert 'title="position 1 · id 101 · Ġcd"' in html and 'data-id="101"' in html


def test_whitespace_is_visible():
    assert C.visible(" a\tb\nc\u200b") == (
        '<span class="pg-ws">·</span>a<span class="pg-ws">→</span>b<span class="pg-ws">↵</span><br>c'
        '<span class="pg-ws" title="U+200B">⌀</span>'
    )
    assert C.plain_visible(" x\n") == "·x↵"


def test_gaps_are_drawn_faint_and_text_is_complete():
    r = _result("a  b", [("a", 0, 1, False), ("b", 3, 4, False)])
    html = V.token_spans_html(r)
    assert 'class="pg-gap"' in html
    assert re.sub(r"<[^>]+>", "", html) == "a··b"


def test_empty_result_gives_a_hint():
    assert "empty" in V.token_spans_html(_result("", []))


def test_byte_pieces_draw_as_one_span_without_replacement_chars(registry):
    tok = registry.load_tokenizer("SmolLM2-135M-Instruct")
    r = tokenize(tok, "漢字 🙂", model="smol")
    html = V.token_spans_html(r)
    assert "\ufffd" not in html and "pg-multi" in html and "3 byte pieces" in html
    rows = V.token_table(r)
    assert len(rows) == len(r.tokens) and len(rows[0]) == len(V.TABLE_HEADERS)
    assert rows[0][4] == "byte piece 1/3 of '漢'"
    assert all("\ufffd" not in str(cell) for row in rows for cell in row)


def test_counts_cards_show_the_numbers():
    r = _result("ab cd", [("ab", 0, 2, False), ("Ġcd", 2, 5, False)])
    html = V.counts_html(r)
    assert html.count('class="pg-card"') == 6 and ">999<" in html and "m&lt;odel&gt;" in html


def test_comparison_figure_has_one_bar_per_model():
    rs = [_result("ab", [("ab", 0, 2, False)], model=n) for n in ("one", "two", "three")]
    fig = V.comparison_figure(rs)
    assert isinstance(fig, go.Figure) and len(fig.data) == 1
    assert list(fig.data[0].x) == ["one", "two", "three"] and list(fig.data[0].y) == [1, 1, 1]
    assert fig.layout.font.size >= 16  # readable when projected


def test_three_ways_lists_split_words():
    r = _result("run running", [("run", 0, 3, False), ("Ġrun", 3, 7, False), ("ning", 7, 11, False)])
    html = V.three_ways_html(three_ways(r), "m")
    assert "Characters: <b>11</b>" in html and "Words the model splits: 1" in html


def test_decoded_html_escapes():
    html = V.decoded_html(Decoded((1, 2), ("<a>", "b"), ("<a>", "b"), ("3c 61 3e", "62"), "<a>b"))
    assert "<a>" not in html and "&lt;a&gt;b" in html


def test_a_lone_combining_mark_gets_a_base():
    assert C.visible("\u0301").startswith('<span class="pg-ws">◌</span>')
    assert C.visible("e\u0301") == "e\u0301"


def test_decoded_html_shows_bytes_for_byte_pieces(registry):
    from playground.compute.tokenize import decode_ids

    tok = registry.load_tokenizer("SmolLM2-135M-Instruct")
    ids = tok("漢", add_special_tokens=False).input_ids
    html = V.decoded_html(decode_ids(tok, ids))
    assert "\ufffd" in tok.decode(ids[:1])  # what decoding a lone byte piece gives...
    assert "\ufffd" not in html and "byte piece e6" in html  # ...and what the panel shows instead
