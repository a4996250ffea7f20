"""Attribution problems: what is read, what is attributed, and the target f(x) = Σ_k w_k · log P(target_k | x),
for each of the app's questions (next token, contrast, label margin, probe word, a generated token). The
methods that score a Problem are in the package (`attribution.attribute`)."""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import InputError
from ..lm import LM, SCORE, ScoreRequest, backend_of

MAX_TOKENS = 256  # the attribution cap: a backward pass keeps every layer's activations of every position

# ---- the problem: what is read, what is attributed, what is the target --------------------------


@dataclass(frozen=True)
class Term:
    """One log-probability of the target: `weight` × log P(ids | the input), scored by the core's rule."""

    ids: tuple[int, ...]
    weight: float
    label: str  # the word or token, as it reads


@dataclass(frozen=True)
class Problem:
    """An input as the model reads it and a target f = Σ weight · log P(term | input).

    `context` is what a causal LM reads (start token first), the ids before a masked LM's slot, or a seq2seq
    encoder's input; `after` the ids after a masked LM's slot; `decoder` a seq2seq decoder's ids before the
    target (its start token first). `attributed` lists, in reading order, the (side, index) of every token the
    scores are for (side: "context", "after" or "decoder"); the rest are held fixed."""

    model: str
    family: str
    kind: str  # "next token" | "contrast" | "label margin" | "probe word" | "generated token"
    description: str  # the target in words
    context: tuple[int, ...]
    terms: tuple[Term, ...]
    attributed: tuple[tuple[str, int], ...]
    after: tuple[int, ...] = ()
    decoder: tuple[int, ...] = ()
    slot: str = ""  # masked LMs: how the blank is drawn between `context` and `after`
    notices: tuple[str, ...] = ()

    def side(self, name: str) -> tuple[int, ...]:
        return {"context": self.context, "after": self.after, "decoder": self.decoder}[name]

    def requests(self, replace: dict[tuple[str, int], int] | None = None) -> list[ScoreRequest]:
        """The core's ScoreRequests for every term, with some tokens replaced ({(side, index): id})."""
        sides = {name: list(self.side(name)) for name in ("context", "after", "decoder")}
        for (name, i), tok in (replace or {}).items():
            sides[name][i] = tok
        return [ScoreRequest(tuple(sides["context"]), t.ids, after=tuple(sides["after"]),
                             decoder=tuple(sides["decoder"])) for t in self.terms]

    @property
    def size(self) -> int:
        return len(self.context) + len(self.after) + len(self.decoder)


def _held_count(b, ids: tuple[int, ...], side: str) -> tuple[int, int]:
    """How many tokens at the front and at the end of one side the reading policy put there (held fixed): a
    causal LM's start token; [CLS] before a masked LM's slot and [SEP] after it; a seq2seq encoder's special
    tokens (T5's closing </s>); a seq2seq decoder's start token."""
    if side == "decoder":
        return (1 if ids else 0), 0
    special = b.special_ids()
    front = back = 0
    if side == "context":
        if b.family == "causal":
            start = b.start_ids()
            front = len(start) if start and tuple(ids[:len(start)]) == start else 0
        elif ids and ids[0] in special:
            front = 1
    if side == "after" or (side == "context" and b.family == "seq2seq"):
        while back < len(ids) - front and ids[len(ids) - 1 - back] in special:
            back += 1
    return front, back


def frame(b, request: ScoreRequest) -> tuple[tuple[str, int], ...]:
    """Which tokens of a request's input are attributed, in reading order ((side, index)); an InputError, before
    any forward pass, when there are none or the input is over the attribution cap."""
    attributed = []
    for side, ids in (("context", request.context), ("after", request.after), ("decoder", request.decoder)):
        front, back = _held_count(b, ids, side)
        attributed += [(side, i) for i in range(front, len(ids) - back)]
    if not attributed:
        raise InputError("There are no words to attribute to: the text is empty (the model reads only its start "
                         "token). Type a few words.")
    size = len(request.context) + len(request.after) + len(request.decoder)
    if size > MAX_TOKENS:
        raise InputError("The text is {size:,} tokens as the model reads it; attribution reads at most "
                         "{max_tokens} (a gradient keeps every layer's activations of every token in memory, and "
                         "occlusion runs one row per token). Shorten it by {over:,} tokens.",
                         size=size, max_tokens=MAX_TOKENS, over=size - MAX_TOKENS)
    return tuple(attributed)


def problem_of(b, kind: str, description: str, requests: list[ScoreRequest], weights, labels,
               notices=()) -> Problem:
    """A Problem from the core's requests for each term (they must share their input, as every target here does)."""
    first = requests[0]
    for q in requests[1:]:
        if (q.context, q.after, q.decoder) != (first.context, first.after, first.decoder):
            raise ValueError("the terms of one target must read the same input")
    attributed = frame(b, first)
    slot = (b.tokenizer.mask_token or "[MASK]") if b.family == "masked" else ""
    terms = tuple(Term(tuple(q.target), float(w), lab) for q, w, lab in zip(requests, weights, labels))
    return Problem(b.name, b.family, kind, description, tuple(first.context), terms, attributed,
                   tuple(first.after), tuple(first.decoder), slot, tuple(dict.fromkeys(notices)))


