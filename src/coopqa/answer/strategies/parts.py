"""Figures across the parts a question counts: "how many in total across the three mines",
"the figure for each of the two plants". Each part is a heading of the document (a section whose
heading or sentence names the counted noun) holding exactly one figure of the asked kind; the
answer is their sum, with its formula, or the list, each figure cited.

It answers only when the document has exactly as many such parts as the question counts, each
with one figure for the asked period; otherwise the other rules answer (or abstain).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ...facts import compute
from ...facts.match import DocumentFacts, Scored, fact_years
from ...facts.model import Fact, unit_kind
from ...facts.numbers import TIME_KINDS
from ...ingest.corpus import Sentence
from ...ingest.nlp import COUNT_NOUNS
from ...ingest.text import tokenize
from ..asks import Question, analyse, count_of
from ..fact_sources import MIN_FACT_COVERAGE, Cites, cite_sources, value_text, worked_out_draft
from ..synthesize import Draft, Evidence
from ..vocabulary import document_terms
from .doers import doer_facts

_TOTAL = re.compile(
    r"\b(?:in total|total|combined|altogether|in all|add(?:ing|ed)? up|between them|together)\b",
    re.I,
)
_EACH = re.compile(r"\beach\b", re.I)
MAX_PARTS = 12


@dataclass(frozen=True)
class Parts:
    """What a question counts: how many parts, the plural noun naming them, its modifiers' words."""

    count: int
    noun: str
    modifiers: frozenset[str]


def parts_asked(text: str) -> Parts | None:
    """ "the three mines", "two plants": a number modifying a plural noun; None without one."""
    from ...ingest.nlp import parse

    for noun in parse(text):
        count = count_of(noun) if noun.tag_ in ("NNS", "NNPS") else 0
        if not 2 <= count <= MAX_PARTS:
            continue
        words = set()
        for child in noun.children:
            if child.dep_ in ("amod", "compound", "nmod"):
                words |= {t for w in child.subtree for t in tokenize(w.text)}
        return Parts(int(count), tokenize(noun.text)[0], frozenset(words))
    return None


def _context(fact: Fact) -> set[str]:
    """The words a fact's part is named by: its sentence and its section's headings."""
    return set(tokenize(f"{fact.quote} {fact.section}"))


def span_years(fact: Fact) -> tuple[int, int] | None:
    """The first and last year of a fact's span ("2010–2019"), or None for one period."""
    years = fact.scope_years
    return (min(years), max(years)) if len(years) == 2 else None


def is_count(fact: Fact) -> bool:
    """A count of things: not a change, a date, a share or an amount of money or time."""
    if fact.measure.startswith(("increase", "decrease", "date")) or fact.unit in ("", "%"):
        return False
    return unit_kind(fact.unit) == "count"


def _of_kind(q: Question, fact: Fact, years: set[int]) -> bool:
    """A count (no date, duration or change) of the asked period: the asked year alone, or the
    whole span the document gives when no year is asked."""
    if fact.origin != "prose" or fact.kind in TIME_KINDS or fact.kind in ("label", "ordinal"):
        return False
    if not is_count(fact):
        return False  # "a two-day fair": its length, not a figure to add
    spanned = span_years(fact) is not None
    if years:
        return not spanned and bool(fact_years(fact)) and fact_years(fact) <= years
    return spanned


_COMPARING = frozenset(("more", "fewer", "less"))


def asked_words(text: str) -> set[str]:
    """The words naming what is counted: "how many boats" -> boat; "the visitor numbers" ->
    visitor; empty when the question does not say."""
    from ...ingest.nlp import parse

    for token in parse(text):
        counted = token.head
        if token.lower_ == "many" and counted.lower_ in _COMPARING:  # "how many more boats"
            counted = counted.head
        if token.lower_ == "many" and counted.pos_ in ("NOUN", "PROPN"):
            return set(tokenize(counted.text))
        if token.lemma_.lower() in COUNT_NOUNS:
            words = [c.text for c in token.children if c.dep_ == "compound"]
            if words:
                return set(tokenize(" ".join(words)))
    return set()


