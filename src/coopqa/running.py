"""A question asking for a running total in words the documents never use ("cumulative", "all
time", "to date"): not a breakdown they do not give, but a figure over a span of years. It is
answered only from the facts that span years, so a single year's figure never stands for it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .cumulative import span_years
from .fact_sources import MIN_FACT_COVERAGE, Cites, cite_source, names_covered
from .facts.match import DocumentFacts
from .facts.model import Fact
from .more_than import more_than, sides
from .parts import across_parts, asked_unit
from .question import Question
from .synthesize import Draft, Evidence
from .text import tokenize

_RUNNING = re.compile(r"\b(?:cumulative(?:ly)?|all[- ]time|to date|so far)\b", re.I)


def running_words(text: str) -> set[str]:
    """The stems of the question's phrases that ask for a running total."""
    return {t for m in _RUNNING.finditer(text) for t in tokenize(m.group(0))}


def spans_only(facts: DocumentFacts, years: tuple[int, ...] = ()) -> DocumentFacts:
    """The facts over a span of years (ending in one of ``years``, when given)."""

    def spanning(fact: Fact) -> bool:
        span = span_years(fact)
        return fact.origin == "prose" and span is not None and (not years or span[1] in years)

    return facts.only(spanning)


def over_spans(q: Question, evidence: Evidence, facts: DocumentFacts) -> Draft | None:
    """The answer from the running totals alone: the parts' sum, a difference of two, or the one
    total that fits; None when none or two fit as well."""
    spans = spans_only(facts, q.years)
    q = replace(q, years=())  # "as of 2019": the year the running totals reach
    if not spans.facts:
        return None
    if draft := across_parts(q, evidence, spans) or more_than(q, evidence, spans):
        return draft
    if q.answer_type != "quantity" or sides(q.text):
        return None  # "how many more": one total alone does not answer
    ranked = [s for s in spans.rank(q.terms) if names_covered(q, s)]
    ranked = [s for s in ranked if s.coverage >= MIN_FACT_COVERAGE]
    kept = {f.id for f in asked_unit(q.text, [s.fact for s in ranked])}
    ranked = [s for s in ranked if s.fact.id in kept]
    if not ranked or len(ranked) > 1 and ranked[1].coverage >= ranked[0].coverage:
        return None
    quotes: dict = {}
    source = cite_source(ranked[0].fact, evidence, quotes, Cites(evidence))
    return Draft(text=source, quotes=quotes) if source else None
