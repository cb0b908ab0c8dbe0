"""How answers are worded: small pure templates shared by the synthesizers.

The rules, each with a unit test (tests/test_wording.py):
- a number is stated once: an answer that leads with "424 persons" quotes its sentence with that
  number elided ("… as of the end of FY2012 …"), never the same figure twice;
- no internal labels: a figure is phrased from its value, unit, measure and period, and the
  sentence behind it is quoted (a fact's subject is a filing label, not prose);
- "does not say" sentences are grammatical English: "does not say how many units were
  shipped in 2011", "does not say anything about budgets";
- a sentence that leans on earlier text ("This plant …", "the scheme mentioned above") is
  quoted after the sentence it leans on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..facts.phrasing import DEFAULT_SOURCE, does_not_say, is_plural, join_items

ELLIPSIS = "…"

# Words that make a number approximate; elided with the number when they stand just before it.
_QUALIFIER_WORDS = re.compile(
    r"(?:\b(?:over|about|around|approximately|nearly|almost|some|roughly|under|at least|"
    r"at most|more than|less than|fewer than|up to)\s+)$",
    re.IGNORECASE,
)
# A sentence that points back at text before it: it opens with a pronoun or a demonstrative, or
# names something "mentioned above" / "these countries".
_LEANS_OPENING = re.compile(
    r"^(?:(?:in addition|furthermore|moreover|also|however|meanwhile|as a result|therefore|"
    r"thus|then|for this reason|to this end|in this way|through (?:this|these)),?\s+)?"
    r"(?:this|that|these|those|such|it|its|they|them|their|he|she|his|her|the former|"
    r"the latter|the same|both|each of them)\b",
    re.IGNORECASE,
)
_LEANS_ANYWHERE = re.compile(
    r"\b(?:(?:mentioned|described|stated|noted|listed|cited|referred to)\s+(?:above|earlier|"
    r"before)|above-mentioned|aforementioned|aforesaid|the above|the said [a-z]+|"
    r"(?:this|these|those|such)\s+(?!is\b|are\b|was\b|were\b)"
    r"[a-z]+)",
    re.IGNORECASE,
)
# Words that name a time rather than a thing (a sentence about "this year" leans on nothing).
_TIME_WORDS = frozenset(
    {"year", "years", "month", "months", "week", "weeks", "time", "period", "fiscal", "day"}
)


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def quoted(text: str, *marks: int) -> str:
    """“text” [1][2]."""
    cites = "".join(f"[{n}]" for n in dict.fromkeys(marks))
    return f"“{text}” {cites}".rstrip()


# -------------------------------------------------------------------------- a number stated once


def value_span(text: str, value: float, *, time: bool = False) -> tuple[int, int] | None:
    """The span of ``value`` in ``text`` with its unit word and qualifier ("over 120 people"),
    so the sentence can be quoted without stating the figure a second time."""
    from ..facts.numbers import find_numbers

    for mention in find_numbers(text):
        if mention.kind == "label" or mention.is_time != time:
            continue
        if abs(mention.value - value) > 1e-9:
            continue
        start, end = mention.start, mention.end
        qualifier = _QUALIFIER_WORDS.search(text[:start])
        if qualifier and mention.qualifier != "exact":
            start = qualifier.start()
        unit = mention.unit.rstrip("s")
        if unit and not time:
            after = re.match(rf"[\s-]+{re.escape(unit)}s?\b", text[end:], re.IGNORECASE)
            if after:
                end += after.end()
        return start, end
    return None


def elide(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each span replaced by an ellipsis: the quote's own words, nothing added."""
    out, pos = [], 0
    for start, end in sorted(set(spans)):
        if start < pos:
            continue
        out += [text[pos:start].rstrip(), ELLIPSIS]
        pos = end
    out.append(text[pos:].lstrip())
    joined = " ".join(p for p in out if p)
    return re.sub(rf"{ELLIPSIS} (?=[,.;:)])", ELLIPSIS, joined)


def elided_segments(text: str) -> list[str]:
    """The verbatim pieces of an elided quote (what must each be in the cited sentence)."""
    return [p.strip() for p in text.split(ELLIPSIS) if p.strip()]


