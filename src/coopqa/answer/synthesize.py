"""Synthesizers turn retrieved evidence into a draft answer with [n] markers.

The extractive synthesizer needs no LLM: numbers come from the fact table with their quotes, other
answers are the best-supporting sentences quoted verbatim. The LLM synthesizer asks any LangChain
chat model for the same kind of draft. Either draft is then checked by the chain (citations,
numbers) before anyone sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..facts.phrasing import CHANGE, figure, join_items
from ..ingest.corpus import Passage, Sentence, normalize_for_match
from ..params import fitted
from .wording import (
    capitalize,
    covers,
    elide,
    lead_and_quote,
    leans_on_earlier,
    mentions_period,
    quoted,
    source_name,
    value_span,
)

NUMERIC_QUESTION = re.compile(
    r"\b(how (many|much|long|often)|number of|what (year|date|month)|when|"
    r"which (fiscal )?(year|month)|numbers|figures|"
    r"total|combined|altogether|in all|sum|difference|more than|fewer|less than|count|"
    r"how old|what was the (size|figure))\b",
    re.IGNORECASE,
)


# A second supporting sentence is quoted when it scores within this of the best one.
SECOND_SENTENCE_MARGIN = fitted("second_sentence_margin")
# Sentences of higher-ranked passages win ties: this, divided by the passage's rank.
PASSAGE_RANK_BONUS = fitted("passage_rank_bonus")


@dataclass
class Evidence:
    """Everything a synthesizer may use; passages are cited as [1]..[n] in this order."""

    question: str
    passages: list[Passage]
    sentence_scores: dict[tuple[str, int], float] = field(default_factory=dict)
    sentence_similarity: dict[tuple[str, int], float] = field(default_factory=dict)  # cosine only
    facts: list[Any] = field(default_factory=list)  # FactMatch, best first
    not_stated: Any | None = None  # NotStated from the fact table
    premise_notes: list[str] = field(default_factory=list)
    premise_facts: list[list[Any]] = field(default_factory=list)  # the facts each note states
    in_scope: bool = True
    table: Any | None = None  # FactTable, to resolve a derived fact's inputs
    numeric: bool = False  # the question asks for a number, date or duration
    library: list[Passage] = field(default_factory=list)  # every passage, to cite a fact's source
    unreported: str | None = None  # why the chapter cannot answer, as a sentence


@dataclass
class Draft:
    text: str
    abstained: bool = False
    quotes: dict[int, Sentence] = field(default_factory=dict)  # [n] -> the sentence it quotes
    grounded: list[tuple[str, list[Any]]] = field(default_factory=list)  # fragment, its facts
    backend: str = "extractive"
    short: str | list[str] | None = None  # the bare answer, when the step that wrote it knows it


class Synthesizer(Protocol):
    name: str

    def synthesize(self, evidence: Evidence) -> Draft: ...


def is_numeric_question(question: str) -> bool:
    return bool(NUMERIC_QUESTION.search(question))


def best_sentences(
    evidence: Evidence, limit: int = 2, margin: float = SECOND_SENTENCE_MARGIN
) -> list[tuple[int, Sentence, float]]:
    """(passage number, sentence, score), best first, from the passages in evidence: those
    within ``margin`` of the best."""
    ranked = []
    for n, passage in enumerate(evidence.passages, 1):
        for i, sentence in enumerate(passage.sentences):
            score = evidence.sentence_scores.get((passage.passage_id, i), 0.0)
            ranked.append((n, sentence, score + PASSAGE_RANK_BONUS / n))
    ranked.sort(key=lambda r: -r[2])
    if not ranked:
        return []
    top = ranked[0][2]
    return [r for r in ranked[:limit] if r[2] >= top - margin]


def locate_quote(quote: str, passages: list[Passage]) -> tuple[int, Sentence] | None:
    """The passage number and sentence that hold ``quote`` (or overlap it most)."""
    wanted = normalize_for_match(quote)
    best: tuple[float, int, Sentence] | None = None
    for n, passage in enumerate(passages, 1):
        for sentence in passage.sentences:
            have = normalize_for_match(sentence.text)
            if wanted in have or have in wanted:
                overlap = min(len(have), len(wanted)) / max(len(have), len(wanted), 1)
                if best is None or overlap > best[0]:
                    best = (overlap, n, sentence)
    return (best[1], best[2]) if best else None


def locate_fact(fact: Any, evidence: Evidence) -> tuple[int, Sentence] | None:
    """Where a fact's quote is: in a retrieved passage, or else in one added to the evidence."""
    found = locate_quote(fact.quote, evidence.passages)
    if found is not None:
        return found
    for passage in evidence.library:
        if locate_quote(fact.quote, [passage]):
            evidence.passages.append(passage)
            return locate_quote(fact.quote, evidence.passages)
    return None


# Fact kinds whose value is a point in time (a year, a date): the quote keeps them (a year is
# plain text, not a quantity stated twice).
TIME_FACT_KINDS = frozenset({"fiscal_year", "year", "date"})


