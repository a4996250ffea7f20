"""The interface in both languages, in real headless Chromium: with the browser in zh-CN every tab, after one lesson
has run in it (so its messages, notes, cards and charts are on screen), shows no English UI text; in en-US no
Chinese; the in-page switch and ?lang= change the language; a screenshot of every tab in Chinese.

What is not translated, and so not looked at (issue 18): model names, tokens, model output, numbers, and the
chrome of third-party views (bertviz's iframe, plotly's mode bar). SKIP, NOTE_EXAMPLE, TICK and the typed lines
below, and QUOTED, NAME and SAME in tests/i18n_text.py (shared with the views' tests), say, each, which of these
it is; the model's input (a lesson's example sentence, a probe set) counts as tokens: a view that echoes it marks
it .pg-input.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.i18n_text import QUOTED, english_left

from .conftest import SLOW, goto_ready, shot

pytestmark = pytest.mark.browser

LESSON_SLOW = 240_000  # a lesson on a busy two-core machine
# (tab id, lesson run in it, an element that shows once the lesson's result is on screen)
TABS = [
    ("lessons", None, "#pg-player"),
    ("tokenizer", "three-ways", "#tok-counts .pg-card"),
    ("next-token", "every-prefix", "#nt-chart svg.main-svg .bars path"),
    ("decoding", "greedy-vs-beam", "#dec-compare-view .pg-cmp-head"),  # its last step: greedy and beam side by side
    ("prompting", "zero-shot-sentiment", "#pr-confusion-0 .js-plotly-plot"),  # its last step: the 120 reviews
    ("attention", "syntax-heads", "#att-heatmap svg.main-svg"),
    ("embeddings", "token-position", "#emb-token-neighbours svg.main-svg"),
    ("probes", "fill-mask-probes", "#bp-ratio svg.main-svg .bars path"),
]

# What is not looked at, by the categories of what is not translated (issue 18: model names, tokens,
# model output, numbers, the chrome of third-party views). Each selector is one element kind of the page.
SKIP = {
    # tokens: the views' token chips and lists, the words of the model's input each with its pieces, the ids
    ".pg-tok": "tokens", ".pg-chip": "tokens", ".pg-tokens": "tokens", ".pg-special": "tokens", ".pg-ids": "tokens",
    ".pg-split": "tokens (the input's words and the pieces the tokenizer split them into)",
    # model input: what is typed into a box (a lesson's example sentence), what a view echoes of it, and the data
    # a view feeds the model (a probe set's words, templates and description): a view marks it .pg-input
    "textarea": "model input", "input": "model input", ".pg-input": "model input",
    # tokens, model input and numbers: the cells of the views' tables and of Gradio's Dataframes (their headers
    # are looked at)
    "td": "tokens, model input, numbers", ".body-cell": "tokens, model input, numbers",
    # model output and code: generated text, code the model reads or writes, generate() calls
    ".pg-plain": "model output (a generated sequence's text)",
    "code": "model output / code", "pre": "model output / code", ".pg-code": "model output / code",
    ".cm-editor": "model output / code",
    # charts: tick labels (tokens, numbers), cell and point texts (numbers, tokens), a legend of raw model strings
    ".heatmaplayer": "numbers", ".textpoint": "numbers", ".bars text": "numbers", ".scatterlayer text": "tokens",
    # the chrome of third-party views: plotly's mode bar, bertviz's iframe, Gradio's own footer
    ".modebar": "third-party chrome", "iframe": "third-party chrome", "footer": "third-party chrome",
    # model names: the language switch names each language in its own words
    ".pg-lang": "names",
}
# An emphasised fragment of a lesson's note with no Chinese in it is the note's quoted example (the notes write a
# token or a word of the model's input as *ball* or **king**, as the English notes do).
NOTE_EXAMPLE = ".pg-notice em, .pg-notice strong"
# A chart's tick label is a token when it is one word: the charts draw a token's spaces as '·' (its numbers, a rank
# "3. ", an id "(#2332)", a ratio "×20.3", are numbers); a tick label of several words (a stage's name) is looked at.
TICK = ".xtick, .ytick, .x2tick, .y2tick, .x3tick, .y3tick"

# What a page shows, as text: visible text nodes, less the untranslated things above.
VISIBLE_TEXT = """
([skip, example, tick]) => {
  const cjk = /[\\u4e00-\\u9fff]/;
  // model input: a line typed into a box of the page (a probe set's template), where a view shows it again
  const typed = new Set();
  for (const box of document.querySelectorAll('textarea, input[type="text"]'))
    for (const line of (box.value || '').split('\\n')) if (line.trim()) typed.add(line.trim());
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walk.nextNode())) {
    const el = node.parentElement;
    if (!el || el.closest(skip)) continue;
    const quoted = el.closest(example);
    if (quoted && !cjk.test(quoted.textContent)) continue;
    const text = node.textContent.trim();
    if (!text || typed.has(text)) continue;
    if (el.closest(tick) && !/\\s/.test(text.replace(/^\\d+\\.\\s+|\\(#\\d+\\)|×[\\d.]+/g, '').trim())) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
    if (el.closest('[hidden], .hidden')) continue;
    out.push(text);
  }
  return out;
}
"""

CJK = re.compile(r"[\u4e00-\u9fff]")


def _open(context, live_app: str, query: str = "") -> Page:
    page = context.new_page()
    goto_ready(page, live_app + "/" + query, timeout=90_000)
    return page


# How many lessons the page's deck holds: its summary (on the Lessons tab) counts them in <b>.
DECK_COUNT = "() => Number(document.querySelector('#pg-deck-summary b')?.textContent || 0)"


def _run_tab(page: Page, tab: str, lesson: str | None, shown: str) -> None:
    page.locator(f'button[role="tab"][data-tab-id="{tab}"]').click()
    if lesson:
        before = page.evaluate(DECK_COUNT)
        page.locator(f"#lesson-{lesson}").click()
        page.locator(".pg-notice:visible").first.wait_for(state="visible", timeout=SLOW)
    page.locator(shown).first.wait_for(state="attached", timeout=LESSON_SLOW)
    if lesson:
        # the lesson's last event has run once its slide is in the deck (the deck records it after that event)
        page.wait_for_function(f"() => ({DECK_COUNT})() > {before}", timeout=LESSON_SLOW)


def _texts(page: Page) -> list[str]:
    return page.evaluate(VISIBLE_TEXT, [", ".join(SKIP), NOTE_EXAMPLE, TICK])


def _left_on_every_tab(page: Page, wrong, after_tab=lambda tab: None) -> dict[str, list[str]]:
    """Run each tab's lesson in `page`, then keep what `wrong(texts)` finds in the page's text, per tab."""
    left = {}
    for tab, lesson, shown in TABS:
        _run_tab(page, tab, lesson, shown)
        after_tab(tab)
        bad = wrong(_texts(page))
        if bad:
            left[tab] = bad
    page.close()
    return left


def _listed(left: dict[str, list[str]]) -> str:
    return "\n".join(f"{tab}: {t!r}" for tab, texts in left.items() for t in texts)


def test_every_tab_in_chinese_has_no_english_ui_text(zh_browser_context, live_app, screenshot_dir):
    page = _open(zh_browser_context, live_app)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    left = _left_on_every_tab(page, english_left, lambda tab: shot(page, screenshot_dir, f"zh_{tab}.png"))
    assert not left, "English left in the Chinese interface:\n" + _listed(left)


def test_every_tab_in_english_has_no_chinese_ui_text(browser_context, live_app):
    page = _open(browser_context, live_app)
    # a lesson's Chinese example (its text, the characters its note quotes) is model input, not UI text
    left = _left_on_every_tab(page, lambda texts: [t for t in texts if CJK.search(QUOTED.sub(" ", t))])
    assert not left, "Chinese in the English interface:\n" + _listed(left)


def test_the_switch_and_a_deep_link_change_the_language(browser_context, live_app):
    page = _open(browser_context, live_app, "?lesson=5&lang=zh-CN")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator('button[role="tab"][data-tab-id="next-token"]')).to_have_text("下一个词元")
    # the lesson the deep link ran wrote its note on the server, in the page's language
    expect(page.locator(".pg-notice:visible").first).to_contain_text("第 5 课", timeout=LESSON_SLOW)
    page.locator("#pg-lang label").filter(has_text="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator('button[role="tab"][data-tab-id="next-token"]')).to_have_text("Next token")
    assert "lang=en" in page.url
    page.locator("#lesson-logits-vector").click()
    expect(page.locator(".pg-notice:visible").first).to_contain_text("Lesson 5", timeout=LESSON_SLOW)
    page.close()


def test_the_chinese_examples_run_in_the_page(zh_browser_context, live_app, screenshot_dir):
    """Lessons 3.2, 6.2 and 16.2 offline: the tokenizer one shows the byte pieces of one character; the other two
    run on SmolLM2 and say that their Chinese-capable model is not here."""
    page = _open(zh_browser_context, live_app)
    _run_tab(page, "tokenizer", "three-ways-chinese", "#tok-counts .pg-card")
    piece = page.locator('#tok-spans .pg-tok[title*="一个字符拆成 3 个字节片段"]').filter(has_text="喜")
    expect(piece.first).to_be_attached(timeout=SLOW)
    expect(page.locator("#tok-spans .pg-tok").filter(has_text="喜").first).to_contain_text("3")  # its piece count
    expect(page.locator(".pg-three")).to_contain_text("我喜欢学习新的语言")  # no spaces: one "word" per clause
    shot(page, screenshot_dir, "zh_tokenizer_chinese.png")
    for tab, lesson, shown in (("next-token", "every-prefix-chinese", "#nt-chart svg.main-svg .bars path"),
                               ("prompting", "zero-shot-sentiment-chinese", "#pr-chart svg.main-svg .bars path")):
        _run_tab(page, tab, lesson, shown)
        notice = page.locator(".pg-notice:visible").first
        expect(notice).to_contain_text("Qwen/Qwen2.5-0.5B-Instruct")
        expect(notice).to_contain_text("连不上")
    page.close()
