"""A running total without its last year: "excluding 2019, how many have visited since 2010?"
when the document gives the total from 2010 to 2019 and, under the same heading, the figure for
2019 alone. The answer is their difference, with its formula and both sentences cited.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from ...facts import compute
from ...facts.match import DocumentFacts, Scored, fact_years
from ...facts.model import Fact
from ...ingest.text import tokenize
from ..asks import Question
from ..fact_sources import MIN_FACT_COVERAGE, as_asked, names_covered, quoted, worked_out_draft
from ..followup import own_words
from ..synthesize import Draft, Evidence
from .parts import clear_best, of_asked_unit, span_years

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


def _subject_terms(q: Question) -> tuple[str, ...]:
    """The question's terms without the phrases that say which years ("from 2010 through
    2018", "since it started"): those name no subject."""
    patterns = (_LEFT_OUT, _RANGE, _SINCE_START)
    found = [m.group(0) for pattern in patterns for m in pattern.finditer(q.text)]
    framing = set(tokenize(" ".join(found)))
    return tuple(t for t in q.terms if t not in framing)


def spans_only(facts: DocumentFacts, ends: Collection[int] = ()) -> DocumentFacts:
    """The facts over a span of years (ending in one of ``ends``, when given)."""

    def spanning(fact: Fact) -> bool:
        span = span_years(fact)
        return fact.origin == "prose" and span is not None and (not ends or span[1] in ends)

    return facts.only(spanning)


def one_total(q: Question, spans: DocumentFacts, terms: tuple[str, ...]) -> Scored | None:
    """The one fact of ``spans`` that fits ``terms`` in the counted unit, naming the question's
    names; None when none or two fit as well."""
    ranked = [
        s for s in spans.rank(terms) if s.coverage >= MIN_FACT_COVERAGE and names_covered(q, s)
    ]
    return clear_best(of_asked_unit(q.text, ranked))


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
    spans = spans_only(facts, (left_out,))
    if first is not None:
        spans = spans.only(lambda f: span_years(f)[0] == first)
    best = one_total(q, spans, _subject_terms(q))
    if best is None:
        return None
    total = best.fact
    alone = _year_alone(total, left_out, facts)
    return (total, alone) if alone is not None else None


def without_last_year(q: Question, evidence: Evidence, facts: DocumentFacts) -> Draft | None:
    """ "128 volunteers before 2019, computed as 128 = 140 − 12", both sentences cited."""
    found = running_total(q, facts)
    if found is None:
        return None
    total, alone = found
    result = compute.difference(total, alone)
    left_out = as_asked(q, sorted(fact_years(alone)))
    return worked_out_draft(
        result, [total, alone], evidence, f"before {left_out}", sources_needed=2
    )


def since_start(q: Question, evidence: Evidence, facts: DocumentFacts) -> Draft | None:
    """ "And since it started?": the one running total that fits, its sentence quoted; None
    when none or two fit as well."""
    if q.answer_type != "quantity" or not _SINCE_START.search(own_words(q.text)):
        return None
    best = one_total(q, spans_only(facts, q.years), _subject_terms(q))
    return quoted(best.fact, evidence) if best else None