def cite_sentence(
    evidence: Evidence, n: int, sentence: Sentence, quotes: dict[int, Sentence]
) -> int:
    """The marker that cites ``sentence`` of passage [n]: [n] itself when free, else the same
    passage listed again, so each quoted sentence has its own citation."""
    for m, quoted_sentence in quotes.items():
        if quoted_sentence == sentence and evidence.passages[m - 1] is evidence.passages[n - 1]:
            return m
    if n not in quotes:
        quotes[n] = sentence
        return n
    evidence.passages.append(evidence.passages[n - 1])
    m = len(evidence.passages)
    quotes[m] = sentence
    return m


def antecedent_of(
    passage: Passage, sentence: Sentence, library: list[Passage] = ()
) -> tuple[Passage, Sentence] | None:
    """The sentence just before ``sentence`` when ``sentence`` leans on it: in its passage, or
    for a passage's first sentence the last one of the passage before it under the same heading."""
    if not leans_on_earlier(sentence.text):
        return None
    for i, candidate in enumerate(passage.sentences):
        if candidate.start == sentence.start and i > 0:
            return passage, passage.sentences[i - 1]
    before = [
        p
        for p in library
        if p.doc == passage.doc
        and (passage.section + " > ").startswith(p.section + " > ")  # its section or a parent
        and p.end <= passage.start
        and p.sentences
        and p.kind != "table"
    ]
    if not before:
        return None
    previous = max(before, key=lambda p: p.end)
    return previous, previous.sentences[-1]


def cite_antecedent(evidence: Evidence, n: int, quotes: dict[int, Sentence]) -> int | None:
    """The marker of the sentence that quote [n] leans on, cited; None when [n] stands alone or
    that sentence is quoted already."""
    found = antecedent_of(evidence.passages[n - 1], quotes[n], evidence.library)
    if found is None or found[1] in quotes.values():
        return None
    passage, earlier = found
    if passage is evidence.passages[n - 1]:
        return cite_sentence(evidence, n, earlier, quotes)
    evidence.passages.append(passage)
    quotes[len(evidence.passages)] = earlier
    return len(evidence.passages)


def quote_with_antecedent(evidence: Evidence, n: int, quotes: dict[int, Sentence]) -> str:
    """“sentence” [n], after the sentence it leans on when it does: “earlier” [m] “sentence” [n]."""
    earlier = cite_antecedent(evidence, n, quotes)
    if earlier is None:
        return quoted(quotes[n].text, n)
    return f"{quoted(quotes[earlier].text, earlier)} {quoted(quotes[n].text, n)}"


def _lead(fact: Any, sentence: str) -> str:
    """The figure an answer opens with: its value, with its period when the sentence lacks it."""
    value = (
        figure(fact.value_text(), fact.measure) if CHANGE.match(fact.measure) else fact.value_text()
    )
    when = fact.when()
    if not when or mentions_period(sentence, f"{fact.period} {fact.scope}"):
        return value
    return f"{value} {when}"


def derived_figure(fact: Any, inputs_follow: bool = False) -> str:
    """ "147 persons newly dispatched in FY2011 (derived: 143 + 4)"; when the answer lists the
    inputs right after, the formula is not spelled out, so no input is stated twice."""
    how = "derived from the figures that follow" if inputs_follow else f"derived: {fact.formula}"
    return f"{figure(fact.value_text(), fact.measure, fact.when())} ({how})"


_LIST_WORDS = re.compile(
    r"\b(each|list|respectively|every one|all three|both|summari[sz]e)\b", re.I
)


