"""What counts as English left in Chinese UI text, for the tests that look (tests/test_i18n_views.py and the
browser test tests/browser/test_language_browser.py), and the fixed text of a view: an HTML string's visible
text, a plotly figure's titles, axis titles, legend names, annotations and hover templates.

Not looked at (issue 18's exemptions): model names, tokens and model output (token chips, code, quoted examples,
table cells, tick labels and the texts on bars and cells), numbers.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from playground import models

# Words that are the same in both languages: names, code identifiers, units and the field's own symbols.
SAME = {
    "api", "gradio", "bertviz", "numpy", "plotly", "hugging", "face", "hub", "gguf", "safetensors", "float", "auto",
    "cpu", "gpu", "cuda", "mps", "bpe", "wordpiece", "sentencepiece", "unigram", "softmax", "logit", "logits",
    "argmax", "lens", "top", "apache", "licence", "pca", "faq", "sst", "utf", "csv", "json", "html", "readme",
    "layernorm", "rollout", "cls", "sep", "mask", "unk", "pad", "bos", "eos", "head", "view", "model", "neuron",
    "generate", "rotary", "batch", "positions", "vocabulary", "nats", "openai", "llama", "gemma", "qwen", "bert",
    "minilm", "smollm", "gpt", "neo", "roberta", "distilbert", "distilgpt", "bart", "flan", "base", "small",
    "medium", "large", "uncased", "instruct", "chinese", "all", "clark", "abnar", "zuidema", "via",
    "playground", "model_dirs", "remote_urls", "max", "new", "tokens", "beams", "num", "penalty", "alpha",
    "length", "repetition", "ngram", "size", "return", "sequences", "sample", "do_sample", "bad_words_ids",
    "temperature", "top_k", "top_p", "seed", "endoftext", "im_start", "im_end", "user", "assistant", "extra_id",
    "transformer", "alt",
    "cos", "log", "rope",  # the formulas' function names (log P, mean cos(Δ·θᵢ)), like softmax and argmax
    "gram",  # n-gram, the field's term
}
# names: a library's name, a file's path, a code identifier (generate()'s max_new_tokens, a template's {text}), a
# name with a digit in it (word2vec, gpt2), a setting's name (PLAYGROUND_MAX_PROMPT_TOKENS): taken out of a text
# before its words are looked at
NAME = re.compile("|".join((
    r"\bsentence-transformers\b",  # a library
    r"(?<![\w/])(?:[\w.-]+/)+(?:[\w-]+\.[A-Za-z]+)?(?![\w/])",  # a path: assets/probes/
    r"\{\w+\}|\b\w*_\w*\b",  # an identifier: a template's {text}, max_new_tokens, PLAYGROUND_MAX_PROMPT_TOKENS
    r"\b[A-Za-z]+\d\w*\b",  # a name with a digit: word2vec, gpt2
)))


def _names() -> set[str]:
    found = set()
    for spec in (*models.HUB_CLASSICS, models._SMOLLM2, models._MINILM, models._GEMMA):
        found |= {w.lower() for w in re.findall(r"[A-Za-z]+", spec.name)}
    return found


QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”|‘[^’]*’|`[^`]*`|\([^()]*[A-Za-z][^()]*=[^()]*\)")


def english_left(texts: list[str]) -> list[str]:
    """The texts with a word of three or more Latin letters that is not a name, a code identifier or a quoted
    example (a token, a model's output, a prompt)."""
    same = SAME | _names()
    bad = []
    for text in texts:
        bare = NAME.sub(" ", QUOTED.sub(" ", text))
        words = re.findall(r"[A-Za-z][A-Za-z_]{2,}", bare)
        if any(w.lower() not in same and w.lower().rstrip("s") not in same for w in words):
            bad.append(text)
    return bad


# ---- a view's fixed text ---------------------------------------------------------------------------

# elements whose text is the model's or the user's (tokens, code, table cells), as the browser test skips them
_SKIP_TAGS = {"code", "pre", "td", "textarea", "script", "style"}
_SKIP_CLASSES = {"pg-tok", "pg-chip", "pg-tokens", "pg-special", "pg-ids", "pg-code", "pg-raw"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "col", "source"}


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: is its text skipped
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        skipped = (self.stack[-1] if self.stack else False) or tag in _SKIP_TAGS or bool(classes & _SKIP_CLASSES)
        self.stack.append(skipped)
        for name, value in attrs:  # a tooltip is text the user reads too
            if name == "title" and value and not skipped:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag not in _VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if data.strip() and not (self.stack and self.stack[-1]):
            self.texts.append(data.strip())


def html_texts(html: str) -> list[str]:
    """An HTML view's visible text nodes (and title tooltips), less tokens, code and table cells."""
    parser = _Visible()
    parser.feed(html)
    return parser.texts


_PLOTLY = re.compile(r"%\{[^}]*\}|<[^>]+>")


def _plain(text) -> str:
    return _PLOTLY.sub(" ", str(text or "")).strip()


def figure_texts(fig) -> list[str]:
    """A plotly figure's fixed text: its title, subplot titles and annotations, axis and colour-bar titles, legend
    names (of the traces in the legend) and the words of its hover templates (their %{…} fields left out)."""
    d = fig.to_dict()
    lay = d.get("layout", {})
    out = [(lay.get("title") or {}).get("text")]
    out += [a.get("text") for a in lay.get("annotations", [])]
    for key, value in lay.items():
        if re.fullmatch(r"[xy]axis\d*", key):
            out.append(((value or {}).get("title") or {}).get("text"))
    for tr in d.get("data", []):
        if tr.get("showlegend", True) is not False and tr.get("name"):
            out.append(tr["name"])
        out.append(tr.get("hovertemplate") if isinstance(tr.get("hovertemplate"), str) else None)
        out.append(((tr.get("colorbar") or {}).get("title") or {}).get("text"))
        out.append(((tr.get("marker") or {}).get("colorbar") or {}).get("title", {}).get("text")
                   if isinstance((tr.get("marker") or {}).get("colorbar"), dict) else None)
    return [p for p in (_plain(t) for t in out if t) if p]