def _need(lm: LM, feature: str = "attribution"):
    b = backend_of(lm)
    b.require(SCORE, feature)
    return b


def _single_token(b, text: str, what: str) -> int:
    """The one token `text` is in the vocabulary, or an InputError that shows its pieces (and a spelling that is
    one)."""
    if not isinstance(text, str) or not text:
        raise InputError("{what} is empty: type a token, e.g. ' night' (with its leading space).", what=what)
    if b.family == "masked":
        text = text.strip() or text
    ids = b.pieces(text, what)
    if len(ids) == 1:
        return ids[0]
    hint = ""
    for other in (" " + text.lstrip(), text.lstrip()):
        if other != text and len(b.pieces(other, what)) == 1:
            hint = f" {other!r} is one token: try that."
            break
    pieces = " + ".join(repr(p) for p in b.labels(ids))
    raise InputError("{what} {text!r} is not one token of {model}'s vocabulary: it reads as {n} tokens "
                     "({pieces}).{hint} Pick a single token (the top-k list shows them), or score a whole word "
                     "as a bias-probe target.", what=what, text=text, model=b.name, n=len(ids), pieces=pieces,
                     hint=hint)


def _top_token(b, request: ScoreRequest) -> tuple[int, float]:
    """The model's most likely token where `request`'s first target token is read (through the core)."""
    probe = ScoreRequest(request.context, (b.pad_id(),), after=request.after, decoder=request.decoder, top=1)
    return b.score([probe])[0].top[0][0]


def next_token_problem(lm: LM, text: str, *, target: str = "", contrast: str = "", decoder_prefix: str = "",
                       max_tokens: int = 1024) -> Problem:
    """The next token after `text` (a masked LM: the token at its one [MASK]; a seq2seq model: the decoder's next
    token after `decoder_prefix`). `target` empty: the model's top token; `contrast`: log P(target) − log P(it)."""
    b = _need(lm)
    if not isinstance(text, str):
        raise InputError("The text must be text; got {type}.", type=type(text).__name__)
    notices: list[str] = []
    if b.family == "masked":
        if "[MASK]" not in text and "<mask>" not in text:
            raise InputError("{model} is a masked LM: put [MASK] where the predicted token goes, e.g. 'The man "
                             "worked as a [MASK].'", model=b.name)
        slot = b.slot(text, max_tokens=max_tokens)
        base = ScoreRequest(slot.before, (0,), after=slot.after)
    elif b.family == "seq2seq":
        if not text.strip():
            raise InputError("The text is empty; {model} reads an input text. Type one.", model=b.name)
        enc = b.encode(text, max_tokens=max_tokens)
        dec = b.encode_decoder(decoder_prefix or "", max_tokens=max_tokens)
        base, notices = ScoreRequest(enc.ids, (0,), decoder=dec.ids), list(enc.notices)
    else:
        enc = b.encode(text, max_tokens=max_tokens)
        base, notices = ScoreRequest(enc.ids, (0,)), list(enc.notices)
    frame(b, base)  # nothing to attribute, or too long: said before any forward pass
    if target:
        target_id = _single_token(b, target, "The target")
    else:
        target_id, _ = _top_token(b, base)
    ids = [target_id]
    if contrast:
        other = _single_token(b, contrast, "The contrast token")
        if other == target_id:
            raise InputError("The target and the contrast are the same token: pick two different ones "
                             "(why ' nurse' rather than ' mechanic').")
        ids.append(other)
    labels = b.labels(ids)
    reqs = [ScoreRequest(base.context, (i,), after=base.after, decoder=base.decoder) for i in ids]
    where = {"masked": "at the mask", "seq2seq": "as the decoder's next token"}.get(b.family, "next")
    if contrast:
        kind, desc = "contrast", f"log P({labels[0]!r}) − log P({labels[1]!r}) {where}"
    else:
        top = "" if target else " (the model's top token)"
        kind, desc = "next token", f"log P({labels[0]!r}) {where}{top}"
    return problem_of(b, kind, desc, reqs, (1.0, -1.0)[: len(ids)], labels, notices)


