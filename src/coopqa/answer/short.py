"""The short answer: the bare figure with its unit and scale, the quoted span, or the list.

Read from the checked answer text and the passages it cites, so every answerer gets one the same
way: "7% (an increase): …" -> "7%", "$23,030 (…)" in a table "in thousands" -> "$23,030
thousand", a quoted sentence -> that sentence, "84% in 2018; 83% in 2019" -> ["84%", "83%"].
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..ingest.corpus import Passage
from ..ingest.text import tokenize

_PLAIN_LEAD = re.compile(r"^[$€£¥]?\s?[−-]?[$€£¥]?\s?\d[\d,]*(?:\.\d+)?(?:\s?%)?")
_QUOTE = re.compile(r"“(?P<quote>.+?)”(?=\s*\[\d|\s*$)")
_LIST = re.compile(r"(?P<figure>[$€£¥]?[−-]?\d[\d,]*(?:\.\d+)?%?) (?:in|for|at) [^;.]+")
_IN_TEXT = re.compile(
    r"(?P<figure>[$€£¥]?\s?\d[\d,]*(?:\.\d+)?(?:\s?%| (?:thousand|million|billion)\b)?)"
)
# A unit word right after a figure ("424 persons: …"), not a preposition starting a phrase.
_UNIT_WORD = re.compile(
    r"\s([a-z][a-z-]+)\b(?<!\bin)(?<!\bof)(?<!\bto)(?<!\bfor)(?<!\bat)"
    r"(?<!\bon)(?<!\bby)(?<!\band)(?<!\bor)(?<!\bfrom)(?<!\bcomputed)"
)
# An amount: a figure with a currency, a percent sign or a scale word ("$1.2 million", "56.0%").
_AMOUNT = re.compile(
    r"(?:[$€£¥]|US\$)\s?[−-]?\d[\d,]*(?:\.\d+)?(?:\s(?:thousand|million|billion)\b)?"
    r"|[−-]?\d[\d,]*(?:\.\d+)?(?:\s?%|\s(?:thousand|million|billion)\b)"
)
_YEARLIKE = re.compile(r"^(?:19|20)\d\d$")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_YEAR_FIGURE = re.compile(r"\s?(?:thousand|million|billion|[a-z]+s)\b")  # "2010 persons"
_CHUNK = re.compile(r"\S+")
_MARKER = re.compile(r"^(?:\(\w{1,3}\)|•|[-–—])$")  # a footnote mark or bullet leading a line
_RANGE_NEXT = re.compile(r"\s*(?:to|-|–)\s*\d")


def _tidy(figure: str) -> str:
    figure = figure.replace("−", "-").strip()
    return re.sub(r"^([$€£¥])-", r"-\1", figure)


def lone_figure(sentence: str) -> str | None:
    """The one figure a sentence states (years and small ordinals aside), else None."""
    found = [
        m.group("figure").strip()
        for m in _IN_TEXT.finditer(sentence)
        if not _YEARLIKE.match(m.group("figure").strip())
    ]
    return found[0] if len(found) == 1 else None


def answer_span(sentence: str, question: str) -> str:
    """The part of a quoted sentence that answers: without the stretch at its start or end that
    restates the question ("Sales reserves represent [price concessions …]"); the whole sentence
    when nothing restates it or nothing else is left.

    Each word scores +1 when the question uses it, -1 when it is a content word the question
    does not use; the restatement is the prefix (and suffix) with the highest score.
    """
    asked = set(tokenize(question))
    chunks = [(m.start(), m.end(), set(tokenize(m.group()))) for m in _CHUNK.finditer(sentence)]
    gain = [(1 if stems & asked else -1) if stems else 0 for _, _, stems in chunks]
    start = _best_cut(gain)
    end = len(chunks) - _best_cut(gain[start:][::-1])
    while start < end and (
        not chunks[start][2] or _MARKER.match(sentence[chunks[start][0] : chunks[start][1]])
    ):
        start += 1
    while end > start and not chunks[end - 1][2]:
        end -= 1
    if -1 not in gain[start:end] or (start, end) == (0, len(chunks)):
        return sentence.strip()
    return sentence[chunks[start][0] : chunks[end - 1][1]].rstrip(".;:, ")


def _best_cut(gain: Sequence[int]) -> int:
    """How many leading items to drop: where the running sum of ``gain`` peaks above 0."""
    best = cut = run = 0
    for i, g in enumerate(gain):
        run += g
        if run > best:
            best, cut = run, i + 1
    return cut


def figure_in_span(span: str, sentence: str, question: str) -> str | None:
    """The figure a quantity question asks for: where the sentence gives as many amounts (or
    figures) as years ("respectively"), the one in the asked year's place; else the first amount
    the span states ("… we recognized a charge of $14.2 million"), or the figure it starts with."""
    asked = _YEAR.findall(question)
    if len(asked) > 1:
        return None  # several years ask for several figures: the span gives them
    years = _YEAR.findall(sentence)

    def in_asked_place(figures: list[str]) -> str | None:  # "A, B and C in 2019, 2018 and 2017"
        if asked and len(figures) == len(years) > 1 and asked[0] in years:
            return _tidy(figures[years.index(asked[0])])
        return None

    amounts = [m.group().strip() for m in _AMOUNT.finditer(sentence)]
    if placed := in_asked_place(amounts):
        return placed
    if in_span := _AMOUNT.search(span):
        return _tidy(in_span.group().strip())
    lead = _IN_TEXT.match(span)
    if not lead or _YEARLIKE.match(lead.group().strip(" ,")):
        return None
    if _RANGE_NEXT.match(span[lead.end() :]):
        return None  # a range ("30 to 90 days") is answered whole
    figures = [m.group().strip(" ,") for m in _IN_TEXT.finditer(sentence)]
    return in_asked_place([f for f in figures if not _YEARLIKE.match(f)]) or lead.group().strip()


def short_answer(
    text: str,
    abstained: bool,
    cited: Sequence[Passage],
    scale: str = "",
    numeric: bool = False,
    question: str = "",
    quantity: bool = False,
) -> str | list[str] | None:
    """The bare answer in ``text``; None when it abstains or states nothing bare. A figure read
    from a cited table takes that table's ``scale``; a quote answers a ``numeric`` question with
    the one figure it states, when it states one, and otherwise with its part that does not
    restate ``question`` (for a ``quantity``, the figure that part starts with)."""
    if abstained or not text.strip():
        return None
    body = text.strip()
    lead = _PLAIN_LEAD.match(body)
    if lead and not body.startswith("“"):
        rest = body[lead.end() :]
        listed = [m.group("figure") for m in _LIST.finditer(body.split(". ")[0])]
        if len(listed) > 1 and ";" in body.split(". ")[0]:
            return [_tidy(f) for f in listed]
        figure = _tidy(lead.group())
        if _YEARLIKE.match(figure) and not _YEAR_FIGURE.match(rest):
            return figure  # "2018 (…)": a year chosen, which no scale or unit goes with
        word = re.match(r"\s?(thousand|million|billion)\b", rest)
        if word:
            return f"{figure} {word.group(1)}"
        unit = _UNIT_WORD.match(rest)
        if unit and "%" not in figure:
            return f"{figure} {unit.group(1)}"
        if "%" not in figure and cited and cited[0].kind == "table" and scale:
            return f"{figure} {scale}"
        return figure
    listed = [m.group("figure") for m in _LIST.finditer(body.split("“")[0])]
    if len(listed) > 1:
        return [_tidy(f) for f in listed]
    quote = _QUOTE.search(body)
    if quote:
        sentence = quote.group("quote").strip()
        figure = lone_figure(sentence) if numeric else None
        if figure or not question:
            return figure or sentence
        span = answer_span(sentence, question)
        return (figure_in_span(span, sentence, question) if quantity else None) or span
    return body.split(" [")[0].strip() or None