def lead_and_quote(
    lead: str, sentence: str, values: Iterable[tuple[float, bool]], *marks: int
) -> str:
    """ "424 persons: “… as of the end of FY2012 …” [1]": the figures lead, the sentence follows
    with them elided. ``values`` are (value, is a time) pairs; a value the sentence does not hold
    is simply not elided."""
    spans = [s for v, t in values if (s := value_span(sentence, v, time=t)) is not None]
    return f"{capitalize(lead)}: {quoted(elide(sentence, spans), *marks)}"


# ---------------------------------------------------------------------- a figure in plain words


def mentions_period(text: str, period: str) -> bool:
    """Whether ``text`` names every year of ``period`` (then the lead need not repeat it)."""
    years = re.findall(r"(?:19|20)\d\d", period)
    return bool(years) and all(y in text for y in years)


# "Section 1.", "2.", "(3)", "IV." before a heading's words.
_NUMBERING = re.compile(
    r"^\s*(?:(?i:chapter|section|part|article|annex|appendix|note|item)\s+[\dIVXivx]+[.:]?|\(?\d+[.)]|"
    r"\(?[IVXivx]+[.)]|[A-Z][.)])\s*"
)


def heading_words(heading: str) -> str:
    """A heading without its numbering: "Section 1. Status of X" → "Status of X"."""
    return _NUMBERING.sub("", heading).strip() or heading.strip()


def source_name(table: object) -> str:
    """What answers call the text a fact table comes from ("the chapter does not say")."""
    return getattr(table, "name", DEFAULT_SOURCE)


def covers(name: str, headings: Sequence[str], limit: int = 6) -> str:
    """ "The chapter does not say anything about this. It covers A, B and C.": what the
    documents do cover, from their top headings without numbering."""
    titles = list(dict.fromkeys(heading_words(h) for h in headings if h.strip()))[:limit]
    text = does_not_say(name, "anything about this")
    if not titles:
        return text
    return f"{text} {'They cover' if is_plural(name) else 'It covers'} {join_items(titles)}."


# ------------------------------------------------------------------------------- "does not say"


def not_mentioned(name: str, topic: str) -> str:
    """ "The chapter does not say anything about budgets.": the topic as a reader would write it,
    plural where the singular would need an article."""
    topic = " ".join(topic.lower().split())
    if not is_plural(topic) and re.fullmatch(r"[a-z]+", topic) and not topic.endswith("ing"):
        topic = _pluralize(topic)
    return does_not_say(name, f"anything about {topic}")


def _pluralize(word: str) -> str:
    if word in {"pay", "telework", "overtime", "gender", "recruitment", "satisfaction"}:
        return word  # mass nouns stay as they are
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def quote_cited(text: str, n: int) -> tuple[int, int] | None:
    """The span of ``: “…” [n]`` (the quote marker [n] stands behind, with the colon leading
    into it), so an answer that quotes a sentence twice can cite the first quote instead."""
    end_mark = text.find(f"” [{n}]")
    if end_mark < 0:
        return None
    depth, i = 0, end_mark
    while i >= 0:  # back to the matching opening mark; a quote may hold quoted titles
        if text[i] == "”":
            depth += 1
        elif text[i] == "“":
            depth -= 1
            if depth == 0:
                break
        i -= 1
    if i < 0:
        return None
    start = i
    lead_in = re.search(r":?\s*$", text[:start])
    start = lead_in.start() if lead_in else start
    return start, end_mark + len(f"” [{n}]")


# ----------------------------------------------------------------- a sentence that leans back


def leans_on_earlier(sentence: str) -> bool:
    """Whether a sentence points at text before it ("This seminar …", "the program mentioned
    above", "these countries"), so quoting it alone would leave the reader guessing."""
    text = sentence.strip().lstrip("“\"'(")
    if _LEANS_OPENING.match(text):
        return True
    for m in _LEANS_ANYWHERE.finditer(text):
        last = m.group(0).split()[-1].lower()
        if last not in _TIME_WORDS:
            return True
    return False


def with_antecedent(earlier: str, earlier_mark: int, sentence: str, mark: int) -> str:
    """The sentence a quote leans on, then the quote, each cited: “…” [1] “…” [2]."""
    return f"{quoted(earlier, earlier_mark)} {quoted(sentence, mark)}"


# -------------------------------------------------------------------------- overview bullets


BULLET = "•"


def bullets(items: Sequence[str]) -> str:
    """ "• first • second": one bullet per item (answers are one line of text; the chat breaks
    the line before each bullet)."""
    return " ".join(f"{BULLET} {item}" for item in items)
