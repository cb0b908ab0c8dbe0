"""A running total without its last year: "excluding 2019, how many have visited since 2010?"
when the document gives the total from 2010 to 2019 and, under the same heading, the figure for
2019 alone. The answer is their difference, with its formula and both sentences cited.
"""

from __future__ import annotations

import re

from .corpus import Sentence
from .fact_sources import (
    MIN_FACT_COVERAGE,
    Cites,
    as_asked,
    cite_source,
    cite_sources,
    names_covered,
    value_text,
)
from .facts import compute
from .facts.match import DocumentFacts, fact_years
from .facts.model import Fact
from .followup import own_words
from .parts import asked_unit
from .question import Question
from .synthesize import Draft, Evidence
from .text import tokenize

_YEAR = r"(?:FY\s?)?((?:19|20)\d\d)"
_LEFT_OUT = re.compile(
    r"\b(?:excluding|not counting|before|except(?: for)?|other than|apart from|leaving out|"
    rf"without)\s+(?:the\s+)?{_YEAR}\b",
    re.I,
)
_RANGE = re.compile(
    rf"\b(?:from|since)\s+{_YEAR}\s+(?:to|through|until|till|up to|[-–])\s+{_YEAR}\b", re.I
)


_SINCE_START = re.compile(
    r"\bsince (?:it|they|each|its|their)\s+(?:start|began|begun|open|launch)\w*"
    r"|\b(?:from|since) (?:its|their|the) (?:start|beginning|inception|launch|founding)\b",
    re.I,
)


def span_asked(text: str) -> tuple[int | None, int] | None:
    """(the first year asked, or None; the year left out) when the question leaves out the last
    year of a running total ("before 2019", "from 2010 through 2018"); None otherwise."""
    left_out = _LEFT_OUT.search(text)
    ranged = _RANGE.search(text)
    first = int(ranged.group(1)) if ranged else None
    if left_out:
        return first, int(left_out.group(1))
    if ranged:
        return first, int(ranged.group(2)) + 1
    return None


def _framing(text: str) -> set[str]:
    """The words of the phrases that say which years ("from 2010 through 2018"): no subject."""
    patterns = (_LEFT_OUT, _RANGE, _SINCE_START)
    found = [m.group(0) for pattern in patterns for m in pattern.finditer(text)]
    return set(tokenize(" ".join(found)))


def span_years(fact: Fact) -> tuple[int, int] | None:
    """The first and last year of a fact's span ("2010–2019"), or None for one period."""
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", fact.scope)]
    return (min(years), max(years)) if len(years) == 2 and years[0] != years[1] else None


def _year_alone(total: Fact, year: int, facts: DocumentFacts) -> Fact | None:
    """The figure of ``year`` alone the total's heading gives in its unit, if exactly one."""
    found = [
        f
        for f in facts.facts
        if f.origin == "prose"
        and f.section == total.section
        and f.unit == total.unit
        and fact_years(f) == {year}
        and span_years(f) is None
        and not f.measure.startswith(("increase", "decrease", "date"))
    ]
    return found[0] if len(found) == 1 else None


def running_total(q: Question, facts: DocumentFacts) -> tuple[Fact, Fact] | None:
    """(the running total, its last year's figure) for the question; None unless one total
    covers it best and its heading gives that year's figure alone."""
    asked = span_asked(q.text)
    if asked is None or q.answer_type != "quantity":
        return None
    first, left_out = asked
    framing = _framing(q.text)
    totals = []
    for scored in facts.rank(tuple(t for t in q.terms if t not in framing)):
        span = span_years(scored.fact)
        if scored.coverage < MIN_FACT_COVERAGE:
            break
        if scored.fact.origin != "prose" or span is None or span[1] != left_out:
            continue
        if (first is None or span[0] == first) and names_covered(q, scored):
            totals.append(scored)
    kept = {f.id for f in asked_unit(q.text, [s.fact for s in totals])}
    totals = [s for s in totals if s.fact.id in kept]  # "how many boats": not the towns beside
    if not totals or len(totals) > 1 and totals[1].coverage >= totals[0].coverage:
        return None  # none, or two totals fit as well: which one is meant is not clear
    total = totals[0].fact
    alone = _year_alone(total, left_out, facts)
    return (total, alone) if alone is not None else None


def without_last_year(q: Question, evidence: Evidence, facts: DocumentFacts) -> Draft | None:
    """ "128 volunteers before 2019, computed as 128 = 140 − 12", both sentences cited."""
    found = running_total(q, facts)
    if found is None:
        return None
    total, alone = found
    result = compute.difference(total, alone)
    quotes: dict[int, Sentence] = {}
    sources = cite_sources([total, alone], evidence, quotes, Cites(evidence))
    if len(sources) != 2:
        return None
    left_out = as_asked(q, sorted(fact_years(alone)))
    claim = f"{value_text(result)} before {left_out}, computed as {result.formula}"
    return Draft(
        text=f"{claim}. " + " ".join(sources),
        quotes=quotes,
        grounded=[(claim, [result, total, alone])],
    )


def since_start(q: Question, evidence: Evidence, facts: DocumentFacts) -> Draft | None:
    """ "And since it started?": the one running total that fits, its sentence quoted; None
    when none or two fit as well."""
    if q.answer_type != "quantity" or not _SINCE_START.search(own_words(q.text)):
        return None
    framing = _framing(q.text)
    totals = [
        s
        for s in facts.rank(tuple(t for t in q.terms if t not in framing))
        if s.fact.origin == "prose"
        and (span := span_years(s.fact)) is not None
        and (not q.years or span[1] in q.years)
        and s.coverage >= MIN_FACT_COVERAGE
        and names_covered(q, s)
    ]
    kept = {f.id for f in asked_unit(q.text, [s.fact for s in totals])}
    totals = [s for s in totals if s.fact.id in kept]
    if not totals or len(totals) > 1 and totals[1].coverage >= totals[0].coverage:
        return None
    quotes: dict[int, Sentence] = {}
    source = cite_source(totals[0].fact, evidence, quotes, Cites(evidence))
    return Draft(text=source, quotes=quotes) if source else None
