"""A rise or fall the question takes for granted, checked against the changes a document states:
"Why did X rise?" when the sentence best covering X states a decrease is answered "It did not
increase:" with that sentence, never with a cause of a change that did not happen.
"""

from __future__ import annotations

from .corpus import Sentence
from .fact_sources import MIN_FACT_COVERAGE, Cites, cite_source
from .facts.match import DocumentFacts, Scored
from .number_checks import asked_direction, direction_query
from .question import Question, analyse
from .synthesize import Draft, Evidence
from .vocabulary import document_terms

DIRECTIONS = ("increase", "decrease")


def direction_of(scored: Scored) -> str:
    """The direction of a stated change ("decrease in sales"), or "" for a level."""
    word = scored.fact.measure.split(" ", 1)[0]
    return word if word in DIRECTIONS else ""


def stated_change(q: Question, facts: DocumentFacts) -> Scored | None:
    """The change the document states of what the question asks about, the direction word left
    out of the match; None when none covers it or the best-covering ones disagree."""
    asked = analyse(direction_query(q.text) or q.text)
    terms = document_terms(asked.terms, facts)
    changes = [
        s
        for s in facts.rank(terms, q.years)
        if direction_of(s) and s.fact.origin == "prose" and s.coverage >= MIN_FACT_COVERAGE
    ]
    if not changes:
        return None
    best = [s for s in changes if s.score >= changes[0].score]
    if len({direction_of(s) for s in best}) != 1:
        return None  # a rise and a fall fit as well: no premise to correct
    return best[0]


def direction_premise(q: Question, evidence: Evidence, facts: DocumentFacts) -> Draft | None:
    """ "It did not increase: “… a decrease of 4 …” [1]" when the question asks why something
    rose (or fell) and the document states the opposite; None otherwise."""
    asked = asked_direction(q.text)
    if asked is None or q.answer_type != "reason":
        return None
    change = stated_change(q, facts)
    if change is None or direction_of(change) == asked:
        return None
    quotes: dict[int, Sentence] = {}
    source = cite_source(change.fact, evidence, quotes, Cites(evidence))
    if not source:
        return None
    text = f"It did not {asked}: {source}"
    return Draft(text=text, quotes=quotes, grounded=[(f"It did not {asked}", [change.fact])])