def asked_unit(text: str, facts: list[Fact]) -> list[Fact]:
    """The facts of the thing counted: of its unit ("how many boats"), else those whose verb
    names it ("exporters" for "exported"); all of them when the question does not say or
    names neither."""
    asked = asked_words(text)
    if not asked:
        return doer_facts(text, facts) or facts
    by_unit = [f for f in facts if set(tokenize(f.unit)) & asked]
    by_verb = [f for f in facts if set(tokenize(f.measure)) & asked]
    return by_unit or by_verb or doer_facts(text, facts) or facts


def of_asked_unit(text: str, ranked: list[Scored]) -> list[Scored]:
    """The scored facts ``asked_unit`` keeps, in their order ("how many boats": not the towns)."""
    kept = {f.id for f in asked_unit(text, [s.fact for s in ranked])}
    return [s for s in ranked if s.fact.id in kept]


def side_figures(
    words: str, q: Question, facts: DocumentFacts, keep: Callable[[Fact], bool]
) -> tuple[tuple[str, ...], list[Scored]]:
    """One side of "A than B" or "A and B": its terms (the words the documents use) and the facts
    of the asked years covering them well enough to answer, best first, that ``keep`` accepts."""
    terms = document_terms(analyse(words).terms, facts)
    ranked = facts.rank(terms, q.years)
    return terms, [s for s in ranked if keep(s.fact) and s.coverage >= MIN_FACT_COVERAGE]


def clear_best(ranked: list[Scored]) -> Scored | None:
    """The best-fitting fact, unless none fits or a second fits as well (which is meant is not
    clear)."""
    if not ranked or len(ranked) > 1 and ranked[1].coverage >= ranked[0].coverage:
        return None
    return ranked[0]


def part_facts(q: Question, parts: Parts, facts: DocumentFacts) -> list[Fact] | None:
    """One fact per part, in document order, or None unless exactly ``parts.count`` parts fit."""
    years = set(q.years)
    named = [f for f in facts.facts if _of_kind(q, f, years) and parts.noun in _context(f)]
    named = asked_unit(q.text, named)
    by_section: dict[str, list[Fact]] = defaultdict(list)
    for fact in named:
        by_section[fact.section].append(fact)
    if len(by_section) > parts.count:  # "the two open-pit mines": the modifiers narrow
        wanted = {w for w in parts.modifiers if facts.known(w)} | _known_names(q, facts)
        narrowed = {
            s: fs
            for s, fs in by_section.items()
            if wanted and all(wanted <= _context(f) for f in fs)
        }
        by_section = narrowed or by_section
    if len(by_section) != parts.count or any(len(fs) != 1 for fs in by_section.values()):
        return None
    units = {fs[0].unit for fs in by_section.values()}
    if len(units) != 1:
        return None
    return sorted((fs[0] for fs in by_section.values()), key=lambda f: f.start)


def _known_names(q: Question, facts: DocumentFacts) -> set[str]:
    return {t for name in q.names for t in tokenize(name) if facts.known(t)}


def across_parts(q: Question, evidence: Evidence, facts: DocumentFacts) -> Draft | None:
    """The sum (or, for "each of", the list) of one figure per counted part; None otherwise."""
    total, each = bool(_TOTAL.search(q.text)), bool(_EACH.search(q.text))
    if q.answer_type not in ("quantity", "text") or not (total or each):
        return None
    parts = parts_asked(q.text)
    if parts is None:
        return None
    chosen = part_facts(q, parts, facts)
    if chosen is None:
        return None
    if total:  # "adding up the mines since each opened" asks for the sum
        result = compute.total(chosen)
        return worked_out_draft(result, chosen, evidence, "in total", sources_needed=len(chosen))
    quotes: dict[int, Sentence] = {}
    sources = cite_sources(chosen, evidence, quotes, Cites(evidence))
    if len(sources) != len(chosen):
        return None
    claim = "; ".join(value_text(f) for f in chosen)
    return Draft(text=f"{claim}. " + " ".join(sources), quotes=quotes, grounded=[(claim, chosen)])
