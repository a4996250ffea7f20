"""Exports for a lecture: one tab's result and a deck of lessons as self-contained HTML (plotly.js inlined from the
installed package, no network), tables as CSV and JSON, notes as escaped Markdown; and the UI side that turns what a
tab shows (gr.Plot's data, HTML, a DataFrame) into those items."""

from __future__ import annotations

import csv
import io
import json

import gradio as gr
import pandas as pd
import plotly
import plotly.graph_objects as go
import pytest
from gradio.components.plot import PlotData

from playground.ui import lecture
from playground.views import export
from playground.views.common import empty_hint

FIG = go.Figure(go.Bar(x=["night", "day"], y=[0.86, 0.02])).to_json()
TABLE = {"headers": ["token", "prob"], "rows": [["night", 0.86], ["day, or \"dusk\"", 0.02]]}


def _slide(**kw) -> export.Slide:
    items = (export.Item(export.PLOT, "Top k", FIG), export.Item(export.TABLE, "Top-k table", TABLE),
             export.Item(export.HTML, "", '<div class="pg-cards">7 tokens</div>'))
    return export.Slide(title=kw.get("title", "Lesson 7 · From logits to probabilities"),
                        notice=kw.get("notice", "**What to notice:** softmax sums to 1."), items=items, key="7")


def test_a_result_is_one_offline_file_with_plotly_inlined():
    doc = export.result_document(_slide())
    assert doc.startswith("<!doctype html>") and export.offline(doc)
    assert export.plotly_js()[:2000] in doc  # the installed package's plotly.js, inlined
    assert f"v{plotly.__version__}" in doc or "plotly.js" in doc
    assert "<script src=" not in doc  # (plotly.js names its CDN in a string, for geo maps; nothing loads it)
    assert 'pgPlot("slide-1-item-1"' in doc and "7 tokens" in doc
    assert "<strong>What to notice:</strong>" in doc  # the note's Markdown is rendered


def test_notes_and_table_cells_stay_text():
    doc = export.result_document(_slide(notice="a <script>alert(1)</script> token", title="<b>x</b>"))
    assert "<script>alert(1)</script>" not in doc and "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    assert "<title>Model playground: &lt;b&gt;x&lt;/b&gt;</title>" in doc


def test_tables_as_csv_and_json():
    rows = list(csv.reader(io.StringIO(export.table_csv(TABLE))))
    assert rows == [["token", "prob"], ["night", "0.86"], ['day, or "dusk"', "0.02"]]
    assert json.loads(export.table_json(TABLE)) == [{"token": "night", "prob": 0.86},
                                                     {"token": 'day, or "dusk"', "prob": 0.02}]
    files = dict(export.table_files(_slide()))
    assert set(files) == {"top-k-table.csv", "top-k-table.json"}
    doc = export.result_document(_slide())
    assert 'download="top-k-table.csv" href="data:text/csv' in doc  # saved from inside the file, offline too


def test_a_deck_lists_the_slides_in_order_with_their_notes():
    slides = [_slide(title="Lesson 5 · Logits"), _slide(title="Lesson 7 · Softmax", notice="the *sum* is 1")]
    doc = export.deck_document(slides)
    assert doc.index("Lesson 5 · Logits") < doc.index("Lesson 7 · Softmax")
    assert doc.count('class="pgx-slide"') == 2 and "<em>sum</em>" in doc and export.offline(doc)
    assert "No lesson has been shown yet" in export.deck_document([])


def test_the_ui_reads_what_a_tab_shows():
    spec = [(export.PLOT, "Top k"), (export.TABLE, "Top-k table"), (export.HTML, ""), (export.PLOT, "empty")]
    frame = pd.DataFrame(TABLE["rows"], columns=TABLE["headers"])
    items = lecture.items_of(spec, [PlotData(type="plotly", plot=FIG), frame, "<p>x</p>", None])
    assert [i["kind"] for i in items] == ["plot", "table", "html"]  # the empty chart is left out
    assert items[1]["value"] == TABLE and items[0]["value"] == FIG


def test_a_tab_that_shows_only_its_hint_has_nothing_to_export():
    spec = [(export.HTML, ""), (export.PLOT, "Top k"), (export.TABLE, "Top-k table")]
    hint = empty_hint("Click Predict or a lesson to see what the model expects next.")
    assert lecture.items_of(spec, [hint, None, pd.DataFrame(columns=TABLE["headers"])]) == []
    with pytest.raises(gr.Error, match="Nothing to export yet"):
        lecture.export_result("Next token", spec, "", hint, None, None)
    assert lecture.items_of([(export.HTML, "")], [hint + "<p>a result</p>"])  # a hint beside a result is kept


def test_export_result_writes_the_html_and_each_tables_files(tmp_path):
    spec = [(export.PLOT, "Top k"), (export.TABLE, "Top-k table")]
    frame = pd.DataFrame(TABLE["rows"], columns=TABLE["headers"])
    paths = lecture.export_result("Next token", spec, "**note**", PlotData(type="plotly", plot=FIG), frame)
    names = [p.rsplit("/", 1)[-1] for p in paths]
    assert names == ["next-token.html", "next-token-top-k-table.csv", "next-token-top-k-table.json"]
    html = open(paths[0], encoding="utf-8").read()
    assert export.offline(html) and "<strong>note</strong>" in html


def test_the_deck_keeps_the_order_shown_and_replaces_a_lesson_shown_again():
    spec = [(export.HTML, "")]
    deck = lecture.record_slide("softmax", "Next token", spec, [], "note 7", "<p>seven</p>")
    deck = lecture.record_slide("top-k-top-p", "Decoding", spec, deck, "note 13", "<p>thirteen</p>")
    deck = lecture.record_slide("softmax", "Next token", spec, deck, "note 7 again", "<p>seven again</p>")
    assert [s["key"] for s in deck] == ["7", "13"]
    late = lecture.record_slide("top-k-top-p", "Decoding", spec, deck, "**Lesson 14. What to notice:** x",
                                "<p>13</p>", own_notice="**Lesson 13. What to notice:** its own")
    assert late[1]["notice"] == "**Lesson 13. What to notice:** its own"  # Next came before it finished
    assert deck[0]["title"] == "Lesson 7 · From logits to probabilities" and deck[0]["notice"] == "note 7 again"
    html = open(lecture.export_deck(deck), encoding="utf-8").read()
    assert html.index("seven again") < html.index("thirteen") and export.offline(html)
    assert "2</b> lesson(s)" in lecture.deck_summary(deck)
