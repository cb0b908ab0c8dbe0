"""Fact-table matches re-ranked for a question: the table's own lookup score plus the meaning
of the fact (cosine to the question), less penalties for a fact of the wrong kind or shape."""

from __future__ import annotations

import re
from operator import mul
from typing import Any

from ..facts.units import counts_people
from ..params import fitted
from .number_checks import kind_of

# How much meaning (cosine to the fact's text) counts next to the table's own lookup score.
SIMILARITY_WEIGHT = fitted("similarity_weight")
# Taken off a fact of another kind than the question asks for (a date for "how many").
KIND_MISMATCH = fitted("kind_mismatch")
# Taken off a count of the wrong shape: a flow for "currently", countries for "how many attended".
SHAPE_MISMATCH = fitted("shape_mismatch")
_STOCK = re.compile(
    r"\b(currently|now|at present|at the moment|presently|still|are (?:on|serving|stationed|"
    r"working|posted|seconded))\b",
    re.IGNORECASE,
)
_PEOPLE_VERB = re.compile(
    r"\bhow many (?:attended|took part|participated|came|joined|went|visited|were [a-z]+)\b",
    re.IGNORECASE,
)
# Words that ask for a computed figure rather than one the text states.
_DERIVATION_CUE = re.compile(
    r"\b(before|prior|until|up to|through|excluding|not counting|except|other than|previous|"
    r"earlier|difference|more than|fewer|less than|combined|together|altogether|in all|sum|"
    r"total of the|net|minus|plus|how many more|how many fewer|how many years|runs? out|expire)\b",
    re.IGNORECASE,
)


def rank_facts(
    question: str, vector: list[float], matches: list[Any], fact_vectors: dict[str, Any]
) -> list[Any]:
    """Table matches re-ranked by meaning: the lookup's score plus similarity to the fact."""
    from ..facts import FactMatch, wanted_kind

    derives = bool(_DERIVATION_CUE.search(question))
    wanted = wanted_kind(question)
    stock = bool(_STOCK.search(question))
    people = bool(_PEOPLE_VERB.search(question))
    lookup_top = matches[0].fact.id if matches else None
    ranked = []
    for match in matches:
        fact = match.fact
        similarity = dot(vector, fact_vectors[fact.id])
        penalty = 0.1 if fact.derived and not derives and fact.id != lookup_top else 0.0
        if wanted and kind_of(fact) != wanted:
            penalty += KIND_MISMATCH  # a year does not answer "how many", nor a count "when"
        if stock and fact.kind == "count" and not fact.at_period_end and fact.period:
            penalty += SHAPE_MISMATCH  # "how many are seconded now" asks for a year-end level
        if people and fact.kind == "count" and not counts_people(fact.unit):
            penalty += SHAPE_MISMATCH  # "how many attended" counts people, not countries
        ranked.append(FactMatch(fact, match.score + SIMILARITY_WEIGHT * similarity - penalty))
    return sorted(ranked, key=lambda m: -m.score)


def dot(a: list[float], b: list[float]) -> float:
    # The same products summed in the same order as a generator would, without its overhead.
    return float(sum(map(mul, a, b)))
