"""Two things a question names and asks to add: "how many joined overall, counting engineers and
technicians", "(boats built plus boats bought)". Each side is answered by the one figure
that fits it best, of the asked period; the two must be of one kind (two counts of people, two
counts of one thing, two lengths of time in one unit) and are added, with the formula and both
sources cited.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ...facts import compute
from ...facts.match import DocumentFacts
from ...facts.model import Fact, same_unit_kind
from ..asks import Question
from ..fact_sources import worked_out_draft
from ..synthesize import Draft, Evidence
from .parts import clear_best, is_count, side_figures, span_years

# "counting (both) A and B", "A plus B": the sides end at a comma, bracket or the end.
_SIDES = (
    re.compile(r"\bcounting (?:both )?(?P<first>[^,;()?]+?)\band\b(?P<second>[^,;()?]+)", re.I),
    re.compile(r"(?P<first>[^,;()?]+?)\bplus\b(?P<second>[^,;()?]+)", re.I),
)
_ADDED = re.compile(
    r"\b(?:overall|in total|total|combined|altogether|in all|together|between them|plus)\b", re.I
)


def sides(text: str) -> tuple[str, str] | None:
    """The two things a question adds, or None when it names no two."""
    if not _ADDED.search(text):
        return None
    for pattern in _SIDES:
        found = pattern.search(text)
        if found:
            return found.group("first"), found.group("second")
    return None


def _figure(fact: Fact, years: tuple[int, ...]) -> bool:
    """A count or a length of time, not a running total when a year is asked."""
    if not (is_count(fact) or fact.kind == "duration"):
        return False
    return not years or span_years(fact) is None


def _best(words: str, q: Question, facts: DocumentFacts, other: Fact | None = None) -> Fact | None:
    """The one figure that fits ``words`` (and adds to ``other``); of two in one sentence, the
    one whose own clause holds them ("two months in the workshop, then ten months on site")."""

    def fits(fact: Fact) -> bool:
        addable = other is None or fact.id != other.id and _addable(other, fact)
        return addable and _figure(fact, q.years)

    terms, ranked = side_figures(words, q, facts, fits)
    tied = [s for s in ranked if s.coverage >= ranked[0].coverage]
    if len(tied) > 1:
        own = [s for s in tied if set(terms) <= clause_words(s.fact)]
        return own[0].fact if len(own) == 1 else None
    best = clear_best(ranked)
    return best.fact if best else None


def clause_words(fact: Fact) -> set[str]:
    """The words of a prose fact's own clause: the verb its number hangs from with that verb's
    parts, leaving out the clauses beside it and the parts that hold another number."""
    from ...facts.numbers import find_numbers
    from ...ingest.nlp import parse
    from ...ingest.text import tokenize

    mention = next((m for m in find_numbers(fact.quote) if m.value == fact.value), None)
    if mention is None:
        return set()
    doc = parse(fact.quote)
    token = next((t for t in doc if t.idx <= mention.start < t.idx + len(t.text)), None)
    if token is None:
        return set()
    verb = token
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    words = [verb.text]
    for part in verb.children:
        mine = token in part.subtree
        beside = part.dep_ in _OTHER_CLAUSES or any(t.like_num for t in part.subtree)
        if mine or not beside:
            words += [t.text for t in part.subtree]
    return set(tokenize(" ".join(words)))


_OTHER_CLAUSES = frozenset(("advcl", "relcl", "conj", "ccomp", "parataxis"))


def _addable(a: Fact, b: Fact) -> bool:
    """Two counts (the question asks to add them), or two lengths of time in one unit."""
    if a.kind == "duration" or b.kind == "duration":
        return a.kind == b.kind and same_unit_kind(a.unit, b.unit)
    return is_count(a) and is_count(b)


def added_up(q: Question, evidence: Evidence, facts: DocumentFacts) -> Draft | None:
    """ "165 in total, computed as 165 = 120 + 45", both figures cited; None unless each side has
    one figure of its own and the two add up."""
    found = sides(q.text)
    if found is None or q.answer_type != "quantity":
        return None
    first = _best(found[0], q, facts)
    second = _best(found[1], q, facts, first) if first is not None else None
    if first is None or second is None:
        return None
    result = compute.total([first, second])
    if first.unit != second.unit:  # "engineers" and "technicians": no one unit names the sum
        result = replace(result, unit="")
    return worked_out_draft(result, [first, second], evidence, "in total")