class ExtractiveSynthesizer:
    """Answers from the fact table and verbatim sentences only: offline, never paraphrasing."""

    name = "extractive"

    def synthesize(self, evidence: Evidence) -> Draft:
        if not evidence.in_scope or not evidence.passages:
            return _abstain_out_of_scope(evidence)
        if evidence.unreported:
            return self._unreported(evidence)
        if evidence.not_stated is not None:
            return self._not_stated(evidence)
        if evidence.numeric and evidence.facts:
            draft = self._from_facts(evidence)
            if draft is not None:
                return draft
        return self._from_sentences(evidence)

    def _from_facts(self, evidence: Evidence) -> Draft | None:
        """Each figure leads, phrased from its value, unit and period; its sentence follows with
        the figure elided, so no number is stated twice. A derived figure shows its formula."""
        said = {f.id for facts in evidence.premise_facts for f in facts}
        chosen = [f for f in _chosen_facts(evidence) if f.id not in said]
        quotes: dict[int, Sentence] = {}
        lines = premise_lines(evidence, quotes)
        if not chosen:
            return Draft(text=" ".join(lines), quotes=quotes) if lines else None
        grounded: list[tuple[str, list[Any]]] = []
        stated: dict[int, list[Any]] = {}  # [n] -> the stated facts its sentence gives
        sequence: list[int] = []  # markers in the order the answer first uses them
        for fact in chosen:
            sources = [fact]
            if fact.derived and evidence.table is not None:
                sources = [f for f in map(evidence.table.get, fact.inputs) if f is not None]
            cited = []
            for source in sources:
                found = locate_fact(source, evidence)
                if found is None:
                    continue
                cited.append(cite_sentence(evidence, found[0], found[1], quotes))
            if not cited:
                if fact is chosen[0]:
                    return None
                continue
            sequence += cited
            if fact.derived:
                listed = set(fact.inputs) <= {f.id for f in chosen}  # its inputs follow
                claim = capitalize(derived_figure(fact, listed))
                lines.append(f"{claim} {''.join(f'[{n}]' for n in dict.fromkeys(cited))}.")
                grounded.append((claim, [fact]))
            else:
                stated.setdefault(cited[0], []).append(fact)
        for n in [n for n in dict.fromkeys(sequence) if n in stated]:
            facts = stated[n]
            sentence = quotes[n]
            lead = join_items([_lead(f, sentence.text) for f in facts])
            values = [(f.value, False) for f in facts if f.kind not in TIME_FACT_KINDS]
            earlier = cite_antecedent(evidence, n, quotes)
            if earlier:
                spans = [s for v, t in values if (s := value_span(sentence.text, v, time=t))]
                lines.append(
                    f"{capitalize(lead)}: {quoted(quotes[earlier].text, earlier)} "
                    f"{quoted(elide(sentence.text, spans), n)}"
                )
            else:
                lines.append(lead_and_quote(lead, sentence.text, values, n))
            grounded.append((capitalize(lead), facts))
        return Draft(text=" ".join(_unique(lines)), quotes=quotes, grounded=grounded)

    def _from_sentences(self, evidence: Evidence) -> Draft:
        picks = best_sentences(evidence)
        quotes: dict[int, Sentence] = {}
        lines = premise_lines(evidence, quotes)
        for n, sentence, _ in picks:
            if n in quotes:
                continue
            quotes[n] = sentence
            lines.append(quote_with_antecedent(evidence, n, quotes))
        return Draft(text=" ".join(_unique(lines)), quotes=quotes)

    def _unreported(self, evidence: Evidence) -> Draft:
        picks = best_sentences(evidence, limit=1)
        text = evidence.unreported
        echo = [(text, [])]  # repeats the question's own words: no claim to check
        if not picks:
            return Draft(text=text, abstained=True, grounded=echo)
        n, sentence, _ = picks[0]
        quotes = {n: sentence}
        return Draft(
            text=f"{text} The nearest it reports: {quote_with_antecedent(evidence, n, quotes)}",
            abstained=True,
            quotes=quotes,
            grounded=echo,
        )

    def _not_stated(self, evidence: Evidence) -> Draft:
        ns = evidence.not_stated
        quotes: dict[int, Sentence] = {}
        marks = []
        for fact in list(getattr(ns, "related", []))[:2]:
            found = locate_fact(fact, evidence)
            if found:
                quotes[found[0]] = found[1]
                marks.append(f"[{found[0]}]")
        name = source_name(evidence.table)
        text = (
            ns.message
            if ns.message.startswith(f"The {name} does not")
            else (f"The {name} does not say. {ns.message}")
        )
        related = list(getattr(ns, "related", []))
        return Draft(
            text=f"{text} {''.join(dict.fromkeys(marks))}".strip(),
            abstained=True,
            quotes=quotes,
            grounded=[(text, related)],
        )


def premise_lines(evidence: Evidence, quotes: dict[int, Sentence]) -> list[str]:
    """Premise corrections, each cited to the sentences that state its facts."""
    lines = []
    for i, note in enumerate(evidence.premise_notes):
        facts = evidence.premise_facts[i] if i < len(evidence.premise_facts) else []
        marks = []
        for fact in facts:
            found = locate_fact(fact, evidence)
            if found is not None:
                quotes.setdefault(found[0], found[1])
                marks.append(f"[{found[0]}]")
        lines.append(f"{note} {''.join(dict.fromkeys(marks))}".rstrip())
    return lines


def _chosen_facts(evidence: Evidence) -> list[Any]:
    """The best fact; for "each"/"list" questions also its siblings: the same measure for other
    programmes, or other measures of the same programme and period."""
    best = evidence.facts[0].fact
    if not _LIST_WORDS.search(evidence.question):
        return [best]
    siblings = [
        m.fact
        for m in evidence.facts[1:8]
        if not m.fact.derived
        and m.fact.period == best.period
        and (m.fact.measure == best.measure) != (m.fact.subject == best.subject)
    ]
    return [best, *siblings[:3]]


def _unique(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(lines))


def _abstain_out_of_scope(evidence: Evidence) -> Draft:
    """Nothing is close to the question: say what the documents do cover, from their headings."""
    headings = [p.section.split(" > ")[0] for p in evidence.library]
    return Draft(text=covers(source_name(evidence.table), headings), abstained=True)


def phrase(fact: Any) -> str:
    """A fact as an answer clause, from its value, measure and period (its subject is a label,
    not prose); a derived one says how it was computed."""
    return (
        derived_figure(fact)
        if fact.derived
        else figure(fact.value_text(), fact.measure, fact.when())
    )
