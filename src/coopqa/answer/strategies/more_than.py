"""How many more of one thing than of another: "how many more boats docked than sailed in 2019?"
answered from the figure that best fits each side of "than", in the same unit and period kind,
as their difference with its formula and both sources cited.
"""

from __future__ import annotations

import re

from ...facts import compute
from ...facts.match import DocumentFacts
from ...facts.model import Fact
from ..asks import Question
from ..fact_sources import worked_out_draft
from ..synthesize import Draft, Evidence
from .parts import clear_best, is_count, of_asked_unit, side_figures, span_years

_MORE_THAN = re.compile(
    r"\bhow (?:many|much) more\b(?P<first>.+?)\bthan\b(?P<second>.+)", re.I | re.S
)


def sides(text: str) -> tuple[str, str] | None:
    """The words before and after "than" in "how many more … than …"; None without them."""
    found = _MORE_THAN.search(text)
    return (found.group("first"), found.group("second")) if found else None


def _figure(fact: Fact, years: tuple[int, ...]) -> bool:
    """A count of the asked year (or a running total when no year is asked), not a change."""
    if not is_count(fact):
        return False
    return (span_years(fact) is None) if years else (span_years(fact) is not None)


def best_for(
    words: str, q: Question, facts: DocumentFacts, besides: Fact | None = None
) -> Fact | None:
    """The one figure that fits ``words`` best: None when none fits or two fit as well. Of two
    that fit as well, one the other side's figure (``besides``), the other is meant; when that
    figure alone fits best, None."""
    _, ranked = side_figures(words, q, facts, lambda f: _figure(f, q.years))
    ranked = of_asked_unit(q.text, ranked)  # "how many more boats": not the towns
    if besides is not None and ranked:
        top = [s for s in ranked if s.coverage >= ranked[0].coverage]
        if [s.fact for s in top] == [besides]:
            return None
        ranked = [s for s in ranked if s.fact != besides]
    best = clear_best(ranked)
    return best.fact if best else None


def more_than(q: Question, evidence: Evidence, facts: DocumentFacts) -> Draft | None:
    """ "21 ferries more, computed as 21 = 52 − 31", both figures cited; None unless each side has
    one figure, in one unit, the first the larger."""
    found = sides(q.text)
    if found is None or q.answer_type != "quantity":
        return None
    first = best_for(found[0], q, facts)
    second = best_for(found[1], q, facts, first) if first is not None else None
    if first is None or second is None:
        return None
    if first.unit != second.unit or first.value < second.value:
        return None
    result = compute.difference(first, second)
    return worked_out_draft(result, [first, second], evidence, "more", sources_needed=2)
