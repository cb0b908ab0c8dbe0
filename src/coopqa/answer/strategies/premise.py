"""A rise or fall the question takes for granted, checked against the changes a document states:
"Why did X rise?" when the sentence best covering X states a decrease is answered "It did not
increase:" with that sentence, never with a cause of a change that did not happen.
"""

from __future__ import annotations

from ...facts.match import DocumentFacts, Scored
from ...ingest.corpus import Sentence
from ...params import fitted
from ..asks import Question, analyse
from ..fact_sources import MIN_FACT_COVERAGE, Cites, cite_source
from ..number_checks import asked_direction, direction_query
from ..synthesize import Draft, Evidence
from ..vocabulary import document_terms

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


# What a question may take for granted has stopped, and what says it goes on (verbs, by lemma).
STOPPING = frozenset(("stop", "cease", "discontinue", "abandon", "halt", "terminate", "suspend"))
GOING_ON = frozenset(("continue", "maintain", "resume", "extend", "keep"))
MIN_COVERAGE = fitted("premise_min_coverage")
CANDIDATES = fitted("premise_candidates")


def _verbs(text: str, lemmas: frozenset[str]) -> list[tuple[str, str]]:
    """(word, lemma) of the verbs of ``lemmas`` in ``text`` ("discontinued operations": none)."""
    from ...ingest.nlp import parse

    return [
        (t.text, t.lemma_.lower())
        for t in parse(text)
        if t.pos_ == "VERB" and t.lemma_.lower() in lemmas
    ]


def stop_premise(q: Question, evidence: Evidence, facts: DocumentFacts) -> Draft | None:
    """ "Why did they stop X in 2019?" when the sentence that covers X (in 2019) says it goes
    on: "It did not stop: “… will continue …” [1]"; None otherwise."""
    if q.answer_type != "reason" or not (stopped := _verbs(q.text, STOPPING)):
        return None
    from ...facts.numbers import find_numbers
    from ...ingest.text import tokenize
    from ..synthesize import best_sentences

    terms = [t for t in q.terms if t not in set(tokenize(" ".join(w for w, _ in stopped)))]
    total = sum(facts.weight(t) for t in terms)
    for n, sentence, _ in best_sentences(evidence, CANDIDATES, 1.0):
        passage = evidence.passages[n - 1]
        words = set(tokenize(f"{passage.section} {sentence.text}"))
        covered = sum(facts.weight(t) for t in terms if t in words) / total if total else 0.0
        years = {int(m.value) for m in find_numbers(sentence.text) if m.is_time}
        if covered < MIN_COVERAGE or q.years and not years & set(q.years):
            continue
        if _verbs(sentence.text, GOING_ON):
            quotes: dict[int, Sentence] = {}
            m = Cites(evidence).cite(passage, sentence, quotes)
            text = f"It did not {stopped[0][1]}: “{sentence.text}” [{m}]"
            return Draft(text=text, quotes=quotes)
    return None