def label_problem(lm: LM, text: str, template: str, labels, *, label: str = "", other: str = "", demos=(),
                  instruction: str = "", max_tokens: int = 1024) -> Problem:
    """The margin log P(label A's verbalizer | prompt) − log P(label B's verbalizer | prompt), the prompt built by
    the Prompting tab's template (and demonstrations). A and B default to the model's two likeliest labels."""
    from .. import prompting
    from ..prompting.scoring import as_labels, requests_for

    b = _need(lm, "attribution of a label")
    if not isinstance(text, str) or not text.strip():
        raise InputError("The input is empty: type a sentence to classify, e.g. a short review.")
    template = prompting.check_template(template, b.family)
    labs = as_labels(labels, template)
    prompt = prompting.build_prompt(template, text, demos, instruction=instruction, labels=labs)
    names = [lab.name for lab in labs]

    def find(name: str) -> int:
        for n, lab in enumerate(labs):
            if lab.name.lower() == str(name).strip().lower():
                return n
        raise InputError("There is no label {name!r}: choose one of {items}.", name=name, items=', '.join(names))

    verbs, notes = prompting.verbalizers(b, labs)
    reqs, read = requests_for(b, prompt, [v.ids for v in verbs], max_tokens=max_tokens)
    frame(b, reqs[0])
    if label and other:
        a, c = find(label), find(other)
    else:
        scored = [s.logprob for s in b.score(reqs)]  # the label scores /classify gives
        order = sorted(range(len(labs)), key=lambda j: -scored[j])
        a = find(label) if label else order[0]
        c = find(other) if other else next(j for j in order if j != a)
    if a == c:
        raise InputError("Label A and label B are the same: choose two different labels.")
    reqs = [reqs[a], reqs[c]]
    desc = (f"log P({labs[a].verbalizer!r} | prompt) − log P({labs[c].verbalizer!r} | prompt): why "
            f"{labs[a].name!r} rather than {labs[c].name!r}")
    return problem_of(b, "label margin", desc, reqs, (1.0, -1.0), (labs[a].name, labs[c].name), [*notes, *read])


def probe_problem(lm: LM, sentence: str, word: str, contrast: str = "") -> Problem:
    """A bias-probe target: log P(word | the sentence's blank), the word scored whole by the core's rule (as /bias_probe
    scores it), minus log P(contrast) when one is given."""
    from .. import probes

    b = _need(lm, "attribution of a probe word")
    if b.family not in ("masked", "causal"):
        raise InputError("Bias probes score masked LMs and causal LMs; {model} is {family}. Choose SmolLM2 or a "
                         "masked LM.", model=b.name, family=b.family)
    sentence = probes.check_text(sentence, "The sentence")
    slot = b.slot(sentence)
    words = [w for w in (word, contrast) if w]
    if not word or not str(word).strip():
        raise InputError("The target word is empty: type the word to explain, e.g. nurse.")
    if contrast and contrast.strip().lower() == word.strip().lower():
        raise InputError("The target word and the contrast word are the same: choose two different words.")
    reqs = [probes.slot_request(b, slot, w.strip()) for w in words]
    notes = []
    if b.family == "causal" and not probes.ends_sentence(sentence):
        notes.append("A causal LM reads left to right: the words after the blank play no part, so they get no score.")
    split = [w for w, q in zip(words, reqs) if len(q.target) > 1]
    if split:
        how = "the chain rule" if b.family == "causal" else "one mask per piece, filled left to right"
        notes.append(f"Scored whole ({how}): {', '.join(split)} is more than one token.")
    if contrast:
        desc = f"log P({word.strip()!r}) − log P({contrast.strip()!r}) in the blank"
    else:
        desc = f"log P({word.strip()!r}) in the blank, the word scored whole"
    return problem_of(b, "probe word" if not contrast else "contrast", desc, reqs, (1.0, -1.0)[: len(reqs)],
                      tuple(w.strip() for w in words), notes)


def generated_problem(lm: LM, prompt_ids, generated_ids, step: int) -> Problem:
    """The token generated at `step` (from 0): log P(it | the prompt and the tokens generated before it), the
    model's own probability. A seq2seq model reads the prompt in its encoder and the earlier tokens in its decoder."""
    b = _need(lm, "attribution of a generated token")
    generated = [int(t) for t in generated_ids]
    if not isinstance(step, int) or isinstance(step, bool) or not 0 <= step < len(generated):
        raise InputError("Step {step!r} is not one of the {n} generated tokens: click a generated token (or "
                         "choose a step from 1 to the number generated).", step=step, n=len(generated))
    token = generated[step]
    if b.family == "seq2seq":
        dec = tuple(b.encode_decoder("").ids) + tuple(generated[:step])
        req = ScoreRequest(tuple(prompt_ids), (token,), decoder=dec)
    elif b.family == "causal":
        req = ScoreRequest(tuple(prompt_ids) + tuple(generated[:step]), (token,))
    else:
        raise InputError("{model} is a {family} model: it generates nothing, so there is no generated token to "
                         "explain.", model=b.name, family=b.family)
    label = b.label(token)
    desc = f"log P({label!r}), the token generated at step {step + 1}, given the prompt and the {step} before it"
    return problem_of(b, "generated token", desc, [req], (1.0,), (label,))

