"""A question asking for a running total in words the documents never use ("cumulative", "all
time", "to date"): not a breakdown they do not give, but a figure over a span of years. It is
answered only from the facts that span years, so a single year's figure never stands for it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ...facts.match import DocumentFacts
from ...ingest.text import tokenize
from ..asks import Question
from ..fact_sources import quoted
from ..synthesize import Draft, Evidence
from .cumulative import one_total, spans_only
from .more_than import more_than, sides
from .parts import across_parts

_RUNNING = re.compile(r"\b(?:cumulative(?:ly)?|all[- ]time|to date|so far)\b", re.I)


def running_words(text: str) -> set[str]:
    """The stems of the question's phrases that ask for a running total."""
    return {t for m in _RUNNING.finditer(text) for t in tokenize(m.group(0))}


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
    best = one_total(q, spans, q.terms)
    return quoted(best.fact, evidence) if best else None
