"""How a fact is stated and cited in an answer: its value and label, the table row (under its
header) or sentence it comes from, and "does not say for 2017; it gives … for 2018"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..facts.match import DocumentFacts, Scored, fact_years
from ..facts.model import Fact
from ..facts.numbers import find_numbers, format_value
from ..ingest.corpus import Passage, Sentence
from ..ingest.text import tokenize
from ..params import fitted
from .asks import Question
from .synthesize import Draft, Evidence
from .wording import does_not_say

# Share of the question's (idf-weighted) terms a fact or sentence must hold to answer it.
MIN_FACT_COVERAGE = fitted("min_fact_coverage")


_CURRENCY = frozenset("$€£¥")


@dataclass
class Cites:
    """Passages cited so far: a table passage is listed once per row it quotes."""

    evidence: Evidence

    def cite(self, passage: Passage, sentence: Sentence, quotes: dict[int, Sentence]) -> int:
        for n, quoted in quotes.items():
            if quoted == sentence:
                return n
        for n, candidate in enumerate(self.evidence.passages, 1):
            if candidate.passage_id == passage.passage_id and n not in quotes:
                quotes[n] = sentence
                return n
        self.evidence.passages.append(passage)
        n = len(self.evidence.passages)
        quotes[n] = sentence
        return n


def passage_of(fact: Fact, evidence: Evidence) -> tuple[Passage, Sentence] | None:
    for passage in evidence.passages + evidence.library:
        if passage.doc == fact.doc and passage.start <= fact.start and fact.end <= passage.end:
            for sentence in passage.sentences:
                if sentence.start == fact.start and sentence.end == fact.end:
                    return passage, sentence
    return None


def _header_of(passage: Passage) -> Sentence | None:
    return passage.sentences[0] if passage.kind == "table" and passage.sentences else None


def cite_source(fact: Fact, evidence: Evidence, quotes: dict[int, Sentence], cites: Cites) -> str:
    """“row” [n] under “header” [m], or the sentence quoted and cited."""
    found = passage_of(fact, evidence)
    if found is None:
        return ""
    passage, sentence = found
    n = cites.cite(passage, sentence, quotes)
    header = _header_of(passage)
    if header is None or header == sentence:
        return f"“{sentence.text}” [{n}]"
    m = cites.cite(passage, header, quotes)
    return f"“{sentence.text}” [{n}], under “{header.text}” [{m}]"


def quoted(fact: Fact, evidence: Evidence) -> Draft | None:
    """The answer that is the fact's own sentence (or table row), quoted and cited."""
    quotes: dict[int, Sentence] = {}
    source = cite_source(fact, evidence, quotes, Cites(evidence))
    return Draft(text=source, quotes=quotes) if source else None


def worked_out_draft(
    result: Fact, inputs: list[Fact], evidence: Evidence, what: str, sources_needed: int = 1
) -> Draft | None:
    """ "21 ferries more, computed as 21 = 52 − 31. “…” [1] “…” [2]": the figure, ``what`` it is,
    its formula, then each input's source once; None, citing nothing, unless every input's source
    is found and they are at least ``sources_needed`` apart."""
    found = [passage_of(f, evidence) for f in inputs]
    if (
        any(f is None for f in found)
        or len({(p.passage_id, s.start) for p, s in found}) < sources_needed
    ):
        return None
    quotes: dict[int, Sentence] = {}
    sources = cite_sources(inputs, evidence, quotes, Cites(evidence))
    claim = f"{value_text(result)} {what}, computed as {result.formula}"
    return Draft(
        text=f"{claim}. " + " ".join(sources),
        quotes=quotes,
        grounded=[(claim, [result, *inputs])],
    )


def fact_label(fact: Fact) -> str:
    parts = [fact.subject, fact.measure] if fact.origin == "table" else [fact.subject]
    return ", ".join(p for p in parts if p)


def value_text(fact: Fact) -> str:
    text = format_value(round(abs(fact.value), 2) if fact.derived else abs(fact.value))
    if fact.value < 0:
        text = f"−{text}"
    if fact.unit == "%":
        return f"{text}%"
    symbol, _, rest = fact.unit.partition(" ")
    if symbol in _CURRENCY:  # "$3,227.8", "€42 million"
        return f"{symbol}{text} {rest}".strip()
    return f"{text} {fact.unit}".strip()


def cite_sources(
    facts: list[Fact], evidence: Evidence, quotes: dict[int, Sentence], cites: Cites
) -> list[str]:
    """Each fact's source once: two cells of one row quote that row once."""
    return list(
        dict.fromkeys(s for s in (cite_source(f, evidence, quotes, cites) for f in facts) if s)
    )


def as_asked(q: Question, years: Iterable[int]) -> str:
    """Years as the question wrote them ("FY2014", "2017/18"), so the answer repeats its words."""
    written = {}
    for m in find_numbers(q.text):
        if m.is_time:
            written.setdefault(int(m.value), m.text)
    return ", ".join(written.get(y, str(y)) for y in years)


def names_covered(q: Question, scored: Scored) -> bool:

    named = {t for n in q.names for t in tokenize(n)}
    return not (named & set(scored.missing))


def year_not_covered(
    q: Question, evidence: Evidence, facts: DocumentFacts, name: str
) -> Draft | None:
    """ "does not say for 2017": the measure is there, but not for the asked period."""
    anywhere = facts.rank(q.terms)
    if not anywhere or anywhere[0].coverage < MIN_FACT_COVERAGE:
        return None
    if all(facts.mentions_year(q.terms, y, MIN_FACT_COVERAGE) for y in q.years):
        return None  # the years are there, in words the facts did not pair: a sentence answers
    if any(not s.fact.period for s in anywhere if s.coverage >= MIN_FACT_COVERAGE):
        return None  # an undated statement ("during the period") may be the asked year's
    covering = [s.fact for s in anywhere if s.coverage >= MIN_FACT_COVERAGE][:6]
    best = covering[0]
    stated = sorted({y for f in covering for y in fact_years(f)} - set(q.years))
    asked = as_asked(q, q.years)
    quotes: dict[int, Sentence] = {}
    source = cite_source(best, evidence, quotes, Cites(evidence))
    years = ", ".join(map(str, stated)) or "other periods"
    claim = (
        does_not_say(name, "this", f"for {asked}")[:-1]
        + f"; it gives {fact_label(best)} for {years}"
    )
    text = f"{claim}{': ' + source if source else '.'}"
    return Draft(text=text, abstained=True, quotes=quotes, grounded=[(claim, covering)])
